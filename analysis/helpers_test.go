package analysis

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"trots/questionnaires"
)

// mustQuestionnaire loads testdata/questionnaire.yaml.
func mustQuestionnaire(t testing.TB) *questionnaires.Questionnaire {
	t.Helper()
	q, err := questionnaires.LoadFile("testdata/questionnaire.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// answers builds one response from item values keyed by item id (answers as
// given, before reverse-keying); other items are missing.
func answers(q *questionnaires.Questionnaire, vals map[string]float64, choices map[string][]string) Response {
	r := Response{Values: make([]float64, len(q.Items)), Choices: choices}
	for i, it := range q.Items {
		v, ok := vals[it.ID]
		if !ok {
			v = math.NaN()
		}
		r.Values[i] = v
	}
	return r
}

// climate describes a department's typical answers: the level of each
// dimension on 1-5 (as experienced, after reverse-keying), the promise and
// reality levels of the gap pairs, and the usual eNPS answer. Answers vary
// by -1, 0 or +1 around the level.
type climate struct {
	pride, content, comm, stab, mgmt, will, barrier float64
	promise, reality                                float64
	enps                                            float64
	missing                                         float64 // chance that an item is left empty
}

var (
	ready = climate{pride: 4.4, content: 4.3, comm: 4.3, stab: 4.3, mgmt: 4.2, will: 4.3, barrier: 2,
		promise: 3.8, reality: 3.8, enps: 9}
	poor = climate{pride: 1.7, content: 2, comm: 2.2, stab: 2, mgmt: 2, will: 1.8, barrier: 4,
		promise: 4.6, reality: 1.8, enps: 3}
	// middling is good but not demonstrably so with few people.
	middling = climate{pride: 3.9, content: 3.9, comm: 3.9, stab: 3.8, mgmt: 3.8, will: 3.9, barrier: 2.5,
		promise: 3.5, reality: 3.4, enps: 7}
)

// department generates n respondents of climate c with a fixed seed.
func department(q *questionnaires.Questionnaire, name string, n, headcount int, c climate, seed uint64) Group {
	rng := rand.New(rand.NewPCG(seed, 7))
	level := map[string]float64{
		"pride": c.pride, "content": c.content, "communication": c.comm, "stability": c.stab,
		"management": c.mgmt, "willingness": c.will, "barriers": c.barrier,
	}
	g := Group{Name: name, Headcount: headcount, ExternallyVisible: true}
	profiles := []string{"quiet_expert", "super_networker", "warm_welcomer", "none"}
	for i := 0; i < n; i++ {
		vals := map[string]float64{}
		// An answer is the level plus -1, 0 or +1, rounded up with
		// probability equal to the fractional part (so the mean stays at
		// the level) and clamped to the scale.
		draw := func(m float64, lo, hi float64) float64 {
			v := m + float64(rng.IntN(3)-1)
			v = math.Floor(v + rng.Float64())
			return math.Max(lo, math.Min(hi, v))
		}
		for _, it := range q.Items {
			if c.missing > 0 && rng.Float64() < c.missing {
				continue
			}
			switch {
			case it.Pair != nil && it.Pair.Role == questionnaires.Promise:
				vals[it.ID] = draw(c.promise, 1, 5)
			case it.Pair != nil:
				vals[it.ID] = draw(c.reality, 1, 5)
			case it.Scale.Type == questionnaires.NPS:
				vals[it.ID] = draw(c.enps, 0, 10)
			case it.Scale.Type == questionnaires.Likert:
				v := draw(level[it.Dimension], 1, 5)
				if it.Reverse {
					v = 6 - v
				}
				vals[it.ID] = v
			}
		}
		choices := map[string][]string{
			"profile": {profiles[rng.IntN(len(profiles))]},
			"help":    {"guidelines"},
		}
		if rng.IntN(2) == 0 {
			choices["help"] = append(choices["help"], "training")
		}
		g.Responses = append(g.Responses, answers(q, vals, choices))
	}
	return g
}

// mustAnalyze runs Analyze with a fixed comment seed.
func mustAnalyze(t testing.TB, q *questionnaires.Questionnaire, cfg Config, groups ...Group) *Result {
	t.Helper()
	res, err := Analyze(Input{Questionnaire: q, Groups: groups, Config: cfg, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// mustJSON marshals v, failing the test on NaN or any other error.
func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func deptNamed(res *Result, name string) *GroupResult {
	for i := range res.Departments {
		if res.Departments[i].Name == name {
			return &res.Departments[i]
		}
	}
	return nil
}

func codes(rs []Reason) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Code
	}
	return out
}

func hasCode(rs []Reason, code string) bool {
	for _, r := range rs {
		if r.Code == code {
			return true
		}
	}
	return false
}
