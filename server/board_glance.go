package server

import (
	"math"
	"net/url"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"trots/analysis"
	"trots/questionnaires"
	"trots/server/i18n"
	"trots/survey"
)

// The board at a glance: counts per verdict, a heatmap of departments x
// criteria coloured by each interval against its bar (the verdict rule's
// own test, as in the PDF), and filtering and sorting through a plain GET
// form, so that it all works without JavaScript.

// verdictCount is one verdict's count, and a link that filters by it.
type verdictCount struct {
	Label, Class, Href string
	Count              int
	Active             bool
}

// heatColumn is a criterion of the heatmap.
type heatColumn struct {
	ID, Label, Bar string
}

// heatCell is one department's value on one criterion. Class is "ok"
// (the whole interval on the good side of the bar), "bad" (on the bad
// side), "unsure" (it straddles the bar), "plain" (no bar applies) or
// "hidden" (not shown); Mark and State say the same in text, so the
// heatmap reads without colour.
type heatCell struct {
	Text, Class, Mark, State string
}

// heatRow is one department of the heatmap.
type heatRow struct {
	ID, Name, Href             string
	VerdictLabel, VerdictClass string
	Internal                   bool
	Hidden                     bool
	Cells                      []heatCell
}

// boardView is the board's filter and sort, from the query.
type boardView struct {
	Verdict string // "", or an analysis.Decision
	Sort    string // "name", "verdict", or a criterion id (lowest first)
	// Node is the department whose parts the board shows ("" = the top
	// level, or a lead's own department); Query a search by name
	// (board_tree.go).
	Node  string
	Query string
}

func boardViewOf(c echo.Context) boardView {
	v := boardView{Verdict: c.QueryParam("verdict"), Sort: c.QueryParam("sort"), Node: c.QueryParam("node"),
		Query: searchQuery(c.QueryParam("q"))}
	if !survey.ValidID(v.Node) {
		v.Node = ""
	}
	switch analysis.Decision(v.Verdict) {
	case analysis.Go, analysis.FixFirst, analysis.NotMeasurable:
	default:
		v.Verdict = ""
	}
	return v
}

// criterion is one column of the heatmap and how to read it off a group.
type criterion struct {
	heatColumn
	cell func(g *analysis.GroupResult) heatCell
}

// heatCriteria are the columns: the foundation and condition themes, the
// overall promise/reality gap, the willing share and eNPS - the criteria
// of the verdict rule, in the order of the PDF's heatmap.
func heatCriteria(res *analysis.Result, q *questionnaires.Questionnaire, lang string) []criterion {
	cfg := res.Config
	var out []criterion
	for _, role := range []string{string(questionnaires.RoleFoundation), string(questionnaires.RoleCondition)} {
		for _, di := range res.Dimensions {
			if di.Role != role || di.Threshold == nil {
				continue
			}
			id, bar := di.ID, *di.Threshold
			out = append(out, criterion{heatColumn{ID: id, Label: dimensionName(q, id, lang), Bar: fmtNum(lang, bar, 2)},
				func(g *analysis.GroupResult) heatCell {
					for _, d := range g.Figures.Dimensions {
						if d.ID == id && !d.Suppressed && d.DimensionStats != nil {
							return judgedCell(lang, fmtNum(lang, d.Mean, 2), analysis.Judge(d.CILow, d.CIHigh, bar, true))
						}
					}
					return hiddenCell(lang)
				}})
		}
	}
	if len(res.Pairs) > 0 {
		out = append(out, criterion{heatColumn{ID: "gap", Label: i18n.T(lang, "board_gap"), Bar: fmtNum(lang, cfg.GapTolerance, 2)},
			func(g *analysis.GroupResult) heatCell {
				if g.Figures.Gap == nil || g.Figures.Gap.Overall.GapStats == nil {
					return hiddenCell(lang)
				}
				s := g.Figures.Gap.Overall.GapStats
				return judgedCell(lang, fmtSigned(lang, s.Mean), analysis.Judge(s.CILow, s.CIHigh, cfg.GapTolerance, false))
			}})
	}
	pct := func(x float64) string { return fmtNum(lang, 100*x, 0) + "%" }
	out = append(out, criterion{heatColumn{ID: "willing_share", Label: i18n.T(lang, "board_heat_willing"), Bar: pct(cfg.WillingShare)},
		func(g *analysis.GroupResult) heatCell {
			a := g.Figures.Ambassadors
			if a == nil || a.Willing.N == 0 {
				return hiddenCell(lang)
			}
			w := a.Willing
			return judgedCell(lang, pct(w.Share), analysis.Judge(&w.CILow, &w.CIHigh, cfg.WillingShare, true))
		}})
	out = append(out, criterion{heatColumn{ID: "enps", Label: "eNPS", Bar: fmtNum(lang, cfg.ENPSThreshold, 0)},
		func(g *analysis.GroupResult) heatCell {
			e := g.Figures.ENPS
			if e == nil {
				return hiddenCell(lang)
			}
			text := fmtNum(lang, e.Value, 0)
			if e.Value > 0 {
				text = "+" + text
			}
			// Below ENPSMinN answers the eNPS is no gate (too wide).
			if e.N < cfg.ENPSMinN {
				return judgedCell(lang, text, analysis.JudgedPlain)
			}
			return judgedCell(lang, text, analysis.Judge(&e.CILow, &e.CIHigh, cfg.ENPSThreshold, true))
		}})
	return out
}

