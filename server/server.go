// Package server is trots' HTTP side: the Echo instance, its middleware and
// route table, and the thin handlers that bind requests, call the survey
// store, the analysis or the reports, and render. It never imports GORM.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"trots/accounts"
	"trots/questionnaires"
	"trots/server/metrics"
	"trots/survey"
)

// Config holds what the server needs besides its collaborators.
type Config struct {
	// BodyLimit caps request bodies (Echo notation, e.g. "1M").
	BodyLimit string
	// RequestTimeout bounds the work of one request through its context.
	RequestTimeout time.Duration
	// TLS tells the server it is reached over https (directly or through a
	// proxy), which turns on HSTS and Secure cookies.
	TLS bool
	// TrustedProxies are the reverse proxies (from ParseTrustedProxies)
	// whose X-Forwarded-For names the client. Without them every request
	// comes from the address that connected: behind a proxy that is the
	// proxy, and the login limits, keyed on the client's address, would
	// then count everyone's failures together.
	TrustedProxies []*net.IPNet
	// SurveyRate and SurveyBurst bound the submissions per survey link: a
	// steady rate per second and the burst allowed at once. A whole office
	// shares one IP address, so the limit is per link, and generous. Valid
	// answers and refused posts have a budget each (ratelimit.go); made-up
	// codes and tokens share one bucket of this size.
	SurveyRate  float64
	SurveyBurst int
	// SurveySourceRate and SurveySourceBurst are one source's share of a
	// link's budget (default half of it): no one address can spend it
	// all.
	SurveySourceRate  float64
	SurveySourceBurst int
	// Connections (connlimit.go, Serve): at most MaxConns at once, and
	// MaxConnsPerSource from one address (trusted proxies excepted).
	MaxConns          int
	MaxConnsPerSource int
	// HeaderTimeout bounds reading a request's headers, SurveyBodyTimeout
	// reading the body of a survey post, IdleTimeout a keep-alive
	// connection waiting for its next request.
	HeaderTimeout     time.Duration
	SurveyBodyTimeout time.Duration
	IdleTimeout       time.Duration
	// Quotas of work per console account (quota.go).
	Quotas Quotas
	// LoginRate and LoginBurst bound login attempts per client address
	// (default 1 a second, bursts of 30), besides the per-account back-off.
	LoginRate  float64
	LoginBurst int
	// Questionnaire returns the questionnaire a pulse was opened with; nil
	// uses the questionnaires shipped in the binary.
	Questionnaire func(id string, version int) (*questionnaires.Questionnaire, error)
	// Now is the clock that tells whether a pulse is open; nil is time.Now.
	Now func() time.Time
	// Metrics receives request counts and latencies, stored responses and
	// the durations of analyses; nil switches counting off
	// (TROTS_METRICS=off).
	Metrics *metrics.Registry
	// MetricsToken is the bearer token /metrics asks for; without one
	// there is no /metrics. It is never open: /metrics sits on the port
	// the surveys are answered on, and a count of stored responses that
	// anyone can poll is a record of when each response arrived.
	MetricsToken string
	// PublicURL is the address respondents reach trots at, which survey
	// links, QR codes and posters start with ("https://trots.example.org",
	// checked by ParsePublicURL); "" uses the address the console is
	// reached at.
	PublicURL string
	// SignOn configures single sign-on with the organisation's OpenID
	// Connect provider (signon.go); nil: none.
	SignOn *SignOnConfig
	// PasswordLoginOff switches password sign-in off: with single
	// sign-on, the provider is then the only way into the console.
	PasswordLoginOff bool
	// ParticipationEvery is how often the participation of an open pulse
	// is counted again (survey.Store.Participation; default a day,
	// TROTS_PARTICIPATION_EVERY): watched live, the pages' hidden cells
	// would tell when someone in a small department answered. Negative
	// counts at every look.
	ParticipationEvery time.Duration
}

