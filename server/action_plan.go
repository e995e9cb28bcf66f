package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"trots/accounts"
	"trots/analysis"
	"trots/questionnaires"
	"trots/reports"
	"trots/server/i18n"
	"trots/survey"
	"trots/survey/results"
)

// Action plans (issue 18, follow-through): after a FIX FIRST or NOT YET
// MEASURABLE verdict, HR and the department's lead agree up to five
// actions, each on a theme, with an owner (a role), a due date and a
// status. The plan is recorded against the pulse whose verdict it answers,
// and only while that pulse is the newest closed one; the next pulse's
// department page and report show it with the change of each of its
// themes. Every change is in the plan's append-only log.

// PlanStore is what action plans need of the store.
type PlanStore interface {
	AddAction(ctx context.Context, a survey.Action, by survey.Author) (survey.Action, error)
	UpdateAction(ctx context.Context, a survey.Action, by survey.Author) (survey.Action, error)
	Actions(ctx context.Context, pulseID, departmentID string) ([]survey.Action, error)
	ActionLog(ctx context.Context, pulseID, departmentID string) ([]survey.ActionEvent, error)
}

// planners may change a plan: HR, and a lead for the own department.
var planners = []accounts.Role{accounts.RoleAdmin, accounts.RoleLead}

// topicPrefix marks a promise/reality topic among the themes of a plan.
const topicPrefix = "topic:"

// planRefusal is why a plan cannot be changed, as a status and a key.
type planRefusal struct {
	status int
	key    string
}

func (r *planRefusal) Error() string { return "server: action plan: " + r.key }

// planTarget is the pulse and department of a plan that may be changed by
// the user of the request: the department exists in the pulse's results,
// the pulse is the newest closed one, and its verdict is not GO.
func (s *Server) planTarget(c echo.Context, pulseID, deptID, lang string) (*boardData, *boardRow, error) {
	b, err := s.loadBoard(c, pulseID, lang)
	if err != nil {
		return nil, nil, err
	}
	if !b.scope.sees(deptID) {
		return nil, nil, &planRefusal{http.StatusForbidden, "action_lead_other"}
	}
	if b.pending {
		return nil, nil, &planRefusal{http.StatusConflict, results.KeyAfterClose}
	}
	if b.outcome == nil {
		return nil, nil, &planRefusal{http.StatusNotFound, "not_found"}
	}
	row := findRow(b, deptID)
	if row == nil {
		return nil, nil, &planRefusal{http.StatusNotFound, "dept_not_found"}
	}
	if !planOpen(b) {
		return nil, nil, &planRefusal{http.StatusConflict, "action_pulse_not_latest"}
	}
	if row.Verdict == analysis.Go {
		return nil, nil, &planRefusal{http.StatusConflict, "action_department_go"}
	}
	return b, row, nil
}

func findRow(b *boardData, id string) *boardRow {
	for i := range b.rows {
		if b.rows[i].ID == id {
			return &b.rows[i]
		}
	}
	return nil
}

// planOpen reports whether the board's pulse is the newest closed one: a
// plan answers the latest verdict, and is read, not rewritten, once the
// next pulse has measured again.
func planOpen(b *boardData) bool {
	for _, p := range b.pulses { // newest first
		if p.Status == survey.PulseClosed {
			return p.ID == b.pulse.ID
		}
	}
	return false
}

// validTheme reports whether theme is a dimension or a promise/reality
// topic of q.
func validTheme(q *questionnaires.Questionnaire, theme string) bool {
	if topic, ok := strings.CutPrefix(theme, topicPrefix); ok {
		for _, p := range q.Pairs() {
			if p.Topic == topic {
				return true
			}
		}
		return false
	}
	_, ok := q.Dimension(theme)
	return ok
}

func themeName(q *questionnaires.Questionnaire, theme, lang string) string {
	if topic, ok := strings.CutPrefix(theme, topicPrefix); ok {
		return capitalFirst(questionnaires.TopicName(topic, lang))
	}
	return dimensionName(q, theme, lang)
}

// trendKey is the dimension of the trend that follows a theme: a topic's
// change is followed by the overall promise/reality gap, the trend having
// no topic of its own.
func trendKey(theme string) string {
	if strings.HasPrefix(theme, topicPrefix) {
		return "gap"
	}
	return theme
}

