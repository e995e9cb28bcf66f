package audit

import (
	"math/rand/v2"
	"testing"

	"trots/analysis"
)

// benchOrganisation is 500 departments of 0 to 40 respondents (a quarter
// of them below k), analysed once before the timer.
func benchOrganisation(b *testing.B) (analysis.Input, *analysis.Result) {
	b.Helper()
	q := shipped(b)
	rng := rand.New(rand.NewPCG(500, 1))
	sizes := make([]int, 500)
	for i := range sizes {
		if rng.IntN(4) == 0 {
			sizes[i] = rng.IntN(5)
		} else {
			sizes[i] = 5 + rng.IntN(36)
		}
	}
	in := organisation(q, rng, sizes, 0.05)
	res, err := analysis.Analyze(in)
	if err != nil {
		b.Fatal(err)
	}
	return in, res
}

// BenchmarkAudit500 audits the published tables of an organisation of
// 500 departments: every family, every hidden cell bounded.
func BenchmarkAudit500(b *testing.B) {
	_, res := benchOrganisation(b)
	b.ResetTimer()
	checked, tables := 0, 0
	for b.Loop() {
		rep, err := Audit(res)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Checked == 0 {
			b.Fatal("nothing checked")
		}
		checked, tables = rep.Checked, rep.Tables
	}
	b.ReportMetric(float64(checked), "hidden-cells")
	b.ReportMetric(float64(tables), "tables")
}

// BenchmarkProtect500 is the whole close: analysis, audit, extension and
// analysis again until nothing is disclosed.
func BenchmarkProtect500(b *testing.B) {
	in, _ := benchOrganisation(b)
	b.ResetTimer()
	extra := 0
	for b.Loop() {
		_, rep, err := Protect(in)
		if err != nil || !rep.Safe() {
			b.Fatal(err, rep)
		}
		extra = len(rep.Extra)
	}
	b.ReportMetric(float64(extra), "extra-cells")
}
