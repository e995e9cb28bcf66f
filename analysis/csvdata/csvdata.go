// Package csvdata reads the CSV files of `trots analyze`: responses exported
// from trots or from another survey tool, and department headcounts. It
// refuses anything it cannot read unambiguously, naming the file, line and
// column, so that nobody analyses a silently misread export.
//
// Responses: a header row with a column `department` and one column per
// item id of the questionnaire, in any order; items may be left out (their
// answers count as missing). One row per respondent. An empty cell is a
// missing answer. Likert and nps cells hold a whole number on the item's
// scale; choice cells hold option ids, several separated by ';' when the
// item allows more than one; text cells are open comments, kept apart from
// the scores.
//
// Headcounts: a header row `department,headcount` with an optional third
// column `external` (true/false, yes/no, ja/nee, 1/0; default true).
package csvdata

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"trots/analysis"
	"trots/questionnaires"
)

// MaxFileSize caps what is read from one CSV file (64 MiB: 100,000
// responses x 40 items take about 10 MiB).
const MaxFileSize = 64 << 20

// maxFileSize is MaxFileSize, lowered by the tests.
var maxFileSize = MaxFileSize

// maxNameLength caps a department name.
const maxNameLength = 200

// Error is a refusal with its position. Line and Column are 1-based; 0
// means the problem is not about one line or column.
type Error struct {
	File   string
	Line   int
	Column int
	Header string // the column's header, when known
	Msg    string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	b.WriteString(": ")
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ", column %d", e.Column)
			if e.Header != "" {
				fmt.Fprintf(&b, " (%s)", e.Header)
			}
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// readAll reads at most MaxFileSize bytes.
func readAll(r io.Reader, file string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, int64(maxFileSize)+1))
	if err != nil {
		return nil, &Error{File: file, Msg: "cannot read: " + err.Error()}
	}
	if len(data) > maxFileSize {
		return nil, &Error{File: file, Msg: fmt.Sprintf("the file is larger than %d bytes", maxFileSize)}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a BOM from spreadsheet exports
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{File: file, Msg: "the file is empty"}
	}
	if !utf8.Valid(data) {
		return nil, &Error{File: file, Msg: "the file is not UTF-8 text"}
	}
	return data, nil
}

// reader wraps csv.Reader to turn its errors into *Error.
type reader struct {
	file   string
	cr     *csv.Reader
	header []string
}

func newReader(data []byte, file string) *reader {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = 0 // every row must have as many fields as the header
	cr.ReuseRecord = true
	return &reader{file: file, cr: cr}
}

func (r *reader) read() ([]string, error) {
	rec, err := r.cr.Read()
	if err == nil || err == io.EOF {
		return rec, err
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return nil, &Error{File: r.file, Line: pe.StartLine, Msg: fmt.Sprintf("the row has %d fields, the header %d", len(rec), len(r.header))}
		}
		// pe.Column counts characters, not fields: say so in the message.
		return nil, &Error{File: r.file, Line: pe.Line, Msg: fmt.Sprintf("not valid CSV at character %d: %s", pe.Column, msg)}
	}
	return nil, &Error{File: r.file, Msg: "cannot read: " + err.Error()}
}

// errAt builds an error for field i of the record just read.
func (r *reader) errAt(i int, format string, args ...any) *Error {
	line, _ := r.cr.FieldPos(i)
	e := &Error{File: r.file, Line: line, Column: i + 1, Msg: fmt.Sprintf(format, args...)}
	if i < len(r.header) {
		e.Header = r.header[i]
	}
	return e
}

// column is what one response column holds.
type column struct {
	item  *questionnaires.Item
	index int // position in q.Items
}

