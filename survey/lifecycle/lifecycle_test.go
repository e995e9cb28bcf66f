package lifecycle_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"trots/analysis"
	"trots/questionnaires"
	"trots/survey"
	"trots/survey/lifecycle"
	"trots/survey/storetest"
)

var ctx = context.Background()

// t0 is "now" in these tests; the stores run on a clock set to it, so that
// what the store stamps and what the lifecycle is told agree.
var t0 = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

// org is a store with two departments on a clock at t0.
type org struct {
	t     *testing.T
	s     *survey.Store
	clock *storetest.Clock
	deps  []survey.Department
	q     *questionnaires.Questionnaire
}

func newOrg(t *testing.T, dsn string) *org {
	t.Helper()
	c := storetest.NewClock(t0)
	s, err := survey.Open(ctx, dsn, survey.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	q, err := questionnaires.Load("pulse")
	if err != nil {
		t.Fatal(err)
	}
	o := &org{t: t, s: s, clock: c, q: q}
	for _, name := range []string{"ICT", "Sales"} {
		o.deps = append(o.deps, storetest.MustDepartment(t, s, name, 20))
	}
	return o
}

// pulse stores a draft directly (the store checks no times against now,
// so a test can put a pulse anywhere in time).
func (o *org) pulse(name string, opens, closes time.Time) survey.Pulse {
	o.t.Helper()
	p, err := o.s.CreatePulse(ctx, survey.Pulse{Name: name, QuestionnaireID: o.q.ID, QuestionnaireVersion: o.q.Version, Opens: opens, Closes: closes})
	if err != nil {
		o.t.Fatal(err)
	}
	return p
}

func (o *org) open(name string, opens, closes time.Time) survey.Pulse {
	o.t.Helper()
	p := o.pulse(name, opens, closes)
	p, err := o.s.OpenPulse(ctx, p.ID)
	if err != nil {
		o.t.Fatal(err)
	}
	return p
}

func (o *org) get(id string) survey.Pulse {
	o.t.Helper()
	p, err := o.s.Pulse(ctx, id)
	if err != nil {
		o.t.Fatal(err)
	}
	return p
}

// answers is one complete set of answers, every scale at its top.
func (o *org) answers() survey.Answers {
	form := map[string][]string{}
	for _, it := range o.q.Items {
		switch {
		case it.Scale.Numeric():
			_, hi := it.Scale.Points()
			form[it.ID] = []string{strconv.Itoa(hi)}
		case len(it.Scale.Options) > 0:
			form[it.ID] = []string{it.Scale.Options[0].ID}
		}
	}
	dec := survey.DecodeAnswers(o.q, form)
	if !dec.Valid() {
		o.t.Fatalf("answers refused: %v", dec.Errors)
	}
	return dec.Answers
}

func (o *org) submit(p survey.Pulse, n int) error {
	o.t.Helper()
	links, err := o.s.Links(ctx, p.ID)
	if err != nil {
		o.t.Fatal(err)
	}
	for range n {
		if _, err := o.s.Submit(ctx, survey.Submission{Link: links[0], Key: survey.NewID(), Answers: o.answers()}); err != nil {
			return err
		}
	}
	return nil
}

func (o *org) pulses() int {
	o.t.Helper()
	all, err := o.s.Pulses(ctx)
	if err != nil {
		o.t.Fatal(err)
	}
	return len(all)
}

func (o *org) hasResult(id string) bool {
	o.t.Helper()
	_, err := o.s.PulseResult(ctx, id)
	if err != nil && survey.ErrorCode(err) != survey.ENotFound {
		o.t.Fatal(err)
	}
	return err == nil
}

func TestCreateRefusesWhatCannotWorkAndStoresNothing(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		o := newOrg(t, dsn)
		long := ""
		for range 121 {
			long += "x"
		}
		for _, tc := range []struct {
			name string
			d    lifecycle.Draft
			want survey.FieldErrors
		}{
			{"nothing", lifecycle.Draft{}, survey.FieldErrors{"name": "pulse_name_missing", "questionnaire": lifecycle.KeyQuestionnaire}},
			{"blank name", lifecycle.Draft{Name: "  ", Questionnaire: "pulse"}, survey.FieldErrors{"name": "pulse_name_missing"}},
			{"long name", lifecycle.Draft{Name: long, Questionnaire: "pulse"}, survey.FieldErrors{"name": "pulse_name_long"}},
			{"unknown questionnaire", lifecycle.Draft{Name: "Q", Questionnaire: "nope"}, survey.FieldErrors{"questionnaire": lifecycle.KeyQuestionnaire}},
			{"questionnaire as a path", lifecycle.Draft{Name: "Q", Questionnaire: "../questionnaires/pulse.yaml"}, survey.FieldErrors{"questionnaire": lifecycle.KeyQuestionnaire}},
			{"opens in the past", lifecycle.Draft{Name: "Q", Questionnaire: "pulse", Opens: t0.Add(-time.Minute)}, survey.FieldErrors{"opens": lifecycle.KeyOpensPast}},
			{"closes now", lifecycle.Draft{Name: "Q", Questionnaire: "pulse", Closes: t0}, survey.FieldErrors{"closes": lifecycle.KeyClosesPast}},
			{"closes before it opens", lifecycle.Draft{Name: "Q", Questionnaire: "pulse", Opens: t0.Add(48 * time.Hour), Closes: t0.Add(24 * time.Hour)},
				survey.FieldErrors{"closes": lifecycle.KeyDates}},
		} {
			_, err := lifecycle.Create(ctx, o.s, tc.d, t0)
			var inv *lifecycle.Invalid
			if survey.ErrorCode(err) != survey.EInvalid || survey.ErrorKey(err) != lifecycle.KeyInvalid || !errors.As(err, &inv) {
				t.Errorf("%s: %v", tc.name, err)
				continue
			}
			if got, want := mustJSON(inv.Fields), mustJSON(tc.want); got != want {
				t.Errorf("%s: fields %s, want %s", tc.name, got, want)
			}
		}
		if n := o.pulses(); n != 0 {
			t.Fatalf("%d pulses stored from refused drafts", n)
		}
		p, err := lifecycle.Create(ctx, o.s, lifecycle.Draft{Name: " Q2 ", Questionnaire: "advocacy-readiness",
			Opens: t0.Add(time.Hour), Closes: t0.Add(15 * 24 * time.Hour)}, t0)
		if err != nil {
			t.Fatal(err)
		}
		q, _ := questionnaires.Load("advocacy-readiness")
		if p.Name != "Q2" || p.Status != survey.PulseDraft || p.QuestionnaireID != q.ID || p.QuestionnaireVersion != q.Version ||
			!p.Opens.Equal(t0.Add(time.Hour)) || !p.Closes.Equal(t0.Add(15*24*time.Hour)) || p.MinGroup != 0 {
			t.Fatalf("created %+v", p)
		}
	})
}

