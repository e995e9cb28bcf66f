package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"trots/analysis"
	"trots/analysis/csvdata"
	"trots/questionnaires"
)

// This file turns the errors of the inputs of `trots analyze` (the
// questionnaire, the thresholds file and the CSV files) into messages in the
// language of --lang that name the file and line, in the words of the
// person who wrote the file: no Go types, no YAML tags. The loaders keep
// their structured errors (csvdata.Error, analysis.ConfigFileError,
// analysis.ConfigError, the *yaml.TypeError inside questionnaires.Problems);
// what is recognised here is translated, anything else is kept as it is
// behind a localized "could not read <file>:".

// inputError is a localized message that still unwraps to the loader's
// error.
type inputError struct {
	msg string
	err error
}

func (e *inputError) Error() string { return e.msg }
func (e *inputError) Unwrap() error { return e.err }

// analyzeMessages holds the fixed words, as format strings, per language.
var analyzeMessages = map[string]map[string]string{
	"en": {
		"line": "%s, line %d", "column": "%s, column %s",
		"cannot read":     "could not read %s: %s",
		"not exist":       "%s: the file does not exist",
		"permission":      "%s: no permission to read the file",
		"refused":         "questionnaire %s refused:",
		"no shipped":      "there is no questionnaire '%s' (give a YAML file or one of: %s)",
		"min-group flag":  "--min-group %d: the anonymity threshold may not be below %d",
		"unknown setting": "unknown setting '%s' (known settings: %s)",
		"dup setting":     "setting '%s' appears twice (also on line %s)",
		"not mapping":     "the file must hold settings as 'name: value' lines",
		"want integer":    "%s must be a whole number",
		"want number":     "%s must be a number, with a decimal point (e.g. 3.5)",
		"want bool":       "%s must be true or false",
		"want mapping":    "%s must give a number per theme (e.g. 'pride: 3.8' on an indented line below it)",
		"not yaml":        "not valid YAML: %s",
		"unknown field":   "unknown field '%s'",
		"field twice":     "field '%s' appears twice (also on line %s)",
		"field set twice": "field '%s' is given twice",
		"want here":       "%s must be %s%s",
		"want here nokey": "%s belongs here%s",
		"t int":           "a whole number",
		"t number":        "a number",
		"t bool":          "true or false",
		"t text":          "a text",
		"t list":          "a list",
		"t texts":         "a text per language",
		"t texts hint":    ", e.g. 'nl: ...' and 'en: ...' on indented lines below it",
		"t block":         "a block of fields",
		"t block hint":    ", on indented lines below it",
	},
	"nl": {
		"line": "%s, regel %d", "column": "%s, kolom %s",
		"cannot read":     "kan %s niet lezen: %s",
		"not exist":       "%s: het bestand bestaat niet",
		"permission":      "%s: geen toestemming om het bestand te lezen",
		"refused":         "vragenlijst %s geweigerd:",
		"no shipped":      "er is geen vragenlijst '%s' (geef een YAML-bestand of een van: %s)",
		"min-group flag":  "--min-group %d: de anonimiteitsdrempel mag niet lager zijn dan %d",
		"unknown setting": "onbekende instelling '%s' (bekend zijn: %s)",
		"dup setting":     "instelling '%s' staat er twee keer in (ook op regel %s)",
		"not mapping":     "het bestand moet instellingen bevatten als regels 'naam: waarde'",
		"want integer":    "%s moet een geheel getal zijn",
		"want number":     "%s moet een getal zijn, met een punt als decimaalteken (bijvoorbeeld 3.5)",
		"want bool":       "%s moet true of false zijn",
		"want mapping":    "%s moet per thema een getal geven (bijvoorbeeld 'pride: 3.8' op een ingesprongen regel eronder)",
		"not yaml":        "geen geldige YAML: %s",
		"unknown field":   "onbekend veld '%s'",
		"field twice":     "veld '%s' staat er twee keer in (ook op regel %s)",
		"field set twice": "veld '%s' staat er twee keer in",
		"want here":       "%s moet %s zijn%s",
		"want here nokey": "hier hoort %s%s",
		"t int":           "een geheel getal",
		"t number":        "een getal",
		"t bool":          "true of false",
		"t text":          "een tekst",
		"t list":          "een lijst",
		"t texts":         "een tekst per taal",
		"t texts hint":    ", bijvoorbeeld 'nl: ...' en 'en: ...' op ingesprongen regels eronder",
		"t block":         "een blok velden",
		"t block hint":    ", op ingesprongen regels eronder",
	},
}

