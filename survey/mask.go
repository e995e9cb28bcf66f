package survey

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Markers that replace what Mask removes from an open comment. The language
// of a comment is not known, so each marker names its kind in Dutch and
// English; the brackets and the slash keep them from being read as text.
const (
	MaskedName   = "[naam/name]"
	MaskedHealth = "[gezondheid/health]"
	MaskedTrait  = "[kenmerk/trait]"
)

// maskKind is what a span of a comment holds.
type maskKind byte

const (
	kindName   maskKind = 'N'
	kindHealth maskKind = 'H'
	kindTrait  maskKind = 'T'
)

func (k maskKind) marker() string {
	switch k {
	case kindName:
		return MaskedName
	case kindHealth:
		return MaskedHealth
	default:
		return MaskedTrait
	}
}

// span is a byte range of a comment to replace by its kind's marker.
type span struct {
	start, end int
	kind       maskKind
}

// Masked reports whether a stored comment had something replaced: it
// holds one of the markers of Scrub or Mask. (A respondent who types a
// marker is counted too; the count is a figure about comments, not people.)
func Masked(body string) bool {
	for _, m := range []string{MaskedName, MaskedHealth, MaskedTrait, ScrubbedEmail, ScrubbedPhone} {
		if strings.Contains(body, m) {
			return true
		}
	}
	return false
}

// Mask replaces what could name a person or reveal health data in an open
// comment by a marker, before the comment is stored. names is the list the
// organisation supplies (settings, one name per line; may be empty). It
// recognises, in Dutch and English:
//
//   - a name after a role word or title: "teamleider Jan de Vries",
//     "mevrouw Jansen", "my manager Sarah", "Mr. Smith", "directeur A.
//     Bakker" (the role word stays: "teamleider [naam/name]"); a role word is
//     one of a fixed list, or a compound ending in one ("projectleider",
//     "afdelingshoofd");
//   - a Dutch full name anywhere: a capitalised word, a surname particle
//     and a capitalised word ("Piet van Dam"), unless the first word names
//     an institution ("Raad van Bestuur");
//   - every whole-word occurrence of a name on the organisation's list,
//     case-sensitively ("Bakker" is masked, "bakker" the baker is not);
//   - health terms (art. 9 GDPR special categories): illness, burn-out,
//     disability, pregnancy, cancer, depression, diagnosis, therapy and the
//     like, each term replaced by MaskedHealth;
//   - a trait that singles the writer or a colleague out: "ik ben de enige
//     parttimer", "the only woman" (the trait word becomes MaskedTrait).
//
// It works on words, not meaning: it misses names without a cue ("Sarah
// said") and masks some words it need not ("de manager Inkoop"); the
// committed corpus survey/testdata/comments_corpus.txt counts both. Mask
// is idempotent: markers are never masked again.
func Mask(s string, names []string) string {
	return newNameIndex(names).mask(s)
}

// nameIndex is the organisation's list of names indexed by each name's
// first word, built once per list (the store caches it).
type nameIndex map[string][]string

func newNameIndex(names []string) nameIndex {
	byFirst := make(nameIndex, len(names))
	for _, n := range names {
		if utf8.RuneCountInString(n) < 2 {
			continue
		}
		first := tokenize(n)
		if len(first) == 0 || first[0].start != 0 {
			continue
		}
		byFirst[first[0].text] = append(byFirst[first[0].text], n)
	}
	return byFirst
}

func (idx nameIndex) mask(s string) string {
	spans := maskSpans(s, idx)
	if len(spans) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		b.WriteString(s[last:sp.start])
		b.WriteString(sp.kind.marker())
		last = sp.end
	}
	b.WriteString(s[last:])
	return b.String()
}

// ScrubAndMask is Scrub followed by Mask: everything removed from an open
// comment before it is stored.
func ScrubAndMask(s string, names []string) string {
	return Mask(Scrub(s), names)
}

func (idx nameIndex) scrubAndMask(s string) string { return idx.mask(Scrub(s)) }

// ParseNames reads the organisation's list of names: one per line, blank
// lines and lines starting with '#' skipped, surrounding spaces trimmed,
// each name once.
func ParseNames(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		n := strings.TrimSpace(line)
		if n == "" || strings.HasPrefix(n, "#") || seen[n] {
			continue
		}
		seen[n] = true
		out = append(out, n)
	}
	return out
}

