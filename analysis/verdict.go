package analysis

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// The verdict rule (METHODS.md; errors are asymmetric: a false GO costs
// reputation, a false FIX FIRST only delays, so GO must be demonstrated by
// every criterion's confidence bound - an intersection-union test that needs
// no multiplicity correction). Evaluated in this order, on the shown figures
// only:
//
//  1. suppressed (n < k, or hidden to protect another group) -> NOT_MEASURABLE
//  2. the answers are suspect (more responses than the headcount, or exact
//     duplicate answers beyond chance, see integrity.go; in a tree also a
//     flagged part, see parts.go) -> NOT_MEASURABLE collection_integrity,
//     naming each flag
//  3. n < MinDecisionN -> NOT_MEASURABLE too_few_responses
//  4. response rate (known headcount) < MinResponseRate -> NOT_MEASURABLE
//     low_response_rate (silence is a signal); in a tree also: parts whose
//     response rate lies below it hold at least PartShare of the node's
//     headcount -> NOT_MEASURABLE low_response_part (parts.go)
//     In 3 and 4 every problem the bounds show (the tests of step 5) is
//     named as a possible problem (possible_problems): a handful of
//     self-selected answers labels no department FIX FIRST, but HR can
//     still look into it.
//  5. a problem is demonstrated -> FIX_FIRST, naming every one of them:
//     a foundation or condition dimension whose upper bound lies below its
//     threshold; an overall gap whose lower bound lies above the tolerance;
//     a promise/reality pair whose lower bound lies above the margin; a
//     willing share whose upper bound lies below the required share; an
//     eNPS upper bound below its threshold with at least ENPSMinN answers;
//     in a tree also: shown nodes below that are FIX FIRST on their own
//     figures hold at least PartShare of the node's respondents
//     (part_fix_first, parts.go)
//  6. a criterion cannot be judged (its cell is suppressed or empty) ->
//     NOT_MEASURABLE criterion_unavailable
//  7. every foundation and condition lower bound >= threshold, the gap
//     upper bound <= tolerance, the willing lower bound >= share (and, when
//     ENPSRequiredForGo, the eNPS lower bound >= threshold) -> GO
//  8. every criterion measured precisely (half-width <= Precision points,
//     SharePrecision for the willing share) and at least one estimate on
//     the wrong side of its bar -> FIX_FIRST, naming those criteria (a
//     likely problem)
//  9. otherwise NOT_MEASURABLE inconclusive, with the n that would decide.

// criterion is one GO criterion of a department.
type criterion struct {
	name      string // bound name: dimension id, "gap", "willing_share", "enps"
	dimension string // for reason subjects
	estimate  float64
	lo, hi    float64
	threshold float64
	higherOK  bool    // true: higher is better (lo >= threshold is met)
	precision float64 // half-width counted as precise
	spread    float64 // per-person sd (sqrt(p(1-p)) for shares), for NeededN
	available bool
}

func (c criterion) met() bool {
	if c.higherOK {
		return c.lo >= c.threshold
	}
	return c.hi <= c.threshold
}

func (c criterion) failed() bool {
	if c.higherOK {
		return c.hi < c.threshold
	}
	return c.lo > c.threshold
}

func (c criterion) bound() Bound {
	b := Bound{Criterion: c.name, Estimate: c.estimate, Low: c.lo, High: c.hi, Threshold: c.threshold, Outcome: "undecided"}
	switch {
	case c.met():
		b.Outcome = "met"
	case c.failed():
		b.Outcome = "failed"
	}
	return b
}