func tr(lang, key string, args ...any) string {
	f, ok := analyzeMessages[lang][key]
	if !ok {
		f = analyzeMessages["en"][key]
	}
	return fmt.Sprintf(f, args...)
}

// where is "file", "file, line 3" or "file, line 3, column enps".
func where(lang, file string, line int, column string) string {
	s := file
	if line > 0 {
		s = tr(lang, "line", s, line)
		if column != "" {
			s = tr(lang, "column", s, column)
		}
	}
	return s
}

// pattern translates one English message of a loader: English is the
// message as the loader wrote it, Dutch is a format string over the groups.
type pattern struct {
	re *regexp.Regexp
	nl string
}

// translate returns msg in lang, and whether it was recognised.
func translate(patterns []pattern, lang, msg string) (string, bool) {
	for _, p := range patterns {
		m := p.re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		if lang == "en" {
			return msg, true
		}
		args := make([]any, len(m)-1)
		for i, g := range m[1:] {
			args[i] = g
		}
		return fmt.Sprintf(p.nl, args...), true
	}
	return msg, false
}

func pat(re, nl string) pattern { return pattern{regexp.MustCompile("^" + re + "$"), nl} }

const quoted = `("(?:[^"\\]|\\.)*")`

// csvPatterns are the messages of package csvdata.
var csvPatterns = []pattern{
	pat(`cannot read: (.*)`, "kan het bestand niet lezen: %s"),
	pat(`the file is larger than (\d+) bytes`, "het bestand is groter dan %s bytes"),
	pat(`the file is empty`, "het bestand is leeg"),
	pat(`the file is not UTF-8 text`, "het bestand is geen UTF-8-tekst (sla het op als 'CSV UTF-8')"),
	pat(`the row has (\d+) fields, the header (\d+)`, "de rij heeft %s velden, de kopregel %s"),
	pat(`not valid CSV at character (\d+): extraneous or missing " in quoted-field`, `geen geldige CSV bij teken %s: een aanhalingsteken (") te veel of te weinig in een veld tussen aanhalingstekens`),
	pat(`not valid CSV at character (\d+): bare " in non-quoted-field`, `geen geldige CSV bij teken %s: een los aanhalingsteken (") in een veld zonder aanhalingstekens`),
	pat(`not valid CSV at character (\d+): (.*)`, "geen geldige CSV bij teken %s: %s"),
	pat(`the header is one column with ';' in it: .*`, "de kopregel is één kolom met ';' erin: sla het bestand op als CSV met komma's (een Nederlandse spreadsheet gebruikt vaak ';')"),
	pat(`column `+quoted+` appears twice \(also column (\d+)\)`, "kolom %s staat er twee keer in (ook kolom %s)"),
	pat(`unknown column `+quoted+`: not an item of questionnaire (\S+) \(and not "department"\)`, `onbekende kolom %s: geen vraag van vragenlijst %s (en niet "department")`),
	pat(`the header has no "department" column`, `de kopregel heeft geen kolom "department"`),
	pat(`the department is empty`, "de afdeling is leeg"),
	pat(`the department name is longer than (\d+) characters`, "de naam van de afdeling is langer dan %s tekens"),
	pat(quoted+` is not a number \(leave the cell empty for a missing answer\)`, "%s is geen getal (laat de cel leeg als er geen antwoord is)"),
	pat(`(.*) is not a point of the scale (-?\d+)-(-?\d+)`, "%s ligt niet op de schaal %s-%s"),
	pat(`unknown option `+quoted+` \(options: (.*)\)`, "onbekende keuze %s (keuzes: %s)"),
	pat(`(\d+) options picked, but the item allows only one`, "%s keuzes aangekruist, maar de vraag staat er maar één toe"),
	pat(`the comment is longer than (\d+) characters`, "de opmerking is langer dan %s tekens"),
	pat(`the file has a header but no responses`, "het bestand heeft een kopregel maar geen antwoorden"),
	pat(`the header must be department,headcount\[,external\]`, "de kopregel moet department,headcount[,external] zijn"),
	pat(`expected column `+quoted+` here, found `+quoted+` \(the header must be department,headcount\[,external\]\)`, "hier hoort kolom %s, niet %s (de kopregel moet department,headcount[,external] zijn)"),
	pat(`department `+quoted+` is listed twice \(also on line (\d+)\)`, "afdeling %s staat er twee keer in (ook op regel %s)"),
	pat(quoted+` is not a headcount \(a whole number from 0 to (\d+)\)`, "%s is geen aantal medewerkers (een geheel getal van 0 tot %s)"),
	pat(quoted+` is not true or false`, "%s is niet true of false (ja/nee en 1/0 mogen ook)"),
	pat(`the file has a header but no departments`, "het bestand heeft een kopregel maar geen afdelingen"),
	pat(`department `+quoted+` has responses but no headcount row`, "afdeling %s heeft antwoorden maar geen regel in het bestand met aantallen medewerkers"),
}

