package survey_test

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"trots/survey"
)

// Whatever file an HR admin uploads, the parser either accepts it whole or
// refuses it with problems that name a line of that file; what it accepts
// is valid, has no name twice, and reads back the same when written out
// again. Seeds: testdata/fuzz/FuzzParseDepartmentsCSV.
func FuzzParseDepartmentsCSV(f *testing.F) {
	for _, s := range []string{
		"name,headcount,externally_visible\nICT,12,yes\n",
		"\xef\xbb\xbfnaam;aantal_medewerkers;extern_zichtbaar\r\nDouane;14;nee\r\n",
		"\"Sales; Noord\";5;WAAR\n",
		"ICT;12\n;;\n\"x\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(checkDepartmentsCSV)
}

// checkDepartmentsCSV is the property the fuzzer checks on each input.
func checkDepartmentsCSV(t *testing.T, data []byte) {
	deps, errs := survey.ParseDepartmentsCSV(bytes.NewReader(data))
	if (len(deps) == 0) == (len(errs) == 0) {
		t.Fatalf("%d departments and %d errors: want exactly one of them", len(deps), len(errs))
	}
	lines := 1 + bytes.Count(data, []byte("\n"))
	if !bytes.ContainsRune(data, '\n') {
		lines += bytes.Count(data, []byte("\r"))
	}
	if len(errs) > survey.MaxLineErrors+1 {
		t.Fatalf("%d errors", len(errs))
	}
	for _, e := range errs {
		if e.Line < 0 || e.Line > lines || !strings.HasPrefix(e.Key, "dept_csv_") || e.Message == "" {
			t.Fatalf("error %+v (file of %d lines)", e, lines)
		}
	}
	if len(errs) > 0 {
		return
	}
	if len(deps) > survey.MaxImportRows {
		t.Fatalf("%d departments", len(deps))
	}
	seen := map[string]bool{}
	var out bytes.Buffer
	w := csv.NewWriter(&out)
	w.Write([]string{"name", "headcount", "externally_visible", "parent"})
	for i, d := range deps {
		v := d.Department
		if err := v.Validate(); err != nil || v != d.Department {
			t.Fatalf("accepted %+v: %v", d, err)
		}
		if seen[survey.DepartmentKey(d.Name)] {
			t.Fatalf("%q accepted twice", d.Name)
		}
		seen[survey.DepartmentKey(d.Name)] = true
		if d.Line < 1 || d.Line > lines || d.Parent != "" && !d.Placed {
			t.Fatalf("accepted %+v from a file of %d lines", d, lines)
		}
		w.Write([]string{d.Name, strconv.Itoa(d.Headcount), strconv.FormatBool(d.ExternallyVisible), d.Parent})
		deps[i].Line, deps[i].Placed = i+2, true
	}
	w.Flush()
	again, errs := survey.ParseDepartmentsCSV(&out)
	if len(errs) > 0 || !reflect.DeepEqual(again, deps) {
		t.Fatalf("written out and read again: %+v, %v\nwant %+v", again, errs, deps)
	}
}
