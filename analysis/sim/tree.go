package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"trots/analysis"
	"trots/questionnaires"
)

// Trees: planted truths one level up. A division (no staff of its own)
// holds teams of the flat classes; its result pools them (package analysis,
// "Levels"). What is true of a division depends on its parts, so every
// scenario states the division's truth:
//
//   - ready: every team is ready;
//   - not ready (pooled): the division's population - every employee,
//     respondent or not - misses a bar, although its respondents may not
//     show it (a silent team), or its honest respondents miss a bar and a
//     team's stuffed answers may hide it;
//   - part not ready: the population clears the bars on average, but a
//     team holding at least a fifth of the division's people is not ready
//     and says so in its own figures (the pooled estimate hides it);
//   - ready, a stuffed part: the honest people are ready (but for one
//     borderline team), and one team's answers are stuffed; GO is wrong
//     once the stuffing is flagged anywhere (the division's figures
//     contain it), and cannot be told from right while it is not.
//
// Every organisation (one Analyze call) holds TreesPerOrg divisions of the
// same scenario, so the vs_parent comparisons of a scenario form one
// Benjamini-Hochberg family, as they would in a real organisation.

// TreesPerOrg is the number of divisions of one organisation.
const TreesPerOrg = 5

// Team is one child of a division: a class and how its size is drawn.
type Team struct {
	Class Class
	// Headcount, when > 0, fixes the team's headcount; the respondents are
	// then headcount x the class's drawn response rate (rounded). When 0,
	// the honest respondents are drawn from the band and the headcount
	// follows from the rate (as in the flat simulation).
	Headcount int
	// Small: 2-4 respondents, fewer than k = 5 (the team is hidden).
	Small bool
	// NoHeadcount: the team's headcount is not known (0), which makes
	// its division's unknown too.
	NoHeadcount bool
}

// Scenario is a kind of division with a known truth.
type Scenario struct {
	Name, Why string
	// Truth: "ready", "not ready (pooled)", "part not ready", "ready, a
	// stuffed part".
	Truth string
	// Teams builds the division's teams for one draw.
	Teams func(rng *rand.Rand, band Band) []Team
	// Deep puts the teams in two departments under the division (three
	// levels; the division still pools everybody).
	Deep bool
}

// Ready reports whether GO is a right answer for the division.
func (s Scenario) Ready() bool { return s.Truth == "ready" }

func classByName(name string) Class {
	for _, c := range Classes() {
		if c.Name == name {
			return c
		}
	}
	panic("sim: no class " + name)
}

