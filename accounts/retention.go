package accounts

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"trots/survey"
)

// RemovedAccountEmail is the address an account gets when the retention
// removes it but decisions or action plans' logs still refer to it.
func RemovedAccountEmail(id string) string { return "removed-" + id + "@invalid" }

// ExpireAccounts applies the records retention (survey.RecordPolicy) to the
// accounts at time now, in one transaction:
//
//   - accounts disabled more than DisabledMonths ago, with their sessions,
//     API tokens, report jobs and one-time links; one that decisions or
//     action plans' logs refer to keeps its row (they point at it) under
//     RemovedAccountEmail, without a password;
//   - expired or idle sessions;
//   - one-time account links AccountLinkKeep past their expiry, used or
//     not: an invitation nobody took up should not keep the address for
//     ever.
//
// It counts the accounts removed and the sessions ended. The survey's
// tables that name an account (decisions, action_events, report_jobs) are
// read by name: they belong to the same schema.
func (s *Store) ExpireAccounts(ctx context.Context, now time.Time, p survey.RecordPolicy) (accounts, sessions int, err error) {
	now = now.UTC()
	_, disMonths := p.Months()
	err = s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var gone []userRow
		if err := tx.Where("disabled AND disabled_at IS NOT NULL AND disabled_at < ? AND password_hash <> ''", now.AddDate(0, -disMonths, 0)).
			Find(&gone).Error; err != nil {
			return internal("list disabled accounts", err)
		}
		for _, u := range gone {
			for _, table := range []string{"sessions", "api_tokens", "report_jobs", "account_links"} {
				if err := tx.Exec("DELETE FROM "+table+" WHERE user_id = ?", u.ID).Error; err != nil {
					return internal("remove account's "+table, err)
				}
			}
			var refs, logged int64
			if err := tx.Table("decisions").Where("user_id = ?", u.ID).Count(&refs).Error; err != nil {
				return internal("count account's decisions", err)
			}
			if err := tx.Table("action_events").Where("user_id = ?", u.ID).Count(&logged).Error; err != nil {
				return internal("count account's action log entries", err)
			}
			if refs+logged == 0 {
				if err := tx.Delete(&userRow{ID: u.ID}).Error; err != nil {
					return internal("remove account", err)
				}
			} else if err := tx.Model(&userRow{ID: u.ID}).Updates(map[string]any{"email": RemovedAccountEmail(u.ID), "password_hash": "", "lang": ""}).Error; err != nil {
				return internal("strip account", err)
			}
			accounts++
		}

		res := tx.Where("expires_at <= ? OR last_seen_at <= ?", now, now.Add(-SessionIdle)).Delete(&sessionRow{})
		if res.Error != nil {
			return internal("expire sessions", res.Error)
		}
		sessions = int(res.RowsAffected)

		if err := tx.Where("expires_at < ?", now.Add(-AccountLinkKeep)).Delete(&accountLinkRow{}).Error; err != nil {
			return internal("expire account links", err)
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("accounts: retention: %w", err)
	}
	return accounts, sessions, nil
}
