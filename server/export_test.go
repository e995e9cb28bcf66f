package server_test

import (
	"bytes"
	"encoding/csv"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"trots/analysis"
	"trots/server"
	"trots/survey/storetest"
)

// openXLSX downloads path and opens it as a workbook, failing the test
// unless it is one.
func openXLSX(t *testing.T, b *browser, path string) *excelize.File {
	t.Helper()
	p := b.get(path)
	if p.status != http.StatusOK || p.header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
		!strings.Contains(p.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("%s: %d %v", path, p.status, p.header)
	}
	f, err := excelize.OpenReader(strings.NewReader(p.body))
	if err != nil {
		t.Fatalf("%s is not a workbook: %v", path, err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// sheetRows reads a sheet as a header and records keyed by column name,
// with each cell's type.
type sheetRow struct {
	values map[string]string
	types  map[string]excelize.CellType
}

func readSheet(t *testing.T, f *excelize.File, sheet string) []sheetRow {
	t.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("sheet %s: %v", sheet, err)
	}
	if len(rows) == 0 {
		t.Fatalf("sheet %s is empty", sheet)
	}
	var out []sheetRow
	for r, row := range rows[1:] {
		sr := sheetRow{values: map[string]string{}, types: map[string]excelize.CellType{}}
		for c, name := range rows[0] {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
			if c < len(row) {
				sr.values[name] = row[c]
			}
			typ, err := f.GetCellType(sheet, cell)
			if err != nil {
				t.Fatal(err)
			}
			sr.types[name] = typ
		}
		out = append(out, sr)
	}
	return out
}

// number reads a numeric cell, failing unless it is stored as a number.
func (r sheetRow) number(t *testing.T, col string) float64 {
	t.Helper()
	if typ := r.types[col]; typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Fatalf("column %s holds %q as cell type %v, want a number", col, r.values[col], typ)
	}
	x, err := strconv.ParseFloat(r.values[col], 64)
	if err != nil {
		t.Fatalf("column %s = %q: %v", col, r.values[col], err)
	}
	return x
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// The results workbook holds what the analysis shows, numbers as numbers,
// with intervals in columns of their own, one sheet per level of detail and
// one for the method; suppressed departments have no figure at all.
func TestResultsWorkbookMatchesTheAnalysis(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	b := e.browser()
	b.login("admin@example.org")
	f := openXLSX(t, b, "/results.xlsx?lang=en")
	if got, want := strings.Join(f.GetSheetList(), ","), "board,themes,promise_reality,enps,method"; got != want {
		t.Fatalf("sheets %s, want %s", got, want)
	}
	out := e.outcome()
	board := readSheet(t, f, "board")
	if len(board) != len(out.Result.Departments) {
		t.Fatalf("board sheet has %d rows, want %d", len(board), len(out.Result.Departments))
	}
	byName := map[string]*analysis.GroupResult{}
	shown := 0
	for i := range out.Result.Departments {
		g := &out.Result.Departments[i]
		byName[g.Name] = g
		row := board[i]
		if row.values["department"] != g.Name || row.values["verdict"] != string(g.Decision) {
			t.Fatalf("board row %d: %v, want %s %s", i, row.values, g.Name, g.Decision)
		}
		if g.Suppressed {
			for _, col := range []string{"respondents", "response_rate", "weakest_mean", "gap_mean", "gap_low"} {
				if row.values[col] != "" {
					t.Errorf("%s is suppressed but %s = %q", g.Name, col, row.values[col])
				}
			}
			continue
		}
		shown++
		if n := row.number(t, "respondents"); int(n) != g.Figures.N {
			t.Errorf("%s: respondents %v, want %d", g.Name, n, g.Figures.N)
		}
	}
	if shown == 0 {
		t.Fatal("the demo has no shown department to compare")
	}

	themes := readSheet(t, f, "themes")
	if len(themes) == 0 {
		t.Fatal("no theme rows")
	}
	for _, row := range themes {
		g := byName[row.values["department"]]
		if g == nil || g.Suppressed {
			t.Fatalf("theme row of %q, which is not a shown department", row.values["department"])
		}
		found := false
		for _, d := range g.Figures.Dimensions {
			if d.ID != row.values["theme_id"] || d.DimensionStats == nil {
				continue
			}
			found = true
			if !near(row.number(t, "mean"), d.Mean) || !near(row.number(t, "favourable_share"), d.Favourable.Share) {
				t.Errorf("%s/%s: mean %s share %s, want %v %v", g.Name, d.ID, row.values["mean"], row.values["favourable_share"], d.Mean, d.Favourable.Share)
			}
			if d.CILow != nil && !near(row.number(t, "mean_low"), *d.CILow) {
				t.Errorf("%s/%s: mean_low %s, want %v", g.Name, d.ID, row.values["mean_low"], *d.CILow)
			}
		}
		if !found {
			t.Errorf("theme row %v is not in the analysis", row.values)
		}
	}

	method := readSheet(t, f, "method")
	k := ""
	for _, row := range method {
		if strings.HasPrefix(row.values["setting"], "Anonymity threshold k") {
			k = row.values["value"]
		}
	}
	if k != strconv.Itoa(out.Result.Config.MinGroup) {
		t.Fatalf("method sheet gives k = %q, want %d", k, out.Result.Config.MinGroup)
	}
}

// A lead's workbook holds the own department only, like the board.
func TestLeadsWorkbookHoldsTheOwnDepartmentOnly(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	b := e.browser()
	b.login("lead@example.org")
	f := openXLSX(t, b, "/results.xlsx")
	for _, sheet := range []string{"board", "themes", "promise_reality", "enps"} {
		for _, row := range readSheet(t, f, sheet) {
			if row.values["department"] != e.lead.Name {
				t.Fatalf("the lead's %s sheet has %q", sheet, row.values["department"])
			}
		}
	}
}

// The decision log as a workbook and as CSV holds the recorded decision;
// a note typed as a formula stays text.
func TestDecisionLogExports(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	dept := e.demo.Departments[0].Department
	b := e.browser()
	b.login("viewer@example.org")
	path := "/board/departments/" + dept.ID
	note := `=HYPERLINK("http://evil.example","klik")`
	if p := b.post(path+"/decisions", url.Values{"_csrf": {b.csrf(path)}, "pulse": {e.demo.Baseline.ID}, "choice": {"no_go"}, "note": {note}}); p.status != http.StatusSeeOther {
		t.Fatalf("record decision: %d %s", p.status, p.body)
	}
	f := openXLSX(t, b, "/decisions.xlsx?pulse="+e.demo.Baseline.ID)
	rows := readSheet(t, f, "decisions")
	if len(rows) != 1 || rows[0].values["department"] != dept.Name || rows[0].values["decision"] != "no_go" ||
		rows[0].values["decided_by"] != "viewer@example.org" || rows[0].values["note"] != note {
		t.Fatalf("decision log: %+v", rows)
	}
	if typ := rows[0].types["note"]; typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
		t.Fatalf("the note is stored as cell type %v, want text", typ)
	}
	if formula, _ := f.GetCellFormula("decisions", "G2"); formula != "" {
		t.Fatalf("the note became a formula: %q", formula)
	}

	p := b.get("/decisions.csv?pulse=" + e.demo.Baseline.ID)
	recs, err := csv.NewReader(strings.NewReader(p.body)).ReadAll()
	if err != nil || len(recs) != 2 || recs[1][3] != "no_go" || recs[1][6] != "'"+note {
		t.Fatalf("decision log CSV: %v, %v", recs, err)
	}
}

// The board's CSV for Dutch Excel separates fields with semicolons and
// writes decimal commas; the plain one keeps commas and points. Both hold
// the same figures.
func TestBoardCSVForDutchExcel(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	b := e.browser()
	b.login("admin@example.org")
	plain, err := csv.NewReader(strings.NewReader(b.get("/board.csv").body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	p := b.get("/board.csv?variant=nl")
	body := []byte(p.body)
	if !bytes.HasPrefix(body, []byte("\ufeff")) {
		t.Fatal("the Dutch CSV has no byte order mark: Excel would not read it as UTF-8")
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff"))))
	r.Comma = ';'
	nl, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the Dutch CSV does not read with semicolons: %v", err)
	}
	if len(nl) != len(plain) || len(nl[0]) != len(plain[0]) {
		t.Fatalf("Dutch CSV %dx%d, plain %dx%d", len(nl), len(nl[0]), len(plain), len(plain[0]))
	}
	decimals := 0
	for i := range plain {
		for j := range plain[i] {
			want := plain[i][j]
			if _, err := strconv.ParseFloat(want, 64); err == nil && strings.Contains(want, ".") {
				want = strings.Replace(want, ".", ",", 1)
				decimals++
			}
			if nl[i][j] != want {
				t.Fatalf("row %d column %s: %q in the Dutch CSV, %q in the plain one", i, plain[0][j], nl[i][j], plain[i][j])
			}
		}
	}
	if decimals == 0 {
		t.Fatal("no decimal figure to compare")
	}
}
