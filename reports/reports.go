package reports

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"trots/analysis"
	"trots/questionnaires"
	"trots/survey/results"
)

// Input is what a report is made from: one analysed pulse and the words to
// describe it. Reports render only what Result shows.
type Input struct {
	// Organisation is the organisation's name (survey settings).
	Organisation  string
	Pulse         Pulse
	Questionnaire *questionnaires.Questionnaire
	Result        *analysis.Result
	// Plans are the department's action plans (department report only):
	// the plan answering the previous pulse with its progress, and the
	// plan answering this one.
	Plans []ActionPlan
}

// Pulse describes the measurement a report is about.
type Pulse struct {
	Name string
	// Opens and Closes are the pulse's dates; zero when not set.
	Opens, Closes time.Time
	// Previous names the pulse the trend compares with ("" for none).
	Previous string
	// AnswerMode is how the pulse was answered: "open_links", "codes" or
	// "both" ("" is "both").
	AnswerMode string
}

// Options control the rendering.
type Options struct {
	// Lang is "nl" or "en" ("" means "en").
	Lang string
	// CreationDate is stamped in the PDF's metadata and printed on the
	// cover. With the same date and input the output is byte-for-byte the
	// same. Zero means now.
	CreationDate time.Time
	// Progress, if set, is told how far the rendering is, in departments:
	// (0, total) first, then done rising to (total, total), never
	// backwards. The organisation report counts every department of the
	// analysis (one without a page of its own counts as it is passed
	// over, so the count says nothing about who is shown); a department
	// report counts one. It is called on the rendering goroutine and
	// should return quickly.
	Progress func(done, total int)
}

// ErrUnknownDepartment is returned by Department for a name the analysis
// does not know.
var ErrUnknownDepartment = errors.New("reports: unknown department")

// FromOutcome builds the input of a report from a pulse analysed by
// survey/results: what `trots report` and the console both use. There is
// no interim report: results.Analyze gives results of closed pulses only,
// since figures of an open pulse, compared over time, expose the answers
// of the people who answered in between.
func FromOutcome(organisation string, o *results.Outcome) Input {
	in := Input{
		Organisation:  organisation,
		Questionnaire: o.Questionnaire,
		Result:        o.Result,
		Pulse:         Pulse{Name: o.Pulse.Name, Opens: o.Pulse.Opens, Closes: o.Pulse.Closes, AnswerMode: string(o.Pulse.Mode)},
	}
	if in.Pulse.Closes.IsZero() {
		in.Pulse.Closes = o.Pulse.Closed
	}
	if o.Previous != nil {
		in.Pulse.Previous = o.Previous.Name
	}
	return in
}

// renderSlots bounds how many PDFs are rendered at once. go-pdf/fpdf is
// archived and keeps whole documents in memory; two at a time keeps a
// burst of downloads from starving the server (each organisation report
// of 200 departments takes about a second of one core).
var renderSlots = make(chan struct{}, 2)

// Organisation writes the organisation report: cover, executive summary,
// heatmap, reality gap, response rates, trend, a page per shown department
// and the method appendix.
func Organisation(w io.Writer, in Input, opts Options) error {
	v, err := newView(in, opts)
	if err != nil {
		return err
	}
	return render(w, func() (*document, error) { return v.organisation(), nil })
}

// Department writes the report of one department, any node of a tree
// (with its parts compared), found by FindDepartment: by name, by ID, or
// by name ignoring case. A department whose figures are suppressed still
// gets a report: it says why nothing is shown and how to get a measurable
// result, and contains no figure of the department. An unknown name is
// ErrUnknownDepartment, with the known names in the message.
func Department(w io.Writer, in Input, department string, opts Options) error {
	v, err := newView(in, opts)
	if err != nil {
		return err
	}
	g, err := FindDepartment(in.Result, department)
	if err != nil {
		return err
	}
	return render(w, func() (*document, error) { return v.department(g), nil })
}

// FindDepartment returns the department called name: an exact match, or
// else the department with that ID (any node of a tree), or else the only
// one whose name matches ignoring case.
func FindDepartment(res *analysis.Result, name string) (*analysis.GroupResult, error) {
	if res == nil {
		return nil, errors.New("reports: no analysis result")
	}
	var folded *analysis.GroupResult
	n := 0
	for i := range res.Departments {
		if g := &res.Departments[i]; g.Name == name {
			return g, nil
		}
	}
	for i := range res.Departments {
		if g := &res.Departments[i]; g.ID != "" && g.ID == strings.TrimSpace(name) {
			return g, nil
		}
	}
	for i := range res.Departments {
		g := &res.Departments[i]
		if strings.EqualFold(strings.TrimSpace(g.Name), strings.TrimSpace(name)) {
			folded, n = g, n+1
		}
	}
	if n == 1 {
		return folded, nil
	}
	names := make([]string, len(res.Departments))
	for i, g := range res.Departments {
		names[i] = fmt.Sprintf("%q", g.Name)
	}
	return nil, fmt.Errorf("%w %q; the departments are %s", ErrUnknownDepartment, name, strings.Join(names, ", "))
}

// render runs build in a render slot and writes the document to w only
// when the whole PDF was made: a failure writes nothing. fpdf panics on
// some malformed input; that becomes an error too (renderTo).
func render(w io.Writer, build func() (*document, error)) error {
	return renderTo(Outputs{PDF: w}, build)
}
