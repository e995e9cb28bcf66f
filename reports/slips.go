package reports

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"trots/reports/qr"
)

// SlipsInput is what the cut-out slips of personal codes say: for people
// without company e-mail, HR prints a page of slips per department and
// hands each person one. A slip has its code as a QR code (the survey
// address with the code in it) and as twelve characters to type.
type SlipsInput struct {
	Organisation string
	Department   string
	// Base is where trots is reached (https://host, without a trailing
	// slash); a slip's QR code holds Base/c/<code>, and the slip tells
	// people without a camera to type its code at Base/c.
	Base string
	// Codes are the personal codes as they are printed (XXXX-XXXX-XXXX),
	// one slip each, in this order.
	Codes []string
	// Closes is when the pulse stops taking answers (zero: when HR closes
	// it), in the time zone the slips' readers live in.
	Closes time.Time
}

// Slip geometry in millimetres: A4 portrait, margins a printer can print
// inside, 2 x 5 slips a page.
const (
	slipsMargin = 10.0
	slipsCols   = 2
	slipsRows   = 5
	slipsPad    = 5.0
	// slipQR is the side of a slip's QR symbol: 3 cm, about a millimetre a
	// module for an address with a code, which a phone reads from a hand.
	slipQR = 30.0
)

// SlipsPerPage is the number of slips on one A4 page.
const SlipsPerPage = slipsCols * slipsRows

// SlipRect is where slip i (counted from 0) lies on its page, in
// millimetres from the page's top-left corner, with the box of its QR
// symbol (without the quiet zone). Tests use it to cut a slip out of a
// rendered page.
func SlipRect(i int) (x, y, w, h, qrX, qrY, qrSide float64) {
	const pageW, pageH = 210.0, 297.0
	w = (pageW - 2*slipsMargin) / slipsCols
	h = (pageH - 2*slipsMargin) / slipsRows
	n := i % SlipsPerPage
	x = slipsMargin + float64(n%slipsCols)*w
	y = slipsMargin + float64(n/slipsCols)*h
	qrX, qrY, qrSide = x+slipsPad+1, y+(h-slipQR)/2, slipQR
	return x, y, w, h, qrX, qrY, qrSide
}

var (
	tSlipsTitle   = text{nl: "Persoonlijke codes voor %s", en: "Personal codes for %s"}
	tSlipBand     = text{nl: "Anonieme peiling", en: "Anonymous survey"}
	tSlipFor      = text{nl: "Voor %s", en: "For %s"}
	tSlipYourCode = text{nl: "Jouw persoonlijke code", en: "Your personal code"}
	tSlipHow      = text{nl: "Scan de QR-code, of ga naar %s en typ de code in. De code werkt één keer.", en: "Scan the QR code, or go to %s and type in the code. It works once."}
	tSlipAnon     = text{nl: "De code hoort niet bij je naam: niemand kan zien wat jij antwoordt.", en: "The code is not linked to your name: nobody can see what you answer."}
)

// Slips writes A4 pages of cut-out slips, one per personal code, with
// dashed lines to cut along. Each slip says who it is for, has the code as
// a QR code and in large type, how to use it, that it works once, that it
// is not linked to a name, and until when answers are taken.
func Slips(w io.Writer, in SlipsInput, opts Options) error {
	switch {
	case strings.TrimSpace(in.Department) == "":
		return errors.New("reports: slips: no department")
	case len(in.Codes) == 0:
		return errors.New("reports: slips: no codes")
	case in.Base == "":
		return errors.New("reports: slips: no address")
	}
	codes, err := encodeSlips(in.Base, in.Codes)
	if err != nil {
		return err
	}
	lang := opts.Lang
	if lang != "nl" {
		lang = "en"
	}
	created := opts.CreationDate
	if created.IsZero() {
		created = time.Now()
	}
	return render(w, func() (*document, error) {
		return newSlips(lang, created, in, codes), nil
	})
}

// encodeSlips makes the QR codes of the slips on every core: choosing the
// best of eight masks makes a code take longer than drawing its slip.
func encodeSlips(base string, printed []string) ([]*qr.Code, error) {
	codes := make([]*qr.Code, len(printed))
	errs := make([]error, len(printed))
	workers := min(runtime.GOMAXPROCS(0), len(printed))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(printed); i += workers {
				codes[i], errs[i] = qr.Encode(base + "/c/" + printed[i])
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("reports: slips: %w", err)
	}
	return codes, nil
}

func newSlips(lang string, created time.Time, in SlipsInput, codes []*qr.Code) *document {
	org, dept := clean(in.Organisation), clean(in.Department)
	pdf := fpdf.New("P", "mm", "A4", "")
	_, pageH := pdf.GetPageSize()
	d := &document{pdf: pdf, lang: lang, num: numbers{lang}, left: slipsMargin, limit: pageH - slipsMargin}
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	pdf.SetCatalogSort(true)
	pdf.SetTitle(clean(tSlipsTitle.f(lang, dept)), true)
	pdf.SetAuthor(org, true)
	pdf.SetCreator("trots", true)
	pdf.SetLang(lang)
	pdf.SetMargins(0, 0, 0)
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddUTF8FontFromBytes(fontFamily, "", goregular.TTF)
	pdf.AddUTF8FontFromBytes(fontFamily, "B", gobold.TTF)

	typeAt := clean(strings.TrimPrefix(strings.TrimPrefix(in.Base, "https://"), "http://") + "/c")
	texts := slipTexts(d, org, dept, tSlipHow.f(lang, typeAt), posterUntil(d, in.Closes))
	for i, code := range codes {
		if i%SlipsPerPage == 0 {
			pdf.AddPage()
			slipCutLines(d)
		}
		slip(d, i, texts, in.Codes[i], code)
	}
	return d
}

