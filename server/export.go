package server

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"trots/analysis"
	"trots/questionnaires"
	"trots/server/i18n"
	"trots/survey"
	"trots/survey/results"
)

// Exports of the board, a pulse's results and the decision log, as CSV and
// as spreadsheets (export_xlsx.go). Each export is built once as tables of
// typed cells - a string, a number or empty - and then written in a
// format: numbers stay numbers in a spreadsheet, and the CSV for Dutch
// Excel gets semicolons and decimal commas. They hold exactly what the
// board shows the user: a suppressed department has empty figure cells, a
// lead's export holds the own department only.

// table is one sheet of an export.
type table struct {
	name   string   // the sheet's name (at most 31 characters for Excel)
	header []string // column names, stable and language-neutral
	rows   [][]any  // each cell a string, float64, int or nil (empty)
}

// csvVariant says how a CSV separates fields and writes decimals.
type csvVariant struct {
	comma   rune
	decimal string
}

var (
	csvPlain = csvVariant{comma: ',', decimal: "."}
	// csvDutch opens as columns in Excel with Dutch regional settings,
	// which reads a comma as the decimal separator and splits on ";".
	csvDutch = csvVariant{comma: ';', decimal: ","}
)

// csvVariantOf picks the variant from ?variant= ("nl": semicolons and
// decimal commas).
func csvVariantOf(c echo.Context) csvVariant {
	if c.QueryParam("variant") == "nl" {
		return csvDutch
	}
	return csvPlain
}

