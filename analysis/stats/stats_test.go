package stats

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

// tol is the absolute-or-relative tolerance for every comparison with R.
const tol = 1e-6

// The expected values come from testdata/make_fixtures.R (R 4.2.2, psych
// 2.2.9), an independent implementation: every value in reference.json names
// the exact R call that produced it in its "call" field.

// num is a JSON number where null means NaN (R's NA).
type num float64

func (n *num) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = num(math.NaN())
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*n = num(f)
	return nil
}

type reference struct {
	RVersion     string `json:"r_version"`
	PsychVersion string `json:"psych_version"`
	Alpha        []struct {
		File      string   `json:"file"`
		Reverse   []string `json:"reverse"`
		Call      string   `json:"call"`
		N         int      `json:"n"`
		K         int      `json:"k"`
		NComplete int      `json:"n_complete"`
		Raw       num      `json:"raw_alpha"`
		Std       num      `json:"std_alpha"`
		Drop      []num    `json:"alpha_drop"`
		RDrop     []num    `json:"r_drop"`
		Feldt     []num    `json:"feldt"`
	} `json:"alpha"`
	Describe []struct {
		Case, Group, Call string
		Level             float64
		N                 int
		Mean, SD          num
		CI                []num
	} `json:"describe"`
	Welch []struct {
		Case, Call     string
		Level          float64
		Diff, T, DF, P num
		CI             []num
		HedgesG        num `json:"hedges_g"`
	} `json:"welch"`
	Paired []struct {
		Call                   string
		Mu, Level              float64
		N                      int
		Mean, SD, T, DF, P, Dz num
		CI                     []num
	} `json:"paired"`
	Wilson []struct {
		X, N  int
		Level float64
		Call  string
		P     num
		CI    []num
	} `json:"wilson"`
	ENPS []struct {
		Case, Call                         string
		Level                              float64
		N, Promoters, Passives, Detractors int
		Value                              num
		CI                                 []num
	} `json:"enps"`
	BH struct {
		Call string
		P, Q []num
	} `json:"bh"`
	Drivers struct {
		File, Call      string
		R2              num   `json:"r2"`
		RelativeWeights []num `json:"relative_weights"`
		LMG             []num `json:"lmg"`
	} `json:"drivers"`
}

func mustReadReference(t testing.TB) *reference {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	return &ref
}

// table is a CSV file read from testdata: a header and rows of strings.
type table struct {
	header []string
	rows   [][]string
}

func mustReadCSV(t testing.TB, name string) table {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return table{header: recs[0], rows: recs[1:]}
}

// col returns the index of a column.
func (tb table) col(t testing.TB, name string) int {
	t.Helper()
	for i, h := range tb.header {
		if h == name {
			return i
		}
	}
	t.Fatalf("no column %q", name)
	return -1
}

// mustParse parses a CSV cell; "NA" is NaN.
func mustParse(t testing.TB, s string) float64 {
	t.Helper()
	if s == "NA" {
		return math.NaN()
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// floatsWhere returns column value of the rows where column key equals want (all rows if key is "").
func (tb table) floatsWhere(t testing.TB, value string, match map[string]string) []float64 {
	t.Helper()
	vi := tb.col(t, value)
	var out []float64
rows:
	for _, r := range tb.rows {
		for k, v := range match {
			if r[tb.col(t, k)] != v {
				continue rows
			}
		}
		out = append(out, mustParse(t, r[vi]))
	}
	return out
}

// matrix returns the given columns of all rows.
func (tb table) matrix(t testing.TB, cols ...string) [][]float64 {
	t.Helper()
	out := make([][]float64, len(tb.rows))
	for i, r := range tb.rows {
		out[i] = make([]float64, len(cols))
		for j, c := range cols {
			out[i][j] = mustParse(t, r[tb.col(t, c)])
		}
	}
	return out
}

// same reports whether got equals want within tol (absolute or relative), or both are NaN.
func same(got, want float64) bool {
	if math.IsNaN(got) || math.IsNaN(want) {
		return math.IsNaN(got) && math.IsNaN(want)
	}
	return scalar.EqualWithinAbsOrRel(got, want, tol, tol)
}

func check(t *testing.T, what string, got float64, want num) {
	t.Helper()
	if !same(got, float64(want)) {
		t.Errorf("%s = %.12g, R says %.12g", what, got, float64(want))
	}
}

func checkInterval(t *testing.T, what string, got Interval, want []num) {
	t.Helper()
	check(t, what+".Lo", got.Lo, want[0])
	check(t, what+".Hi", got.Hi, want[1])
}

func checkSlice(t *testing.T, what string, got []float64, want []num) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: len %d, R has %d", what, len(got), len(want))
	}
	for i := range got {
		check(t, fmt.Sprintf("%s[%d]", what, i), got[i], want[i])
	}
}

