package stats

import (
	"errors"
	"math"
	"math/bits"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// Errors of the driver analyses (RelativeWeights, Shapley).
var (
	ErrShape     = errors.New("stats: ragged rows or len(y) != len(x)")
	ErrTooFew    = errors.New("stats: too few observations (need n >= p + 2)")
	ErrMissing   = errors.New("stats: missing value (NaN or Inf) in driver data")
	ErrConstant  = errors.New("stats: a predictor or the outcome is constant")
	ErrSingular  = errors.New("stats: predictors are collinear")
	ErrTooMany   = errors.New("stats: too many predictors for exact Shapley (p > 12)")
	errNoPredict = errors.New("stats: no predictors")
)

// MaxShapleyPredictors is the largest p Shapley accepts (2^p subsets).
const MaxShapleyPredictors = 12

// correlations validates x (n rows by p predictors) and y and returns the
// predictor correlation matrix R_xx (p x p) and the correlations r_xy.
func correlations(x [][]float64, y []float64) (*mat.SymDense, []float64, error) {
	n := len(x)
	if n == 0 {
		return nil, nil, ErrTooFew
	}
	p := len(x[0])
	if p == 0 {
		return nil, nil, errNoPredict
	}
	if len(y) != n {
		return nil, nil, ErrShape
	}
	if n < p+2 {
		return nil, nil, ErrTooFew
	}
	data := mat.NewDense(n, p+1, nil)
	for i, row := range x {
		if len(row) != p {
			return nil, nil, ErrShape
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, nil, ErrMissing
			}
			data.Set(i, j, v)
		}
		if math.IsNaN(y[i]) || math.IsInf(y[i], 0) {
			return nil, nil, ErrMissing
		}
		data.Set(i, p, y[i])
	}
	for j := 0; j <= p; j++ {
		if constant(mat.Col(nil, j, data)) {
			return nil, nil, ErrConstant
		}
	}
	var all mat.SymDense
	stat.CorrelationMatrix(&all, data, nil)
	rxx := mat.NewSymDense(p, nil)
	rxy := make([]float64, p)
	for i := range p {
		for j := i; j < p; j++ {
			rxx.SetSym(i, j, all.At(i, j))
		}
		rxy[i] = all.At(i, p)
	}
	return rxx, rxy, nil
}

// RelativeWeights returns Johnson's (2000) relative weights of the p columns
// of x (rows = observations, no NaN) in the linear prediction of y, and the
// model R^2 (ordinary least squares with intercept). With R_xx the predictor
// correlation matrix and r_xy the predictor-outcome correlations:
//
//	R_xx = Q L Q'                  (mat.EigenSym)
//	Lambda = Q L^{1/2} Q'          (correlations of x with its orthogonal counterpart z)
//	beta* = Lambda^{-1} r_xy       (regression of y on z)
//	raw_j = sum_k Lambda_jk^2 beta*_k^2
//	sum_j raw_j = R^2 = r_xy' R_xx^{-1} r_xy.
//
// raw is on the R^2 scale; divide by r2 for shares. Errors: ErrShape for
// ragged input, ErrTooFew for n < p + 2, ErrMissing for NaN/Inf, ErrConstant
// for a constant column or outcome, ErrSingular when the smallest eigenvalue
// of R_xx is below 1e-10 times the largest (collinear predictors).
//
// Reference: computed in R with eigen() in testdata/make_fixtures.R.
func RelativeWeights(x [][]float64, y []float64) (raw []float64, r2 float64, err error) {
	rxx, rxy, err := correlations(x, y)
	if err != nil {
		return nil, math.NaN(), err
	}
	p := len(rxy)
	var eig mat.EigenSym
	if !eig.Factorize(rxx, true) {
		return nil, math.NaN(), ErrSingular
	}
	l := eig.Values(nil)
	var q mat.Dense
	eig.VectorsTo(&q)
	lmax := 0.0
	for _, v := range l {
		lmax = math.Max(lmax, v)
	}
	for _, v := range l {
		if !(v > 1e-10*lmax) {
			return nil, math.NaN(), ErrSingular
		}
	}
	// Lambda = Q diag(sqrt l) Q', Lambda^{-1} = Q diag(1/sqrt l) Q'.
	sq := mat.NewDense(p, p, nil)
	isq := mat.NewDense(p, p, nil)
	for i := range p {
		for j := range p {
			sq.Set(i, j, q.At(i, j)*math.Sqrt(l[j]))
			isq.Set(i, j, q.At(i, j)/math.Sqrt(l[j]))
		}
	}
	var lambda, lambdaInv mat.Dense
	lambda.Mul(sq, q.T())
	lambdaInv.Mul(isq, q.T())
	var beta mat.VecDense
	beta.MulVec(&lambdaInv, mat.NewVecDense(p, rxy))
	raw = make([]float64, p)
	for j := range p {
		for k := range p {
			ljk := lambda.At(j, k)
			bk := beta.AtVec(k)
			raw[j] += ljk * ljk * bk * bk
		}
		r2 += raw[j]
	}
	return raw, r2, nil
}

