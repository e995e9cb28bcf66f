package audit

import (
	"errors"
	"math"
	"slices"
	"sort"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

var inf = math.Inf(1)

// tol is the tolerance of the simplex and of the rounding of its bounds to
// whole counts.
const tol = 1e-7

// Bound is what the published figures leave of one hidden cell: the
// smallest and largest value the linear constraints allow.
type Bound struct {
	Node int // index into Table.Nodes
	Var  int // variable index; -1 for the total of a Partition node
	Low  float64
	High float64
	// Failed is set when the simplex could not bound the cell; the audit
	// then counts it as disclosed (it cannot show otherwise).
	Failed bool
}

// expr is a linear expression: constant plus coefficients of unknowns.
type expr struct {
	c     float64
	terms map[int]float64
}

func (e *expr) add(coef float64, v value) {
	if v.col < 0 {
		e.c += coef * v.val
		return
	}
	if e.terms == nil {
		e.terms = map[int]float64{}
	}
	e.terms[v.col] += coef
}

// value is a published constant (col -1) or an unknown column.
type value struct {
	col int
	val float64
}

// system is a table's constraints in standard form over its unknowns and
// slacks: rows of A x = b, x >= 0.
type system struct {
	rows []expr // each row: terms = rhs where rhs = -c
	ncol int
	// cell[col] names the cell of an unknown column (slacks: Node -1).
	cell []Bound
}

func (s *system) newCol(node, v int) int {
	s.cell = append(s.cell, Bound{Node: node, Var: v})
	s.ncol++
	return s.ncol - 1
}

func (s *system) slack() int { return s.newCol(-1, 0) }

// buildSystem writes the constraints of t: the tree sums per variable,
// the node structure (Partition, Subset) and the upper bounds.
func buildSystem(t *Table) *system {
	s := &system{}
	vals := make([][]value, len(t.Nodes))
	tot := make([]value, len(t.Nodes))
	for i := range t.Nodes {
		n := &t.Nodes[i]
		vals[i] = make([]value, len(t.Vars))
		for j := range t.Vars {
			if n.Known[j] {
				vals[i][j] = value{col: -1, val: n.Values[j]}
			} else {
				vals[i][j] = value{col: s.newCol(i, j)}
			}
		}
		switch {
		case t.Kind != Partition:
			tot[i] = vals[i][0]
		case n.TotalKnown:
			tot[i] = value{col: -1, val: n.Total}
		default:
			tot[i] = value{col: s.newCol(i, -1)}
		}
	}
	children := make([][]int, len(t.Nodes))
	for i, n := range t.Nodes {
		if n.Parent >= 0 {
			children[n.Parent] = append(children[n.Parent], i)
		}
	}
	for p, ch := range children {
		if len(ch) == 0 {
			continue
		}
		sum := func(get func(i int) value) {
			var e expr
			e.add(1, get(p))
			for _, c := range ch {
				e.add(-1, get(c))
			}
			s.rows = append(s.rows, e)
		}
		for j := range t.Vars {
			sum(func(i int) value { return vals[i][j] })
		}
		if t.Kind == Partition {
			sum(func(i int) value { return tot[i] })
		}
	}
	for i, n := range t.Nodes {
		switch t.Kind {
		case Partition:
			var e expr
			for j := range t.Vars {
				e.add(1, vals[i][j])
			}
			e.add(-1, tot[i])
			s.rows = append(s.rows, e)
		case Subset:
			for j := 1; j < len(t.Vars); j++ {
				if vals[i][j].col < 0 && vals[i][0].col < 0 {
					continue
				}
				var e expr
				e.add(1, vals[i][j])
				e.add(-1, vals[i][0])
				e.add(1, value{col: s.slack()})
				s.rows = append(s.rows, e)
			}
		}
		if !math.IsInf(n.Upper, 1) && tot[i].col >= 0 {
			var e expr
			e.add(1, tot[i])
			e.add(1, value{col: s.slack()})
			e.c = -n.Upper
			s.rows = append(s.rows, e)
		}
	}
	return s
}

var errInconsistent = errors.New("audit: the published figures contradict one another")

// bounds computes the LP bounds of every unknown cell of t. The system is
// split into independent parts (unknowns that share no constraint), and
// each part is solved on its own.
func bounds(t *Table) ([]Bound, error) {
	if t.Kind == Subset {
		return subsetBounds(t)
	}
	if out, ok := fastBounds(t); ok {
		return out, nil
	}
	if deep(t) {
		// A department tree: the closed form over the tree (the simplex
		// takes seconds for 30 nodes, and a tree has hundreds).
		if out, ok := treeBounds(t); ok {
			return out, nil
		}
	}
	return simplexBounds(t)
}

// subsetBounds bounds a Subset table column by column: first the totals
// (the first variable), then each subset variable as a table of its own
// whose cells are bounded by their node's total (published, or its upper
// bound). This drops the coupling between a node's subsets, a relaxation:
// the bounds are valid but can be wider than the simplex over the whole
// table would give. It keeps the audit of large organisations fast.
func subsetBounds(t *Table) ([]Bound, error) {
	var sl slab
	column := func(j int, upper func(i int) float64) Table {
		c := Table{Name: t.Name, Kind: Single, Vars: []string{t.Vars[j]}, Families: []string{t.Families[j]}, Nodes: make([]Node, len(t.Nodes))}
		for i, n := range t.Nodes {
			known, values := sl.take(1)
			known[0], values[0] = n.Known[j], n.Values[j]
			c.Nodes[i] = Node{Group: n.Group, Name: n.Name, Parent: n.Parent, Known: known, Values: values, Upper: upper(i)}
		}
		return c
	}
	first := column(0, func(i int) float64 { return t.Nodes[i].Upper })
	out, err := bounds(&first)
	if err != nil {
		return nil, err
	}
	hi := make([]float64, len(t.Nodes))
	for i, n := range t.Nodes {
		hi[i] = n.Upper
		if n.Known[0] {
			hi[i] = n.Values[0]
		}
	}
	for _, b := range out {
		hi[b.Node] = math.Min(hi[b.Node], b.High)
	}
	for j := 1; j < len(t.Vars); j++ {
		c := column(j, func(i int) float64 { return hi[i] })
		bs, err := bounds(&c)
		if err != nil {
			return nil, err
		}
		if j == 1 {
			out = slices.Grow(out, (len(t.Vars)-1)*len(bs))
		}
		for _, b := range bs {
			b.Var = j
			out = append(out, b)
		}
	}
	return out, nil
}

// simplexBounds bounds every unknown cell of t with the simplex.
func simplexBounds(t *Table) ([]Bound, error) {
	s := buildSystem(t)
	// Rows without unknowns are checks on published figures.
	var rows []expr
	for _, r := range s.rows {
		if len(r.terms) == 0 {
			if math.Abs(r.c) > 1e-6 {
				return nil, errInconsistent
			}
			continue
		}
		rows = append(rows, r)
	}
	// Connected parts by union-find over the columns.
	parent := make([]int, s.ncol)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for _, r := range rows {
		first := -1
		for c := range r.terms {
			if first < 0 {
				first = c
				continue
			}
			parent[find(c)] = find(first)
		}
	}
	partCols := map[int][]int{}
	for c := 0; c < s.ncol; c++ {
		partCols[find(c)] = append(partCols[find(c)], c)
	}
	partRows := map[int][]expr{}
	for _, r := range rows {
		for c := range r.terms {
			partRows[find(c)] = append(partRows[find(c)], r)
			break
		}
	}
	roots := make([]int, 0, len(partCols))
	for r := range partCols {
		roots = append(roots, r)
	}
	sort.Ints(roots)
	var out []Bound
	for _, root := range roots {
		bs, err := solvePart(s, partCols[root], partRows[root])
		if err != nil {
			return nil, err
		}
		out = append(out, bs...)
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].Node != out[b].Node {
			return out[a].Node < out[b].Node
		}
		return out[a].Var < out[b].Var
	})
	return out, nil
}

