package reports_test

import (
	"bytes"
	"image/png"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"

	"trots/reports"
	"trots/reports/qr"
)

var posterIn = reports.PosterInput{
	Organisation: "Gemeente Voorbeeldstad",
	Department:   "Klantcontact & Balie",
	URL:          "https://trots.example.org/s/q2rxk7v3m4d5ab6cdefghijklm",
	MinGroup:     7,
	Questions:    40,
	Closes:       time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
}

func posterPDF(t testing.TB, in reports.PosterInput, lang string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := reports.Poster(&buf, in, reports.Options{Lang: lang, CreationDate: created}); err != nil {
		t.Fatalf("poster (%s): %v", lang, err)
	}
	return buf.Bytes()
}

func TestPosterSaysWhoWhatHowLongAndTheThreshold(t *testing.T) {
	want := map[string][]string{
		"nl": {"Voor iedereen van Klantcontact & Balie", "Hoe is het écht om hier te werken?", "Het kost je 8 tot 10 minuten.",
			"trots.example.org/s/q2rxk7v3m4d5ab6cdefghijklm", "groepen van minstens 7 mensen",
			"Niet je naam", "Meedoen kan tot en met 28 februari 2026.", "Gemeente Voorbeeldstad", "Meedoen is een keuze."},
		"en": {"For everyone in Klantcontact & Balie", "What is it really like to work here?", "It takes 8 to 10 minutes.",
			"trots.example.org/s/q2rxk7v3m4d5ab6cdefghijklm", "groups of at least 7 people",
			"Not your name", "You can take part until the end of 28 February 2026.", "Gemeente Voorbeeldstad", "Taking part is up to you."},
	}
	for lang, phrases := range want {
		text := pdfText(t, posterPDF(t, posterIn, lang))
		flat := oneLine(text)
		for _, p := range phrases {
			if !strings.Contains(flat, p) {
				t.Errorf("%s poster lacks %q:\n%s", lang, p, text)
			}
		}
		// The address is printed on one line, whole, so it can be typed.
		if len(linesWith(text, "trots.example.org/s/q2rxk7v3m4d5ab6cdefghijklm")) != 1 {
			t.Errorf("%s: the address is not on one line:\n%s", lang, text)
		}
		if n := strings.Count(text, "\f"); n != 1 {
			t.Errorf("%s poster has %d pages, want 1", lang, n)
		}
	}
}

func TestPosterClosingTimeAndShortPulse(t *testing.T) {
	in := posterIn
	in.Questions = 10
	in.Closes = time.Date(2026, 3, 13, 17, 0, 0, 0, time.UTC)
	for lang, phrases := range map[string][]string{
		"nl": {"Het kost je minder dan 2 minuten.", "Meedoen kan tot 13 maart 2026, 17:00 uur."},
		"en": {"It takes less than 2 minutes.", "You can take part until 13 March 2026, 17:00."},
	} {
		flat := oneLine(pdfText(t, posterPDF(t, in, lang)))
		for _, p := range phrases {
			if !strings.Contains(flat, p) {
				t.Errorf("%s poster lacks %q:\n%s", lang, p, flat)
			}
		}
	}
	in.Closes = time.Time{}
	for _, lang := range []string{"nl", "en"} {
		flat := oneLine(pdfText(t, posterPDF(t, in, lang)))
		if strings.Contains(flat, "Meedoen kan tot") || strings.Contains(flat, "take part until") {
			t.Errorf("%s: a closing date on a pulse without one:\n%s", lang, flat)
		}
	}
}

func TestAnswerTime(t *testing.T) {
	for _, tc := range []struct {
		n      int
		nl, en string
	}{
		{3, "minder dan een minuut", "less than a minute"},
		{10, "minder dan 2 minuten", "less than 2 minutes"},
		{12, "minder dan 3 minuten", "less than 3 minutes"},
		{13, "ongeveer 3 minuten", "about 3 minutes"},
		{40, "8 tot 10 minuten", "8 to 10 minutes"},
		{52, "10 tot 13 minuten", "10 to 13 minutes"},
	} {
		if got := reports.AnswerTime("nl", tc.n); got != tc.nl {
			t.Errorf("AnswerTime(nl, %d) = %q, want %q", tc.n, got, tc.nl)
		}
		if got := reports.AnswerTime("en", tc.n); got != tc.en {
			t.Errorf("AnswerTime(en, %d) = %q, want %q", tc.n, got, tc.en)
		}
	}
	// A questionnaire's own estimate (AnswerSeconds) rounds to minutes.
	for secs, want := range map[int]string{45: "less than a minute", 136: "about 2 minutes", 288: "about 5 minutes", 408: "about 7 minutes"} {
		if got := reports.AnswerTimeSeconds("en", secs); got != want {
			t.Errorf("AnswerTimeSeconds(en, %d) = %q, want %q", secs, got, want)
		}
	}
	if got := reports.AnswerTimeSeconds("nl", 288); got != "ongeveer 5 minuten" {
		t.Errorf("AnswerTimeSeconds(nl, 288) = %q", got)
	}
}

