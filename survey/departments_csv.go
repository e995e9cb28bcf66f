package survey

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Departments arrive in bulk as a CSV file, usually exported from a
// spreadsheet: name, headcount and whether its people may be visible
// outside the organisation. ParseDepartmentsCSV reads such a file without
// touching the store; ImportDepartments (department_import.go) stores the
// result all at once.

// Limits of one imported file. A whole organisation fits easily (5,000
// departments of 100 characters is about 0.5 MB); anything larger is a
// wrong file.
const (
	MaxImportRows  = 5000
	MaxImportBytes = 512 << 10
	// MaxLineErrors bounds the problems reported for one file: a file that
	// is wrong throughout needs one fix, not a page of 5,000 lines.
	MaxLineErrors = 100
)

// maxDepartmentName is the longest name Department.Validate accepts.
const maxDepartmentName = 100

// LineError is one problem of an imported file. Key is a translation key;
// Args fill its placeholders {0}, {1}, ... Message says the same in
// English, for logs and the command line.
type LineError struct {
	Line    int // 1-based line in the file; 0 for the file as a whole
	Key     string
	Args    []string
	Message string
}

func (e LineError) Error() string {
	if e.Line == 0 {
		return e.Message
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Message)
}

func lineErr(line int, key, msg string, args ...string) LineError {
	return LineError{Line: line, Key: key, Args: args, Message: msg}
}

// The columns of the file.
const (
	colName = iota
	colHeadcount
	colVisible
	// colParent is optional: a file without it leaves every department
	// where it is (new ones at the top level).
	colParent
	numColumns
)

// requiredColumns are the columns every file has.
const requiredColumns = colParent

var columnNames = [numColumns]string{"name", "headcount", "externally_visible", "parent"}

// DepartmentImport is one department of an imported file: the department,
// where it goes in the tree and the line it is on.
type DepartmentImport struct {
	Department
	// Parent is the department it belongs to as the file names it: a
	// name (of this file or stored) or a stored department's id; "" for
	// the top level. It is only read when Placed is set.
	Parent string
	// Placed is set when the file has a parent column; otherwise a
	// stored department keeps its parent and a new one goes to the top.
	Placed bool
	// Line is the department's line in the file (0 when not from a
	// file), named by every refusal.
	Line int
}

// headerAliases maps a header cell (lower case, spaces and hyphens as
// underscores) to its column, in English and Dutch.
var headerAliases = map[string]int{
	"name": colName, "naam": colName, "department": colName, "afdeling": colName,
	"department_name": colName, "afdelingsnaam": colName,
	"headcount": colHeadcount, "aantal_medewerkers": colHeadcount, "medewerkers": colHeadcount,
	"aantal": colHeadcount, "employees": colHeadcount, "number_of_employees": colHeadcount,
	"externally_visible": colVisible, "extern_zichtbaar": colVisible, "external": colVisible,
	"extern": colVisible, "visible": colVisible, "zichtbaar": colVisible,
	"parent": colParent, "parent_department": colParent, "parent_id": colParent, "belongs_to": colParent,
	"valt_onder": colParent, "bovenliggend": colParent, "bovenliggende_afdeling": colParent, "ouder": colParent,
}

func headerKey(cell string) string {
	return strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(strings.TrimSpace(cell)))
}

// booleans are the accepted spellings of yes and no, including those of a
// Dutch Excel (WAAR, ONWAAR).
var booleans = map[string]bool{
	"yes": true, "y": true, "ja": true, "j": true, "true": true, "waar": true, "1": true,
	"no": false, "n": false, "nee": false, "false": false, "onwaar": false, "0": false,
}

// DepartmentKey is what makes two department names the same for an
// import: trimmed and compared without regard to case.
func DepartmentKey(name string) string {
	return strings.ToLower(strings.TrimSpace(name))
}

