package analysis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func TestCellsShown(t *testing.T) {
	for _, tc := range []struct {
		count    []int
		eligible []bool
		k        int
		want     []bool
		org      bool
	}{
		{count: []int{20, 30}, k: 5, want: []bool{true, true}, org: true},
		{count: []int{0, 20, 30}, k: 5, want: []bool{false, true, true}, org: true},
		// 3 hidden leaves a remainder of 3: hide the next-smallest too.
		{count: []int{3, 20, 30}, k: 5, want: []bool{false, false, true}, org: true},
		// Two small groups together are a safe remainder.
		{count: []int{3, 4, 20, 30}, k: 5, want: []bool{false, false, true, true}, org: true},
		// Hiding one is not enough when it is also small: keep going.
		{count: []int{1, 2, 1, 6, 7}, k: 5, want: []bool{false, false, false, false, true}, org: true},
		// Everything hidden: the organisation is still >= k.
		{count: []int{2, 5}, k: 5, want: []bool{false, false}, org: true},
		// The organisation itself is too small.
		{count: []int{2, 2}, k: 5, want: []bool{false, false}, org: false},
		// An ineligible (already hidden) group counts in the remainder.
		{count: []int{8, 20, 30}, eligible: []bool{false, true, true}, k: 5, want: []bool{false, true, true}, org: true},
		{count: []int{4, 20, 30}, eligible: []bool{true, false, true}, k: 5, want: []bool{false, false, true}, org: true},
		// Ties: the group listed first goes.
		{count: []int{2, 9, 9}, k: 5, want: []bool{false, false, true}, org: true},
	} {
		t.Run(fmt.Sprint(tc.count, tc.eligible), func(t *testing.T) {
			got, org := cellsShown(tc.count, tc.eligible, nil, tc.k)
			if !reflect.DeepEqual(got, tc.want) || org != tc.org {
				t.Fatalf("got %v org %v, want %v org %v", got, org, tc.want, tc.org)
			}
			if rem := hiddenRemainder(tc.count, got); org && rem != 0 && rem < tc.k {
				t.Fatalf("hidden remainder %d", rem)
			}
		})
	}
}

// TestSuppressionHoldsForRandomGroups is the property test of the anonymity
// guarantee: for 1000 random organisations (random k, number and sizes of
// departments, missing answers), in the JSON a reader gets,
//   - for every family of figures the organisation total minus the shown
//     departments (the only thing subtraction can recover) covers 0 or at
//     least k respondents;
//   - a suppressed department or cell carries no figure at all;
//   - the exact dimension means of departments below k appear nowhere.
func TestSuppressionHoldsForRandomGroups(t *testing.T) {
	q := mustQuestionnaire(t)
	rng := rand.New(rand.NewPCG(20240501, 3))
	climates := []climate{ready, poor, middling}
	for c := 0; c < 1000; c++ {
		k := 3 + rng.IntN(5)
		nGroups := 1 + rng.IntN(8)
		var groups []Group
		for g := 0; g < nGroups; g++ {
			cl := climates[rng.IntN(len(climates))]
			cl.missing = []float64{0, 0.1, 0.35}[rng.IntN(3)]
			n := rng.IntN(3 * k)
			groups = append(groups, department(q, fmt.Sprintf("D%d", g), n, n+rng.IntN(10), cl, rng.Uint64()))
		}
		cfg := DefaultConfig()
		cfg.MinGroup = k
		cfg.MinComments = max(cfg.MinComments, k)
		cfg.MinDecisionN = max(cfg.MinDecisionN, k)
		res := mustAnalyze(t, q, cfg, groups...)
		raw := mustJSON(t, res)
		var doc map[string]any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			t.Fatal(err)
		}
		where := fmt.Sprintf("case %d (k=%d, sizes %v)", c, k, sizes(groups))
		checkRemainders(t, where, doc, k)
		checkSuppressedCarryNothing(t, where, doc)
		checkHiddenMeansAbsent(t, where, groups, res, raw, k)
		checkProfiles(t, where, res, k)
		if t.Failed() {
			t.FailNow()
		}
	}
}

