package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"trots/accounts"
	"trots/server"
	"trots/server/i18n"
	"trots/survey"
	"trots/survey/storetest"
)

// The findings of issue 20 ("Answering stays open under abuse"), each
// reproduced against the default limits; on the code before it, each of
// these tests failed.

// trustLoopback makes 127.0.0.1 a trusted proxy, so that X-Forwarded-For
// names the client: the tests play many sources from one machine.
func trustLoopback(t *testing.T, cfg server.Config) server.Config {
	t.Helper()
	nets, err := server.ParseTrustedProxies("127.0.0.1")
	must(t, err)
	cfg.TrustedProxies = nets
	return cfg
}

func from(addr string) map[string]string { return map[string]string{"X-Forwarded-For": addr} }

// One person blocked a department: `{}` posted to its API address, 420
// at once and then more, let 3 of 20 real answers through. Refused posts
// now spend a budget of their own, and one source only its share of it.
func TestGarbageCannotStarveRealAnswers(t *testing.T) {
	e := newSurveyEnv(t, storetest.SQLiteDSN(t), "advocacy-readiness", trustLoopback(t, server.Config{}))
	api := "/api/v1/surveys/" + e.link.Code + "/responses"
	form := "/s/" + e.link.Code + "?lang=en"
	// 420 at once from one address: goroutines, all sent before any is
	// counted.
	var wg sync.WaitGroup
	began := time.Now()
	statuses := make([]int, 420)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = e.postJSON(api, `{}`, from("203.0.113.9")).status
		}()
	}
	wg.Wait()
	counts := map[int]int{}
	for _, s := range statuses {
		counts[s]++
	}
	// `{}` is valid JSON without answers: 422 until the source's share of
	// the refused budget (half of 400, refilled at 10 a second while the
	// posts go on) is spent, then 429.
	refill := int(10*time.Since(began).Seconds()) + 1
	if n := counts[http.StatusUnprocessableEntity]; n < 200 || n > 200+refill || counts[http.StatusTooManyRequests] != 420-n {
		t.Fatalf("420 posts of {} at once: %v, want 200 (+%d refilled) refused as invalid and the rest as too many", counts, refill)
	}
	// Then more garbage, interleaved with 20 real answers from 20
	// addresses (the form and the API): every real answer is stored.
	for i := range 20 {
		for range 10 {
			if r := e.postJSON(api, `{}`, from("203.0.113.9")); r.status != http.StatusTooManyRequests && r.status != http.StatusUnprocessableEntity {
				t.Fatalf("garbage after the burst: %d", r.status)
			}
			e.post(form, url.Values{"a.x": {"garbage"}}, from("203.0.113.9"))
		}
		src := fmt.Sprintf("198.51.100.%d", i+1)
		if i%2 == 0 {
			if r := e.postJSON(api, apiBody(t, survey.NewID(), apiAnswers(e.q)), from(src)); r.status != http.StatusCreated {
				t.Fatalf("real answer %d through the API: %d %s", i, r.status, r.body)
			}
		} else if r := e.post(form, fullForm(e.q), from(src)); r.status != http.StatusSeeOther {
			t.Fatalf("real answer %d through the form: %d", i, r.status)
		}
	}
	if n := e.responses(); n != 20 {
		t.Fatalf("%d responses stored, want the 20 real ones", n)
	}
}

// Within a link, one source gets at most its share of the valid answers
// (half by default); others, behind the same trusted proxy, still answer.
// A refusal names when to come back.
func TestOneSourceGetsAShareOfALink(t *testing.T) {
	e := newSurveyEnv(t, storetest.SQLiteDSN(t), "pulse", trustLoopback(t, server.Config{SurveyRate: 0.001, SurveyBurst: 4}))
	target := "/s/" + e.link.Code + "?lang=en"
	for i := range 2 {
		if r := e.post(target, fullForm(e.q), from("192.0.2.1")); r.status != http.StatusSeeOther {
			t.Fatalf("answer %d of the first source: %d", i, r.status)
		}
	}
	r := e.post(target, fullForm(e.q), from("192.0.2.1"))
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Fatalf("third answer of one source: %d (Retry-After %q), want 429", r.status, r.header.Get("Retry-After"))
	}
	if ra, _ := strconv.Atoi(r.header.Get("Retry-After")); ra < 900 {
		t.Fatalf("Retry-After %d s; at 0.0005 answers a second a token takes 2,000 s", ra)
	}
	for _, src := range []string{"192.0.2.2", "192.0.2.3"} {
		if r := e.post(target, fullForm(e.q), from(src)); r.status != http.StatusSeeOther {
			t.Fatalf("another source %s: %d", src, r.status)
		}
	}
	// The link's budget (4) is spent now, for everyone.
	if r := e.post(target, fullForm(e.q), from("192.0.2.4")); r.status != http.StatusTooManyRequests {
		t.Fatalf("over the link's budget: %d", r.status)
	}
	if n := e.responses(); n != 4 {
		t.Fatalf("%d responses, want 4", n)
	}
}