// solvePart bounds the cells among cols, constrained by rows.
func solvePart(s *system, cols []int, rows []expr) ([]Bound, error) {
	local := make(map[int]int, len(cols))
	for i, c := range cols {
		local[c] = i
	}
	var targets []int
	for i, c := range cols {
		if s.cell[c].Node >= 0 {
			targets = append(targets, i)
		}
	}
	if len(targets) == 0 {
		return nil, nil
	}
	if len(rows) == 0 {
		// Nothing constrains these cells but x >= 0.
		out := make([]Bound, 0, len(targets))
		for _, i := range targets {
			b := s.cell[cols[i]]
			b.Low, b.High = 0, inf
			out = append(out, b)
		}
		return out, nil
	}
	A, b, err := independentRows(rows, local, len(cols))
	if err != nil {
		return nil, err
	}
	m, n := len(b), len(cols)
	dense := mat.NewDense(m, n, nil)
	for r := range A {
		dense.SetRow(r, A[r])
	}
	out := make([]Bound, 0, len(targets))
	c := make([]float64, n)
	for _, i := range targets {
		bd := s.cell[cols[i]]
		c[i] = 1
		lo, _, err := lp.Simplex(c, dense, b, tol, nil)
		switch {
		case errors.Is(err, lp.ErrInfeasible):
			return nil, errInconsistent
		case err != nil:
			bd.Failed = true
		}
		c[i] = -1
		hi, _, err := lp.Simplex(c, dense, b, tol, nil)
		switch {
		case errors.Is(err, lp.ErrUnbounded):
			hi = math.Inf(-1)
		case errors.Is(err, lp.ErrInfeasible):
			return nil, errInconsistent
		case err != nil:
			bd.Failed = true
		}
		c[i] = 0
		bd.Low, bd.High = lo, -hi
		out = append(out, bd)
	}
	return out, nil
}

