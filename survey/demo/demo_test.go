package demo_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"trots/questionnaires"
	"trots/survey"
	"trots/survey/demo"
	"trots/survey/storetest"
)

func mustLoad(t testing.TB, id string) *questionnaires.Questionnaire {
	t.Helper()
	q, err := questionnaires.Load(id)
	if err != nil {
		t.Fatalf("load %s: %v", id, err)
	}
	return q
}

func TestGenerateIsDeterministic(t *testing.T) {
	q := mustLoad(t, "advocacy-readiness")
	a, b := demo.Generate(q, 42), demo.Generate(q, 42)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave two different organisations")
	}
	if c := demo.Generate(q, 43); reflect.DeepEqual(a.Departments, c.Departments) {
		t.Fatal("seeds 42 and 43 gave the same answers")
	}
}

func TestDepartmentsAreDesignedForEveryVerdict(t *testing.T) {
	org := demo.Generate(mustLoad(t, "advocacy-readiness"), 1)
	if n := len(org.Departments); n < 8 || n > 12 {
		t.Fatalf("%d departments, want 8-12", n)
	}
	expect := map[demo.Expect]int{}
	var small []int
	lowRate, internal := 0, 0
	names := map[string]bool{}
	for _, d := range org.Departments {
		if names[d.Name] {
			t.Errorf("department %q twice", d.Name)
		}
		names[d.Name] = true
		n := len(d.Responses)
		if n == 0 || n > d.Headcount {
			t.Errorf("%s: %d responses for a headcount of %d", d.Name, n, d.Headcount)
		}
		expect[d.Expect]++
		if n < 5 {
			small = append(small, n)
			if d.Expect != demo.ExpectNotMeasurable {
				t.Errorf("%s: %d responses but designed as %s", d.Name, n, d.Expect)
			}
		}
		if n >= 5 && float64(n) < 0.5*float64(d.Headcount) {
			lowRate++
		}
		if !d.ExternallyVisible {
			internal++
		}
	}
	if !reflect.DeepEqual(small, []int{3, 4}) {
		t.Errorf("departments below the anonymity threshold have %v responses, want [3 4]", small)
	}
	if lowRate != 1 {
		t.Errorf("%d departments with a response rate under 50%%, want 1", lowRate)
	}
	if internal != 1 {
		t.Errorf("%d departments without external visibility, want 1", internal)
	}
	if expect[demo.ExpectGo] != 3 || expect[demo.ExpectFixFirst] != 3 || expect[demo.ExpectNotMeasurable] != 4 {
		t.Errorf("designed verdicts %v, want 3 GO, 3 FIX_FIRST, 4 NOT_MEASURABLE", expect)
	}
}

// TestAnswersAreValid checks every generated response against every shipped
// questionnaire, by hand and through the validator of the submit path.
func TestAnswersAreValid(t *testing.T) {
	for _, id := range questionnaires.Shipped() {
		t.Run(id, func(t *testing.T) {
			q := mustLoad(t, id)
			org := demo.Generate(q, 7)
			skippedOptional := 0
			for _, d := range org.Departments {
				for i, r := range d.Responses {
					where := func(item string) string { return fmt.Sprintf("%s #%d %s", d.Name, i+1, item) }
					for item, v := range r.Answers.Numbers {
						it, ok := q.Item(item)
						if !ok || !it.Scale.Numeric() {
							t.Fatalf("%s: number for a non-numeric or unknown item", where(item))
						}
						if lo, hi := it.Scale.Points(); v < lo || v > hi {
							t.Fatalf("%s: %d outside %d-%d", where(item), v, lo, hi)
						}
					}
					for item, opts := range r.Answers.Choices {
						it, ok := q.Item(item)
						if !ok || it.Scale.Type != questionnaires.Choice {
							t.Fatalf("%s: choice for a non-choice or unknown item", where(item))
						}
						if len(opts) == 0 || !it.Scale.Multiple && len(opts) != 1 {
							t.Fatalf("%s: %d options picked", where(item), len(opts))
						}
						for _, o := range opts {
							if _, ok := it.Scale.Option(o); !ok {
								t.Fatalf("%s: unknown option %q", where(item), o)
							}
						}
					}
					for _, it := range q.Items {
						_, num := r.Answers.Numbers[it.ID]
						_, cho := r.Answers.Choices[it.ID]
						_, txt := r.Comments[it.ID]
						if it.Required && !num && !cho && !txt {
							t.Fatalf("%s: required item unanswered", where(it.ID))
						}
						if !it.Required && it.Scale.Type != questionnaires.FreeText && !num && !cho {
							skippedOptional++
						}
					}
					if dec := survey.DecodeAnswers(q, r.Values()); !dec.Valid() {
						t.Fatalf("%s: the submit path refuses the response: %v", where(""), dec.Errors)
					}
				}
			}
			optional := false
			for _, it := range q.Items {
				optional = optional || !it.Required && it.Scale.Type != questionnaires.FreeText
			}
			if optional && skippedOptional == 0 {
				t.Error("no optional question was ever left open")
			}
		})
	}
}

