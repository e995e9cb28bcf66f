package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"trots/analysis"
	"trots/analysis/audit"
	"trots/analysis/csvdata"
	"trots/questionnaires"
)

// runAnalyze is `trots analyze`: the readiness analysis of a CSV export,
// without a server. Nothing is written to stdout unless the whole analysis
// succeeds.
func runAnalyze(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("analyze", "analyze --questionnaire <id or file> --responses <file.csv> [flags]", stderr)
	qref := fs.String("questionnaire", "", "shipped questionnaire id ("+strings.Join(questionnaires.Shipped(), ", ")+") or a YAML file (required)")
	responses := fs.String("responses", "", "CSV: a department column plus one column per item id (required)")
	headcounts := fs.String("headcounts", "", "CSV: department,headcount[,external]")
	previous := fs.String("previous", "", "CSV of the previous pulse, same layout, for the trend")
	minGroup := fs.Int("min-group", 0, "anonymity threshold k (default 5 or the config's; never below 3)")
	configFile := fs.String("config", "", "YAML file with thresholds (see analysis/README.md)")
	format := fs.String("format", "json", "json or text")
	lang := fs.String("lang", "en", "language of reasons and labels: nl or en")
	seed := fs.Uint64("seed", 0, "seed for the order of open comments (0: random)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *qref == "":
		return usageError(fs, "--questionnaire is required")
	case *responses == "":
		return usageError(fs, "--responses is required")
	case *format != "json" && *format != "text":
		return usageError(fs, fmt.Sprintf("--format must be json or text, not %q", *format))
	case *lang != "nl" && *lang != "en":
		return usageError(fs, fmt.Sprintf("--lang must be nl or en, not %q", *lang))
	case *minGroup != 0 && *minGroup < analysis.MinAllowedGroup:
		return errors.New(tr(*lang, "min-group flag", *minGroup, analysis.MinAllowedGroup))
	}

	// Errors in the input files are reported in the language of --lang
	// (analyze_messages.go).
	q, err := questionnaires.Load(*qref)
	if err != nil {
		var data []byte
		if isQuestionnaireFile(*qref) {
			data, _ = os.ReadFile(*qref)
		}
		return explainQuestionnaire(*lang, *qref, data, err)
	}
	cfg := analysis.DefaultConfig()
	if *configFile != "" {
		if cfg, err = loadConfigFile(*configFile, *lang); err != nil {
			return err
		}
	}
	if *minGroup != 0 {
		// The other minimums may never be below k.
		cfg = cfg.WithMinGroup(*minGroup)
	}
	var hs []csvdata.Headcount
	if *headcounts != "" {
		if hs, err = readCSV(*headcounts, func(r io.Reader) ([]csvdata.Headcount, error) { return csvdata.ReadHeadcounts(r, *headcounts) }); err != nil {
			return explainCSV(*lang, *headcounts, err)
		}
	}
	load := func(file string) ([]analysis.Group, error) {
		groups, err := readCSV(file, func(r io.Reader) ([]analysis.Group, error) { return csvdata.ReadResponses(r, file, q) })
		if err != nil {
			return nil, explainCSV(*lang, file, err)
		}
		if hs == nil {
			return groups, nil
		}
		if groups, err = csvdata.ApplyHeadcounts(groups, hs, *headcounts); err != nil {
			return nil, explainCSV(*lang, *headcounts, err)
		}
		return groups, nil
	}
	groups, err := load(*responses)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// What trots prints is audited like what it publishes: the
	// disclosure audit hides what the printed figures would give away.
	res, _, err := audit.Protect(analysis.Input{Questionnaire: q, Groups: groups, Config: cfg, Seed: *seed})
	if err != nil {
		return err
	}
	if *previous != "" {
		prevGroups, err := load(*previous)
		if err != nil {
			return err
		}
		prev, _, err := audit.Protect(analysis.Input{Questionnaire: q, Groups: prevGroups, Config: cfg, Seed: *seed})
		if err != nil {
			return fmt.Errorf("%s: %w", *previous, err)
		}
		if res.Trend, err = analysis.Trend(res, prev); err != nil {
			return err
		}
	}
	analysis.Localize(res, q, *lang)

	var out bytes.Buffer
	if *format == "json" {
		enc := json.NewEncoder(&out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			return fmt.Errorf("encode result: %w", err)
		}
	} else {
		writeAnalysisText(&out, res, q, *lang)
	}
	_, err = stdout.Write(out.Bytes())
	return err
}

