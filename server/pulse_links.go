package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/unicode/norm"

	"trots/server/i18n"
	"trots/survey"
)

// The survey links of a pulse, for HR: every department's link with its
// QR code, an A4 poster for the wall, and batches of single-use
// invitations for a mail merge. The links are secrets of a kind (anyone
// holding a department's link answers as that department), so these
// routes are for admins only and nothing they serve is cached.

// linksStore is what the links pages need of the survey store.
type linksStore interface {
	Settings(ctx context.Context) (survey.Settings, error)
	Departments(ctx context.Context) ([]survey.Department, error)
	Department(ctx context.Context, id string) (survey.Department, error)
	Links(ctx context.Context, pulseID string) ([]survey.Link, error)
	CreateInvitations(ctx context.Context, pulseID, departmentID string, n int) ([]string, error)
	CreateCodes(ctx context.Context, pulseID, departmentID string, n int) ([]string, error)
}

var _ linksStore = (*survey.Store)(nil)

// maxInvitationsPerBatch bounds one download of invitations: a batch per
// department and mailing; the store allows more, the form asks for fewer
// (the texts links_invite_count and links_count_range name this number).
const maxInvitationsPerBatch = 5000

func (s *Server) linksStore() (linksStore, error) {
	st, ok := s.data.(linksStore)
	if !ok {
		return nil, fmt.Errorf("server: the store %T has no survey links", s.data)
	}
	return st, nil
}

// ParsePublicURL checks the address respondents reach trots at
// (TROTS_PUBLIC_URL): an absolute http or https URL, with a path when trots
// is served below one, and no query, fragment or credentials. It returns
// it without a trailing slash; "" stays "" (links then use the address the
// console is reached at).
func ParsePublicURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "", fmt.Errorf("public URL %q: %w", raw, err)
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("public URL %q: start it with https:// (or http://)", raw)
	case u.Host == "" || u.Hostname() == "":
		return "", fmt.Errorf("public URL %q: no host name", raw)
	case u.User != nil:
		return "", fmt.Errorf("public URL %q: no user name or password in it, please", raw)
	case u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(raw, "?#"):
		return "", fmt.Errorf("public URL %q: no query string or fragment (?, #)", raw)
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"), nil
}

// publicBase is what survey links start with: the configured public URL,
// else the scheme and host the console was reached at (fromRequest).
func (s *Server) publicBase(c echo.Context) (base string, fromRequest bool) {
	if s.cfg.PublicURL != "" {
		return s.cfg.PublicURL, false
	}
	scheme := "http"
	if s.cfg.TLS || c.Request().TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request().Host, true
}

// linksState is where a pulse is as far as its links go.
type linksState string

const (
	linksDraft  linksState = "draft"  // no links yet: the pulse opens first
	linksActive linksState = "active" // open, or opening on its date
	linksEnded  linksState = "ended"  // closed, or past its closing time
)

func stateOfLinks(p survey.Pulse, now time.Time) linksState {
	switch {
	case p.Status == survey.PulseDraft:
		return linksDraft
	case p.Status == survey.PulseClosed, !p.Closes.IsZero() && !now.Before(p.Closes):
		return linksEnded
	}
	return linksActive
}

// linkTarget is one department's link in one pulse.
type linkTarget struct {
	pulse survey.Pulse
	dept  survey.Department
	link  survey.Link
	url   string
}

// loadLinkTarget reads :id and :department: 404 for an unknown pulse or
// department, 409 (with the page's explanation) when the pulse has no
// links that take answers.
func (s *Server) loadLinkTarget(c echo.Context) (linkTarget, error) {
	st, err := s.linksStore()
	if err != nil {
		return linkTarget{}, err
	}
	p, err := s.pulseParam(c)
	if err != nil {
		return linkTarget{}, err
	}
	ctx := c.Request().Context()
	id := c.Param("department")
	if !survey.ValidID(id) {
		return linkTarget{}, echo.NewHTTPError(http.StatusNotFound)
	}
	d, err := st.Department(ctx, id)
	if err != nil {
		return linkTarget{}, httpError(err)
	}
	if stateOfLinks(p, s.cfg.Now()) != linksActive {
		return linkTarget{}, echo.NewHTTPError(http.StatusConflict)
	}
	links, err := st.Links(ctx, p.ID)
	if err != nil {
		return linkTarget{}, httpError(err)
	}
	base, _ := s.publicBase(c)
	for _, l := range links {
		if l.DepartmentID == d.ID {
			return linkTarget{pulse: p, dept: d, link: l, url: base + "/s/" + l.Code}, nil
		}
	}
	return linkTarget{}, echo.NewHTTPError(http.StatusNotFound)
}

