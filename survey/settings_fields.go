package survey

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The organisation settings by name: one list of names for the command
// line (trots settings set k=6), the console's form and the JSON API, so
// that all three read and check a value the same way.

// SettingNames are the settings that can be set by name, in the order they
// are shown. The list of names to mask has commands of its own.
var SettingNames = []string{
	"organisation", "language",
	"controller", "controller_contact", "dpo_contact", "privacy_url",
	"purpose_nl", "purpose_en", "lawful_basis",
	"retention_months", "k", "comment_k", "lead_comments",
}

// Length limits of the settings' texts, in characters.
const (
	maxSettingName    = 200
	maxSettingContact = 300
	maxSettingPurpose = 600
)

// Value is the setting name's value as text (as Set reads it back).
func (st Settings) Value(name string) (string, error) {
	switch name {
	case "organisation":
		return st.Name, nil
	case "language":
		return st.DefaultLanguage, nil
	case "controller":
		return st.Controller, nil
	case "controller_contact":
		return st.ControllerContact, nil
	case "dpo_contact":
		return st.DPOContact, nil
	case "privacy_url":
		return st.PrivacyURL, nil
	case "purpose_nl":
		return st.PurposeNL, nil
	case "purpose_en":
		return st.PurposeEN, nil
	case "lawful_basis":
		return string(st.LawfulBasis), nil
	case "retention_months":
		return strconv.Itoa(st.RetentionMonths), nil
	case "k":
		return strconv.Itoa(st.MinGroup), nil
	case "comment_k":
		return strconv.Itoa(st.MinComments), nil
	case "lead_comments":
		return strconv.FormatBool(st.LeadComments), nil
	}
	return "", unknownSetting(name)
}

func unknownSetting(name string) *Error {
	e := errorf(EInvalid, "settings_unknown", "no setting %q (known: %s)", name, strings.Join(SettingNames, ", "))
	e.Args = []string{name}
	return e
}

// Set changes the setting name to the text value. It refuses a name it does
// not know or a number or yes/no it cannot read, leaving st as it was;
// whether the value is allowed is Validate's (Problems') to say.
func (st *Settings) Set(name, value string) error {
	value = strings.TrimSpace(strings.ReplaceAll(value, "\r\n", "\n"))
	number := func(dst *int) error {
		n, err := strconv.Atoi(value)
		if err != nil {
			e := errorf(EInvalid, "settings_not_number", "%s must be a whole number, not %q", name, value)
			e.Args = []string{name}
			return e
		}
		*dst = n
		return nil
	}
	switch name {
	case "organisation":
		st.Name = value
	case "language":
		st.DefaultLanguage = strings.ToLower(value)
	case "controller":
		st.Controller = value
	case "controller_contact":
		st.ControllerContact = value
	case "dpo_contact":
		st.DPOContact = value
	case "privacy_url":
		st.PrivacyURL = value
	case "purpose_nl":
		st.PurposeNL = value
	case "purpose_en":
		st.PurposeEN = value
	case "lawful_basis":
		st.LawfulBasis = LawfulBasis(strings.ToLower(value))
	case "retention_months":
		return number(&st.RetentionMonths)
	case "k":
		return number(&st.MinGroup)
	case "comment_k":
		return number(&st.MinComments)
	case "lead_comments":
		switch strings.ToLower(value) {
		case "yes", "true", "on", "1", "ja":
			st.LeadComments = true
		case "no", "false", "off", "0", "nee", "":
			st.LeadComments = false
		default:
			e := errorf(EInvalid, "settings_not_bool", "%s must be yes or no, not %q", name, value)
			e.Args = []string{name}
			return e
		}
	default:
		return unknownSetting(name)
	}
	return nil
}

