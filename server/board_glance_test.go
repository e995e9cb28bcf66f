package server_test

import (
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"trots/analysis"
	"trots/server"
	"trots/server/i18n"
	"trots/survey/storetest"
)

// heatCells reads the heatmap: per department id, the criterion's class
// and text, from the header's data-criterion columns.
func heatCells(t *testing.T, d doc) map[string]map[string][2]string {
	t.Helper()
	hm := d.byID("heatmap")
	var crits []string
	for _, th := range within(hm, tag("th", "scope", "col")) {
		if c := attr(th, "data-criterion"); c != "" {
			crits = append(crits, c)
		}
	}
	if len(crits) < 4 {
		t.Fatalf("heatmap has %d criterion columns: %v", len(crits), crits)
	}
	out := map[string]map[string][2]string{}
	for _, tr := range within(hm, func(n *html.Node) bool { return n.Data == "tr" && hasAttr(n, "data-department") }) {
		cells := map[string][2]string{}
		tds := within(tr, func(n *html.Node) bool { return n.Data == "td" && hasAttr(n, "data-judgement") })
		for i, td := range tds {
			num := within(td, tag("span", "class", "num"))
			if len(num) != 1 {
				t.Fatalf("heat cell without its value as text")
			}
			cells[crits[i]] = [2]string{attr(td, "data-judgement"), text(num[0])}
		}
		if len(tds) != 0 && len(tds) != len(crits) {
			t.Fatalf("a heatmap row has %d cells for %d criteria", len(tds), len(crits))
		}
		out[attr(tr, "data-department")] = cells
	}
	return out
}

// The heatmap's colours are the verdict's own outcomes: for every shown
// department and every criterion the verdict judged, the cell's class is
// the bound's outcome and its text the bound's estimate; hidden
// departments show no figure; the counts add up to the verdicts.
func TestBoardHeatmapMatchesTheVerdictsBounds(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	b := e.browser()
	b.login("viewer@example.org")
	d := parseHTML(t, b.get("/board?lang=en").body)
	out := e.outcome()
	cells := heatCells(t, d)

	want := map[string]string{"met": "ok", "failed": "bad", "undecided": "unsure"}
	compared, hidden := 0, 0
	counts := map[string]int{}
	for _, g := range out.Result.Departments {
		counts[string(g.Decision)]++
		row, ok := cells[g.ID]
		if !ok {
			t.Fatalf("%s is not in the heatmap", g.Name)
		}
		if g.Suppressed {
			hidden++
			if len(row) != 0 {
				t.Errorf("%s is suppressed but the heatmap shows %v", g.Name, row)
			}
			continue
		}
		for _, bd := range g.Bounds {
			c, ok := row[bd.Criterion]
			if !ok {
				continue // n, response_rate, gap per topic: not columns
			}
			if c[0] != want[bd.Outcome] {
				t.Errorf("%s/%s: heat class %q, the verdict's bound says %s (%.3f in [%.3f, %.3f], bar %.2f)",
					g.Name, bd.Criterion, c[0], bd.Outcome, bd.Estimate, bd.Low, bd.High, bd.Threshold)
			}
			v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimPrefix(c[1], "+"), "%"), 64)
			if err != nil {
				t.Fatalf("%s/%s: value %q: %v", g.Name, bd.Criterion, c[1], err)
			}
			est, tol := bd.Estimate, 0.005
			switch bd.Criterion {
			case "willing_share":
				est, tol = 100*bd.Estimate, 0.5
			case "enps":
				tol = 0.5
			}
			if math.Abs(v-est) > tol {
				t.Errorf("%s/%s: heat text %q, estimate %v", g.Name, bd.Criterion, c[1], bd.Estimate)
			}
			compared++
		}
	}
	if compared < 20 || hidden == 0 {
		t.Fatalf("compared %d cells with bounds and %d hidden departments: the demo should give more of both", compared, hidden)
	}
	for _, a := range within(d.byID("verdict-counts"), tag("a")) {
		n, _ := strconv.Atoi(text(within(a, tag("span", "class", "count-n"))[0]))
		v := map[string]string{"go": "GO", "fix": "FIX_FIRST", "nm": "NOT_MEASURABLE"}[attr(a, "data-verdict")]
		if v == "" {
			if n != len(out.Result.Departments) {
				t.Errorf("count of all %d, want %d", n, len(out.Result.Departments))
			}
			continue
		}
		if n != counts[v] {
			t.Errorf("count of %s %d, want %d", v, n, counts[v])
		}
	}
}

