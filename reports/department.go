package reports

import (
	"strings"

	"trots/analysis"
)

var (
	tDeptReport     = text{nl: "Afdelingsrapport", en: "Department report"}
	tVerdict        = text{nl: "Oordeel", en: "Verdict"}
	tNeededNBeyond  = text{nl: "Dat is meer dan de %d medewerkers van de afdeling: ook als iedereen meedoet, beslist de regel hier niet.", en: "That is more than the department's %d employees: even if everyone takes part, the rule will not decide here."}
	tNeededN        = text{nl: "Schatting: met ongeveer %d respondenten (nu %d) kan de regel beslissen, als gemiddelden en spreiding blijven zoals ze zijn.", en: "Estimate: with about %d respondents (now %d) the rule could decide, if means and spreads stay as they are."}
	tIndicative     = text{nl: "Deze cijfers zijn indicatief: ze zijn niet genoeg om te beslissen. Lees ze als richting, niet als oordeel.", en: "These figures are indicative: they are not enough to decide. Read them as a direction, not as a verdict."}
	tRespondents    = text{nl: "Respondenten", en: "Respondents"}
	tOfEmployees    = text{nl: "van %s medewerkers (%s)", en: "of %s employees (%s)"}
	tHeadUnknown    = text{nl: "aantal medewerkers onbekend", en: "headcount unknown"}
	tHeadBelow      = text{nl: "meer reacties dan medewerkers", en: "more responses than employees"}
	tWillingPeople  = text{nl: "%s mensen, interval %s", en: "%s people, interval %s"}
	tENPSSub        = text{nl: "interval %s, n = %s", en: "interval %s, n = %s"}
	tGapSub         = text{nl: "punten, interval %s", en: "points, interval %s"}
	tThemes         = text{nl: "Thema's naast de organisatie", en: "Themes against the organisation"}
	tThemesNote     = text{nl: "Schaal %s-%s. Groen: het hele interval ligt boven de drempel; rood: het hele interval ligt eronder; geel: nog niet te zeggen. Drempels en zin om te delen hebben geen kleurregel per thema.", en: "Scale %s-%s. Green: the whole interval lies above the bar; red: the whole interval lies below it; amber: cannot tell yet. Barriers and willingness to share have no colour rule of their own."}
	tVsRest         = text{nl: "Verschil met de rest van de organisatie", en: "Difference from the rest of the organisation"}
	tColTheme       = text{nl: "Thema", en: "Theme"}
	tColMean        = text{nl: "Gemiddelde", en: "Mean"}
	tColInterval    = text{nl: "95%%-interval", en: "95%% interval"}
	tColBar         = text{nl: "Drempel", en: "Bar"}
	tColOrg         = text{nl: "Organisatie", en: "Organisation"}
	tColDiff        = text{nl: "Verschil met de rest", en: "Difference from the rest"}
	tColDiffCI      = text{nl: "Interval verschil", en: "Interval of difference"}
	tColShown       = text{nl: "Aantoonbaar?", en: "Demonstrated?"}
	tYes            = text{nl: "ja", en: "yes"}
	tNo             = text{nl: "nee", en: "no"}
	tVsRestNote     = text{nl: "Verschil = afdeling min de rest van de organisatie (Welch-toets). \"Aantoonbaar\" betekent: na correctie voor het aantal vergelijkingen (Benjamini-Hochberg, q < %s) geen toeval.", en: "Difference = department minus the rest of the organisation (Welch test). \"Demonstrated\" means: not chance after correcting for the number of comparisons (Benjamini-Hochberg, q < %s)."}
	tGapTitle       = text{nl: "Belofte en praktijk", en: "Promise and reality"}
	tGapIntro       = text{nl: "Per onderwerp: hoe de organisatie zich naar buiten toont, min wat medewerkers zelf ervaren. Boven nul belooft de organisatie meer dan ze waarmaakt.", en: "Per topic: how the organisation presents itself outside, minus what employees experience. Above zero the organisation promises more than it delivers."}
	tColTopic       = text{nl: "Onderwerp", en: "Topic"}
	tColGap         = text{nl: "Belofte min praktijk", en: "Promise minus reality"}
	tColStatus      = text{nl: "Oordeel", en: "Status"}
	tOverall        = text{nl: "Alle onderwerpen samen", en: "All topics together"}
	tAmbassadors    = text{nl: "Ambassadeurspotentieel", en: "Ambassador potential"}
	tWillingText    = text{nl: "%s van de %s respondenten (%s, interval %s) willen hun werk delen: ze scoren %s of hoger op zin om te delen.", en: "%s of %s respondents (%s, interval %s) are willing to share their work: they score %s or higher on willingness to share."}
	tWholeGroup     = text{nl: "Over de hele afdeling, ook wie niet reageerde, ligt het aandeel dat wil delen tussen %s en %s. Meer kan de meting niet zeggen over wie zweeg.", en: "Across the whole department, including those who did not respond, the willing share lies between %s and %s. The survey cannot say more about those who stayed silent."}
	tColProfile     = text{nl: "Stijl van wie wil delen", en: "Style of those willing"}
	tColCount       = text{nl: "Aantal", en: "Count"}
	tColShareWill   = text{nl: "Aandeel van wie wil", en: "Share of the willing"}
	tProfileHidden  = text{nl: "verborgen", en: "hidden"}
	tBarriersTitle  = text{nl: "Drempels en wat zou helpen", en: "Barriers and what would help"}
	tColBarrier     = text{nl: "Drempel (eens of helemaal eens)", en: "Barrier (agree or strongly agree)"}
	tColAgree       = text{nl: "Eens", en: "Agree"}
	tColHelp        = text{nl: "Wat zou helpen", en: "What would help"}
	tColPicked      = text{nl: "Gekozen", en: "Picked"}
	tCellHidden     = text{nl: "verborgen", en: "hidden"}
	tComments       = text{nl: "In hun eigen woorden", en: "In their own words"}
	tCommentsNote   = text{nl: "Alle open antwoorden die de analyse toont (alleen bij minstens %d respondenten), los van de cijfers en in een vaste volgorde die niets zegt over wie of wanneer.", en: "Every open answer the analysis shows (only for at least %d respondents), apart from the figures and in a fixed order that says nothing about who or when."}
	tCommentsMasked = text{nl: "In %d van deze %d opmerkingen zijn vóór het opslaan namen, gezondheidsgegevens, kenmerken die iemand aanwijzen of contactgegevens vervangen door een markering zoals [naam/name].", en: "In %d of these %d comments, names, health data, traits that single someone out or contact details were replaced by a marker such as [naam/name] before they were stored."}
	tHowToRead      = text{nl: "Zo lees je dit rapport", en: "How to read this report"}
	tHowToReadText  = text{nl: "Een score is het gemiddelde op een schaal van 1 (helemaal oneens) tot 5 (helemaal eens). Het 95%%-interval is de marge waarin de echte waarde voor deze afdeling vrijwel zeker ligt; hoe minder reacties, hoe breder. Een oordeel telt pas als het hele interval aan de goede kant van de drempel ligt. Cijfers van groepen kleiner dan %d worden nooit getoond. De methode staat uitgebreid in het organisatierapport.", en: "A score is the mean on a scale from 1 (strongly disagree) to 5 (strongly agree). The 95%% interval is the margin within which the true value for this department almost certainly lies; the fewer responses, the wider. A judgement only counts when the whole interval lies on the right side of the bar. Figures of groups smaller than %d are never shown. The organisation report explains the method in full."}
	tSuppressedHead = text{nl: "Waarom dit rapport geen cijfers bevat", en: "Why this report contains no figures"}
	tSuppressedText = text{nl: "De analyse toont van deze afdeling geen enkel cijfer, en dit rapport dus ook niet: niet de scores, niet het aantal reacties, niet de opmerkingen. Zo kan niemand herleiden wat een kleine groep collega's heeft geantwoord. Dat is een belofte aan iedereen die de vragenlijst invulde.", en: "The analysis shows no figure of this department, and so neither does this report: not the scores, not the number of responses, not the comments. That way nobody can work out what a small group of colleagues answered. It is a promise to everyone who filled in the questionnaire."}
)

