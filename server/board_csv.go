package server

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"trots/server/i18n"
	"trots/survey/results"
)

// boardCSV exports the board as it is shown to the user (a lead's export
// holds the own department only): suppressed departments have empty
// figure columns, never a number. Figures use a decimal point whatever the
// language, so that spreadsheets read them as numbers.
func (s *Server) boardCSV(c echo.Context) error {
	b, err := s.loadBoard(c, c.QueryParam("pulse"), "en")
	if err != nil {
		return err
	}
	if b.pending {
		return echo.NewHTTPError(http.StatusConflict, i18n.T("en", results.KeyAfterClose))
	}
	if b.outcome == nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"pulse", "department", "verdict", "suppressed", "respondents",
		"response_rate", "response_rate_low", "response_rate_high",
		"weakest_theme", "weakest_mean", "weakest_low", "weakest_high",
		"gap_mean", "gap_low", "gap_high", "gap_status",
		"decision", "decided_by", "decided_at", "note"})
	num := func(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }
	ptr := func(x *float64) string {
		if x == nil {
			return ""
		}
		return num(*x)
	}
	for _, r := range b.rows {
		rec := []string{b.pulse.Name, r.Name, string(r.Verdict), strconv.FormatBool(r.Suppressed), "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""}
		if !r.Suppressed {
			rec[4] = strconv.Itoa(r.N)
			if r.rate != nil {
				rec[5], rec[6], rec[7] = num(r.rate.Share), num(r.rate.CILow), num(r.rate.CIHigh)
			}
			if r.weakest != nil {
				rec[8], rec[9], rec[10], rec[11] = r.weakest.ID, num(r.weakest.Mean), ptr(r.weakest.CILow), ptr(r.weakest.CIHigh)
			}
			if f := r.group.Figures; f.Gap != nil && f.Gap.Overall.GapStats != nil {
				gs := f.Gap.Overall.GapStats
				rec[12], rec[13], rec[14], rec[15] = num(gs.Mean), ptr(gs.CILow), ptr(gs.CIHigh), gs.Status
			}
		}
		if d := r.Decision; d != nil {
			rec[16], rec[17], rec[18], rec[19] = string(d.raw.Choice), d.raw.UserEmail, decidedAt(d.raw.DecidedAt), d.raw.Note
		}
		for i := range rec {
			rec[i] = csvSafe(rec[i])
		}
		_ = w.Write(rec)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	if err := s.audit(c, "export.board_csv", auditPulse(b.pulse), fmt.Sprintf("%d departments", len(b.rows))); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", `attachment; filename="trots-board.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// csvSafe keeps a spreadsheet from running a cell typed by a user (a
// department name, a note) as a formula. Numbers are left alone.
func csvSafe(s string) string {
	if s == "" {
		return s
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return s
	}
	if strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
