package audit

import (
	"math"
	"math/rand/v2"
	"testing"

	"trots/analysis"
)

// The closed form of fastBounds gives the simplex's bounds.
func TestFastBoundsMatchSimplex(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 300 {
		kind := Single
		nv := 1
		if trial%2 == 1 {
			kind, nv = Partition, 1+rng.IntN(3)
		}
		tb := Table{Name: "t", Kind: kind, Vars: make([]string, nv), Families: make([]string, nv)}
		nd := 2 + rng.IntN(6)
		root := Node{Parent: -1, Known: make([]bool, nv), Values: make([]float64, nv), Upper: inf}
		rootKnown := rng.IntN(5) > 0
		for d := 0; d < nd; d++ {
			n := Node{Group: string(rune('a' + d)), Parent: 0, Known: make([]bool, nv), Values: make([]float64, nv)}
			u := 1 + rng.IntN(12)
			n.Upper = float64(u)
			tot := 0.0
			size := rng.IntN(u + 1)
			for j := 0; j < nv; j++ {
				v := float64(size / nv)
				if j == 0 {
					v += float64(size % nv)
				}
				n.Values[j] = v
				tot += v
				root.Values[j] += v
			}
			n.Total = tot
			root.Total += tot
			if rng.IntN(3) > 0 {
				n.TotalKnown = true
				for j := range n.Known {
					n.Known[j] = true
				}
			} else {
				n.Values = make([]float64, nv)
				n.Total = 0
			}
			tb.Nodes = append(tb.Nodes, n)
		}
		if rootKnown {
			root.TotalKnown = true
			for j := range root.Known {
				root.Known[j] = true
			}
		} else {
			root.Values, root.Total = make([]float64, nv), 0
		}
		tb.Nodes = append([]Node{root}, tb.Nodes...)
		fast, ok := fastBounds(&tb)
		if !ok {
			t.Fatalf("trial %d: no closed form", trial)
		}
		slow, err := simplexBounds(&tb)
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		if len(fast) != len(slow) {
			t.Fatalf("trial %d: %d bounds, simplex %d", trial, len(fast), len(slow))
		}
		key := func(b Bound) [2]int { return [2]int{b.Node, b.Var} }
		want := map[[2]int]Bound{}
		for _, b := range slow {
			want[key(b)] = b
		}
		for _, b := range fast {
			w := want[key(b)]
			if w.Failed || math.Abs(w.Low-b.Low) > 1e-6 || (math.Abs(w.High-b.High) > 1e-6 && !(math.IsInf(w.High, 1) && math.IsInf(b.High, 1))) {
				t.Errorf("trial %d node %d var %d: closed form [%g, %g], simplex [%g, %g]", trial, b.Node, b.Var, b.Low, b.High, w.Low, w.High)
			}
		}
	}
}

