package reports

import (
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"trots/analysis"
	"trots/questionnaires"
	"trots/survey"
)

// view is one report being written: the input, the language and the
// document. Every figure it prints comes from the analysis Result; the view
// adds words, never numbers of its own about a group the Result hides.
type view struct {
	in   Input
	res  *analysis.Result
	q    *questionnaires.Questionnaire
	lang string
	num  numbers
	date time.Time
	d    *document
	// progress is Options.Progress, or a no-op.
	progress func(done, total int)
	// wide: the names or comments need DejaVu Sans (fonts.go).
	wide bool
	// record: the document records its outline for the HTML page.
	record bool
}

func newView(in Input, opts Options) (*view, error) {
	lang := opts.Lang
	switch lang {
	case "":
		lang = "en"
	case "nl", "en":
	default:
		return nil, fmt.Errorf("reports: language %q: use nl or en", opts.Lang)
	}
	switch {
	case in.Result == nil:
		return nil, errors.New("reports: no analysis result")
	case in.Questionnaire == nil:
		return nil, errors.New("reports: no questionnaire")
	case in.Result.Questionnaire != "" && in.Result.Questionnaire != in.Questionnaire.Ref():
		return nil, fmt.Errorf("reports: the analysis is of %s, the questionnaire is %s", in.Result.Questionnaire, in.Questionnaire.Ref())
	case in.Result.Config.MinGroup < analysis.MinAllowedGroup:
		return nil, fmt.Errorf("reports: the analysis has anonymity threshold %d, below the floor of %d", in.Result.Config.MinGroup, analysis.MinAllowedGroup)
	}
	date := opts.CreationDate
	if date.IsZero() {
		date = time.Now()
	}
	progress := opts.Progress
	if progress == nil {
		progress = func(int, int) {}
	}
	texts := []string{in.Organisation, in.Pulse.Name, in.Pulse.Previous}
	for _, g := range in.Result.Departments {
		texts = append(texts, g.Name)
		if g.Figures != nil { // a suppressed department shows no comment
			texts = append(texts, g.Comments...)
		}
	}
	return &view{in: in, res: in.Result, q: in.Questionnaire, lang: lang, num: numbers{lang}, date: date.UTC(), progress: progress,
		wide: needsWide(texts...)}, nil
}

// k is the anonymity threshold the analysis applied.
func (v *view) k() int { return v.res.Config.MinGroup }

// Verdict words, the same as on the console's board (server/i18n,
// verdict_*).
var verdictWords = map[analysis.Decision]text{
	analysis.Go:            {nl: "GO", en: "GO"},
	analysis.FixFirst:      {nl: "EERST VERBETEREN", en: "FIX FIRST"},
	analysis.NotMeasurable: {nl: "NOG NIET MEETBAAR", en: "NOT YET MEASURABLE"},
}

func (v *view) verdictWord(d analysis.Decision) string { return verdictWords[d].in(v.lang) }

// verdictColors are the stroke and fill of a verdict.
func verdictColors(d analysis.Decision) (rgb, rgb) {
	switch d {
	case analysis.Go:
		return goodColor, goodFill
	case analysis.FixFirst:
		return badColor, badFill
	}
	return hiddenColor, hiddenFill
}

// decision of a department; NOT_MEASURABLE when it has no verdict.
func decision(g *analysis.GroupResult) analysis.Decision {
	if g.Verdict == nil {
		return analysis.NotMeasurable
	}
	return g.Decision
}

// shown reports whether the analysis shows figures of g.
func shown(g *analysis.GroupResult) bool { return !g.Suppressed && g.Figures != nil }

var tNotShown = text{nl: "niet getoond (anonimiteitsdrempel %d)", en: "not shown (anonymity threshold %d)"}

// notShown is what stands in place of a suppressed department's figures:
// one text whatever the cause (see analysis.SuppressedAnonymity).
func (v *view) notShown(*analysis.GroupResult) string {
	return tNotShown.f(v.lang, v.k())
}

