package demo_test

import (
	"testing"

	"trots/analysis"
	"trots/survey/demo"
)

// The tree demo has the shape the issue asks for: about 2,000 employees
// in 5 directorates, 25 departments and 80 teams, each parent before its
// parts.
func TestTreeDemoShape(t *testing.T) {
	q := mustLoad(t, "advocacy-readiness")
	org := demo.GenerateTree(q, 1)
	depth := map[string]int{"": 0}
	perLevel := map[int]int{}
	people := 0
	for _, d := range org.Departments {
		up, ok := depth[d.Parent]
		if !ok {
			t.Fatalf("%s comes before its parent %s", d.Name, d.Parent)
		}
		if _, twice := depth[d.Name]; twice {
			t.Fatalf("%s twice", d.Name)
		}
		depth[d.Name] = up + 1
		perLevel[up+1]++
		people += d.Headcount
		if len(d.Responses) > d.Headcount {
			t.Errorf("%s: %d responses of %d people", d.Name, len(d.Responses), d.Headcount)
		}
	}
	if perLevel[1] != 5 || perLevel[2] != 25 || perLevel[3] != 80 || len(perLevel) != 3 {
		t.Fatalf("nodes per level %v, want 5, 25 and 80", perLevel)
	}
	if people < 1800 || people > 2200 {
		t.Fatalf("%d employees, want about 2,000", people)
	}
}

// The planted stories hold in the analysis, for twenty seeds: each node is
// analysed as a group of its own respondents plus all below it (pooled
// here by the test, as the analysis of levels does). Dienstverlening is
// GO as a whole while Team Balie Noord is FIX FIRST; every team of
// Juridische Zaken is too small to show while the department is GO.
func TestTreeDemoStories(t *testing.T) {
	q := mustLoad(t, "advocacy-readiness")
	k := analysis.DefaultConfig().MinGroup
	for seed := uint64(1); seed <= 20; seed++ {
		org := demo.GenerateTree(q, seed)
		parent := map[string]string{}
		for _, d := range org.Departments {
			parent[d.Name] = d.Parent
		}
		below := func(name, root string) bool {
			for ; name != ""; name = parent[name] {
				if name == root {
					return true
				}
			}
			return false
		}
		// Pool one node's branch into one group, the rest of the
		// organisation as the others: the comparison the node gets.
		pooled := func(root string) map[string]*analysis.GroupResult {
			var branch demo.Department
			var flat demo.Organisation
			flat.Seed = org.Seed
			branch.Name, branch.ExternallyVisible = root, true
			for _, d := range org.Departments {
				if below(d.Name, root) {
					branch.Headcount += d.Headcount
					branch.Responses = append(branch.Responses, d.Responses...)
					continue
				}
				if len(d.Responses) > 0 {
					flat.Departments = append(flat.Departments, d)
				}
			}
			flat.Departments = append(flat.Departments, branch)
			return verdicts(t, analysisInput(q, flat))
		}
		leaves := demo.Organisation{Seed: org.Seed}
		for _, d := range org.Departments {
			if len(d.Responses) > 0 {
				leaves.Departments = append(leaves.Departments, d)
			}
		}
		teams := verdicts(t, analysisInput(q, leaves))
		if v := teams[demo.StoryTeam]; v.Decision != analysis.FixFirst {
			t.Errorf("seed %d: %s is %s, designed as FIX_FIRST", seed, demo.StoryTeam, v.Decision)
		}
		if v := pooled(demo.StoryDirectorate)[demo.StoryDirectorate]; v.Decision != analysis.Go {
			t.Errorf("seed %d: %s as a whole is %s %v, designed as GO", seed, demo.StoryDirectorate, v.Decision, v.Reasons)
		}
		small := 0
		for _, d := range org.Departments {
			if parent[d.Name] == demo.StorySmallTeams {
				small++
				if v := teams[d.Name]; len(d.Responses) >= k || !v.Suppressed {
					t.Errorf("seed %d: %s has %d responses, suppressed %v", seed, d.Name, len(d.Responses), v.Suppressed)
				}
			}
		}
		if v := pooled(demo.StorySmallTeams)[demo.StorySmallTeams]; small != 4 || v.Suppressed || v.Decision != analysis.Go {
			t.Errorf("seed %d: %s (%d teams) as a whole is %s, suppressed %v %+v; designed as GO", seed, demo.StorySmallTeams, small, v.Decision, v.Suppressed, v.Reasons)
		}
	}
}
