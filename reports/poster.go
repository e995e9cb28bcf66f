package reports

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"trots/reports/qr"
)

// PosterInput is what the A4 poster of one department's survey link says:
// a poster for the canteen wall or the coffee corner, with the link as a
// QR code large enough to scan from a step away.
type PosterInput struct {
	Organisation string
	Department   string
	// URL is the department's survey link, absolute (https://host/s/code).
	URL string
	// MinGroup is the pulse's anonymity threshold k.
	MinGroup int
	// Questions is the number of questions of the pulse's questionnaire,
	// for how long answering takes.
	Questions int
	// Seconds, when set, is the questionnaire's own estimate of how long
	// answering takes (questionnaires.Questionnaire.AnswerSeconds), said
	// instead of the one AnswerTime makes from Questions.
	Seconds int
	// Closes is when the pulse stops taking answers (zero: when HR closes
	// it), in the time zone the poster's readers live in.
	Closes time.Time
	// Privacy is the art. 13 information at the foot of the poster
	// (poster_privacy.go); none when its Controller is empty.
	Privacy PosterPrivacy
}

// Poster geometry in millimetres (A4 portrait).
const (
	posterMargin = 18.0
	// posterQR is the side of the QR symbol itself, without its quiet
	// zone: at 9 cm a phone reads it from about a metre (the rule of thumb
	// is a tenth of the distance), over a table or across a corridor.
	posterQR = 90.0
	ptToMM   = 25.4 / 72
)

var (
	tPosterBand     = text{nl: "Anonieme peiling", en: "Anonymous survey"}
	tPosterFor      = text{nl: "Voor iedereen van %s", en: "For everyone in %s"}
	tPosterHeadline = text{nl: "Hoe is het écht om hier te werken?", en: "What is it really like to work here?"}
	tPosterSubline  = text{nl: "Zeg het ons, anoniem. Het kost je %s.", en: "Tell us, anonymously. It takes %s."}
	tPosterScan     = text{nl: "Scan de code met de camera van je telefoon, of typ het adres over.", en: "Scan the code with your phone's camera, or type in the address."}

	tPosterAnonLead  = text{nl: "Anoniem.", en: "Anonymous."}
	tPosterAnon      = text{nl: "We bewaren alleen je antwoorden, gekoppeld aan je afdeling en aan deze peiling. Niet je naam, niet je e-mailadres of IP-adres, en niet wanneer je antwoordde.", en: "We keep only your answers, linked to your department and to this survey. Not your name, not your e-mail or IP address, and not when you answered."}
	tPosterGroupLead = text{nl: "Veilig in de groep.", en: "Safe in numbers."}
	tPosterGroup     = text{nl: "Uitkomsten zijn alleen te zien voor groepen van minstens %d mensen. Antwoorden er minder, dan blijft de uitkomst verborgen.", en: "Results are only shown for groups of at least %d people. If fewer answer, the result stays hidden."}
	tPosterWhyLead   = text{nl: "Vrijwillig, en het telt.", en: "Your choice, and it counts."}
	tPosterWhy       = text{nl: "Meedoen is een keuze. Wat jullie zeggen, helpt bepalen wat er eerst beter moet en wat al goed gaat.", en: "Taking part is up to you. What you say helps decide what needs to improve first, and what already works."}
	tPosterUntilDay  = text{nl: "Meedoen kan tot en met %s.", en: "You can take part until the end of %s."}
	tPosterUntilTime = text{nl: "Meedoen kan tot %s, %s uur.", en: "You can take part until %s, %s."}
	tPosterFooter    = text{nl: "Vragen over deze peiling? Stel ze gerust aan HR.", en: "Questions about this survey? Feel free to ask HR."}

	tMinutesUnderOne = text{nl: "minder dan een minuut", en: "less than a minute"}
	tMinutesUnder    = text{nl: "minder dan %d minuten", en: "less than %d minutes"}
	tMinutesAbout    = text{nl: "ongeveer %d minuten", en: "about %d minutes"}
	tMinutesRange    = text{nl: "%d tot %d minuten", en: "%d to %d minutes"}
)

// AnswerTime says how long answering questions questions takes on a phone.
// A short check of taps on one scale goes at about 10 seconds a question;
// a longer questionnaire, with section introductions, promise-versus-
// reality pairs and an open question, at 12 to 15 seconds a question
// (which gives the 8 to 10 minutes of the 40-question baseline and the
// "under 2 minutes" of the 10-question pulse).
func AnswerTime(lang string, questions int) string {
	if questions <= 12 {
		under := questions*10/60 + 1
		if under <= 1 {
			return tMinutesUnderOne.in(lang)
		}
		return tMinutesUnder.f(lang, under)
	}
	lo := (questions*12 + 30) / 60
	hi := (questions*15 + 30) / 60
	if lo == hi {
		return tMinutesAbout.f(lang, lo)
	}
	return tMinutesRange.f(lang, lo, hi)
}

