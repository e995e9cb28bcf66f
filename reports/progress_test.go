package reports_test

import (
	"bytes"
	"testing"

	"trots/reports"
)

// progressLog records the calls of Options.Progress.
type progressLog struct{ calls [][2]int }

func (p *progressLog) record(done, total int) { p.calls = append(p.calls, [2]int{done, total}) }

// check fails unless the calls start at (0, total), never go backwards,
// always name the same total and end at (total, total).
func (p *progressLog) check(t *testing.T, total int) {
	t.Helper()
	if len(p.calls) < 2 {
		t.Fatalf("progress called %d times: %v", len(p.calls), p.calls)
	}
	if p.calls[0] != [2]int{0, total} {
		t.Errorf("first progress %v, want [0 %d]", p.calls[0], total)
	}
	for i, c := range p.calls {
		if c[1] != total || c[0] < 0 || c[0] > total {
			t.Errorf("progress %d = %v, want done within 0..%d of %d", i, c, total, total)
		}
		if i > 0 && c[0] < p.calls[i-1][0] {
			t.Errorf("progress went backwards: %v after %v", c, p.calls[i-1])
		}
	}
	if last := p.calls[len(p.calls)-1]; last != [2]int{total, total} {
		t.Errorf("last progress %v, want [%d %d]", last, total, total)
	}
}

// The organisation report counts every department of the analysis, one
// by one (suppressed ones included, so that the count gives nothing away),
// and the PDF is the same as without a progress callback.
func TestOrganisationReportReportsProgress(t *testing.T) {
	in := bigOrganisation(t)
	var log progressLog
	var buf bytes.Buffer
	if err := reports.Organisation(&buf, in, reports.Options{Lang: "en", CreationDate: created, Progress: log.record}); err != nil {
		t.Fatal(err)
	}
	n := len(in.Result.Departments)
	log.check(t, n)
	if len(log.calls) != n+1 {
		t.Errorf("%d progress calls for %d departments, want one per department and one at the start", len(log.calls), n)
	}
	if !bytes.Equal(buf.Bytes(), organisationPDF(t, in, "en")) {
		t.Error("the PDF differs with a progress callback")
	}
}

func TestDepartmentReportReportsProgress(t *testing.T) {
	dc := demoOrganisation(t)
	var log progressLog
	var buf bytes.Buffer
	name := dc.in.Result.Departments[0].Name
	if err := reports.Department(&buf, dc.in, name, reports.Options{Lang: "nl", CreationDate: created, Progress: log.record}); err != nil {
		t.Fatal(err)
	}
	log.check(t, 1)
}