// ReadResponses reads a responses CSV for questionnaire q. Groups come back
// sorted by name, respondents in file order. file names the input in
// errors.
func ReadResponses(r io.Reader, file string, q *questionnaires.Questionnaire) ([]analysis.Group, error) {
	data, err := readAll(r, file)
	if err != nil {
		return nil, err
	}
	rd := newReader(data, file)
	head, err := rd.read()
	if err != nil {
		return nil, err
	}
	rd.header = append([]string(nil), head...)
	if len(rd.header) == 1 && strings.Count(rd.header[0], ";") > 0 {
		return nil, &Error{File: file, Line: 1, Msg: "the header is one column with ';' in it: save the file as comma-separated CSV (a spreadsheet in Dutch often uses ';')"}
	}
	deptCol := -1
	cols := make([]column, len(rd.header))
	seen := make(map[string]int, len(rd.header))
	index := make(map[string]int, len(q.Items))
	for i, it := range q.Items {
		index[it.ID] = i
	}
	for i, h := range rd.header {
		h = strings.TrimSpace(h)
		rd.header[i] = h
		if j, dup := seen[h]; dup {
			return nil, rd.errAt(i, "column %q appears twice (also column %d)", h, j+1)
		}
		seen[h] = i
		if h == "department" {
			deptCol = i
			continue
		}
		it, ok := q.Item(h)
		if !ok {
			return nil, rd.errAt(i, "unknown column %q: not an item of questionnaire %s (and not \"department\")", h, q.Ref())
		}
		cols[i] = column{item: it, index: index[h]}
	}
	if deptCol < 0 {
		return nil, &Error{File: file, Line: 1, Msg: "the header has no \"department\" column"}
	}
	byName := map[string]*analysis.Group{}
	nItems := len(q.Items)
	for {
		rec, err := rd.read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		dept := strings.TrimSpace(rec[deptCol])
		if dept == "" {
			return nil, rd.errAt(deptCol, "the department is empty")
		}
		if utf8.RuneCountInString(dept) > maxNameLength {
			return nil, rd.errAt(deptCol, "the department name is longer than %d characters", maxNameLength)
		}
		g := byName[dept]
		if g == nil {
			g = &analysis.Group{Name: dept, ExternallyVisible: true}
			byName[dept] = g
		}
		resp := analysis.Response{Values: make([]float64, nItems)}
		for i := range resp.Values {
			resp.Values[i] = math.NaN()
		}
		for i, cell := range rec {
			if i == deptCol {
				continue
			}
			c := cols[i]
			cell = strings.TrimSpace(cell)
			if cell == "" {
				continue
			}
			s := c.item.Scale
			switch {
			case s.Numeric():
				v, err := strconv.ParseFloat(cell, 64)
				if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, rd.errAt(i, "%q is not a number (leave the cell empty for a missing answer)", cell)
				}
				lo, hi := s.Points()
				if v != math.Trunc(v) || v < float64(lo) || v > float64(hi) {
					return nil, rd.errAt(i, "%s is not a point of the scale %d-%d", cell, lo, hi)
				}
				resp.Values[c.index] = v
			case s.Type == questionnaires.Choice:
				var picked []string
				for _, part := range strings.Split(cell, ";") {
					part = strings.TrimSpace(part)
					if part == "" {
						continue
					}
					if _, ok := s.Option(part); !ok {
						ids := make([]string, len(s.Options))
						for j, o := range s.Options {
							ids[j] = o.ID
						}
						return nil, rd.errAt(i, "unknown option %q (options: %s)", part, strings.Join(ids, ", "))
					}
					dup := false
					for _, p := range picked {
						dup = dup || p == part
					}
					if !dup {
						picked = append(picked, part)
					}
				}
				if len(picked) > 1 && !s.Multiple {
					return nil, rd.errAt(i, "%d options picked, but the item allows only one", len(picked))
				}
				if len(picked) > 0 {
					if resp.Choices == nil {
						resp.Choices = map[string][]string{}
					}
					resp.Choices[c.item.ID] = picked
				}
			case s.Type == questionnaires.FreeText:
				if s.MaxLength > 0 && utf8.RuneCountInString(cell) > s.MaxLength {
					return nil, rd.errAt(i, "the comment is longer than %d characters", s.MaxLength)
				}
				g.Comments = append(g.Comments, cell)
			}
		}
		g.Responses = append(g.Responses, resp)
	}
	if len(byName) == 0 {
		return nil, &Error{File: file, Line: 1, Msg: "the file has a header but no responses"}
	}
	groups := make([]analysis.Group, 0, len(byName))
	for _, g := range byName {
		groups = append(groups, *g)
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].Name < groups[j].Name })
	return groups, nil
}