// A lead's token filled the disk: a viewer made 482 organisation reports
// in 20 s. The same report is now one job, new ones are limited per day
// with Retry-After and a message, and the PDFs kept are capped.
func TestReportJobFloodIsDeduplicatedAndLimited(t *testing.T) {
	e := newReportsEnvWith(t, storetest.SQLiteDSN(t), server.Config{Quotas: server.Quotas{ReportsPerDay: 3}})
	token := e.token("viewer@example.org")
	start := "/api/v1/pulses/" + e.demo.Baseline.ID + "/reports"
	type job struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	first := job{}
	for i := range 100 {
		code, body := e.api("POST", start+"?lang=en", token, "")
		var j job
		must(t, json.Unmarshal([]byte(body), &j))
		if code != http.StatusAccepted || first.ID != "" && j.ID != first.ID {
			t.Fatalf("request %d for the same report: %d %s (first job %s)", i, code, body, first.ID)
		}
		first = j
	}
	viewer := e.user("viewer@example.org")
	if done := e.waitJob(first.ID, viewer); done.Status != survey.ReportDone {
		t.Fatalf("the report: %+v", done)
	}
	// Once done, the same report is still the same job.
	if _, body := e.api("POST", start+"?lang=en", token, ""); !strings.Contains(body, first.ID) {
		t.Fatalf("the same report once done: %s", body)
	}
	jobs, err := e.store.ReportJobs(ctx, viewer.ID, 100)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("%d jobs stored after 101 requests, %v; want 1", len(jobs), err)
	}
	// Different reports: two more, then the daily quota.
	depts := e.demo.Departments
	for i := range 2 {
		if code, body := e.api("POST", start+"?lang=en&department="+depts[i].Department.ID, token, ""); code != http.StatusAccepted {
			t.Fatalf("report %d: %d %s", i+2, code, body)
		}
	}
	code, body, header := apiWithHeader(t, e.srv.URL, "POST", start+"?lang=nl&department="+depts[2].Department.ID, token, "nl")
	var refusal apiErrorBody
	must(t, json.Unmarshal([]byte(body), &refusal))
	ra, _ := strconv.Atoi(header.Get("Retry-After"))
	if code != http.StatusTooManyRequests || refusal.Error.Code != survey.KeyReportDailyQuota ||
		refusal.Error.Message != i18n.T("nl", survey.KeyReportDailyQuota) || ra < 23*3600 || ra > 24*3600 {
		t.Fatalf("a fourth report in a day: %d %s (Retry-After %q)", code, body, header.Get("Retry-After"))
	}
	// The console's form says the same, in the user's language.
	b := e.browser()
	b.login("viewer@example.org")
	p := b.postReport(url.Values{"pulse": {e.demo.Baseline.ID}, "department": {depts[3].Department.ID}, "report_lang": {"en"}})
	quota := strings.Contains(p.body, i18n.T("nl", survey.KeyReportDailyQuota)) || strings.Contains(p.body, i18n.T("en", survey.KeyReportDailyQuota))
	if p.status != http.StatusTooManyRequests || !quota || p.header.Get("Retry-After") == "" {
		t.Fatalf("the form over the quota: %d", p.status)
	}
}

// Posters, invitation batches and CSV imports have daily allowances per
// account; a refusal says so in the user's language, with Retry-After,
// as a page in the console and as JSON in the API.
func TestConsoleQuotas(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{Quotas: server.Quotas{ImportsPerDay: 1, PostersPerDay: 1}})
	token := e.token("admin@example.org")
	csv := "Douane,14,no\n"
	if code, body := e.apiSend("POST", "/api/v1/departments/import", token, "text/csv", "en", csv); code >= 400 {
		t.Fatalf("the first import: %d %s", code, body)
	}
	code, body, header := apiWithHeader(t, e.srv.URL, "POST", "/api/v1/departments/import", token, "en", "text/csv", csv)
	var refusal apiErrorBody
	must(t, json.Unmarshal([]byte(body), &refusal))
	if code != http.StatusTooManyRequests || refusal.Error.Code != "quota_exceeded" ||
		refusal.Error.Message != i18n.T("en", "quota_imports") || header.Get("Retry-After") == "" {
		t.Fatalf("the second import in a day: %d %s (Retry-After %q)", code, body, header.Get("Retry-After"))
	}
	// Another account has its own allowance.
	admin2, err := accounts.New(e.store).CreateUser(ctx, accounts.User{Email: "hr2@example.org", Role: accounts.RoleAdmin}, testPassword)
	must(t, err)
	if code, _ := e.apiSend("POST", "/api/v1/departments/import", e.token(admin2.Email), "text/csv", "en", "ICT,5,yes\n"); code == http.StatusTooManyRequests {
		t.Fatal("another account's import was refused")
	}
	b := e.browser()
	b.login("admin@example.org")
	links, err := e.store.Links(ctx, e.demo.Baseline.ID)
	must(t, err)
	poster := "/pulses/" + e.demo.Baseline.ID + "/links/" + links[0].DepartmentID + "/poster.pdf?lang=nl"
	b.get(poster)
	p := b.get(poster)
	if p.status != http.StatusTooManyRequests || !strings.Contains(p.body, i18n.T("nl", "quota_posters")) || p.header.Get("Retry-After") == "" {
		t.Fatalf("the second poster in a day: %d", p.status)
	}
}

// apiWithHeader sends a request to the API and returns the headers too.
func apiWithHeader(t *testing.T, base, method, path, token, lang string, typeAndBody ...string) (int, string, http.Header) {
	t.Helper()
	var body io.Reader
	req, err := http.NewRequest(method, base+path, nil)
	if len(typeAndBody) == 2 {
		body = strings.NewReader(typeAndBody[1])
		req, err = http.NewRequest(method, base+path, body)
		req.Header.Set("Content-Type", typeAndBody[0])
	}
	must(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept-Language", lang)
	res, err := http.DefaultClient.Do(req)
	must(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	must(t, err)
	return res.StatusCode, string(b), res.Header
}
