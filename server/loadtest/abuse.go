package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"trots/accounts"
	"trots/server"
	"trots/survey"
	"trots/survey/demo"
)

// The abuse benchmark (-abuse, issue 20): while real respondents post
// answers at a steady rate, each from an address of its own (127.0.0.x:
// the whole of 127/8 is loopback), one attack at a time runs for
// -attack-duration against a trots with its default limits. The
// respondents begin -ramp-up after the attack: what is measured is
// answering while an attack goes on, not the instant it starts (in which
// 3,000 slow connections dialled at once put the respondents' first
// connections ~270 ms behind them in the kernel's accept queue):
//
//   - garbage: `{}` posted as fast as possible from one address to the
//     API addresses of the links the respondents use;
//   - slow: connections from eight addresses that send a survey post's
//     headers and then trickle its body, reopened as the server closes them;
//   - reports: a viewer's API token asking for report after report;
//   - made-up: well-formed survey posts to made-up codes.
//
// For each it prints the share of real answers stored, their p99, the
// process's memory (RSS, Go heap) and how much the database grew. The goal
// of the issue: at least 99% stored, p99 under 100 ms, memory under 1 GB,
// database growth bounded. Every acknowledged answer is counted back.

const (
	attackBaseline = "none (baseline)"
	attackGarbage  = "garbage: {} to the links' API, 8 connections, 1 address"
	attackSlow     = "slow: connections trickling a post's body, 8 addresses"
	attackReports  = "reports: a viewer's token, 4 connections"
	attackMadeUp   = "made-up codes: valid forms to unknown links, 8 connections"
)

// phase is what one attack did to the real answers, and to the process.
type phase struct {
	attack           string
	sent, stored     int64
	p99              time.Duration
	attackRequests   int64
	maxRSS, maxHeap  uint64
	dbGrowth         int64
	reportJobs       int
	slowConnsHeldMax int64
}