// mustReadLikert reads a Likert CSV and reverse-keys the listed items as 6 - x.
func mustReadLikert(t testing.TB, file string, reverse []string) [][]float64 {
	t.Helper()
	tb := mustReadCSV(t, file)
	x := tb.matrix(t, tb.header...)
	for _, name := range reverse {
		j := tb.col(t, name)
		for _, row := range x {
			row[j] = 6 - row[j] // NaN stays NaN
		}
	}
	return x
}

func TestCronbachAlphaAgainstPsych(t *testing.T) {
	ref := mustReadReference(t)
	for _, want := range ref.Alpha {
		t.Run(want.File, func(t *testing.T) {
			// R: psych::alpha(x) (use = "pairwise"), items reversed as 6 - x.
			got := CronbachAlpha(mustReadLikert(t, want.File, want.Reverse))
			if got.N != want.N || got.K != want.K || got.NComplete != want.NComplete {
				t.Errorf("N, K, NComplete = %d, %d, %d; R says %d, %d, %d",
					got.N, got.K, got.NComplete, want.N, want.K, want.NComplete)
			}
			check(t, "Raw", got.Raw, want.Raw)
			check(t, "Std", got.Std, want.Std)
			checkSlice(t, "IfDeleted", got.IfDeleted, want.Drop)
			checkSlice(t, "ItemRest", got.ItemRest, want.RDrop)
			// R: 1 - (1 - alpha) * qf(c(0.975, 0.025), n - 1, (n - 1) * (k - 1)).
			checkInterval(t, "Feldt", got.Feldt, want.Feldt)
		})
	}
}

func TestDescribeAgainstR(t *testing.T) {
	ref := mustReadReference(t)
	groups := mustReadCSV(t, "groups.csv")
	for _, want := range ref.Describe {
		name := fmt.Sprintf("%s/%s/%g", want.Case, want.Group, want.Level)
		t.Run(name, func(t *testing.T) {
			// R: t.test(v, conf.level = level)$conf.int; mean(v); sd(v).
			x := groups.floatsWhere(t, "value", map[string]string{"case": want.Case, "group": want.Group})
			got := Describe(x, want.Level)
			if got.N != want.N {
				t.Errorf("N = %d, R says %d", got.N, want.N)
			}
			check(t, "Mean", got.Mean, want.Mean)
			check(t, "SD", got.SD, want.SD)
			checkInterval(t, "CI", got.CI, want.CI)
		})
	}
}

func TestWelchAgainstR(t *testing.T) {
	ref := mustReadReference(t)
	groups := mustReadCSV(t, "groups.csv")
	for _, want := range ref.Welch {
		t.Run(fmt.Sprintf("%s/%g", want.Case, want.Level), func(t *testing.T) {
			x := groups.floatsWhere(t, "value", map[string]string{"case": want.Case, "group": "x"})
			y := groups.floatsWhere(t, "value", map[string]string{"case": want.Case, "group": "y"})
			// R: t.test(x, y, conf.level = level).
			got := Welch(x, y, want.Level)
			check(t, "Diff", got.Diff, want.Diff)
			check(t, "T", got.T, want.T)
			check(t, "DF", got.DF, want.DF)
			check(t, "P", got.P, want.P)
			checkInterval(t, "CI", got.CI, want.CI)
			// R: (1 - 3/(4*(n1+n2) - 9)) * (mean(x) - mean(y)) / pooled sd.
			check(t, "HedgesG", HedgesG(x, y), want.HedgesG)
		})
	}
}

