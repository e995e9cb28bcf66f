package survey_test

import (
	"strings"
	"testing"

	"trots/survey"
	"trots/survey/storetest"
)

func TestLinkByToken(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		d := storetest.MustDepartment(t, s, "Douane", 40)
		p := storetest.MustOpenPulse(t, s, "pulse", 1)
		tokens, err := s.CreateInvitations(ctx, p.ID, d.ID, 2)
		if err != nil {
			t.Fatal(err)
		}
		link, err := s.LinkByToken(ctx, tokens[0])
		if err != nil {
			t.Fatal(err)
		}
		byCode, err := s.LinkByCode(ctx, link.Code)
		if err != nil || byCode != link || link.PulseID != p.ID || link.DepartmentID != d.ID {
			t.Fatalf("token resolves to %+v (by code %+v, %v)", link, byCode, err)
		}
		if _, err := s.Submit(ctx, survey.Submission{Link: link, Key: survey.NewID(), Token: tokens[0]}); err != nil {
			t.Fatal(err)
		}
		if l, err := s.LinkByToken(ctx, tokens[0]); survey.ErrorKey(err) != "token_used" || survey.ErrorCode(err) != survey.EConflict || l != link {
			t.Fatalf("used token: %v", err)
		}
		if _, err := s.LinkByToken(ctx, tokens[1]); err != nil {
			t.Fatalf("the other token: %v", err)
		}
		for _, bad := range []string{"", "nope", survey.NewID()} {
			if _, err := s.LinkByToken(ctx, bad); survey.ErrorKey(err) != "token_unknown" || survey.ErrorCode(err) != survey.ENotFound {
				t.Fatalf("token %q: %v", bad, err)
			}
		}
	})
}

func TestPersonalCodesAreInvitationsOfAnotherFormat(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		d := storetest.MustDepartment(t, s, "Thuiszorg", 40)
		p := storetest.MustOpenPulse(t, s, "pulse", 1)
		codes, err := s.CreateCodes(ctx, p.ID, d.ID, 3)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, c := range codes {
			if !survey.ValidCode(c) || seen[c] {
				t.Fatalf("code %q", c)
			}
			seen[c] = true
		}
		link, err := s.LinkByToken(ctx, codes[0])
		if err != nil || link.PulseID != p.ID || link.DepartmentID != d.ID {
			t.Fatalf("code resolves to %+v, %v", link, err)
		}
		if _, err := s.Submit(ctx, survey.Submission{Link: link, Key: survey.NewID(), Token: codes[0]}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.LinkByToken(ctx, codes[0]); survey.ErrorKey(err) != "token_used" {
			t.Fatalf("used code: %v", err)
		}
		if _, err := s.Submit(ctx, survey.Submission{Link: link, Key: survey.NewID(), Token: codes[0]}); survey.ErrorKey(err) != "token_used" {
			t.Fatalf("second answer with a code: %v", err)
		}
		// Only canonical codes are looked up: the handlers normalise first.
		for _, bad := range []string{strings.ToLower(codes[1]), survey.FormatCode(codes[1]), survey.NewCode()} {
			if _, err := s.LinkByToken(ctx, bad); survey.ErrorKey(err) != "token_unknown" {
				t.Fatalf("code %q: %v", bad, err)
			}
		}
		for _, n := range []int{0, -1, survey.MaxCodeBatch + 1} {
			if _, err := s.CreateCodes(ctx, p.ID, d.ID, n); survey.ErrorCode(err) != survey.EInvalid {
				t.Fatalf("%d codes: %v", n, err)
			}
		}
		if _, err := s.CreateCodes(ctx, p.ID, survey.NewID(), 1); survey.ErrorCode(err) != survey.ENotFound {
			t.Fatalf("codes for an unknown department: %v", err)
		}
	})
}

func TestNormalizeCode(t *testing.T) {
	for typed, want := range map[string]string{
		"7KQ2-M9XD-4RTB":                         "7KQ2M9XD4RTB",
		"7kq2 m9xd 4rtb":                         "7KQ2M9XD4RTB",
		" 7kq2m9xd4rtb ":                         "7KQ2M9XD4RTB",
		"OOOO-IIII-LLLL":                         "000011111111",
		"ooOo–iIiI—lLlL":                         "000011111111",
		"7KQ2-M9XD-4RTU":                         "",
		"7KQ2-M9XD-4RT":                          "",
		"7KQ2-M9XD-4RTBB":                        "",
		"":                                       "",
		"7KQ2-M9XD-4RTB?":                        "",
		"７KQ2-M9XD-4RTB":                         "",
		strings.Repeat("-", 70) + "7KQ2M9XD4RTB": "",
	} {
		got, ok := survey.NormalizeCode(typed)
		if got != want || ok != (want != "") {
			t.Errorf("NormalizeCode(%q) = %q, %v; want %q", typed, got, ok, want)
		}
	}
	c := survey.NewCode()
	if len(c) != survey.CodeLength || !survey.ValidCode(c) || len(survey.FormatCode(c)) != 14 {
		t.Fatalf("code %q formatted %q", c, survey.FormatCode(c))
	}
	if back, ok := survey.NormalizeCode(survey.FormatCode(c)); !ok || back != c {
		t.Fatalf("a printed code does not read back: %q", back)
	}
}

// TestNewCodeUsesTheWholeAlphabet: 60 random bits means every character
// of the alphabet turns up in every position.
func TestNewCodeUsesTheWholeAlphabet(t *testing.T) {
	seen := make([]map[byte]bool, survey.CodeLength)
	for i := range seen {
		seen[i] = map[byte]bool{}
	}
	for range 2000 {
		c := survey.NewCode()
		for i := 0; i < len(c); i++ {
			seen[i][c[i]] = true
		}
	}
	for i, s := range seen {
		if len(s) != len(survey.CodeAlphabet) {
			t.Fatalf("position %d: %d of %d characters in 2000 codes", i, len(s), len(survey.CodeAlphabet))
		}
	}
}
