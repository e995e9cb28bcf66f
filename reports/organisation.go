package reports

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"trots/analysis"
)

var (
	tOrgReport      = text{nl: "Rapport ambassadeurschap", en: "Ambassadorship readiness report"}
	tCoverKicker    = text{nl: "RAPPORT AMBASSADEURSCHAP", en: "AMBASSADORSHIP READINESS REPORT"}
	tCoverTitle     = text{nl: "Klaar om ambassadeur te zijn?", en: "Ready to be ambassadors?"}
	tCoverSub       = text{nl: "Per afdeling: go, eerst verbeteren, of nog niet meetbaar", en: "Per department: go, fix first, or not yet measurable"}
	tCoverPulse     = text{nl: "Meting", en: "Pulse"}
	tCoverPeriod    = text{nl: "Periode", en: "Period"}
	tCoverQuest     = text{nl: "Vragenlijst", en: "Questionnaire"}
	tCoverResp      = text{nl: "Respondenten", en: "Respondents"}
	tCoverRespOf    = text{nl: "%s van %s medewerkers (%s)", en: "%s of %s employees (%s)"}
	tCoverDeps      = text{nl: "Afdelingen", en: "Departments"}
	tCoverAnon      = text{nl: "Anonimiteit", en: "Anonymity"}
	tCoverAnonText  = text{nl: "geen cijfers van groepen kleiner dan %d", en: "no figures of groups smaller than %d"}
	tCoverDate      = text{nl: "Rapportdatum", en: "Report date"}
	tCoverPrevious  = text{nl: "Vergeleken met", en: "Compared with"}
	tNoDates        = text{nl: "geen vaste data", en: "no fixed dates"}
	tCoverRead      = text{nl: "Zo lees je het oordeel", en: "How to read the verdict"}
	tCoverGo        = text{nl: "elke drempel is gehaald, ook met de onzekerheidsmarge: begin een kleine pilot met wie wil.", en: "every bar is cleared, margin of uncertainty included: start a small pilot with those who are willing."}
	tCoverFix       = text{nl: "een probleem is aangetoond: verbeter eerst de werkervaring, vraag nog niemand om ambassadeur te zijn.", en: "a problem is demonstrated: improve the employee experience first, ask nobody to be an ambassador yet."}
	tCoverNM        = text{nl: "te weinig reacties, te weinig deelname of nog te onzeker om iets te zeggen zonder de anonimiteit of de waarheid geweld aan te doen.", en: "too few responses, too little participation, or still too uncertain to say anything without harming anonymity or the truth."}
	tSummary        = text{nl: "Samenvatting voor het management", en: "Executive summary"}
	tSummaryIntro   = text{nl: "Van de %s afdelingen kunnen er %s beginnen, moeten er %s eerst de werkervaring verbeteren en zijn er %s nog niet meetbaar.", en: "Of the %s departments, %s can start, %s must improve the employee experience first and %s are not yet measurable."}
	tFindings       = text{nl: "Drie bevindingen", en: "Three findings"}
	tFindingsRule   = text{nl: "Gekozen volgens een vaste regel. We kijken naar vijf soorten problemen: een aangetoonde overbelofte, een ontbrekende startvoorwaarde, een zwak fundament, een negatieve eNPS en stilte. Ernst is hoe ver een cijfer, ook met de onzekerheidsmarge, voorbij de drempel ligt, als deel van de afstand tussen de drempel en de slechtst mogelijke waarde. We nemen steeds het ernstigste probleem dat overblijft (bij gelijke ernst in de volgorde hierboven), met elke soort en elke afdeling hooguit één keer. De derde bevinding is waar een pilot kan beginnen; zonder GO-afdeling is dat het derde probleem.", en: "Chosen by a fixed rule. We look at five kinds of problem: a demonstrated over-promise, a missing condition for starting, a weak foundation, a negative eNPS and silence. Severity is how far a figure, margin of uncertainty included, lies past its bar, as a share of the distance from the bar to the worst possible value. Each time we take the most severe problem left (equal severity in the order above), with every kind and every department at most once. The third finding is where a pilot can start; without a GO department it is the third problem."}
	tDrivers        = text{nl: "Wat eerst: de sleutelfactoren in de hele organisatie", en: "What to fix first: the organisation's key drivers"}
	tDriversIntro   = text{nl: "Welke thema's hangen het sterkst samen met de zin om te delen en met het aanraden van de werkgever (relatief gewicht: het aandeel van elk thema in de verklaarde verschillen tussen mensen). Eerst verbeteren: een thema dat zwaar weegt en waarop de organisatie minder dan een half punt boven de drempel scoort.", en: "Which themes go together most with willingness to share and with recommending the employer (relative weight: each theme's share of the explained differences between people). Fix first: a theme that weighs heavily and on which the organisation scores less than half a point above its bar."}
	tDriversNone    = text{nl: "Te weinig volledige antwoorden voor een analyse van sleutelfactoren (minstens %d nodig).", en: "Too few complete answers for a key-driver analysis (at least %d needed)."}
	tColWeightWill  = text{nl: "Gewicht: zin om te delen", en: "Weight: willingness to share"}
	tColWeightENPS  = text{nl: "Gewicht: aanraden (eNPS)", en: "Weight: recommending (eNPS)"}
	tColOrgScore    = text{nl: "Organisatie", en: "Organisation"}
	tColPriority    = text{nl: "Prioriteit", en: "Priority"}
	tPrioFix        = text{nl: "eerst verbeteren", en: "fix first"}
	tPrioKeep       = text{nl: "vasthouden", en: "maintain"}
	tDriversFix     = text{nl: "Eerst verbeteren, organisatiebreed: %s. Deze thema's wegen het zwaarst en hebben de kleinste marge boven de drempel.", en: "Fix first, organisation-wide: %s. These themes weigh most and have the smallest margin above their bar."}
	tDriversNoFix   = text{nl: "Geen thema weegt zwaar én scoort krap op organisatieniveau; de afdelingspagina's laten zien waar te beginnen.", en: "No theme both weighs heavily and scores narrowly at organisation level; the department pages show where to start."}
	tDriversCaveat  = text{nl: "Samenhang, geen bewezen oorzaak. Over %s respondenten, R² %s (zin om te delen).", en: "Association, not proven cause. Over %s respondents, R² %s (willingness to share)."}
	tHeatmap        = text{nl: "Afdelingen en thema's", en: "Departments and themes"}
	tHeatmapIntro   = text{nl: "Gemiddelde per thema (schaal %s-%s), de kloof tussen belofte en praktijk, het aandeel dat wil delen en de eNPS. De kleur volgt het 95%%-interval, niet het gemiddelde alleen.", en: "Mean per theme (scale %s-%s), the gap between promise and reality, the share willing to share and the eNPS. The colour follows the 95%% interval, not the mean alone."}
	tLegendOK       = text{nl: "hele interval aan de goede kant van de drempel", en: "whole interval on the right side of the bar"}
	tLegendBad      = text{nl: "hele interval aan de verkeerde kant", en: "whole interval on the wrong side"}
	tLegendUnsure   = text{nl: "onzeker: het interval ligt over de drempel", en: "uncertain: the interval straddles the bar"}
	tLegendHidden   = text{nl: "verborgen ter bescherming van de anonimiteit", en: "hidden to protect anonymity"}
	tHeatmapNote    = text{nl: "Drempels: %s. De eNPS krijgt pas een kleur vanaf %d antwoorden, zoals in de oordeelsregel.", en: "Bars: %s. The eNPS is coloured only from %d answers, as in the verdict rule."}
	tColDepartment  = text{nl: "Afdeling", en: "Department"}
	tColN           = text{nl: "n", en: "n"}
	tColWilling     = text{nl: "Wil delen", en: "Willing"}
	tColVerdict     = text{nl: "Oordeel", en: "Verdict"}
	tOrganisation   = text{nl: "Hele organisatie", en: "Whole organisation"}
	tGapsTitle      = text{nl: "Belofte en praktijk per afdeling", en: "Promise and reality per department"}
	tGapsIntro      = text{nl: "Belofte min praktijk per onderwerp, in punten. Rood: te veel beloofd (het hele interval ligt boven %s); geel: een kloof is aangetoond (boven nul); groen: de praktijk is beter dan de belofte; wit: geen kloof aangetoond, wat niet hetzelfde is als aangetoond dat er geen is.", en: "Promise minus reality per topic, in points. Red: over-promised (the whole interval lies above %s); amber: a gap is shown (above zero); green: reality is better than the promise; white: no gap demonstrated, which is not the same as demonstrating there is none."}
	tResponseTitle  = text{nl: "Deelname", en: "Participation"}
	tResponseIntro  = text{nl: "Respondenten als deel van het aantal medewerkers, met het 95%%-interval. De streep markeert het minimum van %s; daaronder spreken de antwoorden mogelijk niet voor de afdeling, en is de stilte zelf een signaal.", en: "Respondents as a share of the headcount, with the 95%% interval. The line marks the minimum of %s; below it the answers may not speak for the department, and the silence is a signal in itself."}
	tColEmployees   = text{nl: "Medewerkers", en: "Employees"}
	tColRate        = text{nl: "Respons", en: "Rate"}
	tTrendTitle     = text{nl: "Verandering sinds de vorige meting", en: "Change since the previous pulse"}
	tTrendIntro     = text{nl: "Verschil met \"%s\" per thema (nu min toen). Vet en gekleurd: een aangetoonde verandering (het 95%%-interval bevat geen nul), groen als ze gunstig is, rood als ze ongunstig is. De laatste kolom is de kleinste verandering die deze groepsgroottes konden aantonen; kleinere verschillen zeggen niets.", en: "Difference from \"%s\" per theme (now minus then). Bold and coloured: a demonstrated change (the 95%% interval excludes zero), green when favourable, red when unfavourable. The last column is the smallest change these group sizes could demonstrate; smaller differences mean nothing."}
	tTrendOnlyBoth  = text{nl: "Alleen afdelingen die in beide metingen getoond worden, staan erin.", en: "Only departments shown in both pulses are included."}
	tColMDD         = text{nl: "Kleinste aantoonbare verandering", en: "Smallest detectable change"}
	tDeptPages      = text{nl: "Afdelingen", en: "Departments"}
	tDeptPagesIntro = text{nl: "Een pagina per afdeling waarvan de analyse cijfers toont. Afdelingen onder de anonimiteitsgrens staan alleen in de overzichten, zonder cijfers.", en: "One page per department whose figures the analysis shows. Departments below the anonymity threshold appear only in the overviews, without figures."}
	tNextStep       = text{nl: "Volgende stap", en: "Next step"}
)