func TestOneSampleAgainstR(t *testing.T) {
	ref := mustReadReference(t)
	tb := mustReadCSV(t, "paired.csv")
	promise := tb.floatsWhere(t, "promise", nil)
	reality := tb.floatsWhere(t, "reality", nil)
	d := make([]float64, len(promise))
	for i := range d {
		d[i] = promise[i] - reality[i]
	}
	for _, want := range ref.Paired {
		t.Run(want.Call, func(t *testing.T) {
			// R: t.test(promise, reality, paired = TRUE) and t.test(d, mu = 0.5, conf.level = 0.9).
			got := OneSample(d, want.Mu, want.Level)
			if got.N != want.N {
				t.Errorf("N = %d, R says %d", got.N, want.N)
			}
			check(t, "Mean", got.Mean, want.Mean)
			check(t, "SD", got.SD, want.SD)
			check(t, "T", got.T, want.T)
			check(t, "DF", got.DF, want.DF)
			check(t, "P", got.P, want.P)
			check(t, "Dz", got.Dz, want.Dz)
			checkInterval(t, "CI", got.CI, want.CI)
		})
	}
}

func TestWilsonAgainstR(t *testing.T) {
	ref := mustReadReference(t)
	for _, want := range ref.Wilson {
		t.Run(want.Call, func(t *testing.T) {
			// R: prop.test(x, n, correct = FALSE, conf.level = level)$conf.int.
			p, ci := Wilson(want.X, want.N, want.Level)
			check(t, "p", p, want.P)
			checkInterval(t, "CI", ci, want.CI)
		})
	}
}

// TestWilsonPublished checks the score intervals of Newcombe (1998), "Two-sided
// confidence intervals for the single proportion: comparison of seven methods",
// Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score, no
// continuity correction), published to 4 decimals.
func TestWilsonPublished(t *testing.T) {
	for _, c := range []struct {
		x, n   int
		lo, hi float64
	}{
		{81, 263, 0.2553, 0.3662},
		{15, 148, 0.0624, 0.1605},
		{0, 20, 0, 0.1611},
		{1, 29, 0.0061, 0.1718},
	} {
		_, ci := Wilson(c.x, c.n, 0.95)
		if !scalar.EqualWithinAbs(ci.Lo, c.lo, 5e-5) || !scalar.EqualWithinAbs(ci.Hi, c.hi, 5e-5) {
			t.Errorf("Wilson(%d, %d) = [%.5f, %.5f], Newcombe: [%.4f, %.4f]", c.x, c.n, ci.Lo, ci.Hi, c.lo, c.hi)
		}
	}
}

func TestENPSAgainstR(t *testing.T) {
	ref := mustReadReference(t)
	tb := mustReadCSV(t, "enps.csv")
	for _, want := range ref.ENPS {
		t.Run(fmt.Sprintf("%s/%g", want.Case, want.Level), func(t *testing.T) {
			// R: adjusted Wald by formula (make_fixtures.R), qnorm((1 + level)/2), NA removed.
			got := ENPS(tb.floatsWhere(t, "score", map[string]string{"case": want.Case}), want.Level)
			if got.N != want.N || got.Promoters != want.Promoters || got.Passives != want.Passives || got.Detractors != want.Detractors {
				t.Errorf("counts = %d/%d/%d/%d, R says %d/%d/%d/%d", got.N, got.Promoters, got.Passives, got.Detractors,
					want.N, want.Promoters, want.Passives, want.Detractors)
			}
			check(t, "Value", got.Value, want.Value)
			checkInterval(t, "CI", got.CI, want.CI)
		})
	}
}

