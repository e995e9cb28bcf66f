// Command loadtest measures how many survey responses trots stores per
// second, durably, through its real HTTP path - and, in the same run, the
// ceiling of the machine it runs on:
//
//   - ceiling: the same requests against the same Echo app (middleware,
//     link, pulse and department look-ups, DecodeAnswers, the redirect) with
//     a store whose Submit stores nothing;
//   - durable: the real app on a real store; every acknowledged response
//     (303 from the form, 201 from the API) was committed first, and the
//     rows are counted afterwards to prove it;
//   - raw: the same rows through survey.Store.Submit from as many
//     goroutines as there are clients, without HTTP.
//
// Phone-like clients (default 64, keep-alive connections, each a goroutine
// that writes its request and reads the answer itself: see client.go) post complete
// advocacy-readiness responses drawn from the demo generator, each with a
// fresh submission key, to the links of many departments. Every path runs
// for several short rounds on a fresh database; the table shows the median
// of the rounds.
//
//	go run ./server/loadtest                          # SQLite in a temporary folder
//	go run ./server/loadtest -postgres postgres://... # and PostgreSQL (an admin DSN:
//	                                                  # a database per round is created and dropped)
//	go run ./server/loadtest -url http://127.0.0.1:8080 -db data/trots.db
//	                                                  # drive a running trots serve
//
// It only talks to loopback addresses.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	_ "net/http/pprof" // -pprof
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"
)

