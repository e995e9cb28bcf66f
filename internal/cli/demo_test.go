package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"trots/questionnaires"
	"trots/survey"
	"trots/survey/demo"
	"trots/survey/storetest"
)

// runDemoCmd runs `trots demo` with args and returns the exit code and output.
func runDemoCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"demo"}, args...), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// storedCounts returns the responses per department name over all pulses.
func storedCounts(t *testing.T, s *survey.Store) (map[string]int, []survey.Pulse) {
	t.Helper()
	ctx := context.Background()
	pulses, err := s.Pulses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	depts, err := s.Departments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, p := range pulses {
		counts, err := s.ResponseCounts(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range depts {
			out[d.Name] += counts[d.ID]
		}
	}
	return out, pulses
}

func TestDemoFillsAnEmptyDatabaseOnce(t *testing.T) {
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		t.Fatal(err)
	}
	org := demo.Generate(q, 3)
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		dir := t.TempDir()
		csvFile, headFile := filepath.Join(dir, "answers.csv"), filepath.Join(dir, "headcounts.csv")
		code, out, errOut := runDemoCmd(t, "--db", dsn, "--flat", "--seed", "3", "--base-url", "http://demo.example:8080/",
			"--export-csv", csvFile, "--export-headcounts", headFile)
		if code != 0 {
			t.Fatalf("demo: exit %d, stderr %s", code, errOut)
		}

		s := storetest.Open(t, dsn)
		counts, pulses := storedCounts(t, s)
		// Newest first: the open pulse for new answers, then the closed
		// baseline holding the synthetic answers and its final results.
		// The open pulse, the one to try, is the short pulse.
		if len(pulses) != 2 || pulses[0].Status != survey.PulseOpen || pulses[0].QuestionnaireID != "pulse" ||
			pulses[1].Status != survey.PulseClosed || pulses[1].QuestionnaireID != q.ID {
			t.Fatalf("pulses %+v, want an open short pulse and a closed baseline on %s", pulses, q.ID)
		}
		if !strings.Contains(out, "on pulse@2 is open for new answers") {
			t.Errorf("the output does not name the open pulse's questionnaire: %s", out)
		}
		open, baseline := pulses[0], pulses[1]
		if _, err := s.PulseResult(context.Background(), baseline.ID); err != nil {
			t.Fatalf("the baseline has no stored results: %v", err)
		}
		if n, err := s.ResponseCounts(context.Background(), open.ID); err != nil || len(n) != 0 {
			t.Fatalf("the open pulse holds answers: %v %v", n, err)
		}
		for _, d := range org.Departments {
			if counts[d.Name] != len(d.Responses) {
				t.Errorf("%s: %d responses stored, want %d", d.Name, counts[d.Name], len(d.Responses))
			}
		}
		if len(counts) != len(org.Departments) {
			t.Errorf("%d departments stored, want %d", len(counts), len(org.Departments))
		}
		links, err := s.Links(context.Background(), open.ID)
		if err != nil || len(links) != len(org.Departments) {
			t.Fatalf("%d links, %v", len(links), err)
		}
		for _, l := range links {
			if !strings.Contains(out, "http://demo.example:8080/s/"+l.Code+"\n") {
				t.Errorf("the summary does not print the link %s:\n%s", l.Code, out)
			}
		}
		old, err := s.Links(context.Background(), baseline.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range old {
			if strings.Contains(out, l.Code) {
				t.Errorf("the summary prints the link %s of the closed baseline", l.Code)
			}
		}
		// The printed links accept answers.
		dec := survey.DecodeAnswers(q, org.Departments[0].Responses[0].Values())
		if _, err := s.Submit(context.Background(), survey.Submission{Link: links[0], Key: survey.NewID(), Answers: dec.Answers, Comments: dec.Comments}); err != nil {
			t.Fatalf("a printed link refuses an answer: %v", err)
		}
		counts, _ = storedCounts(t, s)
		for _, want := range []string{org.Name, "Douane-inspectie *", "trots analyze"} {
			if !strings.Contains(out, want) {
				t.Errorf("the summary does not mention %q:\n%s", want, out)
			}
		}
		for file, lines := range map[string]int{csvFile: org.Responses() + 1, headFile: len(org.Departments) + 1} {
			data, err := os.ReadFile(file)
			if err != nil || strings.Count(string(data), "\n") != lines {
				t.Errorf("%s: %d lines, %v; want %d", file, strings.Count(string(data), "\n"), err, lines)
			}
		}

		// A filled database is never touched: --if-empty skips it, and
		// without it the demo refuses.
		code, out, errOut = runDemoCmd(t, "--db", dsn, "--if-empty", "--seed", "4")
		if code != 0 || !strings.Contains(out, "left it unchanged") {
			t.Errorf("--if-empty on a filled database: exit %d, %q %q", code, out, errOut)
		}
		code, _, errOut = runDemoCmd(t, "--db", dsn, "--flat", "--seed", "4")
		if code != 1 || !strings.Contains(errOut, "already holds 10 departments and 2 pulses") {
			t.Errorf("demo on a filled database: exit %d, %q; want 1 and a clear refusal", code, errOut)
		}
		after, pulsesAfter := storedCounts(t, s)
		if len(pulsesAfter) != 2 || len(after) != len(counts) {
			t.Fatalf("after the second run: %d pulses, %d departments", len(pulsesAfter), len(after))
		}
		for name, n := range counts {
			if after[name] != n {
				t.Errorf("%s: %d responses after the second run, %d before", name, after[name], n)
			}
		}
	})
}