// configPatterns are the messages of analysis.Config.Validate.
var configPatterns = []pattern{
	pat(`(\S+) must be a number`, "%s moet een getal zijn"),
	pat(`level must be at least 0\.5 and below 1, got (\S+)`, "level moet minstens 0.5 en kleiner dan 1 zijn, niet %s"),
	pat(`trend_power must be at least 0\.5 and below 1, got (\S+)`, "trend_power moet minstens 0.5 en kleiner dan 1 zijn, niet %s"),
	pat(`(\S+) is written on a 1-5 scale and must lie in \[1, 5\], got (\S+)`, "%s staat op een schaal van 1 tot 5 en moet tussen 1 en 5 liggen, niet %s"),
	pat(`(\S+) is in points on a 1-5 scale and must lie in \[0, 4\], got (\S+)`, "%s is een aantal punten op een schaal van 1 tot 5 en moet tussen 0 en 4 liggen, niet %s"),
	pat(`precision must lie in \(0, 4\], got (\S+)`, "precision moet groter dan 0 en hoogstens 4 zijn, niet %s"),
	pat(`(\S+) is a proportion and must lie in \[0, 1\], got (\S+)`, "%s is een aandeel en moet tussen 0 en 1 liggen, niet %s"),
	pat(`share_precision must lie in \(0, 1\], got (\S+)`, "share_precision moet groter dan 0 en hoogstens 1 zijn, niet %s"),
	pat(`enps_threshold must lie in \[-100, 100\], got (\S+)`, "enps_threshold moet tussen -100 en 100 liggen, niet %s"),
	pat(`min_group must be at least (\d+), got (-?\d+)`, "min_group moet minstens %s zijn, niet %s"),
	pat(`(\S+) \((-?\d+)\) must be at least min_group \((-?\d+)\)`, "%s (%s) moet minstens even groot zijn als min_group (%s)"),
	pat(`enps_min_n must be at least 1, got (-?\d+)`, "enps_min_n moet minstens 1 zijn, niet %s"),
}

// yamlSyntax translates the YAML parser's most common complaints.
var yamlSyntax = []pattern{
	pat(`did not find expected node content`, "hier ontbreekt een waarde"),
	pat(`did not find expected key`, "hier hoort een naam met een ':' erachter (klopt de inspringing?)"),
	pat(`mapping values are not allowed in this context`, "een ':' op een plek waar die niet mag (zet tekst met een ':' tussen aanhalingstekens)"),
	pat(`found character that cannot start any token`, "een teken waarmee geen waarde kan beginnen (een tab? spring in met spaties)"),
	pat(`found a tab character that violates indentation`, "een tab in de inspringing: spring in met spaties"),
	pat(`did not find expected ',' or '\]'`, "een lijst die met '[' begint, is niet met ']' afgesloten"),
	pat(`did not find expected ',' or '}'`, "een blok dat met '{' begint, is niet met '}' afgesloten"),
	pat(`found unexpected end of stream`, "het bestand houdt onverwacht op (een aanhalingsteken of haakje niet gesloten?)"),
	pat(`could not find expected ':'`, "hier ontbreekt een ':' achter de naam"),
}

