package survey_test

import (
	"bytes"
	"testing"
	"time"

	"trots/accounts"
	"trots/survey"
	"trots/survey/storetest"
)

// reportJobFixture is a store on a settable clock with a closed and an open
// pulse, a department and two users.
type reportJobFixture struct {
	s            *survey.Store
	clock        *storetest.Clock
	closed, open survey.Pulse
	dept         survey.Department
	anna, bert   accounts.User
}

func newReportJobFixture(t *testing.T, dsn string) reportJobFixture {
	t.Helper()
	s, c := mustOpenClocked(t, dsn)
	f := reportJobFixture{s: s, clock: c}
	f.dept = storetest.MustDepartment(t, s, "Finance", 20)
	f.closed = storetest.MustOpenPulse(t, s, "advocacy-readiness", 1)
	if err := s.ClosePulse(ctx, f.closed.ID); err != nil {
		t.Fatal(err)
	}
	f.open = storetest.MustOpenPulse(t, s, "advocacy-readiness", 1)
	f.anna = mustUser(t, s, "anna@example.org", accounts.RoleAdmin, "")
	f.bert = mustUser(t, s, "bert@example.org", accounts.RoleViewer, "")
	return f
}

func (f reportJobFixture) mustCreate(t *testing.T, u accounts.User, dept string) survey.ReportJob {
	t.Helper()
	return f.mustCreateIn(t, u, dept, "nl")
}

func (f reportJobFixture) mustCreateIn(t *testing.T, u accounts.User, dept, lang string) survey.ReportJob {
	t.Helper()
	j, err := f.s.CreateReportJob(ctx, survey.ReportJob{UserID: u.ID, PulseID: f.closed.ID, DepartmentID: dept, Lang: lang}, survey.ReportLimits{MaxActive: 3})
	if err != nil {
		t.Fatalf("create report job: %v", err)
	}
	return j
}

func (f reportJobFixture) mustRead(t *testing.T, id string, u accounts.User) survey.ReportJob {
	t.Helper()
	j, err := f.s.ReportJob(ctx, id, u.ID)
	if err != nil {
		t.Fatalf("read report job: %v", err)
	}
	return j
}

// A job goes queued -> running (with progress) -> done, and only its owner
// can read it or its PDF.
func TestReportJobLifecycle(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		f := newReportJobFixture(t, dsn)
		j := f.mustCreate(t, f.anna, f.dept.ID)
		if j.Status != survey.ReportQueued || j.DepartmentID != f.dept.ID || j.Lang != "nl" || !survey.ValidID(j.ID) {
			t.Fatalf("new job = %+v", j)
		}
		if _, _, err := f.s.ReportJobPDF(ctx, j.ID, f.anna.ID); survey.ErrorKey(err) != survey.KeyReportNotReady {
			t.Fatalf("PDF of a queued job: %v", err)
		}
		// Progress belongs to running jobs only.
		wantCode(t, f.s.ReportJobProgress(ctx, j.ID, 1, 4), survey.EConflict)
		if err := f.s.StartReportJob(ctx, j.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.s.StartReportJob(ctx, j.ID), survey.EConflict)
		f.clock.Advance(time.Second)
		if err := f.s.ReportJobProgress(ctx, j.ID, 3, 4); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.s.ReportJobProgress(ctx, j.ID, 5, 4), survey.EInvalid)
		got := f.mustRead(t, j.ID, f.anna)
		if got.Status != survey.ReportRunning || got.Done != 3 || got.Total != 4 || !got.UpdatedAt.After(got.CreatedAt) {
			t.Fatalf("running job = %+v", got)
		}
		pdf := []byte("%PDF-1.4 test")
		if err := f.s.FinishReportJob(ctx, j.ID, pdf, []byte("<!DOCTYPE html>")); err != nil {
			t.Fatal(err)
		}
		got = f.mustRead(t, j.ID, f.anna)
		if got.Status != survey.ReportDone || got.Done != 4 || got.Size != len(pdf) || got.FinishedAt.IsZero() {
			t.Fatalf("done job = %+v", got)
		}
		_, b, err := f.s.ReportJobPDF(ctx, j.ID, f.anna.ID)
		if err != nil || !bytes.Equal(b, pdf) {
			t.Fatalf("PDF = %q, %v", b, err)
		}
		// Another user, or an unknown id: the same not-found.
		_, err = f.s.ReportJob(ctx, j.ID, f.bert.ID)
		wantCode(t, err, survey.ENotFound)
		_, _, err = f.s.ReportJobPDF(ctx, j.ID, f.bert.ID)
		wantCode(t, err, survey.ENotFound)
		_, err = f.s.ReportJob(ctx, survey.NewID(), f.anna.ID)
		wantCode(t, err, survey.ENotFound)
		if list, err := f.s.ReportJobs(ctx, f.bert.ID, 10); err != nil || len(list) != 0 {
			t.Fatalf("bert's jobs = %v, %v", list, err)
		}
		// A finished job cannot fail or finish again.
		wantCode(t, f.s.FailReportJob(ctx, j.ID, "x"), survey.EConflict)
		wantCode(t, f.s.FinishReportJob(ctx, j.ID, pdf, []byte("<!DOCTYPE html>")), survey.EConflict)

		k := f.mustCreate(t, f.anna, "")
		if err := f.s.FailReportJob(ctx, k.ID, "reports_failed"); err != nil {
			t.Fatal(err)
		}
		if got := f.mustRead(t, k.ID, f.anna); got.Status != survey.ReportFailed || got.ErrorKey != "reports_failed" || got.DepartmentID != "" {
			t.Fatalf("failed job = %+v", got)
		}
		list, err := f.s.ReportJobs(ctx, f.anna.ID, 10)
		if err != nil || len(list) != 2 || list[0].ID != k.ID || list[1].ID != j.ID {
			t.Fatalf("anna's jobs (newest first) = %+v, %v", list, err)
		}
	})
}