type themeOption struct {
	Value, Name string
	Selected    bool
}

func themeOptions(q *questionnaires.Questionnaire, selected, lang string) []themeOption {
	var out []themeOption
	for _, d := range q.Dimensions {
		out = append(out, themeOption{Value: d.ID, Name: d.Name.Get(lang), Selected: d.ID == selected})
	}
	seen := map[string]bool{}
	for _, p := range q.Pairs() {
		if seen[p.Topic] {
			continue
		}
		seen[p.Topic] = true
		v := topicPrefix + p.Topic
		out = append(out, themeOption{Value: v, Name: i18n.T(lang, "action_topic", questionnaires.TopicName(p.Topic, lang)), Selected: v == selected})
	}
	return out
}

type statusOption struct {
	Value, Name string
	Selected    bool
}

func statusOptions(selected survey.ActionStatus, lang string) []statusOption {
	var out []statusOption
	for _, st := range survey.ActionStatuses {
		out = append(out, statusOption{Value: string(st), Name: i18n.T(lang, "action_status_"+string(st)), Selected: st == selected})
	}
	return out
}

// planSection is the action plan part of a department's page.
type planSection struct {
	// Previous is the plan that answered the previous pulse, with the
	// change of its themes in this one.
	Previous     *planBlock
	PreviousName string
	Progress     []progressView
	// Current is the plan answering this pulse's verdict.
	Current *planBlock
	// ShowCurrent is false for a GO department without a plan: nothing
	// to show or do there.
	ShowCurrent bool
	CanEdit     bool
	Closed      string // why the plan cannot be changed, when it cannot
	Themes      []themeOption
	Statuses    []statusOption
	AddHref     string
	Full        bool
	Saved       bool
	Error       string
	Form        actionForm
	Log         []actionEventView
}

type planBlock struct {
	Actions []actionView
}

type actionView struct {
	ID, Title, Theme, Owner, Due, Status, Href string
	Themes                                     []themeOption
	Statuses                                   []statusOption
}

type progressView struct {
	Theme, Change, MDD, Verdict, Class string
}

type actionEventView struct {
	At, By, What string
}

// actionForm holds what was typed into the add form, to show it again
// with an error.
type actionForm struct {
	Theme, Title, Owner, Due string
}

// planSection builds the plan part of the department page of b's pulse.
func (s *Server) planSection(c echo.Context, b *boardData, row *boardRow, lang string) (*planSection, error) {
	ctx := c.Request().Context()
	q := b.outcome.Questionnaire
	u := sessionOf(c).User
	ps := &planSection{AddHref: "/board/departments/" + row.ID + "/actions"}
	if prev := b.outcome.Previous; prev != nil {
		acts, err := s.data.Actions(ctx, prev.ID, row.ID)
		if err != nil {
			return nil, err
		}
		if len(acts) > 0 {
			ps.PreviousName = prev.Name
			ps.Previous = &planBlock{}
			for _, a := range acts {
				ps.Previous.Actions = append(ps.Previous.Actions, newActionView(q, a, lang))
			}
			ps.Progress = planProgress(q, acts, row.trends, lang)
		}
	}
	acts, err := s.data.Actions(ctx, b.pulse.ID, row.ID)
	if err != nil {
		return nil, err
	}
	ps.CanEdit = (u.Role == accounts.RoleAdmin || u.Role == accounts.RoleLead && b.scope.sees(row.ID)) &&
		planOpen(b) && row.Verdict != analysis.Go
	switch {
	case row.Verdict == analysis.Go:
		ps.Closed = i18n.T(lang, "action_department_go")
	case !planOpen(b):
		ps.Closed = i18n.T(lang, "action_pulse_not_latest")
	}
	ps.Current = &planBlock{}
	for _, a := range acts {
		v := newActionView(q, a, lang)
		if ps.CanEdit {
			v.Themes, v.Statuses = themeOptions(q, a.Theme, lang), statusOptions(a.Status, lang)
			v.Href = ps.AddHref + "/" + a.ID
		}
		ps.Current.Actions = append(ps.Current.Actions, v)
	}
	ps.Full = len(acts) >= survey.MaxActions
	ps.Saved = c.QueryParam("planned") == "1"
	if f, ok := c.Get("action_form").(actionForm); ok {
		ps.Form = f
	}
	if msg, ok := c.Get("action_error").(string); ok {
		ps.Error = msg
	}
	ps.Themes = themeOptions(q, ps.Form.Theme, lang)
	ps.ShowCurrent = len(acts) > 0 || row.Verdict != analysis.Go || ps.Error != ""
	log, err := s.data.ActionLog(ctx, b.pulse.ID, row.ID)
	if err != nil {
		return nil, err
	}
	for _, ev := range log {
		ps.Log = append(ps.Log, newActionEventView(q, ev, lang))
	}
	return ps, nil
}

