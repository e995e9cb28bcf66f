package server_test

import (
	"io"
	"net/url"
	"sync"
	"testing"
	"time"

	"trots/server"
	"trots/survey/storetest"
)

// A double click on "Create pulse" (two identical posts, even at the same
// moment) makes one draft: a second identical draft would open on the same
// date with its own survey links, collect nothing, and become the
// "previous pulse" the next one is compared with. Both answers lead to the
// one draft.
func TestCreatePulseTwiceMakesOneDraft(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newConsoleEnv(t, dsn, server.Config{})
		b := e.browser()
		b.login("admin@example.org")
		before := e.pulseCount()
		opensDate, opensTime := localDate(time.Now().Add(48 * time.Hour))
		closesDate, closesTime := localDate(time.Now().Add(20 * 24 * time.Hour))
		form := url.Values{"name": {"Voorjaar"}, "questionnaire": {"pulse"}, "opens_date": {opensDate}, "opens_time": {opensTime},
			"closes_date": {closesDate}, "closes_time": {closesTime}, "_csrf": {b.csrf("/pulses")}}
		pages := make([]page, 3)
		errs := make([]error, len(pages))
		var wg sync.WaitGroup
		for i := range pages {
			wg.Go(func() {
				resp, err := b.c.PostForm(e.srv.URL+"/pulses", form)
				if err != nil {
					errs[i] = err
					return
				}
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				pages[i] = page{resp.StatusCode, resp.Header, string(body)}
			})
		}
		wg.Wait()
		ids := make([]string, len(pages))
		for i, p := range pages {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			ids[i] = pulseIDFrom(t, p)
		}
		if n := e.pulseCount() - before; n != 1 {
			t.Fatalf("three identical posts made %d pulses, want 1", n)
		}
		if ids[0] != ids[1] || ids[1] != ids[2] {
			t.Errorf("the posts lead to different pulses: %v", ids)
		}
		// A pulse that differs in anything is another pulse.
		form.Set("name", "Voorjaar 2")
		if id := pulseIDFrom(t, b.post("/pulses", form)); id == ids[0] || e.pulseCount()-before != 2 {
			t.Errorf("a differently named pulse was not created")
		}
	})
}
