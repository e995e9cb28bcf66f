package reports

import (
	"strconv"
	"strings"
)

// The outline is the report's content without its layout: headings,
// paragraphs, lists, tables and charts in reading order. It is recorded
// by the same calls that draw the PDF (document.go, table.go, chart.go,
// and the few places in the views that draw on fpdf themselves record
// what they draw), so the accessible HTML page made from it (html.go)
// carries the PDF's figures, suppression and words and cannot drift from
// them. A document records only when it has an outline (HTML asked for).

// outline is a recorded report.
type outline struct {
	Lang  string
	Title string
	// Footer is the PDF's footer line and its anonymity line.
	Footer, Anonymity string
	Blocks            []block
	// level is the level of the last heading or title; h1 whether the
	// page has its title; newPage whether the PDF started a page on
	// purpose before the next block (a print page break in HTML).
	level   int
	h1      bool
	newPage bool
	// caption is the latest heading, the caption of tables under it;
	// captions counts the tables given it, so a second one is told apart.
	caption  string
	captions int
	ids      int
}

// block is one piece of the outline; Kind says which fields it uses.
type block struct {
	Kind    string // "h", "p", "note", "kicker", "lead", "list", "olist", "table", "chart", "pairs", "verdict", "facts", "legend", "quotes", "tally"
	NewPage bool
	Level   int
	Text    string
	Items   []listItem
	Table   *outlineTable
	Chart   *outlineChart
	Pairs   []pair
	Verdict *outlineVerdict
	Facts   []outlineFact
	Legend  []legendEntry
	Quotes  []string
	Tally   []tallyGroup
}

type listItem struct{ Lead, Text string }

type pair struct {
	Term, Detail string
	// Class colours the term (a verdict), beside its word.
	Class string
}

type outlineVerdict struct {
	Label, Word, Class string
	Reasons, Notes     []string
}

type outlineFact struct{ Label, Value, Sub string }

type legendEntry struct{ Class, Mark, Label string }

type tallyGroup struct {
	Class, Word, Count string
	Names              []string
}

// outlineTable is a table: one header row, then rows whose first cell
// names the row.
type outlineTable struct {
	Caption string
	Head    []string
	Align   []string
	Rows    [][]outlineCell
	// Marked: some cell carries a colour mark, so Key (the marks'
	// meaning) is printed under the table.
	Marked bool
	Key    string
}

type outlineCell struct {
	Text  string
	Span  int
	Align string
	Bold  bool
	// Class is the colour of the cell ("ok", "bad", "unsure", "hidden",
	// or a verdict); Mark and MarkText say it without colour.
	Class, Mark, MarkText string
}

// outlineChart is a dot-and-whisker chart with its figures as a table.
type outlineChart struct {
	ID          string
	Title, Desc string
	Rows        []chartRow
	Ticks       []chartTick
	Table       *outlineTable
}

// chartRow is one row of the chart in SVG units (0-100 across the plot).
type chartRow struct {
	Label          string
	Y              float64
	Est, Lo, Hi    float64
	HasEst, HasCI  bool
	Org, OrgLo     float64
	OrgHi          float64
	HasOrg, OrgCI  bool
	Bar            float64
	HasBar         bool
	Class, Value   string
	Hidden         string
	LabelY, ValueY float64
}

type chartTick struct {
	X     float64
	Label string
}

func (o *outline) add(b block) {
	if o == nil {
		return
	}
	b.NewPage = o.newPage && len(o.Blocks) > 0
	o.newPage = false
	o.Blocks = append(o.Blocks, b)
}

// id returns a new id, unique in the page.
func (o *outline) id(prefix string) string {
	o.ids++
	return prefix + strconv.Itoa(o.ids)
}

// heading records a heading at level (1-6) and makes it the caption of
// what follows.
func (o *outline) heading(level int, s string) {
	if o == nil {
		return
	}
	level = max(1, min(6, level))
	if level == 1 {
		o.h1 = true
	}
	o.add(block{Kind: "h", Level: level, Text: s})
	o.caption, o.captions = s, 0
}

// title is the level of a title: the page's h1 first, then the title of
// a department's page in the organisation report, under its h2.
func (o *outline) title(s string) {
	if o == nil {
		return
	}
	level := 1
	if o.h1 {
		level = 3
	}
	o.heading(level, s)
	o.level = level
}

// section is a heading of a section (h2).
func (o *outline) section(s string) {
	if o == nil {
		return
	}
	o.heading(2, s)
	o.level = 2
}