var judgementClass = map[analysis.Judgement]string{
	analysis.JudgedMet: "ok", analysis.JudgedFailed: "bad", analysis.JudgedUndecided: "unsure", analysis.JudgedPlain: "plain",
}

// Marks say in the cell what the colour says: met, failed, undecided.
var judgementMark = map[analysis.Judgement]string{
	analysis.JudgedMet: "✓", analysis.JudgedFailed: "✗", analysis.JudgedUndecided: "?", analysis.JudgedPlain: "",
}

func judgedCell(lang, text string, j analysis.Judgement) heatCell {
	class := judgementClass[j]
	return heatCell{Text: text, Class: class, Mark: judgementMark[j], State: i18n.T(lang, "board_heat_"+class)}
}

func hiddenCell(lang string) heatCell {
	return heatCell{Text: "–", Class: "hidden", State: i18n.T(lang, "board_heat_hidden")}
}

// heatmap builds the heatmap of rows.
func heatmap(b *boardData, rows []boardRow, lang string) ([]heatColumn, []heatRow) {
	crits := heatCriteria(b.outcome.Result, b.outcome.Questionnaire, lang)
	cols := make([]heatColumn, len(crits))
	for i, c := range crits {
		cols[i] = c.heatColumn
	}
	var out []heatRow
	for _, r := range rows {
		hr := heatRow{ID: r.ID, Name: r.Name, Href: r.Href, VerdictLabel: r.VerdictLabel, VerdictClass: r.VerdictClass,
			Internal: r.Internal, Hidden: r.Suppressed}
		if !r.Suppressed {
			for _, c := range crits {
				hr.Cells = append(hr.Cells, c.cell(r.group))
			}
		}
		out = append(out, hr)
	}
	return cols, out
}

// verdictCounts counts the rows per verdict, each with a link that
// filters the board by it (and one for all).
func verdictCounts(rows []boardRow, pulseID string, v boardView, lang string) []verdictCount {
	link := func(verdict string) string {
		q := url.Values{"pulse": {pulseID}}
		if verdict != "" {
			q.Set("verdict", verdict)
		}
		if v.Sort != "" {
			q.Set("sort", v.Sort)
		}
		if v.Node != "" {
			q.Set("node", v.Node)
		}
		if v.Query != "" {
			q.Set("q", v.Query)
		}
		return "/board?" + q.Encode()
	}
	out := []verdictCount{{Label: i18n.T(lang, "board_count_all"), Class: "all", Href: link(""), Count: len(rows), Active: v.Verdict == ""}}
	for _, d := range []analysis.Decision{analysis.Go, analysis.FixFirst, analysis.NotMeasurable} {
		n := 0
		for _, r := range rows {
			if r.Verdict == d {
				n++
			}
		}
		out = append(out, verdictCount{Label: i18n.T(lang, "verdict_"+string(d)), Class: verdictClass(d), Href: link(string(d)),
			Count: n, Active: v.Verdict == string(d)})
	}
	return out
}

func verdictClass(d analysis.Decision) string {
	switch d {
	case analysis.Go:
		return "go"
	case analysis.FixFirst:
		return "fix"
	}
	return "nm"
}

