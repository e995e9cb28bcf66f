// Package results turns a stored pulse into the analysis' input and runs
// the analysis on it: the one place where storage (survey) meets the pure
// statistics (analysis), shared by `trots report`, the console and the API.
package results

import (
	"context"
	"fmt"
	"math"
	"time"

	"trots/analysis"
	"trots/analysis/audit"
	"trots/questionnaires"
	"trots/server/metrics"
	"trots/survey"
)

// Store is what results needs of the survey store.
type Store interface {
	Pulse(ctx context.Context, id string) (survey.Pulse, error)
	Pulses(ctx context.Context) ([]survey.Pulse, error)
	Departments(ctx context.Context) ([]survey.Department, error)
	// PulseTree returns the departments as they stood when a pulse
	// closed (empty when not recorded).
	PulseTree(ctx context.Context, pulseID string) ([]survey.Department, error)
	EachResponse(ctx context.Context, pulseID string, fn func(survey.Response) error) error
	Comments(ctx context.Context, pulseID string) ([]survey.Comment, error)
	// PulseResult returns the final results stored when a pulse closed.
	PulseResult(ctx context.Context, pulseID string) (survey.PulseResult, error)
}

// Outcome is a pulse with its analysis.
type Outcome struct {
	Pulse         survey.Pulse
	Questionnaire *questionnaires.Questionnaire
	Result        *analysis.Result
	// Previous is the pulse the trend compares with, if any.
	Previous *survey.Pulse
}

// Questionnaire returns the shipped questionnaire a pulse was opened with,
// in the version it was opened with (the current one or an earlier one the
// binary keeps), refusing any other version.
func Questionnaire(p survey.Pulse) (*questionnaires.Questionnaire, error) {
	q, err := questionnaires.LoadVersion(p.QuestionnaireID, p.QuestionnaireVersion)
	if err != nil {
		return nil, fmt.Errorf("results: pulse %s uses %s@%d: %w", p.ID, p.QuestionnaireID, p.QuestionnaireVersion, err)
	}
	return q, nil
}

// Input loads a pulse's responses and comments grouped by department, in
// one streaming query for the responses. The anonymity thresholds are the
// ones fixed when the pulse opened, whatever cfg says.
func Input(ctx context.Context, st Store, p survey.Pulse, q *questionnaires.Questionnaire, cfg analysis.Config) (analysis.Input, error) {
	deps, err := st.Departments(ctx)
	if err != nil {
		return analysis.Input{}, err
	}
	if p.MinGroup > 0 {
		cfg = cfg.WithMinGroup(p.MinGroup)
	}
	if p.MinComments > 0 {
		cfg.MinComments = p.MinComments
	}
	// A closed pulse is analysed in the tree it closed with: names,
	// headcounts and parents of then.
	then := map[string]survey.Department{}
	if p.Status == survey.PulseClosed {
		tree, err := st.PulseTree(ctx, p.ID)
		if err != nil {
			return analysis.Input{}, err
		}
		for _, d := range tree {
			then[d.ID] = d
		}
	}
	in := analysis.Input{Questionnaire: q, Config: cfg, Groups: make([]analysis.Group, len(deps))}
	index := make(map[string]int, len(deps))
	for i, d := range deps {
		if old, ok := then[d.ID]; ok {
			d.Name, d.Headcount, d.ParentID = old.Name, old.Headcount, old.ParentID
		}
		index[d.ID] = i
		in.Groups[i] = analysis.Group{ID: d.ID, ParentID: d.ParentID, Name: d.Name, Headcount: d.Headcount, ExternallyVisible: d.ExternallyVisible}
	}
	col := make(map[string]int, len(q.Items))
	for i, it := range q.Items {
		col[it.ID] = i
	}
	err = st.EachResponse(ctx, p.ID, func(r survey.Response) error {
		g, ok := index[r.DepartmentID]
		if !ok {
			return fmt.Errorf("results: response in unknown department %s", r.DepartmentID)
		}
		values := make([]float64, len(q.Items))
		for i := range values {
			values[i] = math.NaN()
		}
		for id, v := range r.Answers.Numbers {
			if c, ok := col[id]; ok {
				values[c] = float64(v)
			}
		}
		in.Groups[g].Responses = append(in.Groups[g].Responses, analysis.Response{Values: values, Choices: r.Answers.Choices})
		return nil
	})
	if err != nil {
		return analysis.Input{}, err
	}
	comments, err := st.Comments(ctx, p.ID)
	if err != nil {
		return analysis.Input{}, err
	}
	for _, c := range comments {
		if g, ok := index[c.DepartmentID]; ok {
			in.Groups[g].Comments = append(in.Groups[g].Comments, c.Body)
		}
	}
	return in, nil
}

// KeyAfterClose is the translation key of the error Analyze returns for
// an open pulse.
const KeyAfterClose = "results_after_close"

// KeyWithheld is the translation key of the error for results the
// disclosure audit did not pass.
const KeyWithheld = "results_withheld"

