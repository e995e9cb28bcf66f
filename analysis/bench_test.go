package analysis

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"testing"
	"time"

	"trots/questionnaires"
)

// The benchmark of issue 4: 100,000 responses x 40 items x 200 departments,
// full Analyze, on the shipped advocacy-readiness questionnaire. The data is
// generated deterministically outside the timer. BenchmarkAnalyze reports
// ns/op, B/op and allocs/op, plus two custom metrics from one extra run
// measured by sampling runtime/metrics every 200 microseconds:
//
//	peak-heap-MB   the largest live heap seen during Analyze (input included)
//	input-heap-MB  the live heap before Analyze (the generated input)
//
// TestWriteBenchCSV writes the same data as CSV for testdata/bench.R:
//
//	go test ./analysis -run '^TestWriteBenchCSV$' -benchcsv /tmp/trots-bench.csv

var benchCSV = flag.String("benchcsv", "", "write the benchmark data to this CSV file (TestWriteBenchCSV)")

const (
	benchDepartments = 200
	benchPerDept     = 500
)

// benchGroups generates the benchmark input: each department has its own
// climate, each respondent a personal level, each answer noise; about 3% of
// the answers are missing; every fifth respondent leaves a comment.
func benchGroups(q *questionnaires.Questionnaire) []Group {
	rng := rand.New(rand.NewPCG(42, 2024))
	groups := make([]Group, benchDepartments)
	for g := range groups {
		climate := 2.6 + 1.8*rng.Float64()
		grp := Group{Name: fmt.Sprintf("Afdeling %03d", g+1), Headcount: benchPerDept + rng.IntN(400), ExternallyVisible: g%10 != 0}
		grp.Responses = make([]Response, benchPerDept)
		for r := range grp.Responses {
			grp.Responses[r] = benchResponse(q, rng, climate)
			if r%5 == 0 {
				grp.Comments = append(grp.Comments, "Meer tijd om het werk goed te doen")
			}
		}
		groups[g] = grp
	}
	return groups
}

// benchResponse draws one respondent of a department of the given climate:
// a personal level, noise per answer, about 3% of the answers missing.
func benchResponse(q *questionnaires.Questionnaire, rng *rand.Rand, climate float64) Response {
	profiles := []string{"quiet_expert", "super_networker", "warm_welcomer", "none"}
	helps := []string{"guidelines", "ready_content", "training", "coaching", "recognition"}
	person := climate + rng.NormFloat64()*0.6
	vals := make([]float64, len(q.Items))
	var choices map[string][]string
	for i, it := range q.Items {
		vals[i] = math.NaN()
		if rng.Float64() < 0.03 {
			continue
		}
		switch it.Scale.Type {
		case questionnaires.Likert:
			m := person
			if it.Pair != nil && it.Pair.Role == questionnaires.Promise {
				m += 0.5
			}
			if it.Dimension == "barriers" {
				m = 6 - person
			}
			v := math.Round(m + rng.NormFloat64()*0.8)
			v = math.Max(1, math.Min(5, v))
			if it.Reverse {
				v = 6 - v
			}
			vals[i] = v
		case questionnaires.NPS:
			vals[i] = math.Max(0, math.Min(10, math.Round(2*person-1+rng.NormFloat64()*1.5)))
		case questionnaires.Choice:
			if choices == nil {
				choices = map[string][]string{}
			}
			if it.Scale.Multiple {
				choices[it.ID] = []string{helps[rng.IntN(len(helps))]}
			} else {
				choices[it.ID] = []string{profiles[rng.IntN(len(profiles))]}
			}
		}
	}
	return Response{Values: vals, Choices: choices}
}

func benchInput(b testing.TB) Input {
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		b.Fatal(err)
	}
	if len(q.Items) != 40 {
		b.Logf("advocacy-readiness has %d items, the benchmark expects 40", len(q.Items))
	}
	return Input{Questionnaire: q, Groups: benchGroups(q), Config: DefaultConfig(), Seed: 1}
}

func BenchmarkAnalyze(b *testing.B) {
	in := benchInput(b)
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Analyze(in); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	input, peak := peakHeap(func() {
		if _, err := Analyze(in); err != nil {
			b.Fatal(err)
		}
	})
	b.ReportMetric(float64(input)/(1<<20), "input-heap-MB")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// peakHeap runs f while sampling the live heap (bytes in heap objects,
// runtime/metrics) and returns the heap before f and the largest value seen.
func peakHeap(f func()) (before, peak uint64) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	before = read()
	peak = before
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
	return before, max(peak, read())
}

// TestWriteBenchCSV writes the benchmark data as a `trots analyze` CSV
// (department plus one column per item) when -benchcsv is given.
func TestWriteBenchCSV(t *testing.T) {
	if *benchCSV == "" {
		t.Skip("run with -benchcsv <file> to write the benchmark CSV")
	}
	in := benchInput(t)
	f, err := os.Create(*benchCSV)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("department")
	for _, it := range in.Questionnaire.Items {
		w.WriteString("," + it.ID)
	}
	w.WriteByte('\n')
	for _, g := range in.Groups {
		for _, r := range g.Responses {
			w.WriteString(g.Name)
			for i, it := range in.Questionnaire.Items {
				w.WriteByte(',')
				switch {
				case !math.IsNaN(r.Values[i]):
					w.WriteString(strconv.Itoa(int(r.Values[i])))
				case len(r.Choices[it.ID]) > 0:
					w.WriteString(r.Choices[it.ID][0])
				}
			}
			w.WriteByte('\n')
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
