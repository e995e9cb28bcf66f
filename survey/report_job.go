package survey

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"gorm.io/gorm"
)

// Report jobs: a PDF report made in the background, so that a report for a
// large organisation shows its progress instead of holding a request open.
// Jobs live in the database, so that any instance can show the progress
// and serve the finished PDF; only the user who asked for a job may read
// it.

// ReportStatus is where a report job stands.
type ReportStatus string

const (
	ReportQueued  ReportStatus = "queued"  // waiting for a free slot
	ReportRunning ReportStatus = "running" // being analysed and rendered
	ReportDone    ReportStatus = "done"    // the PDF is ready
	ReportFailed  ReportStatus = "failed"  // ErrorKey says why
)

const (
	// ReportJobTTL is how long a job and its PDF are kept after it was
	// asked for; older jobs are deleted when a new one is created.
	ReportJobTTL = 24 * time.Hour
	// ReportJobStale is how long a queued or running job may go without a
	// heartbeat (ReportJobHeartbeat) before it counts as lost with the
	// process that held it: it is then shown as failed, so that nobody
	// waits forever for a job no instance is working on. The limit is on
	// the heartbeat, not on the job's age, so a long report on a live
	// instance is never declared lost, and no instance has to guess at
	// start-up which jobs were its own.
	ReportJobStale = 2 * time.Minute
	// ReportJobHeartbeat is how often the instance working on a job
	// touches it, well within ReportJobStale.
	ReportJobHeartbeat = 20 * time.Second
)

// Translation keys of report job errors.
const (
	KeyReportJobLost            = "reports_job_lost"         // the process working on it stopped
	KeyReportTooMany            = "reports_too_many"         // the user has too many unfinished jobs
	KeyReportNotReady           = "reports_not_ready"        // the PDF is not (yet) there
	KeyReportPulseNotClosed     = "reports_pulse_not_closed" // reports exist for closed pulses only
	KeyReportLangInvalid        = "reports_lang_invalid"     // not nl or en
	KeyReportJobNotFound        = "reports_job_not_found"    // no such job of this user
	KeyReportDepartmentNotFound = "reports_department_not_found"
	KeyReportDailyQuota         = "reports_daily_quota" // the user made ReportLimits.PerDay today
	KeyReportRemoved            = "reports_removed"     // its PDF made room for newer ones (TrimReportPDFs)
	KeyReportNoHTML             = "reports_no_html"     // done before HTML pages were made: make it again
)

// ReportLimits bound the report jobs of one user.
type ReportLimits struct {
	// MaxActive is how many jobs may be queued or running at once.
	MaxActive int
	// PerDay is how many jobs may be created in 24 hours; 0 is no limit.
	// A report asked for again while its job is unfinished or its PDF
	// kept is that job, and does not count.
	PerDay int
}

// ReportJob is one report asked for by a console user.
type ReportJob struct {
	ID      string
	UserID  string
	PulseID string
	// DepartmentID is the department of a department report, "" for the
	// organisation report.
	DepartmentID string
	Lang         string
	Status       ReportStatus
	// Done and Total count the departments rendered; Total is 0 until the
	// analysis has told how many there are.
	Done, Total int
	// ErrorKey is the translation key of why a failed job failed: the
	// reason shown to the user, never an internal error text.
	ErrorKey string
	// Size is the PDF's size in bytes once the job is done.
	Size       int
	CreatedAt  time.Time
	UpdatedAt  time.Time
	FinishedAt time.Time
}

// Active reports whether the job is still queued or running.
func (j ReportJob) Active() bool { return j.Status == ReportQueued || j.Status == ReportRunning }

