package reports_test

import (
	"bytes"
	"io"
	"testing"

	"trots/reports"
)

// BenchmarkOrganisationReport200 renders the organisation report of 200
// departments (the demo departments of seeds 1-20; about 150 of them shown,
// so about 170 pages). The analysis runs before the timer.
func BenchmarkOrganisationReport200(b *testing.B) {
	in := bigOrganisation(b)
	opts := reports.Options{Lang: "nl", CreationDate: created}
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := reports.Organisation(&buf, in, opts); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size)/1e6, "MB/report")
}

// BenchmarkDepartmentReport renders one department report (a FIX FIRST
// department with comments, four pages).
func BenchmarkDepartmentReport(b *testing.B) {
	c := demoOrganisation(b)
	opts := reports.Options{Lang: "nl", CreationDate: created}
	for b.Loop() {
		if err := reports.Department(io.Discard, c.in, "Klantenservice", opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOrganisationReport200Both renders the same report as the PDF
// and the HTML page in one rendering, as a report job does: the page adds
// its outline and template to the PDF's cost.
func BenchmarkOrganisationReport200Both(b *testing.B) {
	in := bigOrganisation(b)
	opts := reports.Options{Lang: "nl", CreationDate: created}
	var size int
	for b.Loop() {
		var pdf, page bytes.Buffer
		if err := reports.OrganisationTo(reports.Outputs{PDF: &pdf, HTML: &page}, in, opts); err != nil {
			b.Fatal(err)
		}
		size = page.Len()
	}
	b.ReportMetric(float64(size)/1e6, "MB/page")
}
