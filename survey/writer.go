package survey

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
)

// maxGroup bounds how many submissions share one transaction: large enough
// that one commit serves a burst, small enough that the first in line does
// not wait long for the last.
const maxGroup = 128

// pending is one submission waiting for the writer.
type pending struct {
	sub     Submission
	answers string
	done    chan outcome
	// When the submission was queued, taken into a group and answered,
	// for WriterStats. taken and answered are set by the writer before it
	// sends on done.
	queued, taken, answered time.Time
}

type outcome struct {
	rc  Receipt
	err error
}

// groupWriter commits submissions in groups: one goroutine takes whatever
// is queued (up to maxGroup), stores it in one transaction with a
// savepoint per submission, commits, and only then answers every waiting
// caller. On SQLite this turns N fsyncs into one without a pool of writers
// (which SQLite cannot run concurrently anyway); on PostgreSQL it saves
// commits just the same.
type groupWriter struct {
	s     *Store
	queue chan *pending
	stop  chan struct{}
	// finished is closed when the loop has answered everything queued.
	finished chan struct{}
	wg       sync.WaitGroup
	once     sync.Once

	// For WriterStats.
	groups, submissions atomic.Int64
	work, commitTime    atomic.Int64 // nanoseconds
	answered            atomic.Int64
	queuedNs, inGroupNs atomic.Int64
	wakeNs              atomic.Int64
}

// WriterStats tell how the group writer has worked since the store opened:
// how many transactions it committed for how many submissions, and how
// long it spent running their statements and committing them (COMMIT, on
// SQLite with the fsync of the WAL). The load test reports them.
//
// Queued, InGroup and Wake add up where the Answered submissions spent
// their time in Submit: waiting for the writer to take them into a group,
// in that group until the writer answered, and from the answer until the
// submitting goroutine ran again (the Go scheduler's part).
type WriterStats struct {
	Groups, Submissions   int64
	Work, Commit          time.Duration
	Answered              int64
	Queued, InGroup, Wake time.Duration
}

// WriterStats returns the group writer's counters.
func (s *Store) WriterStats() WriterStats {
	g := s.writer
	return WriterStats{Groups: g.groups.Load(), Submissions: g.submissions.Load(),
		Work: time.Duration(g.work.Load()), Commit: time.Duration(g.commitTime.Load()),
		Answered: g.answered.Load(), Queued: time.Duration(g.queuedNs.Load()),
		InGroup: time.Duration(g.inGroupNs.Load()), Wake: time.Duration(g.wakeNs.Load())}
}

func newGroupWriter(s *Store) *groupWriter {
	g := &groupWriter{s: s, queue: make(chan *pending, 4*maxGroup), stop: make(chan struct{}), finished: make(chan struct{})}
	g.wg.Add(1)
	go g.loop()
	return g
}

var errStoreClosed = errorf(EInternal, "", "the store is closed")

func (g *groupWriter) submit(ctx context.Context, p *pending) (Receipt, error) {
	select {
	case <-g.stop:
		return Receipt{}, errStoreClosed
	default:
	}
	p.queued = time.Now()
	select {
	case g.queue <- p:
	case <-ctx.Done():
		return Receipt{}, internal("submit", ctx.Err())
	case <-g.stop:
		return Receipt{}, errStoreClosed
	}
	// Once queued, the answer always comes (commit or failure); a caller
	// that gives up early gets an error, and a retry with the same key is
	// answered as a replay if the commit went through.
	select {
	case o := <-p.done:
		g.timed(p)
		return o.rc, o.err
	case <-ctx.Done():
		return Receipt{}, internal("submit", ctx.Err())
	case <-g.finished:
		// Queued just as the store closed: answered by drain, or never.
		select {
		case o := <-p.done:
			return o.rc, o.err
		default:
			return Receipt{}, errStoreClosed
		}
	}
}