// token is a word of a comment: letters and digits, with inner hyphens and
// apostrophes ("burn-out", "Sarah's", "'t").
type token struct {
	start, end int
	text       string
	lower      string
}

func tokenize(s string) []token {
	var toks []token
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			i += n
			continue
		}
		start := i
		i += n
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			if isWordRune(r) {
				i += n
				continue
			}
			if r == '-' || r == '\'' || r == '’' {
				if r2, _ := utf8.DecodeRuneInString(s[i+n:]); i+n < len(s) && unicode.IsLetter(r2) {
					i += n
					continue
				}
			}
			break
		}
		t := s[start:i]
		toks = append(toks, token{start: start, end: i, text: t, lower: strings.ToLower(t)})
	}
	return toks
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// maskSpans finds the spans to mask, sorted and without overlaps (where two
// overlap, the earlier-starting, then the longer, wins).
func maskSpans(s string, names nameIndex) []span {
	toks := tokenize(s)
	var spans []span
	spans = append(spans, healthSpans(s, toks)...)
	spans = append(spans, roleNameSpans(s, toks)...)
	spans = append(spans, fullNameSpans(s, toks)...)
	spans = append(spans, listedNameSpans(s, toks, names)...)
	spans = append(spans, traitSpans(s, toks)...)
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].start != spans[j].start {
			return spans[i].start < spans[j].start
		}
		return spans[i].end > spans[j].end
	})
	var out []span
	for _, sp := range spans {
		if n := len(out); n > 0 && sp.start < out[n-1].end {
			if sp.end > out[n-1].end {
				out[n-1].end = sp.end
			}
			continue
		}
		out = append(out, sp)
	}
	return out
}

// gap is the text between two tokens.
func gap(s string, toks []token, i int) string { return s[toks[i].end:toks[i+1].start] }

// --- names -----------------------------------------------------------------

// roleWords are followed by a name often enough that a capitalised word
// after them is taken for one. Compounds ending in roleSuffixes count too.
var roleWords = setOf(
	// Dutch
	"teamleider", "teamlead", "leidinggevende", "manager", "chef", "baas", "directeur", "directrice",
	"collega", "collega's", "hoofd", "leider", "coördinator", "coordinator", "supervisor", "bestuurder",
	"wethouder", "burgemeester", "secretaris", "voorzitter", "adviseur", "mentor", "begeleider",
	"coach", "opvolger", "voorganger", "uitvoerder", "ploegleider", "werkgever", "stagiair", "stagiaire",
	"meneer", "mevrouw", "juffrouw", "heer", "dhr", "mevr", "mw", "mr", "mrs", "ms", "miss", "dr", "prof",
	// English
	"boss", "director", "lead", "leader", "colleague", "colleagues", "coworker", "co-worker", "head",
	"teammate", "ceo", "cfo", "cto", "chair", "chairman", "chairwoman", "sir", "madam", "team-lead",
)

var roleSuffixes = []string{"leider", "manager", "directeur", "chef", "hoofd", "coördinator", "coordinator", "lead", "leader", "supervisor", "adviseur", "collega"}

// titleAbbrevs may be written with a full stop before the name: "Mr. Smith".
var titleAbbrevs = setOf("dhr", "mevr", "mw", "mr", "mrs", "ms", "dr", "prof")

// particles are the lower-case parts of Dutch surnames.
var particles = setOf("van", "de", "der", "den", "ter", "ten", "te", "von", "la", "le", "du", "da", "di", "del")

// notNames are capitalised words that often follow a role word without
// being a name: pronouns and sentence openers.
var notNames = setOf("i", "ik", "en", "maar", "and", "but", "the", "de", "het", "een", "die", "dat", "is", "was",
	"heeft", "has", "zegt", "says", "said", "zei", "wil", "wants", "of", "or", "in", "op", "on", "at", "we", "wij",
	"ze", "zij", "hij", "he", "she", "they", "it", "dit", "this", "that", "also", "ook", "niet", "not", "nooit", "never",
	"altijd", "always", "kan", "can", "moet", "must", "should", "zou")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

func isRole(lower string) bool {
	if roleWords[lower] {
		return true
	}
	for _, suf := range roleSuffixes {
		if strings.HasSuffix(lower, suf) && len(lower) > len(suf)+2 {
			return true
		}
	}
	return false
}

