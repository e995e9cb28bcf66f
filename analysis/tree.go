package analysis

import (
	"fmt"
	"sort"
)

// Departments may form a tree (Group.ParentID). Each input group holds only
// its own respondents and its own headcount; the result of a node is the
// node as a group: its own respondents and everybody below it pooled.
//
// Internally the analyzer puts the groups in depth-first preorder (roots and
// children in input order), so that every subtree is a contiguous run of
// groups - and of respondents, since the person matrix is laid out group by
// group: node g's pooled respondents are rows offset[g] to offset[end[g]].
// Pooling then costs nothing, and a flat input keeps its order (preorder of
// a forest of leaves is the input order), so its results are today's.

// tree is the shape of the input in the analyzer's (preorder) order.
type tree struct {
	// perm[i] is the input index of internal group i.
	perm []int
	// parent[i] is the internal index of i's parent, -1 at the top level;
	// end[i] is one past i's last descendant; depth[i] is 0 at the top.
	parent, end, depth []int
	children           [][]int
	top                []int
}

// isTree reports whether any group of the input has a parent.
func isTree(groups []Group) bool {
	for _, g := range groups {
		if g.ParentID != "" {
			return true
		}
	}
	return false
}

// buildTree validates the tree of groups (every parent exists, no cycle, no
// duplicate id) and returns its preorder layout.
func buildTree(groups []Group) (*tree, error) {
	index := make(map[string]int, len(groups))
	for i, g := range groups {
		if g.ID == "" {
			if g.ParentID != "" {
				return nil, fmt.Errorf("analysis: group %q has a parent but no id", g.Name)
			}
			continue
		}
		if _, dup := index[g.ID]; dup {
			return nil, fmt.Errorf("analysis: group id %q appears twice", g.ID)
		}
		index[g.ID] = i
	}
	kids := make([][]int, len(groups))
	var roots []int
	for i, g := range groups {
		if g.ParentID == "" {
			roots = append(roots, i)
			continue
		}
		p, ok := index[g.ParentID]
		if !ok {
			return nil, fmt.Errorf("analysis: group %q has an unknown parent %q", g.Name, g.ParentID)
		}
		if p == i {
			return nil, fmt.Errorf("analysis: group %q is its own parent", g.Name)
		}
		kids[p] = append(kids[p], i)
	}
	t := &tree{}
	pos := make([]int, len(groups))
	for i := range pos {
		pos[i] = -1
	}
	// Iterative preorder (a deep chain must not exhaust the stack).
	type frame struct{ node, parent, depth int }
	for _, r := range roots {
		stack := []frame{{r, -1, 0}}
		for len(stack) > 0 {
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			me := len(t.perm)
			pos[f.node] = me
			t.perm = append(t.perm, f.node)
			t.parent = append(t.parent, f.parent)
			t.depth = append(t.depth, f.depth)
			for c := len(kids[f.node]) - 1; c >= 0; c-- {
				stack = append(stack, frame{kids[f.node][c], me, f.depth + 1})
			}
		}
	}
	if len(t.perm) != len(groups) {
		// Groups not reached from a top-level group lie on a cycle.
		for i, g := range groups {
			if pos[i] < 0 {
				return nil, fmt.Errorf("analysis: group %q lies on or below a cycle of parents", g.Name)
			}
		}
	}
	n := len(groups)
	t.end = make([]int, n)
	t.children = make([][]int, n)
	for i := n - 1; i >= 0; i-- {
		if t.end[i] == 0 {
			t.end[i] = i + 1
		}
		if p := t.parent[i]; p >= 0 {
			t.end[p] = max(t.end[p], t.end[i])
		} else {
			t.top = append(t.top, i)
		}
	}
	for i := 0; i < n; i++ {
		if p := t.parent[i]; p >= 0 {
			t.children[p] = append(t.children[p], i)
		}
	}
	sort.Ints(t.top)
	return t, nil
}

// pool turns per-group counts of their own respondents into per-node counts
// of the subtree (own plus everything below). Flat input: the counts.
func (a *analyzer) pool(own []int) []int {
	if a.tree == nil {
		return own
	}
	out := make([]int, len(own))
	for g := len(own) - 1; g >= 0; g-- {
		out[g] += own[g]
		if p := a.tree.parent[g]; p >= 0 {
			out[p] += out[g]
		}
	}
	return out
}

// subEnd is one past the last group of node g's subtree.
func (a *analyzer) subEnd(g int) int {
	if a.tree == nil {
		return g + 1
	}
	return a.tree.end[g]
}