// organisation writes the organisation report.
func (v *view) organisation() *document {
	v.progress(0, len(v.res.Departments))
	org := clean(v.in.Organisation)
	v.d = v.newDocument(docInfo{
		wide:    v.wide,
		title:   tOrgReport.in(v.lang) + ": " + org,
		subject: clean(v.in.Pulse.Name),
		author:  org,
		header:  joinNonEmpty(" · ", org, clean(v.in.Pulse.Name), tOrgReport.in(v.lang)),
		footer:  joinNonEmpty(" · ", org, clean(v.in.Pulse.Name), tConfidential.in(v.lang)),
		k:       v.k(),
	})
	v.cover()
	v.summary()
	v.heatmap()
	v.gaps()
	v.responseRates()
	v.trend()
	v.departmentPages()
	v.levels()
	v.method()
	return v.d
}

func (v *view) cover() {
	d := v.d
	pdf := d.pdf
	n := v.num
	d.page()
	w, _ := pdf.GetPageSize()
	d.fillColor(accentColor)
	pdf.Rect(0, 0, w, 92, "F")
	d.font("B", 9)
	d.textColor(rgb{190, 208, 228})
	pdf.SetXY(d.left, 26)
	pdf.CellFormat(d.width, 5, tCoverKicker.in(v.lang), "", 2, "L", false, 0, "")
	d.font("B", 26)
	d.textColor(white)
	pdf.SetX(d.left)
	pdf.MultiCell(d.width, 11, tCoverTitle.in(v.lang), "", "L", false)
	d.font("", 12)
	pdf.SetX(d.left)
	pdf.MultiCell(d.width, 6, tCoverSub.in(v.lang), "", "L", false)
	d.font("B", 15)
	pdf.SetXY(d.left, 76)
	pdf.CellFormat(d.width, 7, d.fit(clean(v.in.Organisation), d.width), "", 0, "L", false, 0, "")

	pdf.SetXY(d.left, 104)
	res := v.res
	var rows [][2]string
	rows = append(rows, [2]string{tCoverPulse.in(v.lang), clean(v.in.Pulse.Name)})
	period := v.period()
	if period == "" {
		period = tNoDates.in(v.lang)
	}
	rows = append(rows, [2]string{tCoverPeriod.in(v.lang), period})
	rows = append(rows, [2]string{tCoverQuest.in(v.lang), clean(v.q.Title.Get(v.lang)) + " (" + v.q.Ref() + ")"})
	rows = append(rows, [2]string{tAnsweredThrough.in(v.lang), answerMode(v.lang, v.in.Pulse.AnswerMode)})
	if o := res.Organisation; o.Figures != nil {
		resp := n.integer(o.N)
		if o.ResponseRate != nil {
			resp = tCoverRespOf.f(v.lang, n.integer(o.N), n.integer(o.Headcount), n.pct(o.ResponseRate.Share))
		}
		rows = append(rows, [2]string{tCoverResp.in(v.lang), resp})
	}
	deps := n.integer(len(res.Departments))
	if v.isTree() {
		deps = tCoverDepsTree.f(v.lang, deps, n.integer(len(v.top())))
	}
	rows = append(rows, [2]string{tCoverDeps.in(v.lang), deps})
	rows = append(rows, [2]string{tCoverAnon.in(v.lang), tCoverAnonText.f(v.lang, v.k())})
	if v.in.Pulse.Previous != "" && res.Trend != nil {
		rows = append(rows, [2]string{tCoverPrevious.in(v.lang), clean(v.in.Pulse.Previous)})
	}
	rows = append(rows, [2]string{tCoverDate.in(v.lang), n.date(v.date)})
	v.recordCover(rows)
	for _, r := range rows {
		y := pdf.GetY()
		d.font("B", 9)
		d.textColor(mutedColor)
		pdf.SetXY(d.left, y)
		pdf.CellFormat(38, 6.5, strings.ToUpper(r[0]), "", 0, "L", false, 0, "")
		d.font("", 11)
		d.textColor(inkColor)
		pdf.SetXY(d.left+38, y)
		pdf.MultiCell(d.width-38, 6.5, r[1], "", "L", false)
		d.drawColor(ruleColor)
		pdf.SetLineWidth(0.15)
		pdf.Line(d.left, pdf.GetY()+0.5, d.left+d.width, pdf.GetY()+0.5)
		pdf.SetY(pdf.GetY() + 1.5)
	}
	// The three verdicts, at the foot of the cover.
	pdf.SetXY(d.left, 206)
	d.font("B", 11)
	d.textColor(accentColor)
	pdf.CellFormat(d.width, 6, tCoverRead.in(v.lang), "", 2, "L", false, 0, "")
	d.space(1)
	for _, it := range []struct {
		dec analysis.Decision
		t   text
	}{{analysis.Go, tCoverGo}, {analysis.FixFirst, tCoverFix}, {analysis.NotMeasurable, tCoverNM}} {
		stroke, fill := verdictColors(it.dec)
		y := pdf.GetY()
		d.fillColor(fill)
		pdf.Rect(d.left, y, 44, 9, "F")
		d.fillColor(stroke)
		pdf.Rect(d.left, y, 1.4, 9, "F")
		d.font("B", 9)
		d.textColor(stroke)
		pdf.SetXY(d.left+3, y)
		pdf.CellFormat(41, 9, v.verdictWord(it.dec), "", 0, "L", false, 0, "")
		d.font("", 9)
		d.textColor(inkColor)
		pdf.SetXY(d.left+47, y+0.3)
		pdf.MultiCell(d.width-47, 4.2, it.t.in(v.lang), "", "L", false)
		pdf.SetY(math.Max(pdf.GetY(), y+9) + 2.5)
	}
}

