// Package lifecycle moves pulses through their life - draft, open, closed -
// for the console, the API and the scheduler of `trots serve`, with the
// rules that hold whoever asks: what a new pulse must look like, which
// transitions exist, and that a pulse closes through results.Close so that
// its final results are stored. Every function takes the time as an
// argument: tests and the scheduler pass their own clock.
package lifecycle

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"trots/analysis"
	"trots/questionnaires"
	"trots/survey"
	"trots/survey/results"
)

// Store is what the lifecycle needs of the survey store.
type Store interface {
	results.CloseStore
	CreatePulse(ctx context.Context, p survey.Pulse) (survey.Pulse, error)
	OpenPulseAt(ctx context.Context, id string, at time.Time) (survey.Pulse, error)
}

var _ Store = (*survey.Store)(nil)

// Keys of the lifecycle's refusals (survey.Error.Key). The boundaries
// translate them; the API sends them as its machine-readable codes.
const (
	// KeyInvalid: the new pulse is not valid; Invalid says why per field.
	KeyInvalid = "pulse_invalid"
	// KeyAlreadyOpen: open was asked of an open pulse.
	KeyAlreadyOpen = "pulse_already_open"
	// KeyAlreadyClosed: open or close was asked of a closed pulse; a
	// closed pulse never reopens (its results are final).
	KeyAlreadyClosed = "pulse_already_closed"
	// KeyStillDraft: close was asked of a pulse that never opened.
	KeyStillDraft = "pulse_still_draft"
	// KeyClosesPassed: open was asked of a draft whose closing time has
	// passed; it could take no answers.
	KeyClosesPassed = "pulse_closes_passed"
)

// Field error keys of a new pulse, besides the ones of survey.Pulse.Validate
// ("pulse_name_missing", "pulse_name_long").
const (
	KeyQuestionnaire = "pulse_questionnaire"
	KeyOpensPast     = "pulse_opens_past"
	KeyClosesPast    = "pulse_closes_past"
	KeyDates         = "pulse_dates"
	KeyMode          = "pulse_mode"
	KeyRetention     = "pulse_retention"
	// KeySignOn: respondent sign-on was asked of a trots without single
	// sign-on.
	KeySignOn = "pulse_sign_on_unavailable"
)

// The shipped questionnaires a follow-up chooses between: after the long
// baseline, the short pulse (its items are the baseline's, with the same
// ids, so that the two compare item by item).
const (
	BaselineQuestionnaire = "advocacy-readiness"
	PulseQuestionnaire    = "pulse"
)

// Draft is a new pulse as HR gives it.
type Draft struct {
	Name string
	// Questionnaire is the id of a shipped questionnaire; the pulse gets
	// its current version.
	Questionnaire string
	// Opens and Closes are optional (zero): without Opens the pulse is
	// opened by hand, without Closes it is closed by hand.
	Opens, Closes time.Time
	// Mode is how the pulse is answered ("" is survey.ModeBoth); fixed
	// once created.
	Mode survey.AnswerMode
	// LeadComments lets leads read their department's open comments.
	LeadComments bool
	// SignOn: respondents sign on with the identity provider first, one
	// answer per person (survey.Pulse.SignOn).
	SignOn bool
	// RetentionMonths after closing the raw answers go; 0 is the default
	// (survey.DefaultRetentionMonths).
	RetentionMonths int
}

// Invalid lists what is wrong with a draft, per field: "name",
// "questionnaire", "opens", "closes", "mode".
type Invalid struct {
	Fields survey.FieldErrors
}

func (e *Invalid) Error() string {
	parts := make([]string, 0, len(e.Fields))
	for f, k := range e.Fields {
		parts = append(parts, f+": "+k)
	}
	slices.Sort(parts)
	return "invalid pulse: " + strings.Join(parts, ", ")
}

// Validate returns what is wrong with d at now, per field; nil when
// nothing is. A pulse must close in the future (or it would take no
// answers) and may not open in the past: a time already passed is most
// likely a typo, and "now" is what "Open now" is for.
func Validate(d Draft, now time.Time) survey.FieldErrors {
	fields := survey.FieldErrors{}
	p := survey.Pulse{Name: d.Name, QuestionnaireID: "x", QuestionnaireVersion: 1}
	if err := p.Validate(); err != nil {
		fields["name"] = survey.ErrorKey(err)
	}
	if !slices.Contains(questionnaires.Shipped(), d.Questionnaire) {
		fields["questionnaire"] = KeyQuestionnaire
	}
	if _, ok := survey.ParseAnswerMode(string(d.Mode)); !ok {
		fields["mode"] = KeyMode
	}
	if !d.Opens.IsZero() && !d.Opens.After(now) {
		fields["opens"] = KeyOpensPast
	}
	if d.RetentionMonths < 0 || d.RetentionMonths > survey.MaxRetentionMonths {
		fields["retention"] = KeyRetention
	}
	switch {
	case d.Closes.IsZero():
	case !d.Closes.After(now):
		fields["closes"] = KeyClosesPast
	case !d.Opens.IsZero() && !d.Closes.After(d.Opens):
		fields["closes"] = KeyDates
	}
	if len(fields) == 0 {
		return nil
	}
	return fields
}

