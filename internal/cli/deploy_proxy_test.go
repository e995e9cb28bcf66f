package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"trots/survey"
	"trots/survey/storetest"
)

// The example reverse-proxy configurations of docs/deploy (issue 19): each
// runs, with only its listen addresses, upstream and log folder changed, in
// front of a real `trots serve`. Survey links, invitations, personal codes,
// the survey API and the assets survey pages load reach trots unchanged
// (same status as asked directly; a form post with its Origin is not
// refused, so the Host gets through) and leave no trace in the proxy's
// access or error logs - not the code, not the token, not the path - while
// a console request is logged. The plain-http server only redirects, and
// logs nothing either.
func TestProxyConfigsLogNoSurveyRequests(t *testing.T) {
	for _, p := range []struct {
		name  string
		start func(t *testing.T, dir, upstream string) proxyRun
	}{
		{"nginx", startNginx},
		{"caddy", startCaddy},
	} {
		t.Run(p.name, func(t *testing.T) {
			dsn := storetest.SQLiteDSN(t)
			ctx := context.Background()
			st, err := survey.Open(ctx, dsn, survey.Options{})
			if err != nil {
				t.Fatal(err)
			}
			dept := storetest.MustDepartment(t, st, "Klantcontact", 40)
			pulse := storetest.MustOpenPulse(t, st, "advocacy-readiness", currentVersion(t, "advocacy-readiness"))
			links, err := st.Links(ctx, pulse.ID)
			if err != nil || len(links) != 1 {
				t.Fatalf("links %v, %v", links, err)
			}
			tokens, err := st.CreateInvitations(ctx, pulse.ID, dept.ID, 1)
			if err != nil {
				t.Fatal(err)
			}
			codes, err := st.CreateCodes(ctx, pulse.ID, dept.ID, 1)
			if err != nil {
				t.Fatal(err)
			}
			st.Close()
			secrets := []string{links[0].Code, strings.ToUpper(links[0].Code), tokens[0], codes[0], survey.FormatCode(codes[0])}

			direct, stop := serveOn(t, dsn, "--trusted-proxies", "127.0.0.1")
			dir := t.TempDir()
			proxy := p.start(t, dir, strings.TrimPrefix(direct, "http://"))
			site, plain := "http://"+proxy.site, "http://"+proxy.plain

			surveyPaths := []string{"/s/" + links[0].Code, "/i/" + tokens[0], "/c/" + codes[0], "/c",
				"/api/v1/surveys/" + links[0].Code, staticAsset(t, direct+"/s/"+links[0].Code)}
			for _, path := range surveyPaths {
				want := status(t, "GET", direct+path, "", "")
				if got := status(t, "GET", site+path, "", ""); got != want || got != http.StatusOK {
					t.Errorf("GET %s through the proxy: %d; directly %d, want 200 both", path, got, want)
				}
			}
			// A form post carries its Origin; trots refuses one that is
			// not the Host it was asked at, so the proxy must pass it on.
			form := url.Values{"code": {survey.FormatCode(codes[0])}}.Encode()
			want := status(t, "POST", direct+"/c", direct, form)
			if got := status(t, "POST", site+"/c", site, form); got != want || got == http.StatusForbidden {
				t.Errorf("POST /c through the proxy: %d; directly %d", got, want)
			}
			// Variants a mistyped or rewritten link may take: trots may
			// not know them, the proxy must not log them either.
			for _, path := range []string{"//s/" + links[0].Code, "/S/" + strings.ToUpper(links[0].Code), "/I/" + tokens[0],
				"/s/" + links[0].Code + "?lang=en", "/%73/" + links[0].Code, "/Api/v1/Surveys/" + links[0].Code} {
				status(t, "GET", site+path, "", "")
			}
			if got := status(t, "GET", plain+"/s/"+links[0].Code, "", ""); got < 300 || got > 399 {
				t.Errorf("GET /s/<code> on plain http: %d, want a redirect", got)
			}
			if got := status(t, "GET", site+"/login", "", ""); got != http.StatusOK {
				t.Errorf("GET /login through the proxy: %d", got)
			}

			// trots goes away: the proxy's errors about survey requests
			// name no code either, its errors about the console do.
			if code := stop(); code != 0 {
				t.Fatalf("trots serve exited %d", code)
			}
			for _, path := range []string{"/s/" + links[0].Code, "/i/" + tokens[0], "/login?after=stop"} {
				if got := status(t, "GET", site+path, "", ""); got != http.StatusBadGateway {
					t.Errorf("GET %s with trots stopped: %d, want 502", path, got)
				}
			}
			errLog := proxy.stop()

			access := readAll(t, proxy.accessLogs...)
			if !strings.Contains(access, "/login") || !strings.Contains(access, "after=stop") {
				t.Errorf("the console requests are not in the access log:\n%s", access)
			}
			for _, where := range []struct{ name, text string }{{"access log", access}, {"error log", errLog}} {
				var found []string
				for _, s := range append(secrets, "/s/", "/i/", "/c/", "/api/v1/surveys", "/static/", `"/c"`, "/c ") {
					if strings.Contains(where.text, s) {
						found = append(found, s)
					}
				}
				if len(found) > 0 {
					t.Errorf("the %s holds %q:\n%s", where.name, found, where.text)
				}
			}
			if !strings.Contains(errLog, proxy.refusedMark) {
				t.Errorf("the error log does not record the console request trots could not answer (%q):\n%s", proxy.refusedMark, errLog)
			}
		})
	}
}