// subGroups is the organisation-level total of pooled counts: the sum over
// the top-level nodes (each respondent counted once).
func (a *analyzer) total(pooled []int) int {
	s := 0
	if a.tree == nil {
		for _, c := range pooled {
			s += c
		}
		return s
	}
	for _, g := range a.tree.top {
		s += pooled[g]
	}
	return s
}

// treeCellsShown is cellsShown over a tree. count[g] is the number of
// contributors of node g's subtree (pooled). A node's cell is shown only if
// it is eligible and at least k contribute. Then, for every shown node
// (bottom-up) and finally the organisation: its "atom" - its count minus
// the counts of its nearest shown descendants (what a reader gets by
// subtracting them) - must be 0 or at least k; while it is not, the
// nearest shown descendant with the fewest contributors (ties: the key;
// first among those with a nonzero atom, since hiding a node all of whose
// people are in shown nodes below changes nothing) is hidden too, which merges that descendant's atom into this one and puts
// its own nearest shown descendants in its place. Hiding a node changes
// only its nearest shown ancestor's atom, which is checked later, so the
// atoms checked earlier stay as they are. Published cells are then a
// laminar family whose atoms each cover 0 or at least k people, and every
// sum or difference of published figures is a sum of atoms: parent minus
// its shown children, siblings minus each other, any combination.
func treeCellsShown(t *tree, count []int, eligible []bool, key []string, k int) (shown []bool, org bool) {
	n := len(count)
	shown = make([]bool, n)
	total := 0
	for _, g := range t.top {
		total += count[g]
	}
	if total < k {
		return shown, false
	}
	for g := range count {
		shown[g] = (eligible == nil || eligible[g]) && count[g] >= k
	}
	// nearest appends the nearest shown nodes among kids and below.
	var nearest func(kids []int, out []int) []int
	nearest = func(kids []int, out []int) []int {
		for _, c := range kids {
			if shown[c] {
				out = append(out, c)
			} else {
				out = nearest(t.children[c], out)
			}
		}
		return out
	}
	less := func(a, b int) bool {
		if count[a] != count[b] {
			return count[a] < count[b]
		}
		if key != nil && key[a] != key[b] {
			return key[a] < key[b]
		}
		return a < b
	}
	// atom is node c's count minus its nearest shown descendants'.
	atom := func(c int) int {
		a := count[c]
		for _, d := range nearest(t.children[c], nil) {
			a -= count[d]
		}
		return a
	}
	fix := func(size int, kids []int) {
		near := nearest(kids, nil)
		covered := 0
		for _, c := range near {
			covered += count[c]
		}
		for rem := size - covered; rem > 0 && rem < k; rem = size - covered {
			// Hiding a node whose atom is 0 (everyone in it is in
			// shown nodes below) changes no difference and leaves a
			// hidden cell equal to a sum of shown ones: prefer a node
			// whose atom (then >= k) closes this one at once.
			best, bestAtom := -1, false
			for i, c := range near {
				hasAtom := atom(c) > 0
				if best < 0 || (hasAtom && !bestAtom) || (hasAtom == bestAtom && less(c, near[best])) {
					best, bestAtom = i, hasAtom
				}
			}
			if best < 0 {
				return // nothing left to hide; unreachable since size >= k
			}
			c := near[best]
			shown[c] = false
			covered -= count[c]
			near = append(near[:best], near[best+1:]...)
			below := nearest(t.children[c], nil)
			for _, d := range below {
				covered += count[d]
			}
			near = append(near, below...)
		}
	}
	// Preorder: every descendant has a larger index than its node.
	for g := n - 1; g >= 0; g-- {
		if shown[g] {
			fix(count[g], t.children[g])
		}
	}
	fix(total, t.top)
	return shown, true
}

