package server

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"

	"trots/server/i18n"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// pages holds the parsed templates and the static assets under their
// content-hashed names, both read once at start-up.
type pages struct {
	templates map[string]*template.Template
	// assets maps a logical name ("survey.css") to its URL
	// ("/static/survey.3f2a9c1d.css"); files maps the hashed file name
	// back to its content.
	assets map[string]string
	files  map[string][]byte
}

// pageNames are the page templates; each is parsed with layout.html and
// privacy.html (the art. 13 notice).
var pageNames = []string{"survey", "thanks", "message", "code", "answered", "signon"}

func mustParsePages() *pages {
	p, err := parsePages()
	if err != nil {
		panic(err)
	}
	return p
}

func parsePages() (*pages, error) {
	p := &pages{templates: map[string]*template.Template{}, assets: map[string]string{}, files: map[string][]byte{}}
	err := fs.WalkDir(staticFiles, "static", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := staticFiles.ReadFile(name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		base := path.Base(name)
		ext := path.Ext(base)
		hashed := strings.TrimSuffix(base, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		p.assets[base] = "/static/" + hashed
		p.files[hashed] = data
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("server: static files: %w", err)
	}
	funcs := template.FuncMap{
		"asset": func(name string) (string, error) {
			if u, ok := p.assets[name]; ok {
				return u, nil
			}
			return "", fmt.Errorf("no static file %q", name)
		},
	}
	for _, name := range pageNames {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/privacy.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("server: template %s: %w", name, err)
		}
		p.templates[name] = t
	}
	return p, nil
}

// page is what every page shares: its language, title and the language
// switch. Pages embed it; templates call {{.T "key"}} for texts.
type page struct {
	Lang  string
	Title string
	Org   string
	Langs []langLink
}

// T translates key into the page's language.
func (p page) T(key string, args ...any) string { return i18n.T(p.Lang, key, args...) }

// Raw is the text of key with its placeholders left for the script.
func (p page) Raw(key string) string { return i18n.Raw(p.Lang, key) }

type langLink struct {
	Code, Name, Href string
	Current          bool
}

// newPage builds the shared part of a page; here is the path the language
// switch links to (it adds ?lang=).
func newPage(lang, org, here string, offered []string) page {
	p := page{Lang: lang, Org: org}
	if offered == nil {
		offered = i18n.Languages
	}
	if len(offered) > 1 {
		for _, l := range i18n.Languages {
			if !contains(offered, l) {
				continue
			}
			p.Langs = append(p.Langs, langLink{Code: l, Name: i18n.Names[l], Href: here + "?lang=" + l, Current: l == lang})
		}
	}
	return p
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// render writes a page. Survey pages are never stored by browsers or
// proxies: a cached form would hand the same submission key to several
// people, and a cached error page would keep someone's answers.
func (s *Server) render(c echo.Context, status int, name string, data any) error {
	t, ok := s.pages.templates[name]
	if !ok {
		return fmt.Errorf("server: no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		return fmt.Errorf("server: render %s: %w", name, err)
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

// serveStatic answers /static/<name>.<hash>.<ext>: the content never
// changes under a name, so browsers may keep it for a year.
func (s *Server) serveStatic(c echo.Context) error {
	data, ok := s.pages.files[c.Param("file")]
	if !ok {
		return echo.ErrNotFound
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	ct := mime.TypeByExtension(path.Ext(c.Param("file")))
	if ct == "" {
		ct = "application/octet-stream"
	}
	return c.Blob(http.StatusOK, ct, data)
}

// messagePage is a page that only tells something: an unknown link, a
// closed survey, a refused submission.
type messagePage struct {
	page
	Heading string
	Body    string
	Back    string
}

// messageKeys maps an HTTP status to the texts of a respondent's page (and
// of the survey API's errors) when nothing more specific is known. They
// speak to someone answering a survey; the console has its own
// (consoleStatusKeys, consoleAPIStatuses) and so has the rest of the site
// (siteStatusKeys).
var messageKeys = map[int]string{
	http.StatusBadRequest:            "bad_request",
	http.StatusForbidden:             "cross_origin",
	http.StatusNotFound:              "not_found",
	http.StatusMethodNotAllowed:      "not_found",
	http.StatusRequestEntityTooLarge: "too_large",
	http.StatusTooManyRequests:       "rate_limited",
	http.StatusServiceUnavailable:    "timeout",
}

// renderMessage shows the page for key (texts key_title and key).
func (s *Server) renderMessage(c echo.Context, status int, lang, key, back string) error {
	// A page reached by GET can be reloaded in the other language; one
	// that answers a POST cannot.
	offered := []string{lang}
	here := ""
	if c.Request().Method == http.MethodGet && localPath(c.Request().URL.Path) {
		offered, here = nil, c.Request().URL.Path
	}
	p := newPage(lang, "", here, offered)
	p.Title = i18n.T(lang, key+"_title")
	if status == http.StatusTooManyRequests && c.Response().Header().Get("Retry-After") == "" {
		c.Response().Header().Set("Retry-After", "60")
	}
	return s.render(c, status, "message", messagePage{page: p, Heading: p.Title, Body: i18n.T(lang, key), Back: back})
}

// statusKey is the text key for an HTTP status when nothing more specific
// is known.
func statusKey(status int) string {
	if key, ok := messageKeys[status]; ok {
		return key
	}
	return "internal"
}

// renderStatusPage is the error handler's page for survey routes.
func (s *Server) renderStatusPage(c echo.Context, status int) {
	if err := s.renderMessage(c, status, requestLang(c), statusKey(status), ""); err != nil {
		s.log.Error("render error page", "route", c.Path(), "error", err.Error())
	}
}

// siteStatusKeys are the texts of the error pages outside the survey's and
// the console's routes: mostly an unknown address, reached by someone who
// trimmed a survey link or typed the host alone. Neither a respondent nor
// HR is assumed, so the texts point both ways.
var siteStatusKeys = map[int]string{
	http.StatusBadRequest:            "bad_request",
	http.StatusNotFound:              "page_not_found",
	http.StatusMethodNotAllowed:      "page_method_not_allowed",
	http.StatusRequestEntityTooLarge: "request_too_large",
	http.StatusServiceUnavailable:    "request_timeout",
}

// renderSiteStatus is the error handler's page for any other address, in
// the language of ?lang= or the browser. The bare host has no page of its
// own, and says where the survey and the console are.
func (s *Server) renderSiteStatus(c echo.Context, status int) {
	key, ok := siteStatusKeys[status]
	if !ok {
		key = "console_internal" // "something went wrong on our side"
	}
	if status == http.StatusNotFound && c.Request().URL.Path == "/" {
		key = "root_not_found"
	}
	if err := s.renderMessage(c, status, requestLang(c), key, ""); err != nil {
		s.log.Error("render error page", "route", c.Path(), "error", err.Error())
	}
}

// isSurveyAPI tells whether a request is for the JSON API under /api/v1/,
// the survey's as well as the console's (which takes API tokens there).
func isSurveyAPI(c echo.Context) bool {
	return strings.HasPrefix(c.Request().URL.Path, "/api/v1/")
}

// isRespondentAPI tells whether a request is for the survey's own JSON
// API, whose errors speak to respondents.
func isRespondentAPI(c echo.Context) bool {
	return strings.HasPrefix(c.Request().URL.Path, "/api/v1/surveys/")
}

// isAPI tells whether a request is for any JSON address under /api/,
// which answers errors in JSON rather than with a page.
func isAPI(c echo.Context) bool {
	return strings.HasPrefix(c.Request().URL.Path, "/api/")
}

// isProbe tells whether a request is for a probe or the metrics, which
// machines read: their errors stay plain JSON.
func isProbe(c echo.Context) bool {
	switch c.Request().URL.Path {
	case "/healthz", "/readyz", "/metrics":
		return true
	}
	return false
}

// isSurveyPage tells whether a request is for a respondent's page (as
// opposed to the JSON API or a probe), by its path.
func isSurveyPage(c echo.Context) bool {
	p := c.Request().URL.Path
	return strings.HasPrefix(p, "/s/") || p == "/i" || strings.HasPrefix(p, "/i/")
}

// localPath reports whether path, put in a link as it is, stays on this
// site: "//evil.example/x" (a path a visitor can be sent to) would be read
// by the browser as another host, and a backslash as a slash.
func localPath(path string) bool {
	return strings.HasPrefix(path, "/") && !strings.HasPrefix(path, "//") && !strings.Contains(path, "\\")
}
