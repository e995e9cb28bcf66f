package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"trots/analysis"
	"trots/questionnaires"
	"trots/server/i18n"
	"trots/survey"
	"trots/survey/lifecycle"
	"trots/survey/results"
)

// The pulse lifecycle in the console (HR only): the list of pulses with a
// form for a new one, a pulse's page with its dates and thresholds, "Open
// now" and "Close now" behind a confirmation, and the form for the next
// pulse. The rules live in survey/lifecycle; the scheduler of `trots serve`
// opens and closes pulses on their dates with the same functions.

// pulseLocation is the time zone HR's dates and times are read and shown
// in: the organisation's, which is the server's.
func pulseLocation() *time.Location { return time.Local }

// lifecycleStore is the console's store as the lifecycle needs it; the
// survey store given to New is one.
func (s *Server) lifecycleStore() (lifecycle.Store, error) {
	st, ok := s.data.(lifecycle.Store)
	if !ok {
		return nil, fmt.Errorf("server: the store %T cannot open or close pulses", s.data)
	}
	return st, nil
}

// pulseErrorText translates a lifecycle or form error key ("pulse_dates")
// for HR.
func pulseErrorText(lang, key string) string {
	return i18n.T(lang, "pulses_err_"+strings.TrimPrefix(key, "pulse_"))
}

// pulseForm is the form for a new pulse, as posted; it is shown again as
// it was when something in it is wrong.
type pulseForm struct {
	Name, Questionnaire                          string
	OpensDate, OpensTime, ClosesDate, ClosesTime string
	// From is the pulse this one follows up, when made with "Schedule the
	// next pulse".
	From string
	// Mode is how the pulse is answered (survey.AnswerMode).
	Mode string
	// RetentionMonths after closing the raw answers are deleted (text as
	// typed; "12" on a fresh form); LeadComments lets leads read comments.
	RetentionMonths string
	LeadComments    bool
	// SignOn: respondents sign on first (only with single sign-on).
	SignOn bool
}

// parseLocalDateTime reads a date (2006-01-02) and a time of day (15:04, or
// 15:04:05 as some browsers send) in loc. Both empty is no time; an error
// is a field error key.
func parseLocalDateTime(date, clock string, loc *time.Location) (time.Time, string) {
	date, clock = strings.TrimSpace(date), strings.TrimSpace(clock)
	switch {
	case date == "" && clock == "":
		return time.Time{}, ""
	case date == "":
		return time.Time{}, "pulse_date_missing"
	case clock == "":
		return time.Time{}, "pulse_time_missing"
	}
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return time.Time{}, "pulse_date_format"
	}
	c, err := time.Parse("15:04", clock)
	if err != nil {
		if c, err = time.Parse(time.TimeOnly, clock); err != nil {
			return time.Time{}, "pulse_time_format"
		}
	}
	return time.Date(d.Year(), d.Month(), d.Day(), c.Hour(), c.Minute(), 0, 0, loc).UTC(), ""
}

// draft reads the form into a new pulse, with the fields it could not read.
func (f pulseForm) draft(loc *time.Location) (lifecycle.Draft, survey.FieldErrors) {
	d := lifecycle.Draft{Name: f.Name, Questionnaire: f.Questionnaire, Mode: survey.AnswerMode(f.Mode), LeadComments: f.LeadComments, SignOn: f.SignOn}
	if m, ok := survey.ParseAnswerMode(f.Mode); ok {
		d.Mode = m
	}
	fields := survey.FieldErrors{}
	if m := strings.TrimSpace(f.RetentionMonths); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 1 || n > survey.MaxRetentionMonths {
			fields["retention"] = lifecycle.KeyRetention
		}
		d.RetentionMonths = n
	}
	var key string
	if d.Opens, key = parseLocalDateTime(f.OpensDate, f.OpensTime, loc); key != "" {
		fields["opens"] = key
	}
	if d.Closes, key = parseLocalDateTime(f.ClosesDate, f.ClosesTime, loc); key != "" {
		fields["closes"] = key
	}
	return d, fields
}

// formatLocal shows an instant in loc, with its zone.
func formatLocal(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02 15:04 MST")
}