// criteria lists the GO criteria of a shown department.
func criteria(f *Figures, p *plan, cfg Config) []criterion {
	var cs []criterion
	for d, sd := range p.scored {
		if isNaN(sd.threshold) {
			continue
		}
		c := criterion{name: sd.dim.ID, dimension: sd.dim.ID, threshold: sd.threshold, higherOK: true,
			precision: widthOnScale(cfg.Precision, sd.lo, sd.hi)}
		if d < len(f.Dimensions) && f.Dimensions[d].DimensionStats != nil && f.Dimensions[d].CILow != nil {
			s := f.Dimensions[d].DimensionStats
			c.estimate, c.lo, c.hi, c.spread, c.available = s.Mean, *s.CILow, *s.CIHigh, s.SD, true
		}
		cs = append(cs, c)
	}
	if len(p.pairs) > 0 {
		lo, hi := p.pairs[0].lo, p.pairs[0].hi
		c := criterion{name: "gap", dimension: "gap", threshold: widthOnScale(cfg.GapTolerance, lo, hi),
			precision: widthOnScale(cfg.Precision, lo, hi)}
		if f.Gap != nil && f.Gap.Overall.GapStats != nil && f.Gap.Overall.CILow != nil {
			s := f.Gap.Overall.GapStats
			c.estimate, c.lo, c.hi, c.spread, c.available = s.Mean, *s.CILow, *s.CIHigh, s.SD, true
		}
		cs = append(cs, c)
	}
	if p.advoc >= 0 {
		c := criterion{name: "willing_share", dimension: p.scored[p.advoc].dim.ID, threshold: cfg.WillingShare,
			higherOK: true, precision: cfg.SharePrecision}
		if am := f.Ambassadors; am != nil && am.Willing.N > 0 {
			w := am.Willing
			c.estimate, c.lo, c.hi, c.available = w.Share, w.CILow, w.CIHigh, true
			c.spread = math.Sqrt(math.Max(w.Share*(1-w.Share), 0.05*0.95))
		}
		cs = append(cs, c)
	}
	if cfg.ENPSRequiredForGo && p.enps >= 0 && f.ENPS != nil && f.ENPS.N >= cfg.ENPSMinN {
		e := f.ENPS
		cs = append(cs, criterion{name: "enps", dimension: "enps", estimate: e.Value, lo: e.CILow, hi: e.CIHigh,
			threshold: cfg.ENPSThreshold, higherOK: true, precision: 200 * cfg.SharePrecision, available: true,
			spread: 100 * math.Sqrt(math.Max(float64(e.Promoters+e.Detractors)/float64(e.N)-math.Pow(e.Value/100, 2), 0.05))})
	}
	return cs
}

// wrongSide reports whether the estimate itself misses the bar.
func (c criterion) wrongSide() bool {
	if c.higherOK {
		return c.estimate < c.threshold
	}
	return c.estimate > c.threshold
}

func (c criterion) precise() bool { return (c.hi-c.lo)/2 <= c.precision }

