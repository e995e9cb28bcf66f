package cli

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"trots/accounts"
	"trots/server"
	"trots/server/metrics"
	"trots/survey"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", "serve [flags]", stderr)
	addr := fs.String("addr", env("TROTS_ADDR", "127.0.0.1:8080"), "listen address (TROTS_ADDR)")
	dsn := fs.String("db", env("TROTS_DB", survey.DefaultDSN), "SQLite file or postgres:// URL (TROTS_DB)")
	logLevel := fs.String("log-level", env("TROTS_LOG_LEVEL", "info"), "debug, info, warn or error (TROTS_LOG_LEVEL)")
	logFormat := fs.String("log-format", env("TROTS_LOG_FORMAT", "text"), "text or json (TROTS_LOG_FORMAT)")
	bodyLimit := fs.String("body-limit", env("TROTS_BODY_LIMIT", "1M"), "largest request body accepted (TROTS_BODY_LIMIT)")
	timeout := fs.Duration("request-timeout", 30*time.Second, "time limit for one request's work")
	grace := fs.Duration("shutdown-grace", 15*time.Second, "how long requests in flight may finish at shutdown")
	proxies := fs.String("trusted-proxies", env("TROTS_TRUSTED_PROXIES", ""), "reverse proxies whose X-Forwarded-For names the client, e.g. 127.0.0.1 or 10.0.0.0/8; needed behind a proxy, or the login limits count all clients as one (TROTS_TRUSTED_PROXIES)")
	tls := fs.Bool("behind-tls", env("TROTS_BEHIND_TLS", "") == "true", "the service is reached over https (HSTS, Secure cookies) (TROTS_BEHIND_TLS=true)")
	metricsOn := fs.Bool("metrics", env("TROTS_METRICS", "on") != "off", "count requests, responses and durations for /metrics (TROTS_METRICS=off to switch off)")
	metricsToken := fs.String("metrics-token", env("TROTS_METRICS_TOKEN", ""), "bearer token /metrics asks for; without one there is no /metrics (TROTS_METRICS_TOKEN)")
	retention := retentionFlag(fs, "retention-months")
	publicURL := fs.String("public-url", env("TROTS_PUBLIC_URL", ""), "address employees reach trots at, which survey links, QR codes and posters start with, e.g. https://trots.example.org (TROTS_PUBLIC_URL; default: the address the console is opened at)")
	signOnIssuer := fs.String("signon-issuer", env("TROTS_OIDC_ISSUER", ""), "single sign-on: the OpenID Connect provider's issuer URL, e.g. https://login.microsoftonline.com/<tenant>/v2.0 (TROTS_OIDC_ISSUER; unset: no single sign-on)")
	signOnClient := fs.String("signon-client-id", env("TROTS_OIDC_CLIENT_ID", ""), "single sign-on: trots' client id at the provider (TROTS_OIDC_CLIENT_ID)")
	signOnName := fs.String("signon-name", env("TROTS_OIDC_NAME", "single sign-on"), "single sign-on: the provider's name on the sign-in button, e.g. Microsoft (TROTS_OIDC_NAME)")
	signOnRoles := fs.String("signon-roles", env("TROTS_OIDC_ROLES", ""), "single sign-on: which groups give which role, e.g. admin=trots-admins,viewer=trots-viewers|board,lead=trots-leads (TROTS_OIDC_ROLES)")
	signOnGroups := fs.String("signon-groups-claim", env("TROTS_OIDC_GROUPS_CLAIM", "groups"), "single sign-on: the ID token claim with the groups or roles (TROTS_OIDC_GROUPS_CLAIM)")
	signOnDept := fs.String("signon-department-claim", env("TROTS_OIDC_DEPARTMENT_CLAIM", ""), "single sign-on: the ID token claim with the department's name in trots, for leads and respondents (TROTS_OIDC_DEPARTMENT_CLAIM)")
	signOnScopes := fs.String("signon-scopes", env("TROTS_OIDC_SCOPES", ""), "single sign-on: scopes to ask for besides openid, email and profile, comma-separated (TROTS_OIDC_SCOPES)")
	passwordLogin := fs.Bool("password-login", env("TROTS_PASSWORD_LOGIN", "on") != "off", "console sign-in with a password; with single sign-on it can be switched off (TROTS_PASSWORD_LOGIN=off)")
	participationEvery := 24 * time.Hour
	fs.Func("participation-every", "how often the participation of an open pulse is counted again, e.g. 24h (the default), 12h, or live: counted live, the pages' hidden counts can tell when someone in a small department answered (TROTS_PARTICIPATION_EVERY)", func(v string) error {
		d, err := parseParticipationEvery(v)
		participationEvery = d
		return err
	})
	if v := env("TROTS_PARTICIPATION_EVERY", ""); v != "" {
		d, err := parseParticipationEvery(v)
		if err != nil {
			return usageError(fs, "TROTS_PARTICIPATION_EVERY: "+err.Error())
		}
		participationEvery = d
	}
	schedule := scheduleFlag(fs)
	limits := newLimitsFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if limits.err != nil {
		return usageError(fs, limits.err.Error())
	}
	if retention.err != nil {
		return usageError(fs, retention.err.Error())
	}
	public, err := server.ParsePublicURL(*publicURL)
	if err != nil {
		return usageError(fs, err.Error())
	}
	trusted, err := server.ParseTrustedProxies(*proxies)
	if err != nil {
		return usageError(fs, "--trusted-proxies (TROTS_TRUSTED_PROXIES): "+err.Error())
	}
	if schedule.err != nil {
		return usageError(fs, schedule.err.Error())
	}
	signOn, err := signOnConfig(*signOnIssuer, *signOnClient, env("TROTS_OIDC_CLIENT_SECRET", ""), *signOnName, *signOnRoles,
		*signOnGroups, *signOnDept, *signOnScopes, public)
	if err != nil {
		return usageError(fs, err.Error())
	}
	if !*passwordLogin && signOn == nil {
		return usageError(fs, "--password-login=false (TROTS_PASSWORD_LOGIN=off) needs single sign-on (TROTS_OIDC_ISSUER): nobody could sign in")
	}
	log, err := newLogger(stderr, *logLevel, *logFormat)
	if err != nil {
		return err
	}
	var reg *metrics.Registry
	if *metricsOn {
		reg = metrics.New(buildVersion(), time.Now())
		if *metricsToken == "" {
			log.Info("/metrics is off until a scrape token is set (TROTS_METRICS_TOKEN)")
		}
	}
	store, err := survey.Open(ctx, *dsn, survey.Options{Logger: log, KeyFile: keyFile()})
	if err != nil {
		return fmt.Errorf("cannot open or migrate the database (set TROTS_DB or --db): %w", err)
	}
	defer store.Close()
	stopRetention := startRetention(metrics.NewContext(ctx, reg), store, retention.n, log)
	defer stopRetention()
	// On PostgreSQL, what it keeps with every row stops telling the
	// order of arrival (seal.go).
	stopSealer := startSealer(metrics.NewContext(ctx, reg), store, sealEvery, log)
	defer stopSealer()
	// Pulses open and close on their dates (scheduler.go).
	stopScheduler := (&scheduler{store: store, every: schedule.d, log: log}).start(metrics.NewContext(ctx, reg))
	defer stopScheduler()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s (set TROTS_ADDR or --addr): %w", *addr, err)
	}
	if strings.HasPrefix(public, "https://") && !*tls {
		log.Warn("TROTS_PUBLIC_URL is https but TROTS_BEHIND_TLS is not set: session cookies go without Secure and there is no HSTS; set TROTS_BEHIND_TLS=true")
	}
	if *tls && len(trusted) == 0 {
		log.Warn("behind TLS without trusted proxies: if a reverse proxy connects, every client has its address and one person's failed logins lock out the account for all; set TROTS_TRUSTED_PROXIES")
	}
	cfg := server.Config{BodyLimit: *bodyLimit, RequestTimeout: *timeout, TLS: *tls, TrustedProxies: trusted,
		Metrics: reg, MetricsToken: *metricsToken, PublicURL: public, SignOn: signOn, PasswordLoginOff: !*passwordLogin,
		ParticipationEvery: participationEvery}
	limits.apply(&cfg)
	srv := server.New(cfg, log, store, accounts.New(store))
	fmt.Fprintf(stdout, "trots %s is serving on http://%s (database: %s)\n", buildVersion(), ln.Addr(), store.Dialect())
	fmt.Fprintf(stdout, "Console (board, decisions): http://%s/login\n", ln.Addr())
	if err := printSetupLink(ctx, store, stdout, public, ln.Addr().String()); err != nil {
		// Serving goes on: the first account can still be made with
		// trots user add.
		log.Warn("no setup link for the first administrator", "error", err.Error())
	}
	return srv.Serve(ctx, ln, *grace)
}