// Headcount is one row of a headcounts file.
type Headcount struct {
	Department        string
	Headcount         int
	ExternallyVisible bool
}

// MaxHeadcount catches typos such as an extra zero.
const MaxHeadcount = 1_000_000

// ReadHeadcounts reads a headcounts CSV.
func ReadHeadcounts(r io.Reader, file string) ([]Headcount, error) {
	data, err := readAll(r, file)
	if err != nil {
		return nil, err
	}
	rd := newReader(data, file)
	head, err := rd.read()
	if err != nil {
		return nil, err
	}
	rd.header = append([]string(nil), head...)
	want := []string{"department", "headcount", "external"}
	if len(rd.header) < 2 || len(rd.header) > 3 {
		return nil, &Error{File: file, Line: 1, Msg: "the header must be department,headcount[,external]"}
	}
	for i, h := range rd.header {
		rd.header[i] = strings.TrimSpace(h)
		if rd.header[i] != want[i] {
			return nil, rd.errAt(i, "expected column %q here, found %q (the header must be department,headcount[,external])", want[i], rd.header[i])
		}
	}
	var out []Headcount
	seen := map[string]int{}
	for {
		rec, err := rd.read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := rd.cr.FieldPos(0)
		h := Headcount{Department: strings.TrimSpace(rec[0]), ExternallyVisible: true}
		if h.Department == "" {
			return nil, rd.errAt(0, "the department is empty")
		}
		if prev, dup := seen[h.Department]; dup {
			return nil, rd.errAt(0, "department %q is listed twice (also on line %d)", h.Department, prev)
		}
		seen[h.Department] = line
		n, err := strconv.Atoi(strings.TrimSpace(rec[1]))
		if err != nil || n < 0 || n > MaxHeadcount {
			return nil, rd.errAt(1, "%q is not a headcount (a whole number from 0 to %d)", rec[1], MaxHeadcount)
		}
		h.Headcount = n
		if len(rec) == 3 {
			switch strings.ToLower(strings.TrimSpace(rec[2])) {
			case "", "true", "yes", "ja", "1", "y", "j":
				h.ExternallyVisible = true
			case "false", "no", "nee", "0", "n":
				h.ExternallyVisible = false
			default:
				return nil, rd.errAt(2, "%q is not true or false", rec[2])
			}
		}
		out = append(out, h)
	}
	if len(out) == 0 {
		return nil, &Error{File: file, Line: 1, Msg: "the file has a header but no departments"}
	}
	return out, nil
}

// ApplyHeadcounts sets headcounts and visibility on groups and adds the
// departments that have a headcount but no responses (silence is data: a
// department where nobody answered must still appear). A department with
// responses but no headcount row is refused: with a headcounts file, a
// missing name is nearly always a typo that would silently drop a response
// rate. Groups come back sorted by name.
func ApplyHeadcounts(groups []analysis.Group, hs []Headcount, file string) ([]analysis.Group, error) {
	byName := make(map[string]Headcount, len(hs))
	for _, h := range hs {
		byName[h.Department] = h
	}
	have := make(map[string]bool, len(groups))
	out := make([]analysis.Group, 0, len(hs))
	for _, g := range groups {
		h, ok := byName[g.Name]
		if !ok {
			return nil, &Error{File: file, Msg: fmt.Sprintf("department %q has responses but no headcount row", g.Name)}
		}
		g.Headcount, g.ExternallyVisible = h.Headcount, h.ExternallyVisible
		have[g.Name] = true
		out = append(out, g)
	}
	for _, h := range hs {
		if !have[h.Department] {
			out = append(out, analysis.Group{Name: h.Department, Headcount: h.Headcount, ExternallyVisible: h.ExternallyVisible})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