// counts per verdict, and the names per verdict.
func (v *view) byVerdict() map[analysis.Decision][]*analysis.GroupResult {
	out := map[analysis.Decision][]*analysis.GroupResult{}
	for _, g := range v.top() {
		out[decision(g)] = append(out[decision(g)], g)
	}
	return out
}

func (v *view) summary() {
	d := v.d
	pdf := d.pdf
	n := v.num
	d.page()
	d.heading(tSummary.in(v.lang), 100)
	by := v.byVerdict()
	intro := tSummaryIntro
	if v.isTree() {
		intro = tSummaryIntroTree
	}
	d.para(intro.f(v.lang, n.integer(len(v.top())), n.integer(len(by[analysis.Go])),
		n.integer(len(by[analysis.FixFirst])), n.integer(len(by[analysis.NotMeasurable]))))
	v.recordTally(by)
	d.space(1)
	// Three boxes: the count and the names under each verdict.
	const most = 7
	y := pdf.GetY()
	bw := (d.width - 6) / 3
	maxLines := 0
	for _, dec := range []analysis.Decision{analysis.Go, analysis.FixFirst, analysis.NotMeasurable} {
		maxLines = max(maxLines, min(len(by[dec]), most+1))
	}
	h := 19 + float64(maxLines)*4 + 2
	for i, dec := range []analysis.Decision{analysis.Go, analysis.FixFirst, analysis.NotMeasurable} {
		stroke, fill := verdictColors(dec)
		x := d.left + float64(i)*(bw+3)
		d.fillColor(fill)
		pdf.Rect(x, y, bw, h, "F")
		d.fillColor(stroke)
		pdf.Rect(x, y, bw, 1.4, "F")
		d.font("B", 22)
		d.textColor(stroke)
		pdf.SetXY(x+3, y+3)
		pdf.CellFormat(bw-6, 9, n.integer(len(by[dec])), "", 0, "L", false, 0, "")
		d.font("B", 8.5)
		pdf.SetXY(x+3, y+12.5)
		pdf.CellFormat(bw-6, 4, v.verdictWord(dec), "", 0, "L", false, 0, "")
		d.font("", 8)
		d.textColor(inkColor)
		for j, g := range by[dec] {
			pdf.SetXY(x+3, y+19+float64(j)*4)
			if j == most && len(by[dec]) > most+1 {
				pdf.CellFormat(bw-6, 4, "… "+fMore.f(v.lang, n.integer(len(by[dec])-most)), "", 0, "L", false, 0, "")
				break
			}
			pdf.CellFormat(bw-6, 4, d.fit(clean(g.Name), bw-6), "", 0, "L", false, 0, "")
		}
	}
	pdf.SetXY(d.left, y+h+3)

	d.subheading(tFindings.in(v.lang), 30)
	d.numbered(v.findings())
	d.note(tFindingsRule.in(v.lang))

	v.driverSummary()
}

