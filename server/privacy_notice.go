package server

import (
	"trots/server/i18n"
	"trots/survey"
)

// The art. 13 AVG/GDPR notice of the survey and thank-you pages
// (templates/privacy.html): a compact block - voluntary, who is
// responsible, the purpose, what stays in the browser - with the rest
// behind a <details> element, which needs no script. Its facts come from
// the organisation settings (controller, DPO, purpose, lawful basis,
// privacy statement) and from the pulse (thresholds, retention, whether
// leads read comments), so that what it says is what trots does.

// privacyNotice is the notice as the template shows it, in one language.
type privacyNotice struct {
	Summary    string
	Controller string
	DPO        string
	Purpose    string
	Basis      string
	// Cookie says what the page's cookie holds (open links) or that
	// there is none (invitations, personal codes).
	Cookie string
	Who    []string
	// Retention is empty when the pulse is not known (a thank-you page
	// reached without it).
	Retention string
	// URL and URLText link the full privacy statement, when set.
	URL, URLText string
}

// newPrivacyNotice builds the notice in lang. p may be the zero pulse
// (unknown): then thresholds and retention are left out rather than
// guessed. viaLink: answers go through an open department link, which
// sets the "answered" cookie (survey_device.go).
func newPrivacyNotice(lang string, st survey.Settings, p survey.Pulse, viaLink bool) privacyNotice {
	controller := st.ControllerName()
	n := privacyNotice{
		Summary: i18n.T(lang, "art13_summary", controller, st.Purpose(lang)),
		Purpose: st.Purpose(lang) + " " + i18n.T(lang, "art13_purpose_not"),
		Basis:   i18n.T(lang, "art13_basis_"+string(st.LawfulBasis)),
		Cookie:  i18n.T(lang, "art13_cookie_none"),
		DPO:     st.DPOContact,
	}
	if st.ControllerContact != "" {
		n.Controller = i18n.T(lang, "art13_contact", controller, st.ControllerContact)
	} else {
		n.Controller = i18n.T(lang, "art13_contact_hr", controller)
	}
	if n.DPO == "" {
		n.DPO = i18n.T(lang, "art13_dpo_ask")
	}
	if viaLink {
		n.Cookie = i18n.T(lang, "art13_cookie_link")
	}
	n.Who = []string{i18n.T(lang, "art13_who")}
	if p.ID != "" {
		if p.LeadComments {
			n.Who = append(n.Who, i18n.T(lang, "art13_who_lead_comments"))
		} else {
			n.Who = append(n.Who, i18n.T(lang, "art13_who_no_lead_comments"))
		}
		if p.MinGroup > 0 {
			n.Who = append(n.Who, i18n.T(lang, "art13_who_groups", p.MinGroup, p.MinComments))
		}
		if p.RetentionMonths > 0 {
			n.Retention = i18n.T(lang, "art13_retention", p.RetentionMonths)
		}
	}
	n.Who = append(n.Who, i18n.T(lang, "art13_who_nobody"))
	if st.PrivacyURL != "" {
		n.URL, n.URLText = st.PrivacyURL, i18n.T(lang, "art13_statement", controller)
	}
	return n
}