// yamlSyntaxMessage is the parser's complaint in lang.
func yamlSyntaxMessage(lang, detail string) string {
	msg, _ := translate(yamlSyntax, lang, detail)
	return tr(lang, "not yaml", msg)
}

var yamlLineRe = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// splitYAMLLine splits "line 3: rest" into 3 and "rest".
func splitYAMLLine(s string) (int, string) {
	if m := yamlLineRe.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n, m[2]
	}
	return 0, strings.TrimPrefix(s, "yaml: ")
}

// openError is a file that could not be opened.
func openError(lang, file string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &inputError{tr(lang, "not exist", file), err}
	case errors.Is(err, fs.ErrPermission):
		return &inputError{tr(lang, "permission", file), err}
	}
	return &inputError{tr(lang, "cannot read", file, err), err}
}

// explainCSV localizes an error of a responses or headcounts file.
func explainCSV(lang, file string, err error) error {
	var ce *csvdata.Error
	if !errors.As(err, &ce) {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return openError(lang, file, err)
		}
		return &inputError{tr(lang, "cannot read", file, err), err}
	}
	column := ce.Header
	if column == "" && ce.Column > 0 {
		column = strconv.Itoa(ce.Column)
	}
	msg, _ := translate(csvPatterns, lang, ce.Msg) // an unknown one stays English
	return &inputError{where(lang, ce.File, ce.Line, column) + ": " + msg, err}
}

// explainConfig localizes an error of the thresholds file; data is its
// content, to find the line of a setting that is out of range.
func explainConfig(lang, file string, data []byte, err error) error {
	var fe *analysis.ConfigFileError
	var ve *analysis.ConfigError
	var msgs []string
	switch {
	case errors.As(err, &fe):
		for _, p := range fe.Problems {
			var m string
			switch p.Kind {
			case analysis.ConfigNotYAML:
				m = yamlSyntaxMessage(lang, p.Detail)
			case analysis.ConfigNotMapping:
				m = tr(lang, "not mapping")
			case analysis.ConfigUnknownKey:
				m = tr(lang, "unknown setting", p.Key, strings.Join(analysis.ConfigKeys(), ", "))
			case analysis.ConfigDuplicateKey:
				m = tr(lang, "dup setting", p.Key, p.Value)
			case analysis.ConfigWrongType:
				if _, ok := analyzeMessages[lang]["want "+p.Want]; ok {
					m = tr(lang, "want "+p.Want, p.Key)
				} else {
					m = p.String()
				}
			default:
				m = p.String()
			}
			msgs = append(msgs, where(lang, file, p.Line, "")+": "+m)
		}
	case errors.As(err, &ve):
		lines := topLevelKeyLines(data)
		for _, p := range ve.Problems {
			m, _ := translate(configPatterns, lang, p)
			key, _, _ := strings.Cut(p, " ")
			key, _, _ = strings.Cut(key, ".")
			msgs = append(msgs, where(lang, file, lines[key], "")+": "+m)
		}
	default:
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return openError(lang, file, err)
		}
		return &inputError{tr(lang, "cannot read", file, err), err}
	}
	return &inputError{strings.Join(msgs, "\n"), err}
}

// topLevelKeyLines maps each key of a YAML mapping to its line.
func topLevelKeyLines(data []byte) map[string]int {
	lines := map[string]int{}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return lines
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if _, seen := lines[root.Content[i].Value]; !seen {
			lines[root.Content[i].Value] = root.Content[i].Line
		}
	}
	return lines
}

var (
	yamlUnknownField = regexp.MustCompile("^field (.+) not found in type \\S+$")
	yamlFieldTwice   = regexp.MustCompile("^field (.+) already set in type \\S+$")
	yamlKeyTwice     = regexp.MustCompile("^mapping key \"(.*)\" already defined at line (\\d+)$")
	yamlWrongType    = regexp.MustCompile("^cannot unmarshal !!\\w+(?: `.*`)? into (\\S+)$")
)