// department writes the report of one department.
func (v *view) department(g *analysis.GroupResult) *document {
	v.progress(0, 1)
	defer v.progress(1, 1)
	name := clean(g.Name)
	org := clean(v.in.Organisation)
	v.d = v.newDocument(docInfo{
		wide:    v.wide,
		title:   tDeptReport.in(v.lang) + ": " + name,
		subject: clean(v.in.Pulse.Name),
		author:  org,
		header:  joinNonEmpty(" · ", org, name, tDeptReport.in(v.lang)),
		footer:  joinNonEmpty(" · ", org, clean(v.in.Pulse.Name), tConfidential.in(v.lang)),
		k:       v.k(),
	})
	d := v.d
	d.page()
	v.masthead(tDeptReport.in(v.lang), name)
	v.verdictBox(g)
	if !shown(g) {
		d.heading(tSuppressedHead.in(v.lang), 20)
		d.para(tSuppressedText.in(v.lang))
		v.parts(g)
		v.advice(g)
		v.plans(g)
		d.heading(tHowToRead.in(v.lang), 15)
		d.para(tHowToReadText.f(v.lang, v.k()))
		return d
	}
	if decision(g) == analysis.NotMeasurable {
		d.note(tIndicative.in(v.lang))
	}
	v.facts(g)
	d.heading(tThemes.in(v.lang), 60)
	d.whiskers(v.themeRows(g), 7.5)
	v.themesNote()
	v.vsRestTable(g)
	v.vsParentTable(g)
	v.parts(g)
	v.gapTable(g, true)
	v.ambassadors(g)
	v.barriers(g)
	if cs := comments(g, v.lang); len(cs) > 0 {
		d.heading(tComments.in(v.lang), 20)
		d.note(tCommentsNote.f(v.lang, v.res.Config.MinComments))
		if n := maskedComments(cs); n > 0 {
			d.note(tCommentsMasked.f(v.lang, n, len(cs)))
		}
		v.recordComments(cs)
		for _, c := range cs {
			d.need(2 * bodyLine)
			d.font("I", bodySize)
			d.textColor(inkColor)
			d.pdf.SetX(d.left + 4)
			d.pdf.MultiCell(d.width-8, bodyLine, "“"+c+"”", "", "L", false)
			d.space(1.5)
		}
	}
	v.advice(g)
	v.plans(g)
	d.heading(tHowToRead.in(v.lang), 15)
	d.para(tHowToReadText.f(v.lang, v.k()))
	return d
}

