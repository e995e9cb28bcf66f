package audit

import (
	"math"
	"sort"
)

// fastBounds computes the LP bounds of a table without the simplex when
// the table has the shape nearly every published table has: one level of
// departments under a root, every department either fully published or
// fully hidden. Then each variable (and the total) is a transportation
// problem with capacities: the hidden departments share what the root
// leaves over (R = root minus shown) and department i holds at most u_i,
// so (as a flow problem, whose LP and integer bounds coincide)
//
//	x_ij in [max(0, R_j - sum_{k != i} u_k), min(R_j, u_i)]
//
// and the same for the totals. With the root hidden too, x_ij lies in
// [0, u_i] and the root in [shown, shown + sum u]. TestFastBoundsMatchSimplex
// checks this against the simplex on random tables. ok is false when the
// table has another shape; the caller then runs the simplex.
func fastBounds(t *Table) ([]Bound, bool) {
	if t.Kind == Subset || len(t.Nodes) == 0 || t.Nodes[0].Parent != -1 {
		return nil, false
	}
	root := &t.Nodes[0]
	nv := len(t.Vars)
	var hidden []int
	shownSum := make([]float64, nv)
	shownTot := 0.0
	for i := 1; i < len(t.Nodes); i++ {
		n := &t.Nodes[i]
		if n.Parent != 0 {
			return nil, false
		}
		known := 0
		for _, k := range n.Known {
			if k {
				known++
			}
		}
		totKnown := t.Kind != Partition || n.TotalKnown
		switch {
		case known == nv && totKnown:
			for j := range n.Values {
				shownSum[j] += n.Values[j]
			}
			if t.Kind == Partition {
				shownTot += n.Total
			}
		case known == 0 && (t.Kind != Partition || !n.TotalKnown):
			hidden = append(hidden, i)
		default:
			return nil, false
		}
	}
	rootKnown := 0
	for _, k := range root.Known {
		if k {
			rootKnown++
		}
	}
	if rootKnown != 0 && rootKnown != nv || (t.Kind == Partition && root.TotalKnown != (rootKnown == nv)) {
		return nil, false
	}
	// sumU is the finite part of the hidden departments' bounds, nInf
	// how many have none.
	sumU, nInf := 0.0, 0
	for _, i := range hidden {
		if u := t.Nodes[i].Upper; math.IsInf(u, 1) {
			nInf++
		} else {
			sumU += u
		}
	}
	finite := sumU
	othersOf := func(u float64) float64 {
		if math.IsInf(u, 1) {
			if nInf > 1 {
				return inf
			}
			return finite
		}
		if nInf > 0 {
			return inf
		}
		return finite - u
	}
	if nInf > 0 {
		sumU = inf
	}
	var out []Bound
	add := func(node, v int, lo, hi float64) {
		out = append(out, Bound{Node: node, Var: v, Low: lo, High: hi})
	}
	if rootKnown == 0 {
		for _, i := range hidden {
			u := t.Nodes[i].Upper
			for j := 0; j < nv; j++ {
				add(i, j, 0, u)
			}
			if t.Kind == Partition {
				add(i, -1, 0, u)
			}
		}
		// The root: what the shown departments hold plus up to what the
		// hidden ones can; each variable alone can take all of it.
		for j := 0; j < nv; j++ {
			add(0, j, shownSum[j], math.Min(shownSum[j]+sumU, root.Upper))
		}
		if t.Kind == Partition {
			add(0, -1, shownTot, math.Min(shownTot+sumU, root.Upper))
		}
		return out, true
	}
	rest := make([]float64, nv)
	for j := range rest {
		rest[j] = root.Values[j] - shownSum[j]
		if rest[j] < -1e-9 {
			return nil, false // contradictory: let the simplex report it
		}
	}
	restTot := 0.0
	if t.Kind == Partition {
		restTot = root.Total - shownTot
	}
	for _, i := range hidden {
		u := t.Nodes[i].Upper
		others := othersOf(u)
		for j := 0; j < nv; j++ {
			add(i, j, math.Max(0, rest[j]-others), math.Min(rest[j], u))
		}
		if t.Kind == Partition {
			add(i, -1, math.Max(0, restTot-others), math.Min(restTot, u))
		}
	}
	return out, true
}