func sizes(groups []Group) []int {
	out := make([]int, len(groups))
	for i, g := range groups {
		out[i] = len(g.Responses)
	}
	return out
}

// family reads one count from a group's JSON object; ok is false when the
// figure is absent (suppressed or not applicable).
type family struct {
	name string
	get  func(g map[string]any) (int, bool)
}

func path(v any, keys ...any) (any, bool) {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[k]; !ok {
				return nil, false
			}
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				return nil, false
			}
			v = a[k]
		}
	}
	return v, true
}

func count(v any, keys ...any) (int, bool) {
	x, ok := path(v, keys...)
	if !ok {
		return 0, false
	}
	n, ok := x.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	return int(i), err == nil
}

func families(org map[string]any) []family {
	fs := []family{{"respondents", func(g map[string]any) (int, bool) { return count(g, "n") }}}
	dims, _ := path(org, "dimensions")
	for i := range dims.([]any) {
		fs = append(fs, family{fmt.Sprintf("dimension %d", i), func(g map[string]any) (int, bool) { return count(g, "dimensions", i, "n") }})
	}
	fs = append(fs,
		family{"gap", func(g map[string]any) (int, bool) { return count(g, "gap", "overall", "n") }},
		family{"gap pair 0", func(g map[string]any) (int, bool) { return count(g, "gap", "pairs", 0, "n") }},
		family{"gap pair 1", func(g map[string]any) (int, bool) { return count(g, "gap", "pairs", 1, "n") }},
		family{"enps", func(g map[string]any) (int, bool) { return count(g, "enps", "n") }},
		family{"willing", func(g map[string]any) (int, bool) { return count(g, "ambassadors", "willing", "n") }},
		family{"barrier 0", func(g map[string]any) (int, bool) { return count(g, "barriers", 0, "agree", "n") }},
		family{"barrier 1", func(g map[string]any) (int, bool) { return count(g, "barriers", 1, "agree", "n") }},
		family{"help", func(g map[string]any) (int, bool) { return count(g, "help", 0, "picked", "n") }},
	)
	return fs
}

func checkRemainders(t *testing.T, where string, doc map[string]any, k int) {
	t.Helper()
	org := doc["organisation"].(map[string]any)
	depts := doc["departments"].([]any)
	if _, shown := org["n"]; !shown {
		for _, d := range depts {
			if _, shown := d.(map[string]any)["n"]; shown {
				t.Errorf("%s: a department is shown while the organisation is not", where)
			}
		}
		return
	}
	for _, f := range families(org) {
		total, ok := f.get(org)
		covered := 0
		for _, d := range depts {
			if n, shown := f.get(d.(map[string]any)); shown {
				covered += n
				if n < k {
					t.Errorf("%s: %s shows a cell of %d < k", where, f.name, n)
				}
			}
		}
		if !ok {
			if covered > 0 {
				t.Errorf("%s: %s: departments shown while the organisation cell is not", where, f.name)
			}
			continue
		}
		if rem := total - covered; rem != 0 && rem < k {
			t.Errorf("%s: %s: organisation %d minus shown departments %d leaves %d < k = %d", where, f.name, total, covered, rem, k)
		}
	}
}