// Scenarios are the planted truths of divisions.
func Scenarios() []Scenario {
	ready, weak, poor := classByName("ready"), classByName("weak_theme"), classByName("poor")
	border, stuffed := classByName("borderline"), classByName("stuffed")
	silentPoor := poor
	silentPoor.Name, silentPoor.RateLo, silentPoor.RateHi = "poor_silent", 0.15, 0.30
	teams := func(cs ...Class) []Team {
		out := make([]Team, len(cs))
		for i, c := range cs {
			out[i] = Team{Class: c}
		}
		return out
	}
	return []Scenario{
		{Name: "all_ready", Truth: "ready", Why: "4 ready teams",
			Teams: func(*rand.Rand, Band) []Team { return teams(ready, ready, ready, ready) }},
		{Name: "deep_ready", Truth: "ready", Deep: true, Why: "4 ready teams in 2 departments (3 levels)",
			Teams: func(*rand.Rand, Band) []Team { return teams(ready, ready, ready, ready) }},
		{Name: "mixed_weak", Truth: "part not ready", Why: "3 ready teams and 1 with a weak theme (3.0), a quarter of the people",
			Teams: func(*rand.Rand, Band) []Team { return teams(ready, ready, ready, weak) }},
		{Name: "mixed_weak_third", Truth: "part not ready", Why: "2 ready teams and 1 with a weak theme, a third",
			Teams: func(*rand.Rand, Band) []Team { return teams(ready, ready, weak) }},
		{Name: "mixed_poor", Truth: "part not ready", Why: "3 ready teams and 1 poor team, a quarter",
			Teams: func(*rand.Rand, Band) []Team { return teams(ready, ready, ready, poor) }},
		{Name: "deep_mixed", Truth: "part not ready", Deep: true, Why: "3 ready teams and 1 poor team in 2 departments (3 levels)",
			Teams: func(*rand.Rand, Band) []Team { return teams(ready, ready, ready, poor) }},
		{Name: "half_poor", Truth: "not ready (pooled)", Why: "2 ready teams and 2 poor ones: the division misses the bars",
			Teams: func(*rand.Rand, Band) []Team { return teams(ready, ready, poor, poor) }},
		{Name: "stuffed_child", Truth: "not ready (pooled)", Why: "3 borderline teams and 1 stuffed (borderline plus 1 to n/2 identical favourable answers)",
			Teams: func(*rand.Rand, Band) []Team { return teams(border, border, border, stuffed) }},
		{Name: "ready_stuffed_child", Truth: "ready, a stuffed part", Why: "3 ready teams and 1 stuffed borderline team",
			Teams: func(*rand.Rand, Band) []Team { return teams(ready, ready, ready, stuffed) }},
		{Name: "silent_child", Truth: "not ready (pooled)",
			Why: "3 ready teams (response 55-95%) and 2 poor ones of the same headcount answering at 15-30%: the division's people miss the bars, its respondents do not",
			Teams: func(rng *rand.Rand, band Band) []Team {
				h := int(math.Round(float64(band.Lo+rng.IntN(band.Hi-band.Lo+1)) / 0.75))
				out := []Team{{Class: ready, Headcount: h}, {Class: ready, Headcount: h}, {Class: ready, Headcount: h}}
				return append(out, Team{Class: silentPoor, Headcount: h}, Team{Class: silentPoor, Headcount: h})
			}},
		{Name: "low_response_child", Truth: "ready", Why: "3 ready teams and 1 ready team answering at 15-45%",
			Teams: func(*rand.Rand, Band) []Team { return teams(ready, ready, ready, classByName("ready_low_response")) }},
		{Name: "small_ready", Truth: "ready", Why: "3-6 ready teams of 2-4 respondents each (every team hidden, the division shown)",
			Teams: func(rng *rand.Rand, _ Band) []Team { return smallTeams(rng, ready) }},
		{Name: "small_poor", Truth: "not ready (pooled)", Why: "3-6 poor teams of 2-4 respondents each",
			Teams: func(rng *rand.Rand, _ Band) []Team { return smallTeams(rng, poor) }},
		{Name: "silent_unknown", Truth: "not ready (pooled)",
			Why: "silent_child plus a ready team without a headcount (the division's headcount and rate are unknown)",
			Teams: func(rng *rand.Rand, band Band) []Team {
				h := int(math.Round(float64(band.Lo+rng.IntN(band.Hi-band.Lo+1)) / 0.75))
				out := []Team{{Class: ready, Headcount: h}, {Class: ready, Headcount: h}, {Class: ready, Headcount: h}}
				return append(out, Team{Class: silentPoor, Headcount: h}, Team{Class: silentPoor, Headcount: h},
					Team{Class: ready, Headcount: h, NoHeadcount: true})
			}},
	}
}

func smallTeams(rng *rand.Rand, c Class) []Team {
	out := make([]Team, 3+rng.IntN(4))
	for i := range out {
		out[i] = Team{Class: c, Small: true}
	}
	return out
}

// TreeBands are the team sizes (honest respondents per team).
var TreeBands = []Band{{5, 9}, {10, 19}, {20, 39}}

// TreeCell counts the verdicts of one scenario and band at one level.
type TreeCell struct {
	Scenario Scenario
	Band     Band
	// Level: "division", or "team: <class>" for the teams of a class.
	Level                 string
	Runs                  int
	Go, FixFirst, NotMeas int
	Flagged               int // integrity flag on the node itself
	Shown                 int // not suppressed
	// Division only: GO although a shown node below is flagged; GO with a
	// shown node below FIX FIRST; GO although shown nodes below that are
	// FIX FIRST on their own figures hold at least Config.PartShare of
	// the division's respondents (the rule of analysis/parts.go).
	GoFlaggedBelow, GoFixFirstBelow, GoLargeFixBelow int
}

// Rate returns x/Runs.
func (c TreeCell) Rate(x int) float64 { return float64(x) / float64(c.Runs) }

// VsParent tallies the vs_parent comparisons of one scenario and band.
type VsParent struct {
	Scenario Scenario
	Band     Band
	// Orgs analysed; OrgsWithFalse: organisations with at least one
	// comparison q < 0.05 between teams of the same class (planted
	// difference 0); Null and NullP05, NullQ05: such comparisons, those
	// with p < 0.05 and with q < 0.05.
	Orgs, OrgsWithFalse    int
	Null, NullP05, NullQ05 int
	NullP001               int // p < 0.001: the tail BH rejects in
	Alt, AltQ05            int // the weak team's weak dimension (planted -1.2)
	AltDimension           string
	// FDP sums, over organisations, false discoveries / discoveries (0
	// without discoveries): FDP / Orgs is the false discovery rate BH
	// controls at 5%.
	FDP float64
}

// RunTrees draws perCell divisions of every scenario (or only those named
// in only) and band and analyses them, TreesPerOrg divisions per
// organisation. A scenario's draws do not depend on the others.
func RunTrees(q *questionnaires.Questionnaire, cfg analysis.Config, perCell int, seed uint64, only ...string) ([]TreeCell, []VsParent, error) {
	g := newGenerator(q)
	weakDim := ""
	if found := q.DimensionsWithRole(questionnaires.RoleFoundation); len(found) > 0 {
		weakDim = found[len(found)-1].ID
	}
	var cells []TreeCell
	var vps []VsParent
	for si, sc := range Scenarios() {
		if len(only) > 0 && !slices.Contains(only, sc.Name) {
			continue
		}
		bands := TreeBands
		if strings.HasPrefix(sc.Name, "small_") {
			bands = []Band{{2, 4}}
		}
		for bi, band := range bands {
			rng := rand.New(rand.NewPCG(seed, uint64(1000+si*len(TreeBands)+bi)))
			div := &TreeCell{Scenario: sc, Band: band, Level: "division"}
			teamCells := map[string]*TreeCell{}
			var teamOrder []string
			vp := VsParent{Scenario: sc, Band: band, AltDimension: weakDim}
			for done := 0; done < perCell; {
				batch := min(TreesPerOrg, perCell-done)
				var groups []analysis.Group
				var divs []int
				teamClass := map[string]Class{}
				for t := 0; t < batch; t++ {
					divs = append(divs, len(groups))
					groups = append(groups, g.division(rng, sc, band, fmt.Sprintf("t%d", t), teamClass)...)
				}
				res, err := analysis.Analyze(analysis.Input{Questionnaire: q, Groups: groups, Config: cfg, Seed: 1})
				if err != nil {
					return nil, nil, fmt.Errorf("sim: %s %s: %w", sc.Name, band, err)
				}
				byID := map[string]*analysis.GroupResult{}
				for i := range res.Departments {
					byID[res.Departments[i].ID] = &res.Departments[i]
				}
				// below[id]: the shown descendants of a division.
				for _, di := range divs {
					d := &res.Departments[di]
					tally(div, d)
					flaggedBelow, fixBelow, ownFixN := false, false, 0
					for i := range res.Departments {
						c := &res.Departments[i]
						if !strings.HasPrefix(c.ID, d.ID+"/") || c.Suppressed {
							continue
						}
						flaggedBelow = flaggedBelow || len(c.IntegrityFlags) > 0
						if c.Verdict != nil && c.Decision == analysis.FixFirst {
							fixBelow = true
							// Outermost nodes FIX FIRST on their own
							// figures (a team counts unless its
							// department does).
							if p := byID[c.ParentID]; ownFix(c) && (p == d || !ownFix(p)) {
								ownFixN += c.N
							}
						}
					}
					if d.Verdict != nil && d.Decision == analysis.Go {
						if flaggedBelow {
							div.GoFlaggedBelow++
						}
						if fixBelow {
							div.GoFixFirstBelow++
						}
						if float64(ownFixN) >= cfg.PartShare*float64(d.N) && ownFixN > 0 {
							div.GoLargeFixBelow++
						}
					}
				}
				falses, discoveries := 0, 0
				for id, cl := range teamClass {
					c := byID[id]
					tc := teamCells[cl.Name]
					if tc == nil {
						tc = &TreeCell{Scenario: sc, Band: band, Level: "team: " + cl.Name}
						teamCells[cl.Name] = tc
						teamOrder = append(teamOrder, cl.Name)
					}
					tally(tc, c)
					if c.Figures == nil {
						continue
					}
					type test struct {
						dim string
						cmp *analysis.Comparison
					}
					var tests []test
					for _, dm := range c.Dimensions {
						if dm.DimensionStats != nil && dm.VsParent != nil {
							tests = append(tests, test{dm.ID, dm.VsParent})
						}
					}
					if c.Gap != nil && c.Gap.Overall.GapStats != nil && c.Gap.Overall.VsParent != nil {
						tests = append(tests, test{"gap", c.Gap.Overall.VsParent})
					}
					for _, ts := range tests {
						if ts.cmp.Q < 0.05 {
							discoveries++
						}
						// A team's rest of parent holds the other teams: the
						// planted difference is 0 when all are of the same
						// class on this dimension.
						if sameLevel(sc, ts.dim, weakDim) {
							vp.Null++
							if ts.cmp.P < 0.05 {
								vp.NullP05++
							}
							if ts.cmp.P < 0.001 {
								vp.NullP001++
							}
							if ts.cmp.Q < 0.05 {
								vp.NullQ05++
								falses++
							}
						} else if cl.Weak != 0 && ts.dim == weakDim {
							vp.Alt++
							if ts.cmp.Q < 0.05 {
								vp.AltQ05++
							}
						}
					}
				}
				vp.Orgs++
				if falses > 0 {
					vp.OrgsWithFalse++
					vp.FDP += float64(falses) / float64(discoveries)
				}
				done += batch
			}
			cells = append(cells, *div)
			for _, name := range teamOrder {
				cells = append(cells, *teamCells[name])
			}
			if sc.Name == "all_ready" || strings.HasPrefix(sc.Name, "mixed_weak") {
				vps = append(vps, vp)
			}
		}
	}
	return cells, vps, nil
}

