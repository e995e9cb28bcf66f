package analysis

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// favourable is the answer sheet of someone who agrees with everything
// good and recommends the employer: the vector a stuffer repeats.
func favourable(t testing.TB) Response {
	q := mustQuestionnaire(t)
	vals := map[string]float64{}
	for _, it := range q.Items {
		switch {
		case it.Pair != nil:
			vals[it.ID] = 4
		case it.Scale.Type == "likert" && it.Reverse:
			vals[it.ID] = 1
		case it.Dimension == "barriers":
			vals[it.ID] = 1
		case it.Scale.Type == "likert":
			vals[it.ID] = 5
		case it.Scale.Type == "nps":
			vals[it.ID] = 10
		}
	}
	return answers(q, vals, map[string][]string{"profile": {"super_networker"}, "help": {"training"}})
}

func stuffed(t testing.TB, name string, honest, extra, headcount int) Group {
	q := mustQuestionnaire(t)
	g := department(q, name, honest, headcount, poor, uint64(honest*100+extra))
	for i := 0; i < extra; i++ {
		g.Responses = append(g.Responses, favourable(t))
	}
	return g
}

// The case of issue 14: a department of 40 with ten poor answers, and one
// enthusiastic person adding 30 or 45 identical favourable ones.
func TestIntegrityFlagsStuffedDepartments(t *testing.T) {
	q := mustQuestionnaire(t)
	res := mustAnalyze(t, q, DefaultConfig(),
		stuffed(t, "Plus30", 10, 30, 40),
		stuffed(t, "Plus45", 10, 45, 40),
		department(q, "Honest", 30, 40, ready, 3),
	)
	Localize(res, q, "en")

	d := deptNamed(res, "Plus30")
	if d.Decision != NotMeasurable || d.Reasons[0].Code != "collection_integrity" || d.Reasons[0].Kind != "duplicate_answers" {
		t.Fatalf("Plus30: %s %v", d.Decision, codes(d.Reasons))
	}
	if len(d.IntegrityFlags) != 1 || d.IntegrityFlags[0].Code != IntegrityDuplicates || d.IntegrityFlags[0].Identical != 30 || !(d.IntegrityFlags[0].P < 1e-10) {
		t.Errorf("Plus30 flags %+v", d.IntegrityFlags)
	}
	if got := d.Reasons[0].Text; !strings.HasPrefix(got, "30 identical answers") || !strings.Contains(got, "one person may have answered many times") {
		t.Errorf("Plus30 text %q", got)
	}

	d = deptNamed(res, "Plus45")
	if d.Decision != NotMeasurable || len(d.IntegrityFlags) != 2 || d.IntegrityFlags[0].Code != IntegrityMoreThanHeadcount || d.IntegrityFlags[1].Identical != 45 {
		t.Fatalf("Plus45: %s %v flags %+v", d.Decision, codes(d.Reasons), d.IntegrityFlags)
	}
	if got := d.Reasons[0].Text; !strings.Contains(got, "More answers than employees (55 answers, headcount 40)") {
		t.Errorf("Plus45 text %q", got)
	}
	if r := d.Reasons[0]; r.Count != 55 || r.Of != 40 {
		t.Errorf("Plus45 reason %+v", r)
	}

	if d := deptNamed(res, "Honest"); d.IntegrityFlags != nil || d.Decision != Go {
		t.Errorf("honest department: %s flags %+v", d.Decision, d.IntegrityFlags)
	}

	Localize(res, q, "nl")
	if got := deptNamed(res, "Plus45").Reasons[0].Text; !strings.Contains(got, "Meer antwoorden dan medewerkers (55 antwoorden, 40 medewerkers)") {
		t.Errorf("Dutch text %q", got)
	}
}

// Fewer than k identical answers are flagged without their number; a
// suppressed department is never flagged, whatever its answers.
func TestIntegrityFlagsRespectAnonymity(t *testing.T) {
	q := mustQuestionnaire(t)
	small := stuffed(t, "Small", 12, 4, 20) // 4 identical, k = 5
	tiny := stuffed(t, "Tiny", 0, 4, 2)     // 4 identical answers, headcount 2
	res := mustAnalyze(t, q, DefaultConfig(), small, tiny, department(q, "Other", 4, 5, ready, 5),
		department(q, "Big", 40, 50, ready, 6))

	d := deptNamed(res, "Small")
	if d.Decision != NotMeasurable || len(d.IntegrityFlags) != 1 || d.IntegrityFlags[0].Identical != 0 || d.IntegrityFlags[0].P != 0 {
		t.Fatalf("Small: %s flags %+v", d.Decision, d.IntegrityFlags)
	}
	if d.Reasons[0].Kind != "duplicate_answers_unnumbered" || d.Reasons[0].Count != 0 {
		t.Errorf("Small reasons %+v", d.Reasons)
	}
	for _, name := range []string{"Tiny", "Other"} {
		d := deptNamed(res, name)
		if !d.Suppressed || d.IntegrityFlags != nil {
			t.Fatalf("%s: suppressed %v flags %+v", name, d.Suppressed, d.IntegrityFlags)
		}
		var m map[string]any
		if err := json.Unmarshal(mustJSON(t, d), &m); err != nil {
			t.Fatal(err)
		}
		if _, ok := m["integrity_flags"]; ok {
			t.Errorf("%s: suppressed department shows integrity flags", name)
		}
	}
}

