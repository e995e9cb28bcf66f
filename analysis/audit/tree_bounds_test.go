package audit

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// randomTreeTable draws a consistent table over a random tree: leaves get
// counts per variable, every other node the sum of its children; cells are
// published at random (whole nodes or single variables), bounds are the
// node's total plus slack, or none.
func randomTreeTable(rng *rand.Rand, kind Kind) Table {
	nv := 1
	if kind == Partition {
		nv = 1 + rng.IntN(3)
	}
	n := 2 + rng.IntN(14)
	t := Table{Name: "t", Kind: kind, Vars: make([]string, nv), Families: make([]string, nv)}
	parent := make([]int, n)
	parent[0] = -1
	for i := 1; i < n; i++ {
		parent[i] = rng.IntN(i)
	}
	vals := make([][]float64, n)
	for i := range vals {
		vals[i] = make([]float64, nv)
	}
	hasKids := make([]bool, n)
	for i := 1; i < n; i++ {
		hasKids[parent[i]] = true
	}
	for i := n - 1; i >= 0; i-- {
		if !hasKids[i] {
			for j := range vals[i] {
				vals[i][j] = float64(rng.IntN(6))
			}
		}
		if i > 0 {
			for j := range vals[i] {
				vals[parent[i]][j] += vals[i][j]
			}
		}
	}
	for i := 0; i < n; i++ {
		tot := 0.0
		for _, v := range vals[i] {
			tot += v
		}
		nd := Node{Group: fmt.Sprint(i), Parent: parent[i], Known: make([]bool, nv), Values: make([]float64, nv), Total: tot, Upper: inf}
		if rng.IntN(4) > 0 {
			nd.Upper = tot + float64(rng.IntN(4))
		}
		switch rng.IntN(5) {
		case 0, 1: // published
			for j := range nd.Known {
				nd.Known[j], nd.Values[j] = true, vals[i][j]
			}
			nd.TotalKnown = true
		case 2: // partly (a Partition's node is published whole or not at all)
			if kind == Partition {
				break
			}
			for j := range nd.Known {
				if rng.IntN(2) == 0 {
					nd.Known[j], nd.Values[j] = true, vals[i][j]
				}
			}
			nd.TotalKnown = rng.IntN(2) == 0
		}
		if !nd.TotalKnown {
			nd.Total = 0
		}
		if kind == Single {
			nd.TotalKnown, nd.Total = false, 0
		}
		t.Nodes = append(t.Nodes, nd)
	}
	return t
}

// treeBounds gives the simplex's bounds, cell for cell, on 1,000 random
// trees (Single tables and Partitions with nodes published whole or not at
// all, as the analysis publishes them; bounds or none). It is never
// narrower than the simplex (that would be wrong) and, with each node's
// equation applied (coupleNodes), not wider either on these trees.
func TestTreeBoundsMatchSimplex(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 5))
	cells, wider := 0, 0
	trials := 1000
	if testing.Short() {
		trials = 200
	}
	for trial := range trials {
		kind := Single
		if trial%2 == 1 {
			kind = Partition
		}
		tb := randomTreeTable(rng, kind)
		fast, ok := treeBounds(&tb)
		if !ok {
			t.Fatalf("trial %d: no closed form for a consistent tree", trial)
		}
		slow, err := simplexBounds(&tb)
		if err != nil {
			t.Fatalf("trial %d: simplex: %v", trial, err)
		}
		if len(fast) != len(slow) {
			t.Fatalf("trial %d: %d bounds, simplex %d", trial, len(fast), len(slow))
		}
		for i := range fast {
			f, s := fast[i], slow[i]
			if f.Node != s.Node || f.Var != s.Var {
				t.Fatalf("trial %d: cell %d/%d vs %d/%d", trial, f.Node, f.Var, s.Node, s.Var)
			}
			cells++
			same := func(a, b float64) bool {
				return (math.IsInf(a, 1) && math.IsInf(b, 1)) || math.Abs(a-b) < 1e-6 || (b > 1e8 && math.IsInf(a, 1))
			}
			if same(f.Low, s.Low) && same(f.High, s.High) {
				continue
			}
			if math.IsNaN(f.Low) || math.IsNaN(f.High) || f.Low > s.Low+1e-6 || f.High < s.High-1e-6 {
				t.Fatalf("trial %d (%v): node %d var %d: closed form [%g, %g] narrower than the simplex's [%g, %g]", trial, kind, f.Node, f.Var, f.Low, f.High, s.Low, s.High)
			}
			wider++
			t.Errorf("trial %d (%v): node %d var %d: closed form [%g, %g], simplex [%g, %g]", trial, kind, f.Node, f.Var, f.Low, f.High, s.Low, s.High)
		}
	}
	t.Logf("%d cells, %d wider than the simplex", cells, wider)
}
