package survey_test

import (
	"strings"
	"testing"

	"trots/survey"
	"trots/survey/storetest"
)

// Every organisation setting is stored and read back on both engines; a
// database from before migration 11 reads as the defaults (legitimate
// interest, 12 months, leads without comments).
func TestSettingsRoundTrip(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		old, err := survey.OpenAtVersion(ctx, dsn, 10)
		if err != nil {
			t.Fatal(err)
		}
		must(t, survey.WriterDB(old).Exec("INSERT INTO settings (id, name, default_language, min_group, min_comments) VALUES (1, 'Gemeente Oost', 'nl', 6, 10)").Error)
		must(t, old.Close())
		s := storetest.Open(t, dsn)
		st, err := s.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Name != "Gemeente Oost" || st.MinGroup != 6 || st.LawfulBasis != survey.BasisLegitimateInterest || st.RetentionMonths != 12 || st.LeadComments {
			t.Fatalf("settings after migration 11: %+v", st)
		}
		want := st
		want.Controller, want.ControllerContact = "Gemeente Oost (bestuursorgaan)", "Postbus 1, 1000 AA Oost"
		want.DPOContact, want.PrivacyURL = "fg@oost.example", "https://oost.example/privacy"
		want.PurposeNL, want.PurposeEN = "Eigen doel.", "Own purpose."
		want.LawfulBasis, want.RetentionMonths, want.LeadComments = survey.BasisPublicTask, 6, true
		must(t, s.SaveSettings(ctx, want))
		got, err := s.Settings(ctx)
		if err != nil || !got.Equal(want) {
			t.Fatalf("read back %+v, %v; want %+v", got, err, want)
		}
		if got.Purpose("nl") != "Eigen doel." || got.ControllerName() != "Gemeente Oost (bestuursorgaan)" {
			t.Fatalf("purpose %q, controller %q", got.Purpose("nl"), got.ControllerName())
		}
		// A refused change stores nothing, on either engine.
		bad := got
		bad.MinGroup, bad.DPOContact = 4, "changed"
		if err := s.SaveSettings(ctx, bad); survey.ErrorKey(err) != "settings_min_group" {
			t.Fatalf("k = 4: %v", err)
		}
		if again, _ := s.Settings(ctx); !again.Equal(want) {
			t.Fatalf("a refused save changed the settings: %+v", again)
		}
	})
}

// Set reads each setting by name as the command line and the console give
// it; Problems names every setting that is wrong, with its key; the
// changes list old -> new per setting.
func TestSettingsByName(t *testing.T) {
	st := survey.DefaultSettings()
	for _, kv := range [][2]string{{"organisation", "Oost"}, {"k", "7"}, {"comment_k", "12"}, {"lead_comments", "yes"},
		{"retention_months", "24"}, {"lawful_basis", "PUBLIC_TASK"}, {"dpo_contact", " fg@oost.example "}, {"purpose_en", "Why.\r\nTwo lines."}} {
		if err := st.Set(kv[0], kv[1]); err != nil {
			t.Fatalf("set %s=%s: %v", kv[0], kv[1], err)
		}
	}
	if st.MinGroup != 7 || st.MinComments != 12 || !st.LeadComments || st.RetentionMonths != 24 || st.LawfulBasis != survey.BasisPublicTask ||
		st.DPOContact != "fg@oost.example" || st.PurposeEN != "Why.\nTwo lines." || st.Problems() != nil {
		t.Fatalf("after set: %+v, problems %v", st, st.Problems())
	}
	for _, n := range survey.SettingNames {
		v, err := st.Value(n)
		if err != nil {
			t.Fatal(err)
		}
		again := st
		if err := again.Set(n, v); err != nil || !again.Equal(st) {
			t.Errorf("%s: value %q does not read back: %v", n, v, err)
		}
	}
	before := st
	for _, bad := range [][2]string{{"k", "five"}, {"lead_comments", "maybe"}, {"colour", "red"}} {
		if err := st.Set(bad[0], bad[1]); survey.ErrorCode(err) != survey.EInvalid {
			t.Errorf("set %s=%s: %v", bad[0], bad[1], err)
		}
	}
	if !st.Equal(before) {
		t.Fatalf("refused values changed the settings: %+v", st)
	}
	wrong := st
	wrong.MinGroup, wrong.RetentionMonths, wrong.PrivacyURL, wrong.LawfulBasis = 3, 0, "javascript:alert(1)", "consent"
	wrong.Name, wrong.DPOContact = "", "line\nbreak"
	p := wrong.Problems()
	want := map[string]string{"k": "settings_min_group", "retention_months": "settings_retention", "privacy_url": "settings_privacy_url",
		"lawful_basis": "settings_lawful_basis", "organisation": "settings_text_line", "dpo_contact": "settings_text_line"}
	if len(p) != len(want) {
		t.Errorf("problems %v, want %v", p, want)
	}
	for field, key := range want {
		if p[field] == nil || p[field].Key != key {
			t.Errorf("%s: %v, want %s", field, p[field], key)
		}
	}
	lower := st
	lower.MinComments = 6
	if p := lower.Problems(); p["comment_k"] == nil || p["comment_k"].Args[0] != "7" {
		t.Errorf("comments below k: %v", p)
	}
	changed := st
	changed.MinGroup, changed.PrivacyURL, changed.MaskNames = 8, "https://oost.example/privacy", []string{"Jan"}
	got := strings.Join(changed.SettingChanges(st), "; ")
	if got != `privacy_url "" -> "https://oost.example/privacy"; k 7 -> 8; mask_names 0 -> 1 names` {
		t.Errorf("changes: %s", got)
	}
}
