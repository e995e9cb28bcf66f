package cli

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"trots/accounts"
	"trots/analysis"
	"trots/survey"
	"trots/survey/results"
)

// retentionEvery is how often `trots serve` applies the retention.
const retentionEvery = 24 * time.Hour

// runRetention is `trots retention`: delete the raw answers of pulses whose
// retention period has passed (or closed more than --months months ago),
// keeping their final results, and the other records that expire.
func runRetention(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("retention", "retention [--months <n>] [--db <file or URL>] [--dry-run]", stderr)
	dsn := fs.String("db", env("TROTS_DB", survey.DefaultDSN), "SQLite file or postgres:// URL (TROTS_DB)")
	months := retentionFlag(fs, "months")
	dry := fs.Bool("dry-run", false, "show what would be deleted and change nothing")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := months.err; err != nil {
		return usageError(fs, err.Error())
	}
	store, err := survey.Open(ctx, *dsn, survey.Options{KeyFile: keyFile()})
	if err != nil {
		return fmt.Errorf("cannot open or migrate the database (set TROTS_DB or --db): %w", err)
	}
	defer store.Close()
	pol := retentionPolicy(months.n)
	pol.DryRun = *dry
	now := time.Now()
	rep, err := pol.Run(ctx, store, accounts.New(store), now)
	printRetention(stdout, rep, *dry)
	if err != nil {
		return err
	}
	if !*dry {
		keep := cmp.Or(months.n, survey.DefaultRetentionMonths)
		n, err := expireAudit(ctx, store, cliActor(), keep, now, rep, true)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Deleted %d audit log entries older than %d months.\n", n, keep)
	}
	if len(rep.Skipped) > 0 {
		return fmt.Errorf("%d closed pulses could not be analysed; their raw answers are kept", len(rep.Skipped))
	}
	return nil
}

func printRetention(w io.Writer, rep results.RetentionReport, dry bool) {
	verb, stored := "Deleted", "Stored"
	if dry {
		verb, stored = "Would delete", "Would store"
	}
	if rep.Cutoff.IsZero() {
		fmt.Fprintln(w, "Raw answers are deleted when their pulse's retention period has passed; results are kept.")
	} else {
		fmt.Fprintf(w, "Raw answers are deleted when their pulse's retention period has passed or it closed before %s; results are kept.\n", rep.Cutoff.Format("2006-01-02"))
	}
	for _, p := range rep.Finalized {
		fmt.Fprintf(w, "%s the final results of closed pulse %q (%s).\n", stored, p.Name, p.ID)
	}
	for id, err := range rep.Skipped {
		fmt.Fprintf(w, "Kept the raw answers of pulse %s: its results cannot be computed: %v\n", id, err)
	}
	if len(rep.Purged) == 0 {
		fmt.Fprintln(w, "No raw answers are due for deletion.")
	}
	for _, pg := range rep.Purged {
		fmt.Fprintf(w, "%s %d responses and %d comments of pulse %q (%s), closed %s.\n",
			verb, pg.Responses, pg.Comments, pg.PulseName, pg.PulseID, pg.Closed.Format("2006-01-02"))
	}
	if !dry {
		ex := rep.Expired
		fmt.Fprintf(w, "Removed %d invitations of closed pulses, %d old decision notes, %d authors' addresses in old action logs, %d disabled accounts, %d report jobs and %d expired sessions.\n",
			ex.Invitations, ex.DecisionNotes, ex.ActionAuthors, ex.Accounts, ex.ReportJobs, ex.Sessions)
	}
}

// retentionPolicy is the retention of `trots retention` and `trots serve`:
// each pulse's own period, shortened to months when that is not 0, which
// also sets how long decision notes and disabled accounts stay (default
// survey.DefaultRetentionMonths).
func retentionPolicy(months int) results.Retention {
	return results.Retention{Months: months, Config: analysis.DefaultConfig(),
		Records: survey.RecordPolicy{DecisionMonths: months, DisabledMonths: months}}
}