// Bad requests change nothing: an open pulse, an unknown pulse or
// department, a language other than nl or en.
func TestReportJobRefusesBadRequests(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		f := newReportJobFixture(t, dsn)
		for name, c := range map[string]struct {
			job  survey.ReportJob
			code survey.Code
			key  string
		}{
			"open pulse":      {survey.ReportJob{PulseID: f.open.ID, Lang: "en"}, survey.EConflict, survey.KeyReportPulseNotClosed},
			"unknown pulse":   {survey.ReportJob{PulseID: survey.NewID(), Lang: "en"}, survey.ENotFound, ""},
			"unknown dept":    {survey.ReportJob{PulseID: f.closed.ID, DepartmentID: survey.NewID(), Lang: "en"}, survey.ENotFound, survey.KeyReportDepartmentNotFound},
			"german":          {survey.ReportJob{PulseID: f.closed.ID, Lang: "de"}, survey.EInvalid, survey.KeyReportLangInvalid},
			"no language":     {survey.ReportJob{PulseID: f.closed.ID}, survey.EInvalid, survey.KeyReportLangInvalid},
			"no such account": {survey.ReportJob{PulseID: f.closed.ID, Lang: "en", UserID: survey.NewID()}, survey.ENotFound, ""},
		} {
			if c.job.UserID == "" {
				c.job.UserID = f.anna.ID
			}
			_, err := f.s.CreateReportJob(ctx, c.job, survey.ReportLimits{MaxActive: 3})
			if survey.ErrorCode(err) != c.code || c.key != "" && survey.ErrorKey(err) != c.key {
				t.Errorf("%s: %v (code %s key %q), want %s %q", name, err, survey.ErrorCode(err), survey.ErrorKey(err), c.code, c.key)
			}
		}
		if list, err := f.s.ReportJobs(ctx, f.anna.ID, 10); err != nil || len(list) != 0 {
			t.Fatalf("refused requests left jobs: %v, %v", list, err)
		}
	})
}

// A user has at most maxActive unfinished jobs; finished and lost jobs do
// not count, and jobs expire after a day.
func TestReportJobLimitsAndExpiry(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		f := newReportJobFixture(t, dsn)
		a := f.mustCreate(t, f.anna, "")
		f.mustCreateIn(t, f.anna, "", "en")
		c := f.mustCreate(t, f.anna, f.dept.ID)
		// The same report again, while it is being made: the same job,
		// not a fourth one (a double click, a second tab).
		if again := f.mustCreate(t, f.anna, f.dept.ID); again.ID != c.ID {
			t.Fatalf("the same report asked for twice made two jobs: %s and %s", c.ID, again.ID)
		}
		_, err := f.s.CreateReportJob(ctx, survey.ReportJob{UserID: f.anna.ID, PulseID: f.closed.ID, DepartmentID: f.dept.ID, Lang: "en"}, survey.ReportLimits{MaxActive: 3})
		if survey.ErrorCode(err) != survey.EConflict || survey.ErrorKey(err) != survey.KeyReportTooMany {
			t.Fatalf("fourth job: %v", err)
		}
		f.mustCreate(t, f.bert, "") // the limit is per user
		if err := f.s.StartReportJob(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.s.FinishReportJob(ctx, a.ID, []byte("%PDF"), []byte("<!DOCTYPE html>")); err != nil {
			t.Fatal(err)
		}
		// The same report again once it is done: the done job, whose PDF
		// is kept, not another one.
		if again := f.mustCreate(t, f.anna, ""); again.ID != a.ID || again.Status != survey.ReportDone {
			t.Fatalf("a finished report asked for again: %+v, want job %s", again, a.ID)
		}
		f.mustCreateIn(t, f.anna, f.dept.ID, "en") // a finished job frees a place

		f.clock.Advance(survey.ReportJobTTL + time.Minute)
		_, err = f.s.ReportJob(ctx, a.ID, f.anna.ID)
		wantCode(t, err, survey.ENotFound)
		if list, err := f.s.ReportJobs(ctx, f.anna.ID, 10); err != nil || len(list) != 0 {
			t.Fatalf("expired jobs listed: %v, %v", list, err)
		}
		if n, err := f.s.DeleteExpiredReportJobs(ctx); err != nil || n != 5 {
			t.Fatalf("deleted %d expired jobs, %v; want 5", n, err)
		}
	})
}