// DefaultConfig is used for fields left zero.
func DefaultConfig() Config {
	return Config{BodyLimit: "1M", RequestTimeout: 30 * time.Second, SurveyRate: 20, SurveyBurst: 400,
		MaxConns: 4096, MaxConnsPerSource: 256, HeaderTimeout: 5 * time.Second, SurveyBodyTimeout: 10 * time.Second,
		IdleTimeout: 60 * time.Second, Quotas: DefaultQuotas(), ParticipationEvery: 24 * time.Hour}
}

// store is what the server needs of the survey store.
type store interface {
	Ping(ctx context.Context) error
	ProbeWrite(ctx context.Context) error
	Settings(ctx context.Context) (survey.Settings, error)
	LinkByCode(ctx context.Context, code string) (survey.Link, error)
	LinkByToken(ctx context.Context, token string) (survey.Link, error)
	Pulse(ctx context.Context, id string) (survey.Pulse, error)
	Department(ctx context.Context, id string) (survey.Department, error)
	Submit(ctx context.Context, sub survey.Submission) (survey.Receipt, error)
}

var _ store = (*survey.Store)(nil)

// Server is the HTTP service.
type Server struct {
	cfg   Config
	log   *slog.Logger
	store store
	e     *echo.Echo
	pages *pages
	// data is the survey store as the console sees it (console.go),
	// accounts the people who use it (accounts.go): both nil without
	// accounts, which leaves the console and the API out.
	data     consoleStore
	accounts accountStore
	console  *consolePages
	// limits holds the survey's rate limits (ratelimit.go).
	limits *surveyLimits
	// quotas holds the console's per-account quotas (quota.go).
	quotas *quotas
	// conns is the listener Serve caps connections with (connlimit.go).
	conns atomic.Pointer[sourceListener]
	// submits remembers what submissions to a link need (survey_cache.go).
	submits *submitCache
	// reports runs report jobs in the background (report_job.go); nil
	// without a console.
	reports *reportRunner
	// probe rate-limits /readyz's write probe (health.go).
	probe writeProbe
	// signon is single sign-on (signon.go); nil without one.
	signon *signOn
	// signonRate limits staff sign-on callbacks per address (signon.go).
	signonRate *addressLimiter
}

