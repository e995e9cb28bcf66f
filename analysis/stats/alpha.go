package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Alpha holds Cronbach's alpha and its item statistics.
type Alpha struct {
	N int // respondents with at least one answer
	K int // items

	Raw float64 // raw alpha, from the covariance matrix
	Std float64 // standardized alpha, from the mean inter-item correlation

	IfDeleted []float64 // raw alpha of the K-1 other items (psych alpha.drop raw_alpha)
	ItemRest  []float64 // corrected item-total (item-rest) correlation (psych r.drop)

	NComplete int      // rows answering every item: the n of the Feldt interval
	Feldt     Interval // 95% Feldt interval of Raw
}

// CronbachAlpha returns Cronbach's alpha of rows (respondents) by columns
// (items, already reverse-keyed); NaN marks a missing answer.
//
// Missing values are handled exactly as psych::alpha(x) with its defaults
// (use = "pairwise"):
//   - C is the pairwise-complete covariance matrix, cov(x, use = "pairwise"):
//     C_ij uses only the rows answering both i and j, with the means of i and
//     j taken over those same rows and denominator n_ij - 1; C_ii uses every
//     answer to item i.
//   - R = cov2cor(C), R_ij = C_ij / sqrt(C_ii C_jj). This is not
//     cor(x, use = "pairwise"), whose variances are restricted to the pair.
//
// Then, with k = K, 1 the vector of ones and r = mean of the off-diagonal R_ij,
//
//	Raw        = k/(k-1) (1 - tr(C) / 1'C1)
//	Std        = k/(k-1) (1 - k / 1'R1) = k r / (1 + (k-1) r)
//	IfDeleted_i = Raw of C without row and column i
//	ItemRest_i = (1'C_i - C_ii) / sqrt(C_ii * 1'C_(-i,-i)1)
//
// The Feldt (1965) interval uses n = NComplete, the number of rows answering
// every item (the only rows that contribute to every entry of C):
//
//	Lo = 1 - (1 - Raw) F_{0.975}(n-1, (n-1)(k-1))
//	Hi = 1 - (1 - Raw) F_{0.025}(n-1, (n-1)(k-1)).
//
// Degenerate cases: K < 2, ragged rows, a pair of items with fewer than two
// joint answers, or zero total variance (1'C1 <= 0) give NaN for Raw, Std,
// IfDeleted, ItemRest and Feldt (the slices then have length K, NaN-filled).
// IfDeleted is NaN when K = 2 (alpha of one item is undefined; psych reports
// a covariance ratio there). NComplete < 2 gives a NaN Feldt interval. An item
// that never varies makes Std and its ItemRest NaN (psych instead drops such
// an item with a warning; trots keeps it, so Raw still counts it).
//
// It makes two passes over the data and allocates O(K^2), independent of the
// number of rows.
//
// Reference: R psych::alpha(x): total$raw_alpha, total$std.alpha,
// alpha.drop$raw_alpha, item.stats$r.drop.
func CronbachAlpha(rows [][]float64) Alpha {
	const level = 0.95
	nan := math.NaN()
	k := 0
	if len(rows) > 0 {
		k = len(rows[0])
	}
	a := Alpha{K: k, Raw: nan, Std: nan, Feldt: nanInterval,
		IfDeleted: make([]float64, k), ItemRest: make([]float64, k)}
	for i := range k {
		a.IfDeleted[i], a.ItemRest[i] = nan, nan
	}
	for _, row := range rows {
		if len(row) != k {
			a.N = 0
			return a
		}
	}

	// Pass 1: pairwise counts and sums. cnt[i*k+j] counts rows answering
	// both i and j; sum[i*k+j] sums item i over those rows (sum[j*k+i] item j).
	cnt := make([]float64, k*k)
	sum := make([]float64, k*k)
	for _, row := range rows {
		answered, complete := false, true
		for i, xi := range row {
			if math.IsNaN(xi) {
				complete = false
				continue
			}
			answered = true
			ci := cnt[i*k : i*k+k]
			si := sum[i*k : i*k+k]
			for j := i; j < k; j++ {
				xj := row[j]
				if math.IsNaN(xj) {
					continue
				}
				ci[j]++
				si[j] += xi
				if j != i {
					sum[j*k+i] += xj
				}
			}
		}
		if answered {
			a.N++
		}
		if complete {
			a.NComplete++
		}
	}
	if k < 2 {
		return a
	}
	for i := range k {
		for j := i; j < k; j++ {
			n := cnt[i*k+j]
			if n < 2 {
				return a
			}
			sum[i*k+j] /= n // now the pairwise mean of item i
			if j != i {
				sum[j*k+i] /= n
			}
		}
	}
	mean := sum

	// Pass 2: centred cross-products over pairwise-complete rows.
	c := make([]float64, k*k)
	for _, row := range rows {
		for i, xi := range row {
			if math.IsNaN(xi) {
				continue
			}
			ci := c[i*k : i*k+k]
			mi := mean[i*k : i*k+k]
			for j := i; j < k; j++ {
				xj := row[j]
				if math.IsNaN(xj) {
					continue
				}
				ci[j] += (xi - mi[j]) * (xj - mean[j*k+i])
			}
		}
	}
	for i := range k {
		for j := i; j < k; j++ {
			c[i*k+j] /= cnt[i*k+j] - 1
			c[j*k+i] = c[i*k+j]
		}
	}

	// Totals from C and R = cov2cor(C).
	kf := float64(k)
	var tr, total, rOff float64
	colSum := make([]float64, k)
	for i := range k {
		tr += c[i*k+i]
		for j := range k {
			colSum[i] += c[i*k+j]
			if j > i {
				rOff += c[i*k+j] / math.Sqrt(c[i*k+i]*c[j*k+j])
			}
		}
		total += colSum[i]
	}
	if !(total > 0) {
		return a
	}
	a.Raw = kf / (kf - 1) * (1 - tr/total)
	rBar := rOff / (kf * (kf - 1) / 2)
	a.Std = kf * rBar / (1 + (kf-1)*rBar)
	for i := range k {
		cii := c[i*k+i]
		rest := total - 2*colSum[i] + cii // 1'C1 without item i
		if k > 2 && rest > 0 {
			a.IfDeleted[i] = (kf - 1) / (kf - 2) * (1 - (tr-cii)/rest)
		}
		a.ItemRest[i] = (colSum[i] - cii) / math.Sqrt(cii*rest)
	}
	a.Feldt = feldt(a.Raw, a.NComplete, k, level)
	return a
}

// feldt returns the Feldt interval of alpha for n respondents and k items:
// [1 - (1-alpha) F_{(1+level)/2}, 1 - (1-alpha) F_{(1-level)/2}] with
// F ~ F(n-1, (n-1)(k-1)). NaN when n < 2, k < 2 or alpha is NaN.
func feldt(alpha float64, n, k int, level float64) Interval {
	if n < 2 || k < 2 || math.IsNaN(alpha) || !validLevel(level) {
		return nanInterval
	}
	f := distuv.F{D1: float64(n - 1), D2: float64((n - 1) * (k - 1))}
	return Interval{
		Lo: 1 - (1-alpha)*f.Quantile((1+level)/2),
		Hi: 1 - (1-alpha)*f.Quantile((1-level)/2),
	}
}
