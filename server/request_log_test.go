package server_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"trots/accounts"
	"trots/questionnaires"
	"trots/server"
	"trots/server/metrics"
	"trots/survey"
	"trots/survey/storetest"
)

// Values a request log must never hold: they are all sent, in answers,
// headers, query strings and paths, by the requests below.
const (
	probeAgent     = "LogProbe/9.1 (Android 15; agent-6620)"
	probeForwarded = "198.51.100.23"
	probeReferer   = "https://intranet.example/secret-referer-7710"
	probeQuery     = "probe-query-9981"
	probeComment   = "Mijn leidinggevende Geheim-antwoord-5531 luistert niet"
	probeOption    = "optie-geheim-8812"
	probeNumber    = "4242424242"
	probeCookie    = "session-cookie-3390"
)

// panickyStore fails the way a bug would: a panic in the middle of a
// submission.
type panickyStore struct{ *survey.Store }

func (panickyStore) Submit(context.Context, survey.Submission) (survey.Receipt, error) {
	panic("store exploded")
}

// Every route family, on its good and its refused paths (403, 404, 405,
// 409, 413, 415, 422, 500 and a panic), logs one structured line with
// method, route pattern, status and latency - and nothing of what the
// respondent sent or who they are: no answers, no address, no user agent,
// no survey code, token or submission key, no query string, in the text
// and the JSON format alike.
func TestRequestLogsHoldNothingPersonal(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "logs.db")
			st := storetest.Open(t, dsn)
			q, err := questionnaires.Load("advocacy-readiness")
			must(t, err)
			dept := storetest.MustDepartment(t, st, "Klantcontact", 25)
			open := storetest.MustOpenPulse(t, st, q.ID, q.Version)
			closed := storetest.MustOpenPulse(t, st, q.ID, q.Version)
			link, closedLink := mustLink(t, st, open.ID, dept.ID), mustLink(t, st, closed.ID, dept.ID)
			must(t, st.ClosePulse(ctx, closed.ID))
			tokens, err := st.CreateInvitations(ctx, open.ID, dept.ID, 2)
			must(t, err)
			codes, err := st.CreateCodes(ctx, open.ID, dept.ID, 1)
			must(t, err)

			logs := &lockedBuffer{}
			opts := &slog.HandlerOptions{Level: slog.LevelDebug}
			log := slog.New(slog.NewTextHandler(logs, opts))
			if format == "json" {
				log = slog.New(slog.NewJSONHandler(logs, opts))
			}
			cfg := server.Config{Metrics: metrics.New("test", time.Now()), MetricsToken: testMetricsToken, BodyLimit: "256K"}
			srv := httptest.NewServer(server.New(cfg, log, st, accounts.New(st)).Handler())
			defer srv.Close()
			e := &surveyEnv{t: t, store: st, srv: srv, logs: logs, dept: dept, pulse: open, link: link, q: q}
			h := map[string]string{"User-Agent": probeAgent, "X-Forwarded-For": probeForwarded, "X-Real-IP": probeForwarded,
				"Forwarded": "for=" + probeForwarded, "Referer": probeReferer, "Cookie": "sid=" + probeCookie}
			qs := "?lang=nl&utm_source=" + probeQuery

			answered := func() url.Values {
				f := fullForm(q)
				f.Set("a."+textItemID(t, q), probeComment)
				return f
			}
			key := survey.NewID()
			good := answered()
			good.Set("submission_key", key)
			bad := answered()
			bad.Set("a.enps", probeNumber)
			bad.Set("a.unknown_"+probeQuery, probeOption)
			huge := answered()
			huge.Set("a."+textItemID(t, q), strings.Repeat(probeComment, 3000))
			invite := answered()
			invite.Set("token", tokens[0])
			inviteAgain := answered() // another form with the token once it is used
			inviteAgain.Set("token", tokens[0])
			inviteAgain.Set("submission_key", survey.NewID())
			apiGood := apiBody(t, survey.NewID(), apiAnswers(q))
			apiBad := `{"submission_key":"` + survey.NewID() + `","answers":{"enps":` + probeNumber + `,"` + textItemID(t, q) + `":"` + probeComment + `","x":"` + probeOption + `"}}`
			apiURL := "/api/v1/surveys/" + link.Code + "/responses" + qs

			type call struct {
				name   string
				do     func() reply
				status int
			}
			calls := []call{
				{"healthz", func() reply { return e.get("/healthz"+qs, h) }, 200},
				{"readyz", func() reply { return e.get("/readyz"+qs, h) }, 200},
				{"static", func() reply { return e.get("/static/"+probeQuery+".css"+qs, h) }, 404},
				{"metrics", func() reply { return e.get("/metrics"+qs, withHeader(h, "Authorization", "Bearer "+testMetricsToken)) }, 200},
				{"openapi", func() reply { return e.get("/api/openapi.json"+qs, h) }, 200},
				{"no route", func() reply { return e.get("/"+probeQuery+"/"+link.Code+qs, h) }, 404},
				{"form", func() reply { return e.get("/s/"+link.Code+qs, h) }, 200},
				{"form unknown link", func() reply { return e.get("/s/"+survey.NewID()+qs, h) }, 404},
				{"form closed", func() reply { return e.get("/s/"+closedLink.Code+qs, h) }, 409},
				{"submit", func() reply { return e.post("/s/"+link.Code+qs, good, h) }, 303},
				{"submit replay", func() reply { return e.post("/s/"+link.Code+qs, good, h) }, 303},
				{"submit invalid", func() reply { return e.post("/s/"+link.Code+qs, bad, h) }, 422},
				{"submit too large", func() reply { return e.post("/s/"+link.Code+qs, huge, h) }, 413},
				{"submit closed", func() reply { return e.post("/s/"+closedLink.Code+qs, good, h) }, 409},
				{"submit cross-site", func() reply {
					return e.post("/s/"+link.Code+qs, good, map[string]string{"Sec-Fetch-Site": "cross-site", "User-Agent": probeAgent})
				}, 403},
				{"submit wrong method", func() reply { return e.do(http.MethodPut, "/s/"+link.Code+qs, strings.NewReader(probeComment), h) }, 405},
				{"thanks", func() reply { return e.get("/s/"+link.Code+"/thanks"+qs, h) }, 200},
				{"invitation", func() reply { return e.get("/i/"+tokens[0]+qs, h) }, 200},
				{"invitation unknown", func() reply { return e.get("/i/"+survey.NewID()+qs, h) }, 404},
				{"invitation submit", func() reply { return e.post("/i"+qs, invite, h) }, 303},
				{"invitation used", func() reply { return e.get("/i/"+tokens[0]+qs, h) }, 200}, // the same page as unused
				{"invitation used again", func() reply { return e.post("/i"+qs, inviteAgain, h) }, 409},
				{"invitation thanks", func() reply { return e.get("/i/thanks"+qs, h) }, 200},
				{"code start page", func() reply { return e.get("/c"+qs, h) }, 200},
				{"code typed", func() reply { return e.post("/c"+qs, url.Values{"code": {codes[0]}}, h) }, 200},
				{"code unknown", func() reply { return e.post("/c"+qs, url.Values{"code": {survey.NewCode()}}, h) }, 404},
				{"code scanned", func() reply { return e.get("/c/"+survey.FormatCode(codes[0])+qs, h) }, 200},
				{"api survey", func() reply { return e.get("/api/v1/surveys/"+link.Code+qs, h) }, 200},
				{"api survey unknown", func() reply { return e.get("/api/v1/surveys/"+survey.NewID()+qs, h) }, 404},
				{"api submit", func() reply { return e.postJSON(apiURL, apiGood, h) }, 201},
				{"api replay", func() reply { return e.postJSON(apiURL, apiGood, h) }, 200},
				{"api invalid", func() reply { return e.postJSON(apiURL, apiBad, h) }, 422},
				{"api not JSON", func() reply { return e.postJSON(apiURL, `{"answers":"`+probeComment, h) }, 400},
				{"api media type", func() reply {
					return e.do(http.MethodPost, apiURL, strings.NewReader(apiGood), map[string]string{"Content-Type": "text/plain", "User-Agent": probeAgent})
				}, 415},
				{"api too large", func() reply {
					return e.postJSON(apiURL, `{"answers":{"x":"`+strings.Repeat(probeComment, 3000)+`"}}`, h)
				}, 413},
				{"api closed", func() reply { return e.postJSON("/api/v1/surveys/"+closedLink.Code+"/responses"+qs, apiGood, h) }, 409},
			}
			for _, c := range calls {
				if r := c.do(); r.status != c.status {
					t.Errorf("%s: status %d, want %d", c.name, r.status, c.status)
				}
			}

			// A panic in the store is a logged 500 like any other.
			psrv := httptest.NewServer(server.New(server.Config{}, log, panickyStore{st}, accounts.New(st)).Handler())
			defer psrv.Close()
			pe := &surveyEnv{t: t, srv: psrv}
			fresh := answered()
			if r := pe.post("/s/"+link.Code+qs, fresh, h); r.status != http.StatusInternalServerError {
				t.Errorf("panic: %d, want 500", r.status)
			}
			// And so is a database that has gone away.
			st.Close()
			if r := e.post("/s/"+link.Code+qs, answered(), h); r.status != http.StatusInternalServerError {
				t.Errorf("closed database, form: %d, want 500", r.status)
			}
			withComment := apiAnswers(q)
			withComment[textItemID(t, q)] = probeComment
			if r := e.postJSON(apiURL, apiBody(t, survey.NewID(), withComment), h); r.status != http.StatusInternalServerError {
				t.Errorf("closed database, API: %d, want 500", r.status)
			}

			out := logs.String()
			lines := strings.Split(strings.TrimSpace(out), "\n")
			requests := 0
			for _, line := range lines {
				if format == "json" {
					var rec map[string]any
					if err := json.Unmarshal([]byte(line), &rec); err != nil {
						t.Fatalf("log line is not JSON: %q", line)
					}
					for k := range rec {
						switch k {
						case "time", "level", "msg", "method", "route", "status", "latency", "error", "stack":
						default:
							t.Errorf("log attribute %q in %q", k, line)
						}
					}
					if rec["msg"] == "request" {
						requests++
					}
				} else if strings.Contains(line, "msg=request ") {
					requests++
				}
			}
			if want := len(calls) + 3; requests != want {
				t.Errorf("%d request lines for %d requests:\n%s", requests, want, out)
			}
			for _, route := range []string{"/s/:code", "/i/:token", "/i", "/c", "/c/:code", "/api/v1/surveys/:code/responses", "(no route)"} {
				if !strings.Contains(out, route) {
					t.Errorf("no request logged for %s", route)
				}
			}
			for _, status := range []string{"403", "404", "405", "409", "413", "415", "422", "500"} {
				if !strings.Contains(out, "status="+status) && !strings.Contains(out, `"status":`+status) {
					t.Errorf("no request logged with status %s", status)
				}
			}
			if !strings.Contains(out, "store exploded") {
				t.Error("the panic is not logged")
			}
			for what, secret := range map[string]string{
				"user agent":         "agent-6620",
				"forwarded address":  probeForwarded,
				"client address":     "127.0.0.1",
				"referer":            "secret-referer-7710",
				"cookie":             probeCookie,
				"query string":       probeQuery,
				"open answer":        "Geheim-antwoord-5531",
				"refused number":     probeNumber,
				"refused option":     probeOption,
				"survey code":        link.Code,
				"closed survey code": closedLink.Code,
				"invitation token":   tokens[0],
				"unused token":       tokens[1],
				"personal code":      codes[0],
				"printed code":       survey.FormatCode(codes[0]),
				"submission key":     key,
			} {
				if strings.Contains(out, secret) {
					t.Errorf("the %s log holds the %s (%q)", format, what, secret)
				}
			}
		})
	}
}

func textItemID(t *testing.T, q *questionnaires.Questionnaire) string {
	t.Helper()
	return firstItem(t, q, questionnaires.FreeText).ID
}

// withHeader is h with one more header.
func withHeader(h map[string]string, name, value string) map[string]string {
	out := map[string]string{name: value}
	for k, v := range h {
		out[k] = v
	}
	return out
}
