package audit

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"trots/analysis"
	"trots/questionnaires"
)

func shipped(t testing.TB) *questionnaires.Questionnaire {
	t.Helper()
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// respond draws one response: every likert and nps item around the
// department's mood, one profile, a few help options; missing answers
// with probability miss.
func respond(q *questionnaires.Questionnaire, rng *rand.Rand, mood, miss float64) analysis.Response {
	r := analysis.Response{Values: make([]float64, len(q.Items)), Choices: map[string][]string{}}
	for i, it := range q.Items {
		r.Values[i] = math.NaN()
		if rng.Float64() < miss {
			continue
		}
		sc := it.Scale
		switch sc.Type {
		case questionnaires.Likert:
			v := math.Round(mood*float64(sc.Max-sc.Min)+float64(sc.Min)) + float64(rng.IntN(3)-1)
			r.Values[i] = math.Max(float64(sc.Min), math.Min(float64(sc.Max), v))
		case questionnaires.NPS:
			r.Values[i] = math.Max(0, math.Min(10, math.Round(mood*10)+float64(rng.IntN(5)-2)))
		case questionnaires.Choice:
			if sc.Multiple {
				for _, o := range sc.Options {
					if rng.IntN(3) == 0 {
						r.Choices[it.ID] = append(r.Choices[it.ID], o.ID)
					}
				}
			} else {
				r.Choices[it.ID] = []string{sc.Options[rng.IntN(len(sc.Options))].ID}
			}
		}
	}
	return r
}

// organisation draws nd departments with the given sizes (respondents)
// and headcounts at least as large.
func organisation(q *questionnaires.Questionnaire, rng *rand.Rand, sizes []int, miss float64) analysis.Input {
	cfg := analysis.DefaultConfig()
	in := analysis.Input{Questionnaire: q, Config: cfg, Seed: 1}
	for d, n := range sizes {
		g := analysis.Group{ID: fmt.Sprintf("dep-%04d", d), Name: fmt.Sprintf("Department %d", d),
			Headcount: n + rng.IntN(4), ExternallyVisible: true}
		mood := 0.3 + 0.6*rng.Float64()
		for range n {
			g.Responses = append(g.Responses, respond(q, rng, mood, miss))
		}
		in.Groups = append(in.Groups, g)
	}
	return in
}