// TestReliabilityIsRealistic computes Cronbach's raw alpha over the whole
// organisation for every scored dimension with at least three items.
func TestReliabilityIsRealistic(t *testing.T) {
	q := mustLoad(t, "advocacy-readiness")
	org := demo.Generate(q, 1)
	for _, dim := range q.Dimensions {
		switch dim.Role {
		case questionnaires.RoleFoundation, questionnaires.RoleCondition, questionnaires.RoleAdvocacy, questionnaires.RoleBarrier:
		default:
			continue
		}
		items := q.ItemsOf(dim.ID)
		if len(items) < 3 {
			continue
		}
		var rows [][]float64
		for _, d := range org.Departments {
			for _, r := range d.Responses {
				row := make([]float64, len(items))
				for i, it := range items {
					x := float64(r.Answers.Numbers[it.ID])
					if it.Reverse {
						lo, hi := it.Scale.Points()
						x = float64(lo+hi) - x
					}
					row[i] = x
				}
				rows = append(rows, row)
			}
		}
		if a := cronbach(rows); a < 0.7 || a > 0.92 {
			t.Errorf("%s: alpha %.2f, want 0.7-0.92", dim.ID, a)
		} else {
			t.Logf("%s: alpha %.2f over %d respondents", dim.ID, a, len(rows))
		}
	}
}

// cronbach is k/(k-1) (1 - sum of item variances / variance of the sum),
// with sample variances, on complete rows.
func cronbach(rows [][]float64) float64 {
	k := len(rows[0])
	variance := func(f func(row []float64) float64) float64 {
		var sum, sq float64
		for _, r := range rows {
			x := f(r)
			sum += x
			sq += x * x
		}
		n := float64(len(rows))
		return (sq - sum*sum/n) / (n - 1)
	}
	var items float64
	for i := 0; i < k; i++ {
		items += variance(func(r []float64) float64 { return r[i] })
	}
	total := variance(func(r []float64) float64 {
		s := 0.0
		for _, x := range r {
			s += x
		}
		return s
	})
	return float64(k) / float64(k-1) * (1 - items/total)
}

// TestChoicesFollowWillingness: the unwilling mostly say "none" and "rather
// not"; the willing pick an ambassador type.
func TestChoicesFollowWillingness(t *testing.T) {
	q := mustLoad(t, "advocacy-readiness")
	org := demo.Generate(q, 1)
	var willNone, willType float64
	var nNone, nType, ratherNotWilling, ratherNotUnwilling int
	for _, d := range org.Departments {
		for _, r := range d.Responses {
			n := r.Answers.Numbers
			will := float64(n["will_stories"]+n["will_online"]+n["will_refer"]) / 3
			if r.Answers.Choices["profile"][0] == "none" {
				willNone += will
				nNone++
			} else {
				willType += will
				nType++
			}
			if help := r.Answers.Choices["help"]; len(help) == 1 && help[0] == "rather_not" {
				if will >= 4 {
					ratherNotWilling++
				} else {
					ratherNotUnwilling++
				}
			}
		}
	}
	if nNone == 0 || nType == 0 || willNone/float64(nNone) > willType/float64(nType)-0.5 {
		t.Errorf("willingness of 'none' %.2f (n %d) vs an ambassador type %.2f (n %d): want clearly lower",
			willNone/float64(nNone), nNone, willType/float64(nType), nType)
	}
	if ratherNotUnwilling <= 3*ratherNotWilling {
		t.Errorf("'rather not' picked by %d willing and %d unwilling respondents", ratherNotWilling, ratherNotUnwilling)
	}
}

