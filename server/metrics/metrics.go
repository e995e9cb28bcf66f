// Package metrics counts what trots does, for operators, and writes it in
// the Prometheus text exposition format (version 0.0.4) at /metrics.
//
// It is written by hand rather than with client_golang: a handful of
// counters and histograms do not need a dependency tree. Metrics are
// operational, never personal: no label carries a survey code, a token, an
// address or a department; routes are Echo's patterns ("/s/:code"), methods
// are folded into a fixed set, statuses into classes ("2xx"). Every label
// value therefore comes from a small, fixed set and the number of series is
// bounded by the route table.
//
// A nil *Registry is valid and records nothing, so code can observe without
// checking whether metrics are switched on.
package metrics

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ContentType is the media type of the text exposition format.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// Bucket upper bounds, in seconds.
var (
	// requestBuckets resolve the survey's hot path (a few ms) as well as
	// slow HR pages and PDFs.
	requestBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}
	// workBuckets are for analyses and reports: tens of ms to a minute.
	workBuckets = []float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}
)

// Registry holds the metrics of one trots process. It is safe for
// concurrent use; observing is lock-free once a series exists.
type Registry struct {
	version string
	start   time.Time

	requests sync.Map // requestKey -> *histogram

	stored   atomic.Uint64
	replays  atomic.Uint64
	analysis *histogram
	reports  sync.Map // report kind -> *histogram

	purgedPulses    atomic.Uint64
	purgedResponses atomic.Uint64
}

// New makes a registry for a process of the given version that started at
// start.
func New(version string, start time.Time) *Registry {
	return &Registry{version: version, start: start, analysis: newHistogram(workBuckets)}
}

type requestKey struct {
	route, method, class string
}

// ObserveRequest records one answered request by its route pattern (not
// its path), method and status.
func (r *Registry) ObserveRequest(route, method string, status int, d time.Duration) {
	if r == nil {
		return
	}
	if route == "" {
		route = "(no route)"
	}
	k := requestKey{route: route, method: foldMethod(method), class: statusClass(status)}
	h, ok := r.requests.Load(k)
	if !ok {
		h, _ = r.requests.LoadOrStore(k, newHistogram(requestBuckets))
	}
	h.(*histogram).observe(d)
}

// ResponseStored counts a survey response committed to the database.
func (r *Registry) ResponseStored() {
	if r != nil {
		r.stored.Add(1)
	}
}

// ResponseReplayed counts a submission answered as a replay of one already
// stored (a double tap or a retry): it stored nothing.
func (r *Registry) ResponseReplayed() {
	if r != nil {
		r.replays.Add(1)
	}
}

// ObserveAnalysis records how long the analysis of a pulse took.
func (r *Registry) ObserveAnalysis(d time.Duration) {
	if r != nil {
		r.analysis.observe(d)
	}
}

// ObserveReport records how long a report took to make. kind names the
// report ("pdf", "csv", ...) and must come from a fixed set in the code.
func (r *Registry) ObserveReport(kind string, d time.Duration) {
	if r == nil {
		return
	}
	h, ok := r.reports.Load(kind)
	if !ok {
		h, _ = r.reports.LoadOrStore(kind, newHistogram(workBuckets))
	}
	h.(*histogram).observe(d)
}

// Purged counts the pulses and responses whose raw answers the retention
// deleted.
func (r *Registry) Purged(pulses, responses int) {
	if r != nil {
		r.purgedPulses.Add(uint64(pulses))
		r.purgedResponses.Add(uint64(responses))
	}
}

type ctxKey struct{}

// NewContext returns ctx carrying r, so that code deep in a request (the
// analysis of a pulse, a report) can observe without being handed r.
func NewContext(ctx context.Context, r *Registry) context.Context {
	return context.WithValue(ctx, ctxKey{}, r)
}

// FromContext returns the registry of ctx, or nil (which records nothing).
func FromContext(ctx context.Context) *Registry {
	r, _ := ctx.Value(ctxKey{}).(*Registry)
	return r
}

