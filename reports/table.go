package reports

// column is one column of a grid.
type column struct {
	title string
	width float64
	align string // "L", "C" or "R"
}

// cell is one cell of a grid row. A nil fill leaves the row's stripe.
type cell struct {
	text  string
	fill  *rgb
	color *rgb
	bold  bool
	// size overrides the grid's font size.
	size float64
	// span is the number of columns the cell covers (0 means 1).
	span int
	// paint draws extra marks (bars, whiskers) over the cell.
	paint func(x, y, w, h float64)
}

// grid is a table that continues over as many pages as it needs, repeating
// its header on each.
type grid struct {
	cols []column
	rowH float64
	size float64
	// headSize is the font size of the header (default size-0.5).
	headSize float64
	// first marks the first row (the organisation) with a heavier rule.
	firstBold bool
}

func (d *document) gridHeader(g grid) {
	pdf := d.pdf
	hs := g.headSize
	if hs == 0 {
		hs = g.size - 0.5
	}
	d.font("B", hs)
	lineH := hs * 0.42
	n := 1
	for _, c := range g.cols {
		n = max(n, len(d.wrap(c.title, c.width)))
	}
	h := float64(n)*lineH + 2.4
	y := pdf.GetY()
	d.fillColor(accentFill)
	pdf.Rect(d.left, y, d.gridWidth(g), h, "F")
	d.textColor(accentColor)
	x := d.left
	for _, c := range g.cols {
		ls := d.wrap(c.title, c.width)
		top := y + h - 1.2 - float64(len(ls))*lineH
		for i, l := range ls {
			pdf.SetXY(x, top+float64(i)*lineH)
			pdf.CellFormat(c.width, lineH, l, "", 0, c.align, false, 0, "")
		}
		x += c.width
	}
	pdf.SetXY(d.left, y+h)
}

func (d *document) gridWidth(g grid) float64 {
	w := 0.0
	for _, c := range g.cols {
		w += c.width
	}
	return w
}

// table draws rows under the grid's header, starting a new page (with the
// header again) whenever the next row would not fit.
func (d *document) table(g grid, rows [][]cell) {
	d.out.table(d.lang, g, rows)
	pdf := d.pdf
	d.need(3 * g.rowH)
	d.gridHeader(g)
	for i, row := range rows {
		if pdf.GetY()+g.rowH > d.limit {
			d.turn()
			d.gridHeader(g)
		}
		y := pdf.GetY()
		x := d.left
		ci := 0
		for _, c := range row {
			span := max(1, c.span)
			w := 0.0
			align := "L"
			for j := ci; j < ci+span && j < len(g.cols); j++ {
				w += g.cols[j].width
			}
			if ci < len(g.cols) {
				align = g.cols[ci].align
			}
			if span > 1 {
				align = "L"
			}
			switch {
			case c.fill != nil:
				d.fillColor(*c.fill)
				pdf.Rect(x+0.25, y+0.25, w-0.5, g.rowH-0.5, "F")
			case i%2 == 1:
				d.fillColor(stripeFill)
				pdf.Rect(x, y, w, g.rowH, "F")
			}
			style := ""
			if c.bold || (g.firstBold && i == 0) {
				style = "B"
			}
			size := g.size
			if c.size > 0 {
				size = c.size
			}
			d.font(style, size)
			color := inkColor
			if c.color != nil {
				color = *c.color
			}
			d.textColor(color)
			pdf.SetXY(x, y)
			pdf.CellFormat(w, g.rowH, d.fit(c.text, w-2), "", 0, align, false, 0, "")
			if c.paint != nil {
				c.paint(x, y, w, g.rowH)
			}
			x += w
			ci += span
		}
		if g.firstBold && i == 0 {
			d.drawColor(ruleColor)
			pdf.SetLineWidth(0.3)
			pdf.Line(d.left, y+g.rowH, d.left+d.gridWidth(g), y+g.rowH)
		}
		pdf.SetXY(d.left, y+g.rowH)
	}
	d.space(2)
	d.body()
}
