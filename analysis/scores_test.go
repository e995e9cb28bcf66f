package analysis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestPersonScoreRule pins the scoring rule on hand-made respondents.
func TestPersonScoreRule(t *testing.T) {
	q := mustQuestionnaire(t)
	// pride has three items, pride_3r reverse-keyed.
	people := []struct {
		vals   map[string]float64
		scored bool
		want   float64
	}{
		{map[string]float64{"pride_1": 4, "pride_2": 5, "pride_3r": 2}, true, 13.0 / 3}, // 6-2 = 4
		{map[string]float64{"pride_1": 4, "pride_3r": 5}, true, 2.5},                    // 2 of 3 answered
		{map[string]float64{"pride_2": 5}, false, 0},                                    // 1 of 3: no score
		{map[string]float64{}, false, 0},
	}
	var g Group
	g.Name = "A"
	for _, p := range people {
		g.Responses = append(g.Responses, answers(q, p.vals, nil))
	}
	cfg := DefaultConfig()
	cfg.MinGroup = 3
	res := mustAnalyze(t, q, cfg, g)
	pride := res.Organisation.Dimensions[0]
	if pride.ID != "pride" || pride.DimensionStats != nil {
		// two scored respondents < k = 3: the cell must be hidden
		t.Fatalf("pride with 2 scored respondents: %+v", pride)
	}
	a := &analyzer{in: Input{Questionnaire: q, Groups: []Group{g}, Config: cfg}, cfg: cfg}
	a.p, _ = newPlan(q, cfg)
	if err := a.personScores(); err != nil {
		t.Fatal(err)
	}
	for i, p := range people {
		got := a.person[0][i*a.p.width()]
		if p.scored != !math.IsNaN(got) || (p.scored && math.Abs(got-p.want) > 1e-15) {
			t.Errorf("person %d: score %v, want %v (scored %v)", i, got, p.want, p.scored)
		}
	}
	if got := a.itemMissing[0][0]; got != 0+1+2+3 {
		t.Errorf("missing pride items %d, want 6", got)
	}
}

// TestOrganisationFiguresUseTheStatedRule: the organisation figures pool
// every respondent of every group - suppressed groups included - and a
// dimension's n is the number of respondents with a score under the half
// rule, nothing else.
func TestOrganisationFiguresUseTheStatedRule(t *testing.T) {
	q := mustQuestionnaire(t)
	groups := []Group{
		department(q, "A", 23, 30, middling.with(0.3), 1),
		department(q, "B", 2, 5, poor.with(0.3), 2),  // suppressed
		department(q, "C", 4, 5, ready.with(0.3), 3), // suppressed
		department(q, "D", 31, 40, ready.with(0.3), 4),
	}
	res := mustAnalyze(t, q, DefaultConfig(), groups...)
	p, _ := newPlan(q, res.Config)
	org := res.Organisation
	if org.N != 60 {
		t.Fatalf("organisation n %d, want 60", org.N)
	}
	for d, sd := range p.scored {
		var scores []float64
		for _, g := range groups {
			for _, r := range g.Responses {
				if s, ok := personScore(sd, r); ok {
					scores = append(scores, s)
				}
			}
		}
		got := org.Dimensions[d]
		mean := 0.0
		for _, s := range scores {
			mean += s
		}
		mean /= float64(len(scores))
		if got.N != len(scores) || math.Abs(got.Mean-mean) > 1e-12 {
			t.Errorf("%s: n %d mean %.15g, want n %d mean %.15g", sd.dim.ID, got.N, got.Mean, len(scores), mean)
		}
		if want := 1 - float64(len(scores))/60; math.Abs(got.MissingRate-want) > 1e-12 {
			t.Errorf("%s: missing rate %g, want %g", sd.dim.ID, got.MissingRate, want)
		}
	}
	// The respondents of the suppressed groups are in the organisation but
	// in no department.
	shown := 0
	for _, d := range res.Departments {
		if d.Figures != nil {
			shown += d.N
		}
	}
	if shown != 54 {
		t.Errorf("shown departments hold %d respondents, want 54", shown)
	}
}

func (c climate) with(missing float64) climate { c.missing = missing; return c }

// TestScoresInvariantToResponseOrder: shuffling the respondents within each
// department changes no figure (beyond floating-point summation order).
func TestScoresInvariantToResponseOrder(t *testing.T) {
	q := mustQuestionnaire(t)
	rng := rand.New(rand.NewPCG(11, 12))
	for c := 0; c < 20; c++ {
		var groups []Group
		for g := 0; g < 1+rng.IntN(5); g++ {
			cl := []climate{ready, poor, middling}[rng.IntN(3)].with(0.15)
			groups = append(groups, department(q, fmt.Sprintf("D%d", g), rng.IntN(60), 70, cl, rng.Uint64()))
		}
		before := decodeJSON(t, mustJSON(t, mustAnalyze(t, q, DefaultConfig(), groups...)))
		for g := range groups {
			rs := append([]Response(nil), groups[g].Responses...)
			rng.Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
			groups[g].Responses = rs
		}
		after := decodeJSON(t, mustJSON(t, mustAnalyze(t, q, DefaultConfig(), groups...)))
		if diff := compareJSON(before, after, "", 1e-9); diff != "" {
			t.Fatalf("case %d: %s", c, diff)
		}
	}
}

func decodeJSON(t testing.TB, b []byte) any {
	t.Helper()
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// compareJSON compares two decoded documents, numbers within tol
// (relative to max(1, |x|)); it returns the first difference.
func compareJSON(a, b any, at string, tol float64) string {
	switch a := a.(type) {
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok || len(a) != len(bm) {
			return at + ": different objects"
		}
		for k, v := range a {
			if d := compareJSON(v, bm[k], at+"."+k, tol); d != "" {
				return d
			}
		}
	case []any:
		ba, ok := b.([]any)
		if !ok || len(a) != len(ba) {
			return at + ": different arrays"
		}
		for i := range a {
			if d := compareJSON(a[i], ba[i], fmt.Sprintf("%s[%d]", at, i), tol); d != "" {
				return d
			}
		}
	case json.Number:
		bn, ok := b.(json.Number)
		if !ok {
			return at + ": not a number"
		}
		x, _ := a.Float64()
		y, _ := bn.Float64()
		if math.Abs(x-y) > tol*math.Max(1, math.Abs(x)) {
			return fmt.Sprintf("%s: %v != %v", at, a, bn)
		}
	default:
		if a != b {
			return fmt.Sprintf("%s: %v != %v", at, a, b)
		}
	}
	return ""
}
