package server

// TestAPIContract holds the server to its OpenAPI document (openapi.json):
// a real trots on loopback, on a real store, is driven through every
// documented operation with valid and invalid requests, and every request
// and every response is validated against the document with kin-openapi.
// It fails when
//
//   - a route under /api/ is not in the document ("operation ... is routed
//     but undocumented"), or a documented operation has no route;
//   - an operation has no explicit security (`security: []` when public);
//   - a response has a status, a header or a body the document does not
//     allow for that operation ("response of POST /api/v1/... status 409
//     code x not in schema"), e.g. an error code missing from the enum;
//   - a request the test means to be valid breaks the document, or one it
//     means to be invalid passes (the document does not say the rule);
//   - a documented operation is never exercised, or never answers 2xx.
//
// How to add an operation (after adding its route in routes.go and
// documenting it in openapi.json, with its security, every status it can
// answer and, per status, its error codes; new codes also go into the
// Error schema's enum, which TestAPIErrorCodesAreDocumented checks):
//
//  1. Nothing to do for the sweeps: sweepOperations sends every documented
//     operation without a token, with an unknown, an expired and each
//     role's token, with the pulses table gone and with the database
//     closed, ids made up; sweepLargeBodies sends a JSON operation 17 KB.
//     Whatever comes back must be documented.
//  2. Add cases that reach the operation for real: a function like
//     contractDepartments, called from TestAPIContract (before
//     contractBroken, which breaks the database). At least one success,
//     and each refusal the handler has (bad body, unknown id, wrong role,
//     conflict): e.call(t, contractCase{...}) with the status and code
//     expected; set invalid when the request breaks the document on
//     purpose (a body against the schema, a missing token).
//  3. Run: go test ./server -run TestAPIContract -count=1 -v (with
//     TROTS_TEST_POSTGRES for PostgreSQL). -v lists, per operation, the
//     documented statuses no case provoked.

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", to break the database
	_ "github.com/mattn/go-sqlite3"    // database/sql driver "sqlite3"

	"trots/accounts"
	"trots/questionnaires"
	"trots/survey"
	"trots/survey/demo"
	"trots/survey/storetest"
)

// contractEnv is a running trots with the demo organisation, an account
// and API token per role, and the OpenAPI document loaded.
type contractEnv struct {
	t      *testing.T
	dsn    string
	store  *survey.Store
	srv    *Server
	http   *httptest.Server
	doc    *openapi3.T
	router routers.Router
	demo   demo.Result
	tokens map[string]string // API token per account ("admin", "viewer", ...)
	clock  *contractClock

	mu sync.Mutex
	// seen are the statuses each operation answered to the scenario's
	// cases, swept those it answered to the sweeps' made-up requests.
	seen, swept map[string]map[int]bool
}

// contractClock is the store's clock; the test moves it to expire a token.
type contractClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *contractClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *contractClock) add(d time.Duration) { c.mu.Lock(); c.offset += d; c.mu.Unlock() }

// contractCase is one exchange.
type contractCase struct {
	name   string
	as     string // account whose token is sent (contractEnv.tokens), "" for none, or a literal "Bearer ..." value
	method string
	path   string // with query, e.g. /api/v1/audit?limit=1
	ctype  string // Content-Type; application/json when body is set and ctype is empty
	body   string
	header map[string]string
	// invalid: the request breaks the document on purpose (no token for
	// an operation that needs one, a body against the schema, ...).
	// anyRequest: the test does not say (the sweeps' made-up requests).
	invalid, anyRequest bool
	// sweep marks the sweeps' cases, which do not count as exercising
	// the operation.
	sweep bool
	want  int    // expected status
	code  string // expected error code, "" for none
}

// contractReply is the answer to a case.
type contractReply struct {
	status int
	header http.Header
	body   []byte
}

func (r contractReply) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %.300s: %v", r.body, err)
	}
}

func newContractEnv(t *testing.T, dsn string) *contractEnv {
	t.Helper()
	ctx := context.Background()
	clock := &contractClock{}
	st, err := survey.Open(ctx, dsn, survey.Options{Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		t.Fatal(err)
	}
	res, err := demo.Seed(ctx, st, q, demo.Generate(q, 1))
	if err != nil {
		t.Fatal(err)
	}
	users := []accounts.User{
		{Email: "admin@example.org", Role: accounts.RoleAdmin},
		{Email: "quota@example.org", Role: accounts.RoleAdmin},
		{Email: "viewer@example.org", Role: accounts.RoleViewer},
		{Email: "lead@example.org", Role: accounts.RoleLead, DepartmentID: res.Departments[0].Department.ID},
		{Email: "council@example.org", Role: accounts.RoleCouncil},
	}
	e := &contractEnv{t: t, dsn: dsn, store: st, demo: res, tokens: map[string]string{}, clock: clock,
		seen: map[string]map[int]bool{}, swept: map[string]map[int]bool{}}
	for _, u := range users {
		if _, err := accounts.New(st).CreateUser(ctx, u, "correct horse battery"); err != nil {
			t.Fatal(err)
		}
		name, _, _ := strings.Cut(u.Email, "@")
		if e.tokens[name], err = accounts.New(st).NewAPIToken(ctx, u.Email, "contract test"); err != nil {
			t.Fatal(err)
		}
	}
	// A token that lives a day, for the expiry sweep.
	if e.tokens["short"], err = accounts.New(st).NewAPITokenFor(ctx, "viewer@example.org", "contract test, short", 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	e.srv = New(Config{Quotas: Quotas{ImportsPerDay: 20}}, slog.New(slog.NewTextHandler(io.Discard, nil)), st, accounts.New(st))
	e.http = httptest.NewServer(e.srv.Handler())
	t.Cleanup(e.http.Close)
	t.Cleanup(e.srv.Close)

	loader := openapi3.NewLoader()
	e.doc, err = loader.LoadFromData(openAPIDoc)
	if err != nil {
		t.Fatalf("openapi.json does not load: %v", err)
	}
	if err := e.doc.Validate(loader.Context); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI document: %v", err)
	}
	// Requests go to the test server; the document's own server is "/".
	e.doc.Servers = openapi3.Servers{{URL: e.http.URL}}
	if e.router, err = gorillamux.NewRouter(e.doc); err != nil {
		t.Fatal(err)
	}
	return e
}

// authenticate checks the one security scheme the document has: a bearer
// token is present (whether it is a good one is the server's to say).
func contractAuthenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	if in.SecuritySchemeName != "apiToken" {
		return fmt.Errorf("unknown security scheme %q", in.SecuritySchemeName)
	}
	if !strings.HasPrefix(in.RequestValidationInput.Request.Header.Get("Authorization"), "Bearer ") {
		return errors.New("no bearer token")
	}
	return nil
}