var tConfidential = text{nl: "vertrouwelijk", en: "confidential"}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// masthead is the top of a department report: what, for whom, when.
func (v *view) masthead(kind, name string) {
	d := v.d
	v.recordKicker(kind)
	d.font("B", 8.5)
	d.textColor(mutedColor)
	d.pdf.SetX(d.left)
	d.pdf.CellFormat(d.width, 4.5, strings.ToUpper(kind)+"  ·  "+clean(v.in.Organisation), "", 1, "L", false, 0, "")
	d.title(name)
	d.font("", 9)
	d.textColor(mutedColor)
	d.pdf.SetX(d.left)
	meta := joinNonEmpty(" · ", clean(v.in.Pulse.Name), v.period(), tReportDate.f(v.lang, v.num.date(v.date)))
	mode := tAnsweredThrough.in(v.lang) + ": " + answerMode(v.lang, v.in.Pulse.AnswerMode)
	d.out.text("p", meta)
	d.out.text("p", mode)
	d.pdf.MultiCell(d.width, 4.5, meta, "", "L", false)
	d.pdf.SetX(d.left)
	d.pdf.MultiCell(d.width, 4.5, mode, "", "L", false)
	d.space(4)
}

var (
	tReportDate = text{nl: "rapport van %s", en: "report of %s"}
	tPeriod     = text{nl: "%s tot %s", en: "%s to %s"}
	tFrom       = text{nl: "vanaf %s", en: "from %s"}
	tUntil      = text{nl: "tot %s", en: "until %s"}
)

