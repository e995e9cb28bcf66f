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
