package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"gorm.io/gorm"

	"trots/survey"
)

// Session lifetimes: a session ends after SessionIdle without a request,
// and in any case SessionAbsolute after login.
const (
	SessionIdle     = 2 * time.Hour
	SessionAbsolute = 12 * time.Hour
	// sessionTouchEvery limits the writes that keep a session alive to one
	// a minute per session.
	sessionTouchEvery = time.Minute
)

type sessionRow struct {
	IDHash     string `gorm:"primaryKey"`
	UserID     string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

func (sessionRow) TableName() string { return "sessions" }

// Session is a logged-in user. Its token goes to the browser once; only
// its hash is stored, so a copy of the database opens no session.
type Session struct {
	User      User
	ExpiresAt time.Time
}

func sessionHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewSession starts a session for a user (after Authenticate) and returns
// its token: 256 random bits. replaced, if not empty, is the token the
// browser held before; it is ended, so that a login always rotates the id.
func (s *Store) NewSession(ctx context.Context, userID, replaced string) (string, error) {
	var b [32]byte
	_, _ = rand.Read(b[:])
	token := base64.RawURLEncoding.EncodeToString(b[:])
	now := s.now().UTC()
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if replaced != "" {
			if err := tx.Delete(&sessionRow{IDHash: sessionHash(replaced)}).Error; err != nil {
				return err
			}
		}
		// Housekeeping at every login: expired sessions, and failed-login
		// counts that are forgotten anyway, go now.
		if err := tx.Where("expires_at <= ? OR last_seen_at <= ?", now, now.Add(-SessionIdle)).
			Delete(&sessionRow{}).Error; err != nil {
			return err
		}
		if err := tx.Where("last_failure < ?", now.Add(-loginForget)).Delete(&loginFailureRow{}).Error; err != nil {
			return err
		}
		return tx.Create(&sessionRow{IDHash: sessionHash(token), UserID: userID, CreatedAt: now, LastSeenAt: now,
			ExpiresAt: now.Add(SessionAbsolute)}).Error
	})
	if err != nil {
		return "", internal("create session", err)
	}
	return token, nil
}

// SessionByToken returns the live session of a token, keeping it alive.
// An unknown, expired or idle token, or one of a disabled account, is
// survey.EUnauthorized.
func (s *Store) SessionByToken(ctx context.Context, token string) (Session, error) {
	denied := errorf(survey.EUnauthorized, "session_expired", "no live session")
	if token == "" || len(token) > 100 {
		return Session{}, denied
	}
	hash := sessionHash(token)
	var row sessionRow
	err := s.r.WithContext(ctx).Take(&row, "id_hash = ?", hash).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Session{}, denied
	}
	if err != nil {
		return Session{}, internal("read session", err)
	}
	now := s.now().UTC()
	if !now.Before(row.ExpiresAt) || !now.Before(row.LastSeenAt.Add(SessionIdle)) {
		return Session{}, denied
	}
	u, err := s.userRow(s.r.WithContext(ctx), "id = ?", row.UserID)
	if survey.ErrorCode(err) == survey.ENotFound || (err == nil && u.Disabled) {
		return Session{}, denied
	}
	if err != nil {
		return Session{}, err
	}
	if now.Sub(row.LastSeenAt) >= sessionTouchEvery {
		if err := s.w.WithContext(ctx).Model(&sessionRow{}).Where("id_hash = ?", hash).Update("last_seen_at", now).Error; err != nil {
			return Session{}, internal("touch session", err)
		}
	}
	return Session{User: u.domain(), ExpiresAt: row.ExpiresAt.UTC()}, nil
}

// EndSession revokes a session (logout). An unknown token is no error.
func (s *Store) EndSession(ctx context.Context, token string) error {
	if err := s.w.WithContext(ctx).Delete(&sessionRow{IDHash: sessionHash(token)}).Error; err != nil {
		return internal("end session", err)
	}
	return nil
}