// slipCutLines draws the dashed lines between the slips of a page.
func slipCutLines(d *document) {
	x0, y0, w, h, _, _, _ := SlipRect(0)
	d.drawColor(ruleColor)
	d.pdf.SetLineWidth(0.2)
	d.pdf.SetDashPattern([]float64{2, 1.5}, 0)
	for c := 0; c <= slipsCols; c++ {
		x := x0 + float64(c)*w
		d.pdf.Line(x, y0, x, y0+slipsRows*h)
	}
	for r := 0; r <= slipsRows; r++ {
		y := y0 + float64(r)*h
		d.pdf.Line(x0, y, x0+slipsCols*w, y)
	}
	d.pdf.SetDashPattern(nil, 0)
}

// slipLine is a text of a slip, split into the lines it takes.
type slipLine struct {
	lines       []string
	font, style string
	size, gap   float64
	c           rgb
	code        bool // the line of the code: each slip prints its own
}

// widestCode is as wide as a printed code can be: the code's size is
// chosen so that it fits on one line. (The Go Mono font would make every
// code as wide as the next, but fpdf does not embed its subset the same
// way twice, and reports are reproducible byte for byte.)
const widestCode = "WWWW-WWWW-WWWW"

// slipTexts lays out the texts of a slip once for all: they are the same
// on every slip but for the code, laid out as the widest code there can be. The texts are set smaller until they fit (a
// long organisation name or address), never onto the next slip.
func slipTexts(d *document, org, dept, how, until string) []slipLine {
	pdf := d.pdf
	_, _, w, h, qx, _, side := SlipRect(0)
	module := side / 21 // the largest module a slip's code can have (version 1)
	tx := qx + side + qr.QuietZone*module
	tw := slipsMargin + w - slipsPad - tx
	room := h - 2*slipsPad + 2
	head := tSlipBand.in(d.lang)
	if org != "" {
		head += " - " + org
	}
	texts := []slipLine{
		{lines: []string{head}, font: fontFamily, style: "B", size: 7.5, c: mutedColor, gap: 0.6},
		{lines: []string{tSlipFor.f(d.lang, dept)}, font: fontFamily, style: "B", size: 9, c: accentColor, gap: 1.4},
		{lines: []string{tSlipYourCode.in(d.lang)}, font: fontFamily, size: 7.5, c: inkColor, gap: 0.3},
		{lines: []string{widestCode}, font: fontFamily, style: "B", size: 13, c: inkColor, gap: 1.4, code: true},
		{lines: []string{how}, font: fontFamily, size: 7.5, c: inkColor, gap: 0.8},
		{lines: []string{tSlipAnon.in(d.lang)}, font: fontFamily, size: 7.5, c: mutedColor, gap: 0.8},
		{lines: []string{until}, font: fontFamily, style: "B", size: 7.5, c: accentColor},
	}
	var out []slipLine
	for scale := 1.0; ; scale -= 0.05 {
		out = out[:0]
		total := 0.0
		for _, t := range texts {
			if t.lines[0] == "" {
				continue
			}
			l := t
			l.size = t.size * scale
			pdf.SetFont(l.font, l.style, l.size)
			l.lines = pdf.SplitText(t.lines[0], tw)
			if l.code {
				// One line, always: smaller until the widest code fits.
				for l.size > 6 && pdf.GetStringWidth(widestCode) > tw-0.5 {
					l.size -= 0.5
					pdf.SetFont(l.font, l.style, l.size)
				}
				l.lines = []string{widestCode}
			}
			total += float64(len(l.lines))*l.size*ptToMM*1.2 + l.gap
			out = append(out, l)
		}
		if total <= room || scale <= 0.6 {
			return out
		}
	}
}

// slip draws slip i: the QR code on the left, the texts (laid out by
// slipTexts; the fourth is the code) on the right.
func slip(d *document, i int, texts []slipLine, printed string, code *qr.Code) {
	pdf := d.pdf
	x, y, w, h, qx, qy, side := SlipRect(i)
	d.drawQR(code, qx, qy, side)

	tx := qx + side + qr.QuietZone*side/21
	tw := x + w - slipsPad - tx
	cy, bottom := y+slipsPad-1, y+h-slipsPad+1
	for _, t := range texts {
		pdf.SetFont(t.font, t.style, t.size)
		d.textColor(t.c)
		lineH := t.size * ptToMM * 1.2
		lines := t.lines
		if t.code {
			lines = []string{printed}
		}
		for _, line := range lines {
			if cy+lineH > bottom+0.01 {
				return // cut rather than run onto the next slip
			}
			pdf.SetXY(tx, cy)
			pdf.CellFormat(tw, lineH, line, "", 0, "L", false, 0, "")
			cy += lineH
		}
		cy += t.gap
	}
}
