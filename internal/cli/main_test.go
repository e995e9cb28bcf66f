package cli

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"trots/survey/storetest"
)

// serveOn starts `trots serve` in-process on a free port and returns its
// base URL and a function that stops it and returns the exit code; extra
// are further flags.
func serveOn(t *testing.T, dsn string, extra ...string) (string, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", dsn, "--log-level", "warn"}, extra...), pw, &stderr)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("serve printed no address: %v; stderr: %s", err, stderr.String())
	}
	go io.Copy(io.Discard, pr)
	url := regexp.MustCompile(`http://[0-9.:]+`).FindString(line)
	if url == "" {
		t.Fatalf("no URL in %q", line)
	}
	return url, func() int {
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(20 * time.Second):
			t.Fatal("serve did not stop after cancel")
			return -1
		}
	}
}

func TestServeAnswersHealthAndReadiness(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		url, stop := serveOn(t, dsn)
		for _, path := range []string{"/healthz", "/readyz"} {
			res, err := http.Get(url + path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s = %d %s", path, res.StatusCode, body)
			}
			for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"} {
				if res.Header.Get(h) == "" {
					t.Errorf("%s: no %s header", path, h)
				}
			}
		}
		if code := stop(); code != 0 {
			t.Fatalf("serve exited %d after graceful shutdown", code)
		}
	})
}

func TestServeRefusesUnusableDatabase(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--db", "postgres://x:pw@127.0.0.1:1/none?connect_timeout=2"}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "cannot open or migrate the database") || strings.Contains(stderr.String(), "pw@") {
		t.Fatalf("exit %d, stderr %q; want 1 with a clear message and no password", code, stderr.String())
	}
}

func TestUsageAndUnknownCommand(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"frobnicate"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: exit %d, %q", code, errb.String())
	}
	errb.Reset()
	if code := run(context.Background(), []string{"serve", "--no-such-flag"}, &out, &errb); code != 2 {
		t.Fatalf("bad flag: exit %d", code)
	}
	out.Reset()
	if code := run(context.Background(), []string{"version"}, &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "trots ") {
		t.Fatalf("version: exit %d, %q", code, out.String())
	}
	errb.Reset()
	if code := run(context.Background(), []string{"serve", "--log-level", "loud"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "log level") {
		t.Fatalf("bad log level: exit %d, %q", code, errb.String())
	}
}
