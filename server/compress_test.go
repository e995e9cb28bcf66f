package server_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"trots/server"
)

// The survey is read on phones, often on a slow connection: its page, style
// sheet and script go out compressed, and the page with both stays under
// 15 KB over the wire. PDFs are compressed already and go out as they are.
func TestSurveyPageIsSmallOverTheWire(t *testing.T) {
	e := newSurveyEnv(t, filepath.Join(t.TempDir(), "gzip.db"), "advocacy-readiness", server.Config{})
	gz := map[string]string{"Accept-Encoding": "gzip"}

	page := e.get("/s/"+e.link.Code, gz)
	if page.status != http.StatusOK {
		t.Fatalf("survey page: %d", page.status)
	}
	html := gunzip(t, page, "the survey page")
	if !strings.Contains(html, "<form") {
		t.Fatalf("the decompressed survey page has no form:\n%.300s", html)
	}
	total := len(page.body)
	for _, asset := range regexp.MustCompile(`/static/[^"]+\.(?:css|js)`).FindAllString(html, -1) {
		r := e.get(asset, gz)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d", asset, r.status)
		}
		gunzip(t, r, asset)
		if cc := r.header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("%s: Cache-Control %q, want a long immutable lifetime", asset, cc)
		}
		total += len(r.body)
	}
	t.Logf("survey page over the wire: %d bytes of HTML (%d uncompressed), %d with its style sheet and script", len(page.body), len(html), total)
	if total >= 15*1024 {
		t.Errorf("the survey page with its style sheet and script is %d bytes over the wire, want under 15 KB", total)
	}

	// A client that does not ask for gzip gets the page as it is.
	plain := e.get("/s/"+e.link.Code, nil)
	if plain.header.Get("Content-Encoding") != "" || !strings.Contains(plain.body, "<form") {
		t.Fatalf("without Accept-Encoding: Content-Encoding %q", plain.header.Get("Content-Encoding"))
	}
}

func gunzip(t *testing.T, r reply, what string) string {
	t.Helper()
	if ce := r.header.Get("Content-Encoding"); ce != "gzip" {
		t.Fatalf("%s: Content-Encoding %q, want gzip", what, ce)
	}
	if !strings.Contains(r.header.Get("Vary"), "Accept-Encoding") {
		t.Errorf("%s: Vary %q lacks Accept-Encoding (a cache would hand gzip to clients that cannot read it)", what, r.header.Get("Vary"))
	}
	zr, err := gzip.NewReader(bytes.NewReader([]byte(r.body)))
	if err != nil {
		t.Fatalf("%s: not gzip: %v", what, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return string(b)
}
