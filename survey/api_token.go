package survey

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// APITokenPrefix starts every API token, so that a leaked one is easy to
// recognise (and to search for in code and logs).
const APITokenPrefix = "trots_"

type apiTokenRow struct {
	TokenHash string `gorm:"primaryKey"`
	UserID    string
	Name      string
	CreatedAt time.Time
}

func (apiTokenRow) TableName() string { return "api_tokens" }

// NewAPIToken gives the account of email a token for the JSON API, named
// for its use ("power-bi"). The token is returned once; only its hash is
// kept. It acts with the account's role and ends when the account is
// disabled.
func (s *Store) NewAPIToken(ctx context.Context, email, name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 100 {
		return "", errorf(EInvalid, "api_token_name", "an API token needs a name of at most 100 characters")
	}
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return "", err
	}
	if u.Disabled {
		return "", errorf(EConflict, "user_disabled", "the account %s is disabled", u.Email)
	}
	var b [32]byte
	_, _ = rand.Read(b[:])
	token := APITokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	row := apiTokenRow{TokenHash: sessionHash(token), UserID: u.ID, Name: name, CreatedAt: s.now().UTC()}
	if err := s.w.WithContext(ctx).Create(&row).Error; err != nil {
		return "", internal("create API token", err)
	}
	return token, nil
}

// UserByAPIToken returns the enabled account of a token, or EUnauthorized.
func (s *Store) UserByAPIToken(ctx context.Context, token string) (User, error) {
	denied := errorf(EUnauthorized, "api_unauthorized", "unknown API token")
	if !strings.HasPrefix(token, APITokenPrefix) || len(token) > 100 {
		return User{}, denied
	}
	var row apiTokenRow
	err := s.r.WithContext(ctx).Take(&row, "token_hash = ?", sessionHash(token)).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return User{}, denied
	}
	if err != nil {
		return User{}, internal("read API token", err)
	}
	u, err := s.userRow(s.r.WithContext(ctx), "id = ?", row.UserID)
	if ErrorCode(err) == ENotFound || (err == nil && u.Disabled) {
		return User{}, denied
	}
	if err != nil {
		return User{}, err
	}
	return u.domain(), nil
}
