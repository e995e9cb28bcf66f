package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"trots/server"
	"trots/survey/storetest"
)

// 500 respondents of one department send at once, from 50 connections: every
// answer is stored, exactly once, on both engines; none meets "database is
// locked".
func TestConcurrentSubmissionsOverHTTP(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newSurveyEnv(t, dsn, "pulse", server.Config{SurveyRate: 10000, SurveyBurst: 10000})
		const workers, each = 50, 10
		client := &http.Client{
			Timeout:       60 * time.Second,
			Transport:     &http.Transport{MaxIdleConnsPerHost: workers},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < each; i++ {
					req, err := http.NewRequest(http.MethodPost, e.formURL(), strings.NewReader(fullForm(e.q).Encode()))
					if err != nil {
						errs <- err
						return
					}
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					res, err := client.Do(req)
					if err != nil {
						errs <- fmt.Errorf("worker %d: %w", w, err)
						continue
					}
					res.Body.Close()
					if res.StatusCode != http.StatusSeeOther {
						errs <- fmt.Errorf("worker %d: status %d", w, res.StatusCode)
					}
				}
			}(w)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if n := e.responses(); n != workers*each {
			t.Fatalf("%d responses stored, want %d", n, workers*each)
		}
		if strings.Contains(e.logs.String(), "locked") {
			t.Fatalf("the log mentions a locked database:\n%s", e.logs.String())
		}
	})
}
