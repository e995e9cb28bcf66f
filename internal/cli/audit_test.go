package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"trots/analysis"
)

func runAuditCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"audit"}, args...), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// The demo's closed pulse passes the audit, in both languages; an open
// pulse, a missing flag and a bad language are refused clearly.
func TestAuditCommandPassesTheDemo(t *testing.T) {
	dsn, _, res := seededDemoResult(t)
	code, out, stderr := runAuditCmd(t, "--db", dsn, "--pulse", res.Baseline.ID)
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, out, stderr)
	}
	for _, want := range []string{"Anonymity audit of pulse", "threshold k = 5", "hidden figures in", "no hidden figure can be worked out", "a necessary check, not a proof"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runAuditCmd(t, "--db", dsn, "--pulse", res.Baseline.ID, "--lang", "nl")
	if code != 0 || !strings.Contains(out, "geen enkel verborgen cijfer is af te leiden") {
		t.Errorf("nl: exit %d:\n%s", code, out)
	}
	code, _, stderr = runAuditCmd(t, "--db", dsn, "--pulse", res.Open.ID)
	if code != 1 || !strings.Contains(stderr, "is not closed") {
		t.Errorf("open pulse: exit %d, %q", code, stderr)
	}
	if code, _, stderr = runAuditCmd(t, "--db", dsn); code != 2 || !strings.Contains(stderr, "--pulse is required") {
		t.Errorf("no --pulse: exit %d, %q", code, stderr)
	}
	if code, _, stderr = runAuditCmd(t, "--db", dsn, "--pulse", res.Baseline.ID, "--lang", "de"); code != 2 || !strings.Contains(stderr, "nl or en") {
		t.Errorf("--lang de: exit %d, %q", code, stderr)
	}
}

// Results stored by an earlier version, in which one department's
// figures are hidden while the organisation's total and every other
// department are shown: the audit reads them, names the department whose
// count follows by subtraction and exits 1.
func TestAuditCommandFindsADisclosureInOldResults(t *testing.T) {
	dsn, s, res := seededDemoResult(t)
	ctx := context.Background()
	pr, err := s.PulseResult(ctx, res.Baseline.ID)
	if err != nil {
		t.Fatal(err)
	}
	var r analysis.Result
	if err := json.Unmarshal(pr.Result, &r); err != nil {
		t.Fatal(err)
	}
	// Show every department, then hide exactly one: its count is the
	// organisation's minus the others'.
	victim := -1
	for i := range r.Departments {
		if r.Departments[i].Figures != nil && victim < 0 {
			victim = i
		}
	}
	if victim < 0 {
		t.Fatal("the demo shows no department")
	}
	n := r.Departments[victim].N
	// The other hidden departments are shown with 0 respondents, and the
	// organisation's total made to add up.
	for i := range r.Departments {
		if i != victim && r.Departments[i].Figures == nil {
			r.Departments[i].Figures = &analysis.Figures{N: 0}
		}
	}
	shown := 0
	for i := range r.Departments {
		if i != victim {
			shown += r.Departments[i].N
		}
	}
	r.Organisation.N = shown + n
	r.Departments[victim].Figures = nil
	r.Departments[victim].Suppressed = true
	r.Audit = nil
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ClosePulse(ctx, res.Open.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SavePulseResult(ctx, res.Open.ID, b); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runAuditCmd(t, "--db", dsn, "--pulse", res.Open.ID)
	if code != 1 {
		t.Fatalf("exit %d:\n%s%s", code, out, stderr)
	}
	name := r.Departments[victim].Name
	if !strings.Contains(out, "CAN be worked out") || !strings.Contains(out, "respondents of "+name) {
		t.Errorf("the finding does not name %s:\n%s", name, out)
	}
	if !strings.Contains(stderr, "disclosed") {
		t.Errorf("stderr: %q", stderr)
	}
}
