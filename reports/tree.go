package reports

import (
	"strings"

	"trots/analysis"
)

// The department tree in the reports (issue 16). A department report of a
// node with parts adds its parts compared; the organisation report treats
// the top level as it treats a flat list and puts every deeper level in
// one compact table, a row per node, so that a tree of 1,500 nodes gives
// tens of pages, not 1,500. A hidden node is a row with its path and the
// words "not shown", exactly as on the board: never a figure.

var (
	tParts            = text{nl: "De onderdelen", en: "Its parts"}
	tPartsIntro       = text{nl: "De cijfers hierboven zijn van %s als geheel: de eigen mensen en alle onderdelen samen. Hieronder de directe onderdelen, elk als geheel met alles eronder. Een onderdeel onder de anonimiteitsgrens staat er zonder cijfers.", en: "The figures above are of %s as a whole: its own people and all its parts pooled. Below are its direct parts, each as a whole with everything below it. A part below the anonymity threshold is listed without figures."}
	tPartsSpread      = text{nl: "Van de %s onderdelen: %s GO, %s EERST VERBETEREN, %s nog niet meetbaar.", en: "Of its %s parts: %s GO, %s FIX FIRST, %s not yet measurable."}
	tColPart          = text{nl: "Onderdeel", en: "Part"}
	tColParts         = text{nl: "Onderdelen: go / verbeteren / niet meetbaar", en: "Parts: go / fix / not measurable"}
	tColPath          = text{nl: "Plaats in de organisatie", en: "Place in the organisation"}
	tVsParent         = text{nl: "Verschil met de rest van %s", en: "Difference from the rest of %s"}
	tVsParentNote     = text{nl: "Verschil = dit onderdeel min de rest van %s (de eigen mensen van %s en de andere onderdelen; Welch-toets), alleen waar beide getoond worden. \"Aantoonbaar\": na correctie voor het aantal vergelijkingen (Benjamini-Hochberg over alle onderdelen, q < %s) geen toeval.", en: "Difference = this part minus the rest of %s (the own people of %s and its other parts; Welch test), only where both are shown. \"Demonstrated\": not chance after correcting for the number of comparisons (Benjamini-Hochberg over all parts, q < %s)."}
	tColDiffParent    = text{nl: "Verschil (interval)", en: "Difference (interval)"}
	tCoverDepsTree    = text{nl: "%s, waarvan %s op het hoogste niveau", en: "%s, %s of them at the top level"}
	tSummaryIntroTree = text{nl: "Van de %s onderdelen op het hoogste niveau kunnen er %s beginnen, moeten er %s eerst de werkervaring verbeteren en zijn er %s nog niet meetbaar. De diepere niveaus staan achterin in één tabel.", en: "Of the %s parts at the top level, %s can start, %s must improve the employee experience first and %s are not yet measurable. The deeper levels are listed in one table at the back."}
	tLevels           = text{nl: "Diepere niveaus", en: "Deeper levels"}
	tLevelsIntro      = text{nl: "Elk onderdeel onder het hoogste niveau op één regel, in de volgorde van de boom: als geheel met alles eronder, met het oordeel, het aantal respondenten, het aandeel dat wil delen, de eNPS, de kloof tussen belofte en praktijk en de oordelen van de eigen onderdelen. Het afdelingsrapport van een onderdeel geeft alle cijfers.", en: "Every part below the top level on one line, in the order of the tree: as a whole with everything below it, with its verdict, respondents, the share willing to share, the eNPS, the gap between promise and reality and the verdicts of its own parts. A part's department report gives every figure."}
	tLevelsHiddenNo   = text{nl: "Een onderdeel onder de anonimiteitsgrens (of dat anders iets over minder dan %d mensen zou verraden) staat er zonder cijfers.", en: "A part below the anonymity threshold (or one that would otherwise give away something about fewer than %d people) is listed without figures."}
)

// isTree reports whether the analysis is of a department tree.
func (v *view) isTree() bool {
	for i := range v.res.Departments {
		if v.res.Departments[i].ParentID != "" {
			return true
		}
	}
	return false
}

// top are the departments of the top level: all of them in a flat list.
func (v *view) top() []*analysis.GroupResult {
	var out []*analysis.GroupResult
	for i := range v.res.Departments {
		if g := &v.res.Departments[i]; g.ParentID == "" {
			out = append(out, g)
		}
	}
	return out
}

