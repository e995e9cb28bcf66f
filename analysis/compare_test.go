package analysis

import (
	"math"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"

	"gonum.org/v1/gonum/stat"

	"trots/analysis/stats"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

// TestWelchFromMomentsMatchesStats: the department-vs-rest and trend tests
// work on cell moments; they must equal stats.Welch and stats.HedgesG (which
// are checked against R) on the raw values.
func TestWelchFromMomentsMatchesStats(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for c := 0; c < 50; c++ {
		x := make([]float64, 3+rng.IntN(40))
		y := make([]float64, 3+rng.IntN(400))
		for i := range x {
			x[i] = 1 + 4*rng.Float64()
		}
		for i := range y {
			y[i] = 2 + 3*rng.Float64()
		}
		// Pool y from two parts, as the rest of the organisation is pooled.
		cut := len(y) / 3
		rest := momentsOf(y[:cut]).combine(momentsOf(y[cut:]))
		got := welchFromMoments(momentsOf(x), rest, 0.95)
		want := stats.Welch(x, y, 0.95)
		for _, p := range [][2]float64{{got.Diff, want.Diff}, {got.T, want.T}, {got.DF, want.DF}, {got.P, want.P}, {got.CI.Lo, want.CI.Lo}, {got.CI.Hi, want.CI.Hi}} {
			if !near(p[0], p[1], 1e-9) {
				t.Fatalf("case %d: moments %+v, raw %+v", c, got, want)
			}
		}
		if g, w := hedgesGFromMoments(momentsOf(x), rest), stats.HedgesG(x, y); !near(g, w, 1e-9) {
			t.Fatalf("case %d: hedges g %g, raw %g", c, g, w)
		}
	}
}

// TestMinimalDetectableDifference reproduces METHODS.md: about 1.06 points
// at n = 10 and 0.59 at n = 30 in both pulses, sd 0.8, 80% power.
func TestMinimalDetectableDifference(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want float64
	}{{10, 1.06}, {30, 0.59}} {
		m := moments{n: tc.n, mean: 3, m2: 0.64 * float64(tc.n-1)}
		if got := minimalDetectable(m, m, 0.95, 0.8); math.Abs(got-tc.want) > 0.005 {
			t.Errorf("n = %d: MDD %.4f, want %.2f", tc.n, got, tc.want)
		}
	}
}

func TestTrendOnlyWhereBothPulsesShow(t *testing.T) {
	q := mustQuestionnaire(t)
	prev := mustAnalyze(t, q, DefaultConfig(),
		department(q, "A", 30, 40, middling, 1),
		department(q, "B", 3, 10, middling, 2), // hidden in the previous pulse
		department(q, "C", 4, 10, middling, 3), // hidden in the previous pulse
		department(q, "D", 25, 30, middling, 4),
	)
	cur := mustAnalyze(t, q, DefaultConfig(),
		department(q, "A", 30, 40, ready, 5),
		department(q, "B", 12, 10, ready, 6),
		department(q, "C", 2, 10, ready, 7), // hidden now
		department(q, "D", 4, 30, ready, 8), // hidden now
	)
	tr, err := Trend(cur, prev)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, g := range tr.Groups {
		names = append(names, g.Name)
	}
	if want := []string{"organisation", "A"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("trend groups %v, want %v", names, want)
	}
	a := tr.Groups[1]
	if len(a.Dimensions) != 8 { // 7 scored dimensions and the gap
		t.Fatalf("%d trend dimensions", len(a.Dimensions))
	}
	pride := a.Dimensions[0]
	if pride.Dimension != "pride" || pride.Diff <= 0 || pride.P > 0.05 || pride.MDD <= 0 {
		t.Errorf("pride trend %+v", pride)
	}
	other := mustAnalyze(t, q, DefaultConfig(), department(q, "A", 30, 40, ready, 5))
	other.Questionnaire = "something-else@1"
	if _, err := Trend(other, prev); err == nil {
		t.Error("trend across questionnaires accepted")
	}
}

func TestCommentsOnlyForLargeGroupsAndShuffled(t *testing.T) {
	q := mustQuestionnaire(t)
	big := department(q, "Big", 12, 20, ready, 1)
	small := department(q, "Small", 9, 20, ready, 2)
	for i := 0; i < 12; i++ {
		big.Comments = append(big.Comments, string(rune('a'+i)))
	}
	small.Comments = []string{"only one"}
	res := mustAnalyze(t, q, DefaultConfig(), big, small)
	if got := deptNamed(res, "Small").Comments; got != nil {
		t.Errorf("comments of a group of 9 shown: %v", got)
	}
	got := deptNamed(res, "Big").Comments
	sorted := append([]string(nil), got...)
	sort.Strings(sorted)
	if !reflect.DeepEqual(sorted, big.Comments) {
		t.Fatalf("comments %v", got)
	}
	if reflect.DeepEqual(got, big.Comments) {
		t.Errorf("comments kept their stored order")
	}
	again := mustAnalyze(t, q, DefaultConfig(), big, small)
	if !reflect.DeepEqual(deptNamed(again, "Big").Comments, got) {
		t.Errorf("the same seed gave another order")
	}
	if res.Organisation.Comments != nil {
		t.Errorf("organisation-level comments would expose hidden groups by difference")
	}
}

