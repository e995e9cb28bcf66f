package audit

import (
	"fmt"
	"math"

	"trots/analysis"
	"trots/questionnaires"
)

// Participation decides which response counts of a pulse still open may be
// shown: the respondent table that closing the pulse would publish now, by
// the same rules - the k rule across the levels of the tree and this
// audit, which bounds hidden counts by the published headcounts and hides
// more while one is pinned or lies within 1..k-1. The k rule alone is not
// enough on a page that shows headcounts: two hidden departments of 3 and
// 4 employees whose hidden total is 7 have each answered to the last
// person. And a look at the page just before the close must not differ
// from the first look after it, or the two together give hidden counts.
//
// groups are the departments (ID, ParentID, Name, Headcount; no
// responses), counts[i] the responses of groups[i] itself so far, q the
// pulse's questionnaire and cfg its thresholds. It returns per group the
// count of the group with everything below it and whether it may be shown,
// the organisation's total and whether that may be shown.
//
// Answers play no part (only how many there are), so the groups get
// placeholder responses without any answer; what the close would hide on
// top in the other tables (scores, categories) hides cells of those
// tables, never a respondent count.
func Participation(q *questionnaires.Questionnaire, cfg analysis.Config, groups []analysis.Group, counts []int) (n []int, shown []bool, total int, totalShown bool, err error) {
	if len(counts) != len(groups) {
		return nil, nil, 0, false, fmt.Errorf("audit: %d counts for %d groups", len(counts), len(groups))
	}
	blank := make([]float64, len(q.Items))
	for i := range blank {
		blank[i] = math.NaN()
	}
	in := analysis.Input{Questionnaire: q, Config: cfg, Seed: 1, Groups: make([]analysis.Group, len(groups))}
	for i, g := range groups {
		g.Responses = make([]analysis.Response, counts[i])
		for r := range g.Responses {
			g.Responses[r] = analysis.Response{Values: blank}
		}
		g.Comments = nil
		in.Groups[i] = g
		total += counts[i]
	}
	res, _, err := Protect(in)
	if err != nil {
		return nil, nil, 0, false, fmt.Errorf("audit: participation: %w", err)
	}
	if len(res.Departments) != len(groups) {
		return nil, nil, 0, false, fmt.Errorf("audit: participation: %d departments in the result for %d groups", len(res.Departments), len(groups))
	}
	n, shown = make([]int, len(groups)), make([]bool, len(groups))
	for i := range res.Departments {
		g := &res.Departments[i]
		if g.ID != groups[i].ID {
			return nil, nil, 0, false, fmt.Errorf("audit: participation: department %q in place of %q", g.ID, groups[i].ID)
		}
		if g.Figures != nil {
			n[i], shown[i] = g.N, true
		}
	}
	return n, shown, total, res.Organisation.Figures != nil, nil
}