// sameLevel reports whether a team in scenario sc has the same
// planted level on dimension dim as the rest of its division: all teams
// ready, or - in a scenario with a weak team - a dimension other than the
// weak one (the gap included), between teams that are all ready or weak
// (which differ only there). On the weak dimension every team differs from
// the rest of its division (the weak team is in the ready teams' rest): no
// null there.
func sameLevel(sc Scenario, dim, weakDim string) bool {
	switch sc.Name {
	case "all_ready":
		return true
	case "mixed_weak", "mixed_weak_third":
		return dim != weakDim
	}
	return false
}

// ownFix reports whether d is FIX FIRST on its own figures, not only
// because of its parts (part_fix_first).
func ownFix(d *analysis.GroupResult) bool {
	if d.Suppressed || d.Verdict == nil || d.Decision != analysis.FixFirst {
		return false
	}
	for _, r := range d.Reasons {
		if r.Code != "part_fix_first" {
			return true
		}
	}
	return false
}

func tally(c *TreeCell, d *analysis.GroupResult) {
	c.Runs++
	if !d.Suppressed {
		c.Shown++
	}
	if len(d.IntegrityFlags) > 0 {
		c.Flagged++
	}
	switch {
	case d.Verdict == nil:
		c.NotMeas++
	case d.Decision == analysis.Go:
		c.Go++
	case d.Decision == analysis.FixFirst:
		c.FixFirst++
	default:
		c.NotMeas++
	}
}

