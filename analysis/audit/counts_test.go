package audit

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"trots/analysis"
	"trots/questionnaires"
)

// tablesOf are the tables the audit builds from res (the respondents'
// bounds left at the headcounts, so that two results compare as built).
func tablesOf(res *analysis.Result) []Table {
	b := newBuilder(res)
	resp := b.respondents()
	b.upper = make([]float64, len(resp.Nodes))
	for i, n := range resp.Nodes {
		b.upper[i] = n.Upper
	}
	return append([]Table{resp}, b.figureTables()...)
}

// randomInput is a random tree (depth 1 to 6) or, one run in four, a flat
// organisation (1 to 12 departments), k of 3 or 5.
func randomInput(q *questionnaires.Questionnaire, run int, maxNodes int) (analysis.Input, string) {
	rng := rand.New(rand.NewPCG(uint64(run), 1617))
	var in analysis.Input
	var where string
	if run%4 == 3 {
		sizes := make([]int, 1+rng.IntN(12))
		for i := range sizes {
			sizes[i] = rng.IntN(20)
		}
		in = organisation(q, rng, sizes, 0.1*rng.Float64())
		where = fmt.Sprintf("run %d (flat, %d departments", run, len(sizes))
	} else {
		depth := 1 + run%6
		nodes := depth + rng.IntN(maxNodes-depth+1)
		in, _ = randomTree(q, rng, depth, nodes, 0.1*rng.Float64())
		where = fmt.Sprintf("run %d (depth %d, %d nodes", run, depth, nodes)
	}
	if rng.IntN(2) == 0 {
		in.Config.MinGroup, in.Config.MinComments = 3, 3
	}
	return in, fmt.Sprintf("%s, k %d)", where, in.Config.MinGroup)
}

// Counts is what the audit's rounds read instead of the full analysis: on
// random trees and flat organisations, with random cells hidden on top of
// the k rule (any family, any group, the organisation too), the tables the
// audit builds from Counts(hide) are those it builds from Analyze(hide):
// the same cells shown, with the same counts.
func TestCountsMatchAnalyze(t *testing.T) {
	q := shipped(t)
	runs := 120
	if testing.Short() {
		runs = 30
	}
	hidden := 0
	for run := range runs {
		in, where := randomInput(q, run, 40)
		pr, err := analysis.Prepare(in)
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		rng := rand.New(rand.NewPCG(uint64(run), 7))
		base := pr.Analyze(nil)
		var families []string
		for _, tb := range tablesOf(base) {
			for _, f := range tb.Families {
				if !slices.Contains(families, f) {
					families = append(families, f)
				}
			}
		}
		groups := []string{""}
		for i := range base.Departments {
			groups = append(groups, analysis.GroupKey(&base.Departments[i]))
		}
		for try := range 4 {
			var hide []analysis.Cell
			for range try * (1 + rng.IntN(6)) {
				hide = append(hide, analysis.Cell{Family: families[rng.IntN(len(families))], Group: groups[rng.IntN(len(groups))]})
			}
			hidden += len(hide)
			full, counts := pr.Analyze(hide), pr.Counts(hide)
			ft, ct := tablesOf(full), tablesOf(counts)
			if !reflect.DeepEqual(ft, ct) {
				for i := range ft {
					if i < len(ct) && !reflect.DeepEqual(ft[i], ct[i]) {
						t.Fatalf("%s, hide %v: table %s differs:\nAnalyze %+v\nCounts  %+v", where, hide, ft[i].Name, ft[i], ct[i])
					}
				}
				t.Fatalf("%s, hide %v: Analyze builds %d tables, Counts %d", where, hide, len(ft), len(ct))
			}
			fr, _, err := audit(full)
			if err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			cr, _, err := audit(counts)
			if err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			if !reflect.DeepEqual(fr, cr) {
				t.Fatalf("%s, hide %v: the audits differ:\nAnalyze %+v\nCounts  %+v", where, hide, fr, cr)
			}
		}
		// Prepared.Analyze is Analyze.
		direct, err := analysis.Analyze(in)
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		if a, b := jsonOf(t, direct), jsonOf(t, base); a != b {
			t.Fatalf("%s: Prepare(in).Analyze(nil) differs from Analyze(in)", where)
		}
	}
	if hidden == 0 {
		t.Fatal("no cell hidden: the Hide list was never exercised")
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The rounds of Protect run on Counts and only the last on the full
// analysis. On random trees (depth 1 to 6, up to 60 nodes) and flat
// organisations:
//
//   - Protect hides exactly the cells, and returns exactly the result and
//     report, that it did when every round ran the full analysis;
//   - its result, audited again on its own (Audit), discloses nothing;
//   - the k rule still holds across levels: every published count of
//     contributors, and every difference of it and any subset of its
//     nearest published descendants, covers 0 or at least k people.
//
// (Not "every cell the k rule hides stays hidden": in a tree, a cell the
// audit hides changes the atoms, and the k rule may then hide another cell
// than the one it hid without the audit; so it was before Counts too.)
func TestPropertyProtectAsBefore(t *testing.T) {
	q := shipped(t)
	runs := 100
	if testing.Short() {
		runs = 30
	}
	extended := 0
	for run := range runs {
		in, where := randomInput(q, run, 60)
		rng := rand.New(rand.NewPCG(uint64(run), 8))
		res, rep, err := Protect(in)
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		old, oldRep, err := protect(in, false)
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		if !reflect.DeepEqual(rep, oldRep) {
			t.Fatalf("%s: the report differs from the full rounds':\nnow    %+v\nbefore %+v", where, rep, oldRep)
		}
		if a, b := jsonOf(t, res), jsonOf(t, old); a != b {
			t.Fatalf("%s: the result differs from the full rounds'", where)
		}
		if len(rep.Extra) > len(in.Hide) {
			extended++
		}
		again, err := Audit(res)
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		if !again.Safe() || !rep.Safe() {
			t.Fatalf("%s: Protect's result discloses %+v", where, again.Findings)
		}
		// The k rule still holds across levels after the extension: every
		// published count of contributors, and every difference of it and
		// its nearest published descendants, covers 0 or at least k.
		for _, tb := range tablesOf(res) {
			if tb.Name != "profiles" {
				atoms(t, where, &tb, -1, in.Config.MinGroup, rng)
			} else {
				for j := 1; j < len(tb.Vars); j++ {
					atoms(t, where, &tb, j, in.Config.MinGroup, rng)
				}
			}
		}
	}
	t.Logf("%d of %d inputs needed the audit's extension", extended, runs)
	if extended == 0 {
		t.Error("the audit never extended the suppression: the rounds were not exercised")
	}
}