// New wires the service over the survey store st and the accounts acc of
// the same database. Without accounts (acc nil) it serves the survey
// only. log receives structured request logs that never carry addresses,
// user agents, query strings or survey codes.
func New(cfg Config, log *slog.Logger, st store, acc *accounts.Store) *Server {
	def := DefaultConfig()
	if cfg.BodyLimit == "" {
		cfg.BodyLimit = def.BodyLimit
	}
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = def.RequestTimeout
	}
	if cfg.SurveyRate <= 0 {
		cfg.SurveyRate = def.SurveyRate
	}
	if cfg.SurveyBurst <= 0 {
		cfg.SurveyBurst = def.SurveyBurst
	}
	if cfg.SurveySourceRate <= 0 {
		cfg.SurveySourceRate = cfg.SurveyRate / 2
	}
	if cfg.SurveySourceBurst <= 0 {
		cfg.SurveySourceBurst = max(cfg.SurveyBurst/2, 1)
	}
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = def.MaxConns
	}
	if cfg.MaxConnsPerSource <= 0 {
		cfg.MaxConnsPerSource = def.MaxConnsPerSource
	}
	if cfg.HeaderTimeout <= 0 {
		cfg.HeaderTimeout = def.HeaderTimeout
	}
	if cfg.SurveyBodyTimeout <= 0 {
		cfg.SurveyBodyTimeout = def.SurveyBodyTimeout
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = def.IdleTimeout
	}
	if cfg.ParticipationEvery == 0 {
		cfg.ParticipationEvery = def.ParticipationEvery
	}
	cfg.Quotas = cfg.Quotas.withDefaults()
	if cfg.Questionnaire == nil {
		cfg.Questionnaire = shippedQuestionnaires()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, log: log, store: st, e: echo.New(), pages: mustParsePages(), submits: newSubmitCache()}
	s.limits = newSurveyLimits(cfg)
	s.quotas = newQuotas(cfg.Quotas)
	s.e.HideBanner = true
	s.e.HidePort = true
	// Trust no X-Forwarded-For from clients: rate limits keyed on the
	// address would otherwise be trivial to bypass. Only the configured
	// proxies' word is taken (and not a private network's as such, which
	// echo would trust by default).
	s.e.IPExtractor = echo.ExtractIPDirect()
	if len(cfg.TrustedProxies) > 0 {
		opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
		for _, n := range cfg.TrustedProxies {
			opts = append(opts, echo.TrustIPRange(n))
		}
		s.e.IPExtractor = echo.ExtractIPFromXFFHeader(opts...)
	}
	s.e.HTTPErrorHandler = s.handleError
	if cfg.Metrics != nil {
		s.store = countingStore{store: st, m: cfg.Metrics}
		s.e.Use(withMetrics(cfg.Metrics))
	}
	// The request log is outside Recover so that a panic is logged and
	// counted as the 500 it becomes.
	s.e.Use(s.requestLog())
	s.e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.log.Error("panic", "route", c.Path(), "error", err.Error(), "stack", string(stack))
			return err
		},
	}))
	s.e.Use(secureHeaders(cfg.TLS))
	s.e.Use(compress())
	s.e.Use(middleware.BodyLimit(cfg.BodyLimit))
	s.e.Use(middleware.ContextTimeout(cfg.RequestTimeout))
	if cs, ok := st.(consoleStore); ok && acc != nil {
		s.data, s.accounts = cs, acc
	}
	if rs, ok := st.(reportStore); ok && s.data != nil {
		s.reports = newReportRunner(rs, s.accounts, log, cfg.Metrics, cfg.Quotas)
	}
	s.console = mustParseConsolePages(s.pages)
	if so, ok := st.(signOnStore); ok && cfg.SignOn != nil && s.data != nil {
		s.signon = newSignOn(*cfg.SignOn, so)
		s.signonRate = newAddressLimiter(cfg.LoginRate, cfg.LoginBurst)
	}
	s.routes()
	return s
}

// Handler returns the service as an http.Handler (for tests and embedding).
func (s *Server) Handler() http.Handler { return s.e }

// Serve answers on ln until ctx is cancelled, then stops accepting new
// connections and waits up to grace for requests in flight to finish.
// Connections are capped in total and per source (connlimit.go).
func (s *Server) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	capped := limitConns(ln, s.cfg)
	s.conns.Store(capped)
	ln = capped
	srv := &http.Server{
		Handler:           s.e,
		ReadHeaderTimeout: s.cfg.HeaderTimeout,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      s.cfg.RequestTimeout + 30*time.Second,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "grace", grace.String())
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	// Report jobs get what is left of the grace after the requests.
	defer func() {
		if s.reports != nil {
			s.reports.stop(sctx)
		}
	}()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("server: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("server: %w", err)
	}
	return nil
}

// requestLog logs the route pattern ("/s/:code"), never the URI: survey
// codes, tokens and query strings stay out of logs, and so do the client's
// address and user agent. It also feeds the request metrics. Errors are
// handed to the error handler here (HandleError) so that the status logged
// is the one sent.
func (s *Server) requestLog() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		HandleError: true,
		LogStatus:   true,
		LogLatency:  true,
		LogMethod:   true,
		LogError:    true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			route := c.Path()
			if route == "" {
				route = "(no route)"
			}
			attrs := []slog.Attr{
				slog.String("method", v.Method),
				slog.String("route", route),
				slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency),
			}
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
				if v.Error != nil {
					attrs = append(attrs, slog.String("error", v.Error.Error()))
				}
			}
			s.log.LogAttrs(c.Request().Context(), level, "request", attrs...)
			s.cfg.Metrics.ObserveRequest(route, v.Method, v.Status, v.Latency)
			return nil
		},
	})
}