// The finding "organisation totals give hidden cells away": a profile
// count hidden inside a shown department (fewer than k willing) was the
// organisation's count minus the other departments' shown counts. The
// analysis now hides the organisation's count of such a profile, and the
// audit finds nothing.
func TestOrganisationProfileTotalsDoNotGiveHiddenCountsAway(t *testing.T) {
	q := shipped(t)
	in := analysis.Input{Questionnaire: q, Config: analysis.DefaultConfig(), Seed: 1}
	rng := rand.New(rand.NewPCG(1, 1))
	// Everyone willing; profiles per department: A 2 networkers + 6
	// experts, B 7 networkers + 6 experts, C 5 networkers + 5 experts.
	mk := func(id string, prof map[string]int) analysis.Group {
		g := analysis.Group{ID: id, Name: id, Headcount: 20, ExternallyVisible: true}
		for p, n := range prof {
			for range n {
				r := respond(q, rng, 0.95, 0)
				r.Choices["profile"] = []string{p}
				g.Responses = append(g.Responses, r)
			}
		}
		return g
	}
	in.Groups = []analysis.Group{
		mk("A", map[string]int{"super_networker": 2, "quiet_expert": 6}),
		mk("B", map[string]int{"super_networker": 7, "quiet_expert": 6}),
		mk("C", map[string]int{"super_networker": 5, "quiet_expert": 5}),
	}
	res, err := analysis.Analyze(in)
	if err != nil {
		t.Fatal(err)
	}
	count := func(g *analysis.GroupResult, p string) (int, bool) {
		if g.Figures == nil || g.Ambassadors == nil {
			return 0, false
		}
		for _, c := range g.Ambassadors.Profiles {
			if c.Profile == p {
				return c.Count, true
			}
		}
		return 0, false
	}
	if _, ok := count(&res.Departments[0], "super_networker"); ok {
		t.Fatal("A shows its 2 networkers")
	}
	org, orgShown := count(&res.Organisation, "super_networker")
	if orgShown {
		rest := org
		for i := 1; i < 3; i++ {
			c, _ := count(&res.Departments[i], "super_networker")
			rest -= c
		}
		if rest > 0 && rest < in.Config.MinGroup {
			t.Fatalf("organisation %d minus shown departments = %d networkers of A", org, rest)
		}
	}
	// The organisation's expert count (17) minus B's and C's (6, 5) still
	// pins A's hidden experts to 6, and A's willing (8) minus 6 gives its
	// 2 networkers: the audit sees it, and Protect hides more.
	rep, err := Audit(res)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Safe() {
		t.Fatal("the audit misses A's experts, pinned by the organisation's count")
	}
	safe, rep, err := Protect(in)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Safe() {
		t.Fatalf("audit findings after Protect: %+v", rep.Findings)
	}
	for _, p := range []string{"super_networker", "quiet_expert"} {
		org, ok := count(&safe.Organisation, p)
		if !ok {
			continue
		}
		shown, hiddenCells := 0, 0
		for i := range safe.Departments {
			if c, ok := count(&safe.Departments[i], p); ok {
				shown += c
			} else {
				hiddenCells++
			}
		}
		if hiddenCells == 1 && org-shown > 0 {
			t.Errorf("%s: organisation %d minus shown %d gives the one hidden cell", p, org, shown)
		}
	}
}

// A table where the headcounts pin a hidden department: the respondents of
// two hidden departments (headcounts 2 and 3) add up to 5, so both
// answered fully: 2 and 3 are disclosed. Protect hides another department.
func TestAuditFindsCountsPinnedByHeadcounts(t *testing.T) {
	q := shipped(t)
	rng := rand.New(rand.NewPCG(2, 2))
	in := analysis.Input{Questionnaire: q, Config: analysis.DefaultConfig(), Seed: 1}
	add := func(id string, n, head int) {
		g := analysis.Group{ID: id, Name: id, Headcount: head, ExternallyVisible: true}
		for range n {
			g.Responses = append(g.Responses, respond(q, rng, 0.7, 0))
		}
		in.Groups = append(in.Groups, g)
	}
	add("a", 2, 2)
	add("b", 3, 3)
	add("c", 12, 20)
	add("d", 15, 20)
	res, err := analysis.Analyze(in)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Audit(res)
	if err != nil {
		t.Fatal(err)
	}
	var pinned bool
	for _, f := range rep.Findings {
		if f.Cell.Family == analysis.FamilyRespondents && (f.Cell.Group == "a" || f.Cell.Group == "b") {
			pinned = true
		}
	}
	if !pinned {
		t.Fatalf("the audit misses the pinned respondents: %+v", rep.Findings)
	}
	safe, rep2, err := Protect(in)
	if err != nil {
		t.Fatal(err)
	}
	if !rep2.Safe() || safe.Audit == nil || len(safe.Audit.Disclosed) != 0 {
		t.Fatalf("still disclosed after extension: %+v", rep2.Findings)
	}
	if safe.Departments[2].Figures != nil {
		t.Errorf("c (12 respondents, the smallest shown) should be hidden as well")
	}
	if safe.Departments[3].Figures == nil {
		t.Errorf("d is hidden too: the extension hid more than it needed")
	}
}