// A job whose process died (no heartbeat for ReportJobStale) is shown as
// failed with "please try again", does not count against the limit, and a
// heartbeat keeps a long job alive.
func TestLostReportJobShowsFailed(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		f := newReportJobFixture(t, dsn)
		lost := f.mustCreate(t, f.anna, "")
		alive := f.mustCreateIn(t, f.anna, "", "en")
		queued := f.mustCreate(t, f.anna, f.dept.ID)
		for _, j := range []survey.ReportJob{lost, alive} {
			if err := f.s.StartReportJob(ctx, j.ID); err != nil {
				t.Fatal(err)
			}
		}
		for i := 0; i < 10; i++ {
			f.clock.Advance(survey.ReportJobHeartbeat)
			if err := f.s.TouchReportJob(ctx, alive.ID); err != nil {
				t.Fatal(err)
			}
		}
		for _, j := range []survey.ReportJob{lost, queued} {
			got := f.mustRead(t, j.ID, f.anna)
			if got.Status != survey.ReportFailed || got.ErrorKey != survey.KeyReportJobLost {
				t.Errorf("job without heartbeat = %+v, want failed with %s", got, survey.KeyReportJobLost)
			}
		}
		if got := f.mustRead(t, alive.ID, f.anna); got.Status != survey.ReportRunning {
			t.Errorf("job with a heartbeat = %+v, want running", got)
		}
		// Only the live job counts: two more fit under a limit of 3, one
		// of them the report of the lost job (which is no longer the
		// same report being made).
		if again := f.mustCreate(t, f.anna, ""); again.ID == lost.ID {
			t.Fatal("a lost job was given again for the same report")
		}
		f.mustCreateIn(t, f.anna, f.dept.ID, "en")
	})
}

// Issue 20: a viewer's token made 482 organisation reports in 20 s. The
// same report is now the same job once done, a user makes at most PerDay
// jobs in 24 hours (with the time until the next one is possible), and
// the PDFs kept are capped in bytes, the oldest removed first.
func TestReportJobQuotaAndStorageCap(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		f := newReportJobFixture(t, dsn)
		lim := survey.ReportLimits{MaxActive: 3, PerDay: 3}
		create := func(dept, lang string) (survey.ReportJob, error) {
			return f.s.CreateReportJob(ctx, survey.ReportJob{UserID: f.bert.ID, PulseID: f.closed.ID, DepartmentID: dept, Lang: lang}, lim)
		}
		finish := func(j survey.ReportJob, size int) {
			t.Helper()
			must(t, f.s.StartReportJob(ctx, j.ID))
			must(t, f.s.FinishReportJob(ctx, j.ID, bytes.Repeat([]byte("%"), size), []byte("<")))
		}
		var made []survey.ReportJob
		for i, c := range []struct{ dept, lang string }{{"", "nl"}, {"", "en"}, {f.dept.ID, "nl"}} {
			j, err := create(c.dept, c.lang)
			if err != nil {
				t.Fatalf("job %d: %v", i, err)
			}
			f.clock.Advance(time.Hour)
			finish(j, 1000)
			made = append(made, j)
		}
		// A flood of the same report: the done job every time.
		for range 50 {
			j, err := create("", "nl")
			if err != nil || j.ID != made[0].ID {
				t.Fatalf("the same report again: %+v, %v", j, err)
			}
		}
		// A fourth, different report: over the daily quota, with when to
		// come back (the oldest of the three leaves the 24 hours in 21 h).
		_, err := create(f.dept.ID, "en")
		if survey.ErrorKey(err) != survey.KeyReportDailyQuota || survey.ErrorCode(err) != survey.EConflict {
			t.Fatalf("fourth report in a day: %v", err)
		}
		if ra := survey.RetryAfterOf(err); ra != 21*time.Hour {
			t.Fatalf("Retry-After %s, want 21h", ra)
		}
		f.mustCreate(t, f.anna, "") // the quota is per user
		// The storage cap: 2,500 bytes keep the two newest PDFs.
		n, err := f.s.TrimReportPDFs(ctx, 2500)
		if err != nil || n != 1 {
			t.Fatalf("trimmed %d, %v; want 1", n, err)
		}
		if got := f.mustRead(t, made[0].ID, f.bert); got.Status != survey.ReportFailed || got.ErrorKey != survey.KeyReportRemoved || got.Size != 0 {
			t.Fatalf("the oldest after the trim: %+v", got)
		}
		for _, j := range made[1:] {
			if got := f.mustRead(t, j.ID, f.bert); got.Status != survey.ReportDone || got.Size != 1000 {
				t.Fatalf("a newer job after the trim: %+v", got)
			}
		}
		// A day later the removed report can be made again.
		f.clock.Advance(24 * time.Hour)
		if j, err := create("", "nl"); err != nil || j.ID == made[0].ID || j.Status != survey.ReportQueued {
			t.Fatalf("the removed report made again: %+v, %v", j, err)
		}
	})
}
