// Package qrscan reads QR codes back for the tests, the way a phone would:
// with two independent decoders. It is test support and is not linked
// into trots.
//
// ZXing's Go port (gozxing) reads first. Its finder search misses about
// one symbol in a hundred of the slips' codes, at any resolution, while
// the symbols themselves are sound: ZBar (zbarimg, Debian's zbar-tools,
// installed by .ci/deps) reads every one of those. A symbol both miss is
// broken.
package qrscan

import (
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
)

// Scan decodes the one QR code in img.
func Scan(img image.Image) (string, error) {
	var errs []error
	for _, hints := range []map[gozxing.DecodeHintType]any{
		{gozxing.DecodeHintType_TRY_HARDER: true},
		{gozxing.DecodeHintType_PURE_BARCODE: true},
	} {
		bmp, err := gozxing.NewBinaryBitmapFromImage(img)
		if err != nil {
			return "", fmt.Errorf("qrscan: %w", err)
		}
		res, err := zxqr.NewQRCodeReader().Decode(bmp, hints)
		if err == nil {
			return res.GetText(), nil
		}
		errs = append(errs, fmt.Errorf("gozxing: %w", err))
	}
	text, err := zbar(img)
	if err == nil {
		return text, nil
	}
	errs = append(errs, err)
	return "", fmt.Errorf("qrscan: the code does not scan: %w", errors.Join(errs...))
}

// zbar decodes img with zbarimg.
func zbar(img image.Image) (string, error) {
	bin, err := exec.LookPath("zbarimg")
	if err != nil {
		return "", fmt.Errorf("zbarimg (zbar-tools) is not installed: run the tests with `make test`, which installs what they need")
	}
	dir, err := os.MkdirTemp("", "qrscan")
	if err != nil {
		return "", fmt.Errorf("zbar: %w", err)
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "code.png")
	f, err := os.Create(file)
	if err != nil {
		return "", fmt.Errorf("zbar: %w", err)
	}
	err = png.Encode(f, img)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("zbar: %w", err)
	}
	cmd := exec.Command(bin, "-q", "--raw", "-Sdisable", "-Sqrcode.enable", file)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("zbarimg: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) != 1 || lines[0] == "" {
		return "", fmt.Errorf("zbarimg: %d codes read, want one", len(lines))
	}
	return lines[0], nil
}
