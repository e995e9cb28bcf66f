package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"trots/analysis/audit"
	"trots/survey"
	"trots/survey/results"
)

// errDisclosed makes `trots audit` exit non-zero after printing its
// findings.
var errDisclosed = errors.New("the anonymity audit found disclosed figures")

// auditMessages are the words of `trots audit`, per language.
var auditMessages = map[string]map[string]string{
	"en": {
		"head":     "Anonymity audit of pulse %q (%s), threshold k = %d.\n",
		"checked":  "Checked %d hidden figures in %d published tables (each family of figures over the organisation and its departments).\n",
		"extra":    "Hidden on top of the k rule so that nothing can be worked out: %s.\n",
		"none":     "No extra cells had to be hidden.\n",
		"safe":     "Result: no hidden figure can be worked out from the published ones - no bound of a hidden count lies within 1..%d or fixes it to one value.\n",
		"found":    "Result: %d hidden figure(s) CAN be worked out from the published ones; the results are withheld:\n",
		"finding":  "  - %s of %s (%s): between %s and %s\n",
		"caveat":   "The bounds are those of a linear programme: a necessary check, not a proof against every attack (exact whole-number bounds can be tighter).\n",
		"org":      "the organisation",
		"total":    "the total",
		"open":     "pulse %q is not closed: only a closed pulse publishes figures to audit",
		"lang":     "--lang must be nl or en, not %q",
		"required": "--pulse is required",
	},
	"nl": {
		"head":     "Anonimiteitscontrole van peiling %q (%s), drempel k = %d.\n",
		"checked":  "%d verborgen cijfers gecontroleerd in %d gepubliceerde tabellen (elke soort cijfer over de organisatie en haar afdelingen).\n",
		"extra":    "Naast de k-regel verborgen zodat niets af te leiden is: %s.\n",
		"none":     "Er hoefden geen extra cellen verborgen te worden.\n",
		"safe":     "Uitkomst: geen enkel verborgen cijfer is af te leiden uit de gepubliceerde - geen grens van een verborgen aantal ligt binnen 1..%d of legt het op één waarde vast.\n",
		"found":    "Uitkomst: %d verborgen cijfer(s) ZIJN af te leiden uit de gepubliceerde; de resultaten worden achtergehouden:\n",
		"finding":  "  - %s van %s (%s): tussen %s en %s\n",
		"caveat":   "De grenzen zijn die van een lineair programma: een noodzakelijke controle, geen bewijs tegen elke aanval (exacte grenzen in hele getallen kunnen nauwer zijn).\n",
		"org":      "de organisatie",
		"total":    "het totaal",
		"open":     "peiling %q is niet gesloten: alleen een gesloten peiling publiceert cijfers om te controleren",
		"lang":     "--lang moet nl of en zijn, niet %q",
		"required": "--pulse is verplicht",
	},
}

// runAudit is `trots audit --pulse <id>`: the disclosure audit of what a
// closed pulse publishes, in words; exit status 1 when a hidden figure can
// be worked out.
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("audit", "audit --pulse <id> [--lang nl|en]", stderr)
	dsn := fs.String("db", env("TROTS_DB", survey.DefaultDSN), "SQLite file or postgres:// URL (TROTS_DB)")
	pulseID := fs.String("pulse", "", "id of the closed pulse to audit (required)")
	lang := fs.String("lang", "en", "language of the report: nl or en")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	m, ok := auditMessages[*lang]
	switch {
	case !ok:
		return usageError(fs, fmt.Sprintf(auditMessages["en"]["lang"], *lang))
	case *pulseID == "":
		return usageError(fs, m["required"])
	}
	store, err := survey.Open(ctx, *dsn, survey.Options{})
	if err != nil {
		return fmt.Errorf("cannot open or migrate the database (set TROTS_DB or --db): %w", err)
	}
	defer store.Close()
	p, res, err := results.Published(ctx, store, *pulseID)
	switch {
	case survey.ErrorCode(err) == survey.ENotFound:
		return unknownPulse(ctx, store, *pulseID)
	case survey.ErrorKey(err) == results.KeyAfterClose:
		return fmt.Errorf(m["open"], p.Name)
	case err != nil:
		return err
	}
	rep, err := audit.Audit(res)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, m["head"], p.Name, p.ID, rep.K)
	fmt.Fprintf(stdout, m["checked"], rep.Checked, rep.Tables)
	var extra []string
	if res.Audit != nil {
		names := map[string]string{}
		for _, d := range res.Departments {
			names[d.ID] = d.Name
		}
		for _, c := range res.Audit.Extra {
			who := m["org"]
			if c.Group != "" {
				who = names[c.Group]
			}
			extra = append(extra, c.Family+" / "+who)
		}
	}
	if len(extra) > 0 {
		fmt.Fprintf(stdout, m["extra"], strings.Join(extra, "; "))
	} else {
		fmt.Fprint(stdout, m["none"])
	}
	if rep.Safe() {
		fmt.Fprintf(stdout, m["safe"], rep.K-1)
		fmt.Fprint(stdout, m["caveat"])
		return nil
	}
	fmt.Fprintf(stdout, m["found"], len(rep.Findings))
	for _, f := range rep.Findings {
		who := f.Name
		if f.Cell.Group == "" {
			who = m["org"]
		}
		v := f.Var
		if v == "total" {
			v = m["total"]
		}
		fmt.Fprintf(stdout, m["finding"], v, who, f.Table, bound(f.Low), bound(f.High))
	}
	fmt.Fprint(stdout, m["caveat"])
	return errDisclosed
}

func bound(x float64) string {
	return fmt.Sprintf("%.4g", x)
}
