package stats

import "math"

// TTest is the result of a two-sample comparison.
type TTest struct {
	Diff float64 // mean(x) - mean(y)
	T    float64 // Welch t statistic
	DF   float64 // Welch-Satterthwaite degrees of freedom
	P    float64 // two-sided p-value
	CI   Interval
}

// Welch returns Welch's unequal-variance t-test of mean(x) - mean(y):
//
//	a = s_x^2/n_x, b = s_y^2/n_y (sample variances, denominator n-1)
//	t = (mean(x) - mean(y)) / sqrt(a + b)
//	df = (a + b)^2 / ( a^2/(n_x-1) + b^2/(n_y-1) )
//	p = P(|T_df| >= |t|), CI = Diff +/- t_{(1+level)/2, df} sqrt(a + b).
//
// Degenerate cases (all without panic): Diff is NaN if either sample is empty;
// T, DF, P and CI are NaN if either sample has fewer than 2 values or if both
// samples are constant (zero variance on both sides, where R's t.test stops
// with "data are essentially constant"). A constant sample on one side only
// is fine. It does not allocate.
//
// Reference: R t.test(x, y, conf.level = level) (var.equal = FALSE is the default).
func Welch(x, y []float64, level float64) TTest {
	mx, vx := meanVar(x)
	my, vy := meanVar(y)
	r := TTest{Diff: mx - my, T: math.NaN(), DF: math.NaN(), P: math.NaN(), CI: nanInterval}
	if len(x) < 2 || len(y) < 2 || (constant(x) && constant(y)) {
		return r
	}
	nx, ny := float64(len(x)), float64(len(y))
	a, b := vx/nx, vy/ny
	se := math.Sqrt(a + b)
	r.T = r.Diff / se
	r.DF = (a + b) * (a + b) / (a*a/(nx-1) + b*b/(ny-1))
	r.P = tTwoSided(r.T, r.DF)
	half := tCrit(level, r.DF) * se
	r.CI = Interval{Lo: r.Diff - half, Hi: r.Diff + half}
	return r
}

// HedgesG returns Hedges' g, the bias-corrected standardized mean difference
// of x and y:
//
//	s_p = sqrt( ((n_x-1) s_x^2 + (n_y-1) s_y^2) / (n_x + n_y - 2) )
//	d = (mean(x) - mean(y)) / s_p         (Cohen's d with pooled SD)
//	g = J d, J = 1 - 3 / (4 (n_x + n_y) - 9).
//
// J is the usual approximation to the exact gamma-function correction.
// Degenerate cases: NaN if either sample is empty, n_x + n_y < 3, or s_p = 0
// (both samples constant).
func HedgesG(x, y []float64) float64 {
	nx, ny := len(x), len(y)
	if nx == 0 || ny == 0 || nx+ny < 3 {
		return math.NaN()
	}
	mx, vx := meanVar(x)
	my, vy := meanVar(y)
	var ssx, ssy float64
	if nx > 1 {
		ssx = vx * float64(nx-1)
	}
	if ny > 1 {
		ssy = vy * float64(ny-1)
	}
	if constant(x) && constant(y) {
		return math.NaN()
	}
	sp := math.Sqrt((ssx + ssy) / float64(nx+ny-2))
	j := 1 - 3/(4*float64(nx+ny)-9)
	return j * (mx - my) / sp
}

// Paired is the result of a one-sample (or paired, on differences) t-test.
type Paired struct {
	N    int
	Mean float64 // mean of d
	SD   float64 // sample SD of d, denominator n-1
	T    float64 // (Mean - mu) / (SD / sqrt(N))
	DF   float64 // N - 1
	P    float64 // two-sided p-value
	Dz   float64 // Mean / SD (standardized size of the differences themselves, not of Mean - mu)
	CI   Interval
}

// OneSample returns the one-sample t-test of the differences d against mu,
// which is the paired t-test when d_i = promise_i - reality_i:
//
//	t = (mean(d) - mu) / (s_d / sqrt(n)), df = n - 1, p = P(|T_df| >= |t|)
//	CI = mean(d) +/- t_{(1+level)/2, n-1} s_d / sqrt(n)   (interval of the mean, as R reports it)
//	d_z = mean(d) / s_d.
//
// d must not contain NaN. Degenerate cases: n = 0 gives every field NaN;
// n = 1 gives SD, T, DF, P, Dz and CI NaN; identical values give SD = 0 and
// T, P, Dz, CI NaN (R's t.test stops: "data are essentially constant").
//
// Reference: R t.test(promise, reality, paired = TRUE) and t.test(d, mu = mu).
func OneSample(d []float64, mu, level float64) Paired {
	mean, v := meanVar(d)
	nan := math.NaN()
	r := Paired{N: len(d), Mean: mean, SD: math.Sqrt(v), T: nan, DF: nan, P: nan, Dz: nan, CI: nanInterval}
	if len(d) < 2 {
		return r
	}
	r.DF = float64(len(d) - 1)
	if constant(d) {
		r.SD = 0
		return r
	}
	se := r.SD / math.Sqrt(float64(len(d)))
	r.T = (mean - mu) / se
	r.P = tTwoSided(r.T, r.DF)
	r.Dz = mean / r.SD
	half := tCrit(level, r.DF) * se
	r.CI = Interval{Lo: mean - half, Hi: mean + half}
	return r
}