// signOnConfig reads the single sign-on settings; nil without an issuer.
// The client secret comes from the environment only
// (TROTS_OIDC_CLIENT_SECRET), never from a flag that ps would show.
func signOnConfig(issuer, clientID, secret, name, roles, groupsClaim, deptClaim, scopes, public string) (*server.SignOnConfig, error) {
	if issuer == "" {
		return nil, nil
	}
	switch {
	case clientID == "" || secret == "":
		return nil, fmt.Errorf("single sign-on needs TROTS_OIDC_CLIENT_ID and TROTS_OIDC_CLIENT_SECRET besides TROTS_OIDC_ISSUER")
	case public == "":
		return nil, fmt.Errorf("single sign-on needs TROTS_PUBLIC_URL: the provider sends people back to <public URL>/login/signon/callback")
	}
	mapping, err := server.ParseSignOnRoles(roles)
	if err != nil {
		return nil, fmt.Errorf("--signon-roles (TROTS_OIDC_ROLES): %w", err)
	}
	cfg := &server.SignOnConfig{Issuer: issuer, ClientID: clientID, ClientSecret: secret, Name: name, Roles: mapping,
		GroupsClaim: groupsClaim, DepartmentClaim: deptClaim}
	for _, sc := range strings.Split(scopes, ",") {
		if sc = strings.TrimSpace(sc); sc != "" {
			cfg.Scopes = append(cfg.Scopes, sc)
		}
	}
	return cfg, nil
}

