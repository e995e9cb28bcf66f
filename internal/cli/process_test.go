package cli

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", to read what the processes stored
	_ "github.com/mattn/go-sqlite3"    // database/sql driver "sqlite3"

	"trots/questionnaires"
	"trots/survey"
	"trots/survey/demo"
	"trots/survey/storetest"
)

// The tests in crash_test.go and instances_test.go run trots as a real
// process: the test binary starts itself again with asBinaryEnv set, and
// TestMain then runs Main - the binary's own main, signal handling and
// all - instead of the tests.
const asBinaryEnv = "TROTS_TEST_AS_BINARY"

func TestMain(m *testing.M) {
	if os.Getenv(asBinaryEnv) == "1" {
		Main("") // exits
	}
	os.Exit(m.Run())
}

// trotsProcess is a `trots serve` running in its own process.
type trotsProcess struct {
	t      *testing.T
	cmd    *exec.Cmd
	url    string
	stderr *syncBuffer
	lines  chan string // the first line of stdout
	exited chan struct{}
}

// startTrots runs `trots serve` on a free loopback port on dsn and waits
// until it says where it listens.
func startTrots(t *testing.T, dsn string) *trotsProcess {
	t.Helper()
	p := launchTrots(t, dsn)
	p.waitListening()
	return p
}

// launchTrots starts the process without waiting for it.
func launchTrots(t *testing.T, dsn string) *trotsProcess {
	t.Helper()
	p := &trotsProcess{t: t, stderr: &syncBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(os.Args[0], "serve", "--addr", "127.0.0.1:0", "--db", dsn, "--log-level", "warn")
	p.cmd.Env = append(os.Environ(), asBinaryEnv+"=1")
	p.cmd.Stderr = p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p.lines = make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		p.lines <- line
		io.Copy(io.Discard, stdout)
	}()
	go func() {
		p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.exited
	})
	return p
}

func (p *trotsProcess) waitListening() {
	p.t.Helper()
	select {
	case line := <-p.lines:
		p.url = regexp.MustCompile(`http://[0-9.:]+`).FindString(line)
		if p.url == "" {
			p.t.Fatalf("trots serve printed %q; stderr:\n%s", line, p.stderr.String())
		}
	case <-time.After(60 * time.Second):
		p.t.Fatalf("trots serve did not start within a minute; stderr:\n%s", p.stderr.String())
	}
}

// kill ends the process with SIGKILL - no shutdown, no deferred close -
// and waits until it is gone.
func (p *trotsProcess) kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// stop ends the process as an operator would (SIGTERM) and returns its
// exit code.
func (p *trotsProcess) stop() int {
	p.t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		p.t.Fatal("trots serve did not stop within 30 s of SIGTERM")
	}
	return p.cmd.ProcessState.ExitCode()
}

// syncBuffer is a bytes.Buffer for a writer and readers on other goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// respondent sends complete advocacy-readiness responses from the demo
// generator, through the form or the JSON API.
type respondent struct {
	q      *questionnaires.Questionnaire
	pool   []demo.Response
	client *http.Client
}

func newRespondent(t *testing.T, conns int) *respondent {
	t.Helper()
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		t.Fatal(err)
	}
	r := &respondent{q: q, client: newClient(conns)}
	for _, d := range demo.Generate(q, 7).Departments {
		r.pool = append(r.pool, d.Responses...)
	}
	return r
}

