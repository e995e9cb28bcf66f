package server_test

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"trots/accounts"
	"trots/questionnaires"
	"trots/server"
	"trots/survey"
	"trots/survey/demo"
	"trots/survey/storetest"
)

// The participation of an open pulse is counted once a day by default:
// answers that arrive after a look show the next day, not at the next
// look, so that watching the page cannot tell when someone answered; the
// page says when it was counted and why.
func TestOpenParticipationIsCountedOnceADay(t *testing.T) {
	clock := storetest.NewClock(time.Now().UTC())
	st, err := survey.Open(ctx, storetest.SQLiteDSN(t), survey.Options{Now: clock.Now})
	must(t, err)
	t.Cleanup(func() { st.Close() })
	q, err := questionnaires.Load("advocacy-readiness")
	must(t, err)
	d, err := st.CreateDepartment(ctx, survey.Department{Name: "Sales", Headcount: 20, ExternallyVisible: true})
	must(t, err)
	p := storetest.MustOpenPulse(t, st, q.ID, q.Version)
	links, err := st.Links(ctx, p.ID)
	must(t, err)
	answers := demo.Generate(q, 1).Departments[0].Responses
	submit := func(n int) {
		for i := range n {
			dec := survey.DecodeAnswers(q, answers[i%len(answers)].Values())
			_, err := st.Submit(ctx, survey.Submission{Link: links[0], Key: survey.NewID(), Answers: dec.Answers, Comments: dec.Comments})
			must(t, err)
		}
	}
	if links[0].DepartmentID != d.ID {
		t.Fatal("the pulse's link is not Sales'")
	}
	_, err = accounts.New(st).CreateUser(ctx, accounts.User{Email: "admin@example.org", Role: accounts.RoleAdmin}, testPassword)
	must(t, err)
	e := &consoleEnv{t: t, store: st}
	e.srv = httptest.NewServer(server.New(server.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)), st, accounts.New(st)).Handler())
	t.Cleanup(e.srv.Close)
	look := func() (rate, counted string) {
		b := e.browser()
		b.login("admin@example.org")
		page := b.get("/participation?lang=en&pulse=" + p.ID)
		doc := parseHTML(t, page.body)
		for _, r := range []string{"30%", "45%"} {
			if strings.Contains(text(doc.byID("participation")), r) {
				rate = r
			}
		}
		return rate, text(doc.byID("participation-counted"))
	}

	submit(6)
	rate, counted := look()
	if rate != "30%" || !strings.Contains(counted, "Counted at") || !strings.Contains(counted, "24 hours") {
		t.Fatalf("first look: rate %q, %q; want 6 of 20 and when it was counted", rate, counted)
	}
	submit(3)
	clock.Advance(23 * time.Hour)
	if rate, _ := look(); rate != "30%" {
		t.Fatalf("a look 23 hours later shows %q: the 3 new answers show before the day is over", rate)
	}
	clock.Advance(time.Hour)
	if rate, counted := look(); rate != "45%" || !strings.Contains(counted, "Counted at") {
		t.Fatalf("a day later: rate %q, %q; want 9 of 20", rate, counted)
	}
	// The close forgets the snapshot: the closed pulse's counts are its
	// stored results'.
	var rows int64
	must(t, st.ClosePulse(ctx, p.ID))
	w, _ := st.Handles()
	must(t, w.Raw("SELECT COUNT(*) FROM participation_snapshots").Scan(&rows).Error)
	if rows != 0 {
		t.Fatalf("%d participation snapshots after the close", rows)
	}
}
