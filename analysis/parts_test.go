package analysis

import (
	"testing"
)

// node puts g under parent with the given id.
func node(g Group, id, parent string) Group {
	g.ID, g.ParentID = id, parent
	return g
}

// A team with more answers than its headcount used to leave its division
// GO: the surplus disappears in the division's headcount. The division's
// figures contain those answers, so it is NOT MEASURABLE too.
func TestFlaggedPartStopsGoAbove(t *testing.T) {
	q := mustQuestionnaire(t)
	groups := []Group{
		{ID: "div", Name: "Division", ExternallyVisible: true},
		node(department(q, "A", 30, 40, ready, 1), "a", "div"),
		node(department(q, "B", 30, 40, ready, 2), "b", "div"),
		node(department(q, "C", 20, 15, ready, 3), "c", "div"), // 20 answers, 15 employees
	}
	res := mustAnalyze(t, q, DefaultConfig(), groups...)
	c, div := deptNamed(res, "C"), deptNamed(res, "Division")
	if c.Decision != NotMeasurable || len(c.IntegrityFlags) != 1 || c.IntegrityFlags[0].Code != IntegrityMoreThanHeadcount {
		t.Fatalf("C: %s %+v", c.Decision, c.IntegrityFlags)
	}
	if div.N > div.Headcount {
		t.Fatalf("the division itself has %d answers for %d employees: the test needs it below", div.N, div.Headcount)
	}
	if div.Decision != NotMeasurable || len(div.IntegrityFlags) != 1 || div.IntegrityFlags[0].Code != IntegrityInPart ||
		div.IntegrityFlags[0].Parts != 1 || !hasCode(div.Reasons, "collection_integrity") || div.Reasons[0].Kind != "suspect_answers_in_part" {
		t.Fatalf("Division: %s %+v %v", div.Decision, div.IntegrityFlags, codes(div.Reasons))
	}
	// Without C the division is GO: the flag, not the figures, stops it.
	res = mustAnalyze(t, q, DefaultConfig(), groups[:3]...)
	if d := deptNamed(res, "Division"); d.Decision != Go {
		t.Fatalf("Division without C: %s %v", d.Decision, codes(d.Reasons))
	}
}

// A hidden team (fewer than k answers) is checked with the division's own
// people, as the division's atom: 4 answers for 2 employees, plus the
// division's own 6 answers for 6 employees, is 10 answers for 8.
func TestFlaggedAtomStopsGo(t *testing.T) {
	q := mustQuestionnaire(t)
	own := department(q, "Division", 6, 6, ready, 9)
	own.ID = "div"
	groups := []Group{
		own,
		node(department(q, "A", 30, 40, ready, 1), "a", "div"),
		node(department(q, "B", 30, 40, ready, 2), "b", "div"),
		node(department(q, "Tiny", 4, 2, ready, 3), "tiny", "div"),
	}
	res := mustAnalyze(t, q, DefaultConfig(), groups...)
	tiny, div := deptNamed(res, "Tiny"), deptNamed(res, "Division")
	if !tiny.Suppressed || tiny.IntegrityFlags != nil {
		t.Fatalf("Tiny: suppressed %v, flags %+v", tiny.Suppressed, tiny.IntegrityFlags)
	}
	if div.Decision != NotMeasurable || len(div.IntegrityFlags) != 1 || div.IntegrityFlags[0].Code != IntegrityInPart {
		t.Fatalf("Division: %s %+v", div.Decision, div.IntegrityFlags)
	}
}

