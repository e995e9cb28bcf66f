package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"trots/analysis"
	"trots/reports"
	"trots/server"
	"trots/survey"
	"trots/survey/results"
)

// runReport is `trots report`: the PDF readiness report of a pulse, for the
// whole organisation or for one department, or with --format html the same
// report as an accessible HTML page. The file appears only when the whole
// report was made (written to a temporary file, then renamed).
func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("report", "report --pulse <id> --out <file.pdf> [flags]", stderr)
	dsn := fs.String("db", env("TROTS_DB", survey.DefaultDSN), "SQLite file or postgres:// URL (TROTS_DB)")
	pulseID := fs.String("pulse", "", "id of the pulse to report on (required)")
	department := fs.String("department", "", "name or id of a department, any node of the tree: the report of that branch instead of the organisation's")
	lang := fs.String("lang", "", "language of the report: nl or en (default: the organisation's language)")
	out := fs.String("out", "", "file to write (required)")
	format := fs.String("format", "", "pdf, or html for the accessible HTML page (default: html for an --out ending in .html, else pdf)")
	created := fs.String("creation-date", "", "date stamped in the PDF, YYYY-MM-DD (default: today); the same date gives the same bytes")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var date time.Time
	switch {
	case *pulseID == "":
		return usageError(fs, "--pulse is required")
	case *out == "":
		return usageError(fs, "--out is required")
	case *lang != "" && *lang != "nl" && *lang != "en":
		return usageError(fs, fmt.Sprintf("--lang must be nl or en, not %q", *lang))
	case *format != "" && *format != "pdf" && *format != "html":
		return usageError(fs, fmt.Sprintf("--format must be pdf or html, not %q", *format))
	case *created != "":
		d, err := time.Parse(time.DateOnly, *created)
		if err != nil {
			return usageError(fs, fmt.Sprintf("--creation-date %q: want a date such as 2026-01-31", *created))
		}
		date = d
	default:
		date = time.Now()
	}

	if *format == "" {
		*format = "pdf"
		if ext := strings.ToLower(filepath.Ext(*out)); ext == ".html" || ext == ".htm" {
			*format = "html"
		}
	}
	store, err := survey.Open(ctx, *dsn, survey.Options{KeyFile: keyFile()})
	if err != nil {
		return fmt.Errorf("cannot open or migrate the database (set TROTS_DB or --db): %w", err)
	}
	defer store.Close()
	settings, err := store.Settings(ctx)
	if err != nil {
		return err
	}
	if *lang == "" {
		*lang = settings.DefaultLanguage
	}

	progress := newProgress(stderr, time.Second)
	progress.set("analysing the pulse…")
	outcome, err := results.Analyze(ctx, store, *pulseID, analysis.DefaultConfig())
	if err != nil {
		progress.stop()
		if survey.ErrorCode(err) == survey.ENotFound {
			return unknownPulse(ctx, store, *pulseID)
		}
		if survey.ErrorKey(err) == results.KeyAfterClose {
			// No interim reports: figures compared over time expose the
			// answers of whoever answered in between.
			p, _ := store.Pulse(ctx, *pulseID)
			return fmt.Errorf("pulse %q is still open: a report is made once it has closed (close it in the console), "+
				"so that nobody can work out one person's answers by comparing figures over time", p.Name)
		}
		return err
	}
	in := reports.FromOutcome(settings.Name, outcome)
	opts := reports.Options{Lang: *lang, CreationDate: date}
	var buf bytes.Buffer
	to := reports.Outputs{PDF: &buf}
	if *format == "html" {
		to = reports.Outputs{HTML: &buf}
	}
	if *department != "" {
		g, err := reports.FindDepartment(outcome.Result, *department)
		if err != nil {
			progress.stop()
			return err
		}
		// The department's action plans, found by its ID as the console
		// does (results stored before groups carried IDs have none).
		if g.ID != "" {
			if in.Plans, err = server.ReportPlans(ctx, store, outcome, g.ID, *lang); err != nil {
				progress.stop()
				return err
			}
		}
		progress.set("rendering the report of " + g.Name + "…")
		err = reports.DepartmentTo(to, in, g.Name, opts)
	} else {
		progress.set(fmt.Sprintf("rendering the report of %d departments…", len(outcome.Result.Departments)))
		err = reports.OrganisationTo(to, in, opts)
	}
	progress.stop()
	if err != nil {
		return err
	}
	if err := writeFileAtomic(*out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Wrote %s (%d KB): %s, %s, %s.\n", *out, (buf.Len()+1023)/1024, outcome.Pulse.Name, reportKind(*department, *lang), strings.ToUpper(*format))
	return nil
}

func reportKind(department, lang string) string {
	if department != "" {
		return fmt.Sprintf("report of department %q in %s", department, lang)
	}
	return "organisation report in " + lang
}

// unknownPulse explains a --pulse that does not exist, naming the pulses
// that do.
func unknownPulse(ctx context.Context, store *survey.Store, id string) error {
	ps, err := store.Pulses(ctx)
	if err != nil || len(ps) == 0 {
		return fmt.Errorf("no pulse with id %q (the database holds no pulses)", id)
	}
	var names []string
	for _, p := range ps {
		names = append(names, fmt.Sprintf("%s (%q, %s)", p.ID, p.Name, p.Status))
	}
	return fmt.Errorf("no pulse with id %q; the pulses are: %s", id, strings.Join(names, "; "))
}

// writeFileAtomic writes data to a temporary file next to path and renames
// it into place, so that path never holds half a PDF.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	name := tmp.Name()
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(name, survey.PrivateFileMode) // reports are about people: owner only
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		os.Remove(name)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// progress prints what a slow command is doing, but only once a stage has
// taken longer than after: a quick run stays quiet.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	after time.Duration
	timer *time.Timer
	done  bool
}

func newProgress(w io.Writer, after time.Duration) *progress {
	return &progress{w: w, after: after}
}

// set starts a stage; its message appears if the stage is still running
// after the delay.
func (p *progress) set(msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.timer != nil {
		p.timer.Stop()
	}
	p.timer = time.AfterFunc(p.after, func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if !p.done {
			fmt.Fprintln(p.w, msg)
		}
	})
}

// stop ends the last stage; nothing is printed afterwards.
func (p *progress) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = true
	if p.timer != nil {
		p.timer.Stop()
	}
}