// dimName is a dimension's name in the report's language.
func (v *view) dimName(id string) string {
	switch id {
	case "gap":
		return tGapName.in(v.lang)
	case "enps":
		return "eNPS"
	case "willing_share":
		return tWillingShare.in(v.lang)
	}
	if d, ok := v.q.Dimension(id); ok {
		return clean(d.Name.Get(v.lang))
	}
	return id
}

var (
	tGapName      = text{nl: "Kloof belofte-praktijk", en: "Promise-reality gap"}
	tWillingShare = text{nl: "Wil delen", en: "Willing to share"}
)

// topicName is a reality-gap pair's topic in the report's language
// (questionnaires.TopicName, which the console uses too).
func (v *view) topicName(topic string) string {
	return clean(questionnaires.TopicName(topic, v.lang))
}

// capital upper-cases the first letter of s.
func capital(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// lowerFirst lower-cases the first letter of s for use inside a sentence,
// unless its first word is an acronym or "I" ("ICT", "eNPS" stay).
func lowerFirst(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return s
	}
	word := f[0]
	if word == "I" || len([]rune(word)) > 1 && (strings.ToUpper(word) == word || strings.ToLower(word[1:]) != word[1:]) {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// reasonText is the catalogue text of a reason in the report's language,
// naming its subject as the report does (pair topics translated).
func (v *view) reasonText(r analysis.Reason) string {
	subject := r.Dimension
	switch {
	case r.Topic != "":
		subject = v.topicName(r.Topic)
	case r.Dimension != "":
		subject = v.dimName(r.Dimension)
	}
	t := analysis.ReasonTextOf(r, v.lang, subject)
	if t == "" {
		t = r.Code
	}
	return capital(t)
}

// dim returns the shown figures of dimension id in g, or nil.
func dim(g *analysis.GroupResult, id string) *analysis.DimensionStats {
	if g == nil || g.Figures == nil {
		return nil
	}
	for _, d := range g.Dimensions {
		if d.ID == id {
			return d.DimensionStats
		}
	}
	return nil
}

// dimHidden reports whether dimension id of a shown group is a suppressed
// cell.
func dimHidden(g *analysis.GroupResult, id string) bool {
	if g == nil || g.Figures == nil {
		return true
	}
	for _, d := range g.Dimensions {
		if d.ID == id {
			return d.Suppressed || d.DimensionStats == nil
		}
	}
	return true
}

// info returns the analysed dimension id.
func (v *view) info(id string) (analysis.DimensionInfo, bool) {
	for _, d := range v.res.Dimensions {
		if d.ID == id {
			return d, true
		}
	}
	return analysis.DimensionInfo{}, false
}

// thresholded are the analysed dimensions with a bar (foundations, then
// conditions, in questionnaire order).
func (v *view) thresholded() []analysis.DimensionInfo {
	var out []analysis.DimensionInfo
	for _, role := range []string{string(questionnaires.RoleFoundation), string(questionnaires.RoleCondition)} {
		for _, d := range v.res.Dimensions {
			if d.Role == role && d.Threshold != nil {
				out = append(out, d)
			}
		}
	}
	return out
}

// scored are all analysed dimensions: thresholded ones first, then
// advocacy and barrier dimensions.
func (v *view) scored() []analysis.DimensionInfo {
	out := v.thresholded()
	for _, role := range []string{string(questionnaires.RoleAdvocacy), string(questionnaires.RoleBarrier)} {
		for _, d := range v.res.Dimensions {
			if d.Role == role {
				out = append(out, d)
			}
		}
	}
	return out
}

// gapScale is the scale of the promise/reality items (1-5 by default).
func (v *view) gapScale() (lo, hi int) {
	for _, p := range v.q.Pairs() {
		if p.Promise != nil && p.Promise.Scale != nil {
			return p.Promise.Scale.Min, p.Promise.Scale.Max
		}
	}
	return 1, 5
}

// gapTolerance and overMargin are the gap thresholds on the items' scale.
func (v *view) gapTolerance() float64 {
	lo, hi := v.gapScale()
	return v.res.Config.GapTolerance * float64(hi-lo) / 4
}

func (v *view) overMargin() float64 {
	lo, hi := v.gapScale()
	return v.res.Config.OverPromisedMargin * float64(hi-lo) / 4
}

// judgement classifies an interval against a bar.
type judgement int

const (
	plain    judgement = iota // no bar: shown without colour
	clearOK                   // the whole interval is on the good side
	clearBad                  // the whole interval is on the bad side
	unsure                    // the interval straddles the bar, or is undefined
	hidden                    // the cell is suppressed
)

// judge classifies [lo, hi] against bar with the verdict rule's own test
// (analysis.Judge), so the colours agree with the verdicts and with the
// board's heatmap.
func judge(lo, hi *float64, bar float64, higherOK bool) judgement {
	switch analysis.Judge(lo, hi, bar, higherOK) {
	case analysis.JudgedMet:
		return clearOK
	case analysis.JudgedFailed:
		return clearBad
	}
	return unsure
}

func (j judgement) colors() (stroke, fill rgb) {
	switch j {
	case clearOK:
		return goodColor, goodFill
	case clearBad:
		return badColor, badFill
	case unsure:
		return unsureColor, unsureFill
	case hidden:
		return hiddenColor, hiddenFill
	}
	return accentColor, white
}

// gapJudgement colours a gap cell by its status.
func gapJudgement(s *analysis.GapStats) judgement {
	if s == nil {
		return hidden
	}
	switch s.Status {
	case analysis.GapOverPromised:
		return clearBad
	case analysis.GapDemonstrated:
		return unsure
	case analysis.GapRealityAbove:
		return clearOK
	}
	return plain
}

func ptr(x float64) *float64 { return &x }

// comments returns a group's comments (only those the Result holds) in an
// order that depends on their text alone: reproducible, and unrelated to
// when or by whom they were written.
func comments(g *analysis.GroupResult, lang string) []string {
	if g.Figures == nil {
		return nil
	}
	type keyed struct {
		key  uint64
		text string
	}
	ks := make([]keyed, 0, len(g.Comments))
	for _, c := range g.Comments {
		h := fnv.New64a()
		h.Write([]byte(c))
		if !printable(c) {
			// Dropped silently, a comment would be lost from the report;
			// printed as marks, it would say nothing.
			ks = append(ks, keyed{h.Sum64(), tUnprintableComment.in(lang)})
			continue
		}
		ks = append(ks, keyed{h.Sum64(), clean(c)})
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if a.key != b.key {
			if a.key < b.key {
				return -1
			}
			return 1
		}
		return strings.Compare(a.text, b.text)
	})
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.text
	}
	return out
}

