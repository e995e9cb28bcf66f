package audit

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"sync"
	"syscall"
	"testing"
	"time"

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

// benchTree is the tree of analysis.BenchmarkAnalyzeTree's shape: 1,500
// nodes on 5 levels (5, 25, 120, 350, 1,000), 20,000 respondents, nine in
// ten in a team.
func benchTree(b testing.TB) analysis.Input {
	b.Helper()
	q := shipped(b)
	rng := rand.New(rand.NewPCG(16, 1500))
	in := analysis.Input{Questionnaire: q, Config: analysis.DefaultConfig(), Seed: 1}
	var prev []int
	for lv, n := range []int{5, 25, 120, 350, 1000} {
		var cur []int
		for i := 0; i < n; i++ {
			g := analysis.Group{ID: fmt.Sprintf("L%d-%04d", lv, i), Name: fmt.Sprintf("Level %d node %d", lv, i), ExternallyVisible: true}
			if lv > 0 {
				g.ParentID = in.Groups[prev[(i+rng.IntN(2))%len(prev)]].ID
			}
			cur = append(cur, len(in.Groups))
			in.Groups = append(in.Groups, g)
		}
		prev = cur
	}
	mood := make([]float64, len(in.Groups))
	for g := range mood {
		mood[g] = 0.3 + 0.6*rng.Float64()
	}
	for range 20000 {
		g := prev[rng.IntN(len(prev))]
		if rng.IntN(10) == 0 {
			g = rng.IntN(len(in.Groups) - len(prev))
		}
		in.Groups[g].Responses = append(in.Groups[g].Responses, respond(q, rng, mood[g], 0.03))
	}
	for g := range in.Groups {
		in.Groups[g].Headcount = len(in.Groups[g].Responses) + rng.IntN(8)
	}
	return in
}

// BenchmarkProtectTree1500 is the close of a 1,500-node tree: analysis,
// the audit of every table over the tree, extension and analysis again
// until nothing is disclosed. Beside ns/op it reports cpu-s/op (the
// process's user+system CPU time per Protect, both cores together: a
// figure other processes on the shared machine do not inflate the way
// they inflate ns/op) and peak-heap-MB (the live heap at its highest
// during one extra run, the input included, sampled as in
// analysis.BenchmarkAnalyze).
func BenchmarkProtectTree1500(b *testing.B) {
	in := benchTree(b)
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuSeconds()
	extra, tables, ops := 0, 0, 0
	for b.Loop() {
		_, rep, err := Protect(in)
		if err != nil || !rep.Safe() {
			b.Fatal(err, rep)
		}
		extra = len(rep.Extra)
		tables = rep.Tables
		ops++
	}
	cpu := (cpuSeconds() - cpu0) / float64(ops)
	b.StopTimer()
	peak := peakHeap(func() {
		if _, _, err := Protect(in); err != nil {
			b.Fatal(err)
		}
	})
	b.ReportMetric(cpu, "cpu-s/op")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(extra), "extra-cells")
	b.ReportMetric(float64(tables), "tables")
}

// cpuSeconds is the user and system CPU time of the process so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return math.NaN()
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// peakHeap runs f and returns the highest live heap seen meanwhile,
// sampled every 200 microseconds.
func peakHeap(f func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	peak := read()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(200 * time.Microsecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				peak = max(peak, read())
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	return max(peak, read())
}