// children are the direct parts of the node with id, in input order.
func (v *view) children(id string) []*analysis.GroupResult {
	if id == "" {
		return nil
	}
	var out []*analysis.GroupResult
	for i := range v.res.Departments {
		if g := &v.res.Departments[i]; g.ParentID == id {
			out = append(out, g)
		}
	}
	return out
}

// byID indexes the departments by ID.
func (v *view) byID() map[string]*analysis.GroupResult {
	m := make(map[string]*analysis.GroupResult, len(v.res.Departments))
	for i := range v.res.Departments {
		if g := &v.res.Departments[i]; g.ID != "" {
			m[g.ID] = g
		}
	}
	return m
}

// path is g's place in the tree: "Directie A / Afdeling B / Team C".
func path(g *analysis.GroupResult, byID map[string]*analysis.GroupResult) string {
	s := clean(g.Name)
	seen := map[string]bool{g.ID: true}
	for p := byID[g.ParentID]; p != nil && !seen[p.ID]; p = byID[p.ParentID] {
		seen[p.ID] = true
		s = clean(p.Name) + " / " + s
	}
	return s
}

// shortPath is g's path, its top levels left out ("… / ") where the
// whole would not fit in w millimetres in the current font: the node's
// own name and its nearest parents matter most.
func (v *view) shortPath(g *analysis.GroupResult, byID map[string]*analysis.GroupResult, w float64) string {
	full := path(g, byID)
	if v.d.pdf.GetStringWidth(full) <= w {
		return full
	}
	parts := strings.Split(full, " / ")
	for len(parts) > 1 {
		parts = parts[1:]
		s := "… / " + strings.Join(parts, " / ")
		if v.d.pdf.GetStringWidth(s) <= w {
			return s
		}
	}
	return parts[0]
}

// spread is the sentence on the verdicts of g's direct parts, "" when g
// has none. It counts published verdicts only (a hidden part as not
// measurable), as analysis.GroupResult.ChildVerdicts does.
func (v *view) spread(g *analysis.GroupResult) string {
	cv := g.ChildVerdicts
	total := cv[analysis.Go] + cv[analysis.FixFirst] + cv[analysis.NotMeasurable]
	if total == 0 {
		return ""
	}
	n := v.num
	return tPartsSpread.f(v.lang, n.integer(total), n.integer(cv[analysis.Go]), n.integer(cv[analysis.FixFirst]), n.integer(cv[analysis.NotMeasurable]))
}

// spreadCell is the short form of spread for a table cell.
func (v *view) spreadCell(g *analysis.GroupResult) string {
	cv := g.ChildVerdicts
	if cv[analysis.Go]+cv[analysis.FixFirst]+cv[analysis.NotMeasurable] == 0 {
		return ""
	}
	n := v.num
	return n.integer(cv[analysis.Go]) + " / " + n.integer(cv[analysis.FixFirst]) + " / " + n.integer(cv[analysis.NotMeasurable])
}

// nodeGrid is the compact table of nodes: name or path, n, verdict, the
// share willing to share, eNPS, the overall gap and the parts' verdicts.
func (v *view) nodeGrid(first string, firstW float64) grid {
	d := v.d
	const nW, verdictW, figW, partsW = 10.0, 31.0, 14.0, 24.0
	cols := []column{{first, firstW, "L"}, {tColN.in(v.lang), nW, "R"}, {tColVerdict.in(v.lang), verdictW, "C"},
		{tColWilling.in(v.lang), figW, "C"}, {"eNPS", figW, "C"}, {tColGap.in(v.lang), figW, "C"}, {tColParts.in(v.lang), partsW, "C"}}
	used := 0.0
	for _, c := range cols[1:] {
		used += c.width
	}
	cols[0].width = d.width - used
	return grid{size: 7, headSize: 6.3, rowH: 4.6, cols: cols}
}

// nodeRow is one node's row of nodeGrid. A hidden node shows its label
// and "not shown", nothing else: not even its parts' verdicts.
func (v *view) nodeRow(g *analysis.GroupResult, label string) []cell {
	n := v.num
	if !shown(g) {
		return []cell{{text: label}, {text: v.notShown(g), span: 6, fill: &hiddenFill, color: &hiddenColor}}
	}
	stroke, fill := verdictColors(decision(g))
	row := []cell{{text: label}, {text: n.integer(g.N)}, {text: v.verdictWord(decision(g)), bold: true, size: 6.3, color: &stroke, fill: &fill}}
	dash := cell{text: "–", color: &hiddenColor}
	if a := g.Ambassadors; a != nil && a.Willing.N > 0 {
		row = append(row, cell{text: n.pct(a.Willing.Share)})
	} else {
		row = append(row, dash)
	}
	if e := g.ENPS; e != nil {
		row = append(row, cell{text: n.signed(e.Value, 0)})
	} else {
		row = append(row, dash)
	}
	if g.Gap != nil && g.Gap.Overall.GapStats != nil {
		row = append(row, cell{text: n.signed(g.Gap.Overall.Mean, 2)})
	} else {
		row = append(row, dash)
	}
	return append(row, cell{text: v.spreadCell(g)})
}

