package results

import (
	"trots/accounts"
	"trots/analysis"
	"trots/survey"
)

// CommentsVisible reports whether a user of role may read the open comments
// of pulse p: admins and viewers may, a department's lead only when an
// admin turned that on for the pulse before it opened (Pulse.LeadComments).
func CommentsVisible(role accounts.Role, p survey.Pulse) bool {
	return role != accounts.RoleLead || p.LeadComments
}

// WithoutComments returns a copy of res with every group's open comments
// removed; res itself (which may be shared) is not changed. Comments live
// in a group's Figures, which groups point to: those are copied too.
func WithoutComments(res *analysis.Result) *analysis.Result {
	if res == nil {
		return nil
	}
	out := *res
	out.Organisation = withoutGroupComments(res.Organisation)
	out.Departments = make([]analysis.GroupResult, len(res.Departments))
	for i, g := range res.Departments {
		out.Departments[i] = withoutGroupComments(g)
	}
	return &out
}

func withoutGroupComments(g analysis.GroupResult) analysis.GroupResult {
	if g.Figures != nil {
		f := *g.Figures
		f.Comments = nil
		g.Figures = &f
	}
	return g
}
