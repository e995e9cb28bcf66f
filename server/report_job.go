package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"trots/analysis"
	"trots/reports"
	"trots/server/metrics"
	"trots/survey"
	"trots/survey/results"
)

// Report jobs: a PDF report is made in the background, and its page (or
// the API) shows the progress until the PDF can be downloaded. The job
// lives in the database (survey/report_job.go), so that any instance can
// show it; the work happens in the instance that took the request.

// reportStore is what report jobs need of the survey store.
type reportStore interface {
	results.Store
	Settings(ctx context.Context) (survey.Settings, error)
	Department(ctx context.Context, id string) (survey.Department, error)
	CreateReportJob(ctx context.Context, j survey.ReportJob, lim survey.ReportLimits) (survey.ReportJob, error)
	TrimReportPDFs(ctx context.Context, maxBytes int64) (int, error)
	StartReportJob(ctx context.Context, id string) error
	ReportJobProgress(ctx context.Context, id string, done, total int) error
	TouchReportJob(ctx context.Context, id string) error
	FinishReportJob(ctx context.Context, id string, pdf, html []byte) error
	ReportJobHTML(ctx context.Context, id, userID string) (survey.ReportJob, []byte, error)
	FailReportJob(ctx context.Context, id, key string) error
	ReportJob(ctx context.Context, id, userID string) (survey.ReportJob, error)
	ReportJobPDF(ctx context.Context, id, userID string) (survey.ReportJob, []byte, error)
	ReportJobs(ctx context.Context, userID string, limit int) ([]survey.ReportJob, error)
	DeleteExpiredReportJobs(ctx context.Context) (int, error)
	PlanStore // a department's report shows its action plans
}

var _ reportStore = (*survey.Store)(nil)

const (
	// reportWorkers is how many jobs one instance works on at once; the
	// reports package renders at most two PDFs at once anyway, and the
	// analysis before it takes a core too.
	reportWorkers = 2
	// reportBacklog bounds the jobs one instance holds, working or
	// waiting; beyond it a new job is refused with "busy, try again".
	reportBacklog = 32
	// reportActivePerUser is how many unfinished jobs one user may have
	// (the text reports_too_many says "three").
	reportActivePerUser = 3
	// reportProgressEvery limits progress writes to the database: a
	// report of 200 departments takes a fraction of a second, and one
	// write per department would compete with survey submissions for
	// SQLite's single writer.
	reportProgressEvery = 250 * time.Millisecond
	// reportSweepEvery is how often expired jobs and their PDFs are
	// deleted, besides whenever a job is created.
	reportSweepEvery = time.Hour
)

// Translation keys of why a job failed, besides those of package survey.
const (
	keyReportFailed       = "reports_failed"
	keyReportGone         = "reports_failed_gone"
	keyReportNotInPulse   = "reports_department_not_in_pulse"
	keyReportBusy         = "reports_busy"
	keyReportLeadOwnOnly  = "reports_lead_own_only"
	keyReportPulseMissing = "reports_pulse_missing"
)

// errReportBusy is returned by start when the instance holds as many jobs
// as it will.
var errReportBusy = errors.New("server: too many report jobs in this instance")

// reportRunner runs report jobs in the background, at most reportWorkers
// at a time, and stops them when the server shuts down.
type reportRunner struct {
	store   reportStore
	users   accountStore // the job's owner, whose role decides about comments
	log     *slog.Logger
	metrics *metrics.Registry
	// slots bounds the jobs being worked on, backlog the jobs held
	// (working or waiting for a slot).
	slots, backlog chan struct{}
	heartbeat      time.Duration
	// quotas bound each account's jobs a day and the PDFs kept.
	quotas Quotas
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	// sweeper starts with the first job, so that a server that never
	// makes a report runs nothing in the background.
	sweeper sync.Once
}

func newReportRunner(st reportStore, users accountStore, log *slog.Logger, m *metrics.Registry, q Quotas) *reportRunner {
	ctx, cancel := context.WithCancel(metrics.NewContext(context.Background(), m))
	return &reportRunner{store: st, users: users, log: log, metrics: m, quotas: q, slots: make(chan struct{}, reportWorkers),
		backlog: make(chan struct{}, reportBacklog), heartbeat: survey.ReportJobHeartbeat, ctx: ctx, cancel: cancel}
}