// Every transition the status does not allow is refused with a coded
// conflict and changes nothing; the ones it allows do what they say.
func TestTransitions(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		o := newOrg(t, dsn)
		cfg := analysis.DefaultConfig()
		later := t0.Add(7 * 24 * time.Hour)
		d := o.pulse("Scheduled for next week", later, later.Add(14*24*time.Hour))

		if _, err := lifecycle.Close(ctx, o.s, d.ID, cfg); survey.ErrorKey(err) != lifecycle.KeyStillDraft || survey.ErrorCode(err) != survey.EConflict {
			t.Fatalf("close a draft: %v", err)
		}
		if p := o.get(d.ID); p.Status != survey.PulseDraft || o.hasResult(d.ID) {
			t.Fatalf("refused close changed the draft: %+v", p)
		}

		// Open now, a week early: answers are accepted from now on, the
		// thresholds are fixed and every department has its link.
		p, err := lifecycle.Open(ctx, o.s, d.ID, t0)
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != survey.PulseOpen || !p.Opens.Equal(t0) || p.MinGroup != 5 || p.MinComments != 10 || !p.AcceptsAt(t0) {
			t.Fatalf("opened %+v", p)
		}
		if got := o.get(d.ID); !got.Opens.Equal(t0) || !got.Closes.Equal(later.Add(14*24*time.Hour)) {
			t.Fatalf("stored opens %v closes %v", got.Opens, got.Closes)
		}
		if links, err := o.s.Links(ctx, d.ID); err != nil || len(links) != len(o.deps) {
			t.Fatalf("links %v %v", links, err)
		}
		if err := o.submit(p, 6); err != nil {
			t.Fatalf("the pulse opened now takes no answers: %v", err)
		}

		// The settings change later; the open pulse keeps its promise.
		if err := o.s.SaveSettings(ctx, survey.Settings{Name: "Org", DefaultLanguage: "nl", MinGroup: 8, MinComments: 12}); err != nil {
			t.Fatal(err)
		}
		if _, err := lifecycle.Open(ctx, o.s, d.ID, t0); survey.ErrorKey(err) != lifecycle.KeyAlreadyOpen || survey.ErrorCode(err) != survey.EConflict {
			t.Fatalf("open an open pulse: %v", err)
		}
		if got := o.get(d.ID); got.MinGroup != 5 || got.MinComments != 10 || got.Status != survey.PulseOpen {
			t.Fatalf("refused open changed the pulse: %+v", got)
		}

		closed, err := lifecycle.Close(ctx, o.s, d.ID, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if closed.Status != survey.PulseClosed || !closed.Closed.Equal(t0) || !o.hasResult(d.ID) {
			t.Fatalf("closed %+v, results stored: %v", closed, o.hasResult(d.ID))
		}
		stored, _ := o.s.PulseResult(ctx, d.ID)
		var res analysis.Result
		if err := json.Unmarshal(stored.Result, &res); err != nil || res.Config.MinGroup != 5 {
			t.Fatalf("stored results: k = %d, %v", res.Config.MinGroup, err)
		}
		if err := o.submit(p, 1); survey.ErrorKey(err) != "pulse_closed" {
			t.Fatalf("a closed pulse took an answer: %v", err)
		}

		o.clock.Set(t0.Add(time.Hour))
		for what, f := range map[string]func() error{
			"open":  func() error { _, err := lifecycle.Open(ctx, o.s, d.ID, t0.Add(time.Hour)); return err },
			"close": func() error { _, err := lifecycle.Close(ctx, o.s, d.ID, cfg); return err },
		} {
			if err := f(); survey.ErrorKey(err) != lifecycle.KeyAlreadyClosed || survey.ErrorCode(err) != survey.EConflict {
				t.Errorf("%s a closed pulse: %v", what, err)
			}
		}
		if got := o.get(d.ID); got.Status != survey.PulseClosed || !got.Closed.Equal(t0) {
			t.Fatalf("refused transitions changed the closed pulse: %+v", got)
		}
		if again, _ := o.s.PulseResult(ctx, d.ID); !again.ComputedAt.Equal(stored.ComputedAt) || string(again.Result) != string(stored.Result) {
			t.Fatal("the final results were stored again")
		}

		// A draft whose closing time has passed could take no answers.
		missed := o.pulse("Missed", time.Time{}, t0.Add(30*time.Minute))
		if _, err := lifecycle.Open(ctx, o.s, missed.ID, t0.Add(time.Hour)); survey.ErrorKey(err) != lifecycle.KeyClosesPassed {
			t.Fatalf("open a draft past its closing time: %v", err)
		}
		if got := o.get(missed.ID); got.Status != survey.PulseDraft {
			t.Fatalf("refused open changed the draft: %+v", got)
		}
		if _, err := lifecycle.Open(ctx, o.s, survey.NewID(), t0); survey.ErrorCode(err) != survey.ENotFound {
			t.Fatalf("open an unknown pulse: %v", err)
		}
	})
}

