package survey_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"trots/survey"
	"trots/survey/storetest"
)

// sealRows are a pulse's rows as PostgreSQL holds them: the columns, and
// what it keeps beyond them (the writing transaction, the place).
type sealRow struct {
	Key, Dept, Body, Xmin string
}

func sealRows(t *testing.T, s *survey.Store, table, pulseID string) []sealRow {
	t.Helper()
	key, body := "submission_key", "answers"
	if table == "comments" {
		key, body = "id", "body"
	}
	var rows []sealRow
	err := survey.WriterDB(s).Raw(fmt.Sprintf(`SELECT %s AS key, department_id AS dept, %s AS body, xmin::text AS xmin
		FROM %s WHERE pulse_id = ? ORDER BY ctid`, key, body, table), pulseID).Scan(&rows).Error
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
	// A pulse written by one transaction has nothing to hide.
	if _, err := s.Submit(ctx, survey.Submission{Link: survey.Link{PulseID: other.ID, DepartmentID: a.ID}, Key: survey.NewID(),
		Answers: survey.Answers{Numbers: map[string]int{"pride_work": 3}}}); err != nil {
		t.Fatal(err)
	}
	beforeResp, beforeComm := sealRows(t, s, "responses", p.ID), sealRows(t, s, "comments", p.ID)
	otherBefore := sealRows(t, s, "responses", other.ID)
	if len(beforeResp) != 12 || len(beforeComm) != 6 {
		t.Fatalf("%d responses, %d comments stored, want 12 and 6", len(beforeResp), len(beforeComm))
	}
	if xmins := distinctXmin(beforeResp, beforeComm); len(xmins) != 12 {
		t.Fatalf("before the seal: %d transactions, want 12 (one per submission): the test proves nothing", len(xmins))
	}

	rep, err := s.Seal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep != (survey.SealReport{Pulses: 1, Responses: 12, Comments: 6}) {
		t.Fatalf("seal report %+v, want 1 pulse, 12 responses, 6 comments", rep)
	}
	afterResp, afterComm := sealRows(t, s, "responses", p.ID), sealRows(t, s, "comments", p.ID)
	if xmins := distinctXmin(afterResp, afterComm); len(xmins) != 1 {
		t.Errorf("after the seal the rows carry %d transactions, want 1", len(xmins))
	}
	for table, rows := range map[string][]sealRow{"responses": afterResp, "comments": afterComm} {
		if got, want := keysOf(rows), keyOrder(t, s, table, p.ID); !slices.Equal(got, want) {
			t.Errorf("after the seal the %s do not lie in key order:\n got %v\nwant %v", table, got, want)
		}
	}
	if !sameRows(beforeResp, afterResp) || !sameRows(beforeComm, afterComm) {
		t.Errorf("the seal changed the rows:\nresponses %v\n       -> %v\ncomments %v\n      -> %v", beforeResp, afterResp, beforeComm, afterComm)
	}
	if got := sealRows(t, s, "responses", other.ID); !reflect.DeepEqual(got, otherBefore) {
		t.Errorf("a pulse of one transaction was rewritten: %v -> %v", otherBefore, got)
	}
	// Again: nothing new, nothing to do.
	if rep, err := s.Seal(ctx); err != nil || rep != (survey.SealReport{}) {
		t.Errorf("second seal: %+v, %v; want nothing done", rep, err)
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
			for i := range each {
				sub := survey.Submission{Link: link, Key: survey.NewID(), Answers: survey.Answers{Numbers: map[string]int{"pride_work": 1 + (w+i)%5}},
					Comments: map[string]string{"comment": "tekst"}}
				if _, err := s.Submit(ctx, sub); err != nil {
					errs <- err
					continue
				}
				keys <- sub.Key
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
	var acked []string
	for k := range keys {
		acked = append(acked, k)
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
	rc, err := s.Submit(ctx, survey.Submission{Link: link, Key: acked[0], Answers: survey.Answers{Numbers: map[string]int{"pride_work": 5}}})
	if err != nil || !rc.Replay {
		t.Errorf("replay of a sealed key: %+v, %v; want a replay", rc, err)
	}
}

// On SQLite rows carry nothing beyond their columns: Seal does nothing.
func TestSealOnSQLiteDoesNothing(t *testing.T) {
	s := storetest.Open(t, storetest.SQLiteDSN(t))
	d := storetest.MustDepartment(t, s, "Techniek", 40)
	p := storetest.MustOpenPulse(t, s, "pulse", 1)
	for range 3 {
		if _, err := s.Submit(ctx, survey.Submission{Link: survey.Link{PulseID: p.ID, DepartmentID: d.ID}, Key: survey.NewID()}); err != nil {
			t.Fatal(err)
		}
	}
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
	key := "submission_key"
	if table == "comments" {
		key = "id"
	}
	var keys []string
	err := survey.WriterDB(s).Raw(fmt.Sprintf("SELECT %s FROM %s WHERE pulse_id = ? ORDER BY department_id, %s", key, table, key), pulseID).Scan(&keys).Error
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
