package stats

import (
	"cmp"
	"math"
	"slices"
)

// BH returns Benjamini-Hochberg adjusted p-values (q-values) in the order of p:
// with the m non-NaN p-values sorted ascending, p_(1) <= ... <= p_(m),
//
//	q_(i) = min over j >= i of min(1, m p_(j) / j).
//
// NaN p-values stay NaN and are not counted in m. Ties get the same q-value.
// p-values are assumed to lie in [0, 1]. An empty p gives an empty result.
//
// Reference: R p.adjust(p, method = "BH").
func BH(p []float64) []float64 {
	q := make([]float64, len(p))
	idx := make([]int, 0, len(p))
	for i, v := range p {
		if math.IsNaN(v) {
			q[i] = math.NaN()
			continue
		}
		idx = append(idx, i)
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(p[a], p[b]) })
	m := float64(len(idx))
	running := 1.0
	for r := len(idx) - 1; r >= 0; r-- {
		i := idx[r]
		running = math.Min(running, m*p[i]/float64(r+1))
		q[i] = running
	}
	return q
}
