package audit

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"trots/analysis"
)

// Participation hides what the close hides of the respondent table, from
// the counts alone: a hidden rest that equals the hidden departments'
// headcounts (3 + 4) is pinned, so Charlie's 10 goes too; in a tree,
// Bravo's 8 goes because North's pooled 11 minus it is Alfa's 3.
func TestParticipationHidesWhatTheCloseHides(t *testing.T) {
	q := shipped(t)
	cfg := analysis.DefaultConfig()
	flat := []analysis.Group{{ID: "a", Name: "Alfa", Headcount: 3}, {ID: "b", Name: "Bravo", Headcount: 4}, {ID: "c", Name: "Charlie", Headcount: 20}}
	n, shown, total, totalShown, err := Participation(q, cfg, flat, []int{3, 4, 10})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(shown, []bool{false, false, false}) || total != 17 || !totalShown {
		t.Errorf("flat: n %v shown %v total %d (%v), want all hidden and the total 17", n, shown, total, totalShown)
	}
	tree := []analysis.Group{{ID: "n", Name: "North"}, {ID: "a", Name: "Alfa", ParentID: "n", Headcount: 20},
		{ID: "b", Name: "Bravo", ParentID: "n", Headcount: 20}, {ID: "s", Name: "South"},
		{ID: "f", Name: "Foxtrot", ParentID: "s", Headcount: 20}, {ID: "g", Name: "Golf", ParentID: "s", Headcount: 20}}
	n, shown, _, _, err = Participation(q, cfg, tree, []int{0, 3, 8, 0, 6, 10})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(shown, []bool{true, false, false, true, true, true}) || n[0] != 11 || n[3] != 16 {
		t.Errorf("tree: n %v shown %v, want North 11 and South 16 with Foxtrot and Golf", n, shown)
	}
}

// On random organisations (flat and trees) Participation shows exactly the
// respondent counts that Protect publishes for the real answers.
func TestParticipationMatchesProtect(t *testing.T) {
	q := shipped(t)
	for run := range 40 {
		rng := rand.New(rand.NewPCG(uint64(run), 16))
		sizes := make([]int, 2+rng.IntN(8))
		for i := range sizes {
			sizes[i] = rng.IntN(12)
		}
		in := organisation(q, rng, sizes, 0.1)
		for i := range in.Groups {
			in.Groups[i].ID = string(rune('a' + i))
			in.Groups[i].Headcount = len(in.Groups[i].Responses) + rng.IntN(3)
			if i > 0 && run%2 == 1 && rng.IntN(2) == 0 {
				in.Groups[i].ParentID = in.Groups[rng.IntN(i)].ID
			}
		}
		res, _, err := Protect(in)
		if err != nil {
			t.Fatal(err)
		}
		groups := make([]analysis.Group, len(in.Groups))
		counts := make([]int, len(in.Groups))
		for i, g := range in.Groups {
			groups[i] = analysis.Group{ID: g.ID, ParentID: g.ParentID, Name: g.Name, Headcount: g.Headcount}
			counts[i] = len(g.Responses)
		}
		n, shown, _, totalShown, err := Participation(q, in.Config, groups, counts)
		if err != nil {
			t.Fatal(err)
		}
		for i, g := range res.Departments {
			if (g.Figures != nil) != shown[i] || g.Figures != nil && g.N != n[i] {
				t.Errorf("run %d, %s: Protect shows %v, Participation %v (n %d)", run, g.ID, g.Figures != nil, shown[i], n[i])
			}
		}
		if (res.Organisation.Figures != nil) != totalShown {
			t.Errorf("run %d: organisation shown %v by Protect, %v by Participation", run, res.Organisation.Figures != nil, totalShown)
		}
	}
}

// BenchmarkParticipationTree1500 is the participation page of an open
// pulse on the 1,500-node tree of BenchmarkProtectTree1500 (20,000
// responses so far): the respondent table the close would publish now.
func BenchmarkParticipationTree1500(b *testing.B) {
	in := benchTree(b)
	groups := make([]analysis.Group, len(in.Groups))
	counts := make([]int, len(in.Groups))
	for i, g := range in.Groups {
		groups[i] = analysis.Group{ID: g.ID, ParentID: g.ParentID, Name: g.Name, Headcount: g.Headcount}
		counts[i] = len(g.Responses)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, _, _, err := Participation(in.Questionnaire, in.Config, groups, counts); err != nil {
			b.Fatal(err)
		}
	}
}
