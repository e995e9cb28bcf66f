package metrics_test

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"trots/server/metrics"
)

// scrape parses the text format into series -> value, checking every line
// on the way: comments are HELP or TYPE, samples are name{labels} value.
func scrape(t *testing.T, r *metrics.Registry) map[string]float64 {
	t.Helper()
	var b strings.Builder
	if _, err := r.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	typed := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(b.String()))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "# ") {
			f := strings.SplitN(line, " ", 4)
			if len(f) < 4 || (f[1] != "HELP" && f[1] != "TYPE") {
				t.Fatalf("bad comment line %q", line)
			}
			if f[1] == "TYPE" {
				typed[f[2]] = f[3]
			}
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			t.Fatalf("bad sample line %q", line)
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("bad value in %q", line)
		}
		series := line[:i]
		name, _, _ := strings.Cut(series, "{")
		base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_sum"), "_count")
		if typed[name] == "" && typed[base] == "" {
			t.Fatalf("sample %q before its TYPE", line)
		}
		if _, dup := out[series]; dup {
			t.Fatalf("series %s twice", series)
		}
		out[series] = v
	}
	return out
}

func TestRequestsAndHistograms(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	r := metrics.New("v1.2.3", start)
	r.ObserveRequest("/s/:code", "POST", 303, 3*time.Millisecond)
	r.ObserveRequest("/s/:code", "POST", 303, 40*time.Millisecond)
	r.ObserveRequest("/s/:code", "POST", 422, time.Millisecond) // exactly on a bound: le is inclusive
	r.ObserveRequest("", "BREW", 404, time.Microsecond)
	r.ObserveRequest("/healthz", "GET", 999, time.Minute)
	m := scrape(t, r)

	post := `route="/s/:code",method="POST",status="3xx"`
	for series, want := range map[string]float64{
		`trots_http_requests_total{` + post + `}`:                                                            2,
		`trots_http_requests_total{route="/s/:code",method="POST",status="4xx"}`:                             1,
		`trots_http_requests_total{route="(no route)",method="OTHER",status="4xx"}`:                          1,
		`trots_http_requests_total{route="/healthz",method="GET",status="other"}`:                            1,
		`trots_http_request_duration_seconds_bucket{` + post + `,le="0.0025"}`:                               0,
		`trots_http_request_duration_seconds_bucket{` + post + `,le="0.005"}`:                                1,
		`trots_http_request_duration_seconds_bucket{` + post + `,le="0.05"}`:                                 2,
		`trots_http_request_duration_seconds_bucket{` + post + `,le="+Inf"}`:                                 2,
		`trots_http_request_duration_seconds_count{` + post + `}`:                                            2,
		`trots_http_request_duration_seconds_sum{` + post + `}`:                                              0.043,
		`trots_http_request_duration_seconds_bucket{route="/s/:code",method="POST",status="4xx",le="0.001"}`: 1,
		`trots_http_request_duration_seconds_bucket{route="/healthz",method="GET",status="other",le="30"}`:   0,
		`process_start_time_seconds`:                                                                         float64(start.Unix()),
		`trots_responses_stored_total`:                                                                       0,
		`trots_analysis_duration_seconds_count`:                                                              0,
		`trots_retention_purged_responses_total`:                                                             0,
	} {
		got, ok := m[series]
		if !ok {
			t.Errorf("no series %s", series)
			continue
		}
		if d := got - want; d > 1e-9 || d < -1e-9 {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	found := false
	for s := range m {
		if strings.HasPrefix(s, `trots_build_info{version="v1.2.3",goversion="go`) && m[s] == 1 {
			found = true
		}
	}
	if !found {
		t.Error("no build info")
	}
}

// Counters only go up, from any number of goroutines, and the histogram
// count always equals its +Inf bucket.
func TestConcurrentObservations(t *testing.T) {
	r := metrics.New("dev", time.Now())
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				r.ObserveRequest("/api/v1/surveys/:code/responses", "POST", 201, time.Duration(i)*time.Microsecond)
				r.ResponseStored()
				if i%10 == 0 {
					r.ResponseReplayed()
					r.ObserveAnalysis(time.Duration(i) * time.Millisecond)
					r.ObserveReport("pdf", time.Second)
				}
			}
		}()
	}
	var before map[string]float64
	for i := 0; i < 5; i++ {
		now := scrape(t, r)
		for s, v := range before {
			if strings.HasSuffix(strings.SplitN(s, "{", 2)[0], "_total") && now[s] < v {
				t.Fatalf("%s went down: %v -> %v", s, v, now[s])
			}
		}
		before = now
	}
	wg.Wait()
	m := scrape(t, r)
	labels := `route="/api/v1/surveys/:code/responses",method="POST",status="2xx"`
	for series, want := range map[string]float64{
		"trots_responses_stored_total":                                         8000,
		"trots_response_replays_total":                                         800,
		"trots_http_requests_total{" + labels + "}":                            8000,
		"trots_http_request_duration_seconds_count{" + labels + "}":            8000,
		`trots_http_request_duration_seconds_bucket{` + labels + `,le="+Inf"}`: 8000,
		"trots_analysis_duration_seconds_count":                                800,
		`trots_report_duration_seconds_count{kind="pdf"}`:                      800,
		`trots_report_duration_seconds_bucket{kind="pdf",le="1"}`:              800,
		`trots_report_duration_seconds_bucket{kind="pdf",le="0.5"}`:            0,
	} {
		if m[series] != want {
			t.Errorf("%s = %v, want %v", series, m[series], want)
		}
	}
}

func TestLabelValuesEscaped(t *testing.T) {
	r := metrics.New("a\"b\\c\nd", time.Now())
	var b strings.Builder
	r.WriteTo(&b)
	if !strings.Contains(b.String(), `version="a\"b\\c\nd"`) {
		t.Fatalf("label not escaped:\n%s", b.String())
	}
}

// A nil registry records nothing and does not panic: code observes without
// checking whether metrics are on.
func TestNilRegistry(t *testing.T) {
	var r *metrics.Registry
	r.ObserveRequest("/", "GET", 200, time.Second)
	r.ResponseStored()
	r.ResponseReplayed()
	r.ObserveAnalysis(time.Second)
	r.ObserveReport("pdf", time.Second)
	r.Purged(1, 2)
	if got := metrics.FromContext(context.Background()); got != nil {
		t.Fatalf("registry from an empty context: %v", got)
	}
	reg := metrics.New("x", time.Now())
	if got := metrics.FromContext(metrics.NewContext(context.Background(), reg)); got != reg {
		t.Fatal("registry lost in the context")
	}
}

func ExampleRegistry_WriteTo() {
	r := metrics.New("v1", time.Unix(0, 0))
	r.ResponseStored()
	var b strings.Builder
	r.WriteTo(&b)
	for _, line := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(line, "trots_responses_stored_total") {
			fmt.Println(line)
		}
	}
	// Output: trots_responses_stored_total 1
}
