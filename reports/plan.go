package reports

import (
	"trots/analysis"
)

// ActionPlan is a department's action plan as the report shows it: the
// actions agreed after one pulse's verdict. The caller words the fields in
// the report's language; the report adds the change per theme from the
// analysis' trend when Progress is set (the plan answers the previous
// pulse, and this pulse is the measurement again).
type ActionPlan struct {
	// After names the pulse whose verdict the plan answers.
	After    string
	Progress bool
	Actions  []PlanAction
}

// PlanAction is one action of a plan.
type PlanAction struct {
	Title, Theme, Owner, Due, Status string
	// Dimension is the id the trend is kept under: a dimension id, or
	// "gap" for a promise/reality topic (the trend has the overall gap).
	Dimension string
}

var (
	tPlanTitle     = text{nl: "Actieplan na %s", en: "Action plan after %s"}
	tColAction     = text{nl: "Actie", en: "Action"}
	tColOwner      = text{nl: "Eigenaar", en: "Owner"}
	tColDue        = text{nl: "Uiterlijk", en: "Due"}
	tColPlanStatus = text{nl: "Stand", en: "Status"}
	tPlanChange    = text{nl: "Verandering per thema van het plan sinds %s", en: "Change per theme of the plan since %s"}
	tColChange     = text{nl: "Verandering", en: "Change"}
	tPlanNoTrend   = text{nl: "niet te vergelijken", en: "cannot be compared"}
	tPlanNote      = text{nl: "Verandering = deze peiling min de vorige, met 95%%-interval (Welch-toets). Aantoonbaar: het interval sluit nul uit. Een verandering kleiner dan de kleinste aantoonbare verandering zegt niets.", en: "Change = this pulse minus the previous one, with its 95%% interval (Welch test). Demonstrated: the interval excludes zero. A change smaller than the smallest detectable change says nothing."}
)

// plans writes the department's action plans: the actions, and for a plan
// that answers the previous pulse, the change of each of its themes.
func (v *view) plans(g *analysis.GroupResult) {
	d := v.d
	for _, p := range v.in.Plans {
		if len(p.Actions) == 0 {
			continue
		}
		d.heading(tPlanTitle.f(v.lang, clean(p.After)), 20)
		var rows [][]cell
		for _, a := range p.Actions {
			rows = append(rows, []cell{{text: clean(a.Title)}, {text: clean(a.Theme)}, {text: clean(a.Owner)}, {text: a.Due}, {text: a.Status}})
		}
		d.table(grid{size: 8, rowH: 5.6, cols: []column{
			{tColAction.in(v.lang), 62, "L"}, {tColTheme.in(v.lang), 38, "L"}, {tColOwner.in(v.lang), 30, "L"},
			{tColDue.in(v.lang), 22, "C"}, {tColPlanStatus.in(v.lang), d.width - 152, "L"},
		}}, rows)
		if !p.Progress {
			continue
		}
		trends := groupTrend(v.res, g)
		var change [][]cell
		seen := map[string]bool{}
		for _, a := range p.Actions {
			if seen[a.Dimension] {
				continue
			}
			seen[a.Dimension] = true
			row := []cell{{text: v.dimName(a.Dimension)}}
			if dt, ok := trends[a.Dimension]; ok {
				yes := tNo.in(v.lang)
				if dt.CILow > 0 || dt.CIHigh < 0 {
					yes = tYes.in(v.lang)
				}
				row = append(row, cell{text: v.num.signed(dt.Diff, 2) + "  " + v.num.signedInterval(dt.CILow, dt.CIHigh, 2), bold: true},
					cell{text: v.num.dec(dt.MDD, 2)}, cell{text: yes})
			} else {
				row = append(row, cell{text: tPlanNoTrend.in(v.lang), span: 3, color: &hiddenColor})
			}
			change = append(change, row)
		}
		d.subheading(tPlanChange.f(v.lang, clean(v.in.Pulse.Previous)), 20)
		d.table(grid{size: 8, rowH: 5.6, cols: []column{
			{tColTheme.in(v.lang), 50, "L"}, {tColChange.in(v.lang), 50, "C"}, {tColMDD.in(v.lang), 40, "R"}, {tColShown.in(v.lang), d.width - 140, "C"},
		}}, change)
		d.note(tPlanNote.in(v.lang))
	}
}

// groupTrend is the trend of department g by dimension id: only a
// department shown in both pulses has one.
func groupTrend(res *analysis.Result, g *analysis.GroupResult) map[string]analysis.DimensionTrend {
	out := map[string]analysis.DimensionTrend{}
	if res.Trend == nil {
		return out
	}
	for _, gt := range res.Trend.Groups {
		if gt.Organisation || gt.Name != g.Name || (gt.ID != "" && g.ID != "" && gt.ID != g.ID) {
			continue
		}
		for _, dt := range gt.Dimensions {
			out[dt.Dimension] = dt
		}
	}
	return out
}
