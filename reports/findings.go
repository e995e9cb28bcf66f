package reports

import (
	"cmp"
	"slices"
	"strings"

	"trots/analysis"
)

// The executive summary names three findings, chosen by a fixed rule from
// the evidence. There are five kinds of problem, in this order of
// precedence:
//
//  1. a demonstrated over-promise (the overall gap or a pair): the most
//     fatal pitfall of employer branding;
//  2. a failed do-not-start condition (staying, support from managers);
//  3. a foundation theme demonstrably below its bar;
//  4. an eNPS demonstrably below its bar (a department's, or the
//     organisation's);
//  5. departments that could not be measured (silence is a signal).
//
// Each candidate (a kind of problem in one department, or across the
// organisation) has a severity: how far its demonstrated bound lies past
// the bar, as a share of the distance from the bar to the worst possible
// value (0 just past the bar, 1 at the worst). For a department and a kind
// it is the largest over the department's failed bounds of that kind; for
// silence it is the largest over the silent departments shown, 0 when
// none of them failed a bound (inconclusive, or suppressed only).
//
// The candidates are taken most severe first (ties: order of precedence,
// then the order of the departments); a candidate is skipped when its kind
// already has a finding or its department is already named. So every
// department is named in at most one finding and every kind gives at most
// one. The summary shows the two most severe problems picked and, as the
// third finding, where a pilot can start (the GO departments); without a
// GO department the third problem takes that place. Suppressed departments
// are counted, never named, in a finding.
//
// A department's finding gives the figures of its kind of problem, then
// the department's other demonstrated problems (so that the one place it
// is named tells all), and counts, without naming them, the other
// departments with the same kind of problem.

// Kinds of problem, in order of precedence.
const (
	kindOver = iota
	kindCondition
	kindFoundation
	kindENPS
	kindSilence
)