// pulseZoneLabel names loc for the form's hint, e.g. "CET, UTC+01:00" (just
// "UTC" for UTC).
func pulseZoneLabel(now time.Time, loc *time.Location) string {
	t := now.In(loc)
	name, offset := t.Format("MST"), "UTC"+t.Format("-07:00")
	switch {
	case name == "UTC" && offset == "UTC+00:00":
		return "UTC"
	case strings.HasPrefix(name, "+"), strings.HasPrefix(name, "-"):
		return offset
	}
	return name + ", " + offset
}

type pulseQuestionnaireOption struct {
	ID, Title string
	Items     int
	Checked   bool
}

type pulseListRow struct {
	ID, Name, Href, Questionnaire string
	Status, StatusLabel           string
	Opens, Closes                 string
	Responses                     string
}

// pulsesPage is /pulses, and the form of the next pulse (FollowUp set).
type pulsesPage struct {
	consolePage
	Rows           []pulseListRow
	Questionnaires []pulseQuestionnaireOption
	Form           pulseForm
	Errors         map[string]string // per field, translated
	Zone           string
	// FollowUp is the pulse the form proposes the successor of.
	FollowUp *survey.Pulse
	// Modes are the ways a pulse can be answered, for the form.
	Modes []pulseModeOption
	// SignOn is the single sign-on provider's name ("": none), which
	// respondents may be asked to sign on with.
	SignOn string
}

func (p *pulsesPage) setQuestionnaires(chosen string) {
	for _, id := range questionnaires.Shipped() {
		q, err := questionnaires.Load(id)
		if err != nil {
			continue // a shipped questionnaire always loads (tested in questionnaires)
		}
		p.Questionnaires = append(p.Questionnaires, pulseQuestionnaireOption{ID: q.ID, Title: q.Title.Get(p.Lang), Items: len(q.Items), Checked: q.ID == chosen})
	}
}

// questionnaireTitle is the title of the questionnaire a pulse uses, in
// lang, with its number of items.
func (s *Server) questionnaireTitle(p survey.Pulse, lang string) (string, int) {
	q, err := s.cfg.Questionnaire(p.QuestionnaireID, p.QuestionnaireVersion)
	if err != nil {
		return p.QuestionnaireID + "@" + strconv.Itoa(p.QuestionnaireVersion), 0
	}
	return q.Title.Get(lang), len(q.Items)
}

// totalResponses is a pulse's number of responses so far as shown: "–"
// for a draft, "fewer than k" below the pulse's anonymity threshold (a
// count of fewer than k people is shown nowhere).
func (s *Server) totalResponses(ctx context.Context, p survey.Pulse, lang string) (string, error) {
	if p.Status == survey.PulseDraft {
		return "–", nil
	}
	// A closed pulse shows what its stored results publish.
	if n, shown, stored, err := results.StoredRespondents(ctx, s.data, p); err != nil {
		return "", err
	} else if stored {
		if !shown {
			return i18n.T(lang, "participation_hidden"), nil
		}
		return strconv.Itoa(n), nil
	}
	// An open pulse shows the total the participation page shows: the
	// audit may hide it even at k or more (two hidden departments of 3
	// and 4 employees with a total of 7 have each answered to the last
	// person).
	o, err := s.openParticipation(ctx, p)
	if err != nil {
		return "", err
	}
	if o.total < o.k {
		return i18n.T(lang, "pulses_responses_fewer", o.k), nil
	}
	if !o.totalShown {
		return i18n.T(lang, "participation_hidden"), nil
	}
	return strconv.Itoa(o.total), nil
}

func (s *Server) pulses(c echo.Context) error {
	p, err := s.newPulsesPage(c, pulseForm{}, true)
	if err != nil {
		return err
	}
	return s.renderConsole(c, http.StatusOK, "pulses", p)
}

