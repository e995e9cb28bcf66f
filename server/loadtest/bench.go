package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"trots/questionnaires"
	"trots/server"
	"trots/survey"
	"trots/survey/demo"
)

// The paths measured, in the order they run in a round.
const (
	pathCeiling = "ceiling"
	pathDurable = "durable"
	pathRaw     = "raw"
)

// bench holds what every round posts: complete responses from the demo
// generator, encoded once as form bodies and JSON, and validated once for
// the raw path.
type bench struct {
	cfg      config
	progress io.Writer
	q        *questionnaires.Questionnaire
	forms    []string // url-encoded answers, without the submission key
	jsons    []string // the "answers" object of the JSON API
	decoded  []survey.Decoded
}

func newBench(cfg config, progress io.Writer) (*bench, error) {
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		return nil, err
	}
	b := &bench{cfg: cfg, progress: progress, q: q}
	org := demo.Generate(q, cfg.seed)
	for _, d := range org.Departments {
		for _, r := range d.Responses {
			values := r.Values()
			dec := survey.DecodeAnswers(q, values)
			if err := dec.Err(); err != nil {
				return nil, fmt.Errorf("a demo response is not valid (%v): %w", dec.Errors, err)
			}
			form := url.Values{}
			for id, vals := range values {
				form["a."+id] = vals
			}
			answers, err := json.Marshal(jsonAnswers(q, values))
			if err != nil {
				return nil, err
			}
			b.forms = append(b.forms, form.Encode())
			b.jsons = append(b.jsons, string(answers))
			b.decoded = append(b.decoded, dec)
		}
	}
	if len(b.forms) == 0 {
		return nil, errors.New("the demo generator made no responses")
	}
	return b, nil
}

// jsonAnswers writes values the way an app would: numbers as numbers, a
// single choice as a string, several as an array, text as a string.
func jsonAnswers(q *questionnaires.Questionnaire, values map[string][]string) map[string]any {
	out := make(map[string]any, len(values))
	for id, vals := range values {
		it, _ := q.Item(id)
		switch {
		case it.Scale.Type == questionnaires.Likert || it.Scale.Type == questionnaires.NPS:
			n, _ := strconv.Atoi(vals[0])
			out[id] = n
		case it.Scale.Type == questionnaires.Choice && it.Scale.Multiple:
			out[id] = vals
		default:
			out[id] = vals[0]
		}
	}
	return out
}

// result is one path in one round.
type result struct {
	rate     float64 // acknowledged per second in the measured window
	p50, p99 time.Duration
	cores    float64 // processor time used per second of the window
	acked    int64   // all acknowledged, warm-up included: the rows expected
	errors   int64
	firstErr string
	rows     int64 // counted in the database afterwards (-1: not counted)
	// What the group writer did meanwhile (durable and raw paths), and
	// the bytes this process wrote to storage (-1: unknown).
	writer  survey.WriterStats
	written int64
}

// round is one fresh database with two open pulses on the
// advocacy-readiness questionnaire: the HTTP paths post to the links of
// one, the raw path submits to the other, so that each count is checked
// on its own.
type round struct {
	store              *survey.Store
	web, raw           []survey.Link
	webPulse, rawPulse survey.Pulse
}

