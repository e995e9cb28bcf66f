package analysis

import (
	"encoding/json"
	"testing"
)

func TestVerdictOnKnownDepartments(t *testing.T) {
	q := mustQuestionnaire(t)
	res := mustAnalyze(t, q, DefaultConfig(),
		department(q, "Ready", 40, 50, ready, 1),
		department(q, "Poor", 40, 50, poor, 2),
		department(q, "Tiny", 4, 30, ready, 3),
		department(q, "Tinier", 3, 30, ready, 7), // with Tiny, the hidden remainder is 7 >= k
		department(q, "Small", 8, 10, ready, 4),
		department(q, "Silent", 20, 100, ready, 5),
		department(q, "Middling", 12, 15, middling, 6),
	)

	t.Run("clearly ready department is GO", func(t *testing.T) {
		d := deptNamed(res, "Ready")
		if d.Decision != Go {
			t.Fatalf("verdict %s %v, want GO; bounds %+v", d.Decision, codes(d.Reasons), d.Bounds)
		}
		if !hasCode(d.Reasons, "ready") {
			t.Errorf("reasons %v, want ready", codes(d.Reasons))
		}
		// GO returns every criterion's bound, all met.
		want := map[string]bool{"pride": true, "content": true, "communication": true, "stability": true, "management": true, "gap": true, "willing_share": true}
		for _, b := range d.Bounds {
			if b.Outcome != "met" {
				t.Errorf("bound %+v is not met", b)
			}
			delete(want, b.Criterion)
		}
		if len(want) > 0 {
			t.Errorf("GO without bounds for %v", want)
		}
	})

	t.Run("clearly poor department is FIX_FIRST with the right reasons", func(t *testing.T) {
		d := deptNamed(res, "Poor")
		if d.Decision != FixFirst {
			t.Fatalf("verdict %s, want FIX_FIRST", d.Decision)
		}
		for _, code := range []string{"pride_below_threshold", "content_below_threshold", "communication_below_threshold",
			"stability_below_threshold", "management_below_threshold", "gap_over_promised", "autonomy_over_promised",
			"balance_over_promised", "willing_share_too_low", "enps_below_threshold"} {
			if !hasCode(d.Reasons, code) {
				t.Errorf("reasons %v lack %s", codes(d.Reasons), code)
			}
		}
		for _, b := range d.Bounds {
			if b.Outcome != "failed" {
				t.Errorf("FIX_FIRST bound %+v should be failed", b)
			}
		}
	})

	t.Run("n below k is NOT_MEASURABLE without figures", func(t *testing.T) {
		d := deptNamed(res, "Tiny")
		if d.Decision != NotMeasurable || !hasCode(d.Reasons, SuppressedAnonymity) {
			t.Fatalf("verdict %s %v", d.Decision, codes(d.Reasons))
		}
		if d.Figures != nil || d.Bounds != nil || d.NeededN != 0 {
			t.Fatalf("suppressed department has figures: %+v", d)
		}
		var m map[string]any
		if err := json.Unmarshal(mustJSON(t, d), &m); err != nil {
			t.Fatal(err)
		}
		for key := range m {
			switch key {
			case "name", "headcount", "externally_visible", "suppressed", "suppressed_because", "verdict", "reasons":
			default:
				t.Errorf("suppressed department shows %q", key)
			}
		}
	})

	t.Run("n between k and the decision minimum is too_few_responses", func(t *testing.T) {
		d := deptNamed(res, "Small")
		if d.Decision != NotMeasurable || !hasCode(d.Reasons, "too_few_responses") {
			t.Fatalf("verdict %s %v", d.Decision, codes(d.Reasons))
		}
		if d.Figures == nil || d.N != 8 {
			t.Fatalf("a group of 8 (k = 5) shows its figures; got %+v", d.Figures)
		}
	})

	t.Run("low response rate is NOT_MEASURABLE", func(t *testing.T) {
		d := deptNamed(res, "Silent")
		if d.Decision != NotMeasurable || !hasCode(d.Reasons, "low_response_rate") {
			t.Fatalf("verdict %s %v", d.Decision, codes(d.Reasons))
		}
		if len(d.Bounds) != 1 || d.Bounds[0].Criterion != "response_rate" || d.Bounds[0].Estimate != 0.2 {
			t.Errorf("bounds %+v", d.Bounds)
		}
	})

	t.Run("undecided department is inconclusive with the n needed", func(t *testing.T) {
		d := deptNamed(res, "Middling")
		if d.Decision != NotMeasurable || !hasCode(d.Reasons, "inconclusive") {
			t.Fatalf("verdict %s %v bounds %+v", d.Decision, codes(d.Reasons), d.Bounds)
		}
		if d.NeededN <= 12 {
			t.Errorf("needed n %d, want more than the 12 who answered", d.NeededN)
		}
	})
}

func TestVerdictPreciseButNotDemonstratedIsFixFirst(t *testing.T) {
	q := mustQuestionnaire(t)
	// Pride sits right at its threshold in a large department: precise, not
	// demonstrably above it, not demonstrably below it.
	c := ready
	c.pride = 3.5
	res := mustAnalyze(t, q, DefaultConfig(), department(q, "Flat", 300, 400, c, 9))
	d := deptNamed(res, "Flat")
	if d.Decision != FixFirst || !hasCode(d.Reasons, "pride_not_demonstrated") {
		t.Fatalf("verdict %s %v bounds %+v", d.Decision, codes(d.Reasons), d.Bounds)
	}
}

func TestVerdictUnknownHeadcountIsANote(t *testing.T) {
	q := mustQuestionnaire(t)
	g := department(q, "Unknown", 40, 0, ready, 1)
	g.ExternallyVisible = false
	res := mustAnalyze(t, q, DefaultConfig(), g)
	d := deptNamed(res, "Unknown")
	if d.Decision != Go {
		t.Fatalf("verdict %s %v", d.Decision, codes(d.Reasons))
	}
	if !hasCode(d.Notes, "response_rate_unknown") || !hasCode(d.Notes, "internal_ambassadors_only") {
		t.Errorf("notes %v", codes(d.Notes))
	}
	if d.ResponseRate != nil {
		t.Errorf("response rate without a headcount: %+v", d.ResponseRate)
	}
}

// TestVerdictWithIdenticalAnswersIsNotDecided: when everyone gives the
// same answers the t-interval is undefined (as in R); the verdict must not
// read the missing bound as 0 and call it a problem.
func TestVerdictWithIdenticalAnswersIsNotDecided(t *testing.T) {
	q := mustQuestionnaire(t)
	vals := map[string]float64{}
	for _, it := range q.Items {
		switch {
		case it.Scale.Type == "likert" && it.Reverse:
			vals[it.ID] = 2
		case it.Scale.Type == "likert":
			vals[it.ID] = 4
		case it.Scale.Type == "nps":
			vals[it.ID] = 9
		}
	}
	g := Group{Name: "Same", Headcount: 25}
	for i := 0; i < 20; i++ {
		g.Responses = append(g.Responses, answers(q, vals, nil))
	}
	res := mustAnalyze(t, q, DefaultConfig(), g)
	d := deptNamed(res, "Same")
	if d.Decision != NotMeasurable || !hasCode(d.Reasons, "pride_unavailable") || !hasCode(d.Reasons, "gap_unavailable") {
		t.Fatalf("verdict %s %v", d.Decision, codes(d.Reasons))
	}
	if p := d.Dimensions[0]; p.Mean != 4 || p.CILow != nil || p.CIHigh != nil {
		t.Errorf("pride cell %+v", p.DimensionStats)
	}
	mustJSON(t, res) // no NaN anywhere
}
