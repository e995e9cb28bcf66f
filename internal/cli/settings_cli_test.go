package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"trots/survey"
	"trots/survey/storetest"
)

// `trots settings set` changes settings by name, all or nothing: a bad
// value is refused with every problem named (in English, or Dutch with
// --lang nl) and nothing is saved; each change is in the audit log with
// its old and new value; `show` prints them.
func TestSettingsSet(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "trots.db")
	read := func() (survey.Settings, []survey.AuditEntry) {
		s := storetest.Open(t, dsn)
		defer s.Close()
		st, err := s.Settings(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		log, err := s.ListAudit(context.Background(), survey.AuditFilter{Action: "settings.change"})
		if err != nil {
			t.Fatal(err)
		}
		return st, log
	}
	code, stdout, stderr := runCmd(t, "settings", "set", "--db", dsn, "k=6", "comment_k=12", "dpo_contact=fg@oost.example",
		"privacy_url=https://oost.example/privacy", "lawful_basis=public_task", "retention_months=6", "lead_comments=yes")
	if code != 0 || !strings.Contains(stdout, "changed: k 5 -> 6") {
		t.Fatalf("set: %d %q %q", code, stdout, stderr)
	}
	st, log := read()
	if st.MinGroup != 6 || st.MinComments != 12 || st.DPOContact != "fg@oost.example" || st.LawfulBasis != survey.BasisPublicTask ||
		st.RetentionMonths != 6 || !st.LeadComments || st.PrivacyURL != "https://oost.example/privacy" {
		t.Fatalf("stored: %+v", st)
	}
	if len(log) != 7 {
		t.Fatalf("audit entries %d, want 7: %+v", len(log), log)
	}
	details := map[string]bool{}
	for _, e := range log {
		if !strings.HasPrefix(e.Actor, "cli:") || e.Object != "organisation settings" {
			t.Errorf("entry %+v", e)
		}
		details[e.Detail] = true
	}
	for _, want := range []string{"k 5 -> 6", `dpo_contact "" -> "fg@oost.example"`, "lead_comments false -> true", "retention_months 12 -> 6"} {
		if !details[want] {
			t.Errorf("no audit entry %q in %v", want, details)
		}
	}

	// k below 5, a script address and an unknown name: all three named,
	// nothing saved, nothing audited - also the valid value beside them.
	code, _, stderr = runCmd(t, "settings", "set", "--db", dsn, "k=4", "privacy_url=javascript:alert(1)", "colour=red", "organisation=Oost")
	if code != 1 || !strings.Contains(stderr, "nothing saved") || !strings.Contains(stderr, "colour") || !strings.Contains(stderr, "at least 5") {
		t.Fatalf("bad values: %d %q", code, stderr)
	}
	code, _, stderr = runCmd(t, "settings", "set", "--db", dsn, "--lang", "nl", "k=4", "privacy_url=javascript:alert(1)")
	if code != 1 || !strings.Contains(stderr, "niets opgeslagen") || !strings.Contains(stderr, "minstens 5") || !strings.Contains(stderr, "https://") {
		t.Fatalf("bad values in Dutch: %d %q", code, stderr)
	}
	code, _, stderr = runCmd(t, "settings", "set", "--db", dsn, "comment_k=5")
	if code != 1 || !strings.Contains(stderr, "at least the anonymity threshold k (6)") {
		t.Fatalf("comments below k: %d %q", code, stderr)
	}
	if again, log2 := read(); !again.Equal(st) || len(log2) != len(log) {
		t.Fatalf("refused runs changed something: %+v, %d entries", again, len(log2))
	}
	if code, stdout, _ := runCmd(t, "settings", "set", "--db", dsn, "k=6"); code != 0 || !strings.Contains(stdout, "Nothing had changed") {
		t.Fatalf("same value: %d %q", code, stdout)
	}
	code, stdout, _ = runCmd(t, "settings", "show", "--db", dsn)
	if code != 0 || !strings.Contains(stdout, "dpo_contact: fg@oost.example") || !strings.Contains(stdout, "lawful_basis: public_task") ||
		!strings.Contains(stdout, "purpose as shown (nl): Per afdeling") {
		t.Fatalf("show: %d %q", code, stdout)
	}
}
