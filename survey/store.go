package survey

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names the database engine behind a Store.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DefaultDSN is where trots keeps its data when TROTS_DB is not set.
const DefaultDSN = "data/trots.db"

// Store is the persistence of the survey domain. It is safe for concurrent
// use.
//
// On SQLite it holds two pools: one writer connection (SQLite allows one
// writer at a time; a pool of writers turns concurrent submissions into
// "database is locked" errors, see shared/RELIABILITY.md) with immediate
// transactions, and a small read-only pool for HR pages and analysis so that
// reads never queue behind writes; a third connection copies the WAL into
// the database file (checkpoint.go). On PostgreSQL both are the same pool.
type Store struct {
	w, r    *gorm.DB
	dialect Dialect
	writer  *groupWriter
	ckpt    *checkpointer // SQLite only
	now     func() time.Time
	log     *slog.Logger
	// tokenKey keys the hashes of invitation tokens (keyfile.go).
	tokenKey []byte
	// where names the database in messages: the SQLite file or the
	// PostgreSQL URL without its password.
	where string
	// names caches the organisation's list of names to mask in comments
	// (settings.mask_names), read again when older than namesTTL.
	names atomic.Pointer[namesCache]
}

// Options tune Open. The zero value is usable.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time
	// MaxReaders caps the read pool (default 4 on SQLite, 16 on PostgreSQL).
	MaxReaders int
	// KeyFile is the file holding the key of the invitation token hashes
	// (TROTS_KEY_FILE); default DefaultKeyFile(dsn). See keyfile.go.
	KeyFile string
}

// Open connects to the database named by dsn and migrates it to the current
// schema. dsn is a postgres:// (or postgresql://) URL, or a SQLite file path,
// optionally prefixed with "sqlite:".
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	return open(ctx, dsn, opts, len(migrations))
}

// open is Open migrating to schema version target (tests of a migration
// start from the version before it).
func open(ctx context.Context, dsn string, opts Options, target int) (*Store, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Store{now: opts.Now, log: opts.Logger}
	cfg := func() *gorm.Config {
		return &gorm.Config{
			TranslateError:         true,
			SkipDefaultTransaction: true, // we open transactions where they matter
			Logger:                 logger.Discard,
			NowFunc:                func() time.Time { return opts.Now().UTC() },
		}
	}
	var err error
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		s.dialect = Postgres
		s.where = redactDSN(dsn)
		if s.w, err = gorm.Open(postgres.Open(dsn), cfg()); err != nil {
			return nil, fmt.Errorf("survey: open PostgreSQL %s: %w", redactDSN(dsn), err)
		}
		db, _ := s.w.DB()
		n := max(opts.MaxReaders, 16)
		db.SetMaxOpenConns(n)
		// As many idle as open: with fewer, a burst of submissions closes
		// and reopens connections (a new server process each) at every
		// request and throughput collapses.
		db.SetMaxIdleConns(n)
		db.SetConnMaxIdleTime(5 * time.Minute)
		s.r = s.w
	default:
		s.dialect = SQLite
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			path = DefaultDSN
		}
		s.where = path
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("survey: create data folder %s: %w", dir, err)
			}
		}
		if err := privateDatabaseFile(path); err != nil {
			return nil, err
		}
		// Pragmas go in the DSN so that every pooled connection gets them;
		// _synchronous=FULL keeps the last commits through a power loss
		// (WAL would otherwise lower it to NORMAL silently).
		file := "file:" + (&url.URL{Path: path}).EscapedPath() + "?_journal_mode=WAL&_synchronous=FULL&_foreign_keys=on"
		base := file + "&_busy_timeout=5000"
		// The writer gets a larger page cache (64 MiB instead of 2): every
		// submission inserts at a random place of the responses B-tree
		// (random keys hide the order of arrival), and pages it keeps need
		// not be read back with a system call on the next insert.
		// _stmt_cache_size keeps the writer's statements prepared: the
		// group writer runs the same few statements thousands of times a
		// second (see insertBatch). Its driver turns the automatic
		// checkpoint off: see checkpoint.go.
		wdsn := base + "&_txlock=immediate&_cache_size=-65536&_stmt_cache_size=32"
		if s.w, err = gorm.Open(sqlite.New(sqlite.Config{DriverName: sqliteWriterDriver, DSN: wdsn}), cfg()); err != nil {
			return nil, openSQLiteError(path, err)
		}
		wdb, _ := s.w.DB()
		wdb.SetMaxOpenConns(1) // one writer: see the Store comment
		wdb.SetMaxIdleConns(1)
		wdb.SetConnMaxLifetime(0)
		// The writer creates the file and switches it to WAL before any
		// reader opens it read-only.
		if err := wdb.PingContext(ctx); err != nil {
			return nil, openSQLiteError(path, err)
		}
		if s.r, err = gorm.Open(sqlite.Open(base+"&_query_only=true"), cfg()); err != nil {
			return nil, fmt.Errorf("survey: open SQLite %s for reading: %w", path, err)
		}
		rdb, _ := s.r.DB()
		n := opts.MaxReaders
		if n <= 0 {
			n = 4
		}
		rdb.SetMaxOpenConns(n)
		rdb.SetMaxIdleConns(n)
		// The checkpointer waits for nobody: see checkpointer.truncate.
		cdb, err := sql.Open(sqliteDriver, file+"&_busy_timeout=20")
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("survey: open SQLite %s for checkpoints: %w", path, err)
		}
		cdb.SetMaxOpenConns(1)
		cdb.SetMaxIdleConns(1)
		s.ckpt = newCheckpointer(cdb, s.log)
	}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.migrate(ctx, target); err != nil {
		s.Close()
		if msg := err.Error(); strings.Contains(msg, "readonly") || strings.Contains(msg, "read-only") {
			return nil, fmt.Errorf("survey: the database %s cannot be written: %w", s.where, err)
		}
		return nil, err
	}
	if target >= tokenKeyVersion {
		// A database that opens but cannot be written would start, say
		// it is ready and then fail every answer: refuse it now.
		if err := s.ProbeWrite(ctx); err != nil {
			s.Close()
			return nil, err
		}
		keyFile := opts.KeyFile
		if keyFile == "" {
			keyFile = DefaultKeyFile(dsn)
		}
		if err := s.setupTokenKey(ctx, keyFile); err != nil {
			s.Close()
			return nil, err
		}
		if err := s.hashLegacySubmissionKeys(ctx); err != nil {
			s.Close()
			return nil, err
		}
	}
	s.writer = newGroupWriter(s)
	return s, nil
}

