package survey

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type pulseRow struct {
	ID                   string `gorm:"primaryKey"`
	Name                 string
	QuestionnaireID      string
	QuestionnaireVersion int
	OpensAt              sql.NullTime
	ClosesAt             sql.NullTime
	Status               string
	MinGroup             int
	MinComments          int
	CreatedAt            time.Time
	ClosedAt             sql.NullTime
	PurgedAt             sql.NullTime
	AnswerMode           string
	LeadComments         bool
	RetentionMonths      int
	SignOn               bool
}

func (pulseRow) TableName() string { return "pulses" }

func nullTime(t time.Time) sql.NullTime {
	if t.IsZero() {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: t.UTC(), Valid: true}
}

func (r pulseRow) domain() Pulse {
	p := Pulse{ID: r.ID, Name: r.Name, QuestionnaireID: r.QuestionnaireID, QuestionnaireVersion: r.QuestionnaireVersion,
		Status: PulseStatus(r.Status), MinGroup: r.MinGroup, MinComments: r.MinComments, Mode: AnswerMode(r.AnswerMode),
		LeadComments: r.LeadComments, RetentionMonths: r.RetentionMonths, SignOn: r.SignOn}
	if r.OpensAt.Valid {
		p.Opens = r.OpensAt.Time.UTC()
	}
	if r.ClosesAt.Valid {
		p.Closes = r.ClosesAt.Time.UTC()
	}
	if r.ClosedAt.Valid {
		p.Closed = r.ClosedAt.Time.UTC()
	}
	if r.PurgedAt.Valid {
		p.Purged = r.PurgedAt.Time.UTC()
	}
	return p
}

// Validate checks a pulse before it is stored.
func (p *Pulse) Validate() error {
	p.Name = strings.TrimSpace(p.Name)
	switch {
	case p.Name == "":
		return errorf(EInvalid, "pulse_name_missing", "a pulse needs a name")
	case !PlainText(p.Name, false):
		return errorf(EInvalid, "pulse_name_invalid", "a pulse name may not hold control characters or invalid UTF-8")
	case utf8.RuneCountInString(p.Name) > 120:
		return errorf(EInvalid, "pulse_name_long", "a pulse name has at most 120 characters")
	case p.QuestionnaireID == "" || p.QuestionnaireVersion < 1:
		return errorf(EInvalid, "pulse_questionnaire", "a pulse needs a questionnaire and its version")
	case !p.Opens.IsZero() && !p.Closes.IsZero() && !p.Closes.After(p.Opens):
		return errorf(EInvalid, "pulse_dates", "the pulse must close after it opens")
	case p.RetentionMonths == 0:
		p.RetentionMonths = DefaultRetentionMonths
	case p.RetentionMonths < 1 || p.RetentionMonths > MaxRetentionMonths:
		return errorf(EInvalid, "pulse_retention", "the retention period is 1 to %d months", MaxRetentionMonths)
	}
	m, ok := ParseAnswerMode(string(p.Mode))
	if !ok {
		return errorf(EInvalid, "pulse_mode", "a pulse is answered through open_links, codes or both")
	}
	p.Mode = m
	return nil
}

// CreatePulse stores a new pulse as a draft.
func (s *Store) CreatePulse(ctx context.Context, p Pulse) (Pulse, error) {
	if err := p.Validate(); err != nil {
		return Pulse{}, err
	}
	p.ID = NewID()
	p.Status = PulseDraft
	p.MinGroup, p.MinComments = 0, 0
	row := pulseRow{ID: p.ID, Name: p.Name, QuestionnaireID: p.QuestionnaireID, QuestionnaireVersion: p.QuestionnaireVersion,
		OpensAt: nullTime(p.Opens), ClosesAt: nullTime(p.Closes), Status: string(p.Status), CreatedAt: s.now().UTC(),
		AnswerMode: string(p.Mode), LeadComments: p.LeadComments, RetentionMonths: p.RetentionMonths, SignOn: p.SignOn}
	if err := s.w.WithContext(ctx).Create(&row).Error; err != nil {
		return Pulse{}, internal("create pulse", err)
	}
	return row.domain(), nil
}

// Pulse returns one pulse.
func (s *Store) Pulse(ctx context.Context, id string) (Pulse, error) {
	return s.pulse(s.r.WithContext(ctx), id)
}

// pulseForWrite reads a pulse inside a submission transaction. On
// PostgreSQL it takes a share lock on the row, so that ClosePulse (an
// UPDATE of that row) waits for submissions in flight and no response can
// commit after the close that snapshots the results; SQLite's single
// writer orders them already.
func (s *Store) pulseForWrite(tx *gorm.DB, id string) (Pulse, error) {
	if s.dialect == Postgres {
		tx = tx.Clauses(clause.Locking{Strength: "SHARE"})
	}
	return s.pulse(tx, id)
}

