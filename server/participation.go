package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"trots/analysis"
	"trots/analysis/audit"
	"trots/server/i18n"
	"trots/survey"
	"trots/survey/results"
)

// participationPage is /participation (HR): responses so far per
// department of a pulse - counts and rates only, never a time, and no
// count of fewer than k people, nor one from which such a count could be
// worked out (audit.Participation: what the close would publish now).
type participationPage struct {
	consolePage
	Pulses   []pulseOption
	HasPulse bool
	Rows     []participationRow
	Total    participationRow
	// Hidden explains the hidden counts, when there are any.
	Hidden string
	// Open says, for a pulse still taking answers, when counts appear.
	Open string
	// Counted says when the counts of an open pulse were taken, and how
	// often they are taken again.
	Counted string
}

type participationRow struct {
	Name      string
	Headcount int
	Responses string
	Rate      string
}

func (s *Server) participation(c echo.Context) error {
	ctx := c.Request().Context()
	p := participationPage{consolePage: s.newConsolePage(c, "participation_title", "participation")}
	all, err := s.data.Pulses(ctx)
	if err != nil {
		return err
	}
	var pulse *survey.Pulse
	want := c.QueryParam("pulse")
	for i, o := range all {
		if o.Status == survey.PulseDraft {
			continue
		}
		if pulse == nil && (want == "" || want == o.ID) {
			pulse = &all[i]
		}
		p.Pulses = append(p.Pulses, pulseOption{ID: o.ID, Name: o.Name, Selected: pulse != nil && pulse.ID == o.ID})
	}
	if pulse == nil {
		if want != "" {
			return echo.NewHTTPError(http.StatusNotFound)
		}
		return s.renderConsole(c, http.StatusOK, "participation", p)
	}
	p.HasPulse = true
	if pulse.Status == survey.PulseClosed {
		if err := s.closedParticipation(ctx, &p, *pulse); err != nil {
			return err
		}
		return s.renderConsole(c, http.StatusOK, "participation", p)
	}
	o, err := s.openParticipation(ctx, *pulse)
	if err != nil {
		return err
	}
	deps, ns, shown, total, totalShown, k := o.deps, o.n, o.shown, o.total, o.totalShown, o.k
	headcount := 0
	for _, d := range deps {
		headcount += d.Headcount
	}
	tree := survey.NewTree(deps)
	for i, d := range deps {
		p.Rows = append(p.Rows, p.row(d.Name, branchHeadcount(tree, d.ID), ns[i], shown[i], k))
	}
	p.Total = p.row(p.T("participation_total"), headcount, total, totalShown, k)
	// Early in a pulse every count is hidden: say that this is the rule at
	// work, not an empty pulse, and when counts appear.
	p.Open = i18n.T(p.Lang, "participation_open_note", k)
	p.Counted = s.countedNote(p.Lang, o.asOf)
	for i := range p.Rows {
		if !shown[i] {
			p.Rows[i].Responses = p.T("participation_not_yet")
		}
	}
	if !totalShown && total < k {
		// Below k the total is hidden anyway; saying so tells nothing
		// more than its being hidden does. (The audit may hide a larger
		// total too: then it reads "hidden".)
		p.Total.Responses = i18n.T(p.Lang, "participation_total_below", k)
	}
	return s.renderConsole(c, http.StatusOK, "participation", p)
}

// closedParticipation fills p from the results stored when the pulse
// closed: the counts and the hidden departments decided then, by
// department id, with the headcounts as they were. Renaming, editing or
// deleting departments afterwards changes no count and no hidden cell;
// the names are today's (a deleted department keeps its name of then).
func (s *Server) closedParticipation(ctx context.Context, p *participationPage, pulse survey.Pulse) error {
	out, err := results.Analyze(ctx, s.data, pulse.ID, analysis.DefaultConfig())
	if survey.ErrorKey(err) == results.KeyWithheld {
		p.Hidden = p.T(results.KeyWithheld)
		return nil
	}
	if err != nil {
		return err
	}
	deps, err := s.data.Departments(ctx)
	if err != nil {
		return err
	}
	byID := map[string]survey.Department{}
	for _, d := range deps {
		byID[d.ID] = d
	}
	res := out.Result
	k := res.Config.MinGroup
	for i := range res.Departments {
		g := &res.Departments[i]
		name := g.Name
		if d, ok := resultDepartment(g, deps, byID); ok {
			name = d.Name
		}
		n := 0
		if g.Figures != nil {
			n = g.N
		}
		p.Rows = append(p.Rows, p.row(name, g.Headcount, n, g.Figures != nil, k))
	}
	org := &res.Organisation
	n := 0
	if org.Figures != nil {
		n = org.N
	}
	p.Total = p.row(p.T("participation_total"), org.Headcount, n, org.Figures != nil, k)
	return nil
}

