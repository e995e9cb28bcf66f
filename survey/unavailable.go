package survey

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
)

// EUnavailable is a database that cannot be reached or written to just
// now: the request may succeed later, unchanged (HTTP 503 with
// Retry-After), unlike EInternal.
const EUnavailable Code = "unavailable"

// KeyUnavailable is the translation key of EUnavailable.
const KeyUnavailable = "unavailable"

// Unavailable tells whether err comes from a database that is out of
// reach rather than from a mistake: SQLite that cannot open its file,
// reads or writes no more (I/O error, disk full, read-only) or stays
// locked past its busy timeout; PostgreSQL refusing or ending
// connections, shutting down, starting up, out of connections or disk,
// or a standby that takes no writes; a connection that broke on the way.
// ErrorCode reports these as EUnavailable, so that every boundary answers
// them the same way.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrCantOpen, sqlite3.ErrIoErr, sqlite3.ErrReadonly, sqlite3.ErrFull,
			sqlite3.ErrBusy, sqlite3.ErrLocked, sqlite3.ErrNotADB, sqlite3.ErrCorrupt:
			return true
		}
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "08"), // connection exception
			strings.HasPrefix(pe.Code, "53"),  // insufficient resources: disk, memory, connections
			strings.HasPrefix(pe.Code, "57P"), // shutting down, crashed, starting up
			pe.Code == "25006":                // a read-only standby
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	var ne *net.OpError
	switch {
	case errors.As(err, &ce), errors.As(err, &ne),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	}
	// database/sql and pgx say these only in words.
	msg := err.Error()
	return strings.Contains(msg, "sql: database is closed") || strings.Contains(msg, "conn closed") ||
		strings.Contains(msg, "failed to connect to")
}
