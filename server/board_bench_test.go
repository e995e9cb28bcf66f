package server_test

import (
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"trots/accounts"
	"trots/analysis"
	"trots/questionnaires"
	"trots/server"
	"trots/survey"
	"trots/survey/results"
	"trots/survey/storetest"
)

// BenchmarkBoardLevel50 serves the board page of one level with 50
// children (a directorate of 50 teams of 8 to 15 respondents, in an
// organisation of three such directorates, its pulse closed with its
// final results), over loopback, to a logged-in viewer: the whole request
// at the server - session, stored results, tree, rows, heatmap, template.
// Goal: a median under 50 ms (README, Performance); cpu-ms/op is the
// CPU the request costs, which a loaded machine does not inflate.
//
//	go test ./server -run '^$' -bench BoardLevel50 -count 5
func BenchmarkBoardLevel50(b *testing.B) {
	st := storetest.Open(b, storetest.SQLiteDSN(b))
	q, err := questionnaires.Load("pulse")
	if err != nil {
		b.Fatal(err)
	}
	var dirs []survey.Department
	var teams []survey.Department
	for i := range 3 {
		dir, err := st.CreateDepartment(ctx, survey.Department{Name: fmt.Sprintf("Directie %d", i+1), Headcount: 3, ExternallyVisible: true})
		if err != nil {
			b.Fatal(err)
		}
		dirs = append(dirs, dir)
		for j := range 50 {
			team, err := st.CreateDepartment(ctx, survey.Department{Name: fmt.Sprintf("Team %d-%02d", i+1, j+1), Headcount: 20,
				ExternallyVisible: true, ParentID: dir.ID})
			if err != nil {
				b.Fatal(err)
			}
			teams = append(teams, team)
		}
	}
	p, err := st.CreatePulse(ctx, survey.Pulse{Name: "Bench pulse", QuestionnaireID: q.ID, QuestionnaireVersion: q.Version})
	if err != nil {
		b.Fatal(err)
	}
	if p, err = st.OpenPulse(ctx, p.ID); err != nil {
		b.Fatal(err)
	}
	links, err := st.Links(ctx, p.ID)
	if err != nil {
		b.Fatal(err)
	}
	linkOf := map[string]survey.Link{}
	for _, l := range links {
		linkOf[l.DepartmentID] = l
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, team := range teams {
		for range 8 + r.IntN(8) {
			v := url.Values{}
			for name, vals := range fullForm(q) {
				if id, ok := strings.CutPrefix(name, "a."); ok {
					v[id] = vals
				}
			}
			for _, it := range q.Items {
				if it.Scale.Type == questionnaires.Likert || it.Scale.Type == questionnaires.NPS {
					lo, hi := it.Scale.Points()
					v.Set(it.ID, strconv.Itoa(lo+r.IntN(hi-lo+1)))
				}
			}
			dec := survey.DecodeAnswers(q, v)
			if err := dec.Err(); err != nil {
				b.Fatal(err)
			}
			if _, err := st.Submit(ctx, survey.Submission{Link: linkOf[team.ID], Key: survey.NewID(), Answers: dec.Answers}); err != nil {
				b.Fatal(err)
			}
		}
	}
	if _, err := results.Close(ctx, st, p.ID, analysis.DefaultConfig()); err != nil {
		b.Fatal(err)
	}
	if _, err := accounts.New(st).CreateUser(ctx, accounts.User{Email: "viewer@example.org", Role: accounts.RoleViewer}, testPassword); err != nil {
		b.Fatal(err)
	}
	app := server.New(server.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)), st, accounts.New(st))
	srv := httptest.NewServer(app.Handler())
	b.Cleanup(func() { srv.Close(); app.Close() })
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(srv.URL+"/login", url.Values{"email": {"viewer@example.org"}, "password": {testPassword}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		b.Fatalf("login: %v %v", resp, err)
	}
	resp.Body.Close()
	page := srv.URL + "/board?lang=en&pulse=" + p.ID + "&node=" + dirs[0].ID
	get := func() string {
		resp, err := c.Get(page)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("board: %d", resp.StatusCode)
		}
		return string(body)
	}
	if rows := strings.Count(get(), `class="dept"`); rows != 51 {
		b.Fatalf("the level shows %d rows, want the directorate and its 50 teams", rows)
	}
	// On a shared machine the wall time mostly measures the wait for a
	// core; the process's CPU time per request (server and this client,
	// which only sends a GET and reads the page) says what the page costs.
	before := cpuTime()
	for b.Loop() {
		get()
	}
	b.ReportMetric(float64((cpuTime()-before).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
