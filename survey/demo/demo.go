// Package demo makes a believable demo organisation: departments with
// headcounts, and synthetic answers to a questionnaire drawn from a seeded
// generator, so that a fresh installation shows something worth looking at.
//
// Generate is pure: the same questionnaire and seed give the same
// organisation, byte for byte. Seed stores it through the real submission
// path of survey.Store.
//
// The departments are designed so that the readiness verdict is clear (or
// deliberately unclear) by construction: some are ready, some must fix the
// employee experience first, some are too small to be shown, one answers too
// little to be representative and one sits on the fence. Each Department
// says which verdict it was designed for and why.
//
// # The response model
//
// Every respondent has a general engagement factor g ~ N(0, spread). On a
// scored dimension d (foundation, condition, advocacy, barrier) the person's
// latent level is
//
//	theta_d = mu_d + lambda_d g + u_d,   u_d ~ N(0, 0.35)
//
// with mu_d the department's level (on a 1-5 scale), lambda_d = 1 (-0.5 for
// barriers: engaged people see fewer obstacles). An item answer is
// 3.5 + loading_item (theta_d - 3.5) + offset_item + e, e ~ N(0, 0.55)
// (loading 1 except for a few items such as pay), clamped to [1, 5], rescaled to
// the item's scale and rounded; a reverse-keyed item is answered as
// (min + max) minus that, so that the reversed answer agrees with the rest.
// The shared g and theta_d give per-dimension Cronbach's alpha of about
// 0.75-0.9 over the whole organisation.
//
// Gap pairs: the promise side is how the department sees the external image
// (mu_promise + N(0, 0.35) + e), the reality side is lived experience
// (mu_reality + 0.8 g + N(0, 0.3) + e). The eNPS follows pride, job content
// and stability: 2.5 (0.4 pride + 0.3 content + 0.3 stability - 1) + N(0,
// 1.5) on 0-10. The ambassador profile and the "what would help" choices
// follow the person's willingness to share.
package demo

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"

	"trots/questionnaires"
	"trots/survey"
)

// Expect is the verdict a department is designed to get. The values are
// those of the analysis (GO, FIX_FIRST, NOT_MEASURABLE), kept as plain
// strings so that demo data does not depend on the statistics.
type Expect string

const (
	ExpectGo            Expect = "GO"
	ExpectFixFirst      Expect = "FIX_FIRST"
	ExpectNotMeasurable Expect = "NOT_MEASURABLE"
)

// Organisation is a generated demo organisation with its answers.
type Organisation struct {
	Name string
	// Language is the organisation's default language.
	Language string
	// PulseName names the pulse the answers belong to.
	PulseName string
	// Questionnaire is the id@version the answers were generated for.
	Questionnaire string
	Seed          uint64
	Departments   []Department
}

// Department is one generated department.
type Department struct {
	Name              string
	Headcount         int
	ExternallyVisible bool
	// Parent is the name of the department this one belongs to ("" at
	// the top level); a parent comes before its parts in Departments.
	Parent string
	// Expect and Why tell what the department was designed to show.
	Expect Expect
	Why    string
	// Responses are the synthetic answers; fewer than Headcount.
	Responses []Response
}

// Response is one synthetic respondent: the answers and, apart from them as
// in the real store, the open comments by text item id.
type Response struct {
	Answers  survey.Answers
	Comments map[string]string
}

// Responses returns the number of responses over all departments.
func (o Organisation) Responses() int {
	n := 0
	for _, d := range o.Departments {
		n += len(d.Responses)
	}
	return n
}

// Generate draws the demo organisation for q from seed. Every department has
// its own random stream (derived from seed and its name), so changing one
// department's design does not change the answers of the others.
func Generate(q *questionnaires.Questionnaire, seed uint64) Organisation {
	return organisationOf(q, seed, designs())
}

// organisationOf draws the demo organisation of the given department
// designs (the flat ten, or the tree of tree.go).
func organisationOf(q *questionnaires.Questionnaire, seed uint64, ds []design) Organisation {
	org := Organisation{
		Name:          "Gemeente Voorbeeld",
		Language:      "nl",
		PulseName:     "Nulmeting trots en delen (demo)",
		Questionnaire: q.Ref(),
		Seed:          seed,
	}
	for _, d := range ds {
		org.Departments = append(org.Departments, generate(q, seed, d))
	}
	return org
}

// generate draws one department of design d from its own stream.
func generate(q *questionnaires.Questionnaire, seed uint64, d design) Department {
	h := fnv.New64a()
	h.Write([]byte(d.name))
	r := rand.New(rand.NewPCG(seed, h.Sum64()))
	dep := Department{
		Name: d.name, Headcount: d.headcount, ExternallyVisible: !d.internalOnly, Parent: d.parent,
		Expect: d.expect, Why: d.why,
	}
	g := generator{q: q, d: d, r: r}
	for i := 0; i < d.responses; i++ {
		dep.Responses = append(dep.Responses, g.respondent())
	}
	g.comments(dep.Responses)
	return dep
}