// driverRow is one theme in the organisation's key-driver table.
type driverRow struct {
	id            string
	will, enps    *float64
	share         float64 // mean share over the outcomes present
	margin        *float64
	score, bar    string
	fix, maintain bool
}

// driverRows combines the driver analyses of the advocacy outcome and the
// eNPS: a theme is "fix first" when its mean share is at least the average
// share (1/p) and the organisation scores it less than half a point (on a
// 1-5 scale) on the right side of its bar; "maintain" when it weighs as
// much but has more margin.
func (v *view) driverRows() ([]driverRow, *analysis.DriverAnalysis) {
	var will, enps *analysis.DriverAnalysis
	for i := range v.res.Drivers {
		da := &v.res.Drivers[i]
		if da.Skipped != "" || len(da.Drivers) == 0 {
			continue
		}
		if da.Outcome == "enps" {
			enps = da
		} else if will == nil {
			will = da
		}
	}
	base := will
	if base == nil {
		base = enps
	}
	if base == nil {
		return nil, nil
	}
	org := &v.res.Organisation
	var rows []driverRow
	for _, dr := range base.Drivers {
		r := driverRow{id: dr.Dimension}
		sum, cnt := 0.0, 0.0
		for _, da := range []*analysis.DriverAnalysis{will, enps} {
			if da == nil {
				continue
			}
			for _, x := range da.Drivers {
				if x.Dimension == dr.Dimension {
					s := x.Share
					if da == will {
						r.will = &s
					} else {
						r.enps = &s
					}
					sum += s
					cnt++
				}
			}
		}
		if cnt > 0 {
			r.share = sum / cnt
		}
		half := 0.5
		if dr.Dimension == "gap" {
			lo, hi := v.gapScale()
			half *= float64(hi-lo) / 4
			if m := v.cellMean(org, "gap"); m != nil {
				r.margin = ptr(v.gapTolerance() - *m)
				r.score, r.bar = v.num.signed(*m, 2), v.num.dec(v.gapTolerance(), 2)
			}
		} else if info, ok := v.info(dr.Dimension); ok {
			half *= float64(info.Max-info.Min) / 4
			if s := dim(org, dr.Dimension); s != nil {
				r.score = v.num.dec(s.Mean, 2)
				if info.Threshold != nil {
					r.margin = ptr(s.Mean - *info.Threshold)
					r.bar = v.num.dec(*info.Threshold, 2)
				}
			}
		}
		heavy := r.share >= 1/float64(len(base.Drivers))
		if heavy && r.margin != nil {
			r.fix = *r.margin < half
			r.maintain = !r.fix
		}
		rows = append(rows, r)
	}
	slices.SortStableFunc(rows, func(a, b driverRow) int { return cmp.Compare(b.share, a.share) })
	return rows, base
}

