package accounts

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"trots/survey"
)

// APITokenPrefix starts every API token, so that a leaked one is easy to
// recognise (and to search for in code and logs).
const APITokenPrefix = "trots_"

type apiTokenRow struct {
	TokenHash  string `gorm:"primaryKey"`
	UserID     string
	Name       string
	CreatedAt  time.Time
	ExpiresAt  *time.Time
	LastUsedOn *time.Time
	Scope      string
}

// TokenScope is what an API token may do.
type TokenScope string

const (
	// ScopeFull acts with everything the account's role allows.
	ScopeFull TokenScope = "full"
	// ScopeRead only reads: results, decisions and reports (GET), for a
	// dashboard that must not be able to change anything.
	ScopeRead TokenScope = "read"
)

// DefaultAPITokenLifetime is how long an API token works unless its maker
// says otherwise (`trots user token --expires`).
const DefaultAPITokenLifetime = 90 * 24 * time.Hour

// MaxAPITokenLifetime is the longest a token may be made for: a token that
// outlives every access review is a token nobody reviews.
const MaxAPITokenLifetime = 366 * 24 * time.Hour

func (apiTokenRow) TableName() string { return "api_tokens" }

// NewAPIToken gives the account of email a token for the JSON API, named
// for its use ("power-bi"), valid for DefaultAPITokenLifetime. The token is
// returned once; only its hash is kept. It acts with the account's role and
// ends when the account is disabled.
func (s *Store) NewAPIToken(ctx context.Context, email, name string) (string, error) {
	return s.NewAPITokenFor(ctx, email, name, DefaultAPITokenLifetime)
}

// NewAPITokenFor is NewAPIToken with a lifetime of its own (a day up to
// MaxAPITokenLifetime).
func (s *Store) NewAPITokenFor(ctx context.Context, email, name string, lifetime time.Duration) (string, error) {
	return s.NewScopedAPIToken(ctx, email, name, lifetime, ScopeFull)
}

// NewScopedAPIToken is NewAPITokenFor with a scope.
func (s *Store) NewScopedAPIToken(ctx context.Context, email, name string, lifetime time.Duration, scope TokenScope) (string, error) {
	if scope != ScopeFull && scope != ScopeRead {
		return "", errorf(survey.EInvalid, "api_token_scope", "an API token's scope is full or read")
	}
	if lifetime < 24*time.Hour || lifetime > MaxAPITokenLifetime {
		return "", errorf(survey.EInvalid, "api_token_lifetime", "an API token lives from 1 to 366 days")
	}
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 100 {
		return "", errorf(survey.EInvalid, "api_token_name", "an API token needs a name of at most 100 characters")
	}
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return "", err
	}
	if u.Disabled {
		return "", errorf(survey.EConflict, "user_disabled", "the account %s is disabled", u.Email)
	}
	var b [32]byte
	_, _ = rand.Read(b[:])
	token := APITokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	now := s.now().UTC()
	expires := now.Add(lifetime)
	row := apiTokenRow{TokenHash: sessionHash(token), UserID: u.ID, Name: name, CreatedAt: now, ExpiresAt: &expires, Scope: string(scope)}
	if err := s.w.WithContext(ctx).Create(&row).Error; err != nil {
		return "", internal("create API token", err)
	}
	return token, nil
}

// UserByAPIToken returns the enabled account of a token, or survey.EUnauthorized
// (key "api_token_expired" for a token past its expiry). It records the
// day the token was used, at most once a day per token.
func (s *Store) UserByAPIToken(ctx context.Context, token string) (User, error) {
	u, _, err := s.APITokenAccess(ctx, token)
	return u, err
}

// APITokenAccess is UserByAPIToken with the token's scope.
func (s *Store) APITokenAccess(ctx context.Context, token string) (User, TokenScope, error) {
	u, row, err := s.apiTokenUser(ctx, token)
	return u, TokenScope(row.Scope), err
}

