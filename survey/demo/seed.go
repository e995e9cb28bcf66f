package demo

import (
	"context"
	"fmt"
	"strconv"

	"trots/questionnaires"
	"trots/survey"
)

// Store is what Seed needs of survey.Store.
type Store interface {
	SaveSettings(ctx context.Context, st survey.Settings) error
	CreateDepartment(ctx context.Context, d survey.Department) (survey.Department, error)
	CreatePulse(ctx context.Context, p survey.Pulse) (survey.Pulse, error)
	OpenPulse(ctx context.Context, id string) (survey.Pulse, error)
	Links(ctx context.Context, pulseID string) ([]survey.Link, error)
	Submit(ctx context.Context, sub survey.Submission) (survey.Receipt, error)
}

var _ Store = (*survey.Store)(nil)

// Result is what Seed stored.
type Result struct {
	Pulse       survey.Pulse
	Departments []Seeded // in the order of Organisation.Departments
}

// Seeded is one stored department with its survey link.
type Seeded struct {
	Department survey.Department
	Link       survey.Link
	Responses  int
	Expect     Expect
	Why        string
}

// Seed stores org in s: the organisation settings (anonymity thresholds 5
// and 10), the departments, an open pulse on q with a link per department,
// and every response. Responses take the path of a real respondent: the
// answers are turned into form values, validated and scrubbed by
// survey.DecodeAnswers, and stored by Store.Submit with a fresh submission
// key. Seed expects an empty database; it stops at the first error, leaving
// what it stored so far.
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
	for i, d := range org.Departments {
		sd, err := s.CreateDepartment(ctx, survey.Department{Name: d.Name, Headcount: d.Headcount, ExternallyVisible: d.ExternallyVisible})
		if err != nil {
			return Result{}, fmt.Errorf("demo: create department %s: %w", d.Name, err)
		}
		res.Departments[i] = Seeded{Department: sd, Expect: d.Expect, Why: d.Why}
	}
	p, err := s.CreatePulse(ctx, survey.Pulse{Name: org.PulseName, QuestionnaireID: q.ID, QuestionnaireVersion: q.Version})
	if err != nil {
		return Result{}, fmt.Errorf("demo: create pulse: %w", err)
	}
	if res.Pulse, err = s.OpenPulse(ctx, p.ID); err != nil {
		return Result{}, fmt.Errorf("demo: open pulse: %w", err)
	}
	links, err := s.Links(ctx, p.ID)
	if err != nil {
		return Result{}, fmt.Errorf("demo: survey links: %w", err)
	}
	byDept := make(map[string]survey.Link, len(links))
	for _, l := range links {
		byDept[l.DepartmentID] = l
	}
	for i, d := range org.Departments {
		sd := &res.Departments[i]
		link, ok := byDept[sd.Department.ID]
		if !ok {
			return Result{}, fmt.Errorf("demo: no survey link for %s", d.Name)
		}
		sd.Link = link
		for j, r := range d.Responses {
			dec := survey.DecodeAnswers(q, r.Values())
			if err := dec.Err(); err != nil {
				return Result{}, fmt.Errorf("demo: response %d of %s refused (%v): %w", j+1, d.Name, dec.Errors, err)
			}
			sub := survey.Submission{Link: link, Key: survey.NewID(), Answers: dec.Answers, Comments: dec.Comments}
			if _, err := s.Submit(ctx, sub); err != nil {
				return Result{}, fmt.Errorf("demo: submit response %d of %s: %w", j+1, d.Name, err)
			}
			sd.Responses++
		}
	}
	return res, nil
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