func init() {
	// The report PDF is checked as a string of bytes.
	openapi3filter.RegisterBodyDecoder("application/pdf", openapi3filter.FileBodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
}

// call sends c, validates the request and the response against the
// document and checks the status and error code c expects.
func (e *contractEnv) call(t *testing.T, c contractCase) contractReply {
	t.Helper()
	newReq := func() *http.Request {
		req, err := http.NewRequest(c.method, e.http.URL+c.path, strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		if c.body != "" || c.ctype != "" {
			ct := c.ctype
			if ct == "" {
				ct = "application/json"
			}
			req.Header.Set("Content-Type", ct)
		}
		switch {
		case strings.HasPrefix(c.as, "Bearer "):
			req.Header.Set("Authorization", c.as)
		case c.as != "":
			tok, ok := e.tokens[c.as]
			if !ok {
				t.Fatalf("%s: no token for %q", c.name, c.as)
			}
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		for k, v := range c.header {
			req.Header.Set(k, v)
		}
		return req
	}
	where := c.method + " " + c.path
	if c.name != "" {
		where += " (" + c.name + ")"
	}

	// The request, as the document sees it.
	vreq := newReq()
	route, params, err := e.router.FindRoute(vreq)
	if err != nil {
		t.Errorf("%s: no documented operation matches the request: %v", where, err)
		return contractReply{}
	}
	op := route.Operation.OperationID
	in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: contractAuthenticate, MultiError: true}}
	rerr := openapi3filter.ValidateRequest(context.Background(), in)
	switch {
	case c.anyRequest:
	case c.invalid && rerr == nil:
		t.Errorf("%s: request of %s is meant to break the document, but the document allows it", where, op)
	case !c.invalid && rerr != nil:
		t.Errorf("%s: request of %s does not match the document: %s", where, op, brief(rerr))
	}

	// The exchange.
	resp, err := http.DefaultClient.Do(newReq())
	if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("%s: read: %v", where, err)
	}
	r := contractReply{status: resp.StatusCode, header: resp.Header, body: body}
	e.mu.Lock()
	seen := e.seen
	if c.sweep {
		seen = e.swept
	}
	if seen[op] == nil {
		seen[op] = map[int]bool{}
	}
	seen[op][r.status] = true
	e.mu.Unlock()

	// The response, as the document sees it.
	in.Request = newReq() // its body was read by the validation above
	code := errorCodeOf(body)
	verr := openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: r.status, Header: r.header, Body: io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	})
	if verr != nil {
		what := fmt.Sprintf("status %d", r.status)
		if code != "" {
			what += " code " + code
		}
		t.Errorf("%s: response of %s %s (%s) %s not in schema: %s\n\tbody: %.400s", where, route.Method, route.Path, op, what, brief(verr), body)
	}
	if c.want != 0 && (r.status != c.want || code != c.code) {
		t.Errorf("%s: status %d code %q, want %d %q\n\tbody: %.400s", where, r.status, code, c.want, c.code, body)
	}
	return r
}

// brief is a validation error without kin-openapi's dumps of the schema
// and the value: the first line of each error.
func brief(err error) string {
	var lines []string
	var multi openapi3.MultiError
	if errors.As(err, &multi) {
		for _, e := range multi {
			lines = append(lines, brief(e))
		}
		return strings.Join(lines, "; ")
	}
	first, _, _ := strings.Cut(err.Error(), "\n")
	return first
}

// errorCodeOf is error.code of an error body, "" for anything else.
func errorCodeOf(body []byte) string {
	var doc struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return ""
	}
	return doc.Error.Code
}

// operations are the document's operations, sorted by path and method.
type contractOp struct {
	path, method string
	op           *openapi3.Operation
}

func (e *contractEnv) operations() []contractOp {
	var out []contractOp
	for path, item := range e.doc.Paths.Map() {
		for method, op := range item.Operations() {
			out = append(out, contractOp{path, method, op})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].path+" "+out[i].method < out[j].path+" "+out[j].method
	})
	return out
}

// echoPath turns /api/v1/pulses/:id into the document's /api/v1/pulses/{id}.
func echoPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if name, ok := strings.CutPrefix(s, ":"); ok {
			parts[i] = "{" + name + "}"
		}
	}
	return strings.Join(parts, "/")
}

// checkRoutes compares the server's routes under /api/ with the document,
// both ways, and the security of every operation.
func (e *contractEnv) checkRoutes(t *testing.T) {
	routed := map[string]bool{}
	for _, r := range e.srv.e.Routes() {
		if !strings.HasPrefix(r.Path, "/api/") {
			continue
		}
		path := echoPath(r.Path)
		routed[r.Method+" "+path] = true
		item := e.doc.Paths.Value(path)
		if item == nil || item.GetOperation(r.Method) == nil {
			t.Errorf("operation %s %s is routed (routes.go) but undocumented in openapi.json", r.Method, path)
		}
	}
	for _, o := range e.operations() {
		name := fmt.Sprintf("%s (%s %s)", o.op.OperationID, o.method, o.path)
		if o.op.OperationID == "" {
			t.Errorf("documented operation %s %s has no operationId", o.method, o.path)
		}
		if !routed[o.method+" "+o.path] {
			t.Errorf("documented operation %s has no route in routes.go", name)
		}
		switch {
		case o.op.Security == nil:
			t.Errorf("operation %s has no explicit security: give it [{\"apiToken\": []}], or [] when it is public", name)
		case len(*o.op.Security) > 0:
			want := openapi3.SecurityRequirements{{"apiToken": []string{}}}
			if len(*o.op.Security) != 1 || len((*o.op.Security)[0]) != 1 || (*o.op.Security)[0]["apiToken"] == nil {
				t.Errorf("operation %s: security %v, want %v", name, *o.op.Security, want)
			}
			if o.op.Responses.Status(http.StatusUnauthorized) == nil {
				t.Errorf("operation %s needs a token but documents no 401", name)
			}
		}
	}
}

// examplePath fills the path parameters of a documented path with made-up
// ids: nothing has them.
func examplePath(path string) string {
	parts := strings.Split(path, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, "{") {
			parts[i] = survey.NewID()
		}
	}
	return strings.Join(parts, "/")
}

// sweepOperations sends every documented operation as each of accounts
// (see contractCase.as), with made-up ids and no body. check, when set,
// says what each answer must be besides documented.
func (e *contractEnv) sweepOperations(t *testing.T, accounts []string, check func(o contractOp, as string, r contractReply)) {
	for _, o := range e.operations() {
		for _, as := range accounts {
			r := e.call(t, contractCase{name: "sweep as " + as, as: as, method: o.method, path: examplePath(o.path), anyRequest: true, sweep: true})
			if check != nil {
				check(o, as, r)
			}
		}
	}
}

func secured(o contractOp) bool { return o.op.Security != nil && len(*o.op.Security) > 0 }