// Three teams answering at 75% and two poor ones of the same headcount at
// 20%: a pooled rate of 53% clears the floor, but 40% of the people are
// in parts that do not.
func TestSilentPartIsNotMeasurable(t *testing.T) {
	q := mustQuestionnaire(t)
	groups := []Group{{ID: "div", Name: "Division", ExternallyVisible: true}}
	for i, name := range []string{"A", "B", "C"} {
		groups = append(groups, node(department(q, name, 30, 40, ready, uint64(i)), name, "div"))
	}
	for i, name := range []string{"P", "Q"} {
		groups = append(groups, node(department(q, name, 8, 40, poor, uint64(10+i)), name, "div"))
	}
	res := mustAnalyze(t, q, DefaultConfig(), groups...)
	div := deptNamed(res, "Division")
	if div.ResponseRate == nil || div.ResponseRate.Share < 0.5 {
		t.Fatalf("the pooled rate %+v should clear the floor", div.ResponseRate)
	}
	if div.Decision != NotMeasurable || div.Reasons[0].Code != "low_response_part" || div.Reasons[0].Count != 80 || div.Reasons[0].Of != 200 {
		t.Fatalf("Division: %s %+v", div.Decision, div.Reasons)
	}
	// A team of unknown headcount makes the division's unknown: its rate
	// cannot be checked, but the silent parts still can - 80 employees of
	// at least 170 (the known 160 and the 10 who answered in U).
	unknown := append(append([]Group(nil), groups...), node(department(q, "U", 10, 0, ready, 20), "U", "div"))
	d := deptNamed(mustAnalyze(t, q, DefaultConfig(), unknown...), "Division")
	if d.Headcount != 0 || d.ResponseRate != nil {
		t.Fatalf("Division with U: headcount %d, rate %+v; want unknown", d.Headcount, d.ResponseRate)
	}
	if d.Decision != NotMeasurable || d.Reasons[0].Kind != "low_response_part_unknown" || d.Reasons[0].Count != 80 {
		t.Fatalf("Division with U: %s %+v", d.Decision, d.Reasons)
	}
	// The same division with part_share 0: the pooled verdict alone.
	cfg := DefaultConfig()
	cfg.PartShare = 0
	if d := deptNamed(mustAnalyze(t, q, cfg, groups...), "Division"); d.Decision == NotMeasurable && d.Reasons[0].Code == "low_response_part" {
		t.Fatalf("part_share 0: %s %v", d.Decision, codes(d.Reasons))
	}
}

// A team that must fix first holding a quarter of its division's
// respondents makes the division FIX FIRST (part_fix_first); one holding
// less than part_share leaves the pooled verdict, GO.
func TestLargeFixFirstPart(t *testing.T) {
	q := mustQuestionnaire(t)
	build := func(poorN int) []Group {
		return []Group{
			{ID: "div", Name: "Division", ExternallyVisible: true},
			node(department(q, "A", 30, 40, ready, 1), "a", "div"),
			node(department(q, "B", 30, 40, ready, 2), "b", "div"),
			node(department(q, "C", 30, 40, ready, 3), "c", "div"),
			node(department(q, "Poor", poorN, poorN+5, middlingPoor, 4), "p", "div"),
		}
	}
	res := mustAnalyze(t, q, DefaultConfig(), build(30)...)
	p, div := deptNamed(res, "Poor"), deptNamed(res, "Division")
	if p.Decision != FixFirst {
		t.Fatalf("Poor: %s %v", p.Decision, codes(p.Reasons))
	}
	if div.Decision != FixFirst || !hasCode(div.Reasons, "part_fix_first") {
		t.Fatalf("Division with a quarter FIX FIRST: %s %v", div.Decision, codes(div.Reasons))
	}
	for _, r := range div.Reasons {
		if r.Code == "part_fix_first" && (r.Count != 30 || r.Of != 120) {
			t.Errorf("part_fix_first counts %d of %d, want 30 of 120", r.Count, r.Of)
		}
	}
	res = mustAnalyze(t, q, DefaultConfig(), build(12)...)
	if p, div := deptNamed(res, "Poor"), deptNamed(res, "Division"); p.Decision != FixFirst || div.Decision != Go {
		t.Fatalf("12 of 102 FIX FIRST: Poor %s, Division %s %v", p.Decision, div.Decision, codes(div.Reasons))
	}
}

// middlingPoor is poor enough to be FIX FIRST on its own, not so poor that
// a quarter of it pulls the pooled division below a bar.
var middlingPoor = climate{pride: 2.6, content: 3.8, comm: 3.8, stab: 3.6, mgmt: 3.6, will: 3.8, barrier: 2.5,
	promise: 3.8, reality: 3.6, enps: 7}

// A parent with respondents of its own and headcount 0 does not know its
// own headcount: its (and its ancestors') headcount is unknown, not its
// children's alone - otherwise its own answers count against nobody.
func TestParentHeadcountWithOwnRespondents(t *testing.T) {
	q := mustQuestionnaire(t)
	own := department(q, "Division", 6, 0, ready, 9)
	own.ID = "div"
	top := Group{ID: "dir", Name: "Directorate", ExternallyVisible: true}
	own.ParentID = "dir"
	res := mustAnalyze(t, q, DefaultConfig(), top, own,
		node(department(q, "A", 10, 20, ready, 1), "a", "div"),
		node(department(q, "B", 10, 20, ready, 2), "b", "div"))
	for _, name := range []string{"Division", "Directorate"} {
		if d := deptNamed(res, name); d.Headcount != 0 || d.ResponseRate != nil {
			t.Errorf("%s: headcount %d, rate %+v; want unknown", name, d.Headcount, d.ResponseRate)
		}
	}
	if d := deptNamed(res, "A"); d.Headcount != 20 {
		t.Errorf("A: headcount %d", d.Headcount)
	}
}
