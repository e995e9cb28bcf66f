package reports

import (
	"strings"
)

// PosterPrivacy is the art. 13 AVG/GDPR information the poster prints in
// small type at its foot, from the organisation settings: the survey page
// says the rest (browser storage, rights in full) behind its link.
type PosterPrivacy struct {
	// Controller is the controller's name; the block is printed only
	// when it is set.
	Controller string
	// Contact and DPO say how to reach the controller and its data
	// protection officer ("" refers to HR).
	Contact, DPO string
	// Purpose is the purpose text in the poster's language.
	Purpose string
	// LawfulBasis is "legitimate_interest" or "public_task".
	LawfulBasis string
	// RetentionMonths after closing the raw answers are deleted.
	RetentionMonths int
	// URL is the full privacy statement, when there is one.
	URL string
}

var (
	tPosterPrivacyLead  = text{nl: "Privacy.", en: "Privacy."}
	tPosterController   = text{nl: "Verantwoordelijk: %s (%s).", en: "Responsible: %s (%s)."}
	tPosterAskHR        = text{nl: "vragen: HR", en: "questions: HR"}
	tPosterDPO          = text{nl: "Functionaris gegevensbescherming: %s.", en: "Data protection officer: %s."}
	tPosterDPOAsk       = text{nl: "vraag HR", en: "ask HR"}
	tPosterPurpose      = text{nl: "Doel: %s", en: "Purpose: %s"}
	tPosterPurposeSee   = text{nl: "Doel: zie de vragenlijst.", en: "Purpose: see the survey."}
	tPosterBasisLI      = text{nl: "Grondslag: gerechtvaardigd belang (art. 6 lid 1 sub f AVG).", en: "Lawful basis: legitimate interest (art. 6(1)(f) GDPR)."}
	tPosterBasisPT      = text{nl: "Grondslag: taak van algemeen belang (art. 6 lid 1 sub e AVG).", en: "Lawful basis: public task (art. 6(1)(e) GDPR)."}
	tPosterPrivacyFacts = text{
		nl: "Meedoen is vrijwillig. Geen naam, e-mail- of IP-adres en geen tijdstip; losse antwoorden worden %d maanden na sluiten gewist. HR, het management, de leidinggevende (eigen afdeling) en de ondernemingsraad zien alleen uitkomsten van groepen van minstens %d mensen.",
		en: "Taking part is voluntary. No name, e-mail or IP address and no time; individual answers are deleted %d months after closing. HR, management, the lead (own department) and the works council see only results of groups of at least %d people.",
	}
	tPosterRights = text{
		nl: "Je rechten (inzage, bezwaar; anonieme antwoorden zijn niet terug te vinden) en klagen bij de Autoriteit Persoonsgegevens: zie de vragenlijst.",
		en: "Your rights (access, objection; anonymous answers cannot be found again) and complaints to the Autoriteit Persoonsgegevens: see the survey.",
	}
	tPosterStatement = text{nl: "Privacyverklaring: %s", en: "Privacy statement: %s"}
)

// privacyText is the poster's privacy paragraph after its lead, in lang;
// short leaves the purpose to the survey page (a long purpose on a poster
// with long names).
func (pp PosterPrivacy) privacyText(lang string, minGroup int, short bool) string {
	contact := pp.Contact
	if strings.TrimSpace(contact) == "" {
		contact = tPosterAskHR.in(lang)
	}
	dpo := pp.DPO
	if strings.TrimSpace(dpo) == "" {
		dpo = tPosterDPOAsk.in(lang)
	}
	basis := tPosterBasisLI.in(lang)
	if pp.LawfulBasis == "public_task" {
		basis = tPosterBasisPT.in(lang)
	}
	purpose := tPosterPurpose.f(lang, clean(pp.Purpose))
	if short {
		purpose = tPosterPurposeSee.in(lang)
	}
	parts := []string{
		tPosterController.f(lang, clean(pp.Controller), clean(contact)),
		tPosterDPO.f(lang, clean(dpo)),
		purpose,
		basis,
		tPosterPrivacyFacts.f(lang, pp.RetentionMonths, minGroup),
		tPosterRights.in(lang),
	}
	if pp.URL != "" {
		parts = append(parts, tPosterStatement.f(lang, clean(pp.URL)))
	}
	return strings.Join(parts, " ")
}

// drawPrivacy prints the privacy block from y down to bottom, at the
// largest size from 8.5 down to 6 points at which it fits; when even 6
// points is too large, with the purpose left to the survey page.
func (d *document) drawPrivacy(y, bottom float64, pp PosterPrivacy, minGroup int) {
	lead := tPosterPrivacyLead.in(d.lang)
	var body string
	size := 8.5
	fits := func(body string, size float64) bool {
		return float64(d.linesAt(lead+" "+body, "", size, d.width))*size*ptToMM*1.3 <= bottom-y
	}
search:
	for _, short := range []bool{false, true} {
		body = pp.privacyText(d.lang, minGroup, short)
		for size = 8.5; size >= 6; size -= 0.25 {
			if fits(body, size) {
				break search
			}
		}
	}
	size = max(size, 6)
	lineH := size * ptToMM * 1.3
	d.pdf.SetY(y)
	d.pdf.SetLeftMargin(d.left)
	d.pdf.SetX(d.left)
	d.font("B", size)
	d.textColor(inkColor)
	d.pdf.Write(lineH, lead+" ")
	d.font("", size)
	d.textColor(mutedColor)
	d.pdf.Write(lineH, body)
}
