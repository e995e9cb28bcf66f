package audit

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"trots/analysis"
	"trots/questionnaires"
)

// randomTree draws a department tree of the given depth (1 = only top-level
// nodes): a chain reaching the depth, then random nodes under random
// parents above the deepest level. Own respondents are often none (a
// directorate without staff of its own), tiny, or around k; headcounts at
// or above them. It returns the input and, per input group, the
// respondents of its subtree (the truth the published figures describe).
func randomTree(q *questionnaires.Questionnaire, rng *rand.Rand, depth, nodes int, miss float64) (analysis.Input, []int) {
	in := analysis.Input{Questionnaire: q, Config: analysis.DefaultConfig(), Seed: 1}
	parent := []int{}
	level := []int{}
	for i := 0; i < nodes; i++ {
		p := -1
		switch {
		case i < depth:
			p = i - 1 // the chain
		default:
			// A parent above the deepest level, or the top level.
			var cands []int
			for j := range parent {
				if level[j] < depth-1 {
					cands = append(cands, j)
				}
			}
			if len(cands) > 0 && rng.IntN(5) > 0 {
				p = cands[rng.IntN(len(cands))]
			}
		}
		parent = append(parent, p)
		lv := 0
		if p >= 0 {
			lv = level[p] + 1
		}
		level = append(level, lv)
	}
	hasKids := make([]bool, nodes)
	for _, p := range parent {
		if p >= 0 {
			hasKids[p] = true
		}
	}
	own := make([]int, nodes)
	for i := range own {
		switch rng.IntN(5) {
		case 0:
			own[i] = 0
		case 1:
			own[i] = 1 + rng.IntN(4)
		case 2:
			own[i] = 5 + rng.IntN(3)
		default:
			own[i] = rng.IntN(16)
		}
		if hasKids[i] && rng.IntN(2) == 0 {
			own[i] = 0
		}
	}
	for i := 0; i < nodes; i++ {
		g := analysis.Group{ID: fmt.Sprintf("n%03d", i), Name: fmt.Sprintf("Node %d", i), ExternallyVisible: true}
		if parent[i] >= 0 {
			g.ParentID = fmt.Sprintf("n%03d", parent[i])
		}
		g.Headcount = own[i] + rng.IntN(4)
		if hasKids[i] && own[i] == 0 && rng.IntN(2) == 0 {
			g.Headcount = 0 // no staff of its own
		}
		if !hasKids[i] && g.Headcount == 0 {
			g.Headcount = 1
		}
		mood := 0.3 + 0.6*rng.Float64()
		for range own[i] {
			g.Responses = append(g.Responses, respond(q, rng, mood, miss))
			if rng.IntN(3) == 0 {
				g.Comments = append(g.Comments, fmt.Sprintf("comment of node %d", i))
			}
		}
		in.Groups = append(in.Groups, g)
	}
	// Input order must not matter: shuffle the groups.
	rng.Shuffle(len(in.Groups), func(a, b int) { in.Groups[a], in.Groups[b] = in.Groups[b], in.Groups[a] })
	pooled := make([]int, nodes)
	byID := map[string]int{}
	for i, g := range in.Groups {
		byID[g.ID] = i
	}
	for i, g := range in.Groups {
		n := len(g.Responses)
		for h := i; h >= 0; {
			pooled[h] += n
			p := in.Groups[h].ParentID
			if p == "" {
				break
			}
			h = byID[p]
		}
	}
	return in, pooled
}

// totalOf is the count of contributors of node n in table t, if published:
// a Partition's total, a Single's value, a Subset's first variable (or
// variable j of a Subset: a profile count, which is a count of people too).
func totalOf(t *Table, n *Node, j int) (float64, bool) {
	switch {
	case t.Kind == Partition && j < 0:
		return n.Total, n.TotalKnown
	case j < 0:
		return n.Values[0], n.Known[0]
	default:
		return n.Values[j], n.Known[j]
	}
}