// headcounts are the nodes' headcounts: a node's own plus its
// descendants'. A flat list keeps its own (0 = unknown). In a tree a node
// with children, headcount 0 and no respondents of its own has no
// employees of its own, and a node's headcount is unknown (0) when that of
// a leaf below it, or of a node below it with own respondents, is.
func (a *analyzer) headcounts() []int {
	groups := a.in.Groups
	out := make([]int, len(groups))
	if a.tree == nil {
		for g, grp := range groups {
			out[g] = grp.Headcount
		}
		return out
	}
	unknown := make([]bool, len(groups))
	for g := len(groups) - 1; g >= 0; g-- {
		out[g] += groups[g].Headcount
		// A node with children and headcount 0 has no staff of its own -
		// unless some of its own people answered: then its headcount is
		// simply not known. Taking it as 0 would put respondents over no
		// employees (a pooled response rate too high; the audit would
		// bound the node's own respondents by 0).
		if groups[g].Headcount <= 0 && (len(a.tree.children[g]) == 0 || len(groups[g].Responses) > 0) {
			unknown[g] = true
		}
		if p := a.tree.parent[g]; p >= 0 {
			out[p] += out[g]
			unknown[p] = unknown[p] || unknown[g]
		}
	}
	for g := range out {
		if unknown[g] {
			out[g] = 0
		}
	}
	return out
}

// pooledGroup is node g as one group: its subtree's responses and the
// node's headcount (for the integrity checks).
func (a *analyzer) pooledGroup(g, headcount int) Group {
	grp := a.in.Groups[g]
	grp.Headcount = headcount
	end := a.subEnd(g)
	if end == g+1 {
		return grp
	}
	n := 0
	for h := g; h < end; h++ {
		n += len(a.in.Groups[h].Responses)
	}
	rs := make([]Response, 0, n)
	for h := g; h < end; h++ {
		rs = append(rs, a.in.Groups[h].Responses...)
	}
	grp.Responses = rs
	return grp
}

// levels fills what only a tree has - each node's parent, depth and the
// spread of its children's verdicts - and puts the nodes back in input
// order.
func (a *analyzer) levels(res *Result) {
	t := a.tree
	spread := func(kids []int) map[Decision]int {
		m := map[Decision]int{Go: 0, FixFirst: 0, NotMeasurable: 0}
		for _, c := range kids {
			if v := res.Departments[c].Verdict; v != nil {
				m[v.Decision]++
			} else {
				m[NotMeasurable]++
			}
		}
		return m
	}
	for g := range res.Departments {
		d := &res.Departments[g]
		d.ParentID = a.in.Groups[g].ParentID
		d.Depth = t.depth[g]
		if len(t.children[g]) > 0 {
			d.ChildVerdicts = spread(t.children[g])
		}
	}
	res.Organisation.ChildVerdicts = spread(t.top)
	out := make([]GroupResult, len(res.Departments))
	for i, g := range t.perm {
		out[g] = res.Departments[i]
	}
	res.Departments = out
}

func tallyCounts(n int, f func(g int) []int) [][]int {
	out := make([][]int, n)
	for g := range out {
		out[g] = f(g)
	}
	return out
}

// treeProfiles is the profile suppression of a tree. byProfile[g] are node
// g's pooled counts per profile, eligible(g) whether node g shows its
// ambassadors at all. Bottom-up, per node: a profile's count minus those of
// its nearest descendants that show that profile (what subtracting them
// leaves) must be 0 or at least k, or the node's count of the profile is
// hidden (as the organisation's is in a flat list); then the rule inside
// the node (profilesShownExcept). It returns the shown profiles per node
// and, per profile, the counts covered by the top-level nodes' nearest
// shown cells (the organisation's check, done by the caller).
func (a *analyzer) treeProfiles(byProfile [][]int, eligible func(g int) bool, nProf int) ([][]bool, []int) {
	t, k := a.tree, a.cfg.MinGroup
	n := len(byProfile)
	inner := make([][]bool, n)
	// below[g][i]: the count of profile i covered by g's nearest
	// descendants that show it.
	below := make([][]int, n)
	for g := range below {
		below[g] = make([]int, nProf)
	}
	contrib := func(c, i int) int {
		if inner[c] != nil && inner[c][i] {
			return byProfile[c][i]
		}
		return below[c][i]
	}
	for g := n - 1; g >= 0; g-- {
		for _, c := range t.children[g] {
			for i := 0; i < nProf; i++ {
				below[g][i] += contrib(c, i)
			}
		}
		if !eligible(g) {
			continue
		}
		var forced []bool
		if len(t.children[g]) > 0 {
			forced = make([]bool, nProf)
			for i := range forced {
				rem := byProfile[g][i] - below[g][i]
				forced[i] = rem > 0 && rem < k
			}
		}
		inner[g] = a.profilesShownExcept(byProfile[g], a.keys[g], forced)
	}
	covered := make([]int, nProf)
	for _, g := range t.top {
		for i := 0; i < nProf; i++ {
			covered[i] += contrib(g, i)
		}
	}
	return inner, covered
}
