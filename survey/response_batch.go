package survey

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

// storeGroup stores a group of queued submissions in tx and fills in each
// one's outcome.
//
// Most submissions of a group - no invitation token, an open pulse, a key
// not seen earlier in the group - are stored together by insertBatch,
// straight on the transaction's connection, without a savepoint: a
// savepoint makes SQLite copy every page it touches into a sub-journal
// first, and together with GORM's statement building that was most of the
// writer's time at thousands of responses a second. The others (an
// invitation to use, a key seen twice in one group) take the
// per-submission path with a savepoint each, after the batch; so do those
// of a respondent who signed on (signon.go).
//
// When a statement of the batch fails (a department deleted while its link
// was in use), storeGroup returns an errBatch: the writer rolls the whole
// transaction back and runs the group again with one savepoint per
// submission (fast false), so that one bad submission cannot take the
// others down.
//
// The order is a valid serial order of the group: the batch holds only
// submissions independent of every other (own key, no token), and the rest
// follow it. Locks are taken in one global order so that two instances on
// one PostgreSQL cannot deadlock on them: the batch inserts in primary key
// order, and the others run in the order of their tokens' hashes (the
// same form sent twice has the same token and keeps its order). A deadlock
// or serialization failure all the same is returned, and the writer runs
// the group again.
func (s *Store) storeGroup(tx *gorm.DB, group []*pending, results []outcome, fast bool) error {
	pulses := map[string]Pulse{}
	now := s.now()
	seen := make(map[string]bool, len(group))
	var batch, slow []int
	for i, p := range group {
		first := !seen[p.sub.Key]
		seen[p.sub.Key] = true
		if !fast || p.sub.Token != "" || p.sub.Person != "" || !first {
			slow = append(slow, i)
			continue
		}
		pl, ok := pulses[p.sub.Link.PulseID]
		if !ok {
			var err error
			if pl, err = s.pulseForWrite(tx, p.sub.Link.PulseID); err != nil {
				results[i] = outcome{err: err}
				continue
			}
			pulses[p.sub.Link.PulseID] = pl
		}
		if !pl.AcceptsAt(now) {
			results[i] = outcome{err: pulseClosedError(pl, now)}
			continue
		}
		if err := pl.CheckWay(false); err != nil {
			results[i] = outcome{err: err}
			continue
		}
		if err := pl.checkSignOn(""); err != nil {
			results[i] = outcome{err: err}
			continue
		}
		batch = append(batch, i)
	}
	if len(batch) > 0 {
		if err := s.insertBatch(tx, group, batch, results); err != nil {
			if retryable(err) {
				return err
			}
			return errBatch{err}
		}
	}
	sort.SliceStable(slow, func(a, b int) bool {
		return s.lockOrder(group[slow[a]].sub.Token) < s.lockOrder(group[slow[b]].sub.Token)
	})
	for _, i := range slow {
		if err := tx.SavePoint("sub").Error; err != nil {
			return err
		}
		rc, err := s.storeSubmission(tx, group[i], pulses)
		if retryable(err) {
			return err
		}
		if err != nil {
			// Undo this submission only; the others in the group go on.
			if rbErr := tx.RollbackTo("sub").Error; rbErr != nil {
				return rbErr
			}
		} else if relErr := tx.Exec("RELEASE SAVEPOINT sub").Error; relErr != nil {
			return relErr
		}
		results[i] = outcome{rc: rc, err: err}
	}
	return nil
}

// errBatch is a failed statement of insertBatch: the transaction is rolled
// back and the group runs again, every submission under its own savepoint.
type errBatch struct{ err error }

func (e errBatch) Error() string { return "batch of submissions: " + e.err.Error() }
func (e errBatch) Unwrap() error { return e.err }

