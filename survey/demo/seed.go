package demo

import (
	"context"
	"fmt"
	"strconv"

	"trots/analysis"
	"trots/questionnaires"
	"trots/survey"
	"trots/survey/results"
)

// Store is what Seed needs of survey.Store.
type Store interface {
	results.CloseStore
	SaveSettings(ctx context.Context, st survey.Settings) error
	CreateDepartment(ctx context.Context, d survey.Department) (survey.Department, error)
	CreatePulse(ctx context.Context, p survey.Pulse) (survey.Pulse, error)
	OpenPulse(ctx context.Context, id string) (survey.Pulse, error)
	Links(ctx context.Context, pulseID string) ([]survey.Link, error)
	Submit(ctx context.Context, sub survey.Submission) (survey.Receipt, error)
}

var _ Store = (*survey.Store)(nil)

// OpenPulseName is the name of the open pulse Seed creates for new answers.
const OpenPulseName = "Vervolgmeting (demo)"

// The open pulse of a demo of the shipped baseline uses the shipped short
// pulse: what someone trying the demo answers is the survey people are
// asked most often, in under two minutes.
const (
	baselineID   = "advocacy-readiness"
	shortPulseID = "pulse"
)

// OpenQuestionnaire is the questionnaire of the open pulse Seed creates
// next to a baseline on q: the shipped short pulse when q is the shipped
// baseline (any version), q itself otherwise (a questionnaire of one's
// own has no short pulse whose items line up with it).
func OpenQuestionnaire(q *questionnaires.Questionnaire) (*questionnaires.Questionnaire, error) {
	if q.ID != baselineID {
		return q, nil
	}
	sp, err := questionnaires.Load(shortPulseID)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	return sp, nil
}

// Result is what Seed stored.
type Result struct {
	// Baseline is the pulse holding the synthetic answers, closed with
	// results.Close: its final results are what the board and the reports
	// show. Results exist only for closed pulses.
	Baseline survey.Pulse
	// Open is a second pulse, on OpenQuestionnaire, open and without
	// answers: its survey links are the ones to hand out for new answers.
	Open        survey.Pulse
	Departments []Seeded // in the order of Organisation.Departments
}

// Seeded is one stored department with its survey links.
type Seeded struct {
	Department survey.Department
	// Link is the department's link to the open pulse; it accepts answers.
	Link survey.Link
	// BaselineLink is the link the synthetic answers were given through; the
	// baseline is closed, so it accepts no more.
	BaselineLink survey.Link
	Responses    int // synthetic responses in the baseline
	Expect       Expect
	Why          string
}

