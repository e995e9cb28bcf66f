package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `trots report --format html` writes the accessible HTML page of the same
// report, owner-only like the PDF; an --out ending in .html asks for it
// too. The page carries the PDF's verdicts and suppression.
func TestReportWritesTheHTMLPage(t *testing.T) {
	dsn, _, pulse := seededDemo(t)
	dir := t.TempDir()
	pdf := filepath.Join(dir, "ict.pdf")
	if code, _, stderr := runReportCmd(t, "--db", dsn, "--pulse", pulse.ID, "--department", "ict", "--lang", "en", "--out", pdf, "--creation-date", "2026-01-31"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, tc := range []struct{ name, file string }{
		{"--format html", "ict.htm.out"},
		{"by extension", "ict.html"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, tc.file)
			args := []string{"--db", dsn, "--pulse", pulse.ID, "--department", "ict", "--lang", "en", "--out", out, "--creation-date", "2026-01-31"}
			if tc.name == "--format html" {
				args = append(args, "--format", "html")
			}
			code, stdout, stderr := runReportCmd(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.Contains(stdout, "HTML") {
				t.Errorf("stdout does not say HTML: %q", stdout)
			}
			info, err := os.Stat(out)
			if err != nil {
				t.Fatal(err)
			}
			if info.Mode().Perm() != 0o600 {
				t.Errorf("mode %v, want 0600", info.Mode().Perm())
			}
			page, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			html := string(page)
			if !strings.HasPrefix(html, "<!DOCTYPE html>") || !strings.Contains(html, `<html lang="en">`) {
				t.Fatalf("not an English HTML page: %q", html[:min(len(html), 80)])
			}
			text := pdfToText(t, pdf)
			for _, want := range []string{"ICT", "FIX FIRST", "Fix these first", "Promise and reality"} {
				if !strings.Contains(text, want) || !strings.Contains(html, want) {
					t.Errorf("%q is not in both the PDF and the HTML page", want)
				}
			}
			if strings.Contains(html, "<script") || strings.Contains(html, "http://") || strings.Contains(html, "https://") {
				t.Error("the page holds a script or refers elsewhere")
			}
		})
	}
}