// config is what the flags say.
type config struct {
	clients     int
	duration    time.Duration
	warmup      time.Duration
	rounds      int
	maxRequests int64
	departments int
	paths       []string
	sqlite      bool
	postgres    string // admin DSN; empty: SQLite only
	url         string // a running trots serve; empty: in-process
	db          string // with url: the server's database
	api         bool
	seed        uint64
	cpuProfile  string
	pprofAddr   string
	// -abuse (abuse.go)
	abuse          bool
	attackDuration time.Duration
	rampUp         time.Duration
	realClients    int
	realRate       float64
	slowConns      int
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if cfg.cpuProfile != "" {
		f, err := os.Create(cfg.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if cfg.pprofAddr != "" {
		if err := loopbackURL("http://" + cfg.pprofAddr); err != nil {
			return err
		}
		runtime.SetBlockProfileRate(int(time.Microsecond))
		runtime.SetMutexProfileFraction(10)
		go http.ListenAndServe(cfg.pprofAddr, nil) // DefaultServeMux holds net/http/pprof
	}
	b, err := newBench(cfg, stderr)
	if err != nil {
		return err
	}
	if cfg.abuse {
		return b.abuse(ctx, stdout)
	}
	var engines []engine
	switch {
	case cfg.url != "":
		engines = append(engines, existingEngine(cfg.db))
	default:
		if cfg.sqlite {
			tmp, err := os.MkdirTemp("", "trots-loadtest-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(tmp)
			engines = append(engines, sqliteEngine(tmp))
		}
		if cfg.postgres != "" {
			e, err := postgresEngine(ctx, cfg.postgres)
			if err != nil {
				return err
			}
			defer e.close()
			engines = append(engines, e)
		}
	}
	var reports []engineReport
	for _, e := range engines {
		r, err := b.measure(ctx, e)
		if err != nil {
			return fmt.Errorf("%s: %w", e.name, err)
		}
		reports = append(reports, r)
	}
	printReport(stdout, cfg, b, reports)
	for _, r := range reports {
		if err := r.problem(); err != nil {
			return err
		}
	}
	return nil
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	fs.IntVar(&cfg.clients, "clients", 64, "concurrent clients (keep-alive connections), and goroutines of the raw path")
	fs.DurationVar(&cfg.duration, "duration", 10*time.Second, "measured time of one path in one round")
	fs.DurationVar(&cfg.warmup, "warmup", time.Second, "unmeasured time before each measurement (its responses are verified too)")
	fs.IntVar(&cfg.rounds, "rounds", 3, "rounds; the table shows their median")
	fs.Int64Var(&cfg.maxRequests, "max-requests", 2_000_000, "at most this many requests per path and round (0: no limit)")
	fs.IntVar(&cfg.departments, "departments", 0, "departments (survey links) the clients spread over (default 50; 1000 with -url, whose rate limit is per link)")
	paths := fs.String("paths", "ceiling,durable,raw", "what to measure: any of ceiling, durable, raw")
	fs.BoolVar(&cfg.sqlite, "sqlite", true, "measure SQLite (WAL, synchronous=FULL) in a temporary folder")
	fs.StringVar(&cfg.postgres, "postgres", "", "also measure PostgreSQL: an admin DSN on loopback (a database is created and dropped per round)")
	fs.StringVar(&cfg.url, "url", "", "drive a running `trots serve` at this loopback URL instead of an in-process server (needs -db)")
	fs.StringVar(&cfg.db, "db", "", "with -url: the server's database (SQLite file or postgres:// URL), to seed a pulse and count the rows")
	fs.BoolVar(&cfg.api, "api", false, "post JSON to /api/v1/surveys/:code/responses instead of the form to /s/:code")
	fs.Uint64Var(&cfg.seed, "seed", 1, "seed of the demo answers")
	fs.StringVar(&cfg.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run to this file")
	fs.BoolVar(&cfg.abuse, "abuse", false, "run the abuse benchmark instead: real answers while each attack runs (abuse.go)")
	fs.DurationVar(&cfg.attackDuration, "attack-duration", 10*time.Second, "with -abuse: how long each attack runs")
	fs.DurationVar(&cfg.rampUp, "ramp-up", time.Second, "with -abuse: how long each attack runs before the respondents begin")
	fs.IntVar(&cfg.realClients, "real-clients", 32, "with -abuse: respondents, each from an address of its own")
	fs.Float64Var(&cfg.realRate, "real-rate", 200, "with -abuse: real answers a second, all respondents together")
	fs.IntVar(&cfg.slowConns, "slow-conns", 3000, "with -abuse: slow connections the slow attack keeps trying to hold")
	fs.StringVar(&cfg.pprofAddr, "pprof", "", "serve net/http/pprof at this loopback address while running (e.g. 127.0.0.1:6060)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: go run ./server/loadtest [flags]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, err
		}
		return cfg, errUsage
	}
	bad := func(format string, a ...any) (config, error) {
		fmt.Fprintf(stderr, "loadtest: "+format+"\n", a...)
		return cfg, errUsage
	}
	for _, p := range strings.Split(*paths, ",") {
		p = strings.TrimSpace(p)
		if !slices.Contains([]string{pathCeiling, pathDurable, pathRaw}, p) {
			return bad("-paths: unknown path %q", p)
		}
		cfg.paths = append(cfg.paths, p)
	}
	switch {
	case fs.NArg() > 0:
		return bad("unexpected argument %q", fs.Arg(0))
	case cfg.abuse && (cfg.attackDuration <= 0 || cfg.rampUp < 0 || cfg.realClients < 1 || cfg.realRate <= 0 || cfg.slowConns < 0):
		return bad("-abuse needs a positive -attack-duration, -real-clients and -real-rate")
	case cfg.clients < 1 || cfg.rounds < 1 || cfg.duration <= 0 || cfg.warmup < 0 || cfg.maxRequests < 0:
		return bad("-clients and -rounds must be at least 1, -duration positive")
	case cfg.url != "" && cfg.db == "":
		return bad("-url needs -db, the server's database")
	case cfg.url == "" && cfg.db != "":
		return bad("-db is for -url; without it the databases are temporary")
	case cfg.url != "" && cfg.postgres != "":
		return bad("-url and -postgres exclude each other: -db names the one database")
	case cfg.url == "" && !cfg.sqlite && cfg.postgres == "":
		return bad("nothing to measure: -sqlite=false without -postgres")
	}
	if cfg.url != "" {
		if err := loopbackURL(cfg.url); err != nil {
			return bad("-url: %v", err)
		}
	}
	if cfg.postgres != "" {
		if err := loopbackURL(cfg.postgres); err != nil {
			return bad("-postgres: %v", err)
		}
	}
	if cfg.departments == 0 {
		cfg.departments = 50
		if cfg.url != "" {
			cfg.departments = 1000
		}
	}
	return cfg, nil
}

// loopbackURL refuses any address but this machine's: the load test must
// never be pointed at someone else's service.
func loopbackURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not a URL", raw)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%s is not a loopback address (127.0.0.1, ::1 or localhost)", host)
}