func TestDemoRefusesBadFlags(t *testing.T) {
	dsn := storetest.SQLiteDSN(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--base-url", "127.0.0.1:8080"}, 1, "--base-url"},
		{[]string{"--questionnaire", "no-such-questionnaire"}, 1, "no shipped questionnaire"},
		{[]string{"--seed", "minus-one"}, 2, "invalid value"},
		{[]string{"--export-csv", filepath.Join(t.TempDir(), "no", "such", "dir.csv")}, 1, "no such file"},
	} {
		code, _, errOut := runDemoCmd(t, append([]string{"--db", dsn}, tc.args...)...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, %q; want %d mentioning %q", tc.args, code, errOut, tc.code, tc.want)
		}
	}
	// None of the refusals stored anything.
	s := storetest.Open(t, dsn)
	if counts, pulses := storedCounts(t, s); len(counts) != 0 || len(pulses) != 0 {
		t.Errorf("refused runs stored %v, %d pulses", counts, len(pulses))
	}
}

// By default the demo is the three-level tree: every department stored
// below its parent, the planted stories printed.
func TestDemoBuildsTheTree(t *testing.T) {
	dsn := storetest.SQLiteDSN(t)
	code, out, errOut := runDemoCmd(t, "--db", dsn)
	if code != 0 {
		t.Fatalf("demo: exit %d, %s", code, errOut)
	}
	s := storetest.Open(t, dsn)
	deps, err := s.Departments(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tree := survey.NewTree(deps)
	levels, people := map[int]int{}, 0
	for _, d := range deps {
		levels[tree.Depth(d.ID)]++
		if d.ParentID == "" {
			people += tree.TotalHeadcount(d.ID)
		}
	}
	if levels[1] != 5 || levels[2] != 25 || levels[3] != 80 || people < 1800 || people > 2200 {
		t.Fatalf("levels %v, %d employees", levels, people)
	}
	for _, story := range []string{demo.StoryDirectorate, demo.StoryTeam, demo.StorySmallTeams} {
		if !strings.Contains(out, story) {
			t.Errorf("the printed overview does not name %s", story)
		}
	}
	var team survey.Department
	for _, d := range deps {
		if d.Name == demo.StoryTeam {
			team = d
		}
	}
	if got := tree.Path(team.ID); got != "Dienstverlening / Klantcontact / Team Balie Noord" {
		t.Fatalf("path of %s: %q", demo.StoryTeam, got)
	}
}
