package analysis

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestReasonCatalogueIsComplete checks that every reason kind has a text in
// every language, and that every kind the code can emit is in the
// catalogue (found by reading the source, so a new kind cannot be added
// without its texts).
func TestReasonCatalogueIsComplete(t *testing.T) {
	for _, kind := range ReasonKinds() {
		for _, lang := range ReasonLanguages {
			if strings.TrimSpace(reasonTexts[kind][lang]) == "" {
				t.Errorf("reason %q has no %s text", kind, lang)
			}
		}
		if len(reasonTexts[kind]) != len(ReasonLanguages) {
			t.Errorf("reason %q has texts in %d languages, want %d", kind, len(reasonTexts[kind]), len(ReasonLanguages))
		}
	}
	src, err := os.ReadFile("verdict.go")
	if err != nil {
		t.Fatal(err)
	}
	emitted := regexp.MustCompile(`(?:Kind: |kind :?= )"([a-z_]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(emitted) < 10 {
		t.Fatalf("found only %d emitted kinds in verdict.go: the pattern is stale", len(emitted))
	}
	for _, m := range emitted {
		if _, ok := reasonTexts[m[1]]; !ok {
			t.Errorf("verdict.go emits kind %q, which has no texts", m[1])
		}
	}
}

func TestLocalizeNamesTheSubject(t *testing.T) {
	q := mustQuestionnaire(t)
	res := mustAnalyze(t, q, DefaultConfig(), department(q, "Poor", 40, 50, poor, 2))
	Localize(res, q, "nl")
	d := deptNamed(res, "Poor")
	for _, r := range d.Reasons {
		if r.Text == "" || strings.Contains(r.Text, "{subject}") {
			t.Errorf("reason %s has text %q", r.Code, r.Text)
		}
		if r.Code == "pride_below_threshold" && !strings.HasPrefix(r.Text, "Trots ") {
			t.Errorf("pride reason in Dutch: %q", r.Text)
		}
	}
}
