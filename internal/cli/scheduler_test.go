package cli

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"trots/survey"
	"trots/survey/lifecycle"
	"trots/survey/storetest"
)

// duePulses stores a draft whose opening time has come and an open pulse
// whose closing time has passed, at now.
func duePulses(t *testing.T, s *survey.Store, now time.Time) (toOpen, toClose survey.Pulse) {
	t.Helper()
	ctx := context.Background()
	storetest.MustDepartment(t, s, "ICT", 10)
	toOpen, err := s.CreatePulse(ctx, survey.Pulse{Name: "Due", QuestionnaireID: "pulse", QuestionnaireVersion: 1,
		Opens: now.Add(-time.Minute), Closes: now.Add(14 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	toClose, err = s.CreatePulse(ctx, survey.Pulse{Name: "Ending", QuestionnaireID: "pulse", QuestionnaireVersion: 1,
		Closes: now.Add(-time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if toClose, err = s.OpenPulse(ctx, toClose.ID); err != nil {
		t.Fatal(err)
	}
	return toOpen, toClose
}

func TestSchedulerTicksAtStartAndStopsCleanly(t *testing.T) {
	s := storetest.Open(t, storetest.SQLiteDSN(t))
	now := time.Now()
	toOpen, toClose := duePulses(t, s, now)
	ticked := make(chan lifecycle.Report)
	sc := &scheduler{store: s, every: time.Hour, now: func() time.Time { return now },
		log: slog.New(slog.NewTextHandler(io.Discard, nil)), ticked: ticked}
	stop := sc.start(context.Background())
	var rep lifecycle.Report
	select {
	case rep = <-ticked:
	case <-time.After(20 * time.Second):
		t.Fatal("the scheduler did not tick at start")
	}
	stop()
	if len(rep.Opened) != 1 || rep.Opened[0].ID != toOpen.ID || len(rep.Closed) != 1 || rep.Closed[0].ID != toClose.ID || len(rep.Failed) != 0 {
		t.Fatalf("report %+v", rep)
	}
	if _, err := s.PulseResult(context.Background(), toClose.ID); err != nil {
		t.Fatalf("closed without results: %v", err)
	}
	off := &scheduler{store: s, every: 0, log: slog.New(slog.NewTextHandler(io.Discard, nil)), ticked: ticked}
	off.start(context.Background())()
}

// `trots serve` opens and closes pulses on their dates.
func TestServeRunsTheScheduler(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "trots.db")
	s, err := survey.Open(context.Background(), dsn, survey.Options{})
	if err != nil {
		t.Fatal(err)
	}
	toOpen, toClose := duePulses(t, s, time.Now())
	s.Close()
	t.Setenv("TROTS_SCHEDULE_EVERY", "50ms")
	_, stop := serveOn(t, dsn)
	s = storetest.Open(t, dsn)
	deadline := time.Now().Add(10 * time.Second)
	for {
		a, _ := s.Pulse(context.Background(), toOpen.ID)
		b, _ := s.Pulse(context.Background(), toClose.ID)
		if a.Status == survey.PulseOpen && b.Status == survey.PulseClosed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not schedule: %s, %s", a.Status, b.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exit %d", code)
	}
	if _, err := s.PulseResult(context.Background(), toClose.ID); err != nil {
		t.Fatalf("closed by serve without results: %v", err)
	}

	t.Setenv("TROTS_SCHEDULE_EVERY", "often")
	if code, _, stderr := runCmd(t, "serve", "--db", dsn, "--addr", "127.0.0.1:0"); code != 2 || !strings.Contains(stderr, "TROTS_SCHEDULE_EVERY") {
		t.Fatalf("serve with a bad schedule: %d %q", code, stderr)
	}
	t.Setenv("TROTS_SCHEDULE_EVERY", "")
	if code, _, stderr := runCmd(t, "serve", "--db", dsn, "--addr", "127.0.0.1:0", "--schedule-every", "-1s"); code != 2 || !strings.Contains(stderr, "schedule-every") {
		t.Fatalf("serve with a negative schedule: %d %q", code, stderr)
	}
}