// capitalised: an upper-case first letter, not an acronym ("ICT", "HR").
func capitalised(t string) bool {
	r, n := utf8.DecodeRuneInString(t)
	if !unicode.IsUpper(r) {
		return false
	}
	if n == len(t) {
		return true // an initial
	}
	for _, r := range t[n:] {
		if unicode.IsLower(r) {
			return true
		}
	}
	return false
}

// nameAt reads a name starting at toks[i]: initials, surname particles
// and capitalised words, at most five tokens, separated by spaces (or an
// initial's full stop). It returns the index after the name's last
// capitalised word, or i when there is none.
func nameAt(s string, toks []token, i int) int {
	end, j := i, i
	for j < len(toks) && j-i < 5 {
		t := toks[j]
		if j > i {
			g := strings.TrimSpace(gap(s, toks, j-1))
			initial := utf8.RuneCountInString(toks[j-1].text) == 1 && capitalised(toks[j-1].text)
			if g != "" && !(initial && g == ".") {
				break
			}
		}
		switch {
		case particles[t.lower]: // "de", "van", "De": part of a name only before a capitalised word
		case capitalised(t.text) && utf8.RuneCountInString(t.text) == 1: // an initial
		case capitalised(t.text) && !notNames[t.lower]:
			end = j + 1
		default:
			return end
		}
		j++
	}
	return end
}

// roleNameSpans masks the name after a role word or title.
func roleNameSpans(s string, toks []token) []span {
	var out []span
	for i := 0; i+1 < len(toks); i++ {
		if !isRole(toks[i].lower) {
			continue
		}
		g := strings.TrimSpace(gap(s, toks, i))
		ok := g == "" || g == "," || g == ":" || g == "." && titleAbbrevs[toks[i].lower]
		if !ok {
			continue
		}
		j := i + 1
		if end := nameAt(s, toks, j); end > j {
			out = append(out, span{toks[j].start, toks[end-1].end, kindName})
			i = end - 1
		}
	}
	return out
}

// institutions start capitalised phrases with a particle that are not
// names of people: "Raad van Bestuur", "Ministerie van Financiën".
var institutions = setOf("raad", "ministerie", "afdeling", "dienst", "gemeente", "provincie", "college", "bureau",
	"hof", "directie", "team", "kamer", "huis", "stichting", "universiteit", "hogeschool", "koning", "koningin",
	"staat", "staten", "rijk", "bank", "centrum", "vereniging", "inspectie", "tweede", "eerste", "hoek", "bergen", "den",
	"de", "het", "dag", "week", "maand", "jaar", "sector", "unit", "directoraat", "programma", "project")

// fullNameSpans masks "Piet van Dam" and "Jan de Vries" without a cue: a
// capitalised word, one to three particles, a capitalised word.
func fullNameSpans(s string, toks []token) []span {
	var out []span
	for i := 0; i+2 < len(toks); i++ {
		if !capitalised(toks[i].text) || utf8.RuneCountInString(toks[i].text) == 1 || institutions[toks[i].lower] || notNames[toks[i].lower] {
			continue
		}
		j := i + 1
		for j < len(toks) && j-i <= 3 && particles[toks[j].text] && strings.TrimSpace(gap(s, toks, j-1)) == "" {
			j++
		}
		if j == i+1 || j >= len(toks) || strings.TrimSpace(gap(s, toks, j-1)) != "" || !capitalised(toks[j].text) {
			continue
		}
		out = append(out, span{toks[i].start, toks[j].end, kindName})
		i = j
	}
	return out
}

// listedNameSpans masks every whole-word, case-sensitive occurrence of a
// name on the organisation's list, longest names first. Names are looked up
// by the comment's words (the first word of each name indexes it), so a
// long staff list costs one map entry per name, not a scan of the comment
// per name.
func listedNameSpans(s string, toks []token, byFirst nameIndex) []span {
	if len(byFirst) == 0 {
		return nil
	}
	var out []span
	for _, t := range toks {
		cands := byFirst[t.text]
		best := 0
		for _, n := range cands {
			b := t.start + len(n)
			if len(n) <= best || !strings.HasPrefix(s[t.start:], n) {
				continue
			}
			if after, _ := utf8.DecodeRuneInString(s[b:]); b == len(s) || !isWordRune(after) {
				best = len(n)
			}
		}
		if best > 0 {
			out = append(out, span{t.start, t.start + best, kindName})
		}
	}
	return out
}

