package server_test

import (
	"strings"
	"testing"

	"trots/analysis"
	"trots/server"
	"trots/survey/storetest"
)

// The board says why a department is not GO: the first reason of its
// verdict, in the page's language, next to the verdict.
func TestBoardSaysWhyNextToTheVerdict(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	b := e.browser()
	b.login("viewer@example.org")
	out := e.outcome()
	d := parseHTML(t, b.get("/board?lang=nl&pulse="+e.demo.Baseline.ID).body)
	rows := within(d.byID("board"), tag("tr", "class", "dept"))
	checked := 0
	for i, g := range out.Result.Departments {
		if g.Suppressed || g.Verdict == nil || g.Decision == analysis.Go || len(g.Reasons) == 0 {
			continue
		}
		want := analysis.ReasonText(g.Reasons[0].Kind, "nl", "")
		if want == "" || strings.Contains(g.Reasons[0].Kind, "below") || strings.Contains(g.Reasons[0].Kind, "pair") {
			continue // reasons that name a subject are worded per subject
		}
		cell := text(within(rows[i], tag("td"))[0])
		if !strings.Contains(cell, want) {
			t.Errorf("%s (%s): verdict cell %q lacks the reason %q", g.Name, g.Decision, cell, want)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no department with a reason of a fixed text: the test proves nothing")
	}
}
