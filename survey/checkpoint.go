package survey

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// On SQLite, a commit appends the changed pages to the WAL and syncs it;
// a checkpoint later copies them into the database file and syncs that.
// SQLite's automatic checkpoint runs inside the COMMIT that crosses 1,000
// pages: the submissions of that group, and everyone queued behind them,
// waited for a few thousand random writes into the database file and two
// more fsyncs. The writer connection therefore has the automatic
// checkpoint off, and a checkpointer goroutine with a connection of its own
// copies the WAL into the database file (PRAGMA wal_checkpoint(PASSIVE),
// which never blocks the writer).
//
// It does so in the lulls between bursts: a checkpoint running while the
// writer commits competes with its fsyncs for the disk, and measured on
// the 2-core machine of the README, checkpoints every 100 ms during a
// burst cost a tenth of the throughput and doubled the 99th percentile.
// During a burst the WAL grows instead, and every checkpointRows
// responses the checkpointer copies it regardless (one large copy, in
// which a page changed many times is written once).
//
// The WAL starts over from its beginning only at a write transaction that
// begins when everything in it has been copied, which under a steady
// stream of groups never happens by itself. So once the WAL is longer than
// walRestartFrames, the checkpointer copies what was committed during its
// checkpoint once more, and then asks the writer to copy the little that
// is left itself between two groups - a pause of a few tens of
// milliseconds (two fsyncs) once per checkpointRows responses; the
// writer's next group starts the WAL over. That bounds the WAL to about
// checkpointRows responses.
//
// The WAL holds recent commits in the order they were made, and so the
// order in which responses arrived, until later commits overwrite them;
// the file keeps its length after a restart (journal_size_limit). Once a
// lull's checkpoint has copied everything, the checkpointer therefore
// empties the file (PRAGMA wal_checkpoint(TRUNCATE)): between bursts the
// WAL holds nothing. TRUNCATE takes the write lock and waits for readers
// of older snapshots, so its connection waits at most 20 ms for them; a
// submission arriving meanwhile waits that long at most, and a busy
// database leaves the truncation to the next lull.

// sqliteWriterDriver is go-sqlite3 with the writer connection's settings
// that the DSN cannot carry.
const sqliteWriterDriver = "sqlite3-trots-writer"

const (
	// checkpointLull is how long the writer must have been idle before a
	// checkpoint runs between bursts.
	checkpointLull = 10 * time.Millisecond
	// checkpointEvery is the least time between two checkpoints in lulls:
	// each costs two fsyncs.
	checkpointEvery = 100 * time.Millisecond
	// walSizeLimit is what the WAL file is cut back to when it starts
	// over (PRAGMA journal_size_limit), after a burst made it grow.
	walSizeLimit = 64 << 20
)

var (
	// checkpointRows is how many responses the writer stores in a burst
	// before the checkpointer copies the WAL regardless of lulls: 16,384
	// responses of the advocacy-readiness questionnaire are about 100 MiB
	// of WAL (some 6.5 KiB each in their compact form: the random
	// insert of each writes a page of its own, and splits some).
	checkpointRows = 16384
	// walRestartFrames is the WAL length (in pages) past which a
	// checkpoint is followed by a restart of the WAL: 16,384 pages of 4
	// KiB is 64 MiB. A variable for tests.
	walRestartFrames = 16384
	// onTruncate, when set (by tests), is called after each truncation of
	// the WAL.
	onTruncate func()
)

func init() {
	sql.Register(sqliteWriterDriver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		for _, pragma := range []string{"PRAGMA wal_autocheckpoint = 0",
			fmt.Sprintf("PRAGMA journal_size_limit = %d", walSizeLimit)} {
			if _, err := c.Exec(pragma, nil); err != nil {
				return err
			}
		}
		return nil
	}})
}

