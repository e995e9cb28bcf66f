package server

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"trots/reports"
	"trots/reports/qr"
	"trots/server/i18n"
	"trots/survey"
)

// What HR downloads for one department's link: its QR code (SVG for print
// and slides, PNG for everything else), its A4 poster, and invitations.

// pulseLinkQR serves the QR code of a department's link as format ("svg"
// or "png").
func (s *Server) pulseLinkQR(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		t, err := s.loadLinkTarget(c)
		if err != nil {
			return s.refuseDownload(c, err)
		}
		if refused, err := s.refuseLinkWay(c, t.pulse, false); refused {
			return err
		}
		code, err := qr.Encode(t.url)
		if err != nil {
			return err
		}
		if err := s.audit(c, "links.download", auditLink(t.pulse, t.dept), "QR code ("+format+")"); err != nil {
			return err
		}
		name := "trots-qr-" + fileSlug(t.dept.Name) + "." + format
		noStore(c, `inline; filename="`+name+`"`)
		if format == "svg" {
			title := i18n.T(s.consoleLang(c), "links_qr_title", t.dept.Name)
			return c.Blob(http.StatusOK, "image/svg+xml", code.SVG(title, 0))
		}
		// 10 pixels a module: about 450 pixels for a typical link, sharp
		// on a slide and in an e-mail.
		b, err := code.PNG(10)
		if err != nil {
			return err
		}
		return c.Blob(http.StatusOK, "image/png", b)
	}
}

// pulseLinkPoster serves the A4 poster of a department's link, in ?lang=
// (the organisation's language without one).
func (s *Server) pulseLinkPoster(c echo.Context) error {
	lang, ok := s.langOrDefault(c, c.QueryParam("lang"))
	// ?lang= is the poster's language here, not the console's: a refusal
	// page stays in the console's language, and downloading an English
	// poster does not switch the console to English.
	c.QueryParams().Del("lang")
	if !ok {
		return s.linksRefusal(c, http.StatusBadRequest, "links_error_lang", "", "")
	}
	t, err := s.loadLinkTarget(c)
	if err != nil {
		return s.refuseDownload(c, err)
	}
	if refused, err := s.refuseLinkWay(c, t.pulse, false); refused {
		return err
	}
	ctx := c.Request().Context()
	q, err := s.cfg.Questionnaire(t.pulse.QuestionnaireID, t.pulse.QuestionnaireVersion)
	if err != nil {
		return err
	}
	// The poster states the art. 13 essentials from the settings: without
	// them it is not made.
	st, err := s.store.Settings(ctx)
	if err != nil {
		return err
	}
	closes := t.pulse.Closes
	if !closes.IsZero() {
		closes = closes.In(pulseLocation())
	}
	retention := t.pulse.RetentionMonths
	if retention == 0 {
		retention = st.RetentionMonths
	}
	in := reports.PosterInput{Organisation: st.Name, Department: t.dept.Name, URL: t.url, MinGroup: t.pulse.MinGroup,
		Questions: len(q.Items), Seconds: q.AnswerSeconds(), Closes: closes,
		Privacy: reports.PosterPrivacy{Controller: st.ControllerName(), Contact: st.ControllerContact, DPO: st.DPOContact,
			Purpose: st.Purpose(lang), LawfulBasis: string(st.LawfulBasis), RetentionMonths: retention, URL: st.PrivacyURL}}
	start := time.Now()
	var buf bytes.Buffer
	if err := reports.Poster(&buf, in, reports.Options{Lang: lang, CreationDate: s.cfg.Now()}); err != nil {
		return err
	}
	s.cfg.Metrics.ObserveReport("poster", time.Since(start))
	if err := s.audit(c, "links.download", auditLink(t.pulse, t.dept), "poster ("+lang+")"); err != nil {
		return err
	}
	noStore(c, `attachment; filename="trots-poster-`+fileSlug(t.dept.Name)+"-"+lang+`.pdf"`)
	return c.Blob(http.StatusOK, "application/pdf", buf.Bytes())
}

// pulseLinkInvitations makes a batch of single-use invitations for a
// department and sends them as CSV for a mail merge: one row per
// invitation, the department and the invitation's address, nothing else.
// The store keeps only hashes of the tokens, so this download is the only
// copy; a refused count stores nothing and shows the page again.
func (s *Server) pulseLinkInvitations(c echo.Context) error {
	t, err := s.loadLinkTarget(c)
	if err != nil {
		return s.refuseDownload(c, err)
	}
	if refused, err := s.refuseLinkWay(c, t.pulse, true); refused {
		return err
	}
	raw := strings.TrimSpace(c.Request().PostFormValue("count"))
	n, bad := batchCount(raw, maxInvitationsPerBatch)
	if bad != "" {
		return s.linksRefusal(c, http.StatusBadRequest, "links_count_"+bad, t.dept.ID, raw)
	}
	st, err := s.linksStore()
	if err != nil {
		return err
	}
	tokens, err := st.CreateInvitations(c.Request().Context(), t.pulse.ID, t.dept.ID, n)
	if survey.ErrorCode(err) == survey.EInvalid {
		return s.linksRefusal(c, http.StatusBadRequest, "links_count_range", t.dept.ID, raw)
	}
	if err != nil {
		return httpError(err)
	}
	if err := s.audit(c, "invitations.issue", auditLink(t.pulse, t.dept), fmt.Sprintf("%d single-use invitations", len(tokens))); err != nil {
		return err
	}
	base, _ := s.publicBase(c)
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"department", "invitation_url"})
	name := csvSafe(t.dept.Name)
	for _, tok := range tokens {
		_ = w.Write([]string{name, base + "/i/" + tok})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	noStore(c, `attachment; filename="trots-invitations-`+fileSlug(t.dept.Name)+`.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// batchCount reads the count of a batch form (invitations, personal
// codes): a whole number from 1 to most. bad names what is wrong with
// raw - "missing", "nan" or "range" - and is empty for a good count.
func batchCount(raw string, most int) (n int, bad string) {
	n, err := strconv.Atoi(raw)
	switch {
	case raw == "":
		return 0, "missing"
	case errors.Is(err, strconv.ErrRange):
		return 0, "range"
	case err != nil:
		return 0, "nan"
	case n < 1 || n > most:
		return 0, "range"
	}
	return n, ""
}