func (v *view) driverSummary() {
	d := v.d
	n := v.num
	d.subheading(tDrivers.in(v.lang), 40)
	rows, base := v.driverRows()
	if len(rows) == 0 {
		d.para(tDriversNone.f(v.lang, max(v.res.Config.MinDrivers, 10*len(v.thresholded())+10)))
		return
	}
	d.font("", 8.5)
	d.textColor(inkColor)
	d.pdf.SetX(d.left)
	d.pdf.MultiCell(d.width, 4.2, tDriversIntro.in(v.lang), "", "L", false)
	d.space(1.5)
	var cells [][]cell
	var fix []string
	for _, r := range rows {
		opt := func(x *float64) string {
			if x == nil {
				return ""
			}
			return n.pct(*x)
		}
		prio := cell{}
		switch {
		case r.fix:
			prio = cell{text: tPrioFix.in(v.lang), bold: true, color: &badColor, fill: &badFill}
			fix = append(fix, lowerFirst(v.dimName(r.id)))
		case r.maintain:
			prio = cell{text: tPrioKeep.in(v.lang), color: &goodColor}
		}
		cells = append(cells, []cell{{text: v.dimName(r.id)}, {text: opt(r.will)}, {text: opt(r.enps)}, {text: r.score}, {text: r.bar}, prio})
	}
	d.table(grid{size: 8, rowH: 5.4, cols: []column{
		{tColTheme.in(v.lang), 46, "L"}, {tColWeightWill.in(v.lang), 28, "R"}, {tColWeightENPS.in(v.lang), 28, "R"},
		{tColOrgScore.in(v.lang), 24, "R"}, {tColBar.in(v.lang), 18, "R"}, {tColPriority.in(v.lang), d.width - 144, "C"},
	}}, cells)
	if len(fix) > 0 {
		d.rich(d.left, bodyLine, span{"B", tDriversFix.f(v.lang, v.list(fix))})
	} else {
		d.para(tDriversNoFix.in(v.lang))
	}
	d.note(tDriversCaveat.f(v.lang, n.integer(base.N), n.dec(base.R2, 2)))
}

// legend draws the colour key of the heatmaps.
func (v *view) legend(entries []judgement, labels []string) {
	v.recordLegend(entries, labels)
	d := v.d
	pdf := d.pdf
	d.need(6)
	y := pdf.GetY()
	x := d.left
	d.font("", 7.5)
	for i, j := range entries {
		stroke, fill := j.colors()
		d.fillColor(fill)
		d.drawColor(stroke)
		pdf.SetLineWidth(0.2)
		w := pdf.GetStringWidth(labels[i]) + 9
		if x+w > d.left+d.width {
			x = d.left
			y += 5
		}
		pdf.Rect(x, y+0.6, 5, 3.2, "FD")
		d.textColor(inkColor)
		pdf.SetXY(x+6, y)
		pdf.CellFormat(w-6, 4.4, labels[i], "", 0, "L", false, 0, "")
		x += w + 2
	}
	pdf.SetXY(d.left, y+6.5)
	d.body()
}