// proxyRun is a proxy started on a documented configuration.
type proxyRun struct {
	site, plain string   // host:port of the https site (served as http here) and of the plain-http server
	accessLogs  []string // its access logs
	// refusedMark is what its error log says about the console request
	// that found trots gone.
	refusedMark string
	// stop ends the proxy, waits for it, and returns its error log.
	stop func() string
}

// startNginx runs docs/deploy/nginx.conf inside a minimal nginx.conf, as
// Debian's includes conf.d/, with a catch-all access log of its own.
func startNginx(t *testing.T, dir, upstream string) proxyRun {
	bin, err := exec.LookPath("nginx")
	if err != nil {
		t.Fatalf("nginx is not installed (.ci/deps test installs it): %v", err)
	}
	site, plain := freeAddr(t), freeAddr(t)
	conf := deployFile(t, "nginx.conf", map[string]string{
		"listen 443 ssl;": "listen " + site + ";",
		"listen 80;":      "listen " + plain + ";",
		"    ssl_certificate     /etc/ssl/trots/fullchain.pem;\n": "",
		"    ssl_certificate_key /etc/ssl/trots/privkey.pem;\n":   "",
		"server 127.0.0.1:8080;":                                  "server " + upstream + ";",
		"/var/log/nginx/":                                         dir + "/",
	})
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;" // workers write temporary files in dir
	}
	main := fmt.Sprintf(`daemon off;
master_process on;
worker_processes 1;
%s
pid %[2]s/nginx.pid;
error_log %[2]s/main-error.log;
events { worker_connections 64; }
http {
    access_log %[2]s/default-access.log;
    client_body_temp_path %[2]s/body;
    proxy_temp_path %[2]s/proxy;
    fastcgi_temp_path %[2]s/fastcgi;
    uwsgi_temp_path %[2]s/uwsgi;
    scgi_temp_path %[2]s/scgi;
    include %[2]s/trots.conf;
}
`, user, dir)
	writeFile(t, dir, "trots.conf", conf)
	writeFile(t, dir, "nginx.conf", main)
	var stderr syncBuffer
	if out, err := exec.Command(bin, "-t", "-e", "stderr", "-p", dir, "-c", filepath.Join(dir, "nginx.conf")).CombinedOutput(); err != nil {
		t.Fatalf("nginx -t refuses the configuration: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-e", "stderr", "-p", dir, "-c", filepath.Join(dir, "nginx.conf"))
	cmd.Stderr = &stderr
	exited := startProcess(t, cmd)
	waitPort(t, site, exited, &stderr)
	waitPort(t, plain, exited, &stderr)
	return proxyRun{site: site, plain: plain,
		accessLogs:  []string{filepath.Join(dir, "trots-access.log"), filepath.Join(dir, "default-access.log")},
		refusedMark: "/login?after=stop",
		stop: func() string {
			cmd.Process.Signal(syscall.SIGQUIT) // graceful: finishes and writes its logs
			waitExit(t, exited, &stderr)
			return readAll(t, filepath.Join(dir, "trots-error.log"), filepath.Join(dir, "main-error.log")) + stderr.String()
		}}
}

