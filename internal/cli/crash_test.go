package cli

import (
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"trots/survey"
	"trots/survey/storetest"
)

// A process killed mid-stream loses no acknowledged response. The real
// binary serves a pulse on a database while twelve clients submit through
// the form and the JSON API; after a number of acknowledgements (303 or
// 201) one of them kills it with SIGKILL, in the middle of whatever the
// writer is doing. That happens three times on the same database; then a
// fourth start must come up, take answers, and hold every acknowledged
// response exactly as it was sent - same department, same answers, its
// comment. A response committed whose acknowledgement never arrived is
// allowed (the client would retry with the same key and be told it was
// stored); it is counted. A row nobody sent is not allowed.
func TestCrashLosesNoAcknowledgedResponse(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		pulse, links := seedPulse(t, dsn, 8)
		r := newRespondent(t, 16)
		const cycles, acksPerCycle, workers = 3, 300, 12
		var (
			mu     sync.Mutex
			acked  = map[string]sent{}
			posted = map[string]bool{}
		)
		for cycle := 1; cycle <= cycles; cycle++ {
			p := startTrots(t, dsn)
			r.client = newClient(workers)
			var (
				n       atomic.Int64
				killing atomic.Bool
				once    sync.Once
				wg      sync.WaitGroup
			)
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; !killing.Load(); i++ {
						link := links[(w+i)%len(links)]
						var (
							s    sent
							code int
							err  error
						)
						if w%2 == 0 {
							s, code, err = r.submitForm(p.url, link, "", w*1000+i)
						} else {
							s, code, err = r.submitAPI(p.url, link, w*1000+i, "")
						}
						ok := err == nil && (code == http.StatusSeeOther || code == http.StatusCreated)
						mu.Lock()
						posted[s.key] = true
						if ok {
							acked[s.key] = s
						}
						mu.Unlock()
						switch {
						case ok && n.Add(1) == acksPerCycle:
							once.Do(func() {
								killing.Store(true)
								p.kill()
							})
						case ok:
						case killing.Load():
							return // the process is gone
						case err != nil:
							t.Errorf("cycle %d: before the kill: %v", cycle, err)
							return
						default:
							t.Errorf("cycle %d: before the kill: status %d", cycle, code)
							return
						}
					}
				}()
			}
			wg.Wait()
			if t.Failed() {
				t.Fatalf("stderr of trots serve:\n%s", p.stderr.String())
			}
		}

		p := startTrots(t, dsn)
		s, code, err := newRespondent(t, 1).submitForm(p.url, links[0], "", 1)
		if err != nil || code != http.StatusSeeOther {
			t.Fatalf("after %d crashes the service does not take answers: %d %v\n%s", cycles, code, err, p.stderr.String())
		}
		acked[s.key], posted[s.key] = s, true

		db := openAudit(t, dsn)
		rows, comments := db.responses(t, pulse.ID)
		// Responses are stored under a keyed hash of the client's key.
		keyFile := os.Getenv("TROTS_KEY_FILE")
		if keyFile == "" {
			keyFile = survey.DefaultKeyFile(dsn)
		}
		storedKey := func(key string) string {
			k, err := survey.StoredSubmissionKey(keyFile, key)
			if err != nil {
				t.Fatal(err)
			}
			return k
		}
		sentAs := map[string]string{} // stored key -> client key
		for key := range posted {
			sentAs[storedKey(key)] = key
		}
		need := map[string]int{}
		for key, s := range acked {
			row, ok := rows[storedKey(key)]
			switch {
			case !ok:
				t.Errorf("acknowledged response %s is missing", key)
			case row.dept != s.dept:
				t.Errorf("response %s is stored for department %s, sent for %s", key, row.dept, s.dept)
			case !sameAnswers(row.answers, s.answers):
				t.Errorf("response %s is stored as %+v, sent as %+v", key, row.answers, s.answers)
			}
			if s.comment != "" {
				need[s.dept+"|"+s.comment]++
			}
		}
		for c, k := range need {
			if comments[c] < k {
				t.Errorf("comment %q stored %d times, acknowledged %d times", c, comments[c], k)
			}
		}
		unacked := 0
		for stored := range rows {
			key, ok := sentAs[stored]
			switch {
			case !ok:
				t.Errorf("response %s is stored but was never sent", stored)
			case acked[key].key == "":
				unacked++
			}
		}
		if !strings.HasPrefix(dsn, "postgres") {
			var check string
			if err := db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
				t.Errorf("integrity_check after %d crashes: %q %v", cycles, check, err)
			}
		}
		t.Logf("%d crashes: %d acknowledged responses all present and intact; %d committed without an acknowledgement; %d sent",
			cycles, len(acked), unacked, len(posted))
		if code := p.stop(); code != 0 {
			t.Errorf("trots serve exited %d after SIGTERM; stderr:\n%s", code, p.stderr.String())
		}
	})
}