// Filter and sort are a plain GET form: ?verdict= keeps that verdict's
// departments in the heatmap and the table; ?sort=<theme> orders by the
// theme's mean, lowest first, hidden departments last.
func TestBoardFilterAndSortWithoutJavaScript(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	b := e.browser()
	b.login("viewer@example.org")
	out := e.outcome()
	pulse := e.demo.Baseline.ID

	d := parseHTML(t, b.get("/board?lang=en&pulse="+pulse+"&verdict=FIX_FIRST").body)
	var fix []string
	for _, g := range out.Result.Departments {
		if g.Decision == analysis.FixFirst {
			fix = append(fix, g.ID)
		}
	}
	for _, id := range []string{"heatmap", "board"} {
		var got []string
		for _, tr := range within(d.byID(id), func(n *html.Node) bool { return n.Data == "tr" && hasAttr(n, "data-department") }) {
			got = append(got, attr(tr, "data-department"))
		}
		sort.Strings(got)
		sort.Strings(fix)
		if strings.Join(got, ",") != strings.Join(fix, ",") || len(fix) == 0 {
			t.Fatalf("%s filtered by FIX FIRST holds %v, want %v", id, got, fix)
		}
	}
	if a := within(d.byID("verdict-counts"), func(n *html.Node) bool { return hasAttr(n, "aria-current") }); len(a) != 1 || attr(a[0], "data-verdict") != "fix" {
		t.Fatal("the FIX FIRST count is not marked as the current filter")
	}

	d = parseHTML(t, b.get("/board?lang=en&pulse="+pulse+"&sort=pride").body)
	mean := map[string]float64{}
	for _, g := range out.Result.Departments {
		if g.Suppressed {
			continue
		}
		for _, dr := range g.Dimensions {
			if dr.ID == "pride" && dr.DimensionStats != nil {
				mean[g.ID] = dr.Mean
			}
		}
	}
	prev, seenHidden := math.Inf(-1), false
	for _, tr := range within(d.byID("board"), tag("tr", "class", "dept")) {
		m, ok := mean[attr(tr, "data-department")]
		if !ok {
			seenHidden = true
			continue
		}
		if seenHidden || m < prev {
			t.Fatalf("sorted by pride: %.3f after %.3f (hidden seen: %v)", m, prev, seenHidden)
		}
		prev = m
	}
	if !seenHidden {
		t.Fatal("the demo has no hidden department to sort last")
	}
	// A made-up filter shows everything, a made-up sort sorts by name.
	if p := b.get("/board?pulse=" + pulse + "&verdict=%3Cscript%3E&sort=%3Cx%3E"); p.status != http.StatusOK || strings.Contains(p.body, "<script>") {
		t.Fatalf("bad filter: %d", p.status)
	}
}

// A GO for a department whose people may not be visible outside says so
// where the verdict is, on the heatmap and in the table.
func TestBoardSaysWhereGOIsInternalOnly(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	b := e.browser()
	b.login("viewer@example.org")
	d := parseHTML(t, b.get("/board?lang=en").body)
	internal := 0
	for _, g := range e.outcome().Result.Departments {
		for _, id := range []string{"heatmap", "board"} {
			var row *html.Node
			for _, tr := range within(d.byID(id), func(n *html.Node) bool { return n.Data == "tr" && attr(n, "data-department") == g.ID }) {
				row = tr
			}
			says := strings.Contains(text(row), i18n.T("en", "board_internal_only"))
			if wantSays := g.Decision == analysis.Go && !g.ExternallyVisible; says != wantSays {
				t.Errorf("%s in %s: says internal only %v, want %v", g.Name, id, says, wantSays)
			} else if says {
				internal++
			}
		}
	}
	if internal == 0 {
		t.Fatal("the demo has no internal-only GO to show")
	}
}

// Every shown department that is not GO says what GO needs: one line per
// criterion whose bound is not yet on the good side, with the bar and the
// bound; a GO and a hidden department say nothing of the kind.
func TestBoardSaysWhatGONeeds(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	b := e.browser()
	b.login("viewer@example.org")
	d := parseHTML(t, b.get("/board?lang=en").body)
	checked := 0
	for _, g := range e.outcome().Result.Departments {
		var row *html.Node
		for _, tr := range within(d.byID("board"), tag("tr", "class", "dept")) {
			if attr(tr, "data-department") == g.ID {
				row = tr
			}
		}
		needs := within(row, tag("span", "class", "needs"))
		if g.Suppressed || g.Decision == analysis.Go {
			if len(needs) != 0 {
				t.Errorf("%s (%s, suppressed %v) says what GO needs: %q", g.Name, g.Decision, g.Suppressed, text(needs[0]))
			}
			continue
		}
		unmet := 0
		for _, bd := range g.Bounds {
			if bd.Outcome != "met" {
				unmet++
			}
		}
		if unmet == 0 {
			continue
		}
		if len(needs) != 1 {
			t.Fatalf("%s (%s) has %d unmet bounds but says nothing of what GO needs", g.Name, g.Decision, unmet)
		}
		got := text(needs[0])
		if n := strings.Count(got, "; ") + 1; n < unmet {
			t.Errorf("%s: %d needs listed for %d unmet bounds: %q", g.Name, n, unmet, got)
		}
		for _, bd := range g.Bounds {
			if bd.Outcome != "met" && bd.Criterion == "pride" && !strings.Contains(got, "Pride with a lower bound of at least 3.50") {
				t.Errorf("%s: pride is unmet but the needs say %q", g.Name, got)
			}
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no department with unmet bounds to check")
	}
}

// The board says what the disclosure audit found, for every reader of the
// board, the works council included.
func TestBoardSaysWhatTheAnonymityAuditFound(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	b := e.browser()
	b.login("viewer@example.org")
	a := e.outcome().Result.Audit
	if a == nil || a.Tables == 0 {
		t.Fatalf("the demo's closed pulse has no audit record: %+v", a)
	}
	got := text(parseHTML(t, b.get("/board?lang=en").body).byID("board-audit"))
	if want := i18n.T("en", "board_audit", a.Tables, a.Checked, len(a.Extra)); got != want {
		t.Fatalf("audit line %q, want %q", got, want)
	}
}
