package analysis

import (
	"fmt"

	"trots/questionnaires"
)

// plan is the questionnaire compiled into item positions, built once per
// Analyze call.
type plan struct {
	q       *questionnaires.Questionnaire
	nItems  int
	scored  []scoredDim // foundation, condition, advocacy and barrier dimensions
	pairs   []pairPlan
	enps    int // item index of the eNPS item, -1 if none
	advoc   int // index into scored of the (first) advocacy dimension, -1 if none
	profile *questionnaires.Item
	support []*questionnaires.Item
	barrier []itemPlan // barrier items, for agreement counts
}

type scoredDim struct {
	dim       *questionnaires.Dimension
	items     []itemPlan
	lo, hi    int
	threshold float64 // on the item scale; NaN when the role has none
}

type itemPlan struct {
	id      string
	index   int
	reverse bool
	lo, hi  int
}

type pairPlan struct {
	topic            string
	promise, reality int
	promiseID        string
	realityID        string
	lo, hi           int
}

// value returns the reverse-keyed answer of item it (NaN when missing).
func (it itemPlan) value(values []float64) float64 {
	x := values[it.index]
	if it.reverse {
		return float64(it.lo+it.hi) - x
	}
	return x
}

func newPlan(q *questionnaires.Questionnaire, cfg Config) (*plan, error) {
	if q == nil {
		return nil, fmt.Errorf("analysis: no questionnaire")
	}
	p := &plan{q: q, nItems: len(q.Items), enps: -1, advoc: -1}
	index := make(map[string]int, len(q.Items))
	for i, it := range q.Items {
		index[it.ID] = i
	}
	mkItem := func(it *questionnaires.Item) itemPlan {
		lo, hi := it.Scale.Points()
		return itemPlan{id: it.ID, index: index[it.ID], reverse: it.Reverse, lo: lo, hi: hi}
	}
	for _, d := range q.Dimensions {
		items := q.ItemsOf(d.ID)
		switch d.Role {
		case questionnaires.RoleFoundation, questionnaires.RoleCondition, questionnaires.RoleAdvocacy, questionnaires.RoleBarrier:
			sd := scoredDim{dim: d, threshold: nan}
			for _, it := range items {
				ip := mkItem(it)
				if len(sd.items) == 0 {
					sd.lo, sd.hi = ip.lo, ip.hi
				} else if ip.lo != sd.lo || ip.hi != sd.hi {
					return nil, fmt.Errorf("analysis: dimension %q mixes scales (%d-%d and %d-%d)", d.ID, sd.lo, sd.hi, ip.lo, ip.hi)
				}
				sd.items = append(sd.items, ip)
			}
			if len(sd.items) == 0 {
				continue
			}
			switch d.Role {
			case questionnaires.RoleFoundation:
				sd.threshold = onScale(cfg.FoundationThreshold, sd.lo, sd.hi)
			case questionnaires.RoleCondition:
				sd.threshold = onScale(cfg.ConditionThreshold, sd.lo, sd.hi)
			}
			if t, ok := cfg.DimensionThresholds[d.ID]; ok && !isNaN(sd.threshold) {
				if t < float64(sd.lo) || t > float64(sd.hi) {
					return nil, fmt.Errorf("analysis: threshold %g of dimension %q lies outside its scale %d-%d", t, d.ID, sd.lo, sd.hi)
				}
				sd.threshold = t
			}
			if d.Role == questionnaires.RoleAdvocacy && p.advoc < 0 {
				p.advoc = len(p.scored)
			}
			if d.Role == questionnaires.RoleBarrier {
				p.barrier = append(p.barrier, sd.items...)
			}
			p.scored = append(p.scored, sd)
		case questionnaires.RoleENPS:
			if len(items) == 1 && p.enps < 0 {
				p.enps = index[items[0].ID]
			}
		case questionnaires.RoleProfile:
			if len(items) > 0 && p.profile == nil {
				p.profile = items[0]
			}
		case questionnaires.RoleSupport:
			p.support = append(p.support, items...)
		}
	}
	for id := range cfg.DimensionThresholds {
		found := false
		for _, sd := range p.scored {
			if sd.dim.ID == id && !isNaN(sd.threshold) {
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("analysis: dimension_thresholds names %q, which is not a foundation or condition dimension of %s", id, q.Ref())
		}
	}
	for _, gp := range q.Pairs() {
		if gp.Promise == nil || gp.Reality == nil {
			continue
		}
		lo, hi := gp.Promise.Scale.Points()
		p.pairs = append(p.pairs, pairPlan{
			topic: gp.Topic, promise: index[gp.Promise.ID], reality: index[gp.Reality.ID],
			promiseID: gp.Promise.ID, realityID: gp.Reality.ID, lo: lo, hi: hi,
		})
	}
	return p, nil
}