// decide applies the verdict rule to one department; pf is what its parts
// say (a node of a tree; zero otherwise).
func decide(d *GroupResult, p *plan, cfg Config, pf partFacts) *Verdict {
	// 1. Suppressed.
	if d.Suppressed {
		return &Verdict{Decision: NotMeasurable, Reasons: []Reason{{Code: SuppressedAnonymity, Kind: SuppressedAnonymity}}}
	}
	f := d.Figures
	v := &Verdict{}
	if d.Headcount == 0 {
		v.Notes = append(v.Notes, Reason{Code: "response_rate_unknown", Kind: "response_rate_unknown"})
	}

	// 2. Suspect answers.
	if len(d.IntegrityFlags) > 0 {
		v.Decision = NotMeasurable
		for _, fl := range d.IntegrityFlags {
			v.Reasons = append(v.Reasons, integrityReason(fl, f.N, d.Headcount))
			if fl.Code == IntegrityMoreThanHeadcount {
				v.Bounds = append(v.Bounds, Bound{Criterion: "n", Estimate: float64(f.N), Low: float64(f.N), High: float64(f.N), Threshold: float64(d.Headcount), Outcome: "failed"})
			}
		}
		return finishVerdict(v)
	}

	cs := criteria(f, p, cfg)
	problems, problemBounds := demonstratedProblems(f, p, cs, cfg)

	// 3-4. Too few or unrepresentative: a problem is only possible.
	few := f.N < cfg.MinDecisionN
	r := f.ResponseRate
	silent := cfg.PartShare > 0 && pf.silentHead > 0 && float64(pf.silentHead) >= cfg.PartShare*float64(pf.floorHead)
	if few || (r != nil && r.Share < cfg.MinResponseRate) || silent {
		v.Decision = NotMeasurable
		switch {
		case few:
			v.Reasons = []Reason{{Code: "too_few_responses", Kind: "too_few_responses"}}
			v.Bounds = []Bound{{Criterion: "n", Estimate: float64(f.N), Low: float64(f.N), High: float64(f.N), Threshold: float64(cfg.MinDecisionN), Outcome: "failed"}}
		case r == nil || r.Share >= cfg.MinResponseRate:
			// The pooled rate clears the floor (or is unknown), but parts
			// holding at least PartShare of the people do not (parts.go).
			share := float64(pf.silentHead) / float64(pf.floorHead)
			kind := "low_response_part"
			if d.Headcount == 0 {
				// The node's headcount is unknown: floorHead is the
				// least it can be, so the share is an upper bound.
				kind = "low_response_part_unknown"
			}
			v.Reasons = []Reason{{Code: "low_response_part", Kind: kind, Count: pf.silentHead, Of: d.Headcount}}
			v.Bounds = []Bound{{Criterion: "silent_part_share", Estimate: share, Low: share, High: share, Threshold: cfg.PartShare, Outcome: "failed"}}
		default:
			v.Reasons = []Reason{{Code: "low_response_rate", Kind: "low_response_rate"}}
			v.Bounds = []Bound{{Criterion: "response_rate", Estimate: r.Share, Low: r.CILow, High: r.CIHigh, Threshold: cfg.MinResponseRate, Outcome: "failed"}}
		}
		for i, pr := range problems {
			crit := problemBounds[i].Criterion
			dim := pr.Dimension
			if crit == "gap" || crit == "enps" {
				dim = crit
			}
			v.PossibleProblems = append(v.PossibleProblems, crit)
			v.Reasons = append(v.Reasons, Reason{Code: "possible_" + pr.Code, Kind: "possible_problem", Dimension: dim, Topic: pr.Topic})
		}
		v.Bounds = append(v.Bounds, problemBounds...)
		return finishVerdict(v)
	}

	// 5. Demonstrated problems, the node's own and those of its parts.
	if cfg.PartShare > 0 && pf.fixN > 0 && float64(pf.fixN) >= cfg.PartShare*float64(f.N) {
		share := float64(pf.fixN) / float64(f.N)
		problems = append(problems, Reason{Code: "part_fix_first", Kind: "part_fix_first", Count: pf.fixN, Of: f.N})
		problemBounds = append(problemBounds, Bound{Criterion: "fix_first_part_share", Estimate: share, Low: share, High: share, Threshold: cfg.PartShare, Outcome: "failed"})
	}
	if len(problems) > 0 {
		v.Decision = FixFirst
		v.Reasons, v.Bounds = problems, problemBounds
		return finishVerdict(v)
	}

	// 6. Criteria that cannot be judged.
	for _, c := range cs {
		if !c.available {
			v.Reasons = append(v.Reasons, Reason{Code: c.name + "_unavailable", Kind: "criterion_unavailable", Dimension: c.dimension})
		}
	}
	if len(v.Reasons) > 0 {
		v.Decision = NotMeasurable
		return finishVerdict(v)
	}

	// 7. GO.
	allMet, allPrecise := true, true
	for _, c := range cs {
		allMet = allMet && c.met()
		allPrecise = allPrecise && c.precise()
	}
	if allMet {
		v.Decision = Go
		v.Reasons = []Reason{{Code: "ready", Kind: "ready"}}
		for _, c := range cs {
			v.Bounds = append(v.Bounds, c.bound())
		}
		if !d.ExternallyVisible {
			v.Notes = append(v.Notes, Reason{Code: "internal_ambassadors_only", Kind: "internal_ambassadors_only"})
		}
		return finishVerdict(v)
	}

	// 8. Precise, and an estimate misses its bar: a likely problem.
	if allPrecise {
		for _, c := range cs {
			if c.met() || !c.wrongSide() {
				continue
			}
			v.Reasons = append(v.Reasons, notDemonstratedReason(c))
			v.Bounds = append(v.Bounds, c.bound())
		}
		if len(v.Reasons) > 0 {
			v.Decision = FixFirst
			return finishVerdict(v)
		}
		v.Bounds = nil
	}

	// 9. Inconclusive.
	v.Decision = NotMeasurable
	v.Reasons = []Reason{{Code: "inconclusive", Kind: "inconclusive"}}
	need := f.N
	z := distuv.UnitNormal.Quantile(1 - (1-cfg.Level)/2)
	for _, c := range cs {
		if c.met() {
			continue
		}
		v.Bounds = append(v.Bounds, c.bound())
		// The n at which this criterion stops being undecided, if its mean
		// and spread stayed as they are (normal approximation): its
		// interval clears the threshold on either side, or - for an
		// estimate on the wrong side only - becomes precise (step 8).
		n := math.Inf(1)
		if c.wrongSide() && !c.precise() {
			n = math.Pow(z*c.spread/c.precision, 2)
		}
		if dist := math.Abs(c.estimate - c.threshold); dist > 0 {
			n = math.Min(n, math.Pow(z*c.spread/dist, 2))
		}
		if math.IsInf(n, 1) {
			// An estimate exactly on its bar: no n decides it.
			continue
		}
		if nn := int(math.Ceil(n)); nn > need {
			need = nn
		}
	}
	if need > f.N {
		v.NeededN = need
	}
	return finishVerdict(v)
}

