package server

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"trots/questionnaires"
	"trots/server/i18n"
	"trots/survey"
)

// answerPrefix marks the answer fields of the survey form ("a.pride_work"),
// so that they can never clash with the form's own fields.
const answerPrefix = "a."

// formPage is the survey: intro, sections with their questions, and the
// errors of a refused submission.
type formPage struct {
	page
	Action      string
	StoreKey    string // names the answers kept in the browser
	Key         string // submission key of this rendering
	Token       string
	Heading     string
	Description string
	Department  string
	MinGroup    int
	MinComments int
	// LeadComments: the department's lead reads the comments too;
	// RetentionMonths: when the raw answers go (privacy text).
	LeadComments    bool
	RetentionMonths int
	Invitation      bool
	Sections        []sectionView
	Errors          []errorLink
	FormError       string
	Answered        int
	Total           int
	Restore         bool // a fresh form: the script may restore kept answers
	// Open is the number of unanswered questions the page asks about
	// before sending without them (OpenFirst: the first one's anchor);
	// SendOpen carries the answer "send anyway" to the next submission.
	Open        int
	OpenHeading string
	OpenFirst   string
	SendOpen    bool
	// InvitationNote is the text key that says an invitation (or a
	// personal code) is not linked to the answers.
	InvitationNote string
	// Mode says how the pulse is answered, in words.
	Mode string
	// Privacy is the art. 13 notice (privacy_notice.go).
	Privacy privacyNotice
	// SignOn: the respondent signed on to answer; the page says what is
	// kept of that.
	SignOn bool
}

type sectionView struct {
	ID          string
	Step        string
	Heading     string
	Description string
	Items       []itemView
}

type itemView struct {
	ID        string
	Anchor    string // id of the question's block, target of the error summary
	Name      string // form field name
	Kind      string // likert, nps, choice, text
	Layout    string // stack (labelled buttons) or row (numbered buttons)
	Points    int
	InputType string // radio or checkbox
	Text      string
	Hint      string
	HintID    string
	Error     string
	ErrorID   string
	Options   []optionView
	// DontKnow is the "don't know / rather not say" answer of a likert
	// or nps question, shown apart from the scale; stored as no answer.
	DontKnow *optionView
	// Open marks a question left open that the page asks about.
	Open   string
	OpenID string
	// Text items.
	InputID   string
	Value     string
	MaxLength int
	Counter   string
	CounterID string
}

// DescribedBy lists the ids that describe the item's inputs.
func (it itemView) DescribedBy() string {
	var ids []string
	if it.Error != "" {
		ids = append(ids, it.ErrorID)
	}
	if it.Open != "" {
		ids = append(ids, it.OpenID)
	}
	if it.Hint != "" {
		ids = append(ids, it.HintID)
	}
	if it.CounterID != "" {
		ids = append(ids, it.CounterID)
	}
	return strings.Join(ids, " ")
}

type optionView struct {
	ID      string
	Value   string
	Label   string
	Checked bool
}

type errorLink struct {
	Anchor   string
	Question string
	Message  string
}

// surveyView is what a survey page is built from.
type surveyView struct {
	lang     string
	org      string
	here     string // path of the form page, for the language switch
	q        *questionnaires.Questionnaire
	pulse    survey.Pulse
	dept     survey.Department
	action   string
	thanks   string // where a stored submission is redirected
	storeKey string
	token    string
	settings survey.Settings
	// person is the keyed hash of a respondent who signed on (sign-on
	// pulses only; signon_survey.go).
	person string
}

// form builds the survey page. values are the answers given so far, keyed
// by item id (nil on a fresh form); errs the problems with them.
func (v surveyView) form(key string, values map[string][]string, errs survey.FieldErrors, formError string) formPage {
	return v.formAsking(key, values, errs, formError, nil, false)
}