func (v *view) heatmap() {
	d := v.d
	n := v.num
	cfg := v.res.Config
	d.page()
	d.heading(tHeatmap.in(v.lang), 60)
	lo, hi := "1", "5"
	if s := v.scored(); len(s) > 0 {
		lo, hi = n.integer(s[0].Min), n.integer(s[0].Max)
	}
	d.para(tHeatmapIntro.f(v.lang, lo, hi))
	v.legend([]judgement{clearOK, clearBad, unsure, hidden}, []string{tLegendOK.in(v.lang), tLegendBad.in(v.lang), tLegendUnsure.in(v.lang), tLegendHidden.in(v.lang)})

	dims := v.thresholded()
	const nameW, nW, cellW = 35.0, 8.0, 13.0
	cols := []column{{tColDepartment.in(v.lang), nameW, "L"}, {tColN.in(v.lang), nW, "R"}}
	for _, info := range dims {
		cols = append(cols, column{v.dimName(info.ID), cellW, "C"})
	}
	hasGap := len(v.res.Pairs) > 0
	if hasGap {
		cols = append(cols, column{tColGap.in(v.lang), cellW, "C"})
	}
	cols = append(cols, column{tColWilling.in(v.lang), cellW, "C"}, column{"eNPS", 11, "C"})
	used := 0.0
	for _, c := range cols {
		used += c.width
	}
	cols = append(cols, column{tColVerdict.in(v.lang), d.width - used, "C"})
	span := len(cols) - 1

	judged := func(text string, j judgement) cell {
		if j == plain {
			return cell{text: text}
		}
		stroke, fill := j.colors()
		c := cell{text: text, fill: &fill}
		if j == clearBad {
			c.bold, c.color = true, &stroke
		}
		return c
	}
	rowFor := func(g *analysis.GroupResult, name string, isOrg bool) []cell {
		if !shown(g) {
			return []cell{{text: name}, {text: v.notShown(g), span: span, fill: &hiddenFill, color: &hiddenColor}}
		}
		row := []cell{{text: name, bold: isOrg}, {text: n.integer(g.N)}}
		for _, info := range dims {
			s := dim(g, info.ID)
			if s == nil {
				row = append(row, cell{text: "–", fill: &hiddenFill, color: &hiddenColor})
				continue
			}
			row = append(row, judged(n.dec(s.Mean, 2), judge(s.CILow, s.CIHigh, *info.Threshold, true)))
		}
		if hasGap {
			if g.Gap == nil || g.Gap.Overall.GapStats == nil {
				row = append(row, cell{text: "–", fill: &hiddenFill, color: &hiddenColor})
			} else {
				s := g.Gap.Overall.GapStats
				row = append(row, judged(n.signed(s.Mean, 2), judge(s.CILow, s.CIHigh, v.gapTolerance(), false)))
			}
		}
		if a := g.Ambassadors; a != nil && a.Willing.N > 0 {
			w := a.Willing
			row = append(row, judged(n.pct(w.Share), judge(ptr(w.CILow), ptr(w.CIHigh), cfg.WillingShare, true)))
		} else {
			row = append(row, cell{text: "–", fill: &hiddenFill, color: &hiddenColor})
		}
		if e := g.ENPS; e != nil {
			j := plain
			if e.N >= cfg.ENPSMinN {
				j = judge(ptr(e.CILow), ptr(e.CIHigh), cfg.ENPSThreshold, true)
			}
			row = append(row, judged(n.signed(e.Value, 0), j))
		} else {
			row = append(row, cell{text: "–", fill: &hiddenFill, color: &hiddenColor})
		}
		if isOrg {
			row = append(row, cell{})
		} else {
			stroke, fill := verdictColors(decision(g))
			row = append(row, cell{text: v.verdictWord(decision(g)), bold: true, size: 6.8, color: &stroke, fill: &fill})
		}
		return row
	}
	rows := [][]cell{rowFor(&v.res.Organisation, tOrganisation.in(v.lang), true)}
	for _, g := range v.top() {
		rows = append(rows, rowFor(g, clean(g.Name), false))
	}
	d.table(grid{size: 7.5, headSize: 6.5, rowH: 5.6, cols: cols, firstBold: true}, rows)
	var bars []string
	for _, info := range dims {
		bars = append(bars, lowerFirst(v.dimName(info.ID))+" "+n.dec(*info.Threshold, 2))
	}
	if hasGap {
		bars = append(bars, lowerFirst(tColGap.in(v.lang))+" "+n.dec(v.gapTolerance(), 2))
	}
	bars = append(bars, lowerFirst(tColWilling.in(v.lang))+" "+n.pct(cfg.WillingShare), "eNPS "+n.signed(cfg.ENPSThreshold, 0))
	d.note(tHeatmapNote.f(v.lang, strings.Join(bars, "; "), cfg.ENPSMinN))
}

func (v *view) gaps() {
	d := v.d
	n := v.num
	if len(v.res.Pairs) == 0 {
		return
	}
	d.heading(tGapsTitle.in(v.lang), 60)
	d.para(tGapsIntro.f(v.lang, n.dec(v.overMargin(), 2)))
	cols := []column{{tColDepartment.in(v.lang), 44, "L"}, {tOverall.in(v.lang), 24, "C"}}
	w := (d.width - 68) / float64(len(v.res.Pairs))
	for _, p := range v.res.Pairs {
		cols = append(cols, column{capital(v.topicName(p.Topic)), w, "C"})
	}
	span := len(cols) - 1
	cellOf := func(c analysis.GapCell) cell {
		if c.GapStats == nil {
			return cell{text: "–", fill: &hiddenFill, color: &hiddenColor}
		}
		j := gapJudgement(c.GapStats)
		out := cell{text: n.signed(c.Mean, 2)}
		if j != plain {
			stroke, fill := j.colors()
			out.fill = &fill
			if j == clearBad {
				out.bold, out.color = true, &stroke
			}
		}
		return out
	}
	rowFor := func(g *analysis.GroupResult, name string, isOrg bool) []cell {
		if !shown(g) {
			return []cell{{text: name}, {text: v.notShown(g), span: span, fill: &hiddenFill, color: &hiddenColor}}
		}
		if g.Gap == nil {
			return []cell{{text: name, bold: isOrg}, {text: "–", span: span, fill: &hiddenFill, color: &hiddenColor}}
		}
		row := []cell{{text: name, bold: isOrg}, cellOf(g.Gap.Overall)}
		for i := range v.res.Pairs {
			if i < len(g.Gap.Pairs) {
				row = append(row, cellOf(g.Gap.Pairs[i]))
			} else {
				row = append(row, cell{})
			}
		}
		return row
	}
	rows := [][]cell{rowFor(&v.res.Organisation, tOrganisation.in(v.lang), true)}
	for _, g := range v.top() {
		rows = append(rows, rowFor(g, clean(g.Name), false))
	}
	d.table(grid{size: 7.5, rowH: 5.6, cols: cols, firstBold: true}, rows)
}