// independentRows writes rows as a dense matrix over the local columns
// and drops the rows that are combinations of others (the simplex needs
// full row rank), by Gaussian elimination with partial pivoting. A
// dependent row whose right-hand side does not follow is a contradiction.
func independentRows(rows []expr, local map[int]int, n int) ([][]float64, []float64, error) {
	var A [][]float64
	var b []float64
	// reduced holds the rows kept so far in echelon form, with their
	// pivot columns, to test each new row against.
	type pivotRow struct {
		row []float64
		rhs float64
		col int
	}
	var reduced []pivotRow
	for _, r := range rows {
		row := make([]float64, n)
		for c, v := range r.terms {
			row[local[c]] = v
		}
		rhs := -r.c
		red := append([]float64(nil), row...)
		rr := rhs
		for _, p := range reduced {
			if f := red[p.col]; f != 0 {
				for j := range red {
					red[j] -= f * p.row[j]
				}
				rr -= f * p.rhs
			}
		}
		piv, best := -1, 1e-9
		for j, v := range red {
			if math.Abs(v) > best {
				piv, best = j, math.Abs(v)
			}
		}
		if piv < 0 {
			if math.Abs(rr) > 1e-6 {
				return nil, nil, errInconsistent
			}
			continue
		}
		f := red[piv]
		for j := range red {
			red[j] /= f
		}
		rr /= f
		// Keep the echelon rows reduced in the new pivot column too.
		for k := range reduced {
			if g := reduced[k].row[piv]; g != 0 {
				for j := range reduced[k].row {
					reduced[k].row[j] -= g * red[j]
				}
				reduced[k].rhs -= g * rr
			}
		}
		reduced = append(reduced, pivotRow{row: red, rhs: rr, col: piv})
		A = append(A, row)
		b = append(b, rhs)
	}
	return A, b, nil
}

// deep reports whether t has more than one level below its root.
func deep(t *Table) bool {
	for _, n := range t.Nodes {
		if n.Parent > 0 {
			return true
		}
	}
	return false
}
