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

func (p RecordPolicy) months() (decisions, disabled int) {
	decisions, disabled = p.DecisionMonths, p.DisabledMonths
	if decisions <= 0 {
		decisions = DefaultRetentionMonths
	}
	if disabled <= 0 {
		disabled = DefaultRetentionMonths
	}
	return decisions, disabled
}

// Expired counts what ExpireRecords removed.
type Expired struct {
	Invitations, DecisionNotes, Accounts, ReportJobs, Sessions int
	// ActionAuthors counts entries of action plans' logs whose author's
	// address was blanked.
	ActionAuthors int
}

// RemovedAccountEmail is the address an account gets when the retention
// removes it but decisions still refer to it.
func RemovedAccountEmail(id string) string { return "removed-" + id + "@invalid" }

// ExpireRecords applies the retention to what trots keeps besides answers,
// at time now, in one transaction:
//
//   - invitations (hashes of tokens, and whether they were used) of closed
//     pulses: nobody can answer any more, and a used flag says who took part;
//   - the note and the author's address of decisions older than
//     DecisionMonths (choice, verdict, date and role stay), and the
//     author's address in entries of action plans' logs as old;
//   - accounts disabled more than DisabledMonths ago, with their sessions,
//     API tokens and report jobs; one that decisions or action plans' logs
//     refer to keeps its row (they point at it) under RemovedAccountEmail,
//     without a password;
//   - report jobs past ReportJobTTL and expired or idle sessions;
//   - one-time account links a month past their expiry, used or not: an
//     invitation nobody took up should not keep the address for ever.
func (s *Store) ExpireRecords(ctx context.Context, now time.Time, p RecordPolicy) (Expired, error) {
	now = now.UTC()
	decMonths, disMonths := p.months()
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

		var gone []userRow
		if err := tx.Where("disabled AND disabled_at IS NOT NULL AND disabled_at < ? AND password_hash <> ''", now.AddDate(0, -disMonths, 0)).
			Find(&gone).Error; err != nil {
			return internal("list disabled accounts", err)
		}
		for _, u := range gone {
			for _, t := range []any{&sessionRow{}, &apiTokenRow{}, &reportJobRow{}, &accountLinkRow{}} {
				if err := tx.Where("user_id = ?", u.ID).Delete(t).Error; err != nil {
					return internal("remove account's records", err)
				}
			}
			var refs, logged int64
			if err := tx.Model(&decisionRow{}).Where("user_id = ?", u.ID).Count(&refs).Error; err != nil {
				return internal("count account's decisions", err)
			}
			if err := tx.Model(&actionEventRow{}).Where("user_id = ?", u.ID).Count(&logged).Error; err != nil {
				return internal("count account's action log entries", err)
			}
			if refs+logged == 0 {
				if err := tx.Delete(&userRow{ID: u.ID}).Error; err != nil {
					return internal("remove account", err)
				}
			} else if err := tx.Model(&userRow{ID: u.ID}).Updates(map[string]any{"email": RemovedAccountEmail(u.ID), "password_hash": "", "lang": ""}).Error; err != nil {
				return internal("strip account", err)
			}
			ex.Accounts++
		}

		res = tx.Where("created_at < ?", now.Add(-ReportJobTTL)).Delete(&reportJobRow{})
		if res.Error != nil {
			return internal("expire report jobs", res.Error)
		}
		ex.ReportJobs = int(res.RowsAffected)

		res = tx.Where("expires_at <= ? OR last_seen_at <= ?", now, now.Add(-SessionIdle)).Delete(&sessionRow{})
		if res.Error != nil {
			return internal("expire sessions", res.Error)
		}
		ex.Sessions = int(res.RowsAffected)

		if err := tx.Where("expires_at < ?", now.Add(-AccountLinkKeep)).Delete(&accountLinkRow{}).Error; err != nil {
			return internal("expire account links", err)
		}
		return nil
	})
	if err != nil {
		return Expired{}, fmt.Errorf("survey: retention of records: %w", err)
	}
	return ex, nil
}
