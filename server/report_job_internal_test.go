package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"trots/accounts"
	"trots/questionnaires"
	"trots/survey"
	"trots/survey/demo"
	"trots/survey/storetest"
)

// gatedStore holds every job at its first step (reading the settings)
// until the gate opens, and counts how many jobs are held at once.
type gatedStore struct {
	*survey.Store
	gate    chan struct{}
	entered chan struct{}
	mu      sync.Mutex
	inside  int
	most    int
}

func (g *gatedStore) Settings(ctx context.Context) (survey.Settings, error) {
	g.mu.Lock()
	g.inside++
	g.most = max(g.most, g.inside)
	g.mu.Unlock()
	defer func() { g.mu.Lock(); g.inside--; g.mu.Unlock() }()
	g.entered <- struct{}{}
	select {
	case <-g.gate:
	case <-ctx.Done():
		return survey.Settings{}, ctx.Err()
	}
	return g.Store.Settings(ctx)
}

var _ reportStore = (*gatedStore)(nil)

type runnerEnv struct {
	store  *gatedStore
	runner *reportRunner
	pulse  string
	users  []accounts.User
}

func newRunnerEnv(t *testing.T) *runnerEnv {
	t.Helper()
	st := storetest.Open(t, storetest.SQLiteDSN(t))
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		t.Fatal(err)
	}
	res, err := demo.Seed(context.Background(), st, q, demo.Generate(q, 1))
	if err != nil {
		t.Fatal(err)
	}
	e := &runnerEnv{store: &gatedStore{Store: st, gate: make(chan struct{}), entered: make(chan struct{}, 100)}, pulse: res.Baseline.ID}
	for _, email := range []string{"a@example.org", "b@example.org"} {
		u, err := accounts.New(st).CreateUser(context.Background(), accounts.User{Email: email, Role: accounts.RoleAdmin}, "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		e.users = append(e.users, u)
	}
	e.runner = newReportRunner(e.store, accounts.New(st), slog.New(slog.NewTextHandler(io.Discard, nil)), nil, DefaultQuotas())
	t.Cleanup(func() { e.runner.stop(context.Background()) })
	return e
}

func (e *runnerEnv) create(t *testing.T, u accounts.User, lang string) survey.ReportJob {
	t.Helper()
	j, err := e.runner.create(context.Background(), survey.ReportJob{UserID: u.ID, PulseID: e.pulse, Lang: lang})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func (e *runnerEnv) status(t *testing.T, j survey.ReportJob) survey.ReportJob {
	t.Helper()
	got, err := e.store.ReportJob(context.Background(), j.ID, j.UserID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// waitDone polls the job, with a short backoff, until it is finished.
func (e *runnerEnv) waitDone(t *testing.T, j survey.ReportJob) survey.ReportJob {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for wait := 5 * time.Millisecond; ; wait = min(2*wait, 200*time.Millisecond) {
		got := e.status(t, j)
		if !got.Active() {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still %s after 60 s", j.ID, got.Status)
		}
		time.Sleep(wait)
	}
}

// waitEntered waits until n jobs are held at the gate.
func (e *runnerEnv) waitEntered(t *testing.T, n int) {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for range n {
		select {
		case <-e.store.entered:
		case <-timeout:
			t.Fatalf("fewer than %d jobs started within 30 s", n)
		}
	}
}

// At most reportWorkers jobs are worked on at once; the others wait,
// queued, and run when a slot frees.
func TestReportRunnerBoundsConcurrentJobs(t *testing.T) {
	e := newRunnerEnv(t)
	jobs := []survey.ReportJob{e.create(t, e.users[0], "en"), e.create(t, e.users[0], "nl"), e.create(t, e.users[1], "en")}
	e.waitEntered(t, reportWorkers)
	var running, queued int
	for _, j := range jobs {
		switch e.status(t, j).Status {
		case survey.ReportRunning:
			running++
		case survey.ReportQueued:
			queued++
		}
	}
	if running != reportWorkers || queued != len(jobs)-reportWorkers {
		t.Fatalf("%d running and %d queued, want %d and %d", running, queued, reportWorkers, len(jobs)-reportWorkers)
	}
	close(e.store.gate)
	for _, j := range jobs {
		if got := e.waitDone(t, j); got.Status != survey.ReportDone {
			t.Errorf("job %s = %+v", j.ID, got)
		}
	}
	e.store.mu.Lock()
	most := e.store.most
	e.store.mu.Unlock()
	if most > reportWorkers {
		t.Errorf("%d jobs worked on at once, want at most %d", most, reportWorkers)
	}
}

// A job runs to done once the gate opens, and the instance refuses more
// jobs than its backlog holds before storing anything.
func TestReportRunnerFinishesAndRefusesBeyondItsBacklog(t *testing.T) {
	e := newRunnerEnv(t)
	e.runner.backlog = make(chan struct{}, 2)
	a, b := e.create(t, e.users[0], "en"), e.create(t, e.users[1], "en")
	_, err := e.runner.create(context.Background(), survey.ReportJob{UserID: e.users[0].ID, PulseID: e.pulse, Lang: "en"})
	if !errors.Is(err, errReportBusy) {
		t.Fatalf("a job beyond the backlog: %v", err)
	}
	if jobs, _ := e.store.ReportJobs(context.Background(), e.users[0].ID, 10); len(jobs) != 1 {
		t.Fatalf("%d jobs stored for the user, want 1 (the refused one is not stored)", len(jobs))
	}
	close(e.store.gate)
	for _, j := range []survey.ReportJob{a, b} {
		if got := e.waitDone(t, j); got.Status != survey.ReportDone || got.Size == 0 || got.Done != got.Total || got.Total == 0 {
			t.Errorf("job = %+v", got)
		}
	}
	// The backlog is free again.
	e.create(t, e.users[0], "en")
}

// At shutdown, jobs waiting for a slot and jobs still analysing end as
// failed with "please try again" rather than hanging.
func TestReportRunnerStopFailsUnfinishedJobs(t *testing.T) {
	e := newRunnerEnv(t)
	jobs := []survey.ReportJob{e.create(t, e.users[0], "en"), e.create(t, e.users[0], "nl"), e.create(t, e.users[1], "en")}
	e.waitEntered(t, reportWorkers)
	e.runner.stop(context.Background())
	for _, j := range jobs {
		if got := e.status(t, j); got.Status != survey.ReportFailed || got.ErrorKey != survey.KeyReportJobLost {
			t.Errorf("job after shutdown = %+v, want failed with %s", got, survey.KeyReportJobLost)
		}
	}
	if _, err := e.runner.create(context.Background(), survey.ReportJob{UserID: e.users[1].ID, PulseID: e.pulse, Lang: "en"}); !errors.Is(err, errReportBusy) {
		t.Errorf("a job after shutdown: %v", err)
	}
}
