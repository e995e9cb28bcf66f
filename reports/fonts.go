package reports

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// The Go fonts are embedded (through golang.org/x/image) as UTF-8 TrueType
// fonts; they draw Latin (all of Europe's), Greek and Cyrillic. A report
// whose names or comments use a script they lack - Arabic, Hebrew - is set
// in DejaVu Sans instead (Debian's fonts-dejavu-core 2.37, embedded in
// fonts/, licence beside it), which has those too, in one family so that
// nothing needs to switch fonts within a line. fpdf embeds only the glyphs
// a document uses. Scripts neither font has (Chinese, Japanese, Korean,
// emoji) cannot be printed: a comment in them is replaced by a note that
// says so and where to read it (unprintableComment), and in a name each
// such run of characters is shown as "[…]". Never "?".
const fontFamily = "go"

//go:embed fonts/DejaVuSans.ttf
var dejaVuSans []byte

// addFonts registers the family of a document: the Go fonts, or DejaVu
// Sans (one weight, used for all three styles) when wide.
func addFonts(pdf *fpdf.Fpdf, wide bool) {
	if wide {
		for _, style := range []string{"", "B", "I"} {
			pdf.AddUTF8FontFromBytes(fontFamily, style, dejaVuSans)
		}
		return
	}
	pdf.AddUTF8FontFromBytes(fontFamily, "", goregular.TTF)
	pdf.AddUTF8FontFromBytes(fontFamily, "B", gobold.TTF)
	pdf.AddUTF8FontFromBytes(fontFamily, "I", goitalic.TTF)
}

var (
	glyphsOnce     sync.Once
	goGlyphs, dvGl *sfnt.Font
)

func covers(f *sfnt.Font, r rune) bool {
	if f == nil {
		return false
	}
	var buf sfnt.Buffer
	i, err := f.GlyphIndex(&buf, r)
	return err == nil && i != 0
}

func loadGlyphs() {
	glyphsOnce.Do(func() {
		goGlyphs, _ = sfnt.Parse(goregular.TTF)
		dvGl, _ = sfnt.Parse(dejaVuSans)
	})
}

// hasGlyph reports whether the Go fonts can draw r.
func hasGlyph(r rune) bool {
	if r >= ' ' && r < 0x7f {
		return true
	}
	loadGlyphs()
	return r <= 0xFFFF && covers(goGlyphs, r)
}

// printableRune reports whether some embedded font draws r (fpdf cannot
// draw characters beyond the Basic Multilingual Plane at all).
func printableRune(r rune) bool {
	if hasGlyph(r) {
		return true
	}
	if r > 0xFFFF {
		return false
	}
	if shaped, ok := arabicForms[r]; ok {
		r = shaped[0]
	}
	return covers(dvGl, r)
}

// needsWide reports whether any of texts needs DejaVu Sans: a character
// the Go fonts lack that DejaVu has.
func needsWide(texts ...string) bool {
	for _, s := range texts {
		for _, r := range s {
			if unicode.IsSpace(r) || unicode.IsControl(r) || hasGlyph(r) {
				continue
			}
			if printableRune(r) {
				return true
			}
		}
	}
	return false
}

// printable reports whether every character of s can be drawn.
func printable(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && !unicode.IsControl(r) && !printableRune(r) {
			return false
		}
	}
	return true
}

// clean makes text that came from outside (names, comments) safe for fpdf,
// which is archived and must only get validated data: whitespace and
// control characters become single spaces, a run of characters no
// embedded font can draw becomes "[…]" (fpdf would index its width tables
// out of range for characters beyond the Basic Multilingual Plane), and
// Arabic and Hebrew are shaped and put in visual order (script.go).
func clean(s string) string {
	var out []rune
	space, missing := false, false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space, missing = len(out) > 0, false
			continue
		case !printableRune(r):
			if missing {
				continue // one mark per run
			}
			missing = true
			if space {
				out = append(out, ' ')
				space = false
			}
			out = append(out, []rune("[…]")...)
			continue
		}
		missing = false
		if space {
			out = append(out, ' ')
			space = false
		}
		out = append(out, r)
	}
	if strings.ContainsFunc(string(out), rtl) {
		out = visualOrder(shapeArabic(out))
	}
	return string(out)
}
