package csvdata

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"testing"

	"trots/analysis"
	"trots/questionnaires"
)

// The CSV import of `trots analyze` reads files from anywhere: whatever the
// bytes, it refuses them with an error or returns groups that are within
// the questionnaire, and the analysis of those never panics and never
// produces a number JSON cannot carry. The seeds are in
// testdata/fuzz/FuzzReadResponses (real exports, a Dutch spreadsheet's
// semicolons, quotes across lines, a BOM, invalid UTF-8, NaN and Inf).
func FuzzReadResponses(f *testing.F) {
	q, err := questionnaires.LoadFile("../testdata/questionnaire.yaml")
	if err != nil {
		f.Fatal(err)
	}
	ref, err := os.ReadFile("../testdata/reference.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(ref)
	cfg := analysis.DefaultConfig()
	cfg.MinGroup = analysis.MinAllowedGroup
	f.Fuzz(func(t *testing.T, data []byte) {
		groups, err := ReadResponses(bytes.NewReader(data), "fuzz.csv", q)
		// The same bytes as a headcounts file: refused or sane.
		if hs, herr := ReadHeadcounts(bytes.NewReader(data), "fuzz.csv"); herr == nil {
			for _, h := range hs {
				if h.Department == "" || h.Headcount < 0 || h.Headcount > MaxHeadcount {
					t.Fatalf("headcount accepted: %+v", h)
				}
			}
			if err == nil {
				if _, err := ApplyHeadcounts(groups, hs, "fuzz.csv"); err != nil {
					var e *Error
					if !errors.As(err, &e) {
						t.Fatalf("ApplyHeadcounts: not a positioned error: %v", err)
					}
				}
			}
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.File != "fuzz.csv" {
				t.Fatalf("refusal is not a *Error naming the file: %v", err)
			}
			return
		}
		if len(groups) == 0 {
			t.Fatal("no groups and no error")
		}
		for _, g := range groups {
			if g.Name == "" {
				t.Fatal("group without a name")
			}
			for _, r := range g.Responses {
				if len(r.Values) != len(q.Items) {
					t.Fatalf("response with %d values for %d items", len(r.Values), len(q.Items))
				}
				for i, v := range r.Values {
					if math.IsNaN(v) {
						continue
					}
					lo, hi := q.Items[i].Scale.Points()
					if !q.Items[i].Scale.Numeric() || v != math.Trunc(v) || v < float64(lo) || v > float64(hi) {
						t.Fatalf("value %v accepted for %s", v, q.Items[i].ID)
					}
				}
				for id, picked := range r.Choices {
					it, ok := q.Item(id)
					if !ok || len(picked) == 0 || len(picked) > 1 && !it.Scale.Multiple {
						t.Fatalf("choices %v accepted for %s", picked, id)
					}
					for _, o := range picked {
						if _, ok := it.Scale.Option(o); !ok {
							t.Fatalf("unknown option %q accepted for %s", o, id)
						}
					}
				}
			}
		}
		res, err := analysis.Analyze(analysis.Input{Questionnaire: q, Groups: groups, Config: cfg, Seed: 1})
		if err != nil {
			return
		}
		if _, err := json.Marshal(res); err != nil {
			t.Fatalf("the analysis of an accepted file cannot be written as JSON: %v", err)
		}
	})
}