// arrange filters rows by the view's verdict and sorts them: by name, by
// verdict (FIX FIRST, then NOT YET MEASURABLE, then GO), or by a
// criterion, worst first - lowest for themes, the willing share and eNPS,
// highest for the gap - with hidden values last.
func arrange(rows []boardRow, v boardView) []boardRow {
	var out []boardRow
	for _, r := range rows {
		if v.Verdict == "" || string(r.Verdict) == v.Verdict {
			out = append(out, r)
		}
	}
	collate := func(a, b boardRow) bool { return strings.ToLower(a.Name) < strings.ToLower(b.Name) }
	switch v.Sort {
	case "", "name":
		sort.SliceStable(out, func(i, j int) bool { return collate(out[i], out[j]) })
	case "verdict":
		rank := map[analysis.Decision]int{analysis.FixFirst: 0, analysis.NotMeasurable: 1, analysis.Go: 2}
		sort.SliceStable(out, func(i, j int) bool {
			if rank[out[i].Verdict] != rank[out[j].Verdict] {
				return rank[out[i].Verdict] < rank[out[j].Verdict]
			}
			return collate(out[i], out[j])
		})
	default:
		key := func(r boardRow) float64 {
			x, ok := criterionValue(r, v.Sort)
			if !ok {
				return math.Inf(1)
			}
			if v.Sort == "gap" {
				return -x
			}
			return x
		}
		sort.SliceStable(out, func(i, j int) bool {
			ki, kj := key(out[i]), key(out[j])
			if ki != kj {
				return ki < kj
			}
			return collate(out[i], out[j])
		})
	}
	return out
}

// criterionValue is a shown row's estimate on a heatmap criterion.
func criterionValue(r boardRow, id string) (float64, bool) {
	if r.Suppressed || r.group == nil || r.group.Figures == nil {
		return 0, false
	}
	f := r.group.Figures
	switch id {
	case "gap":
		if f.Gap != nil && f.Gap.Overall.GapStats != nil {
			return f.Gap.Overall.GapStats.Mean, true
		}
	case "willing_share":
		if f.Ambassadors != nil && f.Ambassadors.Willing.N > 0 {
			return f.Ambassadors.Willing.Share, true
		}
	case "enps":
		if f.ENPS != nil {
			return f.ENPS.Value, true
		}
	default:
		for _, d := range f.Dimensions {
			if d.ID == id && !d.Suppressed && d.DimensionStats != nil {
				return d.Mean, true
			}
		}
	}
	return 0, false
}

// sortOption is one choice of the sort menu.
type sortOption struct {
	Value, Label string
	Selected     bool
}

func sortOptions(cols []heatColumn, v boardView, lang string) []sortOption {
	out := []sortOption{
		{Value: "name", Label: i18n.T(lang, "board_sort_name")},
		{Value: "verdict", Label: i18n.T(lang, "board_sort_verdict")},
	}
	for _, c := range cols {
		out = append(out, sortOption{Value: c.ID, Label: i18n.T(lang, "board_sort_by", c.Label)})
	}
	found := false
	for i := range out {
		if out[i].Value == v.Sort {
			out[i].Selected, found = true, true
		}
	}
	if !found {
		out[0].Selected = true
	}
	return out
}

// goNeeds says what a shown department that is not GO must still show to
// reach GO: each criterion of the verdict whose bound is not yet on the
// good side of its bar (the bound against the bar, as the rule reads it),
// and how many answers in all would let the rule decide, when the verdict
// estimates it. Empty for GO and for hidden departments.
func goNeeds(g *analysis.GroupResult, q *questionnaires.Questionnaire, lang string) []string {
	if g.Suppressed || g.Verdict == nil || g.Decision == analysis.Go {
		return nil
	}
	var out []string
	for _, b := range g.Bounds {
		if b.Outcome == "met" {
			continue
		}
		name, lowerOK, pct := "", false, false
		switch {
		case b.Criterion == "gap":
			name, lowerOK = i18n.T(lang, "board_gap"), true
		case strings.HasPrefix(b.Criterion, "gap:"):
			name, lowerOK = questionnaires.TopicName(strings.TrimPrefix(b.Criterion, "gap:"), lang), true
		case b.Criterion == "willing_share":
			name, pct = i18n.T(lang, "board_heat_willing"), true
		case b.Criterion == "response_rate":
			name, pct = i18n.T(lang, "board_rate"), true
		case b.Criterion == "enps":
			name = "eNPS"
		case b.Criterion == "n":
			out = append(out, i18n.T(lang, "board_needs_n", b.Threshold, b.Estimate))
			continue
		default:
			name = dimensionName(q, b.Criterion, lang)
		}
		num := func(x float64) string { return fmtNum(lang, x, 2) }
		if pct {
			num = func(x float64) string { return fmtNum(lang, 100*x, 0) + "%" }
		} else if b.Criterion == "enps" {
			num = func(x float64) string { return fmtNum(lang, x, 0) }
		}
		if lowerOK {
			out = append(out, i18n.T(lang, "board_needs_upper", name, num(b.Threshold), num(b.High)))
		} else {
			out = append(out, i18n.T(lang, "board_needs_lower", name, num(b.Threshold), num(b.Low)))
		}
	}
	if g.NeededN > 0 {
		out = append(out, i18n.T(lang, "board_needs_answers", g.NeededN))
	}
	return out
}