// Dialect tells which engine the store runs on.
func (s *Store) Dialect() Dialect { return s.dialect }

// Handles gives a package that keeps its own tables in this database
// (accounts: users, sessions, API tokens) the store's connections, so that
// it shares the one SQLite writer instead of opening a second one that
// would meet "database is locked": w for writes and transactions, r for
// reads.
func (s *Store) Handles() (w, r *gorm.DB) { return s.w, s.r }

// Now is the store's clock (Options.Now), for the same package.
func (s *Store) Now() time.Time { return s.now() }

// Ping checks that the database answers, for /readyz.
func (s *Store) Ping(ctx context.Context) error {
	for _, g := range []*gorm.DB{s.w, s.r} {
		db, err := g.DB()
		if err != nil {
			return fmt.Errorf("survey: ping: %w", err)
		}
		if err := db.PingContext(ctx); err != nil {
			return fmt.Errorf("survey: ping: %w", err)
		}
	}
	return nil
}

// ProbeWrite proves that the database takes a write: it updates the one
// row of write_probe in a transaction of its own. A database that answers
// reads but cannot write (a read-only file or folder, a full disk, a
// PostgreSQL in read-only mode) fails here while Ping still succeeds.
// The error names the SQLite file or the (redacted) PostgreSQL address.
func (s *Store) ProbeWrite(ctx context.Context) error {
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec("UPDATE write_probe SET counter = counter + 1 WHERE id = 1")
		if res.Error == nil && res.RowsAffected != 1 {
			return errors.New("the probe row is missing")
		}
		return res.Error
	})
	if err != nil {
		return fmt.Errorf("survey: the database %s cannot be written: %w", s.where, err)
	}
	return nil
}

// Close releases the connections.
func (s *Store) Close() error {
	if s.writer != nil {
		s.writer.close()
	}
	var errs []error
	if s.ckpt != nil {
		errs = append(errs, s.ckpt.close())
	}
	for _, g := range []*gorm.DB{s.w, s.r} {
		if g == nil {
			continue
		}
		if db, err := g.DB(); err == nil {
			errs = append(errs, db.Close())
		}
		if s.r == s.w {
			break
		}
	}
	return errors.Join(errs...)
}

// openSQLiteError names the file, and says what to look at when SQLite
// found it read-only.
func openSQLiteError(path string, err error) error {
	if strings.Contains(err.Error(), "readonly") {
		return fmt.Errorf("survey: the database %s cannot be written (the file and its folder %s must be writable: SQLite keeps its -wal and -shm files there): %w", path, filepath.Dir(path), err)
	}
	return fmt.Errorf("survey: open SQLite %s: %w", path, err)
}

// redactDSN hides the password of a PostgreSQL URL in messages.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparseable DSN)"
	}
	return u.Redacted()
}

// isUniqueViolation reports a unique-constraint clash on either engine.
func isUniqueViolation(err error) bool {
	return errors.Is(err, gorm.ErrDuplicatedKey)
}

func isForeignKeyViolation(err error) bool {
	return errors.Is(err, gorm.ErrForeignKeyViolated)
}
