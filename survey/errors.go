// Package survey holds the domain of trots' data collection - organisation
// settings, departments, pulses, survey links, invitations and anonymous
// responses - and its storage on SQLite or PostgreSQL through GORM.
//
// Domain types carry no HTTP or SQL concerns; the GORM row types that map
// them to tables are unexported and stay inside this package.
package survey

import (
	"errors"
	"fmt"
	"time"
)

// Code classifies an error for the boundaries (HTTP status, CLI exit text).
type Code string

const (
	EInvalid  Code = "invalid"   // the caller sent something that cannot be accepted
	ENotFound Code = "not_found" // the thing asked for does not exist
	EConflict Code = "conflict"  // the request clashes with the current state (closed pulse, used token)
	EInternal Code = "internal"  // anything else; details go to the log, not to the user
)

// Error is the one error vocabulary of the domain. Message is safe to show
// to the user (after translation by Key where one is set); the wrapped Err
// is for logs only.
type Error struct {
	Code    Code
	Key     string // translation key for user-facing text, e.g. "pulse_closed"
	Message string
	// Args fill the placeholders of Key's text, when it has any.
	Args []string
	Err  error
	// RetryAfter, when set, says when the same request may succeed (a
	// quota that frees up): the HTTP boundary sends it as Retry-After.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("survey: %s: %v", e.Message, e.Err)
	}
	return "survey: " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorCode returns the code of err, EInternal when it carries none;
// an internal error caused by a database out of reach is EUnavailable
// (Unavailable).
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) && e.Code != EInternal {
		return e.Code
	}
	if Unavailable(err) {
		return EUnavailable
	}
	return EInternal
}

// ErrorArgs returns the arguments of err's text, or nil.
func ErrorArgs(err error) []string {
	var e *Error
	if errors.As(err, &e) {
		return e.Args
	}
	return nil
}

// ErrorKey returns the translation key of err, or "" when it has none.
func ErrorKey(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Key != "" {
		return e.Key
	}
	if ErrorCode(err) == EUnavailable {
		return KeyUnavailable
	}
	return ""
}

func errorf(code Code, key, format string, args ...any) *Error {
	return &Error{Code: code, Key: key, Message: fmt.Sprintf(format, args...)}
}

func internal(what string, err error) error {
	return &Error{Code: EInternal, Message: what, Err: err}
}

// Codes of the console's accounts.
const (
	EUnauthorized Code = "unauthorized" // wrong e-mail or password, disabled account, expired session
	ELocked       Code = "locked"       // too many failed logins: wait before trying again
)

// RetryAfterOf is the RetryAfter of err, 0 when it has none.
func RetryAfterOf(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}
