package survey

import "context"

// Test hooks of the group writer, its checkpointer and migration 5.

// OpenAtVersion opens a store migrated only up to schema version v.
func OpenAtVersion(ctx context.Context, dsn string, v int) (*Store, error) {
	return open(ctx, dsn, Options{}, v)
}

// SetCheckpointThresholds changes how many responses a burst stores
// before the WAL is copied regardless, and the WAL length past which a
// checkpoint lets the WAL start over; it returns a function that restores
// them. Set it before opening a store: a store keeps the values it opened
// with.
func SetCheckpointThresholds(rows, frames int) (restore func()) {
	oldRows, oldFrames := checkpointRows, walRestartFrames
	checkpointRows, walRestartFrames = rows, frames
	return func() { checkpointRows, walRestartFrames = oldRows, oldFrames }
}

// SetOnTruncate makes stores opened after it call fn each time their
// checkpointer has emptied the WAL; it returns a function that restores
// the hook.
func SetOnTruncate(fn func()) (restore func()) {
	old := onTruncate
	onTruncate = fn
	return func() { onTruncate = old }
}

// ResponseID is the id EachResponse gives the response with this key.
func ResponseID(key string) string { return responseID(key) }
