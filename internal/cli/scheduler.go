package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"trots/analysis"
	"trots/survey/lifecycle"
)

// scheduleEvery is how often `trots serve` opens and closes pulses on
// their dates, unless --schedule-every (TROTS_SCHEDULE_EVERY) says other.
const scheduleEvery = time.Minute

// everyFlag is `trots serve --schedule-every`, defaulting to
// TROTS_SCHEDULE_EVERY or scheduleEvery; err holds a bad environment
// value, reported after parsing.
type everyFlag struct {
	d   time.Duration
	err error
}

func scheduleFlag(fs *flag.FlagSet) *everyFlag {
	f := &everyFlag{d: scheduleEvery}
	parse := func(v string) (time.Duration, error) {
		d, err := time.ParseDuration(v)
		if v == "0" {
			d, err = 0, nil
		}
		if err != nil || d < 0 {
			return 0, fmt.Errorf("want a duration such as 1m or 30s, 0 to switch the scheduler off")
		}
		return d, nil
	}
	if v := env("TROTS_SCHEDULE_EVERY", ""); v != "" {
		d, err := parse(v)
		if err != nil {
			err = fmt.Errorf("TROTS_SCHEDULE_EVERY=%q: %w", v, err)
		}
		f.d, f.err = d, err
	}
	fs.Func("schedule-every", fmt.Sprintf("how often pulses are opened and closed on their dates; 0 switches this off (TROTS_SCHEDULE_EVERY, now %s)", f.d),
		func(v string) error {
			d, err := parse(v)
			if err != nil {
				return err
			}
			f.d, f.err = d, nil
			return nil
		})
	return f
}

// scheduler runs lifecycle.Tick now and then every interval, until its
// context ends. Several instances on one PostgreSQL may run it together:
// Tick is idempotent and opens or closes each pulse once.
type scheduler struct {
	store lifecycle.Store
	every time.Duration
	now   func() time.Time
	log   *slog.Logger
	// ticked, when set, receives each tick's report (tests wait on it).
	ticked chan<- lifecycle.Report
}

// start runs the scheduler in the background; stop cancels it and waits
// for a tick in progress, so that the store may be closed after it.
func (sc *scheduler) start(ctx context.Context) (stop func()) {
	if sc.every <= 0 {
		sc.log.Info("scheduler off: pulses open and close by hand only (TROTS_SCHEDULE_EVERY)")
		return func() {}
	}
	if sc.now == nil {
		sc.now = time.Now
	}
	// A draft whose window passed is reported once per process, not
	// every minute.
	warned := map[string]bool{}
	return every(ctx, sc.every, func(ctx context.Context) bool {
		rep, err := lifecycle.Tick(ctx, sc.store, sc.now(), analysis.DefaultConfig())
		if ctx.Err() != nil {
			return false
		}
		for _, p := range rep.Opened {
			sc.log.Info("scheduler opened a pulse", "pulse", p.ID, "opens", p.Opens.Format(time.RFC3339))
		}
		for _, p := range rep.Closed {
			sc.log.Info("scheduler closed a pulse and stored its results", "pulse", p.ID, "closes", p.Closes.Format(time.RFC3339))
		}
		for _, p := range rep.Missed {
			if !warned[p.ID] {
				warned[p.ID] = true
				sc.log.Warn("a draft pulse passed its closing time before it opened; it stays a draft", "pulse", p.ID)
			}
		}
		if err != nil {
			sc.log.Error("scheduler", "error", err.Error())
		}
		if sc.ticked != nil {
			select {
			case sc.ticked <- rep:
			case <-ctx.Done():
				return false
			}
		}
		return true
	})
}