func (b *bench) abuse(ctx context.Context, w io.Writer) error {
	tmp, err := os.MkdirTemp("", "trots-abuse-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	dbPath := filepath.Join(tmp, "abuse.db")
	st, err := survey.Open(ctx, dbPath, survey.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintln(b.progress, "abuse: seeding the demo organisation")
	res, err := demo.Seed(ctx, st, b.q, demo.Generate(b.q, b.cfg.seed))
	if err != nil {
		return err
	}
	acc := accounts.New(st)
	viewer, err := acc.CreateUser(ctx, accounts.User{Email: "viewer@example.org", Role: accounts.RoleViewer}, "correct horse battery")
	if err != nil {
		return err
	}
	token, err := acc.NewAPIToken(ctx, "viewer@example.org", "abuse")
	if err != nil {
		return err
	}
	// A pulse of the benchmark's own questionnaire, whose forms the real
	// respondents post (the demo's open pulse is the short pulse).
	pulse, err := st.CreatePulse(ctx, survey.Pulse{Name: "abuse", QuestionnaireID: b.q.ID, QuestionnaireVersion: b.q.Version})
	if err != nil {
		return err
	}
	if pulse, err = st.OpenPulse(ctx, pulse.ID); err != nil {
		return err
	}
	links, err := st.Links(ctx, pulse.ID)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := server.New(server.Config{}, log, st, acc) // the default limits
	sctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, ln, 10*time.Second) }()
	defer func() { stop(); <-done; srv.Close() }()
	addr := ln.Addr().String()

	attacks := []struct {
		name string
		run  func(ctx context.Context, count *atomic.Int64, held *atomic.Int64)
	}{
		{attackBaseline, func(ctx context.Context, _, _ *atomic.Int64) { <-ctx.Done() }},
		{attackGarbage, func(ctx context.Context, n, _ *atomic.Int64) { garbage(ctx, addr, links, n) }},
		{attackSlow, func(ctx context.Context, n, held *atomic.Int64) {
			slowPosts(ctx, addr, links[0].Code, b.cfg.slowConns, n, held)
		}},
		{attackReports, func(ctx context.Context, n, _ *atomic.Int64) { reportFlood(ctx, addr, token, res, n) }},
		{attackMadeUp, func(ctx context.Context, n, _ *atomic.Int64) { madeUp(ctx, addr, b.forms, n) }},
	}
	var phases []phase
	for _, a := range attacks {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		before, err := st.ResponseCounts(ctx, pulse.ID)
		if err != nil {
			return err
		}
		size0 := dbSize(dbPath)
		p := b.underAttack(ctx, addr, links, a.name, a.run)
		p.dbGrowth = dbSize(dbPath) - size0
		after, err := st.ResponseCounts(ctx, pulse.ID)
		if err != nil {
			return err
		}
		p.stored = int64(sum(after) - sum(before))
		jobs, err := st.ReportJobs(ctx, viewer.ID, 100_000)
		if err != nil {
			return err
		}
		p.reportJobs = len(jobs)
		fmt.Fprintf(b.progress, "abuse %-60s real answers %d/%d stored, p99 %s, attack requests %d, RSS %d MB, DB +%d kB, report jobs %d, slow connections held %d\n",
			a.name, p.stored, p.sent, ms(p.p99), p.attackRequests, p.maxRSS>>20, p.dbGrowth>>10, p.reportJobs, p.slowConnsHeldMax)
		phases = append(phases, p)
	}
	printAbuse(w, b.cfg, phases)
	for _, p := range phases {
		if p.stored > p.sent {
			return fmt.Errorf("%s: %d stored, but only %d real answers were sent", p.attack, p.stored, p.sent)
		}
	}
	return nil
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// underAttack runs the real respondents and one attack for the attack
// duration, sampling memory meanwhile.
func (b *bench) underAttack(ctx context.Context, addr string, links []survey.Link, name string,
	attack func(ctx context.Context, count, held *atomic.Int64)) phase {
	p := phase{attack: name}
	actx, cancel := context.WithTimeout(ctx, b.cfg.rampUp+b.cfg.attackDuration)
	defer cancel()
	var count, held atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); attack(actx, &count, &held) }()
	pause(actx, b.cfg.rampUp)
	// Memory, every 100 ms.
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			p.maxHeap = max(p.maxHeap, ms.HeapInuse)
			p.maxRSS = max(p.maxRSS, rss())
			p.slowConnsHeldMax = max(p.slowConnsHeldMax, held.Load())
			select {
			case <-actx.Done():
				return
			case <-t.C:
			}
		}
	}()
	// The respondents: each its own address, paced so that together they
	// send -real-rate answers a second.
	clients := b.cfg.realClients
	every := time.Duration(float64(time.Second) * float64(clients) / b.cfg.realRate)
	var mu sync.Mutex
	var lat []time.Duration
	var sent atomic.Int64
	var rwg sync.WaitGroup
	for c := range clients {
		rwg.Add(1)
		go func() {
			defer rwg.Done()
			cl := newClient(addr, http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Sec-Fetch-Site": {"same-origin"}})
			cl.local = &net.TCPAddr{IP: net.IPv4(127, 0, byte(1+c/200), byte(10+c%200))}
			defer cl.close()
			t := time.NewTicker(every)
			defer t.Stop()
			for i := 0; ; i++ {
				select {
				case <-actx.Done():
					return
				case <-t.C:
				}
				link := links[(c+i*clients)%len(links)]
				body := b.forms[(c*7919+i)%len(b.forms)] + "&submission_key=" + survey.NewID()
				sent.Add(1)
				t0 := time.Now()
				status, err := cl.post("/s/"+link.Code+"?lang=nl", []byte(body))
				d := time.Since(t0)
				if err == nil && status != http.StatusSeeOther {
					err = fmt.Errorf("status %d", status)
				}
				mu.Lock()
				if err == nil {
					lat = append(lat, d)
				} else {
					lat = append(lat, time.Hour) // a failure counts as the slowest
				}
				mu.Unlock()
			}
		}()
	}
	rwg.Wait()
	wg.Wait()
	slices.Sort(lat)
	p.sent, p.p99, p.attackRequests = sent.Load(), percentile(lat, 0.99), count.Load()
	return p
}

// garbage posts `{}` to the API address of every link, from one address.
func garbage(ctx context.Context, addr string, links []survey.Link, n *atomic.Int64) {
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := newClient(addr, http.Header{"Content-Type": {"application/json"}})
			cl.local = &net.TCPAddr{IP: net.IPv4(127, 0, 2, 1)}
			defer cl.close()
			for i := 0; ctx.Err() == nil; i++ {
				cl.post("/api/v1/surveys/"+links[(g+i)%len(links)].Code+"/responses", []byte(`{}`))
				n.Add(1)
			}
		}()
	}
	wg.Wait()
}