var (
	fOverLead     = text{nl: "In %s wordt buiten meer beloofd dan binnen waargemaakt:", en: "In %s the promise outside exceeds the reality inside:"}
	fOverOrgLead  = text{nl: "Over de hele organisatie wordt buiten meer beloofd dan binnen waargemaakt:", en: "Across the organisation the promise outside exceeds the reality inside:"}
	fOverAdvice   = text{nl: "Vraag deze medewerkers niet het ideaalbeeld uit te dragen; gebruik hen als klankbord om eerst de praktijk te verbeteren.", en: "Do not ask these employees to promote the ideal picture; use them as a sounding board to improve the reality first."}
	fOverOrg      = text{nl: "Over de hele organisatie: %s.", en: "Across the organisation: %s."}
	fCondLead     = text{nl: "In %s ontbreekt een voorwaarde om te starten:", en: "In %s a condition for starting is missing:"}
	fCondAdvice   = text{nl: "Wie op vertrek staat of geen steun van de leidinggevende voelt, is geen geloofwaardige ambassadeur.", en: "People on their way out, or without their managers' backing, are not credible ambassadors."}
	fBaseLead     = text{nl: "In %s ontbreekt het fundament:", en: "In %s the foundation is missing:"}
	fBaseAdvice   = text{nl: "Zonder trots en een goed werkende basis geen ambassadeurs.", en: "Without pride and a sound employee experience there are no ambassadors."}
	fENPSDepLead  = text{nl: "In %s bevelen medewerkers de organisatie niet aan als werkgever:", en: "In %s employees would not recommend the organisation as an employer:"}
	fENPSFigure   = text{nl: "eNPS %s (interval %s, %s antwoorden).", en: "eNPS %s (interval %s, %s answers)."}
	fENPSOrgToo   = text{nl: "Over de hele organisatie: eNPS %s (interval %s).", en: "Across the organisation: eNPS %s (interval %s)."}
	fENPSLead     = text{nl: "Medewerkers bevelen de organisatie niet aan als werkgever.", en: "Employees would not recommend the organisation as an employer."}
	fENPSText     = text{nl: "De eNPS is %s (interval %s, %s antwoorden).", en: "The eNPS is %s (interval %s, %s answers)."}
	fENPSAdvice   = text{nl: "Luister eerst, voordat je iemand vraagt de organisatie aan te prijzen.", en: "Listen first, before asking anyone to promote the organisation."}
	fAlsoHere     = text{nl: "Daarnaast in deze afdeling: %s.", en: "The same department also shows %s."}
	fAlsoElse     = text{nl: "Ook aangetoond in %s.", en: "Demonstrated in %s as well."}
	fOtherDeps    = text{nl: "%s andere afdelingen", en: "%s other departments"}
	fOtherDep     = text{nl: "1 andere afdeling", en: "1 other department"}
	fQuietLead    = text{nl: "%s kon nog niet gemeten worden.", en: "%s could not be measured yet."}
	fQuietLeads   = text{nl: "%s konden nog niet gemeten worden.", en: "%s could not be measured yet."}
	fQuietSmall   = text{nl: "%s te klein om iets te tonen (zie de heatmap).", en: "%s too small to show anything (see the heatmap)."}
	fQuietLow     = text{nl: "Te weinig deelname om representatief te zijn: %s.", en: "Too little participation to be representative: %s."}
	fQuietUnsure  = text{nl: "Nog te onzeker: %s.", en: "Still too uncertain: %s."}
	fQuietSuspect = text{nl: "Antwoorden niet te vertrouwen (meer antwoorden dan medewerkers, of veel precies gelijke antwoorden): %s.", en: "Answers that cannot be trusted (more answers than employees, or many identical answers): %s."}
	fQuietTail    = text{nl: "Stilte is zelf een signaal: vraag waarom, voordat je conclusies trekt.", en: "Silence is a signal in itself: ask why before drawing conclusions."}
	fGoLead       = text{nl: "Hier kan een pilot beginnen: %s.", en: "A pilot can start here: %s."}
	fGoText       = text{nl: "%s halen elke drempel, ook met de onzekerheidsmarge. Begin klein, met vrijwilligers.", en: "%s clear every bar, margin of uncertainty included. Start small, with volunteers."}
	fGoTextOne    = text{nl: "%s haalt elke drempel, ook met de onzekerheidsmarge. Begin klein, met vrijwilligers.", en: "%s clears every bar, margin of uncertainty included. Start small, with volunteers."}
	fGoInternal   = text{nl: " Voor %s blijft het ambassadeurschap intern: deze mensen mogen niet naar buiten zichtbaar zijn.", en: " For %s ambassadorship stays internal: these people may not be visible outside."}
	fNone         = text{nl: "Nog geen enkele afdeling kon beoordeeld worden.", en: "No department could be judged yet."}
	fNoneText     = text{nl: "Zorg eerst voor voldoende deelname; de bijlage legt uit wanneer de regel beslist.", en: "Get enough participation first; the appendix explains when the rule decides."}
	fDepartments  = text{nl: "%s afdelingen", en: "%s departments"}
	fDepartment   = text{nl: "1 afdeling", en: "1 department"}
	fMore         = text{nl: "nog %s", en: "%s more"}
	fDepsSmall    = text{nl: "%s afdelingen zijn", en: "%s departments are"}
	fDepSmall     = text{nl: "1 afdeling is", en: "1 department is"}
)

// finding is one numbered finding: a bold lead and its evidence.
type finding = item

// departments says "1 department" or "3 departments".
func (v *view) departments(n int) string {
	if n == 1 {
		return fDepartment.in(v.lang)
	}
	return fDepartments.f(v.lang, v.num.integer(n))
}

// names lists at most four names, then "and N more".
func (v *view) names(ns []string) string {
	const most = 4
	if len(ns) <= most {
		return v.list(ns)
	}
	return v.list(append(append([]string(nil), ns[:most]...), fMore.f(v.lang, v.num.integer(len(ns)-most))))
}

// candidate is one kind of problem in one department (dep, an index into
// the departments) or across the organisation (dep -1; silence always).
type candidate struct {
	kind     int
	dep      int
	severity float64
}

// beyond is how far a bound lies past its bar (past, on the bad side) as a
// share of room, the distance from the bar to the worst possible value.
func beyond(past, room float64) float64 {
	if !finite(past) || !finite(room) || past <= 0 || room <= 0 {
		return 0
	}
	return min(past/room, 1)
}

// severity of a failed bound (see the rule above). Gaps are bad when high,
// up to the width of their scale; every other criterion is bad when low,
// down to the dimension's minimum, -100 for the eNPS and 0 for shares and
// counts.
func (v *view) severity(b analysis.Bound) float64 {
	if b.Outcome != "failed" {
		return 0
	}
	switch {
	case b.Criterion == "gap" || strings.HasPrefix(b.Criterion, "gap:"):
		lo, hi := v.gapScale()
		return beyond(b.Low-b.Threshold, float64(hi-lo)-b.Threshold)
	case b.Criterion == "enps":
		return beyond(b.Threshold-b.High, b.Threshold+100)
	case b.Criterion == "willing_share" || b.Criterion == "response_rate" || b.Criterion == "n":
		return beyond(b.Threshold-b.High, b.Threshold)
	}
	if info, ok := v.info(b.Criterion); ok {
		return beyond(b.Threshold-b.High, b.Threshold-float64(info.Min))
	}
	return 0
}

