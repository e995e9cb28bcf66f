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
// a quiet moment (a group of one) it joins to that person's scores. A
// submission with an invitation runs under a savepoint of its own (a
// subtransaction with an id of its own), which its response, its comments
// and the used invitation share even in a large group.
//
// Seal takes that away: per pulse, in one transaction, it deletes the
// pulse's responses, comments and used invitations and inserts them again
// ordered by their random keys, so that afterwards they all carry one xmin
// and were placed in an order that says nothing of their arrival. VACUUM
// (with index cleanup, so that the indexes drop the old places too) then
// removes the old row versions. What Seal cannot reach: the bytes of old
// versions left in free space until it is reused, PostgreSQL's own
// write-ahead log and archives, and backups made before it ran (see the
// README).
//
// On SQLite rows carry nothing beyond their columns, and the WAL is
// emptied after every burst (checkpoint.go): Seal does nothing there.

// SealReport is what one Seal did.
type SealReport struct {
	// Pulses is how many pulses were sealed; Responses and Comments how
	// many of their rows were written again.
	Pulses              int
	Responses, Comments int64
	// Busy is set when another instance was sealing at the same moment;
	// this call then left the work to it.
	Busy bool
}

// sealLock is the key of the PostgreSQL advisory lock that keeps two
// instances from sealing at once.
const sealLock = 0x7472_6f74_7331 // "trots1"

// sealRewritten, when set (by tests only), is called inside a seal's
// transaction once a pulse's rows are written again, before the commit:
// a test holds the seal there to run a purge against it.
var sealRewritten func(pulseID string)

// sealTables are the rows Seal writes again per pulse: which, and the
// order (random keys) they are inserted in.
var sealTables = []struct{ table, columns, where, order string }{
	{"responses", "pulse_id, department_id, submission_key, answers", "", "department_id, submission_key"},
	{"comments", "pulse_id, department_id, id, item_id, body, masked", "", "department_id, id"},
	{"invitations", "token_hash, pulse_id, department_id, used", " AND used", "token_hash"},
	// Who signed on to answer (signon.go): written in the transaction of
	// the response, so its xmin would name the response until sealed.
	{"pulse_signons", "pulse_id, person_hash", "", "person_hash"},
}

// Seal rewrites the rows of every pulse whose responses, comments and
// used invitations were written by more than one transaction (see above).
// It is safe while submissions go on: rows committed during a seal carry
// their own transaction and are sealed the next time. A replay of a key
// being sealed waits for the seal and is then answered as a replay.
func (s *Store) Seal(ctx context.Context) (SealReport, error) {
	var rep SealReport
	if s.dialect != Postgres {
		return rep, nil
	}
	var ids []string
	// xid has no ordering, so DISTINCT compares its text.
	err := s.r.WithContext(ctx).Raw(`SELECT pulse_id FROM (
		SELECT pulse_id, xmin::text AS x FROM responses
		UNION ALL SELECT pulse_id, xmin::text FROM comments
		UNION ALL SELECT pulse_id, xmin::text FROM invitations WHERE used
		UNION ALL SELECT pulse_id, xmin::text FROM pulse_signons) t
	GROUP BY pulse_id HAVING count(DISTINCT x) > 1 ORDER BY pulse_id`).Scan(&ids).Error
	if err != nil {
		return rep, internal("seal: find pulses", err)
	}
	for _, id := range ids {
		var (
			rows [4]int64
			done bool
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
			// The INSERT gets only rows the DELETE removed (a key this
			// transaction deleted is free again), so nothing is lost or
			// doubled; ORDER BY sets the order in which the rows are
			// placed anew.
			for i, t := range sealTables {
				res := tx.Exec(fmt.Sprintf(`WITH moved AS (DELETE FROM %[1]s WHERE pulse_id = ?%[3]s RETURNING %[2]s)
					INSERT INTO %[1]s (%[2]s) SELECT %[2]s FROM moved ORDER BY %[4]s`, t.table, t.columns, t.where, t.order), id)
				if res.Error != nil {
					return fmt.Errorf("%s: %w", t.table, res.Error)
				}
				rows[i] = res.RowsAffected
			}
			if sealRewritten != nil {
				sealRewritten(id)
			}
			done = true
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
		rep.Responses += rows[0]
		rep.Comments += rows[1]
	}
	if rep.Pulses > 0 {
		// Outside a transaction, as VACUUM must be. It removes the old
		// row versions that no running transaction can still see (a
		// later autovacuum takes any it had to leave), and INDEX_CLEANUP
		// ON makes it clear their index entries even when they are few.
		if err := s.w.WithContext(ctx).Exec("VACUUM (INDEX_CLEANUP ON) responses, comments, invitations, pulse_signons").Error; err != nil {
			return rep, internal("seal: vacuum", err)
		}
	}
	return rep, nil
}
