package analysis

// SuppressedAnonymity is the one reason a group's figures are not shown
// (GroupResult.SuppressedBecause) and the verdict reason that says so.
//
// The analysis hides a group for one of two causes: fewer than k people
// responded, or its figures together with the organisation's would let a
// smaller group's be worked out (secondary suppression). Pages, the API and
// reports must not tell which: with the organisation's total and the
// departments shown, "this one has fewer than k" next to "that one
// protects another" narrows the hidden counts down, often to exact
// numbers (two hidden departments summing to 6, one below 5 and one not,
// are 1 and 5).
const SuppressedAnonymity = "anonymity_threshold"

// suppressedBefore are the two reasons results stored before
// SuppressedAnonymity carried.
var suppressedBefore = map[string]bool{"below_min_group": true, "protects_other_group": true}

// ForgetSuppressionCause gives every suppressed group of res, stored by an
// earlier version that told the two causes apart, the one reason
// SuppressedAnonymity, in SuppressedBecause and in its verdict's reasons.
// Whoever reads stored results calls it before showing them.
func ForgetSuppressionCause(res *Result) {
	groups := []*GroupResult{&res.Organisation}
	for i := range res.Departments {
		groups = append(groups, &res.Departments[i])
	}
	for _, g := range groups {
		if g.Suppressed && g.SuppressedBecause != "" {
			g.SuppressedBecause = SuppressedAnonymity
		}
		if g.Verdict == nil {
			continue
		}
		for i, r := range g.Reasons {
			if suppressedBefore[r.Kind] || suppressedBefore[r.Code] {
				g.Reasons[i] = Reason{Code: SuppressedAnonymity, Kind: SuppressedAnonymity}
			}
		}
	}
}
