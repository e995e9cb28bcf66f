package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// Work per account: what a console account can make the server do in a
// day is bounded, so that one leaked token (a viewer's is enough for
// reports) cannot fill the disk or keep both cores busy.
//
//   - Report jobs: the same report is the same job while it is being made
//     or its PDF kept (survey.CreateReportJob); ReportsPerDay new jobs per
//     account in 24 hours, counted in the database so that every instance
//     agrees; the PDFs kept are capped at ReportBytes together, the oldest
//     removed first (survey.TrimReportPDFs).
//   - Invitation batches, CSV imports and posters: a daily allowance per
//     account and action, held in this instance's memory (a token bucket
//     that refills over 24 hours), one bucket per account that used it.
//
// Every refusal is 429 with Retry-After and a message in the user's
// language ("quota_*" keys, catalog_limits.json).

// Quotas are the daily allowances per console account; 0 takes the
// default.
type Quotas struct {
	ReportsPerDay           int
	ReportBytes             int64
	InvitationBatchesPerDay int
	ImportsPerDay           int
	PostersPerDay           int
}

// DefaultQuotas are generous for people and small for a script: HR makes
// a few dozen reports after a pulse, not hundreds.
func DefaultQuotas() Quotas {
	return Quotas{ReportsPerDay: 100, ReportBytes: 512 << 20, InvitationBatchesPerDay: 200, ImportsPerDay: 100, PostersPerDay: 1000}
}

func (q Quotas) withDefaults() Quotas {
	def := DefaultQuotas()
	if q.ReportsPerDay <= 0 {
		q.ReportsPerDay = def.ReportsPerDay
	}
	if q.ReportBytes <= 0 {
		q.ReportBytes = def.ReportBytes
	}
	if q.InvitationBatchesPerDay <= 0 {
		q.InvitationBatchesPerDay = def.InvitationBatchesPerDay
	}
	if q.ImportsPerDay <= 0 {
		q.ImportsPerDay = def.ImportsPerDay
	}
	if q.PostersPerDay <= 0 {
		q.PostersPerDay = def.PostersPerDay
	}
	return q
}

// quotaAction names an action with a daily allowance; it is also the
// translation key of its refusal.
type quotaAction string

const (
	quotaInvitations quotaAction = "quota_invitations"
	quotaImports     quotaAction = "quota_imports"
	quotaPosters     quotaAction = "quota_posters"
	// quotaReports is the refusal of survey.KeyReportDailyQuota's kind,
	// for the report pages (the store counts those).
	maxQuotaAccounts = 10_000
)

// quotas holds the in-memory allowances, one bucket set per action.
type quotas struct {
	sets map[quotaAction]*bucketSet
}

func newQuotas(q Quotas) *quotas {
	day := (24 * time.Hour).Seconds()
	set := func(n int) *bucketSet { return newBucketSet(float64(n)/day, n, maxQuotaAccounts) }
	return &quotas{sets: map[quotaAction]*bucketSet{
		quotaInvitations: set(q.InvitationBatchesPerDay),
		quotaImports:     set(q.ImportsPerDay),
		quotaPosters:     set(q.PostersPerDay),
	}}
}

// spend takes one of the account's allowance for a; wait > 0 refuses.
func (q *quotas) spend(a quotaAction, account string) (wait time.Duration) {
	wait, _ = q.sets[a].reserve(account, time.Now())
	return wait
}

// withinQuota is the middleware of a console route with a daily
// allowance: it spends one per request of the signed-in account, and
// refuses with 429, Retry-After and a message when none is left - on a
// page for the console's forms, as JSON for the API.
func (s *Server) withinQuota(a quotaAction) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if wait := s.quotas.spend(a, sessionOf(c).User.ID); wait > 0 {
				return s.refuseQuota(c, string(a), wait)
			}
			return next(c)
		}
	}
}

// refuseQuota answers a request over an account's quota.
func (s *Server) refuseQuota(c echo.Context, key string, wait time.Duration) error {
	setRetryAfter(c, wait)
	if isAPI(c) {
		return apiRefusal(c, http.StatusTooManyRequests, requestLang(c), "quota_exceeded", key)
	}
	p := s.newConsolePage(c, "quota_title", "")
	return s.renderConsole(c, http.StatusTooManyRequests, "message", consoleMessage{consolePage: p, Heading: p.Title, Body: p.T(key)})
}
