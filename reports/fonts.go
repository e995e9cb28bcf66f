package reports

import (
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
// fonts, so that ë, é, ï, € and the other characters of Dutch and English
// render; fpdf embeds only the glyphs a document uses.
const fontFamily = "go"

func addFonts(pdf *fpdf.Fpdf) {
	pdf.AddUTF8FontFromBytes(fontFamily, "", goregular.TTF)
	pdf.AddUTF8FontFromBytes(fontFamily, "B", gobold.TTF)
	pdf.AddUTF8FontFromBytes(fontFamily, "I", goitalic.TTF)
}

var (
	glyphsOnce sync.Once
	glyphs     *sfnt.Font
)

// hasGlyph reports whether the embedded fonts can draw r.
func hasGlyph(r rune) bool {
	if r >= ' ' && r < 0x7f {
		return true
	}
	glyphsOnce.Do(func() {
		glyphs, _ = sfnt.Parse(goregular.TTF)
	})
	if glyphs == nil {
		return r < 0x80
	}
	var buf sfnt.Buffer
	i, err := glyphs.GlyphIndex(&buf, r)
	return err == nil && i != 0
}

// clean makes text that came from outside (names, comments) safe for fpdf,
// which is archived and must only get validated data: whitespace and
// control characters become single spaces, and a character the fonts
// cannot draw becomes "?" (fpdf would index its width tables out of range
// for characters beyond the Basic Multilingual Plane).
func clean(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = b.Len() > 0
			continue
		case r > 0xFFFF || !hasGlyph(r):
			r = '?'
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
