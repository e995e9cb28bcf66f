package server

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/oauth2"
	"golang.org/x/time/rate"

	"trots/accounts"
	"trots/survey"
)

// Single sign-on with the organisation's OpenID Connect provider:
// authorization code flow with PKCE. The state, the nonce and the PKCE
// verifier of a sign-on in progress travel in a short-lived cookie sealed
// with AES-GCM (signOnFlow), so nothing about it is stored; the callback
// checks the state, exchanges the code with the verifier, and go-oidc
// checks the ID token's signature against the provider's keys, its issuer,
// its audience and its expiry; the nonce is checked here. Staff get a
// console session with the role their claims map to (SignOnConfig.Roles);
// respondents of a pulse answered with sign-on get a cookie that proves it
// to their survey link (signon_survey.go).

// SignOnConfig configures single sign-on (nil: none).
type SignOnConfig struct {
	// Issuer is the provider's issuer URL, where
	// /.well-known/openid-configuration is found.
	Issuer string
	// ClientID and ClientSecret are trots' registration at the provider.
	ClientID, ClientSecret string
	// Name is the provider's name on the sign-in button ("Microsoft").
	Name string
	// GroupsClaim names the claim with the person's groups or roles
	// ("groups" when empty); a list of strings or one string.
	GroupsClaim string
	// Roles maps each role to the groups that give it (ParseSignOnRoles).
	// A person in the groups of several roles gets the first of admin,
	// viewer, council, lead.
	Roles map[accounts.Role][]string
	// DepartmentClaim names the claim with the person's department (its
	// name in trots, or its id): a lead's department, and for respondents
	// the department they answer for. "" leaves leads out, and lets
	// respondents answer for the department of their link.
	DepartmentClaim string
	// Scopes are asked for besides openid, email and profile (e.g.
	// "groups" where the provider needs it).
	Scopes []string
	// HTTPClient talks to the provider; nil is http.DefaultClient.
	HTTPClient *http.Client
}