// AnswerTimeSeconds says an estimate in seconds as the poster says it:
// "less than a minute", else "about N minutes", N rounded.
func AnswerTimeSeconds(lang string, secs int) string {
	if secs < 60 {
		return tMinutesUnderOne.in(lang)
	}
	return tMinutesAbout.f(lang, (secs+30)/60)
}

// Poster writes the A4 poster of a department's survey link: who it is
// for, an inviting question, how long it takes, the QR code (drawn as
// vector shapes, 9 cm) with the link under it, what is and is not stored,
// the anonymity threshold, and the closing date when there is one. One
// page, always: long names are set smaller rather than pushed off it.
func Poster(w io.Writer, in PosterInput, opts Options) error {
	switch {
	case strings.TrimSpace(in.Department) == "":
		return errors.New("reports: poster: no department")
	case in.MinGroup < 1:
		return fmt.Errorf("reports: poster: anonymity threshold %d", in.MinGroup)
	case in.Questions < 1:
		return fmt.Errorf("reports: poster: %d questions", in.Questions)
	}
	code, err := qr.Encode(in.URL)
	if err != nil {
		return fmt.Errorf("reports: poster: %w", err)
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
		return newPoster(lang, created, in, code), nil
	})
}

func newPoster(lang string, created time.Time, in PosterInput, code *qr.Code) *document {
	org, dept := clean(in.Organisation), clean(in.Department)
	pdf := fpdf.New("P", "mm", "A4", "")
	pageW, pageH := pdf.GetPageSize()
	d := &document{pdf: pdf, lang: lang, num: numbers{lang}, left: posterMargin, width: pageW - 2*posterMargin, limit: pageH - posterMargin}
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	pdf.SetCatalogSort(true)
	pdf.SetTitle(clean(tPosterHeadline.in(lang)+" - "+dept), true)
	pdf.SetSubject(clean(tPosterFor.f(lang, dept)), true)
	pdf.SetAuthor(org, true)
	pdf.SetCreator("trots", true)
	pdf.SetLang(lang)
	pdf.SetMargins(posterMargin, posterMargin, posterMargin)
	// One page: everything is placed by hand, and sizes shrink to fit.
	pdf.SetAutoPageBreak(false, 0)
	// Regular and bold only: the poster sets no italics, and registering
	// a font is a third of the time a poster takes.
	if needsWide(in.Organisation, in.Department) {
		// DejaVu Sans for names in Arabic or Hebrew (fonts.go).
		pdf.AddUTF8FontFromBytes(fontFamily, "", dejaVuSans)
		pdf.AddUTF8FontFromBytes(fontFamily, "B", dejaVuSans)
	} else {
		pdf.AddUTF8FontFromBytes(fontFamily, "", goregular.TTF)
		pdf.AddUTF8FontFromBytes(fontFamily, "B", gobold.TTF)
	}
	pdf.AddPage()

	// A band across the top with the organisation's name.
	d.fillColor(accentColor)
	pdf.Rect(0, 0, pageW, 26, "F")
	d.textColor(white)
	band := tPosterBand.in(lang)
	d.font("", 11)
	bandW := pdf.GetStringWidth(band) + 2
	pdf.SetXY(d.left+d.width-bandW, 9)
	pdf.CellFormat(bandW, 8, band, "", 0, "R", false, 0, "")
	// The name on one line, or on two at a smaller size (a long official
	// name), vertically centred in the band.
	orgW := d.width - bandW - 4
	size := d.fitSize(org, "B", 18, 10, orgW, 1)
	lineH := size * ptToMM * 1.2
	if d.linesAt(org, "B", size, orgW) > 1 || !d.widest(org, "B", size, orgW) {
		size = d.fitSize(org, "B", 13, 9, orgW, 2)
		lineH = size * ptToMM * 1.2
	}
	d.font("B", size)
	d.textColor(white)
	lines := d.pdf.SplitText(org, orgW)
	if len(lines) > 2 {
		lines = []string{lines[0], d.fit(strings.Join(lines[1:], " "), orgW)}
	}
	pdf.SetXY(d.left, 13-float64(len(lines))*lineH/2)
	pdf.MultiCell(orgW, lineH, strings.Join(lines, "\n"), "", "L", false)

	// Who it is for, and the question.
	y := 36.0
	forText := tPosterFor.f(lang, dept)
	size = d.fitSize(forText, "B", 20, 11, d.width, 2)
	y = d.centred(y, forText, "B", size, accentColor)
	y += 3
	headline := tPosterHeadline.in(lang)
	y = d.centred(y, headline, "B", d.fitSize(headline, "B", 36, 24, d.width, 2), inkColor)
	y += 2
	took := AnswerTime(lang, in.Questions)
	if in.Seconds > 0 {
		took = AnswerTimeSeconds(lang, in.Seconds)
	}
	y = d.centred(y, tPosterSubline.f(lang, took), "", 16, inkColor)

	// The code: the symbol 9 cm wide, its quiet zone kept white.
	module := posterQR / float64(code.Size())
	quiet := qr.QuietZone * module
	qx := (pageW - posterQR) / 2
	qy := y + quiet
	d.drawQR(code, qx, qy, posterQR)
	y = qy + posterQR + quiet*0.6

	// The address under it, to type in.
	shown := clean(strings.TrimPrefix(in.URL, "https://"))
	size = d.fitSize(shown, "B", 15, 8, d.width, 1)
	if d.linesAt(shown, "B", size, d.width) > 1 {
		size = 8 // a very long address wraps at this size
	}
	y = d.centred(y, shown, "B", size, inkColor)
	y += 1
	y = d.centred(y, tPosterScan.in(lang), "", 11, mutedColor)

	// What happens to the answers.
	y += 7
	d.drawColor(ruleColor)
	pdf.SetLineWidth(0.3)
	pdf.Line(d.left, y-3.5, d.left+d.width, y-3.5)
	facts := []item{
		{tPosterAnonLead.in(lang), tPosterAnon.in(lang)},
		{tPosterGroupLead.in(lang), tPosterGroup.f(lang, in.MinGroup)},
		{tPosterWhyLead.in(lang), tPosterWhy.in(lang)},
	}
	const factSize, factLine = 12.5, 6.0
	for _, f := range facts {
		pdf.SetY(y)
		pdf.SetLeftMargin(d.left)
		pdf.SetX(d.left)
		d.font("B", factSize)
		d.textColor(accentColor)
		pdf.Write(factLine, f.lead+" ")
		d.font("", factSize)
		d.textColor(inkColor)
		pdf.Write(factLine, f.text)
		y = pdf.GetY() + factLine + 2.5
	}
	if until := posterUntil(d, in.Closes); until != "" {
		pdf.SetXY(d.left, y)
		d.font("B", 13)
		d.textColor(accentColor)
		pdf.MultiCell(d.width, factLine, until, "", "L", false)
		y = pdf.GetY() + 2
	}
	if strings.TrimSpace(in.Privacy.Controller) != "" {
		d.drawPrivacy(y+1, pageH-posterMargin+2.5, in.Privacy, in.MinGroup)
	}

	// A way to ask, at the foot of the page.
	d.font("", 9)
	d.textColor(mutedColor)
	pdf.SetXY(d.left, pageH-posterMargin+4)
	pdf.CellFormat(d.width, 4, tPosterFooter.in(lang), "", 0, "C", false, 0, "")
	return d
}

