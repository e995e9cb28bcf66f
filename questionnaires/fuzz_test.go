package questionnaires_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	"trots/analysis"
	"trots/questionnaires"
	"trots/survey"
)

// The loader reads YAML written by people: whatever the bytes, Parse
// refuses them with Problems or returns a questionnaire that the rest of
// trots can use as it is - every item resolved to a scale and a dimension,
// numeric scales with a range, the survey decoder and the analysis running
// on it without a panic. The seeds are in testdata/fuzz/FuzzParse (the
// shipped questionnaires, anchors and aliases, a billion laughs, tabs,
// a BOM, huge numbers, several documents).
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := questionnaires.Parse("fuzz.yaml", data)
		if err != nil {
			var ps questionnaires.Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("refusal is not a list of problems: %v", err)
			}
			return
		}
		if len(q.Items) == 0 || len(q.Languages) == 0 || q.Ref() == "" {
			t.Fatalf("accepted an empty questionnaire: %+v", q)
		}
		for _, it := range q.Items {
			if got, ok := q.Item(it.ID); !ok || got != it {
				t.Fatalf("item %q cannot be found by its id", it.ID)
			}
			if it.Scale == nil {
				t.Fatalf("item %q has no scale", it.ID)
			}
			if _, ok := q.Dimension(it.Dimension); !ok {
				t.Fatalf("item %q has unknown dimension %q", it.ID, it.Dimension)
			}
			if it.Scale.Numeric() {
				if lo, hi := it.Scale.Points(); lo >= hi {
					t.Fatalf("item %q: scale %d-%d", it.ID, lo, hi)
				}
			}
			for _, lang := range q.Languages {
				_ = it.Text.Get(lang)
			}
		}
		// A respondent answering nothing, and one answering every item at
		// the top of its scale.
		none := survey.DecodeAnswers(q, nil)
		full := map[string][]string{}
		for _, it := range q.Items {
			switch {
			case it.Scale.Numeric():
				_, hi := it.Scale.Points()
				full[it.ID] = []string{itoa(hi)}
			case len(it.Scale.Options) > 0:
				full[it.ID] = []string{it.Scale.Options[0].ID}
			default:
				full[it.ID] = []string{"tekst"}
			}
		}
		dec := survey.DecodeAnswers(q, full)
		if !dec.Valid() {
			t.Fatalf("a full, in-range answer set is refused: %v", dec.Errors)
		}
		values := make([]float64, len(q.Items))
		for i, it := range q.Items {
			values[i] = math.NaN()
			if n, ok := dec.Answers.Numbers[it.ID]; ok {
				values[i] = float64(n)
			}
		}
		g := analysis.Group{Name: "A", ExternallyVisible: true}
		for range 6 {
			g.Responses = append(g.Responses, analysis.Response{Values: values, Choices: dec.Answers.Choices})
		}
		_ = none
		res, err := analysis.Analyze(analysis.Input{Questionnaire: q, Groups: []analysis.Group{g}, Config: analysis.DefaultConfig(), Seed: 1})
		if err == nil {
			if _, err := json.Marshal(res); err != nil {
				t.Fatalf("analysis result cannot be written as JSON: %v", err)
			}
		}
	})
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
