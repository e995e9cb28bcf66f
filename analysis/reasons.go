package analysis

import (
	"sort"
	"strconv"
	"strings"

	"trots/questionnaires"
)

// reasonTexts is the catalogue of reason kinds, in every language. A text
// may name its subject with {subject}: the dimension's name in the
// questionnaire, or the topic of a promise/reality pair. Kinds are stable:
// reports and the server key on them; the test checks that every kind the
// analysis can produce has a text in each language.
var reasonTexts = map[string]map[string]string{
	SuppressedAnonymity: {
		"en": "No figure is shown, to protect anonymity: too few people responded here, or the figures would let the answers of another small department be worked out from the totals.",
		"nl": "Er wordt geen cijfer getoond, om de anonimiteit te beschermen: hier reageerden te weinig mensen, of met deze cijfers zijn de antwoorden van een andere kleine afdeling uit de totalen terug te rekenen.",
	},
	"below_threshold": {
		"en": "{subject} is demonstrably below its threshold: improve it before asking people to be ambassadors.",
		"nl": "{subject} ligt aantoonbaar onder de drempel: verbeter dit voordat je mensen vraagt ambassadeur te worden.",
	},
	"gap_over_promised": {
		"en": "What the organisation promises outside demonstrably exceeds what employees experience: close the gap before asking them to promote the picture.",
		"nl": "Wat de organisatie naar buiten belooft, gaat aantoonbaar verder dan wat medewerkers ervaren: dicht die kloof voordat je hen vraagt het beeld uit te dragen.",
	},
	"pair_over_promised": {
		"en": "On {subject} the external promise demonstrably exceeds daily reality.",
		"nl": "Op {subject} gaat de externe belofte aantoonbaar verder dan de dagelijkse praktijk.",
	},
	"willing_share_too_low": {
		"en": "Demonstrably too few people are willing to share their work in their own network.",
		"nl": "Aantoonbaar te weinig mensen willen hun werk in hun eigen netwerk delen.",
	},
	"enps_below_threshold": {
		"en": "Employees would demonstrably not recommend the organisation as an employer (eNPS below its threshold).",
		"nl": "Medewerkers bevelen de organisatie aantoonbaar niet aan als werkgever (eNPS onder de drempel).",
	},
	"too_few_responses": {
		"en": "Too few responses to decide: the intervals are too wide. Silence can itself be a signal.",
		"nl": "Te weinig reacties om te beslissen: de marges zijn te breed. Stilte kan zelf een signaal zijn.",
	},
	"low_response_rate": {
		"en": "The response rate is below the minimum: the answers may not speak for the department, and low participation is a warning in itself.",
		"nl": "Het responspercentage ligt onder het minimum: de antwoorden spreken mogelijk niet voor de afdeling, en lage deelname is op zich een waarschuwing.",
	},
	"criterion_unavailable": {
		"en": "{subject} could not be judged for this department: too few answers on it, hidden to protect a smaller group, or answers without any spread.",
		"nl": "{subject} kon voor deze afdeling niet beoordeeld worden: te weinig antwoorden, verborgen om een kleinere groep te beschermen, of antwoorden zonder enige spreiding.",
	},
	"ready": {
		"en": "Every criterion clears its threshold, including its margin of uncertainty: start a small pilot with the people who are willing.",
		"nl": "Elk criterium haalt de drempel, ook met de onzekerheidsmarge: start een kleine pilot met de mensen die willen.",
	},
	"not_demonstrated": {
		"en": "{subject} is measured precisely but does not clear its threshold.",
		"nl": "{subject} is nauwkeurig gemeten maar haalt de drempel niet.",
	},
	"gap_not_within_tolerance": {
		"en": "The gap between promise and reality is measured precisely but is not shown to stay within the tolerance.",
		"nl": "De kloof tussen belofte en praktijk is nauwkeurig gemeten maar blijft niet aantoonbaar binnen de tolerantie.",
	},
	"willing_share_not_demonstrated": {
		"en": "The share of people willing to share is measured precisely but does not clear the required share.",
		"nl": "Het aandeel mensen dat wil delen is nauwkeurig gemeten maar haalt het vereiste aandeel niet.",
	},
	"enps_not_demonstrated": {
		"en": "The eNPS is measured precisely but does not clear its threshold.",
		"nl": "De eNPS is nauwkeurig gemeten maar haalt de drempel niet.",
	},
	"inconclusive": {
		"en": "Not decided yet: the margins of uncertainty still straddle the thresholds. More responses are needed.",
		"nl": "Nog niet te beslissen: de onzekerheidsmarges liggen nog over de drempels heen. Er zijn meer reacties nodig.",
	},
	"response_rate_unknown": {
		"en": "The headcount is unknown, so the response rate could not be checked.",
		"nl": "Het aantal medewerkers is onbekend, dus het responspercentage kon niet gecontroleerd worden.",
	},
	"headcount_below_responses": {
		"en": "More responses than employees: check the headcount. The response rate was not used.",
		"nl": "Meer reacties dan medewerkers: controleer het aantal medewerkers. Het responspercentage is niet gebruikt.",
	},
	"possible_problem": {
		"en": "Possible problem: {subject}. Its margin of uncertainty already lies on the wrong side of the threshold, but these answers are too few or too unrepresentative to decide: worth looking into.",
		"nl": "Mogelijk probleem: {subject}. De onzekerheidsmarge ligt al aan de verkeerde kant van de drempel, maar deze antwoorden zijn te weinig of te weinig representatief om te beslissen: de moeite waard om na te gaan.",
	},
	"more_answers_than_headcount": {
		"en": "More answers than employees ({count} answers, headcount {of}): someone may have answered more than once, or the headcount is out of date. These answers cannot support a verdict.",
		"nl": "Meer antwoorden dan medewerkers ({count} antwoorden, {of} medewerkers): iemand heeft mogelijk vaker geantwoord, of het aantal medewerkers klopt niet meer. Deze antwoorden kunnen geen oordeel dragen.",
	},
	"duplicate_answers": {
		"en": "{count} identical answers, far more than chance explains: one person may have answered many times. These answers cannot support a verdict.",
		"nl": "{count} identieke antwoorden, veel meer dan toeval verklaart: één persoon heeft mogelijk vele keren geantwoord. Deze antwoorden kunnen geen oordeel dragen.",
	},
	"duplicate_answers_unnumbered": {
		"en": "Several answers are exactly identical, more than chance explains: one person may have answered more than once. These answers cannot support a verdict.",
		"nl": "Meerdere antwoorden zijn precies gelijk, vaker dan toeval verklaart: één persoon heeft mogelijk meer dan eens geantwoord. Deze antwoorden kunnen geen oordeel dragen.",
	},
	"suspect_answers_in_part": {
		"en": "The answers of {count} part(s) of this group are suspect (flagged below, or among its own people and the hidden groups below it): they are in this group's figures, which therefore cannot support a verdict.",
		"nl": "De antwoorden van {count} onderde(e)l(en) van deze groep zijn verdacht (hieronder gemarkeerd, of bij de eigen mensen en de verborgen groepen eronder): ze zitten in de cijfers van deze groep, die daarom geen oordeel kunnen dragen.",
	},
	"low_response_part": {
		"en": "Parts of this group where fewer answered than the minimum response rate hold {count} of its {of} employees: together the answers reach the minimum, but they speak mostly for the other parts, and silence is a signal.",
		"nl": "Onderdelen van deze groep waar minder mensen antwoordden dan het minimale responspercentage, tellen {count} van de {of} medewerkers: samen halen de antwoorden het minimum, maar ze spreken vooral voor de andere onderdelen, en stilte is een signaal.",
	},
	"low_response_part_unknown": {
		"en": "Parts of this group where fewer answered than the minimum response rate hold {count} employees, and as far as its headcount is known that may be a large share of its people: the answers may speak mostly for the other parts, and silence is a signal.",
		"nl": "Onderdelen van deze groep waar minder mensen antwoordden dan het minimale responspercentage, tellen {count} medewerkers, en voor zover het aantal medewerkers bekend is, kan dat een groot deel van de groep zijn: de antwoorden spreken mogelijk vooral voor de andere onderdelen, en stilte is een signaal.",
	},
	"part_fix_first": {
		"en": "Parts below this group with a demonstrated problem (FIX FIRST) hold {count} of its {of} respondents: the average hides them. Fix those first.",
		"nl": "Onderdelen onder deze groep met een aangetoond probleem (EERST VERBETEREN) tellen {count} van de {of} respondenten: het gemiddelde verbergt ze. Verbeter die eerst.",
	},
	"internal_ambassadors_only": {
		"en": "These roles may not be visible outside: ambassadorship stays internal (onboarding, referrals, internal stories).",
		"nl": "Deze functies mogen niet naar buiten zichtbaar zijn: ambassadeurschap blijft intern (inwerken, doorverwijzen, interne verhalen).",
	},
}