// kindOf is the kind of problem a failed bound shows, or -1 for one that is
// no kind of its own (the willing share, the counts of a silent
// department).
func (v *view) kindOf(b analysis.Bound) int {
	switch {
	case b.Criterion == "gap" || strings.HasPrefix(b.Criterion, "gap:"):
		return kindOver
	case b.Criterion == "enps":
		return kindENPS
	}
	if info, ok := v.info(b.Criterion); ok && info.Threshold != nil {
		switch info.Role {
		case "condition":
			return kindCondition
		case "foundation":
			return kindFoundation
		}
	}
	return -1
}

// failed are the failed bounds of a shown department that has a verdict.
func failed(g *analysis.GroupResult) []analysis.Bound {
	if !shown(g) || g.Verdict == nil {
		return nil
	}
	var out []analysis.Bound
	for _, b := range g.Bounds {
		if b.Outcome == "failed" {
			out = append(out, b)
		}
	}
	return out
}

// silent reports whether g is a silent department: not measurable, so
// named (or, suppressed, counted) under silence only.
func silent(g *analysis.GroupResult) bool { return decision(g) == analysis.NotMeasurable }

// orgOver are the organisation's over-promised pairs.
func (v *view) orgOver() []analysis.GapCell {
	var out []analysis.GapCell
	if og := v.res.Organisation.Gap; og != nil {
		for _, p := range og.Pairs {
			if p.GapStats != nil && p.Status == analysis.GapOverPromised {
				out = append(out, p)
			}
		}
	}
	return out
}

// orgENPS is the organisation's eNPS when it is demonstrably below its bar.
func (v *view) orgENPS() *analysis.ENPSResult {
	if e := v.res.Organisation.ENPS; e != nil && e.N >= v.res.Config.ENPSMinN && e.CIHigh < v.res.Config.ENPSThreshold {
		return e
	}
	return nil
}

// candidates lists every candidate with its severity, in order of
// precedence; within a kind the departments in their order, then the
// organisation as a whole.
func (v *view) candidates() []candidate {
	var out []candidate
	for kind := kindOver; kind < kindSilence; kind++ {
		for i := range v.res.Departments {
			g := &v.res.Departments[i]
			if silent(g) || decision(g) == analysis.Go {
				continue
			}
			c := candidate{kind: kind, dep: i, severity: -1}
			for _, b := range failed(g) {
				if v.kindOf(b) == kind {
					c.severity = max(c.severity, v.severity(b))
				}
			}
			if c.severity >= 0 {
				out = append(out, c)
			}
		}
		switch kind {
		case kindOver:
			org := candidate{kind: kind, dep: -1, severity: -1}
			lo, hi := v.gapScale()
			for _, p := range v.orgOver() {
				s := 0.0
				if p.CILow != nil {
					s = beyond(*p.CILow-v.overMargin(), float64(hi-lo)-v.overMargin())
				}
				org.severity = max(org.severity, s)
			}
			if org.severity >= 0 {
				out = append(out, org)
			}
		case kindENPS:
			if e := v.orgENPS(); e != nil {
				th := v.res.Config.ENPSThreshold
				out = append(out, candidate{kind: kind, dep: -1, severity: beyond(th-e.CIHigh, th+100)})
			}
		}
	}
	quiet := candidate{kind: kindSilence, dep: -1, severity: -1}
	for i := range v.res.Departments {
		g := &v.res.Departments[i]
		if !silent(g) {
			continue
		}
		quiet.severity = max(quiet.severity, 0)
		for _, b := range failed(g) {
			quiet.severity = max(quiet.severity, v.severity(b))
		}
	}
	if quiet.severity >= 0 {
		out = append(out, quiet)
	}
	return out
}

