package survey

import (
	"crypto/rand"
	"encoding/base32"
)

// idEncoding is lower-case base32 without padding: URL-safe, case-stable
// and easy to read out from a poster.
var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewID returns 128 random bits as 26 characters. Every identifier in trots
// is random rather than sequential, so that the order of responses (or of
// anything else) cannot be read from its id.
func NewID() string {
	var b [16]byte
	// crypto/rand.Read never fails on supported platforms (Go 1.24+).
	_, _ = rand.Read(b[:])
	return idEncoding.EncodeToString(b[:])
}

// idLength is the length of an id NewID makes.
const idLength = 26

// ValidID reports whether s has the form NewID produces, so that handlers
// can refuse garbage before it reaches the database.
func ValidID(s string) bool {
	if len(s) != idLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}
