package analysis

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"syscall"
	"testing"

	"trots/questionnaires"
)

// The benchmark of issue 16: 20,000 respondents in a tree of 1,500 nodes
// on 5 levels (5 directorates, 25 divisions, 120 departments, 350 units,
// 1,000 teams), every node analysed as its subtree, compared with the rest
// of the organisation and of its parent, with the suppression across
// levels. Nine in ten respondents are in a team (about 18 per team, many
// below k), one in ten belongs to a higher node itself.
var benchTreeLevels = []int{5, 25, 120, 350, 1000}

const benchTreeRespondents = 20000

func benchTreeGroups(q *questionnaires.Questionnaire) []Group {
	rng := rand.New(rand.NewPCG(16, 1500))
	var groups []Group
	var prev []int // indices of the previous level
	for lv, n := range benchTreeLevels {
		var cur []int
		for i := 0; i < n; i++ {
			g := Group{ID: fmt.Sprintf("L%d-%04d", lv, i), Name: fmt.Sprintf("Level %d node %d", lv, i), ExternallyVisible: true}
			if lv > 0 {
				// Spread the children over the level above, unevenly.
				g.ParentID = groups[prev[(i+rng.IntN(2))%len(prev)]].ID
			}
			cur = append(cur, len(groups))
			groups = append(groups, g)
		}
		prev = cur
	}
	teams := prev
	climate := make([]float64, len(groups))
	for g := range climate {
		climate[g] = 2.6 + 1.8*rng.Float64()
	}
	for r := 0; r < benchTreeRespondents; r++ {
		g := teams[rng.IntN(len(teams))]
		if rng.IntN(10) == 0 {
			g = rng.IntN(len(groups) - len(teams))
		}
		groups[g].Responses = append(groups[g].Responses, benchResponse(q, rng, climate[g]))
		if r%5 == 0 {
			groups[g].Comments = append(groups[g].Comments, "Meer tijd om het werk goed te doen")
		}
	}
	for g := range groups {
		groups[g].Headcount = len(groups[g].Responses) + rng.IntN(8)
	}
	return groups
}

// cpuSeconds is the user and system CPU time of the process so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return math.NaN()
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func benchTreeInput(b testing.TB) Input {
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		b.Fatal(err)
	}
	return Input{Questionnaire: q, Groups: benchTreeGroups(q), Config: DefaultConfig(), Seed: 1}
}

// BenchmarkAnalyzeTree reports, beside ns/op, B/op and allocs/op, the
// peak-heap-MB and input-heap-MB of one extra run (as BenchmarkAnalyze),
// cpu-s/op (the process's user+system CPU time per Analyze, both cores
// together: a figure that other processes on the machine do not inflate
// the way they inflate ns/op), the nodes shown, and the nodes of at least
// k respondents (pooled) that the levels hide.
func BenchmarkAnalyzeTree(b *testing.B) {
	in := benchTreeInput(b)
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuSeconds()
	var res *Result
	for i := 0; i < b.N; i++ {
		var err error
		if res, err = Analyze(in); err != nil {
			b.Fatal(err)
		}
	}
	cpu := (cpuSeconds() - cpu0) / float64(b.N)
	b.StopTimer()
	input, peak := peakHeap(func() {
		if _, err := Analyze(in); err != nil {
			b.Fatal(err)
		}
	})
	pooled := map[string]int{}
	byID := map[string]int{}
	for i, g := range in.Groups {
		byID[g.ID] = i
	}
	for _, g := range in.Groups {
		for h := byID[g.ID]; ; {
			pooled[in.Groups[h].ID] += len(g.Responses)
			p := in.Groups[h].ParentID
			if p == "" {
				break
			}
			h = byID[p]
		}
	}
	shown, protected := 0, 0
	for _, d := range res.Departments {
		if d.Figures != nil {
			shown++
		} else if pooled[d.ID] >= in.Config.MinGroup {
			protected++
		}
	}
	b.ReportMetric(float64(input)/(1<<20), "input-heap-MB")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(cpu, "cpu-s/op")
	b.ReportMetric(float64(shown), "nodes-shown")
	b.ReportMetric(float64(protected), "hidden-by-levels")
}
