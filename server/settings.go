package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"trots/server/i18n"
	"trots/survey"
)

// The organisation settings (GET and POST /settings, admins only): what the
// survey page, the poster and the thank-you page tell respondents under
// art. 13 AVG/GDPR, the anonymity thresholds, and what a new pulse starts
// with. The form posts every setting; all are checked before any is saved,
// each change is one entry of the audit log (old -> new), and a refused
// form changes nothing and says what is wrong at each field.

// settingsStore is what the settings page needs of the store.
type settingsStore interface {
	Settings(ctx context.Context) (survey.Settings, error)
	SaveSettings(ctx context.Context, st survey.Settings) error
}

var _ settingsStore = (*survey.Store)(nil)

func (s *Server) settingsStore() (settingsStore, error) {
	st, ok := s.data.(settingsStore)
	if !ok {
		return nil, errors.New("server: the store cannot save settings")
	}
	return st, nil
}

// settingsPage is the form, grouped in sections.
type settingsPage struct {
	consolePage
	Sections []settingsSection
	// Done is "saved" or "unchanged" after a post; Invalid after a refused one.
	Done    string
	Invalid bool
	// MissingContacts: the controller's or the DPO's contact is empty.
	MissingContacts bool
}

type settingsSection struct {
	ID, Heading string
	Fields      []settingsField
}

// settingsField is one input: Kind is text, url, textarea, number, select
// or checkbox.
type settingsField struct {
	Name, Label, Hint, Value, Error, Kind string
	Max                                   int
	Checked                               bool
	Options                               []settingsOption
}

type settingsOption struct {
	Value, Label string
	Selected     bool
}

// settingsLayout is the form: each section's settings, with the kind of
// input and the longest value it takes.
var settingsLayout = []struct {
	id, heading string
	fields      []struct {
		name, kind string
		max        int
	}
}{
	{"org", "settings_section_org", []struct {
		name, kind string
		max        int
	}{{"organisation", "text", 200}, {"language", "select", 0}}},
	{"privacy", "settings_section_privacy", []struct {
		name, kind string
		max        int
	}{{"controller", "text", 200}, {"controller_contact", "text", 300}, {"dpo_contact", "text", 300}, {"privacy_url", "url", 500},
		{"purpose_nl", "textarea", 600}, {"purpose_en", "textarea", 600}, {"lawful_basis", "select", 0}}},
	{"pulses", "settings_section_pulses", []struct {
		name, kind string
		max        int
	}{{"k", "number", 0}, {"comment_k", "number", 0}, {"retention_months", "number", 0}, {"lead_comments", "checkbox", 0}}},
}

// newSettingsPage builds the form showing values (as typed, for a refused
// post) with errs next to their fields.
func (s *Server) newSettingsPage(c echo.Context, st survey.Settings, values map[string]string, errs map[string]string) *settingsPage {
	p := &settingsPage{consolePage: s.newConsolePage(c, "settings_title", "settings")}
	lang := p.Lang
	p.MissingContacts = st.ControllerContact == "" || st.DPOContact == ""
	for _, sec := range settingsLayout {
		out := settingsSection{ID: "settings-" + sec.id, Heading: i18n.T(lang, sec.heading)}
		for _, f := range sec.fields {
			v, ok := values[f.name]
			if !ok {
				v, _ = st.Value(f.name)
			}
			field := settingsField{Name: f.name, Kind: f.kind, Max: f.max, Value: v, Error: errs[f.name],
				Label: i18n.T(lang, "settings_label_"+f.name)}
			if key := "settings_hint_" + f.name; i18n.Has(lang, key) {
				field.Hint = i18n.T(lang, key)
			}
			switch f.name {
			case "language":
				for _, l := range i18n.Languages {
					field.Options = append(field.Options, settingsOption{Value: l, Label: i18n.Names[l], Selected: v == l})
				}
			case "lawful_basis":
				for _, b := range survey.LawfulBases {
					field.Options = append(field.Options, settingsOption{Value: string(b), Label: i18n.T(lang, "settings_basis_"+string(b)), Selected: v == string(b)})
				}
			case "purpose_nl", "purpose_en":
				field.Hint = i18n.T(lang, "settings_hint_purpose", survey.DefaultPurpose[f.name[len("purpose_"):]])
			case "lead_comments":
				field.Checked = v == "true"
			}
			out.Fields = append(out.Fields, field)
		}
		p.Sections = append(p.Sections, out)
	}
	return p
}

// settingsForm is GET /settings.
func (s *Server) settingsForm(c echo.Context) error {
	st, err := s.data.Settings(c.Request().Context())
	if err != nil {
		return err
	}
	p := s.newSettingsPage(c, st, nil, nil)
	switch d := c.QueryParam("done"); d {
	case "saved", "unchanged":
		p.Done = d
	}
	return s.renderConsole(c, http.StatusOK, "settings", p)
}

// saveSettings is POST /settings.
func (s *Server) saveSettings(c echo.Context) error {
	ss, err := s.settingsStore()
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	before, err := ss.Settings(ctx)
	if err != nil {
		return err
	}
	lang := s.consoleLang(c)
	r := c.Request()
	st := before
	values, errs := map[string]string{}, map[string]string{}
	for _, name := range survey.SettingNames {
		v := r.PostFormValue(name)
		if name == "lead_comments" {
			v = "no"
			if r.PostFormValue(name) == "yes" {
				v = "yes"
			}
			values[name] = map[string]string{"yes": "true", "no": "false"}[v]
		} else {
			values[name] = v
		}
		if err := st.Set(name, v); err != nil {
			errs[name] = settingsErrorText(lang, err)
		}
	}
	for name, e := range st.Problems() {
		if _, taken := errs[name]; !taken {
			errs[name] = settingsErrorText(lang, e)
		}
	}
	if len(errs) > 0 {
		p := s.newSettingsPage(c, before, values, errs)
		p.Invalid = true
		return s.renderConsole(c, http.StatusBadRequest, "settings", p)
	}
	changes := st.SettingChanges(before)
	if len(changes) == 0 {
		return c.Redirect(http.StatusSeeOther, "/settings?done=unchanged")
	}
	if err := ss.SaveSettings(ctx, st); err != nil {
		return err
	}
	for _, ch := range changes {
		if err := s.audit(c, "settings.change", "organisation settings", ch); err != nil {
			return err
		}
	}
	return c.Redirect(http.StatusSeeOther, "/settings?done=saved")
}

// settingsErrorText is a refused setting's message in lang.
func settingsErrorText(lang string, err error) string {
	args := []any{}
	for _, a := range survey.ErrorArgs(err) {
		args = append(args, a)
	}
	if key := survey.ErrorKey(err); key != "" && i18n.Has(lang, key) {
		return i18n.T(lang, key, args...)
	}
	return i18n.T(lang, "settings_invalid")
}
