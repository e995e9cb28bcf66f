package survey

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Retention by default: every pulse carries its own retention period
// (Pulse.RetentionMonths, 12 months unless HR chose another when creating
// it), and what trots keeps about people besides answers goes too:
// invitations of closed pulses, the notes of old decisions, accounts
// disabled long ago, finished report jobs and expired sessions.

// duePulses returns the ids of the closed pulses with stored results whose
// own retention period has passed at now, oldest first.
func (s *Store) duePulses(db *gorm.DB, now time.Time) ([]pulseRow, error) {
	var rows []pulseRow
	if err := purgeable(db, now).Order("closed_at, id").Find(&rows).Error; err != nil {
		return nil, internal("list pulses past their retention period", err)
	}
	out := rows[:0]
	for _, r := range rows {
		if due := r.domain().PurgeDue(); !due.IsZero() && !now.Before(due) {
			out = append(out, r)
		}
	}
	return out, nil
}

// PurgeableDue lists what PurgeDue(now) would delete.
func (s *Store) PurgeableDue(ctx context.Context, now time.Time) ([]Purge, error) {
	db := s.r.WithContext(ctx)
	rows, err := s.duePulses(db, now)
	if err != nil {
		return nil, err
	}
	return purgeCounts(db, rows)
}

// PurgeDue deletes the raw answers of every closed pulse whose own
// retention period (RetentionMonths after it closed) has passed at now,
// as PurgeRawAnswers does for a single cut-off.
func (s *Store) PurgeDue(ctx context.Context, now time.Time, redact func(result json.RawMessage) (json.RawMessage, error)) ([]Purge, error) {
	rows, err := s.duePulses(s.r.WithContext(ctx), now)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return s.purge(ctx, ids, now, redact)
}

// RecordPolicy says how long records about people are kept.
type RecordPolicy struct {
	// DecisionMonths: the note and the author's address of a decision
	// older than this are blanked; its choice, verdict, date and the
	// author's role stay. 0 means DefaultRetentionMonths.
	DecisionMonths int
	// DisabledMonths: an account disabled longer ago than this is deleted,
	// or, when decisions refer to it, stripped of its address and password.
	// 0 means DefaultRetentionMonths.
	DisabledMonths int
}

// Months are the policy's periods with the defaults filled in.
func (p RecordPolicy) Months() (decisions, disabled int) {
	decisions, disabled = p.DecisionMonths, p.DisabledMonths
	if decisions <= 0 {
		decisions = DefaultRetentionMonths
	}
	if disabled <= 0 {
		disabled = DefaultRetentionMonths
	}
	return decisions, disabled
}

// Expired counts what ExpireRecords (and accounts.Store.ExpireAccounts:
// Accounts, Sessions) removed.
type Expired struct {
	Invitations, DecisionNotes, Accounts, ReportJobs, Sessions int
	// ActionAuthors counts entries of action plans' logs whose author's
	// address was blanked.
	ActionAuthors int
}

// ExpireRecords applies the retention to what trots keeps besides answers,
// at time now, in one transaction:
//
//   - invitations (hashes of tokens, and whether they were used) of closed
//     pulses: nobody can answer any more, and a used flag says who took part;
//   - the note and the author's address of decisions older than
//     DecisionMonths (choice, verdict, date and role stay), and the
//     author's address in entries of action plans' logs as old;
//   - report jobs past ReportJobTTL.
//
// Accounts disabled long ago, sessions and account links are the accounts
// package's (accounts.Store.ExpireAccounts), under the same policy.
func (s *Store) ExpireRecords(ctx context.Context, now time.Time, p RecordPolicy) (Expired, error) {
	now = now.UTC()
	decMonths, _ := p.Months()
	var ex Expired
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Where("pulse_id IN (SELECT id FROM pulses WHERE status = ?)", string(PulseClosed)).Delete(&invitationRow{})
		if res.Error != nil {
			return internal("expire invitations", res.Error)
		}
		ex.Invitations = int(res.RowsAffected)

		res = tx.Model(&decisionRow{}).Where("decided_at < ? AND (note <> '' OR user_email <> '')", now.AddDate(0, -decMonths, 0)).
			Updates(map[string]any{"note": "", "user_email": ""})
		if res.Error != nil {
			return internal("expire decision notes", res.Error)
		}
		ex.DecisionNotes = int(res.RowsAffected)

		res = tx.Model(&actionEventRow{}).Where("at < ? AND user_email <> ''", now.AddDate(0, -decMonths, 0)).
			Update("user_email", "")
		if res.Error != nil {
			return internal("expire action log addresses", res.Error)
		}
		ex.ActionAuthors = int(res.RowsAffected)

		res = tx.Where("created_at < ?", now.Add(-ReportJobTTL)).Delete(&reportJobRow{})
		if res.Error != nil {
			return internal("expire report jobs", res.Error)
		}
		ex.ReportJobs = int(res.RowsAffected)

		return nil
	})
	if err != nil {
		return Expired{}, fmt.Errorf("survey: retention of records: %w", err)
	}
	return ex, nil
}
