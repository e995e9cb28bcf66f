package reports

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"
)

// The accessible HTML page of a report: the outline the PDF's rendering
// recorded (outline.go), written as one self-contained file - semantic
// HTML with the language set, headings in order, real tables with
// captions and header cells, charts as inline SVG with a title, a
// description and their figures as a table, colour never the only
// carrier, inline CSS with a print stylesheet, no script and nothing
// fetched from elsewhere. Public bodies may publish it where the untagged
// PDF (fpdf cannot tag) falls short of WCAG 2.1 AA.

// Outputs are where a report is written: the PDF, the HTML page, or both
// from one rendering. A nil writer gets nothing; nothing is written to
// either unless both were made.
type Outputs struct {
	PDF, HTML io.Writer
}

//go:embed templates/report.html.tmpl templates/report.css
var htmlFiles embed.FS

var htmlPage = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"css": func() template.CSS {
		b, err := htmlFiles.ReadFile("templates/report.css")
		if err != nil {
			panic(err)
		}
		return template.CSS(b)
	},
	"n":           func(x float64) string { return fmt.Sprintf("%.1f", x) },
	"chartHeight": chartHeight,
	"chartRight":  func() float64 { return chartLabelW + chartPlotW },
	"chartLeft":   func() float64 { return chartLabelW },
	"half":        func(y float64) float64 { return y + chartRowH*0.4 },
	"orgY":        func(y float64) float64 { return y + chartRowH*0.72 },
	"bottom":      func(y float64) float64 { return y + chartRowH },
	"add":         func(a, b float64) float64 { return a + b },
}).ParseFS(htmlFiles, "templates/report.html.tmpl"))

// OrganisationTo writes the organisation report to out: the PDF, the
// HTML page, or both from one rendering.
func OrganisationTo(out Outputs, in Input, opts Options) error {
	v, err := newView(in, opts)
	if err != nil {
		return err
	}
	v.record = out.HTML != nil
	return renderTo(out, func() (*document, error) { return v.organisation(), nil })
}

// DepartmentTo writes the report of one department to out, as Department.
func DepartmentTo(out Outputs, in Input, department string, opts Options) error {
	v, err := newView(in, opts)
	if err != nil {
		return err
	}
	g, err := FindDepartment(in.Result, department)
	if err != nil {
		return err
	}
	v.record = out.HTML != nil
	return renderTo(out, func() (*document, error) { return v.department(g), nil })
}

// newDocument starts the view's document, recording its outline when the
// HTML page is asked for.
func (v *view) newDocument(info docInfo) *document {
	d := newDocument(v.lang, v.date, info)
	if v.record {
		d.out = &outline{Lang: v.lang, Title: clean(info.title), Footer: clean(info.footer),
			Anonymity: strings.ReplaceAll(tFooterAnonymity.f(v.lang, info.k), "{nb}", "")}
	}
	return d
}

// renderTo is render for both formats: the PDF is drawn (the outline is
// recorded while drawing), then each asked-for format is made in full
// before anything is written.
func renderTo(out Outputs, build func() (*document, error)) (err error) {
	renderSlots <- struct{}{}
	defer func() { <-renderSlots }()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("reports: render: %v", r)
		}
	}()
	d, err := build()
	if err != nil {
		return err
	}
	var pdf, page bytes.Buffer
	if out.PDF != nil {
		if err := d.pdf.Output(&pdf); err != nil {
			return fmt.Errorf("reports: render: %w", err)
		}
	}
	if out.HTML != nil {
		if d.out == nil {
			return fmt.Errorf("reports: render: no outline recorded")
		}
		if err := htmlPage.Execute(&page, d.out); err != nil {
			return fmt.Errorf("reports: render HTML: %w", err)
		}
	}
	if out.PDF != nil {
		if _, err := out.PDF.Write(pdf.Bytes()); err != nil {
			return err
		}
	}
	if out.HTML != nil {
		if _, err := out.HTML.Write(page.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// HTMLContentSecurityPolicy is the policy to serve the HTML page with: no
// script, nothing from elsewhere, and only the page's own stylesheet (by
// its hash), so that the page works inline under a strict policy.
func HTMLContentSecurityPolicy() string {
	b, err := htmlFiles.ReadFile("templates/report.css")
	if err != nil {
		panic(err)
	}
	sum := sha256.Sum256(b)
	return "default-src 'none'; style-src '" + "sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; img-src data:; " +
		"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}
