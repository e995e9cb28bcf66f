// Package stats holds the numerical primitives of trots: pure functions over
// plain slices, written the gonum way and checked against R (see
// testdata/make_fixtures.R, which writes testdata/reference.json).
//
// Conventions shared by every function:
//   - level is a two-sided confidence level in (0, 1), e.g. 0.95; any other
//     value gives NaN interval bounds.
//   - t quantiles come from distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}, F
//     quantiles from distuv.F and normal quantiles from distuv.UnitNormal.
//   - No function panics on empty, short, constant or missing input: the
//     affected results are NaN (or an error for the driver analyses), as
//     stated in each doc comment.
package stats

import (
	"math"
	"sync"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// Interval is a closed confidence interval [Lo, Hi].
type Interval struct{ Lo, Hi float64 }

// nanInterval is the interval returned when an interval is undefined.
var nanInterval = Interval{Lo: math.NaN(), Hi: math.NaN()}

// validLevel reports whether level is a usable two-sided confidence level.
func validLevel(level float64) bool {
	return level > 0 && level < 1
}

// tCrit returns the (1+level)/2 quantile of Student's t with df degrees of
// freedom, or NaN when level or df is unusable.
func tCrit(level, df float64) float64 {
	if !validLevel(level) || !(df > 0) || math.IsInf(df, 1) {
		return math.NaN()
	}
	if df == math.Trunc(df) && df <= maxCachedDF {
		// Whole degrees of freedom (n-1) repeat across the cells of an
		// analysis; the inverse incomplete beta is the costliest step of
		// a large one (a tree of 1,500 nodes), so each value is computed
		// once. The cached value is the same computation's result.
		key := tKey{level, df}
		if v, ok := tCache.Load(key); ok {
			return v.(float64)
		}
		v := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile((1 + level) / 2)
		tCache.Store(key, v)
		return v
	}
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile((1 + level) / 2)
}

const maxCachedDF = 1 << 20

type tKey struct{ level, df float64 }

// tCache holds the quantiles of whole degrees of freedom (at most one per
// level and n seen: bounded by the largest organisation analysed).
var tCache sync.Map

// zCrit returns the (1+level)/2 quantile of the standard normal distribution,
// or NaN when level is unusable.
func zCrit(level float64) float64 {
	if !validLevel(level) {
		return math.NaN()
	}
	return distuv.UnitNormal.Quantile((1 + level) / 2)
}

// tTwoSided returns the two-sided p-value P(|T| >= |t|) for T ~ t(df),
//
//	p = I_{df/(df+t^2)}(df/2, 1/2),
//
// the regularized incomplete beta function, which equals 2 F_t(-|t|) without
// the cancellation of 1 - F_t(|t|).
func tTwoSided(t, df float64) float64 {
	if math.IsNaN(t) || !(df > 0) {
		return math.NaN()
	}
	if math.IsInf(t, 0) {
		return 0
	}
	return mathext.RegIncBeta(df/2, 0.5, df/(df+t*t))
}

// meanVar returns the sample mean and the unbiased (n-1) sample variance of x
// by the two-pass algorithm with compensation (as gonum's stat.MeanVariance).
// n = 0 gives NaN, NaN; n = 1 gives x[0], NaN. It does not allocate.
func meanVar(x []float64) (mean, variance float64) {
	n := len(x)
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	var s float64
	for _, v := range x {
		s += v
	}
	mean = s / float64(n)
	if n == 1 {
		return mean, math.NaN()
	}
	var ss, comp float64
	for _, v := range x {
		d := v - mean
		ss += d * d
		comp += d
	}
	return mean, (ss - comp*comp/float64(n)) / float64(n-1)
}

// constant reports whether all values of x are identical (true for len(x) < 2).
func constant(x []float64) bool {
	for _, v := range x[min(1, len(x)):] {
		if v != x[0] {
			return false
		}
	}
	return true
}