// tUnprintableComment stands for a comment in a script no embedded font
// has (fonts.go).
var tUnprintableComment = text{
	nl: "[Deze opmerking is geschreven in een schrift dat dit rapport niet kan afdrukken (zoals Chinees, Japans, Koreaans of emoji). Ze staat volledig in de resultaten van de peiling: GET /api/v1/pulses/<id>/results, of trots analyze --format json.]",
	en: "[This comment is written in a script this report cannot print (such as Chinese, Japanese, Korean or emoji). It is in full in the pulse's results: GET /api/v1/pulses/<id>/results, or trots analyze --format json.]",
}

// optionName is the text of option id of the choice item itemID.
func (v *view) optionName(itemID, id string) string {
	if it, ok := v.q.Item(itemID); ok && it.Scale != nil {
		for _, o := range it.Scale.Options {
			if o.ID == id {
				return clean(o.Text.Get(v.lang))
			}
		}
	}
	return id
}

// itemText is the wording of item id.
func (v *view) itemText(id string) string {
	if it, ok := v.q.Item(id); ok {
		return clean(it.Text.Get(v.lang))
	}
	return id
}

// profileItem is the id of the ambassador-profile item ("" if none).
func (v *view) profileItem() string {
	for _, d := range v.q.DimensionsWithRole(questionnaires.RoleProfile) {
		for _, it := range v.q.ItemsOf(d.ID) {
			return it.ID
		}
	}
	return ""
}

// maskedComments counts the comments in which something was masked before
// they were stored (survey.Masked): only of comments the report shows, so
// only for groups above the comment threshold.
func maskedComments(cs []string) int {
	n := 0
	for _, c := range cs {
		if survey.Masked(c) {
			n++
		}
	}
	return n
}