// pick applies the rule: most severe first, one finding per kind, every
// department named at most once. Silent departments are candidates under
// silence only, which names them all, so they are never named twice.
func (v *view) pick(cs []candidate) []candidate {
	slices.SortStableFunc(cs, func(a, b candidate) int { return cmp.Compare(b.severity, a.severity) })
	named := map[int]bool{}
	used := map[int]bool{}
	var out []candidate
	for _, c := range cs {
		if used[c.kind] || c.dep >= 0 && named[c.dep] {
			continue
		}
		used[c.kind] = true
		out = append(out, c)
		if c.dep >= 0 {
			named[c.dep] = true
		}
	}
	return out
}

// quietNames are the shown silent departments: those with too little
// participation, then those still too uncertain.
func (v *view) quietNames() (low, unsure, suspect []string) {
	for i := range v.res.Departments {
		g := &v.res.Departments[i]
		if !silent(g) || !shown(g) {
			continue
		}
		switch {
		case len(g.IntegrityFlags) > 0:
			suspect = append(suspect, clean(g.Name))
		case hasReason(g, "low_response_rate") || hasReason(g, "too_few_responses") ||
			hasReason(g, "low_response_part") || hasReason(g, "low_response_part_unknown"):
			low = append(low, clean(g.Name))
		default:
			unsure = append(unsure, clean(g.Name))
		}
	}
	return low, unsure, suspect
}

// quietSmall counts the suppressed departments.
func (v *view) quietSmall() int {
	n := 0
	for i := range v.res.Departments {
		if g := &v.res.Departments[i]; silent(g) && !shown(g) {
			n++
		}
	}
	return n
}

// figure is a failed bound as the findings print it: "pride 2.77",
// "innovation +2.17", "eNPS -81".
func (v *view) figure(b analysis.Bound) string {
	n := v.num
	switch {
	case strings.HasPrefix(b.Criterion, "gap:"):
		return v.topicName(strings.TrimPrefix(b.Criterion, "gap:")) + " " + n.signed(b.Estimate, 2)
	case b.Criterion == "gap":
		return lowerFirst(v.dimName("gap")) + " " + n.signed(b.Estimate, 2)
	case b.Criterion == "enps":
		return "eNPS " + n.signed(b.Estimate, 0)
	case b.Criterion == "willing_share":
		return lowerFirst(v.dimName("willing_share")) + " " + n.pct(b.Estimate)
	}
	return lowerFirst(v.dimName(b.Criterion)) + " " + n.dec(b.Estimate, 2)
}

// problem writes the finding of a picked candidate.
func (v *view) problem(c candidate) finding {
	n := v.num
	if c.kind == kindSilence {
		return v.silence()
	}
	// Organisation-wide only.
	if c.dep < 0 {
		if c.kind == kindOver {
			var parts []string
			for _, p := range v.orgOver() {
				parts = append(parts, v.topicName(p.Topic)+" "+n.signed(p.Mean, 2))
			}
			return finding{lead: fOverOrgLead.in(v.lang), text: v.list(parts) + ". " + fOverAdvice.in(v.lang)}
		}
		e := v.orgENPS()
		return finding{lead: fENPSLead.in(v.lang), text: fENPSText.f(v.lang, n.signed(e.Value, 0), n.signedInterval(e.CILow, e.CIHigh, 0), n.integer(e.N)) + " " + fENPSAdvice.in(v.lang)}
	}
	g := &v.res.Departments[c.dep]
	name := clean(g.Name)
	var here, also []string
	var alsoBounds []analysis.Bound
	for _, b := range failed(g) {
		if k := v.kindOf(b); k == c.kind {
			if k == kindENPS && g.ENPS != nil {
				here = append(here, fENPSFigure.f(v.lang, n.signed(b.Estimate, 0), n.signedInterval(b.Low, b.High, 0), n.integer(g.ENPS.N)))
			} else {
				here = append(here, v.figure(b))
			}
		} else if k >= 0 || b.Criterion == "willing_share" {
			alsoBounds = append(alsoBounds, b)
		}
	}
	// The department's other problems in the order of precedence, the
	// willing share before the eNPS.
	rank := func(b analysis.Bound) int {
		if k := v.kindOf(b); k >= 0 {
			return 2 * k
		}
		return 2*kindFoundation + 1
	}
	slices.SortStableFunc(alsoBounds, func(a, b analysis.Bound) int { return rank(a) - rank(b) })
	for _, b := range alsoBounds {
		also = append(also, v.figure(b))
	}
	var lead text
	var advice string
	var text []string
	switch c.kind {
	case kindOver:
		lead, advice = fOverLead, fOverAdvice.in(v.lang)
		text = append(text, v.list(here)+".")
	case kindCondition:
		lead, advice = fCondLead, fCondAdvice.in(v.lang)
		text = append(text, v.list(here)+".")
	case kindFoundation:
		lead, advice = fBaseLead, fBaseAdvice.in(v.lang)
		text = append(text, v.list(here)+".")
	case kindENPS:
		lead, advice = fENPSDepLead, fENPSAdvice.in(v.lang)
		text = append(text, here...)
	}
	if len(also) > 0 {
		text = append(text, fAlsoHere.f(v.lang, v.list(also)))
	}
	others := 0
	for i := range v.res.Departments {
		g := &v.res.Departments[i]
		if i == c.dep || silent(g) || decision(g) == analysis.Go {
			continue
		}
		for _, b := range failed(g) {
			if v.kindOf(b) == c.kind {
				others++
				break
			}
		}
	}
	switch {
	case others == 1:
		text = append(text, fAlsoElse.f(v.lang, fOtherDep.in(v.lang)))
	case others > 1:
		text = append(text, fAlsoElse.f(v.lang, fOtherDeps.f(v.lang, n.integer(others))))
	}
	switch c.kind {
	case kindOver:
		var parts []string
		for _, p := range v.orgOver() {
			parts = append(parts, v.topicName(p.Topic)+" "+n.signed(p.Mean, 2))
		}
		if len(parts) > 0 {
			text = append(text, fOverOrg.f(v.lang, v.list(parts)))
		}
	case kindENPS:
		if e := v.orgENPS(); e != nil {
			text = append(text, fENPSOrgToo.f(v.lang, n.signed(e.Value, 0), n.signedInterval(e.CILow, e.CIHigh, 0)))
		}
	}
	text = append(text, advice)
	return finding{lead: lead.f(v.lang, name), text: strings.Join(text, " ")}
}