// demonstratedProblems are the reasons and bounds of step 5: every
// criterion whose bound lies on the wrong side of its bar.
func demonstratedProblems(f *Figures, p *plan, cs []criterion, cfg Config) ([]Reason, []Bound) {
	var rs []Reason
	var bs []Bound
	for _, c := range cs {
		if !c.available || !c.failed() || c.name == "enps" {
			continue
		}
		rs = append(rs, failedReason(c))
		bs = append(bs, c.bound())
	}
	if f.Gap != nil {
		for j, cell := range f.Gap.Pairs {
			if cell.GapStats == nil || cell.Status != GapOverPromised {
				continue
			}
			pp := p.pairs[j]
			margin := widthOnScale(cfg.OverPromisedMargin, pp.lo, pp.hi)
			rs = append(rs, Reason{Code: pp.topic + "_over_promised", Kind: "pair_over_promised", Topic: pp.topic})
			bs = append(bs, Bound{Criterion: "gap:" + pp.topic, Estimate: cell.Mean, Low: *cell.CILow, High: *cell.CIHigh, Threshold: margin, Outcome: "failed"})
		}
	}
	if e := f.ENPS; e != nil && e.N >= cfg.ENPSMinN && e.CIHigh < cfg.ENPSThreshold {
		rs = append(rs, Reason{Code: "enps_below_threshold", Kind: "enps_below_threshold"})
		bs = append(bs, Bound{Criterion: "enps", Estimate: e.Value, Low: e.CILow, High: e.CIHigh, Threshold: cfg.ENPSThreshold, Outcome: "failed"})
	}
	return rs, bs
}

func finishVerdict(v *Verdict) *Verdict {
	if v.Reasons == nil {
		v.Reasons = []Reason{}
	}
	return v
}

// integrityReason is the collection_integrity reason of one flag of a
// department with n responses.
func integrityReason(fl IntegrityFlag, n, headcount int) Reason {
	switch {
	case fl.Code == IntegrityInPart:
		return Reason{Code: "collection_integrity", Kind: "suspect_answers_in_part", Count: fl.Parts}
	case fl.Code == IntegrityMoreThanHeadcount:
		return Reason{Code: "collection_integrity", Kind: "more_answers_than_headcount", Count: n, Of: headcount}
	case fl.Identical > 0:
		return Reason{Code: "collection_integrity", Kind: "duplicate_answers", Count: fl.Identical}
	}
	return Reason{Code: "collection_integrity", Kind: "duplicate_answers_unnumbered"}
}

func failedReason(c criterion) Reason {
	switch c.name {
	case "gap":
		return Reason{Code: "gap_over_promised", Kind: "gap_over_promised"}
	case "willing_share":
		return Reason{Code: "willing_share_too_low", Kind: "willing_share_too_low", Dimension: c.dimension}
	case "enps":
		return Reason{Code: "enps_below_threshold", Kind: "enps_below_threshold"}
	}
	return Reason{Code: c.name + "_below_threshold", Kind: "below_threshold", Dimension: c.dimension}
}

func notDemonstratedReason(c criterion) Reason {
	switch c.name {
	case "gap":
		return Reason{Code: "gap_not_within_tolerance", Kind: "gap_not_within_tolerance"}
	case "willing_share":
		return Reason{Code: "willing_share_not_demonstrated", Kind: "willing_share_not_demonstrated", Dimension: c.dimension}
	case "enps":
		return Reason{Code: "enps_not_demonstrated", Kind: "enps_not_demonstrated"}
	}
	return Reason{Code: c.name + "_not_demonstrated", Kind: "not_demonstrated", Dimension: c.dimension}
}

// onlyPartFixFirst reports whether v is FIX FIRST only because of its parts
// (part_fix_first): such a node is not counted as a part with a problem of
// its own by its ancestors, which see the parts themselves.
func onlyPartFixFirst(v *Verdict) bool {
	if v.Decision != FixFirst {
		return false
	}
	for _, r := range v.Reasons {
		if r.Code != "part_fix_first" {
			return false
		}
	}
	return true
}
