package survey_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"trots/survey"
	"trots/survey/storetest"
)

// sealRows are a pulse's rows as PostgreSQL holds them: the columns, and
// what it keeps beyond them (the writing transaction, the place).
type sealRow struct {
	Key, Dept, Body, Xmin string
}

// sealColumns are a table's key, the rest of its columns as one text, and
// which of its rows Seal writes again.
func sealColumns(table string) (key, body, where string) {
	switch table {
	case "comments":
		return "id", "item_id || ': ' || body", ""
	case "invitations":
		return "token_hash", "used::text", " AND used"
	}
	return "submission_key", "answers", ""
}

func sealRows(t *testing.T, s *survey.Store, table, pulseID string) []sealRow {
	t.Helper()
	key, body, where := sealColumns(table)
	var rows []sealRow
	err := survey.WriterDB(s).Raw(fmt.Sprintf(`SELECT %s AS key, department_id AS dept, %s AS body, xmin::text AS xmin
		FROM %s WHERE pulse_id = ?%s ORDER BY ctid`, key, body, table, where), pulseID).Scan(&rows).Error
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// After a seal, nothing PostgreSQL keeps with the rows of a pulse tells
// the order in which they arrived, or which comment came with which
// response; the rows themselves are unchanged.
func TestSealTakesArrivalOrderAway(t *testing.T) {
	s := storetest.Open(t, storetest.PostgresDSN(t))
	a := storetest.MustDepartment(t, s, "Techniek", 40)
	b := storetest.MustDepartment(t, s, "Zorg", 40)
	p := storetest.MustOpenPulse(t, s, "pulse", 1)
	other := storetest.MustOpenPulse(t, s, "pulse", 1)
	// One at a time: each submission is a group (a transaction) of its own.
	for i := range 12 {
		d := a
		if i%3 == 0 {
			d = b
		}
		sub := survey.Submission{Link: survey.Link{PulseID: p.ID, DepartmentID: d.ID}, Key: survey.NewID(),
			Answers: survey.Answers{Numbers: map[string]int{"pride_work": 1 + i%5}}}
		if i%2 == 0 {
			sub.Comments = map[string]string{"comment": fmt.Sprintf("opmerking %d", i)}
		}
		if _, err := s.Submit(ctx, sub); err != nil {
			t.Fatal(err)
		}
	}
	// Two with an invitation: each under a savepoint of its own, whose
	// id its response, comment and used invitation share.
	tokens, err := s.CreateInvitations(ctx, p.ID, b.ID, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range tokens[:2] {
		if _, err := s.Submit(ctx, survey.Submission{Link: survey.Link{PulseID: p.ID, DepartmentID: b.ID}, Key: survey.NewID(), Token: tok,
			Answers: survey.Answers{Numbers: map[string]int{"pride_work": 4}}, Comments: map[string]string{"comment": "uitgenodigd"}}); err != nil {
			t.Fatal(err)
		}
	}
	// A pulse written by one transaction has nothing to hide.
	if _, err := s.Submit(ctx, survey.Submission{Link: survey.Link{PulseID: other.ID, DepartmentID: a.ID}, Key: survey.NewID(),
		Answers: survey.Answers{Numbers: map[string]int{"pride_work": 3}}}); err != nil {
		t.Fatal(err)
	}
	beforeResp, beforeComm, beforeInv := sealRows(t, s, "responses", p.ID), sealRows(t, s, "comments", p.ID), sealRows(t, s, "invitations", p.ID)
	otherBefore := sealRows(t, s, "responses", other.ID)
	if len(beforeResp) != 14 || len(beforeComm) != 8 || len(beforeInv) != 2 {
		t.Fatalf("%d responses, %d comments, %d used invitations stored, want 14, 8 and 2", len(beforeResp), len(beforeComm), len(beforeInv))
	}
	if xmins := distinctXmin(beforeResp, beforeComm, beforeInv); len(xmins) != 14 {
		t.Fatalf("before the seal: %d transactions, want 14 (one per submission): the test proves nothing", len(xmins))
	}

	rep, err := s.Seal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep != (survey.SealReport{Pulses: 1, Responses: 14, Comments: 8}) {
		t.Fatalf("seal report %+v, want 1 pulse, 14 responses, 8 comments", rep)
	}
	afterResp, afterComm, afterInv := sealRows(t, s, "responses", p.ID), sealRows(t, s, "comments", p.ID), sealRows(t, s, "invitations", p.ID)
	if xmins := distinctXmin(afterResp, afterComm, afterInv); len(xmins) != 1 {
		t.Errorf("after the seal the rows carry %d transactions, want 1", len(xmins))
	}
	// The unused invitation is left as it was.
	var unused int64
	if err := survey.WriterDB(s).Raw("SELECT count(*) FROM invitations WHERE pulse_id = ? AND NOT used", p.ID).Scan(&unused).Error; err != nil || unused != 1 {
		t.Errorf("%d unused invitations after the seal (%v), want 1", unused, err)
	}
	// On a fresh table the rows are placed in the order inserted: the
	// order of their random keys.
	for table, rows := range map[string][]sealRow{"responses": afterResp, "comments": afterComm, "invitations": afterInv} {
		if got, want := keysOf(rows), keyOrder(t, s, table, p.ID); !slices.Equal(got, want) {
			t.Errorf("after the seal the %s do not lie in key order:\n got %v\nwant %v", table, got, want)
		}
	}
	if !sameRows(beforeResp, afterResp) || !sameRows(beforeComm, afterComm) || !sameRows(beforeInv, afterInv) {
		t.Errorf("the seal changed the rows:\nresponses %v\n       -> %v\ncomments %v\n      -> %v\ninvitations %v\n         -> %v",
			beforeResp, afterResp, beforeComm, afterComm, beforeInv, afterInv)
	}
	if got := sealRows(t, s, "responses", other.ID); !reflect.DeepEqual(got, otherBefore) {
		t.Errorf("a pulse of one transaction was rewritten: %v -> %v", otherBefore, got)
	}
	// Again: nothing new, nothing to do.
	if rep, err := s.Seal(ctx); err != nil || rep != (survey.SealReport{}) {
		t.Errorf("second seal: %+v, %v; want nothing done", rep, err)
	}
	// A used invitation stays used; the unused one still works once.
	if _, err := s.Submit(ctx, survey.Submission{Link: survey.Link{PulseID: p.ID, DepartmentID: b.ID}, Key: survey.NewID(), Token: tokens[0]}); survey.ErrorKey(err) != "token_used" {
		t.Errorf("a sealed, used invitation again: %v; want token_used", err)
	}
	if _, err := s.Submit(ctx, survey.Submission{Link: survey.Link{PulseID: p.ID, DepartmentID: b.ID}, Key: survey.NewID(), Token: tokens[2]}); err != nil {
		t.Errorf("the unused invitation after the seal: %v", err)
	}
}

// Submissions go on while seals run: every acknowledged one is stored
// once, and a replay of a sealed key stays a replay.
func TestSealDuringSubmissions(t *testing.T) {
	s := storetest.Open(t, storetest.PostgresDSN(t))
	d := storetest.MustDepartment(t, s, "Techniek", 600)
	p := storetest.MustOpenPulse(t, s, "pulse", 1)
	link := survey.Link{PulseID: p.ID, DepartmentID: d.ID}
	const workers, each = 8, 40
	keys := make(chan string, workers*each)
	var wg sync.WaitGroup
	errs := make(chan error, workers*each+1)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := ""
			for i := range each {
				// Every fourth time, the previous form once more (a
				// retry), while seals may be rewriting its row.
				if i%4 == 3 && last != "" {
					rc, err := s.Submit(ctx, survey.Submission{Link: link, Key: last, Answers: survey.Answers{Numbers: map[string]int{"pride_work": 2}}})
					if err != nil || !rc.Replay {
						errs <- fmt.Errorf("replay during seals: %+v, %v", rc, err)
					}
					continue
				}
				sub := survey.Submission{Link: link, Key: survey.NewID(), Answers: survey.Answers{Numbers: map[string]int{"pride_work": 1 + (w+i)%5}},
					Comments: map[string]string{"comment": "tekst"}}
				if _, err := s.Submit(ctx, sub); err != nil {
					errs <- err
					continue
				}
				keys <- sub.Key
				last = sub.Key
			}
		}()
	}
	stop := make(chan struct{})
	sealed := make(chan int)
	go func() {
		n := 0
		for {
			select {
			case <-stop:
				sealed <- n
				return
			default:
			}
			rep, err := s.Seal(ctx)
			if err != nil {
				errs <- err
				<-stop // one error is enough; the buffer holds it
				sealed <- n
				return
			}
			n += rep.Pulses
		}
	}()
	wg.Wait()
	close(stop)
	if n := <-sealed; n == 0 {
		t.Error("no seal ran while the submissions did: the test proves nothing")
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	close(keys)
	var acked, sent []string
	for k := range keys {
		acked = append(acked, survey.StoredKey(s, k))
		sent = append(sent, k)
	}
	var stored []string
	if err := survey.WriterDB(s).Raw("SELECT submission_key FROM responses WHERE pulse_id = ?", p.ID).Scan(&stored).Error; err != nil {
		t.Fatal(err)
	}
	slices.Sort(acked)
	slices.Sort(stored)
	if !slices.Equal(acked, stored) {
		t.Fatalf("%d acknowledged, %d stored: not the same keys", len(acked), len(stored))
	}
	if n := len(sealRows(t, s, "comments", p.ID)); n != len(acked) {
		t.Errorf("%d comments for %d responses", n, len(acked))
	}
	if _, err := s.Seal(ctx); err != nil {
		t.Fatal(err)
	}
	rc, err := s.Submit(ctx, survey.Submission{Link: link, Key: sent[0], Answers: survey.Answers{Numbers: map[string]int{"pride_work": 5}}})
	if err != nil || !rc.Replay {
		t.Errorf("replay of a sealed key: %+v, %v; want a replay", rc, err)
	}
}

// On SQLite rows carry nothing beyond their columns: Seal does nothing.
func TestSealOnSQLiteDoesNothing(t *testing.T) {
	s, _ := storeWithResponses(t, storetest.SQLiteDSN(t), 3)
	if rep, err := s.Seal(ctx); err != nil || rep != (survey.SealReport{}) {
		t.Fatalf("seal on SQLite: %+v, %v", rep, err)
	}
}

func keysOf(rows []sealRow) []string {
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.Key
	}
	return keys
}

