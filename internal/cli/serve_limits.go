package cli

import (
	"flag"
	"fmt"
	"strconv"
	"time"

	"trots/server"
)

// limitsFlags are the flags (and TROTS_* variables) of the limits that
// keep answering open under abuse (server/ratelimit.go, connlimit.go,
// quota.go); README, "Limits under abuse".
type limitsFlags struct {
	surveyRate                       *float64
	surveyBurst                      *int
	maxConns, maxConnsPerSource      *int
	headerTimeout, bodyTimeout, idle *time.Duration
	reportsPerDay, reportStorageMB   *int
	invitationsPerDay, importsPerDay *int
	postersPerDay                    *int
	err                              error
}

func newLimitsFlags(fs *flag.FlagSet) *limitsFlags {
	def := server.DefaultConfig()
	l := &limitsFlags{}
	intVar := func(name, envKey string, d int, usage string) *int {
		v := d
		if s := env(envKey, ""); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n <= 0 {
				l.err = fmt.Errorf("%s=%q: want a whole number above 0", envKey, s)
			}
			v = n
		}
		return fs.Int(name, v, usage+" ("+envKey+")")
	}
	durVar := func(name, envKey string, d time.Duration, usage string) *time.Duration {
		v := d
		if s := env(envKey, ""); s != "" {
			x, err := time.ParseDuration(s)
			if err != nil || x <= 0 {
				l.err = fmt.Errorf("%s=%q: want a duration such as 10s", envKey, s)
			}
			v = x
		}
		return fs.Duration(name, v, usage+" ("+envKey+")")
	}
	rate := def.SurveyRate
	if s := env("TROTS_SURVEY_RATE", ""); s != "" {
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || x <= 0 {
			l.err = fmt.Errorf("TROTS_SURVEY_RATE=%q: want a number of answers a second above 0", s)
		}
		rate = x
	}
	l.surveyRate = fs.Float64("survey-rate", rate, "valid answers a second per survey link, steady (TROTS_SURVEY_RATE); refused posts have a budget as large, one address half of each")
	l.surveyBurst = intVar("survey-burst", "TROTS_SURVEY_BURST", def.SurveyBurst, "valid answers per survey link at once")
	l.maxConns = intVar("max-conns", "TROTS_MAX_CONNS", def.MaxConns, "connections open at once, in total")
	l.maxConnsPerSource = intVar("max-conns-per-source", "TROTS_MAX_CONNS_PER_SOURCE", def.MaxConnsPerSource, "connections open at once from one address (trusted proxies excepted)")
	l.headerTimeout = durVar("header-timeout", "TROTS_HEADER_TIMEOUT", def.HeaderTimeout, "time to send a request's headers")
	l.bodyTimeout = durVar("survey-body-timeout", "TROTS_SURVEY_BODY_TIMEOUT", def.SurveyBodyTimeout, "time to send the body of a survey post")
	l.idle = durVar("idle-timeout", "TROTS_IDLE_TIMEOUT", def.IdleTimeout, "how long an idle keep-alive connection stays open")
	q := def.Quotas
	l.reportsPerDay = intVar("reports-per-day", "TROTS_REPORTS_PER_DAY", q.ReportsPerDay, "new report jobs per console account in 24 hours")
	l.reportStorageMB = intVar("report-storage-mb", "TROTS_REPORT_STORAGE_MB", int(q.ReportBytes>>20), "megabytes of report PDFs kept; beyond it the oldest are removed")
	l.invitationsPerDay = intVar("invitation-batches-per-day", "TROTS_INVITATION_BATCHES_PER_DAY", q.InvitationBatchesPerDay, "invitation batches per console account in 24 hours")
	l.importsPerDay = intVar("imports-per-day", "TROTS_IMPORTS_PER_DAY", q.ImportsPerDay, "department CSV imports per console account in 24 hours")
	l.postersPerDay = intVar("posters-per-day", "TROTS_POSTERS_PER_DAY", q.PostersPerDay, "posters per console account in 24 hours")
	return l
}

// apply copies the limits into cfg.
func (l *limitsFlags) apply(cfg *server.Config) {
	cfg.SurveyRate, cfg.SurveyBurst = *l.surveyRate, *l.surveyBurst
	cfg.MaxConns, cfg.MaxConnsPerSource = *l.maxConns, *l.maxConnsPerSource
	cfg.HeaderTimeout, cfg.SurveyBodyTimeout, cfg.IdleTimeout = *l.headerTimeout, *l.bodyTimeout, *l.idle
	cfg.Quotas = server.Quotas{ReportsPerDay: *l.reportsPerDay, ReportBytes: int64(*l.reportStorageMB) << 20,
		InvitationBatchesPerDay: *l.invitationsPerDay, ImportsPerDay: *l.importsPerDay, PostersPerDay: *l.postersPerDay}
}
