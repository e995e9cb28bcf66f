package survey_test

import (
	"slices"
	"strings"
	"testing"

	"trots/survey"
	"trots/survey/storetest"
)

// Finding "look-alike department names can sit beside ICT": names that
// differ from an existing one in case, invisible characters or letters of
// another script that look the same are refused, naming the department
// they resemble, whether created, renamed or imported; nothing is stored.
func TestLookalikeDepartmentNamesAreRefused(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		ict := storetest.MustDepartment(t, s, "ICT", 10)
		other := storetest.MustDepartment(t, s, "Verkoop", 10)
		lookalikes := []string{
			"ict",
			"ICT\u200b",          // zero-width space
			"I\u200dCT",          // zero-width joiner
			"I\u0421T",           // Cyrillic Es
			"\u0406CT",           // Cyrillic I
			"\uff29\uff23\uff34", // full-width
			"I\u00adCT",          // soft hyphen
			"\u0399\u0421\u03a4", // Greek Iota, Cyrillic Es, Greek Tau
		}
		for _, name := range lookalikes {
			_, err := s.CreateDepartment(ctx, survey.Department{Name: name, Headcount: 3})
			if survey.ErrorKey(err) != "department_resembles" || survey.ErrorCode(err) != survey.EConflict ||
				!slices.Equal(survey.ErrorArgs(err), []string{"ICT", strings.TrimSpace(name)}) {
				t.Errorf("create %q: %v (args %q)", name, err, survey.ErrorArgs(err))
			}
			err = s.UpdateDepartment(ctx, survey.Department{ID: other.ID, Name: name, Headcount: 10})
			if survey.ErrorKey(err) != "department_resembles" {
				t.Errorf("rename Verkoop to %q: %v", name, err)
			}
		}
		// A department may change the case of its own name.
		if err := s.UpdateDepartment(ctx, survey.Department{ID: ict.ID, Name: "Ict", Headcount: 10}); err != nil {
			t.Fatalf("ICT renames itself Ict: %v", err)
		}
		must(t, s.UpdateDepartment(ctx, survey.Department{ID: ict.ID, Name: "ICT", Headcount: 10}))
		// Control characters stay refused.
		if _, err := s.CreateDepartment(ctx, survey.Department{Name: "IC\u0007T", Headcount: 3}); survey.ErrorKey(err) != "department_name_invalid" {
			t.Errorf("control character: %v", err)
		}
		// An import with a look-alike stores nothing, and names both.
		_, _, err := s.ImportDepartments(ctx, imports(survey.Department{Name: "Inkoop", Headcount: 4}, survey.Department{Name: "I\u0421T", Headcount: 4}))
		if survey.ErrorKey(err) != "department_resembles" || !strings.Contains(err.Error(), `"ICT"`) {
			t.Fatalf("import of a look-alike: %v", err)
		}
		// Two new look-alikes in one import are refused too.
		_, _, err = s.ImportDepartments(ctx, imports(survey.Department{Name: "Inkoop", Headcount: 4}, survey.Department{Name: "Inkооp", Headcount: 4}))
		if survey.ErrorKey(err) != "department_resembles" && survey.ErrorKey(err) != "dept_import_duplicate" {
			t.Fatalf("import of two look-alikes: %v", err)
		}
		deps, err := s.Departments(ctx)
		must(t, err)
		if len(deps) != 2 {
			t.Fatalf("%d departments after the refusals, want 2", len(deps))
		}
	})
}

// Within one CSV file, a look-alike of an earlier line is named with both
// lines.
func TestDepartmentsCSVRefusesLookalikeLines(t *testing.T) {
	deps, errs := survey.ParseDepartmentsCSV(strings.NewReader("name,headcount,externally_visible\nICT,4,yes\nI\u0421T\u200b,5,yes\n"))
	if deps != nil || len(errs) != 1 || errs[0].Line != 3 || errs[0].Key != "dept_csv_duplicate" || errs[0].Args[1] != "2" {
		t.Fatalf("look-alike lines: %v %+v", deps, errs)
	}
}
