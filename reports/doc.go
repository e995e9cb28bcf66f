// Package reports writes the PDF readiness reports of trots: the
// organisation report (cover, executive summary, heatmap of departments x
// themes, the reality gap per pair, participation, the trend, a page per
// shown department and an appendix on method) and the report of one
// department (its verdict with reasons, its themes against the
// organisation, the gap pairs, ambassador potential, barriers and what
// would help, the comments the analysis shows, and advice that follows
// from the verdict and the evidence), in Dutch or English - as a PDF and,
// from the same rendering, as an accessible HTML page (WCAG 2.1 AA), which
// public bodies can publish where the untagged PDF falls short.
//
//	in := reports.FromOutcome(settings.Name, outcome) // from survey/results
//	err := reports.Organisation(w, in, reports.Options{Lang: "nl"})
//	err = reports.Department(w, in, "ICT", reports.Options{Lang: "en"})
//	err = reports.OrganisationTo(reports.Outputs{PDF: pdf, HTML: page}, in, opts)
//
// # One content, two formats
//
// The views draw the PDF through the document's primitives (headings,
// paragraphs, lists, tables, charts); when HTML is asked for, the same
// calls record an outline of the content (outline.go), and the few places
// that draw on fpdf directly record what they draw. The page is written
// from that outline (html.go), so it carries the PDF's figures, hidden
// groups and words, and a test compares the two read back.
//
// # Anonymity
//
// A report renders only what the analysis Result shows; it computes no
// figure of its own about a group. A suppressed department appears by name
// with "not shown (fewer than k)" and no number on its line (not even its
// headcount). Comments come only from the Result, in an order that
// depends on their text alone. The report of a suppressed department is
// still produced: it explains why nothing is shown and how to get a
// measurable result, and contains no figure of the department. Findings
// count suppressed departments but never name them.
//
// # Colours follow intervals
//
// Heatmap cells and chart whiskers are green or red only when the whole
// 95% interval lies on one side of the bar (the verdict rule's own test),
// amber when it straddles it; hidden cells are grey with a dash.
//
// # Reproducible, bounded, defensive
//
// With the same input and Options.CreationDate the PDF is byte-for-byte
// the same (fixed dates, sorted catalogs, comments ordered by text). The
// Go fonts are embedded as UTF-8 TrueType (ë, é, ï, €). go-pdf/fpdf is
// archived: at most two documents render at once (renderSlots), text from
// outside is cleaned of characters the fonts cannot draw, a panic inside
// fpdf becomes an error, and nothing is written to w unless the whole
// document was made.
package reports