func (b *bench) setup(ctx context.Context, dsn string) (*round, error) {
	st, err := survey.Open(ctx, dsn, survey.Options{})
	if err != nil {
		return nil, err
	}
	r := &round{store: st}
	tag := survey.NewID()[:6]
	ours := map[string]bool{}
	for i := range b.cfg.departments {
		d, err := st.CreateDepartment(ctx, survey.Department{Name: fmt.Sprintf("Load %s %04d", tag, i+1), Headcount: 500, ExternallyVisible: true})
		if err != nil {
			st.Close()
			return nil, err
		}
		ours[d.ID] = true
	}
	open := func(name string) (survey.Pulse, []survey.Link, error) {
		p, err := st.CreatePulse(ctx, survey.Pulse{Name: name + " " + tag, QuestionnaireID: b.q.ID, QuestionnaireVersion: b.q.Version})
		if err != nil {
			return p, nil, err
		}
		if p, err = st.OpenPulse(ctx, p.ID); err != nil {
			return p, nil, err
		}
		all, err := st.Links(ctx, p.ID)
		if err != nil {
			return p, nil, err
		}
		var links []survey.Link
		for _, l := range all {
			if ours[l.DepartmentID] {
				links = append(links, l)
			}
		}
		return p, links, nil
	}
	if r.webPulse, r.web, err = open("Load test over HTTP"); err == nil {
		r.rawPulse, r.raw, err = open("Load test without HTTP")
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	return r, nil
}

// count returns the responses stored for a pulse.
func (r *round) count(ctx context.Context, p survey.Pulse) (int64, error) {
	counts, err := r.store.ResponseCounts(ctx, p.ID)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, c := range counts {
		n += int64(c)
	}
	return n, nil
}

// engineReport holds every round of every path on one engine.
type engineReport struct {
	engine  engine
	results map[string][]result
}

// measure runs the rounds on one engine.
func (b *bench) measure(ctx context.Context, e engine) (engineReport, error) {
	rep := engineReport{engine: e, results: map[string][]result{}}
	for i := 1; i <= b.cfg.rounds; i++ {
		dsn, drop, err := e.fresh(ctx, i)
		if err != nil {
			return rep, err
		}
		err = b.round(ctx, e, i, dsn, &rep)
		drop()
		if err != nil {
			return rep, err
		}
	}
	return rep, nil
}

func (b *bench) round(ctx context.Context, e engine, i int, dsn string, rep *engineReport) error {
	r, err := b.setup(ctx, dsn)
	if err != nil {
		return err
	}
	defer r.store.Close()
	for _, path := range b.cfg.paths {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var res result
		stats0, written0 := r.store.WriterStats(), bytesWritten()
		switch path {
		case pathCeiling:
			res, err = b.overHTTP(ctx, r, noStorage{r.store}, "")
		case pathDurable:
			res, err = b.overHTTP(ctx, r, r.store, b.cfg.url)
		case pathRaw:
			res = b.direct(ctx, r)
		}
		if err != nil {
			return err
		}
		stats1, written1 := r.store.WriterStats(), bytesWritten()
		res.writer = survey.WriterStats{Groups: stats1.Groups - stats0.Groups, Submissions: stats1.Submissions - stats0.Submissions,
			Work: stats1.Work - stats0.Work, Commit: stats1.Commit - stats0.Commit,
			Answered: stats1.Answered - stats0.Answered, Queued: stats1.Queued - stats0.Queued,
			InGroup: stats1.InGroup - stats0.InGroup, Wake: stats1.Wake - stats0.Wake}
		res.written = -1
		if written0 >= 0 && written1 >= 0 {
			res.written = written1 - written0
		}
		res.rows = -1
		switch path {
		case pathDurable:
			if res.rows, err = r.count(ctx, r.webPulse); err != nil {
				return err
			}
		case pathRaw:
			if res.rows, err = r.count(ctx, r.rawPulse); err != nil {
				return err
			}
		}
		fmt.Fprintf(b.progress, "%s round %d %-8s %8.0f/s  p50 %-8s p99 %-8s CPU %.2f cores, acknowledged %d, rows %s, errors %d%s\n",
			e.name, i, path, res.rate, ms(res.p50), ms(res.p99), res.cores, res.acked, rowsText(res.rows), res.errors, progressFigures(e, res))
		rep.results[path] = append(rep.results[path], res)
	}
	// The ceiling stores nothing: the web pulse holds the durable path's
	// rows only, which the durable count above already checked.
	return nil
}

// noStorage is the store of the ceiling: everything the handlers read
// comes from the real store; Submit accepts without storing.
type noStorage struct{ *survey.Store }

func (noStorage) Submit(context.Context, survey.Submission) (survey.Receipt, error) {
	return survey.Receipt{}, nil
}

// ProbeWrite has nothing to write to: the ceiling stores nothing.
func (noStorage) ProbeWrite(context.Context) error { return nil }

// storeAPI is what server.New needs; both the real store and noStorage have it.
type storeAPI interface {
	Ping(ctx context.Context) error
	ProbeWrite(ctx context.Context) error
	Settings(ctx context.Context) (survey.Settings, error)
	LinkByCode(ctx context.Context, code string) (survey.Link, error)
	LinkByToken(ctx context.Context, token string) (survey.Link, error)
	Pulse(ctx context.Context, id string) (survey.Pulse, error)
	Department(ctx context.Context, id string) (survey.Department, error)
	Submit(ctx context.Context, sub survey.Submission) (survey.Receipt, error)
}

var _ storeAPI = noStorage{}

// overHTTP posts responses to the links of the web pulse: to an in-process
// trots on loopback serving st, or to target when it is set.
func (b *bench) overHTTP(ctx context.Context, r *round, st storeAPI, target string) (result, error) {
	if target == "" {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return result{}, err
		}
		// Request logs formatted as in production, written nowhere; the
		// rate limit per link raised, since every client shares few links.
		log := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
		srv := server.New(server.Config{SurveyRate: 1e9, SurveyBurst: 1 << 30}, log, st, nil) // the survey only
		sctx, stop := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- srv.Serve(sctx, ln, 10*time.Second) }()
		defer func() { stop(); <-done }()
		target = "http://" + ln.Addr().String()
	}
	u, err := url.Parse(target)
	if err != nil {
		return result{}, err
	}
	want, contentType := http.StatusSeeOther, "application/x-www-form-urlencoded"
	if b.cfg.api {
		want, contentType = http.StatusCreated, "application/json"
	}
	header := http.Header{
		"Content-Type": {contentType},
		// What a phone's browser sends with a form posted from the survey page.
		"Sec-Fetch-Site":  {"same-origin"},
		"Accept-Language": {"nl-NL,nl;q=0.9,en;q=0.8"},
		"User-Agent":      {"Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) trots-loadtest"},
	}
	clients := make([]*client, b.cfg.clients)
	for c := range clients {
		clients[c] = newClient(u.Host, header)
	}
	defer func() {
		for _, c := range clients {
			c.close()
		}
	}()
	post := func(ctx context.Context, c, i int) error {
		link := r.web[(c+i*b.cfg.clients)%len(r.web)]
		n := (c*7919 + i) % len(b.forms)
		var body []byte
		var path string
		if b.cfg.api {
			path = "/api/v1/surveys/" + link.Code + "/responses"
			body = []byte(`{"submission_key":"` + survey.NewID() + `","answers":` + b.jsons[n] + `}`)
		} else {
			path = "/s/" + link.Code + "?lang=nl"
			body = []byte(b.forms[n] + "&submission_key=" + survey.NewID())
		}
		status, err := clients[c].post(path, body)
		if err != nil {
			return err
		}
		if status != want {
			return fmt.Errorf("status %d, want %d", status, want)
		}
		return nil
	}
	return drive(ctx, b.cfg, post), nil
}

// direct submits the same rows through Store.Submit, without HTTP.
func (b *bench) direct(ctx context.Context, r *round) result {
	return drive(ctx, b.cfg, func(ctx context.Context, c, i int) error {
		dec := b.decoded[(c*7919+i)%len(b.decoded)]
		link := r.raw[(c+i*b.cfg.clients)%len(r.raw)]
		_, err := r.store.Submit(ctx, survey.Submission{Link: link, Key: survey.NewID(), Answers: dec.Answers, Comments: dec.Comments})
		return err
	})
}

func progressFigures(e engine, r result) string {
	if f := figures(e, r); f.groups > 0 {
		return "; " + f.String()
	}
	return ""
}
