// Package oidctest runs a real OpenID Connect provider on loopback for
// tests: zitadel/oidc's op package with the in-memory storage and login
// page of its example server (discovery, authorization with PKCE, the
// code exchange, RS256-signed ID tokens and their keys). People sign in
// on its login page with a user name and password; their ID tokens carry
// email, email_verified, groups and department, as Keycloak and Microsoft
// Entra ID put such claims there.
package oidctest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// Person is someone who can sign in at the provider.
type Person struct {
	Username, Password string
	Email              string
	// EmailUnverified makes email_verified false.
	EmailUnverified bool
	Groups          []string
	Department      string
}

// Subject is the person's subject (sub) at the provider.
func (p Person) Subject() string { return "sub-" + p.Username }

// Provider is a running provider.
type Provider struct {
	// Issuer is its issuer URL (http://127.0.0.1:<port>).
	Issuer string

	mu      sync.Mutex
	people  map[string]Person // by user name
	clients map[string]*storage.Client
	storage *claimsStorage
}

// Start runs a provider until the test ends.
func Start(t testing.TB) *Provider {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Provider{Issuer: "http://" + ln.Addr().String(), people: map[string]Person{}, clients: map[string]*storage.Client{}}
	p.storage = &claimsStorage{Storage: storage.NewStorageWithClients(users{p}, p.clients), p: p}
	// The example server logs every request through slog's default
	// logger (its logger argument replaces that default for the process):
	// warnings only, so that the test output shows what failed.
	quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv := &http.Server{Handler: exampleop.SetupServer(p.Issuer, p.storage, quiet, false)}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return p
}

// AddClient registers a web client (client secret, code flow, PKCE when
// the client sends a challenge) with its redirect URIs. Call it before
// the client's first request.
func (p *Provider) AddClient(id, secret string, redirectURIs ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clients[id] = storage.WebClient(id, secret, redirectURIs...)
}

// SetPerson adds a person, or changes one (their groups, say) between
// sign-ins.
func (p *Provider) SetPerson(person Person) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.people[person.Username] = person
}

func (p *Provider) person(subject string) (Person, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, x := range p.people {
		if x.Subject() == subject {
			return x, true
		}
	}
	return Person{}, false
}

// SigningKey is the provider's private key and its key id.
func (p *Provider) SigningKey() (key any, kid string) {
	k, err := p.storage.SigningKey(context.Background())
	if err != nil {
		panic(err)
	}
	return k.Key(), k.ID()
}

// users is the example storage's user store over the provider's people.
type users struct{ p *Provider }

func (u users) GetUserByID(id string) *storage.User {
	x, ok := u.p.person(id)
	if !ok {
		return nil
	}
	return u.user(x)
}

func (u users) GetUserByUsername(name string) *storage.User {
	u.p.mu.Lock()
	x, ok := u.p.people[name]
	u.p.mu.Unlock()
	if !ok {
		return nil
	}
	return u.user(x)
}

func (users) user(x Person) *storage.User {
	return &storage.User{ID: x.Subject(), Username: x.Username, Password: x.Password, Email: x.Email,
		EmailVerified: !x.EmailUnverified, FirstName: x.Username, LastName: "Test"}
}

func (users) ExampleClientID() string { return storage.ServiceUserID }

// claimsStorage puts email, groups and department into the ID token.
type claimsStorage struct {
	*storage.Storage
	p *Provider
}

// SetUserinfoFromRequest is called for every ID token the provider signs.
func (s *claimsStorage) SetUserinfoFromRequest(ctx context.Context, ui *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, ui, req, scopes); err != nil {
		return err
	}
	x, ok := s.p.person(req.GetSubject())
	if !ok {
		return errors.New("oidctest: unknown subject")
	}
	ui.Email, ui.EmailVerified = x.Email, oidc.Bool(!x.EmailUnverified)
	if x.EmailUnverified {
		// oidc.Bool(false) is left out of the token; say it outright.
		ui.AppendClaims("email_verified", false)
	}
	if x.Groups != nil {
		ui.AppendClaims("groups", x.Groups)
	}
	if x.Department != "" {
		ui.AppendClaims("department", x.Department)
	}
	return nil
}

// Tamper is an http.RoundTripper for the relying party's client: it passes
// everything through, and in the token endpoint's answer replaces the ID
// token with one whose claims edit changed, signed with key under kid (the
// provider's own key for a token the provider could have made; another
// key for a forged one). Discovery, the redirect and the code exchange stay
// real; only what the relying party receives is changed.
type Tamper struct {
	Base http.RoundTripper
	Key  any
	Kid  string
	Edit func(claims map[string]any)
}

// RoundTrip implements http.RoundTripper.
func (tp *Tamper) RoundTrip(req *http.Request) (*http.Response, error) {
	base := tp.Base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req)
	if err != nil || tp.Edit == nil || !strings.HasSuffix(req.URL.Path, "/oauth/token") || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var tok map[string]any
	if err := json.Unmarshal(body, &tok); err != nil {
		return nil, fmt.Errorf("oidctest: token answer: %w", err)
	}
	raw, _ := tok["id_token"].(string)
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, errors.New("oidctest: token answer without an ID token")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, err
	}
	claims := map[string]any{}
	if err := json.Unmarshal(payload, &claims); err != nil {
		return nil, err
	}
	tp.Edit(claims)
	if tok["id_token"], err = Sign(claims, tp.Key, tp.Kid); err != nil {
		return nil, err
	}
	body, _ = json.Marshal(tok)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// Sign makes a compact RS256 JWT of claims with key under kid.
func Sign(claims map[string]any, key any, kid string) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid))
	if err != nil {
		return "", err
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return obj.CompactSerialize()
}