// ErrWithheld is the error for results of pulse p that are kept
// unpublished because the anonymity audit found a hidden cell that the
// published figures would give away.
func ErrWithheld(p survey.Pulse, rec *analysis.AuditRecord) error {
	what := ""
	if len(rec.Disclosed) > 0 {
		d := rec.Disclosed[0]
		what = fmt.Sprintf(" (%s of %s lies within %g..%g)", d.Variable, d.Family, d.Low, d.High)
	}
	return &survey.Error{Code: survey.EConflict, Key: KeyWithheld,
		Message: fmt.Sprintf("results of pulse %q withheld: the anonymity audit found %d hidden figure(s) that the published ones would give away%s; run trots audit --pulse %s",
			p.Name, len(rec.Disclosed), what, p.ID)}
}

// ErrOpen is the error for asking the results of the open pulse p: results
// exist only once a pulse has closed. Figures of a pulse that still takes
// answers would change with every answer, and two looks at them (at n = 10
// and n = 11, say) give away the newest answer by subtraction.
func ErrOpen(p survey.Pulse) error {
	return &survey.Error{Code: survey.EConflict, Key: KeyAfterClose,
		Message: fmt.Sprintf("pulse %q is still open: results are shown once the pulse has closed, "+
			"so that nobody can work out one person's answers by comparing figures over time", p.Name)}
}

// Analyze returns the results of a closed pulse, with the trend against
// the most recent earlier closed pulse on the same questionnaire when
// there is one. An open pulse has no results: Analyze refuses it with
// ErrOpen (EConflict, KeyAfterClose); tests that need figures of raw data
// call analysis.Analyze on Input.
//
// A closed pulse whose results were stored when it closed (see Close) is
// answered from them, cfg notwithstanding: they are its final results, and
// the only ones left once the retention has deleted its raw answers. The
// time taken is recorded in the metrics found in ctx, if any.
func Analyze(ctx context.Context, st Store, pulseID string, cfg analysis.Config) (*Outcome, error) {
	start := time.Now()
	defer func() { metrics.FromContext(ctx).ObserveAnalysis(time.Since(start)) }()
	p, err := st.Pulse(ctx, pulseID)
	if err != nil {
		return nil, err
	}
	if p.Status == survey.PulseOpen {
		return nil, ErrOpen(p)
	}
	out, err := finalResult(ctx, st, p)
	if err != nil {
		return nil, err
	}
	final := out != nil
	if !final {
		if out, err = analyzeOne(ctx, st, p, cfg); err != nil {
			return nil, err
		}
	}
	prev, err := previousPulse(ctx, st, p)
	if err != nil || prev == nil {
		return out, err
	}
	if final {
		// The stored result holds its trend already.
		out.Previous = prev
		return out, nil
	}
	return withTrend(ctx, st, out, prev, cfg)
}

// withTrend adds to out the trend against prev, compared with prev's final
// results when it has them.
func withTrend(ctx context.Context, st Store, out *Outcome, prev *survey.Pulse, cfg analysis.Config) (*Outcome, error) {
	before, err := finalResult(ctx, st, *prev)
	if err == nil && before == nil {
		before, err = analyzeOne(ctx, st, *prev, cfg)
	}
	if survey.ErrorKey(err) == KeyWithheld {
		// The previous pulse publishes nothing: no trend against it.
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("results: previous pulse %s: %w", prev.ID, err)
	}
	if out.Result.Trend, err = analysis.Trend(out.Result, before.Result); err != nil {
		return nil, fmt.Errorf("results: trend: %w", err)
	}
	out.Previous = prev
	return out, nil
}

func analyzeOne(ctx context.Context, st Store, p survey.Pulse, cfg analysis.Config) (*Outcome, error) {
	if p.Status == survey.PulseDraft {
		return nil, fmt.Errorf("results: pulse %q has not been opened yet", p.Name)
	}
	q, err := Questionnaire(p)
	if err != nil {
		return nil, err
	}
	in, err := Input(ctx, st, p, q, cfg)
	if err != nil {
		return nil, err
	}
	// The results a closed pulse publishes are the audited ones: the
	// disclosure audit hides, on top of the k rule, what could otherwise
	// be worked out from the published figures (package analysis/audit).
	res, _, err := audit.Protect(in)
	if err != nil {
		return nil, fmt.Errorf("results: analyse pulse %s: %w", p.ID, err)
	}
	return &Outcome{Pulse: p, Questionnaire: q, Result: res}, nil
}

// previousPulse is the newest closed pulse opened before p on the same
// questionnaire id (Pulses lists newest first). Open pulses are skipped:
// they have no results, and a trend against one would move with every
// answer it takes.
func previousPulse(ctx context.Context, st Store, p survey.Pulse) (*survey.Pulse, error) {
	all, err := st.Pulses(ctx)
	if err != nil {
		return nil, err
	}
	seen := false
	for _, o := range all {
		if o.ID == p.ID {
			seen = true
			continue
		}
		if seen && o.Status == survey.PulseClosed && o.QuestionnaireID == p.QuestionnaireID {
			o := o
			return &o, nil
		}
	}
	return nil, nil
}
