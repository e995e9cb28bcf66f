package analysis_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"

	"trots/analysis"
	"trots/analysis/csvdata"
	"trots/questionnaires"
)

// The tree reference: testdata/reference.csv read as a tree of two levels
// (testdata/tree.R draws it), analysed by Analyze, against
// testdata/tree.json, made by `cd analysis/testdata && Rscript tree.R`
// (R 4.2.2, psych 2.2.9; R is not needed to run this test). Every figure
// of every node - the non-leaf ones are their respondents pooled - its
// comparison with the rest of the organisation and of its parent, and both
// families' BH q-values agree to 1e-6.

type refComparison struct {
	Dimension string  `json:"dimension"`
	RestN     int     `json:"rest_n"`
	Diff      float64 `json:"diff"`
	T         float64 `json:"t"`
	DF        float64 `json:"df"`
	P         float64 `json:"p"`
	Q         float64 `json:"q"`
	CILow     float64 `json:"ci_low"`
	CIHigh    float64 `json:"ci_high"`
	HedgesG   float64 `json:"hedges_g"`
}

type refNode struct {
	refGroup
	VsRest   []refComparison `json:"vs_rest"`
	VsParent []refComparison `json:"vs_parent"`
}

// treeInput is reference.csv as the tree of tree.R: Finance under ICT,
// Klantcontact and Juridische zaken under Publiekszaken (no respondents of
// its own), in an input order other than the tree's.
func treeInput(t *testing.T) analysis.Input {
	t.Helper()
	q, err := questionnaires.LoadFile("testdata/questionnaire.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("testdata/reference.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	groups, err := csvdata.ReadResponses(f, "reference.csv", q)
	if err != nil {
		t.Fatal(err)
	}
	parent := map[string]string{"Finance": "ICT", "Klantcontact": "Publiekszaken", "Juridische zaken": "Publiekszaken"}
	for i := range groups {
		groups[i].ID = groups[i].Name
		groups[i].ParentID = parent[groups[i].Name]
	}
	groups = append(groups, analysis.Group{ID: "Publiekszaken", Name: "Publiekszaken", ExternallyVisible: true})
	return analysis.Input{Questionnaire: q, Groups: groups, Config: analysis.DefaultConfig(), Seed: 1}
}

func TestTreeReferenceAgainstR(t *testing.T) {
	in := treeInput(t)
	res, err := analysis.Analyze(in)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("testdata/tree.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Nodes []refNode `json:"nodes"`
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	byName := map[string]*analysis.GroupResult{}
	for i := range res.Departments {
		byName[res.Departments[i].Name] = &res.Departments[i]
	}
	if len(ref.Nodes) != 5 || len(res.Departments) != 5 {
		t.Fatalf("R has %d nodes, trots %d", len(ref.Nodes), len(res.Departments))
	}
	for _, want := range ref.Nodes {
		got := byName[want.Name]
		if got == nil {
			t.Fatalf("no node %s", want.Name)
		}
		compareGroup(t, want.Name, got, want.refGroup)
		cell := func(dim string, j int, parent bool) *analysis.Comparison {
			if dim == "gap" {
				if parent {
					return got.Gap.Overall.VsParent
				}
				return got.Gap.Overall.VsRest
			}
			if got.Dimensions[j].ID != dim {
				t.Fatalf("dimension order: %s vs %s", got.Dimensions[j].ID, dim)
			}
			if parent {
				return got.Dimensions[j].VsParent
			}
			return got.Dimensions[j].VsRest
		}
		for _, side := range []struct {
			name   string
			parent bool
			want   []refComparison
		}{{"vs rest", false, want.VsRest}, {"vs parent", true, want.VsParent}} {
			for j, w := range side.want {
				c := checker{t, fmt.Sprintf("%s %s %s", want.Name, w.Dimension, side.name)}
				cmp := cell(w.Dimension, j, side.parent)
				if cmp == nil {
					t.Errorf("%s: missing", c.where)
					continue
				}
				c.count("rest n", cmp.RestN, w.RestN)
				c.num("diff", cmp.Diff, w.Diff)
				c.num("t", cmp.T, w.T)
				c.num("df", cmp.DF, w.DF)
				c.num("p", cmp.P, w.P)
				c.num("q (BH)", cmp.Q, w.Q)
				c.num("ci low", cmp.CILow, w.CILow)
				c.num("ci high", cmp.CIHigh, w.CIHigh)
				c.num("hedges g", cmp.G, w.HedgesG)
			}
		}
		if len(want.VsParent) == 0 && got.Dimensions[0].VsParent != nil {
			t.Errorf("%s: a top-level node is compared with a parent", want.Name)
		}
	}
	// The levels themselves.
	ict, pub := byName["ICT"], byName["Publiekszaken"]
	if ict.N != 44 || pub.N != 24 || byName["Finance"].Depth != 1 || byName["Finance"].ParentID != "ICT" || ict.Depth != 0 {
		t.Errorf("levels: ICT n %d, Publiekszaken n %d, Finance %+v", ict.N, pub.N, byName["Finance"].Depth)
	}
	if cv := pub.ChildVerdicts; cv == nil || cv[analysis.Go]+cv[analysis.FixFirst]+cv[analysis.NotMeasurable] != 2 {
		t.Errorf("Publiekszaken's children's verdicts: %v", cv)
	}
	if cv := res.Organisation.ChildVerdicts; cv[analysis.Go]+cv[analysis.FixFirst]+cv[analysis.NotMeasurable] != 2 {
		t.Errorf("the organisation's top-level verdicts: %v", cv)
	}
	if byName["Finance"].ChildVerdicts != nil {
		t.Errorf("a leaf has a children's spread")
	}
}

// A node of a tree has the figures of one flat group holding its subtree's
// respondents: the tree reference's ICT (ICT + Finance) analysed as one
// department beside the others gives the same dimension figures.
func TestTreeNodeEqualsItsPooledGroup(t *testing.T) {
	in := treeInput(t)
	tree, err := analysis.Analyze(in)
	if err != nil {
		t.Fatal(err)
	}
	flat := in
	flat.Groups = nil
	var ict analysis.Group
	for _, g := range in.Groups {
		switch g.Name {
		case "ICT", "Finance":
			ict.Responses = append(ict.Responses, g.Responses...)
			ict.Comments = append(ict.Comments, g.Comments...)
		case "Publiekszaken":
		default:
			g.ParentID = ""
			flat.Groups = append(flat.Groups, g)
		}
	}
	ict.ID, ict.Name, ict.ExternallyVisible = "ICT", "ICT", true
	flat.Groups = append(flat.Groups, ict)
	one, err := analysis.Analyze(flat)
	if err != nil {
		t.Fatal(err)
	}
	var a, b *analysis.GroupResult
	for i := range tree.Departments {
		if tree.Departments[i].Name == "ICT" {
			a = &tree.Departments[i]
		}
	}
	for i := range one.Departments {
		if one.Departments[i].Name == "ICT" {
			b = &one.Departments[i]
		}
	}
	for d := range a.Dimensions {
		x, y := a.Dimensions[d].DimensionStats, b.Dimensions[d].DimensionStats
		if x == nil || y == nil {
			t.Fatalf("dimension %d hidden", d)
		}
		// The same values summed in another order: equal to 1e-12.
		near := func(u, v float64) bool { return math.Abs(u-v) <= 1e-12*math.Max(1, math.Abs(v)) }
		if x.N != y.N || !near(x.Mean, y.Mean) || !near(x.SD, y.SD) || x.Favourable != y.Favourable || (x.Alpha == nil) != (y.Alpha == nil) || (x.Alpha != nil && !near(*x.Alpha, *y.Alpha)) {
			t.Errorf("%s: tree %+v, pooled %+v", a.Dimensions[d].ID, x, y)
		}
		// Against the rest of the organisation too (the same people; the
		// q-values differ: the tree has more comparisons).
		if !near(x.VsRest.T, y.VsRest.T) || !near(x.VsRest.DF, y.VsRest.DF) || x.VsRest.RestN != y.VsRest.RestN {
			t.Errorf("%s vs rest: tree %+v, pooled %+v", a.Dimensions[d].ID, x.VsRest, y.VsRest)
		}
	}
	if a.Verdict.Decision != b.Verdict.Decision {
		t.Errorf("verdicts differ: %v, %v", a.Verdict.Decision, b.Verdict.Decision)
	}
	// Comments: Finance (12 >= min_comments) shows its own, so ICT shows
	// none (ICT's list minus Finance's would be ICT's own people's).
	for _, d := range tree.Departments {
		switch {
		case d.Name == "Finance" && len(d.Comments) == 0:
			t.Errorf("Finance shows no comments")
		case d.Name == "ICT" && len(d.Comments) > 0:
			t.Errorf("ICT shows comments above Finance's: %v", d.Comments)
		}
	}
	if len(b.Comments) == 0 {
		t.Errorf("the pooled group shows no comments: the test proves little")
	}
}
