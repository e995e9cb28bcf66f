package survey

import (
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
// not seen earlier in the group - are stored together: one multi-row INSERT
// of the responses that skips keys already stored (those are replays), and
// one multi-row INSERT of their comments, straight on the transaction's
// connection. Per response that saves a savepoint, its release and GORM's
// statement building, which at thousands of responses a second is most of
// the writer's time. The others (an invitation to use, a key seen twice in
// one group) take the per-submission path with a savepoint each, after the
// batch; and when the batch fails as a whole (a department deleted while
// its link was in use), it is rolled back and every submission of it takes
// that path too, so that one bad submission cannot take the others down.
//
// The order is a valid serial order of the group: the batch holds only
// submissions independent of every other (own key, no token), and the rest
// follow it. Locks are taken in one global order so that two instances on
// one PostgreSQL cannot deadlock on them: the batch inserts its keys in
// key order, and the others run in the order of their tokens' hashes (the
// same form sent twice has the same token and keeps its order). A deadlock
// or serialization failure all the same is returned, and the writer runs
// the group again.
func (s *Store) storeGroup(tx *gorm.DB, group []*pending, results []outcome) error {
	pulses := map[string]Pulse{}
	now := s.now()
	seen := make(map[string]bool, len(group))
	var batch, slow []int
	for i, p := range group {
		first := !seen[p.sub.Key]
		seen[p.sub.Key] = true
		if p.sub.Token != "" || !first {
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
		batch = append(batch, i)
	}
	if len(batch) > 0 {
		ok, err := s.storeBatch(tx, group, batch, results)
		if err != nil {
			return err
		}
		if !ok {
			slow = mergeSorted(slow, batch)
		}
	}
	sort.SliceStable(slow, func(a, b int) bool {
		return lockOrder(group[slow[a]].sub.Token) < lockOrder(group[slow[b]].sub.Token)
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

// storeBatch inserts the responses of group[batch] and their comments
// under a savepoint. It reports false, with everything of the batch rolled
// back, when a statement failed; an error only when the transaction
// itself is unusable.
func (s *Store) storeBatch(tx *gorm.DB, group []*pending, batch []int, results []outcome) (bool, error) {
	if err := tx.SavePoint("batch").Error; err != nil {
		return false, err
	}
	stored, err := s.insertBatch(tx, group, batch)
	if retryable(err) {
		return false, err
	}
	if err != nil {
		s.log.Warn("batch of submissions failed; storing them one by one", "size", len(batch), "error", err.Error())
		if rbErr := tx.RollbackTo("batch").Error; rbErr != nil {
			return false, rbErr
		}
		return false, nil
	}
	if err := tx.Exec("RELEASE SAVEPOINT batch").Error; err != nil {
		return false, err
	}
	for _, i := range batch {
		// A key the INSERT skipped was stored before: the same form again.
		results[i] = outcome{rc: Receipt{Replay: !stored[group[i].sub.Key]}}
	}
	return true, nil
}

// insertBatch runs the two multi-row INSERTs and returns the keys stored.
func (s *Store) insertBatch(tx *gorm.DB, group []*pending, batch []int) (map[string]bool, error) {
	ctx := tx.Statement.Context
	if ctx == nil {
		ctx = context.Background()
	}
	conn := tx.Statement.ConnPool
	var q strings.Builder
	args := make([]any, 0, 5*len(batch))
	q.WriteString("INSERT INTO responses (id, pulse_id, department_id, submission_key, answers) VALUES ")
	// In key order: see storeGroup.
	batch = slices.Clone(batch)
	slices.SortFunc(batch, func(a, b int) int { return strings.Compare(group[a].sub.Key, group[b].sub.Key) })
	for n, i := range batch {
		p := group[i]
		if n > 0 {
			q.WriteByte(',')
		}
		s.writeTuple(&q, len(args), 5)
		args = append(args, NewID(), p.sub.Link.PulseID, p.sub.Link.DepartmentID, p.sub.Key, p.answers)
	}
	// ON CONFLICT DO NOTHING rather than an error: on PostgreSQL a failed
	// statement would abort the transaction. RETURNING names the rows that
	// were inserted (SQLite >= 3.35, PostgreSQL).
	q.WriteString(" ON CONFLICT (submission_key) DO NOTHING RETURNING submission_key")
	rows, err := conn.QueryContext(ctx, q.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("insert responses: %w", err)
	}
	stored := make(map[string]bool, len(batch))
	for rows.Next() {
		var key string
		if err := rows.Scan(&key); err != nil {
			rows.Close()
			return nil, fmt.Errorf("insert responses: %w", err)
		}
		stored[key] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("insert responses: %w", err)
	}

	q.Reset()
	args = args[:0]
	q.WriteString("INSERT INTO comments (id, pulse_id, department_id, item_id, body) VALUES ")
	for _, i := range batch {
		p := group[i]
		if !stored[p.sub.Key] {
			continue
		}
		for item, body := range p.sub.Comments {
			if len(args) > 0 {
				q.WriteByte(',')
			}
			s.writeTuple(&q, len(args), 5)
			args = append(args, NewID(), p.sub.Link.PulseID, p.sub.Link.DepartmentID, item, body)
		}
	}
	if len(args) > 0 {
		if _, err := conn.ExecContext(ctx, q.String(), args...); err != nil {
			return nil, fmt.Errorf("insert comments: %w", err)
		}
	}
	return stored, nil
}

// lockOrder is where a submission with this invitation token takes its
// locks: none first, then by the hash the row is keyed on.
func lockOrder(token string) string {
	if token == "" {
		return ""
	}
	return hashToken(token)
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

// mergeSorted merges two ascending lists of indexes.
func mergeSorted(a, b []int) []int {
	out := make([]int, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if a[0] < b[0] {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return append(append(out, a...), b...)
}
