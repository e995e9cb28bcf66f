package reports_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"sync"
	"testing"

	"trots/analysis"
	"trots/reports"
	"trots/survey/demo"
)

// treeInput analyses a generated department tree: levels[i] nodes on
// level i (each hung under a node of the level above, unevenly), and
// respondents answers drawn from the demo departments of seeds 1-20. Nine
// in ten respondents are in a leaf (many leaves below k), one in ten
// belongs to a higher node itself, as in analysis' BenchmarkAnalyzeTree.
func treeInput(t testing.TB, levels []int, respondents int) reports.Input {
	t.Helper()
	q := mustLoad(t, "advocacy-readiness")
	var pool [][]analysis.Response
	for seed := uint64(1); seed <= 20; seed++ {
		for _, g := range groups(q, demo.Generate(q, seed).Departments, "") {
			if len(g.Responses) > 0 {
				pool = append(pool, g.Responses)
			}
		}
	}
	rng := rand.New(rand.NewPCG(16, uint64(respondents)))
	var gs []analysis.Group
	var prev []int
	for lv, n := range levels {
		var cur []int
		for i := 0; i < n; i++ {
			g := analysis.Group{ID: fmt.Sprintf("L%d-%04d", lv, i), Name: fmt.Sprintf("Level %d node %d", lv, i), ExternallyVisible: true}
			if lv > 0 {
				g.ParentID = gs[prev[(i+rng.IntN(2))%len(prev)]].ID
			}
			cur = append(cur, len(gs))
			gs = append(gs, g)
		}
		prev = cur
	}
	leaves := prev
	// Each node draws its answers from one demo department, so that
	// nodes differ as departments do.
	source := make([]int, len(gs))
	for i := range source {
		source[i] = rng.IntN(len(pool))
	}
	for r := 0; r < respondents; r++ {
		g := leaves[rng.IntN(len(leaves))]
		if rng.IntN(10) == 0 {
			g = rng.IntN(len(gs) - len(leaves))
		}
		from := pool[source[g]]
		gs[g].Responses = append(gs[g].Responses, from[rng.IntN(len(from))])
	}
	for i := range gs {
		gs[i].Headcount = len(gs[i].Responses) + rng.IntN(8)
	}
	res, err := analysis.Analyze(analysis.Input{Questionnaire: q, Groups: gs, Config: analysis.DefaultConfig(), Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	return reports.Input{Organisation: "Zorggroep Boom", Questionnaire: q, Result: res, Pulse: reports.Pulse{Name: "Meting 2026"}}
}

var (
	smallTreeOnce sync.Once
	smallTree     reports.Input
)

// smallTreeInput is a tree of 4 levels and 175 nodes with 3,000
// respondents, analysed once for the tests.
func smallTreeInput(t testing.TB) reports.Input {
	t.Helper()
	smallTreeOnce.Do(func() { smallTree = treeInput(t, []int{3, 12, 40, 120}, 3000) })
	if smallTree.Result == nil {
		t.Fatal("the small tree was not analysed")
	}
	return smallTree
}

// pdfPages counts the pages of a PDF (fpdf writes each page object as
// "/Type /Page" followed by a newline, the page tree as "/Type /Pages").
func pdfPages(pdf []byte) int {
	return len(regexp.MustCompile(`/Type /Page\b[^s]`).FindAll(pdf, -1))
}

func TestOrganisationReportOfATreeListsDeeperLevelsInATable(t *testing.T) {
	in := smallTreeInput(t)
	res := in.Result
	pdf := organisationPDF(t, in, "en")
	text := pdfText(t, pdf)
	// pdftotext ends every page with a form feed: the two counts agree,
	// and the 175 nodes fit in far fewer pages than one each.
	pages := strings.Count(text, "\f")
	if got := pdfPages(pdf); got != pages {
		t.Errorf("the PDF has %d page objects, pdftotext read %d pages", got, pages)
	}
	top, shownTop := 0, 0
	for _, g := range res.Departments {
		if g.ParentID == "" {
			top++
			if g.Figures != nil && !g.Suppressed {
				shownTop++
			}
		}
	}
	// Cover, summary, heatmap and overviews, a page per shown top-level
	// node, the deeper levels' table (172 rows of 4.6 mm) and the method.
	if pages > 25 {
		t.Errorf("the organisation report of %d nodes has %d pages, want at most 25", len(res.Departments), pages)
	}
	one := oneLine(text)
	// The method page states the rules a pooled node adds (analysis/parts.go).
	for _, want := range []string{"175, 3 of them at the top level", "Of the 3 parts at the top level,",
		"A part with parts below it is judged on all its respondents together", "hold at least 20% of its respondents, the whole is FIX FIRST"} {
		if !strings.Contains(one, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if !strings.Contains(text, "Deeper levels") {
		t.Fatal("no table of the deeper levels")
	}
	deeper := text[strings.LastIndex(text, "Deeper levels"):]
	hidden := 0
	for _, g := range res.Departments {
		if g.ParentID == "" {
			continue
		}
		// The row whose path ends in the node's name (an ancestor's name
		// is followed by " / ", a longer name by more digits).
		row := regexp.MustCompile(`(?m)^.*` + regexp.QuoteMeta(g.Name) + `(\s{2,}.*)?$`)
		line := row.FindString(deeper)
		if line == "" {
			t.Errorf("%s (%s) has no row in the deeper levels", g.Name, g.ID)
			continue
		}
		if g.Figures == nil || g.Suppressed {
			hidden++
			// The row says "not shown" and holds no figure: after the
			// node's name, no digit at all.
			after := line[strings.Index(line, g.Name)+len(g.Name):]
			if !strings.Contains(after, "not shown (anonymity threshold") || regexp.MustCompile(`\d`).MatchString(strings.ReplaceAll(after, fmt.Sprintf("threshold %d", res.Config.MinGroup), "")) {
				t.Errorf("hidden node %s: row %q shows more than \"not shown\"", g.Name, line)
			}
			continue
		}
		word := map[analysis.Decision]string{analysis.Go: "GO", analysis.FixFirst: "FIX FIRST", analysis.NotMeasurable: "NOT YET MEASURABLE"}[g.Decision]
		if g.Verdict == nil {
			word = "NOT YET MEASURABLE"
		}
		if !strings.Contains(line, fmt.Sprintf(" %d ", g.N)) || !strings.Contains(line, word) {
			t.Errorf("%s: row %q lacks n = %d or %s", g.Name, line, g.N, word)
		}
	}
	if hidden == 0 {
		t.Error("the tree has no hidden node below the top: the test proves nothing about them")
	}
	// Only the top level has pages of its own: every top-level node is in
	// the heatmap, and no deeper node has a page title.
	for _, g := range res.Departments {
		if g.ParentID == "" && !strings.Contains(text, g.Name) {
			t.Errorf("top-level %s is missing", g.Name)
		}
	}
	if shownTop == 0 || top != 3 {
		t.Fatalf("the small tree has %d top-level nodes, %d shown", top, shownTop)
	}
}

func TestBranchReportShowsTheNodeAndItsParts(t *testing.T) {
	in := smallTreeInput(t)
	res := in.Result
	byID := map[string]*analysis.GroupResult{}
	for i := range res.Departments {
		byID[res.Departments[i].ID] = &res.Departments[i]
	}
	kids := map[string][]*analysis.GroupResult{}
	for i := range res.Departments {
		g := &res.Departments[i]
		kids[g.ParentID] = append(kids[g.ParentID], g)
	}
	// A shown node of the second level with a hidden and a shown part.
	var node *analysis.GroupResult
	for i := range res.Departments {
		g := &res.Departments[i]
		if g.Depth != 1 || g.Figures == nil || g.Suppressed {
			continue
		}
		var h, s bool
		for _, c := range kids[g.ID] {
			if c.Figures == nil || c.Suppressed {
				h = true
			} else {
				s = true
			}
		}
		if h && s {
			node = g
			break
		}
	}
	if node == nil {
		t.Fatal("no shown second-level node with a hidden and a shown part")
	}
	// By id, as `trots report --department` accepts.
	var buf bytes.Buffer
	if err := reports.Department(&buf, in, node.ID, reports.Options{Lang: "en", CreationDate: created}); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	one := oneLine(text)
	word := map[analysis.Decision]string{analysis.Go: "GO", analysis.FixFirst: "FIX FIRST", analysis.NotMeasurable: "NOT YET MEASURABLE"}[node.Decision]
	if node.Verdict == nil {
		word = "NOT YET MEASURABLE"
	}
	if !strings.Contains(one, "VERDICT "+word) {
		t.Errorf("the branch report of %s does not give its verdict %s", node.Name, word)
	}
	// Compared with the rest of its parent, where the analysis compares.
	vsParent := false
	for _, d := range node.Dimensions {
		vsParent = vsParent || d.VsParent != nil
	}
	if parent := byID[node.ParentID]; vsParent && !strings.Contains(one, "Difference from the rest of "+parent.Name) {
		t.Errorf("the branch report of %s does not compare it with the rest of %s", node.Name, parent.Name)
	} else if !vsParent {
		t.Errorf("%s has no comparison with its parent: the test proves nothing about it", node.Name)
	}
	cv := node.ChildVerdicts
	spread := fmt.Sprintf("Of its %d parts: %d GO, %d FIX FIRST, %d not yet measurable.", len(kids[node.ID]), cv[analysis.Go], cv[analysis.FixFirst], cv[analysis.NotMeasurable])
	if !strings.Contains(one, spread) {
		t.Errorf("the branch report lacks %q", spread)
	}
	parts := text[strings.Index(text, "Its parts"):]
	for _, c := range kids[node.ID] {
		lines := linesWith(parts, c.Name)
		if len(lines) == 0 {
			t.Errorf("part %s is missing", c.Name)
			continue
		}
		line := lines[0]
		if c.Figures == nil || c.Suppressed {
			if !strings.Contains(line, "not shown") || strings.Contains(line, "GO") || strings.Contains(line, "FIX") {
				t.Errorf("hidden part %s: %q", c.Name, line)
			}
			continue
		}
		if !strings.Contains(line, fmt.Sprintf(" %d ", c.N)) {
			t.Errorf("part %s: %q lacks n = %d", c.Name, line, c.N)
		}
	}
	// Nothing of another branch: no sibling, no parent's other parts.
	for _, s := range kids[node.ParentID] {
		if s != node && strings.Contains(text, s.Name+" ") {
			t.Errorf("the branch report of %s names its sibling %s", node.Name, s.Name)
		}
	}
}

// BenchmarkOrganisationReportTree1500 renders the organisation report of
// issue 16's tree: 1,500 nodes on 5 levels (5, 25, 120, 350, 1,000) with
// 20,000 respondents; the analysis runs before the timer. Goal: under
// 10 s and under 60 pages (pages/report).
func BenchmarkOrganisationReportTree1500(b *testing.B) {
	in := treeInput(b, []int{5, 25, 120, 350, 1000}, 20000)
	opts := reports.Options{Lang: "nl", CreationDate: created}
	var pages int
	for b.Loop() {
		var buf bytes.Buffer
		if err := reports.Organisation(&buf, in, opts); err != nil {
			b.Fatal(err)
		}
		pages = pdfPages(buf.Bytes())
	}
	b.ReportMetric(float64(pages), "pages/report")
	if pages >= 60 {
		b.Errorf("%d pages, want under 60", pages)
	}
}

// BenchmarkOrganisationReportTree1500Both renders the same report as the
// PDF and the HTML page in one rendering, as a report job does.
func BenchmarkOrganisationReportTree1500Both(b *testing.B) {
	in := treeInput(b, []int{5, 25, 120, 350, 1000}, 20000)
	opts := reports.Options{Lang: "nl", CreationDate: created}
	var size int
	for b.Loop() {
		var pdf, page bytes.Buffer
		if err := reports.OrganisationTo(reports.Outputs{PDF: &pdf, HTML: &page}, in, opts); err != nil {
			b.Fatal(err)
		}
		size = page.Len()
	}
	b.ReportMetric(float64(size)/1e6, "MB/page")
}