func TestBHAgainstR(t *testing.T) {
	ref := mustReadReference(t)
	p := mustReadCSV(t, "pvalues.csv").floatsWhere(t, "p", nil)
	// R: p.adjust(p, method = "BH"); NA stays NA and is not counted in m.
	checkSlice(t, "BH", BH(p), ref.BH.Q)
}

func TestDriversAgainstR(t *testing.T) {
	ref := mustReadReference(t)
	tb := mustReadCSV(t, "drivers.csv")
	x := tb.matrix(t, "x1", "x2", "x3", "x4", "x5")
	y := tb.floatsWhere(t, "y", nil)

	// R: Lambda from eigen(cor(X)); raw = Lambda^2 %*% solve(Lambda, cor(X, y))^2.
	rw, r2, err := RelativeWeights(x, y)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "RelativeWeights R2", r2, ref.Drivers.R2) // R: summary(lm(y ~ X))$r.squared
	checkSlice(t, "RelativeWeights", rw, ref.Drivers.RelativeWeights)

	// R: LMG from all 32 subsets of summary(lm(y ~ X[, S]))$r.squared.
	lmg, r2s, err := Shapley(x, y)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "Shapley R2", r2s, ref.Drivers.R2)
	checkSlice(t, "Shapley", lmg, ref.Drivers.LMG)

	var sumRW, sumLMG, maxDiff float64
	for j := range rw {
		sumRW += rw[j]
		sumLMG += lmg[j]
		maxDiff = math.Max(maxDiff, math.Abs(rw[j]-lmg[j]))
	}
	if !same(sumRW, float64(ref.Drivers.R2)) || !same(sumLMG, float64(ref.Drivers.R2)) {
		t.Errorf("sums %g (RW) and %g (LMG) differ from R^2 %g", sumRW, sumLMG, float64(ref.Drivers.R2))
	}
	// Two different decompositions: close (within 0.02 of R^2 per driver) but not identical.
	if maxDiff > 0.02 || maxDiff < 1e-6 {
		t.Errorf("max |RW - LMG| = %g, want in [1e-6, 0.02]", maxDiff)
	}
}

