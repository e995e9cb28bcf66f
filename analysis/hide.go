package analysis

// Cell names one published cell of a family for a group: the unit the
// disclosure audit (package analysis/audit) suppresses on top of the k
// rule. Group is the department id (GroupKey), "" the organisation. A cell
// is named by id, never by position or name, so that a rename or a new
// department order after the close cannot move it.
type Cell struct {
	Family string `json:"family"`
	Group  string `json:"group,omitempty"`
}

// The family names of Cell.Family.
const (
	FamilyRespondents = "respondents"
	FamilyGap         = "gap"
	FamilyENPS        = "enps"
)

// FamilyDimension is the family of a scored dimension (its n and
// favourable count; for the advocacy dimension also the willing count and
// the profiles' total).
func FamilyDimension(id string) string { return "dimension:" + id }

// FamilyPair is the family of one promise/reality pair.
func FamilyPair(topic string) string { return "gap:" + topic }

// FamilyProfile is the family of one ambassador profile count ("" = the
// willing who did not name a profile).
func FamilyProfile(option string) string { return "profile:" + option }

// FamilyBarrier is the family of one barrier item.
func FamilyBarrier(item string) string { return "barrier:" + item }

// FamilyHelp is the family of one "what would help" item.
func FamilyHelp(item string) string { return "help:" + item }

// GroupKey is the stable key of a group: its id, or for input without ids
// (a CSV of `trots analyze`) its name.
func GroupKey(g *GroupResult) string {
	if g.ID != "" {
		return g.ID
	}
	return "name:" + g.Name
}

func inputKey(g Group) string {
	if g.ID != "" {
		return g.ID
	}
	return "name:" + g.Name
}

// AuditRecord is what the disclosure audit left in a Result: that it ran,
// the cells it hid on top of the k rule, and what it found (empty when the
// result is safe to publish).
type AuditRecord struct {
	// Checked is the number of hidden cells whose bounds were computed.
	Checked int `json:"checked"`
	// Tables is the number of published tables audited.
	Tables int `json:"tables"`
	// Extra are the cells hidden to stop a disclosure (Input.Hide).
	Extra []Cell `json:"extra,omitempty"`
	// Disclosed lists the cells still disclosed; a result with any is
	// withheld (not published).
	Disclosed []Disclosure `json:"disclosed,omitempty"`
}

// Disclosure is a hidden cell whose bounds, worked out from the published
// figures, lie within 1..k-1 or pin it to one value.
type Disclosure struct {
	Cell
	Variable string  `json:"variable"`
	Low      float64 `json:"low"`
	High     float64 `json:"high"`
}

// shownCells is cellsShown for family fam over the groups of the input
// (treeCellsShown for a department tree, count then pooled per node),
// honouring Input.Hide and breaking ties by the group key.
func (a *analyzer) shownCells(fam string, count []int, eligible []bool) ([]bool, bool) {
	el := make([]bool, len(count))
	for g := range el {
		el[g] = (eligible == nil || eligible[g]) && !a.hide[Cell{Family: fam, Group: a.keys[g]}]
	}
	var shown []bool
	var org bool
	if a.tree != nil {
		// count holds the nodes' pooled counts.
		shown, org = treeCellsShown(a.tree, count, el, a.keys, a.cfg.MinGroup)
	} else {
		shown, org = cellsShown(count, el, a.keys, a.cfg.MinGroup)
	}
	return shown, org && !a.hide[Cell{Family: fam}]
}