// insertBatch stores the responses of group[batch] and their comments and
// fills in their outcomes; a key already stored is a replay (the same
// form again) and stores nothing. A response is inserted with ON CONFLICT
// DO NOTHING rather than caught as an error: on PostgreSQL a failed
// statement would abort the transaction.
//
// SQLite gets one short statement per row, the same text every time, so
// the driver's statement cache (_stmt_cache_size, see Open) prepares it
// once: an INSERT of one row needs no statement journal, and a multi-row
// INSERT would be parsed afresh for every group size. PostgreSQL gets one
// multi-row INSERT per table: there every statement is a round trip.
func (s *Store) insertBatch(tx *gorm.DB, group []*pending, batch []int, results []outcome) error {
	ctx := tx.Statement.Context
	if ctx == nil {
		ctx = context.Background()
	}
	conn := tx.Statement.ConnPool
	// In primary key order: see storeGroup.
	batch = slices.Clone(batch)
	slices.SortFunc(batch, func(a, b int) int {
		x, y := &group[a].sub, &group[b].sub
		return cmp.Or(strings.Compare(x.Link.PulseID, y.Link.PulseID),
			strings.Compare(x.Link.DepartmentID, y.Link.DepartmentID), strings.Compare(x.Key, y.Key))
	})
	if s.dialect == SQLite {
		var comments []commentRow
		for _, i := range batch {
			p := group[i]
			res, err := conn.ExecContext(ctx, insertResponseSQL, p.sub.Link.PulseID, p.sub.Link.DepartmentID, p.sub.Key, p.answers)
			if err != nil {
				return fmt.Errorf("insert response: %w", err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return fmt.Errorf("insert response: %w", err)
			}
			results[i] = outcome{rc: Receipt{Replay: n == 0}}
			if n > 0 {
				comments = appendComments(comments, p.sub)
			}
		}
		for _, c := range sortComments(comments) {
			if _, err := conn.ExecContext(ctx, insertCommentSQL, c.PulseID, c.DepartmentID, c.ID, c.ItemID, c.Body, c.Masked); err != nil {
				return fmt.Errorf("insert comment: %w", err)
			}
		}
		return nil
	}

	var q strings.Builder
	args := make([]any, 0, 4*len(batch))
	q.WriteString("INSERT INTO responses (pulse_id, department_id, submission_key, answers) VALUES ")
	for n, i := range batch {
		p := group[i]
		if n > 0 {
			q.WriteByte(',')
		}
		s.writeTuple(&q, len(args), 4)
		args = append(args, p.sub.Link.PulseID, p.sub.Link.DepartmentID, p.sub.Key, p.answers)
	}
	// RETURNING names the rows that were inserted; the keys of a batch
	// are distinct (see storeGroup), so the key alone tells which.
	q.WriteString(" ON CONFLICT (pulse_id, department_id, submission_key) DO NOTHING RETURNING submission_key")
	rows, err := conn.QueryContext(ctx, q.String(), args...)
	if err != nil {
		return fmt.Errorf("insert responses: %w", err)
	}
	stored := make(map[string]bool, len(batch))
	for rows.Next() {
		var key string
		if err := rows.Scan(&key); err != nil {
			rows.Close()
			return fmt.Errorf("insert responses: %w", err)
		}
		stored[key] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("insert responses: %w", err)
	}

	var comments []commentRow
	for _, i := range batch {
		p := group[i]
		results[i] = outcome{rc: Receipt{Replay: !stored[p.sub.Key]}}
		if stored[p.sub.Key] {
			comments = appendComments(comments, p.sub)
		}
	}
	q.Reset()
	args = args[:0]
	q.WriteString("INSERT INTO comments (pulse_id, department_id, id, item_id, body, masked) VALUES ")
	for n, c := range sortComments(comments) {
		if n > 0 {
			q.WriteByte(',')
		}
		s.writeTuple(&q, len(args), 6)
		args = append(args, c.PulseID, c.DepartmentID, c.ID, c.ItemID, c.Body, c.Masked)
	}
	if len(args) > 0 {
		if _, err := conn.ExecContext(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("insert comments: %w", err)
		}
	}
	return nil
}

// appendComments appends the comments of sub, each with a new random id.
func appendComments(rows []commentRow, sub Submission) []commentRow {
	for item, body := range sub.Comments {
		rows = append(rows, commentRow{PulseID: sub.Link.PulseID, DepartmentID: sub.Link.DepartmentID, ID: NewID(), ItemID: item, Body: body, Masked: Masked(body)})
	}
	return rows
}

// sortComments puts a group's comments in primary key order, by their
// random ids: the order in which they are written (on PostgreSQL, their
// physical order in the table) then says nothing about which response in
// the group each belongs to. Written in the responses' order, the n-th
// comment row of a group would line up with its author's scores. The
// primary key order is also the lock order of storeGroup.
func sortComments(rows []commentRow) []commentRow {
	slices.SortFunc(rows, func(a, b commentRow) int {
		return cmp.Or(strings.Compare(a.PulseID, b.PulseID), strings.Compare(a.DepartmentID, b.DepartmentID), strings.Compare(a.ID, b.ID))
	})
	return rows
}

// The statements of the SQLite batch, one row each.
const (
	insertResponseSQL = "INSERT INTO responses (pulse_id, department_id, submission_key, answers) VALUES (?, ?, ?, ?) " +
		"ON CONFLICT (pulse_id, department_id, submission_key) DO NOTHING"
	insertCommentSQL = "INSERT INTO comments (pulse_id, department_id, id, item_id, body, masked) VALUES (?, ?, ?, ?, ?, ?)"
)

// lockOrder is where a submission with this invitation token takes its
// locks: none first, then by the hash the row is keyed on.
func (s *Store) lockOrder(token string) string {
	if token == "" {
		return ""
	}
	return s.tokenHash(token)
}

// retryable reports a PostgreSQL deadlock or serialization failure: the
// transaction was chosen to give way and may simply run again.
func retryable(err error) bool {
	var state interface{ SQLState() string }
	if !errors.As(err, &state) {
		return false
	}
	switch state.SQLState() {
	case "40P01", "40001": // deadlock_detected, serialization_failure
		return true
	}
	return false
}

// writeTuple writes "(?, ?, ...)" on SQLite or "($n, ...)" on PostgreSQL
// for n values after the first `before` arguments.
func (s *Store) writeTuple(b *strings.Builder, before, n int) {
	b.WriteByte('(')
	for k := range n {
		if k > 0 {
			b.WriteByte(',')
		}
		if s.dialect == Postgres {
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(before + k + 1))
		} else {
			b.WriteByte('?')
		}
	}
	b.WriteByte(')')
}