func (s *Store) pulse(db *gorm.DB, id string) (Pulse, error) {
	var row pulseRow
	err := db.Take(&row, "id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Pulse{}, errorf(ENotFound, "pulse_not_found", "no pulse %q", id)
	}
	if err != nil {
		return Pulse{}, internal("read pulse", err)
	}
	return row.domain(), nil
}

// Pulses returns all pulses, newest first.
func (s *Store) Pulses(ctx context.Context) ([]Pulse, error) {
	var rows []pulseRow
	if err := s.r.WithContext(ctx).Order("created_at DESC, id").Find(&rows).Error; err != nil {
		return nil, internal("list pulses", err)
	}
	out := make([]Pulse, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// OpenPulse starts accepting answers. The anonymity thresholds of the
// organisation settings are copied onto the pulse now and never change for
// it afterwards: respondents were told the threshold on the intro page.
// It also creates a survey link for every department.
func (s *Store) OpenPulse(ctx context.Context, id string) (Pulse, error) {
	return s.OpenPulseAt(ctx, id, time.Time{})
}

// OpenPulseAt is OpenPulse at time at ("open now"): an opening time later
// than at, or none, becomes at, so that answers are accepted from then on
// and the pulse records when it opened. A zero at leaves the opening time
// as it is.
//
// Only a draft opens: the UPDATE is conditional on the status, so that of
// two instances opening the same pulse at once one opens it and the other
// gets EConflict "pulse_not_draft" (on PostgreSQL the second UPDATE waits
// for the first and then finds the row no longer a draft).
func (s *Store) OpenPulseAt(ctx context.Context, id string, at time.Time) (Pulse, error) {
	var out Pulse
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		p, err := s.pulse(tx, id)
		if err != nil {
			return err
		}
		if p.Status != PulseDraft {
			return errorf(EConflict, "pulse_not_draft", "the pulse is %s; only a draft can be opened", p.Status)
		}
		var st settingsRow
		set := DefaultSettings()
		if err := tx.Take(&st, 1).Error; err == nil {
			set = Settings{MinGroup: st.MinGroup, MinComments: st.MinComments}
		} else if !errors.Is(err, gorm.ErrRecordNotFound) {
			return internal("read settings", err)
		}
		// Migration 6 raised every stored threshold to the floor; a
		// database edited by hand since must not open a pulse below it.
		if set.MinGroup < MinAllowedGroup || set.MinComments < set.MinGroup {
			return errorf(EConflict, "settings_min_group", "the anonymity threshold is %d, below the floor of %d: raise it before opening a pulse", set.MinGroup, MinAllowedGroup)
		}
		if p.RetentionMonths < 1 {
			return errorf(EConflict, "pulse_retention", "the pulse has no retention period; it cannot open without one")
		}
		upd := map[string]any{"status": string(PulseOpen), "min_group": set.MinGroup, "min_comments": set.MinComments}
		if !at.IsZero() && (p.Opens.IsZero() || p.Opens.After(at)) {
			p.Opens = at.UTC()
			upd["opens_at"] = p.Opens
		}
		res := tx.Model(&pulseRow{}).Where("id = ? AND status = ?", id, string(PulseDraft)).Updates(upd)
		if res.Error != nil {
			return internal("open pulse", res.Error)
		}
		if res.RowsAffected == 0 {
			return errorf(EConflict, "pulse_not_draft", "the pulse is no longer a draft; only a draft can be opened")
		}
		if err := ensureLinks(tx, id); err != nil {
			return err
		}
		p.Status, p.MinGroup, p.MinComments = PulseOpen, set.MinGroup, set.MinComments
		out = p
		return nil
	})
	return out, err
}