// checkExercised fails for every documented operation the scenario never
// reached (the sweeps do not count), or never saw succeed, and lists the
// documented statuses no case provoked (a hint, not a failure: 500 and the
// like cannot be provoked).
func (e *contractEnv) checkExercised(t *testing.T) {
	for _, o := range e.operations() {
		id := o.op.OperationID
		name := fmt.Sprintf("%s (%s %s)", id, o.method, o.path)
		seen := e.seen[id]
		if len(seen) == 0 {
			t.Errorf("documented operation %s is never exercised by TestAPIContract's scenario: add cases for it (see the comment at the top of api_contract_test.go)", name)
			continue
		}
		ok := false
		for s := range seen {
			ok = ok || s >= 200 && s < 300
		}
		if !ok {
			t.Errorf("documented operation %s never answered 2xx in TestAPIContract: add a valid request", name)
		}
		var missing []string
		for code := range o.op.Responses.Map() {
			var s int
			if _, err := fmt.Sscan(code, &s); err == nil && s != http.StatusInternalServerError && !seen[s] && !e.swept[id][s] {
				missing = append(missing, code)
			}
		}
		slices.Sort(missing)
		if len(missing) > 0 {
			t.Logf("%s: documented statuses not provoked: %s", name, strings.Join(missing, " "))
		}
	}
}

func TestAPIContract(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newContractEnv(t, dsn)
		e.checkRoutes(t)

		// Every operation: without a token, with a made-up one, and with
		// each role's.
		e.sweepOperations(t, []string{"", "Bearer trots_made-up", "admin", "viewer", "lead", "council"}, func(o contractOp, as string, r contractReply) {
			code := errorCodeOf(r.body)
			switch {
			case secured(o) && (as == "" || strings.HasPrefix(as, "Bearer ")) && (r.status != http.StatusUnauthorized || code != "api_unauthorized"):
				t.Errorf("%s %s without a valid token: %d %s, want 401 api_unauthorized", o.method, o.path, r.status, code)
			case !secured(o) && r.status == http.StatusUnauthorized:
				t.Errorf("%s %s is public (security: []) but answers 401", o.method, o.path)
			}
		})

		e.contractSurvey(t)
		e.sweepLargeBodies(t)
		e.contractDepartments(t)
		e.contractResults(t)
		e.contractActions(t)
		e.contractReports(t)
		e.contractAudit(t)
		e.contractSettings(t)
		e.contractAccounts(t)
		e.contractPulses(t) // after the plans: closing a pulse ends the baseline's
		e.contractBroken(t)

		// An expired token, on every operation that takes one.
		e.clock.add(25 * time.Hour)
		e.sweepOperations(t, []string{"short"}, func(o contractOp, _ string, r contractReply) {
			if secured(o) && (r.status != http.StatusUnauthorized || errorCodeOf(r.body) != "api_token_expired") {
				t.Errorf("%s %s with an expired token: %d %.200s, want 401 api_token_expired", o.method, o.path, r.status, r.body)
			}
		})

		// The database out of reach: 503 unavailable wherever it is asked.
		e.store.Close()
		e.sweepOperations(t, []string{"admin"}, func(o contractOp, _ string, r contractReply) {
			if o.path != "/api/openapi.json" && (r.status != http.StatusServiceUnavailable || errorCodeOf(r.body) != survey.KeyUnavailable) {
				t.Errorf("%s %s during an outage: %d %.200s, want 503 unavailable", o.method, o.path, r.status, r.body)
			}
		})

		e.checkExercised(t)
	})
}

// contractSurvey drives the survey's own API.
func (e *contractEnv) contractSurvey(t *testing.T) {
	open, closed := e.demo.Departments[0].Link.Code, e.demo.Departments[0].BaselineLink.Code
	e.call(t, contractCase{method: "GET", path: "/api/openapi.json", want: 200})
	e.call(t, contractCase{method: "GET", path: "/api/v1/surveys/" + open + "?lang=en", want: 200})
	e.call(t, contractCase{name: "closed pulse", method: "GET", path: "/api/v1/surveys/" + closed, want: 200})
	e.call(t, contractCase{name: "unknown code", method: "GET", path: "/api/v1/surveys/" + survey.NewID(), want: 404, code: "link_unknown"})
	e.call(t, contractCase{name: "not a code", method: "GET", path: "/api/v1/surveys/NOT-A-CODE", invalid: true, want: 404, code: "link_unknown"})
	e.call(t, contractCase{name: "language not offered", method: "GET", path: "/api/v1/surveys/" + open + "?lang=de", invalid: true, want: 200})

	post := "/api/v1/surveys/" + open + "/responses"
	key := survey.NewID()
	stored := `{"submission_key":"` + key + `","answers":{"enps":8}}`
	e.call(t, contractCase{name: "stored", method: "POST", path: post, body: stored, want: 201})
	e.call(t, contractCase{name: "replay", method: "POST", path: post, body: stored, want: 200})
	e.call(t, contractCase{name: "unknown item", method: "POST", path: post, body: `{"submission_key":"` + survey.NewID() + `","answers":{"no_such_item":3}}`,
		want: 422, code: "answers_invalid"})
	e.call(t, contractCase{name: "off the scale", method: "POST", path: post, body: `{"submission_key":"` + survey.NewID() + `","answers":{"enps":11}}`,
		want: 422, code: "answers_invalid"})
	e.call(t, contractCase{name: "bad key", method: "POST", path: post, body: `{"submission_key":"short","answers":{}}`, invalid: true,
		want: 422, code: "submission_key"})
	e.call(t, contractCase{name: "not JSON", method: "POST", path: post, body: `{"answers":`, invalid: true, want: 400, code: "bad_request"})
	e.call(t, contractCase{name: "unknown field", method: "POST", path: post, body: `{"submission_key":"` + survey.NewID() + `","answers":{},"extra":1}`,
		invalid: true, want: 400, code: "bad_request"})
	e.call(t, contractCase{name: "form post", method: "POST", path: post, ctype: "application/x-www-form-urlencoded", body: "answers=1",
		invalid: true, want: 415, code: "unsupported_media_type"})
	e.call(t, contractCase{name: "too large", method: "POST", path: post,
		body: `{"submission_key":"` + survey.NewID() + `","answers":{"comment":"` + strings.Repeat("x", 70<<10) + `"}}`, want: 413, code: "too_large"})
	e.call(t, contractCase{name: "cross-origin", method: "POST", path: post, body: stored,
		header: map[string]string{"Origin": "https://elsewhere.example", "Sec-Fetch-Site": "cross-site"}, want: 403, code: "cross_origin"})
	e.call(t, contractCase{name: "unknown code", method: "POST", path: "/api/v1/surveys/" + survey.NewID() + "/responses", body: stored,
		want: 404, code: "link_unknown"})
	e.call(t, contractCase{name: "closed pulse", method: "POST", path: "/api/v1/surveys/" + closed + "/responses",
		body: `{"submission_key":"` + survey.NewID() + `","answers":{}}`, want: 409, code: "pulse_closed"})
	e.call(t, contractCase{name: "unknown invitation", method: "POST", path: post,
		body: `{"submission_key":"` + survey.NewID() + `","token":"` + survey.NewID() + `","answers":{}}`, want: 404, code: "token_unknown"})
	// Made-up codes share one bucket: empty it, and owe a whole burst
	// more (at SurveyRate, seconds before the next one passes).
	unknown, now := e.srv.limits.unknown, time.Now()
	unknown.ReserveN(now, unknown.Burst())
	unknown.ReserveN(now, unknown.Burst())
	e.call(t, contractCase{name: "guessing codes", method: "POST", path: "/api/v1/surveys/" + survey.NewID() + "/responses", body: stored,
		want: 429, code: "rate_limited"})
}