func (s *Store) apiTokenUser(ctx context.Context, token string) (User, apiTokenRow, error) {
	denied := errorf(survey.EUnauthorized, "api_unauthorized", "unknown API token")
	if !strings.HasPrefix(token, APITokenPrefix) || len(token) > 100 {
		return User{}, apiTokenRow{}, denied
	}
	var row apiTokenRow
	err := s.r.WithContext(ctx).Take(&row, "token_hash = ?", sessionHash(token)).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return User{}, apiTokenRow{}, denied
	}
	if err != nil {
		return User{}, apiTokenRow{}, internal("read API token", err)
	}
	u, err := s.userRow(s.r.WithContext(ctx), "id = ?", row.UserID)
	if survey.ErrorCode(err) == survey.ENotFound || (err == nil && u.Disabled) {
		return User{}, apiTokenRow{}, denied
	}
	if err != nil {
		return User{}, apiTokenRow{}, err
	}
	now := s.now().UTC()
	if row.ExpiresAt != nil && !now.Before(*row.ExpiresAt) {
		return User{}, apiTokenRow{}, errorf(survey.EUnauthorized, "api_token_expired", "the API token expired on %s", row.ExpiresAt.UTC().Format(time.DateOnly))
	}
	today := now.Truncate(24 * time.Hour)
	if row.LastUsedOn == nil || row.LastUsedOn.UTC().Before(today) {
		err := s.w.WithContext(ctx).Model(&apiTokenRow{}).Where("token_hash = ?", row.TokenHash).Update("last_used_on", today).Error
		if err != nil {
			return User{}, apiTokenRow{}, internal("record API token use", err)
		}
	}
	return u.domain(), row, nil
}

// APIToken is what is known of a token after it was shown: its name and
// when it was made (the token itself is not kept).
type APIToken struct {
	// Handle names the token for revoking it (a prefix of its hash).
	Handle  string
	Name    string
	Scope   TokenScope
	Created time.Time
	// Expires is when it stops working; LastUsed the day (UTC) it was
	// last used, zero when never.
	Expires  time.Time
	LastUsed time.Time
}

// Expired tells whether the token no longer works at now.
func (t APIToken) Expired(now time.Time) bool { return !t.Expires.IsZero() && !now.Before(t.Expires) }

// APITokens lists the tokens of the account of email, oldest first.
func (s *Store) APITokens(ctx context.Context, email string) ([]APIToken, error) {
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	var rows []apiTokenRow
	if err := s.r.WithContext(ctx).Where("user_id = ?", u.ID).Order("created_at, name").Find(&rows).Error; err != nil {
		return nil, internal("list API tokens", err)
	}
	out := make([]APIToken, len(rows))
	for i, r := range rows {
		out[i] = APIToken{Handle: handleOf(r.TokenHash), Name: r.Name, Scope: TokenScope(r.Scope), Created: r.CreatedAt.UTC()}
		if r.ExpiresAt != nil {
			out[i].Expires = r.ExpiresAt.UTC()
		}
		if r.LastUsedOn != nil {
			out[i].LastUsed = r.LastUsedOn.UTC()
		}
	}
	return out, nil
}

// RevokeAPITokens ends the tokens of the account of email that carry
// name (a leaked token, a tool no longer used) and says how many there
// were; none is survey.ENotFound. Disabling the account ends all of them.
func (s *Store) RevokeAPITokens(ctx context.Context, email, name string) (int, error) {
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return 0, err
	}
	res := s.w.WithContext(ctx).Where("user_id = ? AND name = ?", u.ID, strings.TrimSpace(name)).Delete(&apiTokenRow{})
	if res.Error != nil {
		return 0, internal("revoke API tokens", res.Error)
	}
	if res.RowsAffected == 0 {
		return 0, errorf(survey.ENotFound, "api_token_not_found", "%s has no API token named %q", u.Email, name)
	}
	return int(res.RowsAffected), nil
}
