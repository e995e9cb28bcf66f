package accounts

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"trots/survey"
)

// What an administrator changes about an account: its role, whether it is
// enabled, its sessions. One rule holds over all of it: there is always an
// enabled administrator, or nobody could manage the console again without
// a shell on the server.

// lockUsers serialises the changes that check the last administrator: on
// PostgreSQL two transactions could each see the other admin still active
// and both go ahead; SQLite has one writer anyway.
func (s *Store) lockUsers(tx *gorm.DB) error {
	if s.st.Dialect() != survey.Postgres {
		return nil
	}
	if err := tx.Exec("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE").Error; err != nil {
		return internal("lock users", err)
	}
	return nil
}

// keepAnAdmin refuses a change that would leave no enabled administrator
// besides the account id (survey.EConflict "last_admin").
func keepAnAdmin(tx *gorm.DB, id string) error {
	var n int64
	if err := tx.Model(&userRow{}).Where("role = ? AND NOT disabled AND id <> ?", string(RoleAdmin), id).Count(&n).Error; err != nil {
		return internal("count administrators", err)
	}
	if n == 0 {
		return errorf(survey.EConflict, "last_admin", "the last active administrator cannot be disabled or given another role")
	}
	return nil
}

// SetUserRole gives the account id a role (and, for a lead, a department)
// and returns it before and after. Taking the role from the last enabled
// administrator is survey.EConflict ("last_admin").
func (s *Store) SetUserRole(ctx context.Context, id string, role Role, departmentID string) (before, after User, err error) {
	want := User{Email: "x@example.org", Role: role, DepartmentID: departmentID}
	if err := want.Validate(); err != nil {
		return User{}, User{}, err
	}
	err = s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.lockUsers(tx); err != nil {
			return err
		}
		row, err := s.userRow(tx, "id = ?", id)
		if err != nil {
			return err
		}
		before = row.domain()
		if row.Role == string(RoleAdmin) && role != RoleAdmin && !row.Disabled {
			if err := keepAnAdmin(tx, id); err != nil {
				return err
			}
		}
		var dept *string
		if departmentID != "" {
			dept = &departmentID
		}
		if err := tx.Model(&userRow{ID: id}).Updates(map[string]any{"role": string(role), "department_id": dept}).Error; err != nil {
			if isForeignKeyViolation(err) {
				return errorf(survey.ENotFound, "department_not_found", "no department %q", departmentID)
			}
			return internal("change role", err)
		}
		if before.Role != role || before.DepartmentID != departmentID {
			if err := s.roleChanged(tx, row, role); err != nil {
				return err
			}
		}
		row.Role, row.DepartmentID = string(role), dept
		after = row.domain()
		return nil
	})
	return before, after, err
}

// What an account was handed under its role must not outlive it: a report
// job was made for the role and branch of its maker (a viewer's report of
// the organisation, with the comments a lead may not read), a reset link
// is a password in transit for the account as it was, and the links an
// administrator made (invitations, resets) are the administrator's power,
// which must not stay behind as a way back in for someone removed.

// roleChanged ends, in tx, what the account row was handed under its old
// role now that it gets role (or another department): its report jobs and
// unused reset links, and, when it stops being an administrator, the
// unused links it made.
func (s *Store) roleChanged(tx *gorm.DB, row userRow, role Role) error {
	if err := tx.Exec("DELETE FROM report_jobs WHERE user_id = ?", row.ID).Error; err != nil {
		return internal("end report jobs", err)
	}
	return s.endLinks(tx, row, row.Role == string(RoleAdmin) && role != RoleAdmin)
}

// endLinks deletes the unused reset links of the account row and, with
// made, the unused links it made (named by its address in created_by).
func (s *Store) endLinks(tx *gorm.DB, row userRow, made bool) error {
	if err := tx.Where("user_id = ? AND kind = ? AND used_at IS NULL", row.ID, string(LinkReset)).Delete(&accountLinkRow{}).Error; err != nil {
		return internal("end reset links", err)
	}
	if !made {
		return nil
	}
	if err := tx.Where("created_by = ? AND used_at IS NULL", survey.AuditActor(row.Email)).Delete(&accountLinkRow{}).Error; err != nil {
		return internal("end links made", err)
	}
	return nil
}

// SetUserDisabled switches the account id off (ending at once its
// sessions, its API tokens, its unused reset links and the unused links it
// made) or on again. Disabling the last enabled administrator is
// survey.EConflict ("last_admin").
func (s *Store) SetUserDisabled(ctx context.Context, id string, disabled bool) (User, error) {
	var out User
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.lockUsers(tx); err != nil {
			return err
		}
		row, err := s.userRow(tx, "id = ?", id)
		if err != nil {
			return err
		}
		if err := s.setDisabled(tx, row, disabled); err != nil {
			return err
		}
		row.Disabled = disabled
		out = row.domain()
		return nil
	})
	return out, err
}