// explainQuestionnaire localizes the errors of decoding a questionnaire
// file. ref is the name given on the command line; data, when not nil, is
// the file's content, to name the key of a value of the wrong kind.
func explainQuestionnaire(lang, ref string, data []byte, err error) error {
	var ps questionnaires.Problems
	if !errors.As(err, &ps) {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return openError(lang, ref, err)
		}
		if !isQuestionnaireFile(ref) {
			return &inputError{tr(lang, "no shipped", ref, strings.Join(questionnaires.Shipped(), ", ")), err}
		}
		return &inputError{tr(lang, "cannot read", ref, err), err}
	}
	var msgs []string
	decodeErr := false
	for _, p := range ps {
		if p.Err == nil {
			msgs = append(msgs, p.Error())
			continue
		}
		decodeErr = true
		var te *yaml.TypeError
		if !errors.As(p.Err, &te) {
			line, detail := splitYAMLLine(p.Err.Error())
			msgs = append(msgs, where(lang, ref, line, "")+": "+yamlSyntaxMessage(lang, detail))
			continue
		}
		for _, e := range te.Errors {
			line, detail := splitYAMLLine(e)
			msgs = append(msgs, where(lang, ref, line, "")+": "+questionnaireTypeMessage(lang, detail, data, line))
		}
	}
	if decodeErr && len(msgs) == 1 {
		return &inputError{msgs[0], err}
	}
	return &inputError{tr(lang, "refused", ref) + "\n  " + strings.Join(msgs, "\n  "), err}
}

// questionnaireTypeMessage translates one message of a *yaml.TypeError.
func questionnaireTypeMessage(lang, detail string, data []byte, line int) string {
	if m := yamlUnknownField.FindStringSubmatch(detail); m != nil {
		return tr(lang, "unknown field", m[1])
	}
	if m := yamlFieldTwice.FindStringSubmatch(detail); m != nil {
		return tr(lang, "field set twice", m[1])
	}
	if m := yamlKeyTwice.FindStringSubmatch(detail); m != nil {
		return tr(lang, "field twice", m[1], m[2])
	}
	if m := yamlWrongType.FindStringSubmatch(detail); m != nil {
		w := goTypeWord(m[1])
		want, hint := analyzeMessages[lang][w], analyzeMessages[lang][w+" hint"]
		if key := keyOfValueAt(data, line); key != "" {
			return tr(lang, "want here", key, want, hint)
		}
		return tr(lang, "want here nokey", want, hint)
	}
	return detail
}

// goTypeWord names the kind of value a Go type of package questionnaires
// holds, as a key of analyzeMessages.
func goTypeWord(t string) string {
	switch {
	case strings.HasPrefix(t, "[]"):
		return "t list"
	case t == "int" || t == "int64" || t == "uint":
		return "t int"
	case t == "float64":
		return "t number"
	case t == "bool":
		return "t bool"
	case t == "string" || t == "questionnaires.ScaleType" || t == "questionnaires.Role" || t == "questionnaires.PairRole":
		return "t text"
	case t == "questionnaires.Text":
		return "t texts"
	}
	return "t block"
}

// keyOfValueAt returns the key whose value starts on line, or "".
func keyOfValueAt(data []byte, line int) string {
	if data == nil || line <= 0 {
		return ""
	}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil {
		return ""
	}
	var find func(n *yaml.Node) string
	find = func(n *yaml.Node) string {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i+1].Line == line && n.Content[i+1].Kind != yaml.AliasNode {
					return n.Content[i].Value
				}
			}
		}
		for _, c := range n.Content {
			if k := find(c); k != "" {
				return k
			}
		}
		return ""
	}
	return find(&doc)
}

// isQuestionnaireFile mirrors questionnaires.Load's choice between a
// shipped id and a file.
func isQuestionnaireFile(ref string) bool {
	return strings.ContainsRune(ref, '/') || strings.HasSuffix(ref, ".yaml") || strings.HasSuffix(ref, ".yml")
}
