package analysis

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"
)

// TrendResult is the change between two pulses of the same questionnaire.
type TrendResult struct {
	Questionnaire string  `json:"questionnaire"`
	Previous      string  `json:"previous"`
	Level         float64 `json:"level"`
	Power         float64 `json:"power"`
	// Groups holds the organisation first, then every department shown in
	// both pulses, in the current pulse's order.
	Groups []GroupTrend `json:"groups"`
}

// GroupTrend is the trend of one group.
type GroupTrend struct {
	ID           string           `json:"id,omitempty"`
	Name         string           `json:"name"`
	Organisation bool             `json:"organisation,omitempty"`
	Dimensions   []DimensionTrend `json:"dimensions"`
}

// DimensionTrend is Welch's test of the current minus the previous mean of
// one dimension (or "gap", the overall person gap), with the minimal
// detectable difference: the true change that this pair of samples would
// detect with the configured power at the confidence level,
//
//	MDD = (t(1-(1-level)/2, df) + t(power, df)) * sqrt(s1^2/n1 + s2^2/n2)
//
// (about 1.06 points at n = 10 and 0.59 at n = 30 in both pulses, sd 0.8).
// A change smaller than the MDD is not evidence of anything.
type DimensionTrend struct {
	Dimension    string  `json:"dimension"`
	N            int     `json:"n"`
	PreviousN    int     `json:"previous_n"`
	Mean         float64 `json:"mean"`
	PreviousMean float64 `json:"previous_mean"`
	Diff         float64 `json:"diff"`
	CILow        float64 `json:"ci_low"`
	CIHigh       float64 `json:"ci_high"`
	T            float64 `json:"t"`
	DF           float64 `json:"df"`
	P            float64 `json:"p"`
	MDD          float64 `json:"mdd"`
}

// Trend compares two analysed pulses. It reads only figures that each
// Result shows: a department appears only when it is shown in both pulses,
// a dimension only when its cell is shown in both. Trend therefore reveals
// nothing that the two Results do not already show, and the anonymity of
// each pulse rests on that pulse's own suppression (see README.md for what
// this guarantees across pulses). The two pulses are independent anonymous
// samples, so Welch's test is used, not a paired one. Departments are
// matched by name, dimensions by id; the questionnaire id must be the same
// (its version may differ).
func Trend(current, previous *Result) (*TrendResult, error) {
	if current == nil || previous == nil {
		return nil, fmt.Errorf("analysis: trend needs two results")
	}
	id := func(ref string) string { return strings.SplitN(ref, "@", 2)[0] }
	if id(current.Questionnaire) != id(previous.Questionnaire) {
		return nil, fmt.Errorf("analysis: cannot compare %s with %s: different questionnaires", current.Questionnaire, previous.Questionnaire)
	}
	tr := &TrendResult{
		Questionnaire: current.Questionnaire, Previous: previous.Questionnaire,
		Level: current.Config.Level, Power: current.Config.TrendPower,
	}
	if org := trendOf(&current.Organisation, &previous.Organisation, tr.Level, tr.Power); org != nil {
		org.Organisation = true
		tr.Groups = append(tr.Groups, *org)
	}
	prev := make(map[string]*GroupResult, 2*len(previous.Departments))
	for i := range previous.Departments {
		p := &previous.Departments[i]
		prev["name:"+p.Name] = p
		if p.ID != "" {
			prev["id:"+p.ID] = p
		}
	}
	for i := range current.Departments {
		cur := &current.Departments[i]
		if p := SameDepartment(cur, prev); p != nil {
			if gt := trendOf(cur, p, tr.Level, tr.Power); gt != nil {
				tr.Groups = append(tr.Groups, *gt)
			}
		}
	}
	if tr.Groups == nil {
		tr.Groups = []GroupTrend{}
	}
	return tr, nil
}

func trendOf(cur, prev *GroupResult, level, power float64) *GroupTrend {
	if cur.Figures == nil || prev.Figures == nil {
		return nil
	}
	gt := &GroupTrend{ID: cur.ID, Name: cur.Name, Dimensions: []DimensionTrend{}}
	before := make(map[string]*DimensionStats, len(prev.Dimensions))
	for _, d := range prev.Dimensions {
		if d.DimensionStats != nil {
			before[d.ID] = d.DimensionStats
		}
	}
	add := func(id string, n int, mean, sd float64, pn int, pmean, psd float64) {
		x := moments{n: n, mean: mean, m2: sd * sd * float64(n-1)}
		y := moments{n: pn, mean: pmean, m2: psd * psd * float64(pn-1)}
		t := welchFromMoments(x, y, level)
		if isNaN(t.P) {
			return
		}
		gt.Dimensions = append(gt.Dimensions, DimensionTrend{
			Dimension: id, N: n, PreviousN: pn, Mean: mean, PreviousMean: pmean,
			Diff: t.Diff, CILow: t.CI.Lo, CIHigh: t.CI.Hi, T: t.T, DF: t.DF, P: t.P,
			MDD: minimalDetectable(x, y, level, power),
		})
	}
	for _, d := range cur.Dimensions {
		if d.DimensionStats == nil {
			continue
		}
		if b, ok := before[d.ID]; ok {
			add(d.ID, d.N, d.Mean, d.SD, b.N, b.Mean, b.SD)
		}
	}
	if cur.Gap != nil && prev.Gap != nil && cur.Gap.Overall.GapStats != nil && prev.Gap.Overall.GapStats != nil {
		c, p := cur.Gap.Overall.GapStats, prev.Gap.Overall.GapStats
		add("gap", c.N, c.Mean, c.SD, p.N, p.Mean, p.SD)
	}
	return gt
}

// minimalDetectable is the MDD of DimensionTrend.
func minimalDetectable(x, y moments, level, power float64) float64 {
	se := math.Sqrt(x.variance()/float64(x.n) + y.variance()/float64(y.n))
	a, b := x.variance()/float64(x.n), y.variance()/float64(y.n)
	df := (a + b) * (a + b) / (a*a/float64(x.n-1) + b*b/float64(y.n-1))
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}
	return (t.Quantile(1-(1-level)/2) + t.Quantile(power)) * se
}