// DuplicateTest's bound by hand: six responses answering only pride_1 and
// content_1: (1,1) three times, (2,3), (3,2), (4,4). The largest group is 3;
// on each of the two items the shares are 3/6, 1/6, 1/6, 1/6, so
// sum p^3 = 30/216, and the other items of both dimensions are missing
// everywhere (sum 1). Bound = C(6,3) (30/216)^2.
func TestDuplicateTestBoundByHand(t *testing.T) {
	q := mustQuestionnaire(t)
	var rs []Response
	for _, v := range [][2]float64{{1, 1}, {1, 1}, {1, 1}, {2, 3}, {3, 2}, {4, 4}} {
		rs = append(rs, answers(q, map[string]float64{"pride_1": v[0], "content_1": v[1]}, nil))
	}
	c, p := DuplicateTest(q, rs)
	want := 20 * math.Pow(30.0/216, 2)
	if c != 3 || math.Abs(p-want) > 1e-12 {
		t.Errorf("DuplicateTest = %d, %g; want 3, %g", c, p, want)
	}
	// Choice options count in any order; a pair is not judged (p = 1).
	a := answers(q, map[string]float64{"pride_1": 1}, map[string][]string{"help": {"training", "guidelines"}})
	b := answers(q, map[string]float64{"pride_1": 1}, map[string][]string{"help": {"guidelines", "training"}})
	e := answers(q, map[string]float64{"pride_1": 2}, nil)
	if c, p := DuplicateTest(q, []Response{a, b, e}); c != 2 || p != 1 {
		t.Errorf("same options in another order: %d, %g; want a pair, not judged", c, p)
	}
	// A third copy is judged; a value that is no small whole number is
	// compared too.
	f := answers(q, map[string]float64{"pride_1": 2.5}, nil)
	g := answers(q, map[string]float64{"pride_1": 2.5}, nil)
	if c, p := DuplicateTest(q, []Response{a, b, a, e, f}); c != 3 || p >= 1 {
		t.Errorf("three identical: %d, %g", c, p)
	}
	if c, _ := DuplicateTest(q, []Response{f, g, e}); c != 2 {
		t.Errorf("2.5 twice: largest group %d, want 2", c)
	}
	if c, p := DuplicateTest(q, []Response{a, e}); c != 1 || p != 1 {
		t.Errorf("distinct answers: %d, %g", c, p)
	}
}

// Straight lines and blank forms are honest habits: a few of them alike
// raise no flag, a great many do.
func TestIntegrityToleratesStraightLinesAndBlankForms(t *testing.T) {
	q := mustQuestionnaire(t)
	line := map[string]float64{}
	for _, it := range q.Items {
		if it.Scale.Type == "likert" {
			line[it.ID] = 4
		}
	}
	for _, tc := range []struct {
		name string
		vals map[string]float64
		same int
		flag bool
	}{
		{"four straight lines", line, 4, false},
		{"four blank forms", map[string]float64{}, 4, false},
		{"twenty blank forms", map[string]float64{}, 20, true},
	} {
		g := department(q, "D", 30, 60, middling, 5)
		for i := 0; i < tc.same; i++ {
			g.Responses = append(g.Responses, answers(q, tc.vals, nil))
		}
		if flags := integrityFlags(q, g, 5); (flags != nil) != tc.flag {
			t.Errorf("%s among 30: flags %+v, want flagged %v", tc.name, flags, tc.flag)
		}
	}
}

// Honest departments of every size raise no flag (the full false-flag
// measurement is in analysis/sim).
func TestIntegrityHonestDepartmentsAreNotFlagged(t *testing.T) {
	q := mustQuestionnaire(t)
	for seed := uint64(1); seed <= 300; seed++ {
		n := 5 + int(seed%56)
		for _, c := range []climate{ready, poor, middling} {
			g := department(q, "D", n, n+5, c, seed)
			if flags := integrityFlags(q, g, 5); flags != nil {
				t.Fatalf("seed %d n %d: flags %+v", seed, n, flags)
			}
		}
	}
}