func newActionView(q *questionnaires.Questionnaire, a survey.Action, lang string) actionView {
	return actionView{ID: a.ID, Title: a.Title, Theme: themeName(q, a.Theme, lang), Owner: a.Owner,
		Due: a.Due.Format("2006-01-02"), Status: i18n.T(lang, "action_status_"+string(a.Status))}
}

func newActionEventView(q *questionnaires.Questionnaire, ev survey.ActionEvent, lang string) actionEventView {
	a := ev.Action
	var what string
	switch ev.Kind {
	case survey.ActionStatusChanged:
		what = i18n.T(lang, "action_log_status", a.Title, i18n.T(lang, "action_status_"+string(ev.FromStatus)), i18n.T(lang, "action_status_"+string(a.Status)))
	default:
		what = i18n.T(lang, "action_log_"+string(ev.Kind), a.Title, themeName(q, a.Theme, lang), a.Owner, a.Due.Format("2006-01-02"),
			i18n.T(lang, "action_status_"+string(a.Status)))
	}
	return actionEventView{At: ev.At.UTC().Format("2006-01-02 15:04") + " UTC", By: ev.UserEmail, What: what}
}

// planProgress is the change of each theme of a plan since the pulse the
// plan answered, from the analysis' trend of the department.
func planProgress(q *questionnaires.Questionnaire, acts []survey.Action, trends []analysis.DimensionTrend, lang string) []progressView {
	byDim := map[string]analysis.DimensionTrend{}
	for _, dt := range trends {
		byDim[dt.Dimension] = dt
	}
	var out []progressView
	seen := map[string]bool{}
	for _, a := range acts {
		key := trendKey(a.Theme)
		if seen[key] {
			continue
		}
		seen[key] = true
		v := progressView{Theme: dimensionName(q, key, lang)}
		if key == "gap" {
			v.Theme = i18n.T(lang, "board_gap")
		}
		dt, ok := byDim[key]
		if !ok {
			v.Change, v.Verdict, v.Class = i18n.T(lang, "action_progress_none"), "", "none"
			out = append(out, v)
			continue
		}
		lo, hi := dt.CILow, dt.CIHigh
		v.Change = fmtSigned(lang, dt.Diff) + intervalSuffix(lang, &lo, &hi, true)
		v.MDD = fmtNum(lang, dt.MDD, 2)
		switch {
		case lo > 0:
			v.Verdict, v.Class = i18n.T(lang, "action_progress_up"), "up"
		case hi < 0:
			v.Verdict, v.Class = i18n.T(lang, "action_progress_down"), "down"
		default:
			v.Verdict, v.Class = i18n.T(lang, "action_progress_not_shown"), "same"
		}
		out = append(out, v)
	}
	return out
}

// actionInput reads an action from a form or a JSON body and checks its
// theme against the questionnaire, which the store cannot.
func actionInput(q *questionnaires.Questionnaire, theme, title, owner, due, status string) (survey.Action, error) {
	a := survey.Action{Theme: strings.TrimSpace(theme), Title: title, Owner: owner, Status: survey.ActionStatus(status)}
	if !validTheme(q, a.Theme) {
		return a, &planRefusal{http.StatusBadRequest, "action_theme_invalid"}
	}
	d, err := survey.ParseDue(due)
	if err != nil {
		return a, err
	}
	a.Due = d
	return a, nil
}

