package accounts

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"time"

	"gorm.io/gorm"

	"trots/survey"
)

// Accounts are made and recovered through one-time links, so that nobody
// needs a shell on the server: an administrator invites an address with a
// role, or issues a password reset for an account; a fresh install prints
// a setup link for the first administrator. The link lets its holder
// choose a password (the usual rules), once, before it expires. Only a
// keyed hash of the token is stored (survey.Store.TokenHash, under the key file).

// AccountLinkKind is what a one-time link does.
type AccountLinkKind string

const (
	// LinkInvite makes a new account with the invited address and role.
	LinkInvite AccountLinkKind = "invite"
	// LinkReset sets a new password for an existing account.
	LinkReset AccountLinkKind = "reset"
	// LinkSetup makes the first administrator; it works only while there
	// is no account at all, and its holder chooses the address.
	LinkSetup AccountLinkKind = "setup"
)

// DefaultAccountLinkLifetime is how long a link works unless its maker
// says otherwise.
const DefaultAccountLinkLifetime = 72 * time.Hour

// MaxAccountLinkLifetime bounds it: a link is a password in transit.
const MaxAccountLinkLifetime = 14 * 24 * time.Hour

// AccountLinkKeep is how long after its expiry a link is kept, so that it
// can still say it was used or expired (ExpireAccounts then deletes it).
const AccountLinkKeep = 30 * 24 * time.Hour

// AccountLink is what a link's holder may do, as shown before they choose
// a password.
type AccountLink struct {
	Kind AccountLinkKind
	// Email is the address of the account ("" for a setup link).
	Email        string
	Role         Role
	DepartmentID string
	UserID       string
	CreatedBy    string
	CreatedAt    time.Time
	ExpiresAt    time.Time
}

type accountLinkRow struct {
	TokenHash    string `gorm:"primaryKey"`
	Kind         string
	Email        string
	Role         string
	DepartmentID *string
	UserID       *string
	CreatedBy    string
	CreatedAt    time.Time
	ExpiresAt    time.Time
	UsedAt       *time.Time
}

func (accountLinkRow) TableName() string { return "account_links" }

func (r accountLinkRow) domain() AccountLink {
	l := AccountLink{Kind: AccountLinkKind(r.Kind), Email: r.Email, Role: Role(r.Role), CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt.UTC(), ExpiresAt: r.ExpiresAt.UTC()}
	if r.DepartmentID != nil {
		l.DepartmentID = *r.DepartmentID
	}
	if r.UserID != nil {
		l.UserID = *r.UserID
	}
	return l
}

// accountLinkTokenLen is the length of a token: 32 random bytes, base64url.
const accountLinkTokenLen = 43

func newAccountLinkToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func validAccountLinkToken(t string) bool {
	if len(t) != accountLinkTokenLen {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(t)
	return err == nil
}

func checkLinkLifetime(d time.Duration) error {
	if d < time.Hour || d > MaxAccountLinkLifetime {
		return errorf(survey.EInvalid, "account_link_lifetime", "a link works from 1 hour to 14 days")
	}
	return nil
}

// InviteUser stores a one-time invitation for u's address and role, made
// by the account (or "cli:...") named by, and returns its token. The
// address may not have an account yet.
func (s *Store) InviteUser(ctx context.Context, u User, by string, lifetime time.Duration) (string, AccountLink, error) {
	if err := checkLinkLifetime(lifetime); err != nil {
		return "", AccountLink{}, err
	}
	if err := u.Validate(); err != nil {
		return "", AccountLink{}, err
	}
	if u.Role == RoleLead {
		if _, err := s.st.Department(ctx, u.DepartmentID); err != nil {
			return "", AccountLink{}, err
		}
	}
	if _, err := s.UserByEmail(ctx, u.Email); err == nil {
		return "", AccountLink{}, errorf(survey.EConflict, "user_exists", "an account for %s already exists", u.Email)
	} else if survey.ErrorCode(err) != survey.ENotFound {
		return "", AccountLink{}, err
	}
	row := accountLinkRow{Kind: string(LinkInvite), Email: u.Email, Role: string(u.Role)}
	if u.DepartmentID != "" {
		row.DepartmentID = &u.DepartmentID
	}
	return s.storeAccountLink(ctx, row, by, lifetime)
}

// NewResetLink stores a one-time password reset for the account userID.
// A disabled account gets none: it is enabled first.
func (s *Store) NewResetLink(ctx context.Context, userID, by string, lifetime time.Duration) (string, AccountLink, error) {
	if err := checkLinkLifetime(lifetime); err != nil {
		return "", AccountLink{}, err
	}
	u, err := s.UserByID(ctx, userID)
	if err != nil {
		return "", AccountLink{}, err
	}
	if u.Disabled {
		return "", AccountLink{}, errorf(survey.EConflict, "user_disabled", "the account %s is disabled", u.Email)
	}
	return s.storeAccountLink(ctx, accountLinkRow{Kind: string(LinkReset), Email: u.Email, Role: string(u.Role), UserID: &u.ID}, by, lifetime)
}

// NewSetupLink stores a one-time link that makes the first administrator,
// while there is no account; earlier setup links stop working. With an
// account it is survey.EConflict ("setup_done").
func (s *Store) NewSetupLink(ctx context.Context, lifetime time.Duration) (string, AccountLink, error) {
	if err := checkLinkLifetime(lifetime); err != nil {
		return "", AccountLink{}, err
	}
	n, err := s.CountUsers(ctx)
	if err != nil {
		return "", AccountLink{}, err
	}
	if n > 0 {
		return "", AccountLink{}, errorf(survey.EConflict, "setup_done", "there are accounts already")
	}
	if err := s.w.WithContext(ctx).Where("kind = ? AND used_at IS NULL", string(LinkSetup)).Delete(&accountLinkRow{}).Error; err != nil {
		return "", AccountLink{}, internal("end earlier setup links", err)
	}
	return s.storeAccountLink(ctx, accountLinkRow{Kind: string(LinkSetup), Role: string(RoleAdmin)}, "system:setup", lifetime)
}

func (s *Store) storeAccountLink(ctx context.Context, row accountLinkRow, by string, lifetime time.Duration) (string, AccountLink, error) {
	token := newAccountLinkToken()
	now := s.now().UTC()
	row.TokenHash, row.CreatedBy, row.CreatedAt, row.ExpiresAt = s.st.TokenHash(token), survey.AuditActor(by), now, now.Add(lifetime)
	if err := s.w.WithContext(ctx).Create(&row).Error; err != nil {
		if isForeignKeyViolation(err) {
			return "", AccountLink{}, errorf(survey.ENotFound, "department_not_found", "no such department")
		}
		return "", AccountLink{}, internal("store account link", err)
	}
	return token, row.domain(), nil
}

// AccountLinkByToken returns what a link does. An unknown token is
// survey.ENotFound ("account_link_unknown"); a used or expired one is survey.EConflict
// ("account_link_used", "account_link_expired").
func (s *Store) AccountLinkByToken(ctx context.Context, token string) (AccountLink, error) {
	row, err := s.accountLinkRow(s.r.WithContext(ctx), token)
	if err != nil {
		return AccountLink{}, err
	}
	return row.domain(), nil
}

func (s *Store) accountLinkRow(db *gorm.DB, token string) (accountLinkRow, error) {
	unknown := errorf(survey.ENotFound, "account_link_unknown", "unknown link")
	if !validAccountLinkToken(token) {
		return accountLinkRow{}, unknown
	}
	var row accountLinkRow
	err := db.Take(&row, "token_hash = ?", s.st.TokenHash(token)).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return accountLinkRow{}, unknown
	}
	if err != nil {
		return accountLinkRow{}, internal("read account link", err)
	}
	if row.UsedAt != nil {
		return accountLinkRow{}, errorf(survey.EConflict, "account_link_used", "this link has been used")
	}
	if !s.now().Before(row.ExpiresAt) {
		return accountLinkRow{}, errorf(survey.EConflict, "account_link_expired", "this link expired")
	}
	return row, nil
}