// atoms checks one column of a table over the tree: every published
// count minus those of its nearest published descendants (what a reader
// gets by subtracting them) is 0 or at least k; so is every such
// difference with any subset of those descendants subtracted (exhaustive
// up to 10 of them, else 300 random subsets), and every published count
// itself is at least k.
func atoms(t *testing.T, where string, tb *Table, j, k int, rng *rand.Rand) {
	t.Helper()
	kids := make([][]int, len(tb.Nodes))
	for i, n := range tb.Nodes {
		if n.Parent >= 0 {
			kids[n.Parent] = append(kids[n.Parent], i)
		}
	}
	var nearest func(i int, out []int) []int
	nearest = func(i int, out []int) []int {
		for _, c := range kids[i] {
			if _, ok := totalOf(tb, &tb.Nodes[c], j); ok {
				out = append(out, c)
			} else {
				out = nearest(c, out)
			}
		}
		return out
	}
	small := func(x float64) bool { return x > 0.5 && x < float64(k)-0.5 }
	for i := range tb.Nodes {
		v, ok := totalOf(tb, &tb.Nodes[i], j)
		if !ok {
			continue
		}
		if small(v) {
			t.Fatalf("%s: table %s var %d: %s publishes %g < k = %d", where, tb.Name, j, tb.Nodes[i].Name, v, k)
		}
		near := nearest(i, nil)
		vals := make([]float64, len(near))
		for x, c := range near {
			vals[x], _ = totalOf(tb, &tb.Nodes[c], j)
		}
		check := func(mask uint64) {
			rest := v
			for x := range near {
				if mask&(1<<x) != 0 {
					rest -= vals[x]
				}
			}
			if small(rest) {
				t.Fatalf("%s: table %s var %d: %s minus %d of its shown descendants leaves %g people (k = %d)", where, tb.Name, j, tb.Nodes[i].Name, len(near), rest, k)
			}
		}
		if len(near) <= 10 {
			for mask := uint64(0); mask < 1<<len(near); mask++ {
				check(mask)
			}
		} else {
			check(1<<len(near) - 1)
			for range 300 {
				check(rng.Uint64())
			}
		}
	}
}

// The property test of the tree: 400 random trees (depth 1 to 6, 1 to 40
// nodes, own respondents none, tiny or around k, k of 3 or 5). For each,
// straight from Analyze (the k rule with the cross-level suppression, no
// audit):
//
//   - no node of fewer than k respondents (pooled) shows a figure, and every
//     shown node's n is its true pooled count;
//   - in every published table, every published count of contributors (the
//     respondents, each dimension's n, the willing, each profile, the gap,
//     each pair, eNPS, each barrier and help item), and every difference
//     of it and any subset of its nearest published descendants (parent
//     minus shown children, minus siblings, at any depth) covers 0 or at
//     least k people;
//   - after Protect (the audit's LP bounds over the tree, which also use
//     the headcounts) nothing is disclosed.
//
// Two pulses are separate submissions: their tables share no unknown, so
// each pulse's result is checked on its own (the trend only combines
// figures both publish).
func TestPropertyTreeLevelsDiscloseNothing(t *testing.T) {
	q := shipped(t)
	runs := 400
	if testing.Short() {
		runs = 80
	}
	extended, hiddenByLevels, protected := 0, 0, 0
	for run := range runs {
		rng := rand.New(rand.NewPCG(uint64(run), 1616))
		depth := 1 + run%6
		nodes := depth + rng.IntN(40-depth+1)
		in, pooled := randomTree(q, rng, depth, nodes, 0.1*rng.Float64())
		if rng.IntN(2) == 0 {
			in.Config.MinGroup, in.Config.MinComments = 3, 3
		}
		k := in.Config.MinGroup
		where := fmt.Sprintf("run %d (depth %d, %d nodes, k %d)", run, depth, nodes, k)
		res, err := analysis.Analyze(in)
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		for i, g := range res.Departments {
			if g.ID != in.Groups[i].ID {
				t.Fatalf("%s: result %d is %s, input %s: not in input order", where, i, g.ID, in.Groups[i].ID)
			}
			if g.Figures == nil {
				if pooled[i] >= k {
					hiddenByLevels++
				}
				continue
			}
			if pooled[i] < k || g.N != pooled[i] {
				t.Fatalf("%s: %s shows n = %d, pooled %d", where, g.Name, g.N, pooled[i])
			}
		}
		b := newBuilder(res)
		resp := b.respondents()
		b.upper = make([]float64, len(resp.Nodes))
		for i := range b.upper {
			b.upper[i] = inf
		}
		for _, tb := range append([]Table{resp}, b.figureTables()...) {
			if tb.Name != "profiles" {
				// (the willing, first of the profiles table, are a share
				// of the advocacy dimension's n: checked there)
				atoms(t, where, &tb, -1, k, rng)
			} else {
				for j := 1; j < len(tb.Vars); j++ {
					atoms(t, where, &tb, j, k, rng)
				}
			}
		}
		protected++
		prot, rep, err := Protect(in)
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		if !rep.Safe() {
			t.Fatalf("%s: still disclosed after Protect: %+v", where, rep.Findings)
		}
		if len(rep.Extra) > 0 {
			extended++
		}
		for i, g := range prot.Departments {
			if g.Figures != nil && pooled[i] < k {
				t.Fatalf("%s: after Protect %s shows %d < k", where, g.Name, pooled[i])
			}
		}
	}
	t.Logf("%d of %d protected trees needed the audit's extension; %d nodes of at least k hidden by the levels in %d trees", extended, protected, hiddenByLevels, runs)
	if hiddenByLevels == 0 {
		t.Error("no node of at least k was hidden: the cross-level suppression was never exercised")
	}
}

