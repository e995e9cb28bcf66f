package survey

import (
	"context"

	"gorm.io/gorm"
)

// Test hooks into unexported parts of the store.

func MigrateTo(ctx context.Context, s *Store, version int) error { return s.migrate(ctx, version) }

func WriterDB(s *Store) *gorm.DB { return s.w }

func MigrationCount() int { return len(migrations) }

// ReplaceMigrationSQL swaps the SQL of a step, as if someone edited a
// shipped migration, and returns a function that undoes it.
func ReplaceMigrationSQL(version int, sql string) (restore func()) {
	old := migrations[version-1].SQL
	migrations[version-1].SQL = sql
	return func() { migrations[version-1].SQL = old }
}

// CommitGroup stores subs as one group through the group writer's commit,
// so a test can put chosen submissions into the same transaction.
func CommitGroup(s *Store, subs []Submission) []error {
	group := make([]*pending, len(subs))
	for i, sub := range subs {
		group[i] = &pending{sub: sub, answers: `{}`, done: make(chan outcome, 1)}
	}
	s.writer.commit(group)
	errs := make([]error, len(subs))
	for i, p := range group {
		o := <-p.done
		errs[i] = o.err
		if o.err == nil && o.rc.Replay {
			errs[i] = errReplay
		}
	}
	return errs
}

var errReplay = errorf(EConflict, "replay", "replay")

// SealLock is the advisory lock key of Seal.
const SealLock = sealLock

// HoldSeal makes Seal call hold inside its transaction once a pulse's
// rows are written again, before it commits; it returns the undo.
func HoldSeal(hold func(pulseID string)) (restore func()) {
	sealRewritten = hold
	return func() { sealRewritten = nil }
}

// ScrubAndMaskIndexed is what Store.Submit runs per comment: the list of
// names indexed once (the store caches the index).
func ScrubAndMaskIndexed(names []string) func(string) string {
	return newNameIndex(names).scrubAndMask
}

// StoredKey is what Submit stores of the submission key key.
func StoredKey(s *Store, key string) string { return s.submissionKeyHash(key) }
