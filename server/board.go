package server

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"trots/accounts"
	"trots/analysis"
	"trots/questionnaires"
	"trots/server/i18n"
	"trots/survey"
	"trots/survey/results"
)

// The management board: every department of a pulse with its verdict and
// the key evidence, straight from the analysis. Suppression is structural
// in the analysis' result (a suppressed department carries no figures);
// the board shows what is there and nothing else. A lead sees only the own
// department.

// boardData is one pulse's analysis as the board reads it.
type boardData struct {
	pulses  []survey.Pulse // opened pulses, newest first
	pulse   survey.Pulse
	outcome *results.Outcome
	rows    []boardRow
	// pending is set for an open pulse: it has no results (nil outcome)
	// until it closes, since figures that change with every answer give
	// away the newest answer to whoever compares two looks at them.
	pending bool
	// withheld is set (with pending) for a closed pulse whose results
	// the disclosure audit keeps unpublished.
	withheld bool
	// tree is the department tree the results are shown in (the one the
	// pulse closed with), scope the part of it the user may see.
	tree  survey.Tree
	scope scope
}

// loadBoard returns the results of the pulse named by ?pulse= (default:
// the newest closed one, else the newest open one) for the user of the
// request. It returns a nil outcome when no pulse has been opened yet, and
// a nil outcome with pending set for an open pulse.
func (s *Server) loadBoard(c echo.Context, pulseID, lang string) (*boardData, error) {
	ctx := c.Request().Context()
	all, err := s.data.Pulses(ctx)
	if err != nil {
		return nil, err
	}
	b := &boardData{}
	for _, p := range all {
		if p.Status != survey.PulseDraft {
			b.pulses = append(b.pulses, p)
		}
	}
	if len(b.pulses) == 0 {
		if pulseID != "" {
			return nil, echo.NewHTTPError(http.StatusNotFound)
		}
		return b, nil
	}
	b.pulse = b.pulses[0]
	for _, p := range b.pulses {
		if p.Status == survey.PulseClosed {
			b.pulse = p
			break
		}
	}
	if pulseID != "" {
		found := false
		for _, p := range b.pulses {
			if p.ID == pulseID {
				b.pulse, found = p, true
			}
		}
		if !found {
			return nil, echo.NewHTTPError(http.StatusNotFound)
		}
	}
	if b.tree, _, err = s.pulseTree(ctx, &b.pulse); err != nil {
		return nil, err
	}
	b.scope = scopeIn(b.tree, sessionOf(c).User)
	if b.pulse.Status == survey.PulseOpen {
		b.pending = true
		return b, nil
	}
	b.outcome, err = results.Analyze(ctx, s.data, b.pulse.ID, analysis.DefaultConfig())
	if survey.ErrorKey(err) == results.KeyAfterClose {
		b.pending = true
		return b, nil
	}
	if survey.ErrorKey(err) == results.KeyWithheld {
		// The anonymity audit did not pass: nothing of the pulse is
		// published (pages treat it like a pulse without results).
		b.pending, b.withheld = true, true
		return b, nil
	}
	if err != nil {
		return nil, err
	}
	// A lead reads the open comments only when the pulse lets leads read
	// them, as in the reports (report_job.go): the API hands out the
	// analysis' figures, comments included, so they go here, once, for
	// every page, export and API answer made from the board.
	if !results.CommentsVisible(sessionOf(c).User.Role, b.pulse) {
		b.outcome.Result = results.WithoutComments(b.outcome.Result)
	}
	analysis.Localize(b.outcome.Result, b.outcome.Questionnaire, lang)
	b.rows, err = s.boardRows(ctx, b, lang)
	return b, err
}

