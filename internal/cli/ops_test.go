package cli

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"trots/analysis"
	"trots/questionnaires"
	"trots/survey"
	"trots/survey/demo"
	"trots/survey/results"
	"trots/survey/storetest"
)

// runCmd runs trots with args and returns the exit code and output.
func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// mustDemoClosedAt stores the demo organisation in dsn with its baseline
// pulse (which holds the answers) closed, with its final results, at the
// given time; it returns the baseline and the number of responses.
func mustDemoClosedAt(t *testing.T, dsn string, closed time.Time) (pulseID string, responses int) {
	t.Helper()
	s, err := survey.Open(context.Background(), dsn, survey.Options{Now: func() time.Time { return closed }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		t.Fatal(err)
	}
	res, err := demo.Seed(context.Background(), s, q, demo.Generate(q, 1))
	if err != nil {
		t.Fatal(err)
	}
	counts, _ := storedCounts(t, s)
	for _, n := range counts {
		responses += n
	}
	return res.Baseline.ID, responses
}

func countAll(t *testing.T, dsn string) int {
	t.Helper()
	s := storetest.Open(t, dsn)
	defer s.Close()
	counts, _ := storedCounts(t, s)
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

func TestBackupCommand(t *testing.T) {
	dir := t.TempDir()
	dsn := filepath.Join(dir, "trots.db")
	if code, _, stderr := runCmd(t, "demo", "--db", dsn); code != 0 {
		t.Fatalf("demo: %s", stderr)
	}
	out := filepath.Join(dir, "trots-backup.db")
	code, stdout, stderr := runCmd(t, "backup", "--db", dsn, "--out", out)
	if code != 0 || !strings.Contains(stdout, "integrity checked") {
		t.Fatalf("backup: %d %q %q", code, stdout, stderr)
	}
	// The token key stays out of a backup unless asked for: without it,
	// the backup cannot tell which invitation was used.
	if _, err := os.Stat(out + ".key"); !os.IsNotExist(err) {
		t.Fatalf("a backup without --with-key wrote the key: %v", err)
	}
	if got, want := countAll(t, out), countAll(t, dsn); got != want || got == 0 {
		t.Fatalf("backup holds %d responses, the database %d", got, want)
	}
	withKey := filepath.Join(dir, "with-key.db")
	if code, stdout, stderr := runCmd(t, "backup", "--db", dsn, "--out", withKey, "--with-key"); code != 0 || !strings.Contains(stdout, withKey+".key") {
		t.Fatalf("backup --with-key: %d %q %q", code, stdout, stderr)
	}
	key, err := os.ReadFile(dsn + ".key")
	if err != nil {
		t.Fatal(err)
	}
	copied, err := os.ReadFile(withKey + ".key")
	if err != nil || string(copied) != string(key) {
		t.Fatalf("the copied key differs from the database's (%v)", err)
	}
	if fi, err := os.Stat(withKey + ".key"); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("copied key mode: %v %v", fi.Mode(), err)
	}
	if code, _, stderr := runCmd(t, "backup", "--db", dsn); code != 2 || !strings.Contains(stderr, "give either --out or --dir") {
		t.Fatalf("backup without --out: %d %q", code, stderr)
	}
	code, _, stderr = runCmd(t, "backup", "--db", "postgres://trots@db.internal/trots", "--out", out+".pg")
	if code != 1 || !strings.Contains(stderr, "pg_dump") {
		t.Fatalf("backup of PostgreSQL: %d %q", code, stderr)
	}
}

// `trots retention` shows (--dry-run) and then deletes the raw answers of
// a pulse closed longer ago than --months; the results stay.
func TestRetentionCommand(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "trots.db")
	pulseID, n := mustDemoClosedAt(t, dsn, time.Now().AddDate(-2, 0, 0))

	// The pulse was given 36 months: its own period has not passed, a
	// shorter --months does.
	if _, err := openAudit(t, dsn).Exec("UPDATE pulses SET retention_months = 36"); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCmd(t, "retention", "--db", dsn, "--months", "12", "--dry-run")
	if code != 0 || !strings.Contains(stdout, "Would delete "+strconv.Itoa(n)+" responses") {
		t.Fatalf("dry run: %d %q %q", code, stdout, stderr)
	}
	if got := countAll(t, dsn); got != n {
		t.Fatalf("the dry run deleted: %d responses left of %d", got, n)
	}
	if code, stdout, _ := runCmd(t, "retention", "--db", dsn); code != 0 || !strings.Contains(stdout, "No raw answers are due") {
		t.Fatalf("the pulse's own 36 months: %d %q", code, stdout)
	}
	t.Setenv("TROTS_RETENTION_MONTHS", "12")
	code, stdout, stderr = runCmd(t, "retention", "--db", dsn)
	if code != 0 || !strings.Contains(stdout, "Deleted "+strconv.Itoa(n)+" responses") {
		t.Fatalf("retention: %d %q %q", code, stdout, stderr)
	}
	if got := countAll(t, dsn); got != 0 {
		t.Fatalf("%d responses left", got)
	}
	s := storetest.Open(t, dsn)
	out, err := results.Analyze(context.Background(), s, pulseID, analysis.DefaultConfig())
	if err != nil || out.Result.Organisation.Figures == nil || out.Result.Organisation.N != n {
		t.Fatalf("results after retention: %v", err)
	}
	s.Close()

	for _, args := range [][]string{{"--months", "-1"}, {"--months", "x"}} {
		if code, _, stderr := runCmd(t, append([]string{"retention", "--db", dsn}, args...)...); code != 2 {
			t.Errorf("retention %v: exit %d, want 2 (%s)", args, code, stderr)
		}
	}
	t.Setenv("TROTS_RETENTION_MONTHS", "soon")
	if code, _, stderr := runCmd(t, "retention", "--db", dsn); code != 2 || !strings.Contains(stderr, "TROTS_RETENTION_MONTHS") {
		t.Errorf("bad TROTS_RETENTION_MONTHS: %d %q", code, stderr)
	}
}

