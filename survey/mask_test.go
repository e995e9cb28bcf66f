package survey_test

import (
	"fmt"
	"strings"
	"testing"

	"trots/survey"
)

func TestMaskExamples(t *testing.T) {
	names := []string{"de Groot"}
	for _, tc := range []struct{ in, want string }{
		{"Mijn teamleider Jan de Vries luistert niet", "Mijn teamleider [naam/name] luistert niet"},
		{"mevrouw Jansen en meneer De Boer", "mevrouw [naam/name] en meneer [naam/name]"},
		{"my manager Sarah and Mr. Smith", "my manager [naam/name] and Mr. [naam/name]"},
		{"directeur A. Bakker", "directeur [naam/name]"},
		{"het werk van de Groot; een groot probleem", "het werk van [naam/name]; een groot probleem"},
		{"I was on sick leave", "I was on [gezondheid/health]"},
		{"I am sick of meetings", "I am sick of meetings"},
		{"ik ben de enige parttimer", "ik ben de enige [kenmerk/trait]"},
		{"de enige manier", "de enige manier"},
		{"bel 06-12345678, collega Piet", "bel [tel], collega [naam/name]"},
	} {
		if got := survey.ScrubAndMask(tc.in, names); got != tc.want {
			t.Errorf("ScrubAndMask(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseNames(t *testing.T) {
	got := survey.ParseNames("Bakker\n\n  Jan de Vries \r\n# comment\nBakker\n")
	if len(got) != 2 || got[0] != "Bakker" || got[1] != "Jan de Vries" {
		t.Fatalf("ParseNames = %q", got)
	}
}

func FuzzMask(f *testing.F) {
	for _, s := range []string{"teamleider Jan de Vries", "Mr. Smith", "ik ben de enige parttimer", "sick leave", "Bakker", "[naam/name] x", "A. B. C.", "de enige de enige x"} {
		f.Add(s)
	}
	names := []string{"Bakker", "Jan de Vries", "x"}
	f.Fuzz(func(t *testing.T, s string) {
		out := survey.ScrubAndMask(s, names)
		if again := survey.ScrubAndMask(out, names); again != out {
			t.Fatalf("ScrubAndMask is not idempotent on %q: %q then %q", s, out, again)
		}
	})
}

// BenchmarkMask masks a comment of about 340 characters against a staff
// list of 20,000 names, as Store.Submit does for every comment (the list's
// index is built once and cached by the store).
func BenchmarkMask(b *testing.B) {
	names := make([]string, 20000)
	for i := range names {
		names[i] = fmt.Sprintf("Naam%05d van Achternaam%05d", i, i)
	}
	c := strings.Repeat("Mijn teamleider Jan de Vries weet niet dat ik een arbeidsbeperking heb; Naam00042 van Achternaam00042 ook niet. ", 3)
	mask := survey.ScrubAndMaskIndexed(names)
	b.ReportAllocs()
	for b.Loop() {
		mask(c)
	}
}
