package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"time"

	"trots/analysis"
	"trots/survey"
)

// Report is what one Tick did.
type Report struct {
	// Opened are the drafts this tick opened, Closed the open pulses it
	// closed (with their final results stored). A pulse another instance
	// opened or closed at the same moment is in neither.
	Opened, Closed []survey.Pulse
	// Missed are drafts whose closing time passed before they were
	// opened: they could take no answers, so they stay drafts for HR to
	// look at rather than opening and closing empty.
	Missed []survey.Pulse
	// Failed holds, per pulse id, what went wrong with it; the other
	// pulses were handled all the same.
	Failed map[string]error
}

// Tick opens the drafts whose opening time has come and closes the open
// pulses whose closing time has passed, as of now. It is what the
// scheduler of `trots serve` runs every minute, and what tests call with
// their own clock.
//
// It is safe to run again, and by several instances on one database at
// once: opening is an UPDATE conditional on the pulse still being a draft
// (Store.OpenPulseAt), closing one conditional on it being open
// (results.Close, through Store.ClosePulse), and the final results are
// stored once per pulse whoever closes it (a unique key and ON CONFLICT DO
// NOTHING in Store.SavePulseResult). A pulse someone else opened or closed
// is skipped, not an error.
//
// A pulse past its closing time refuses answers already (Pulse.AcceptsAt)
// before a tick closes it; the tick makes the close final and stores the
// results.
func Tick(ctx context.Context, st Store, now time.Time, cfg analysis.Config) (Report, error) {
	rep := Report{Failed: map[string]error{}}
	all, err := st.Pulses(ctx)
	if err != nil {
		return rep, fmt.Errorf("lifecycle: scheduler: %w", err)
	}
	for _, p := range all {
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
		switch {
		case p.Status == survey.PulseDraft && !p.Opens.IsZero() && !now.Before(p.Opens):
			if !p.Closes.IsZero() && !now.Before(p.Closes) {
				rep.Missed = append(rep.Missed, p)
				continue
			}
			opened, err := st.OpenPulseAt(ctx, p.ID, now)
			switch {
			case survey.ErrorCode(err) == survey.EConflict:
				// Opened by someone else since we listed it.
			case err != nil:
				rep.Failed[p.ID] = err
			default:
				rep.Opened = append(rep.Opened, opened)
			}
		case p.Status == survey.PulseOpen && !p.Closes.IsZero() && !now.Before(p.Closes):
			closed, err := closePulse(ctx, st, p.ID, cfg)
			switch {
			case err != nil:
				rep.Failed[p.ID] = err
			case closed:
				cur, err := st.Pulse(ctx, p.ID)
				if err != nil {
					rep.Failed[p.ID] = err
					continue
				}
				rep.Closed = append(rep.Closed, cur)
			}
		}
	}
	var errs []error
	for id, err := range rep.Failed {
		errs = append(errs, fmt.Errorf("pulse %s: %w", id, err))
	}
	return rep, errors.Join(errs...)
}
