package survey_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"trots/accounts"
	"trots/survey"
	"trots/survey/storetest"
)

// byName maps the store's departments by name, without ids.
func departmentsByName(t *testing.T, s *survey.Store) map[string]survey.Department {
	t.Helper()
	deps, err := s.Departments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]survey.Department{}
	for _, d := range deps {
		out[d.Name] = d
	}
	return out
}

func TestImportDepartmentsCreatesAndUpdatesByName(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		ict := storetest.MustDepartment(t, s, "ICT", 10)
		hr := storetest.MustDepartment(t, s, "HR", 4)
		kept := storetest.MustDepartment(t, s, "Juridische zaken", 3)

		deps, errs := survey.ParseDepartmentsCSV(strings.NewReader(
			"\xef\xbb\xbfnaam;aantal_medewerkers;extern_zichtbaar\r\n ict ;12;nee\r\nHR;4;ja\r\nDouane;14;nee\r\nKlantcontact;40;ja\r\n"))
		if errs != nil {
			t.Fatal(errs)
		}
		created, updated, err := s.ImportDepartments(ctx, deps)
		if err != nil || created != 2 || updated != 1 {
			t.Fatalf("import: %d created, %d updated, %v; want 2, 1", created, updated, err)
		}
		got := departmentsByName(t, s)
		// ICT matched without regard to case: same id, the file's spelling.
		// HR was given as stored; Juridische zaken was not named and stays.
		want := map[string]survey.Department{
			"ict":              {ID: ict.ID, Name: "ict", Headcount: 12, ExternallyVisible: false},
			"HR":               hr,
			"Juridische zaken": kept,
			"Douane":           {ID: got["Douane"].ID, Name: "Douane", Headcount: 14, ExternallyVisible: false},
			"Klantcontact":     {ID: got["Klantcontact"].ID, Name: "Klantcontact", Headcount: 40, ExternallyVisible: true},
		}
		if !reflect.DeepEqual(got, want) || !survey.ValidID(got["Douane"].ID) {
			t.Fatalf("departments = %+v\nwant %+v", got, want)
		}

		// The same file again changes nothing.
		if created, updated, err := s.ImportDepartments(ctx, deps); err != nil || created != 0 || updated != 0 {
			t.Fatalf("import again: %d created, %d updated, %v", created, updated, err)
		}
		if again := departmentsByName(t, s); !reflect.DeepEqual(again, want) {
			t.Fatalf("after importing again: %+v", again)
		}
	})
}

func TestImportDepartmentsIsAllOrNothing(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		storetest.MustDepartment(t, s, "ICT", 10)
		storetest.MustDepartment(t, s, "Sales", 5)
		// Two names that differ in case only, as a database made before
		// look-alike names were refused may hold them.
		must(t, survey.WriterDB(s).Exec("INSERT INTO departments (id, name, headcount, externally_visible) VALUES (?, 'sales', 6, TRUE)", survey.NewID()).Error)
		before := departmentsByName(t, s)

		// A file with one bad row is refused by the parser: nothing reaches
		// the store, and the errors name the line.
		_, errs := survey.ParseDepartmentsCSV(strings.NewReader("name,headcount,externally_visible\nICT,11,yes\nNieuw,3,yes\nHR,twelve,no\n"))
		if keys := lineKeys(errs); !reflect.DeepEqual(keys, []string{"4:dept_csv_headcount_number"}) {
			t.Fatalf("errors %v", errs)
		}

		// A refusal inside the transaction, after an update and with a
		// creation pending, rolls both back.
		_, _, err := s.ImportDepartments(ctx, imports(
			survey.Department{Name: "ICT", Headcount: 11, ExternallyVisible: true},
			survey.Department{Name: "Nieuw", Headcount: 3, ExternallyVisible: true},
			survey.Department{Name: "SALES", Headcount: 7, ExternallyVisible: true}, // Sales or sales?
		))
		if survey.ErrorCode(err) != survey.EConflict || survey.ErrorKey(err) != "dept_import_ambiguous" {
			t.Fatalf("ambiguous name: %v", err)
		}
		if after := departmentsByName(t, s); !reflect.DeepEqual(after, before) {
			t.Fatalf("a refused import changed the departments:\n%+v\nwas %+v", after, before)
		}

		// Departments the parser would refuse are refused by the store too.
		for _, bad := range [][]survey.Department{
			{{Name: "ICT", Headcount: 11}, {Name: "Nieuw", Headcount: -1}},
			{{Name: "ICT", Headcount: 11}, {Name: " "}},
			{{Name: "Nieuw", Headcount: 1}, {Name: " nieuw", Headcount: 2}},
		} {
			if _, _, err := s.ImportDepartments(ctx, imports(bad...)); survey.ErrorCode(err) != survey.EInvalid {
				t.Fatalf("import %+v: %v, want invalid", bad, err)
			}
		}
		if after := departmentsByName(t, s); !reflect.DeepEqual(after, before) {
			t.Fatalf("a refused import changed the departments:\n%+v", after)
		}
	})
}

// A whole organisation at the row limit, created and then all updated, in
// one transaction each: the time is logged (go test -v) for the report.
func TestImportDepartmentsAtTheRowLimit(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		file := func(headcount int) string {
			var b strings.Builder
			b.WriteString("naam;aantal_medewerkers;extern_zichtbaar\n")
			for i := range survey.MaxImportRows {
				fmt.Fprintf(&b, "Afdeling %04d;%d;ja\n", i, headcount)
			}
			return b.String()
		}
		for _, step := range []struct {
			headcount        int
			created, updated int
		}{{10, survey.MaxImportRows, 0}, {11, 0, survey.MaxImportRows}} {
			start := time.Now()
			deps, errs := survey.ParseDepartmentsCSV(strings.NewReader(file(step.headcount)))
			parsed := time.Since(start)
			if errs != nil {
				t.Fatal(errs)
			}
			created, updated, err := s.ImportDepartments(ctx, deps)
			if err != nil || created != step.created || updated != step.updated {
				t.Fatalf("import: %d created, %d updated, %v", created, updated, err)
			}
			t.Logf("%d rows: parsed in %v, stored (%d created, %d updated) in %v", survey.MaxImportRows, parsed.Round(time.Millisecond),
				created, updated, (time.Since(start) - parsed).Round(time.Millisecond))
		}
		got, err := s.Departments(ctx)
		if err != nil || len(got) != survey.MaxImportRows || got[0].Headcount != 11 || got[len(got)-1].Name != "Afdeling 4999" {
			t.Fatalf("%d departments, %v", len(got), err)
		}
	})
}

func TestDepartmentUsageTellsWhyItCannotBeDeleted(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		sales := storetest.MustDepartment(t, s, "Sales", 5)
		empty := storetest.MustDepartment(t, s, "Leeg", 5)
		led := storetest.MustDepartment(t, s, "Met leidinggevende", 5)
		p := storetest.MustOpenPulse(t, s, "advocacy-readiness", 1)
		links, err := s.Links(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range links {
			if l.DepartmentID == sales.ID {
				if _, err := s.Submit(ctx, survey.Submission{Link: l, Key: survey.NewID(), Answers: survey.Answers{Numbers: map[string]int{"enps": 7}}}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := accounts.New(s).CreateUser(ctx, accounts.User{Email: "lead@example.org", Role: accounts.RoleLead, DepartmentID: led.ID}, "correct horse battery"); err != nil {
			t.Fatal(err)
		}
		// Created after the pulse opened, with no link of it: in no pulse.
		late := storetest.MustDepartment(t, s, "Later", 5)
		// Leeg takes part in the pulse like Sales: whether anyone in a
		// department answered never decides (nor tells) anything here.
		for _, tc := range []struct {
			d    survey.Department
			want survey.DepartmentUsage
		}{
			{sales, survey.DepartmentUsage{Responses: true}},
			{empty, survey.DepartmentUsage{Responses: true}},
			{led, survey.DepartmentUsage{Responses: true, Leads: true}},
			{late, survey.DepartmentUsage{}},
		} {
			u, err := s.DepartmentUsage(ctx, tc.d.ID)
			if err != nil || u != tc.want {
				t.Errorf("%s: usage %+v, %v; want %+v", tc.d.Name, u, err, tc.want)
			}
			err = s.DeleteDepartment(ctx, tc.d.ID)
			if tc.want.InUse() != (survey.ErrorCode(err) == survey.EConflict) || !tc.want.InUse() && err != nil {
				t.Errorf("%s: delete: %v", tc.d.Name, err)
			}
		}
	})
}

// imports are departments as an import without a parent column gives them.
func imports(deps ...survey.Department) []survey.DepartmentImport {
	out := make([]survey.DepartmentImport, len(deps))
	for i, d := range deps {
		out[i] = survey.DepartmentImport{Department: d, Line: i + 2}
	}
	return out
}
