package server

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// boardCSV exports the board as it is shown to the user (a lead's export
// holds the own department only): suppressed departments have empty
// figure columns, never a number. Figures use a decimal point, so that
// spreadsheets read them as numbers; ?variant=nl gives semicolons and
// decimal commas for Excel with Dutch settings.
func (s *Server) boardCSV(c echo.Context) error {
	b, err := s.exportBoard(c, "en")
	if err != nil {
		return err
	}
	data, err := boardTable(b).writeCSV(csvVariantOf(c))
	if err != nil {
		return err
	}
	if err := s.audit(c, "export.board_csv", auditPulse(b.pulse), fmt.Sprintf("%d departments", len(b.rows))); err != nil {
		return err
	}
	return sendDownload(c, "text/csv; charset=utf-8", "trots-board.csv", data)
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
