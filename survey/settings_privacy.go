package survey

import (
	"net/url"
	"strings"
)

// LawfulBasis is the ground of art. 6(1) AVG/GDPR on which the
// organisation processes the answers, as the survey page states it.
//
// Consent (6(1)(a)) is not offered: an employee can rarely give it freely
// to the employer (EDPB guidelines 05/2020), and an anonymous answer cannot
// be withdrawn once sent, which consent would promise.
type LawfulBasis string

const (
	// BasisLegitimateInterest, art. 6(1)(f): the default for employers.
	BasisLegitimateInterest LawfulBasis = "legitimate_interest"
	// BasisPublicTask, art. 6(1)(e): for public bodies, which cannot rely
	// on (f) for processing in the performance of their tasks.
	BasisPublicTask LawfulBasis = "public_task"
)

// LawfulBases are the grounds an organisation may choose, the default first.
var LawfulBases = []LawfulBasis{BasisLegitimateInterest, BasisPublicTask}

// Article names the basis's paragraph of art. 6(1).
func (b LawfulBasis) Article() string {
	if b == BasisPublicTask {
		return "6(1)(e)"
	}
	return "6(1)(f)"
}

// DefaultPurpose is the purpose the survey page states until the
// organisation writes its own (PurposeNL, PurposeEN).
var DefaultPurpose = map[string]string{
	"nl": "Per afdeling bepalen of medewerkers klaar zijn om ambassadeur van de organisatie als werkgever te worden (go), of dat eerst de werkervaring beter moet (no-go), en wat er dan eerst moet verbeteren.",
	"en": "Deciding per department whether employees are ready to become ambassadors of the organisation as an employer (go), or whether the employee experience must improve first (no-go), and what should improve first.",
}

// Purpose is the purpose text in lang ("nl" or "en"): the organisation's
// own when it wrote one, else DefaultPurpose.
func (st Settings) Purpose(lang string) string {
	own := st.PurposeEN
	if lang == "nl" {
		own = st.PurposeNL
	}
	if strings.TrimSpace(own) != "" {
		return strings.TrimSpace(own)
	}
	if lang != "nl" {
		lang = "en"
	}
	return DefaultPurpose[lang]
}

// ControllerName is the controller as the privacy texts name it: the legal
// name when one is set, else the organisation's name.
func (st Settings) ControllerName() string {
	if c := strings.TrimSpace(st.Controller); c != "" {
		return c
	}
	return st.Name
}

// validPrivacyURL accepts an absolute http or https address with a host
// and no spaces or credentials: it becomes a link on the survey page.
func validPrivacyURL(s string) bool {
	if len(s) > 500 || strings.ContainsAny(s, " \t\r\n\"'<>") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.User == nil
}