// sweepLargeBodies sends a body over the console API's limit to every
// operation that needs a token and takes JSON: 413 too_large.
func (e *contractEnv) sweepLargeBodies(t *testing.T) {
	big := `{"name":"` + strings.Repeat("x", 17<<10) + `"}`
	for _, o := range e.operations() {
		if !secured(o) || o.op.RequestBody == nil || o.op.RequestBody.Value.Content.Get("application/json") == nil {
			continue
		}
		e.call(t, contractCase{name: "body too large", as: "admin", method: o.method, path: examplePath(o.path), body: big,
			anyRequest: true, sweep: true, want: http.StatusRequestEntityTooLarge, code: "too_large"})
	}
}

// contractDepartments drives the departments' operations.
func (e *contractEnv) contractDepartments(t *testing.T) {
	e.call(t, contractCase{as: "admin", method: "GET", path: "/api/v1/departments", want: 200})
	e.call(t, contractCase{as: "lead", method: "GET", path: "/api/v1/departments", want: 200})
	e.call(t, contractCase{as: "council", method: "GET", path: "/api/v1/departments", want: 403, code: "api_forbidden"})

	r := e.call(t, contractCase{as: "admin", method: "POST", path: "/api/v1/departments?lang=en",
		body: `{"name":"Contract desk","headcount":12,"externally_visible":true}`, want: 201})
	var created struct{ ID string }
	r.decode(t, &created)
	taken := e.demo.Departments[1].Department.Name
	e.call(t, contractCase{name: "taken", as: "admin", method: "POST", path: "/api/v1/departments",
		body: `{"name":"Contract desk","headcount":1,"externally_visible":true}`, want: 409, code: "dept_exists"})
	e.call(t, contractCase{name: "look-alike", as: "admin", method: "POST", path: "/api/v1/departments",
		body: `{"name":"Contract d\u0435sk","headcount":1,"externally_visible":true}`, want: 409, code: "dept_resembles"})
	e.call(t, contractCase{name: "field missing", as: "admin", method: "POST", path: "/api/v1/departments",
		body: `{"name":"Contract room"}`, invalid: true, want: 400, code: "dept_invalid"})
	e.call(t, contractCase{name: "headcount out of range", as: "admin", method: "POST", path: "/api/v1/departments",
		body: `{"name":"Contract room","headcount":-1,"externally_visible":true}`, invalid: true, want: 400, code: "dept_invalid"})
	e.call(t, contractCase{name: "unknown field", as: "admin", method: "POST", path: "/api/v1/departments",
		body: `{"name":"Contract room","headcount":1,"externally_visible":true,"x":1}`, invalid: true, want: 400, code: "bad_request"})
	e.call(t, contractCase{name: "not JSON", as: "admin", method: "POST", path: "/api/v1/departments", ctype: "text/plain",
		body: `name=x`, invalid: true, want: 415, code: "unsupported_media_type"})
	e.call(t, contractCase{name: "too large", as: "admin", method: "POST", path: "/api/v1/departments",
		body: `{"name":"` + strings.Repeat("x", 17<<10) + `","headcount":1,"externally_visible":true}`, invalid: true, want: 413, code: "too_large"})
	e.call(t, contractCase{name: "viewer", as: "viewer", method: "POST", path: "/api/v1/departments",
		body: `{"name":"Contract room","headcount":1,"externally_visible":true}`, want: 403, code: "api_forbidden"})

	one := "/api/v1/departments/" + created.ID
	e.call(t, contractCase{as: "admin", method: "PUT", path: one, body: `{"name":"Contract desk","headcount":13,"externally_visible":false}`, want: 200})
	e.call(t, contractCase{name: "taken", as: "admin", method: "PUT", path: one,
		body: `{"name":"` + taken + `","headcount":13,"externally_visible":false}`, want: 409, code: "dept_exists"})
	e.call(t, contractCase{name: "unknown", as: "admin", method: "PUT", path: "/api/v1/departments/" + survey.NewID(),
		body: `{"name":"Contract hall","headcount":1,"externally_visible":true}`, want: 404, code: "dept_not_found"})
	e.call(t, contractCase{name: "name missing", as: "admin", method: "PUT", path: one, body: `{"name":" ","headcount":13,"externally_visible":false}`,
		want: 400, code: "dept_invalid"})
	e.call(t, contractCase{name: "not an id", as: "admin", method: "PUT", path: "/api/v1/departments/nope",
		body: `{"name":"Contract hall","headcount":1,"externally_visible":true}`, invalid: true, want: 404, code: "dept_not_found"})
	e.call(t, contractCase{name: "in use", as: "admin", method: "DELETE", path: "/api/v1/departments/" + e.demo.Departments[1].Department.ID,
		want: 409, code: "dept_in_use"})
	e.call(t, contractCase{as: "admin", method: "DELETE", path: one, want: 204})
	e.call(t, contractCase{name: "gone", as: "admin", method: "DELETE", path: one, want: 404, code: "dept_not_found"})

	imp := "/api/v1/departments/import?lang=nl"
	e.call(t, contractCase{as: "admin", method: "POST", path: imp, ctype: "text/csv",
		body: "naam;aantal_medewerkers;extern_zichtbaar\nContract import;7;ja\n", want: 200})
	e.call(t, contractCase{name: "bad lines", as: "admin", method: "POST", path: imp, ctype: "text/csv",
		body: "name,headcount,externally_visible\nContract import 2,many,yes\n,3,maybe\n", want: 400, code: "dept_import_invalid"})
	e.call(t, contractCase{name: "too large", as: "admin", method: "POST", path: imp, ctype: "text/csv",
		body: strings.Repeat("Contract big;1;ja\n", 600<<10/18), want: 413, code: "dept_import_invalid"})
	e.call(t, contractCase{name: "look-alike", as: "admin", method: "POST", path: imp, ctype: "text/csv",
		body: "Contract imp\u043ert;7;ja\n", want: 409, code: "dept_resembles"})
	e.call(t, contractCase{name: "JSON", as: "admin", method: "POST", path: imp, body: `{"name":"x"}`, invalid: true,
		want: 415, code: "dept_import_media_type"})
	e.call(t, contractCase{name: "viewer", as: "viewer", method: "POST", path: imp, ctype: "text/csv", body: "x;1;ja\n", want: 403, code: "api_forbidden"})
	// The daily allowance of imports (20 in this test) of one account.
	for range 20 {
		e.call(t, contractCase{name: "spend the quota", as: "quota", method: "POST", path: imp, ctype: "text/csv", body: "Contract import;7;ja\n", want: 200})
	}
	e.call(t, contractCase{name: "over quota", as: "quota", method: "POST", path: imp, ctype: "text/csv", body: "Contract import;7;ja\n",
		want: 429, code: "quota_exceeded"})
}