// ParseDepartmentsCSV reads departments from CSV: columns name, headcount,
// externally_visible and optionally parent, in that order or in any order
// under a header row in English or Dutch (naam, aantal_medewerkers,
// extern_zichtbaar, valt_onder). The parent is a department's name (of
// the file or stored) or a stored department's id; empty at the top
// level. ImportDepartments resolves it and refuses unknown parents and
// cycles, naming the line.
// The separator is a comma, a semicolon (Dutch Excel) or a tab, whichever
// the first line uses most; a UTF-8 byte order mark is skipped. Booleans
// are yes/no, ja/nee, true/false, waar/onwaar or 1/0. Blank lines, and
// empty cells after the last column (a spreadsheet's trailing
// separators), are ignored.
//
// The file is taken whole or not at all: when anything is wrong it
// returns no departments and every problem found (up to MaxLineErrors),
// each with its line number.
func ParseDepartmentsCSV(r io.Reader) ([]DepartmentImport, []LineError) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, []LineError{lineErr(0, "dept_csv_unreadable", "the file could not be read")}
	}
	if len(data) > MaxImportBytes {
		return nil, []LineError{lineErr(0, "dept_csv_too_large",
			fmt.Sprintf("the file is larger than %d KB", MaxImportBytes>>10), strconv.Itoa(MaxImportBytes>>10))}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	// Old Mac spreadsheets end lines with a bare carriage return.
	if !bytes.ContainsRune(data, '\n') {
		data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	}
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:invalidUTF8At(data)], []byte("\n"))
		return nil, []LineError{lineErr(line, "dept_csv_not_utf8", "the file is not UTF-8 text")}
	}

	p := csvParser{seen: map[string]int{}}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = separator(data)
	cr.FieldsPerRecord = -1
	first := true
	for len(p.errs) < MaxLineErrors {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			// After a quoting error the rest of the file cannot be trusted.
			p.add(lineErr(pe.StartLine, "dept_csv_syntax", "this line cannot be read as CSV: check its quotation marks"))
			break
		}
		if err != nil {
			p.add(lineErr(0, "dept_csv_unreadable", "the file could not be read"))
			break
		}
		line, _ := cr.FieldPos(0)
		rec = trimRecord(rec)
		if len(rec) == 0 {
			continue // a blank line, or only separators
		}
		if first {
			first = false
			if isHeader(rec) {
				if !p.header(line, rec) {
					break
				}
				continue
			}
			p.cols = [numColumns]int{colName, colHeadcount, colVisible, -1}
			if len(rec) > requiredColumns {
				p.cols[colParent] = colParent
			}
		}
		p.rows++
		if p.rows > MaxImportRows {
			p.add(lineErr(line, "dept_csv_too_many_rows",
				fmt.Sprintf("more than %d departments in one file", MaxImportRows), strconv.Itoa(MaxImportRows)))
			break
		}
		p.row(line, rec)
	}
	if len(p.errs) >= MaxLineErrors {
		p.errs = append(p.errs[:MaxLineErrors], lineErr(0, "dept_csv_too_many_errors",
			fmt.Sprintf("only the first %d problems are listed", MaxLineErrors), strconv.Itoa(MaxLineErrors)))
	}
	if len(p.errs) == 0 && len(p.deps) == 0 {
		p.add(lineErr(0, "dept_csv_empty", "the file holds no departments"))
	}
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	return p.deps, nil
}

type csvParser struct {
	cols [numColumns]int // position of each column in a record
	rows int             // data rows so far
	seen map[string]int  // lookalikeKeys -> line
	deps []DepartmentImport
	errs []LineError
}

func (p *csvParser) add(e LineError) { p.errs = append(p.errs, e) }

// header maps the columns of a header row; false when it cannot be used.
func (p *csvParser) header(line int, rec []string) bool {
	p.cols = [numColumns]int{-1, -1, -1, -1}
	ok := true
	for i, cell := range rec {
		col, known := headerAliases[headerKey(cell)]
		switch {
		case !known:
			p.add(lineErr(line, "dept_csv_header_unknown", fmt.Sprintf("unknown column %q", clip(cell)), clip(cell)))
			ok = false
		case p.cols[col] >= 0:
			p.add(lineErr(line, "dept_csv_header_twice", fmt.Sprintf("column %s appears twice", columnNames[col]), columnNames[col]))
			ok = false
		default:
			p.cols[col] = i
		}
	}
	for col, at := range p.cols {
		if at < 0 && col < requiredColumns {
			p.add(lineErr(line, "dept_csv_header_missing", fmt.Sprintf("column %s is missing", columnNames[col]), columnNames[col]))
			ok = false
		}
	}
	return ok
}