// Seed stores org in s: the organisation settings (anonymity thresholds 5
// and 10), the departments, a baseline pulse on q with every response,
// closed with results.Close so that it has its final results, and a second
// pulse (OpenPulseName) on OpenQuestionnaire(q), open and empty, with a
// link per department.
// Responses take the path of a real respondent: the answers are turned
// into form values, validated and scrubbed by survey.DecodeAnswers, and
// stored by Store.Submit with a fresh submission key. Seed expects an
// empty database; it stops at the first error, leaving what it stored so
// far.
func Seed(ctx context.Context, s Store, q *questionnaires.Questionnaire, org Organisation) (Result, error) {
	if org.Questionnaire != q.Ref() {
		return Result{}, fmt.Errorf("demo: the organisation was generated for %s, not %s", org.Questionnaire, q.Ref())
	}
	st := survey.DefaultSettings()
	st.Name, st.DefaultLanguage = org.Name, org.Language
	if err := s.SaveSettings(ctx, st); err != nil {
		return Result{}, fmt.Errorf("demo: save settings: %w", err)
	}
	res := Result{Departments: make([]Seeded, len(org.Departments))}
	ids := map[string]string{} // name -> id, for the parents that come first
	for i, d := range org.Departments {
		parent, ok := ids[d.Parent]
		if d.Parent != "" && !ok {
			return Result{}, fmt.Errorf("demo: %s belongs to %s, which does not come before it", d.Name, d.Parent)
		}
		sd, err := s.CreateDepartment(ctx, survey.Department{Name: d.Name, Headcount: d.Headcount, ExternallyVisible: d.ExternallyVisible, ParentID: parent})
		ids[d.Name] = sd.ID
		if err != nil {
			return Result{}, fmt.Errorf("demo: create department %s: %w", d.Name, err)
		}
		res.Departments[i] = Seeded{Department: sd, Expect: d.Expect, Why: d.Why}
	}
	base, baseLinks, err := openPulse(ctx, s, q, org.PulseName, res.Departments)
	if err != nil {
		return Result{}, err
	}
	for i, d := range org.Departments {
		sd := &res.Departments[i]
		sd.BaselineLink = baseLinks[i]
		for j, r := range d.Responses {
			dec := survey.DecodeAnswers(q, r.Values())
			if err := dec.Err(); err != nil {
				return Result{}, fmt.Errorf("demo: response %d of %s refused (%v): %w", j+1, d.Name, dec.Errors, err)
			}
			sub := survey.Submission{Link: sd.BaselineLink, Key: survey.NewID(), Answers: dec.Answers, Comments: dec.Comments}
			if _, err := s.Submit(ctx, sub); err != nil {
				return Result{}, fmt.Errorf("demo: submit response %d of %s: %w", j+1, d.Name, err)
			}
			sd.Responses++
		}
	}
	if _, err := results.Close(ctx, s, base.ID, analysis.DefaultConfig()); err != nil {
		return Result{}, fmt.Errorf("demo: close pulse %q: %w", base.Name, err)
	}
	if res.Baseline, err = s.Pulse(ctx, base.ID); err != nil {
		return Result{}, err
	}
	oq, err := OpenQuestionnaire(q)
	if err != nil {
		return Result{}, err
	}
	open, openLinks, err := openPulse(ctx, s, oq, OpenPulseName, res.Departments)
	if err != nil {
		return Result{}, err
	}
	res.Open = open
	for i := range res.Departments {
		res.Departments[i].Link = openLinks[i]
	}
	return res, nil
}

// openPulse creates and opens a pulse on q and returns it with the survey
// link of each department, in the order of deps.
func openPulse(ctx context.Context, s Store, q *questionnaires.Questionnaire, name string, deps []Seeded) (survey.Pulse, []survey.Link, error) {
	p, err := s.CreatePulse(ctx, survey.Pulse{Name: name, QuestionnaireID: q.ID, QuestionnaireVersion: q.Version})
	if err != nil {
		return survey.Pulse{}, nil, fmt.Errorf("demo: create pulse %q: %w", name, err)
	}
	if p, err = s.OpenPulse(ctx, p.ID); err != nil {
		return survey.Pulse{}, nil, fmt.Errorf("demo: open pulse %q: %w", name, err)
	}
	links, err := s.Links(ctx, p.ID)
	if err != nil {
		return survey.Pulse{}, nil, fmt.Errorf("demo: survey links: %w", err)
	}
	byDept := make(map[string]survey.Link, len(links))
	for _, l := range links {
		byDept[l.DepartmentID] = l
	}
	out := make([]survey.Link, len(deps))
	for i, d := range deps {
		l, ok := byDept[d.Department.ID]
		if !ok {
			return survey.Pulse{}, nil, fmt.Errorf("demo: no survey link for %s in pulse %q", d.Department.Name, name)
		}
		out[i] = l
	}
	return p, out, nil
}

// Values returns the response as a respondent's form would send it: item
// id to values, numbers in decimal, one value per picked option, the open
// text as written (not yet scrubbed).
func (r Response) Values() map[string][]string {
	v := make(map[string][]string, len(r.Answers.Numbers)+len(r.Answers.Choices)+len(r.Comments))
	for id, n := range r.Answers.Numbers {
		v[id] = []string{strconv.Itoa(n)}
	}
	for id, opts := range r.Answers.Choices {
		v[id] = append([]string(nil), opts...)
	}
	for id, text := range r.Comments {
		v[id] = []string{text}
	}
	return v
}
