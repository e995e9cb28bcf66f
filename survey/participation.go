package survey

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The participation of an open pulse is shown from a snapshot: the
// answers per department counted at one moment, counted again only when
// the snapshot is older than the caller's period (a day by default). The
// pages hide small counts, and which counts they hide depends on all of
// them; read live, the moment a hidden cell appears or another one hides
// tells that someone in a small department has just answered - and,
// with the department's headcount, who. Counted once a day, it tells at
// most on which day, which the closed results' count tells at the end
// anyway (whether, not when).
//
// The snapshot holds counts only (the responses hold them anyway), is
// kept in the database so that every instance shows the same one, and is
// deleted when the pulse closes.

type participationRow struct {
	PulseID string `gorm:"primaryKey"`
	TakenAt time.Time
	Counts  string // JSON: department id -> answers
}

func (participationRow) TableName() string { return "participation_snapshots" }

// Participation returns the answers per department of the pulse as its
// snapshot counted them, and when: a snapshot older than every (or none)
// is first replaced by the counts of now. every <= 0 counts live, without
// a snapshot (tests, and organisations that accept the risk).
func (s *Store) Participation(ctx context.Context, pulseID string, every time.Duration) (map[string]int, time.Time, error) {
	now := s.now().UTC()
	if every <= 0 {
		counts, err := s.ResponseCounts(ctx, pulseID)
		return counts, now, err
	}
	var row participationRow
	err := s.r.WithContext(ctx).Take(&row, "pulse_id = ?", pulseID).Error
	switch {
	case err == nil && now.Sub(row.TakenAt) < every && !row.TakenAt.After(now):
		counts := map[string]int{}
		if err := json.Unmarshal([]byte(row.Counts), &counts); err != nil {
			return nil, time.Time{}, internal("read participation snapshot", err)
		}
		return counts, row.TakenAt.UTC(), nil
	case err != nil && !errors.Is(err, gorm.ErrRecordNotFound):
		return nil, time.Time{}, internal("read participation snapshot", err)
	}
	counts, err := s.ResponseCounts(ctx, pulseID)
	if err != nil {
		return nil, time.Time{}, err
	}
	b, err := json.Marshal(counts)
	if err != nil {
		return nil, time.Time{}, internal("encode participation snapshot", err)
	}
	// Two instances counting at the same moment both write; either
	// snapshot is a true count of that moment.
	row = participationRow{PulseID: pulseID, TakenAt: now, Counts: string(b)}
	err = s.w.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "pulse_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"taken_at", "counts"})}).Create(&row).Error
	if err != nil {
		if isForeignKeyViolation(err) {
			return nil, time.Time{}, errorf(ENotFound, "pulse_not_found", "no pulse %q", pulseID)
		}
		return nil, time.Time{}, internal("store participation snapshot", err)
	}
	return counts, now, nil
}