// row reads one department; problems are added to p.errs.
func (p *csvParser) row(line int, rec []string) {
	want := p.width()
	for len(rec) >= requiredColumns && len(rec) < want {
		rec = append(rec, "") // trimRecord took an empty parent for a trailing separator
	}
	if len(rec) != want {
		p.add(lineErr(line, "dept_csv_columns", fmt.Sprintf("%d columns instead of %d", len(rec), want),
			strconv.Itoa(len(rec)), strconv.Itoa(want)))
		return
	}
	name := strings.TrimSpace(rec[p.cols[colName]])
	parent := ""
	if p.cols[colParent] >= 0 {
		parent = strings.TrimSpace(rec[p.cols[colParent]])
	}
	count := strings.TrimSpace(rec[p.cols[colHeadcount]])
	visible := strings.ToLower(strings.TrimSpace(rec[p.cols[colVisible]]))
	before := len(p.errs)
	switch {
	case name == "":
		p.add(lineErr(line, "dept_csv_name_missing", "the name is missing"))
	case utf8.RuneCountInString(name) > maxDepartmentName:
		p.add(lineErr(line, "dept_csv_name_long", fmt.Sprintf("the name is longer than %d characters", maxDepartmentName),
			strconv.Itoa(maxDepartmentName)))
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		p.add(lineErr(line, "dept_csv_name_control", "the name holds a line break or another control character"))
	default:
		// Names that differ in case, invisible characters or look-alike
		// letters only are the same name twice.
		keys := lookalikeKeys(name)
		if at, dup := p.seen[keys[0]]; dup {
			p.add(lineErr(line, "dept_csv_duplicate", fmt.Sprintf("%q is also on line %d", clip(name), at),
				clip(name), strconv.Itoa(at)))
		} else if at, dup := p.seen[keys[1]]; dup {
			p.add(lineErr(line, "dept_csv_duplicate", fmt.Sprintf("%q is also on line %d", clip(name), at),
				clip(name), strconv.Itoa(at)))
		} else {
			p.seen[keys[0]], p.seen[keys[1]] = line, line
		}
	}
	headcount, err := parseHeadcount(count)
	if err != nil {
		err.Line = line
		p.add(*err)
	}
	switch {
	case utf8.RuneCountInString(parent) > maxDepartmentName:
		p.add(lineErr(line, "dept_csv_parent_long", fmt.Sprintf("the parent's name is longer than %d characters", maxDepartmentName),
			strconv.Itoa(maxDepartmentName)))
	case strings.IndexFunc(parent, unicode.IsControl) >= 0:
		p.add(lineErr(line, "dept_csv_parent_control", "the parent's name holds a line break or another control character"))
	case parent != "" && DepartmentKey(parent) == DepartmentKey(name):
		p.add(lineErr(line, "dept_csv_parent_self", fmt.Sprintf("%q cannot belong to itself", clip(name)), clip(name)))
	}
	vis, known := booleans[visible]
	switch {
	case visible == "":
		p.add(lineErr(line, "dept_csv_visible_missing", "externally_visible is empty"))
	case !known:
		p.add(lineErr(line, "dept_csv_visible_unknown", fmt.Sprintf("%q is not yes or no", clip(visible)), clip(visible)))
	}
	if len(p.errs) > before {
		return
	}
	d := Department{Name: name, Headcount: headcount, ExternallyVisible: vis}
	if err := d.Validate(); err != nil {
		// A rule of Validate that the checks above do not know yet.
		p.add(lineErr(line, "dept_csv_invalid", err.Error()))
		return
	}
	p.deps = append(p.deps, DepartmentImport{Department: d, Parent: parent, Placed: p.cols[colParent] >= 0, Line: line})
}

// width is the number of columns a row has: those of the header, or of the
// first row of a file without one.
func (p *csvParser) width() int {
	n := 0
	for _, at := range p.cols {
		if at >= 0 {
			n++
		}
	}
	return n
}

// parseHeadcount reads a whole number from 0 to MaxHeadcount, digits
// only: "1.200" is a thousand and two hundred to one reader and one point
// two to another, so it is refused rather than guessed.
func parseHeadcount(s string) (int, *LineError) {
	if s == "" {
		e := lineErr(0, "dept_csv_headcount_missing", "the headcount is missing")
		return 0, &e
	}
	digits := strings.TrimPrefix(s, "-")
	if digits == "" || strings.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		e := lineErr(0, "dept_csv_headcount_number", fmt.Sprintf("%q is not a whole number", clip(s)), clip(s))
		return 0, &e
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > MaxHeadcount {
		e := lineErr(0, "dept_csv_headcount_range", fmt.Sprintf("headcount %s is not between 0 and %d", clip(s), MaxHeadcount),
			clip(s), strconv.Itoa(MaxHeadcount))
		return 0, &e
	}
	return n, nil
}

// isHeader tells a header row from a department: it names at least two
// columns (a header with one typo still counts, and is refused for it)
// and holds no number (a department's row has its headcount).
func isHeader(rec []string) bool {
	named := 0
	for _, cell := range rec {
		if _, ok := headerAliases[headerKey(cell)]; ok {
			named++
		}
		if _, err := parseHeadcount(strings.TrimSpace(cell)); err == nil {
			return false
		}
	}
	return named >= 2
}

// trimRecord drops empty cells after the last column (a spreadsheet
// exports the separators of empty columns); a blank record becomes empty.
func trimRecord(rec []string) []string {
	blank := true
	for _, cell := range rec {
		blank = blank && strings.TrimSpace(cell) == ""
	}
	if blank {
		return nil
	}
	n := len(rec)
	for n > requiredColumns && strings.TrimSpace(rec[n-1]) == "" {
		n--
	}
	return rec[:n]
}

// separator is the one of , ; and tab that the first non-blank line uses
// most outside quotes; a comma when none is used.
func separator(data []byte) rune {
	counts := map[rune]int{}
	quoted, text := false, false
scan:
	for _, r := range string(data) {
		switch {
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == '\n' || r == '\r':
			if text {
				break scan
			}
		case r == ',' || r == ';' || r == '\t':
			counts[r]++
		}
		text = text || !unicode.IsSpace(r)
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

// clip shortens a value quoted back in a message.
func clip(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max]) + "…"
}

// invalidUTF8At is the offset of the first byte that is not UTF-8.
func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}
