package cli

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"trots/analysis"
)

// TestAnalyzeErrorsInTheLanguageOfLang runs `trots analyze` on broken
// inputs and checks the whole message, in Dutch and English: it names the
// file and line in the words of the person who wrote the file, without Go
// types or YAML tags.
func TestAnalyzeErrorsInTheLanguageOfLang(t *testing.T) {
	testQ, err := filepath.Abs(analyzeQuestionnaire)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir) // relative names, as an analyst types them
	good := analyzeCSV(map[string]int{"Zorg": 12}, 4)
	writeFile(t, dir, "ok.csv", good)
	writeFile(t, dir, "b.csv", "department,enps\nICT,11\n")
	header := good[:strings.Index(good, "\n")+1]
	row := strings.Split(good, "\n")[1]
	cells := strings.Split(row, ",")
	cells[20] = "tien"
	writeFile(t, dir, "tien.csv", header+row+"\n"+strings.Join(cells, ",")+"\n")
	writeFile(t, dir, "h.csv", "department,headcount\nZorg,veel\n")
	writeFile(t, dir, "c1.yaml", "min_group: abc\n")
	writeFile(t, dir, "c2.yaml", "min_group: 2\n")
	writeFile(t, dir, "c3.yaml", "bogus: 1\n")
	writeFile(t, dir, "c4.yaml", "min_group: [\n")
	writeFile(t, dir, "c5.yaml", "# thresholds\nprecision: 0,4\n")
	writeFile(t, dir, "c6.yaml", "min_group: 7\nmin_group: 8\n")
	writeFile(t, dir, "c7.yaml", "- min_group\n")
	writeFile(t, dir, "c8.yaml", "dimension_thresholds:\n  pride: hoog\n")
	writeFile(t, dir, "q.yaml", "a: [1]\n")
	writeFile(t, dir, "q2.yaml", "id: x\nversion: abc\n")
	writeFile(t, dir, "q3.yaml", "id: x\nlanguages: nl\ntitle: [a]\ntitel: y\n")

	keys := strings.Join(analysis.ConfigKeys(), ", ")
	for _, tc := range []struct {
		name   string
		args   []string
		nl, en string
	}{
		{"config: not a whole number", []string{"--config", "c1.yaml"},
			"c1.yaml, regel 1: min_group moet een geheel getal zijn",
			"c1.yaml, line 1: min_group must be a whole number"},
		{"config: out of range", []string{"--config", "c2.yaml"},
			"c2.yaml, regel 1: min_group moet minstens 3 zijn, niet 2",
			"c2.yaml, line 1: min_group must be at least 3, got 2"},
		{"config: unknown setting", []string{"--config", "c3.yaml"},
			"c3.yaml, regel 1: onbekende instelling 'bogus' (bekend zijn: " + keys + ")",
			"c3.yaml, line 1: unknown setting 'bogus' (known settings: " + keys + ")"},
		{"config: not YAML", []string{"--config", "c4.yaml"},
			"c4.yaml, regel 1: geen geldige YAML: hier ontbreekt een waarde",
			"c4.yaml, line 1: not valid YAML: did not find expected node content"},
		{"config: decimal comma", []string{"--config", "c5.yaml"},
			"c5.yaml, regel 2: precision moet een getal zijn, met een punt als decimaalteken (bijvoorbeeld 3.5)",
			"c5.yaml, line 2: precision must be a number, with a decimal point (e.g. 3.5)"},
		{"config: setting twice", []string{"--config", "c6.yaml"},
			"c6.yaml, regel 2: instelling 'min_group' staat er twee keer in (ook op regel 1)",
			"c6.yaml, line 2: setting 'min_group' appears twice (also on line 1)"},
		{"config: a list", []string{"--config", "c7.yaml"},
			"c7.yaml, regel 1: het bestand moet instellingen bevatten als regels 'naam: waarde'",
			"c7.yaml, line 1: the file must hold settings as 'name: value' lines"},
		{"config: nested value", []string{"--config", "c8.yaml"},
			"c8.yaml, regel 2: dimension_thresholds.pride moet een getal zijn, met een punt als decimaalteken (bijvoorbeeld 3.5)",
			"c8.yaml, line 2: dimension_thresholds.pride must be a number, with a decimal point (e.g. 3.5)"},
		{"config: missing file", []string{"--config", "geen.yaml"},
			"geen.yaml: het bestand bestaat niet",
			"geen.yaml: the file does not exist"},
		{"questionnaire: unknown field", []string{"--questionnaire", "q.yaml", "--responses", "b.csv"},
			"q.yaml, regel 1: onbekend veld 'a'",
			"q.yaml, line 1: unknown field 'a'"},
		{"questionnaire: not a whole number", []string{"--questionnaire", "q2.yaml", "--responses", "b.csv"},
			"q2.yaml, regel 2: version moet een geheel getal zijn",
			"q2.yaml, line 2: version must be a whole number"},
		{"questionnaire: several problems", []string{"--questionnaire", "q3.yaml", "--responses", "b.csv"},
			"vragenlijst q3.yaml geweigerd:\n" +
				"  q3.yaml, regel 2: languages moet een lijst zijn\n" +
				"  q3.yaml, regel 3: title moet een tekst per taal zijn, bijvoorbeeld 'nl: ...' en 'en: ...' op ingesprongen regels eronder\n" +
				"  q3.yaml, regel 4: onbekend veld 'titel'",
			"questionnaire q3.yaml refused:\n" +
				"  q3.yaml, line 2: languages must be a list\n" +
				"  q3.yaml, line 3: title must be a text per language, e.g. 'nl: ...' and 'en: ...' on indented lines below it\n" +
				"  q3.yaml, line 4: unknown field 'titel'"},
		{"questionnaire: no such id", []string{"--questionnaire", "geen", "--responses", "b.csv"},
			"er is geen vragenlijst 'geen' (geef een YAML-bestand of een van: advocacy-readiness, pulse)",
			"there is no questionnaire 'geen' (give a YAML file or one of: advocacy-readiness, pulse)"},
		{"responses: off the scale", []string{"--questionnaire", "advocacy-readiness", "--responses", "b.csv"},
			"b.csv, regel 2, kolom enps: 11 ligt niet op de schaal 0-10",
			"b.csv, line 2, column enps: 11 is not a point of the scale 0-10"},
		{"responses: not a number", []string{"--responses", "tien.csv"},
			`tien.csv, regel 3, kolom enps: "tien" is geen getal (laat de cel leeg als er geen antwoord is)`,
			`tien.csv, line 3, column enps: "tien" is not a number (leave the cell empty for a missing answer)`},
		{"responses: missing file", []string{"--responses", "geen.csv"},
			"geen.csv: het bestand bestaat niet",
			"geen.csv: the file does not exist"},
		{"headcounts: not a number", []string{"--headcounts", "h.csv"},
			`h.csv, regel 2, kolom headcount: "veel" is geen aantal medewerkers (een geheel getal van 0 tot 1000000)`,
			`h.csv, line 2, column headcount: "veel" is not a headcount (a whole number from 0 to 1000000)`},
		{"min-group flag", []string{"--min-group", "2"},
			"--min-group 2: de anonimiteitsdrempel mag niet lager zijn dan 3",
			"--min-group 2: the anonymity threshold may not be below 3"},
	} {
		for _, lang := range []string{"nl", "en"} {
			t.Run(tc.name+"/"+lang, func(t *testing.T) {
				args := []string{"--questionnaire", testQ, "--responses", "ok.csv"}
				args = append(append(args, tc.args...), "--lang", lang)
				stdout, _, err := runAnalyzeArgs(t, args...)
				if err == nil {
					t.Fatal("accepted")
				}
				want := tc.nl
				if lang == "en" {
					want = tc.en
				}
				if err.Error() != want {
					t.Errorf("got\n  %s\nwant\n  %s", err, want)
				}
				for _, bad := range []string{"unmarshal", "!!", "analysis.", "questionnaires.", " yaml:", "in type "} {
					if strings.Contains(" "+err.Error(), bad) {
						t.Errorf("message shows %q: %s", bad, err)
					}
				}
				if stdout != "" {
					t.Errorf("stdout not empty on error: %q", stdout)
				}
			})
		}
	}
}