// boardRow is one department on the board.
type boardRow struct {
	ID, Name, Href string
	// Where the department sits: its parent, its path from the top
	// ("Directie A / Afdeling B / Team C"), how many parts it has that the
	// user sees and the board page of those parts.
	ParentID  string
	Path      string
	Children  int
	PartsHref string
	// Total is its headcount with everything below it.
	Total        int
	Current      bool // the node whose parts the board shows
	Verdict      analysis.Decision
	VerdictLabel string
	VerdictClass string
	// Reason is the first reason of a FIX FIRST or NOT YET MEASURABLE
	// verdict, with every collection-integrity flag and possible problem
	// after it: what management should read before deciding.
	Reason         string
	Suppressed     bool
	SuppressedText string
	N              int
	Rate           string
	Weakest        string
	WeakestValue   string
	Gap            string
	GapStatus      string
	Decision       *decisionView
	// Internal is a GO for a department whose people may not be visible
	// outside: advocacy stays internal there.
	Internal bool
	// Needs is what the department must still show to reach GO
	// (goNeeds).
	Needs []string
	// Trend is the change of the weakest theme since the previous pulse.
	Trend       string
	trends      []analysis.DimensionTrend
	group       *analysis.GroupResult
	rate        *analysis.Proportion
	weakest     *analysis.DimensionResult
	weakestName string
}

// boardReason joins the first reason with the reasons that qualify it:
// further integrity flags and the possible problems of a department too
// small or too unrepresentative to decide.
func boardReason(rs []analysis.Reason) string {
	var parts []string
	for i, r := range rs {
		if r.Text != "" && (i == 0 || r.Kind == "possible_problem" || r.Code == "collection_integrity") {
			parts = append(parts, r.Text)
		}
	}
	return strings.Join(parts, " ")
}

type decisionView struct {
	Choice, ChoiceClass, By, At, Note, Verdict string
	Mode                                       string // how the pulse was answered
	raw                                        survey.Decision
}