// create stores a new job and starts it in the background. It refuses
// with errReportBusy before storing anything when the instance is full.
func (r *reportRunner) create(ctx context.Context, j survey.ReportJob) (survey.ReportJob, error) {
	select {
	case r.backlog <- struct{}{}:
	default:
		return survey.ReportJob{}, errReportBusy
	}
	if r.ctx.Err() != nil {
		<-r.backlog
		return survey.ReportJob{}, errReportBusy
	}
	j, err := r.store.CreateReportJob(ctx, j, survey.ReportLimits{MaxActive: reportActivePerUser, PerDay: r.quotas.ReportsPerDay})
	if err != nil {
		<-r.backlog
		return survey.ReportJob{}, err
	}
	r.wg.Add(1)
	go r.run(j)
	r.sweeper.Do(func() {
		r.wg.Add(1)
		go r.sweep()
	})
	return j, nil
}

// sweep deletes expired jobs every reportSweepEvery until the runner
// stops: creating a job deletes them too, but a quiet instance should not
// keep yesterday's PDFs.
func (r *reportRunner) sweep() {
	defer r.wg.Done()
	t := time.NewTicker(reportSweepEvery)
	defer t.Stop()
	for {
		select {
		case <-r.ctx.Done():
			return
		case <-t.C:
			if n, err := r.store.DeleteExpiredReportJobs(r.ctx); err != nil && r.ctx.Err() == nil {
				r.log.Warn("report jobs: delete expired", "error", err.Error())
			} else if n > 0 {
				r.log.Info("report jobs: expired ones deleted", "jobs", n)
			}
		}
	}
}

// run waits for a slot, makes the report and stores the PDF or the
// reason it failed. A heartbeat tells other instances the job is alive
// while it waits and works.
func (r *reportRunner) run(j survey.ReportJob) {
	defer r.wg.Done()
	defer func() { <-r.backlog }()
	beat := r.startHeartbeat(j.ID)
	defer beat()
	// Final writes must happen even when the server is shutting down.
	final, cancel := context.WithTimeout(context.WithoutCancel(r.ctx), 30*time.Second)
	defer cancel()
	fail := func(key string, err error) {
		if err != nil {
			r.log.Error("report job failed", "job", j.ID, "reason", key, "error", err.Error())
		}
		if ferr := r.store.FailReportJob(final, j.ID, key); ferr != nil {
			r.log.Error("report job: record failure", "job", j.ID, "error", ferr.Error())
		}
	}
	select {
	case r.slots <- struct{}{}:
		defer func() { <-r.slots }()
	case <-r.ctx.Done():
		fail(survey.KeyReportJobLost, nil)
		return
	}
	if err := r.store.StartReportJob(r.ctx, j.ID); err != nil {
		r.log.Error("report job: start", "job", j.ID, "error", err.Error())
		return
	}
	start := time.Now()
	pdf, page, kind, err := r.make(j)
	if err != nil {
		fail(failKey(r.ctx, err), err)
		return
	}
	r.metrics.ObserveReport(kind, time.Since(start))
	if err := r.store.FinishReportJob(final, j.ID, pdf, page); err != nil {
		r.log.Error("report job: store the PDF", "job", j.ID, "error", err.Error())
		fail(keyReportFailed, nil)
		return
	}
	r.log.Info("report job done", "job", j.ID, "kind", kind, "bytes", len(pdf), "duration", time.Since(start).String())
	// The PDFs kept stay within their cap, the oldest removed first.
	if n, err := r.store.TrimReportPDFs(final, r.quotas.ReportBytes); err != nil {
		r.log.Warn("report jobs: keep the PDFs within their cap", "error", err.Error())
	} else if n > 0 {
		r.log.Info("report jobs: oldest PDFs removed to make room", "jobs", n)
	}
}