// The case: a parent of 12 whose one shown child has 9 and whose
// other child has 3. Parent minus the shown child would be the 3: the 9
// is hidden too, and the parent stays.
func TestTreeHidesAChildThatWouldGiveASiblingAway(t *testing.T) {
	q := shipped(t)
	rng := rand.New(rand.NewPCG(12, 9))
	mk := func(id, parent string, n int) analysis.Group {
		g := analysis.Group{ID: id, Name: id, ParentID: parent}
		if n > 0 {
			g.Headcount = n + 10 // no bound of the headcounts alone
		}
		for range n {
			g.Responses = append(g.Responses, respond(q, rng, 0.7, 0))
		}
		return g
	}
	in := analysis.Input{Questionnaire: q, Config: analysis.DefaultConfig(), Seed: 1, Groups: []analysis.Group{
		mk("division", "", 0), mk("big", "division", 9), mk("small", "division", 3), mk("other", "", 20),
	}}
	res, err := analysis.Analyze(in)
	if err != nil {
		t.Fatal(err)
	}
	shown := map[string]int{}
	for _, g := range res.Departments {
		if g.Figures != nil {
			shown[g.ID] = g.N
		}
	}
	if shown["division"] != 12 || shown["other"] != 20 {
		t.Errorf("division and other must show 12 and 20: %v", shown)
	}
	if _, ok := shown["big"]; ok {
		t.Errorf("the team of 9 is shown beside its division of 12: 12 - 9 gives the 3 away (%v)", shown)
	}
	if _, ok := shown["small"]; ok {
		t.Errorf("the team of 3 is shown")
	}
	if d := res.Departments[0]; d.ChildVerdicts[analysis.NotMeasurable] != 2 || d.Depth != 0 || res.Departments[1].Depth != 1 || res.Departments[1].ParentID != "division" {
		t.Errorf("levels: %+v, %+v", d.ChildVerdicts, res.Departments[1])
	}
	rep, err := Audit(res)
	if err != nil || !rep.Safe() {
		t.Errorf("the audit disagrees: %v %+v", err, rep)
	}
	// Without the tree rule (the division shown with its team of 9 and
	// the 3 hidden) the audit itself finds the 3.
	leak := *res
	leak.Departments = append([]analysis.GroupResult(nil), res.Departments...)
	for i := range leak.Departments {
		if leak.Departments[i].ID == "big" {
			leak.Departments[i] = res.Departments[0]
			leak.Departments[i].ID, leak.Departments[i].Name, leak.Departments[i].ParentID, leak.Departments[i].Depth = "big", "big", "division", 1
			f := *res.Departments[0].Figures
			f.N = 9
			f.Dimensions, f.Gap, f.ENPS, f.Ambassadors, f.Barriers, f.Help = nil, nil, nil, nil, nil, nil
			leak.Departments[i].Figures = &f
			leak.Departments[i].Headcount = 19
		}
	}
	rep, err = Audit(&leak)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range rep.Findings {
		found = found || (f.Cell.Group == "small" && f.Cell.Family == analysis.FamilyRespondents && f.High <= 3)
	}
	if !found {
		t.Errorf("the audit over the tree does not find the team of 3: %+v", rep.Findings)
	}
}
