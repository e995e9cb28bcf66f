// Package accounts holds the people who use the console and the API -
// their accounts and roles, passwords, sessions, API tokens, one-time
// invitation and reset links, and single sign-on accounts - and their
// storage. It is not survey data: respondents never have an account, and
// nothing here refers to an answer.
//
// The tables live in the same database as the survey's, created by its
// migrations (survey/migrate.go), and are written through the survey
// store's connections (survey.Store.Handles) so that SQLite keeps one
// writer; the one-time links are hashed under the same key file.
package accounts

import (
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"trots/survey"
)

// Store keeps the accounts. It is safe for concurrent use.
type Store struct {
	st   *survey.Store
	w, r *gorm.DB
}

// New gives the accounts of the database st is open on.
func New(st *survey.Store) *Store {
	w, r := st.Handles()
	return &Store{st: st, w: w, r: r}
}

func (s *Store) now() time.Time { return s.st.Now() }

// errorf and internal speak survey's error vocabulary (survey.Error), the
// one the HTTP and command-line boundaries translate.
func errorf(code survey.Code, key, format string, args ...any) *survey.Error {
	return &survey.Error{Code: code, Key: key, Message: fmt.Sprintf(format, args...)}
}

func internal(what string, err error) error {
	return &survey.Error{Code: survey.EInternal, Message: "accounts: " + what, Err: err}
}

func isUniqueViolation(err error) bool { return errors.Is(err, gorm.ErrDuplicatedKey) }

func isForeignKeyViolation(err error) bool { return errors.Is(err, gorm.ErrForeignKeyViolated) }