// timed adds an answered submission's times to WriterStats.
func (g *groupWriter) timed(p *pending) {
	if p.answered.IsZero() {
		return // answered by drain
	}
	g.answered.Add(1)
	g.queuedNs.Add(int64(p.taken.Sub(p.queued)))
	g.inGroupNs.Add(int64(p.answered.Sub(p.taken)))
	g.wakeNs.Add(int64(time.Since(p.answered)))
}

func (g *groupWriter) close() {
	g.once.Do(func() {
		close(g.stop)
		g.wg.Wait()
	})
}

func (g *groupWriter) loop() {
	defer g.wg.Done()
	defer close(g.finished)
	group := make([]*pending, 0, maxGroup)
	rows := 0
	var catchUp chan chan int // nil (never ready) without a checkpointer
	if g.s.ckpt != nil {
		catchUp = g.s.ckpt.catchUp
	}
	for {
		select {
		case p := <-g.queue:
			p.taken = time.Now()
			group = append(group[:0], p)
		case reply := <-catchUp:
			reply <- g.checkpoint()
			continue
		case <-g.stop:
			g.drain()
			return
		}
	fill:
		for len(group) < maxGroup {
			select {
			case p := <-g.queue:
				p.taken = time.Now()
				group = append(group, p)
			default:
				break fill
			}
		}
		g.commit(group)
		if g.s.ckpt != nil {
			g.s.ckpt.committed(len(g.queue) == 0)
			if rows += len(group); rows >= g.s.ckpt.rows {
				rows = 0
				g.s.ckpt.checkpointDue()
			}
		}
	}
}

// checkpoint copies what the background checkpoints have not yet copied
// of the WAL into the database file, between two groups, so that the next
// group starts the WAL over (see checkpoint.go); it returns the length of
// the WAL (-1 after an error).
func (g *groupWriter) checkpoint() int {
	frames := -1
	db, err := g.s.w.DB()
	if err == nil {
		frames, _, err = walCheckpoint(context.Background(), db)
	}
	if err != nil {
		g.s.log.Warn("WAL checkpoint by the writer failed", "error", err.Error())
		return -1
	}
	return frames
}

// drain answers whatever is still queued at close.
func (g *groupWriter) drain() {
	for {
		select {
		case p := <-g.queue:
			p.done <- outcome{err: errStoreClosed}
		default:
			return
		}
	}
}

// maxAttempts bounds how often a group runs again after PostgreSQL chose
// its transaction to resolve a deadlock.
const maxAttempts = 3

func (g *groupWriter) commit(group []*pending) {
	var (
		results []outcome
		err     error
		fast    = true
	)
	for attempt := 1; ; attempt++ {
		results = make([]outcome, len(group))
		start := time.Now()
		worked := start
		err = g.s.w.Transaction(func(tx *gorm.DB) error {
			err := g.s.storeGroup(tx, group, results, fast)
			worked = time.Now()
			return err
		})
		g.work.Add(int64(worked.Sub(start)))
		g.commitTime.Add(int64(time.Since(worked)))
		var batchErr errBatch
		if fast && errors.As(err, &batchErr) {
			// Rolled back; once more with a savepoint per submission, so
			// that the failure stays with the submission that caused it.
			g.s.log.Warn("batch of submissions failed; storing them one by one", "size", len(group), "error", err.Error())
			fast = false
			attempt--
			continue
		}
		if err == nil || !retryable(err) || attempt == maxAttempts {
			break
		}
		g.s.log.Warn("group of submissions runs again", "attempt", attempt, "size", len(group), "error", err.Error())
	}
	g.groups.Add(1)
	g.submissions.Add(int64(len(group)))
	for i, p := range group {
		if err != nil {
			// Nothing of the group is committed: nobody gets an acknowledgement.
			results[i] = outcome{err: internal("commit responses", err)}
		}
		p.answered = time.Now()
		p.done <- results[i]
	}
}