// Latent model constants (on the 1-5 scale): see the package comment.
const (
	sdUnique  = 0.35 // person deviation on one dimension
	sdItem    = 0.55 // item noise
	sdPromise = 0.35 // person deviation on a promise item
	sdReality = 0.30 // person deviation on a reality item
	sdNPS     = 1.5  // eNPS noise on 0-10
	// missingOptional is the chance that an optional numeric item is left
	// open; skipHelp the same for an optional choice item.
	missingOptional = 0.04
	skipHelp        = 0.12
	// commentRate is the chance that a respondent writes a comment.
	commentRate = 0.2
)

// itemLoading weakens the tie of some items to their dimension: pay and job
// security are objective, largely organisation-wide features of a job that
// engaged and disengaged people, and departments, rate more alike. Items not
// listed load 1.
var itemLoading = map[string]float64{
	"content_pay":      0.4,
	"content_security": 0.5,
	"content_growth":   0.8,
	"comm_guidelines":  0.7,
}

// centre is the point of the 1-5 scale towards which a loading below 1 pulls.
const centre = 3.5

// itemOffset makes some items easier or harder to agree with than their
// dimension, as in real data (pay is rated lower than feeling capable).
var itemOffset = map[string]float64{
	"content_pay":        -0.4,
	"content_growth":     -0.2,
	"content_challenge":  0.1,
	"content_competence": 0.4,
	"comm_guidelines":    -0.2,
	"will_online":        -0.2,
	"will_refer":         0.1,
	"mgmt_leaders":       -0.2,
}

type generator struct {
	q *questionnaires.Questionnaire
	d design
	r *rand.Rand
}

// person is one respondent's latent levels.
type person struct {
	g     float64
	theta map[string]float64 // by dimension id
}

func (g *generator) normal(sd float64) float64 { return g.r.NormFloat64() * sd }

// respondent draws one person and their answers.
func (g *generator) respondent() Response {
	p := person{g: g.normal(g.d.spread), theta: map[string]float64{}}
	// Latent levels in questionnaire order, so the stream of draws is fixed.
	for _, dim := range g.q.Dimensions {
		switch dim.Role {
		case questionnaires.RoleFoundation, questionnaires.RoleCondition, questionnaires.RoleAdvocacy, questionnaires.RoleBarrier:
			lambda := 1.0
			if dim.Role == questionnaires.RoleBarrier {
				lambda = -0.5
			}
			p.theta[dim.ID] = g.d.level(dim) + lambda*p.g + g.normal(sdUnique)
		}
	}
	will := g.willingness(p)
	ans := survey.Answers{Numbers: map[string]int{}, Choices: map[string][]string{}}
	for _, it := range g.q.Items {
		dim, _ := g.q.Dimension(it.Dimension)
		switch it.Scale.Type {
		case questionnaires.Likert, questionnaires.NPS:
			// Draw before deciding on missingness so that one item's
			// missing answer does not shift every later draw.
			v := g.numeric(it, dim, p)
			if !it.Required && g.r.Float64() < missingOptional {
				continue
			}
			ans.Numbers[it.ID] = v
		case questionnaires.Choice:
			var picked []string
			if dim != nil && dim.Role == questionnaires.RoleProfile {
				picked = g.profile(it, will)
			} else if dim != nil && dim.Role == questionnaires.RoleSupport {
				picked = g.help(it, will)
			} else {
				picked = g.anyChoice(it)
			}
			if !it.Required && g.r.Float64() < skipHelp {
				continue
			}
			ans.Choices[it.ID] = picked
		}
	}
	if len(ans.Choices) == 0 {
		ans.Choices = nil
	}
	return Response{Answers: ans}
}

// numeric answers a likert or nps item.
func (g *generator) numeric(it *questionnaires.Item, dim *questionnaires.Dimension, p person) int {
	lo, hi := it.Scale.Points()
	if it.Scale.Type == questionnaires.NPS {
		e := g.npsLatent(p)
		return int(clamp(math.Round(2.5*(e-1)+g.normal(sdNPS)), float64(lo), float64(hi)))
	}
	var x float64
	switch {
	case it.Pair != nil:
		promise, reality := g.d.pair(it.Pair.Topic)
		if it.Pair.Role == questionnaires.Promise {
			x = promise + g.normal(sdPromise)
		} else {
			x = reality + 0.8*p.g + g.normal(sdReality)
		}
	case dim != nil:
		if t, ok := p.theta[dim.ID]; ok {
			loading, ok := itemLoading[it.ID]
			if !ok {
				loading = 1
			}
			x = centre + loading*(t-centre)
		} else {
			x = 3.5 + p.g
		}
	default:
		x = 3.5 + p.g
	}
	x = clamp(x+itemOffset[it.ID]+g.normal(sdItem), 1, 5)
	v := math.Round(float64(lo) + (x-1)*float64(hi-lo)/4)
	if it.Reverse {
		v = float64(lo+hi) - v
	}
	return int(v)
}

