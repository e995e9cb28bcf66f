package server

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"trots/survey"
)

// GET and PUT /api/v1/settings (admins): the organisation settings as
// JSON, by the names of trots settings and the console's form. A PUT names
// the settings it changes; like the form it is all or nothing, and each
// change is audited.

// apiSettings is the settings as the API shows them.
type apiSettings struct {
	Organisation      string `json:"organisation"`
	Language          string `json:"language"`
	Controller        string `json:"controller"`
	ControllerContact string `json:"controller_contact"`
	DPOContact        string `json:"dpo_contact"`
	PrivacyURL        string `json:"privacy_url"`
	PurposeNL         string `json:"purpose_nl"`
	PurposeEN         string `json:"purpose_en"`
	LawfulBasis       string `json:"lawful_basis"`
	RetentionMonths   int    `json:"retention_months"`
	K                 int    `json:"k"`
	CommentK          int    `json:"comment_k"`
	LeadComments      bool   `json:"lead_comments"`
	// MaskNames counts the names masked in comments (trots settings
	// --names-file): they name staff, so the API does not list them.
	MaskNames int `json:"mask_names"`
}

func newAPISettings(st survey.Settings) apiSettings {
	return apiSettings{Organisation: st.Name, Language: st.DefaultLanguage, Controller: st.Controller,
		ControllerContact: st.ControllerContact, DPOContact: st.DPOContact, PrivacyURL: st.PrivacyURL,
		PurposeNL: st.PurposeNL, PurposeEN: st.PurposeEN, LawfulBasis: string(st.LawfulBasis),
		RetentionMonths: st.RetentionMonths, K: st.MinGroup, CommentK: st.MinComments, LeadComments: st.LeadComments,
		MaskNames: len(st.MaskNames)}
}

func (s *Server) apiGetSettings(c echo.Context) error {
	st, err := s.data.Settings(c.Request().Context())
	if err != nil {
		return err
	}
	return apiJSON(c, http.StatusOK, newAPISettings(st))
}

func (s *Server) apiPutSettings(c echo.Context) error {
	lang := requestLang(c)
	var req map[string]json.RawMessage
	if ok, err := readAPIBody(c, lang, &req); !ok {
		return err
	}
	ss, err := s.settingsStore()
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	before, err := ss.Settings(ctx)
	if err != nil {
		return err
	}
	st := before
	fields := survey.FieldErrors{}
	var messages []string
	refuse := func(name string, e error) {
		fields[name] = survey.ErrorKey(e)
		messages = append(messages, name+": "+settingsErrorText(lang, e))
	}
	for name, raw := range req {
		text, ok := settingJSONText(raw)
		if !ok {
			refuse(name, &survey.Error{Code: survey.EInvalid, Key: "settings_api_value", Message: "not a string, number or boolean"})
			continue
		}
		if err := st.Set(name, text); err != nil {
			refuse(name, err)
		}
	}
	for name, e := range st.Problems() {
		if _, taken := fields[name]; !taken {
			refuse(name, e)
		}
	}
	if len(fields) > 0 {
		sort.Strings(messages)
		return apiErrorMessage(c, http.StatusUnprocessableEntity, "settings_invalid", strings.Join(messages, " "), fields)
	}
	if err := ss.SaveSettings(ctx, st); err != nil {
		return err
	}
	for _, ch := range st.SettingChanges(before) {
		if err := s.audit(c, "settings.change", "organisation settings", ch); err != nil {
			return err
		}
	}
	return apiJSON(c, http.StatusOK, newAPISettings(st))
}

// settingJSONText turns a JSON string, number or boolean into the text
// Settings.Set reads.
func settingJSONText(raw json.RawMessage) (string, bool) {
	var str string
	if err := json.Unmarshal(raw, &str); err == nil {
		return str, true
	}
	var num json.Number
	if err := json.Unmarshal(raw, &num); err == nil {
		return num.String(), true
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err == nil {
		return strconv.FormatBool(b), true
	}
	return "", false
}