// period describes the pulse's dates.
func (v *view) period() string {
	p := v.in.Pulse
	var s string
	switch {
	case !p.Opens.IsZero() && !p.Closes.IsZero():
		s = tPeriod.f(v.lang, v.num.date(p.Opens), v.num.date(p.Closes))
	case !p.Opens.IsZero():
		s = tFrom.f(v.lang, v.num.date(p.Opens))
	case !p.Closes.IsZero():
		s = tUntil.f(v.lang, v.num.date(p.Closes))
	}
	return s
}

// verdictBox draws the verdict word with its reasons and notes.
func (v *view) verdictBox(g *analysis.GroupResult) {
	d := v.d
	dec := decision(g)
	stroke, fill := verdictColors(dec)
	var reasons, notes []string
	if g.Verdict != nil {
		for _, r := range g.Reasons {
			reasons = append(reasons, v.reasonText(r))
		}
		if g.NeededN > 0 && g.Figures != nil {
			r := tNeededN.f(v.lang, g.NeededN, g.N)
			if beyondHeadcount(g) {
				r += " " + tNeededNBeyond.f(v.lang, g.Headcount)
			}
			reasons = append(reasons, r)
		}
		for _, r := range g.Notes {
			notes = append(notes, v.reasonText(r))
		}
	}
	v.recordVerdict(dec, reasons, notes)
	inner := d.width - 10
	d.font("", bodySize)
	h := 6.0 + 8 + 2
	for _, r := range reasons {
		h += float64(d.lines(r, inner-4))*bodyLine + 1
	}
	d.font("I", 8.5)
	for _, n := range notes {
		h += float64(d.lines(n, inner))*4 + 1
	}
	h += 2
	d.need(h)
	x, y := d.box(stroke, fill, h)
	d.font("B", 8)
	d.textColor(stroke)
	d.pdf.SetXY(x+5, y+2.5)
	d.pdf.CellFormat(inner, 4, strings.ToUpper(tVerdict.in(v.lang)), "", 2, "L", false, 0, "")
	d.font("B", 17)
	d.pdf.SetX(x + 5)
	d.pdf.CellFormat(inner, 8, v.verdictWord(dec), "", 2, "L", false, 0, "")
	d.space(1)
	for _, r := range reasons {
		d.font("", bodySize)
		d.textColor(inkColor)
		yy := d.pdf.GetY()
		d.pdf.SetXY(x+5, yy)
		d.pdf.CellFormat(4, bodyLine, "•", "", 0, "L", false, 0, "")
		d.pdf.SetXY(x+9, yy)
		d.pdf.MultiCell(inner-4, bodyLine, r, "", "L", false)
		d.pdf.SetY(d.pdf.GetY() + 1)
	}
	for _, n := range notes {
		d.font("I", 8.5)
		d.textColor(mutedColor)
		d.pdf.SetX(x + 5)
		d.pdf.MultiCell(inner, 4, n, "", "L", false)
		d.pdf.SetY(d.pdf.GetY() + 1)
	}
	d.pdf.SetXY(d.left, y+h+4)
	d.body()
}

// fact is one figure of the facts strip.
type fact struct{ label, value, sub string }