// usageError reports a missing or malformed flag: the message, then the
// usage, on stderr; errUsage makes main exit 2.
func usageError(fs *flag.FlagSet, msg string) error {
	fmt.Fprintln(fs.Output(), msg)
	fs.Usage()
	return errUsage
}

func readCSV[T any](file string, read func(io.Reader) (T, error)) (T, error) {
	var zero T
	f, err := os.Open(file)
	if err != nil {
		return zero, err
	}
	defer f.Close()
	return read(f)
}

// loadConfigFile reads a thresholds file; its errors are in lang.
func loadConfigFile(file, lang string) (analysis.Config, error) {
	f, err := os.Open(file)
	if err != nil {
		return analysis.Config{}, openError(lang, file, err)
	}
	defer f.Close()
	// The content is kept to find the line of a setting that is out of
	// range; LoadConfig itself refuses a file that is too large.
	var data bytes.Buffer
	cfg, err := analysis.LoadConfig(io.TeeReader(f, &data))
	if err != nil {
		return analysis.Config{}, explainConfig(lang, file, data.Bytes(), err)
	}
	return cfg, nil
}

// analysisLabels are the fixed words of the text format.
var analysisLabels = map[string]map[string]string{
	"en": {
		"organisation": "Organisation", "headcount": "headcount", "respondents": "respondents",
		"rate": "response rate", "hidden": "no figures shown", "verdict": "Verdict",
		"dimension": "theme", "mean": "mean", "ci": "95% interval", "threshold": "threshold",
		"gap": "promise minus reality", "willing": "willing to share", "enps": "eNPS",
		"needed": "respondents needed to decide (estimate)", "notes": "note", "suppressed": "hidden",
		"comments": "comments", "trend": "change since the previous pulse", "mdd": "smallest detectable change",
		analysis.GapOverPromised: "over-promised", analysis.GapDemonstrated: "gap shown",
		analysis.GapNotDemonstrated: "no gap demonstrated", analysis.GapRealityAbove: "reality above promise",
	},
	"nl": {
		"organisation": "Organisatie", "headcount": "medewerkers", "respondents": "respondenten",
		"rate": "respons", "hidden": "geen cijfers getoond", "verdict": "Oordeel",
		"dimension": "thema", "mean": "gemiddelde", "ci": "95%-interval", "threshold": "drempel",
		"gap": "belofte min praktijk", "willing": "wil delen", "enps": "eNPS",
		"needed": "respondenten nodig om te beslissen (schatting)", "notes": "let op", "suppressed": "verborgen",
		"comments": "opmerkingen", "trend": "verandering sinds de vorige meting", "mdd": "kleinste aantoonbare verandering",
		analysis.GapOverPromised: "te veel beloofd", analysis.GapDemonstrated: "kloof aangetoond",
		analysis.GapNotDemonstrated: "geen kloof aangetoond", analysis.GapRealityAbove: "praktijk boven belofte",
	},
}

// interval formats [lo, hi], or "-" when the interval is undefined.
func interval(format string, lo, hi *float64) string {
	if lo == nil || hi == nil {
		return "-"
	}
	return fmt.Sprintf("["+format+", "+format+"]", *lo, *hi)
}

var decisionLabels = map[string]map[analysis.Decision]string{
	"en": {analysis.Go: "GO", analysis.FixFirst: "FIX FIRST", analysis.NotMeasurable: "NOT YET MEASURABLE"},
	"nl": {analysis.Go: "GO", analysis.FixFirst: "EERST VERBETEREN", analysis.NotMeasurable: "NOG NIET MEETBAAR"},
}