// contentSecurityPolicy allows no inline script and nothing from elsewhere.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

func secureHeaders(tls bool) echo.MiddlewareFunc {
	cfg := middleware.SecureConfig{
		XSSProtection:         "0", // the old XSS auditor is gone; CSP does the work
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		ContentSecurityPolicy: contentSecurityPolicy,
		// no-referrer keeps survey codes out of other sites' logs.
		ReferrerPolicy: "no-referrer",
	}
	if tls {
		cfg.HSTSMaxAge = 31536000
	}
	secure := middleware.SecureWithConfig(cfg)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		h := secure(next)
		return func(c echo.Context) error {
			c.Response().Header().Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
			c.Response().Header().Set("Cross-Origin-Opener-Policy", "same-origin")
			return h(c)
		}
	}
}

// handleError answers every error the same way: a status, a stable code and
// a message safe for the user. Internal details go to the log only.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if survey.ErrorCode(err) == survey.EUnavailable {
		_ = s.unavailable(c, err)
		return
	}
	status := http.StatusInternalServerError
	code := "internal"
	msg := "Internal error."
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		status = he.Code
		code = http.StatusText(status)
		if m, ok := he.Message.(string); ok {
			msg = m
		} else {
			msg = http.StatusText(status)
		}
	case errors.Is(err, context.DeadlineExceeded):
		status, code, msg = http.StatusServiceUnavailable, "timeout", "The request took too long. Please try again."
	}
	if status >= 500 {
		s.log.Error("request failed", "route", c.Path(), "error", err.Error())
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	switch {
	case isProbe(c):
		// Probes and scrapers are machines: plain JSON, in English.
		_ = c.JSON(status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
	case isConsolePage(c):
		if status == http.StatusTooManyRequests {
			c.Response().Header().Set("Retry-After", "60")
		}
		s.renderConsoleStatus(c, status)
	case isSurveyPage(c):
		// Respondents get a page in their language, never JSON.
		s.renderStatusPage(c, status)
	case isRespondentAPI(c):
		// The survey API answers in its own error vocabulary.
		_ = apiError(c, status, requestLang(c), statusKey(status), nil)
	case isAPI(c):
		// The console's API speaks to HR's programs, in their language.
		s.consoleAPIStatus(c, status)
	default:
		// Anything else is someone's browser: an unknown address (a
		// survey link trimmed down to the host) gets a page in the
		// visitor's language that says where to go.
		s.renderSiteStatus(c, status)
	}
}

// ParseTrustedProxies reads a comma-separated list of addresses and
// networks (10.0.0.1, 10.0.0.0/8, ::1) for Config.TrustedProxies.
func ParseTrustedProxies(list string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			ip := net.ParseIP(f)
			if ip == nil {
				return nil, fmt.Errorf("%q is not an IP address or network (such as 10.0.0.1 or 10.0.0.0/8)", f)
			}
			bits := 128
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not an IP address or network (such as 10.0.0.1 or 10.0.0.0/8)", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// compress gzips pages, style sheets, scripts and JSON for browsers that
// take it: the survey page is read on phones, often on a slow connection.
// PDFs and PNGs are compressed already and skipped. Console forms carry a
// masked CSRF token (maskedCSRF), so compression gives no secret away.
func compress() echo.MiddlewareFunc {
	return middleware.GzipWithConfig(middleware.GzipConfig{
		Level:     6,
		MinLength: 512,
		Skipper: func(c echo.Context) bool {
			p := c.Request().URL.Path
			return strings.HasSuffix(p, ".pdf") || strings.HasSuffix(p, "/pdf") || strings.HasSuffix(p, ".png")
		},
	})
}
