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

// The end-to-end reference: testdata/reference.csv is read by csvdata and
// analysed by Analyze; testdata/reference.R computes the same figures with
// R (t.test, prop.test, psych::alpha, p.adjust) into reference.json. Every
// figure must agree to 1e-6.

type refCell struct {
	ID         string  `json:"id"`
	Topic      string  `json:"topic"`
	N          int     `json:"n"`
	Mean       float64 `json:"mean"`
	SD         float64 `json:"sd"`
	CILow      float64 `json:"ci_low"`
	CIHigh     float64 `json:"ci_high"`
	T          float64 `json:"t"`
	DF         float64 `json:"df"`
	P          float64 `json:"p"`
	Favourable *struct {
		Count  int     `json:"count"`
		CILow  float64 `json:"ci_low"`
		CIHigh float64 `json:"ci_high"`
	} `json:"favourable"`
	Alpha *struct {
		N              int       `json:"n"`
		Alpha          float64   `json:"alpha"`
		AlphaStd       float64   `json:"alpha_std"`
		AlphaIfDeleted []float64 `json:"alpha_if_deleted"`
		ItemRest       []float64 `json:"item_rest"`
	} `json:"alpha"`
}

type refGroup struct {
	Name       string    `json:"name"`
	N          int       `json:"n"`
	Dimensions []refCell `json:"dimensions"`
	Gap        refCell   `json:"gap"`
	Pairs      []refCell `json:"pairs"`
	ENPS       struct {
		N          int     `json:"n"`
		Promoters  int     `json:"promoters"`
		Detractors int     `json:"detractors"`
		Value      float64 `json:"value"`
		CILow      float64 `json:"ci_low"`
		CIHigh     float64 `json:"ci_high"`
	} `json:"enps"`
	VsRest []struct {
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
	} `json:"vs_rest"`
}

const refTol = 1e-6

// val reads an optional figure; an absent one fails the comparison.
func val(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

type checker struct {
	t     *testing.T
	where string
}

func (c checker) num(what string, got, want float64) {
	c.t.Helper()
	if math.IsNaN(got) || math.Abs(got-want) > refTol*math.Max(1, math.Abs(want)) {
		c.t.Errorf("%s %s: trots %.12g, R %.12g", c.where, what, got, want)
	}
}

func (c checker) count(what string, got, want int) {
	c.t.Helper()
	if got != want {
		c.t.Errorf("%s %s: trots %d, R %d", c.where, what, got, want)
	}
}

func TestReferenceAgainstR(t *testing.T) {
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
	res, err := analysis.Analyze(analysis.Input{Questionnaire: q, Groups: groups, Config: analysis.DefaultConfig(), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Organisation refGroup   `json:"organisation"`
		Departments  []refGroup `json:"departments"`
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Departments) != len(res.Departments) {
		t.Fatalf("R has %d departments, trots %d", len(ref.Departments), len(res.Departments))
	}
	compareGroup(t, "organisation", &res.Organisation, ref.Organisation)
	for i, want := range ref.Departments {
		got := &res.Departments[i]
		if got.Name != want.Name {
			t.Fatalf("department %d: trots %q, R %q", i, got.Name, want.Name)
		}
		compareGroup(t, want.Name, got, want)
		for j, w := range want.VsRest {
			var cmp *analysis.Comparison
			if w.Dimension == "gap" {
				cmp = got.Gap.Overall.VsRest
			} else {
				cmp = got.Dimensions[j].VsRest
				if got.Dimensions[j].ID != w.Dimension {
					t.Fatalf("dimension order: %s vs %s", got.Dimensions[j].ID, w.Dimension)
				}
			}
			c := checker{t, fmt.Sprintf("%s %s vs rest", want.Name, w.Dimension)}
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
}

func compareGroup(t *testing.T, name string, got *analysis.GroupResult, want refGroup) {
	t.Helper()
	if got.Figures == nil {
		t.Fatalf("%s is suppressed", name)
	}
	checker{t, name}.count("n", got.N, want.N)
	for i, w := range want.Dimensions {
		g := got.Dimensions[i]
		c := checker{t, name + " " + w.ID}
		if g.ID != w.ID || g.DimensionStats == nil {
			t.Fatalf("%s: dimension %d is %q (suppressed %v)", c.where, i, g.ID, g.Suppressed)
		}
		c.count("n", g.N, w.N)
		c.num("mean", g.Mean, w.Mean)
		c.num("sd", g.SD, w.SD)
		c.num("ci low", val(g.CILow), w.CILow)
		c.num("ci high", val(g.CIHigh), w.CIHigh)
		c.count("favourable", g.Favourable.Count, w.Favourable.Count)
		c.num("favourable ci low", g.Favourable.CILow, w.Favourable.CILow)
		c.num("favourable ci high", g.Favourable.CIHigh, w.Favourable.CIHigh)
		switch {
		case w.Alpha == nil && g.Alpha != nil:
			t.Errorf("%s: alpha %g reported below the minimum n", c.where, *g.Alpha)
		case w.Alpha != nil && g.Alpha == nil:
			t.Errorf("%s: alpha missing", c.where)
		case w.Alpha != nil:
			c.num("alpha", *g.Alpha, w.Alpha.Alpha)
			if r := g.Reliability; r != nil {
				c.count("alpha n", r.N, w.Alpha.N)
				c.num("alpha std", val(r.AlphaStd), w.Alpha.AlphaStd)
				for j, it := range r.Items {
					if len(w.Alpha.AlphaIfDeleted) > 0 && len(r.Items) > 2 && it.AlphaIfDeleted != nil {
						c.num("alpha if "+it.Item+" deleted", *it.AlphaIfDeleted, w.Alpha.AlphaIfDeleted[j])
					}
					if it.ItemRest == nil {
						t.Errorf("%s: no item-rest correlation for %s", c.where, it.Item)
						continue
					}
					c.num("item-rest "+it.Item, *it.ItemRest, w.Alpha.ItemRest[j])
				}
			} else if name == "organisation" {
				t.Errorf("%s: no reliability detail at organisation level", c.where)
			}
		}
	}
	gapCell := func(c checker, g *analysis.GapStats, w refCell) {
		t.Helper()
		if g == nil {
			t.Errorf("%s: suppressed", c.where)
			return
		}
		c.count("n", g.N, w.N)
		c.num("mean", g.Mean, w.Mean)
		c.num("sd", g.SD, w.SD)
		c.num("ci low", val(g.CILow), w.CILow)
		c.num("ci high", val(g.CIHigh), w.CIHigh)
		c.num("t", val(g.T), w.T)
		c.num("df", g.DF, w.DF)
		c.num("p", val(g.P), w.P)
	}
	gapCell(checker{t, name + " gap"}, got.Gap.Overall.GapStats, want.Gap)
	for j, w := range want.Pairs {
		gapCell(checker{t, name + " pair " + w.Topic}, got.Gap.Pairs[j].GapStats, w)
	}
	c := checker{t, name + " eNPS"}
	e := got.ENPS
	c.count("n", e.N, want.ENPS.N)
	c.count("promoters", e.Promoters, want.ENPS.Promoters)
	c.count("detractors", e.Detractors, want.ENPS.Detractors)
	c.num("value", e.Value, want.ENPS.Value)
	c.num("ci low", e.CILow, want.ENPS.CILow)
	c.num("ci high", e.CIHigh, want.ENPS.CIHigh)
}