// A pulse past its closing time refuses answers before anything closes
// it: the scheduler only makes it final.
func TestPulsePastItsClosingTimeRefusesAnswersBeforeTheSchedulerRuns(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		o := newOrg(t, dsn)
		closes := t0.Add(time.Hour)
		p := o.open("Closing at ten", time.Time{}, closes)
		if err := o.submit(p, 1); err != nil {
			t.Fatal(err)
		}
		o.clock.Set(closes)
		err := o.submit(p, 1)
		if survey.ErrorKey(err) != "pulse_closed" || survey.ErrorCode(err) != survey.EConflict {
			t.Fatalf("answer at the closing time: %v", err)
		}
		if got := o.get(p.ID); got.Status != survey.PulseOpen || got.CheckOpen(closes) == nil || got.AcceptsAt(closes) {
			t.Fatalf("status %s: the store still calls the pulse open to answers", got.Status)
		}
		counts, _ := o.s.ResponseCounts(ctx, p.ID)
		if n := counts[o.deps[0].ID] + counts[o.deps[1].ID]; n != 1 {
			t.Fatalf("%d responses stored, want 1", n)
		}
	})
}

func TestTickOpensAndClosesWhatIsDueOnceOnly(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		o := newOrg(t, dsn)
		cfg := analysis.DefaultConfig()
		due := o.pulse("Due to open", t0.Add(-time.Minute), t0.Add(14*24*time.Hour))
		future := o.pulse("Opens tomorrow", t0.Add(24*time.Hour), time.Time{})
		byHand := o.pulse("Opened by hand", time.Time{}, time.Time{})
		missed := o.pulse("Missed its window", t0.Add(-48*time.Hour), t0.Add(-24*time.Hour))
		ending := o.open("Ends now", t0.Add(-14*24*time.Hour), t0)
		if err := o.submit(ending, 6); survey.ErrorKey(err) != "pulse_closed" {
			t.Fatalf("answers at the closing time: %v", err)
		}
		o.clock.Set(t0.Add(-time.Hour))
		if err := o.submit(ending, 6); err != nil {
			t.Fatal(err)
		}
		o.clock.Set(t0)
		running := o.open("Runs on", t0.Add(-time.Hour), t0.Add(time.Hour))
		open := o.open("Open, no end", time.Time{}, time.Time{})

		rep, err := lifecycle.Tick(ctx, o.s, t0, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if ids(rep.Opened) != due.ID || ids(rep.Closed) != ending.ID || ids(rep.Missed) != missed.ID || len(rep.Failed) != 0 {
			t.Fatalf("tick: opened %s, closed %s, missed %s, failed %v", ids(rep.Opened), ids(rep.Closed), ids(rep.Missed), rep.Failed)
		}
		want := map[string]survey.PulseStatus{due.ID: survey.PulseOpen, future.ID: survey.PulseDraft, byHand.ID: survey.PulseDraft,
			missed.ID: survey.PulseDraft, ending.ID: survey.PulseClosed, running.ID: survey.PulseOpen, open.ID: survey.PulseOpen}
		for id, st := range want {
			if got := o.get(id); got.Status != st {
				t.Errorf("%s: %s, want %s", got.Name, got.Status, st)
			}
		}
		if p := o.get(due.ID); !p.Opens.Equal(due.Opens) || p.MinGroup != 5 {
			t.Errorf("opened by the tick: %+v", p)
		}
		if links, _ := o.s.Links(ctx, due.ID); len(links) != len(o.deps) {
			t.Errorf("%d links for the pulse the tick opened", len(links))
		}
		if !o.hasResult(ending.ID) {
			t.Fatal("closed by the tick without its final results")
		}
		first, _ := o.s.PulseResult(ctx, ending.ID)

		// Again, a minute later: nothing more to do, nothing stored twice.
		o.clock.Set(t0.Add(time.Minute))
		rep, err = lifecycle.Tick(ctx, o.s, t0.Add(time.Minute), cfg)
		if err != nil || len(rep.Opened)+len(rep.Closed) != 0 || ids(rep.Missed) != missed.ID {
			t.Fatalf("second tick: opened %s, closed %s, missed %s, %v", ids(rep.Opened), ids(rep.Closed), ids(rep.Missed), err)
		}
		if again, _ := o.s.PulseResult(ctx, ending.ID); !again.ComputedAt.Equal(first.ComputedAt) {
			t.Fatal("the second tick stored the results again")
		}

		// An hour later the running pulse ends; the tomorrow one waits.
		o.clock.Set(t0.Add(time.Hour))
		rep, err = lifecycle.Tick(ctx, o.s, t0.Add(time.Hour), cfg)
		if err != nil || ids(rep.Closed) != running.ID || len(rep.Opened) != 0 {
			t.Fatalf("third tick: opened %s, closed %s, %v", ids(rep.Opened), ids(rep.Closed), err)
		}
		if o.get(future.ID).Status != survey.PulseDraft || !o.hasResult(running.ID) {
			t.Fatal("third tick")
		}
	})
}