// startCaddy runs docs/deploy/Caddyfile with the admin endpoint off (so
// that tests may run side by side) and its data in dir.
func startCaddy(t *testing.T, dir, upstream string) proxyRun {
	bin, err := exec.LookPath("caddy")
	if err != nil {
		t.Fatalf("caddy is not installed (.ci/deps test installs it): %v", err)
	}
	site, plain := freeAddr(t), freeAddr(t)
	conf := deployFile(t, "Caddyfile", map[string]string{
		"\n{\n\tservers {":             "\n{\n\tadmin off\n\tservers {",
		"\nhttp://trots.example.org {": "\nhttp://" + plain + " {",
		"\ntrots.example.org {":        "\nhttp://" + site + " {",
		"reverse_proxy 127.0.0.1:8080": "reverse_proxy " + upstream,
		"/var/log/caddy/":              dir + "/",
	})
	file := writeFile(t, dir, "Caddyfile", conf)
	var stderr syncBuffer
	cmd := exec.Command(bin, "run", "--config", file, "--adapter", "caddyfile")
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+dir, "XDG_CONFIG_HOME="+dir)
	cmd.Stderr = &stderr
	exited := startProcess(t, cmd)
	waitPort(t, site, exited, &stderr)
	waitPort(t, plain, exited, &stderr)
	return proxyRun{site: site, plain: plain, accessLogs: []string{filepath.Join(dir, "trots-access.log")},
		// Caddy's error log has no URL (the configuration deletes it):
		// the refused dial is what it says.
		refusedMark: "connection refused",
		stop: func() string {
			cmd.Process.Signal(os.Interrupt)
			waitExit(t, exited, &stderr)
			return stderr.String()
		}}
}

// deployFile reads docs/deploy/<name> and makes the replacements; one that
// no longer matches fails the test, so that the file tested is the file
// documented.
func deployFile(t *testing.T, name string, repl map[string]string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "deploy", name))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for old, new := range repl {
		if !strings.Contains(s, old) {
			t.Fatalf("docs/deploy/%s no longer has %q: update this test with the file", name, old)
		}
		s = strings.ReplaceAll(s, old, new)
	}
	return s
}

// readAll concatenates files; a missing one is empty (nothing was logged).
func readAll(t *testing.T, paths ...string) string {
	t.Helper()
	var b strings.Builder
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}

// freeAddr is a loopback address with a port nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startProcess starts cmd, returns a channel closed when it exits, and
// kills it at the end of the test if it still runs.
func startProcess(t *testing.T, cmd *exec.Cmd) <-chan struct{} {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	return exited
}

// waitPort returns once addr accepts connections; the process exiting
// first, or 20 seconds passing, fails the test.
func waitPort(t *testing.T, addr string, exited <-chan struct{}, stderr *syncBuffer) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		select {
		case <-exited:
			t.Fatalf("the proxy exited before listening on %s:\n%s", addr, stderr.String())
		case <-deadline:
			t.Fatalf("the proxy did not listen on %s within 20 s:\n%s", addr, stderr.String())
		case <-tick.C:
		}
	}
}

func waitExit(t *testing.T, exited <-chan struct{}, stderr *syncBuffer) {
	t.Helper()
	select {
	case <-exited:
	case <-time.After(20 * time.Second):
		t.Fatalf("the proxy did not stop within 20 s:\n%s", stderr.String())
	}
}

// staticAsset is the address of an asset the page at target loads.
func staticAsset(t *testing.T, target string) string {
	t.Helper()
	res, err := http.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	page, _ := io.ReadAll(res.Body)
	asset := regexp.MustCompile(`/static/[A-Za-z0-9._-]+`).Find(page)
	if asset == nil {
		t.Fatalf("the page at %s loads nothing from /static/:\n%s", target, page)
	}
	return string(asset)
}

// status makes one request without following redirects and returns its
// status; origin, when set, is sent as the Origin of a form post.
func status(t *testing.T, method, target, origin, form string) int {
	t.Helper()
	var body io.Reader
	if form != "" {
		body = bytes.NewBufferString(form)
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	client := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}