// --- health ----------------------------------------------------------------

// healthWords are masked as whole words; healthPrefixes as the start of a
// word ("zwangerschapsverlof", "depressief"), healthSuffixes as its end
// ("borstkanker", "hartziekte"). Not in them on purpose: "ziekenhuis"
// (a workplace), "kankeren" (to grumble), "psychologische veiligheid",
// "health", "gezondheid", "mental health" and "stress", which comments use
// about the organisation far more than about a person.
var (
	healthWords = setOf(
		"ziek", "zieke", "zieker", "ziekte", "ziektes", "ziekten", "kanker", "chemo", "tumor", "tumoren",
		"handicap", "gehandicapt", "gehandicapte", "zwanger", "beperking", "psycholoog", "psychiater", "autisme",
		"autistisch", "adhd", "add", "ptss", "reuma", "diabetes", "hernia", "miskraam", "bedrijfsarts", "medicatie",
		"medicijnen", "antidepressiva", "verslaving", "verslaafd", "revalidatie", "re-integratie", "reïntegratie",
		"wia", "wajong", "hartaanval", "herseninfarct", "beroerte", "angststoornis", "paniekaanval", "paniekaanvallen",
		"sick", "sickness", "ill", "illness", "illnesses", "cancer", "tumour", "disability", "disabilities", "disabled",
		"handicapped", "pregnant", "pregnancy", "miscarriage", "psychologist", "psychiatrist", "autism", "autistic",
		"ptsd", "medication", "rehab", "rehabilitation", "surgery", "addiction", "addicted", "chemotherapy",
	)
	healthPrefixes = []string{
		"ziekmeld", "ziekgemeld", "ziekteverlof", "ziekteverzuim", "ziektewet", "burn-out", "burnout", "overspannen",
		"zwangerschap", "depressi", "arbeidsbeperk", "functiebeperk", "diagnos", "gediagnosticeerd", "therap",
		"chemotherap", "bevallingsverlof", "overspanning", "psychos", "depressed", "depression",
	}
	healthSuffixes = []string{"kanker", "ziekte", "beperking", "handicap", "depressie", "diagnose"}
	// healthPhrases are masked as a whole when their words follow each other.
	healthPhrases = [][]string{
		{"sick", "leave"}, {"sick", "note"}, {"maternity", "leave"}, {"mental", "illness"}, {"heart", "attack"},
		{"burned", "out"}, {"burnt", "out"}, {"burn", "out"}, {"panic", "attack"}, {"panic", "attacks"},
		{"anxiety", "disorder"}, {"long", "covid"}, {"met", "een", "beperking"}, {"on", "medical", "leave"},
	}
	// healthIdioms: a health word followed by one of these is a figure of
	// speech ("sick of meetings", "sick and tired").
	healthIdioms = map[string][]string{"sick": {"of", "and"}, "ill": {"at"}}
	// Kinds of "beperking" that are no one's health.
	beperkingNot = setOf("budgetbeperking", "tijdsbeperking", "snelheidsbeperking", "groeibeperking", "schadebeperking", "kostenbeperking", "risicobeperking")
)

func isHealthWord(lower string) bool {
	if healthWords[lower] {
		return true
	}
	for _, p := range healthPrefixes {
		if strings.HasPrefix(lower, p) {
			return true
		}
	}
	if beperkingNot[lower] {
		return false
	}
	for _, suf := range healthSuffixes {
		if strings.HasSuffix(lower, suf) {
			return true
		}
	}
	return false
}

