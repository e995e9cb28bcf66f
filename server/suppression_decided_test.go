package server_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"regexp"
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

// tiedEnv is a running trots whose organisation has two departments of
// equal size next to a small one: Alfa 3 respondents (below k = 5),
// Bravo and Charlie 6 each (one of them must be hidden too, or the
// organisation's total minus the shown counts gives Alfa's 3), Delta 20,
// and Echo without respondents.
type tiedEnv struct {
	*consoleEnv
	pulse survey.Pulse
	ids   map[string]string // name at the start -> id
}

func newTiedEnv(t *testing.T) *tiedEnv {
	t.Helper()
	st := storetest.Open(t, storetest.SQLiteDSN(t))
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		t.Fatal(err)
	}
	e := &tiedEnv{consoleEnv: &consoleEnv{t: t, store: st}, ids: map[string]string{}}
	sizes := map[string]int{"Alfa": 3, "Bravo": 6, "Charlie": 6, "Delta": 20, "Echo": 0}
	for _, name := range []string{"Alfa", "Bravo", "Charlie", "Delta", "Echo"} {
		d := storetest.MustDepartment(t, st, name, 30)
		e.ids[name] = d.ID
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

func nameOf(ids map[string]string, id string) string {
	for n, i := range ids {
		if i == id {
			return n
		}
	}
	return ""
}

// look is what a page shows per department id: its count, or "hidden".
type look map[string]string

// participation reads /participation of the pulse, by department id
// (names are mapped to ids through the store's current names, or the
// names at the start for a department deleted since).
func (e *tiedEnv) participation(b *browser) (look, string) {
	e.t.Helper()
	deps, err := e.store.Departments(ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	byName := map[string]string{}
	for n, id := range e.ids {
		byName[n] = id
	}
	for _, d := range deps {
		byName[d.Name] = d.ID
	}
	d := parseHTML(e.t, b.get("/participation?lang=en&pulse="+e.pulse.ID).body)
	out := look{}
	for _, r := range within(d.byID("participation"), tag("tr", "class", "dept")) {
		name := text(within(r, tag("th"))[0])
		v := text(within(r, tag("td"))[1])
		if v == "not shown yet" { // an open pulse's word for hidden
			v = "hidden"
		}
		out[byName[name]] = v
	}
	total := text(within(d.one(tag("tr", "class", "total"), "total row"), tag("td"))[1])
	return out, total
}

// board reads the board's rows by department id: "hidden" or "n = N".
func (e *tiedEnv) board(b *browser) look {
	e.t.Helper()
	d := parseHTML(e.t, b.get("/board?lang=en&pulse="+e.pulse.ID).body)
	out := look{}
	for _, r := range within(d.byID("board"), tag("tr", "class", "dept")) {
		id := attr(r, "data-department")
		if len(within(r, tag("td", "class", "suppressed"))) > 0 {
			out[id] = "hidden"
			continue
		}
		s := text(r)
		out[id] = strings.TrimSpace(s[strings.LastIndex(s, "n = ")+4:])
		out[id] = strings.Fields(out[id])[0]
	}
	return out
}

func hiddenOf(l look) []string {
	var out []string
	for id, v := range l {
		if v == "hidden" {
			out = append(out, id)
		}
	}
	return sortedStrings(out)
}

func sortedStrings(xs []string) []string {
	for i := range xs {
		for j := i + 1; j < len(xs); j++ {
			if xs[j] < xs[i] {
				xs[i], xs[j] = xs[j], xs[i]
			}
		}
	}
	return xs
}

func sameLook(a, b look) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// The finding "renaming after close moves the suppression", on an open
// pulse: two looks at the participation with a rename in between (and
// no new answer) hid different departments of the tied pair, so both
// counts of 6 were seen and Alfa's 3 followed from the total. Ties are
// now broken by department id: both looks hide the same.
func TestParticipationOfAnOpenPulseHidesTheSameAfterARename(t *testing.T) {
	e := newTiedEnv(t)
	b := e.browser()
	b.login("admin@example.org")
	before, total := e.participation(b)
	if before[e.ids["Alfa"]] != "hidden" {
		t.Fatalf("Alfa's 3 shown: %v", before)
	}
	if h := hiddenOf(before); len(h) != 3 { // Alfa, Echo (0) and one of the tied pair
		t.Fatalf("hidden %v, want Alfa, Echo and one of Bravo and Charlie", h)
	}
	// Rename whichever of the pair is shown so that it sorts first.
	shownTied := e.ids["Bravo"]
	if before[shownTied] == "hidden" {
		shownTied = e.ids["Charlie"]
	}
	d, err := e.store.Department(ctx, shownTied)
	if err != nil {
		t.Fatal(err)
	}
	d.Name = "Aaa " + d.Name
	if err := e.store.UpdateDepartment(ctx, d); err != nil {
		t.Fatal(err)
	}
	after, total2 := e.participation(b)
	if !sameLook(before, after) || total != total2 {
		t.Fatalf("the rename moved the hidden cells:\nbefore %v (%s)\nafter  %v (%s)", before, total, after, total2)
	}
}

// The finding "renaming after close moves the suppression", on a closed
// pulse: the board used the results stored at close, the participation
// page recomputed with today's names, and after a rename the two pages
// hid different departments. Now every page reads the stored results:
// board and participation agree, and a rename, a headcount edit and the
// deletion of a department after the close change nothing they show.
func TestClosedPulseShowsTheSameWhateverHappensToDepartments(t *testing.T) {
	e := newTiedEnv(t)
	b := e.browser()
	b.login("admin@example.org")
	if _, err := results.Close(ctx, e.store, e.pulse.ID, analysis.DefaultConfig()); err != nil {
		t.Fatal(err)
	}
	part, total := e.participation(b)
	board := e.board(b)
	if !sameLook(part, board) {
		t.Fatalf("participation and board disagree:\nparticipation %v\nboard %v", part, board)
	}
	if board[e.ids["Alfa"]] != "hidden" {
		t.Fatalf("Alfa's 3 shown: %v", board)
	}
	pulses := b.get("/pulses?lang=en").body

	// Rename the shown one of the tied pair so that it sorts first,
	// change a headcount, try to delete the department without respondents.
	for _, name := range []string{"Bravo", "Charlie"} {
		if board[e.ids[name]] != "hidden" {
			d, _ := e.store.Department(ctx, e.ids[name])
			d.Name = "Aaa " + name
			if err := e.store.UpdateDepartment(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
	}
	d, _ := e.store.Department(ctx, e.ids["Delta"])
	d.Headcount = 21
	if err := e.store.UpdateDepartment(ctx, d); err != nil {
		t.Fatal(err)
	}
	// Echo had no answers, but whether a department may be deleted does
	// not depend on that (it would tell who answered in a small one):
	// it takes part in a pulse whose answers are kept.
	if err := e.store.DeleteDepartment(ctx, e.ids["Echo"]); survey.ErrorKey(err) != "department_has_responses" {
		t.Fatalf("deleting Echo: %v, want department_has_responses", err)
	}
	part2, total2 := e.participation(b)
	board2 := e.board(b)
	if !sameLook(part, part2) || total != total2 {
		t.Errorf("participation changed after the actions:\nbefore %v (%s)\nafter  %v (%s)", part, total, part2, total2)
	}
	if !sameLook(board, board2) {
		t.Errorf("board changed after the actions:\nbefore %v\nafter  %v", board, board2)
	}
	if pulses2 := b.get("/pulses?lang=en").body; withoutCSRF(pulses2) != withoutCSRF(pulses) {
		t.Errorf("the pulse list changed after the actions")
	}
	// Headcounts as of the close: Delta still shows 30.
	doc := parseHTML(t, b.get("/participation?lang=en&pulse="+e.pulse.ID).body)
	found := false
	for _, r := range within(doc.byID("participation"), tag("tr", "class", "dept")) {
		if text(within(r, tag("th"))[0]) == "Delta" {
			found = true
			if hc := text(within(r, tag("td"))[0]); hc != "30" {
				t.Errorf("Delta's headcount %s, want 30 as of the close", hc)
			}
		}
	}
	if !found {
		t.Error("no Delta row")
	}
}

// Results the anonymity audit did not pass are withheld: the board and
// the participation page say so and show no figure.
func TestWithheldResultsShowNothing(t *testing.T) {
	e := newTiedEnv(t)
	b := e.browser()
	b.login("admin@example.org")
	if err := e.store.ClosePulse(ctx, e.pulse.ID); err != nil {
		t.Fatal(err)
	}
	q, err := results.Questionnaire(e.pulse)
	if err != nil {
		t.Fatal(err)
	}
	in, err := results.Input(ctx, e.store, e.pulse, q, analysis.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	res, err := analysis.Analyze(in)
	if err != nil {
		t.Fatal(err)
	}
	res.Audit = &analysis.AuditRecord{Disclosed: []analysis.Disclosure{{Cell: analysis.Cell{Family: analysis.FamilyRespondents, Group: e.ids["Alfa"]},
		Variable: "respondents", Low: 3, High: 3}}}
	raw, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.SavePulseResult(ctx, e.pulse.ID, raw); err != nil {
		t.Fatal(err)
	}
	board := b.get("/board?lang=en&pulse=" + e.pulse.ID)
	d := parseHTML(t, board.body)
	if board.status != 200 || !strings.Contains(text(d.byID("withheld")), "Results withheld: the anonymity audit found") {
		t.Fatalf("board %d: %q", board.status, text(d.byID("withheld")))
	}
	if strings.Contains(board.body, "n = ") {
		t.Error("the board shows a figure of withheld results")
	}
	part := b.get("/participation?lang=en&pulse=" + e.pulse.ID)
	if part.status != 200 || !strings.Contains(part.body, "Results withheld") || strings.Contains(part.body, ">20<") {
		t.Errorf("participation %d shows figures of withheld results or no word about them", part.status)
	}
}

// withoutCSRF blanks the CSRF tokens of a page: they are masked afresh in
// every response (maskedCSRF), so two looks at one page differ there.
func withoutCSRF(page string) string {
	return regexp.MustCompile(`name="_csrf" value="[^"]*"`).ReplaceAllString(page, `name="_csrf" value=""`)
}
