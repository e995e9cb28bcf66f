package server_test

import (
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"trots/server"
	"trots/server/metrics"
	"trots/survey"
)

// testMetricsToken is the bearer token of the tests' /metrics.
const testMetricsToken = "scrape-secret"

// scrapeMetrics fetches /metrics and parses its samples (series -> value).
func (e *surveyEnv) scrapeMetrics() (map[string]float64, string) {
	e.t.Helper()
	r := e.get("/metrics", map[string]string{"Authorization": "Bearer " + testMetricsToken})
	if r.status != http.StatusOK {
		e.t.Fatalf("/metrics: %d", r.status)
	}
	if ct := r.header.Get("Content-Type"); ct != metrics.ContentType {
		e.t.Fatalf("/metrics content type %q", ct)
	}
	out := map[string]float64{}
	for _, line := range strings.Split(strings.TrimSpace(r.body), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if i < 0 || err != nil {
			e.t.Fatalf("bad metrics line %q", line)
		}
		out[line[:i]] = v
	}
	return out, r.body
}

func requests(route, method, class string) string {
	return `trots_http_requests_total{route="` + route + `",method="` + method + `",status="` + class + `"}`
}

// /metrics counts requests by route pattern and status class, and responses
// stored and replayed once committed; it names no code, address or agent.
func TestMetricsCountRequestsAndResponses(t *testing.T) {
	reg := metrics.New("test", time.Now())
	e := newSurveyEnv(t, filepath.Join(t.TempDir(), "m.db"), "pulse", server.Config{Metrics: reg, MetricsToken: testMetricsToken})
	const agent = "MetricsProbe/1.0 (agent-4471)"
	h := map[string]string{"User-Agent": agent}

	e.get("/s/"+e.link.Code, h)
	form := fullForm(e.q)
	for i := 0; i < 2; i++ { // the second is a replay (same submission key)
		if r := e.post("/s/"+e.link.Code+"?lang=nl", form, h); r.status != http.StatusSeeOther {
			t.Fatalf("form: %d", r.status)
		}
	}
	bad := fullForm(e.q)
	bad.Set("a.enps", "11")
	if r := e.post("/s/"+e.link.Code, bad, h); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d", r.status)
	}
	body := apiBody(t, survey.NewID(), apiAnswers(e.q))
	for _, want := range []int{http.StatusCreated, http.StatusOK} {
		if r := e.postJSON("/api/v1/surveys/"+e.link.Code+"/responses", body, h); r.status != want {
			t.Fatalf("api: %d, want %d", r.status, want)
		}
	}
	e.get("/s/"+survey.NewID(), h)
	e.get("/no/such/page/"+e.link.Code, h)

	m, text := e.scrapeMetrics()
	for series, want := range map[string]float64{
		"trots_responses_stored_total":                                                           2,
		"trots_response_replays_total":                                                           2,
		requests("/s/:code", "GET", "2xx"):                                                       1,
		requests("/s/:code", "GET", "4xx"):                                                       1,
		requests("/s/:code", "POST", "3xx"):                                                      2,
		requests("/s/:code", "POST", "4xx"):                                                      1,
		requests("/api/v1/surveys/:code/responses", "POST", "2xx"):                               2,
		`trots_http_request_duration_seconds_count{route="/s/:code",method="POST",status="3xx"}`: 2,
	} {
		if m[series] != want {
			t.Errorf("%s = %v, want %v", series, m[series], want)
		}
	}
	if e.responses() != 2 {
		t.Fatalf("%d responses stored", e.responses())
	}
	for what, secret := range map[string]string{"survey code": e.link.Code, "user agent": "agent-4471", "address": "127.0.0.1", "path": "/no/such/page"} {
		if strings.Contains(text, secret) {
			t.Errorf("/metrics shows the %s", what)
		}
	}

	// One more response: the counter goes up by one, the scrape itself is
	// counted too.
	if r := e.post("/s/"+e.link.Code, fullForm(e.q), h); r.status != http.StatusSeeOther {
		t.Fatalf("form: %d", r.status)
	}
	m2, _ := e.scrapeMetrics()
	if m2["trots_responses_stored_total"] != 3 || m2[requests("/s/:code", "POST", "3xx")] != 3 {
		t.Errorf("after one more response: stored %v, posts %v", m2["trots_responses_stored_total"], m2[requests("/s/:code", "POST", "3xx")])
	}
	if m2[requests("/metrics", "GET", "2xx")] != 1 {
		t.Errorf("the first scrape is not counted: %v", m2[requests("/metrics", "GET", "2xx")])
	}
}

// Without a registry (TROTS_METRICS=off) there is no /metrics, nor with a
// registry but no token: the figures are never open to anyone.
func TestMetricsOff(t *testing.T) {
	open := newSurveyEnv(t, filepath.Join(t.TempDir(), "open.db"), "pulse", server.Config{Metrics: metrics.New("test", time.Now())})
	if r := open.get("/metrics", nil); r.status != http.StatusNotFound || strings.Contains(r.body, "trots_") {
		t.Fatalf("/metrics without a token: %d %q", r.status, r.body)
	}
	e := newSurveyEnv(t, filepath.Join(t.TempDir(), "off.db"), "pulse", server.Config{})
	if r := e.get("/metrics", nil); r.status != http.StatusNotFound {
		t.Fatalf("/metrics without a registry: %d", r.status)
	}
	if r := e.post("/s/"+e.link.Code, fullForm(e.q), nil); r.status != http.StatusSeeOther {
		t.Fatalf("form without metrics: %d", r.status)
	}
}

// With a metrics token the figures need it; a wrong or missing token gets
// 401 and no figures.
func TestMetricsTokenClosesTheFigures(t *testing.T) {
	e := newSurveyEnv(t, filepath.Join(t.TempDir(), "token.db"), "pulse",
		server.Config{Metrics: metrics.New("test", time.Now()), MetricsToken: testMetricsToken})
	for _, h := range []map[string]string{nil, {"Authorization": "Bearer wrong"}, {"Authorization": "scrape-secret"}} {
		r := e.get("/metrics", h)
		if r.status != http.StatusUnauthorized || strings.Contains(r.body, "trots_") {
			t.Errorf("/metrics with %v: %d %q", h, r.status, r.body)
		}
	}
	if r := e.get("/metrics", map[string]string{"Authorization": "Bearer scrape-secret"}); r.status != http.StatusOK ||
		!strings.Contains(r.body, "trots_http_requests_total") {
		t.Errorf("/metrics with the token: %d", r.status)
	}
}
