package audit

import "math"

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
