package survey

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// PostgreSQL keeps beyond the columns of every row the transaction that
// wrote it (xmin) and the row's place in the table (ctid). The group
// writer stores each group of submissions in one transaction, so both
// tell, to anyone who can run SQL, in which order groups of responses
// arrived - and a comment shares its transaction with its response, so in
// a quiet moment (a group of one) it joins to that person's scores.
//
// Seal takes that away: per pulse, it deletes the pulse's responses and
// comments and inserts them again in one transaction, in primary key
// order (random keys), so that afterwards they all carry one xmin and lie
// in an order that says nothing of their arrival. VACUUM then removes the
// old row versions, so that the pages no longer hold them either. What
// Seal cannot reach: PostgreSQL's own write-ahead log and archives, and
// backups made before it ran (see the README).
//
// On SQLite rows carry nothing beyond their columns, and the WAL is
// emptied after every burst (checkpoint.go): Seal does nothing there.

// SealReport is what one Seal did.
type SealReport struct {
	// Pulses is how many pulses were sealed; Responses and Comments how
	// many rows were written again.
	Pulses              int
	Responses, Comments int64
	// Busy is set when another instance was sealing at the same moment;
	// this call then left the work to it.
	Busy bool
}

// sealLock is the key of the PostgreSQL advisory lock that keeps two
// instances from sealing at once.
const sealLock = 0x7472_6f74_7331 // "trots1"

// Seal rewrites the responses and comments of every pulse whose rows were
// written by more than one transaction (see above). It is safe while
// submissions go on: rows committed during a seal carry their own
// transaction and are sealed the next time. A replay of a key being
// sealed waits for the seal and is then answered as a replay.
func (s *Store) Seal(ctx context.Context) (SealReport, error) {
	var rep SealReport
	if s.dialect != Postgres {
		return rep, nil
	}
	var ids []string
	// xid has no ordering, so DISTINCT compares its text.
	err := s.r.WithContext(ctx).Raw(`SELECT pulse_id FROM (
		SELECT pulse_id, xmin::text AS x FROM responses
		UNION ALL SELECT pulse_id, xmin::text FROM comments) t
	GROUP BY pulse_id HAVING count(DISTINCT x) > 1 ORDER BY pulse_id`).Scan(&ids).Error
	if err != nil {
		return rep, internal("seal: find pulses", err)
	}
	for _, id := range ids {
		var (
			responses, comments int64
			done                bool
		)
		err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			var got bool
			if err := tx.Raw("SELECT pg_try_advisory_xact_lock(?)", sealLock).Scan(&got).Error; err != nil {
				return err
			}
			if !got {
				rep.Busy = true
				return nil
			}
			// A pulse whose raw answers the retention purged keeps none;
			// the share lock makes a purge that comes now wait for the
			// seal, and a purge under way (it locks the pulse first)
			// finish before it.
			var live []string
			if err := tx.Raw("SELECT id FROM pulses WHERE id = ? AND purged_at IS NULL FOR SHARE", id).Scan(&live).Error; err != nil {
				return err
			}
			if len(live) == 0 {
				return nil
			}
			// ORDER BY makes PostgreSQL delete every row before it
			// inserts the first again, so that a key is never in the
			// table twice.
			res := tx.Exec(`WITH moved AS (DELETE FROM responses WHERE pulse_id = ?
					RETURNING pulse_id, department_id, submission_key, answers)
				INSERT INTO responses (pulse_id, department_id, submission_key, answers)
				SELECT * FROM moved ORDER BY department_id, submission_key`, id)
			if res.Error != nil {
				return fmt.Errorf("responses: %w", res.Error)
			}
			responses = res.RowsAffected
			res = tx.Exec(`WITH moved AS (DELETE FROM comments WHERE pulse_id = ?
					RETURNING pulse_id, department_id, id, item_id, body)
				INSERT INTO comments (pulse_id, department_id, id, item_id, body)
				SELECT * FROM moved ORDER BY department_id, id`, id)
			if res.Error != nil {
				return fmt.Errorf("comments: %w", res.Error)
			}
			comments, done = res.RowsAffected, true
			return nil
		})
		if err != nil {
			return rep, internal("seal pulse "+id, err)
		}
		if rep.Busy {
			break
		}
		if !done {
			continue // purged meanwhile
		}
		rep.Pulses++
		rep.Responses += responses
		rep.Comments += comments
	}
	if rep.Pulses > 0 {
		// Outside a transaction, as VACUUM must be. It removes the old
		// row versions that no running transaction can still see; a
		// later (auto)vacuum takes any it had to leave.
		if err := s.w.WithContext(ctx).Exec("VACUUM responses, comments").Error; err != nil {
			return rep, internal("seal: vacuum", err)
		}
	}
	return rep, nil
}
