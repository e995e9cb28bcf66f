package reports

import (
	"testing"
	"time"
)

func TestNumbers(t *testing.T) {
	nl, en := numbers{"nl"}, numbers{"en"}
	for _, c := range []struct{ got, want string }{
		{nl.dec(3.745, 2), "3,75"},
		{en.dec(3.745, 2), "3.75"},
		{nl.dec(-0.001, 2), "0,00"},
		{en.signed(0.3649, 2), "+0.36"},
		{nl.signed(-0.37, 2), "-0,37"},
		{en.signed(0.0001, 0), "0"},
		{nl.signed(-0.2, 0), "0"},
		{nl.pct(0.5833), "58%"},
		{en.pct(1), "100%"},
		{nl.interval(3.69, 3.91, 2), "[3,69; 3,91]"},
		{en.interval(3.69, 3.91, 2), "[3.69, 3.91]"},
		{nl.signedInterval(-0.65, -0.09, 2), "[-0,65; -0,09]"},
		{en.pctInterval(0.36, 0.4851), "[36%, 49%]"},
		{nl.integer(1234567), "1.234.567"},
		{en.integer(1234), "1,234"},
		{en.integer(-12), "-12"},
		{nl.integer(403), "403"},
		{nl.date(time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)), "31 januari 2026"},
		{en.date(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)), "2 March 2026"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"Financiën":            "Financiën",
		"  Team\n\tNoord  ":    "Team Noord",
		"Zorg 😀 & Welzijn":     "Zorg […] & Welzijn",
		"営業 部":                 "[…] […]",
		"a\x00b":               "a b",
		"€ 12,50 • ok – klaar": "€ 12,50 • ok – klaar",
	} {
		if got := clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMinimalDetectable(t *testing.T) {
	// analysis/README.md: about 1.06 points at n = 10 and 0.59 at n = 30,
	// sd 0.8, level 0.95, power 0.8.
	for _, c := range []struct {
		n    int
		want float64
	}{{10, 1.06}, {30, 0.59}} {
		if got := minimalDetectable(0.8, c.n, 0.95, 0.8); got < c.want-0.01 || got > c.want+0.01 {
			t.Errorf("n = %d: %.3f, want %.2f", c.n, got, c.want)
		}
	}
}

func TestLowerFirst(t *testing.T) {
	for in, want := range map[string]string{
		"Het werk zelf":                "het werk zelf",
		"Ready-made texts I can adapt": "ready-made texts I can adapt",
		"I would":                      "I would",
		"ICT":                          "ICT",
		"eNPS":                         "eNPS",
		"A short training":             "a short training",
		"":                             "",
	} {
		if got := lowerFirst(in); got != want {
			t.Errorf("lowerFirst(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHyphenate(t *testing.T) {
	width := func(n int) func(string) bool {
		return func(s string) bool { return len([]rune(s)) <= n }
	}
	for _, c := range []struct {
		word       string
		n          int
		head, tail string
	}{
		{"Communicatie", 9, "Communi-", "catie"},
		{"Willingness", 9, "Willing-", "ness"},
		{"Promise-reality", 10, "Promise-", "reality"},
		{"leidinggevenden", 11, "leidingge-", "venden"},
		{"Bcdfghklmnp", 6, "Bcdfg-", "hklmnp"},
	} {
		head, tail, ok := hyphenate(c.word, width(c.n))
		if !ok || head != c.head || tail != c.tail {
			t.Errorf("hyphenate(%q, %d) = %q %q %v, want %q %q", c.word, c.n, head, tail, ok, c.head, c.tail)
		}
	}
}