// TestSeedStoresEveryResponse seeds a real store and finds the generated
// number of responses per department, a link for each, and the comments
// scrubbed on the way in.
func TestSeedStoresEveryResponse(t *testing.T) {
	ctx := context.Background()
	q := mustLoad(t, "advocacy-readiness")
	org := demo.Generate(q, 1)
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		res, err := demo.Seed(ctx, s, q, org)
		if err != nil {
			t.Fatal(err)
		}
		if res.Baseline.Status != survey.PulseClosed || res.Baseline.QuestionnaireID != q.ID {
			t.Fatalf("baseline %+v, want closed on %s", res.Baseline, q.ID)
		}
		if _, err := s.PulseResult(ctx, res.Baseline.ID); err != nil {
			t.Fatalf("the closed baseline has no stored results: %v", err)
		}
		// The open pulse, the one to try the demo with, is the short pulse.
		short := mustLoad(t, "pulse")
		if res.Open.Status != survey.PulseOpen || res.Open.QuestionnaireID != short.ID || res.Open.QuestionnaireVersion != short.Version || res.Open.Name != demo.OpenPulseName {
			t.Fatalf("open pulse %+v, want open on %s", res.Open, short.Ref())
		}
		if n, err := s.ResponseCounts(ctx, res.Open.ID); err != nil || sum(n) != 0 {
			t.Fatalf("the open pulse holds answers: %v, %v", n, err)
		}
		counts, err := s.ResponseCounts(ctx, res.Baseline.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i, d := range org.Departments {
			sd := res.Departments[i]
			if sd.Department.Name != d.Name || !survey.ValidID(sd.Link.Code) || sd.Link.DepartmentID != sd.Department.ID ||
				sd.Link.PulseID != res.Open.ID || sd.BaselineLink.PulseID != res.Baseline.ID {
				t.Errorf("%s: stored as %+v", d.Name, sd)
			}
			if counts[sd.Department.ID] != len(d.Responses) || sd.Responses != len(d.Responses) {
				t.Errorf("%s: %d stored (%d reported), want %d", d.Name, counts[sd.Department.ID], sd.Responses, len(d.Responses))
			}
		}
		st, err := s.Settings(ctx)
		if err != nil || st.Name != org.Name || st.MinGroup != 5 {
			t.Errorf("settings %+v, %v", st, err)
		}
		comments, err := s.Comments(ctx, res.Baseline.ID)
		if err != nil {
			t.Fatal(err)
		}
		var all strings.Builder
		for _, c := range comments {
			all.WriteString(c.Body + "\n")
		}
		for _, want := range []string{survey.ScrubbedEmail, survey.ScrubbedPhone} {
			if !strings.Contains(all.String(), want) {
				t.Errorf("no comment shows %s: the demo should show scrubbing", want)
			}
		}
		if strings.Contains(all.String(), "@") || strings.Contains(all.String(), "12345678") {
			t.Errorf("a stored comment still holds an address or number:\n%s", all.String())
		}
	})
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// The links of the open pulse accept a new answer; those of the closed
// baseline do not.
func TestSeedOpenPulseAcceptsAnswers(t *testing.T) {
	ctx := context.Background()
	q := mustLoad(t, "advocacy-readiness")
	org := demo.Generate(q, 1)
	s := storetest.Open(t, storetest.SQLiteDSN(t))
	res, err := demo.Seed(ctx, s, q, org)
	if err != nil {
		t.Fatal(err)
	}
	dec := survey.DecodeAnswers(q, org.Departments[0].Responses[0].Values())
	sd := res.Departments[0]
	if _, err := s.Submit(ctx, survey.Submission{Link: sd.Link, Key: survey.NewID(), Answers: dec.Answers, Comments: dec.Comments}); err != nil {
		t.Fatalf("the open pulse refused an answer: %v", err)
	}
	if _, err := s.Submit(ctx, survey.Submission{Link: sd.BaselineLink, Key: survey.NewID(), Answers: dec.Answers, Comments: dec.Comments}); err == nil {
		t.Fatal("the closed baseline accepted an answer")
	}
}

func TestSeedRefusesAnotherQuestionnaire(t *testing.T) {
	q := mustLoad(t, "advocacy-readiness")
	org := demo.Generate(q, 1)
	org.Questionnaire = "other@1"
	s := storetest.Open(t, storetest.SQLiteDSN(t))
	if _, err := demo.Seed(context.Background(), s, q, org); err == nil {
		t.Fatal("Seed stored answers generated for another questionnaire")
	}
}

func TestWriteCSV(t *testing.T) {
	q := mustLoad(t, "advocacy-readiness")
	org := demo.Generate(q, 1)
	var b strings.Builder
	if err := demo.WriteCSV(&b, q, org); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != org.Responses()+1 {
		t.Fatalf("%d lines, want a header and %d rows", len(lines), org.Responses())
	}
	if !strings.HasPrefix(lines[0], "department,enps,pride_job_only,") {
		t.Errorf("header %q", lines[0])
	}
	if !strings.Contains(b.String(), "guidelines;") || !strings.Contains(b.String(), survey.ScrubbedPhone) || strings.Contains(b.String(), "12345678") {
		t.Error("choices not joined with ';' or comments not scrubbed")
	}
	b.Reset()
	if err := demo.WriteHeadcounts(&b, org); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "department,headcount,external\n") || !strings.Contains(b.String(), "Douane-inspectie,30,false\n") {
		t.Errorf("headcounts:\n%s", b.String())
	}
}