// treeBounds computes the LP bounds of a Single or Partition table over a
// tree of any depth without the simplex, one column at a time (each
// variable, and a Partition's total). In a column every node with children
// equals their sum (a tree node's own respondents are a child row of their
// own, see tables.go). Cut at the published cells, the hidden cells form
// subtrees whose only link to the rest is their top's value, so bottom-up
// each hidden cell's feasible values within its subtree form an interval
//
//	[K + sum lo_c, min(U, K + sum hi_c)]   (K: its published children)
//
// and top-down, given its parent's final interval [L, H] (or published
// value), child c of hidden siblings with intervals [lo_o, hi_o] has
//
//	[max(lo_c, L - K - sum_{o != c} hi_o), min(hi_c, H - K - sum_{o != c} lo_o)],
//
// the exact projection (the subtrees are independent given their tops).
// For one column this is the simplex's answer. A Partition's columns are
// coupled (a node's variables add up to its total), which this drops, as
// fastBounds does; a variable is bounded by its node's total where that is
// published. TestTreeBoundsMatchSimplex compares both on random trees. ok
// is false for a Subset table or contradictory figures (the simplex then
// reports them).
func treeBounds(t *Table) ([]Bound, bool) {
	if t.Kind == Subset || len(t.Nodes) == 0 {
		return nil, false
	}
	n := len(t.Nodes)
	kids := make([][]int, n)
	var roots []int
	for i, nd := range t.Nodes {
		if nd.Parent >= 0 {
			kids[nd.Parent] = append(kids[nd.Parent], i)
		} else {
			roots = append(roots, i)
		}
	}
	order := make([]int, 0, n) // preorder
	stack := append([]int(nil), roots...)
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		order = append(order, i)
		stack = append(stack, kids[i]...)
	}
	if len(order) != n {
		return nil, false
	}
	known := make([]bool, n)
	val := make([]float64, n)
	upper := make([]float64, n)
	// Per column, reused: the intervals, the published children's sum,
	// and a node's hidden children.
	lo, hi, fixed := make([]float64, n), make([]float64, n), make([]float64, n)
	var hiddenKids []int
	cells := 0
	for i := range t.Nodes {
		for _, k := range t.Nodes[i].Known {
			if !k {
				cells++
			}
		}
		if t.Kind == Partition && !t.Nodes[i].TotalKnown {
			cells++
		}
	}
	out := make([]Bound, 0, cells)
	column := func(v int) bool {
		for i := range t.Nodes {
			nd := &t.Nodes[i]
			upper[i] = nd.Upper
			if v < 0 {
				known[i], val[i] = nd.TotalKnown, nd.Total
				continue
			}
			known[i], val[i] = nd.Known[v], nd.Values[v]
			if t.Kind == Partition && nd.TotalKnown {
				upper[i] = math.Min(upper[i], nd.Total)
			}
		}
		clear(lo)
		clear(hi)
		clear(fixed) // the published children's sum
		for x := n - 1; x >= 0; x-- {
			i := order[x]
			sl, sh := 0.0, 0.0
			for _, c := range kids[i] {
				if known[c] {
					fixed[i] += val[c]
				} else {
					sl += lo[c]
					sh += hi[c]
				}
			}
			if known[i] {
				continue
			}
			if len(kids[i]) == 0 {
				lo[i], hi[i] = 0, upper[i]
			} else {
				lo[i], hi[i] = fixed[i]+sl, math.Min(upper[i], fixed[i]+sh)
			}
			if lo[i] > hi[i]+1e-9 {
				return false
			}
		}
		for _, i := range order {
			hiddenKids = hiddenKids[:0]
			for _, c := range kids[i] {
				if !known[c] {
					hiddenKids = append(hiddenKids, c)
				}
			}
			rlo, rhi := lo[i]-fixed[i], hi[i]-fixed[i]
			if known[i] {
				rlo, rhi = val[i]-fixed[i], val[i]-fixed[i]
				if len(kids[i]) > 0 && len(hiddenKids) == 0 && math.Abs(rlo) > 1e-6 {
					return false
				}
			}
			sumLo, sumHiFinite, nInf := 0.0, 0.0, 0
			for _, c := range hiddenKids {
				sumLo += lo[c]
				if math.IsInf(hi[c], 1) {
					nInf++
				} else {
					sumHiFinite += hi[c]
				}
			}
			othersHi := func(c int) float64 {
				if math.IsInf(hi[c], 1) {
					if nInf > 1 {
						return inf
					}
					return sumHiFinite
				}
				if nInf > 0 {
					return inf
				}
				return sumHiFinite - hi[c]
			}
			for _, c := range hiddenKids {
				l := math.Max(lo[c], rlo-othersHi(c))
				h := math.Min(hi[c], rhi-(sumLo-lo[c]))
				if l > h+1e-9 {
					return false
				}
				lo[c], hi[c] = l, h
			}
		}
		for i := range t.Nodes {
			if !known[i] {
				out = append(out, Bound{Node: i, Var: v, Low: lo[i], High: hi[i]})
			}
		}
		return true
	}
	for v := range t.Vars {
		if !column(v) {
			return nil, false
		}
	}
	if t.Kind == Partition {
		if !column(-1) {
			return nil, false
		}
		coupleNodes(t, out)
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].Node != out[b].Node {
			return out[a].Node < out[b].Node
		}
		return out[a].Var < out[b].Var
	})
	return out, true
}

