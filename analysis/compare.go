package analysis

import (
	"math"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"

	"trots/analysis/stats"
)

// welchFromMoments is Welch's two-sample t-test of x minus y computed from
// the cells' sizes, means and variances (sample variances, n-1):
//
//	a = vx/nx, b = vy/ny, t = (mx-my)/sqrt(a+b),
//	df = (a+b)^2 / (a^2/(nx-1) + b^2/(ny-1)),
//	p = 2 P(T_df > |t|), CI = diff +/- t((1+level)/2, df) sqrt(a+b).
//
// It equals stats.Welch on the raw values (tested), and lets the
// department-vs-rest comparisons pool the rest from cell moments instead of
// copying the whole organisation once per department. Degenerate cells
// (n < 2, or both variances 0) give NaN fields.
func welchFromMoments(x, y moments, level float64) stats.TTest {
	out := stats.TTest{Diff: x.mean - y.mean, T: nan, DF: nan, P: nan, CI: stats.Interval{Lo: nan, Hi: nan}}
	if x.n < 2 || y.n < 2 {
		return out
	}
	a := x.variance() / float64(x.n)
	b := y.variance() / float64(y.n)
	se := math.Sqrt(a + b)
	if se == 0 {
		return out
	}
	out.T = out.Diff / se
	out.DF = (a + b) * (a + b) / (a*a/float64(x.n-1) + b*b/float64(y.n-1))
	// p = I_{df/(df+t^2)}(df/2, 1/2), as stats does: no cancellation in
	// the tail.
	out.P = mathext.RegIncBeta(out.DF/2, 0.5, out.DF/(out.DF+out.T*out.T))
	q := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: out.DF}.Quantile((1 + level) / 2)
	out.CI = stats.Interval{Lo: out.Diff - q*se, Hi: out.Diff + q*se}
	return out
}

// hedgesGFromMoments is Hedges' g of x minus y: Cohen's d with the pooled
// sd, sqrt(((nx-1)vx + (ny-1)vy)/(nx+ny-2)), times J = 1 - 3/(4(nx+ny)-9).
func hedgesGFromMoments(x, y moments) float64 {
	if x.n < 2 || y.n < 2 {
		return nan
	}
	pooled := math.Sqrt((x.m2 + y.m2) / float64(x.n+y.n-2))
	if pooled == 0 {
		return nan
	}
	j := 1 - 3/(4*float64(x.n+y.n)-9)
	return j * (x.mean - y.mean) / pooled
}

