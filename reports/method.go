package reports

import "strings"

var (
	tPage            = text{nl: "Pagina %d van {nb}", en: "Page %d of {nb}"}
	tFooterAnonymity = text{nl: "Anonimiteit: geen cijfers van groepen kleiner dan %d (k = %[1]d)", en: "Anonymity: no figures of groups smaller than %d (k = %[1]d)"}

	mTitle         = text{nl: "Bijlage: zo werkt de methode", en: "Appendix: how the method works"}
	mScores        = text{nl: "Scores", en: "Scores"}
	mScoresText    = text{nl: "Elk thema wordt gemeten met een paar stellingen op een schaal van 1 (helemaal oneens) tot 5 (helemaal eens). De score van een persoon is het gemiddelde van de stellingen die hij of zij beantwoordde, als dat er minstens de helft zijn; negatief geformuleerde stellingen worden eerst omgedraaid. De score van een afdeling is het gemiddelde van de scores van haar mensen.", en: "Each theme is measured with a few statements on a scale from 1 (strongly disagree) to 5 (strongly agree). A person's score is the mean of the statements they answered, provided they answered at least half; negatively worded statements are reversed first. A department's score is the mean of its people's scores."}
	mIntervals     = text{nl: "Intervallen", en: "Intervals"}
	mIntervalText  = text{nl: "Bij elke score hoort een 95%%-interval: de marge waarbinnen de echte score van de afdeling vrijwel zeker ligt, gegeven hoeveel mensen antwoordden en hoe verschillend. Weinig antwoorden of veel onenigheid maken het interval breed. Aandelen (wil delen, respons) hebben hun eigen interval (Wilson). Een interval is geen detail: het bepaalt het oordeel.", en: "Every score comes with a 95%% interval: the margin within which the department's true score almost certainly lies, given how many people answered and how much they differ. Few answers or much disagreement make the interval wide. Shares (willing to share, response rate) have an interval of their own (Wilson). An interval is not a detail: it decides the verdict."}
	mRule          = text{nl: "De oordeelsregel", en: "The verdict rule"}
	mRuleIntro     = text{nl: "Een onterechte GO kost geloofwaardigheid, een onterechte EERST VERBETEREN alleen tijd. Daarom moet GO op elk criterium aangetoond zijn. De regel kijkt alleen naar getoonde cijfers, in deze volgorde; de eerste die past, beslist:", en: "A wrong GO costs credibility, a wrong FIX FIRST only time. GO therefore has to be demonstrated on every criterion. The rule looks only at figures that are shown, in this order; the first that applies decides:"}
	mRule1         = text{nl: "NOG NIET MEETBAAR", en: "NOT YET MEASURABLE"}
	mRule1Text     = text{nl: "als de afdeling verborgen is (minder dan %d respondenten, of ter bescherming van een kleinere groep).", en: "when the department is hidden (fewer than %d respondents, or to protect a smaller group)."}
	mRule2         = text{nl: "EERST VERBETEREN", en: "FIX FIRST"}
	mRule2Text     = text{nl: "als een probleem is aangetoond: een thema waarvan het hele interval onder de drempel ligt (%s), een totale kloof tussen belofte en praktijk waarvan het hele interval boven %s ligt, één onderwerp boven %s, een aandeel dat wil delen aantoonbaar onder %s, of (vanaf %d antwoorden) een eNPS aantoonbaar onder %s.", en: "when a problem is demonstrated: a theme whose whole interval lies below its bar (%s), an overall gap between promise and reality whose whole interval lies above %s, a single topic above %s, a willing share demonstrably below %s, or (from %d answers) an eNPS demonstrably below %s."}
	mRule3Text     = text{nl: "bij minder dan %d respondenten of een respons onder %s. Ligt een interval daarbij al aan de verkeerde kant van zijn drempel, dan noemen we dat een mogelijk probleem: de moeite van het nagaan waard, maar te weinig (of te eenzijdig) bewijs voor een oordeel.", en: "with fewer than %d respondents or a response rate below %s. If an interval already lies on the wrong side of its bar, we name it a possible problem: worth looking into, but too little (or too one-sided) evidence for a verdict."}
	mRuleIntegrity = text{nl: "als de antwoorden niet te vertrouwen zijn: meer antwoorden dan medewerkers, of meer precies gelijke antwoorden dan toeval verklaart (iemand heeft dan mogelijk vaak geantwoord via een open link).", en: "when the answers cannot be trusted: more answers than employees, or more exactly identical answers than chance explains (someone may then have answered many times through an open link)."}
	mRuleUnjudged  = text{nl: "als een criterium niet te beoordelen is.", en: "when a criterion cannot be judged."}
	mRule4         = text{nl: "GO", en: "GO"}
	mRule4Text     = text{nl: "als elk criterium aangetoond is: elk interval ligt helemaal aan de goede kant van zijn drempel.", en: "when every criterion is demonstrated: every interval lies wholly on the right side of its bar."}
	mRule5Text     = text{nl: "als elk criterium nauwkeurig gemeten is (marge hooguit %s punt, %s bij aandelen) en de schatting zelf (het midden van het interval) van minstens één criterium aan de verkeerde kant van de drempel ligt: een waarschijnlijk probleem.", en: "when every criterion is measured precisely (margin at most %s points, %s for shares) and the estimate itself (the middle of the interval) of at least one criterion lies on the wrong side of its bar: a likely problem."}
	mRuleParts     = text{nl: "Een onderdeel met onderdelen eronder wordt beoordeeld op al zijn respondenten samen, met drie aanvullingen, omdat een gemiddelde kan verbergen wat de onderdelen laten zien: zijn de antwoorden van een onderdeel verdacht, dan is het geheel NOG NIET MEETBAAR; werken onderdelen met een respons onder %s samen minstens %s van de medewerkers, dan ook; en hebben onderdelen met een eigen aangetoond probleem (EERST VERBETEREN) samen minstens %s van de respondenten, dan is het geheel EERST VERBETEREN.", en: "A part with parts below it is judged on all its respondents together, with three additions, because an average can hide what its parts show: if the answers of a part are suspect, the whole is NOT YET MEASURABLE; if parts with a response rate below %s employ at least %s of its people, so is the whole; and if parts with a demonstrated problem of their own (FIX FIRST) hold at least %s of its respondents, the whole is FIX FIRST."}
	mRule6Text     = text{nl: "in alle andere gevallen, met een schatting van het aantal respondenten dat nodig is om te beslissen.", en: "in every other case, with an estimate of the number of respondents needed to decide."}
	mAnon          = text{nl: "Anonimiteit", en: "Anonymity"}
	mAnonText      = text{nl: "Van een groep met minder dan %d respondenten tonen we geen enkel cijfer: geen scores, geen aantal reacties, geen opmerkingen. Omdat het totaal van de organisatie iedereen omvat, verbergen we waar nodig ook een tweede cijfer, zodat de antwoorden van een kleine groep niet door aftrekken terug te vinden zijn (secundaire onderdrukking); dat geldt ook per thema. Open opmerkingen tonen we alleen bij afdelingen met minstens %d respondenten, los van de scores en in een volgorde die niets verraadt. Dit rapport toont precies wat de analyse toont, en niets meer.", en: "For a group of fewer than %d respondents no figure is shown at all: no scores, no number of responses, no comments. Because the organisation's total covers everyone, a second figure is hidden where needed, so that a small group's answers cannot be recovered by subtraction (secondary suppression); the same holds per theme. Open comments are shown only for departments with at least %d respondents, apart from the scores and in an order that gives nothing away. This report shows exactly what the analysis shows, and nothing more."}
	mSilence       = text{nl: "Wat stilte betekent", en: "What silence means"}
	mSilenceText   = text{nl: "Een lage respons is geen ontbrekend getal maar een bevinding. Ze kan wijzen op werkdruk, op mensen die de vragenlijst niet konden bereiken, op wantrouwen of op het gevoel dat er met antwoorden niets gebeurt. Een enthousiaste en een stille afdeling naast elkaar zijn zelden toeval. Daarom telt een respons onder %s als reden om (nog) niet te oordelen.", en: "A low response rate is not a missing number but a finding. It may reflect workload, people who could not reach the questionnaire, distrust, or the feeling that nothing happens with the answers. An enthusiastic and a silent department side by side are rarely a coincidence. A response rate below %s is therefore a reason not to judge (yet)."}
	mGap           = text{nl: "Belofte en praktijk", en: "Promise and reality"}
	mGapText       = text{nl: "Telkens twee stellingen over hetzelfde onderwerp: hoe de organisatie zich naar buiten toont, en wat de medewerker zelf ervaart. De kloof is belofte min praktijk. 'Te veel beloofd' betekent dat het hele interval boven %s ligt, 'kloof aangetoond' dat het boven nul ligt. Een interval rond nul toont geen kloof aan, maar bewijst ook niet dat er geen is.", en: "Two statements on the same topic each time: how the organisation presents itself outside, and what the employee experiences. The gap is promise minus reality. 'Over-promised' means the whole interval lies above %s, 'gap shown' that it lies above zero. An interval around zero shows no gap, but does not prove there is none either."}
	mDrivers       = text{nl: "Sleutelfactoren", en: "Key drivers"}
	mDriversText   = text{nl: "Over alle respondenten samen: welke thema's hangen het sterkst samen met de zin om te delen en met het aanraden van de werkgever. Het relatieve gewicht is het aandeel van een thema in de verschillen tussen mensen die de thema's samen verklaren (Johnson; gecontroleerd met Shapley). Dit is samenhang, geen bewezen oorzaak.", en: "Across all respondents: which themes go together most with willingness to share and with recommending the employer. The relative weight is a theme's share of the differences between people that the themes explain together (Johnson; checked with Shapley). This is association, not proven cause."}
	mTrend         = text{nl: "Trend", en: "Trend"}
	mTrendText     = text{nl: "Een verandering sinds de vorige meting telt alleen als haar 95%%-interval nul uitsluit. Bij elke vergelijking hoort de kleinste verandering die de groepsgroottes konden aantonen (met %s kans); een kleiner verschil is geen bewijs van iets.", en: "A change since the previous pulse only counts when its 95%% interval excludes zero. Each comparison comes with the smallest change the group sizes could demonstrate (with %s power); a smaller difference is evidence of nothing."}
	mColours       = text{nl: "Kleuren", en: "Colours"}
	mColoursText   = text{nl: "Groen, rood en geel volgen in dit hele rapport het interval, niet het gemiddelde: groen en rood alleen als het hele interval aan één kant van de drempel ligt, geel als het er overheen ligt. Zo betekent een kleur hetzelfde als in de oordeelsregel.", en: "Throughout this report green, red and amber follow the interval, not the mean: green and red only when the whole interval lies on one side of the bar, amber when it straddles it. A colour thus means the same as in the verdict rule."}
)

