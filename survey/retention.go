package survey

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Retention: the raw answers of a pulse (responses and comments) may be
// deleted some months after it closed, while its aggregated results stay.
// The results are the analysis stored when the pulse closed (a "snapshot",
// table pulse_results); raw answers are only ever deleted for a closed
// pulse that has one.

type pulseResultRow struct {
	PulseID    string `gorm:"primaryKey"`
	Result     string
	ComputedAt time.Time
}

func (pulseResultRow) TableName() string { return "pulse_results" }

// PulseResult is the stored analysis of a closed pulse: its final results,
// which outlive its raw answers.
type PulseResult struct {
	PulseID string
	// Result is the analysis (an analysis.Result) as JSON; package
	// results encodes and decodes it.
	Result     json.RawMessage
	ComputedAt time.Time
}

// SavePulseResult stores the analysis of a closed pulse. The first one
// stored stays: the results of a closed pulse are final, and two instances
// closing the same pulse must not overwrite each other. It reports whether
// this call stored it. A closed pulse that has no closing time (closed
// before trots recorded it) gets the current time, so its retention period
// starts now.
func (s *Store) SavePulseResult(ctx context.Context, pulseID string, result json.RawMessage) (bool, error) {
	if !json.Valid(result) {
		return false, errorf(EInvalid, "", "the result of pulse %s is not JSON", pulseID)
	}
	stored := false
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		p, err := s.pulse(tx, pulseID)
		if err != nil {
			return err
		}
		if p.Status != PulseClosed {
			return errorf(EConflict, "pulse_not_closed", "the pulse is %s; only a closed pulse has final results", p.Status)
		}
		now := s.now().UTC()
		row := pulseResultRow{PulseID: pulseID, Result: string(result), ComputedAt: now}
		res := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "pulse_id"}}, DoNothing: true}).Create(&row)
		if res.Error != nil {
			return internal("store pulse result", res.Error)
		}
		stored = res.RowsAffected == 1
		if p.Closed.IsZero() {
			if err := tx.Model(&pulseRow{}).Where("id = ? AND closed_at IS NULL", pulseID).Update("closed_at", now).Error; err != nil {
				return internal("record closing time", err)
			}
		}
		return nil
	})
	return stored, err
}

// PulseResult returns the stored results of a pulse, ENotFound when it has
// none.
func (s *Store) PulseResult(ctx context.Context, pulseID string) (PulseResult, error) {
	var row pulseResultRow
	err := s.r.WithContext(ctx).Take(&row, "pulse_id = ?", pulseID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return PulseResult{}, errorf(ENotFound, "pulse_result_not_found", "pulse %s has no stored results", pulseID)
	}
	if err != nil {
		return PulseResult{}, internal("read pulse result", err)
	}
	return PulseResult{PulseID: row.PulseID, Result: json.RawMessage(row.Result), ComputedAt: row.ComputedAt.UTC()}, nil
}

// Purge tells what the retention deleted, or would delete, of one pulse.
type Purge struct {
	PulseID   string
	PulseName string
	Closed    time.Time
	Responses int
	Comments  int
}

// purgeable selects the closed pulses, closed before the cut-off, whose
// results are stored and whose raw answers are still there.
func purgeable(db *gorm.DB, before time.Time) *gorm.DB {
	return db.Model(&pulseRow{}).
		Where("status = ? AND closed_at IS NOT NULL AND closed_at < ? AND purged_at IS NULL", string(PulseClosed), before.UTC()).
		Where("EXISTS (SELECT 1 FROM pulse_results r WHERE r.pulse_id = pulses.id)")
}

// Purgeable lists what PurgeRawAnswers(before) would delete, with the
// counts of responses and comments, oldest pulse first.
func (s *Store) Purgeable(ctx context.Context, before time.Time) ([]Purge, error) {
	db := s.r.WithContext(ctx)
	var rows []pulseRow
	if err := purgeable(db, before).Order("closed_at, id").Find(&rows).Error; err != nil {
		return nil, internal("list pulses to purge", err)
	}
	return purgeCounts(db, rows)
}

// purgeCounts describes pulses whose raw answers are to be purged: each
// with its number of responses and comments.
func purgeCounts(db *gorm.DB, rows []pulseRow) ([]Purge, error) {
	out := make([]Purge, 0, len(rows))
	for _, r := range rows {
		pg := Purge{PulseID: r.ID, PulseName: r.Name, Closed: r.ClosedAt.Time.UTC()}
		var n int64
		if err := db.Model(&responseRow{}).Where("pulse_id = ?", r.ID).Count(&n).Error; err != nil {
			return nil, internal("count responses", err)
		}
		pg.Responses = int(n)
		if err := db.Model(&commentRow{}).Where("pulse_id = ?", r.ID).Count(&n).Error; err != nil {
			return nil, internal("count comments", err)
		}
		pg.Comments = int(n)
		out = append(out, pg)
	}
	return out, nil
}