// A table of another shape than the closed form covers goes to the
// simplex: a department whose total is published but whose categories
// are not, next to shown ones under a shown organisation. Its favourable
// count is the organisation's minus the others': pinned, and disclosed.
func TestSimplexBoundsAPartlyHiddenNode(t *testing.T) {
	tb := Table{Name: "dimension:pride", Kind: Partition, Vars: []string{"favourable", "not favourable"}, Families: []string{"dimension:pride", "dimension:pride"},
		Nodes: []Node{
			{Parent: -1, Known: []bool{true, true}, Values: []float64{9, 11}, TotalKnown: true, Total: 20, Upper: inf},
			{Group: "a", Parent: 0, Known: []bool{false, false}, Values: []float64{0, 0}, TotalKnown: true, Total: 6, Upper: 6},
			{Group: "b", Parent: 0, Known: []bool{true, true}, Values: []float64{7, 7}, TotalKnown: true, Total: 14, Upper: 20},
		}}
	if _, ok := fastBounds(&tb); ok {
		t.Fatal("the closed form claims a partly hidden node")
	}
	bs, err := bounds(&tb)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 2 {
		t.Fatalf("bounds %+v", bs)
	}
	for _, b := range bs {
		want := map[int]float64{0: 2, 1: 4}[b.Var]
		if math.Abs(b.Low-want) > 1e-6 || math.Abs(b.High-want) > 1e-6 || !disclosed(b, 5) {
			t.Errorf("var %d: [%g, %g], want pinned to %g and disclosed", b.Var, b.Low, b.High, want)
		}
	}
	// Contradictory figures are an error, not a pass.
	tb.Nodes[0].Values[0] = 30
	if _, err := bounds(&tb); err == nil {
		t.Error("contradictory tables bounded without complaint")
	}
}

// The tables are trees: with a level of divisions between the
// organisation and the departments (another issue adds such trees), a
// department hidden alone under a shown division is pinned by the
// division's total minus its sibling, while two hidden under another
// division are not. The closed form declines trees; the simplex bounds
// them.
func TestAuditBoundsATreeOfLevels(t *testing.T) {
	node := func(group string, parent int, known bool, v float64, upper float64) Node {
		return Node{Group: group, Parent: parent, Known: []bool{known}, Values: []float64{v}, Upper: upper}
	}
	tb := Table{Name: "respondents", Kind: Single, Vars: []string{"respondents"}, Families: []string{"respondents"},
		Nodes: []Node{
			node("", -1, true, 40, inf),
			node("div1", 0, true, 15, inf),
			node("div2", 0, true, 25, inf),
			node("a", 1, false, 0, 10), node("b", 1, true, 12, 20), // a = 15 - 12 = 3
			node("c", 2, false, 0, 10), node("d", 2, false, 0, 10), node("e", 2, true, 17, 20), // c + d = 8
		}}
	if _, ok := fastBounds(&tb); ok {
		t.Fatal("the closed form claims a tree")
	}
	bs, err := bounds(&tb)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][2]float64{}
	for _, b := range bs {
		got[tb.Nodes[b.Node].Group] = [2]float64{b.Low, b.High}
		if d := disclosed(b, 5); d != (tb.Nodes[b.Node].Group == "a") {
			t.Errorf("%s [%g, %g]: disclosed %v", tb.Nodes[b.Node].Group, b.Low, b.High, d)
		}
	}
	if g := got["a"]; math.Abs(g[0]-3) > 1e-6 || math.Abs(g[1]-3) > 1e-6 {
		t.Errorf("a: %v, want pinned to 3", g)
	}
	if g := got["c"]; math.Abs(g[0]) > 1e-6 || math.Abs(g[1]-8) > 1e-6 {
		t.Errorf("c: %v, want [0, 8]", g)
	}
}