func (s *Store) setDisabled(tx *gorm.DB, row userRow, disabled bool) error {
	upd := map[string]any{"disabled": disabled}
	if disabled {
		if row.Role == string(RoleAdmin) && !row.Disabled {
			if err := keepAnAdmin(tx, row.ID); err != nil {
				return err
			}
		}
		// The first disabling starts the period after which the retention
		// removes the account (retention.go).
		if !row.DisabledAt.Valid {
			upd["disabled_at"] = s.now().UTC()
		}
	} else {
		upd["disabled_at"] = nil
	}
	if err := tx.Model(&userRow{ID: row.ID}).Updates(upd).Error; err != nil {
		return internal("disable user", err)
	}
	if disabled {
		if err := tx.Where("user_id = ?", row.ID).Delete(&sessionRow{}).Error; err != nil {
			return internal("end sessions", err)
		}
		// Its API tokens end for good: enabling the account again must
		// not bring back a token it was disabled over (a leak).
		if err := tx.Where("user_id = ?", row.ID).Delete(&apiTokenRow{}).Error; err != nil {
			return internal("end API tokens", err)
		}
		if err := s.endLinks(tx, row, true); err != nil {
			return err
		}
	}
	return nil
}

// SessionInfo is a live session as an administrator sees it: a handle
// that names it (not its token), and its times.
type SessionInfo struct {
	Handle                       string
	Created, LastSeen, ExpiresAt time.Time
}

// handleLen is how many hex digits of a stored hash name a session or an
// API token: enough to tell one account's apart, too few to matter.
const handleLen = 16

// handleOf is the handle of a stored hash.
func handleOf(hash string) string { return hash[:min(len(hash), handleLen)] }

// SessionHandle is the handle of the session of token.
func SessionHandle(token string) string { return sessionHash(token)[:handleLen] }

// UserSessions lists the live sessions of the account id, newest first.
func (s *Store) UserSessions(ctx context.Context, id string) ([]SessionInfo, error) {
	now := s.now().UTC()
	var rows []sessionRow
	err := s.r.WithContext(ctx).Where("user_id = ? AND expires_at > ? AND last_seen_at > ?", id, now, now.Add(-SessionIdle)).
		Order("created_at DESC").Find(&rows).Error
	if err != nil {
		return nil, internal("list sessions", err)
	}
	out := make([]SessionInfo, len(rows))
	for i, r := range rows {
		out[i] = SessionInfo{Handle: handleOf(r.IDHash), Created: r.CreatedAt.UTC(), LastSeen: r.LastSeenAt.UTC(), ExpiresAt: r.ExpiresAt.UTC()}
	}
	return out, nil
}

// validHandle keeps what goes into a LIKE pattern to hex digits.
func validHandle(h string) bool {
	if len(h) != handleLen {
		return false
	}
	for _, r := range h {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}

// EndUserSession ends the session handle of the account id; an unknown
// one is survey.ENotFound ("session_not_found").
func (s *Store) EndUserSession(ctx context.Context, id, handle string) error {
	if !validHandle(handle) {
		return errorf(survey.ENotFound, "session_not_found", "no such session")
	}
	res := s.w.WithContext(ctx).Where("user_id = ? AND id_hash LIKE ?", id, handle+"%").Delete(&sessionRow{})
	if res.Error != nil {
		return internal("end session", res.Error)
	}
	if res.RowsAffected == 0 {
		return errorf(survey.ENotFound, "session_not_found", "no such session")
	}
	return nil
}

// EndUserSessions ends every session of the account id and says how many.
func (s *Store) EndUserSessions(ctx context.Context, id string) (int, error) {
	res := s.w.WithContext(ctx).Where("user_id = ?", id).Delete(&sessionRow{})
	if res.Error != nil {
		return 0, internal("end sessions", res.Error)
	}
	return int(res.RowsAffected), nil
}

// RevokeAPIToken ends the API token handle of the account id; an unknown
// one is survey.ENotFound ("api_token_not_found"). It returns the token's name.
func (s *Store) RevokeAPIToken(ctx context.Context, id, handle string) (string, error) {
	notFound := errorf(survey.ENotFound, "api_token_not_found", "no such API token")
	if !validHandle(handle) {
		return "", notFound
	}
	var row apiTokenRow
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("user_id = ? AND token_hash LIKE ?", id, handle+"%").Take(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return notFound
			}
			return internal("read API token", err)
		}
		if err := tx.Delete(&apiTokenRow{TokenHash: row.TokenHash}).Error; err != nil {
			return internal("revoke API token", err)
		}
		return nil
	})
	return row.Name, err
}
