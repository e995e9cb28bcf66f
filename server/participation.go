package server

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"trots/analysis"
	"trots/server/i18n"
	"trots/survey"
)

// participationPage is /participation (HR): responses so far per
// department of a pulse - counts and rates only, never a time, and no
// count of fewer than k people, nor one from which such a count could be
// worked out (analysis.CountsShown).
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
	all, err := s.accounts.Pulses(ctx)
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
	counts, err := s.accounts.ResponseCounts(ctx, pulse.ID)
	if err != nil {
		return err
	}
	deps, err := s.accounts.Departments(ctx)
	if err != nil {
		return err
	}
	rate := func(n, headcount int) string {
		if headcount <= 0 {
			return "–"
		}
		return fmtNum(p.Lang, 100*float64(n)/float64(headcount), 0) + "%"
	}
	k, err := s.pulseK(ctx, *pulse)
	if err != nil {
		return err
	}
	ns := make([]int, len(deps))
	for i, d := range deps {
		ns[i] = counts[d.ID]
	}
	shown, totalShown := analysis.CountsShown(ns, k)
	hidden := p.T("participation_hidden")
	if pulse.Status == survey.PulseOpen {
		// Early in a pulse every count is hidden: say that this is the
		// rule at work, not an empty pulse, and when counts appear.
		hidden = p.T("participation_not_yet")
		p.Open = i18n.T(p.Lang, "participation_open_note", k)
	}
	row := func(name string, headcount, n int, show bool) participationRow {
		r := participationRow{Name: name, Headcount: headcount, Responses: hidden, Rate: "–"}
		if show {
			r.Responses, r.Rate = strconv.Itoa(n), rate(n, headcount)
		} else {
			p.Hidden = i18n.T(p.Lang, "participation_hidden_note", k)
		}
		return r
	}
	total, headcount := 0, 0
	for i, d := range deps {
		p.Rows = append(p.Rows, row(d.Name, d.Headcount, ns[i], shown[i]))
		total += ns[i]
		headcount += d.Headcount
	}
	p.Total = row(p.T("participation_total"), headcount, total, totalShown)
	if !totalShown {
		// The total is hidden only while it is below k (CountsShown), so
		// saying so tells nothing more than its being hidden does.
		p.Total.Responses = i18n.T(p.Lang, "participation_total_below", k)
	}
	return s.renderConsole(c, http.StatusOK, "participation", p)
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