// newPulsesPage builds /pulses with form f; fresh proposes a questionnaire
// (the baseline while the organisation has no pulse, then the short pulse).
func (s *Server) newPulsesPage(c echo.Context, f pulseForm, fresh bool) (*pulsesPage, error) {
	ctx := c.Request().Context()
	loc := pulseLocation()
	if fresh && f.RetentionMonths == "" {
		// A fresh form starts from the organisation's settings.
		set, err := s.data.Settings(ctx)
		if err != nil {
			return nil, err
		}
		f.RetentionMonths, f.LeadComments = strconv.Itoa(set.RetentionMonths), set.LeadComments
	}
	p := &pulsesPage{consolePage: s.newConsolePage(c, "pulses_title", "pulses"), Form: f, Zone: pulseZoneLabel(s.cfg.Now(), loc)}
	if s.signon != nil {
		p.SignOn = s.signon.cfg.Name
	}
	all, err := s.data.Pulses(ctx)
	if err != nil {
		return nil, err
	}
	if p.Form.Mode == "" {
		p.Form.Mode = string(survey.ModeBoth)
	}
	p.setModes()
	if fresh {
		p.Form.Questionnaire = lifecycle.PulseQuestionnaire
		if len(all) == 0 {
			p.Form.Questionnaire = lifecycle.BaselineQuestionnaire
		}
	}
	p.setQuestionnaires(p.Form.Questionnaire)
	for _, pl := range all {
		row := pulseListRow{ID: pl.ID, Name: pl.Name, Href: "/pulses/" + pl.ID, Status: string(pl.Status),
			StatusLabel: p.T("pulses_status_" + string(pl.Status)), Opens: formatLocal(pl.Opens, loc), Closes: formatLocal(pl.Closes, loc)}
		if !pl.Closed.IsZero() {
			row.Closes = formatLocal(pl.Closed, loc)
		}
		row.Questionnaire, _ = s.questionnaireTitle(pl, p.Lang)
		if row.Responses, err = s.totalResponses(ctx, pl, p.Lang); err != nil {
			return nil, err
		}
		p.Rows = append(p.Rows, row)
	}
	return p, nil
}

// createPulse is POST /pulses: a new draft, or the form again with what is
// wrong next to each field and the values as they were.
func (s *Server) createPulse(c echo.Context) error {
	r := c.Request()
	f := pulseForm{Name: r.PostFormValue("name"), Questionnaire: r.PostFormValue("questionnaire"),
		OpensDate: r.PostFormValue("opens_date"), OpensTime: r.PostFormValue("opens_time"),
		ClosesDate: r.PostFormValue("closes_date"), ClosesTime: r.PostFormValue("closes_time"), From: r.PostFormValue("from"),
		Mode:            r.PostFormValue("answer_mode"),
		RetentionMonths: r.PostFormValue("retention_months"), LeadComments: r.PostFormValue("lead_comments") == "yes",
		// Respondents can sign on only where a provider is configured.
		SignOn: s.signon != nil && r.PostFormValue("sign_on") == "yes"}
	st, err := s.lifecycleStore()
	if err != nil {
		return err
	}
	now := s.cfg.Now()
	d, fields := f.draft(pulseLocation())
	for field, key := range lifecycle.Validate(d, now) {
		if _, ok := fields[field]; !ok {
			fields[field] = key
		}
	}
	var p survey.Pulse
	if len(fields) == 0 {
		p, err = s.createDraftOnce(r.Context(), st, d, now)
		var inv *lifecycle.Invalid
		if errors.As(err, &inv) {
			fields = inv.Fields
		} else if err != nil {
			return err
		}
	}
	if len(fields) > 0 {
		page, err := s.newPulsesPage(c, f, false)
		if err != nil {
			return err
		}
		if f.From != "" && survey.ValidID(f.From) {
			if prev, err := s.data.Pulse(r.Context(), f.From); err == nil {
				s.followUpMode(page, prev)
			}
		}
		page.Errors = map[string]string{}
		for field, key := range fields {
			page.Errors[field] = pulseErrorText(page.Lang, key)
		}
		return s.renderConsole(c, http.StatusBadRequest, "pulses", page)
	}
	s.log.Info("pulse created", "user", sessionOf(c).User.ID, "pulse", p.ID, "questionnaire", p.QuestionnaireID)
	if err := s.audit(c, "pulse.create", auditPulse(p), "questionnaire "+p.QuestionnaireID); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/pulses/"+p.ID+"?done=created")
}

// createDraftMu serialises createDraftOnce within this instance, so that
// the second request of a double click finds the draft of the first.
var createDraftMu sync.Mutex

