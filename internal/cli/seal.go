package cli

import (
	"context"
	"log/slog"
	"time"

	"trots/survey"
)

// sealEvery is how often `trots serve` seals on PostgreSQL: the longest
// that the arrival order of new responses stays in what PostgreSQL keeps
// with their rows (survey.Store.Seal).
const sealEvery = 10 * time.Minute

// startSealer runs store.Seal now and then every interval, until ctx
// ends; on SQLite it starts nothing (Seal has nothing to do there).
func startSealer(ctx context.Context, store *survey.Store, interval time.Duration, log *slog.Logger) (stop func()) {
	if store.Dialect() != survey.Postgres {
		return func() {}
	}
	return every(ctx, interval, func(ctx context.Context) bool {
		rep, err := store.Seal(ctx)
		switch {
		case ctx.Err() != nil:
			return false
		case err != nil:
			log.Error("sealing the order of arrival failed; it runs again later", "error", err.Error())
		case rep.Busy:
			log.Debug("another instance is sealing")
		case rep.Pulses > 0:
			log.Info("order of arrival sealed", "pulses", rep.Pulses, "responses", rep.Responses, "comments", rep.Comments)
		}
		return true
	})
}
