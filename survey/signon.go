package survey

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Single sign-on with the organisation's identity provider (OpenID
// Connect; the protocol is the server's business). Two things are kept:
//
//   - Staff who sign in get a console account like any other, with the
//     role the provider's claims map to, re-evaluated at every sign-in
//     (accounts.Store.SignOnUser). Such an account has no password.
//   - For a pulse answered with sign-on (Pulse.SignOn), the fact that a
//     person has answered it: PersonHash, an HMAC under the token key
//     file of the pulse, the provider and the person's subject, in
//     pulse_signons. It is inserted in the transaction of the response
//     (one answer per person), refers to nothing (no response, no time;
//     WITHOUT ROWID on SQLite, sealed with the responses on PostgreSQL),
//     and the rows of a pulse are deleted when it closes. Without the key
//     file, a hash cannot be matched to a person even by whoever holds the
//     provider's list of subjects; with it, it says only "has answered".

type signOnRow struct {
	PulseID    string `gorm:"primaryKey"`
	PersonHash string `gorm:"primaryKey"`
}

func (signOnRow) TableName() string { return "pulse_signons" }

// personLabel separates person hashes from every other use of the key.
const personLabel = "trots respondent sign-on v1"

// PersonHash is what is stored of a respondent who signed on to answer
// pulseID: HMAC-SHA256 under the token key of the pulse, the provider
// (issuer) and the person's subject there. Per pulse, so that the hashes
// of two pulses cannot be matched to each other.
func (s *Store) PersonHash(pulseID, issuer, subject string) string {
	m := hmac.New(sha256.New, s.tokenKey)
	for _, part := range []string{personLabel, pulseID, issuer, subject} {
		m.Write([]byte(part))
		m.Write([]byte{0})
	}
	return hex.EncodeToString(m.Sum(nil))
}

// SealKey is a key for what the server seals into short-lived cookies
// (the state of a sign-on, a respondent's proof of it), derived from the
// token key so that every instance sharing the key file reads the others'
// cookies. label names the use.
func (s *Store) SealKey(label string) []byte {
	m := hmac.New(sha256.New, s.tokenKey)
	m.Write([]byte("trots seal key v1\x00" + label))
	return m.Sum(nil)
}

// HasAnswered reports whether the person of hash person has answered the
// pulse (with sign-on).
func (s *Store) HasAnswered(ctx context.Context, pulseID, person string) (bool, error) {
	var n int64
	if err := s.r.WithContext(ctx).Model(&signOnRow{}).Where("pulse_id = ? AND person_hash = ?", pulseID, person).
		Count(&n).Error; err != nil {
		return false, internal("read sign-on", err)
	}
	return n > 0, nil
}

// checkSignOn refuses a submission without a signed-on person to a pulse
// answered with sign-on.
func (p Pulse) checkSignOn(person string) error {
	if p.SignOn && person == "" {
		return errorf(EConflict, "signon_required", "this survey is answered after signing on")
	}
	return nil
}

// recordAnswered records in tx that person has answered the pulse; a
// second answer of the same person is EConflict "signon_answered" (the
// caller rolls back the response with it).
func (s *Store) recordAnswered(tx *gorm.DB, pulseID, person string) error {
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&signOnRow{PulseID: pulseID, PersonHash: person})
	if res.Error != nil {
		return internal("record sign-on", res.Error)
	}
	if res.RowsAffected == 0 {
		return errorf(EConflict, "signon_answered", "this person has already answered this survey")
	}
	return nil
}