// ParseSignOnRoles reads a role mapping "admin=trots-admins,viewer=trots-
// viewers|management,lead=leads": role=group pairs separated by commas,
// several groups of one role by "|" (or by repeating the role).
func ParseSignOnRoles(s string) (map[accounts.Role][]string, error) {
	out := map[accounts.Role][]string{}
	for _, pair := range strings.Split(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		role, groups, ok := strings.Cut(pair, "=")
		r := accounts.Role(strings.TrimSpace(role))
		if !ok || !slices.Contains(accounts.Roles, r) {
			return nil, fmt.Errorf("%q: use role=group with a role of admin, viewer, council or lead", pair)
		}
		for _, g := range strings.Split(groups, "|") {
			if g = strings.TrimSpace(g); g != "" {
				out[r] = append(out[r], g)
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no role=group pair: e.g. admin=trots-admins,viewer=trots-viewers")
	}
	return out, nil
}

// signOnRoleOrder is the order in which roles are given: the widest first.
var signOnRoleOrder = []accounts.Role{accounts.RoleAdmin, accounts.RoleViewer, accounts.RoleCouncil, accounts.RoleLead}

// signOnStore is what sign-on needs of the store besides the console's.
type signOnStore interface {
	PersonHash(pulseID, issuer, subject string) string
	HasAnswered(ctx context.Context, pulseID, person string) (bool, error)
	SealKey(label string) []byte
	Departments(ctx context.Context) ([]survey.Department, error)
}

var _ signOnStore = (*survey.Store)(nil)

// signOn is the configured provider, discovered at the first sign-in (so
// that trots starts while the provider is down) and then kept.
type signOn struct {
	cfg   SignOnConfig
	store signOnStore
	aead  cipher.AEAD

	mu       sync.Mutex
	provider *oidc.Provider
}

func newSignOn(cfg SignOnConfig, st signOnStore) *signOn {
	if cfg.GroupsClaim == "" {
		cfg.GroupsClaim = "groups"
	}
	if cfg.Name == "" {
		cfg.Name = "single sign-on"
	}
	block, err := aes.NewCipher(st.SealKey("signon cookies"))
	if err != nil {
		panic(err) // a 32-byte key always makes a cipher
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return &signOn{cfg: cfg, store: st, aead: aead}
}

// client puts the configured HTTP client into ctx for go-oidc and oauth2.
func (o *signOn) client(ctx context.Context) context.Context {
	if o.cfg.HTTPClient != nil {
		return oidc.ClientContext(ctx, o.cfg.HTTPClient)
	}
	return ctx
}

func (o *signOn) discover(ctx context.Context) (*oidc.Provider, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider != nil {
		return o.provider, nil
	}
	// The provider keeps this context for fetching its keys later: it
	// must not be the request's, which ends with the request.
	p, err := oidc.NewProvider(o.client(context.WithoutCancel(ctx)), o.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("server: sign-on: discovery at %s: %w", o.cfg.Issuer, err)
	}
	o.provider = p
	return p, nil
}

func (o *signOn) oauth2(p *oidc.Provider, redirect string) *oauth2.Config {
	return &oauth2.Config{ClientID: o.cfg.ClientID, ClientSecret: o.cfg.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: redirect, Scopes: append([]string{oidc.ScopeOpenID, "email", "profile"}, o.cfg.Scopes...)}
}

// seal encrypts v for a cookie named name (the name is bound in, so that
// one kind of cookie cannot stand in for another).
func (o *signOn) seal(name string, v any) (string, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, o.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(o.aead.Seal(nonce, nonce, plain, []byte(name))), nil
}

// open reads what seal made; anything else, or a changed byte, fails.
func (o *signOn) open(name, sealed string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil || len(b) < o.aead.NonceSize() {
		return errors.New("server: sign-on: cookie unreadable")
	}
	plain, err := o.aead.Open(nil, b[:o.aead.NonceSize()], b[o.aead.NonceSize():], []byte(name))
	if err != nil {
		return errors.New("server: sign-on: cookie unreadable")
	}
	return json.Unmarshal(plain, v)
}

// signOnFlow is a sign-on in progress, in its cookie for signOnFlowTTL.
type signOnFlow struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	// Code is the survey link of a respondent ("" for staff); Next is
	// where staff go after signing in.
	Code    string `json:"c,omitempty"`
	Next    string `json:"x,omitempty"`
	Lang    string `json:"l,omitempty"`
	Expires int64  `json:"e"`
}

// signOnFlowCookie names the flow cookie and labels what is sealed in it;
// over TLS the cookie is sent as __Host-trots_signon_flow (flowCookie).
const (
	signOnFlowCookie = "trots_signon_flow"
	signOnCallback   = "/login/signon/callback"
	signOnFlowTTL    = 10 * time.Minute
)

// flowCookie is the name and path of the flow cookie. Over TLS it is
// __Host- prefixed, which the browser accepts only with Secure, Path=/ and
// no Domain: a sibling host (another service under the same parent domain)
// can then not plant a flow of its own making, which would sign a victim
// into the planter's account (login CSRF).
func (s *Server) flowCookie() (name, path string) {
	if s.cfg.TLS {
		return "__Host-" + signOnFlowCookie, "/"
	}
	return signOnFlowCookie, "/login/signon"
}

func randomText() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// redirectURL is the callback address registered at the provider: the
// public address (TROTS_PUBLIC_URL), or the one this request came to.
func (s *Server) redirectURL(c echo.Context) string {
	base := s.cfg.PublicURL
	if base == "" {
		base = c.Scheme() + "://" + c.Request().Host
	}
	return strings.TrimSuffix(base, "/") + signOnCallback
}

// startSignOn sends the browser to the provider with a fresh state, nonce
// and PKCE challenge, and keeps them in the flow cookie.
func (s *Server) startSignOn(c echo.Context, flow signOnFlow) error {
	p, err := s.signon.discover(c.Request().Context())
	if err != nil {
		s.log.Error("sign-on unavailable", "error", err.Error())
		return err
	}
	flow.State, flow.Nonce, flow.Verifier = randomText(), randomText(), oauth2.GenerateVerifier()
	flow.Expires = s.cfg.Now().Add(signOnFlowTTL).Unix()
	sealed, err := s.signon.seal(signOnFlowCookie, flow)
	if err != nil {
		return err
	}
	name, path := s.flowCookie()
	c.SetCookie(&http.Cookie{Name: name, Value: sealed, Path: path, MaxAge: int(signOnFlowTTL.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.TLS})
	target := s.signon.oauth2(p, s.redirectURL(c)).AuthCodeURL(flow.State, oidc.Nonce(flow.Nonce),
		oauth2.S256ChallengeOption(flow.Verifier))
	return c.Redirect(http.StatusSeeOther, target)
}

// signOnStaff is GET /login/signon: staff sign in at the provider.
func (s *Server) signOnStaff(c echo.Context) error {
	if err := s.startSignOn(c, signOnFlow{Next: safeNext(c.QueryParam("next"))}); err != nil {
		return s.signOnUnavailable(c)
	}
	return nil
}

// signOnUnavailable is the login page saying that the provider cannot be
// reached (discovery failed; logged by the caller).
func (s *Server) signOnUnavailable(c echo.Context) error {
	p, err := s.newLoginPage(c)
	if err != nil {
		return err
	}
	p.Error = p.T("signon_unavailable")
	return s.renderConsole(c, http.StatusServiceUnavailable, "login", p)
}

// signOnClaims is what trots reads of a verified ID token.
type signOnClaims struct {
	Issuer, Subject, Email string
	raw                    map[string]any
}

// errSignOn is a sign-on that failed for a reason the person cannot fix
// by trying again at once; reason goes to the log and the audit log.
type errSignOn struct{ reason string }

func (e errSignOn) Error() string { return "server: sign-on refused: " + e.reason }

// errNoSignOn is a callback without a sign-on in progress in the browser:
// anyone can send one, and it names nobody, so it is logged but not put in
// the audit log (which it could otherwise flood).
var errNoSignOn = errSignOn{"no sign-on in progress in this browser (cookie missing, unreadable or expired)"}

// readSignOnFlow reads the flow cookie of the callback, and removes it.
func (s *Server) readSignOnFlow(c echo.Context) (signOnFlow, error) {
	var flow signOnFlow
	name, path := s.flowCookie()
	ck, err := c.Cookie(name)
	c.SetCookie(&http.Cookie{Name: name, Value: "", Path: path, MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.cfg.TLS})
	if err != nil || s.signon.open(signOnFlowCookie, ck.Value, &flow) != nil || s.cfg.Now().Unix() > flow.Expires {
		return signOnFlow{}, errNoSignOn
	}
	return flow, nil
}

// finishSignOn checks the callback against the flow (the state), exchanges
// the code with the PKCE verifier, and verifies the ID token: signature,
// issuer, audience, expiry (go-oidc) and nonce.
func (s *Server) finishSignOn(c echo.Context, flow signOnFlow) (signOnClaims, error) {
	q := c.Request().URL.Query()
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(flow.State)) != 1 {
		return signOnClaims{}, errSignOn{"state does not match"}
	}
	if e := q.Get("error"); e != "" {
		return signOnClaims{}, errSignOn{"the provider answered " + e}
	}
	ctx := c.Request().Context()
	p, err := s.signon.discover(ctx)
	if err != nil {
		return signOnClaims{}, err
	}
	tok, err := s.signon.oauth2(p, s.redirectURL(c)).Exchange(s.signon.client(ctx), q.Get("code"), oauth2.VerifierOption(flow.Verifier))
	if err != nil {
		return signOnClaims{}, errSignOn{"code exchange: " + err.Error()}
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return signOnClaims{}, errSignOn{"no ID token"}
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: s.signon.cfg.ClientID, Now: s.cfg.Now}).Verify(s.signon.client(ctx), raw)
	if err != nil {
		return signOnClaims{}, errSignOn{"ID token: " + err.Error()}
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(flow.Nonce)) != 1 {
		return signOnClaims{}, errSignOn{"ID token: nonce does not match"}
	}
	claims := signOnClaims{Issuer: idt.Issuer, Subject: idt.Subject, raw: map[string]any{}}
	if err := idt.Claims(&claims.raw); err != nil {
		return signOnClaims{}, errSignOn{"ID token claims: " + err.Error()}
	}
	claims.Email = claimString(claims.raw, "email")
	if v, ok := claims.raw["email_verified"].(bool); ok && !v {
		claims.Email = "" // an address the provider has not checked names nobody
	}
	if claims.Email == "" {
		// Microsoft Entra ID gives the sign-in name, an address, here.
		if u := claimString(claims.raw, "preferred_username"); strings.Contains(u, "@") {
			claims.Email = u
		}
	}
	return claims, nil
}

// claimString reads a claim that is one string.
func claimString(m map[string]any, name string) string {
	s, _ := m[name].(string)
	return strings.TrimSpace(s)
}

// claimStrings reads a claim that is a list of strings, or one string.
func claimStrings(m map[string]any, name string) []string {
	switch v := m[name].(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// signOnRole maps a person's claims to a role: the first of
// signOnRoleOrder whose groups they are in; "" when none.
func (o *signOn) role(claims map[string]any) accounts.Role {
	groups := claimStrings(claims, o.cfg.GroupsClaim)
	for _, r := range signOnRoleOrder {
		for _, g := range o.cfg.Roles[r] {
			if slices.Contains(groups, g) {
				return r
			}
		}
	}
	return ""
}

// department finds the department the department claim names (by id, or
// by name regardless of case); "" when the claim is not configured, not
// given, or names none.
func (o *signOn) department(ctx context.Context, claims map[string]any) (survey.Department, bool, error) {
	if o.cfg.DepartmentClaim == "" {
		return survey.Department{}, false, nil
	}
	name := claimString(claims, o.cfg.DepartmentClaim)
	if name == "" {
		return survey.Department{}, false, nil
	}
	deps, err := o.store.Departments(ctx)
	if err != nil {
		return survey.Department{}, false, err
	}
	for _, d := range deps {
		if d.ID == name || strings.EqualFold(strings.TrimSpace(d.Name), name) {
			return d, true, nil
		}
	}
	return survey.Department{}, false, nil
}

// signOnCallbackHandler is GET /login/signon/callback, where the provider
// sends staff and respondents back.
func (s *Server) signOnCallbackHandler(c echo.Context) error {
	flow, err := s.readSignOnFlow(c)
	if err != nil {
		s.log.Info("sign-on refused", "reason", errNoSignOn.reason)
		p, perr := s.newLoginPage(c)
		if perr != nil {
			return perr
		}
		p.Error = p.T("signon_failed")
		return s.renderConsole(c, http.StatusUnauthorized, "login", p)
	}
	if flow.Code == "" && !s.signonRate.allow(sourceOf(c)) {
		// Staff sign-ons are limited per address like password logins:
		// each refusal writes to the audit log.
		p, err := s.newLoginPage(c)
		if err != nil {
			return err
		}
		p.Error = p.T("login_rate_limited")
		c.Response().Header().Set("Retry-After", "60")
		return s.renderConsole(c, http.StatusTooManyRequests, "login", p)
	}
	claims, err := s.finishSignOn(c, flow)
	if flow.Code != "" {
		return s.respondentSignedOn(c, flow, claims, err)
	}
	var refused errSignOn
	if errors.As(err, &refused) {
		return s.refuseStaffSignOn(c, http.StatusUnauthorized, "signon_failed", claims, refused.reason)
	}
	if err != nil {
		s.log.Error("sign-on unavailable", "error", err.Error())
		return s.signOnUnavailable(c)
	}
	ctx := c.Request().Context()
	role := s.signon.role(claims.raw)
	u := accounts.User{Email: claims.Email, Role: role}
	switch {
	case claims.Email == "":
		return s.refuseStaffSignOn(c, http.StatusForbidden, "signon_no_email", claims, "no verified e-mail address in the ID token")
	case role == "":
		reason := "no role: the groups claim names no mapped group"
		ended, err := s.accounts.EndSignOnAccess(ctx, claims.Email)
		if err != nil {
			return err
		}
		if ended > 0 {
			reason += fmt.Sprintf("; the sign-on account's %d sessions and API tokens ended", ended)
		}
		return s.refuseStaffSignOn(c, http.StatusForbidden, "signon_no_role", claims, reason)
	case role == accounts.RoleLead:
		d, ok, err := s.signon.department(ctx, claims.raw)
		if err != nil {
			return err
		}
		if !ok {
			return s.refuseStaffSignOn(c, http.StatusForbidden, "signon_no_department", claims, "lead without a known department in the department claim")
		}
		u.DepartmentID = d.ID
	}
	user, created, err := s.accounts.SignOnUser(ctx, u)
	switch {
	case err == nil:
	case survey.ErrorCode(err) == survey.EUnauthorized:
		return s.refuseStaffSignOn(c, http.StatusForbidden, "signon_disabled", claims, "account disabled")
	case survey.ErrorKey(err) == "last_admin":
		return s.refuseStaffSignOn(c, http.StatusForbidden, "signon_last_admin", claims,
			"the groups claim gives role "+string(role)+" to the last active administrator")
	case survey.ErrorCode(err) == survey.EInvalid:
		return s.refuseStaffSignOn(c, http.StatusForbidden, "signon_no_email", claims, "e-mail address not valid: "+err.Error())
	default:
		return err
	}
	token, err := s.accounts.NewSession(ctx, user.ID, s.sessionToken(c))
	if err != nil {
		return err
	}
	s.setSessionCookie(c, token, s.cfg.Now().Add(accounts.SessionAbsolute))
	s.log.Info("sign-on", "user", user.ID, "role", string(user.Role))
	detail := "role " + string(user.Role)
	if user.DepartmentID != "" {
		detail += ", department " + user.DepartmentID
	}
	if created {
		detail += ", account created"
	}
	if err := s.appendAudit(ctx, survey.AuditEntry{Actor: user.Email, Action: "login.signon", Object: "account " + user.Email,
		Detail: detail + " (" + s.signon.cfg.Name + ")"}); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, safeNext(flow.Next))
}

// refuseStaffSignOn shows the login page with why signing on did not
// work, and records the refusal.
func (s *Server) refuseStaffSignOn(c echo.Context, status int, key string, claims signOnClaims, reason string) error {
	actor, obj := "anonymous", "unknown account"
	if claims.Email != "" {
		obj = "account " + accounts.NormalizeEmail(claims.Email)
	} else if claims.Subject != "" {
		obj = "subject " + claims.Subject
	}
	s.log.Info("sign-on refused", "reason", reason)
	if err := s.appendAudit(c.Request().Context(), survey.AuditEntry{Actor: actor, Action: "login.signon_refused", Object: obj,
		Detail: reason}); err != nil {
		return err
	}
	p, err := s.newLoginPage(c)
	if err != nil {
		return err
	}
	p.Error = p.T(key)
	return s.renderConsole(c, status, "login", p)
}

// addressLimiter allows a steady rate of events per client address, with
// bursts (Config.LoginRate and LoginBurst, as for password logins).
type addressLimiter struct {
	store *middleware.RateLimiterMemoryStore
}

func newAddressLimiter(r float64, burst int) *addressLimiter {
	if r <= 0 {
		r = 1
	}
	if burst <= 0 {
		burst = 30
	}
	return &addressLimiter{store: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
		Rate: rate.Limit(r), Burst: burst, ExpiresIn: 10 * time.Minute})}
}

func (l *addressLimiter) allow(addr string) bool {
	ok, err := l.store.Allow(addr)
	return ok && err == nil
}