// UseAccountLink spends a link: it sets password (the usual rules) on the
// account the link is for, making it for an invitation, or for a setup
// link with the address email (ignored for the other kinds). A reset ends
// the account's sessions. The link works once: of two uses at the same
// time one wins, the other is survey.EConflict ("account_link_used").
func (s *Store) UseAccountLink(ctx context.Context, token, email, password string) (User, error) {
	row, err := s.accountLinkRow(s.r.WithContext(ctx), token)
	if err != nil {
		return User{}, err
	}
	link := row.domain()
	var target User
	switch link.Kind {
	case LinkSetup:
		target = User{Email: email, Role: RoleAdmin}
		if err := target.Validate(); err != nil {
			return User{}, err
		}
	case LinkInvite:
		target = User{Email: link.Email, Role: link.Role, DepartmentID: link.DepartmentID}
	case LinkReset:
		if target, err = s.UserByID(ctx, link.UserID); err != nil {
			return User{}, err
		}
		if target.Disabled {
			return User{}, errorf(survey.EConflict, "user_disabled", "the account %s is disabled", target.Email)
		}
	}
	if err := validatePassword(password, target.Email); err != nil {
		return User{}, err
	}
	hash, err := hashPassword(ctx, password)
	if err != nil {
		return User{}, internal("hash password", err)
	}
	now := s.now().UTC()
	err = s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&accountLinkRow{}).Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", row.TokenHash, now).
			Update("used_at", now)
		if res.Error != nil {
			return internal("use account link", res.Error)
		}
		if res.RowsAffected != 1 {
			return errorf(survey.EConflict, "account_link_used", "this link has been used")
		}
		switch link.Kind {
		case LinkReset:
			if err := tx.Model(&userRow{}).Where("id = ? AND NOT disabled", target.ID).Update("password_hash", hash).Error; err != nil {
				return internal("set password", err)
			}
			if err := tx.Where("user_id = ?", target.ID).Delete(&sessionRow{}).Error; err != nil {
				return internal("end sessions", err)
			}
			return nil
		case LinkSetup:
			var n int64
			if err := tx.Model(&userRow{}).Count(&n).Error; err != nil {
				return internal("count users", err)
			}
			if n > 0 {
				return errorf(survey.EConflict, "setup_done", "there are accounts already")
			}
		}
		u := userRow{ID: survey.NewID(), Email: target.Email, PasswordHash: hash, Role: string(target.Role), CreatedAt: now}
		if target.DepartmentID != "" {
			u.DepartmentID = &target.DepartmentID
		}
		if err := tx.Create(&u).Error; err != nil {
			if isUniqueViolation(err) {
				return errorf(survey.EConflict, "user_exists", "an account for %s already exists", target.Email)
			}
			if isForeignKeyViolation(err) {
				return errorf(survey.ENotFound, "department_not_found", "no such department")
			}
			return internal("create user", err)
		}
		target = u.domain()
		return nil
	})
	if err != nil {
		return User{}, err
	}
	return target, nil
}

// PendingInvitations lists the invitations not yet used nor expired,
// newest first, so that an administrator sees who has not accepted.
func (s *Store) PendingInvitations(ctx context.Context) ([]AccountLink, error) {
	var rows []accountLinkRow
	err := s.r.WithContext(ctx).Where("kind = ? AND used_at IS NULL AND expires_at > ?", string(LinkInvite), s.now().UTC()).
		Order("created_at DESC").Find(&rows).Error
	if err != nil {
		return nil, internal("list invitations", err)
	}
	out := make([]AccountLink, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}
