package server_test

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"trots/accounts"
	"trots/analysis"
	"trots/questionnaires"
	"trots/server"
	"trots/survey"
	"trots/survey/demo"
	"trots/survey/results"
	"trots/survey/storetest"
)

// newTreeTiedEnv is a running trots with a two-level tree and an open
// pulse: directorate North (no staff of its own) over Alfa (3
// respondents, below k = 5) and Bravo (8); directorate South over Foxtrot
// (6) and Golf (10). Foxtrot is the smallest count of the organisation,
// Bravo the smallest beside Alfa.
func newTreeTiedEnv(t *testing.T) *tiedEnv {
	t.Helper()
	return newShapedEnv(t, []shapedDepartment{{"North", "", 0, 20}, {"Alfa", "North", 3, 20}, {"Bravo", "North", 8, 20},
		{"South", "", 0, 20}, {"Foxtrot", "South", 6, 20}, {"Golf", "South", 10, 20}})
}

// shapedDepartment is a department of newShapedEnv: its parent's name,
// its number of respondents and its headcount.
type shapedDepartment struct {
	name, parent    string
	size, headcount int
}

// newShapedEnv is a running trots with the departments given (parents
// first) and an open pulse with their respondents.
func newShapedEnv(t *testing.T, tree []shapedDepartment) *tiedEnv {
	t.Helper()
	st := storetest.Open(t, storetest.SQLiteDSN(t))
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		t.Fatal(err)
	}
	e := &tiedEnv{consoleEnv: &consoleEnv{t: t, store: st}, ids: map[string]string{}}
	sizes := map[string]int{}
	for _, n := range tree {
		d, err := st.CreateDepartment(ctx, survey.Department{Name: n.name, Headcount: n.headcount, ExternallyVisible: true, ParentID: e.ids[n.parent]})
		if err != nil {
			t.Fatal(err)
		}
		e.ids[n.name], sizes[n.name] = d.ID, n.size
	}
	e.pulse = storetest.MustOpenPulse(t, st, q.ID, q.Version)
	links, err := st.Links(ctx, e.pulse.ID)
	if err != nil {
		t.Fatal(err)
	}
	answers := demo.Generate(q, 1).Departments[0].Responses
	i := 0
	for _, l := range links {
		for range sizes[nameOf(e.ids, l.DepartmentID)] {
			dec := survey.DecodeAnswers(q, answers[i%len(answers)].Values())
			i++
			if _, err := st.Submit(ctx, survey.Submission{Link: l, Key: survey.NewID(), Answers: dec.Answers, Comments: dec.Comments}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := accounts.New(st).CreateUser(ctx, accounts.User{Email: "admin@example.org", Role: accounts.RoleAdmin}, testPassword); err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(server.New(server.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)), st, accounts.New(st)).Handler())
	t.Cleanup(e.srv.Close)
	return e
}

// The attack: HR looks at the participation of the open pulse, closes it
// at once (no answer in between) and reads the published results. The
// open page applied the flat rule to each department's own count and hid
// Alfa (3) and the organisation's smallest count, Foxtrot (6), but showed
// Bravo's 8; the closed results apply the rule across levels and show
// North's pooled 11 (hiding Bravo instead). North 11 minus Bravo 8 is
// Alfa's 3. The last look at an open pulse must tell nothing that the
// first look after the close does not: both show the same counts.
func TestParticipationOfAnOpenTreeTellsNothingBeyondTheClose(t *testing.T) {
	e := newTreeTiedEnv(t)
	b := e.browser()
	b.login("admin@example.org")
	open, openTotal := e.participation(b)
	if open[e.ids["Alfa"]] != "hidden" {
		t.Fatalf("Alfa's 3 shown while open: %v", open)
	}
	if _, err := results.Close(ctx, e.store, e.pulse.ID, analysis.DefaultConfig()); err != nil {
		t.Fatal(err)
	}
	closed, closedTotal := e.participation(b)
	out, err := results.Analyze(ctx, e.store, e.pulse.ID, analysis.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range out.Result.Departments {
		if g.Name != "North" || g.Figures == nil {
			continue
		}
		if v := open[e.ids["Bravo"]]; v != "hidden" && v != "0" {
			t.Errorf("published North n = %d and the open look's Bravo %s give Alfa's count by subtraction", g.N, v)
		}
	}
	if !sameLook(open, closed) || openTotal != closedTotal {
		t.Errorf("the open look differs from the closed one:\nopen   %v (%s)\nclosed %v (%s)\n(names: %v)", open, openTotal, closed, closedTotal, e.ids)
	}
}

// The attack on a single look: Alfa (3 answers of 3 employees) and Bravo
// (4 of 4) are below k = 5, and together 7, so the k rule alone showed
// Charlie's 10 and the total of 17. The page shows the headcounts too:
// the hidden 7 can only be 3 + 4 - everyone in Alfa and Bravo answered.
// The close's disclosure audit bounds hidden counts by their headcounts
// and hides Charlie too; the page of the open pulse must apply the same
// rule, so that neither one look nor the last look before the close
// beside the first after it gives a hidden count.
func TestParticipationOfAnOpenPulseRespectsHeadcounts(t *testing.T) {
	e := newShapedEnv(t, []shapedDepartment{{"Alfa", "", 3, 3}, {"Bravo", "", 4, 4}, {"Charlie", "", 10, 20}})
	b := e.browser()
	b.login("admin@example.org")
	open, openTotal := e.participation(b)
	if open[e.ids["Alfa"]] != "hidden" || open[e.ids["Bravo"]] != "hidden" {
		t.Fatalf("Alfa or Bravo shown: %v", open)
	}
	if open[e.ids["Charlie"]] != "hidden" && openTotal != "hidden" && !strings.Contains(openTotal, "fewer") {
		t.Errorf("Charlie %s and the total %s shown: the hidden rest is exactly Alfa's and Bravo's headcounts (3 + 4)",
			open[e.ids["Charlie"]], openTotal)
	}
	if _, err := results.Close(ctx, e.store, e.pulse.ID, analysis.DefaultConfig()); err != nil {
		t.Fatal(err)
	}
	closed, closedTotal := e.participation(b)
	if !sameLook(open, closed) || openTotal != closedTotal {
		t.Errorf("the open look differs from the closed one:\nopen   %v (%s)\nclosed %v (%s)\n(names: %v)", open, openTotal, closed, closedTotal, e.ids)
	}
}

// The same attack on the pulse's page: Alfa (3 of 3) and Bravo (4 of 4)
// alone, the total 7 is what both headcounts add up to - everyone
// answered. The close hides the organisation's total; the open pulse's
// page hid only a total below k.
func TestPulsePageTotalRespectsHeadcounts(t *testing.T) {
	e := newShapedEnv(t, []shapedDepartment{{"Alfa", "", 3, 3}, {"Bravo", "", 4, 4}})
	b := e.browser()
	b.login("admin@example.org")
	open := text(parseHTML(t, b.get("/pulses/"+e.pulse.ID+"?lang=en").body).byID("responses"))
	if open == "7" {
		t.Errorf("the open pulse's page shows the total 7 = Alfa's and Bravo's headcounts")
	}
	if _, err := results.Close(ctx, e.store, e.pulse.ID, analysis.DefaultConfig()); err != nil {
		t.Fatal(err)
	}
	closed := text(parseHTML(t, b.get("/pulses/"+e.pulse.ID+"?lang=en").body).byID("responses"))
	if open != closed {
		t.Errorf("the open pulse's total %q, after the close %q", open, closed)
	}
}
