package server

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"trots/accounts"
	"trots/questionnaires"
	"trots/survey"
	"trots/survey/storetest"
)

// abuseEnv is a store with one open pulse and its link, and a server on it.
type abuseEnv struct {
	store *survey.Store
	link  survey.Link
	srv   *Server
}

func newAbuseEnv(t *testing.T, cfg Config) *abuseEnv {
	t.Helper()
	st := storetest.Open(t, storetest.SQLiteDSN(t))
	q, err := questionnaires.Load("pulse")
	if err != nil {
		t.Fatal(err)
	}
	d := storetest.MustDepartment(t, st, "Klantcontact", 25)
	p := storetest.MustOpenPulse(t, st, q.ID, q.Version)
	links, err := st.Links(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	e := &abuseEnv{store: st, srv: New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), st, accounts.New(st))}
	for _, l := range links {
		if l.DepartmentID == d.ID {
			e.link = l
		}
	}
	return e
}

// Made-up survey codes grew memory: each well-formed unknown code got a
// bucket of its own before the look-up (400,000 codes: 36 -> 202 MB).
// Now the look-up comes first and unknown codes share one bucket: however
// many are tried, no bucket is made, and once the shared one is empty
// they are refused without a page of their own.
func TestMadeUpCodesGrowNoBuckets(t *testing.T) {
	e := newAbuseEnv(t, Config{SurveyRate: 0.001, SurveyBurst: 50})
	ts := httptest.NewServer(e.srv.Handler())
	t.Cleanup(ts.Close)
	statuses := map[int]int{}
	for i := range 2000 {
		target, ctype, body := ts.URL+"/s/"+survey.NewID(), "application/x-www-form-urlencoded", "submission_key="+survey.NewID()
		if i%2 == 1 {
			target, ctype, body = ts.URL+"/api/v1/surveys/"+survey.NewID()+"/responses", "application/json", `{"answers":{}}`
		}
		res, err := http.Post(target, ctype, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		statuses[res.StatusCode]++
		if res.StatusCode == http.StatusTooManyRequests && res.Header.Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
	}
	if statuses[http.StatusNotFound] != 50 || statuses[http.StatusTooManyRequests] != 1950 {
		t.Fatalf("2,000 made-up codes: %v, want 50 not found and then 1,950 too many", statuses)
	}
	if n := e.srv.limits.buckets(); n != 0 {
		t.Fatalf("2,000 made-up codes left %d buckets, want none", n)
	}
	// A real link is not blocked by them, and gets buckets of its own.
	res, err := http.Post(ts.URL+"/api/v1/surveys/"+e.link.Code+"/responses", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("the real link after the made-up ones: %d, want 422 (no answers)", res.StatusCode)
	}
	if n := e.srv.limits.buckets(); n != 2 {
		t.Fatalf("%d buckets after one post to a real link, want 2 (the link's and its source's)", n)
	}
}

// The bucket sets hold at most their size, the least recently used out.
func TestBucketSetIsBounded(t *testing.T) {
	b := newBucketSet(1, 1, 100)
	now := time.Now()
	for i := range 10_000 {
		if wait, _ := b.reserve(fmt.Sprint(i), now); wait != 0 {
			t.Fatalf("a new key %d had to wait", i)
		}
	}
	if b.len() != 100 {
		t.Fatalf("%d buckets, want 100", b.len())
	}
	// A bucket that has filled up again is forgotten.
	b.reserve("late", now.Add(time.Hour))
	if b.len() > 97 {
		t.Fatalf("%d buckets after an hour, want idle ones dropped", b.len())
	}
}

// Slow connections locked everyone out: 19,990 connections trickling a
// body hit the file descriptor limit, and an employee's page took 18 s.
// Now one source holds at most MaxConnsPerSource connections (more are
// closed at once), all of them at most MaxConns, and a post's body and a
// request's headers have short deadlines. Here four attacking sources
// (other loopback addresses) open 25 connections each, half of them
// stalled in the headers, half in a survey post's body; a real client
// then gets the health check, the survey page and a stored answer at
// once, and the server closes the stalled connections at the deadlines.
func TestSlowConnectionsDoNotLockOut(t *testing.T) {
	const perSource, deadline = 8, 3 * time.Second
	e := newAbuseEnv(t, Config{MaxConns: 40, MaxConnsPerSource: perSource, HeaderTimeout: deadline,
		SurveyBodyTimeout: deadline, IdleTimeout: deadline})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.srv.Serve(ctx, ln, time.Second) }()
	t.Cleanup(func() { stop(); <-done })
	addr := ln.Addr().String()

	var attack []net.Conn
	sources := []string{"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"}
	for _, src := range sources {
		for i := range 25 {
			d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 5 * time.Second}
			c, err := d.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			// Half stall in the headers, half in the body of a survey post.
			req := "GET /healthz HTTP/1.1\r\nHost: trots\r\nX-Slow: "
			if i%2 == 1 {
				req = "POST /s/" + e.link.Code + " HTTP/1.1\r\nHost: trots\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
					"Content-Length: 4000\r\n\r\nsubmission_key="
			}
			c.Write([]byte(req)) // a refused connection may be closed already
			attack = append(attack, c)
		}
	}
	// A real client, from 127.0.0.1: the server accepts connections in
	// order, so by its answer every attacking connection was accepted or
	// refused.
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	base := "http://" + addr
	began := time.Now()
	for _, path := range []string{"/healthz", "/s/" + e.link.Code + "?lang=en"} {
		res, err := client.Get(base + path)
		if err != nil {
			t.Fatalf("%s under attack: %v", path, err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s under attack: %d", path, res.StatusCode)
		}
	}
	res, err := client.Post(base+"/api/v1/surveys/"+e.link.Code+"/responses", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatalf("a post under attack: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a post under attack: %d", res.StatusCode)
	}
	if took := time.Since(began); took > deadline {
		t.Fatalf("three requests under attack took %s; the attack's connections should not hold them up", took)
	}
	for _, src := range sources {
		if n := e.srv.conns.Load().openFrom(src); n != perSource {
			t.Fatalf("%s holds %d connections, want %d", src, n, perSource)
		}
	}
	// Every attacking connection ends: refused at once, or closed by the
	// server at its deadline (the client gives it three times as long).
	for i, c := range attack {
		c.SetReadDeadline(time.Now().Add(3 * deadline))
		_, err := io.Copy(io.Discard, bufio.NewReader(c))
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatalf("attacking connection %d is still open past the deadline", i)
		}
	}
	for _, src := range sources {
		if n := e.srv.conns.Load().openFrom(src); n != 0 {
			t.Errorf("%s holds %d connections after the deadlines, want 0", src, n)
		}
	}
}