// Problems checks every setting and returns what is wrong with each, keyed
// by setting name (nil when all is well). Each error carries a translation
// key (settings_*) and the numbers its text needs as Args.
func (st Settings) Problems() map[string]*Error {
	p := map[string]*Error{}
	line := func(name, s string, min, max int) {
		n := utf8.RuneCountInString(s)
		if n < min || n > max || !PlainText(s, false) {
			e := errorf(EInvalid, "settings_text_line", "%s must have %d to %d characters of plain text on one line", name, min, max)
			e.Args = []string{strconv.Itoa(min), strconv.Itoa(max)}
			p[name] = e
		}
	}
	line("organisation", st.Name, 1, maxSettingName)
	if st.DefaultLanguage != "nl" && st.DefaultLanguage != "en" {
		p["language"] = errorf(EInvalid, "settings_language", "the default language must be nl or en")
	}
	line("controller", st.Controller, 0, maxSettingName)
	line("controller_contact", st.ControllerContact, 0, maxSettingContact)
	line("dpo_contact", st.DPOContact, 0, maxSettingContact)
	if st.PrivacyURL != "" && !validPrivacyURL(st.PrivacyURL) {
		p["privacy_url"] = errorf(EInvalid, "settings_privacy_url", "the privacy statement's address must be a full http:// or https:// address (or empty)")
	}
	for _, name := range []string{"purpose_nl", "purpose_en"} {
		s := st.PurposeEN
		if name == "purpose_nl" {
			s = st.PurposeNL
		}
		if utf8.RuneCountInString(s) > maxSettingPurpose || !PlainText(s, true) {
			e := errorf(EInvalid, "settings_purpose", "%s has at most %d characters of plain text (empty: the default text)", name, maxSettingPurpose)
			e.Args = []string{strconv.Itoa(maxSettingPurpose)}
			p[name] = e
		}
	}
	if st.LawfulBasis != BasisLegitimateInterest && st.LawfulBasis != BasisPublicTask {
		p["lawful_basis"] = errorf(EInvalid, "settings_lawful_basis", "the lawful basis must be %s or %s", BasisLegitimateInterest, BasisPublicTask)
	}
	if st.RetentionMonths < 1 || st.RetentionMonths > MaxRetentionMonths {
		e := errorf(EInvalid, "settings_retention", "the retention period must be 1 to %d months after closing", MaxRetentionMonths)
		e.Args = []string{strconv.Itoa(MaxRetentionMonths)}
		p["retention_months"] = e
	}
	if st.MinGroup < MinAllowedGroup {
		e := errorf(EInvalid, "settings_min_group", "the anonymity threshold k must be at least %d", MinAllowedGroup)
		e.Args = []string{strconv.Itoa(MinAllowedGroup)}
		p["k"] = e
	} else if st.MinComments < st.MinGroup {
		e := errorf(EInvalid, "settings_min_comments", "the threshold for comments must be at least the anonymity threshold k (%d)", st.MinGroup)
		e.Args = []string{strconv.Itoa(st.MinGroup)}
		p["comment_k"] = e
	}
	if len(st.MaskNames) > MaxMaskNames {
		p["mask_names"] = errorf(EInvalid, "settings_mask_names", "the list of names to mask holds at most %d names", MaxMaskNames)
	}
	for _, n := range st.MaskNames {
		if utf8.RuneCountInString(n) > 100 || !PlainText(n, false) || strings.ContainsAny(n, "\r\n") {
			p["mask_names"] = errorf(EInvalid, "settings_mask_names", "a name to mask has at most 100 characters of plain text on one line")
			break
		}
	}
	if len(p) == 0 {
		return nil
	}
	return p
}

// Validate checks settings before they are saved: the first problem, in
// the order of SettingNames, or nil.
func (st Settings) Validate() error {
	p := st.Problems()
	for _, name := range append(SettingNames, "mask_names") {
		if e, ok := p[name]; ok {
			return e
		}
	}
	return nil
}

// SettingChanges lists what differs from old to st, one line per setting
// as the audit log records it ("k 5 -> 6"). Texts are quoted and cut to
// keep a line short; the list of names to mask is counted, not listed
// (it names staff).
func (st Settings) SettingChanges(old Settings) []string {
	var out []string
	for _, name := range SettingNames {
		a, _ := old.Value(name)
		b, _ := st.Value(name)
		if a == b {
			continue
		}
		switch name {
		case "retention_months", "k", "comment_k", "lead_comments", "lawful_basis", "language":
			out = append(out, fmt.Sprintf("%s %s -> %s", name, a, b))
		default:
			out = append(out, fmt.Sprintf("%s %q -> %q", name, cut(a, 100), cut(b, 100)))
		}
	}
	if !slices.Equal(old.MaskNames, st.MaskNames) {
		out = append(out, fmt.Sprintf("mask_names %d -> %d names", len(old.MaskNames), len(st.MaskNames)))
	}
	return out
}

func cut(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max-1]) + "…"
}