func (s *Server) boardRows(ctx context.Context, b *boardData, lang string) ([]boardRow, error) {
	deps, err := s.data.Departments(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]survey.Department{}
	for _, d := range deps {
		byID[d.ID] = d
	}
	log, err := s.data.Decisions(ctx, b.pulse.ID, "")
	if err != nil {
		return nil, err
	}
	latest := map[string]survey.Decision{}
	for _, d := range log { // newest first
		if _, ok := latest[d.DepartmentID]; !ok {
			latest[d.DepartmentID] = d
		}
	}
	res := b.outcome.Result
	var rows []boardRow
	for i := range res.Departments {
		g := &res.Departments[i]
		d, ok := resultDepartment(g, deps, byID)
		if !ok {
			if g.ID == "" {
				continue
			}
			// Deleted after the close: the pulse's figures still hold
			// it, under its name of then.
			d = survey.Department{ID: g.ID, Name: g.Name}
		}
		if !b.scope.sees(d.ID) {
			continue
		}
		row := boardRow{ID: d.ID, Name: d.Name, group: g, ParentID: b.tree.Parent(d.ID), Path: b.tree.Path(d.ID),
			Children: len(b.tree.Children(d.ID)), Total: b.tree.TotalHeadcount(d.ID),
			Href:      "/board/departments/" + d.ID + "?pulse=" + url.QueryEscape(b.pulse.ID),
			PartsHref: "/board?pulse=" + url.QueryEscape(b.pulse.ID) + "&node=" + d.ID}
		if row.Path == "" {
			row.Path = d.Name // not in the tree: deleted, and closed before trots kept trees
		}
		if !b.scope.sees(row.ParentID) {
			row.ParentID = "" // a lead's own department: the top of what the lead sees
		}
		if g.Verdict != nil {
			row.Verdict = g.Decision
		} else {
			row.Verdict = analysis.NotMeasurable
		}
		row.VerdictLabel = i18n.T(lang, "verdict_"+string(row.Verdict))
		row.Internal = row.Verdict == analysis.Go && !g.ExternallyVisible
		row.VerdictClass = map[analysis.Decision]string{analysis.Go: "go", analysis.FixFirst: "fix"}[row.Verdict]
		if row.VerdictClass == "" {
			row.VerdictClass = "nm"
		}
		if g.Suppressed || g.Figures == nil {
			row.Suppressed = true
			// One text whatever the cause: see analysis.SuppressedAnonymity.
			row.SuppressedText = i18n.T(lang, "board_suppressed", res.Config.MinGroup)
		} else {
			if g.Verdict != nil {
				row.Reason = boardReason(g.Reasons)
			}
			row.Needs = goNeeds(g, b.outcome.Questionnaire, lang)
			f := g.Figures
			row.N = f.N
			if f.ResponseRate != nil {
				row.rate = f.ResponseRate
				row.Rate = fmtShare(lang, f.ResponseRate)
			}
			row.weakest, row.weakestName = weakestTheme(res, f, b.outcome.Questionnaire, lang)
			if row.weakest != nil {
				row.Weakest = row.weakestName
				row.WeakestValue = fmtInterval(lang, row.weakest.Mean, row.weakest.CILow, row.weakest.CIHigh)
			}
			if f.Gap != nil && f.Gap.Overall.GapStats != nil {
				gs := f.Gap.Overall.GapStats
				row.Gap = fmtSigned(lang, gs.Mean) + intervalSuffix(lang, gs.CILow, gs.CIHigh, true)
				row.GapStatus = i18n.T(lang, "gap_"+gs.Status)
			}
		}
		if tr := res.Trend; tr != nil {
			for _, gt := range tr.Groups {
				if !gt.Organisation && gt.ID == g.ID && gt.Name == g.Name {
					row.trends = gt.Dimensions
				}
			}
			for _, dt := range row.trends {
				if row.weakest != nil && dt.Dimension == row.weakest.ID {
					row.Trend = fmtTrend(lang, dt)
				}
			}
		}
		if dec, ok := latest[d.ID]; ok {
			v := newDecisionView(dec, b.pulse.Mode, lang)
			row.Decision = &v
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// newDecisionView shows a recorded decision with how the pulse it rests on
// was answered (a decision is recorded against a pulse, whose mode is
// fixed, so the pulse's mode is the decision's).
func newDecisionView(d survey.Decision, mode survey.AnswerMode, lang string) decisionView {
	by := d.UserEmail
	if by == "" && d.UserRole != "" {
		by = i18n.T(lang, "role_"+string(d.UserRole)) // the retention blanked the address
	}
	return decisionView{Choice: i18n.T(lang, "choice_"+string(d.Choice)), ChoiceClass: strings.ReplaceAll(string(d.Choice), "_", "-"),
		By: by, At: d.DecidedAt.UTC().Format("2006-01-02 15:04") + " UTC", Note: d.Note,
		Verdict: i18n.T(lang, "verdict_"+d.Verdict), Mode: modeText(lang, mode), raw: d}
}

// weakestTheme is the shown foundation or condition dimension furthest
// below (or least above) its threshold.
func weakestTheme(res *analysis.Result, f *analysis.Figures, q *questionnaires.Questionnaire, lang string) (*analysis.DimensionResult, string) {
	thresholds := map[string]float64{}
	for _, di := range res.Dimensions {
		if (di.Role == string(questionnaires.RoleFoundation) || di.Role == string(questionnaires.RoleCondition)) && di.Threshold != nil {
			thresholds[di.ID] = *di.Threshold
		}
	}
	var best *analysis.DimensionResult
	margin := math.Inf(1)
	for i := range f.Dimensions {
		dr := &f.Dimensions[i]
		th, ok := thresholds[dr.ID]
		if !ok || dr.Suppressed || dr.DimensionStats == nil {
			continue
		}
		if m := dr.Mean - th; m < margin {
			best, margin = dr, m
		}
	}
	if best == nil {
		return nil, ""
	}
	return best, dimensionName(q, best.ID, lang)
}

func dimensionName(q *questionnaires.Questionnaire, id, lang string) string {
	if q != nil {
		if d, ok := q.Dimension(id); ok {
			return d.Name.Get(lang)
		}
	}
	return id
}

// Number formatting: Dutch writes a decimal comma.

func fmtNum(lang string, x float64, decimals int) string {
	s := strconv.FormatFloat(x, 'f', decimals, 64)
	if lang == "nl" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

func fmtSigned(lang string, x float64) string {
	s := fmtNum(lang, x, 2)
	if x > 0 {
		s = "+" + s
	}
	return s
}

func intervalSuffix(lang string, lo, hi *float64, signed bool) string {
	if lo == nil || hi == nil {
		return ""
	}
	f := func(x float64) string { return fmtNum(lang, x, 2) }
	if signed {
		f = func(x float64) string { return fmtSigned(lang, x) }
	}
	return " (" + f(*lo) + " – " + f(*hi) + ")"
}

func fmtInterval(lang string, mean float64, lo, hi *float64) string {
	return fmtNum(lang, mean, 2) + intervalSuffix(lang, lo, hi, false)
}

func fmtShare(lang string, p *analysis.Proportion) string {
	pct := func(x float64) string { return fmtNum(lang, 100*x, 0) + "%" }
	return pct(p.Share) + " (" + pct(p.CILow) + " – " + pct(p.CIHigh) + ")"
}

// boardPage is /board.
type boardPage struct {
	consolePage
	Pulses   []pulseOption
	Pulse    survey.Pulse
	Mode     string // how the pulse is answered, in words
	HasPulse bool
	// Pending is set for an open pulse: no figures until it closes.
	Pending bool
	// Withheld: closed, but the anonymity audit keeps the results back.
	Withheld bool
	K        int
	Rows     []boardRow
	CSVHref  string
	Lead     bool
	// Audit says in words what the disclosure audit of the pulse found
	// (analysis/audit): what the works council reads to know the figures
	// give nobody away.
	Audit string
	// The board at a glance (board_glance.go): counts per verdict, the
	// heatmap, and the filter and sort of Rows.
	Counts      []verdictCount
	HeatColumns []heatColumn
	HeatRows    []heatRow
	Sorts       []sortOption
	View        boardView
	Filtered    bool
	// The tree (board_tree.go): where the board is, the node whose parts
	// it shows (first of Rows), and a search across levels.
	Crumbs    []crumb
	Current   *boardRow
	Searching bool
	Found     string
}

type pulseOption struct {
	ID, Name string
	Selected bool
}

func (s *Server) board(c echo.Context) error {
	p := s.newConsolePage(c, "board_title", "board")
	b, err := s.loadBoard(c, c.QueryParam("pulse"), p.Lang)
	if err != nil {
		return err
	}
	page := boardPage{consolePage: p, Lead: sessionOf(c).User.Role == accounts.RoleLead}
	if b.outcome != nil || b.pending {
		page.HasPulse, page.Pending, page.Pulse, page.Withheld = true, b.pending, b.pulse, b.withheld
		page.Mode = modeText(p.Lang, b.pulse.Mode)
		if b.outcome != nil {
			page.View = boardViewOf(c)
			if page.View.Node == "" {
				page.View.Node = b.scope.top()
			}
			if _, ok := b.tree.Department(page.View.Node); page.View.Node != "" && !ok {
				return echo.NewHTTPError(http.StatusNotFound)
			}
			if page.View.Node != "" && !b.scope.sees(page.View.Node) {
				return echo.NewHTTPError(http.StatusForbidden, "A lead sees only the own department and what lies below it.")
			}
			level := b.rows
			if page.View.Query != "" {
				level = searchRows(b.rows, page.View.Query)
				page.Searching = true
				page.Found = i18n.T(p.Lang, "board_search_results", len(level), page.View.Query)
				if len(level) == 0 {
					page.Found = i18n.T(p.Lang, "board_search_none", page.View.Query)
				}
			} else {
				var current *boardRow
				current, level = levelRows(b.rows, page.View.Node)
				page.Current = current
			}
			page.Crumbs = breadcrumbs(b, page.View.Node, p.Lang)
			page.Counts = verdictCounts(level, b.pulse.ID, page.View, p.Lang)
			page.Rows = arrange(level, page.View)
			if page.Current != nil {
				page.Rows = append([]boardRow{*page.Current}, page.Rows...)
			}
			page.Filtered = page.View.Verdict != ""
			page.HeatColumns, page.HeatRows = heatmap(b, page.Rows, p.Lang)
			page.Sorts = sortOptions(page.HeatColumns, page.View, p.Lang)
			page.K = b.outcome.Result.Config.MinGroup
			page.Audit = auditSummary(b.outcome.Result.Audit, b.pulse.ID, p.Lang)
			page.CSVHref = "/board.csv?pulse=" + url.QueryEscape(b.pulse.ID)
		}
		for _, o := range b.pulses {
			name := o.Name
			if o.Status == survey.PulseOpen {
				name += " " + i18n.T(p.Lang, "board_open_pulse")
			}
			page.Pulses = append(page.Pulses, pulseOption{ID: o.ID, Name: name, Selected: o.ID == b.pulse.ID})
		}
	}
	return s.renderConsole(c, http.StatusOK, "board", page)
}

// departmentPage is /board/departments/:id: the detail and the log of
// decisions, with the form to record one.
type departmentPage struct {
	consolePage
	Pulse      survey.Pulse
	Mode       string // how the pulse is answered, in words
	Row        boardRow
	K          int
	Reasons    []string
	Notes      []string
	Dimensions []dimensionView
	Pairs      []gapView
	ENPS       string
	Willing    string
	Previous   string
	Trends     []trendView
	Log        []decisionView
	CanDecide  bool
	Saved      bool
	FormError  string
	Note       string
	Choice     string
	BoardHref  string
	Action     string
	Plan       *planSection // action_plan.go
	Crumbs     []crumb      // board_tree.go
}

type dimensionView struct {
	Name, Value, Threshold, Class string
}

type trendView struct {
	Name, Change, MDD string
}

type gapView struct {
	Topic, Value, Status string
}

func (s *Server) boardDepartment(c echo.Context) error {
	return s.renderDepartment(c, http.StatusOK, "", "", "")
}

func (s *Server) renderDepartment(c echo.Context, status int, formError, note, choice string) error {
	id := c.Param("id")
	cs := sessionOf(c)
	p := s.newConsolePage(c, "department_title", "board")
	pulseID := c.QueryParam("pulse")
	if c.Request().Method == http.MethodPost {
		pulseID = c.Request().PostFormValue("pulse")
	}
	b, err := s.loadBoard(c, pulseID, p.Lang)
	if err != nil {
		return err
	}
	if !b.scope.sees(id) {
		return echo.NewHTTPError(http.StatusForbidden, "A lead sees only the own department and what lies below it.")
	}
	if b.pending {
		return c.Redirect(http.StatusSeeOther, "/board?pulse="+url.QueryEscape(b.pulse.ID))
	}
	if b.outcome == nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	var row *boardRow
	for i := range b.rows {
		if b.rows[i].ID == id {
			row = &b.rows[i]
		}
	}
	if row == nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	page := departmentPage{consolePage: p, Pulse: b.pulse, Mode: modeText(p.Lang, b.pulse.Mode), Row: *row, K: b.outcome.Result.Config.MinGroup,
		CanDecide: slices.Contains(deciders, cs.User.Role), Saved: c.QueryParam("saved") == "1",
		FormError: formError, Note: note, Choice: choice,
		BoardHref: "/board?pulse=" + url.QueryEscape(b.pulse.ID),
		Action:    "/board/departments/" + id + "/decisions"}
	page.Title = row.Name + " · " + p.Title
	page.Crumbs = breadcrumbs(b, id, p.Lang)
	g := row.group
	if g.Verdict != nil {
		for _, r := range g.Reasons {
			if r.Text != "" {
				page.Reasons = append(page.Reasons, r.Text)
			}
		}
		for _, r := range g.Notes {
			if r.Text != "" {
				page.Notes = append(page.Notes, r.Text)
			}
		}
	}
	if !row.Suppressed && g.Figures != nil {
		page.Dimensions, page.Pairs = detailFigures(b.outcome.Result, g.Figures, b.outcome.Questionnaire, p.Lang)
		if e := g.ENPS; e != nil {
			page.ENPS = fmtNum(p.Lang, e.Value, 0) + " (" + fmtNum(p.Lang, e.CILow, 0) + " – " + fmtNum(p.Lang, e.CIHigh, 0) + "), n = " + strconv.Itoa(e.N)
		}
		if a := g.Ambassadors; a != nil {
			page.Willing = fmtShare(p.Lang, &a.Willing) + ", n = " + strconv.Itoa(a.Willing.N)
		}
	}
	if b.outcome.Previous != nil && len(row.trends) > 0 {
		page.Previous = b.outcome.Previous.Name
		for _, dt := range row.trends {
			name := dimensionName(b.outcome.Questionnaire, dt.Dimension, p.Lang)
			if dt.Dimension == "gap" {
				name = i18n.T(p.Lang, "board_gap")
			}
			page.Trends = append(page.Trends, trendView{Name: name, Change: fmtTrend(p.Lang, dt), MDD: fmtNum(p.Lang, dt.MDD, 2)})
		}
	}
	log, err := s.data.Decisions(c.Request().Context(), b.pulse.ID, id)
	if err != nil {
		return err
	}
	for _, d := range log {
		v := newDecisionView(d, b.pulse.Mode, p.Lang)
		if cs.User.Role == accounts.RoleCouncil {
			v.Note = "" // notes may name people; the council sees the verdicts
		}
		page.Log = append(page.Log, v)
	}
	if page.Plan, err = s.planSection(c, b, row, p.Lang); err != nil {
		return err
	}
	return s.renderConsole(c, status, "department", page)
}

func detailFigures(res *analysis.Result, f *analysis.Figures, q *questionnaires.Questionnaire, lang string) ([]dimensionView, []gapView) {
	info := map[string]analysis.DimensionInfo{}
	for _, di := range res.Dimensions {
		info[di.ID] = di
	}
	var dims []dimensionView
	for _, dr := range f.Dimensions {
		v := dimensionView{Name: dimensionName(q, dr.ID, lang)}
		if info[dr.ID].Role == "barrier" {
			// The one theme where a higher score is worse, among themes
			// where higher is better.
			v.Name += " " + i18n.T(lang, "department_higher_worse")
		}
		if dr.Suppressed || dr.DimensionStats == nil {
			v.Value = i18n.T(lang, "board_cell_suppressed")
		} else {
			v.Value = fmtInterval(lang, dr.Mean, dr.CILow, dr.CIHigh) + ", n = " + strconv.Itoa(dr.N)
			if th := info[dr.ID].Threshold; th != nil {
				v.Threshold = fmtNum(lang, *th, 1)
				switch {
				case dr.CIHigh != nil && *dr.CIHigh < *th:
					v.Class = "below"
				case dr.CILow != nil && *dr.CILow >= *th:
					v.Class = "above"
				}
			}
		}
		dims = append(dims, v)
	}
	var pairs []gapView
	if f.Gap != nil {
		for _, gc := range f.Gap.Pairs {
			v := gapView{Topic: capitalFirst(questionnaires.TopicName(gc.Topic, lang))}
			if gc.Suppressed || gc.GapStats == nil {
				v.Value = i18n.T(lang, "board_cell_suppressed")
			} else {
				v.Value = fmtSigned(lang, gc.Mean) + intervalSuffix(lang, gc.CILow, gc.CIHigh, true)
				v.Status = i18n.T(lang, "gap_"+gc.Status)
			}
			pairs = append(pairs, v)
		}
	}
	return dims, pairs
}

// recordDecision appends a go/no-go decision to the audit log, with the
// verdict the analysis gives now, then shows the department again.
func (s *Server) recordDecision(c echo.Context) error {
	r := c.Request()
	cs := sessionOf(c)
	id := c.Param("id")
	if !survey.ValidID(id) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	lang := s.consoleLang(c)
	b, err := s.loadBoard(c, r.PostFormValue("pulse"), lang)
	if err != nil {
		return err
	}
	if b.withheld {
		return echo.NewHTTPError(http.StatusConflict, i18n.T(lang, results.KeyWithheld))
	}
	if b.pending {
		return echo.NewHTTPError(http.StatusConflict, i18n.T(lang, results.KeyAfterClose))
	}
	if b.outcome == nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	verdict := ""
	for _, row := range b.rows {
		if row.ID == id {
			verdict = string(row.Verdict)
		}
	}
	if verdict == "" {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	choice, note := r.PostFormValue("choice"), r.PostFormValue("note")
	if choice == string(survey.ChoiceGo) && verdict != string(analysis.Go) && r.PostFormValue("against_verdict") != "yes" {
		// A go against the analysis may be right (management knows what
		// the figures do not), but not by a slip of the finger: it takes
		// a tick that says so, and the form keeps what was typed.
		return s.renderDepartment(c, http.StatusBadRequest, i18n.T(lang, "decision_against_verdict_missing"), note, choice)
	}
	_, err = s.data.RecordDecision(r.Context(), survey.Decision{PulseID: b.pulse.ID, DepartmentID: id,
		Choice: survey.Choice(choice), Verdict: verdict, Note: note, UserID: cs.User.ID, UserEmail: cs.User.Email})
	if survey.ErrorCode(err) == survey.EInvalid {
		return s.renderDepartment(c, http.StatusBadRequest, i18n.T(lang, survey.ErrorKey(err)), note, choice)
	}
	if err != nil {
		return err
	}
	s.log.Info("decision recorded", "user", cs.User.ID, "pulse", b.pulse.ID, "department", id, "choice", choice)
	if err := s.auditDecision(c, b.pulse, id, choice, verdict); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/board/departments/"+id+"?pulse="+url.QueryEscape(b.pulse.ID)+"&saved=1")
}

// decidedAt formats times in the board's CSV.
func decidedAt(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// fmtTrend is a change with its interval; a change within the minimal
// detectable difference is marked as not evidence of anything.
func fmtTrend(lang string, dt analysis.DimensionTrend) string {
	lo, hi := dt.CILow, dt.CIHigh
	s := fmtSigned(lang, dt.Diff) + intervalSuffix(lang, &lo, &hi, true)
	if lo <= 0 && hi >= 0 {
		s += " · " + i18n.T(lang, "trend_no_change")
	}
	return s
}

// resultDepartment is the department a result group is about: the one with
// its ID, whatever the department is called now. Results stored before
// groups carried IDs are matched by exact name.
func resultDepartment(g *analysis.GroupResult, deps []survey.Department, byID map[string]survey.Department) (survey.Department, bool) {
	if g.ID != "" {
		d, ok := byID[g.ID]
		return d, ok
	}
	for _, d := range deps {
		if d.Name == g.Name {
			return d, true
		}
	}
	return survey.Department{}, false
}

// capitalFirst upper-cases the first letter, for a name that starts a
// table cell.
func capitalFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// auditSummary says what the disclosure audit of a pulse's published
// results found; results stored before the audit existed say how to audit
// them.
func auditSummary(a *analysis.AuditRecord, pulseID, lang string) string {
	if a == nil {
		return i18n.T(lang, "board_audit_none", pulseID)
	}
	return i18n.T(lang, "board_audit", a.Tables, a.Checked, len(a.Extra))
}