// npsLatent is the person's level (1-5) behind the eNPS.
func (g *generator) npsLatent(p person) float64 {
	var sum, w float64
	for _, c := range []struct {
		dim    string
		weight float64
	}{{"pride", 0.4}, {"content", 0.3}, {"stability", 0.3}} {
		if t, ok := p.theta[c.dim]; ok {
			sum += c.weight * t
			w += c.weight
		}
	}
	if w == 0 {
		return 3.5 + p.g
	}
	return sum / w
}

// willingness is the person's latent willingness to share (1-5).
func (g *generator) willingness(p person) float64 {
	for _, dim := range g.q.DimensionsWithRole(questionnaires.RoleAdvocacy) {
		return p.theta[dim.ID]
	}
	return g.d.levels["willingness"] + p.g
}

// profileIDs are the ambassador types of the shipped questionnaires.
var profileIDs = []string{"quiet_expert", "super_networker", "warm_welcomer"}

// profile picks an ambassador type: willing people recognise themselves in
// one of the three (weighted by the department), unwilling ones mostly
// pick "none".
func (g *generator) profile(it *questionnaires.Item, will float64) []string {
	opts := it.Scale.Options
	_, hasNone := it.Scale.Option("none")
	pNone := 1 / (1 + math.Exp(3*(will-3.3)))
	if hasNone && g.r.Float64() < pNone {
		return []string{"none"}
	}
	var ids []string
	var weights []float64
	for i, id := range profileIDs {
		if _, ok := it.Scale.Option(id); ok {
			ids = append(ids, id)
			weights = append(weights, g.d.profiles[i])
		}
	}
	if len(ids) == 0 {
		return []string{opts[g.r.IntN(len(opts))].ID}
	}
	return []string{ids[g.pick(weights)]}
}

// helpChance is how likely a willing person is to pick each kind of help.
var helpChance = map[string]float64{
	"guidelines": 0.55, "ready_content": 0.45, "training": 0.35, "coaching": 0.15, "recognition": 0.3,
}

// help picks "what would help": the unwilling mostly say they would rather
// not share; the others pick one to three kinds of support.
func (g *generator) help(it *questionnaires.Item, will float64) []string {
	_, hasRatherNot := it.Scale.Option("rather_not")
	if hasRatherNot && will < 2.9 && g.r.Float64() < 0.7 {
		return []string{"rather_not"}
	}
	if !it.Scale.Multiple {
		return g.anyChoice(it)
	}
	var picked []string
	for _, o := range it.Scale.Options {
		chance, ok := helpChance[o.ID]
		if !ok {
			if o.ID == "rather_not" {
				continue
			}
			chance = 0.3
		}
		if will < 3.5 && (o.ID == "guidelines" || o.ID == "training") {
			chance += 0.15 // hesitant people ask for rules and skills first
		}
		if g.r.Float64() < chance {
			picked = append(picked, o.ID)
		}
	}
	if len(picked) == 0 {
		picked = []string{it.Scale.Options[0].ID}
		if it.Scale.Options[0].ID == "rather_not" && len(it.Scale.Options) > 1 {
			picked = []string{it.Scale.Options[1].ID}
		}
	}
	return picked
}

// anyChoice picks an option (or, for a multiple choice, a few) uniformly.
func (g *generator) anyChoice(it *questionnaires.Item) []string {
	opts := it.Scale.Options
	if !it.Scale.Multiple {
		return []string{opts[g.r.IntN(len(opts))].ID}
	}
	var picked []string
	for _, o := range opts {
		if g.r.Float64() < 0.3 {
			picked = append(picked, o.ID)
		}
	}
	if len(picked) == 0 {
		picked = []string{opts[g.r.IntN(len(opts))].ID}
	}
	return picked
}

// comments gives some respondents an open comment from the department's own
// pool and the shared one, without repeating a comment within a department.
// The department's forced comments (the ones with an e-mail address or phone
// number, to show scrubbing) go to its first respondents.
func (g *generator) comments(rs []Response) {
	var text *questionnaires.Item
	for _, it := range g.q.Items {
		if it.Scale.Type == questionnaires.FreeText {
			text = it
			break
		}
	}
	if text == nil {
		return
	}
	pool := append(slices.Clone(g.d.comments), sharedComments...)
	g.r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	forced := g.d.forced
	for i := range rs {
		var c string
		switch {
		case len(forced) > 0:
			c, forced = forced[0], forced[1:]
		case len(pool) > 0 && g.r.Float64() < commentRate:
			c, pool = pool[0], pool[1:]
		default:
			continue
		}
		if limit := text.Scale.MaxLength; limit > 0 && len([]rune(c)) > limit {
			c = string([]rune(c)[:limit])
		}
		rs[i].Comments = map[string]string{text.ID: c}
	}
}

// pick draws an index with probability proportional to its weight.
func (g *generator) pick(weights []float64) int {
	var total float64
	for _, w := range weights {
		total += w
	}
	x := g.r.Float64() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }
