package reports

import (
	"strings"
	"time"
	"unicode"

	"github.com/go-pdf/fpdf"
)

// rgb is a colour.
type rgb struct{ r, g, b int }

// The palette: ink for text, an accent for headings, and one colour pair
// (strong for text and lines, light for fills) per judgement. Colour never
// carries meaning alone: cells also carry their value, verdicts their word.
var (
	inkColor    = rgb{33, 37, 41}
	mutedColor  = rgb{96, 104, 113}
	ruleColor   = rgb{200, 206, 212}
	accentColor = rgb{22, 66, 108}
	accentFill  = rgb{226, 234, 243}
	stripeFill  = rgb{247, 248, 250}
	white       = rgb{255, 255, 255}

	goodColor   = rgb{27, 106, 56}
	goodFill    = rgb{206, 234, 212}
	badColor    = rgb{176, 36, 36}
	badFill     = rgb{247, 210, 206}
	unsureColor = rgb{140, 100, 10}
	unsureFill  = rgb{253, 237, 190}
	hiddenColor = rgb{110, 118, 128}
	hiddenFill  = rgb{226, 229, 233}
)

// Page geometry in millimetres (A4 portrait).
const (
	pageMargin   = 16.0
	bottomMargin = 20.0
	bodySize     = 9.5
	bodyLine     = 4.6
)

// document wraps one fpdf document with the report's typography: the
// embedded fonts, a running header from the second page, and a footer on
// every page with the page number and the anonymity threshold.
type document struct {
	pdf   *fpdf.Fpdf
	lang  string
	num   numbers
	left  float64
	width float64
	// limit is the y below which nothing but the footer is drawn.
	limit float64
	// out records the content for the HTML page (outline.go); nil when
	// only the PDF is made.
	out *outline
}

// docInfo is what the document's metadata, header and footer say.
type docInfo struct {
	title, subject, author string
	// header runs at the top of every page but the first; footer at the
	// bottom of every page.
	header, footer string
	k              int
	// wide sets the document in DejaVu Sans (fonts.go).
	wide bool
}

func newDocument(lang string, created time.Time, info docInfo) *document {
	pdf := fpdf.New("P", "mm", "A4", "")
	d := &document{pdf: pdf, lang: lang, num: numbers{lang}, left: pageMargin}
	w, h := pdf.GetPageSize()
	d.width = w - 2*pageMargin
	d.limit = h - bottomMargin
	// Reproducible output: fixed dates, sorted catalogs. Compression
	// stays on; Go's deflate is deterministic.
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	pdf.SetCatalogSort(true)
	pdf.SetTitle(clean(info.title), true)
	pdf.SetSubject(clean(info.subject), true)
	pdf.SetAuthor(clean(info.author), true)
	pdf.SetCreator("trots", true)
	pdf.SetLang(lang)
	pdf.SetMargins(pageMargin, pageMargin, pageMargin)
	pdf.SetAutoPageBreak(true, bottomMargin)
	pdf.AliasNbPages("{nb}")
	addFonts(pdf, info.wide)
	header, footer := clean(info.header), clean(info.footer)
	pdf.SetHeaderFunc(func() {
		if pdf.PageNo() == 1 {
			return
		}
		d.font("", 7.5)
		d.textColor(mutedColor)
		pdf.SetXY(d.left, 8)
		pdf.CellFormat(d.width, 4, d.fit(header, d.width), "", 0, "L", false, 0, "")
		d.drawColor(ruleColor)
		pdf.SetLineWidth(0.2)
		pdf.Line(d.left, 12.5, d.left+d.width, 12.5)
		pdf.SetXY(d.left, pageMargin)
	})
	pdf.SetFooterFunc(func() {
		y := h - 14
		d.drawColor(ruleColor)
		pdf.SetLineWidth(0.2)
		pdf.Line(d.left, y, d.left+d.width, y)
		d.font("", 7.5)
		d.textColor(mutedColor)
		page := tPage.f(lang, pdf.PageNo())
		pw := pdf.GetStringWidth(page) + 4
		pdf.SetXY(d.left, y+1)
		pdf.CellFormat(d.width-pw, 4, d.fit(footer, d.width-pw), "", 0, "L", false, 0, "")
		pdf.CellFormat(pw, 4, page, "", 0, "R", false, 0, "")
		pdf.SetXY(d.left, y+5)
		pdf.CellFormat(d.width, 4, tFooterAnonymity.f(lang, info.k), "", 0, "L", false, 0, "")
	})
	return d
}

