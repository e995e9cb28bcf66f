package survey_test

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"trots/survey"
	"trots/survey/storetest"
)

// A three-level tree comes in by CSV with parents named by name (in any
// order) or by a stored id, and every department lands where the file put
// it; a later file moves a branch.
func TestImportDepartmentsBuildsTheTree(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		top := storetest.MustDepartment(t, s, "Directie Zorg", 0)
		mustImport(t, s, "name,headcount,externally_visible,parent\n"+
			"Team Noord,12,yes,Wijkzorg\n"+ // the parent comes later in the file
			"Wijkzorg,3,yes,"+top.ID+"\n"+ // a stored department by id
			"Team Zuid,9,yes,wijkzorg\n"+ // by name, in other capitals
			"Directie Bedrijf,2,no,\n")
		tree := storeTree(t, s)
		byName := departmentsByName(t, s)
		for name, path := range map[string]string{
			"Team Noord":       "Directie Zorg / Wijkzorg / Team Noord",
			"Team Zuid":        "Directie Zorg / Wijkzorg / Team Zuid",
			"Directie Bedrijf": "Directie Bedrijf",
		} {
			if got := tree.Path(byName[name].ID); got != path {
				t.Errorf("%s: path %q, want %q", name, got, path)
			}
		}
		if got := tree.TotalHeadcount(top.ID); got != 24 {
			t.Errorf("headcount of the directorate %d, want its own 0 + 3 + 12 + 9", got)
		}
		// A file without the parent column leaves the tree alone.
		mustImport(t, s, "name,headcount,externally_visible\nTeam Noord,13,yes\n")
		if got := storeTree(t, s).Parent(byName["Team Noord"].ID); got != byName["Wijkzorg"].ID {
			t.Fatalf("a file without parents moved Team Noord to %q", got)
		}
		// Moving a branch: Wijkzorg with its teams to the other directorate.
		mustImport(t, s, "naam;aantal_medewerkers;extern_zichtbaar;valt_onder\nWijkzorg;3;ja;Directie Bedrijf\n")
		if got := storeTree(t, s).Path(byName["Team Zuid"].ID); got != "Directie Bedrijf / Wijkzorg / Team Zuid" {
			t.Fatalf("after the move: %q", got)
		}
	})
}

// Bad trees are refused whole, each refusal naming the line, and nothing
// is stored.
func TestImportDepartmentsRefusesBadTrees(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		storetest.MustDepartment(t, s, "Directie", 10)
		before := departmentsByName(t, s)
		const head = "name,headcount,externally_visible,parent\n"
		deep := head
		for i := 1; i <= survey.MaxDepth+1; i++ {
			deep += "Niveau " + strconv.Itoa(i) + ",1,yes," + map[bool]string{true: "", false: "Niveau " + strconv.Itoa(i-1)}[i == 1] + "\n"
		}
		for _, tc := range []struct {
			name, file, key string
			line            int
		}{
			{"unknown parent", head + "Team A,5,yes,Directie\nTeam B,5,yes,Bestaat Niet\n", "dept_tree_parent_unknown", 3},
			{"a cycle of two", head + "A,5,yes,B\nB,5,yes,A\n", "dept_tree_cycle", 2},
			{"a cycle of three through a stored department", head + "Directie,10,yes,C\nB,5,yes,Directie\nC,5,yes,B\n", "dept_tree_cycle", 2},
			{"deeper than the limit", deep, "dept_tree_too_deep", survey.MaxDepth + 2},
		} {
			t.Run(tc.name, func(t *testing.T) {
				deps, errs := survey.ParseDepartmentsCSV(strings.NewReader(tc.file))
				if len(errs) > 0 {
					t.Fatalf("parse: %v", errs)
				}
				_, _, err := s.ImportDepartments(ctx, deps)
				if survey.ErrorKey(err) != tc.key || survey.ErrorArgs(err)[0] != strconv.Itoa(tc.line) {
					t.Fatalf("got %v (args %v), want %s on line %d", err, survey.ErrorArgs(err), tc.key, tc.line)
				}
				if after := departmentsByName(t, s); !reflect.DeepEqual(after, before) {
					t.Fatalf("a refused import changed the departments: %+v", after)
				}
			})
		}
		// What the parser refuses by itself, with the line.
		for _, tc := range []struct{ name, file, want string }{
			{"the same name twice under one parent", head + "Team,5,yes,Directie\nteam,6,yes,Directie\n", "3:dept_csv_duplicate"},
			{"a department its own parent", head + "Team,5,yes,TEAM\n", "2:dept_csv_parent_self"},
			{"a parent with a line break", head + "Team,5,yes,\"Direc\ntie\"\n", "2:dept_csv_parent_control"},
			{"a parent name too long", head + "Team,5,yes," + strings.Repeat("x", 101) + "\n", "2:dept_csv_parent_long"},
			{"a hostile name", head + "\"=cmd|' /C calc'!A0\u0000\",5,yes,\n", "2:dept_csv_name_control"},
			{"a row without its parent cell among four columns", "parent,name,headcount,externally_visible\nICT,12\n", "2:dept_csv_columns"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, errs := survey.ParseDepartmentsCSV(strings.NewReader(tc.file))
				if keys := lineKeys(errs); len(keys) == 0 || keys[0] != tc.want {
					t.Fatalf("errors %v, want %s first", keys, tc.want)
				}
			})
		}
	})
}

// Moving a department is refused while a pulse is open, and a cycle by
// hand is refused as by import; a closed pulse keeps the tree it closed
// with.
func TestMovingDepartments(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		a := storetest.MustDepartment(t, s, "Directie A", 0)
		b := storetest.MustDepartment(t, s, "Directie B", 0)
		team, err := s.CreateDepartment(ctx, survey.Department{Name: "Team", Headcount: 8, ExternallyVisible: true, ParentID: a.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateDepartment(ctx, survey.Department{Name: "Wees", Headcount: 1, ParentID: survey.NewID()}); survey.ErrorKey(err) != "department_parent_unknown" {
			t.Fatalf("unknown parent: %v", err)
		}
		a.ParentID = team.ID
		if err := s.UpdateDepartment(ctx, a); survey.ErrorKey(err) != "department_parent_cycle" {
			t.Fatalf("a directorate below its own team: %v", err)
		}
		p := storetest.MustOpenPulse(t, s, "advocacy-readiness", 1)
		team.ParentID = b.ID
		if err := s.UpdateDepartment(ctx, team); survey.ErrorCode(err) != survey.EConflict || survey.ErrorKey(err) != "department_move_open_pulse" {
			t.Fatalf("a move while a pulse is open: %v", err)
		}
		deps, _ := survey.ParseDepartmentsCSV(strings.NewReader("name,headcount,externally_visible,parent\nTeam,8,yes,Directie B\n"))
		if _, _, err := s.ImportDepartments(ctx, deps); survey.ErrorKey(err) != "department_move_open_pulse" {
			t.Fatalf("a move by import while a pulse is open: %v", err)
		}
		// Renaming and counting again is not a move.
		team.ParentID, team.Headcount = a.ID, 9
		if err := s.UpdateDepartment(ctx, team); err != nil {
			t.Fatalf("a change that is no move: %v", err)
		}
		if err := s.ClosePulse(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		team.ParentID, team.Name = b.ID, "Team Nieuw"
		if err := s.UpdateDepartment(ctx, team); err != nil {
			t.Fatalf("a move after the close: %v", err)
		}
		then, err := s.PulseTree(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		old := survey.NewTree(then)
		if got := old.Path(team.ID); got != "Directie A / Team" {
			t.Fatalf("the closed pulse's tree has %q, want the place and name of then", got)
		}
		if got := storeTree(t, s).Path(team.ID); got != "Directie B / Team Nieuw" {
			t.Fatalf("the tree now has %q", got)
		}
		if err := s.DeleteDepartment(ctx, b.ID); survey.ErrorKey(err) != "department_has_children" {
			t.Fatalf("deleting a directorate with a team: %v", err)
		}
	})
}

func storeTree(t *testing.T, s *survey.Store) survey.Tree {
	t.Helper()
	deps, err := s.Departments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return survey.NewTree(deps)
}

func mustImport(t *testing.T, s *survey.Store, file string) {
	t.Helper()
	deps, errs := survey.ParseDepartmentsCSV(strings.NewReader(file))
	if len(errs) > 0 {
		t.Fatalf("parse: %v", errs)
	}
	if _, _, err := s.ImportDepartments(ctx, deps); err != nil {
		t.Fatalf("import: %v", err)
	}
}
