package survey

import (
	"slices"
	"time"
)

// Settings are the organisation-wide settings. There is one organisation
// per trots installation.
type Settings struct {
	Name            string
	DefaultLanguage string // "nl" or "en"
	// MinGroup is the anonymity threshold k for figures (default 5, never
	// below MinAllowedGroup); MinComments the threshold for showing open comments (10).
	// They are copied onto a pulse when it opens, so that changing them
	// later cannot expose the answers of a pulse already given under the
	// old promise.
	MinGroup    int
	MinComments int
	// MaskNames are names (one per entry) masked in every open comment
	// stored from now on (see Mask), e.g. the staff list's names.
	MaskNames []string
}

// DefaultSettings are used until HR changes them.
func DefaultSettings() Settings {
	return Settings{Name: "Organisation", DefaultLanguage: "nl", MinGroup: 5, MinComments: 10}
}

// MinAllowedGroup is the floor below which no anonymity threshold may go.
// Migration 6 raised settings (and open pulses) saved under the old floor
// of 3; OpenPulse refuses a threshold below it.
const MinAllowedGroup = 5

// Department is a group whose readiness is judged on its own.
type Department struct {
	ID        string
	Name      string
	Headcount int // employees, for the response rate; 0 = unknown
	// ExternallyVisible is false for roles that may not appear in public
	// (customs, special investigation): they get internal-ambassadorship
	// advice only.
	ExternallyVisible bool
	// ParentID is the department this one belongs to (a team's
	// department, a department's directorate); "" at the top level. See
	// Tree.
	ParentID string
}

// PulseStatus is where a pulse is in its life.
type PulseStatus string

const (
	PulseDraft  PulseStatus = "draft"  // being prepared; no answers accepted
	PulseOpen   PulseStatus = "open"   // accepting answers between Opens and Closes
	PulseClosed PulseStatus = "closed" // finished; results final
)

// Pulse is one measurement round with one questionnaire version.
type Pulse struct {
	ID                   string
	Name                 string
	QuestionnaireID      string
	QuestionnaireVersion int
	Opens                time.Time // answers accepted from (inclusive)
	Closes               time.Time // and until (exclusive); zero = until closed by hand
	Status               PulseStatus
	// Thresholds fixed when the pulse opened (zero while draft).
	MinGroup    int
	MinComments int
	// Closed is when the pulse was closed (zero while not closed, and for
	// pulses closed before trots recorded it); Purged is when the retention
	// deleted its raw answers, keeping its stored results (zero: not).
	Closed time.Time
	Purged time.Time
	// Mode is how the pulse is answered, fixed when it is created.
	Mode AnswerMode
	// LeadComments lets the department's lead read its open comments (an
	// admin's choice, fixed once the pulse opens; default off).
	LeadComments bool
	// RetentionMonths is how many months after closing the raw answers
	// are deleted (1-120; a new pulse gets DefaultRetentionMonths).
	RetentionMonths int
}

// DefaultRetentionMonths is the retention period of a pulse created
// without one, and of the decision notes and disabled accounts.
const DefaultRetentionMonths = 12

// MaxRetentionMonths bounds a pulse's retention period (ten years).
const MaxRetentionMonths = 120

// PurgeDue is when the retention deletes the pulse's raw answers: its
// retention period after it closed (zero while it is not closed).
func (p Pulse) PurgeDue() time.Time {
	if p.Closed.IsZero() {
		return time.Time{}
	}
	return p.Closed.AddDate(0, p.RetentionMonths, 0)
}

// AcceptsAt reports whether the pulse takes answers at time t.
func (p Pulse) AcceptsAt(t time.Time) bool {
	if p.Status != PulseOpen {
		return false
	}
	if !p.Opens.IsZero() && t.Before(p.Opens) {
		return false
	}
	if !p.Closes.IsZero() && !t.Before(p.Closes) {
		return false
	}
	return true
}

// Answers are one respondent's answers, keyed by item id. Numbers hold
// likert and nps answers, Choices the option ids of choice items. Open text
// is not part of Answers: it is stored as a Comment, apart from the scores,
// so that nobody can join a comment to the person's other answers.
type Answers struct {
	Numbers map[string]int      `json:"n,omitempty"`
	Choices map[string][]string `json:"c,omitempty"`
}

// Response is one anonymous submission. It deliberately has no time, no
// token, no network address: the pulse is the only period it belongs to.
type Response struct {
	ID           string
	PulseID      string
	DepartmentID string
	Answers      Answers
}

// Comment is an open answer, stored apart from its response.
type Comment struct {
	PulseID      string
	DepartmentID string
	ItemID       string
	Body         string
	// Masked: something in Body was replaced before it was stored (Scrub,
	// Mask).
	Masked bool
}

// Equal reports whether two settings are the same.
func (st Settings) Equal(o Settings) bool {
	return st.Name == o.Name && st.DefaultLanguage == o.DefaultLanguage && st.MinGroup == o.MinGroup &&
		st.MinComments == o.MinComments && slices.Equal(st.MaskNames, o.MaskNames)
}