func healthSpans(s string, toks []token) []span {
	var out []span
	for i := 0; i < len(toks); i++ {
		if n := phraseAt(s, toks, i); n > 0 {
			out = append(out, span{toks[i].start, toks[i+n-1].end, kindHealth})
			i += n - 1
			continue
		}
		if !isHealthWord(toks[i].lower) {
			continue
		}
		if next, ok := healthIdioms[toks[i].lower]; ok && i+1 < len(toks) && strings.TrimSpace(gap(s, toks, i)) == "" && contains(next, toks[i+1].lower) {
			continue
		}
		if toks[i].lower == "beperking" && !(i > 0 && (toks[i-1].lower == "een" || toks[i-1].lower == "mijn" || toks[i-1].lower == "zijn" || toks[i-1].lower == "haar" || toks[i-1].lower == "lichamelijke")) {
			continue // "beperking" alone is any limitation; "een beperking" is a disability
		}
		if toks[i].lower == "add" && toks[i].text != "ADD" {
			continue // the English verb
		}
		out = append(out, span{toks[i].start, toks[i].end, kindHealth})
	}
	return out
}

func phraseAt(s string, toks []token, i int) int {
	for _, ph := range healthPhrases {
		if i+len(ph) > len(toks) {
			continue
		}
		ok := true
		for k, w := range ph {
			if toks[i+k].lower != w || k > 0 && strings.TrimSpace(gap(s, toks, i+k-1)) != "" {
				ok = false
				break
			}
		}
		if ok {
			return len(ph)
		}
	}
	return 0
}

func contains(list []string, w string) bool {
	for _, x := range list {
		if x == w {
			return true
		}
	}
	return false
}

// --- traits ----------------------------------------------------------------

// notTraits follow "de enige" / "the only" without singling anyone out:
// "de enige manier", "the only way", "the only one who".
var notTraits = setOf("die", "dat", "wat", "manier", "reden", "oplossing", "optie", "keer", "moment", "plek", "vraag",
	"probleem", "echte", "goede", "juiste", "mogelijkheid", "wie", "een", "ene", "in", "op", "met", "van", "voor", "niet",
	"way", "reason", "thing", "things", "option", "time", "problem", "solution", "one", "ones", "who", "that", "person",
	"people", "place", "question", "chance", "real", "good", "right", "in", "on", "with", "for", "not", "a", "an", "to",
	"persoon", "mensen", "iemand", "someone", "dingen", "ding", "zaak", "kans", "nadeel", "voordeel", "downside", "upside")

// traitSpans masks the word after "de/het enige" or "(the) only" that
// singles a person out: "ik ben de enige parttimer" -> "ik ben de enige
// [kenmerk/trait]"; with one adjective before it, both ("de enige oudere
// vrouw"). English "only" counts after "the", "am the", "I'm the" only.
func traitSpans(s string, toks []token) []span {
	var out []span
	for i := 0; i+1 < len(toks); i++ {
		w := toks[i].lower
		cue := w == "enige" && i > 0 && (toks[i-1].lower == "de" || toks[i-1].lower == "als" || toks[i-1].lower == "het") ||
			w == "only" && i > 0 && (toks[i-1].lower == "the" || toks[i-1].lower == "am" || toks[i-1].lower == "i'm")
		if !cue || strings.TrimSpace(gap(s, toks, i)) != "" {
			continue
		}
		j := i + 1
		if notTraits[toks[j].lower] || !startsWithLetter(toks[j].text) {
			continue
		}
		end := j
		// A trait of two words: "oudere medewerker", "remote worker".
		if j+1 < len(toks) && strings.TrimSpace(gap(s, toks, j)) == "" && !notTraits[toks[j+1].lower] &&
			!functionWords[toks[j+1].lower] && startsWithLower(toks[j+1].text) {
			end = j + 1
		}
		out = append(out, span{toks[j].start, toks[end].end, kindTrait})
		i = end
	}
	return out
}

func startsWithLetter(t string) bool {
	r, _ := utf8.DecodeRuneInString(t)
	return unicode.IsLetter(r)
}

func startsWithLower(t string) bool {
	r, _ := utf8.DecodeRuneInString(t)
	return unicode.IsLower(r)
}

// functionWords end a trait: "de enige parttimer in het team", "the only
// woman here".
var functionWords = setOf("ben", "is", "am", "are", "was", "hier", "here", "daar", "there", "en", "and", "of", "or", "bij",
	"at", "als", "as", "ik", "i", "die", "dat", "wat", "who", "that", "which", "zijn", "binnen", "within", "onder", "among",
	"word", "wordt", "get", "gets", "heb", "have", "has", "kan", "can", "thuis", "home", "zonder", "without", "uit", "from",
	"dus", "so", "maar", "but", "want", "because", "omdat", "te", "too", "toe", "ook", "also")