func (d *document) font(style string, size float64) { d.pdf.SetFont(fontFamily, style, size) }
func (d *document) textColor(c rgb)                 { d.pdf.SetTextColor(c.r, c.g, c.b) }
func (d *document) fillColor(c rgb)                 { d.pdf.SetFillColor(c.r, c.g, c.b) }
func (d *document) drawColor(c rgb)                 { d.pdf.SetDrawColor(c.r, c.g, c.b) }

// body resets the font and colour for running text.
func (d *document) body() {
	d.font("", bodySize)
	d.textColor(inkColor)
}

// page starts a new page at the top margin: on purpose, so the HTML page
// breaks there when printed.
func (d *document) page() {
	if d.out != nil {
		d.out.newPage = true
	}
	d.turn()
}

// turn starts a new page because the content does not fit.
func (d *document) turn() {
	d.pdf.AddPage()
	d.pdf.SetXY(d.left, pageMargin)
}

// need starts a new page unless h millimetres fit below the current line.
func (d *document) need(h float64) {
	if d.pdf.GetY()+h > d.limit {
		d.turn()
	}
}

// space moves down h millimetres (never past the bottom).
func (d *document) space(h float64) {
	if d.pdf.GetY()+h > d.limit {
		return
	}
	d.pdf.SetXY(d.left, d.pdf.GetY()+h)
}

// fit shortens s with an ellipsis until it fits in w at the current font.
func (d *document) fit(s string, w float64) string {
	if d.pdf.GetStringWidth(s) <= w-0.5 {
		return s
	}
	r := []rune(s)
	for len(r) > 1 {
		r = r[:len(r)-1]
		t := strings.TrimRight(string(r), " ") + "…"
		if d.pdf.GetStringWidth(t) <= w-0.5 {
			return t
		}
	}
	return "…"
}

// lines is the number of lines s takes in width w at the current font.
func (d *document) lines(s string, w float64) int {
	if s == "" {
		return 0
	}
	return max(1, len(d.pdf.SplitText(s, w)))
}

