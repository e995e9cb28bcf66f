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
	"sync"
	"time"

	"gorm.io/gorm"

	"trots/survey"
)

// Store keeps the accounts. It is safe for concurrent use.
type Store struct {
	st   *survey.Store
	w, r *gorm.DB
	// logins serialises the attempts of one account from one client
	// (Authenticate), so that guesses sent at once are counted in turn.
	logins *keyedLocks
}

// New gives the accounts of the database st is open on.
func New(st *survey.Store) *Store {
	w, r := st.Handles()
	return &Store{st: st, w: w, r: r, logins: &keyedLocks{held: map[string]*keyedLock{}}}
}

// keyedLocks is a mutex per key, kept only while someone holds or waits
// for it.
type keyedLocks struct {
	mu   sync.Mutex
	held map[string]*keyedLock
}

type keyedLock struct {
	sync.Mutex
	users int
}

// lock waits for key's mutex and returns its unlock.
func (k *keyedLocks) lock(key string) (unlock func()) {
	k.mu.Lock()
	l := k.held[key]
	if l == nil {
		l = &keyedLock{}
		k.held[key] = l
	}
	l.users++
	k.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		k.mu.Lock()
		if l.users--; l.users == 0 {
			delete(k.held, key)
		}
		k.mu.Unlock()
	}
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
