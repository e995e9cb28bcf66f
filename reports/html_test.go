package reports_test

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"trots/analysis"
	"trots/reports"
	"trots/survey/demo"
)

// bothFormats renders a report (department "" for the organisation's) as
// PDF and HTML in one rendering, and returns the PDF read back as text and
// the parsed page.
func bothFormats(t *testing.T, in reports.Input, department, lang string) (string, *html.Node, []byte) {
	t.Helper()
	var pdf, page bytes.Buffer
	out := reports.Outputs{PDF: &pdf, HTML: &page}
	opts := reports.Options{Lang: lang, CreationDate: created}
	var err error
	if department == "" {
		err = reports.OrganisationTo(out, in, opts)
	} else {
		err = reports.DepartmentTo(out, in, department, opts)
	}
	if err != nil {
		t.Fatalf("report %q (%s): %v", department, lang, err)
	}
	doc, err := html.Parse(bytes.NewReader(page.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return pdfText(t, pdf.Bytes()), doc, page.Bytes()
}

// nodeText is the text of n as a reader gets it: text nodes joined by
// spaces, the items of a numbered list numbered, without the stylesheet.
func nodeText(n *html.Node) string {
	return textWithout(n, func(*html.Node) bool { return false })
}

// findAll returns the elements under n that match.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func element(names ...string) func(*html.Node) bool {
	return func(n *html.Node) bool { return slices.Contains(names, n.Data) }
}

// textWithout is nodeText with the elements that match left out.
func textWithout(n *html.Node, skip func(*html.Node) bool) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "style" || skip(n)) {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data + " ")
		}
		if n.Type == html.ElementNode && n.Data == "li" && n.Parent != nil && n.Parent.Data == "ol" {
			i := 1
			for s := n.PrevSibling; s != nil; s = s.PrevSibling {
				if s.Type == html.ElementNode && s.Data == "li" {
					i++
				}
			}
			fmt.Fprintf(&b, "%d. ", i)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return oneLine(b.String())
}

var figure = regexp.MustCompile(`[+-]?\d+(?:[.,]\d+)*%?`)

// figures are the numbers in text, as printed ("3,75", "+0.21", "58%").
func figures(text string) map[string]bool {
	out := map[string]bool{}
	for _, f := range figure.FindAllString(text, -1) {
		out[f] = true
	}
	return out
}

// pageFooter is the PDF's page number line, which the page has no use for.
var pageFooter = regexp.MustCompile(`(Pagina|Page) \d+ (van|of) \d+`)