// sub is a heading inside the current section or page.
func (o *outline) sub(s string) {
	if o == nil {
		return
	}
	o.heading(max(o.level, 1)+1, s)
}

func (o *outline) text(kind, s string) {
	if o == nil || strings.TrimSpace(s) == "" {
		return
	}
	o.add(block{Kind: kind, Text: s})
}

func (o *outline) list(kind string, items []item) {
	if o == nil || len(items) == 0 {
		return
	}
	b := block{Kind: kind}
	for _, it := range items {
		b.Items = append(b.Items, listItem{Lead: it.lead, Text: it.text})
	}
	o.add(b)
}

// Marks say a cell's colour without colour (WCAG 1.4.1); the page's key
// under a marked table names them, and a hidden word says them to a
// screen reader.
var (
	tMarkOK     = text{nl: "groen", en: "green"}
	tMarkBad    = text{nl: "rood", en: "red"}
	tMarkUnsure = text{nl: "geel", en: "amber"}
	tMarkHidden = text{nl: "verborgen", en: "hidden"}
	tMarkKey    = text{nl: "Tekens bij de kleuren: ✓ groen, ✗ rood, ! geel, – verborgen.", en: "Marks beside the colours: ✓ green, ✗ red, ! amber, – hidden."}
)

// fillClass names the colour of a cell's fill, with its mark.
func fillClass(fill *rgb, lang string) (class, mark, word string) {
	if fill == nil {
		return "", "", ""
	}
	switch *fill {
	case goodFill:
		return "ok", "✓", tMarkOK.in(lang)
	case badFill:
		return "bad", "✗", tMarkBad.in(lang)
	case unsureFill:
		return "unsure", "!", tMarkUnsure.in(lang)
	case hiddenFill:
		return "hidden", "", tMarkHidden.in(lang)
	}
	return "", "", ""
}

// isVerdictWord reports whether s is a verdict word, which says itself
// what its colour says.
func isVerdictWord(s string) bool {
	for _, t := range verdictWords {
		if s == t.nl || s == t.en {
			return true
		}
	}
	return false
}

// table records a grid. A column without a title holds only drawn marks
// (the participation bars, whose figures stand in the columns before
// them) and is left out.
func (o *outline) table(lang string, g grid, rows [][]cell) {
	if o == nil {
		return
	}
	keep := make([]bool, len(g.cols))
	t := &outlineTable{Caption: o.caption}
	switch {
	case len(g.cols) == 0:
	case o.caption == "":
		t.Caption = g.cols[0].title
	case o.captions > 0:
		t.Caption = o.caption + ": " + g.cols[0].title
	}
	o.captions++
	for i, c := range g.cols {
		keep[i] = strings.TrimSpace(c.title) != ""
		if keep[i] {
			t.Head = append(t.Head, c.title)
			t.Align = append(t.Align, alignClass(c.align))
		}
	}
	for _, row := range rows {
		var out []outlineCell
		ci := 0
		for _, c := range row {
			span := max(1, c.span)
			n := 0
			for j := ci; j < ci+span && j < len(keep); j++ {
				if keep[j] {
					n++
				}
			}
			align := ""
			if ci < len(g.cols) && span == 1 {
				align = alignClass(g.cols[ci].align)
			}
			ci += span
			if n == 0 {
				continue
			}
			oc := outlineCell{Text: c.text, Span: n, Align: align, Bold: c.bold}
			oc.Class, oc.Mark, oc.MarkText = fillClass(c.fill, lang)
			if isVerdictWord(c.text) {
				oc.Class, oc.Mark, oc.MarkText = verdictClass(c.text), "", ""
			}
			if oc.Class == "hidden" && c.text != "–" {
				oc.MarkText = "" // the text says it already
			}
			if oc.Mark != "" {
				t.Marked = true
			}
			out = append(out, oc)
		}
		// A row's first cell names it; an empty one still heads the row.
		t.Rows = append(t.Rows, out)
	}
	if t.Marked {
		t.Key = tMarkKey.in(lang)
	}
	o.add(block{Kind: "table", Table: t})
}

func alignClass(a string) string {
	switch a {
	case "R":
		return "r"
	case "C":
		return "c"
	}
	return ""
}

// verdictClass is the CSS class of a verdict word.
func verdictClass(word string) string {
	for d, t := range verdictWords {
		if word == t.nl || word == t.en {
			return decisionClass(d)
		}
	}
	return ""
}