// wrap breaks s into lines of at most w at the current font, like
// SplitText, but hyphenates a word that is wider than a whole line instead
// of cutting it anywhere (table headers are narrow).
func (d *document) wrap(s string, w float64) []string {
	w -= 2 // the cell margins
	fits := func(t string) bool { return d.pdf.GetStringWidth(t) <= w }
	var words []string
	for _, word := range strings.Fields(s) {
		for !fits(word) {
			head, tail, ok := hyphenate(word, fits)
			if !ok {
				break
			}
			words = append(words, head)
			word = tail
		}
		words = append(words, word)
	}
	var lines []string
	line := ""
	for _, word := range words {
		switch {
		case line == "":
			line = word
		case fits(line + " " + word):
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// hyphenate splits word into the longest head that fits and the rest:
// after a hyphen it already has, else before a consonant that starts a
// syllable (a consonant followed by a vowel, as in com-mu-ni-ca-tie), else
// anywhere. Heads keep at least two letters, tails at least three.
func hyphenate(word string, fits func(string) bool) (head, tail string, ok bool) {
	r := []rune(word)
	for i := len(r) - 4; i >= 1; i-- {
		if r[i] == '-' && fits(string(r[:i+1])) {
			return string(r[:i+1]), string(r[i+1:]), true
		}
	}
	letter := func(c rune) bool { return unicode.IsLetter(c) }
	for i := len(r) - 3; i >= 2; i-- {
		if letter(r[i-1]) && letter(r[i]) && !vowel(r[i]) && vowel(r[i+1]) && fits(string(r[:i])+"-") {
			return string(r[:i]) + "-", string(r[i:]), true
		}
	}
	for i := len(r) - 3; i >= 2; i-- {
		if fits(string(r[:i]) + "-") {
			return string(r[:i]) + "-", string(r[i:]), true
		}
	}
	return word, "", false
}

func vowel(c rune) bool {
	return strings.ContainsRune("aeiouyáéíóúàèëïöüâêîôû", unicode.ToLower(c))
}

// title is the big heading of a report's first page or a department's page.
func (d *document) title(s string) {
	d.out.title(s)
	d.font("B", 18)
	d.textColor(accentColor)
	d.pdf.SetX(d.left)
	d.pdf.MultiCell(d.width, 8, s, "", "L", false)
	d.body()
}

// heading starts a section, with a bookmark, on the current page when at
// least minBody millimetres of its content fit below it.
func (d *document) heading(s string, minBody float64) {
	d.out.section(s)
	d.need(14 + minBody)
	if d.pdf.GetY() > pageMargin+1 {
		d.space(3)
	}
	d.pdf.Bookmark(s, 0, -1)
	d.font("B", 14)
	d.textColor(accentColor)
	d.pdf.SetX(d.left)
	d.pdf.MultiCell(d.width, 6.5, s, "", "L", false)
	d.space(2)
	d.body()
}

// subheading is a heading inside a section.
func (d *document) subheading(s string, minBody float64) {
	d.out.sub(s)
	d.need(9 + minBody)
	d.space(2)
	d.font("B", 11)
	d.textColor(accentColor)
	d.pdf.SetX(d.left)
	d.pdf.MultiCell(d.width, 5.2, s, "", "L", false)
	d.space(1)
	d.body()
}

// para is a paragraph of running text.
func (d *document) para(s string) {
	d.out.text("p", s)
	d.body()
	d.pdf.SetX(d.left)
	d.pdf.MultiCell(d.width, bodyLine, s, "", "L", false)
	d.space(1.5)
}

// note is small muted text: a caption, a legend or a caveat.
func (d *document) note(s string) {
	d.out.text("note", s)
	d.font("I", 8)
	d.textColor(mutedColor)
	d.pdf.SetX(d.left)
	d.pdf.MultiCell(d.width, 3.8, s, "", "L", false)
	d.space(1)
	d.body()
}

// span is a run of text in one style, for rich paragraphs.
type span struct {
	style string // "", "B" or "I"
	text  string
}

// rich writes spans as one flowing paragraph that starts at x and wraps
// back to x.
func (d *document) rich(x, lineH float64, spans ...span) {
	if d.out != nil {
		var b strings.Builder
		for _, s := range spans {
			b.WriteString(s.text)
		}
		d.out.text("lead", b.String())
	}
	d.drawRich(x, lineH, spans...)
}

// drawRich draws rich without recording it (a list item is recorded with
// its list).
func (d *document) drawRich(x, lineH float64, spans ...span) {
	pdf := d.pdf
	pdf.SetLeftMargin(x)
	pdf.SetX(x)
	for _, s := range spans {
		d.font(s.style, bodySize)
		pdf.Write(lineH, s.text)
	}
	pdf.Ln(lineH)
	pdf.SetLeftMargin(d.left)
	pdf.SetX(d.left)
	d.body()
}

// item is one bullet: an optional bold lead-in and its text.
type item struct{ lead, text string }

// bullets writes a bulleted list.
func (d *document) bullets(items []item) {
	d.out.list("list", items)
	for _, it := range items {
		d.body()
		est := float64(d.lines(it.lead+" "+it.text, d.width-6)) * bodyLine
		d.need(min(est, 3*bodyLine))
		y := d.pdf.GetY()
		d.textColor(accentColor)
		d.pdf.SetXY(d.left+1, y)
		d.pdf.CellFormat(4, bodyLine, "•", "", 0, "L", false, 0, "")
		d.textColor(inkColor)
		var spans []span
		if it.lead != "" {
			spans = append(spans, span{"B", it.lead + " "})
		}
		spans = append(spans, span{"", it.text})
		d.pdf.SetY(y)
		d.drawRich(d.left+5.5, bodyLine, spans...)
		d.space(1)
	}
}

// numbered writes a numbered list of lead-in and text.
func (d *document) numbered(items []item) {
	d.out.list("olist", items)
	for i, it := range items {
		d.body()
		d.need(3 * bodyLine)
		y := d.pdf.GetY()
		d.font("B", bodySize)
		d.textColor(accentColor)
		d.pdf.SetXY(d.left, y)
		d.pdf.CellFormat(6, bodyLine, d.num.integer(i+1)+".", "", 0, "L", false, 0, "")
		d.textColor(inkColor)
		d.pdf.SetY(y)
		d.drawRich(d.left+6, bodyLine, span{"B", it.lead + " "}, span{"", it.text})
		d.space(2)
	}
}

// box draws a filled box with a coloured left bar, for verdicts and
// call-outs; content draws inside it at the given inner width and returns
// nothing; the box is sized by measuring first.
func (d *document) box(stroke, fill rgb, height float64) (x, y float64) {
	x, y = d.left, d.pdf.GetY()
	d.fillColor(fill)
	d.pdf.Rect(x, y, d.width, height, "F")
	d.fillColor(stroke)
	d.pdf.Rect(x, y, 1.6, height, "F")
	return x, y
}