// refusal turns an error of a plan change into a status and a key; ok is
// false for an internal error.
func refusal(err error) (int, string, bool) {
	if r, ok := err.(*planRefusal); ok {
		return r.status, r.key, true
	}
	if code := survey.ErrorCode(err); code == survey.EInvalid || code == survey.ENotFound {
		return surveyStatus(err), survey.ErrorKey(err), true
	}
	return 0, "", false
}

// addActionForm adds an action from the department page's form.
func (s *Server) addActionForm(c echo.Context) error {
	return s.changeActionForm(c, "")
}

// updateActionForm changes an action from its form on the page.
func (s *Server) updateActionForm(c echo.Context) error {
	return s.changeActionForm(c, c.Param("action"))
}

func (s *Server) changeActionForm(c echo.Context, actionID string) error {
	r := c.Request()
	id := c.Param("id")
	if !survey.ValidID(id) || actionID != "" && !survey.ValidID(actionID) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	lang := s.consoleLang(c)
	f := actionForm{Theme: r.PostFormValue("theme"), Title: r.PostFormValue("title"), Owner: r.PostFormValue("owner"), Due: r.PostFormValue("due")}
	err := s.changeAction(c, r.PostFormValue("pulse"), id, actionID, lang, f, r.PostFormValue("status"))
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/board/departments/"+id+"?pulse="+url.QueryEscape(r.PostFormValue("pulse"))+"&planned=1#plan")
	}
	status, key, ok := refusal(err)
	if !ok {
		return err
	}
	if status == http.StatusForbidden || status == http.StatusNotFound && key != "action_not_found" {
		return echo.NewHTTPError(status, i18n.T(lang, key))
	}
	if actionID == "" {
		c.Set("action_form", f)
	}
	c.Set("action_error", i18n.T(lang, key))
	return s.renderDepartment(c, status, "", "", "")
}

// changeAction adds (actionID "") or updates an action of the plan of a
// pulse and department.
func (s *Server) changeAction(c echo.Context, pulseID, deptID, actionID, lang string, f actionForm, status string) (err error) {
	b, _, err := s.planTarget(c, pulseID, deptID, lang)
	if err != nil {
		return err
	}
	a, err := actionInput(b.outcome.Questionnaire, f.Theme, f.Title, f.Owner, f.Due, status)
	if err != nil {
		return err
	}
	a.ID, a.PulseID, a.DepartmentID = actionID, b.pulse.ID, deptID
	u := sessionOf(c).User
	by := survey.Author{UserID: u.ID, UserEmail: u.Email}
	if actionID == "" {
		a, err = s.data.AddAction(c.Request().Context(), a, by)
	} else {
		a, err = s.data.UpdateAction(c.Request().Context(), a, by)
	}
	if err == nil {
		s.log.Info("action plan changed", "user", u.ID, "pulse", b.pulse.ID, "department", deptID, "action", a.ID)
		c.Set("action_saved", a)
	}
	return err
}

// The JSON API of plans: /api/v1/pulses/{id}/departments/{department}/actions.

type apiAction struct {
	ID        string `json:"id"`
	Theme     string `json:"theme"`
	Title     string `json:"title"`
	Owner     string `json:"owner"`
	Due       string `json:"due"`
	Status    string `json:"status"`
	CreatedAt string `json:"created_at,omitempty"` // not in the log's entries
	UpdatedAt string `json:"updated_at,omitempty"`
}

func newAPIAction(a survey.Action) apiAction {
	out := apiAction{ID: a.ID, Theme: a.Theme, Title: a.Title, Owner: a.Owner, Due: a.Due.Format("2006-01-02"), Status: string(a.Status)}
	if !a.CreatedAt.IsZero() {
		out.CreatedAt, out.UpdatedAt = decidedAt(a.CreatedAt), decidedAt(a.UpdatedAt)
	}
	return out
}

type apiActionEvent struct {
	Kind       string    `json:"kind"`
	Action     apiAction `json:"action"`
	FromStatus string    `json:"from_status,omitempty"`
	By         string    `json:"by"`
	At         string    `json:"at"`
}

type apiPlan struct {
	Actions []apiAction      `json:"actions"`
	Log     []apiActionEvent `json:"log"`
}