// comparisons compares every shown department cell of every scored
// dimension and of the overall gap with the rest of the organisation (all
// other respondents, suppressed groups included: the rest is the
// organisation minus the department, so it reveals nothing the shown
// organisation and department figures do not). Where the organisation's
// cell of a family is hidden (the disclosure audit's last resort), its
// departments are not compared: n + rest_n would give the hidden cell back.
// Benjamini-Hochberg runs over the shown comparisons only: a q-value must
// not depend on hidden cells.
func (a *analyzer) comparisons(res *Result) {
	p := a.p
	nG := len(a.in.Groups)
	var all []*Comparison
	cols := make([]int, 0, len(p.scored)+1)
	for d := range p.scored {
		cols = append(cols, d)
	}
	if len(p.pairs) > 0 {
		cols = append(cols, p.colGap())
	}
	// Columns are independent: compared in parallel, each with its own
	// buffers, the comparisons collected per column and joined in column
	// order (the BH order does not depend on the schedule).
	type colOut struct{ rest, parent []*Comparison }
	outs := make([]colOut, len(cols))
	orgFig := res.Organisation.Figures
	parallel(len(cols), func(_, ci int) {
		c := cols[ci]
		// Where the organisation's cell is hidden, no node is compared
		// with the rest: n + rest_n would give the hidden cell back.
		orgShown := orgFig != nil
		if orgShown && c == p.colGap() {
			orgShown = orgFig.Gap != nil && orgFig.Gap.Overall.GapStats != nil
		} else if orgShown {
			orgShown = orgFig.Dimensions[ci].DimensionStats != nil
		}
		var buf []float64
		pos := make([]int, nG+1)
		mom := make([]moments, nG)
		var all, allParent []*Comparison
		// buf holds every group's own values in the analyzer's order
		// (preorder in a tree): node g's pooled values are
		// buf[pos[g]:pos[subEnd(g)]].
		buf = buf[:0]
		for g := range a.in.Groups {
			pos[g] = len(buf)
			buf = a.column(g, c, buf)
			mom[g] = momentsOf(buf[pos[g]:])
		}
		pos[nG] = len(buf)
		// prefix[g] pools groups < g, suffix[g] groups >= g.
		prefix := make([]moments, nG+1)
		suffix := make([]moments, nG+1)
		for g := 0; g < nG; g++ {
			prefix[g+1] = prefix[g].combine(mom[g])
		}
		for g := nG - 1; g >= 0; g-- {
			suffix[g] = mom[g].combine(suffix[g+1])
		}
		target := func(g int) **Comparison {
			f := res.Departments[g].Figures
			if f == nil {
				return nil
			}
			if c == p.colGap() {
				if f.Gap == nil || f.Gap.Overall.GapStats == nil {
					return nil
				}
				return &f.Gap.Overall.VsRest
			}
			cell := f.Dimensions[ci]
			if cell.DimensionStats == nil {
				return nil
			}
			return &cell.DimensionStats.VsRest
		}
		for g := range a.in.Groups {
			tgt := target(g)
			if tgt == nil {
				continue
			}
			end := a.subEnd(g)
			node := mom[g]
			if end != g+1 {
				node = momentsOf(buf[pos[g]:pos[end]])
			}
			if orgShown {
				if cmp := a.compare(node, prefix[g].combine(suffix[end])); cmp != nil {
					*tgt = cmp
					all = append(all, cmp)
				}
			}
			if a.tree == nil || a.tree.parent[g] < 0 {
				continue
			}
			// The rest of the parent: its own respondents and the other
			// children's subtrees, where the parent's cell is shown too
			// (then it is the difference of two shown cells).
			par := a.tree.parent[g]
			if target(par) == nil {
				continue
			}
			rest := momentsOf(buf[pos[par]:pos[g]]).combine(momentsOf(buf[pos[end]:pos[a.subEnd(par)]]))
			if cmp := a.compare(node, rest); cmp != nil {
				// VsParent sits beside VsRest in the same cell.
				if c == p.colGap() {
					res.Departments[g].Gap.Overall.VsParent = cmp
				} else {
					res.Departments[g].Dimensions[ci].VsParent = cmp
				}
				allParent = append(allParent, cmp)
			}
		}
		outs[ci] = colOut{all, allParent}
	})
	var allParent []*Comparison
	for _, o := range outs {
		all = append(all, o.rest...)
		allParent = append(allParent, o.parent...)
	}
	bh(allParent)
	bh(all)
}

// compare is Welch and Hedges' g of a node against a rest; nil when the
// rest has fewer than two values or the test is undefined.
func (a *analyzer) compare(node, rest moments) *Comparison {
	if rest.n < 2 {
		return nil
	}
	t := welchFromMoments(node, rest, a.cfg.Level)
	if isNaN(t.P) {
		return nil
	}
	return &Comparison{
		RestN: rest.n, RestMean: rest.mean, Diff: t.Diff,
		CILow: t.CI.Lo, CIHigh: t.CI.Hi, T: t.T, DF: t.DF, P: t.P,
		G: finite(hedgesGFromMoments(node, rest)),
	}
}

// bh sets the Benjamini-Hochberg q-values of one family of comparisons.
func bh(all []*Comparison) {
	if len(all) == 0 {
		return
	}
	ps := make([]float64, len(all))
	for i, c := range all {
		ps[i] = c.P
	}
	for i, q := range stats.BH(ps) {
		all[i].Q = q
	}
}