// keyOrder is the keys of a pulse's rows in primary key order, as
// PostgreSQL sorts them.
func keyOrder(t *testing.T, s *survey.Store, table, pulseID string) []string {
	t.Helper()
	key, _, where := sealColumns(table)
	order := "department_id, " + key
	if table == "invitations" {
		order = key
	}
	var keys []string
	err := survey.WriterDB(s).Raw(fmt.Sprintf("SELECT %s FROM %s WHERE pulse_id = ?%s ORDER BY %s", key, table, where, order), pulseID).Scan(&keys).Error
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func distinctXmin(tables ...[]sealRow) map[string]bool {
	m := map[string]bool{}
	for _, rows := range tables {
		for _, r := range rows {
			m[r.Xmin] = true
		}
	}
	return m
}

// sameRows compares the columns, whatever the order and the transaction.
func sameRows(a, b []sealRow) bool {
	strip := func(rows []sealRow) []sealRow {
		out := make([]sealRow, len(rows))
		for i, r := range rows {
			out[i] = sealRow{Key: r.Key, Dept: r.Dept, Body: r.Body}
		}
		slices.SortFunc(out, func(x, y sealRow) int { return strings.Compare(x.Key, y.Key) })
		return out
	}
	return slices.Equal(strip(a), strip(b))
}

// BenchmarkSeal seals a pulse of 20,000 responses (a third with a
// comment) in 50 departments, stored in groups of 500, on the PostgreSQL
// of TROTS_TEST_POSTGRES (`make bench` starts one durable). Each
// iteration first stores one more response, so that there is something
// to seal.
func BenchmarkSeal(b *testing.B) {
	s := storetest.Open(b, storetest.PostgresDSN(b))
	p := storetest.MustOpenPulse(b, s, "pulse", 1)
	depts := make([]survey.Department, 50)
	for i := range depts {
		depts[i] = storetest.MustDepartment(b, s, fmt.Sprintf("Afdeling %d", i), 1000)
	}
	const responses, group = 20_000, 500
	for g := 0; g < responses/group; g++ {
		subs := make([]survey.Submission, group)
		for i := range subs {
			n := g*group + i
			subs[i] = survey.Submission{Link: survey.Link{PulseID: p.ID, DepartmentID: depts[n%len(depts)].ID}, Key: survey.NewID()}
			if n%3 == 0 {
				subs[i].Comments = map[string]string{"comment": "Meer uitleg over de plannen zou helpen."}
			}
		}
		for _, err := range survey.CommitGroup(s, subs) {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		if _, err := s.Submit(ctx, survey.Submission{Link: survey.Link{PulseID: p.ID, DepartmentID: depts[0].ID}, Key: survey.NewID()}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		rep, err := s.Seal(ctx)
		if err != nil || rep.Pulses != 1 || rep.Responses < responses {
			b.Fatalf("seal: %+v, %v", rep, err)
		}
	}
}

// While another instance seals (holds the advisory lock), Seal leaves the
// work to it and says so; once the lock is free it seals.
func TestSealLeavesWorkToAnotherInstance(t *testing.T) {
	s, p := storeWithResponses(t, storetest.PostgresDSN(t), 2)
	other := survey.WriterDB(s).Begin()
	if err := other.Exec("SELECT pg_advisory_xact_lock(?)", survey.SealLock).Error; err != nil {
		t.Fatal(err)
	}
	rep, err := s.Seal(ctx)
	if err != nil || rep != (survey.SealReport{Busy: true}) {
		t.Errorf("seal while another holds the lock: %+v, %v; want busy and nothing done", rep, err)
	}
	if n := len(distinctXmin(sealRows(t, s, "responses", p.ID))); n != 2 {
		t.Errorf("rows rewritten while another instance sealed: %d transactions, want 2", n)
	}
	other.Rollback()
	if rep, err := s.Seal(ctx); err != nil || rep.Pulses != 1 {
		t.Errorf("seal after the lock is free: %+v, %v", rep, err)
	}
}

// storeWithResponses opens a store on dsn with an open pulse holding n
// responses of one department, each stored in a transaction of its own.
func storeWithResponses(t *testing.T, dsn string, n int) (*survey.Store, survey.Pulse) {
	t.Helper()
	s := storetest.Open(t, dsn)
	d := storetest.MustDepartment(t, s, "Techniek", 40)
	p := storetest.MustOpenPulse(t, s, "pulse", 1)
	for range n {
		if _, err := s.Submit(ctx, survey.Submission{Link: survey.Link{PulseID: p.ID, DepartmentID: d.ID}, Key: survey.NewID()}); err != nil {
			t.Fatal(err)
		}
	}
	return s, p
}

// A purge that comes while a seal holds a pulse's rows written again but
// not yet committed (the sealer of one instance, the retention of
// another) waits for the seal and then deletes the rows the seal wrote:
// a seal never writes back raw answers a purge deleted.
func TestPurgeWaitsForSeal(t *testing.T) {
	s, p := storeWithResponses(t, storetest.PostgresDSN(t), 3)
	links, err := s.Links(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Submit(ctx, survey.Submission{Link: links[0], Key: survey.NewID(), Comments: map[string]string{"comment": "opmerking"}}); err != nil {
		t.Fatal(err)
	}
	// Closed as versions before the close sealed did (ClosePulse now
	// seals, leaving Seal nothing to do): status and time only, so that
	// the rows still came from several transactions.
	if err := survey.WriterDB(s).Exec("UPDATE pulses SET status = 'closed', closed_at = ? WHERE id = ?", time.Now().UTC(), p.ID).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := s.SavePulseResult(ctx, p.ID, json.RawMessage(`{}`)); err != nil {
		t.Fatal(err)
	}

	held, release := make(chan struct{}), make(chan struct{})
	defer survey.HoldSeal(func(string) {
		close(held)
		<-release
	})()
	sealed := make(chan error, 1)
	go func() {
		_, err := s.Seal(ctx)
		sealed <- err
	}()
	<-held
	type purgeResult struct {
		purged []survey.Purge
		err    error
	}
	purged := make(chan purgeResult, 1)
	go func() {
		got, err := s.PurgeRawAnswers(ctx, time.Now().Add(time.Hour), nil)
		purged <- purgeResult{got, err}
	}()
	// The purge is under way once PostgreSQL shows it waiting for a lock
	// the seal holds.
	for deadline := time.Now().Add(10 * time.Second); ; {
		var waiting int64
		if err := survey.WriterDB(s).Raw(`SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&waiting).Error; err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		select {
		case r := <-purged:
			t.Fatalf("the purge did not wait for the seal: %+v, %v", r.purged, r.err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the purge never waited for the seal")
		}
		time.Sleep(5 * time.Millisecond) // polling PostgreSQL's view of the waits
	}
	close(release)
	if err := <-sealed; err != nil {
		t.Fatalf("seal: %v", err)
	}
	r := <-purged
	if r.err != nil || len(r.purged) != 1 {
		t.Fatalf("purge: %+v, %v; want the pulse purged", r.purged, r.err)
	}
	for _, table := range []string{"responses", "comments"} {
		if rows := sealRows(t, s, table, p.ID); len(rows) != 0 {
			t.Errorf("%d %s left after the purge", len(rows), table)
		}
	}
	if got, err := s.Pulse(ctx, p.ID); err != nil || got.Purged.IsZero() {
		t.Errorf("pulse not recorded as purged: %+v, %v", got, err)
	}
}
