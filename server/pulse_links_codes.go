package server

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"trots/reports"
	"trots/survey"
)

// pulseLinkCodes makes a batch of personal codes for a department and
// sends them as an A4 PDF of slips to cut out, in the language asked for
// (slip_lang; the organisation's without one). The store keeps only
// hashes of the codes, so this download is the only copy; a refused count
// or language stores nothing and shows the page again.
func (s *Server) pulseLinkCodes(c echo.Context) error {
	t, err := s.loadLinkTarget(c)
	if err != nil {
		return s.refuseDownload(c, err)
	}
	if refused, err := s.refuseLinkWay(c, t.pulse, true); refused {
		return err
	}
	raw := strings.TrimSpace(c.Request().PostFormValue("count"))
	n, bad := batchCount(raw, survey.MaxCodeBatch)
	if bad != "" {
		return s.codesRefusal(c, "links_codes_"+bad, t.dept.ID, raw)
	}
	lang, ok := s.langOrDefault(c, c.Request().PostFormValue("slip_lang"))
	if !ok {
		return s.codesRefusal(c, "links_codes_lang_error", t.dept.ID, raw)
	}
	st, err := s.linksStore()
	if err != nil {
		return err
	}
	codes, err := st.CreateCodes(c.Request().Context(), t.pulse.ID, t.dept.ID, n)
	if survey.ErrorCode(err) == survey.EInvalid {
		return s.codesRefusal(c, "links_codes_range", t.dept.ID, raw)
	}
	if err != nil {
		return httpError(err)
	}
	if err := s.audit(c, "codes.issue", auditLink(t.pulse, t.dept), fmt.Sprintf("%d personal codes", len(codes))); err != nil {
		return err
	}
	base, _ := s.publicBase(c)
	in := reports.SlipsInput{Organisation: s.orgName(c), Department: t.dept.Name, Base: base, Closes: t.pulse.Closes}
	if !in.Closes.IsZero() {
		in.Closes = in.Closes.In(pulseLocation())
	}
	for _, code := range codes {
		in.Codes = append(in.Codes, survey.FormatCode(code))
	}
	start := time.Now()
	var buf bytes.Buffer
	if err := reports.Slips(&buf, in, reports.Options{Lang: lang, CreationDate: s.cfg.Now()}); err != nil {
		return err
	}
	s.cfg.Metrics.ObserveReport("slips", time.Since(start))
	noStore(c, `attachment; filename="trots-codes-`+fileSlug(t.dept.Name)+"-"+lang+`.pdf"`)
	return c.Blob(http.StatusOK, "application/pdf", buf.Bytes())
}

// codesRefusal shows the links page again with a refused codes form: the
// field keeps its value and says what was wrong.
func (s *Server) codesRefusal(c echo.Context, key, rowID, count string) error {
	return s.refuseLinksForm(c, http.StatusBadRequest, key, rowID, count, "codes-", func(r *linkRowView, count, msg string) {
		r.CodesCount, r.CodesError = count, msg
	})
}
