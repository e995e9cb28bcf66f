package accounts

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"trots/survey"
)

// noPassword is the password hash of an account made by single sign-on:
// not an argon2id hash, so no password ever matches it (Authenticate).
const noPassword = "!signon"

// SignOnUser makes or updates the console account of someone who signed in
// through the identity provider, with the role (and a lead's department)
// the provider's claims gave now: an account is made at the first sign-in,
// and its role follows the provider at every later one. A disabled account
// stays disabled (survey.EUnauthorized "signon_disabled"); the last enabled
// administrator stays one (survey.EConflict "last_admin"). created tells whether
// the account is new. The sign-in is recorded as the last one.
func (s *Store) SignOnUser(ctx context.Context, u User) (user User, created bool, err error) {
	if err := u.Validate(); err != nil {
		return User{}, false, err
	}
	if u.Role == RoleLead {
		if _, err := s.st.Department(ctx, u.DepartmentID); err != nil {
			return User{}, false, err
		}
	}
	var dept *string
	if u.DepartmentID != "" {
		dept = &u.DepartmentID
	}
	now := s.now().UTC()
	var row userRow
	err = s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Take(&row, "email = ?", u.Email).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			row = userRow{ID: survey.NewID(), Email: u.Email, PasswordHash: noPassword, Role: string(u.Role), DepartmentID: dept,
				CreatedAt: now, LastLoginAt: &now}
			created = true
			return tx.Create(&row).Error
		}
		if err != nil {
			return err
		}
		if row.Disabled {
			return errorf(survey.EUnauthorized, "signon_disabled", "the account of %s is disabled", u.Email)
		}
		if before := row.domain(); before.Role != u.Role || before.DepartmentID != u.DepartmentID {
			// The provider's word changes the role, within the rules an
			// administrator's change keeps (admin.go): the last enabled
			// administrator stays one, and what the old role was handed
			// ends.
			if err := s.lockUsers(tx); err != nil {
				return err
			}
			if before.Role == RoleAdmin && u.Role != RoleAdmin {
				if err := keepAnAdmin(tx, row.ID); err != nil {
					return err
				}
			}
			if err := s.roleChanged(tx, row, u.Role); err != nil {
				return err
			}
		}
		row.Role, row.DepartmentID, row.LastLoginAt = string(u.Role), dept, &now
		return tx.Model(&userRow{}).Where("id = ?", row.ID).
			Updates(map[string]any{"role": row.Role, "department_id": dept, "last_login_at": now}).Error
	})
	if c := survey.ErrorCode(err); c == survey.EUnauthorized || c == survey.EConflict {
		return User{}, false, err
	}
	if err != nil {
		return User{}, false, internal("sign-on account", err)
	}
	return row.domain(), created, nil
}

// EndSignOnAccess ends the sessions and API tokens of the account of email
// when single sign-on made it (it has no password). The server calls it
// when the provider, asked just now, gives the person no role any more:
// what the organisation took away at the provider should not live on in
// trots until a session's end or a token's expiry. A password account is
// left alone (an administrator of trots' own who tries the provider by
// mistake keeps the console), and so is the account itself, whose role
// the next sign-on with a role brings back. It tells how many sessions
// and tokens ended.
func (s *Store) EndSignOnAccess(ctx context.Context, email string) (int, error) {
	if !survey.PlainText(email, false) {
		return 0, nil
	}
	ended := 0
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var row userRow
		err := tx.Take(&row, "email = ?", NormalizeEmail(email)).Error
		if errors.Is(err, gorm.ErrRecordNotFound) || err == nil && row.PasswordHash != noPassword {
			return nil
		}
		if err != nil {
			return err
		}
		for _, t := range []any{&sessionRow{}, &apiTokenRow{}} {
			res := tx.Where("user_id = ?", row.ID).Delete(t)
			if res.Error != nil {
				return res.Error
			}
			ended += int(res.RowsAffected)
		}
		return nil
	})
	if err != nil {
		return 0, internal("end a sign-on account's access", err)
	}
	return ended, nil
}