// formAsking is form with the questions left open that the page asks about
// ("You left 3 questions open. Send anyway?"), and whether the next
// submission sends anyway.
func (v surveyView) formAsking(key string, values map[string][]string, errs survey.FieldErrors, formError string, open []string, sendOpen bool) formPage {
	lang := v.lang
	p := newPage(lang, v.org, v.here, v.q.Languages)
	p.Title = v.q.Title.Get(lang)
	fp := formPage{
		page: p, Action: v.action + "?lang=" + lang, StoreKey: v.storeKey, Key: key, Token: v.token,
		Heading: v.q.Title.Get(lang), Description: v.q.Description.Get(lang), Department: v.dept.Name,
		MinGroup: v.pulse.MinGroup, MinComments: v.pulse.MinComments, Invitation: v.token != "",
		LeadComments: v.pulse.LeadComments, RetentionMonths: v.pulse.RetentionMonths,
		Restore: values == nil, Open: len(open), SendOpen: sendOpen || len(open) > 0,
		InvitationNote: "intro_not_invitation", Mode: modeText(lang, v.pulse.Mode), SignOn: v.pulse.SignOn,
		Privacy: newPrivacyNotice(lang, v.settings, v.pulse, v.token == ""),
	}
	if survey.ValidCode(v.token) {
		fp.InvitationNote = "intro_not_code"
	}
	switch len(open) {
	case 0:
	case 1:
		fp.OpenHeading = i18n.T(lang, "open_notice_heading_one")
	default:
		fp.OpenHeading = i18n.T(lang, "open_notice_heading", len(open))
	}
	isOpen := map[string]bool{}
	for _, id := range open {
		isOpen[id] = true
	}
	if formError != "" {
		fp.FormError = i18n.T(lang, formError)
	}
	var dims []*questionnaires.Dimension
	for _, d := range v.q.Dimensions {
		if len(v.q.ItemsOf(d.ID)) > 0 {
			dims = append(dims, d)
		}
	}
	for i, d := range dims {
		sec := sectionView{
			ID: d.ID, Step: i18n.T(lang, "section_step", i+1, len(dims)),
			Heading: d.Name.Get(lang), Description: d.Description.Get(lang),
		}
		for _, it := range v.q.ItemsOf(d.ID) {
			iv := v.item(it, values[it.ID], errs[it.ID])
			if isOpen[it.ID] {
				iv.Open, iv.OpenID = i18n.T(lang, "answer_open"), "open-"+it.ID
				if fp.OpenFirst == "" {
					fp.OpenFirst = iv.Anchor
				}
			}
			if iv.Error != "" {
				fp.Errors = append(fp.Errors, errorLink{Anchor: iv.Anchor, Question: iv.Text, Message: iv.Error})
			}
			fp.Total++
			if answered(values[it.ID]) {
				fp.Answered++
			}
			sec.Items = append(sec.Items, iv)
		}
		fp.Sections = append(fp.Sections, sec)
	}
	// Problems with fields that are not on the page (tampered or stale
	// forms) still get a line in the summary.
	for _, name := range errs.SortedFields(v.q) {
		if _, ok := v.q.Item(name); !ok {
			fp.Errors = append(fp.Errors, errorLink{Anchor: "questions", Message: i18n.T(lang, errs[name])})
		}
	}
	return fp
}

func (v surveyView) item(it *questionnaires.Item, given []string, errKey string) itemView {
	lang := v.lang
	s := it.Scale
	iv := itemView{
		ID: it.ID, Anchor: "q-" + it.ID, Name: answerPrefix + it.ID, Text: it.Text.Get(lang),
		Kind: string(s.Type), HintID: "hint-" + it.ID, ErrorID: "err-" + it.ID, InputType: "radio",
	}
	if errKey != "" {
		iv.Error = i18n.T(lang, errKey)
	}
	checked := map[string]bool{}
	for _, g := range given {
		checked[strings.TrimSpace(g)] = true
	}
	switch s.Type {
	case questionnaires.Likert, questionnaires.NPS:
		lo, hi := s.Points()
		labels := s.Labels[lang]
		if len(labels) == 0 {
			labels = s.Labels[v.q.Languages[0]]
		}
		perPoint := s.Type == questionnaires.Likert && len(labels) == hi-lo+1
		iv.Layout, iv.Points = "row", hi-lo+1
		if perPoint {
			iv.Layout = "stack"
		} else if len(labels) == 2 {
			iv.Hint = i18n.T(lang, "scale_anchors", lo, labels[0], hi, labels[1])
		}
		for n := lo; n <= hi; n++ {
			val := strconv.Itoa(n)
			label := val
			if perPoint {
				label = labels[n-lo]
			}
			iv.Options = append(iv.Options, optionView{ID: "a-" + it.ID + "-" + val, Value: val, Label: label, Checked: checked[val]})
		}
		iv.DontKnow = &optionView{ID: "a-" + it.ID + "-" + survey.DontKnow, Value: survey.DontKnow,
			Label: i18n.T(lang, "dont_know"), Checked: checked[survey.DontKnow]}
	case questionnaires.Choice:
		iv.Layout = "stack"
		iv.Hint = i18n.T(lang, "choice_one")
		if s.Multiple {
			iv.InputType = "checkbox"
			iv.Hint = i18n.T(lang, "choice_many")
		}
		for _, o := range s.Options {
			iv.Options = append(iv.Options, optionView{ID: "a-" + it.ID + "-" + o.ID, Value: o.ID, Label: o.Text.Get(lang), Checked: checked[o.ID]})
		}
	case questionnaires.FreeText:
		iv.InputID = "a-" + it.ID
		iv.MaxLength = s.MaxLength
		if iv.MaxLength <= 0 {
			iv.MaxLength = 2000
		}
		if len(given) > 0 {
			iv.Value = given[0]
		}
		iv.Hint = i18n.T(lang, "text_hint", iv.MaxLength)
		iv.CounterID = "count-" + it.ID
		n := utf8.RuneCountInString(strings.ReplaceAll(iv.Value, "\r\n", "\n"))
		iv.Counter = i18n.T(lang, "text_counter", n, iv.MaxLength)
	}
	return iv
}

func answered(vals []string) bool {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return true
		}
	}
	return false
}