// writeCSV writes t in the variant v. Numbers get four decimals; a cell
// typed by a user is kept from running as a formula (csvSafe).
func (t table) writeCSV(v csvVariant) ([]byte, error) {
	var buf bytes.Buffer
	if v == csvDutch {
		// A byte order mark makes Excel read the file as UTF-8.
		buf.WriteString("\ufeff")
	}
	w := csv.NewWriter(&buf)
	w.Comma = v.comma
	if err := w.Write(t.header); err != nil {
		return nil, fmt.Errorf("server: csv %s: %w", t.name, err)
	}
	rec := make([]string, len(t.header))
	for _, row := range t.rows {
		for i := range rec {
			rec[i] = ""
			if i < len(row) {
				rec[i] = csvCell(row[i], v)
			}
		}
		if err := w.Write(rec); err != nil {
			return nil, fmt.Errorf("server: csv %s: %w", t.name, err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("server: csv %s: %w", t.name, err)
	}
	return buf.Bytes(), nil
}

func csvCell(x any, v csvVariant) string {
	switch x := x.(type) {
	case nil:
		return ""
	case int:
		return strconv.Itoa(x)
	case float64:
		return strings.Replace(strconv.FormatFloat(x, 'f', 4, 64), ".", v.decimal, 1)
	case string:
		return csvSafe(x)
	}
	return csvSafe(fmt.Sprint(x))
}

// optional is a nil cell for a missing figure.
func optional(x *float64) any {
	if x == nil {
		return nil
	}
	return *x
}

// boardTable is the board as a table: one row per department, with the
// same columns as the board's CSV has always had.
func boardTable(b *boardData) table {
	// path places the department in the tree ("Directie A / Afdeling B /
	// Team C"), so that a flat spreadsheet of every level still reads.
	t := table{name: "board", header: []string{"pulse", "department", "path", "verdict", "suppressed", "respondents",
		"response_rate", "response_rate_low", "response_rate_high",
		"weakest_theme", "weakest_mean", "weakest_low", "weakest_high",
		"gap_mean", "gap_low", "gap_high", "gap_status",
		"decision", "decided_by", "decided_at", "note"}}
	for _, r := range b.rows {
		row := make([]any, len(t.header))
		row[0], row[1], row[2], row[3], row[4] = b.pulse.Name, r.Name, r.Path, string(r.Verdict), strconv.FormatBool(r.Suppressed)
		if !r.Suppressed {
			row[5] = r.N
			if r.rate != nil {
				row[6], row[7], row[8] = r.rate.Share, r.rate.CILow, r.rate.CIHigh
			}
			if r.weakest != nil {
				row[9], row[10], row[11], row[12] = r.weakest.ID, r.weakest.Mean, optional(r.weakest.CILow), optional(r.weakest.CIHigh)
			}
			if f := r.group.Figures; f != nil && f.Gap != nil && f.Gap.Overall.GapStats != nil {
				gs := f.Gap.Overall.GapStats
				row[13], row[14], row[15], row[16] = gs.Mean, optional(gs.CILow), optional(gs.CIHigh), gs.Status
			}
		}
		if d := r.Decision; d != nil {
			row[17], row[18], row[19], row[20] = string(d.raw.Choice), d.raw.UserEmail, decidedAt(d.raw.DecidedAt), d.raw.Note
		}
		t.rows = append(t.rows, row)
	}
	return t
}

// themesTable has one row per shown department and theme: the mean with
// its interval, the favourable share with its interval, and the bar.
func themesTable(b *boardData, lang string) table {
	t := table{name: "themes", header: []string{"department", "theme_id", "theme", "n", "mean", "mean_low", "mean_high",
		"favourable_share", "favourable_low", "favourable_high", "threshold"}}
	q := b.outcome.Questionnaire
	for _, r := range b.rows {
		if r.Suppressed || r.group.Figures == nil {
			continue
		}
		for _, d := range r.group.Figures.Dimensions {
			if d.Suppressed || d.DimensionStats == nil {
				continue
			}
			var bar any
			if th, ok := themeThreshold(r.group, d.ID); ok {
				bar = th
			}
			t.rows = append(t.rows, []any{r.Name, d.ID, dimensionName(q, d.ID, lang), d.N, d.Mean, optional(d.CILow), optional(d.CIHigh),
				d.Favourable.Share, d.Favourable.CILow, d.Favourable.CIHigh, bar})
		}
	}
	return t
}

// themeThreshold is the bar a theme was judged against, from the
// verdict's bounds.
func themeThreshold(g *analysis.GroupResult, id string) (float64, bool) {
	for _, bd := range g.Bounds {
		if bd.Criterion == id {
			return bd.Threshold, true
		}
	}
	return 0, false
}

// gapsTable has the promise/reality gaps: the overall gap and each topic.
func gapsTable(b *boardData, lang string) table {
	t := table{name: "promise_reality", header: []string{"department", "topic_id", "topic", "n", "gap_mean", "gap_low", "gap_high", "status"}}
	for _, r := range b.rows {
		if r.Suppressed || r.group.Figures == nil || r.group.Figures.Gap == nil {
			continue
		}
		g := r.group.Figures.Gap
		cells := append([]analysis.GapCell{g.Overall}, g.Pairs...)
		for _, gc := range cells {
			if gc.Suppressed || gc.GapStats == nil {
				continue
			}
			id, name := gc.Topic, questionnaires.TopicName(gc.Topic, lang)
			if id == "" {
				id, name = "overall", i18n.T(lang, "export_gap_overall")
			}
			t.rows = append(t.rows, []any{r.Name, id, name, gc.N, gc.Mean, optional(gc.CILow), optional(gc.CIHigh), gc.Status})
		}
	}
	return t
}

// enpsTable has the eNPS of each shown department with its interval.
func enpsTable(b *boardData) table {
	t := table{name: "enps", header: []string{"department", "n", "promoters", "passives", "detractors", "enps", "enps_low", "enps_high"}}
	for _, r := range b.rows {
		if r.Suppressed || r.group.Figures == nil || r.group.Figures.ENPS == nil {
			continue
		}
		e := r.group.Figures.ENPS
		t.rows = append(t.rows, []any{r.Name, e.N, e.Promoters, e.Passives, e.Detractors, e.Value, e.CILow, e.CIHigh})
	}
	return t
}

// methodTable says how the figures were made: the pulse, k, the
// thresholds of the verdict and what an empty cell means.
func methodTable(b *boardData, lang string, now time.Time) table {
	cfg := b.outcome.Result.Config
	t := table{name: "method", header: []string{"setting", "value"}}
	add := func(key string, v any) { t.rows = append(t.rows, []any{i18n.T(lang, key), v}) }
	add("export_method_pulse", b.pulse.Name)
	add("export_method_questionnaire", fmt.Sprintf("%s v%d", b.pulse.QuestionnaireID, b.pulse.QuestionnaireVersion))
	add("export_method_k", cfg.MinGroup)
	add("export_method_k_comments", cfg.MinComments)
	add("export_method_level", cfg.Level)
	add("export_method_foundation", cfg.FoundationThreshold)
	add("export_method_condition", cfg.ConditionThreshold)
	add("export_method_gap", cfg.GapTolerance)
	add("export_method_willing", cfg.WillingShare)
	add("export_method_min_n", cfg.MinDecisionN)
	add("export_method_min_rate", cfg.MinResponseRate)
	add("export_method_empty", i18n.T(lang, "export_method_empty_text", cfg.MinGroup))
	add("export_method_rule", i18n.T(lang, "export_method_rule_text"))
	add("export_method_made", now.UTC().Format(time.RFC3339))
	return t
}

// decisionsTable is the decision log of the pulse as the user may see it.
func decisionsTable(b *boardData, log []survey.Decision) table {
	names := map[string]string{}
	for _, r := range b.rows {
		names[r.ID] = r.Name
	}
	t := table{name: "decisions", header: []string{"pulse", "department", "verdict", "decision", "decided_by", "decided_at", "note"}}
	for _, d := range log {
		t.rows = append(t.rows, []any{b.pulse.Name, names[d.DepartmentID], d.Verdict, string(d.Choice), d.UserEmail, decidedAt(d.DecidedAt), d.Note})
	}
	return t
}

// exportBoard loads the closed pulse of ?pulse= for an export: an open
// pulse has no results yet (409), no pulse none at all (404).
func (s *Server) exportBoard(c echo.Context, lang string) (*boardData, error) {
	b, err := s.loadBoard(c, c.QueryParam("pulse"), lang)
	if err != nil {
		return nil, err
	}
	if b.pending {
		return nil, echo.NewHTTPError(http.StatusConflict, i18n.T(lang, results.KeyAfterClose))
	}
	if b.outcome == nil {
		return nil, echo.NewHTTPError(http.StatusNotFound)
	}
	return b, nil
}

// decisionLog is the pulse's decision log for the user of the request (a
// lead's holds the own branch only).
func (s *Server) decisionLog(c echo.Context, b *boardData) ([]survey.Decision, error) {
	all, err := s.data.Decisions(c.Request().Context(), b.pulse.ID, "")
	if err != nil {
		return nil, fmt.Errorf("server: decision log of %s: %w", b.pulse.ID, err)
	}
	var log []survey.Decision
	for _, d := range all {
		if b.scope.sees(d.DepartmentID) {
			log = append(log, d)
		}
	}
	return log, nil
}

// sendDownload answers with a file the browser saves.
func sendDownload(c echo.Context, contentType, filename string, data []byte) error {
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	return c.Blob(http.StatusOK, contentType, data)
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// boardXLSX is the board as a spreadsheet, with the method beside it.
func (s *Server) boardXLSX(c echo.Context) error {
	lang := s.consoleLang(c)
	b, err := s.exportBoard(c, lang)
	if err != nil {
		return err
	}
	data, err := writeXLSX(boardTable(b), methodTable(b, lang, s.cfg.Now()))
	if err != nil {
		return err
	}
	if err := s.audit(c, "export.board_xlsx", auditPulse(b.pulse), fmt.Sprintf("%d departments", len(b.rows))); err != nil {
		return err
	}
	return sendDownload(c, xlsxType, "trots-board.xlsx", data)
}

// resultsXLSX is a pulse's results, one sheet per level of detail: the
// departments, their themes, promise and reality, eNPS, and the method.
func (s *Server) resultsXLSX(c echo.Context) error {
	lang := s.consoleLang(c)
	b, err := s.exportBoard(c, lang)
	if err != nil {
		return err
	}
	data, err := writeXLSX(boardTable(b), themesTable(b, lang), gapsTable(b, lang), enpsTable(b), methodTable(b, lang, s.cfg.Now()))
	if err != nil {
		return err
	}
	if err := s.audit(c, "export.results_xlsx", auditPulse(b.pulse), fmt.Sprintf("%d departments", len(b.rows))); err != nil {
		return err
	}
	return sendDownload(c, xlsxType, "trots-results.xlsx", data)
}

// decisionsXLSX is the pulse's decision log as a spreadsheet.
func (s *Server) decisionsXLSX(c echo.Context) error {
	lang := s.consoleLang(c)
	b, err := s.exportBoard(c, lang)
	if err != nil {
		return err
	}
	log, err := s.decisionLog(c, b)
	if err != nil {
		return err
	}
	data, err := writeXLSX(decisionsTable(b, log))
	if err != nil {
		return err
	}
	if err := s.audit(c, "export.decisions", auditPulse(b.pulse), fmt.Sprintf("%d decisions, xlsx", len(log))); err != nil {
		return err
	}
	return sendDownload(c, xlsxType, "trots-decisions.xlsx", data)
}

// decisionsCSV is the pulse's decision log as CSV (?variant=nl for Dutch
// Excel).
func (s *Server) decisionsCSV(c echo.Context) error {
	b, err := s.exportBoard(c, "en")
	if err != nil {
		return err
	}
	log, err := s.decisionLog(c, b)
	if err != nil {
		return err
	}
	data, err := decisionsTable(b, log).writeCSV(csvVariantOf(c))
	if err != nil {
		return err
	}
	if err := s.audit(c, "export.decisions", auditPulse(b.pulse), fmt.Sprintf("%d decisions, csv", len(log))); err != nil {
		return err
	}
	return sendDownload(c, "text/csv; charset=utf-8", "trots-decisions.csv", data)
}