// TestAnalyzeConfigProblemsAreTranslated: every message of
// analysis.Config.Validate has a Dutch translation, so that a new check
// cannot silently come out in English.
func TestAnalyzeConfigProblemsAreTranslated(t *testing.T) {
	for _, set := range []func(*analysis.Config){
		func(c *analysis.Config) { c.Level = 1 },
		func(c *analysis.Config) { c.Level = math.NaN() },
		func(c *analysis.Config) { c.FoundationThreshold = 6 },
		func(c *analysis.Config) { c.GapTolerance = -1 },
		func(c *analysis.Config) { c.Precision = 0 },
		func(c *analysis.Config) { c.WillingShare = 2 },
		func(c *analysis.Config) { c.SharePrecision = 0 },
		func(c *analysis.Config) { c.ENPSThreshold = 300 },
		func(c *analysis.Config) { c.TrendPower = 0.3 },
		func(c *analysis.Config) { c.MinGroup = 2 },
		func(c *analysis.Config) { c.MinGroup = 40 },
		func(c *analysis.Config) { c.ENPSMinN = 0 },
		func(c *analysis.Config) { c.DimensionThresholds = map[string]float64{"pride": math.Inf(1)} },
	} {
		cfg := analysis.DefaultConfig()
		set(&cfg)
		ce, ok := cfg.Validate().(*analysis.ConfigError)
		if !ok {
			t.Fatalf("%+v: no ConfigError", cfg)
		}
		for _, p := range ce.Problems {
			if _, ok := translate(configPatterns, "nl", p); !ok {
				t.Errorf("no Dutch for %q", p)
			}
		}
	}
}