// The HTML page and the PDF of every report say the same: every figure
// the PDF prints is on the page and every figure on the page is in the
// PDF (except the chart's text alternative, which writes out the
// organisation's dot and the bar the PDF only draws); every heading of
// the page is in the PDF; in both languages, for the organisation report
// and every department's report (shown, FIX FIRST, GO, and hidden below
// k), with the trend against a previous pulse and action plans (one with
// its progress per theme).
func TestHTMLSaysWhatThePDFSays(t *testing.T) {
	c := demoOrganisation(t)
	prevRes, err := analysis.Analyze(analysis.Input{Questionnaire: c.q, Groups: groups(c.q, demo.Generate(c.q, 2).Departments, ""), Config: analysis.DefaultConfig(), Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	res := *c.in.Result
	if res.Trend, err = analysis.Trend(&res, prevRes); err != nil {
		t.Fatal(err)
	}
	in := c.in
	in.Result = &res
	in.Pulse.Previous = "Nulmeting 2025"
	in.Plans = []reports.ActionPlan{
		{After: "Nulmeting 2025", Progress: true, Actions: []reports.PlanAction{
			{Title: "Trots zichtbaar maken", Theme: "Trots", Owner: "teamleider", Due: "2026-01-01", Status: "klaar", Dimension: "pride"},
			{Title: "Beloften toetsen", Theme: "Belofte en praktijk", Owner: "communicatie", Due: "2026-01-15", Status: "klaar", Dimension: "gap"},
		}},
		{After: "Nulmeting", Actions: []reports.PlanAction{
			{Title: "Vacatureteksten herschrijven", Theme: "Communicatie", Owner: "recruiter", Due: "2026-04-01", Status: "gepland", Dimension: "communication"},
		}},
	}
	names := []string{""}
	for _, d := range c.org.Departments {
		names = append(names, d.Name)
	}
	for _, lang := range []string{"nl", "en"} {
		for _, name := range names {
			t.Run(lang+"/"+name, func(t *testing.T) {
				pdfText, doc, _ := bothFormats(t, in, name, lang)
				pageText := samePDFAndPage(t, pdfText, doc)
				if name != "" && (!strings.Contains(pageText, "Vacatureteksten herschrijven") || !strings.Contains(pageText, "Trots zichtbaar maken")) {
					t.Error("an action plan is missing from the page")
				}
				if name == "" && !strings.Contains(pageText, map[string]string{"nl": "Verandering sinds de vorige meting", "en": "Change since the previous pulse"}[lang]) {
					t.Error("the trend is missing from the page")
				}
			})
		}
	}
}

// Every department's verdict and number of respondents stand in the
// page's heatmap as in the PDF's; a department below k stands there by
// name with "not shown" and no figure, and none of its true means or
// comments is anywhere on the page.
func TestHTMLVerdictsAndHiddenGroups(t *testing.T) {
	c := demoOrganisation(t)
	res := c.in.Result
	k := res.Config.MinGroup
	for _, lang := range []string{"nl", "en"} {
		pdfText, doc, raw := bothFormats(t, c.in, "", lang)
		// The heatmap is the first table with a verdict column.
		var heatmap *html.Node
		for _, tb := range findAll(doc, element("table")) {
			if strings.Contains(nodeText(findAll(tb, element("thead"))[0]), map[string]string{"nl": "Oordeel", "en": "Verdict"}[lang]) {
				heatmap = tb
				break
			}
		}
		if heatmap == nil {
			t.Fatal("no heatmap on the page")
		}
		rowsOf := func(name string) []string {
			var out []string
			for _, tr := range findAll(heatmap, element("tr")) {
				if th := findAll(tr, element("th")); len(th) > 0 && nodeText(th[0]) == name {
					out = append(out, nodeText(tr))
				}
			}
			for _, tr := range findAll(doc, element("tr")) {
				if heatmapRow(heatmap, tr) {
					continue
				}
				if th := findAll(tr, element("th")); len(th) > 0 && nodeText(th[0]) == name {
					out = append(out, nodeText(tr))
				}
			}
			return out
		}
		hiddenPhrase := fmt.Sprintf(notShown[lang], k)
		hidden := 0
		for _, d := range c.org.Departments {
			g := department(t, res, d.Name)
			rows := rowsOf(d.Name)
			if len(rows) < 3 {
				t.Errorf("%s (%s): in %d table rows, want the heatmap, the gaps and participation", d.Name, lang, len(rows))
				continue
			}
			heat := rows[0]
			if g.Figures == nil {
				hidden++
				for _, r := range rows {
					if !strings.Contains(r, hiddenPhrase) || regexp.MustCompile(`\d`).MatchString(strings.ReplaceAll(r, hiddenPhrase, "")) {
						t.Errorf("%s (%s) is hidden but its row reads %q", d.Name, lang, r)
					}
				}
				for _, r := range d.Responses {
					for _, comment := range r.Comments {
						if p := prefix(comment); bytes.Contains(raw, []byte(html.EscapeString(p))) {
							t.Errorf("%s (%s): its comment %q is on the page", d.Name, lang, p)
						}
					}
				}
				own, ownDoc, _ := bothFormats(t, c.in, d.Name, lang)
				for _, m := range trueMeans(c.q, res, d) {
					if strings.Contains(nodeText(ownDoc), m) || strings.Contains(own, m) {
						t.Errorf("%s (%s): its own report holds its true mean %s", d.Name, lang, m)
					}
				}
				continue
			}
			word := verdictWord[lang][g.Decision]
			n := fmt.Sprint(g.N)
			if !strings.HasPrefix(heat, d.Name+" "+n+" ") || !strings.HasSuffix(heat, word) {
				t.Errorf("%s (%s): heatmap row %q, want n %s and verdict %s", d.Name, lang, heat, n, word)
			}
			pdfRow := ""
			for _, l := range linesWith(pdfText, d.Name) {
				if strings.Contains(l, word) {
					pdfRow = oneLine(l)
					break
				}
			}
			if !strings.HasPrefix(strings.TrimSpace(pdfRow), d.Name+" "+n+" ") {
				t.Errorf("%s (%s): the PDF's heatmap row %q does not match the page's (n %s, %s)", d.Name, lang, pdfRow, n, word)
			}
		}
		if hidden != 2 {
			t.Errorf("%d hidden departments, want 2", hidden)
		}
	}
}

// The page is one self-contained file: no script, nothing fetched from
// elsewhere, the language set, headings in order from one h1, every table
// with a caption and header cells for its columns and rows, every chart
// an image with a title and a description followed by its figures.
func TestHTMLPageStructure(t *testing.T) {
	c := demoOrganisation(t)
	for _, lang := range []string{"nl", "en"} {
		for _, name := range []string{"", "ICT", "Directiestaf"} {
			_, doc, raw := bothFormats(t, c.in, name, lang)
			what := lang + "/" + name
			for _, bad := range []string{"<script", "src=", "href=", "@import", "url("} {
				if bytes.Contains(raw, []byte(bad)) {
					t.Errorf("%s: the page holds %q", what, bad)
				}
			}
			if h := findAll(doc, element("html")); len(h) != 1 || attr(h[0], "lang") != lang {
				t.Errorf("%s: <html lang> is not %q", what, lang)
			}
			level := 0
			for i, h := range findAll(doc, element("h1", "h2", "h3", "h4", "h5", "h6")) {
				l := int(h.Data[1] - '0')
				if i == 0 && l != 1 || l > level+1 || (l == 1 && i > 0) {
					t.Errorf("%s: heading %q at level %d after level %d", what, nodeText(h), l, level)
				}
				level = l
			}
			tables := findAll(doc, element("table"))
			for _, tb := range tables {
				if len(findAll(tb, element("caption"))) != 1 || nodeText(findAll(tb, element("caption"))[0]) == "" {
					t.Errorf("%s: a table without a caption", what)
				}
				for _, th := range findAll(tb, element("th")) {
					if s := attr(th, "scope"); s != "col" && s != "row" {
						t.Errorf("%s: a header cell without scope: %q", what, nodeText(th))
					}
				}
				for _, tr := range findAll(tb, element("tr")) {
					if first := tr.FirstChild; first == nil || first.Data != "th" {
						t.Errorf("%s: a row that does not start with a header cell: %q", what, nodeText(tr))
					}
				}
			}
			for _, svg := range findAll(doc, element("svg")) {
				ids := strings.Fields(attr(svg, "aria-labelledby"))
				if attr(svg, "role") != "img" || len(ids) != 2 || len(findAll(svg, element("title"))) != 1 || len(findAll(svg, element("desc"))) != 1 {
					t.Errorf("%s: a chart without role, title and description", what)
				}
			}
			for _, f := range findAll(doc, element("figure")) {
				if len(findAll(f, element("svg"))) != 1 || len(findAll(f, element("table"))) != 1 {
					t.Errorf("%s: a chart without its table of figures", what)
				}
			}
			if name == "Directiestaf" && len(findAll(doc, element("svg", "table"))) != 0 {
				t.Errorf("%s: the report of a hidden department has a chart or table", what)
			}
			if name == "" && len(tables) < 5 {
				t.Errorf("%s: %d tables, want the drivers, heatmap, gaps, participation and more", what, len(tables))
			}
		}
	}
}

// heatmapRow reports whether tr is a row of table tb.
func heatmapRow(tb, tr *html.Node) bool {
	for p := tr.Parent; p != nil; p = p.Parent {
		if p == tb {
			return true
		}
	}
	return false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// samePDFAndPage checks that the PDF and the HTML page print the same
// figures and that every heading of the page is in the PDF; it returns
// the page's text.
func samePDFAndPage(t *testing.T, pdfText string, doc *html.Node) string {
	t.Helper()
	pdfFlat := oneLine(pageFooter.ReplaceAllString(pdfText, ""))
	pageText := nodeText(doc)
	inPage := figures(pageText)
	for f := range figures(pdfFlat) {
		if !inPage[f] {
			t.Errorf("the PDF prints %q, the page does not", f)
		}
	}
	inPDF := figures(pdfFlat)
	for f := range figures(textWithout(doc, element("figure"))) {
		if !inPDF[f] {
			t.Errorf("the page prints %q, the PDF does not", f)
		}
	}
	lowerPDF := strings.ToLower(pdfFlat)
	for _, h := range findAll(doc, element("h1", "h2", "h3", "h4", "h5")) {
		if s := strings.ToLower(nodeText(h)); !strings.Contains(lowerPDF, s) {
			t.Errorf("heading %q is not in the PDF", nodeText(h))
		}
	}
	return pageText
}

// The same of a department tree: the organisation report with its table
// of the deeper levels, and the branch report of a node with parts.
func TestHTMLSaysWhatThePDFSaysOfATree(t *testing.T) {
	in := smallTreeInput(t)
	var node string
	for _, g := range in.Result.Departments {
		if g.Depth == 1 && g.Figures != nil && len(g.ChildVerdicts) > 0 {
			node = g.Name
			break
		}
	}
	for _, lang := range []string{"nl", "en"} {
		for _, name := range []string{"", node} {
			t.Run(lang+"/"+name, func(t *testing.T) {
				pdfText, doc, _ := bothFormats(t, in, name, lang)
				pageText := samePDFAndPage(t, pdfText, doc)
				want := map[string]string{"nl": "Diepere niveaus", "en": "Deeper levels"}[lang]
				if name != "" {
					want = map[string]string{"nl": "De onderdelen", "en": "Its parts"}[lang]
				}
				if !strings.Contains(pageText, want) {
					t.Errorf("the page lacks %q", want)
				}
			})
		}
	}
}