// facts draws a strip of the department's headline figures.
func (v *view) facts(g *analysis.GroupResult) {
	d := v.d
	n := v.num
	var fs []fact
	resp := fact{label: tRespondents.in(v.lang), value: n.integer(g.N)}
	switch {
	case g.ResponseRate != nil:
		resp.sub = tOfEmployees.f(v.lang, n.integer(g.Headcount), n.pct(g.ResponseRate.Share))
	case g.Headcount == 0:
		resp.sub = tHeadUnknown.in(v.lang)
	default:
		resp.sub = tHeadBelow.in(v.lang)
	}
	fs = append(fs, resp)
	if a := g.Ambassadors; a != nil && a.Willing.N > 0 {
		fs = append(fs, fact{label: tWillingShare.in(v.lang), value: n.pct(a.Willing.Share),
			sub: tWillingPeople.f(v.lang, n.integer(a.Willing.Count), n.pctInterval(a.Willing.CILow, a.Willing.CIHigh))})
	}
	if e := g.ENPS; e != nil {
		fs = append(fs, fact{label: "eNPS", value: n.signed(e.Value, 0),
			sub: tENPSSub.f(v.lang, n.signedInterval(e.CILow, e.CIHigh, 0), n.integer(e.N))})
	}
	if gp := g.Gap; gp != nil && gp.Overall.GapStats != nil {
		s := gp.Overall.GapStats
		sub := ""
		if s.CILow != nil && s.CIHigh != nil {
			sub = tGapSub.f(v.lang, n.signedInterval(*s.CILow, *s.CIHigh, 2))
		}
		fs = append(fs, fact{label: tColGap.in(v.lang), value: n.signed(s.Mean, 2), sub: sub})
	}
	if len(fs) == 0 {
		return
	}
	v.recordFacts(fs)
	const h = 17.0
	d.need(h + 4)
	y := d.pdf.GetY()
	w := (d.width - 3*float64(len(fs)-1)) / float64(len(fs))
	for i, f := range fs {
		x := d.left + float64(i)*(w+3)
		d.fillColor(stripeFill)
		d.pdf.Rect(x, y, w, h, "F")
		d.font("B", 7)
		d.textColor(mutedColor)
		d.pdf.SetXY(x+2, y+1.5)
		d.pdf.CellFormat(w-4, 3.5, d.fit(strings.ToUpper(f.label), w-4), "", 0, "L", false, 0, "")
		d.font("B", 14)
		d.textColor(accentColor)
		d.pdf.SetXY(x+2, y+5.2)
		d.pdf.CellFormat(w-4, 6, f.value, "", 0, "L", false, 0, "")
		d.font("", 6.8)
		d.textColor(mutedColor)
		d.pdf.SetXY(x+2, y+12)
		d.pdf.CellFormat(w-4, 3.5, d.fit(f.sub, w-4), "", 0, "L", false, 0, "")
	}
	d.pdf.SetXY(d.left, y+h+3)
	d.body()
}

// themeRows are the chart rows of g's scored dimensions.
func (v *view) themeRows(g *analysis.GroupResult) []whiskerRow {
	org := &v.res.Organisation
	var rows []whiskerRow
	for _, info := range v.scored() {
		r := whiskerRow{label: v.dimName(info.ID), min: float64(info.Min), max: float64(info.Max), judgement: plain, bar: info.Threshold}
		if s := dim(g, info.ID); s != nil {
			r.est, r.lo, r.hi = ptr(s.Mean), s.CILow, s.CIHigh
			r.value = v.num.dec(s.Mean, 2)
			if s.CILow != nil {
				r.value += "  " + v.num.optInterval(s.CILow, s.CIHigh, 2)
			}
			if info.Threshold != nil {
				r.judgement = judge(s.CILow, s.CIHigh, *info.Threshold, true)
			}
		} else {
			r.value = tCellHidden.in(v.lang)
			r.judgement = hidden
		}
		if o := dim(org, info.ID); o != nil && org != g {
			r.orgEst, r.orgLo, r.orgHi = ptr(o.Mean), o.CILow, o.CIHigh
		}
		rows = append(rows, r)
	}
	return rows
}

func (v *view) themesNote() {
	lo, hi := 1.0, 5.0
	if s := v.scored(); len(s) > 0 {
		lo, hi = float64(s[0].Min), float64(s[0].Max)
	}
	v.d.note(tThemesNote.f(v.lang, v.num.dec(lo, 0), v.num.dec(hi, 0)))
}