// PurgeRawAnswers deletes the responses and comments of every pulse closed
// before the cut-off whose results are stored, and records when. Pulses
// that are open, closed later, or closed without stored results are left
// alone. redact, when not nil, rewrites the stored results in the same
// transaction (package results removes the open comments they quote). Each
// pulse is purged in its own transaction; what was purged is returned even
// when a later pulse fails.
//
// On SQLite the deleted rows are overwritten (secure_delete), the file is
// rebuilt (VACUUM) and the write-ahead log truncated, so that the answers
// do not linger in free space; on PostgreSQL the space is reclaimed by
// (auto)vacuum. Backups made earlier still hold them.
func (s *Store) PurgeRawAnswers(ctx context.Context, before time.Time, redact func(result json.RawMessage) (json.RawMessage, error)) ([]Purge, error) {
	var ids []string
	if err := purgeable(s.r.WithContext(ctx), before).Order("closed_at, id").Pluck("id", &ids).Error; err != nil {
		return nil, internal("list pulses to purge", err)
	}
	return s.purge(ctx, ids, before, redact)
}

// purge deletes the raw answers of the pulses ids that are still
// purgeable(before), as PurgeRawAnswers describes.
func (s *Store) purge(ctx context.Context, ids []string, before time.Time, redact func(result json.RawMessage) (json.RawMessage, error)) ([]Purge, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var done []Purge
	err := s.w.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		if s.dialect == SQLite {
			if err := conn.Exec("PRAGMA secure_delete = ON").Error; err != nil {
				return internal("purge: secure delete", err)
			}
			defer conn.Exec("PRAGMA secure_delete = OFF")
		}
		for _, id := range ids {
			var pg Purge
			err := conn.Transaction(func(tx *gorm.DB) error {
				// Check again inside the transaction: another instance may
				// have purged it meanwhile.
				// On PostgreSQL the pulse is locked first, so that a Seal
				// of it (seal.go) waits for the purge rather than writing
				// its rows back.
				var row pulseRow
				q := purgeable(tx, before).Where("id = ?", id)
				if s.dialect == Postgres {
					q = q.Clauses(clause.Locking{Strength: "NO KEY UPDATE"})
				}
				err := q.Take(&row).Error
				if errors.Is(err, gorm.ErrRecordNotFound) {
					return nil
				}
				if err != nil {
					return internal("read pulse to purge", err)
				}
				pg = Purge{PulseID: row.ID, PulseName: row.Name, Closed: row.ClosedAt.Time.UTC()}
				if redact != nil {
					var res pulseResultRow
					if err := tx.Take(&res, "pulse_id = ?", id).Error; err != nil {
						return internal("read pulse result", err)
					}
					out, err := redact(json.RawMessage(res.Result))
					if err != nil {
						return internal("redact pulse result", err)
					}
					if !json.Valid(out) {
						return internal("redact pulse result", errors.New("not JSON"))
					}
					if err := tx.Model(&pulseResultRow{}).Where("pulse_id = ?", id).Update("result", string(out)).Error; err != nil {
						return internal("store redacted pulse result", err)
					}
				}
				res := tx.Where("pulse_id = ?", id).Delete(&commentRow{})
				if res.Error != nil {
					return internal("purge comments", res.Error)
				}
				pg.Comments = int(res.RowsAffected)
				res = tx.Where("pulse_id = ?", id).Delete(&responseRow{})
				if res.Error != nil {
					return internal("purge responses", res.Error)
				}
				pg.Responses = int(res.RowsAffected)
				if err := tx.Model(&pulseRow{}).Where("id = ?", id).Update("purged_at", s.now().UTC()).Error; err != nil {
					return internal("record purge", err)
				}
				return nil
			})
			if err != nil {
				return err
			}
			if pg.PulseID != "" {
				done = append(done, pg)
			}
		}
		if s.dialect == SQLite && len(done) > 0 {
			// secure_delete zeroes the deleted rows, but copies that page
			// splits left in free space earlier stay until the file is
			// rebuilt. VACUUM rebuilds it; writers wait meanwhile (seconds
			// on a large database, once per purged pulse).
			if err := conn.Exec("VACUUM").Error; err != nil {
				return internal("purge: vacuum", err)
			}
			var busy, logFrames, checkpointed int
			row := conn.Raw("PRAGMA wal_checkpoint(TRUNCATE)").Row()
			if err := row.Scan(&busy, &logFrames, &checkpointed); err != nil || busy != 0 {
				// A long reader kept the log: the next checkpoint will
				// overwrite it. The rows are gone from the database either way.
				s.log.Warn("retention: write-ahead log not truncated after purge", "busy", busy, "error", err)
			}
		}
		return nil
	})
	return done, err
}