// slowPosts keeps up to conns connections open from eight addresses, each
// sending a survey post's headers and then a byte of its body a second.
func slowPosts(ctx context.Context, addr, code string, conns int, n, held *atomic.Int64) {
	var wg sync.WaitGroup
	for g := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			src := &net.TCPAddr{IP: net.IPv4(127, 0, 3, byte(1+g%8))}
			d := net.Dialer{LocalAddr: src, Timeout: time.Second}
			for ctx.Err() == nil {
				c, err := d.DialContext(ctx, "tcp", addr)
				if err != nil {
					pause(ctx, 100*time.Millisecond)
					continue
				}
				n.Add(1)
				held.Add(1)
				fmt.Fprintf(c, "POST /s/%s HTTP/1.1\r\nHost: trots\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n", code)
				t := time.NewTicker(time.Second)
				for ctx.Err() == nil {
					if _, err := c.Write([]byte("a")); err != nil {
						break
					}
					select {
					case <-ctx.Done():
					case <-t.C:
					}
				}
				t.Stop()
				c.Close()
				held.Add(-1)
				pause(ctx, 100*time.Millisecond) // the attacker's own pace of reconnecting
			}
		}()
	}
	wg.Wait()
}

func pause(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// reportFlood asks for report after report with a viewer's token: the
// organisation's and every department's, in both languages.
func reportFlood(ctx context.Context, addr, token string, res demo.Result, n *atomic.Int64) {
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := newClient(addr, http.Header{"Authorization": {"Bearer " + token}})
			cl.local = &net.TCPAddr{IP: net.IPv4(127, 0, 4, 1)}
			defer cl.close()
			for i := g; ctx.Err() == nil; i += 4 {
				q := "?lang=nl"
				if i%2 == 1 {
					q = "?lang=en"
				}
				if k := (i / 2) % (len(res.Departments) + 1); k > 0 {
					q += "&department=" + res.Departments[k-1].Department.ID
				}
				cl.post("/api/v1/pulses/"+res.Baseline.ID+"/reports"+q, nil)
				n.Add(1)
			}
		}()
	}
	wg.Wait()
}

// madeUp posts complete, valid forms to made-up survey codes.
func madeUp(ctx context.Context, addr string, forms []string, n *atomic.Int64) {
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := newClient(addr, http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
			cl.local = &net.TCPAddr{IP: net.IPv4(127, 0, 5, byte(1+g))}
			defer cl.close()
			for i := 0; ctx.Err() == nil; i++ {
				cl.post("/s/"+survey.NewID(), []byte(forms[i%len(forms)]+"&submission_key="+survey.NewID()))
				n.Add(1)
			}
		}()
	}
	wg.Wait()
}

// rss is this process's resident memory in bytes (0: unknown).
func rss() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// dbSize is the SQLite database's size with its WAL.
func dbSize(path string) int64 {
	var n int64
	for _, suffix := range []string{"", "-wal"} {
		if fi, err := os.Stat(path + suffix); err == nil {
			n += fi.Size()
		} else if !errors.Is(err, os.ErrNotExist) {
			return -1
		}
	}
	return n
}

func printAbuse(w io.Writer, cfg config, phases []phase) {
	fmt.Fprintf(w, "\nAbuse benchmark: %d real respondents (one address each) sending %.0f answers/s in all for %s during each attack, which began %s before them, SQLite, default limits, %s on %d CPUs\n\n",
		cfg.realClients, cfg.realRate, cfg.attackDuration, cfg.rampUp, runtime.Version(), runtime.NumCPU())
	fmt.Fprintln(w, "| attack | attack requests (slow: connections) | real answers stored | p99 | max RSS | max Go heap | database growth | viewer's report jobs |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|")
	met := true
	for _, p := range phases {
		share := 0.0
		if p.sent > 0 {
			share = float64(p.stored) / float64(p.sent)
		}
		fmt.Fprintf(w, "| %s | %s | %d / %d (%.1f%%) | %s | %d MB | %d MB | %d kB | %d |\n", p.attack, thousands(float64(p.attackRequests)),
			p.stored, p.sent, 100*share, ms(p.p99), p.maxRSS>>20, p.maxHeap>>20, p.dbGrowth>>10, p.reportJobs)
		if share < 0.99 || p.p99 >= 100*time.Millisecond || p.maxRSS >= 1<<30 {
			met = false
		}
	}
	verdict := "met"
	if !met {
		verdict = "NOT met"
	}
	fmt.Fprintf(w, "\nGoal (>= 99%% of real answers stored, p99 < 100 ms, memory < 1 GB during every attack): %s\n", verdict)
}
