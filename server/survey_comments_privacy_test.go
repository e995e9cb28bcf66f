package server_test

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"trots/questionnaires"
	"trots/server"
)

// The survey page says, in Dutch and English, that comments are shown word
// for word after masking, to whom (not the lead unless the pulse allows
// it) and when the answers are deleted; a comment posted over HTTP is
// stored masked.
func TestSurveyPageSaysWhoReadsCommentsAndStoresThemMasked(t *testing.T) {
	e := newSurveyEnv(t, filepath.Join(t.TempDir(), "trots.db"), "advocacy-readiness", server.Config{})
	for lang, want := range map[string][]string{
		"nl": {"woord voor woord", "niet aan de leidinggevende van je afdeling", "12 maanden na het sluiten", "[naam/name]"},
		"en": {"word for word", "not to your department's lead", "12 months after this survey closes", "[naam/name]"},
	} {
		d := parseHTML(t, e.get("/s/"+e.link.Code+"?lang="+lang, nil).body)
		got := text(d.byID("comments-who")) + " " + text(d.byID("retention")) + " " + text(d.byID("intro-heading").Parent)
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: the survey page does not say %q:\n%s", lang, w, got)
			}
		}
	}
	form := fullForm(e.q)
	for _, it := range e.q.Items {
		if it.Scale.Type == questionnaires.FreeText {
			form.Set("a."+it.ID, "Mijn teamleider Jan de Vries weet niet dat ik een arbeidsbeperking heb.")
		}
	}
	if r := e.post("/s/"+e.link.Code, form, nil); r.status != http.StatusSeeOther {
		t.Fatalf("form: %d", r.status)
	}
	cs, err := e.store.Comments(ctx, e.pulse.ID)
	must(t, err)
	if len(cs) == 0 {
		t.Fatal("no comment stored")
	}
	for _, c := range cs {
		if c.Body != "Mijn teamleider [naam/name] weet niet dat ik een [gezondheid/health] heb." || !c.Masked {
			t.Errorf("stored comment %q (masked %v)", c.Body, c.Masked)
		}
	}
}