// createDraftOnce creates the draft d, unless a draft identical to it (the
// same name, questionnaire, opening and closing time) exists: then that
// one is returned. A double click on "Create" would otherwise make two
// drafts that open on the same date, each with its own survey links, the
// one nobody shares becoming the empty "previous pulse" of the next.
// Nobody needs two identical drafts: a pulse that differs in anything is
// created.
func (s *Server) createDraftOnce(ctx context.Context, st lifecycle.Store, d lifecycle.Draft, now time.Time) (survey.Pulse, error) {
	createDraftMu.Lock()
	defer createDraftMu.Unlock()
	all, err := s.data.Pulses(ctx)
	if err != nil {
		return survey.Pulse{}, err
	}
	name := strings.TrimSpace(d.Name)
	for _, p := range all {
		if p.Status == survey.PulseDraft && p.Name == name && p.QuestionnaireID == d.Questionnaire &&
			p.Opens.Equal(d.Opens) && p.Closes.Equal(d.Closes) && p.Mode == d.Mode {
			return p, nil
		}
	}
	return lifecycle.Create(ctx, st, d, now)
}

// followUpMode turns the list page into the form for the pulse after prev.
func (s *Server) followUpMode(p *pulsesPage, prev survey.Pulse) {
	p.FollowUp = &prev
	p.Title = p.T("pulses_next_title")
	p.Rows = nil
}

// nextPulse is GET /pulses/:id/next: the form for the next pulse,
// proposed from this one (lifecycle.FollowUp) and open to changes.
func (s *Server) nextPulse(c echo.Context) error {
	prev, err := s.pulseParam(c)
	if err != nil {
		return err
	}
	if prev.Status == survey.PulseDraft {
		return echo.NewHTTPError(http.StatusConflict)
	}
	loc := pulseLocation()
	lang := s.consoleLang(c)
	d := lifecycle.FollowUp(prev, s.cfg.Now(), loc)
	f := pulseForm{Name: followUpName(lang, prev.Name), Questionnaire: d.Questionnaire, From: prev.ID, Mode: string(prev.Mode),
		OpensDate: d.Opens.In(loc).Format(time.DateOnly), OpensTime: d.Opens.In(loc).Format("15:04"),
		ClosesDate: d.Closes.In(loc).Format(time.DateOnly), ClosesTime: d.Closes.In(loc).Format("15:04")}
	p, err := s.newPulsesPage(c, f, false)
	if err != nil {
		return err
	}
	s.followUpMode(p, prev)
	return s.renderConsole(c, http.StatusOK, "pulses", p)
}

// followUpName is "<name> – follow-up", shortened to fit a pulse name.
func followUpName(lang, name string) string {
	suffix := i18n.T(lang, "pulses_followup_suffix")
	room := 120 - utf8.RuneCountInString(suffix)
	if r := []rune(name); len(r) > room {
		name = strings.TrimSpace(string(r[:room]))
	}
	return name + suffix
}

// pulseParam is the pulse named by :id; 404 when there is none.
func (s *Server) pulseParam(c echo.Context) (survey.Pulse, error) {
	id := c.Param("id")
	if !survey.ValidID(id) {
		return survey.Pulse{}, echo.NewHTTPError(http.StatusNotFound)
	}
	p, err := s.data.Pulse(c.Request().Context(), id)
	if survey.ErrorCode(err) == survey.ENotFound {
		return survey.Pulse{}, echo.NewHTTPError(http.StatusNotFound)
	}
	return p, err
}

// pulsePage is /pulses/:id.
type pulsePage struct {
	consolePage
	Pulse                 survey.Pulse
	Questionnaire         string
	Items                 int
	StatusLabel           string
	Opens, Closes, Closed string
	Responses             string
	// MinGroup and MinComments are the pulse's thresholds once open, the
	// organisation's current settings while it is a draft.
	MinGroup, MinComments int
	// PurgeDue is when the raw answers go (closed pulses only).
	PurgeDue string
	Done     string // "created", "opened", "closed": what just happened
	// Missed: a draft whose closing time passed before it opened.
	Missed                        bool
	Mode                          string // how it is answered, in words
	CanOpen, CanClose, CanFollow  bool
	OpenError, CloseError, Refuse string
}