// savesCounter counts the final results actually stored.
type savesCounter struct {
	lifecycle.Store
	mu     sync.Mutex
	stored map[string]int
}

func (c *savesCounter) SavePulseResult(ctx context.Context, id string, res json.RawMessage) (bool, error) {
	ok, err := c.Store.SavePulseResult(ctx, id, res)
	if ok {
		c.mu.Lock()
		c.stored[id]++
		c.mu.Unlock()
	}
	return ok, err
}

// Two instances on one database run their ticks at the same moment: every
// pulse is opened by one of them and closed by one of them, the results
// are stored once, and neither reports an error.
func TestTwoSchedulersOnOneDatabase(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		o := newOrg(t, dsn)
		other, err := survey.Open(ctx, dsn, survey.Options{Now: o.clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { other.Close() })
		cfg := analysis.DefaultConfig()
		var toOpen, toClose []survey.Pulse
		for i := range 6 {
			toOpen = append(toOpen, o.pulse("Open "+strconv.Itoa(i), t0.Add(-time.Minute), t0.Add(time.Hour)))
			p := o.open("Close "+strconv.Itoa(i), time.Time{}, t0.Add(30*time.Minute))
			if err := o.submit(p, 5); err != nil {
				t.Fatal(err)
			}
			toClose = append(toClose, p)
		}
		counter := &savesCounter{stored: map[string]int{}}
		stores := []lifecycle.Store{o.s, other}
		for round, now := range []time.Time{t0, t0.Add(30 * time.Minute)} {
			o.clock.Set(now)
			reps := make([]lifecycle.Report, len(stores))
			errs := make([]error, len(stores))
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i, st := range stores {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					reps[i], errs[i] = lifecycle.Tick(ctx, &savesCounter{Store: st, stored: counter.stored}, now, cfg)
				}()
			}
			close(start)
			wg.Wait()
			opened, closed := map[string]int{}, map[string]int{}
			for i := range stores {
				if errs[i] != nil {
					t.Fatalf("round %d, instance %d: %v", round, i, errs[i])
				}
				for _, p := range reps[i].Opened {
					opened[p.ID]++
				}
				for _, p := range reps[i].Closed {
					closed[p.ID]++
				}
			}
			wantOpened, wantClosed := toOpen, []survey.Pulse(nil)
			if round == 1 {
				wantOpened, wantClosed = nil, toClose
			}
			if len(opened) != len(wantOpened) || len(closed) != len(wantClosed) {
				t.Fatalf("round %d: opened %v, closed %v", round, opened, closed)
			}
			for _, p := range wantOpened {
				if opened[p.ID] != 1 || o.get(p.ID).Status != survey.PulseOpen {
					t.Errorf("round %d: %s opened %d times", round, p.Name, opened[p.ID])
				}
			}
			for _, p := range wantClosed {
				if closed[p.ID] != 1 || o.get(p.ID).Status != survey.PulseClosed || !o.hasResult(p.ID) {
					t.Errorf("round %d: %s closed %d times", round, p.Name, closed[p.ID])
				}
			}
		}
		counter.mu.Lock()
		defer counter.mu.Unlock()
		for _, p := range toClose {
			if counter.stored[p.ID] != 1 {
				t.Errorf("%s: final results stored %d times", p.Name, counter.stored[p.ID])
			}
		}
		for _, p := range toOpen {
			if links, _ := o.s.Links(ctx, p.ID); len(links) != len(o.deps) {
				t.Errorf("%s: %d links", p.Name, len(links))
			}
		}
	})
}