func TestComparisonsAndDrivers(t *testing.T) {
	q := mustQuestionnaire(t)
	res := mustAnalyze(t, q, DefaultConfig(),
		department(q, "Good", 60, 80, ready.with(0.05), 1),
		department(q, "Bad", 60, 80, poor.with(0.05), 2),
		department(q, "Mid", 60, 80, middling.with(0.05), 3),
	)
	good := deptNamed(res, "Good").Dimensions[0]
	if good.VsRest == nil || good.VsRest.Diff <= 0 || good.VsRest.Q > 0.05 || good.VsRest.G <= 0 || good.VsRest.RestN != res.Organisation.Dimensions[0].N-good.N {
		t.Fatalf("pride of Good vs rest: %+v", good.VsRest)
	}
	if g := deptNamed(res, "Bad").Gap; g == nil || g.Overall.VsRest == nil || g.Overall.VsRest.Diff <= 0 {
		t.Fatalf("gap of Bad vs rest: %+v", g)
	}
	if len(res.Drivers) != 2 || res.Drivers[0].Outcome != "willingness" || res.Drivers[1].Outcome != "enps" {
		t.Fatalf("drivers %+v", res.Drivers)
	}
	for _, da := range res.Drivers {
		if da.Skipped != "" || da.N < 60 || da.R2 <= 0 || da.R2 > 1 {
			t.Fatalf("driver analysis %+v", da)
		}
		sum, sumShapley := 0.0, 0.0
		for _, d := range da.Drivers {
			sum += d.Weight
			sumShapley += d.Shapley
		}
		if !near(sum, da.R2, 1e-9) || !near(sumShapley, da.R2, 1e-9) {
			t.Errorf("%s: weights sum to %g and %g, R2 %g", da.Outcome, sum, sumShapley, da.R2)
		}
	}
	small := mustAnalyze(t, q, DefaultConfig(), department(q, "A", 20, 0, ready, 1))
	for _, da := range small.Drivers {
		if da.Skipped != "too_few_cases" || da.Drivers != nil {
			t.Errorf("drivers on 20 respondents: %+v", da)
		}
	}
}

// TestDriversOnEquivalentSample: relative weights and Shapley computed on
// the 2q-row equivalent sample equal those on the full data.
func TestDriversOnEquivalentSample(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	const n, p = 3000, 6
	w := p + 2 // a spare column with NaN, to check that it is ignored
	person := make([]float64, n*w)
	var x [][]float64
	var y []float64
	for i := 0; i < n; i++ {
		row := person[i*w : (i+1)*w]
		common := rng.NormFloat64()
		xr := make([]float64, p)
		yv := common
		for j := range xr {
			xr[j] = common*float64(j%3)/2 + rng.NormFloat64()
			yv += 0.3 * float64(j) * xr[j]
			row[j] = xr[j]
		}
		yv += rng.NormFloat64()
		row[p] = yv
		row[p+1] = math.NaN()
		x = append(x, xr)
		y = append(y, yv)
	}
	preds := []int{0, 1, 2, 3, 4, 5}
	cov := covariance([][]float64{person[:n/2*w], person[n/2*w:]}, w, preds, p)
	xs, ys, ok := equivalentSample(cov)
	if !ok || len(xs) != 2*(p+1) {
		t.Fatalf("equivalent sample: ok %v, %d rows", ok, len(xs))
	}
	rawFull, r2Full, err := stats.RelativeWeights(x, y)
	if err != nil {
		t.Fatal(err)
	}
	raw, r2, err := stats.RelativeWeights(xs, ys)
	if err != nil {
		t.Fatal(err)
	}
	lmgFull, _, _ := stats.Shapley(x, y)
	lmg, _, _ := stats.Shapley(xs, ys)
	if !near(r2, r2Full, 1e-9) {
		t.Errorf("R2 %g, full data %g", r2, r2Full)
	}
	for j := range raw {
		if !near(raw[j], rawFull[j], 1e-9) || !near(lmg[j], lmgFull[j], 1e-9) {
			t.Errorf("driver %d: weight %g (full %g), shapley %g (full %g)", j, raw[j], rawFull[j], lmg[j], lmgFull[j])
		}
	}
	col := make([]float64, n)
	for i := range col {
		col[i] = x[i][2]
	}
	if r := cov.At(2, p) / math.Sqrt(cov.At(2, 2)*cov.At(p, p)); !near(r, stat.Correlation(col, y, nil), 1e-12) {
		t.Errorf("correlation %g, gonum %g", r, stat.Correlation(col, y, nil))
	}
}