func (v *view) responseRates() {
	d := v.d
	n := v.num
	cfg := v.res.Config
	d.heading(tResponseTitle.in(v.lang), 60)
	d.para(tResponseIntro.f(v.lang, n.pct(cfg.MinResponseRate)))
	cols := []column{{tColDepartment.in(v.lang), 44, "L"}, {tColEmployees.in(v.lang), 20, "R"}, {tRespondents.in(v.lang), 22, "R"},
		{tColRate.in(v.lang), 15, "R"}, {tColInterval.in(v.lang), 26, "C"}}
	used := 127.0
	cols = append(cols, column{"", d.width - used, "L"})
	bar := func(p *analysis.Proportion) func(x, y, w, h float64) {
		return func(x, y, w, h float64) {
			pdf := d.pdf
			x0, x1 := x+3, x+w-3
			at := func(s float64) float64 { return x0 + (x1-x0)*math.Max(0, math.Min(1, s)) }
			d.fillColor(ruleColor)
			pdf.Rect(x0, y+h/2-1.1, x1-x0, 2.2, "F")
			c := accentColor
			if p.CIHigh < cfg.MinResponseRate {
				c = badColor
			} else if p.Share < cfg.MinResponseRate {
				c = unsureColor
			}
			d.fillColor(c)
			pdf.Rect(x0, y+h/2-1.1, at(p.Share)-x0, 2.2, "F")
			d.drawColor(inkColor)
			pdf.SetLineWidth(0.25)
			pdf.Line(at(p.CILow), y+h/2, at(p.CIHigh), y+h/2)
			pdf.Line(at(p.CILow), y+h/2-0.8, at(p.CILow), y+h/2+0.8)
			pdf.Line(at(p.CIHigh), y+h/2-0.8, at(p.CIHigh), y+h/2+0.8)
			d.drawColor(badColor)
			pdf.SetLineWidth(0.35)
			pdf.SetDashPattern([]float64{0.6, 0.5}, 0)
			pdf.Line(at(cfg.MinResponseRate), y+0.5, at(cfg.MinResponseRate), y+h-0.5)
			pdf.SetDashPattern(nil, 0)
		}
	}
	rowFor := func(g *analysis.GroupResult, name string, isOrg bool) []cell {
		if !shown(g) {
			return []cell{{text: name}, {text: v.notShown(g), span: len(cols) - 1, fill: &hiddenFill, color: &hiddenColor}}
		}
		head := ""
		if g.Headcount > 0 {
			head = n.integer(g.Headcount)
		}
		row := []cell{{text: name, bold: isOrg}, {text: head}, {text: n.integer(g.N)}}
		if p := g.ResponseRate; p != nil {
			row = append(row, cell{text: n.pct(p.Share), bold: true}, cell{text: n.pctInterval(p.CILow, p.CIHigh)}, cell{paint: bar(p)})
		} else {
			t := tHeadUnknown.in(v.lang)
			if g.Headcount > 0 {
				t = tHeadBelow.in(v.lang)
			}
			row = append(row, cell{text: t, span: 3, color: &mutedColor})
		}
		return row
	}
	rows := [][]cell{rowFor(&v.res.Organisation, tOrganisation.in(v.lang), true)}
	for _, g := range v.top() {
		rows = append(rows, rowFor(g, clean(g.Name), false))
	}
	d.table(grid{size: 7.5, rowH: 5.6, cols: cols, firstBold: true}, rows)
}

