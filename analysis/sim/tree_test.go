package sim

import (
	"flag"
	"math"
	"strings"
	"testing"

	"trots/analysis"
)

// treeRuns is the number of divisions per tree scenario and team size
// band. The default keeps `go test` at a few seconds; `make bench` runs
// 2,000.
var treeRuns = flag.Int("sim.trees", 60, "divisions per tree scenario and team size band")

// treeOnly runs only the named scenarios (comma-separated), e.g.
// -sim.scenarios silent_child,silent_unknown.
var treeOnly = flag.String("sim.scenarios", "", "only these tree scenarios (comma-separated)")

// TestTreePlantedTruth runs the simulation of trees and checks, for the
// divisions (each rate against its goal plus three binomial standard
// errors at the goal, as TestPlantedTruth does):
//   - false GO <= 1% for divisions whose people are not ready (a silent
//     poor part, half poor teams, stuffed borderline teams, hidden poor
//     teams);
//   - no GO with a flagged part below, and none with parts FIX FIRST on
//     their own figures holding at least part_share of the respondents
//     (exact: these are rules, not rates);
//   - divisions of ready teams of at least 10: GO >= 90%, FIX FIRST <= 5%;
//   - vs_parent with a real difference among teams of at least 20: a false
//     discovery rate (q < 0.05) of at most 5%.
func TestTreePlantedTruth(t *testing.T) {
	q := mustQuestionnaire(t)
	var only []string
	if *treeOnly != "" {
		only = strings.Split(*treeOnly, ",")
	}
	cells, vps, err := RunTrees(q, analysis.DefaultConfig(), *treeRuns, 2026, only...)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("tree simulation, %d divisions per scenario and team size band:\n%s\n%s", *treeRuns, TreeTable(cells), VsParentTable(vps))
	margin := func(goal float64, n int) float64 { return 3 * math.Sqrt(goal*(1-goal)/float64(n)) }
	for _, c := range cells {
		if c.Level != "division" {
			continue
		}
		sc := c.Scenario
		if strings.HasPrefix(sc.Truth, "not ready") && c.Rate(c.Go) > 0.01+margin(0.01, c.Runs) {
			t.Errorf("%s, teams of %s: false GO %.1f%% (%s)", sc.Name, c.Band, 100*c.Rate(c.Go), sc.Why)
		}
		if c.GoFlaggedBelow > 0 {
			t.Errorf("%s, teams of %s: %d divisions GO with a flagged part", sc.Name, c.Band, c.GoFlaggedBelow)
		}
		if c.GoLargeFixBelow > 0 {
			t.Errorf("%s, teams of %s: %d divisions GO with FIX FIRST parts over part_share", sc.Name, c.Band, c.GoLargeFixBelow)
		}
		if sc.Ready() && !strings.HasPrefix(sc.Name, "low_response") && c.Band.Lo >= 10 {
			if g := c.Rate(c.Go); g < 0.90-margin(0.90, c.Runs) {
				t.Errorf("%s, teams of %s: GO %.1f%%, goal >= 90%%", sc.Name, c.Band, 100*g)
			}
			if f := c.Rate(c.FixFirst); f > 0.05+margin(0.05, c.Runs) {
				t.Errorf("%s, teams of %s: FIX FIRST %.1f%%, goal <= 5%%", sc.Name, c.Band, 100*f)
			}
		}
	}
	// BH controls the false discovery rate; with teams of at least 20 it
	// does here (4-5%). Smaller teams and the complete null (every team
	// ready) exceed 5%: Welch's tail is liberal for 5-19 skewed scores
	// (p < 0.001 two to three times as often as it should be), and sibling
	// comparisons with the rest of one parent are negatively dependent.
	// The table shows it; README.md states it.
	for _, v := range vps {
		if v.Scenario.Name == "all_ready" || v.Band.Lo < 20 {
			continue
		}
		if fdr := v.FDP / float64(v.Orgs); fdr > 0.05+margin(0.05, v.Orgs) {
			t.Errorf("vs_parent, %s, teams of %s: false discovery rate %.1f%%", v.Scenario.Name, v.Band, 100*fdr)
		}
	}
}

func BenchmarkTreePlantedTruth(b *testing.B) {
	q := mustQuestionnaire(b)
	for b.Loop() {
		if _, _, err := RunTrees(q, analysis.DefaultConfig(), 5, 1); err != nil {
			b.Fatal(err)
		}
	}
}
