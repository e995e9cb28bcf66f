package accounts

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"trots/survey"
)

// Role is what a console user may do.
type Role string

const (
	// RoleAdmin is HR: everything.
	RoleAdmin Role = "admin"
	// RoleViewer is management: the board, reports and decisions.
	RoleViewer Role = "viewer"
	// RoleLead is a department lead: the own department's results only,
	// still subject to the anonymity threshold.
	RoleLead Role = "lead"
	// RoleCouncil is the works council (ondernemingsraad): read-only, it
	// sees the audit log and the board's verdicts, and nothing an
	// administrator's view adds (no comments, links or department admin).
	RoleCouncil Role = "council"
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleViewer, RoleLead, RoleCouncil}

// User is an account of the console. Respondents never have one.
type User struct {
	ID    string
	Email string
	Role  Role
	// DepartmentID is the department of a lead, "" for the other roles.
	DepartmentID string
	Disabled     bool
	CreatedAt    time.Time
	// Lang is the console language the user chose ("" until they choose).
	Lang string
	// LastLogin is the last successful sign-in (zero: never), for the
	// access review.
	LastLogin time.Time
}

type userRow struct {
	ID           string `gorm:"primaryKey"`
	Email        string
	PasswordHash string
	Role         string
	DepartmentID *string
	Disabled     bool
	DisabledAt   sql.NullTime
	CreatedAt    time.Time
	Lang         string
	LastLoginAt  *time.Time
}

func (userRow) TableName() string { return "users" }

func (r userRow) domain() User {
	u := User{ID: r.ID, Email: r.Email, Role: Role(r.Role), Disabled: r.Disabled, CreatedAt: r.CreatedAt.UTC(), Lang: r.Lang}
	if r.DepartmentID != nil {
		u.DepartmentID = *r.DepartmentID
	}
	if r.LastLoginAt != nil {
		u.LastLogin = r.LastLoginAt.UTC()
	}
	return u
}

// NormalizeEmail is the form an address is stored and looked up in.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Validate checks a user before it is stored.
func (u *User) Validate() error {
	u.Email = NormalizeEmail(u.Email)
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email || len(u.Email) > 254 {
		return errorf(survey.EInvalid, "user_email_invalid", "%q is not an e-mail address", u.Email)
	}
	switch u.Role {
	case RoleAdmin, RoleViewer, RoleCouncil:
		if u.DepartmentID != "" {
			return errorf(survey.EInvalid, "user_department_not_lead", "only a lead belongs to a department")
		}
	case RoleLead:
		if u.DepartmentID == "" {
			return errorf(survey.EInvalid, "user_department_missing", "a lead needs a department")
		}
	default:
		return errorf(survey.EInvalid, "user_role_invalid", "role %q: use admin, viewer, lead or council", u.Role)
	}
	return nil
}

func validatePassword(p, email string) error {
	if utf8.RuneCountInString(p) < MinPasswordLength {
		return errorf(survey.EInvalid, "password_short", "a password has at least %d characters", MinPasswordLength)
	}
	if len(p) > 1024 {
		return errorf(survey.EInvalid, "password_long", "a password has at most 1024 bytes")
	}
	return weakPassword(p, email)
}

// CreateUser stores a new account with an argon2id hash of password.
func (s *Store) CreateUser(ctx context.Context, u User, password string) (User, error) {
	if err := u.Validate(); err != nil {
		return User{}, err
	}
	if err := validatePassword(password, u.Email); err != nil {
		return User{}, err
	}
	if u.Role == RoleLead {
		if _, err := s.st.Department(ctx, u.DepartmentID); err != nil {
			return User{}, err
		}
	}
	hash, err := hashPassword(ctx, password)
	if err != nil {
		return User{}, internal("hash password", err)
	}
	row := userRow{ID: survey.NewID(), Email: u.Email, PasswordHash: hash, Role: string(u.Role), CreatedAt: s.now().UTC()}
	if u.DepartmentID != "" {
		row.DepartmentID = &u.DepartmentID
	}
	if err := s.w.WithContext(ctx).Create(&row).Error; err != nil {
		if isUniqueViolation(err) {
			return User{}, errorf(survey.EConflict, "user_exists", "an account for %s already exists", u.Email)
		}
		if isForeignKeyViolation(err) {
			return User{}, errorf(survey.ENotFound, "department_not_found", "no department %q", u.DepartmentID)
		}
		return User{}, internal("create user", err)
	}
	return row.domain(), nil
}

// Users returns every account by e-mail address.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	var rows []userRow
	if err := s.r.WithContext(ctx).Order("email").Find(&rows).Error; err != nil {
		return nil, internal("list users", err)
	}
	out := make([]User, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// CountUsers tells how many accounts exist (0 on a first run).
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int64
	if err := s.r.WithContext(ctx).Model(&userRow{}).Count(&n).Error; err != nil {
		return 0, internal("count users", err)
	}
	return int(n), nil
}

// UserByEmail returns the account of an address.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	if !survey.PlainText(email, false) || len(email) > 320 {
		// No stored address is like this (User.Validate), and PostgreSQL
		// would refuse the query instead of finding nobody.
		return User{}, errorf(survey.ENotFound, "user_not_found", "no such account")
	}
	row, err := s.userRow(s.r.WithContext(ctx), "email = ?", NormalizeEmail(email))
	if err != nil {
		return User{}, err
	}
	return row.domain(), nil
}

// UserByID returns an account by its id.
func (s *Store) UserByID(ctx context.Context, id string) (User, error) {
	row, err := s.userRow(s.r.WithContext(ctx), "id = ?", id)
	if err != nil {
		return User{}, err
	}
	return row.domain(), nil
}

