package results

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"trots/analysis"
	"trots/server/metrics"
	"trots/survey"
)

// RetentionStore is what the retention needs of the survey store.
type RetentionStore interface {
	CloseStore
	Purgeable(ctx context.Context, before time.Time) ([]survey.Purge, error)
	PurgeRawAnswers(ctx context.Context, before time.Time, redact func(json.RawMessage) (json.RawMessage, error)) ([]survey.Purge, error)
	PurgeableDue(ctx context.Context, now time.Time) ([]survey.Purge, error)
	PurgeDue(ctx context.Context, now time.Time, redact func(json.RawMessage) (json.RawMessage, error)) ([]survey.Purge, error)
	ExpireRecords(ctx context.Context, now time.Time, p survey.RecordPolicy) (survey.Expired, error)
}

var _ RetentionStore = (*survey.Store)(nil)

// AccountRetention is what the retention needs of the accounts
// (accounts.Store): accounts disabled long ago, old sessions and links go
// under the same policy.
type AccountRetention interface {
	ExpireAccounts(ctx context.Context, now time.Time, p survey.RecordPolicy) (accounts, sessions int, err error)
}

// Retention is the policy on raw answers: they are deleted their pulse's
// retention period (survey.Pulse.RetentionMonths, 12 months unless chosen
// otherwise) after it closed, or Months after it closed when that is
// shorter, while its final results are kept. The same run removes the
// records survey.Store.ExpireRecords names (invitations of closed pulses,
// old decision notes, report jobs) and those accounts.Store.ExpireAccounts
// names (long-disabled accounts, sessions, one-time links).
type Retention struct {
	// Months, when not 0, shortens every pulse's retention period to at
	// most this many months (TROTS_RETENTION_MONTHS).
	Months int
	// Records says how long decision notes and disabled accounts are
	// kept (zero: survey.DefaultRetentionMonths each).
	Records survey.RecordPolicy
	// Config is the analysis configuration for pulses that were closed
	// without their final results being stored.
	Config analysis.Config
	// DryRun reports what would be deleted and changes nothing.
	DryRun bool
}

// RetentionReport tells what one run of the retention did.
type RetentionReport struct {
	// Cutoff: raw answers of pulses closed before it are deleted.
	Cutoff time.Time
	// Finalized lists the closed pulses that got their final results
	// stored in this run (a dry run lists those that would).
	Finalized []survey.Pulse
	// Purged lists what was deleted (a dry run: what would be).
	Purged []survey.Purge
	// Skipped holds the closed pulses whose final results could not be
	// computed, with why; their raw answers are kept.
	Skipped map[string]error
	// Expired counts the other records removed (not in a dry run).
	Expired survey.Expired
}

// Cutoff is the moment before which a pulse must have closed for its raw
// answers to go whatever its own period: Months calendar months before
// now; zero when Months is 0.
func (r Retention) Cutoff(now time.Time) time.Time {
	if r.Months == 0 {
		return time.Time{}
	}
	return now.AddDate(0, -r.Months, 0)
}

// Run applies the retention at time now. First every closed pulse without
// final results gets them (a pulse closed before trots recorded closing
// times starts its period now); then the raw answers of the pulses closed
// whose retention period has passed (or closed before the cut-off) are
// deleted, and the other records expire.
func (r Retention) Run(ctx context.Context, st RetentionStore, acc AccountRetention, now time.Time) (RetentionReport, error) {
	rep := RetentionReport{Skipped: map[string]error{}}
	if r.Months < 0 {
		return rep, fmt.Errorf("results: retention of %d months", r.Months)
	}
	rep.Cutoff = r.Cutoff(now)
	pulses, err := st.Pulses(ctx)
	if err != nil {
		return rep, err
	}
	for _, p := range pulses {
		if p.Status != survey.PulseClosed {
			continue
		}
		_, err := st.PulseResult(ctx, p.ID)
		if err == nil {
			continue // it has its final results
		}
		if survey.ErrorCode(err) == survey.ENotFound {
			if r.DryRun {
				rep.Finalized = append(rep.Finalized, p)
				continue
			}
			var stored bool
			if stored, err = SaveFinal(ctx, st, p.ID, r.Config); stored {
				rep.Finalized = append(rep.Finalized, p)
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return rep, ctx.Err()
			}
			rep.Skipped[p.ID] = err
		}
	}
	if r.DryRun {
		rep.Purged, err = st.PurgeableDue(ctx, now)
		if err == nil && r.Months > 0 {
			var more []survey.Purge
			more, err = st.Purgeable(ctx, rep.Cutoff)
			rep.Purged = mergePurges(rep.Purged, more)
		}
		return rep, err
	}
	rep.Purged, err = st.PurgeDue(ctx, now, withoutComments)
	if err == nil && r.Months > 0 {
		var more []survey.Purge
		more, err = Purge(ctx, st, rep.Cutoff)
		rep.Purged = mergePurges(rep.Purged, more)
	}
	if err == nil {
		rep.Expired, err = st.ExpireRecords(ctx, now, r.Records)
	}
	if err == nil {
		rep.Expired.Accounts, rep.Expired.Sessions, err = acc.ExpireAccounts(ctx, now, r.Records)
	}
	n := 0
	for _, pg := range rep.Purged {
		n += pg.Responses
	}
	metrics.FromContext(ctx).Purged(len(rep.Purged), n)
	return rep, err
}

// Purge deletes the raw answers of the pulses closed before the cut-off
// that have final results. The open comments their final results quote are
// raw answers too: they go in the same transaction, and the figures stay.
func Purge(ctx context.Context, st RetentionStore, before time.Time) ([]survey.Purge, error) {
	return st.PurgeRawAnswers(ctx, before, withoutComments)
}

// mergePurges appends the purges of b not in a.
func mergePurges(a, b []survey.Purge) []survey.Purge {
	seen := map[string]bool{}
	for _, p := range a {
		seen[p.PulseID] = true
	}
	for _, p := range b {
		if !seen[p.PulseID] {
			a = append(a, p)
		}
	}
	return a
}

// withoutComments removes the open comments from stored results.
func withoutComments(raw json.RawMessage) (json.RawMessage, error) {
	var res analysis.Result
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, fmt.Errorf("results: stored results: %w", err)
	}
	for _, g := range append([]*analysis.GroupResult{&res.Organisation}, pointers(res.Departments)...) {
		if g.Figures != nil {
			g.Comments = nil
		}
	}
	return json.Marshal(&res)
}

func pointers[T any](s []T) []*T {
	out := make([]*T, len(s))
	for i := range s {
		out[i] = &s[i]
	}
	return out
}
