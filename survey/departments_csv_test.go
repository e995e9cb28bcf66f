package survey_test

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"trots/survey"
)

func dep(name string, headcount int, visible bool) survey.Department {
	return survey.Department{Name: name, Headcount: headcount, ExternallyVisible: visible}
}

func TestParseDepartmentsCSVAcceptsWhatSpreadsheetsWrite(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []survey.Department
	}{
		{"English header, commas", "name,headcount,externally_visible\nICT,12,yes\nKlantcontact,40,no\n",
			[]survey.Department{dep("ICT", 12, true), dep("Klantcontact", 40, false)}},
		{"Dutch Excel: BOM, semicolons, CRLF, Dutch header", "\xef\xbb\xbfnaam;aantal_medewerkers;extern_zichtbaar\r\nDouane;14;nee\r\nWerving & selectie;7;ja\r\n",
			[]survey.Department{dep("Douane", 14, false), dep("Werving & selectie", 7, true)}},
		{"no header", "ICT;12;1\nJuridische zaken;3;0", []survey.Department{dep("ICT", 12, true), dep("Juridische zaken", 3, false)}},
		{"columns in another order, header with spaces and capitals", "Extern zichtbaar,Naam,Aantal medewerkers\nJA,ICT,12\n",
			[]survey.Department{dep("ICT", 12, true)}},
		{"tabs", "name\theadcount\texternally_visible\nICT\t12\ttrue\n", []survey.Department{dep("ICT", 12, true)}},
		{"quoted separator in a name", "naam;aantal_medewerkers;extern_zichtbaar\n\"Sales; Noord\";5;WAAR\n\"Sales \"\"Zuid\"\"\";6;ONWAAR\n",
			[]survey.Department{dep("Sales; Noord", 5, true), dep(`Sales "Zuid"`, 6, false)}},
		{"a comma in a name does not fool the separator", "Sales, Noord;5;ja\nICT;12;nee\n",
			[]survey.Department{dep("Sales, Noord", 5, true), dep("ICT", 12, false)}},
		{"blank lines, separator-only lines and trailing separators", "naam;aantal_medewerkers;extern_zichtbaar;;\n\n;;;\n  ICT  ; 12 ; ja ;;\n;;\n",
			[]survey.Department{dep("ICT", 12, true)}},
		{"old Mac line ends", "name,headcount,externally_visible\rICT,0,false\rHR,4,Y\r",
			[]survey.Department{dep("ICT", 0, false), dep("HR", 4, true)}},
		{"a department named like a column", "Extern;12;ja\n", []survey.Department{dep("Extern", 12, true)}},
		{"the largest headcount", "ICT,1000000,no", []survey.Department{dep("ICT", 1000000, false)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parsed, errs := survey.ParseDepartmentsCSV(strings.NewReader(tc.in))
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			var got []survey.Department
			for _, d := range parsed {
				if d.Placed || d.Line < 1 {
					t.Fatalf("no parent column, yet %+v", d)
				}
				got = append(got, d.Department)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// lineKey is a line error as "line:key", to compare in tables.
func lineKeys(errs []survey.LineError) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = fmt.Sprintf("%d:%s", e.Line, e.Key)
	}
	return out
}

func TestParseDepartmentsCSVRefusesTheWholeFileNamingEachLine(t *testing.T) {
	header := "naam;aantal_medewerkers;extern_zichtbaar\n"
	for _, tc := range []struct {
		name string
		in   string
		want []string
	}{
		{"missing name", header + "ICT;12;ja\n ;4;ja\n", []string{"3:dept_csv_name_missing"}},
		{"headcount not a whole number", header + "ICT;12,5;ja\nHR;1.200;ja\nSales;veel;nee\nX;+3;ja\n",
			[]string{"2:dept_csv_headcount_number", "3:dept_csv_headcount_number", "4:dept_csv_headcount_number", "5:dept_csv_headcount_number"}},
		{"headcount out of range", header + "ICT;-1;ja\nHR;1000001;ja\nX;99999999999999999999999;ja\n",
			[]string{"2:dept_csv_headcount_range", "3:dept_csv_headcount_range", "4:dept_csv_headcount_range"}},
		{"headcount missing", header + "ICT;;ja\n", []string{"2:dept_csv_headcount_missing"}},
		{"duplicate name, other case and spaces", header + "ICT;12;ja\nHR;3;ja\n ict ;4;nee\n", []string{"4:dept_csv_duplicate"}},
		{"unknown boolean", header + "ICT;12;misschien\nHR;3;\n", []string{"2:dept_csv_visible_unknown", "3:dept_csv_visible_missing"}},
		{"wrong column count", header + "ICT;12\nHR;3;ja;extra\nSales;4;ja\n", []string{"2:dept_csv_columns", "3:dept_csv_columns"}},
		{"several problems on one line", header + ";x;z\n",
			[]string{"2:dept_csv_name_missing", "2:dept_csv_headcount_number", "2:dept_csv_visible_unknown"}},
		{"name too long", header + strings.Repeat("a", 101) + ";1;ja\n" + strings.Repeat("é", 100) + ";1;ja\n", []string{"2:dept_csv_name_long"}},
		{"line break inside a quoted name", header + "\"Sales\nNoord\";1;ja\n", []string{"2:dept_csv_name_control"}},
		{"unknown header column", "naam;aantal_medewerkers;kleur\nICT;12;ja\n", []string{"1:dept_csv_header_unknown", "1:dept_csv_header_missing"}},
		{"header column twice", "name,name,headcount\n", []string{"1:dept_csv_header_twice", "1:dept_csv_header_missing"}},
		{"header only", header, []string{"0:dept_csv_empty"}},
		{"empty file", "", []string{"0:dept_csv_empty"}},
		{"only a BOM and blank lines", "\xef\xbb\xbf\n\n", []string{"0:dept_csv_empty"}},
		{"broken quotes", header + "ICT;12;ja\n\"HR;3;ja\n", []string{"3:dept_csv_syntax"}},
		{"not UTF-8 (Windows-1252 é)", header + "ICT;12;ja\nCaf\xe9;3;ja\n", []string{"3:dept_csv_not_utf8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, errs := survey.ParseDepartmentsCSV(strings.NewReader(tc.in))
			if got != nil {
				t.Errorf("departments returned with errors: %+v", got)
			}
			if keys := lineKeys(errs); !reflect.DeepEqual(keys, tc.want) {
				t.Fatalf("errors %v\nwant %v", errs, tc.want)
			}
		})
	}
}

func TestParseDepartmentsCSVErrorsCarryWhatTheUserTyped(t *testing.T) {
	_, errs := survey.ParseDepartmentsCSV(strings.NewReader("naam;aantal_medewerkers;extern_zichtbaar\nICT;12;ja\nict;twaalf;ja\n"))
	want := []survey.LineError{
		{Line: 3, Key: "dept_csv_duplicate", Args: []string{"ict", "2"}, Message: `"ict" is also on line 2`},
		{Line: 3, Key: "dept_csv_headcount_number", Args: []string{"twaalf"}, Message: `"twaalf" is not a whole number`},
	}
	if !reflect.DeepEqual(errs, want) {
		t.Fatalf("errors = %#v", errs)
	}
	if got := errs[0].Error(); got != `line 3: "ict" is also on line 2` {
		t.Fatalf("Error() = %q", got)
	}
}

func TestParseDepartmentsCSVLimits(t *testing.T) {
	rows := func(n int) string {
		var b strings.Builder
		b.WriteString("name,headcount,externally_visible\n")
		for i := range n {
			fmt.Fprintf(&b, "Afdeling %d,%d,yes\n", i, i)
		}
		return b.String()
	}
	deps, errs := survey.ParseDepartmentsCSV(strings.NewReader(rows(survey.MaxImportRows)))
	if len(errs) != 0 || len(deps) != survey.MaxImportRows {
		t.Fatalf("%d rows: %d departments, errors %v", survey.MaxImportRows, len(deps), errs)
	}
	_, errs = survey.ParseDepartmentsCSV(strings.NewReader(rows(survey.MaxImportRows + 1)))
	if keys := lineKeys(errs); !reflect.DeepEqual(keys, []string{fmt.Sprintf("%d:dept_csv_too_many_rows", survey.MaxImportRows+2)}) {
		t.Fatalf("%d rows: %v", survey.MaxImportRows+1, errs)
	}

	big := bytes.Repeat([]byte("a"), survey.MaxImportBytes+1)
	if _, errs := survey.ParseDepartmentsCSV(bytes.NewReader(big)); !reflect.DeepEqual(lineKeys(errs), []string{"0:dept_csv_too_large"}) {
		t.Fatalf("too large: %v", errs)
	}

	// A file wrong throughout lists its first problems and says so.
	var b strings.Builder
	for i := range 300 {
		fmt.Fprintf(&b, "Afdeling %d,veel,yes\n", i)
	}
	_, errs = survey.ParseDepartmentsCSV(strings.NewReader(b.String()))
	if len(errs) != survey.MaxLineErrors+1 || errs[0].Line != 1 || errs[survey.MaxLineErrors-1].Line != survey.MaxLineErrors ||
		errs[survey.MaxLineErrors].Key != "dept_csv_too_many_errors" {
		t.Fatalf("%d errors, first %v, last %v", len(errs), errs[0], errs[len(errs)-1])
	}
}

// A first row is a header only when it names columns and holds no number:
// a department called like a column, or a headerless first row with a
// wrong headcount, is read (and judged) as a department.
func TestParseDepartmentsCSVTellsAHeaderFromADepartment(t *testing.T) {
	for in, want := range map[string][]string{
		"Afdeling;veel;ja\n":                        {"1:dept_csv_headcount_number"},
		"Extern;12;zichtbaar\n":                     {"1:dept_csv_visible_unknown"},
		"naam;medewerkers;zichtbaar\nX;1;ja\nY;2\n": {"3:dept_csv_columns"},
		"naam;aantal;kleur\n":                       {"1:dept_csv_header_unknown", "1:dept_csv_header_missing"},
	} {
		if _, errs := survey.ParseDepartmentsCSV(strings.NewReader(in)); !reflect.DeepEqual(lineKeys(errs), want) {
			t.Errorf("%q: %v, want %v", in, errs, want)
		}
	}
}
