// Package qr turns a survey link into a QR code that a phone camera reads
// from a screen or from a poster across a canteen: the module matrix
// (encoded by github.com/skip2/go-qrcode) and its drawings as SVG and PNG.
// The poster (package reports) draws the same matrix as vector shapes.
//
// Error correction is level Q (a quarter of the code may be lost): a
// printed poster gets creased, stained and photographed at an angle, and
// a survey link is short enough for the larger symbol to stay coarse.
package qr

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// QuietZone is the light margin around the symbol, in modules: the four
// the standard (ISO/IEC 18004) asks for, so that scanners find the edges.
const QuietZone = 4

// Code is an encoded QR symbol: Size x Size modules, without the quiet
// zone.
type Code struct {
	text string
	size int
	dark []bool // row by row
}

// Encode makes the QR code of text (a URL) at error correction level Q.
func Encode(text string) (*Code, error) {
	if text == "" {
		return nil, fmt.Errorf("qr: nothing to encode")
	}
	q, err := qrcode.New(text, qrcode.High) // "High" is level Q (25%) in go-qrcode
	if err != nil {
		return nil, fmt.Errorf("qr: encode %d bytes: %w", len(text), err)
	}
	q.DisableBorder = true // the quiet zone is drawn by each renderer
	bm := q.Bitmap()
	c := &Code{text: text, size: len(bm), dark: make([]bool, len(bm)*len(bm))}
	for y, row := range bm {
		if len(row) != c.size {
			return nil, fmt.Errorf("qr: bitmap row %d has %d modules, want %d", y, len(row), c.size)
		}
		copy(c.dark[y*c.size:], row)
	}
	return c, nil
}

// Text is what the code holds.
func (c *Code) Text() string { return c.text }

// Size is the number of modules per side, without the quiet zone
// (21 for version 1, 4 more per version).
func (c *Code) Size() int { return c.size }

// Dark reports whether the module in column x, row y is dark; outside the
// symbol (the quiet zone) everything is light.
func (c *Code) Dark(x, y int) bool {
	if x < 0 || y < 0 || x >= c.size || y >= c.size {
		return false
	}
	return c.dark[y*c.size+x]
}

// Run is a horizontal stretch of dark modules in one row: columns X to
// X+Len-1 of row Y. Drawing runs instead of single modules keeps SVG and
// PDF small and leaves no hairline seams between neighbours.
type Run struct{ X, Y, Len int }

// Runs lists the dark runs row by row, left to right.
func (c *Code) Runs() []Run {
	var out []Run
	for y := 0; y < c.size; y++ {
		for x := 0; x < c.size; {
			if !c.Dark(x, y) {
				x++
				continue
			}
			start := x
			for x < c.size && c.Dark(x, y) {
				x++
			}
			out = append(out, Run{X: start, Y: y, Len: x - start})
		}
	}
	return out
}

// SVG draws the code with its quiet zone, one user unit per module, as a
// single path of dark runs on a white square. crispEdges keeps renderers
// from blurring module edges; title (the department's link, say) names
// the image for screen readers. The image is px pixels wide (0: 8 per
// module); it scales without loss.
func (c *Code) SVG(title string, px int) []byte {
	n := c.size + 2*QuietZone
	if px <= 0 {
		px = 8 * n
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n")
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="%d" height="%d" viewBox="0 0 %d %d" shape-rendering="crispEdges" role="img" aria-labelledby="qr-title">`, px, px, n, n)
	b.WriteString(`<title id="qr-title">`)
	_ = xml.EscapeText(&b, []byte(title))
	b.WriteString("</title>")
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`, n, n)
	b.WriteString(`<path fill="#000000" d="`)
	var d strings.Builder
	for _, r := range c.Runs() {
		d.WriteString("M")
		d.WriteString(strconv.Itoa(r.X + QuietZone))
		d.WriteString(" ")
		d.WriteString(strconv.Itoa(r.Y + QuietZone))
		d.WriteString("h")
		d.WriteString(strconv.Itoa(r.Len))
		d.WriteString("v1h-")
		d.WriteString(strconv.Itoa(r.Len))
		d.WriteString("z")
	}
	b.WriteString(d.String())
	b.WriteString(`"/></svg>` + "\n")
	return b.Bytes()
}

// PNG draws the code with its quiet zone at scale pixels per module, as a
// two-colour image.
func (c *Code) PNG(scale int) ([]byte, error) {
	if scale < 1 || scale > 64 {
		return nil, fmt.Errorf("qr: scale %d out of range 1..64", scale)
	}
	n := (c.size + 2*QuietZone) * scale
	img := image.NewPaletted(image.Rect(0, 0, n, n), color.Palette{color.White, color.Black})
	// Index 0 (white) is the zero value: only dark pixels are set.
	for _, r := range c.Runs() {
		y0 := (r.Y + QuietZone) * scale
		x0 := (r.X + QuietZone) * scale
		for y := y0; y < y0+scale; y++ {
			row := img.Pix[y*img.Stride:]
			for x := x0; x < x0+r.Len*scale; x++ {
				row[x] = 1
			}
		}
	}
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("qr: png: %w", err)
	}
	return b.Bytes(), nil
}