// ClosePulse stops accepting answers and records when. Closing is final;
// results.Close also stores the pulse's final results, which the retention
// needs before it may delete raw answers.
//
// The pulse's invitations, and the record of who signed on to answer it
// (signon.go), are deleted in the same transaction: once no answer can
// come, nothing needs to know which tokens were used or who answered, and
// deleted rows tell nobody holding a later copy of the database anything.
//
// On SQLite deleted rows stay readable in free pages and free blocks of the
// file (and in the write-ahead log) until they are overwritten: with the
// key file, a copy of the file and the mail merge would still tell who
// answered the closed pulse. So the delete overwrites them (secure_delete),
// and the file is rebuilt (VACUUM) and its log truncated, as the retention
// does for raw answers. PostgreSQL keeps dead row versions until its
// (auto)vacuum reuses the space (README, "Who answered stays unknown").
func (s *Store) ClosePulse(ctx context.Context, id string) error {
	var closed int64
	err := s.w.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		if s.dialect == SQLite {
			if err := conn.Exec("PRAGMA secure_delete = ON").Error; err != nil {
				return fmt.Errorf("secure delete: %w", err)
			}
			defer conn.Exec("PRAGMA secure_delete = OFF")
		}
		err := conn.Transaction(func(tx *gorm.DB) error {
			res := tx.Model(&pulseRow{}).Where("id = ? AND status = ?", id, string(PulseOpen)).
				Updates(map[string]any{"status": string(PulseClosed), "closed_at": s.now().UTC()})
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error
			}
			closed = res.RowsAffected
			// The tree the pulse closes with: its published results keep
			// their places when departments move or are renamed later.
			if err := tx.Exec(`INSERT INTO pulse_departments (pulse_id, department_id, parent_id, name, headcount)
				SELECT ?, id, COALESCE(parent_id, ''), name, headcount FROM departments`, id).Error; err != nil {
				return fmt.Errorf("tree at close: %w", err)
			}
			// Every response gets a fresh random key: no later copy of
			// the database, key file or not, maps a row to the key a
			// client sent (submissionKeyHash).
			if err := s.rekeyResponses(tx, id); err != nil {
				return err
			}
			if err := tx.Where("pulse_id = ?", id).Delete(&signOnRow{}).Error; err != nil {
				return fmt.Errorf("forget sign-ons: %w", err)
			}
			// The closed pulse's participation is its stored results'.
			if err := tx.Where("pulse_id = ?", id).Delete(&participationRow{}).Error; err != nil {
				return fmt.Errorf("forget participation snapshot: %w", err)
			}
			return tx.Where("pulse_id = ?", id).Delete(&invitationRow{}).Error
		})
		if err != nil || closed == 0 {
			return err
		}
		if s.dialect == Postgres {
			// The deleted sign-ons and invitations and the responses' old
			// versions stay in the heap, each with the id of the
			// transaction that wrote it, until a vacuum: a sign-on's id
			// is its response's, so a copy of the data directory would
			// join person hash to answers. Seal leaves a pulse whose rows
			// now carry one id (the close's) alone, and autovacuum comes
			// when it comes: vacuum now, as Seal does.
			if err := conn.Exec("VACUUM (INDEX_CLEANUP ON) responses, comments, invitations, pulse_signons").Error; err != nil {
				return fmt.Errorf("vacuum: %w", err)
			}
			return nil
		}
		// secure_delete zeroes the deleted rows; copies that page splits
		// left in free space while the invitations were made stay until
		// the file is rebuilt.
		if err := conn.Exec("VACUUM").Error; err != nil {
			return fmt.Errorf("vacuum: %w", err)
		}
		var busy, logFrames, checkpointed int
		if err := conn.Raw("PRAGMA wal_checkpoint(TRUNCATE)").Row().Scan(&busy, &logFrames, &checkpointed); err != nil || busy != 0 {
			// A long reader kept the log: the next checkpoint overwrites it.
			s.log.Warn("close pulse: write-ahead log not truncated", "busy", busy, "error", err)
		}
		return nil
	})
	if err != nil {
		return internal("close pulse", err)
	}
	if closed == 0 {
		p, err := s.Pulse(ctx, id)
		if err != nil {
			return err
		}
		return errorf(EConflict, "pulse_not_open", "the pulse is %s; only an open pulse can be closed", p.Status)
	}
	return nil
}

// rekeyResponses gives every response of a closing pulse a fresh random
// key. On PostgreSQL an UPDATE would write the new versions in the order
// of the old ones - for what arrived since the last seal, the order of
// arrival - and the comments would keep theirs, each with its response's
// transaction id: the n-th response and the n-th comment of the heap would
// be one person's. So, as Seal does, the responses are deleted and
// inserted again ordered by their new keys, and the comments ordered by
// their random ids, in the close's transaction: afterwards every row of
// the pulse carries that one id and lies in an order that says nothing of
// arrival (the old versions are vacuumed after the commit). On SQLite the
// tables are ordered by their keys (WITHOUT ROWID) and the close rebuilds
// the file.
func (s *Store) rekeyResponses(tx *gorm.DB, id string) error {
	if s.dialect != Postgres {
		if err := tx.Exec("UPDATE responses SET submission_key = "+s.randomKeySQL()+" WHERE pulse_id = ?", id).Error; err != nil {
			return fmt.Errorf("new response keys: %w", err)
		}
		return nil
	}
	if err := tx.Exec(`WITH moved AS (DELETE FROM responses WHERE pulse_id = ? RETURNING pulse_id, department_id, answers)
		INSERT INTO responses (pulse_id, department_id, submission_key, answers)
		SELECT pulse_id, department_id, k, answers FROM (SELECT m.*, `+s.randomKeySQL()+` AS k FROM moved m) r
		ORDER BY department_id, k`, id).Error; err != nil {
		return fmt.Errorf("new response keys: %w", err)
	}
	if err := tx.Exec(`WITH moved AS (DELETE FROM comments WHERE pulse_id = ? RETURNING pulse_id, department_id, id, item_id, body, masked)
		INSERT INTO comments (pulse_id, department_id, id, item_id, body, masked)
		SELECT pulse_id, department_id, id, item_id, body, masked FROM moved ORDER BY department_id, id`, id).Error; err != nil {
		return fmt.Errorf("comments in key order: %w", err)
	}
	return nil
}