// coupleNodes narrows the column-wise bounds of a Partition's hidden cells
// with each node's own equation (its variables add up to its total): a
// variable lies within [total low - others' highs, total high - others'
// lows], the total within [sum of lows, sum of highs]. Each step only
// applies a constraint of the LP, so the bounds stay valid.
func coupleNodes(t *Table, out []Bound) {
	nv := len(t.Vars)
	at := map[int][]int{} // node -> index in out per variable, total last
	for i, b := range out {
		cells, ok := at[b.Node]
		if !ok {
			cells = make([]int, nv+1)
			for j := range cells {
				cells[j] = -1
			}
			at[b.Node] = cells
		}
		v := b.Var
		if v < 0 {
			v = nv
		}
		cells[v] = i
	}
	for node, cells := range at {
		nd := &t.Nodes[node]
		lo := make([]float64, nv+1)
		hi := make([]float64, nv+1)
		for j := 0; j <= nv; j++ {
			switch {
			case cells[j] >= 0:
				lo[j], hi[j] = out[cells[j]].Low, out[cells[j]].High
			case j == nv:
				lo[j], hi[j] = nd.Total, nd.Total
			default:
				lo[j], hi[j] = nd.Values[j], nd.Values[j]
			}
		}
		finite := true
		for _, h := range hi {
			finite = finite && !math.IsInf(h, 1)
		}
		for range 3 {
			if !finite {
				break // an unbounded cell gives nothing to subtract
			}
			sl, sh := 0.0, 0.0
			for j := 0; j < nv; j++ {
				sl += lo[j]
				sh += hi[j]
			}
			lo[nv], hi[nv] = math.Max(lo[nv], sl), math.Min(hi[nv], sh)
			for j := 0; j < nv; j++ {
				lo[j] = math.Max(lo[j], lo[nv]-(sh-hi[j]))
				hi[j] = math.Min(hi[j], hi[nv]-(sl-lo[j]))
			}
		}
		for j := 0; j <= nv; j++ {
			if cells[j] >= 0 {
				out[cells[j]].Low, out[cells[j]].High = lo[j], hi[j]
			}
		}
	}
}