// posterUntil says until when answers are taken. The closing moment is
// exclusive: closing at midnight means the day before is the last day.
func posterUntil(d *document, closes time.Time) string {
	if closes.IsZero() {
		return ""
	}
	if closes.Hour() == 0 && closes.Minute() == 0 && closes.Second() == 0 && closes.Nanosecond() == 0 {
		return tPosterUntilDay.f(d.lang, d.num.date(closes.AddDate(0, 0, -1)))
	}
	return tPosterUntilTime.f(d.lang, d.num.date(closes), closes.Format("15:04"))
}

// fitSize is the largest font size from largest down to smallest (in
// steps of half a point) at which s takes at most lines lines of width w.
func (d *document) fitSize(s, style string, largest, smallest, w float64, lines int) float64 {
	for size := largest; size > smallest; size -= 0.5 {
		if d.linesAt(s, style, size, w) <= lines && d.widest(s, style, size, w) {
			return size
		}
	}
	return smallest
}

// linesAt is the number of lines s takes in width w at size.
func (d *document) linesAt(s, style string, size, w float64) int {
	d.font(style, size)
	return d.lines(s, w)
}

// widest reports whether every word of s fits in w at size (SplitText
// would break a word that does not).
func (d *document) widest(s, style string, size, w float64) bool {
	d.font(style, size)
	for _, word := range strings.Fields(s) {
		if d.pdf.GetStringWidth(word) > w-1 {
			return false
		}
	}
	return true
}

// centred writes s centred across the page from y and returns the y
// below it.
func (d *document) centred(y float64, s, style string, size float64, c rgb) float64 {
	d.font(style, size)
	d.textColor(c)
	lineH := size * ptToMM * 1.25 // with leading
	d.pdf.SetXY(d.left, y)
	d.pdf.MultiCell(d.width, lineH, s, "", "C", false)
	return d.pdf.GetY()
}

// drawQR draws code's symbol (without its quiet zone) as a side x side
// square at x, y: one filled path of its dark runs, one shape, so that no
// viewer draws seams between neighbouring modules. The poster and the
// slips both use it.
func (d *document) drawQR(code *qr.Code, x, y, side float64) {
	pdf := d.pdf
	module := side / float64(code.Size())
	d.fillColor(rgb{0, 0, 0})
	for _, r := range code.Runs() {
		x0, y0 := x+float64(r.X)*module, y+float64(r.Y)*module
		x1, y1 := x0+float64(r.Len)*module, y0+module
		pdf.MoveTo(x0, y0)
		pdf.LineTo(x1, y0)
		pdf.LineTo(x1, y1)
		pdf.LineTo(x0, y1)
		pdf.ClosePath()
	}
	pdf.DrawPath("F")
}