func (v *view) trend() {
	tr := v.res.Trend
	if tr == nil || len(tr.Groups) == 0 {
		return
	}
	d := v.d
	n := v.num
	// Dimensions in the order of the first group that has them.
	var dims []string
	seen := map[string]bool{}
	for _, g := range tr.Groups {
		for _, x := range g.Dimensions {
			if !seen[x.Dimension] {
				seen[x.Dimension] = true
				dims = append(dims, x.Dimension)
			}
		}
	}
	prev := clean(v.in.Pulse.Previous)
	if prev == "" {
		prev = tr.Previous
	}
	d.heading(tTrendTitle.in(v.lang), 60)
	d.para(tTrendIntro.f(v.lang, prev))
	d.note(tTrendOnlyBoth.in(v.lang))
	const nameW, mddW = 38.0, 22.0
	w := math.Min(16, (d.width-nameW-mddW)/float64(len(dims)))
	cols := []column{{tColDepartment.in(v.lang), nameW, "L"}}
	for _, id := range dims {
		cols = append(cols, column{v.dimName(id), w, "C"})
	}
	cols = append(cols, column{tColMDD.in(v.lang), mddW, "C"})
	higherWorse := func(id string) bool {
		if id == "gap" {
			return true
		}
		info, _ := v.info(id)
		return info.Role == "barrier"
	}
	// In a tree the trend shows the top level, as the heatmap does.
	topIDs := map[string]bool{}
	for _, g := range v.top() {
		topIDs[g.ID] = true
	}
	tree := v.isTree()
	var rows [][]cell
	for i, g := range tr.Groups {
		if tree && !g.Organisation && !topIDs[g.ID] {
			continue
		}
		name := clean(g.Name)
		if g.Organisation {
			name = tOrganisation.in(v.lang)
		}
		row := []cell{{text: name, bold: g.Organisation}}
		var mdds []float64
		for _, id := range dims {
			var x *analysis.DimensionTrend
			for j := range g.Dimensions {
				if g.Dimensions[j].Dimension == id {
					x = &g.Dimensions[j]
				}
			}
			if x == nil {
				row = append(row, cell{text: "–", color: &hiddenColor})
				continue
			}
			mdds = append(mdds, x.MDD)
			c := cell{text: n.signed(x.Diff, 2)}
			if x.CILow > 0 || x.CIHigh < 0 {
				good := x.Diff > 0
				if higherWorse(id) {
					good = !good
				}
				stroke, fill := badColor, badFill
				arrow := " ▼"
				if x.Diff > 0 {
					arrow = " ▲"
				}
				if good {
					stroke, fill = goodColor, goodFill
				}
				c = cell{text: n.signed(x.Diff, 2) + arrow, bold: true, color: &stroke, fill: &fill}
			}
			row = append(row, c)
		}
		mdd := ""
		if len(mdds) > 0 {
			slices.Sort(mdds)
			mdd = "± " + n.dec(mdds[len(mdds)/2], 2)
		}
		row = append(row, cell{text: mdd, color: &mutedColor})
		_ = i
		rows = append(rows, row)
	}
	d.table(grid{size: 7.5, headSize: 6.5, rowH: 5.6, cols: cols, firstBold: true}, rows)
}

// departmentPages writes one summary page per shown department.
func (v *view) departmentPages() {
	d := v.d
	first := true
	for i := range v.res.Departments {
		g := &v.res.Departments[i]
		// In a tree only the top level gets a page; the deeper levels
		// are rows of one table (levels).
		if !shown(g) || g.ParentID != "" {
			v.progress(i+1, len(v.res.Departments))
			continue
		}
		d.page()
		if first {
			d.pdf.Bookmark(tDeptPages.in(v.lang), 0, -1)
			v.recordDepartmentPages()
			d.font("I", 8)
			d.textColor(mutedColor)
			d.pdf.SetX(d.left)
			d.pdf.MultiCell(d.width, 3.8, tDeptPagesIntro.in(v.lang), "", "L", false)
			d.space(2)
			first = false
		}
		d.pdf.Bookmark(clean(g.Name), 1, -1)
		d.title(clean(g.Name))
		d.space(2)
		v.verdictBox(g)
		if decision(g) == analysis.NotMeasurable {
			d.note(tIndicative.in(v.lang))
		}
		v.facts(g)
		d.subheading(tThemes.in(v.lang), 50)
		d.whiskers(v.themeRows(g), 6.4)
		if g.Gap != nil {
			v.compactGaps(g)
		}
		d.subheading(tNextStep.in(v.lang), 10)
		d.para(v.nextStep(g))
		v.progress(i+1, len(v.res.Departments))
	}
}

// compactGaps is the gap table of a department's summary page.
func (v *view) compactGaps(g *analysis.GroupResult) {
	d := v.d
	n := v.num
	d.subheading(tGapTitle.in(v.lang), 30)
	row := func(label string, c analysis.GapCell, bold bool) []cell {
		if c.GapStats == nil {
			return []cell{{text: label, bold: bold}, {text: tCellHidden.in(v.lang), span: 3, color: &hiddenColor}}
		}
		j := gapJudgement(c.GapStats)
		val := cell{text: n.signed(c.Mean, 2), bold: true}
		if j != plain {
			_, fill := j.colors()
			val.fill = &fill
		}
		return []cell{{text: label, bold: bold}, val, {text: n.signedIntervalOpt(c.CILow, c.CIHigh, 2)}, {text: statusWords[c.Status].in(v.lang)}}
	}
	rows := [][]cell{row(tOverall.in(v.lang), g.Gap.Overall, true)}
	for _, p := range g.Gap.Pairs {
		rows = append(rows, row(capital(v.topicName(p.Topic)), p, false))
	}
	d.table(grid{size: 8, rowH: 5.4, cols: []column{{tColTopic.in(v.lang), 50, "L"}, {tColGap.in(v.lang), 30, "R"}, {tColInterval.in(v.lang), 34, "C"}, {tColStatus.in(v.lang), d.width - 114, "L"}}}, rows)
}