// vsRestTable lists g's themes with the comparison against the rest.
func (v *view) vsRestTable(g *analysis.GroupResult) {
	d := v.d
	alpha := 1 - v.res.Config.Level
	var rows [][]cell
	for _, info := range v.scored() {
		s := dim(g, info.ID)
		if s == nil {
			rows = append(rows, []cell{{text: v.dimName(info.ID)}, {text: v.notShownCell(), span: 6, color: &hiddenColor}})
			continue
		}
		bar := ""
		if info.Threshold != nil {
			bar = v.num.dec(*info.Threshold, 2)
		}
		org := ""
		if o := dim(&v.res.Organisation, info.ID); o != nil {
			org = v.num.dec(o.Mean, 2)
		}
		row := []cell{{text: v.dimName(info.ID)}, {text: v.num.dec(s.Mean, 2), bold: true}, {text: v.num.optInterval(s.CILow, s.CIHigh, 2)}, {text: bar}, {text: org}}
		if c := s.VsRest; c != nil {
			yes := tNo.in(v.lang)
			if v.demonstrated(c) {
				yes = tYes.in(v.lang)
			}
			row = append(row, cell{text: v.num.signed(c.Diff, 2) + "  " + v.num.signedInterval(c.CILow, c.CIHigh, 2)}, cell{text: yes})
		} else {
			row = append(row, cell{}, cell{})
		}
		rows = append(rows, row)
	}
	d.subheading(tVsRest.in(v.lang), 30)
	d.table(grid{size: 8, rowH: 5.6, cols: []column{
		{tColTheme.in(v.lang), 36, "L"}, {tColMean.in(v.lang), 18, "R"}, {tColInterval.in(v.lang), 26, "C"},
		{tColBar.in(v.lang), 13, "R"}, {tColOrg.in(v.lang), 20, "R"}, {tColDiff.in(v.lang), 37, "C"}, {tColShown.in(v.lang), d.width - 150, "C"},
	}}, rows)
	d.note(tVsRestNote.f(v.lang, v.num.dec(alpha, 2)))
}

func (v *view) notShownCell() string { return tCellHidden.in(v.lang) }

var statusWords = map[string]text{
	analysis.GapOverPromised:    {nl: "te veel beloofd", en: "over-promised"},
	analysis.GapDemonstrated:    {nl: "kloof aangetoond", en: "gap shown"},
	analysis.GapNotDemonstrated: {nl: "geen kloof aangetoond", en: "no gap demonstrated"},
	analysis.GapRealityAbove:    {nl: "praktijk boven belofte", en: "reality above promise"},
}

// gapTable lists g's promise-reality gap per topic.
func (v *view) gapTable(g *analysis.GroupResult, withOrg bool) {
	d := v.d
	gp := g.Gap
	if gp == nil {
		return
	}
	orgGap := v.res.Organisation.Gap
	orgCell := func(i int) string {
		if !withOrg || orgGap == nil {
			return ""
		}
		c := orgGap.Overall
		if i >= 0 {
			if i >= len(orgGap.Pairs) {
				return ""
			}
			c = orgGap.Pairs[i]
		}
		if c.GapStats == nil {
			return ""
		}
		return v.num.signed(c.Mean, 2)
	}
	row := func(label string, c analysis.GapCell, i int, bold bool) []cell {
		if c.GapStats == nil {
			return []cell{{text: label, bold: bold}, {text: tCellHidden.in(v.lang), span: 4, color: &hiddenColor}}
		}
		_, fill := gapJudgement(c.GapStats).colors()
		f := &fill
		if gapJudgement(c.GapStats) == plain {
			f = nil
		}
		return []cell{{text: label, bold: bold}, {text: v.num.signed(c.Mean, 2), bold: true, fill: f},
			{text: v.num.signedIntervalOpt(c.CILow, c.CIHigh, 2)}, {text: statusWords[c.Status].in(v.lang)}, {text: orgCell(i)}}
	}
	rows := [][]cell{row(tOverall.in(v.lang), gp.Overall, -1, true)}
	for i, p := range gp.Pairs {
		rows = append(rows, row(capital(v.topicName(p.Topic)), p, i, false))
	}
	d.heading(tGapTitle.in(v.lang), 40)
	d.para(tGapIntro.in(v.lang))
	cols := []column{{tColTopic.in(v.lang), 50, "L"}, {tColGap.in(v.lang), 30, "R"}, {tColInterval.in(v.lang), 32, "C"}, {tColStatus.in(v.lang), 40, "L"}, {tColOrg.in(v.lang), d.width - 152, "R"}}
	d.table(grid{size: 8.5, rowH: 6, cols: cols}, rows)
}