// silence writes the silence finding: the silent departments shown are
// named, the suppressed ones counted.
func (v *view) silence() finding {
	n := v.num
	low, unsure, suspect := v.quietNames()
	small := v.quietSmall()
	var parts []string
	if len(suspect) > 0 {
		parts = append(parts, fQuietSuspect.f(v.lang, v.names(suspect)))
	}
	if len(low) > 0 {
		parts = append(parts, fQuietLow.f(v.lang, v.names(low)))
	}
	if len(unsure) > 0 {
		parts = append(parts, fQuietUnsure.f(v.lang, v.names(unsure)))
	}
	if small > 0 {
		are := fDepSmall.in(v.lang)
		if small > 1 {
			are = fDepsSmall.f(v.lang, n.integer(small))
		}
		parts = append(parts, capital(fQuietSmall.f(v.lang, are)))
	}
	parts = append(parts, fQuietTail.in(v.lang))
	lead, quiet := fQuietLead, len(low)+len(unsure)+len(suspect)+small
	if quiet > 1 {
		lead = fQuietLeads
	}
	return finding{lead: capital(lead.f(v.lang, v.departments(quiet))), text: strings.Join(parts, " ")}
}

// findings applies the rule above.
func (v *view) findings() []finding {
	var goNames, internal []string
	for i := range v.res.Departments {
		g := &v.res.Departments[i]
		if shown(g) && decision(g) == analysis.Go {
			goNames = append(goNames, clean(g.Name))
			if !g.ExternallyVisible {
				internal = append(internal, clean(g.Name))
			}
		}
	}
	room := 3
	if len(goNames) > 0 {
		room = 2
	}
	picked := v.pick(v.candidates())
	var out []finding
	for _, c := range picked[:min(room, len(picked))] {
		out = append(out, v.problem(c))
	}
	if len(goNames) > 0 {
		goText := fGoText
		if len(goNames) == 1 {
			goText = fGoTextOne
		}
		text := goText.f(v.lang, capital(v.names(goNames)))
		if len(internal) > 0 {
			text += fGoInternal.f(v.lang, v.names(internal))
		}
		out = append(out, finding{lead: fGoLead.f(v.lang, v.departments(len(goNames))), text: text})
	}
	if len(out) == 0 {
		out = []finding{{lead: fNone.in(v.lang), text: fNoneText.in(v.lang)}}
	}
	return out
}

func hasReason(g *analysis.GroupResult, kind string) bool {
	if g.Verdict == nil {
		return false
	}
	for _, r := range g.Reasons {
		if r.Kind == kind {
			return true
		}
	}
	return false
}