// monthsFlag is `trots retention --months` and `trots serve
// --retention-months`, defaulting to TROTS_RETENTION_MONTHS; err holds a bad
// environment value, reported after parsing.
type monthsFlag struct {
	n   int
	err error
}

func retentionFlag(fs *flag.FlagSet, name string) *monthsFlag {
	m := &monthsFlag{}
	if v := env("TROTS_RETENTION_MONTHS", ""); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			m.err = fmt.Errorf("TROTS_RETENTION_MONTHS=%q: want a whole number of months, 0 for each pulse's own period", v)
		}
		m.n = n
	}
	fs.Func(name, fmt.Sprintf("delete raw answers at most this many months after their pulse closed, even when its own retention period is longer; 0: each pulse's own period (TROTS_RETENTION_MONTHS, now %d)", m.n),
		func(s string) error {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				return fmt.Errorf("want a whole number of months, 0 for each pulse's own period")
			}
			m.n, m.err = n, nil
			return nil
		})
	return m
}

// startRetention applies the retention now and then every day, in the
// background, until ctx ends; stop cancels it and waits for a run in
// progress, so that the store may be closed after it.
func startRetention(ctx context.Context, store *survey.Store, months int, log *slog.Logger) (stop func()) {
	pol := retentionPolicy(months)
	return every(ctx, retentionEvery, func(ctx context.Context) bool {
		now := time.Now()
		rep, err := pol.Run(ctx, store, accounts.New(store), now)
		if err == nil {
			if _, aerr := expireAudit(ctx, store, "system:retention", months, now, rep, false); aerr != nil {
				log.Error("retention of the audit log failed", "error", aerr.Error())
			}
		}
		n := 0
		for _, pg := range rep.Purged {
			n += pg.Responses
		}
		switch {
		case ctx.Err() != nil:
			return false
		case err != nil:
			log.Error("retention failed", "error", err.Error())
		default:
			log.Info("retention applied", "months", months, "cutoff", rep.Cutoff.Format(time.DateOnly),
				"pulses_purged", len(rep.Purged), "responses_deleted", n, "results_stored", len(rep.Finalized),
				"invitations_removed", rep.Expired.Invitations, "decision_notes_blanked", rep.Expired.DecisionNotes,
				"action_log_addresses_blanked", rep.Expired.ActionAuthors,
				"accounts_removed", rep.Expired.Accounts, "report_jobs_removed", rep.Expired.ReportJobs, "sessions_removed", rep.Expired.Sessions)
		}
		for id, err := range rep.Skipped {
			log.Warn("retention: raw answers kept, results cannot be computed", "pulse", id, "error", err.Error())
		}
		return true
	})
}

// expireAudit applies the retention period to the audit log too (issue 19:
// the log is kept as long as the data it is about) and records the run,
// with what it deleted, as the log's newest entry: always when someone ran
// it, and when it deleted something when trots serve runs it every day.
func expireAudit(ctx context.Context, store *survey.Store, actor string, months int, now time.Time, rep results.RetentionReport, always bool) (int, error) {
	// The audit log is kept as long as the records it speaks of: the
	// months given, else (0: each pulse's own period) the default one.
	months = cmp.Or(months, survey.DefaultRetentionMonths)
	cutoff := now.AddDate(0, -months, 0)
	if cutoff.After(now.Add(-survey.AuditMinRetention)) {
		cutoff = now.Add(-survey.AuditMinRetention)
	}
	n, err := store.ExpireAudit(ctx, cutoff)
	if err != nil {
		return 0, err
	}
	if !always && n == 0 && len(rep.Purged) == 0 {
		return 0, nil
	}
	responses := 0
	for _, pg := range rep.Purged {
		responses += pg.Responses
	}
	detail := fmt.Sprintf("%d months: raw answers of %d pulses (%d responses) and %d audit entries before %s deleted",
		months, len(rep.Purged), responses, n, cutoff.UTC().Format(time.DateOnly))
	return n, store.AppendAudit(ctx, survey.AuditEntry{Actor: actor, Action: "retention.run", Object: "retention", Detail: detail})
}
