package survey_test

import (
	"testing"

	"trots/survey"
)

func TestScrubRemovesEmailAddresses(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"mail me: jan.jansen@example.nl", "mail me: [e-mail]"},
		{"Jan-Peter.de_Vries+hr@sub.gemeente.example.be.", "[e-mail]."},
		{"vraag het piet@voorbeeld.nl, hij weet het", "vraag het [e-mail], hij weet het"},
		{"schrijf naar jan (at) example (dot) nl", "schrijf naar [e-mail]"},
		{"jan[at]example.com graag", "[e-mail] graag"},
		{"jan{apenstaartje}example[punt]nl", "[e-mail]"},
		{"contact: jan @ example.org.", "contact: [e-mail]."},
		{"JAN@EXAMPLE.NL", "[e-mail]"},
		{"josé.müller@bücher.example.de", "[e-mail]"},
		// Not addresses.
		{"werk @ home is fijn", "werk @ home is fijn"},
		{"score 4 @ 3.5 gemiddeld", "score 4 @ 3.5 gemiddeld"},
		{"@collega's op LinkedIn", "@collega's op LinkedIn"},
		{"versie 2.0.1 is uit", "versie 2.0.1 is uit"},
	} {
		if got := survey.Scrub(tc.in); got != tc.want {
			t.Errorf("Scrub(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestScrubRemovesPhoneNumbers(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// Dutch mobile and landline numbers.
		{"bel 0612345678", "bel [tel]"},
		{"bel 06-12345678 na vijven", "bel [tel] na vijven"},
		{"bel 06 12 34 56 78.", "bel [tel]."},
		{"06 - 1234 5678", "[tel]"},
		{"020-1234567 of 020 123 4567", "[tel] of [tel]"},
		{"(010) 123 45 67", "[tel]"},
		{"tel:0701234567", "tel:[tel]"},
		// Belgian numbers.
		{"gsm 0470 12 34 56", "gsm [tel]"},
		{"0470/12.34.56", "[tel]"},
		{"kantoor 02 123 45 67", "kantoor [tel]"},
		{"09/123.45.67!", "[tel]!"},
		// International notation.
		{"+31 6 12345678", "[tel]"},
		{"+31612345678", "[tel]"},
		{"+31 (0)6 1234 5678", "[tel]"},
		{"+31(0)20-1234567", "[tel]"},
		{"0031 6 12345678", "[tel]"},
		{"+32 470 12 34 56", "[tel]"},
		{"0032 2 123 45 67", "[tel]"},
		{"+44 20 7946 0958", "[tel]"},
		{"+1 (555) 123-4567", "[tel]"},
		{"+49 30 12345678 (Berlijn)", "[tel] (Berlijn)"},
		// A number directly followed by another number stays a phone number.
		{"0612345678 2024", "[tel] 2024"},
		// Both in one comment.
		{"jan@example.nl / 06-12345678", "[e-mail] / [tel]"},
	} {
		if got := survey.Scrub(tc.in); got != tc.want {
			t.Errorf("Scrub(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestScrubKeepsOrdinaryNumbers(t *testing.T) {
	for _, in := range []string{
		"in 2024 en 2025",
		"op 01-03-2024 10:30 uur",
		"vergadering op 1/3/2024 om 09:00",
		"van 0 tot 10",
		"0 10 20 30 40 50",
		"30% meer sollicitaties, 5 tot 10 keer bereik",
		"een budget van € 1.500.000",
		"0,5 fte",
		"0.123456789",
		"postcode 1234 AB",
		"versie 10.2.3",
		"ticket 123456789",
		"12345678901",
		"score: 0-10",
		"+5 punten",
		"",
	} {
		if got := survey.Scrub(in); got != in {
			t.Errorf("Scrub(%q) = %q, want it unchanged", in, got)
		}
	}
}

func FuzzScrub(f *testing.F) {
	for _, s := range []string{"bel 06-12345678", "jan (at) x (dot) nl", "+31 (0)6 1", "(0", "00", "+", "\xff\xfe0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := survey.Scrub(s)
		if survey.Scrub(out) != out {
			t.Fatalf("Scrub is not idempotent on %q: %q", s, out)
		}
	})
}