// WriteTo writes every metric in the text exposition format, series sorted
// so that the output is stable.
func (r *Registry) WriteTo(out io.Writer) (int64, error) {
	cw := &countingWriter{w: out}
	w := bufio.NewWriter(cw)

	header(w, "trots_build_info", "gauge", "Version of the running trots; the value is always 1.")
	fmt.Fprintf(w, "trots_build_info{version=%s,goversion=%s} 1\n", quote(r.version), quote(runtime.Version()))
	header(w, "process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch, in seconds.")
	fmt.Fprintf(w, "process_start_time_seconds %s\n", formatFloat(float64(r.start.UnixNano())/1e9))
	header(w, "go_goroutines", "gauge", "Number of goroutines that currently exist.")
	fmt.Fprintf(w, "go_goroutines %d\n", runtime.NumGoroutine())

	type reqSeries struct {
		k requestKey
		s snapshot
	}
	var reqs []reqSeries
	r.requests.Range(func(k, v any) bool {
		reqs = append(reqs, reqSeries{k.(requestKey), v.(*histogram).snapshot()})
		return true
	})
	sort.Slice(reqs, func(i, j int) bool {
		a, b := reqs[i].k, reqs[j].k
		if a.route != b.route {
			return a.route < b.route
		}
		if a.method != b.method {
			return a.method < b.method
		}
		return a.class < b.class
	})
	labels := func(k requestKey) string {
		return "route=" + quote(k.route) + ",method=" + quote(k.method) + ",status=" + quote(k.class)
	}
	header(w, "trots_http_requests_total", "counter", "HTTP requests answered, by route pattern, method and status class.")
	for _, s := range reqs {
		fmt.Fprintf(w, "trots_http_requests_total{%s} %d\n", labels(s.k), s.s.count)
	}
	header(w, "trots_http_request_duration_seconds", "histogram", "Time to answer an HTTP request, by route pattern, method and status class.")
	for _, s := range reqs {
		writeHistogram(w, "trots_http_request_duration_seconds", labels(s.k), s.s)
	}

	header(w, "trots_responses_stored_total", "counter", "Survey responses committed to the database.")
	fmt.Fprintf(w, "trots_responses_stored_total %d\n", r.stored.Load())
	header(w, "trots_response_replays_total", "counter", "Submissions answered as a replay of a response already stored (double tap, retry).")
	fmt.Fprintf(w, "trots_response_replays_total %d\n", r.replays.Load())

	header(w, "trots_analysis_duration_seconds", "histogram", "Time to analyse a pulse.")
	writeHistogram(w, "trots_analysis_duration_seconds", "", r.analysis.snapshot())

	var kinds []string
	r.reports.Range(func(k, _ any) bool { kinds = append(kinds, k.(string)); return true })
	sort.Strings(kinds)
	header(w, "trots_report_duration_seconds", "histogram", "Time to make a report, by kind.")
	for _, k := range kinds {
		h, _ := r.reports.Load(k)
		writeHistogram(w, "trots_report_duration_seconds", "kind="+quote(k), h.(*histogram).snapshot())
	}

	header(w, "trots_retention_purged_pulses_total", "counter", "Closed pulses whose raw answers the retention deleted.")
	fmt.Fprintf(w, "trots_retention_purged_pulses_total %d\n", r.purgedPulses.Load())
	header(w, "trots_retention_purged_responses_total", "counter", "Responses the retention deleted (their pulse's aggregated results are kept).")
	fmt.Fprintf(w, "trots_retention_purged_responses_total %d\n", r.purgedResponses.Load())

	err := w.Flush()
	return cw.n, err
}

func header(w io.Writer, name, typ, help string) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
}

func writeHistogram(w io.Writer, name, labels string, s snapshot) {
	sep := ""
	if labels != "" {
		sep = ","
	}
	var cum uint64
	for i, le := range s.bounds {
		cum += s.buckets[i]
		fmt.Fprintf(w, "%s_bucket{%s%sle=%q} %d\n", name, labels, sep, formatFloat(le), cum)
	}
	fmt.Fprintf(w, "%s_bucket{%s%sle=\"+Inf\"} %d\n", name, labels, sep, s.count)
	brace := func() string {
		if labels == "" {
			return ""
		}
		return "{" + labels + "}"
	}
	fmt.Fprintf(w, "%s_sum%s %s\n", name, brace(), formatFloat(s.sum.Seconds()))
	fmt.Fprintf(w, "%s_count%s %d\n", name, brace(), s.count)
}

// histogram counts durations into buckets with atomics only. The sum is
// kept in nanoseconds, exactly.
type histogram struct {
	bounds  []float64 // upper bounds in seconds
	limits  []time.Duration
	buckets []atomic.Uint64 // non-cumulative; the last one is +Inf
	count   atomic.Uint64
	sum     atomic.Int64
}

func newHistogram(bounds []float64) *histogram {
	h := &histogram{bounds: bounds, limits: make([]time.Duration, len(bounds)), buckets: make([]atomic.Uint64, len(bounds)+1)}
	for i, b := range bounds {
		h.limits[i] = time.Duration(b * float64(time.Second))
	}
	return h
}

func (h *histogram) observe(d time.Duration) {
	i := 0
	for i < len(h.limits) && d > h.limits[i] {
		i++
	}
	h.buckets[i].Add(1)
	h.sum.Add(int64(d))
	h.count.Add(1)
}

type snapshot struct {
	bounds  []float64
	buckets []uint64
	count   uint64
	sum     time.Duration
}

// snapshot reads the histogram. Observations that land while it reads may
// be counted in some fields and not yet in others; the count is derived
// from the buckets so that +Inf always equals _count.
func (h *histogram) snapshot() snapshot {
	s := snapshot{bounds: h.bounds, buckets: make([]uint64, len(h.buckets)), sum: time.Duration(h.sum.Load())}
	for i := range h.buckets {
		s.buckets[i] = h.buckets[i].Load()
		s.count += s.buckets[i]
	}
	return s
}

// foldMethod keeps label values to a fixed set: a client may send any
// method name.
func foldMethod(m string) string {
	switch m {
	case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS":
		return m
	}
	return "OTHER"
}

func statusClass(status int) string {
	if status < 100 || status > 599 {
		return "other"
	}
	return strconv.Itoa(status/100) + "xx"
}

// quote writes a label value: backslash, double quote and line feed are
// escaped, as the format requires.
func quote(v string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range v {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func formatFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	case math.IsNaN(f):
		return "NaN"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