// method writes the appendix on method, in plain language, with the
// thresholds the analysis actually applied.
func (v *view) method() {
	d := v.d
	n := v.num
	cfg := v.res.Config
	l := v.lang
	d.page()
	d.heading(mTitle.in(l), 40)
	d.subheading(mScores.in(l), 10)
	d.para(mScoresText.in(l))
	d.subheading(mIntervals.in(l), 10)
	d.para(mIntervalText.in(l))
	d.subheading(mRule.in(l), 30)
	d.para(mRuleIntro.in(l))
	var bars []string
	for _, info := range v.thresholded() {
		bars = append(bars, lowerFirst(v.dimName(info.ID))+" "+n.dec(*info.Threshold, 2))
	}
	d.numbered([]item{
		{mRule1.in(l), mRule1Text.f(l, v.k())},
		{mRule1.in(l), mRuleIntegrity.in(l)},
		{mRule1.in(l), mRule3Text.f(l, cfg.MinDecisionN, n.pct(cfg.MinResponseRate))},
		{mRule2.in(l), mRule2Text.f(l, strings.Join(bars, ", "), n.dec(v.gapTolerance(), 2), n.dec(v.overMargin(), 2), n.pct(cfg.WillingShare), cfg.ENPSMinN, n.signed(cfg.ENPSThreshold, 0))},
		{mRule1.in(l), mRuleUnjudged.in(l)},
		{mRule4.in(l), mRule4Text.in(l)},
		{mRule2.in(l), mRule5Text.f(l, n.dec(cfg.Precision, 1), n.pct(cfg.SharePrecision))},
		{mRule1.in(l), mRule6Text.in(l)},
	})
	if v.isTree() && cfg.PartShare > 0 {
		d.para(mRuleParts.f(l, n.pct(cfg.MinResponseRate), n.pct(cfg.PartShare), n.pct(cfg.PartShare)))
	}
	d.subheading(mAnon.in(l), 20)
	d.para(mAnonText.f(l, v.k(), cfg.MinComments))
	d.subheading(mSilence.in(l), 15)
	d.para(mSilenceText.f(l, n.pct(cfg.MinResponseRate)))
	if len(v.res.Pairs) > 0 {
		d.subheading(mGap.in(l), 15)
		d.para(mGapText.f(l, n.dec(v.overMargin(), 2)))
	}
	d.subheading(mDrivers.in(l), 15)
	d.para(mDriversText.in(l))
	if v.res.Trend != nil {
		d.subheading(mTrend.in(l), 15)
		d.para(mTrendText.f(l, n.pct(cfg.TrendPower)))
	}
	d.subheading(mColours.in(l), 15)
	d.para(mColoursText.in(l))
}