// printSetupLink prints, while there is no account at all, a one-time link
// with which the first administrator chooses an address and password in
// the browser: HR rarely has a shell on the server. Each start makes a new
// link and ends the one before.
func printSetupLink(ctx context.Context, store *survey.Store, w io.Writer, public, addr string) error {
	acc := accounts.New(store)
	n, err := acc.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	token, link, err := acc.NewSetupLink(ctx, accounts.DefaultAccountLinkLifetime)
	if err != nil {
		return err
	}
	base := public
	if base == "" {
		base = "http://" + addr
	}
	fmt.Fprintf(w, "No console account yet. The first administrator opens this link (it works once, until %s UTC):\n%s/account/%s\n",
		link.ExpiresAt.Format("2006-01-02 15:04"), strings.TrimRight(base, "/"), token)
	fmt.Fprintln(w, "(or, on the server: trots user add --email you@example.org --role admin)")
	return nil
}

// parseParticipationEvery reads --participation-every: a duration of at
// least an hour, or "live" (counted at every look).
func parseParticipationEvery(v string) (time.Duration, error) {
	if strings.TrimSpace(v) == "live" {
		return -1, nil
	}
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil || d < time.Hour {
		return 0, fmt.Errorf("%q: give a duration of at least an hour (24h, 12h) or live", v)
	}
	return d, nil
}
