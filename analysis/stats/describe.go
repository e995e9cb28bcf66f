package stats

import "math"

// Summary describes a sample: its size, mean, sample standard deviation and
// the t-interval of the mean.
type Summary struct {
	N    int
	Mean float64
	SD   float64 // sample standard deviation, denominator n-1
	CI   Interval
}

// Describe returns the mean of x, its sample standard deviation
//
//	s = sqrt( sum_i (x_i - mean)^2 / (n-1) )
//
// and the two-sided t-interval of the mean at the given confidence level,
//
//	mean +/- t_{(1+level)/2, n-1} s / sqrt(n).
//
// x must not contain NaN (a NaN propagates into every field).
// Degenerate cases: n = 0 gives Mean, SD and CI NaN; n = 1 gives SD and CI
// NaN; identical values give SD = 0 and CI NaN (like R's t.test, which
// refuses "essentially constant" data: a zero-width interval would claim
// certainty the sample cannot give).
//
// Reference: R t.test(x, conf.level = level)$conf.int.
func Describe(x []float64, level float64) Summary {
	mean, v := meanVar(x)
	s := Summary{N: len(x), Mean: mean, SD: math.Sqrt(v), CI: nanInterval}
	if len(x) < 2 {
		return s
	}
	if constant(x) {
		s.SD = 0
		return s
	}
	half := tCrit(level, float64(len(x)-1)) * s.SD / math.Sqrt(float64(len(x)))
	s.CI = Interval{Lo: mean - half, Hi: mean + half}
	return s
}

// Wilson returns the observed proportion p = successes/n and the Wilson score
// interval at the given confidence level (without continuity correction):
//
//	centre = (p + z^2/(2n)) / (1 + z^2/n)
//	half   = z / (1 + z^2/n) * sqrt( p(1-p)/n + z^2/(4n^2) )
//
// with z = Phi^{-1}((1+level)/2), clamped to [0, 1].
// Degenerate cases: n <= 0, successes < 0 or successes > n give p and CI NaN.
//
// Reference: R prop.test(successes, n, correct = FALSE, conf.level = level)$conf.int.
func Wilson(successes, n int, level float64) (p float64, ci Interval) {
	if n <= 0 || successes < 0 || successes > n {
		return math.NaN(), nanInterval
	}
	nf := float64(n)
	p = float64(successes) / nf
	z := zCrit(level)
	if math.IsNaN(z) {
		return p, nanInterval
	}
	z2 := z * z
	den := 1 + z2/nf
	centre := (p + z2/(2*nf)) / den
	half := z / den * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	return p, Interval{Lo: math.Max(0, centre-half), Hi: math.Min(1, centre+half)}
}

// NPS is an employee Net Promoter Score with its interval.
type NPS struct {
	N, Promoters, Passives, Detractors int
	Value                              float64 // 100 (P - D) / N, on -100..100
	CI                                 Interval
}

// ENPS returns the employee Net Promoter Score of 0..10 ratings,
//
//	eNPS = 100 (P - D) / n,
//
// with promoters scoring 9-10, passives 7-8 and detractors 0-6 (a score s
// counts as a promoter when s >= 9, a detractor when s <= 6, a passive
// otherwise). NaN and values outside [0, 10] are treated as missing and not
// counted in N.
//
// The interval is the adjusted Wald interval of Rocks (2016), which adds
// 3/4 of a promoter and 3/4 of a detractor (and 3/2 passives) before the Wald
// interval of a difference of multinomial proportions:
//
//	p~ = (P + 0.75)/(n + 3), d~ = (D + 0.75)/(n + 3)
//	SE = sqrt( (p~ + d~ - (p~ - d~)^2) / (n + 3) )
//	CI = 100 ((p~ - d~) -/+ z SE), clamped to [-100, 100],
//
// with z = Phi^{-1}((1+level)/2). Note the interval is centred on the adjusted
// difference, not on Value.
// Degenerate case: N = 0 gives Value and CI NaN.
func ENPS(scores []float64, level float64) NPS {
	var r NPS
	for _, s := range scores {
		switch {
		case !(s >= 0 && s <= 10): // NaN or out of range
			continue
		case s >= 9:
			r.Promoters++
		case s <= 6:
			r.Detractors++
		default:
			r.Passives++
		}
		r.N++
	}
	if r.N == 0 {
		r.Value, r.CI = math.NaN(), nanInterval
		return r
	}
	n := float64(r.N)
	r.Value = 100 * float64(r.Promoters-r.Detractors) / n
	pa := (float64(r.Promoters) + 0.75) / (n + 3)
	da := (float64(r.Detractors) + 0.75) / (n + 3)
	se := math.Sqrt((pa + da - (pa-da)*(pa-da)) / (n + 3))
	z := zCrit(level)
	if math.IsNaN(z) {
		r.CI = nanInterval
		return r
	}
	r.CI = Interval{
		Lo: math.Max(-100, 100*(pa-da-z*se)),
		Hi: math.Min(100, 100*(pa-da+z*se)),
	}
	return r
}