func newClient(conns int) *http.Client {
	return &http.Client{
		Timeout:       30 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: conns, DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// sent is one submission as the respondent sent it, with what the store
// must hold for it.
type sent struct {
	key     string
	dept    string
	answers survey.Answers
	comment string // scrubbed, as stored; "" when none
}

// submitForm posts response n to a link's form (with the headers of a
// same-origin browser post), or with token to the invitation form, and
// returns the status.
func (r *respondent) submitForm(base string, link survey.Link, token string, n int) (sent, int, error) {
	s, values := r.prepare(link, n)
	form := url.Values{"submission_key": {s.key}}
	for id, vals := range values {
		form["a."+id] = vals
	}
	target := base + "/s/" + link.Code
	if token != "" {
		form.Set("token", token)
		target = base + "/i"
	}
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	if err != nil {
		return s, 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	code, err := r.do(req)
	return s, code, err
}

// submitAPI posts response n as JSON; with key != "" it reuses that key.
func (r *respondent) submitAPI(base string, link survey.Link, n int, key string) (sent, int, error) {
	s, values := r.prepare(link, n)
	if key != "" {
		s.key = key
	}
	answers := map[string]any{}
	for id, vals := range values {
		if len(vals) == 1 {
			answers[id] = vals[0]
		} else {
			answers[id] = vals
		}
	}
	body, _ := json.Marshal(map[string]any{"submission_key": s.key, "answers": answers})
	req, err := http.NewRequest(http.MethodPost, base+"/api/v1/surveys/"+link.Code+"/responses", bytes.NewReader(body))
	if err != nil {
		return s, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	code, err := r.do(req)
	return s, code, err
}

func (r *respondent) prepare(link survey.Link, n int) (sent, map[string][]string) {
	resp := r.pool[n%len(r.pool)]
	values := resp.Values()
	dec := survey.DecodeAnswers(r.q, values)
	s := sent{key: survey.NewID(), dept: link.DepartmentID, answers: dec.Answers}
	for _, c := range dec.Comments {
		s.comment = c
	}
	return s, values
}

func (r *respondent) do(req *http.Request) (int, error) {
	res, err := r.client.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// seedPulse gives a fresh database n departments and an open
// advocacy-readiness pulse, and returns the survey links.
func seedPulse(t *testing.T, dsn string, n int) (survey.Pulse, []survey.Link) {
	t.Helper()
	ctx := context.Background()
	st, err := survey.Open(ctx, dsn, survey.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for i := range n {
		storetest.MustDepartment(t, st, fmt.Sprintf("Afdeling %d", i+1), 100)
	}
	p := storetest.MustOpenPulse(t, st, "advocacy-readiness", currentVersion(t, "advocacy-readiness"))
	links, err := st.Links(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return p, links
}

// storedRow is a response as the database holds it.
type storedRow struct {
	dept    string
	answers survey.Answers
}

// sameAnswers compares answers, an empty map equal to none.
func sameAnswers(a, b survey.Answers) bool {
	if len(a.Numbers) != len(b.Numbers) || len(a.Choices) != len(b.Choices) {
		return false
	}
	for k, v := range a.Numbers {
		if w, ok := b.Numbers[k]; !ok || v != w {
			return false
		}
	}
	for k, v := range a.Choices {
		if w, ok := b.Choices[k]; !ok || strings.Join(v, "\x00") != strings.Join(w, "\x00") {
			return false
		}
	}
	return true
}

// auditDB reads what the processes stored the way an auditor would: with
// database/sql, by submission key.
type auditDB struct {
	*sql.DB
	ph string // the first placeholder: ? or $1
}

func openAudit(t *testing.T, dsn string) auditDB {
	t.Helper()
	driver, name, ph := "sqlite3", "file:"+dsn+"?_busy_timeout=5000", "?"
	if strings.HasPrefix(dsn, "postgres") {
		driver, name, ph = "pgx", dsn, "$1"
	}
	db, err := sql.Open(driver, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return auditDB{DB: db, ph: ph}
}

// responses returns the responses of a pulse by submission key, and the
// comments as "department|body" with their counts.
func (db auditDB) responses(t *testing.T, pulseID string) (map[string]storedRow, map[string]int) {
	t.Helper()
	rows, err := db.Query("SELECT submission_key, department_id, answers FROM responses WHERE pulse_id = "+db.ph, pulseID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]storedRow{}
	for rows.Next() {
		var key, dept, raw string
		if err := rows.Scan(&key, &dept, &raw); err != nil {
			t.Fatal(err)
		}
		a, err := survey.DecodeStoredAnswers([]byte(raw))
		if err != nil {
			t.Fatalf("response %s: answers %q: %v", key, raw, err)
		}
		out[key] = storedRow{dept: dept, answers: a}
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	crows, err := db.Query("SELECT department_id, body FROM comments WHERE pulse_id = "+db.ph, pulseID)
	if err != nil {
		t.Fatal(err)
	}
	comments := map[string]int{}
	for crows.Next() {
		var dept, body string
		if err := crows.Scan(&dept, &body); err != nil {
			t.Fatal(err)
		}
		comments[dept+"|"+body]++
	}
	if err := crows.Close(); err != nil {
		t.Fatal(err)
	}
	return out, comments
}

// count runs a COUNT(*) query.
func (db auditDB) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
