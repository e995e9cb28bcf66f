package cli

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"trots/survey"
	"trots/survey/storetest"
)

// messages is a slog handler that sends each record's message on a
// channel, so that a test can wait for a background job's log line.
type messages chan string

func (m messages) Enabled(context.Context, slog.Level) bool { return true }
func (m messages) Handle(ctx context.Context, r slog.Record) error {
	select {
	case m <- r.Message:
	case <-ctx.Done():
	}
	return nil
}
func (m messages) WithAttrs([]slog.Attr) slog.Handler { return m }
func (m messages) WithGroup(string) slog.Handler      { return m }

// trots serve's sealer seals at once on PostgreSQL.
func TestSealerSealsAtStart(t *testing.T) {
	s := storetest.Open(t, storetest.PostgresDSN(t))
	d := storetest.MustDepartment(t, s, "ICT", 10)
	p := storetest.MustOpenPulse(t, s, "pulse", 1)
	for range 2 {
		if _, err := s.Submit(context.Background(), survey.Submission{Link: survey.Link{PulseID: p.ID, DepartmentID: d.ID}, Key: survey.NewID()}); err != nil {
			t.Fatal(err)
		}
	}
	msgs := make(messages, 4)
	stop := startSealer(context.Background(), s, time.Hour, slog.New(msgs))
	if got := <-msgs; got != "order of arrival sealed" {
		t.Errorf("first log line of the sealer: %q", got)
	}
	stop()
	if rep, err := s.Seal(context.Background()); err != nil || rep.Pulses != 0 {
		t.Errorf("after the sealer ran, Seal still finds work: %+v, %v", rep, err)
	}

}
