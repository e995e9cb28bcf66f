package results_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"trots/accounts"
	"trots/analysis"
	"trots/analysis/audit"
	"trots/questionnaires"
	"trots/server/metrics"
	"trots/survey"
	"trots/survey/demo"
	"trots/survey/results"
	"trots/survey/storetest"
)

func mustOpenAt(t *testing.T, dsn string, c *storetest.Clock) *survey.Store {
	t.Helper()
	s, err := survey.Open(ctx, dsn, survey.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// mustPulseWithAnswers opens a pulse and sends each department's link the
// first n responses of the demo department at the same position, plus a
// response carrying probe as its open comment.
func mustPulseWithAnswers(t *testing.T, s *survey.Store, q *questionnaires.Questionnaire, org demo.Organisation, n int, probe string) survey.Pulse {
	t.Helper()
	p := storetest.MustOpenPulse(t, s, q.ID, q.Version)
	links, err := s.Links(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range links {
		rs := org.Departments[i%len(org.Departments)].Responses
		for _, r := range rs[:min(n, len(rs))] {
			mustSubmit(t, s, q, l, r.Values())
		}
	}
	v := org.Departments[0].Responses[0].Values()
	v[textItem(t, q)] = []string{probe}
	mustSubmit(t, s, q, links[0], v)
	return p
}

func mustSubmit(t *testing.T, s *survey.Store, q *questionnaires.Questionnaire, l survey.Link, values map[string][]string) {
	t.Helper()
	dec := survey.DecodeAnswers(q, values)
	if err := dec.Err(); err != nil {
		t.Fatalf("answers refused: %v", dec.Errors)
	}
	if _, err := s.Submit(ctx, survey.Submission{Link: l, Key: survey.NewID(), Answers: dec.Answers, Comments: dec.Comments}); err != nil {
		t.Fatal(err)
	}
}

func textItem(t *testing.T, q *questionnaires.Questionnaire) string {
	t.Helper()
	for _, it := range q.Items {
		if it.Scale.Type == questionnaires.FreeText {
			return it.ID
		}
	}
	t.Fatalf("%s has no text item", q.ID)
	return ""
}

// rawAnswers counts a pulse's responses and comments.
func rawAnswers(t *testing.T, s *survey.Store, pulseID string) (responses, comments int) {
	t.Helper()
	counts, err := s.ResponseCounts(ctx, pulseID)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range counts {
		responses += n
	}
	cs, err := s.Comments(ctx, pulseID)
	if err != nil {
		t.Fatal(err)
	}
	return responses, len(cs)
}

// comparable returns the JSON of a result with each group's comments
// sorted (their order is drawn at random on every analysis) or, with
// dropComments, without them.
func comparable(t *testing.T, r *analysis.Result, dropComments bool) string {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var c analysis.Result
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	for _, g := range append([]analysis.GroupResult{c.Organisation}, c.Departments...) {
		if g.Figures != nil {
			sort.Strings(g.Comments)
			if dropComments {
				g.Comments = nil
			}
		}
	}
	b, err = json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// rounded is the JSON doc with every number rounded to 10 significant
// digits: results that differ only by the order of floating-point sums
// compare equal.
func rounded(t *testing.T, doc string) string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	var walk func(any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				x[k] = walk(e)
			}
		case []any:
			for i, e := range x {
				x[i] = walk(e)
			}
		case json.Number:
			f, err := x.Float64()
			if err != nil {
				t.Fatal(err)
			}
			return strconv.FormatFloat(f, 'g', 10, 64)
		}
		return v
	}
	b, err := json.Marshal(walk(v))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// analyzeRaw analyses the raw answers of a pulse, open or not, as
// Analyze would when closing it (results.Analyze refuses open pulses).
func analyzeRaw(t *testing.T, s *survey.Store, q *questionnaires.Questionnaire, pulseID string) *results.Outcome {
	t.Helper()
	p, err := s.Pulse(ctx, pulseID)
	if err != nil {
		t.Fatal(err)
	}
	in, err := results.Input(ctx, s, p, q, analysis.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := audit.Protect(in)
	if err != nil {
		t.Fatal(err)
	}
	return &results.Outcome{Pulse: p, Questionnaire: q, Result: res}
}

func mustAnalyze(t *testing.T, s *survey.Store, pulseID string) *results.Outcome {
	t.Helper()
	out, err := results.Analyze(ctx, s, pulseID, analysis.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The retention deletes the raw answers of a pulse closed longer ago than
// the period and keeps its results exactly as they were; an open pulse, a
// recently closed one and one closed without stored results keep theirs.
func TestRetentionDeletesRawAnswersKeepsResults(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		t0 := time.Date(2025, 1, 15, 9, 0, 0, 0, time.UTC)
		c := storetest.NewClock(t0)
		s := mustOpenAt(t, dsn, c)
		q, err := questionnaires.Load("advocacy-readiness")
		if err != nil {
			t.Fatal(err)
		}
		org := demo.Generate(q, 3)
		for _, d := range org.Departments {
			storetest.MustDepartment(t, s, d.Name, d.Headcount)
		}
		old := mustPulseWithAnswers(t, s, q, org, 1000, "retention-probe-old-pulse-7731")
		c.Set(t0.Add(time.Hour))
		noResults := mustPulseWithAnswers(t, s, q, org, 6, "retention-probe-no-results")
		c.Set(t0.Add(2 * time.Hour))
		open := mustPulseWithAnswers(t, s, q, org, 6, "retention-probe-open")
		c.Set(t0.Add(3 * time.Hour))
		recent := mustPulseWithAnswers(t, s, q, org, 6, "retention-probe-recent")

		// A day later the first pulse is closed with its results, the
		// second by the store alone (no results stored).
		c.Set(t0.AddDate(0, 0, 1))
		before := analyzeRaw(t, s, q, old.ID)
		closed, err := results.Close(ctx, s, old.ID, analysis.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		// Closing gives the responses new random keys, so the analysis
		// reads them in another order: sums may differ in the last bits.
		if got, want := rounded(t, comparable(t, closed.Result, false)), rounded(t, comparable(t, before.Result, false)); got != want {
			t.Fatalf("stored results differ from the analysis before closing:\n got %s\nwant %s", got, want)
		}
		if err := s.ClosePulse(ctx, noResults.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PulseResult(ctx, noResults.ID); survey.ErrorCode(err) != survey.ENotFound {
			t.Fatalf("results of a pulse closed by the store alone: %v", err)
		}
		// Closing again is harmless and keeps the stored results.
		again, err := results.Close(ctx, s, old.ID, analysis.DefaultConfig())
		if err != nil || !reflect.DeepEqual(again.Result, closed.Result) {
			t.Fatalf("second close: %v", err)
		}
		c.Set(t0.AddDate(0, 5, 0))
		if _, err := results.Close(ctx, s, recent.ID, analysis.DefaultConfig()); err != nil {
			t.Fatal(err)
		}

		counts := map[string][2]int{}
		for _, p := range []survey.Pulse{old, noResults, open, recent} {
			r, cm := rawAnswers(t, s, p.ID)
			if r == 0 || cm == 0 {
				t.Fatalf("pulse %s has %d responses and %d comments before the purge", p.Name, r, cm)
			}
			counts[p.ID] = [2]int{r, cm}
		}

		// Seven months later, with six months' retention.
		now := t0.AddDate(0, 7, 0)
		c.Set(now)
		purged, err := results.Purge(ctx, s, now.AddDate(0, -6, 0))
		if err != nil {
			t.Fatal(err)
		}
		if len(purged) != 1 || purged[0].PulseID != old.ID || purged[0].Responses != counts[old.ID][0] || purged[0].Comments != counts[old.ID][1] {
			t.Fatalf("purged %+v, want the %d responses and %d comments of %s only", purged, counts[old.ID][0], counts[old.ID][1], old.ID)
		}
		if r, cm := rawAnswers(t, s, old.ID); r != 0 || cm != 0 {
			t.Fatalf("old pulse still has %d responses and %d comments", r, cm)
		}
		for _, p := range []survey.Pulse{noResults, open, recent} {
			if r, cm := rawAnswers(t, s, p.ID); [2]int{r, cm} != counts[p.ID] {
				t.Errorf("pulse %s: %d responses, %d comments, want %v untouched", p.Name, r, cm, counts[p.ID])
			}
		}
		p, err := s.Pulse(ctx, old.ID)
		if err != nil || !p.Purged.Equal(now) || !p.Closed.Equal(t0.AddDate(0, 0, 1)) {
			t.Fatalf("old pulse after purge: %+v, %v", p, err)
		}
		// The figures stay exactly; the open comments they quoted were raw
		// answers and are gone with the others.
		after := mustAnalyze(t, s, old.ID)
		if got, want := comparable(t, after.Result, true), comparable(t, closed.Result, true); got != want {
			t.Fatalf("results after the purge differ from those stored at close:\n got %s\nwant %s", got, want)
		}
		if comparable(t, closed.Result, false) == comparable(t, closed.Result, true) {
			t.Fatal("the test data has no comment shown in the results")
		}
		if got := comparable(t, after.Result, false); got != comparable(t, after.Result, true) {
			t.Fatal("the stored results still quote open comments after the purge")
		}
		if again, err := results.Purge(ctx, s, now.AddDate(0, -6, 0)); err != nil || len(again) != 0 {
			t.Fatalf("second purge: %+v, %v", again, err)
		}
		if !strings.HasPrefix(dsn, "postgres") {
			assertNotInFiles(t, dsn, "retention-probe-old-pulse-7731")
		}

		// The retention run first stores the results of the pulse closed
		// without them, then (its period starting at its closing) purges it.
		reg := metrics.New("test", t0)
		pol := results.Retention{Months: 6, Config: analysis.DefaultConfig()}
		dry := pol
		dry.DryRun = true
		rep, err := dry.Run(ctx, s, accounts.New(s), now)
		if err != nil || len(rep.Finalized) != 1 || rep.Finalized[0].ID != noResults.ID || len(rep.Purged) != 0 {
			t.Fatalf("dry run: %+v, %v", rep, err)
		}
		if _, err := s.PulseResult(ctx, noResults.ID); survey.ErrorCode(err) != survey.ENotFound {
			t.Fatalf("the dry run stored results: %v", err)
		}
		rep, err = pol.Run(metrics.NewContext(ctx, reg), s, accounts.New(s), now)
		if err != nil || len(rep.Skipped) != 0 {
			t.Fatalf("retention: %+v, %v", rep, err)
		}
		if len(rep.Finalized) != 1 || len(rep.Purged) != 1 || rep.Purged[0].PulseID != noResults.ID || !rep.Cutoff.Equal(now.AddDate(0, -6, 0)) {
			t.Fatalf("retention report %+v", rep)
		}
		if r, _ := rawAnswers(t, s, noResults.ID); r != 0 {
			t.Fatalf("pulse closed without results: %d responses left", r)
		}
		if out := mustAnalyze(t, s, noResults.ID); out.Result.Organisation.Figures == nil || out.Result.Organisation.N != counts[noResults.ID][0] {
			t.Fatalf("results of the purged pulse lost: %+v", out.Result.Organisation)
		}
		var scrape bytes.Buffer
		reg.WriteTo(&scrape)
		if want := "trots_retention_purged_responses_total " + itoa(counts[noResults.ID][0]); !strings.Contains(scrape.String(), want+"\n") {
			t.Errorf("metrics lack %q", want)
		}

		// The recent pulse goes once its period is over; the open one never.
		rep, err = pol.Run(ctx, s, accounts.New(s), t0.AddDate(1, 0, 0))
		if err != nil || len(rep.Purged) != 1 || rep.Purged[0].PulseID != recent.ID {
			t.Fatalf("a year later: %+v, %v", rep, err)
		}
		if r, cm := rawAnswers(t, s, open.ID); [2]int{r, cm} != counts[open.ID] {
			t.Errorf("open pulse touched: %d responses, %d comments", r, cm)
		}
		if rep, err := (results.Retention{}).Run(ctx, s, accounts.New(s), t0.AddDate(9, 0, 0)); err != nil || len(rep.Purged)+len(rep.Finalized) != 0 {
			t.Fatalf("retention 0 (keep forever) did something: %+v, %v", rep, err)
		}
	})
}

// assertNotInFiles checks the SQLite files byte for byte: deleted answers
// must not linger in free pages or the write-ahead log.
func assertNotInFiles(t *testing.T, dsn, secret string) {
	t.Helper()
	files, err := filepath.Glob(dsn + "*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no database files for %s: %v", dsn, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("%s still holds the purged comment %q", filepath.Base(f), secret)
		}
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// The analysis records its duration in the metrics carried by the context.
func TestAnalyzeRecordsItsDuration(t *testing.T) {
	s := storetest.Open(t, storetest.SQLiteDSN(t))
	q, err := questionnaires.Load("pulse")
	if err != nil {
		t.Fatal(err)
	}
	storetest.MustDepartment(t, s, "Zorg", 10)
	p := storetest.MustOpenPulse(t, s, q.ID, q.Version)
	if err := s.ClosePulse(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	reg := metrics.New("test", time.Now())
	for range 2 {
		if _, err := results.Analyze(metrics.NewContext(ctx, reg), s, p.ID, analysis.DefaultConfig()); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	reg.WriteTo(&b)
	if !strings.Contains(b.String(), "\ntrots_analysis_duration_seconds_count 2\n") {
		t.Fatalf("analysis durations not recorded:\n%s", b.String())
	}
}

// A closed pulse whose results cannot be computed (its questionnaire
// version is no longer shipped) keeps its raw answers and is reported.
func TestRetentionSkipsPulsesItCannotAnalyse(t *testing.T) {
	t0 := time.Date(2024, 1, 10, 0, 0, 0, 0, time.UTC)
	c := storetest.NewClock(t0)
	s := mustOpenAt(t, storetest.SQLiteDSN(t), c)
	p, err := s.CreatePulse(ctx, survey.Pulse{Name: "Oud", QuestionnaireID: "pulse", QuestionnaireVersion: 99})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.OpenPulse(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.ClosePulse(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := results.Close(ctx, s, p.ID, analysis.DefaultConfig()); err == nil {
		t.Fatal("results stored for an unshipped questionnaire version")
	}
	rep, err := results.Retention{Months: 1}.Run(ctx, s, accounts.New(s), t0.AddDate(2, 0, 0))
	if err != nil || len(rep.Purged) != 0 || len(rep.Finalized) != 0 || rep.Skipped[p.ID] == nil {
		t.Fatalf("retention: %+v, %v", rep, err)
	}
}
