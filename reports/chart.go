package reports

import "math"

// whiskerRow is one theme in a dot-and-whisker chart: the group's mean and
// interval, the organisation's behind it, and the bar.
type whiskerRow struct {
	label       string
	min, max    float64
	est, lo, hi *float64 // the group; nil est: the cell is not shown
	orgEst      *float64
	orgLo       *float64
	orgHi       *float64
	bar         *float64
	judgement   judgement
	value       string // printed to the right
}

var (
	tChartGroup  = text{nl: "deze afdeling (gemiddelde en 95%%-interval)", en: "this department (mean and 95%% interval)"}
	tChartOrg    = text{nl: "hele organisatie", en: "whole organisation"}
	tChartBar    = text{nl: "drempel", en: "bar"}
	tChartHidden = text{nl: "verborgen", en: "hidden"}
)

// whiskers draws a dot-and-whisker chart: per row the group's interval as
// a thick line in its judgement's colour with a dot at the mean, the
// organisation's as a thin grey line with an open dot, and the bar as a
// dashed tick. Rows on different scales are drawn on 0-100.
func (d *document) whiskers(rows []whiskerRow, rowH float64) {
	if len(rows) == 0 {
		return
	}
	d.out.chart(d.num, rows)
	pdf := d.pdf
	const labelW, gapW = 46.0, 3.0
	plotW := d.width * 0.5
	x0 := d.left + labelW + gapW
	common := true
	for _, r := range rows {
		if r.min != rows[0].min || r.max != rows[0].max {
			common = false
		}
	}
	pos := func(r whiskerRow, x float64) float64 {
		t := (x - r.min) / (r.max - r.min)
		return x0 + plotW*math.Max(0, math.Min(1, t))
	}
	height := 6 + float64(len(rows))*rowH + 7
	d.need(height)

	// Legend.
	y := pdf.GetY()
	d.font("", 7.5)
	d.textColor(mutedColor)
	lx := x0
	d.fillColor(accentColor)
	pdf.Circle(lx+1, y+2, 1, "F")
	pdf.SetXY(lx+2.5, y)
	s := tChartGroup.in(d.lang)
	pdf.CellFormat(pdf.GetStringWidth(s)+2, 4, s, "", 0, "L", false, 0, "")
	lx = pdf.GetX() + 3
	d.drawColor(mutedColor)
	pdf.SetLineWidth(0.25)
	pdf.Circle(lx+1, y+2, 0.9, "D")
	pdf.SetXY(lx+2.5, y)
	s = tChartOrg.in(d.lang)
	pdf.CellFormat(pdf.GetStringWidth(s)+2, 4, s, "", 0, "L", false, 0, "")
	lx = pdf.GetX() + 3
	d.drawColor(inkColor)
	pdf.SetDashPattern([]float64{0.6, 0.5}, 0)
	pdf.Line(lx+1, y+0.4, lx+1, y+3.6)
	pdf.SetDashPattern(nil, 0)
	pdf.SetXY(lx+2.5, y)
	pdf.CellFormat(20, 4, tChartBar.in(d.lang), "", 0, "L", false, 0, "")
	y += 6

	// Grid lines at each scale point (or every 25 on 0-100).
	ticks := []float64{0, 25, 50, 75, 100}
	tickRow := whiskerRow{min: 0, max: 100}
	if common {
		tickRow = rows[0]
		ticks = ticks[:0]
		for t := math.Ceil(rows[0].min); t <= rows[0].max; t++ {
			ticks = append(ticks, t)
		}
	}
	bottom := y + float64(len(rows))*rowH
	d.drawColor(ruleColor)
	pdf.SetLineWidth(0.15)
	for _, t := range ticks {
		x := pos(tickRow, t)
		pdf.Line(x, y, x, bottom)
	}

	for i, r := range rows {
		ry := y + float64(i)*rowH
		if i%2 == 0 {
			d.fillColor(stripeFill)
			pdf.Rect(d.left, ry, d.width, rowH, "F")
			d.drawColor(ruleColor)
			pdf.SetLineWidth(0.15)
			for _, t := range ticks {
				x := pos(tickRow, t)
				pdf.Line(x, ry, x, ry+rowH)
			}
		}
		d.font("", 8.5)
		d.textColor(inkColor)
		pdf.SetXY(d.left, ry)
		pdf.CellFormat(labelW, rowH, d.fit(r.label, labelW), "", 0, "L", false, 0, "")
		if r.bar != nil {
			x := pos(r, *r.bar)
			d.drawColor(inkColor)
			pdf.SetLineWidth(0.3)
			pdf.SetDashPattern([]float64{0.6, 0.5}, 0)
			pdf.Line(x, ry+0.6, x, ry+rowH-0.6)
			pdf.SetDashPattern(nil, 0)
		}
		if r.orgEst != nil {
			oy := ry + rowH*0.72
			d.drawColor(mutedColor)
			pdf.SetLineWidth(0.35)
			if r.orgLo != nil && r.orgHi != nil {
				pdf.Line(pos(r, *r.orgLo), oy, pos(r, *r.orgHi), oy)
			}
			d.fillColor(white)
			pdf.Circle(pos(r, *r.orgEst), oy, 0.85, "FD")
		}
		stroke, _ := r.judgement.colors()
		if r.est == nil {
			d.font("I", 7.5)
			d.textColor(hiddenColor)
			pdf.SetXY(x0, ry)
			pdf.CellFormat(plotW, rowH*0.6, tChartHidden.in(d.lang), "", 0, "C", false, 0, "")
		} else {
			gy := ry + rowH*0.36
			d.drawColor(stroke)
			d.fillColor(stroke)
			if r.lo != nil && r.hi != nil {
				pdf.SetLineWidth(0.9)
				pdf.Line(pos(r, *r.lo), gy, pos(r, *r.hi), gy)
			}
			pdf.Circle(pos(r, *r.est), gy, 1.15, "F")
		}
		d.font("", 8)
		d.textColor(inkColor)
		pdf.SetXY(x0+plotW+gapW, ry)
		vw := d.left + d.width - (x0 + plotW + gapW)
		pdf.CellFormat(vw, rowH, d.fit(r.value, vw), "", 0, "L", false, 0, "")
	}

	// Axis.
	d.font("", 7)
	d.textColor(mutedColor)
	for _, t := range ticks {
		x := pos(tickRow, t)
		label := d.num.dec(t, 0)
		pdf.SetXY(x-5, bottom+0.5)
		pdf.CellFormat(10, 3.5, label, "", 0, "C", false, 0, "")
	}
	pdf.SetXY(d.left, bottom+5)
	d.body()
}