// Create stores d as a draft pulse on the current version of its
// questionnaire, or refuses it with EInvalid (KeyInvalid) wrapping an
// *Invalid, storing nothing.
func Create(ctx context.Context, st Store, d Draft, now time.Time) (survey.Pulse, error) {
	if fields := Validate(d, now); fields != nil {
		return survey.Pulse{}, &survey.Error{Code: survey.EInvalid, Key: KeyInvalid, Message: "the pulse is not valid", Err: &Invalid{Fields: fields}}
	}
	q, err := questionnaires.Load(d.Questionnaire)
	if err != nil {
		return survey.Pulse{}, fmt.Errorf("lifecycle: %w", err)
	}
	return st.CreatePulse(ctx, survey.Pulse{Name: d.Name, QuestionnaireID: q.ID, QuestionnaireVersion: q.Version,
		Opens: d.Opens, Closes: d.Closes, Mode: d.Mode, LeadComments: d.LeadComments, RetentionMonths: d.RetentionMonths, SignOn: d.SignOn})
}

// conflict is the refusal of a transition p's status does not allow.
func conflict(key string, p survey.Pulse, format string, args ...any) error {
	return &survey.Error{Code: survey.EConflict, Key: key, Message: fmt.Sprintf("pulse %q: ", p.Name) + fmt.Sprintf(format, args...)}
}

// checkOpen refuses to open p at now unless it is a draft that can still
// take answers.
func checkOpen(p survey.Pulse, now time.Time) error {
	switch {
	case p.Status == survey.PulseOpen:
		return conflict(KeyAlreadyOpen, p, "it is open already")
	case p.Status == survey.PulseClosed:
		return conflict(KeyAlreadyClosed, p, "it is closed, and a closed pulse does not reopen")
	case !p.Closes.IsZero() && !now.Before(p.Closes):
		return conflict(KeyClosesPassed, p, "its closing time %s has passed", p.Closes.Format(time.RFC3339))
	}
	return nil
}

// Open opens the draft id now (the console's "Open now"): the anonymity
// thresholds are fixed, every department gets its survey link, and answers
// are accepted from now on even when the pulse was planned to open later.
// Anything but a draft that can still take answers is refused with
// EConflict and left as it is.
func Open(ctx context.Context, st Store, id string, now time.Time) (survey.Pulse, error) {
	p, err := st.Pulse(ctx, id)
	if err != nil {
		return survey.Pulse{}, err
	}
	if err := checkOpen(p, now); err != nil {
		return survey.Pulse{}, err
	}
	opened, err := st.OpenPulseAt(ctx, id, now)
	if survey.ErrorCode(err) == survey.EConflict {
		// Someone else (the scheduler, another tab) got there first.
		if p, perr := st.Pulse(ctx, id); perr == nil {
			if cerr := checkOpen(p, now); cerr != nil {
				return survey.Pulse{}, cerr
			}
		}
	}
	return opened, err
}

// Close closes the open pulse id through results.Close, which also stores
// its final results. A draft or a closed pulse is refused with EConflict
// and left as it is.
func Close(ctx context.Context, st Store, id string, cfg analysis.Config) (survey.Pulse, error) {
	p, err := st.Pulse(ctx, id)
	if err != nil {
		return survey.Pulse{}, err
	}
	switch p.Status {
	case survey.PulseDraft:
		return survey.Pulse{}, conflict(KeyStillDraft, p, "it has not been opened, so there is nothing to close")
	case survey.PulseClosed:
		return survey.Pulse{}, conflict(KeyAlreadyClosed, p, "it is closed already")
	}
	if _, err := closePulse(ctx, st, id, cfg); err != nil {
		return survey.Pulse{}, err
	}
	return st.Pulse(ctx, id)
}

// closePulse closes id with results.Close and reports whether this call
// made the transition (the store's ClosePulse succeeded) rather than
// finding the pulse closed by someone else; results.Close treats both as
// success and stores the final results once either way.
func closePulse(ctx context.Context, st results.CloseStore, id string, cfg analysis.Config) (bool, error) {
	rec := &closeRecorder{CloseStore: st}
	_, err := results.Close(ctx, rec, id, cfg)
	return rec.closed, err
}

// closeRecorder notes whether its ClosePulse closed the pulse.
type closeRecorder struct {
	results.CloseStore
	closed bool
}

func (r *closeRecorder) ClosePulse(ctx context.Context, id string) error {
	err := r.CloseStore.ClosePulse(ctx, id)
	r.closed = err == nil
	return err
}
