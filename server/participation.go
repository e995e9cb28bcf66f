package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"trots/survey"
)

// participationPage is /participation (HR): responses so far per
// department of a pulse - counts and rates only, never a time.
type participationPage struct {
	consolePage
	Pulses   []pulseOption
	HasPulse bool
	Rows     []participationRow
	Total    participationRow
}

type participationRow struct {
	Name      string
	Headcount int
	Responses int
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
	p.Total.Name = p.T("participation_total")
	for _, d := range deps {
		n := counts[d.ID]
		p.Rows = append(p.Rows, participationRow{Name: d.Name, Headcount: d.Headcount, Responses: n, Rate: rate(n, d.Headcount)})
		p.Total.Responses += n
		p.Total.Headcount += d.Headcount
	}
	p.Total.Rate = rate(p.Total.Responses, p.Total.Headcount)
	return s.renderConsole(c, http.StatusOK, "participation", p)
}
