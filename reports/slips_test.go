package reports_test

import (
	"bytes"
	"image"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"trots/reports"
	"trots/reports/qr/qrscan"
	"trots/survey"
)

func slipsInput(n int) reports.SlipsInput {
	in := reports.SlipsInput{Organisation: "Zorggroep Voorbeeldstad", Department: "Thuiszorg Noord",
		Base: "https://trots.example.org", Closes: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	// Codes from a fixed seed: the same slips on every run, so that a
	// decoder's miss on one symbol cannot make the suite flaky (CI once
	// failed on a random code gozxing's finder search could not place).
	rng := rand.New(rand.NewPCG(20261206, uint64(n)))
	for range n {
		b := make([]byte, survey.CodeLength)
		for i := range b {
			b[i] = survey.CodeAlphabet[rng.IntN(len(survey.CodeAlphabet))]
		}
		in.Codes = append(in.Codes, survey.FormatCode(string(b)))
	}
	return in
}

func slipsPDF(t testing.TB, in reports.SlipsInput, lang string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := reports.Slips(&buf, in, reports.Options{Lang: lang, CreationDate: created}); err != nil {
		t.Fatalf("slips (%s): %v", lang, err)
	}
	return buf.Bytes()
}

func TestSlipsCarryEveryCodeOnceWithHowToUseIt(t *testing.T) {
	in := slipsInput(13) // a full page and three slips on the next
	want := map[string][]string{
		"nl": {"Anonieme peiling - Zorggroep Voorbeeldstad", "Voor Thuiszorg Noord", "Jouw persoonlijke code",
			"ga naar trots.example.org/c en typ de code in. De code werkt één keer.", "niemand kan zien wat jij antwoordt",
			"Meedoen kan tot en met 28 februari 2026."},
		"en": {"Anonymous survey - Zorggroep Voorbeeldstad", "For Thuiszorg Noord", "Your personal code",
			"go to trots.example.org/c and type in the code. It works once.", "nobody can see what you answer",
			"You can take part until the end of 28 February 2026."},
	}
	for lang, phrases := range want {
		text := pdfText(t, slipsPDF(t, in, lang))
		if n := strings.Count(text, "\f"); n != 2 {
			t.Errorf("%s: %d pages, want 2", lang, n)
		}
		for _, c := range in.Codes {
			if n := strings.Count(text, c); n != 1 {
				t.Errorf("%s: code %s printed %d times, want once", lang, c, n)
			}
		}
		// Every slip says all of it: 13 times each phrase, read per column
		// (pdftotext -layout puts two slips side by side on a line).
		flat := oneLine(strings.Join(columns(text), " "))
		for _, p := range phrases {
			if n := strings.Count(flat, p); n != len(in.Codes) {
				t.Errorf("%s: %q on %d slips, want %d", lang, p, n, len(in.Codes))
			}
		}
	}
}

// columns splits pdftotext -layout output into its left and right halves,
// so that each slip's lines are read together.
func columns(text string) []string {
	var left, right []string
	for _, l := range strings.Split(text, "\n") {
		r := []rune(l)
		cut := min(len(r), 60)
		// The right column starts at the first run of 3+ spaces after the
		// left column's text.
		if i := strings.Index(l, "   "); i >= 0 && len([]rune(strings.TrimSpace(l[:i]))) > 0 && len(strings.TrimSpace(l[i:])) > 0 {
			left, right = append(left, l[:i]), append(right, strings.TrimSpace(l[i:]))
			continue
		}
		left = append(left, string(r[:cut]))
		right = append(right, string(r[cut:]))
	}
	return []string{strings.Join(left, "\n"), strings.Join(right, "\n")}
}

// TestSlipCodesScan renders the pages and reads every slip's QR code back
// with an independent decoder: each holds the survey address with its own
// code.
func TestSlipCodesScan(t *testing.T) {
	in := slipsInput(12)
	imgs := renderPages(t, slipsPDF(t, in, "nl"), 150)
	if len(imgs) != 2 {
		t.Fatalf("%d pages", len(imgs))
	}
	for i, c := range in.Codes {
		got := scanSlip(t, imgs[i/reports.SlipsPerPage], i, 150)
		if want := in.Base + "/c/" + c; got != want {
			t.Fatalf("slip %d scans as %q, want %q", i, got, want)
		}
	}
}

func TestSlipsRefuseBadInputAndAreReproducible(t *testing.T) {
	in := slipsInput(3)
	if !bytes.Equal(slipsPDF(t, in, "en"), slipsPDF(t, in, "en")) {
		t.Error("the same input gives different PDFs")
	}
	for name, bad := range map[string]reports.SlipsInput{
		"no department": {Base: in.Base, Codes: in.Codes},
		"no codes":      {Base: in.Base, Department: "X"},
		"no address":    {Department: "X", Codes: in.Codes},
	} {
		if err := reports.Slips(&bytes.Buffer{}, bad, reports.Options{}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// renderPages renders every page of a PDF with pdftoppm at dpi.
func renderPages(t testing.TB, pdf []byte, dpi int) []image.Image {
	t.Helper()
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		t.Fatal("pdftoppm (poppler-utils) is not installed: run the tests with `make test`, which installs what they need")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "-r", itoa(dpi), "-gray", "-png", file, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	names, _ := filepath.Glob(filepath.Join(dir, "page-*.png"))
	var out []image.Image
	for _, n := range names {
		f, err := os.Open(n)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, img)
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

// scanSlip decodes the QR code of slip i on a page rendered at dpi: the
// symbol is cut out alone, so that its neighbours' codes cannot answer.
func scanSlip(t testing.TB, page image.Image, i, dpi int) string {
	t.Helper()
	x, y, w, h, qx, qy, side := reports.SlipRect(i)
	px := func(mm float64) int { return int(mm / 25.4 * float64(dpi)) }
	crop := func(quiet float64) image.Image {
		r := image.Rect(px(max(qx-quiet, x)), px(max(qy-quiet, y)), px(min(qx+side+quiet, x+w)), px(min(qy+side+quiet, y+h)))
		return page.(interface {
			SubImage(image.Rectangle) image.Image
		}).SubImage(r)
	}
	text, err := qrscan.Scan(crop(3))
	if err != nil {
		t.Fatalf("slip %d: %v", i, err)
	}
	return text
}

var slipsBenchN = 5000

// BenchmarkSlips5000 is the largest batch HR can ask for: 5,000 slips, 500
// pages.
func BenchmarkSlips5000(b *testing.B) {
	in := slipsInput(slipsBenchN)
	b.ReportAllocs()
	for b.Loop() {
		if err := reports.Slips(io.Discard, in, reports.Options{Lang: "nl", CreationDate: created}); err != nil {
			b.Fatal(err)
		}
	}
}
