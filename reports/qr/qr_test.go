package qr_test

import (
	"bytes"
	"encoding/xml"
	"image"
	"image/png"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"

	"trots/reports/qr"
)

// Links as trots makes them: a department's link and an invitation, on a
// short host and on a long one behind a path.
var links = []string{
	"http://127.0.0.1:8080/s/abcdefghijklmnopqrstuvwxyz",
	"https://trots.example.org/s/q2rxk7v3m4d5ab6cdefghijklm",
	"https://enquetes.gemeente-voorbeeldstad.example.nl/medewerkers/trots/i/zz7yx6wv5ut4srqponmlkjihgf",
}

// decode reads a QR code from an image with an independent decoder
// (ZXing's port), the way a phone would, and checks that its error
// correction level, which the decoder reads from the symbol's format
// bits, is Q.
func decode(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil {
		t.Fatalf("the QR code does not scan: %v", err)
	}
	if ec := res.GetResultMetadata()[gozxing.ResultMetadataType_ERROR_CORRECTION_LEVEL]; ec != "Q" {
		t.Fatalf("error correction level %v, want Q", ec)
	}
	return res.GetText()
}

func TestPNGScansBackToTheLink(t *testing.T) {
	for _, link := range links {
		c, err := qr.Encode(link)
		if err != nil {
			t.Fatal(err)
		}
		if c.Text() != link {
			t.Fatalf("Text = %q", c.Text())
		}
		for _, scale := range []int{3, 10} {
			b, err := c.PNG(scale)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			want := (c.Size() + 2*qr.QuietZone) * scale
			if w, h := img.Bounds().Dx(), img.Bounds().Dy(); w != want || h != want {
				t.Fatalf("PNG %dx%d, want %dx%d", w, h, want, want)
			}
			// The quiet zone is light all round.
			for i := 0; i < want; i++ {
				for _, p := range [][2]int{{i, 0}, {0, i}, {i, want - 1}, {want - 1, i}, {i, qr.QuietZone*scale - 1}} {
					if r, _, _, _ := img.At(p[0], p[1]).RGBA(); r < 0x8000 {
						t.Fatalf("dark pixel at %v in the quiet zone", p)
					}
				}
			}
			if got := decode(t, img); got != link {
				t.Fatalf("scanned %q, want %q", got, link)
			}
		}
	}
}

// A scanner still reads the code with a block of modules blotted out (a
// sticker, a stain): that is what the error correction is for.
func TestCodeSurvivesDamage(t *testing.T) {
	link := links[1]
	c, err := qr.Encode(link)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.PNG(6)
	if err != nil {
		t.Fatal(err)
	}
	src, _ := png.Decode(bytes.NewReader(b))
	img := image.NewGray(src.Bounds())
	for y := 0; y < img.Bounds().Dy(); y++ {
		for x := 0; x < img.Bounds().Dx(); x++ {
			img.Set(x, y, src.At(x, y))
		}
	}
	// Blot out a 5x5 block of data modules below the middle, away from
	// the finder, timing and format patterns.
	x0, y0 := (qr.QuietZone+c.Size()/2+1)*6, (qr.QuietZone+c.Size()/2+2)*6
	flipped := 0
	for y := y0; y < y0+5*6; y++ {
		for x := x0; x < x0+5*6; x++ {
			if img.Pix[y*img.Stride+x] != 0 {
				flipped++
			}
			img.Pix[y*img.Stride+x] = 0
		}
	}
	if flipped < 5*6*6 { // at least five modules changed
		t.Fatalf("the blot changed only %d pixels", flipped)
	}
	if got := decode(t, img); got != link {
		t.Fatalf("damaged code scanned %q", got)
	}
}

// svgDoc is the part of the SVG the test reads.
type svgDoc struct {
	XMLName xml.Name `xml:"svg"`
	ViewBox string   `xml:"viewBox,attr"`
	Shape   string   `xml:"shape-rendering,attr"`
	Role    string   `xml:"role,attr"`
	Title   string   `xml:"title"`
	Rect    struct {
		Width  string `xml:"width,attr"`
		Height string `xml:"height,attr"`
		Fill   string `xml:"fill,attr"`
	} `xml:"rect"`
	Path struct {
		D string `xml:"d,attr"`
	} `xml:"path"`
}

var runPattern = regexp.MustCompile(`^M(\d+) (\d+)h(\d+)v1h-(\d+)z`)

func TestSVGIsWellFormedWithEveryModule(t *testing.T) {
	link := links[0]
	c, err := qr.Encode(link)
	if err != nil {
		t.Fatal(err)
	}
	title := `Survey link of "R&D <Lab>"`
	b := c.SVG(title, 0)
	var doc svgDoc
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.Strict = true
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, b)
	}
	n := c.Size() + 2*qr.QuietZone
	if doc.ViewBox != "0 0 "+strconv.Itoa(n)+" "+strconv.Itoa(n) {
		t.Fatalf("viewBox %q, want %d modules with the quiet zone", doc.ViewBox, n)
	}
	if doc.Shape != "crispEdges" || doc.Role != "img" || doc.Title != title {
		t.Fatalf("shape-rendering %q, role %q, title %q", doc.Shape, doc.Role, doc.Title)
	}
	if doc.Rect.Width != strconv.Itoa(n) || doc.Rect.Fill != "#ffffff" {
		t.Fatalf("background %+v", doc.Rect)
	}
	// Paint the path back into a grid: it must be the code, module for
	// module, with nothing in the quiet zone.
	grid := make([][]bool, n)
	for i := range grid {
		grid[i] = make([]bool, n)
	}
	d := doc.Path.D
	for d != "" {
		m := runPattern.FindStringSubmatch(d)
		if m == nil {
			t.Fatalf("unexpected path data at %q", d[:min(len(d), 30)])
		}
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		l, _ := strconv.Atoi(m[3])
		if back, _ := strconv.Atoi(m[4]); back != l {
			t.Fatalf("run %q does not close", m[0])
		}
		for i := x; i < x+l; i++ {
			if grid[y][i] {
				t.Fatalf("module %d,%d drawn twice", i, y)
			}
			grid[y][i] = true
		}
		d = strings.TrimPrefix(d, m[0])
	}
	dark := 0
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			want := c.Dark(x-qr.QuietZone, y-qr.QuietZone)
			if grid[y][x] != want {
				t.Fatalf("module %d,%d: drawn %v, code %v", x, y, grid[y][x], want)
			}
			if want {
				dark++
			}
		}
	}
	// Version 3 or more at level Q for a 44-character link: 29+ modules.
	if c.Size() < 29 || (c.Size()-17)%4 != 0 || dark < c.Size()*c.Size()/3 {
		t.Fatalf("size %d, %d dark modules", c.Size(), dark)
	}
}

func TestEncodeRefusesWhatCannotBeACode(t *testing.T) {
	if _, err := qr.Encode(""); err == nil {
		t.Fatal("empty text encoded")
	}
	if _, err := qr.Encode(strings.Repeat("x", 5000)); err == nil {
		t.Fatal("5000 bytes encoded")
	}
	c, _ := qr.Encode(links[0])
	if _, err := c.PNG(0); err == nil {
		t.Fatal("scale 0 accepted")
	}
}