func TestFollowUpProposesTheShortPulseAQuarterLater(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	opened := time.Date(2026, 1, 12, 9, 30, 0, 0, ams) // winter time
	base := survey.Pulse{Name: "Nulmeting", QuestionnaireID: "advocacy-readiness", QuestionnaireVersion: 1, Opens: opened.UTC(), Status: survey.PulseClosed}
	now := time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)
	d := lifecycle.FollowUp(base, now, ams)
	// Three months later is summer time: the same time of day on the clock.
	if d.Questionnaire != "pulse" || !d.Opens.Equal(time.Date(2026, 4, 12, 9, 30, 0, 0, ams)) ||
		!d.Closes.Equal(time.Date(2026, 4, 26, 9, 30, 0, 0, ams)) || d.Name != "" {
		t.Fatalf("follow-up of the baseline: %+v", d)
	}
	short := base
	short.QuestionnaireID = "pulse"
	if d := lifecycle.FollowUp(short, now, ams); d.Questionnaire != "pulse" {
		t.Fatalf("follow-up of a pulse: %s", d.Questionnaire)
	}
	// Opened long ago: not a date in the past, but tomorrow morning.
	old := base
	old.Opens = time.Date(2024, 1, 1, 9, 0, 0, 0, ams).UTC()
	if d := lifecycle.FollowUp(old, now, ams); !d.Opens.Equal(time.Date(2026, 2, 2, 9, 0, 0, 0, ams)) || !d.Closes.Equal(d.Opens.AddDate(0, 0, 14)) {
		t.Fatalf("follow-up of an old pulse: %v - %v", d.Opens, d.Closes)
	}
	// Opening time unknown (opened before trots recorded it): counted
	// from its closing.
	unknown := base
	unknown.Opens, unknown.Closed = time.Time{}, time.Date(2026, 1, 20, 15, 0, 0, 0, time.UTC)
	if d := lifecycle.FollowUp(unknown, now, time.UTC); !d.Opens.Equal(time.Date(2026, 4, 20, 15, 0, 0, 0, time.UTC)) {
		t.Fatalf("follow-up of a pulse without opening time: %v", d.Opens)
	}
	if fields := lifecycle.Validate(lifecycle.Draft{Name: "x", Questionnaire: d.Questionnaire, Opens: d.Opens, Closes: d.Closes}, now); fields != nil {
		t.Fatalf("the proposal is not valid: %v", fields)
	}
}

func ids(ps []survey.Pulse) string {
	s := ""
	for i, p := range ps {
		if i > 0 {
			s += ","
		}
		s += p.ID
	}
	return s
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