// writeAnalysisText writes a readable report: the organisation, then one
// block per department with its verdict, reasons and the figures behind it.
func writeAnalysisText(w io.Writer, res *analysis.Result, q *questionnaires.Questionnaire, lang string) {
	l := analysisLabels[lang]
	dimName := func(id string) string {
		if d, ok := q.Dimension(id); ok {
			return d.Name.Get(lang)
		}
		return id
	}
	fmt.Fprintf(w, "%s  (k = %d)\n\n", q.Title.Get(lang), res.Config.MinGroup)
	block := func(g *analysis.GroupResult, title string) {
		head := title
		if g.Headcount > 0 {
			head += fmt.Sprintf("  %s %d", l["headcount"], g.Headcount)
		}
		if g.Figures != nil {
			head += fmt.Sprintf("  %s %d", l["respondents"], g.N)
			if r := g.ResponseRate; r != nil {
				head += fmt.Sprintf("  %s %.0f%%", l["rate"], 100*r.Share)
			}
		}
		fmt.Fprintln(w, head)
		fmt.Fprintln(w, strings.Repeat("=", len([]rune(head))))
		if v := g.Verdict; v != nil {
			fmt.Fprintf(w, "%s: %s\n", l["verdict"], decisionLabels[lang][v.Decision])
			for _, r := range v.Reasons {
				fmt.Fprintf(w, "  - %s\n", r.Text)
			}
			if v.NeededN > 0 {
				fmt.Fprintf(w, "  %s: %d\n", l["needed"], v.NeededN)
			}
			for _, r := range v.Notes {
				fmt.Fprintf(w, "  %s: %s\n", l["notes"], r.Text)
			}
		}
		if g.Figures == nil {
			if g.Verdict == nil {
				fmt.Fprintf(w, "(%s)\n", l["hidden"])
			}
			fmt.Fprintln(w)
			return
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "%s\tn\t%s\t%s\t%s\t\n", l["dimension"], l["mean"], l["ci"], l["threshold"])
		for i, d := range g.Dimensions {
			if d.DimensionStats == nil {
				fmt.Fprintf(tw, "%s\t\t%s\t\t\t\n", dimName(d.ID), l["suppressed"])
				continue
			}
			thr := ""
			if i < len(res.Dimensions) && res.Dimensions[i].Threshold != nil {
				thr = fmt.Sprintf("%.2f", *res.Dimensions[i].Threshold)
			}
			fmt.Fprintf(tw, "%s\t%d\t%.2f\t%s\t%s\t\n", dimName(d.ID), d.N, d.Mean, interval("%.2f", d.CILow, d.CIHigh), thr)
		}
		if g.Gap != nil {
			if s := g.Gap.Overall.GapStats; s != nil {
				fmt.Fprintf(tw, "%s\t%d\t%+.2f\t%s\t%.2f\t\n", l["gap"], s.N, s.Mean, interval("%+.2f", s.CILow, s.CIHigh), res.Config.GapTolerance)
			}
			for _, p := range g.Gap.Pairs {
				if p.GapStats != nil {
					fmt.Fprintf(tw, "  %s\t%d\t%+.2f\t%s\t%s\t\n", p.Topic, p.N, p.Mean, interval("%+.2f", p.CILow, p.CIHigh), l[p.Status])
				}
			}
		}
		if a := g.Ambassadors; a != nil {
			fmt.Fprintf(tw, "%s\t%d\t%.0f%%\t[%.0f%%, %.0f%%]\t%.0f%%\t\n", l["willing"], a.Willing.N, 100*a.Willing.Share, 100*a.Willing.CILow, 100*a.Willing.CIHigh, 100*res.Config.WillingShare)
		}
		if e := g.ENPS; e != nil {
			fmt.Fprintf(tw, "%s\t%d\t%+.0f\t[%+.0f, %+.0f]\t\t\n", l["enps"], e.N, e.Value, e.CILow, e.CIHigh)
		}
		tw.Flush()
		if len(g.Comments) > 0 {
			fmt.Fprintf(w, "%s:\n", l["comments"])
			for _, c := range g.Comments {
				fmt.Fprintf(w, "  \"%s\"\n", c)
			}
		}
		fmt.Fprintln(w)
	}
	block(&res.Organisation, l["organisation"])
	for i := range res.Departments {
		block(&res.Departments[i], res.Departments[i].Name)
	}
	if tr := res.Trend; tr != nil && len(tr.Groups) > 0 {
		fmt.Fprintf(w, "%s (%s)\n", l["trend"], tr.Previous)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		for _, g := range tr.Groups {
			name := g.Name
			if g.Organisation {
				name = l["organisation"]
			}
			for _, d := range g.Dimensions {
				label := dimName(d.Dimension)
				if d.Dimension == "gap" {
					label = l["gap"]
				}
				fmt.Fprintf(tw, "%s\t%s\t%+.2f\t[%+.2f, %+.2f]\tp=%.3f\t%s %.2f\t\n", name, label, d.Diff, d.CILow, d.CIHigh, d.P, l["mdd"], d.MDD)
			}
		}
		tw.Flush()
	}
}