// TestDegenerate asserts NaN (and no panic) on empty, short, constant and all-missing input.
func TestDegenerate(t *testing.T) {
	nan := math.NaN()
	isNaN := math.IsNaN
	nanIv := func(iv Interval) bool { return isNaN(iv.Lo) && isNaN(iv.Hi) }
	for _, c := range []struct {
		name string
		ok   func() bool
	}{
		{"Describe empty", func() bool { s := Describe(nil, 0.95); return s.N == 0 && isNaN(s.Mean) && isNaN(s.SD) && nanIv(s.CI) }},
		{"Describe n=1", func() bool { s := Describe([]float64{3}, 0.95); return s.Mean == 3 && isNaN(s.SD) && nanIv(s.CI) }},
		{"Describe constant", func() bool { s := Describe([]float64{4, 4, 4}, 0.95); return s.Mean == 4 && s.SD == 0 && nanIv(s.CI) }},
		{"Describe bad level", func() bool { s := Describe([]float64{1, 2, 3}, 1); return s.Mean == 2 && nanIv(s.CI) }},
		{"Wilson n=0", func() bool { p, ci := Wilson(0, 0, 0.95); return isNaN(p) && nanIv(ci) }},
		{"Wilson x>n", func() bool { p, ci := Wilson(5, 3, 0.95); return isNaN(p) && nanIv(ci) }},
		{"Wilson bad level", func() bool { _, ci := Wilson(1, 3, -0.5); return nanIv(ci) }},
		{"ENPS empty", func() bool { e := ENPS(nil, 0.95); return e.N == 0 && isNaN(e.Value) && nanIv(e.CI) }},
		{"ENPS all missing", func() bool {
			e := ENPS([]float64{nan, -1, 11}, 0.95)
			return e.N == 0 && isNaN(e.Value) && nanIv(e.CI)
		}},
		{"Welch empty", func() bool {
			w := Welch(nil, nil, 0.95)
			return isNaN(w.Diff) && isNaN(w.T) && isNaN(w.P) && nanIv(w.CI)
		}},
		{"Welch n=1", func() bool {
			w := Welch([]float64{1}, []float64{1, 2, 3}, 0.95)
			return w.Diff == -1 && isNaN(w.T) && isNaN(w.DF) && isNaN(w.P) && nanIv(w.CI)
		}},
		{"Welch both constant", func() bool {
			w := Welch([]float64{2, 2}, []float64{3, 3, 3}, 0.95)
			return w.Diff == -1 && isNaN(w.T) && isNaN(w.DF) && isNaN(w.P) && nanIv(w.CI)
		}},
		{"HedgesG empty", func() bool { return isNaN(HedgesG(nil, []float64{1, 2})) }},
		{"HedgesG constant", func() bool { return isNaN(HedgesG([]float64{2, 2}, []float64{3, 3})) }},
		{"OneSample empty", func() bool {
			p := OneSample(nil, 0, 0.95)
			return isNaN(p.Mean) && isNaN(p.T) && isNaN(p.P) && nanIv(p.CI)
		}},
		{"OneSample n=1", func() bool {
			p := OneSample([]float64{1}, 0, 0.95)
			return isNaN(p.SD) && isNaN(p.T) && isNaN(p.Dz) && nanIv(p.CI)
		}},
		{"OneSample constant", func() bool {
			p := OneSample([]float64{1, 1, 1}, 0, 0.95)
			return p.SD == 0 && isNaN(p.T) && isNaN(p.P) && isNaN(p.Dz) && nanIv(p.CI)
		}},
		{"BH empty", func() bool { return len(BH(nil)) == 0 }},
		{"BH all missing", func() bool { q := BH([]float64{nan, nan}); return len(q) == 2 && isNaN(q[0]) && isNaN(q[1]) }},
		{"Alpha empty", func() bool {
			a := CronbachAlpha(nil)
			return a.N == 0 && isNaN(a.Raw) && isNaN(a.Std) && nanIv(a.Feldt)
		}},
		{"Alpha one item", func() bool {
			a := CronbachAlpha([][]float64{{1}, {2}, {3}})
			return a.K == 1 && isNaN(a.Raw) && isNaN(a.Std)
		}},
		{"Alpha n=1", func() bool {
			a := CronbachAlpha([][]float64{{1, 2, 3}})
			return a.N == 1 && isNaN(a.Raw) && isNaN(a.IfDeleted[0])
		}},
		{"Alpha constant", func() bool {
			a := CronbachAlpha([][]float64{{3, 3}, {3, 3}, {3, 3}})
			return isNaN(a.Raw) && isNaN(a.Std) && isNaN(a.ItemRest[0]) && nanIv(a.Feldt)
		}},
		{"Alpha all missing", func() bool {
			a := CronbachAlpha([][]float64{{nan, nan}, {nan, nan}, {nan, nan}})
			return a.N == 0 && a.K == 2 && isNaN(a.Raw) && isNaN(a.Std) && nanIv(a.Feldt)
		}},
		{"Alpha ragged", func() bool { a := CronbachAlpha([][]float64{{1, 2}, {1}}); return isNaN(a.Raw) }},
		{"Alpha two items", func() bool {
			a := CronbachAlpha([][]float64{{1, 2}, {2, 2}, {3, 4}, {4, 5}})
			return !isNaN(a.Raw) && isNaN(a.IfDeleted[0]) && !isNaN(a.ItemRest[0])
		}},
		{"Alpha no complete row", func() bool {
			a := CronbachAlpha([][]float64{{1, 2, nan}, {2, nan, 3}, {nan, 4, 5}, {4, 5, nan}, {5, nan, 4}, {nan, 1, 2}})
			return a.NComplete == 0 && !isNaN(a.Raw) && nanIv(a.Feldt)
		}},
		{"RelativeWeights empty", func() bool { _, r2, err := RelativeWeights(nil, nil); return err == ErrTooFew && isNaN(r2) }},
		{"RelativeWeights collinear", func() bool {
			x := [][]float64{{1, 2}, {2, 4}, {3, 6}, {4, 8}, {5, 10}}
			_, _, err := RelativeWeights(x, []float64{1, 3, 2, 5, 4})
			return err == ErrSingular
		}},
		{"RelativeWeights constant y", func() bool {
			x := [][]float64{{1}, {2}, {3}, {4}}
			_, _, err := RelativeWeights(x, []float64{1, 1, 1, 1})
			return err == ErrConstant
		}},
		{"Shapley NaN", func() bool {
			x := [][]float64{{1}, {nan}, {3}, {4}}
			_, _, err := Shapley(x, []float64{1, 2, 1, 3})
			return err == ErrMissing
		}},
		{"Shapley too many", func() bool {
			_, _, err := Shapley([][]float64{make([]float64, 13)}, []float64{1})
			return err == ErrTooMany
		}},
		{"Shapley collinear", func() bool {
			x := [][]float64{{1, 2}, {2, 4}, {3, 6}, {4, 8}, {5, 10}}
			_, _, err := Shapley(x, []float64{1, 3, 2, 5, 4})
			return err == ErrSingular
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("panic: %v", r)
				}
			}()
			if !c.ok() {
				t.Error("unexpected result")
			}
		})
	}
}