// ReasonLanguages are the languages of the reason catalogue.
var ReasonLanguages = []string{"nl", "en"}

// ReasonKinds returns the catalogue's kinds, sorted.
func ReasonKinds() []string {
	kinds := make([]string, 0, len(reasonTexts))
	for k := range reasonTexts {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	return kinds
}

// ReasonText returns the text of a reason kind in lang ("nl" or "en",
// falling back to English) with {subject} replaced; "" for an unknown kind.
func ReasonText(kind, lang, subject string) string {
	texts, ok := reasonTexts[kind]
	if !ok {
		return ""
	}
	t, ok := texts[lang]
	if !ok {
		t = texts["en"]
	}
	return strings.ReplaceAll(t, "{subject}", subject)
}

// ReasonTextOf is ReasonText for r, with the numbers r carries ({count},
// {of}) filled in.
func ReasonTextOf(r Reason, lang, subject string) string {
	t := ReasonText(r.Kind, lang, subject)
	return strings.NewReplacer("{count}", strconv.Itoa(r.Count), "{of}", strconv.Itoa(r.Of)).Replace(t)
}

// Localize fills the Text of every reason and note in res, in lang ("nl"
// or "en"), naming dimensions as the questionnaire does.
func Localize(res *Result, q *questionnaires.Questionnaire, lang string) {
	if lang != "nl" {
		lang = "en"
	}
	subject := func(r Reason) string {
		switch {
		case r.Topic != "":
			return questionnaires.TopicName(r.Topic, lang)
		case r.Dimension == "gap":
			return map[string]string{"nl": "De kloof tussen belofte en praktijk", "en": "The gap between promise and reality"}[lang]
		case r.Dimension == "enps":
			return "eNPS"
		case r.Dimension != "" && q != nil:
			if d, ok := q.Dimension(r.Dimension); ok {
				return d.Name.Get(lang)
			}
		}
		return r.Dimension
	}
	fill := func(rs []Reason) {
		for i := range rs {
			rs[i].Text = ReasonTextOf(rs[i], lang, subject(rs[i]))
		}
	}
	for i := range res.Departments {
		if v := res.Departments[i].Verdict; v != nil {
			fill(v.Reasons)
			fill(v.Notes)
		}
	}
}