type apiActionRequest struct {
	Theme  string `json:"theme"`
	Title  string `json:"title"`
	Owner  string `json:"owner"`
	Due    string `json:"due"`
	Status string `json:"status"`
}

func (s *Server) apiActions(c echo.Context) error {
	ctx := c.Request().Context()
	lang := requestLang(c)
	pulseID, deptID := c.Param("id"), c.Param("department")
	p, err := s.data.Pulse(ctx, pulseID)
	if survey.ErrorCode(err) == survey.ENotFound {
		return apiError(c, http.StatusNotFound, lang, "not_found", nil)
	} else if err != nil {
		// An outage is 503 unavailable, anything else 500 internal
		// (handleError): not a not_found under another status.
		return err
	}
	if sc, err := s.scopeFor(ctx, sessionOf(c).User, &p); err != nil {
		return err
	} else if !sc.sees(deptID) {
		return apiError(c, http.StatusForbidden, lang, "action_lead_other", nil)
	}
	acts, err := s.data.Actions(ctx, pulseID, deptID)
	if err != nil {
		return err
	}
	log, err := s.data.ActionLog(ctx, pulseID, deptID)
	if err != nil {
		return err
	}
	out := apiPlan{Actions: []apiAction{}, Log: []apiActionEvent{}}
	for _, a := range acts {
		out.Actions = append(out.Actions, newAPIAction(a))
	}
	for _, ev := range log {
		out.Log = append(out.Log, apiActionEvent{Kind: string(ev.Kind), Action: newAPIAction(ev.Action), FromStatus: string(ev.FromStatus),
			By: ev.UserEmail, At: decidedAt(ev.At)})
	}
	return apiJSON(c, http.StatusOK, out)
}

func (s *Server) apiAddAction(c echo.Context) error { return s.apiChangeAction(c, "") }
func (s *Server) apiUpdateAction(c echo.Context) error {
	return s.apiChangeAction(c, c.Param("action"))
}

func (s *Server) apiChangeAction(c echo.Context, actionID string) error {
	lang := requestLang(c)
	var req apiActionRequest
	if ok, err := readAPIBody(c, lang, &req); !ok {
		return err
	}
	if actionID != "" && !survey.ValidID(actionID) {
		return apiError(c, http.StatusNotFound, lang, "action_not_found", nil)
	}
	err := s.changeAction(c, c.Param("id"), c.Param("department"), actionID, lang,
		actionForm{Theme: req.Theme, Title: req.Title, Owner: req.Owner, Due: req.Due}, req.Status)
	if err != nil {
		status, key, ok := refusal(err)
		if !ok {
			return err
		}
		return apiError(c, status, lang, key, nil)
	}
	a, _ := c.Get("action_saved").(survey.Action)
	code := http.StatusOK
	if actionID == "" {
		code = http.StatusCreated
	}
	return apiJSON(c, code, newAPIAction(a))
}

// ReportPlans are the plans a department's report shows, worded in lang:
// the one that answered the previous pulse, with its progress, and the one
// answering this pulse. The report job and `trots report` both use it.
func ReportPlans(ctx context.Context, st PlanStore, o *results.Outcome, deptID, lang string) ([]reports.ActionPlan, error) {
	var out []reports.ActionPlan
	add := func(p survey.Pulse, progress bool) error {
		acts, err := st.Actions(ctx, p.ID, deptID)
		if err != nil || len(acts) == 0 {
			return err
		}
		plan := reports.ActionPlan{After: p.Name, Progress: progress}
		for _, a := range acts {
			plan.Actions = append(plan.Actions, reports.PlanAction{Title: a.Title, Theme: themeName(o.Questionnaire, a.Theme, lang),
				Owner: a.Owner, Due: a.Due.Format("2006-01-02"), Status: i18n.T(lang, "action_status_"+string(a.Status)), Dimension: trendKey(a.Theme)})
		}
		out = append(out, plan)
		return nil
	}
	if o.Previous != nil {
		if err := add(*o.Previous, true); err != nil {
			return nil, err
		}
	}
	if err := add(o.Pulse, false); err != nil {
		return nil, err
	}
	return out, nil
}
