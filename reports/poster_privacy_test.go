package reports_test

import (
	"bytes"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"trots/reports"
)

var posterPrivacy = reports.PosterPrivacy{
	Controller: "College van B&W van Voorbeeldstad", Contact: "privacy@voorbeeldstad.example", DPO: "fg@voorbeeldstad.example",
	Purpose: "Per afdeling bepalen of medewerkers klaar zijn om ambassadeur te worden.", LawfulBasis: "public_task",
	RetentionMonths: 9, URL: "https://voorbeeldstad.example/privacy",
}

// The poster prints the art. 13 essentials it is given, in Dutch and in
// English: controller and contact, DPO, purpose, lawful basis, voluntary,
// what is not stored, retention, who sees what with k, rights and the
// Autoriteit Persoonsgegevens, the statement's address.
func TestPosterPrintsThePrivacyEssentials(t *testing.T) {
	in := posterIn
	in.Privacy = posterPrivacy
	want := map[string][]string{
		"nl": {"Verantwoordelijk: College van B&W van Voorbeeldstad (privacy@voorbeeldstad.example)", "Functionaris gegevensbescherming: fg@voorbeeldstad.example",
			"Doel: Per afdeling bepalen", "taak van algemeen belang (art. 6 lid 1 sub e AVG)", "Meedoen is vrijwillig", "Geen naam, e-mail- of IP-adres en geen tijdstip",
			"9 maanden na sluiten gewist", "minstens 7 mensen", "ondernemingsraad", "Autoriteit Persoonsgegevens", "https://voorbeeldstad.example/privacy"},
		"en": {"Responsible: College van B&W van Voorbeeldstad (privacy@voorbeeldstad.example)", "Data protection officer: fg@voorbeeldstad.example",
			"Purpose: Per afdeling", "public task (art. 6(1)(e) GDPR)", "Taking part is voluntary", "No name, e-mail or IP address and no time",
			"deleted 9 months after closing", "at least 7 people", "works council", "Autoriteit Persoonsgegevens", "https://voorbeeldstad.example/privacy"},
	}
	for lang, phrases := range want {
		flat := oneLine(pdfText(t, posterPDF(t, in, lang)))
		for _, p := range phrases {
			if !strings.Contains(flat, p) {
				t.Errorf("%s poster lacks %q:\n%s", lang, p, flat)
			}
		}
	}
	// Without contacts it refers to HR; legitimate interest is art. 6(1)(f).
	in.Privacy.Contact, in.Privacy.DPO, in.Privacy.LawfulBasis, in.Privacy.URL = "", "", "legitimate_interest", ""
	flat := oneLine(pdfText(t, posterPDF(t, in, "en")))
	for _, p := range []string{"(questions: HR)", "Data protection officer: ask HR.", "legitimate interest (art. 6(1)(f) GDPR)"} {
		if !strings.Contains(flat, p) {
			t.Errorf("poster lacks %q:\n%s", p, flat)
		}
	}
}

// With the longest names, address and purpose, the privacy block still
// fits: one page, every word inside it, no word over another (the footer
// included).
func TestPosterPrivacyFitsWithoutOverlap(t *testing.T) {
	in := longPoster()
	in.Privacy = posterPrivacy
	in.Privacy.Controller = "Dagelijks bestuur van de Gemeenschappelijke Regeling Belastingsamenwerking en Gegevensbeheer Zuidwest"
	in.Privacy.Contact = "Postbus 12345, 9999 ZZ Zuidwest, privacy@gemeenschappelijke-regeling-zuidwest.example.nl, 0800 123 4567"
	in.Privacy.DPO = "Functionaris gegevensbescherming, fg@gemeenschappelijke-regeling-zuidwest.example.nl, 0800 765 4321"
	in.Privacy.Purpose = strings.Repeat("Per afdeling bepalen of medewerkers klaar zijn om ambassadeur te worden, of dat eerst de werkervaring beter moet. ", 6)[:600]
	in.Privacy.URL = "https://www.gemeenschappelijke-regeling-zuidwest.example.nl/over-ons/privacy/privacyverklaring-medewerkers"
	for _, lang := range []string{"nl", "en"} {
		pdf := posterPDF(t, in, lang)
		if n := strings.Count(pdfText(t, pdf), "\f"); n != 1 {
			t.Errorf("%s: %d pages", lang, n)
		}
		words := pdfWords(t, pdf)
		var privacy, footer bool
		for i, a := range words {
			if a.x0 < 0 || a.y0 < 0 || a.x1 > 595.3 || a.y1 > 841.9 {
				t.Errorf("%s: %q lies outside the page: %+v", lang, a.text, a)
			}
			privacy = privacy || a.text == "Autoriteit"
			footer = footer || a.text == "HR." || a.text == "gerust"
			for _, b := range words[i+1:] {
				// Overlap beyond a rounding sliver.
				if a.x0 < b.x1-0.5 && b.x0 < a.x1-0.5 && a.y0 < b.y1-0.5 && b.y0 < a.y1-0.5 {
					t.Errorf("%s: %q and %q overlap: %+v %+v", lang, a.text, b.text, a, b)
				}
			}
		}
		if !privacy || !footer {
			t.Errorf("%s: privacy block %v, footer %v", lang, privacy, footer)
		}
	}
}

type pdfWord struct {
	text           string
	x0, y0, x1, y1 float64
}

// pdfWords reads every word of a PDF with its box (pdftotext -bbox).
func pdfWords(t *testing.T, pdf []byte) []pdfWord {
	t.Helper()
	cmd := exec.Command("pdftotext", "-bbox", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext -bbox: %v", err)
	}
	re := regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)
	var words []pdfWord
	for _, m := range re.FindAllStringSubmatch(string(out), -1) {
		f := func(s string) float64 { v, _ := strconv.ParseFloat(s, 64); return v }
		words = append(words, pdfWord{m[5], f(m[1]), f(m[2]), f(m[3]), f(m[4])})
	}
	if len(words) == 0 {
		t.Fatal("no words in the PDF")
	}
	return words
}