// ambassadors describes the willing and their profiles.
func (v *view) ambassadors(g *analysis.GroupResult) {
	d := v.d
	a := g.Ambassadors
	if a == nil || a.Willing.N == 0 {
		return
	}
	n := v.num
	d.heading(tAmbassadors.in(v.lang), 30)
	w := a.Willing
	d.para(tWillingText.f(v.lang, n.integer(w.Count), n.integer(w.N), n.pct(w.Share), n.pctInterval(w.CILow, w.CIHigh), n.dec(v.res.Config.WillingScore, 0)))
	if a.WholeGroupLow != nil && a.WholeGroupHigh != nil {
		d.para(tWholeGroup.f(v.lang, n.pct(*a.WholeGroupLow), n.pct(*a.WholeGroupHigh)))
	}
	if len(a.Profiles)+len(a.ProfilesHidden) > 0 && w.Count > 0 {
		var rows [][]cell
		for _, p := range a.Profiles {
			if p.Profile == "" && p.Count == 0 {
				continue
			}
			rows = append(rows, []cell{{text: v.profileName(p.Profile)}, {text: n.integer(p.Count)}, {text: n.pct(p.Share)}})
		}
		// A profile of fewer than k of the willing (or one that would give
		// such a count away) has no count: the analysis leaves it out.
		for _, p := range a.ProfilesHidden {
			rows = append(rows, []cell{{text: v.profileName(p)}, {text: tProfileHidden.in(v.lang)}, {text: "–"}})
		}
		d.table(grid{size: 8.5, rowH: 6, cols: []column{{tColProfile.in(v.lang), 80, "L"}, {tColCount.in(v.lang), 25, "R"}, {tColShareWill.in(v.lang), 35, "R"}}}, rows)
	}
}

var profileNames = map[string]text{
	"quiet_expert":    {nl: "Stille expert", en: "Quiet expert"},
	"super_networker": {nl: "Supernetwerker", en: "Super-networker"},
	"warm_welcomer":   {nl: "Warme verwelkomer", en: "Warm welcomer"},
	"none":            {nl: "Geen van deze", en: "None of these"},
	"":                {nl: "Niet beantwoord", en: "Not answered"},
}

func (v *view) profileName(id string) string {
	if t, ok := profileNames[id]; ok {
		return t.in(v.lang)
	}
	name := v.optionName(v.profileItem(), id)
	if i := strings.Index(name, ":"); i > 0 {
		name = name[:i]
	}
	return name
}

// barriers lists the barrier items and the help options.
func (v *view) barriers(g *analysis.GroupResult) {
	d := v.d
	if len(g.Barriers) == 0 && len(g.Help) == 0 {
		return
	}
	n := v.num
	d.heading(tBarriersTitle.in(v.lang), 35)
	if len(g.Barriers) > 0 {
		var rows [][]cell
		for _, b := range g.Barriers {
			if b.Agree == nil {
				rows = append(rows, []cell{{text: v.itemText(b.Item)}, {text: tCellHidden.in(v.lang), span: 2, color: &hiddenColor}})
				continue
			}
			rows = append(rows, []cell{{text: v.itemText(b.Item)}, {text: n.pct(b.Agree.Share), bold: true}, {text: n.pctInterval(b.Agree.CILow, b.Agree.CIHigh)}})
		}
		d.table(grid{size: 8, rowH: 5.8, cols: []column{{tColBarrier.in(v.lang), d.width - 55, "L"}, {tColAgree.in(v.lang), 20, "R"}, {tColInterval.in(v.lang), 35, "C"}}}, rows)
	}
	if len(g.Help) > 0 {
		var rows [][]cell
		for _, h := range g.Help {
			label := v.optionName(h.Item, h.Option)
			if h.Picked == nil {
				rows = append(rows, []cell{{text: label}, {text: tCellHidden.in(v.lang), span: 2, color: &hiddenColor}})
				continue
			}
			rows = append(rows, []cell{{text: label}, {text: n.pct(h.Picked.Share), bold: true}, {text: n.pctInterval(h.Picked.CILow, h.Picked.CIHigh)}})
		}
		d.table(grid{size: 8, rowH: 5.8, cols: []column{{tColHelp.in(v.lang), d.width - 55, "L"}, {tColPicked.in(v.lang), 20, "R"}, {tColInterval.in(v.lang), 35, "C"}}}, rows)
	}
}