// contractResults drives results and decisions.
func (e *contractEnv) contractResults(t *testing.T) {
	base, open := "/api/v1/pulses/"+e.demo.Baseline.ID, "/api/v1/pulses/"+e.demo.Open.ID
	for _, as := range []string{"admin", "viewer", "lead"} {
		e.call(t, contractCase{as: as, method: "GET", path: base + "/results?lang=en", want: 200})
		e.call(t, contractCase{as: as, method: "GET", path: base + "/decisions", want: 200})
	}
	e.call(t, contractCase{as: "council", method: "GET", path: base + "/results", want: 403, code: "api_forbidden"})
	e.call(t, contractCase{name: "open pulse", as: "viewer", method: "GET", path: open + "/results", want: 409, code: "results_after_close"})
	e.call(t, contractCase{name: "unknown pulse", as: "viewer", method: "GET", path: "/api/v1/pulses/" + survey.NewID() + "/results", want: 404, code: "not_found"})
	e.call(t, contractCase{name: "unknown pulse", as: "viewer", method: "GET", path: "/api/v1/pulses/" + survey.NewID() + "/decisions", want: 404, code: "not_found"})

	dept := e.demo.Departments[0].Department.ID
	e.call(t, contractCase{as: "viewer", method: "POST", path: base + "/decisions",
		body: `{"department_id":"` + dept + `","choice":"no_go","note":"Fix the onboarding first."}`, want: 201})
	e.call(t, contractCase{name: "no note", as: "viewer", method: "POST", path: base + "/decisions",
		body: `{"department_id":"` + dept + `","choice":"no_go","note":""}`, invalid: true, want: 400, code: "decision_note_missing"})
	e.call(t, contractCase{name: "bad choice", as: "viewer", method: "POST", path: base + "/decisions",
		body: `{"department_id":"` + dept + `","choice":"maybe","note":"x"}`, invalid: true, want: 400, code: "decision_choice"})
	e.call(t, contractCase{name: "unknown department", as: "viewer", method: "POST", path: base + "/decisions",
		body: `{"department_id":"` + survey.NewID() + `","choice":"go","note":"x"}`, want: 404, code: "dept_not_found"})
	e.call(t, contractCase{name: "open pulse", as: "admin", method: "POST", path: open + "/decisions",
		body: `{"department_id":"` + dept + `","choice":"go","note":"x"}`, want: 409, code: "results_after_close"})
	e.call(t, contractCase{name: "unknown pulse", as: "admin", method: "POST", path: "/api/v1/pulses/" + survey.NewID() + "/decisions",
		body: `{"department_id":"` + dept + `","choice":"go","note":"x"}`, want: 404, code: "not_found"})
	e.call(t, contractCase{name: "lead", as: "lead", method: "POST", path: base + "/decisions",
		body: `{"department_id":"` + dept + `","choice":"go","note":"x"}`, want: 403, code: "api_forbidden"})
	e.call(t, contractCase{name: "not JSON", as: "viewer", method: "POST", path: base + "/decisions", ctype: "text/plain", body: "go",
		invalid: true, want: 415, code: "unsupported_media_type"})
}

// verdicts are the baseline's verdicts by department id.
func (e *contractEnv) verdicts(t *testing.T) map[string]string {
	r := e.call(t, contractCase{as: "admin", method: "GET", path: "/api/v1/pulses/" + e.demo.Baseline.ID + "/results", want: 200})
	var doc struct {
		Departments []struct {
			DepartmentID string `json:"department_id"`
			Verdict      string `json:"verdict"`
		} `json:"departments"`
	}
	r.decode(t, &doc)
	out := map[string]string{}
	for _, d := range doc.Departments {
		out[d.DepartmentID] = d.Verdict
	}
	return out
}

// contractActions drives the action plans.
func (e *contractEnv) contractActions(t *testing.T) {
	verdicts := e.verdicts(t)
	var fix, goDept string
	for _, d := range e.demo.Departments {
		switch verdicts[d.Department.ID] {
		case "GO":
			goDept = d.Department.ID
		case "FIX_FIRST":
			fix = d.Department.ID
		}
	}
	if fix == "" || goDept == "" {
		t.Fatalf("the demo baseline needs a GO and a FIX FIRST department: %v", verdicts)
	}
	plan := func(pulse, dept string) string {
		return "/api/v1/pulses/" + pulse + "/departments/" + dept + "/actions"
	}
	base := e.demo.Baseline.ID
	action := `{"theme":"pride","title":"One extra colleague per shift","owner":"teamleider","due":"2030-03-31"}`
	r := e.call(t, contractCase{as: "admin", method: "POST", path: plan(base, fix) + "?lang=en", body: action, want: 201})
	var a struct{ ID string }
	r.decode(t, &a)
	e.call(t, contractCase{as: "viewer", method: "GET", path: plan(base, fix), want: 200})
	e.call(t, contractCase{name: "other department", as: "lead", method: "GET", path: plan(base, fix), want: 403, code: "action_lead_other"})
	e.call(t, contractCase{name: "unknown pulse", as: "admin", method: "GET", path: plan(survey.NewID(), fix), want: 404, code: "not_found"})
	e.call(t, contractCase{name: "GO department", as: "admin", method: "POST", path: plan(base, goDept), body: action, want: 409, code: "action_department_go"})
	e.call(t, contractCase{name: "open pulse", as: "admin", method: "POST", path: plan(e.demo.Open.ID, fix), body: action, want: 409, code: "results_after_close"})
	e.call(t, contractCase{name: "unknown theme", as: "admin", method: "POST", path: plan(base, fix),
		body: `{"theme":"nothing","title":"x","owner":"y","due":"2030-03-31"}`, want: 400, code: "action_theme_invalid"})
	e.call(t, contractCase{name: "no title", as: "admin", method: "POST", path: plan(base, fix),
		body: `{"theme":"pride","title":"","owner":"y","due":"2030-03-31"}`, want: 400, code: "action_title_missing"})
	e.call(t, contractCase{name: "bad date", as: "admin", method: "POST", path: plan(base, fix),
		body: `{"theme":"pride","title":"x","owner":"y","due":"soon"}`, invalid: true, want: 400, code: "action_due_invalid"})
	e.call(t, contractCase{name: "unknown department", as: "admin", method: "POST", path: plan(base, survey.NewID()), body: action, want: 404, code: "dept_not_found"})
	e.call(t, contractCase{name: "viewer", as: "viewer", method: "POST", path: plan(base, fix), body: action, want: 403, code: "api_forbidden"})
	e.call(t, contractCase{name: "lead of another", as: "lead", method: "POST", path: plan(base, fix), body: action, want: 403, code: "action_lead_other"})

	one := plan(base, fix) + "/" + a.ID
	e.call(t, contractCase{as: "admin", method: "PUT", path: one,
		body: `{"theme":"pride","title":"One extra colleague per shift","owner":"teamleider","due":"2030-03-31","status":"in_progress"}`, want: 200})
	e.call(t, contractCase{name: "bad status", as: "admin", method: "PUT", path: one,
		body: `{"theme":"pride","title":"x","owner":"y","due":"2030-03-31","status":"later"}`, invalid: true, want: 400, code: "action_status_invalid"})
	e.call(t, contractCase{name: "unknown action", as: "admin", method: "PUT", path: plan(base, fix) + "/" + survey.NewID(), body: action,
		want: 404, code: "action_not_found"})
	e.call(t, contractCase{name: "GO department", as: "admin", method: "PUT", path: plan(base, goDept) + "/" + a.ID, body: action,
		want: 409, code: "action_department_go"})
	e.call(t, contractCase{name: "not JSON", as: "admin", method: "PUT", path: one, ctype: "text/plain", body: "x",
		invalid: true, want: 415, code: "unsupported_media_type"})
	// Five actions at most per pulse and department.
	for range 4 {
		e.call(t, contractCase{name: "fill the plan", as: "admin", method: "POST", path: plan(base, fix), body: action, want: 201})
	}
	e.call(t, contractCase{name: "sixth", as: "admin", method: "POST", path: plan(base, fix), body: action, want: 400, code: "action_too_many"})
}