// The poster's code scans, printed at its size: the PDF is rendered to
// an image at 150 dpi by poppler (as a printer would rasterise it) and
// read back by an independent decoder; the distance between two finder
// patterns gives the printed size of the symbol.
func TestPosterCodeScansAndIsAtLeast8cm(t *testing.T) {
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		t.Fatal("pdftoppm (poppler-utils) is not installed: run the tests with `make test`, which installs what they need")
	}
	for _, in := range []reports.PosterInput{posterIn, longPoster()} {
		for _, lang := range []string{"nl", "en"} {
			dir := t.TempDir()
			pdfFile := filepath.Join(dir, "poster.pdf")
			if err := os.WriteFile(pdfFile, posterPDF(t, in, lang), 0o600); err != nil {
				t.Fatal(err)
			}
			const dpi = 150
			out, err := exec.Command(bin, "-r", "150", "-png", "-singlefile", pdfFile, filepath.Join(dir, "page")).CombinedOutput()
			if err != nil {
				t.Fatalf("pdftoppm: %v: %s", err, out)
			}
			f, err := os.Open(filepath.Join(dir, "page.png"))
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(f)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			bmp, err := gozxing.NewBinaryBitmapFromImage(img)
			if err != nil {
				t.Fatal(err)
			}
			res, err := zxqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
			if err != nil {
				t.Fatalf("%s: the poster's code does not scan: %v", lang, err)
			}
			if res.GetText() != in.URL {
				t.Fatalf("%s: scanned %q, want %q", lang, res.GetText(), in.URL)
			}
			code, err := qr.Encode(in.URL)
			if err != nil {
				t.Fatal(err)
			}
			// Points 0-2 are the centres of the bottom-left, top-left and
			// top-right finder patterns, Size-7 modules apart.
			pts := res.GetResultPoints()
			dist := math.Hypot(pts[2].GetX()-pts[1].GetX(), pts[2].GetY()-pts[1].GetY())
			side := dist / float64(code.Size()-7) * float64(code.Size()) / dpi * 25.4
			if side < 80 || side > 100 {
				t.Fatalf("%s: the code is %.1f mm wide, want at least 80 mm", lang, side)
			}
		}
	}
}

// longPoster has the longest names and a long address.
func longPoster() reports.PosterInput {
	in := posterIn
	in.Organisation = "Gemeenschappelijke Regeling Belastingsamenwerking en Gegevensbeheer Zuidwest"
	in.Department = "Cluster Dienstverlening, Informatievoorzieningsmanagement en Gegevensbeheer (regio Noord-Oost)"
	in.URL = "https://enquetes.gemeenschappelijke-regeling-zuidwest.example.nl/medewerkers/trots/s/q2rxk7v3m4d5ab6cdefghijklm"
	return in
}

func TestPosterWithLongNamesStaysOnOnePage(t *testing.T) {
	in := longPoster()
	for _, lang := range []string{"nl", "en"} {
		text := pdfText(t, posterPDF(t, in, lang))
		if n := strings.Count(text, "\f"); n != 1 {
			t.Errorf("%s poster has %d pages, want 1", lang, n)
		}
		flat := oneLine(text)
		for _, p := range map[string][]string{"nl": {"minstens 7", "Stel ze gerust aan HR"}, "en": {"at least 7", "Feel free to ask HR"}}[lang] {
			if !strings.Contains(flat, p) {
				t.Errorf("%s poster lacks %q:\n%s", lang, p, text)
			}
		}
		if !strings.Contains(flat, "Informatievoorzieningsmanagement") {
			t.Errorf("%s: the department's name is cut:\n%s", lang, text)
		}
		// The address, however it wraps, is all there.
		if !strings.Contains(strings.ReplaceAll(flat, " ", ""), strings.TrimPrefix(in.URL, "https://")) {
			t.Errorf("%s: the address is incomplete:\n%s", lang, text)
		}
	}
}

func TestPosterIsReproducibleAndRefusesBadInput(t *testing.T) {
	a, b := posterPDF(t, posterIn, "nl"), posterPDF(t, posterIn, "nl")
	if !bytes.Equal(a, b) {
		t.Fatal("the same poster twice differs")
	}
	if !regexp.MustCompile(`/CreationDate \(D:20260131`).Match(a) {
		t.Fatal("the creation date is not the one given")
	}
	for name, mutate := range map[string]func(*reports.PosterInput){
		"no department": func(in *reports.PosterInput) { in.Department = " " },
		"no threshold":  func(in *reports.PosterInput) { in.MinGroup = 0 },
		"no questions":  func(in *reports.PosterInput) { in.Questions = 0 },
		"no address":    func(in *reports.PosterInput) { in.URL = "" },
	} {
		in := posterIn
		mutate(&in)
		var buf bytes.Buffer
		if err := reports.Poster(&buf, in, reports.Options{Lang: "en", CreationDate: created}); err == nil {
			t.Errorf("%s: poster made", name)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: %d bytes written on failure", name, buf.Len())
		}
	}
}

// BenchmarkPoster renders one A4 poster (fonts, QR code, text).
func BenchmarkPoster(b *testing.B) {
	opts := reports.Options{Lang: "nl", CreationDate: created}
	for b.Loop() {
		if err := reports.Poster(io.Discard, posterIn, opts); err != nil {
			b.Fatal(err)
		}
	}
}
