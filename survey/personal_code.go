package survey

import (
	"context"
	"crypto/rand"
	"strings"
)

// Personal codes are single-use invitations for people without company
// e-mail (care, production, cleaning, transport): HR prints them on slips
// of paper and hands them out, and each person types one in (or scans its
// QR code). A code is an invitation token of another format, stored like
// one - only its hash - so that everything invitations guarantee holds
// for codes too: one answer per code, no response ever referring to it, a
// used code looking like an unused one until a complete form is sent.
//
// A code is 12 characters of Crockford's base32 (digits and upper-case
// letters without I, L, O and U, so nothing reads as something else), 60
// random bits, shown in groups of four: 7KQ2-M9XD-4RTB. Typed codes are
// forgiving: case, spaces and dashes do not matter, and O, I and L are
// read as 0, 1 and 1.

// CodeAlphabet is Crockford's base32 alphabet.
const CodeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// CodeLength is the number of characters of a personal code: 5 bits each,
// 60 bits in all. Guessing one of a million live codes at a thousand
// guesses a second takes some 36,000 years on average.
const CodeLength = 12

// MaxCodeBatch bounds one batch of personal codes (a PDF of slips).
const MaxCodeBatch = 5000

// NewCode returns a fresh personal code in its canonical form: 12
// characters of CodeAlphabet, no dashes.
func NewCode() string {
	var b [CodeLength]byte
	// crypto/rand.Read never fails on supported platforms (Go 1.24+).
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = CodeAlphabet[b[i]&31] // 256 is a multiple of 32: no bias
	}
	return string(b[:])
}

// FormatCode groups a canonical code in fours for printing: XXXX-XXXX-XXXX.
func FormatCode(code string) string {
	var b strings.Builder
	for i := 0; i < len(code); i++ {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(code[i])
	}
	return b.String()
}

// NormalizeCode turns what someone typed into a canonical code: case,
// spaces and dashes are dropped, O is read as 0 and I and L as 1 (the
// letters Crockford's alphabet leaves out for looking like digits). ok is
// false when the rest is not 12 characters of the alphabet.
func NormalizeCode(typed string) (code string, ok bool) {
	if len(typed) > 64 {
		return "", false
	}
	var b strings.Builder
	for _, r := range strings.ToUpper(typed) {
		switch r {
		case ' ', '\t', '-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212', '.', '_':
			continue
		case 'O':
			r = '0'
		case 'I', 'L':
			r = '1'
		}
		if r > 127 || strings.IndexByte(CodeAlphabet, byte(r)) < 0 {
			return "", false
		}
		b.WriteRune(r)
	}
	if b.Len() != CodeLength {
		return "", false
	}
	return b.String(), true
}

// ValidCode reports whether s is a code in canonical form.
func ValidCode(s string) bool {
	if len(s) != CodeLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(CodeAlphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}

// CreateCodes makes n single-use personal codes for a department in a
// pulse and returns them in canonical form. Like invitations, only their
// hashes are stored: the slips HR prints are the only copy.
func (s *Store) CreateCodes(ctx context.Context, pulseID, departmentID string, n int) ([]string, error) {
	if n < 1 || n > MaxCodeBatch {
		return nil, errorf(EInvalid, "code_count", "a batch has 1 to %d personal codes", MaxCodeBatch)
	}
	codes := make([]string, n)
	for i := range codes {
		codes[i] = NewCode()
	}
	if err := s.storeInvitations(ctx, pulseID, departmentID, codes); err != nil {
		return nil, err
	}
	return codes, nil
}