func (s *Server) pulse(c echo.Context) error {
	p, err := s.pulseParam(c)
	if err != nil {
		return err
	}
	page, err := s.newPulsePage(c, p)
	if err != nil {
		return err
	}
	switch d := c.QueryParam("done"); d {
	case "created", "opened", "closed":
		page.Done = d
	}
	return s.renderConsole(c, http.StatusOK, "pulse", page)
}

func (s *Server) newPulsePage(c echo.Context, p survey.Pulse) (*pulsePage, error) {
	ctx := c.Request().Context()
	loc := pulseLocation()
	now := s.cfg.Now()
	page := &pulsePage{consolePage: s.newConsolePage(c, "pulses_detail_title", "pulses"), Pulse: p,
		StatusLabel: i18n.T(s.consoleLang(c), "pulses_status_"+string(p.Status)),
		Opens:       formatLocal(p.Opens, loc), Closes: formatLocal(p.Closes, loc), Closed: formatLocal(p.Closed, loc),
		MinGroup: p.MinGroup, MinComments: p.MinComments}
	if p.Status == survey.PulseClosed && p.Purged.IsZero() {
		page.PurgeDue = formatLocal(p.PurgeDue(), loc)
	}
	page.Title = p.Name
	page.Mode = modeText(page.Lang, p.Mode)
	page.Questionnaire, page.Items = s.questionnaireTitle(p, page.Lang)
	var err error
	if page.Responses, err = s.totalResponses(ctx, p, page.Lang); err != nil {
		return nil, err
	}
	switch p.Status {
	case survey.PulseDraft:
		set, err := s.data.Settings(ctx)
		if err != nil {
			return nil, err
		}
		page.MinGroup, page.MinComments = set.MinGroup, set.MinComments
		page.Missed = !p.Closes.IsZero() && !now.Before(p.Closes)
		page.CanOpen = !page.Missed
	case survey.PulseOpen:
		page.CanClose, page.CanFollow = true, true
	case survey.PulseClosed:
		page.CanFollow = true
	}
	return page, nil
}

// transition is POST /pulses/:id/open and /close: with the confirmation
// ticked, the lifecycle's Open or Close; without it, or when the pulse's
// status does not allow it, the pulse's page again with the reason, and
// nothing changed. A pulse already open (closed) is shown as opened
// (closed).
func (s *Server) transition(action string) echo.HandlerFunc {
	return func(c echo.Context) error {
		p, err := s.pulseParam(c)
		if err != nil {
			return err
		}
		st, err := s.lifecycleStore()
		if err != nil {
			return err
		}
		lang := s.consoleLang(c)
		if c.Request().PostFormValue("confirm") != "yes" {
			page, err := s.newPulsePage(c, p)
			if err != nil {
				return err
			}
			if action == "open" {
				page.OpenError = i18n.T(lang, "pulses_confirm_missing")
			} else {
				page.CloseError = i18n.T(lang, "pulses_confirm_missing")
			}
			return s.renderConsole(c, http.StatusBadRequest, "pulse", page)
		}
		ctx := c.Request().Context()
		done := "opened"
		if action == "open" {
			_, err = lifecycle.Open(ctx, st, p.ID, s.cfg.Now())
		} else {
			done = "closed"
			_, err = lifecycle.Close(ctx, st, p.ID, analysis.DefaultConfig())
		}
		if survey.ErrorCode(err) == survey.EConflict {
			refused := err
			if p, err = s.data.Pulse(ctx, p.ID); err != nil {
				return err
			}
			// Already where the button leads (a double click, another
			// tab): what the user asked for is true, so it is shown as
			// done; the API says 409.
			if action == "open" && p.Status == survey.PulseOpen || action == "close" && p.Status == survey.PulseClosed {
				return c.Redirect(http.StatusSeeOther, "/pulses/"+p.ID+"?done="+url.QueryEscape(done))
			}
			page, err := s.newPulsePage(c, p)
			if err != nil {
				return err
			}
			page.Refuse = pulseErrorText(lang, survey.ErrorKey(refused))
			return s.renderConsole(c, http.StatusConflict, "pulse", page)
		}
		if err != nil {
			return err
		}
		s.log.Info("pulse "+done, "user", sessionOf(c).User.ID, "pulse", p.ID)
		if err := s.audit(c, "pulse."+action, auditPulse(p), ""); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/pulses/"+p.ID+"?done="+url.QueryEscape(done))
	}
}
