package reports

import "math"

var (
	tChartDesc   = text{nl: "Per thema: het gemiddelde van deze afdeling met het 95%%-interval (dikke lijn met stip), dat van de hele organisatie (dunne lijn met open stip) en de drempel (streepjeslijn). Thema's op verschillende schalen staan op 0-100. De cijfers staan in de tabel eronder.", en: "Per theme: this department's mean with its 95%% interval (thick line with a dot), the whole organisation's (thin line with an open dot) and the bar (dashed line). Themes on different scales are drawn on 0-100. The figures are in the table below."}
	tColThisDept = text{nl: "Deze afdeling", en: "This department"}
)

// Chart geometry in SVG units: the labels left of the plot, the plot
// 0-100 scaled to plotW.
const (
	chartLabelW = 190.0
	chartPlotW  = 380.0
	chartRowH   = 26.0
	chartTop    = 8.0
)

// chart records a dot-and-whisker chart: the SVG drawing and, as its text
// alternative, a table of the same figures (the value the PDF prints, the
// organisation's mean and the bar).
func (o *outline) chart(n numbers, rows []whiskerRow) {
	if o == nil || len(rows) == 0 {
		return
	}
	lang := n.lang
	c := &outlineChart{ID: o.id("chart"), Title: o.caption, Desc: tChartDesc.in(lang)}
	common := true
	for _, r := range rows {
		if r.min != rows[0].min || r.max != rows[0].max {
			common = false
		}
	}
	frac := func(r whiskerRow, x float64) float64 {
		return chartLabelW + chartPlotW*math.Max(0, math.Min(1, (x-r.min)/(r.max-r.min)))
	}
	if common {
		for t := math.Ceil(rows[0].min); t <= rows[0].max; t++ {
			c.Ticks = append(c.Ticks, chartTick{X: frac(rows[0], t), Label: n.dec(t, 0)})
		}
	} else {
		for _, t := range []float64{0, 25, 50, 75, 100} {
			c.Ticks = append(c.Ticks, chartTick{X: frac(whiskerRow{min: 0, max: 100}, t), Label: n.dec(t, 0)})
		}
	}
	t := &outlineTable{Caption: o.caption, Head: []string{tColTheme.in(lang), tColThisDept.in(lang), tColOrg.in(lang), tColBar.in(lang)},
		Align: []string{"", "", "r", "r"}}
	for i, r := range rows {
		y := chartTop + float64(i)*chartRowH
		cr := chartRow{Label: r.label, Y: y, LabelY: y + chartRowH*0.62, Value: r.value}
		cr.Class, _, _ = r.judgement.class(lang)
		if r.est != nil {
			cr.HasEst, cr.Est = true, frac(r, *r.est)
			if r.lo != nil && r.hi != nil {
				cr.HasCI, cr.Lo, cr.Hi = true, frac(r, *r.lo), frac(r, *r.hi)
			}
		} else {
			cr.Hidden = tChartHidden.in(lang)
		}
		org, bar := "", ""
		if r.orgEst != nil {
			cr.HasOrg, cr.Org = true, frac(r, *r.orgEst)
			if r.orgLo != nil && r.orgHi != nil {
				cr.OrgCI, cr.OrgLo, cr.OrgHi = true, frac(r, *r.orgLo), frac(r, *r.orgHi)
			}
			org = n.dec(*r.orgEst, 2)
		}
		if r.bar != nil {
			cr.HasBar, cr.Bar = true, frac(r, *r.bar)
			bar = n.dec(*r.bar, 2)
		}
		c.Rows = append(c.Rows, cr)
		val := outlineCell{Text: r.value}
		val.Class, val.Mark, val.MarkText = r.judgement.class(lang)
		if val.Class == "hidden" {
			val.MarkText = "" // the value says "hidden"
		}
		if val.Mark != "" {
			t.Marked = true
		}
		t.Rows = append(t.Rows, []outlineCell{{Text: r.label, Span: 1}, withSpan(val), {Text: org, Span: 1, Align: "r"}, {Text: bar, Span: 1, Align: "r"}})
	}
	if t.Marked {
		t.Key = tMarkKey.in(lang)
	}
	c.Table = t
	o.add(block{Kind: "chart", Chart: c})
}

func withSpan(c outlineCell) outlineCell {
	c.Span = 1
	return c
}

// class is a judgement's colour class with its mark, as fillClass.
func (j judgement) class(lang string) (class, mark, word string) {
	if j == plain {
		return "", "", ""
	}
	_, fill := j.colors()
	return fillClass(&fill, lang)
}

// chartHeight is the SVG height of a chart of n rows with its axis.
func chartHeight(n int) float64 { return chartTop + float64(n)*chartRowH + 22 }
