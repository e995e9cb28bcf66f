// Package sim draws departments with a planted truth - ready, one weak
// foundation theme, a large promise/reality gap, borderline, poor, ready
// but with low response, and stuffed by one person through an open link -
// and counts how often the verdict rule of package analysis gets them right.
// It also measures how often the collection-integrity check flags honest
// departments.
//
// # The response model
//
// It follows the demo organisation (survey/demo). Every respondent has a
// general engagement factor g ~ N(0, 0.5). On a scored dimension d the
// latent level is theta_d = mu_d + g + u_d, u_d ~ N(0, 0.35) (barriers:
// mu_d - 0.5 g + u_d); an item answer is theta_d + e, e ~ N(0, 0.55),
// clamped to 1-5, rescaled to the item's scale and rounded; a reverse-keyed
// item is answered as (min+max) minus that. Promise items: mu_promise +
// N(0, 0.35) + e; reality items: mu_reality + 0.8 g + N(0, 0.3) + e. The
// eNPS answer is 5 + 2.5 (mean foundation theta - 3) + N(0, 1.5) on 0-10.
// Each item is left empty with probability 0.02. A respondent straight-lines
// with probability 0.03: the same point (3, 4 or 5) on every agreement item,
// twice that on the eNPS, no choices - the honest answers most likely to
// coincide exactly, which the integrity check must tolerate.
package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"trots/analysis"
	"trots/questionnaires"
)

// Class is a kind of department with a known truth.
type Class struct {
	Name string
	// Ready is the planted truth: every criterion clears its bar in the
	// population (ready_low_response is ready, but its answers cannot
	// show it: its expected verdict is NOT MEASURABLE).
	Ready bool
	// Why says what the class is, for the table.
	Why string
	// Latent levels on 1-5.
	Foundation, Condition, Advocacy, Barrier, Promise, Reality float64
	// Weak overrides the level of the last foundation dimension.
	Weak float64
	// RateLo, RateHi bound the response rate drawn per department.
	RateLo, RateHi float64
	// Stuffed: one person adds 1 to n/2 identical favourable answers.
	Stuffed bool
}

// Classes are the planted truths of the simulation.
func Classes() []Class {
	ready := Class{Foundation: 4.2, Condition: 4.0, Advocacy: 4.2, Barrier: 2, Promise: 3.8, Reality: 3.8,
		RateLo: 0.55, RateHi: 0.95}
	weak := ready
	weak.Name, weak.Weak, weak.Why = "weak_theme", 3.0, "ready, but one foundation theme at 3.0 (bar 3.5)"
	gap := ready
	gap.Name, gap.Promise, gap.Reality, gap.Why = "gap", 4.5, 3.3, "ready, but promise 4.5 against reality 3.3"
	border := Class{Name: "borderline", Why: "every foundation theme 3.4, conditions 2.9 (0.1 below the bars), gap 0.5",
		Foundation: 3.4, Condition: 2.9, Advocacy: 3.4, Barrier: 3, Promise: 3.9, Reality: 3.4, RateLo: 0.55, RateHi: 0.95}
	poor := Class{Name: "poor", Why: "foundation 2.3, conditions 2.2, gap 2.2",
		Foundation: 2.3, Condition: 2.2, Advocacy: 2, Barrier: 4, Promise: 4.4, Reality: 2.2, RateLo: 0.55, RateHi: 0.95}
	low := ready
	low.Name, low.Ready, low.RateLo, low.RateHi, low.Why = "ready_low_response", true, 0.15, 0.45, "ready, response rate 15-45%"
	stuffed := border
	stuffed.Name, stuffed.Stuffed, stuffed.Why = "stuffed", true, "borderline plus 1 to n/2 identical favourable answers from one person"
	ready.Name, ready.Ready, ready.Why = "ready", true, "foundation 4.2, conditions 4.0, no gap, response 55-95%"
	return []Class{ready, weak, gap, border, poor, low, stuffed}
}

// Band is a range of honest respondents per department.
type Band struct{ Lo, Hi int }

func (b Band) String() string { return fmt.Sprintf("%d-%d", b.Lo, b.Hi) }

// Bands are the size bands of the table.
var Bands = []Band{{5, 9}, {10, 19}, {20, 39}, {40, 60}}

// Cell counts the verdicts of one class in one size band.
type Cell struct {
	Class                 Class
	Band                  Band
	Runs                  int
	Go, FixFirst, NotMeas int
	Flagged               int // departments with an integrity flag
}

// Rate returns x/Runs.
func (c Cell) Rate(x int) float64 { return float64(x) / float64(c.Runs) }

