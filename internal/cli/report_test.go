package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"trots/accounts"
	"trots/questionnaires"
	"trots/survey"
	"trots/survey/demo"
	"trots/survey/storetest"
)

// seededDemo stores the demo organisation (seed 1) in a fresh SQLite file
// and returns its DSN, the store and the closed baseline pulse.
func seededDemo(t *testing.T) (string, *survey.Store, survey.Pulse) {
	dsn, s, res := seededDemoResult(t)
	return dsn, s, res.Baseline
}

// seededDemoResult is seededDemo with everything demo.Seed stored.
func seededDemoResult(t *testing.T) (string, *survey.Store, demo.Result) {
	t.Helper()
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		t.Fatal(err)
	}
	dsn := storetest.SQLiteDSN(t)
	s := storetest.Open(t, dsn)
	res, err := demo.Seed(context.Background(), s, q, demo.Generate(q, 1))
	if err != nil {
		t.Fatal(err)
	}
	return dsn, s, res
}

// runReportCmd runs `trots report` with args.
func runReportCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"report"}, args...), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// pdfToText reads a PDF file back with pdftotext.
func pdfToText(t *testing.T, file string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext (poppler-utils) is not installed: run the tests with `make test`, which installs what they need")
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", file, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext %s: %v: %s", file, err, out)
	}
	return string(out)
}

func TestReportWritesThePDFs(t *testing.T) {
	dsn, st, pulse := seededDemo(t)
	// An action plan recorded on ICT goes into its department report.
	ctx := context.Background()
	hr, err := accounts.New(st).CreateUser(ctx, accounts.User{Email: "hr@example.org", Role: accounts.RoleAdmin}, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	deps, err := st.Departments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range deps {
		if d.Name == "ICT" {
			if _, err := st.AddAction(ctx, survey.Action{PulseID: pulse.ID, DepartmentID: d.ID, Theme: "communication", Title: "Vacatureteksten herschrijven",
				Owner: "recruiter", Due: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}, survey.Author{UserID: hr.ID, UserEmail: hr.Email}); err != nil {
				t.Fatal(err)
			}
		}
	}
	dir := t.TempDir()
	org := filepath.Join(dir, "org.pdf")
	code, stdout, stderr := runReportCmd(t, "--db", dsn, "--pulse", pulse.ID, "--out", org, "--creation-date", "2026-01-31")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, org) {
		t.Errorf("stdout does not name the file: %q", stdout)
	}
	data, err := os.ReadFile(org)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", data[:min(len(data), 16)])
	}
	// The organisation's default language (nl for the demo) by default.
	text := pdfToText(t, org)
	for _, want := range []string{"Gemeente Voorbeeld", "Samenvatting voor het management", "Financiën", "EERST VERBETEREN", "niet getoond (anonimiteitsdrempel 5)"} {
		if !strings.Contains(text, want) {
			t.Errorf("the organisation report lacks %q", want)
		}
	}

	// The same date gives the same bytes.
	again := filepath.Join(dir, "again.pdf")
	if code, _, stderr := runReportCmd(t, "--db", dsn, "--pulse", pulse.ID, "--out", again, "--creation-date", "2026-01-31"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if data2, _ := os.ReadFile(again); !bytes.Equal(data, data2) {
		t.Error("two reports with the same --creation-date differ")
	}

	// A department report in English, its name matched ignoring case.
	ict := filepath.Join(dir, "ict.pdf")
	if code, _, stderr := runReportCmd(t, "--db", dsn, "--pulse", pulse.ID, "--department", "ict", "--lang", "en", "--out", ict, "--creation-date", "2026-01-31"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	text = pdfToText(t, ict)
	for _, want := range []string{"ICT", "FIX FIRST", "Fix these first", "Page 1 of", "Action plan after", "Vacatureteksten herschrijven", "recruiter", "2026-04-01", "planned"} {
		if !strings.Contains(text, want) {
			t.Errorf("the ICT report lacks %q", want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 3 {
		t.Errorf("%d files in the output folder, want 3 (no temporary files left): %v", len(entries), entries)
	}
}

func TestReportRefusesClearly(t *testing.T) {
	dsn, s, res := seededDemoResult(t)
	pulse, open := res.Baseline, res.Open
	draft, err := s.CreatePulse(context.Background(), survey.Pulse{Name: "Volgende meting", QuestionnaireID: "advocacy-readiness", QuestionnaireVersion: 1})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "r.pdf")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"unknown pulse", []string{"--db", dsn, "--pulse", "nosuchpulse", "--out", out}, 1, []string{`no pulse with id "nosuchpulse"; the pulses are: `, pulse.ID + ` ("Nulmeting trots en delen (demo)", closed)`}},
		{"open pulse", []string{"--db", dsn, "--pulse", open.ID, "--out", out}, 1, []string{`pulse "Vervolgmeting (demo)" is still open`,
			"a report is made once it has closed", "comparing figures over time"}},
		{"draft pulse", []string{"--db", dsn, "--pulse", draft.ID, "--out", out}, 1, []string{"has not been opened yet"}},
		{"unknown department", []string{"--db", dsn, "--pulse", pulse.ID, "--department", "Nergens", "--out", out}, 1, []string{`unknown department "Nergens"; the departments are "Communicatie"`}},
		{"no pulse", []string{"--db", dsn, "--out", out}, 2, []string{"--pulse is required"}},
		{"no out", []string{"--db", dsn, "--pulse", pulse.ID}, 2, []string{"--out is required"}},
		{"bad language", []string{"--db", dsn, "--pulse", pulse.ID, "--out", out, "--lang", "de"}, 2, []string{"--lang must be nl or en"}},
		{"bad date", []string{"--db", dsn, "--pulse", pulse.ID, "--out", out, "--creation-date", "31-01-2026"}, 2, []string{"--creation-date"}},
		{"bad format", []string{"--db", dsn, "--pulse", pulse.ID, "--out", out, "--format", "docx"}, 2, []string{`--format must be pdf or html, not "docx"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runReportCmd(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
		})
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed run left %s behind", out)
	}
}