func (s *Store) userRow(db *gorm.DB, where string, arg any) (userRow, error) {
	var row userRow
	err := db.Take(&row, where, arg).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return userRow{}, errorf(survey.ENotFound, "user_not_found", "no such account")
	}
	if err != nil {
		return userRow{}, internal("read user", err)
	}
	return row, nil
}

// DisableUser switches the account of email off and ends its sessions, in
// one transaction (SetUserDisabled). Accounts are never deleted: decisions
// name them. The last enabled administrator stays (survey.EConflict "last_admin").
func (s *Store) DisableUser(ctx context.Context, email string) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.lockUsers(tx); err != nil {
			return err
		}
		row, err := s.userRow(tx, "email = ?", NormalizeEmail(email))
		if err != nil {
			return err
		}
		return s.setDisabled(tx, row, true)
	})
}

// Login throttling: after LoginFreeFailures failed attempts for one account
// from one address, each further attempt must wait twice as long as the one
// before (1 minute, 2, 4, ... up to an hour), even with the right password.
// The count lives in the database so that it holds across instances, and is
// forgotten an hour after the last failure.
const (
	LoginFreeFailures = 5
	loginMaxLock      = time.Hour
	loginForget       = time.Hour
)

type loginFailureRow struct {
	KeyHash     string `gorm:"primaryKey"`
	Failures    int
	LastFailure time.Time
}

func (loginFailureRow) TableName() string { return "login_failures" }

// loginLock is how long after the last failure an account+address pair
// stays locked, given its failure count.
func loginLock(failures int) time.Duration {
	if failures < LoginFreeFailures {
		return 0
	}
	d := time.Minute << min(failures-LoginFreeFailures, 10)
	return min(d, loginMaxLock)
}

func throttleKey(email, ip string) string {
	sum := sha256.Sum256([]byte("login\x00" + NormalizeEmail(email) + "\x00" + ip))
	return hex.EncodeToString(sum[:])
}

// LockedError is the survey.ELocked error; RetryAfter tells how long to wait.
type LockedError struct {
	Err        *survey.Error
	RetryAfter time.Duration
}

func (e *LockedError) Error() string { return e.Err.Error() }
func (e *LockedError) Unwrap() error { return e.Err }

// Authenticate checks an e-mail address and password tried from address ip.
// Every failure - unknown address, wrong password, disabled account - is
// the same survey.EUnauthorized error and costs the same time; too many failures
// give survey.ELocked (a *LockedError) before any password is checked.
func (s *Store) Authenticate(ctx context.Context, email, password, ip string) (User, error) {
	key := throttleKey(email, ip)
	// One attempt per account and client at a time: guesses sent at once
	// would otherwise all pass the check below before any is counted.
	// (Across instances the database count still holds, with a window of
	// one attempt per instance.)
	defer s.logins.lock(key)()
	now := s.now().UTC()
	var fail loginFailureRow
	err := s.w.WithContext(ctx).Take(&fail, "key_hash = ?", key).Error
	switch {
	case err == nil:
		if wait := fail.LastFailure.Add(loginLock(fail.Failures)).Sub(now); wait > 0 && now.Sub(fail.LastFailure) < loginForget {
			return User{}, &LockedError{Err: errorf(survey.ELocked, "login_locked", "too many failed logins"), RetryAfter: wait}
		}
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return User{}, internal("read login failures", err)
	}
	var row userRow
	err = errorf(survey.ENotFound, "user_not_found", "no such user")
	// No stored address holds a control character or invalid UTF-8
	// (User.Validate); PostgreSQL would refuse such a query with an error
	// instead of finding nobody.
	if survey.PlainText(email, false) {
		row, err = s.userRow(s.r.WithContext(ctx), "email = ?", NormalizeEmail(email))
	}
	known := err == nil
	if err != nil && survey.ErrorCode(err) != survey.ENotFound {
		return User{}, err
	}
	hash := row.PasswordHash
	// An account made by single sign-on has no password (noPassword):
	// it is checked against the dummy like an unknown one, and fails.
	signOnOnly := known && hash == noPassword
	if !known || signOnOnly {
		hash = dummyHash
	}
	ok, err := verifyPassword(ctx, hash, password)
	if err != nil && known {
		return User{}, internal("verify password", err)
	}
	if !known || !ok || row.Disabled || signOnOnly {
		if err := s.recordLoginFailure(ctx, key, now); err != nil {
			return User{}, err
		}
		return User{}, errorf(survey.EUnauthorized, "login_failed", "wrong e-mail address or password")
	}
	if err := s.w.WithContext(ctx).Delete(&loginFailureRow{KeyHash: key}).Error; err != nil {
		return User{}, internal("clear login failures", err)
	}
	if err := s.w.WithContext(ctx).Model(&userRow{}).Where("id = ?", row.ID).Update("last_login_at", now).Error; err != nil {
		return User{}, internal("record sign-in", err)
	}
	row.LastLoginAt = &now
	return row.domain(), nil
}

// recordLoginFailure counts one failure in one statement, so that two
// instances counting at once lose nothing.
func (s *Store) recordLoginFailure(ctx context.Context, key string, now time.Time) error {
	err := s.w.WithContext(ctx).Exec(`INSERT INTO login_failures (key_hash, failures, last_failure) VALUES (?, 1, ?)
		ON CONFLICT (key_hash) DO UPDATE SET
			failures = CASE WHEN login_failures.last_failure < ? THEN 1 ELSE login_failures.failures + 1 END,
			last_failure = excluded.last_failure`, key, now, now.Add(-loginForget)).Error
	if err != nil {
		return internal("record login failure", err)
	}
	return nil
}
