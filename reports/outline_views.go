package reports

import (
	"strings"

	"trots/analysis"
)

// What the views draw on fpdf themselves (the cover, the verdict box, the
// facts strip, the summary's verdict boxes, the legend, the comments), they
// record here, with the same words and figures.

// decisionClass is the CSS class of a verdict.
func decisionClass(d analysis.Decision) string {
	switch d {
	case analysis.Go:
		return "v-go"
	case analysis.FixFirst:
		return "v-fix"
	}
	return "v-nm"
}

// recordCover records the organisation report's cover: rows are its
// label-value lines.
func (v *view) recordCover(rows [][2]string) {
	o := v.d.out
	if o == nil {
		return
	}
	o.text("kicker", tCoverKicker.in(v.lang))
	o.heading(1, tCoverTitle.in(v.lang))
	o.text("p", tCoverSub.in(v.lang))
	o.text("lead", clean(v.in.Organisation))
	b := block{Kind: "pairs"}
	for _, r := range rows {
		b.Pairs = append(b.Pairs, pair{Term: r[0], Detail: r[1]})
	}
	o.add(b)
	o.section(tCoverRead.in(v.lang))
	b = block{Kind: "pairs"}
	for _, it := range []struct {
		dec analysis.Decision
		t   text
	}{{analysis.Go, tCoverGo}, {analysis.FixFirst, tCoverFix}, {analysis.NotMeasurable, tCoverNM}} {
		b.Pairs = append(b.Pairs, pair{Term: v.verdictWord(it.dec), Detail: it.t.in(v.lang), Class: decisionClass(it.dec)})
	}
	o.add(b)
}

// recordTally records the summary's three verdict boxes: the count and
// every department under each verdict.
func (v *view) recordTally(by map[analysis.Decision][]*analysis.GroupResult) {
	o := v.d.out
	if o == nil {
		return
	}
	b := block{Kind: "tally"}
	for _, dec := range []analysis.Decision{analysis.Go, analysis.FixFirst, analysis.NotMeasurable} {
		t := tallyGroup{Class: decisionClass(dec), Word: v.verdictWord(dec), Count: v.num.integer(len(by[dec]))}
		for _, g := range by[dec] {
			t.Names = append(t.Names, clean(g.Name))
		}
		b.Tally = append(b.Tally, t)
	}
	o.add(b)
}

// recordLegend records a colour key.
func (v *view) recordLegend(entries []judgement, labels []string) {
	o := v.d.out
	if o == nil {
		return
	}
	b := block{Kind: "legend"}
	for i, j := range entries {
		class, mark, _ := j.class(v.lang)
		if j == hidden {
			mark = "–"
		}
		b.Legend = append(b.Legend, legendEntry{Class: class, Mark: mark, Label: labels[i]})
	}
	o.add(b)
}

// recordVerdict records a department's verdict box.
func (v *view) recordVerdict(dec analysis.Decision, reasons, notes []string) {
	if o := v.d.out; o != nil {
		o.add(block{Kind: "verdict", Verdict: &outlineVerdict{Label: tVerdict.in(v.lang), Word: v.verdictWord(dec),
			Class: decisionClass(dec), Reasons: reasons, Notes: notes}})
	}
}

// recordFacts records a department's headline figures.
func (v *view) recordFacts(fs []fact) {
	o := v.d.out
	if o == nil || len(fs) == 0 {
		return
	}
	b := block{Kind: "facts"}
	for _, f := range fs {
		b.Facts = append(b.Facts, outlineFact{Label: f.label, Value: f.value, Sub: f.sub})
	}
	o.add(b)
}

// recordKicker records the line above a department report's title.
func (v *view) recordKicker(kind string) {
	v.d.out.text("kicker", strings.ToUpper(kind)+" · "+clean(v.in.Organisation))
}

// recordComments records the comments a department report shows.
func (v *view) recordComments(cs []string) {
	if o := v.d.out; o != nil && len(cs) > 0 {
		o.add(block{Kind: "quotes", Quotes: cs})
	}
}

// recordDepartmentPages records the heading the PDF gives its department
// pages only as a bookmark, and their introduction.
func (v *view) recordDepartmentPages() {
	if o := v.d.out; o != nil {
		o.section(tDeptPages.in(v.lang))
		o.text("note", tDeptPagesIntro.in(v.lang))
	}
}