// `trots serve` applies the retention when it starts, and serves /metrics
// with the scrape token unless TROTS_METRICS=off; without a token there
// is no /metrics.
func TestServeRetentionAndMetrics(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "trots.db")
	mustDemoClosedAt(t, dsn, time.Now().AddDate(-1, 0, -1))
	t.Setenv("TROTS_RETENTION_MONTHS", "12")
	t.Setenv("TROTS_METRICS_TOKEN", metricsToken)
	url, stop := serveOn(t, dsn)
	if body := get(t, url+"/metrics", http.StatusUnauthorized); strings.Contains(body, "trots_") {
		t.Fatalf("/metrics without the token:\n%s", body)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(get(t, url+"/metrics", http.StatusOK), "trots_retention_purged_pulses_total 1\n") {
		if time.Now().After(deadline) {
			t.Fatal("serve did not apply the retention at start-up")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n := countAll(t, dsn); n != 0 {
		t.Fatalf("%d responses left after the retention", n)
	}
	if body := get(t, url+"/metrics", http.StatusOK); !strings.Contains(body, "trots_build_info{") {
		t.Fatalf("/metrics:\n%s", body)
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exit %d", code)
	}

	t.Setenv("TROTS_METRICS_TOKEN", "")
	url, stop = serveOn(t, dsn)
	get(t, url+"/metrics", http.StatusNotFound)
	stop()

	t.Setenv("TROTS_METRICS_TOKEN", metricsToken)
	t.Setenv("TROTS_METRICS", "off")
	url, stop = serveOn(t, dsn)
	get(t, url+"/metrics", http.StatusNotFound)
	stop()

	t.Setenv("TROTS_RETENTION_MONTHS", "-3")
	if code, _, stderr := runCmd(t, "serve", "--db", dsn, "--addr", "127.0.0.1:0"); code != 2 || !strings.Contains(stderr, "TROTS_RETENTION_MONTHS") {
		t.Fatalf("serve with a bad retention: %d %q", code, stderr)
	}
}

// metricsToken is the scrape token of the tests that start `trots serve`;
// get sends it to /metrics.
const metricsToken = "ops-scrape-token"

func get(t *testing.T, url string, want int) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(url, "/metrics") && want != http.StatusUnauthorized {
		req.Header.Set("Authorization", "Bearer "+metricsToken)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("GET %s: %d, want %d", url, res.StatusCode, want)
	}
	return string(b)
}

// `trots serve` warns at start about settings that leave a deployment
// behind https half done: an https public address without TLS mode
// (cookies without Secure), and TLS mode without trusted proxies (every
// client would share the proxy's address for the login limits).
func TestServeWarnsAboutHalfDoneTLS(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "trots.db")
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"TROTS_PUBLIC_URL": "https://trots.example.org"}, "TROTS_BEHIND_TLS is not set"},
		{map[string]string{"TROTS_BEHIND_TLS": "true"}, "TROTS_TRUSTED_PROXIES"},
	} {
		for k, v := range tc.env {
			t.Setenv(k, v)
		}
		ctx, cancel := context.WithCancel(context.Background())
		pr, pw := io.Pipe()
		var stderr bytes.Buffer
		done := make(chan int, 1)
		go func() {
			done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", dsn}, pw, &stderr)
			pw.Close()
		}()
		if _, err := bufio.NewReader(pr).ReadString('\n'); err != nil {
			t.Fatalf("serve did not start: %v", err)
		}
		go io.Copy(io.Discard, pr)
		cancel()
		if code := <-done; code != 0 {
			t.Fatalf("serve exit %d: %s", code, stderr.String())
		}
		if !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("with %v: no warning naming %s in:\n%s", tc.env, tc.want, stderr.String())
		}
		for k := range tc.env {
			t.Setenv(k, "")
		}
	}
}