// contractReports drives report jobs. The runner's slots are held so that
// jobs stay queued while the test looks at them.
func (e *contractEnv) contractReports(t *testing.T) {
	rr := e.srv.reports
	for range cap(rr.slots) {
		rr.slots <- struct{}{}
	}
	start := "/api/v1/pulses/" + e.demo.Baseline.ID + "/reports"
	r := e.call(t, contractCase{as: "admin", method: "POST", path: start + "?lang=en", want: 202})
	var job struct{ ID string }
	r.decode(t, &job)
	e.call(t, contractCase{name: "the same again", as: "admin", method: "POST", path: start, body: `{"lang":"en"}`, want: 202})
	e.call(t, contractCase{name: "queued", as: "admin", method: "GET", path: "/api/v1/reports/" + job.ID, want: 200})
	e.call(t, contractCase{name: "not ready", as: "admin", method: "GET", path: "/api/v1/reports/" + job.ID + "/pdf", want: 409, code: "reports_not_ready"})
	e.call(t, contractCase{name: "not ready", as: "admin", method: "GET", path: "/api/v1/reports/" + job.ID + "/html", want: 409, code: "reports_not_ready"})
	e.call(t, contractCase{name: "another's page", as: "viewer", method: "GET", path: "/api/v1/reports/" + job.ID + "/html", want: 404, code: "reports_job_not_found"})
	e.call(t, contractCase{name: "another's job", as: "viewer", method: "GET", path: "/api/v1/reports/" + job.ID, want: 404, code: "reports_job_not_found"})
	e.call(t, contractCase{name: "unknown job", as: "viewer", method: "GET", path: "/api/v1/reports/" + survey.NewID() + "/pdf", want: 404, code: "reports_job_not_found"})
	// Three unfinished jobs per account.
	jobs := []string{job.ID}
	for i := 1; i <= 2; i++ {
		r := e.call(t, contractCase{name: "department", as: "admin", method: "POST", path: start + "?department=" + e.demo.Departments[i].Department.ID, want: 202})
		var j struct{ ID string }
		r.decode(t, &j)
		jobs = append(jobs, j.ID)
	}
	e.call(t, contractCase{name: "a fourth", as: "admin", method: "POST", path: start + "?department=" + e.demo.Departments[3].Department.ID,
		want: 429, code: "reports_too_many"})
	// The instance's backlog full.
	held := 0
	for len(rr.backlog) < cap(rr.backlog) {
		rr.backlog <- struct{}{}
		held++
	}
	e.call(t, contractCase{name: "busy", as: "viewer", method: "POST", path: start, want: 503, code: "reports_busy"})
	for range held {
		<-rr.backlog
	}
	e.call(t, contractCase{name: "unknown pulse", as: "viewer", method: "POST", path: "/api/v1/pulses/" + survey.NewID() + "/reports",
		want: 404, code: "reports_pulse_not_found"})
	e.call(t, contractCase{name: "open pulse", as: "viewer", method: "POST", path: "/api/v1/pulses/" + e.demo.Open.ID + "/reports",
		want: 409, code: "reports_pulse_not_closed"})
	e.call(t, contractCase{name: "unknown department", as: "viewer", method: "POST", path: start, body: `{"department_id":"` + survey.NewID() + `"}`,
		want: 400, code: "reports_department_not_found"})
	e.call(t, contractCase{name: "unknown language", as: "viewer", method: "POST", path: start, body: `{"lang":"de"}`, invalid: true,
		want: 400, code: "reports_lang_invalid"})
	e.call(t, contractCase{name: "unknown field", as: "viewer", method: "POST", path: start, body: `{"language":"en"}`, invalid: true,
		want: 400, code: "bad_request"})
	e.call(t, contractCase{name: "not JSON", as: "viewer", method: "POST", path: start, ctype: "text/plain", body: "en", invalid: true,
		want: 415, code: "unsupported_media_type"})
	e.call(t, contractCase{name: "another department", as: "lead", method: "POST", path: start + "?department=" + e.demo.Departments[2].Department.ID,
		want: 403, code: "reports_lead_own_only"})
	e.call(t, contractCase{name: "council", as: "council", method: "POST", path: start, want: 403, code: "api_forbidden"})

	// Let the jobs run, and wait for them all: nothing runs in the
	// background when the test takes the database away.
	for range cap(rr.slots) {
		<-rr.slots
	}
	admin, err := accounts.New(e.store).UserByEmail(context.Background(), "admin@example.org")
	if err != nil {
		t.Fatal(err)
	}
	deadline, wait := time.Now().Add(2*time.Minute), 5*time.Millisecond
	for _, id := range jobs {
		for {
			j, err := e.store.ReportJob(context.Background(), id, admin.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !j.Active() {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("report %s unfinished after 2 minutes", id)
			}
			time.Sleep(wait)
			wait = min(2*wait, 200*time.Millisecond)
		}
	}
	e.call(t, contractCase{name: "done", as: "admin", method: "GET", path: "/api/v1/reports/" + job.ID + "?lang=nl", want: 200})
	e.call(t, contractCase{name: "done", as: "admin", method: "GET", path: "/api/v1/reports/" + job.ID + "/pdf", want: 200})
	e.call(t, contractCase{name: "done", as: "admin", method: "GET", path: "/api/v1/reports/" + job.ID + "/html", want: 200})
	e.call(t, contractCase{name: "download", as: "admin", method: "GET", path: "/api/v1/reports/" + job.ID + "/html?download=1", want: 200})
}

// contractAudit drives the audit log.
func (e *contractEnv) contractAudit(t *testing.T) {
	r := e.call(t, contractCase{as: "admin", method: "GET", path: "/api/v1/audit?limit=2", want: 200})
	var page struct{ Next int }
	r.decode(t, &page)
	e.call(t, contractCase{name: "next page", as: "council", method: "GET", path: fmt.Sprintf("/api/v1/audit?limit=2&before=%d&action=department&sensitive=1", page.Next), want: 200})
	e.call(t, contractCase{name: "period", as: "admin", method: "GET", path: "/api/v1/audit?from=2026-01-01&to=2036-12-31", want: 200})
	e.call(t, contractCase{name: "bad date", as: "admin", method: "GET", path: "/api/v1/audit?from=yesterday", invalid: true, want: 400, code: "audit_bad_date"})
	e.call(t, contractCase{name: "bad period", as: "admin", method: "GET", path: "/api/v1/audit?from=2026-02-01&to=2026-01-01", want: 400, code: "audit_bad_period"})
	e.call(t, contractCase{name: "bad action", as: "admin", method: "GET", path: "/api/v1/audit?action=Not!", want: 400, code: "audit_bad_action"})
	e.call(t, contractCase{name: "bad limit", as: "admin", method: "GET", path: "/api/v1/audit?limit=5000", invalid: true, want: 400, code: "audit_bad_limit"})
	e.call(t, contractCase{name: "viewer", as: "viewer", method: "GET", path: "/api/v1/audit", want: 403, code: "api_forbidden"})
}

// contractSettings drives the organisation settings.
func (e *contractEnv) contractSettings(t *testing.T) {
	const path = "/api/v1/settings"
	e.call(t, contractCase{as: "admin", method: "GET", path: path, want: 200})
	e.call(t, contractCase{name: "viewer", as: "viewer", method: "GET", path: path, want: 403, code: "api_forbidden"})
	e.call(t, contractCase{name: "change", as: "admin", method: "PUT", path: path, body: `{"dpo_contact":"fg@example.org","retention_months":18}`, want: 200})
	e.call(t, contractCase{name: "k below 5", as: "admin", method: "PUT", path: path, body: `{"k":3}`, want: 422, code: "settings_invalid"})
	e.call(t, contractCase{name: "not JSON", as: "admin", method: "PUT", path: path, body: `{"k":`, invalid: true, want: 400, code: "bad_request"})
	e.call(t, contractCase{name: "text", as: "admin", method: "PUT", path: path, ctype: "text/plain", body: "k=5", invalid: true, want: 415, code: "unsupported_media_type"})
	e.call(t, contractCase{name: "lead", as: "lead", method: "PUT", path: path, body: `{"k":6}`, want: 403, code: "api_forbidden"})
}

// contractAccounts drives the accounts: invite, look at, change, reset,
// end a session and an API token.
func (e *contractEnv) contractAccounts(t *testing.T) {
	e.call(t, contractCase{as: "admin", method: "GET", path: "/api/v1/users", want: 200})
	e.call(t, contractCase{name: "viewer", as: "viewer", method: "GET", path: "/api/v1/users", want: 403, code: "api_forbidden"})
	r := e.call(t, contractCase{as: "admin", method: "POST", path: "/api/v1/users/invitations", body: `{"email":"invited@example.org","role":"viewer"}`, want: 201})
	var link struct{ URL string }
	r.decode(t, &link)
	e.call(t, contractCase{name: "taken", as: "admin", method: "POST", path: "/api/v1/users/invitations", body: `{"email":"viewer@example.org","role":"viewer"}`,
		want: 409, code: "user_exists"})
	e.call(t, contractCase{name: "no address", as: "admin", method: "POST", path: "/api/v1/users/invitations", body: `{"email":"nope","role":"viewer"}`,
		want: 400, code: "user_email_invalid"})
	e.call(t, contractCase{name: "unknown department", as: "admin", method: "POST", path: "/api/v1/users/invitations",
		body: `{"email":"x@example.org","role":"lead","department_id":"nope"}`, want: 404, code: "department_not_found"})
	e.call(t, contractCase{name: "not JSON", as: "admin", method: "POST", path: "/api/v1/users/invitations", ctype: "text/plain", body: "x",
		invalid: true, want: 415, code: "unsupported_media_type"})
	viewer, err := accounts.New(e.store).UserByEmail(context.Background(), "viewer@example.org")
	if err != nil {
		t.Fatal(err)
	}
	admin, err := accounts.New(e.store).UserByEmail(context.Background(), "admin@example.org")
	if err != nil {
		t.Fatal(err)
	}
	session, err := accounts.New(e.store).NewSession(context.Background(), viewer.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	one := "/api/v1/users/" + viewer.ID
	r = e.call(t, contractCase{as: "admin", method: "GET", path: one, want: 200})
	var acc struct{ Tokens []struct{ ID, Name string } }
	r.decode(t, &acc)
	e.call(t, contractCase{name: "unknown", as: "admin", method: "GET", path: "/api/v1/users/nope", want: 404, code: "user_not_found"})
	e.call(t, contractCase{as: "admin", method: "PATCH", path: one, body: `{"role":"council"}`, want: 200})
	e.call(t, contractCase{name: "back", as: "admin", method: "PATCH", path: one, body: `{"role":"viewer","disabled":false}`, want: 200})
	e.call(t, contractCase{name: "lead without department", as: "admin", method: "PATCH", path: one, body: `{"role":"lead"}`,
		want: 400, code: "user_department_missing"})
	e.call(t, contractCase{name: "unknown field", as: "admin", method: "PATCH", path: one, body: `{"name":"x"}`, invalid: true, want: 400, code: "bad_request"})
	e.call(t, contractCase{name: "unknown department", as: "admin", method: "PATCH", path: one, body: `{"role":"lead","department_id":"nope"}`,
		want: 404, code: "department_not_found"})
	// quota@ is the other administrator: disabling it is fine, disabling
	// the last one left is not.
	quota, err := accounts.New(e.store).UserByEmail(context.Background(), "quota@example.org")
	if err != nil {
		t.Fatal(err)
	}
	e.call(t, contractCase{name: "disable", as: "admin", method: "PATCH", path: "/api/v1/users/" + quota.ID, body: `{"disabled":true}`, want: 200})
	e.call(t, contractCase{name: "last admin", as: "admin", method: "PATCH", path: "/api/v1/users/" + admin.ID, body: `{"disabled":true}`,
		want: 409, code: "last_admin"})
	e.call(t, contractCase{name: "disabled", as: "admin", method: "POST", path: "/api/v1/users/" + quota.ID + "/reset", want: 409, code: "user_disabled"})
	e.call(t, contractCase{name: "enable", as: "admin", method: "PATCH", path: "/api/v1/users/" + quota.ID, body: `{"disabled":false}`, want: 200})
	e.call(t, contractCase{as: "admin", method: "POST", path: one + "/reset", want: 201})
	e.call(t, contractCase{name: "unknown", as: "admin", method: "POST", path: "/api/v1/users/nope/reset", want: 404, code: "user_not_found"})
	e.call(t, contractCase{as: "admin", method: "DELETE", path: one + "/sessions/" + accounts.SessionHandle(session), want: 204})
	e.call(t, contractCase{name: "ended", as: "admin", method: "DELETE", path: one + "/sessions/" + accounts.SessionHandle(session), want: 404, code: "session_not_found"})
	for _, tok := range acc.Tokens {
		if tok.Name == "contract test" {
			e.call(t, contractCase{as: "admin", method: "DELETE", path: one + "/tokens/" + tok.ID, want: 204})
			e.call(t, contractCase{name: "revoked", as: "admin", method: "DELETE", path: one + "/tokens/" + tok.ID, want: 404, code: "api_token_not_found"})
		}
	}
	// The viewer's sweeps after this need a token again.
	if e.tokens["viewer"], err = accounts.New(e.store).NewAPIToken(context.Background(), "viewer@example.org", "contract test"); err != nil {
		t.Fatal(err)
	}
}

// contractPulses drives the pulse lifecycle.
func (e *contractEnv) contractPulses(t *testing.T) {
	for _, as := range []string{"admin", "lead"} {
		e.call(t, contractCase{as: as, method: "GET", path: "/api/v1/pulses", want: 200})
	}
	e.call(t, contractCase{as: "council", method: "GET", path: "/api/v1/pulses", want: 403, code: "api_forbidden"})
	create := func(name string) string {
		r := e.call(t, contractCase{as: "admin", method: "POST", path: "/api/v1/pulses?lang=en",
			body: `{"name":"` + name + `","questionnaire":"pulse","answer_mode":"codes","retention_months":6,"lead_comments":true}`, want: 201})
		var p struct{ ID string }
		r.decode(t, &p)
		return "/api/v1/pulses/" + p.ID
	}
	p := create("Contract pulse")
	draft := create("Contract draft")
	e.call(t, contractCase{name: "no name", as: "admin", method: "POST", path: "/api/v1/pulses", body: `{"name":"","questionnaire":"pulse"}`,
		want: 400, code: "pulse_invalid"})
	e.call(t, contractCase{name: "in the past", as: "admin", method: "POST", path: "/api/v1/pulses",
		body: `{"name":"Late","questionnaire":"pulse","opens":"2020-01-01T09:00:00Z"}`, want: 400, code: "pulse_invalid"})
	e.call(t, contractCase{name: "not a time", as: "admin", method: "POST", path: "/api/v1/pulses",
		body: `{"name":"Late","questionnaire":"pulse","closes":"tomorrow"}`, invalid: true, want: 400, code: "pulse_invalid"})
	e.call(t, contractCase{name: "sign-on without a provider", as: "admin", method: "POST", path: "/api/v1/pulses",
		body: `{"name":"SSO","questionnaire":"pulse","sign_on":true}`, want: 400, code: "pulse_invalid"})
	e.call(t, contractCase{name: "unknown field", as: "admin", method: "POST", path: "/api/v1/pulses",
		body: `{"name":"Late","questionnaire":"pulse","mode":"codes"}`, invalid: true, want: 400, code: "bad_request"})
	e.call(t, contractCase{name: "not JSON", as: "admin", method: "POST", path: "/api/v1/pulses", ctype: "text/plain", body: "x",
		invalid: true, want: 415, code: "unsupported_media_type"})
	e.call(t, contractCase{name: "viewer", as: "viewer", method: "POST", path: "/api/v1/pulses", body: `{"name":"x","questionnaire":"pulse"}`,
		want: 403, code: "api_forbidden"})

	e.call(t, contractCase{as: "admin", method: "POST", path: p + "/open", want: 200})
	e.call(t, contractCase{name: "again", as: "admin", method: "POST", path: p + "/open", want: 409, code: "pulse_already_open"})
	e.call(t, contractCase{name: "draft", as: "admin", method: "POST", path: draft + "/close", want: 409, code: "pulse_still_draft"})
	e.call(t, contractCase{name: "unknown", as: "admin", method: "POST", path: "/api/v1/pulses/" + survey.NewID() + "/open", want: 404, code: "pulse_not_found"})
	e.call(t, contractCase{as: "admin", method: "POST", path: p + "/close", want: 200})
	e.call(t, contractCase{name: "again", as: "admin", method: "POST", path: p + "/close", want: 409, code: "pulse_already_closed"})
	e.call(t, contractCase{name: "closed", as: "admin", method: "POST", path: p + "/open", want: 409, code: "pulse_already_closed"})
	e.call(t, contractCase{name: "unknown", as: "admin", method: "POST", path: "/api/v1/pulses/" + survey.NewID() + "/close", want: 404, code: "pulse_not_found"})

	// A newer pulse has closed: the baseline's plans are read, not changed.
	fix := ""
	for id, v := range e.verdicts(t) {
		if v == "FIX_FIRST" {
			fix = id
		}
	}
	e.call(t, contractCase{name: "not the latest", as: "admin", method: "POST",
		path: "/api/v1/pulses/" + e.demo.Baseline.ID + "/departments/" + fix + "/actions",
		body: `{"theme":"pride","title":"x","owner":"y","due":"2030-03-31"}`, want: 409, code: "action_pulse_not_latest"})
}

// contractBroken takes the pulses table away under the server: what needs
// it fails with 500 internal, never with another code (a not_found under
// status 500 was answered before).
func (e *contractEnv) contractBroken(t *testing.T) {
	driver, dsn := "sqlite3", "file:"+e.dsn+"?_busy_timeout=10000"
	if strings.HasPrefix(e.dsn, "postgres") {
		driver, dsn = "pgx", e.dsn
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("ALTER TABLE pulses RENAME TO pulses_away"); err != nil {
		t.Fatal(err)
	}
	base := "/api/v1/pulses/" + e.demo.Baseline.ID
	dept := e.demo.Departments[0].Department.ID
	for _, c := range []contractCase{
		{as: "viewer", method: "GET", path: base + "/decisions"},
		{as: "viewer", method: "GET", path: base + "/departments/" + dept + "/actions"},
		{as: "viewer", method: "GET", path: base + "/results"},
		{as: "admin", method: "POST", path: base + "/close"},
	} {
		c.name, c.want, c.code = "no pulses table", http.StatusInternalServerError, "internal"
		e.call(t, c)
	}
	e.sweepOperations(t, []string{"admin", "lead"}, nil)
}

// The codes the error handler answers the API with when nothing more
// specific is known (an echo error, a timeout) are in openapi.json's Error
// enum: the console API's (consoleAPIStatuses) and the survey API's
// (messageKeys, statusKey).
func TestAPIErrorHandlerCodesAreDocumented(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas struct {
				Error struct {
					Properties struct {
						Error struct {
							Properties struct {
								Code struct {
									Enum []string `json:"enum"`
								} `json:"code"`
							} `json:"properties"`
						} `json:"error"`
					} `json:"properties"`
				} `json:"Error"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	enum := doc.Components.Schemas.Error.Properties.Error.Properties.Code.Enum
	codes := map[string]string{"internal": "the fallback", "unavailable": "unavailable()", statusKey(599): "statusKey"}
	for status, st := range consoleAPIStatuses {
		codes[st.code] = fmt.Sprintf("consoleAPIStatuses[%d]", status)
	}
	for status, key := range messageKeys {
		codes[key] = fmt.Sprintf("messageKeys[%d]", status)
	}
	for code, where := range codes {
		if !slices.Contains(enum, code) {
			t.Errorf("%s answers the API with code %q, which is not in openapi.json's Error enum", where, code)
		}
	}
}