// vsParentTable compares g's themes with the rest of its parent, as
// vsRestTable does with the rest of the organisation. Nothing at the top
// level or where the analysis gives no comparison (a hidden cell).
func (v *view) vsParentTable(g *analysis.GroupResult) {
	parent := v.byID()[g.ParentID]
	if parent == nil {
		return
	}
	var rows [][]cell
	for _, info := range v.scored() {
		s := dim(g, info.ID)
		if s == nil || s.VsParent == nil {
			continue
		}
		c := s.VsParent
		pm := ""
		if p := dim(parent, info.ID); p != nil {
			pm = v.num.dec(p.Mean, 2)
		}
		yes := tNo.in(v.lang)
		if v.demonstrated(c) {
			yes = tYes.in(v.lang)
		}
		rows = append(rows, []cell{{text: v.dimName(info.ID)}, {text: v.num.dec(s.Mean, 2), bold: true}, {text: pm},
			{text: v.num.signed(c.Diff, 2) + "  " + v.num.signedInterval(c.CILow, c.CIHigh, 2)}, {text: yes}})
	}
	if len(rows) == 0 {
		return
	}
	d := v.d
	name := clean(parent.Name)
	d.subheading(tVsParent.f(v.lang, name), 30)
	d.table(grid{size: 8, rowH: 5.6, cols: []column{
		{tColTheme.in(v.lang), 44, "L"}, {tColMean.in(v.lang), 20, "R"}, {name, 30, "R"},
		{tColDiffParent.in(v.lang), 50, "C"}, {tColShown.in(v.lang), d.width - 144, "C"},
	}}, rows)
	d.note(tVsParentNote.f(v.lang, name, name, v.num.dec(1-v.res.Config.Level, 2)))
}

// parts writes a department report's section on the node's direct parts:
// the spread of their verdicts and a row per part. Nothing for a leaf.
func (v *view) parts(g *analysis.GroupResult) {
	kids := v.children(g.ID)
	if len(kids) == 0 {
		return
	}
	d := v.d
	d.heading(tParts.in(v.lang), 40)
	if shown(g) {
		d.para(tPartsIntro.f(v.lang, clean(g.Name)))
	}
	if s := v.spread(g); s != "" {
		d.rich(d.left, bodyLine, span{"B", s})
	}
	rows := make([][]cell, 0, len(kids))
	for _, c := range kids {
		rows = append(rows, v.nodeRow(c, clean(c.Name)))
	}
	d.table(v.nodeGrid(tColPart.in(v.lang), 0), rows)
}

// levels writes the organisation report's table of every node below the
// top level, depth first in input order, each named by its path.
func (v *view) levels() {
	if !v.isTree() {
		return
	}
	byID := v.byID()
	kids := map[string][]*analysis.GroupResult{}
	for i := range v.res.Departments {
		g := &v.res.Departments[i]
		if g.ParentID != "" {
			kids[g.ParentID] = append(kids[g.ParentID], g)
		}
	}
	g0 := v.nodeGrid(tColPath.in(v.lang), 0)
	w := g0.cols[0].width - 3 // as table draws it: fit(text, width-2) keeps 0.5 mm
	v.d.font("", g0.size)
	var rows [][]cell
	var walk func(id string)
	walk = func(id string) {
		for _, c := range kids[id] {
			rows = append(rows, v.nodeRow(c, v.shortPath(c, byID, w)))
			walk(c.ID)
		}
	}
	for _, t := range v.top() {
		walk(t.ID)
	}
	if len(rows) == 0 {
		return
	}
	d := v.d
	d.page()
	d.pdf.Bookmark(tLevels.in(v.lang), 0, -1)
	d.heading(tLevels.in(v.lang), 60)
	d.para(tLevelsIntro.in(v.lang))
	d.note(tLevelsHiddenNo.f(v.lang, v.k()))
	d.table(g0, rows)
}
