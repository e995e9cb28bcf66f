package main

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

var pathLabels = map[string]string{
	pathCeiling: "ceiling: HTTP, parse + validate, no storage",
	pathDurable: "durable: HTTP, stored and committed",
	pathRaw:     "raw: Store.Submit without HTTP",
}

// printReport writes the table of medians as Markdown, ready for the
// README, then the checks.
func printReport(w io.Writer, cfg config, b *bench, reports []engineReport) {
	target := "POST /s/:code (form, 303)"
	if cfg.api {
		target = "POST /api/v1/surveys/:code/responses (JSON, 201)"
	}
	fmt.Fprintf(w, "\n%d clients, %s, %d rounds of %s (median), %d departments, %s on %d CPUs (%s/%s)\n\n",
		cfg.clients, target, cfg.rounds, cfg.duration, cfg.departments, runtime.Version(), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
	// CPU is the processor time of this whole process (server and load
	// generator) per second: near the number of cores, the machine is the
	// limit; below it, the path waits (for the disk, or for its turn).
	fmt.Fprintln(w, "| database | path | responses/s | p50 | p99 | CPU (cores) | errors |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|")
	for _, r := range reports {
		for _, p := range cfg.paths {
			rs := r.results[p]
			if len(rs) == 0 {
				continue
			}
			var errs int64
			for _, x := range rs {
				errs += x.errors
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %.2f | %d |\n", r.engine.label, pathLabels[p],
				thousands(median(rs, func(x result) float64 { return x.rate })),
				ms(time.Duration(median(rs, func(x result) float64 { return float64(x.p50) }))),
				ms(time.Duration(median(rs, func(x result) float64 { return float64(x.p99) }))),
				median(rs, func(x result) float64 { return x.cores }), errs)
		}
	}
	fmt.Fprintln(w)
	for _, r := range reports {
		durable, ceiling := r.results[pathDurable], r.results[pathCeiling]
		if len(durable) > 0 && len(ceiling) > 0 {
			d := median(durable, func(x result) float64 { return x.rate })
			c := median(ceiling, func(x result) float64 { return x.rate })
			p99 := time.Duration(median(durable, func(x result) float64 { return float64(x.p99) }))
			verdict := "met"
			if d < c/2 || p99 >= 20*time.Millisecond {
				verdict = "NOT met"
			}
			fmt.Fprintf(w, "%s: durable / ceiling = %.2f, durable p99 %s (goal: >= 0.50 and p99 < 20 ms: %s)\n",
				r.engine.name, d/c, ms(p99), verdict)
		}
	}
	for _, r := range reports {
		for _, p := range []string{pathDurable, pathRaw} {
			var acked, rows, errs int64
			for _, x := range r.results[p] {
				acked, rows, errs = acked+x.acked, rows+x.rows, errs+x.errors
			}
			if len(r.results[p]) == 0 {
				continue
			}
			fmt.Fprintf(w, "%s %s: %d acknowledged, %d rows in the database", r.engine.name, p, acked, rows)
			switch {
			case rows == acked:
				fmt.Fprintln(w, " - every acknowledged response is stored, once")
			case rows > acked:
				fmt.Fprintf(w, " - %d committed but not acknowledged (a client error after the commit)\n", rows-acked)
			default:
				fmt.Fprintf(w, " - %d ACKNOWLEDGED RESPONSES MISSING\n", acked-rows)
			}
		}
	}
	for _, r := range reports {
		for _, p := range []string{pathDurable, pathRaw} {
			if f := medianFigures(r.engine, r.results[p]); f.groups > 0 {
				fmt.Fprintf(w, "%s %s, group writer (medians): %s\n", r.engine.name, p, f)
			}
		}
	}
	for _, r := range reports {
		for _, p := range cfg.paths {
			for i, x := range r.results[p] {
				if x.firstErr != "" {
					fmt.Fprintf(w, "%s %s round %d: %d errors, the first: %s\n", r.engine.name, p, i+1, x.errors, x.firstErr)
				}
			}
		}
	}
}

// problem fails the run when a response was lost, a request failed, or a
// row appeared that no request could explain.
func (r engineReport) problem() error {
	for p, rs := range r.results {
		for i, x := range rs {
			switch {
			case x.rows >= 0 && x.rows < x.acked:
				return fmt.Errorf("%s %s round %d: %d acknowledged but %d rows stored", r.engine.name, p, i+1, x.acked, x.rows)
			case x.rows >= 0 && x.rows > x.acked+x.errors:
				return fmt.Errorf("%s %s round %d: %d rows stored for %d acknowledged and %d failed requests", r.engine.name, p, i+1, x.rows, x.acked, x.errors)
			case x.errors > 0:
				return fmt.Errorf("%s %s round %d: %d requests failed: %s", r.engine.name, p, i+1, x.errors, x.firstErr)
			}
		}
	}
	return nil
}

// median is the median of f over xs (rounds, or their figures).
func median[T any](xs []T, f func(T) float64) float64 {
	v := make([]float64, len(xs))
	for i, x := range xs {
		v[i] = f(x)
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
}

func rowsText(n int64) string {
	if n < 0 {
		return "-"
	}
	return strconv.FormatInt(n, 10)
}

// thousands formats a rate as 12,345.
func thousands(f float64) string {
	s := strconv.FormatInt(int64(f+0.5), 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// writerFigures are the group writer's part in a path: transactions, their
// average size, the time per transaction in statements and in COMMIT, the
// bytes written per stored response (SQLite; -1: unknown), and where a
// submission's time in Store.Submit went on average (see
// survey.WriterStats).
type writerFigures struct {
	groups                int64
	size                  float64
	statements, commit    time.Duration
	kibPerResponse        float64
	queued, inGroup, wake time.Duration
}

func figures(e engine, r result) writerFigures {
	w := r.writer
	f := writerFigures{groups: w.Groups, kibPerResponse: -1}
	if w.Groups == 0 {
		return f
	}
	f.size = float64(w.Submissions) / float64(w.Groups)
	f.statements, f.commit = w.Work/time.Duration(w.Groups), w.Commit/time.Duration(w.Groups)
	if e.name == "sqlite" && r.written >= 0 && w.Submissions > 0 {
		f.kibPerResponse = float64(r.written) / float64(w.Submissions) / 1024
	}
	if n := time.Duration(w.Answered); n > 0 {
		f.queued, f.inGroup, f.wake = w.Queued/n, w.InGroup/n, w.Wake/n
	}
	return f
}

// medianFigures are the medians of the rounds' figures.
func medianFigures(e engine, rs []result) writerFigures {
	if len(rs) == 0 {
		return writerFigures{} // the path was not measured
	}
	fs := make([]writerFigures, len(rs))
	for i, r := range rs {
		fs[i] = figures(e, r)
	}
	med := func(f func(writerFigures) float64) float64 { return median(fs, f) }
	return writerFigures{
		groups:         int64(med(func(f writerFigures) float64 { return float64(f.groups) })),
		size:           med(func(f writerFigures) float64 { return f.size }),
		statements:     time.Duration(med(func(f writerFigures) float64 { return float64(f.statements) })),
		commit:         time.Duration(med(func(f writerFigures) float64 { return float64(f.commit) })),
		kibPerResponse: med(func(f writerFigures) float64 { return f.kibPerResponse }),
		queued:         time.Duration(med(func(f writerFigures) float64 { return float64(f.queued) })),
		inGroup:        time.Duration(med(func(f writerFigures) float64 { return float64(f.inGroup) })),
		wake:           time.Duration(med(func(f writerFigures) float64 { return float64(f.wake) })),
	}
}

func (f writerFigures) String() string {
	if f.groups == 0 {
		return ""
	}
	s := fmt.Sprintf("%d groups of %.1f, per group %s statements + %s commit", f.groups, f.size, ms(f.statements), ms(f.commit))
	if f.kibPerResponse >= 0 {
		s += fmt.Sprintf(", %.1f KiB written per response", f.kibPerResponse)
	}
	// The time a submission spent in Store.Submit, split.
	s += fmt.Sprintf("; in Submit %s waiting for a group + %s in it + %s until the caller ran again",
		ms(f.queued), ms(f.inGroup), ms(f.wake))
	return s
}
