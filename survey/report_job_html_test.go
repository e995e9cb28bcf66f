package survey_test

import (
	"bytes"
	"testing"

	"trots/survey"
	"trots/survey/storetest"
)

// A done job keeps its HTML page beside its PDF, for its owner only; a job
// done before pages were made (no page) says so with its own key; a job
// is not finished without a page; the pages count towards the bytes kept
// and go with their PDFs when trimmed.
func TestReportJobKeepsItsHTMLPage(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		f := newReportJobFixture(t, dsn)
		j := f.mustCreate(t, f.anna, f.dept.ID)
		if _, _, err := f.s.ReportJobHTML(ctx, j.ID, f.anna.ID); survey.ErrorKey(err) != survey.KeyReportNotReady {
			t.Fatalf("page of a queued job: %v", err)
		}
		if err := f.s.StartReportJob(ctx, j.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.s.FinishReportJob(ctx, j.ID, []byte("%PDF"), nil), survey.EInvalid)
		page := []byte("<!DOCTYPE html><html lang=nl>")
		if err := f.s.FinishReportJob(ctx, j.ID, []byte("%PDF-1.4"), page); err != nil {
			t.Fatal(err)
		}
		if _, got, err := f.s.ReportJobHTML(ctx, j.ID, f.anna.ID); err != nil || !bytes.Equal(got, page) {
			t.Fatalf("page = %q, %v", got, err)
		}
		if _, _, err := f.s.ReportJobHTML(ctx, j.ID, f.bert.ID); survey.ErrorCode(err) != survey.ENotFound {
			t.Errorf("another user's page: %v", err)
		}

		// As if done before migration 11.
		if err := survey.WriterDB(f.s).Exec("UPDATE report_jobs SET html = NULL WHERE id = ?", j.ID).Error; err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.s.ReportJobHTML(ctx, j.ID, f.anna.ID); survey.ErrorKey(err) != survey.KeyReportNoHTML || survey.ErrorCode(err) != survey.ENotFound {
			t.Errorf("page of an old job: %v", err)
		}
		if _, pdf, err := f.s.ReportJobPDF(ctx, j.ID, f.anna.ID); err != nil || string(pdf) != "%PDF-1.4" {
			t.Errorf("the old job's PDF: %q, %v", pdf, err)
		}

		// Trimmed: a PDF of 10 bytes is under a cap of 50, with its page
		// of 100 it is over.
		k := f.mustCreateIn(t, f.anna, f.dept.ID, "en")
		if err := f.s.StartReportJob(ctx, k.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.s.FinishReportJob(ctx, k.ID, bytes.Repeat([]byte("%"), 10), bytes.Repeat([]byte("<"), 100)); err != nil {
			t.Fatal(err)
		}
		if n, err := f.s.TrimReportPDFs(ctx, 50); err != nil || n == 0 {
			t.Fatalf("trimmed %d, %v", n, err)
		}
		if _, _, err := f.s.ReportJobHTML(ctx, k.ID, f.anna.ID); survey.ErrorKey(err) != survey.KeyReportNotReady {
			t.Errorf("page of a trimmed job: %v", err)
		}
	})
}