// checkpointer copies the WAL into the database file in the background.
type checkpointer struct {
	db  *sql.DB // a connection of its own
	log *slog.Logger
	// idle is sent (without waiting) when the writer finds nothing queued
	// after a commit, due when it has stored checkpointRows responses
	// since it last sent due; commits counts its commits.
	idle, due chan struct{}
	commits   atomic.Int64
	// catchUp asks the writer to checkpoint between two groups; the
	// writer sends the length of the WAL on the channel it receives.
	catchUp chan chan int
	// rows and restartFrames are checkpointRows and walRestartFrames as
	// they were when the store opened (tests change those).
	rows, restartFrames int
	truncated           func() // onTruncate as it was when the store opened
	stop                chan struct{}
	done                chan struct{}
	once                sync.Once
}

func newCheckpointer(db *sql.DB, log *slog.Logger) *checkpointer {
	c := &checkpointer{db: db, log: log, idle: make(chan struct{}, 1), due: make(chan struct{}, 1),
		catchUp: make(chan chan int), rows: checkpointRows, restartFrames: walRestartFrames, truncated: onTruncate,
		stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c
}

func (c *checkpointer) run() {
	defer close(c.done)
	var last time.Time
	caughtUp := -1 // the WAL length at the writer's last catch-up
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-c.due:
		case <-c.idle:
			// A lull, if the writer commits nothing for a while (and
			// not too soon after the last checkpoint).
			commits := c.commits.Load()
			timer.Reset(max(checkpointLull, checkpointEvery-time.Since(last)))
			select {
			case <-timer.C:
				if c.commits.Load() != commits {
					continue
				}
			case <-c.due:
				timer.Stop()
			case <-c.stop:
				return
			}
		case <-c.stop:
			return
		}
		last = time.Now()
		frames, copied, err := c.checkpoint()
		if err == nil && frames > 0 && copied == frames && c.truncate() {
			continue
		}
		// Past the bound, and not just as long as when the writer last
		// caught up (its next commit starts the WAL over: no need to ask
		// again before).
		if err != nil || frames < c.restartFrames || frames == caughtUp {
			continue
		}
		// Once more at once: it copies what was committed during the
		// first, so that the writer is left with little to copy.
		if _, _, err := c.checkpoint(); err != nil {
			continue
		}
		reply := make(chan int, 1)
		select {
		case c.catchUp <- reply:
		case <-c.stop:
			return
		}
		select {
		case caughtUp = <-reply:
		case <-c.stop:
			return
		}
	}
}

func (c *checkpointer) checkpoint() (frames, copied int, err error) {
	frames, copied, err = walCheckpoint(context.Background(), c.db)
	if err != nil {
		c.log.Warn("WAL checkpoint failed", "error", err.Error())
	}
	return frames, copied, err
}

// truncate empties the WAL file when nothing in it is left to copy and
// nobody is in the way (see the top of this file), and reports whether it
// did; otherwise it leaves it for a later checkpoint.
func (c *checkpointer) truncate() bool {
	var busy, frames, copied int
	err := c.db.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &copied)
	switch {
	case err != nil && !isBusy(err):
		c.log.Warn("WAL truncation failed", "error", err.Error())
		return false
	case err != nil || busy != 0:
		c.log.Debug("WAL truncation postponed: the database is busy")
		return false
	}
	if c.truncated != nil {
		c.truncated()
	}
	return true
}

// isBusy reports SQLite's SQLITE_BUSY or SQLITE_LOCKED.
func isBusy(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked)
}

// committed tells the checkpointer that the writer committed a group, and
// whether it found nothing queued after it.
func (c *checkpointer) committed(idle bool) {
	c.commits.Add(1)
	if idle {
		select {
		case c.idle <- struct{}{}:
		default:
		}
	}
}

// checkpointDue tells the checkpointer to copy the WAL now.
func (c *checkpointer) checkpointDue() {
	select {
	case c.due <- struct{}{}:
	default:
	}
}

// close stops the checkpointer and closes its connection; again, it does
// nothing.
func (c *checkpointer) close() error {
	var err error
	c.once.Do(func() {
		close(c.stop)
		<-c.done
		err = c.db.Close()
	})
	return err
}

// walCheckpoint copies what it can of the WAL into the database file
// without waiting for anyone, and returns the length of the WAL and how
// much of it is now in the database file, in pages.
func walCheckpoint(ctx context.Context, db *sql.DB) (frames, copied int, err error) {
	var busy int
	err = db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied)
	return frames, copied, err
}
