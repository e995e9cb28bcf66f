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
	var buf []float64
	mom := make([]moments, nG)
	orgFig := res.Organisation.Figures
	for ci, c := range cols {
		if orgFig == nil {
			break
		}
		if c == p.colGap() {
			if orgFig.Gap == nil || orgFig.Gap.Overall.GapStats == nil {
				continue
			}
		} else if orgFig.Dimensions[ci].DimensionStats == nil {
			continue
		}
		for g := range a.in.Groups {
			buf = a.column(g, c, buf[:0])
			mom[g] = momentsOf(buf)
		}
		// prefix[g] pools groups < g, suffix[g] groups >= g.
		prefix := make([]moments, nG+1)
		suffix := make([]moments, nG+1)
		for g := 0; g < nG; g++ {
			prefix[g+1] = prefix[g].combine(mom[g])
		}
		for g := nG - 1; g >= 0; g-- {
			suffix[g] = mom[g].combine(suffix[g+1])
		}
		for g := range a.in.Groups {
			f := res.Departments[g].Figures
			if f == nil {
				continue
			}
			var target **Comparison
			if c == p.colGap() {
				if f.Gap == nil || f.Gap.Overall.GapStats == nil {
					continue
				}
				target = &f.Gap.Overall.VsRest
			} else {
				cell := f.Dimensions[ci]
				if cell.DimensionStats == nil {
					continue
				}
				target = &cell.DimensionStats.VsRest
			}
			rest := prefix[g].combine(suffix[g+1])
			if rest.n < 2 {
				continue
			}
			t := welchFromMoments(mom[g], rest, a.cfg.Level)
			if isNaN(t.P) {
				continue
			}
			cmp := &Comparison{
				RestN: rest.n, RestMean: rest.mean, Diff: t.Diff,
				CILow: t.CI.Lo, CIHigh: t.CI.Hi, T: t.T, DF: t.DF, P: t.P,
				G: finite(hedgesGFromMoments(mom[g], rest)),
			}
			*target = cmp
			all = append(all, cmp)
		}
	}
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