// division draws one division of scenario sc: the division node (no staff
// of its own), for Deep two departments, and the teams. teamClass records
// each team's class by id.
func (g *generator) division(rng *rand.Rand, sc Scenario, band Band, id string, teamClass map[string]Class) []analysis.Group {
	out := []analysis.Group{{ID: id, Name: id, ExternallyVisible: true}}
	teams := sc.Teams(rng, band)
	parentOf := func(i int) string { return id }
	if sc.Deep {
		out = append(out, analysis.Group{ID: id + "/a", Name: id + "/a", ParentID: id, ExternallyVisible: true},
			analysis.Group{ID: id + "/b", Name: id + "/b", ParentID: id, ExternallyVisible: true})
		parentOf = func(i int) string {
			if i < len(teams)/2 {
				return id + "/a"
			}
			return id + "/b"
		}
	}
	for i, tm := range teams {
		name := fmt.Sprintf("%s/%d", parentOf(i), i)
		var grp analysis.Group
		switch {
		case tm.Small:
			grp = g.department(rng, tm.Class, name, 2+rng.IntN(3))
		case tm.Headcount > 0:
			rate := tm.Class.RateLo + (tm.Class.RateHi-tm.Class.RateLo)*rng.Float64()
			n := max(1, int(math.Round(rate*float64(tm.Headcount))))
			grp = g.department(rng, tm.Class, name, n)
			grp.Headcount = tm.Headcount
		default:
			grp = g.department(rng, tm.Class, name, band.Lo+rng.IntN(band.Hi-band.Lo+1))
		}
		if tm.NoHeadcount {
			grp.Headcount = 0
		}
		grp.ID, grp.ParentID = name, parentOf(i)
		teamClass[name] = tm.Class
		out = append(out, grp)
	}
	return out
}

// TreeTable renders tree cells as a Markdown table.
func TreeTable(cells []TreeCell) string {
	var b strings.Builder
	b.WriteString("| scenario | truth | team n | level | runs | shown | GO | FIX FIRST | NOT MEASURABLE | flagged | GO, flagged part | GO, a FIX FIRST part | GO, FIX FIRST parts >= part_share |\n")
	b.WriteString("|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	pct := func(c TreeCell, x int) string { return fmt.Sprintf("%.1f%%", 100*c.Rate(x)) }
	for _, c := range cells {
		truth, below1, below2, below3 := c.Scenario.Truth, "", "", ""
		if c.Level != "division" {
			truth = "not ready"
			if c.Class().Ready {
				truth = "ready"
			}
		} else {
			below1, below2, below3 = pct(c, c.GoFlaggedBelow), pct(c, c.GoFixFirstBelow), pct(c, c.GoLargeFixBelow)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", c.Scenario.Name, truth, c.Band, c.Level,
			c.Runs, pct(c, c.Shown), pct(c, c.Go), pct(c, c.FixFirst), pct(c, c.NotMeas), pct(c, c.Flagged), below1, below2, below3)
	}
	return b.String()
}

// Class is the class of a team cell (the zero Class for a division).
func (c TreeCell) Class() Class {
	name, ok := strings.CutPrefix(c.Level, "team: ")
	if !ok {
		return Class{}
	}
	if name == "poor_silent" {
		name = "poor"
	}
	return classByName(name)
}

// VsParentTable renders the vs_parent tallies.
func VsParentTable(vps []VsParent) string {
	var b strings.Builder
	b.WriteString("| scenario | team n | organisations | null comparisons | p < 0.05 | p < 0.001 | q < 0.05 | organisations with a false q < 0.05 | false discovery rate | weak theme vs parent | detected (q < 0.05) |\n")
	b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	pct := func(x, n int) string {
		if n == 0 {
			return "-"
		}
		return fmt.Sprintf("%.1f%%", 100*float64(x)/float64(n))
	}
	for _, v := range vps {
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %s | %.2f%% | %s | %s | %.1f%% | %d | %s |\n", v.Scenario.Name, v.Band, v.Orgs, v.Null,
			pct(v.NullP05, v.Null), 100*float64(v.NullP001)/float64(max(v.Null, 1)), pct(v.NullQ05, v.Null), pct(v.OrgsWithFalse, v.Orgs), 100*v.FDP/float64(v.Orgs), v.Alt, pct(v.AltQ05, v.Alt))
	}
	return b.String()
}