// TestRowOrderInvariance: Describe and CronbachAlpha do not depend on the order of rows.
func TestRowOrderInvariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(2024, 7))
	x := mustReadCSV(t, "groups.csv").floatsWhere(t, "value", map[string]string{"case": "c", "group": "y"})
	rows := mustReadLikert(t, "likert_missing.csv", []string{"item3", "item6"})
	d0, a0 := Describe(x, 0.95), CronbachAlpha(rows)
	for range 20 {
		rng.Shuffle(len(x), func(i, j int) { x[i], x[j] = x[j], x[i] })
		rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		d, a := Describe(x, 0.95), CronbachAlpha(rows)
		for _, p := range [][2]float64{
			{d.Mean, d0.Mean}, {d.SD, d0.SD}, {d.CI.Lo, d0.CI.Lo}, {d.CI.Hi, d0.CI.Hi},
			{a.Raw, a0.Raw}, {a.Std, a0.Std}, {a.Feldt.Lo, a0.Feldt.Lo}, {a.Feldt.Hi, a0.Feldt.Hi},
		} {
			if !scalar.EqualWithinAbsOrRel(p[0], p[1], 1e-12, 1e-12) {
				t.Fatalf("result changed with row order: %.17g vs %.17g", p[0], p[1])
			}
		}
		for j := range a.IfDeleted {
			if !scalar.EqualWithinAbsOrRel(a.IfDeleted[j], a0.IfDeleted[j], 1e-12, 1e-12) ||
				!scalar.EqualWithinAbsOrRel(a.ItemRest[j], a0.ItemRest[j], 1e-12, 1e-12) {
				t.Fatalf("item %d changed with row order", j)
			}
		}
		if a.N != a0.N || a.NComplete != a0.NComplete {
			t.Fatal("counts changed with row order")
		}
	}
}

func BenchmarkWelch1600(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	groups := make([][]float64, 1600)
	for i := range groups {
		groups[i] = make([]float64, 5+rng.IntN(60))
		for j := range groups[i] {
			groups[i][j] = 1 + 4*rng.Float64()
		}
	}
	rest := make([]float64, 2000)
	for j := range rest {
		rest[j] = 1 + 4*rng.Float64()
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, g := range groups {
			_ = Welch(g, rest, 0.95)
		}
	}
}

func BenchmarkAlpha100k(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	rows := make([][]float64, 100_000)
	for i := range rows {
		f := rng.NormFloat64()
		rows[i] = make([]float64, 8)
		for j := range rows[i] {
			v := math.Round(3 + 0.8*f + rng.NormFloat64())
			if rng.Float64() < 0.05 {
				v = math.NaN()
			}
			rows[i][j] = math.Max(1, math.Min(5, v))
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = CronbachAlpha(rows)
	}
}