// Run draws perCell departments for every class and band and analyses them
// with cfg, batchSize departments per Analyze call (the verdict of a
// department does not depend on the others: every department has at least
// k = 5 respondents, so none is suppressed).
func Run(q *questionnaires.Questionnaire, cfg analysis.Config, perCell int, seed uint64) ([]Cell, error) {
	const batchSize = 100
	g := newGenerator(q)
	var cells []Cell
	for ci, cl := range Classes() {
		for bi, band := range Bands {
			rng := rand.New(rand.NewPCG(seed, uint64(ci*len(Bands)+bi)))
			cell := Cell{Class: cl, Band: band}
			for done := 0; done < perCell; {
				batch := min(batchSize, perCell-done)
				groups := make([]analysis.Group, batch)
				for i := range groups {
					n := band.Lo + rng.IntN(band.Hi-band.Lo+1)
					groups[i] = g.department(rng, cl, fmt.Sprintf("d%d", i), n)
				}
				res, err := analysis.Analyze(analysis.Input{Questionnaire: q, Groups: groups, Config: cfg, Seed: 1})
				if err != nil {
					return nil, fmt.Errorf("sim: %s %s: %w", cl.Name, band, err)
				}
				for i := range res.Departments {
					d := &res.Departments[i]
					cell.Runs++
					switch d.Decision {
					case analysis.Go:
						cell.Go++
					case analysis.FixFirst:
						cell.FixFirst++
					default:
						cell.NotMeas++
					}
					if len(d.IntegrityFlags) > 0 {
						cell.Flagged++
					}
				}
				done += batch
			}
			cells = append(cells, cell)
		}
	}
	return cells, nil
}

// Table renders cells as a Markdown table.
func Table(cells []Cell) string {
	var b strings.Builder
	b.WriteString("| class | truth | honest n | runs | GO | FIX FIRST | NOT MEASURABLE | integrity flag |\n")
	b.WriteString("|---|---|---|--:|--:|--:|--:|--:|\n")
	pct := func(c Cell, x int) string { return fmt.Sprintf("%.1f%%", 100*c.Rate(x)) }
	for _, c := range cells {
		truth := "not ready"
		switch {
		case c.Class.Ready && c.Class.RateHi < 0.5:
			truth = "ready, rate < 50%"
		case c.Class.Ready:
			truth = "ready"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %d | %s | %s | %s | %s |\n", c.Class.Name, truth, c.Band, c.Runs,
			pct(c, c.Go), pct(c, c.FixFirst), pct(c, c.NotMeas), pct(c, c.Flagged))
	}
	return b.String()
}

// item is one question as the generator answers it.
type item struct {
	kind     string // "dim", "promise", "reality", "nps", "choice", ""
	role     questionnaires.Role
	weak     bool // the last foundation dimension
	dim      int  // index into the person's thetas
	lo, hi   int
	reverse  bool
	options  []string
	multiple bool
}

type generator struct {
	q     *questionnaires.Questionnaire
	items []item
	dims  []questionnaires.Role // role per theta index
}

func newGenerator(q *questionnaires.Questionnaire) *generator {
	g := &generator{q: q}
	dimIndex := map[string]int{}
	found := q.DimensionsWithRole(questionnaires.RoleFoundation)
	for _, it := range q.Items {
		d, _ := q.Dimension(it.Dimension)
		var x item
		switch {
		case it.Scale == nil || it.Scale.Type == questionnaires.FreeText:
		case it.Scale.Type == questionnaires.Choice:
			x.kind, x.multiple = "choice", it.Scale.Multiple
			for _, o := range it.Scale.Options {
				x.options = append(x.options, o.ID)
			}
		case it.Scale.Type == questionnaires.NPS:
			x.kind = "nps"
		case it.Pair != nil:
			x.kind = "reality"
			if it.Pair.Role == questionnaires.Promise {
				x.kind = "promise"
			}
			x.lo, x.hi = it.Scale.Points()
		default:
			x.kind, x.role, x.reverse = "dim", d.Role, it.Reverse
			x.lo, x.hi = it.Scale.Points()
			x.weak = d.Role == questionnaires.RoleFoundation && len(found) > 0 && d.ID == found[len(found)-1].ID
			idx, ok := dimIndex[d.ID]
			if !ok {
				idx = len(g.dims)
				dimIndex[d.ID] = idx
				g.dims = append(g.dims, d.Role)
			}
			x.dim = idx
		}
		g.items = append(g.items, x)
	}
	return g
}