type reportJobRow struct {
	ID           string `gorm:"primaryKey"`
	UserID       string
	PulseID      string
	DepartmentID *string
	Lang         string
	Status       string
	Done         int
	Total        int
	Error        string
	PDF          []byte `gorm:"column:pdf"`
	HTML         []byte `gorm:"column:html"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
	FinishedAt   sql.NullTime
}

func (reportJobRow) TableName() string { return "report_jobs" }

// reportJobInfo is a job as read for its status: everything but the PDF,
// whose size is enough.
type reportJobInfo struct {
	ID           string
	UserID       string
	PulseID      string
	DepartmentID *string
	Lang         string
	Status       string
	Done         int
	Total        int
	Error        string
	Size         int
	CreatedAt    time.Time
	UpdatedAt    time.Time
	FinishedAt   sql.NullTime
}

const reportJobInfoColumns = "id, user_id, pulse_id, department_id, lang, status, done, total, error, " +
	"COALESCE(LENGTH(pdf), 0) AS size, created_at, updated_at, finished_at"

// domain turns a row into a job as of now: a queued or running job whose
// heartbeat stopped is shown as failed (its process is gone).
func (r reportJobInfo) domain(now time.Time) ReportJob {
	j := ReportJob{ID: r.ID, UserID: r.UserID, PulseID: r.PulseID, Lang: r.Lang, Status: ReportStatus(r.Status),
		Done: r.Done, Total: r.Total, ErrorKey: r.Error, Size: r.Size,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	if r.DepartmentID != nil {
		j.DepartmentID = *r.DepartmentID
	}
	if r.FinishedAt.Valid {
		j.FinishedAt = r.FinishedAt.Time.UTC()
	}
	if j.Active() && now.Sub(j.UpdatedAt) > ReportJobStale {
		j.Status, j.ErrorKey = ReportFailed, KeyReportJobLost
	}
	return j
}

// CreateReportJob stores a new queued job for a report of a closed pulse,
// for the organisation (DepartmentID "") or one department, in nl or en.
// A user may have at most lim.MaxActive jobs queued or running at once;
// one more is EConflict (KeyReportTooMany). The same report asked for
// again while the user's job for it is still queued or running (a double
// click, a second tab, another instance), or done with its PDF kept, is
// that job, not a new one: a closed pulse's report does not change. A
// user who created lim.PerDay jobs in the last 24 hours gets EConflict
// (KeyReportDailyQuota) with RetryAfter. Jobs older than ReportJobTTL are
// deleted in the same transaction.
func (s *Store) CreateReportJob(ctx context.Context, j ReportJob, lim ReportLimits) (ReportJob, error) {
	maxActive := lim.MaxActive
	if j.Lang != "nl" && j.Lang != "en" {
		return ReportJob{}, errorf(EInvalid, KeyReportLangInvalid, "report language %q: use nl or en", j.Lang)
	}
	now := s.now().UTC()
	row := reportJobRow{ID: NewID(), UserID: j.UserID, PulseID: j.PulseID, Lang: j.Lang, Status: string(ReportQueued),
		CreatedAt: now, UpdatedAt: now}
	if j.DepartmentID != "" {
		row.DepartmentID = &j.DepartmentID
	}
	var same []reportJobInfo
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if s.dialect == Postgres {
			// Two instances creating jobs for one user at once count in
			// turn, so that neither passes the limit nor misses the
			// other's job for the same report.
			if err := tx.Exec("SELECT id FROM users WHERE id = ? FOR UPDATE", j.UserID).Error; err != nil {
				return internal("lock user", err)
			}
		}
		var users int64
		if err := tx.Table("users").Where("id = ?", j.UserID).Count(&users).Error; err != nil {
			return internal("read user", err)
		}
		if users == 0 {
			return errorf(ENotFound, "user_not_found", "no such account")
		}
		p, err := s.pulse(tx, j.PulseID)
		if err != nil {
			return err
		}
		if p.Status != PulseClosed {
			return errorf(EConflict, KeyReportPulseNotClosed, "pulse %q is %s: reports are made once a pulse has closed", p.Name, p.Status)
		}
		if j.DepartmentID != "" {
			var n int64
			if err := tx.Model(&departmentRow{}).Where("id = ?", j.DepartmentID).Count(&n).Error; err != nil {
				return internal("read department", err)
			}
			if n == 0 {
				return errorf(ENotFound, KeyReportDepartmentNotFound, "no department %q", j.DepartmentID)
			}
		}
		if err := tx.Where("created_at < ?", now.Add(-ReportJobTTL)).Delete(&reportJobRow{}).Error; err != nil {
			return internal("delete old report jobs", err)
		}
		q := tx.Model(&reportJobRow{}).Select(reportJobInfoColumns).
			Where("user_id = ? AND pulse_id = ? AND lang = ? AND (status = ? OR status IN ? AND updated_at >= ?)",
				j.UserID, j.PulseID, j.Lang, string(ReportDone), []string{string(ReportQueued), string(ReportRunning)}, now.Add(-ReportJobStale))
		if j.DepartmentID == "" {
			q = q.Where("department_id IS NULL")
		} else {
			q = q.Where("department_id = ?", j.DepartmentID)
		}
		if err := q.Order("created_at DESC").Limit(1).Scan(&same).Error; err != nil {
			return internal("read report jobs", err)
		}
		if len(same) > 0 {
			return nil
		}
		if lim.PerDay > 0 {
			var today []time.Time
			if err := tx.Model(&reportJobRow{}).Where("user_id = ? AND created_at >= ?", j.UserID, now.Add(-24*time.Hour)).
				Order("created_at DESC").Limit(lim.PerDay).Pluck("created_at", &today).Error; err != nil {
				return internal("count today's report jobs", err)
			}
			if len(today) >= lim.PerDay {
				e := errorf(EConflict, KeyReportDailyQuota, "%d reports made in 24 hours", len(today))
				e.RetryAfter = today[len(today)-1].UTC().Add(24 * time.Hour).Sub(now)
				return e
			}
		}
		var active int64
		if err := tx.Model(&reportJobRow{}).Where("user_id = ? AND status IN ? AND updated_at >= ?",
			j.UserID, []string{string(ReportQueued), string(ReportRunning)}, now.Add(-ReportJobStale)).
			Count(&active).Error; err != nil {
			return internal("count report jobs", err)
		}
		if int(active) >= maxActive {
			return errorf(EConflict, KeyReportTooMany, "%d reports are still being made; wait for one to finish", active)
		}
		if err := tx.Create(&row).Error; err != nil {
			return internal("create report job", err)
		}
		return nil
	})
	if err != nil {
		return ReportJob{}, err
	}
	if len(same) > 0 {
		return same[0].domain(now), nil
	}
	return reportJobInfo{ID: row.ID, UserID: row.UserID, PulseID: row.PulseID, DepartmentID: row.DepartmentID, Lang: row.Lang,
		Status: row.Status, CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt}.domain(now), nil
}

// updateReportJob applies changes to a job that is in one of the statuses
// from, stamping its heartbeat. A job in another status (finished, or
// deleted) is EConflict: the caller lost it.
func (s *Store) updateReportJob(ctx context.Context, id string, from []ReportStatus, changes map[string]any) error {
	changes["updated_at"] = s.now().UTC()
	st := make([]string, len(from))
	for i, f := range from {
		st[i] = string(f)
	}
	res := s.w.WithContext(ctx).Model(&reportJobRow{}).Where("id = ? AND status IN ?", id, st).Updates(changes)
	if res.Error != nil {
		return internal("update report job", res.Error)
	}
	if res.RowsAffected == 0 {
		return errorf(EConflict, KeyReportJobNotFound, "report job %s is not %v", id, from)
	}
	return nil
}

// StartReportJob moves a queued job to running.
func (s *Store) StartReportJob(ctx context.Context, id string) error {
	return s.updateReportJob(ctx, id, []ReportStatus{ReportQueued}, map[string]any{"status": string(ReportRunning)})
}

// ReportJobProgress records how many of total departments a running job
// has rendered.
func (s *Store) ReportJobProgress(ctx context.Context, id string, done, total int) error {
	if done < 0 || total < 0 || done > total {
		return errorf(EInvalid, "", "report progress %d of %d", done, total)
	}
	return s.updateReportJob(ctx, id, []ReportStatus{ReportRunning}, map[string]any{"done": done, "total": total})
}

// TouchReportJob is the heartbeat of a queued or running job: the
// instance working on it is alive.
func (s *Store) TouchReportJob(ctx context.Context, id string) error {
	return s.updateReportJob(ctx, id, []ReportStatus{ReportQueued, ReportRunning}, map[string]any{})
}

// FinishReportJob stores the PDF of a running job, and the same report as
// an HTML page, and marks it done.
func (s *Store) FinishReportJob(ctx context.Context, id string, pdf, html []byte) error {
	if len(pdf) == 0 {
		return errorf(EInvalid, "", "report job %s: empty PDF", id)
	}
	if len(html) == 0 {
		return errorf(EInvalid, "", "report job %s: empty HTML", id)
	}
	return s.updateReportJob(ctx, id, []ReportStatus{ReportRunning}, map[string]any{
		"status": string(ReportDone), "pdf": pdf, "html": html, "done": gorm.Expr("total"), "finished_at": s.now().UTC()})
}

// FailReportJob marks a queued or running job failed; key is the
// translation key of the reason shown to the user.
func (s *Store) FailReportJob(ctx context.Context, id, key string) error {
	return s.updateReportJob(ctx, id, []ReportStatus{ReportQueued, ReportRunning}, map[string]any{
		"status": string(ReportFailed), "error": key, "finished_at": s.now().UTC()})
}

// ReportJob returns the job id of user userID, without its PDF. Another
// user's job, an expired one and an unknown id are all the same ENotFound,
// so that nobody learns which ids exist.
func (s *Store) ReportJob(ctx context.Context, id, userID string) (ReportJob, error) {
	now := s.now().UTC()
	var rows []reportJobInfo
	err := s.r.WithContext(ctx).Model(&reportJobRow{}).Select(reportJobInfoColumns).
		Where("id = ? AND user_id = ? AND created_at >= ?", id, userID, now.Add(-ReportJobTTL)).Limit(1).Scan(&rows).Error
	if err != nil {
		return ReportJob{}, internal("read report job", err)
	}
	if len(rows) == 0 {
		return ReportJob{}, errorf(ENotFound, KeyReportJobNotFound, "no report job %s", id)
	}
	return rows[0].domain(now), nil
}

// ReportJobPDF returns a done job of user userID with its PDF; a job that
// is not done is EConflict (KeyReportNotReady).
func (s *Store) ReportJobPDF(ctx context.Context, id, userID string) (ReportJob, []byte, error) {
	return s.reportJobFile(ctx, id, userID, "pdf")
}

// ReportJobHTML returns a done job of user userID with its HTML page; a
// job that is not done is EConflict (KeyReportNotReady), one done before
// HTML pages were made is ENotFound (KeyReportNoHTML).
func (s *Store) ReportJobHTML(ctx context.Context, id, userID string) (ReportJob, []byte, error) {
	j, page, err := s.reportJobFile(ctx, id, userID, "html")
	if err == nil && len(page) == 0 {
		return ReportJob{}, nil, errorf(ENotFound, KeyReportNoHTML, "report job %s has no HTML page", id)
	}
	return j, page, err
}

// reportJobFile reads the column (pdf or html) of a done job.
func (s *Store) reportJobFile(ctx context.Context, id, userID, column string) (ReportJob, []byte, error) {
	j, err := s.ReportJob(ctx, id, userID)
	if err != nil {
		return ReportJob{}, nil, err
	}
	if j.Status != ReportDone {
		return j, nil, errorf(EConflict, KeyReportNotReady, "report job %s is %s", id, j.Status)
	}
	var row reportJobRow
	err = s.r.WithContext(ctx).Select(column).Take(&row, "id = ? AND user_id = ?", id, userID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ReportJob{}, nil, errorf(ENotFound, KeyReportJobNotFound, "no report job %s", id)
	}
	if err != nil {
		return ReportJob{}, nil, internal("read report "+column, err)
	}
	if column == "html" {
		return j, row.HTML, nil
	}
	return j, row.PDF, nil
}

// ReportJobs returns the jobs of user userID of the last ReportJobTTL,
// newest first, at most limit of them.
func (s *Store) ReportJobs(ctx context.Context, userID string, limit int) ([]ReportJob, error) {
	now := s.now().UTC()
	var rows []reportJobInfo
	err := s.r.WithContext(ctx).Model(&reportJobRow{}).Select(reportJobInfoColumns).
		Where("user_id = ? AND created_at >= ?", userID, now.Add(-ReportJobTTL)).
		Order("created_at DESC, id").Limit(limit).Scan(&rows).Error
	if err != nil {
		return nil, internal("list report jobs", err)
	}
	out := make([]ReportJob, len(rows))
	for i, r := range rows {
		out[i] = r.domain(now)
	}
	return out, nil
}

// TrimReportPDFs keeps the PDFs of done jobs within maxBytes together:
// beyond it, the oldest finished are removed first, and their jobs show
// as failed with KeyReportRemoved (they can be made again). It says how
// many were removed. maxBytes <= 0 keeps everything.
func (s *Store) TrimReportPDFs(ctx context.Context, maxBytes int64) (int, error) {
	if maxBytes <= 0 {
		return 0, nil
	}
	var rows []struct {
		ID   string
		Size int64
	}
	err := s.r.WithContext(ctx).Model(&reportJobRow{}).Select("id, COALESCE(LENGTH(pdf), 0) + COALESCE(LENGTH(html), 0) AS size").
		Where("status = ?", string(ReportDone)).Order("finished_at DESC, id").Scan(&rows).Error
	if err != nil {
		return 0, internal("sum report PDFs", err)
	}
	var total int64
	var drop []string
	for _, r := range rows {
		total += r.Size
		if total > maxBytes {
			drop = append(drop, r.ID)
		}
	}
	if len(drop) == 0 {
		return 0, nil
	}
	res := s.w.WithContext(ctx).Model(&reportJobRow{}).Where("id IN ? AND status = ?", drop, string(ReportDone)).
		Updates(map[string]any{"status": string(ReportFailed), "error": KeyReportRemoved, "pdf": nil, "html": nil})
	if res.Error != nil {
		return 0, internal("remove old report PDFs", res.Error)
	}
	return int(res.RowsAffected), nil
}

// DeleteExpiredReportJobs deletes the jobs (and PDFs) asked for more than
// ReportJobTTL ago, and says how many.
func (s *Store) DeleteExpiredReportJobs(ctx context.Context) (int, error) {
	res := s.w.WithContext(ctx).Where("created_at < ?", s.now().UTC().Add(-ReportJobTTL)).Delete(&reportJobRow{})
	if res.Error != nil {
		return 0, internal("delete old report jobs", res.Error)
	}
	return int(res.RowsAffected), nil
}