// make analyses the pulse and renders the report, recording progress: the
// PDF and, from the same rendering, the accessible HTML page.
func (r *reportRunner) make(j survey.ReportJob) (pdf, page []byte, kind string, err error) {
	ctx := r.ctx
	settings, err := r.store.Settings(ctx)
	if err != nil {
		return nil, nil, "", err
	}
	outcome, err := results.Analyze(ctx, r.store, j.PulseID, analysis.DefaultConfig())
	if err != nil {
		return nil, nil, "", err
	}
	// A lead reads the comments only when the pulse lets leads read them
	// (fixed when it opened); the job's owner is looked up now, so that a
	// role changed since the job was asked counts.
	owner, err := r.users.UserByID(ctx, j.UserID)
	if err != nil {
		return nil, nil, "", err
	}
	if !results.CommentsVisible(owner.Role, outcome.Pulse) {
		outcome.Result = results.WithoutComments(outcome.Result)
	}
	in := reports.FromOutcome(settings.Name, outcome)
	opts := reports.Options{Lang: j.Lang, Progress: r.progress(ctx, j.ID)}
	var buf, html bytes.Buffer
	out := reports.Outputs{PDF: &buf, HTML: &html}
	if j.DepartmentID == "" {
		err = reports.OrganisationTo(out, in, opts)
		return buf.Bytes(), html.Bytes(), "pdf_organisation", err
	}
	d, err := r.store.Department(ctx, j.DepartmentID)
	if err != nil {
		return nil, nil, "", err
	}
	// A department that took no part in the pulse (created after it
	// closed) is not in the analysis: reports.ErrUnknownDepartment. The
	// group is found by the department's ID, as on the board, never by a
	// name alone: a department created after the close under an old name
	// (or the same name in another case) is another department.
	name, ok := nameInResult(in.Result, d)
	if !ok {
		return nil, nil, "", fmt.Errorf("%w %q", reports.ErrUnknownDepartment, d.Name)
	}
	if in.Plans, err = ReportPlans(ctx, r.store, outcome, d.ID, j.Lang); err != nil {
		return nil, nil, "", err
	}
	err = reports.DepartmentTo(out, in, name, opts)
	return buf.Bytes(), html.Bytes(), "pdf_department", err
}

// nameInResult is the name department d has in the analysis: the group
// with d's ID (d may have been renamed since), or, in results stored
// before groups carried IDs, the group called exactly d's name.
func nameInResult(res *analysis.Result, d survey.Department) (string, bool) {
	if res == nil {
		return "", false
	}
	for _, g := range res.Departments {
		if g.ID != "" && g.ID == d.ID {
			return g.Name, true
		}
		if g.ID == "" && g.Name == d.Name {
			return g.Name, true
		}
	}
	return "", false
}

// progress returns the reports' progress callback for job id: it stores
// the count at most every reportProgressEvery, and always the first and
// the last.
func (r *reportRunner) progress(ctx context.Context, id string) func(done, total int) {
	var last time.Time
	return func(done, total int) {
		if done != 0 && done != total && time.Since(last) < reportProgressEvery {
			return
		}
		last = time.Now()
		if err := r.store.ReportJobProgress(ctx, id, done, total); err != nil {
			// Progress is for the eyes only; the job goes on.
			r.log.Warn("report job: record progress", "job", id, "error", err.Error())
		}
	}
}

// startHeartbeat touches the job every heartbeat until stop is called.
func (r *reportRunner) startHeartbeat(id string) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(r.heartbeat)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-r.ctx.Done():
				return
			case <-t.C:
				if err := r.store.TouchReportJob(r.ctx, id); err != nil && survey.ErrorCode(err) != survey.EConflict {
					r.log.Warn("report job: heartbeat", "job", id, "error", err.Error())
				}
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// failKey is the reason shown for a job that failed with err.
func failKey(ctx context.Context, err error) string {
	switch {
	case ctx.Err() != nil:
		return survey.KeyReportJobLost // shutting down: try again
	case survey.ErrorKey(err) == results.KeyAfterClose:
		return survey.KeyReportPulseNotClosed
	case errors.Is(err, reports.ErrUnknownDepartment):
		return keyReportNotInPulse
	case survey.ErrorCode(err) == survey.ENotFound:
		return keyReportGone
	}
	return keyReportFailed
}

// stop ends the runner: jobs still waiting for a slot fail with "please
// try again", and stop waits for the jobs being worked on until ctx ends.
func (r *reportRunner) stop(ctx context.Context) {
	r.cancel()
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		r.log.Warn("shutdown: report jobs still running are left; they show as failed once their heartbeat stops")
	}
}

// Close stops the server's background work (report jobs), waiting for
// it; for tests and embedding, since Serve does this at shutdown.
func (s *Server) Close() {
	if s.reports != nil {
		s.reports.stop(context.Background())
	}
}