// checkSuppressedCarryNothing walks the JSON: every object marked
// suppressed may hold only identifying keys.
func checkSuppressedCarryNothing(t *testing.T, where string, doc any) {
	t.Helper()
	allowed := map[string]bool{"name": true, "headcount": true, "externally_visible": true, "suppressed": true,
		"suppressed_because": true, "verdict": true, "reasons": true, "id": true, "topic": true, "item": true, "option": true}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if v["suppressed"] == true {
				for key := range v {
					if !allowed[key] {
						t.Errorf("%s: suppressed object %v shows %q", where, v["name"], key)
					}
				}
				if _, group := v["externally_visible"]; group && v["suppressed_because"] != SuppressedAnonymity {
					t.Errorf("%s: suppressed group %v because %v, want %s", where, v["name"], v["suppressed_because"], SuppressedAnonymity)
				}
				if rs, ok := v["reasons"].([]any); ok {
					for _, r := range rs {
						code := r.(map[string]any)["code"]
						if code != SuppressedAnonymity {
							t.Errorf("%s: suppressed department has reason %v", where, code)
						}
					}
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
}

// checkHiddenMeansAbsent computes, independently, the dimension means of
// every department below k and checks that none appears in the JSON
// (unless a shown mean happens to have the same value).
func checkHiddenMeansAbsent(t *testing.T, where string, groups []Group, res *Result, raw []byte, k int) {
	t.Helper()
	shownMeans := map[float64]bool{}
	collect := func(f *Figures) {
		if f == nil {
			return
		}
		for _, d := range f.Dimensions {
			if d.DimensionStats != nil {
				shownMeans[d.Mean] = true
			}
		}
	}
	collect(res.Organisation.Figures)
	for i := range res.Departments {
		collect(res.Departments[i].Figures)
	}
	text := string(raw)
	p, _ := newPlan(mustQuestionnaire(t), res.Config)
	for _, g := range groups {
		if len(g.Responses) >= k || len(g.Responses) == 0 {
			continue
		}
		for _, sd := range p.scored {
			sum, n := 0.0, 0
			for _, r := range g.Responses {
				if s, ok := personScore(sd, r); ok {
					sum += s
					n++
				}
			}
			if n == 0 {
				continue
			}
			m := sum / float64(n)
			// Simple fractions (3.5, 8/3) also occur as thresholds and as
			// other groups' figures; only look for the telling ones.
			if simpleFraction(m) || shownMeans[m] {
				continue
			}
			enc, _ := json.Marshal(m)
			for _, sep := range []string{",", "}", "]"} {
				if strings.Contains(text, ":"+string(enc)+sep) {
					t.Errorf("%s: the %s mean %s of hidden department %s appears in the JSON", where, sd.dim.ID, enc, g.Name)
				}
			}
		}
	}
}

// personScore is the documented scoring rule, written independently of
// Analyze: the mean of the answered items after reverse-keying, when at
// least half of the items are answered.
func personScore(sd scoredDim, r Response) (float64, bool) {
	sum, n := 0.0, 0
	for _, it := range sd.items {
		x := r.Values[it.index]
		if math.IsNaN(x) {
			continue
		}
		if it.reverse {
			x = float64(it.lo+it.hi) - x
		}
		sum += x
		n++
	}
	if n == 0 || float64(n) < float64(len(sd.items))/2 {
		return 0, false
	}
	return sum / float64(n), true
}

// simpleFraction reports whether x is a fraction with denominator <= 12.
func simpleFraction(x float64) bool {
	for den := 1.0; den <= 12; den++ {
		if v := x * den; math.Abs(v-math.Round(v)) < 1e-9 {
			return true
		}
	}
	return false
}

// checkProfiles: a profile of the willing is counted only for at least k
// people. (A person may pick several profiles, so the willing minus the
// counted profiles is no profile's count.)
func checkProfiles(t *testing.T, where string, res *Result, k int) {
	t.Helper()
	for _, g := range append([]GroupResult{res.Organisation}, res.Departments...) {
		if g.Figures == nil || g.Ambassadors == nil {
			continue
		}
		am := g.Ambassadors
		for _, p := range am.Profiles {
			if p.Count < k {
				t.Errorf("%s: %s: profile %q counted for %d willing people, fewer than %d", where, g.Name, p.Profile, p.Count, k)
			}
		}
	}
}
