package analysis

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"trots/analysis/stats"
	"trots/questionnaires"
)

// drivers runs the key-driver analysis at organisation level: the person
// scores of the foundation and condition dimensions and the person gap
// explain willingness (the advocacy score) and the eNPS answer. Cases are
// the respondents with all predictors and the outcome (listwise complete).
// It runs only with at least max(MinDrivers, 10 per driver) cases and
// reports Johnson's relative weights (raw weights summing to R2, and shares
// of R2), the exact Shapley/LMG decomposition as a cross-check, and the
// plain correlation of each driver with the outcome.
func (a *analyzer) drivers() []DriverAnalysis {
	p := a.p
	var preds []int
	var names []string
	for d, sd := range p.scored {
		if sd.dim.Role == questionnaires.RoleFoundation || sd.dim.Role == questionnaires.RoleCondition {
			preds = append(preds, d)
			names = append(names, sd.dim.ID)
		}
	}
	if len(p.pairs) > 0 {
		preds = append(preds, p.colGap())
		names = append(names, "gap")
	}
	if len(preds) == 0 {
		return nil
	}
	type outcome struct {
		name string
		col  int
	}
	var outs []outcome
	if p.advoc >= 0 {
		outs = append(outs, outcome{p.scored[p.advoc].dim.ID, p.advoc})
	}
	if p.enps >= 0 {
		outs = append(outs, outcome{"enps", p.colENPS()})
	}
	need := a.cfg.MinDrivers
	if 10*len(preds) > need {
		need = 10 * len(preds)
	}
	w := p.width()
	var res []DriverAnalysis
	for _, out := range outs {
		n := 0
		for _, pm := range a.person {
			for r := 0; r < len(pm); r += w {
				if completeRow(pm[r:r+w], preds, out.col) {
					n++
				}
			}
		}
		da := DriverAnalysis{Outcome: out.name}
		if n < need {
			da.Skipped = "too_few_cases"
			res = append(res, da)
			continue
		}
		cov := covariance(a.person, w, preds, out.col)
		xs, ys, ok := equivalentSample(cov)
		if !ok {
			da.Skipped = "not_estimable"
			res = append(res, da)
			continue
		}
		raw, r2, err := stats.RelativeWeights(xs, ys)
		if err != nil || isNaN(r2) {
			da.Skipped = "not_estimable"
			res = append(res, da)
			continue
		}
		lmg, _, err := stats.Shapley(xs, ys)
		if err != nil {
			lmg = nil
		}
		da.N, da.R2 = n, r2
		for j, name := range names {
			q := len(preds)
			r := cov.At(j, q) / math.Sqrt(cov.At(j, j)*cov.At(q, q))
			dr := Driver{Dimension: name, Correlation: finite(r), Weight: finite(raw[j])}
			if r2 > 0 {
				dr.Share = finite(raw[j] / r2)
			}
			if j < len(lmg) {
				dr.Shapley = finite(lmg[j])
				if r2 > 0 {
					dr.ShapleyShare = finite(lmg[j] / r2)
				}
			}
			da.Drivers = append(da.Drivers, dr)
		}
		res = append(res, da)
	}
	return res
}

func completeRow(row []float64, preds []int, out int) bool {
	if isNaN(row[out]) {
		return false
	}
	for _, c := range preds {
		if isNaN(row[c]) {
			return false
		}
	}
	return true
}

// covariance returns the sample covariance matrix (two-pass) of the
// predictor columns preds followed by the outcome column out, over the
// complete rows of the person matrices (width w).
func covariance(person [][]float64, w int, preds []int, out int) *mat.SymDense {
	cols := append(append([]int(nil), preds...), out)
	q := len(cols)
	mean := make([]float64, q)
	n := 0
	for _, pm := range person {
		for r := 0; r < len(pm); r += w {
			row := pm[r : r+w]
			if !completeRow(row, preds, out) {
				continue
			}
			n++
			for j, c := range cols {
				mean[j] += row[c]
			}
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	cross := make([]float64, q*q)
	dev := make([]float64, q)
	for _, pm := range person {
		for r := 0; r < len(pm); r += w {
			row := pm[r : r+w]
			if !completeRow(row, preds, out) {
				continue
			}
			for j, c := range cols {
				dev[j] = row[c] - mean[j]
			}
			for i := 0; i < q; i++ {
				for j := i; j < q; j++ {
					cross[i*q+j] += dev[i] * dev[j]
				}
			}
		}
	}
	cov := mat.NewSymDense(q, nil)
	for i := 0; i < q; i++ {
		for j := i; j < q; j++ {
			cov.SetSym(i, j, cross[i*q+j]/float64(n-1))
		}
	}
	return cov
}

// equivalentSample returns a sample of 2q rows (q = predictors + 1) whose
// sample correlation matrix equals the one of cov. Johnson's relative
// weights and the Shapley/LMG decomposition depend on the data only
// through that correlation matrix, so stats.RelativeWeights and
// stats.Shapley give on it the figures of the full data (tested to 1e-9)
// without copying 100,000 rows twice per outcome. With cov = L L'
// (Cholesky) and U = L', the rows of U and of -U have column means zero and
// cross-product 2 U'U = 2 cov. ok is false when cov is not positive definite
// (a constant or collinear driver): then nothing can be estimated.
func equivalentSample(cov *mat.SymDense) (x [][]float64, y []float64, ok bool) {
	var chol mat.Cholesky
	if !chol.Factorize(cov) {
		return nil, nil, false
	}
	var l mat.TriDense
	chol.LTo(&l)
	q := cov.SymmetricDim()
	x = make([][]float64, 2*q)
	y = make([]float64, 2*q)
	for i := 0; i < q; i++ {
		// Row i of U = L' is column i of L.
		pos, neg := make([]float64, q-1), make([]float64, q-1)
		for j := 0; j < q-1; j++ {
			pos[j], neg[j] = l.At(j, i), -l.At(j, i)
		}
		x[i], x[q+i] = pos, neg
		y[i], y[q+i] = l.At(q-1, i), -l.At(q-1, i)
	}
	return x, y, true
}