// department draws n honest respondents of class cl (plus the stuffer's
// answers) with a headcount from the class's response rate.
func (g *generator) department(rng *rand.Rand, cl Class, name string, n int) analysis.Group {
	rate := cl.RateLo + (cl.RateHi-cl.RateLo)*rng.Float64()
	grp := analysis.Group{Name: name, Headcount: int(math.Ceil(float64(n) / rate)), ExternallyVisible: true}
	for i := 0; i < n; i++ {
		grp.Responses = append(grp.Responses, g.respondent(rng, cl))
	}
	if cl.Stuffed {
		extra := 1 + rng.IntN(max(1, n/2))
		fav := g.favourable(rng)
		for i := 0; i < extra; i++ {
			grp.Responses = append(grp.Responses, fav)
		}
	}
	return grp
}

func (g *generator) respondent(rng *rand.Rand, cl Class) analysis.Response {
	r := analysis.Response{Values: make([]float64, len(g.items))}
	if rng.Float64() < 0.03 {
		s := float64(3 + rng.IntN(3))
		for j, it := range g.items {
			r.Values[j] = math.NaN()
			switch it.kind {
			case "dim", "promise", "reality":
				r.Values[j] = scaled(s, it.lo, it.hi)
			case "nps":
				r.Values[j] = 2 * s
			}
		}
		return r
	}
	eng := rng.NormFloat64() * 0.5
	theta := make([]float64, len(g.dims))
	fsum, fn := 0.0, 0
	for d, role := range g.dims {
		u := rng.NormFloat64() * 0.35
		switch role {
		case questionnaires.RoleFoundation:
			theta[d] = cl.Foundation + eng + u
		case questionnaires.RoleCondition:
			theta[d] = cl.Condition + eng + u
		case questionnaires.RoleAdvocacy:
			theta[d] = cl.Advocacy + eng + u
		case questionnaires.RoleBarrier:
			theta[d] = cl.Barrier - 0.5*eng + u
		}
	}
	weakShift := 0.0
	if cl.Weak != 0 {
		weakShift = cl.Weak - cl.Foundation
	}
	promise := cl.Promise + rng.NormFloat64()*0.35
	reality := cl.Reality + 0.8*eng + rng.NormFloat64()*0.3
	for _, it := range g.items {
		if it.kind == "dim" && it.role == questionnaires.RoleFoundation {
			t := theta[it.dim]
			if it.weak {
				t += weakShift
			}
			fsum += t
			fn++
		}
	}
	for j, it := range g.items {
		r.Values[j] = math.NaN()
		if it.kind == "" || rng.Float64() < 0.02 {
			continue
		}
		e := rng.NormFloat64() * 0.55
		switch it.kind {
		case "dim":
			t := theta[it.dim]
			if it.weak {
				t += weakShift
			}
			v := scaled(clamp(t+e, 1, 5), it.lo, it.hi)
			if it.reverse {
				v = float64(it.lo+it.hi) - v
			}
			r.Values[j] = v
		case "promise":
			r.Values[j] = scaled(clamp(promise+e, 1, 5), it.lo, it.hi)
		case "reality":
			r.Values[j] = scaled(clamp(reality+e, 1, 5), it.lo, it.hi)
		case "nps":
			m := 3.0
			if fn > 0 {
				m = fsum / float64(fn)
			}
			r.Values[j] = math.Round(clamp(5+2.5*(m-3)+rng.NormFloat64()*1.5, 0, 10))
		case "choice":
			if r.Choices == nil {
				r.Choices = map[string][]string{}
			}
			id := g.q.Items[j].ID
			if it.multiple {
				for _, o := range it.options {
					if rng.Float64() < 0.3 {
						r.Choices[id] = append(r.Choices[id], o)
					}
				}
			} else {
				r.Choices[id] = []string{it.options[rng.IntN(len(it.options))]}
			}
		}
	}
	return r
}

// favourable is the stuffer's answer sheet: the top of every agreement
// (the bottom for reverse-keyed and barrier items), promise and reality
// equal, 10 on the eNPS, one pick per choice item.
func (g *generator) favourable(rng *rand.Rand) analysis.Response {
	r := analysis.Response{Values: make([]float64, len(g.items)), Choices: map[string][]string{}}
	for j, it := range g.items {
		r.Values[j] = math.NaN()
		switch it.kind {
		case "dim":
			top := float64(it.hi)
			if it.reverse != (it.role == questionnaires.RoleBarrier) {
				top = float64(it.lo)
			}
			r.Values[j] = top
		case "promise", "reality":
			r.Values[j] = float64(it.hi)
		case "nps":
			r.Values[j] = 10
		case "choice":
			r.Choices[g.q.Items[j].ID] = []string{it.options[rng.IntN(len(it.options))]}
		}
	}
	return r
}

// scaled maps x on 1-5 to the item scale lo-hi and rounds it.
func scaled(x float64, lo, hi int) float64 {
	return math.Round(float64(lo) + (x-1)*float64(hi-lo)/4)
}

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }
