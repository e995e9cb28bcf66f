package cli

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"trots/questionnaires"
	"trots/survey/demo"
	"trots/survey/storetest"
)

// TestReportOfABranch runs `trots report --department` on nodes of the
// demo tree: a department by id reports its branch (its own verdict, its
// teams compared, none of another branch), a directorate by name its
// departments, and the organisation report lists the deeper levels in a
// table by path.
func TestReportOfABranch(t *testing.T) {
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		t.Fatal(err)
	}
	dsn := storetest.SQLiteDSN(t)
	st := storetest.Open(t, dsn)
	res, err := demo.Seed(context.Background(), st, q, demo.GenerateTree(q, 1))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, d := range res.Departments {
		ids[d.Department.Name] = d.Department.ID
	}
	pulse := res.Baseline.ID
	dir := t.TempDir()
	report := func(name string, args ...string) string {
		t.Helper()
		out := filepath.Join(dir, name)
		args = append([]string{"--db", dsn, "--pulse", pulse, "--lang", "en", "--out", out, "--creation-date", "2026-01-31"}, args...)
		if code, _, stderr := runReportCmd(t, args...); code != 0 {
			t.Fatalf("report %v: exit %d: %s", args, code, stderr)
		}
		return strings.Join(strings.Fields(pdfToText(t, out)), " ")
	}

	// Klantcontact by its id: four teams, Team Balie Noord must fix first.
	text := report("klantcontact.pdf", "--department", ids["Klantcontact"])
	for _, want := range []string{"DEPARTMENT REPORT", "Klantcontact", "Its parts", "Of its 4 parts:", "Team Balie Noord", "Team Balie Zuid", "Team Telefoon", "Team Chat", "FIX FIRST"} {
		if !strings.Contains(text, want) {
			t.Errorf("the branch report of Klantcontact lacks %q", want)
		}
	}
	// The planted story: Team Balie Noord must fix first.
	if !strings.Contains(text, "Of its 4 parts: 2 GO, 1 FIX FIRST, 1 not yet measurable.") || !regexp.MustCompile(`Team Balie Noord \d+ FIX FIRST`).MatchString(text) {
		t.Errorf("the parts of Klantcontact are not compared as the demo plants them: %s", text[strings.Index(text, "Its parts"):])
	}
	for _, other := range []string{"Burgerzaken", "Juridische Zaken", "ICT Werkplek"} {
		if strings.Contains(text, other) {
			t.Errorf("the branch report of Klantcontact names %q, outside its branch", other)
		}
	}

	// Juridische Zaken: measurable as a whole, its four small teams hidden.
	text = report("jz.pdf", "--department", demo.StorySmallTeams)
	if !strings.Contains(text, "VERDICT GO") || !strings.Contains(text, "Of its 4 parts: 0 GO, 0 FIX FIRST, 4 not yet measurable.") {
		t.Errorf("the report of %s lacks its GO or its parts' spread", demo.StorySmallTeams)
	}
	if n := strings.Count(text, "not shown (anonymity threshold 5)"); n != 4 {
		t.Errorf("the report of %s shows %d hidden parts, want its 4 teams", demo.StorySmallTeams, n)
	}

	// The organisation report: the directorates on top, the rest by path.
	text = report("org.pdf")
	for _, want := range []string{"Deeper levels", "Dienstverlening / Klantcontact / Team Balie Noord"} {
		if !strings.Contains(text, want) {
			t.Errorf("the organisation report lacks %q", want)
		}
	}
}