// Shapley returns the exact Shapley value (LMG, Lindeman-Merenda-Gold)
// decomposition of the OLS R^2 of y on the p columns of x (p <= 12): with
// R^2(S) = r_S' R_SS^{-1} r_S the R^2 of the model with the predictors in S,
//
//	lmg_j = sum over S not containing j of |S|! (p-|S|-1)! / p! (R^2(S+j) - R^2(S)),
//
// which averages the R^2 increment of j over all p! orderings; sum_j lmg_j =
// R^2 of the full model. It evaluates all 2^p subsets with a Cholesky solve
// each. Errors as RelativeWeights, plus ErrTooMany for p > 12.
//
// Reference: R, all-subsets summary(lm())$r.squared in testdata/make_fixtures.R
// (the relaimpo package's calc.relimp(type = "lmg") computes the same quantity).
func Shapley(x [][]float64, y []float64) (lmg []float64, r2 float64, err error) {
	if len(x) > 0 && len(x[0]) > MaxShapleyPredictors {
		return nil, math.NaN(), ErrTooMany
	}
	rxx, rxy, err := correlations(x, y)
	if err != nil {
		return nil, math.NaN(), err
	}
	p := len(rxy)
	var chol mat.Cholesky
	if !chol.Factorize(rxx) || chol.Cond() > 1e10 {
		return nil, math.NaN(), ErrSingular
	}
	n := 1 << p
	r2s := make([]float64, n)
	idx := make([]int, 0, p)
	for mask := 1; mask < n; mask++ {
		idx = idx[:0]
		for j := range p {
			if mask&(1<<j) != 0 {
				idx = append(idx, j)
			}
		}
		s := len(idx)
		sub := mat.NewSymDense(s, nil)
		r := mat.NewVecDense(s, nil)
		for a, i := range idx {
			r.SetVec(a, rxy[i])
			for b := a; b < s; b++ {
				sub.SetSym(a, b, rxx.At(i, idx[b]))
			}
		}
		var c mat.Cholesky
		if !c.Factorize(sub) {
			return nil, math.NaN(), ErrSingular
		}
		var beta mat.VecDense
		if err := c.SolveVecTo(&beta, r); err != nil {
			return nil, math.NaN(), ErrSingular
		}
		r2s[mask] = mat.Dot(r, &beta)
	}
	// w[s] = s! (p-s-1)! / p!, exact in float64 for p <= 12.
	fact := make([]float64, p+1)
	fact[0] = 1
	for i := 1; i <= p; i++ {
		fact[i] = fact[i-1] * float64(i)
	}
	w := make([]float64, p)
	for s := range p {
		w[s] = fact[s] * fact[p-s-1] / fact[p]
	}
	lmg = make([]float64, p)
	for mask := range n {
		s := bits.OnesCount(uint(mask))
		for j := range p {
			if mask&(1<<j) == 0 {
				lmg[j] += w[s] * (r2s[mask|1<<j] - r2s[mask])
			}
		}
	}
	return lmg, r2s[n-1], nil
}