// httpError turns a domain error the user can act on into its status (the
// console's error page explains it); anything else stays a 500.
func httpError(err error) error {
	if status := surveyStatus(err); status != http.StatusInternalServerError {
		return echo.NewHTTPError(status)
	}
	return err
}

// linksPage is /pulses/:id/links.
type linksPage struct {
	consolePage
	Pulse survey.Pulse
	State linksState
	// OpensAt is set while the pulse waits for its opening time; Closes
	// when it has a closing time.
	OpensAt, Closes string
	// ClosedAt is when a closed pulse closed.
	ClosedAt    string
	MinGroup    int
	Base        string
	FromRequest bool
	Rows        []linkRowView
	// Error is the summary of a refused form, FocusID the field it is
	// about.
	Error, FocusID string
	// SlipLang is the language the slips of personal codes are offered
	// in first: the organisation's.
	SlipLang string
	// Mode is how the pulse is answered, in words; Links and Invites tell
	// whether its department links, and its invitations and codes, take
	// answers (pulse_mode.go).
	Mode           string
	Links, Invites bool
}

// Active tells whether QR codes, posters and invitations are offered.
func (p linksPage) Active() bool { return p.State == linksActive }

type linkRowView struct {
	ID, Name, URL                      string
	QRSVG, QRPNG, PosterNL, PosterEN   string
	Invitations                        string
	QRFile, PosterFileNL, PosterFileEN string
	// Count and CountError are the refused invitation form's value and
	// what was wrong with it.
	Count, CountError string
	// Codes is where the personal codes form posts (pulse_links_codes.go);
	// CodesCount and CodesError the refused form's value and error.
	Codes, CodesCount, CodesError string
}

func (s *Server) pulseLinks(c echo.Context) error {
	p, err := s.pulseParam(c)
	if err != nil {
		return err
	}
	page, err := s.newLinksPage(c, p)
	if err != nil {
		return err
	}
	if page.Active() {
		// The page shows every department's link: whoever sees it can
		// answer for any department.
		if err := s.audit(c, "links.view", auditPulse(p), "survey links of every department shown"); err != nil {
			return err
		}
	}
	return s.renderConsole(c, http.StatusOK, "pulse_links", page)
}

