package reports

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomonobold"
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
	codes := make([]*qr.Code, len(in.Codes))
	for i, c := range in.Codes {
		var err error
		if codes[i], err = qr.Encode(in.Base + "/c/" + c); err != nil {
			return fmt.Errorf("reports: slips: %w", err)
		}
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
	// Go Mono for the code itself: every character as wide as the next,
	// so groups line up and nothing is mistaken for its neighbour.
	pdf.AddUTF8FontFromBytes("gomono", "B", gomonobold.TTF)

	typeAt := clean(strings.TrimPrefix(strings.TrimPrefix(in.Base, "https://"), "http://") + "/c")
	how := tSlipHow.f(lang, typeAt)
	until := posterUntil(d, in.Closes)
	for i, code := range codes {
		if i%SlipsPerPage == 0 {
			pdf.AddPage()
			slipCutLines(d)
		}
		slip(d, i, org, dept, in.Codes[i], how, until, code)
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

// slip draws slip i: the QR code on the left, the texts on the right. The
// texts are set smaller until they fit (a long organisation name or
// address), never onto the next slip.
func slip(d *document, i int, org, dept, printed, how, until string, code *qr.Code) {
	pdf := d.pdf
	x, y, w, h, qx, qy, side := SlipRect(i)
	module := side / float64(code.Size())
	d.fillColor(rgb{0, 0, 0})
	for _, r := range code.Runs() {
		x0, y0 := qx+float64(r.X)*module, qy+float64(r.Y)*module
		x1, y1 := x0+float64(r.Len)*module, y0+module
		pdf.MoveTo(x0, y0)
		pdf.LineTo(x1, y0)
		pdf.LineTo(x1, y1)
		pdf.LineTo(x0, y1)
		pdf.ClosePath()
	}
	pdf.DrawPath("F")

	tx := qx + side + qr.QuietZone*module
	tw := x + w - slipsPad - tx
	top, bottom := y+slipsPad-1, y+h-slipsPad+1
	head := tSlipBand.in(d.lang)
	if org != "" {
		head += " - " + org
	}
	lines := []struct {
		s, style, font string
		size           float64
		c              rgb
		gap            float64
	}{
		{head, "B", fontFamily, 7.5, mutedColor, 0.6},
		{tSlipFor.f(d.lang, dept), "B", fontFamily, 9, accentColor, 1.4},
		{tSlipYourCode.in(d.lang), "", fontFamily, 7.5, inkColor, 0.3},
		{printed, "B", "gomono", 13, inkColor, 1.4},
		{how, "", fontFamily, 7.5, inkColor, 0.8},
		{tSlipAnon.in(d.lang), "", fontFamily, 7.5, mutedColor, 0.8},
		{until, "B", fontFamily, 7.5, accentColor, 0},
	}
	// The largest scale at which everything fits the slip.
	scale := 1.0
	for ; scale > 0.6; scale -= 0.05 {
		total := 0.0
		for _, l := range lines {
			if l.s == "" {
				continue
			}
			pdf.SetFont(l.font, l.style, l.size*scale)
			total += float64(len(pdf.SplitText(l.s, tw)))*l.size*scale*ptToMM*1.2 + l.gap
		}
		if total <= bottom-top {
			break
		}
	}
	cy := top
	for _, l := range lines {
		if l.s == "" {
			continue
		}
		size := l.size * scale
		pdf.SetFont(l.font, l.style, size)
		d.textColor(l.c)
		lineH := size * ptToMM * 1.2
		for _, line := range pdf.SplitText(l.s, tw) {
			if cy+lineH > bottom+0.01 {
				return // cut rather than run onto the next slip
			}
			pdf.SetXY(tx, cy)
			pdf.CellFormat(tw, lineH, line, "", 0, "L", false, 0, "")
			cy += lineH
		}
		cy += l.gap
	}
}