// row is one line of the table: the count and rate, or "hidden".
func (p *participationPage) row(name string, headcount, n int, show bool, k int) participationRow {
	r := participationRow{Name: name, Headcount: headcount, Responses: p.T("participation_hidden"), Rate: "–"}
	if show {
		r.Responses = strconv.Itoa(n)
		if headcount > 0 {
			r.Rate = fmtNum(p.Lang, 100*float64(n)/float64(headcount), 0) + "%"
		}
	} else {
		p.Hidden = i18n.T(p.Lang, "participation_hidden_note", k)
	}
	return r
}

// openCounts are the response counts of an open pulse as they may be
// shown (openParticipation).
type openCounts struct {
	// asOf is when the counts were taken (survey.Store.Participation).
	asOf       time.Time
	deps       []survey.Department
	n          []int
	shown      []bool
	total, k   int
	totalShown bool
}

// openParticipation is what closing the open pulse p would publish of its
// respondent counts now (audit.Participation): in a tree every department
// counts its parts, the k rule runs across levels, and the audit bounds
// hidden counts by the headcounts the participation page shows. A look
// just before the close then shows what the closed pulse shows. Ties are
// broken by department id: two looks with a rename in between hide the
// same. The participation page and the pulse pages' totals read it.
func (s *Server) openParticipation(ctx context.Context, p survey.Pulse) (openCounts, error) {
	counts, asOf, err := s.data.Participation(ctx, p.ID, s.cfg.ParticipationEvery)
	if err != nil {
		return openCounts{}, err
	}
	deps, err := s.data.Departments(ctx)
	if err != nil {
		return openCounts{}, err
	}
	k, err := s.pulseK(ctx, p)
	if err != nil {
		return openCounts{}, err
	}
	q, err := results.Questionnaire(p)
	if err != nil {
		return openCounts{}, err
	}
	cfg := analysis.DefaultConfig().WithMinGroup(k)
	cfg.MinComments = max(cfg.MinComments, p.MinComments)
	groups := make([]analysis.Group, len(deps))
	own := make([]int, len(deps))
	for i, d := range deps {
		groups[i] = analysis.Group{ID: d.ID, ParentID: d.ParentID, Name: d.Name, Headcount: d.Headcount}
		own[i] = counts[d.ID]
	}
	o := openCounts{deps: deps, k: k, asOf: asOf}
	o.n, o.shown, o.total, o.totalShown, err = audit.Participation(q, cfg, groups, own)
	return o, err
}

// countedNote says when the counts of an open pulse were taken and why
// they are not live.
func (s *Server) countedNote(lang string, asOf time.Time) string {
	every := s.cfg.ParticipationEvery
	if every <= 0 {
		return i18n.T(lang, "participation_counted_live")
	}
	hours := int(every.Round(time.Hour) / time.Hour)
	return i18n.T(lang, "participation_counted", consoleTime(asOf), max(hours, 1))
}

// branchHeadcount is a department's headcount with its parts', as its
// count is: 0 (unknown, no rate) when a department without parts below it
// has none, as in the analysis.
func branchHeadcount(t survey.Tree, id string) int {
	for _, d := range t.Branch(id) {
		if d.Headcount <= 0 && len(t.Children(d.ID)) == 0 {
			return 0
		}
	}
	return t.TotalHeadcount(id)
}

// pulseK is the anonymity threshold of a pulse: the one it was opened
// with, or the organisation's for a pulse opened before pulses kept it.
func (s *Server) pulseK(ctx context.Context, p survey.Pulse) (int, error) {
	if p.MinGroup >= survey.MinAllowedGroup {
		return p.MinGroup, nil
	}
	st, err := s.store.Settings(ctx)
	if err != nil {
		return 0, err
	}
	return st.MinGroup, nil
}