func (s *Server) newLinksPage(c echo.Context, p survey.Pulse) (*linksPage, error) {
	st, err := s.linksStore()
	if err != nil {
		return nil, err
	}
	ctx := c.Request().Context()
	now := s.cfg.Now()
	page := &linksPage{consolePage: s.newConsolePage(c, "links_title", "pulses"), Pulse: p, State: stateOfLinks(p, now),
		MinGroup: p.MinGroup}
	loc := pulseLocation()
	if page.State == linksActive && !p.Opens.IsZero() && now.Before(p.Opens) {
		page.OpensAt = formatLocal(p.Opens, loc)
	}
	page.Closes = formatLocal(p.Closes, loc)
	if p.Status == survey.PulseClosed && !p.Closed.IsZero() {
		// A closed pulse says when it closed, not "when you close it".
		page.ClosedAt = formatLocal(p.Closed, loc)
	}
	page.Base, page.FromRequest = s.publicBase(c)
	page.SlipLang, _ = s.langOrDefault(c, "")
	page.Mode, page.Links, page.Invites = modeText(page.Lang, p.Mode), p.AcceptsLinks(), p.AcceptsInvitations()
	if page.State == linksDraft {
		// A draft has no links: they are made when it opens, with the
		// thresholds the respondents will be told.
		return page, nil
	}
	links, err := st.Links(ctx, p.ID)
	if err != nil {
		return nil, httpError(err)
	}
	deps, err := st.Departments(ctx)
	if err != nil {
		return nil, err
	}
	code := map[string]string{}
	for _, l := range links {
		code[l.DepartmentID] = l.Code
	}
	for _, d := range deps {
		c, ok := code[d.ID]
		if !ok {
			continue
		}
		at := "/pulses/" + p.ID + "/links/" + d.ID
		slug := fileSlug(d.Name)
		page.Rows = append(page.Rows, linkRowView{ID: d.ID, Name: d.Name, URL: page.Base + "/s/" + c,
			QRSVG: at + "/qr.svg", QRPNG: at + "/qr.png", PosterNL: at + "/poster.pdf?lang=nl", PosterEN: at + "/poster.pdf?lang=en",
			Invitations: at + "/invitations", Codes: at + "/codes", QRFile: "trots-qr-" + slug,
			PosterFileNL: "trots-poster-" + slug + "-nl.pdf", PosterFileEN: "trots-poster-" + slug + "-en.pdf"})
	}
	return page, nil
}

// fileSlug makes a department's name into a file name part: ASCII letters
// and digits, accents dropped, everything else a single hyphen.
func fileSlug(name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(unicode.ToLower(r))
		default:
			hyphen = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	if b.Len() == 0 {
		return "department"
	}
	return b.String()
}

// noStore marks a download as private and not to be kept: it holds a
// survey link or invitations.
func noStore(c echo.Context, disposition string) {
	h := c.Response().Header()
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Disposition", disposition)
}

// linksRefusal shows the links page again with status and an error: a
// refused invitation form (the field keeps its value) or a download that
// cannot be made. rowID names the department whose form it was.
func (s *Server) linksRefusal(c echo.Context, status int, key, rowID, count string) error {
	return s.refuseLinksForm(c, status, key, rowID, count, "count-", func(r *linkRowView, count, msg string) {
		r.Count, r.CountError = count, msg
	})
}

// refuseLinksForm shows the links page again with one department's form
// refused: set puts the typed value (cut to 20 characters) and the message
// into the row's fields of that form, and the page's focus goes to the
// field whose id is focus followed by the department's id.
func (s *Server) refuseLinksForm(c echo.Context, status int, key, rowID, count, focus string, set func(r *linkRowView, count, msg string)) error {
	p, err := s.pulseParam(c)
	if err != nil {
		return err
	}
	page, err := s.newLinksPage(c, p)
	if err != nil {
		return err
	}
	page.Error = page.T(key)
	if r := []rune(count); len(r) > 20 {
		count = string(r[:20])
	}
	for i := range page.Rows {
		if page.Rows[i].ID == rowID && page.Active() {
			set(&page.Rows[i], count, page.Error)
			page.FocusID = focus + rowID
		}
	}
	return s.renderConsole(c, status, "pulse_links", page)
}

// refuseDownload answers a download that failed: a pulse without live
// links gets the links page with its explanation (409); anything else
// goes to the error handler.
func (s *Server) refuseDownload(c echo.Context, err error) error {
	var he *echo.HTTPError
	if errors.As(err, &he) && he.Code == http.StatusConflict {
		return s.linksRefusal(c, http.StatusConflict, "links_error_not_active", "", "")
	}
	return err
}

// langOrDefault is the language asked for in a download's ?lang=, or the
// organisation's when none is; ok is false for a language trots does not
// speak.
func (s *Server) langOrDefault(c echo.Context, lang string) (string, bool) {
	lang = strings.ToLower(strings.TrimSpace(lang))
	if lang == "" {
		if st, err := s.store.Settings(c.Request().Context()); err == nil && i18n.Supported(st.DefaultLanguage) {
			return st.DefaultLanguage, true
		}
		return i18n.Languages[0], true
	}
	return lang, i18n.Supported(lang)
}
