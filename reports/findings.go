package reports

import (
	"strings"

	"trots/analysis"
)

// The executive summary names three findings, chosen by a fixed rule from
// the evidence. Problems are taken in this order of precedence, each only
// when it applies:
//
//  1. a demonstrated over-promise (a pair or the overall gap): the most
//     fatal pitfall of employer branding;
//  2. a failed do-not-start condition (staying, support from managers);
//  3. a foundation theme demonstrably below its bar;
//  4. an organisation-wide eNPS demonstrably below its bar;
//  5. departments that could not be measured (silence is a signal).
//
// The summary shows the first two problems that apply and, as the third
// finding, where a pilot can start (the GO departments); without a GO
// department the third problem takes that place. Suppressed departments
// are counted, never named, in a finding.

var (
	fOverLead    = text{nl: "Buiten wordt meer beloofd dan binnen waargemaakt, in %s.", en: "The promise outside exceeds the reality inside, in %s."}
	fOverText    = text{nl: "%s. Vraag deze medewerkers niet het ideaalbeeld uit te dragen; gebruik hen als klankbord om eerst de praktijk te verbeteren.", en: "%s. Do not ask these employees to promote the ideal picture; use them as a sounding board to improve the reality first."}
	fOverOrg     = text{nl: "Over de hele organisatie: %s.", en: "Across the organisation: %s."}
	fCondLead    = text{nl: "Een voorwaarde om te starten ontbreekt, in %s.", en: "A condition for starting is missing, in %s."}
	fCondText    = text{nl: "%s. Wie op vertrek staat of geen steun van de leidinggevende voelt, is geen geloofwaardige ambassadeur.", en: "%s. People on their way out, or without their managers' backing, are not credible ambassadors."}
	fBaseLead    = text{nl: "Het fundament ontbreekt, in %s.", en: "The foundation is missing, in %s."}
	fBaseText    = text{nl: "%s. Zonder trots en een goed werkende basis geen ambassadeurs.", en: "%s. Without pride and a sound employee experience there are no ambassadors."}
	fENPSLead    = text{nl: "Medewerkers bevelen de organisatie niet aan als werkgever.", en: "Employees would not recommend the organisation as an employer."}
	fENPSText    = text{nl: "De eNPS is %s (interval %s, %s antwoorden). Luister eerst, voordat je iemand vraagt de organisatie aan te prijzen.", en: "The eNPS is %s (interval %s, %s answers). Listen first, before asking anyone to promote the organisation."}
	fQuietLead   = text{nl: "%s kon nog niet gemeten worden.", en: "%s could not be measured yet."}
	fQuietSmall  = text{nl: "%s te klein om iets te tonen (zie de heatmap).", en: "%s too small to show anything (see the heatmap)."}
	fQuietLow    = text{nl: "Te weinig deelname om representatief te zijn: %s.", en: "Too little participation to be representative: %s."}
	fQuietUnsure = text{nl: "Nog te onzeker: %s.", en: "Still too uncertain: %s."}
	fQuietTail   = text{nl: "Stilte is zelf een signaal: vraag waarom, voordat je conclusies trekt.", en: "Silence is a signal in itself: ask why before drawing conclusions."}
	fGoLead      = text{nl: "Hier kan een pilot beginnen: %s.", en: "A pilot can start here: %s."}
	fGoText      = text{nl: "%s halen elke drempel, ook met de onzekerheidsmarge. Begin klein, met vrijwilligers.", en: "%s clear every bar, margin of uncertainty included. Start small, with volunteers."}
	fGoInternal  = text{nl: " Voor %s blijft het ambassadeurschap intern: deze mensen mogen niet naar buiten zichtbaar zijn.", en: " For %s ambassadorship stays internal: these people may not be visible outside."}
	fNone        = text{nl: "Nog geen enkele afdeling kon beoordeeld worden.", en: "No department could be judged yet."}
	fNoneText    = text{nl: "Zorg eerst voor voldoende deelname; de bijlage legt uit wanneer de regel beslist.", en: "Get enough participation first; the appendix explains when the rule decides."}
	fDepartments = text{nl: "%s afdelingen", en: "%s departments"}
	fDepartment  = text{nl: "1 afdeling", en: "1 department"}
	fMore        = text{nl: "nog %s", en: "%s more"}
	fDepsSmall   = text{nl: "%s afdelingen zijn", en: "%s departments are"}
	fDepSmall    = text{nl: "1 afdeling is", en: "1 department is"}
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

// reasonFor returns the failed bound of criterion c in g.
func failedBound(g *analysis.GroupResult, c string) *analysis.Bound {
	if g.Verdict == nil {
		return nil
	}
	for i := range g.Bounds {
		if g.Bounds[i].Criterion == c && g.Bounds[i].Outcome == "failed" {
			return &g.Bounds[i]
		}
	}
	return nil
}

// findings applies the rule above.
func (v *view) findings() []finding {
	n := v.num
	var problems []finding
	var goNames, internal []string
	// 1. Over-promise.
	var overDeps []string
	for i := range v.res.Departments {
		g := &v.res.Departments[i]
		if !shown(g) {
			continue
		}
		if decision(g) == analysis.Go {
			goNames = append(goNames, clean(g.Name))
			if !g.ExternallyVisible {
				internal = append(internal, clean(g.Name))
			}
		}
		var parts []string
		for _, b := range g.Bounds {
			if b.Outcome != "failed" {
				continue
			}
			switch {
			case strings.HasPrefix(b.Criterion, "gap:"):
				parts = append(parts, v.topicName(strings.TrimPrefix(b.Criterion, "gap:"))+" "+n.signed(b.Estimate, 2))
			case b.Criterion == "gap":
				parts = append(parts, lowerFirst(v.dimName("gap"))+" "+n.signed(b.Estimate, 2))
			}
		}
		if len(parts) > 0 && g.Verdict != nil {
			overDeps = append(overDeps, clean(g.Name)+" ("+strings.Join(parts, ", ")+")")
		}
	}
	var orgOver []string
	if og := v.res.Organisation.Gap; og != nil {
		for _, p := range og.Pairs {
			if p.GapStats != nil && p.Status == analysis.GapOverPromised {
				orgOver = append(orgOver, v.topicName(p.Topic)+" "+n.signed(p.Mean, 2))
			}
		}
	}
	if len(overDeps) > 0 || len(orgOver) > 0 {
		text := ""
		if len(overDeps) > 0 {
			text = fOverText.f(v.lang, v.names(overDeps))
		}
		if len(orgOver) > 0 {
			text = strings.TrimSpace(text + " " + fOverOrg.f(v.lang, v.list(orgOver)))
		}
		problems = append(problems, finding{lead: fOverLead.f(v.lang, v.departments(max(1, len(overDeps)))), text: text})
	}
	// 2 and 3. Conditions and foundations.
	for _, role := range []string{"condition", "foundation"} {
		var deps []string
		for i := range v.res.Departments {
			g := &v.res.Departments[i]
			if !shown(g) {
				continue
			}
			var parts []string
			for _, info := range v.thresholded() {
				if info.Role != role {
					continue
				}
				if b := failedBound(g, info.ID); b != nil {
					parts = append(parts, lowerFirst(v.dimName(info.ID))+" "+n.dec(b.Estimate, 2))
				}
			}
			if len(parts) > 0 {
				deps = append(deps, clean(g.Name)+" ("+strings.Join(parts, ", ")+")")
			}
		}
		if len(deps) == 0 {
			continue
		}
		lead, body := fCondLead, fCondText
		if role == "foundation" {
			lead, body = fBaseLead, fBaseText
		}
		problems = append(problems, finding{lead: lead.f(v.lang, v.departments(len(deps))), text: body.f(v.lang, v.names(deps))})
	}
	// 4. eNPS of the organisation.
	if e := v.res.Organisation.ENPS; e != nil && e.N >= v.res.Config.ENPSMinN && e.CIHigh < v.res.Config.ENPSThreshold {
		problems = append(problems, finding{lead: fENPSLead.in(v.lang), text: fENPSText.f(v.lang, n.signed(e.Value, 0), n.signedInterval(e.CILow, e.CIHigh, 0), n.integer(e.N))})
	}
	// 5. Silence.
	small, quiet := 0, 0
	var low, unsureNames []string
	for i := range v.res.Departments {
		g := &v.res.Departments[i]
		if decision(g) != analysis.NotMeasurable {
			continue
		}
		quiet++
		if !shown(g) {
			small++
			continue
		}
		if hasReason(g, "low_response_rate") || hasReason(g, "too_few_responses") {
			low = append(low, clean(g.Name))
		} else {
			unsureNames = append(unsureNames, clean(g.Name))
		}
	}
	if quiet > 0 {
		var parts []string
		if len(low) > 0 {
			parts = append(parts, fQuietLow.f(v.lang, v.names(low)))
		}
		if len(unsureNames) > 0 {
			parts = append(parts, fQuietUnsure.f(v.lang, v.names(unsureNames)))
		}
		if small > 0 {
			are := fDepSmall.in(v.lang)
			if small > 1 {
				are = fDepsSmall.f(v.lang, n.integer(small))
			}
			parts = append(parts, capital(fQuietSmall.f(v.lang, are)))
		}
		parts = append(parts, fQuietTail.in(v.lang))
		problems = append(problems, finding{lead: capital(fQuietLead.f(v.lang, v.departments(quiet))), text: strings.Join(parts, " ")})
	}

	var out []finding
	if len(goNames) > 0 {
		out = append(out, problems[:min(2, len(problems))]...)
		text := fGoText.f(v.lang, capital(v.names(goNames)))
		if len(internal) > 0 {
			text += fGoInternal.f(v.lang, v.names(internal))
		}
		out = append(out, finding{lead: fGoLead.f(v.lang, v.departments(len(goNames))), text: text})
	} else {
		out = problems[:min(3, len(problems))]
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
