package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"unicode/utf8"

	"trots/accounts"
	"trots/questionnaires"
	"trots/survey"
	"trots/survey/demo"
)

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", "demo [flags]", stderr)
	dsn := fs.String("db", env("TROTS_DB", survey.DefaultDSN), "SQLite file or postgres:// URL (TROTS_DB); must be empty")
	qref := fs.String("questionnaire", "advocacy-readiness", "shipped questionnaire id ("+strings.Join(questionnaires.Shipped(), ", ")+") or a YAML file")
	seed := fs.Uint64("seed", 1, "seed of the generator: the same seed gives the same organisation and answers")
	ifEmpty := fs.Bool("if-empty", false, "do nothing (and exit 0) when the database already holds data")
	baseURL := fs.String("base-url", "http://"+env("TROTS_ADDR", "127.0.0.1:8080"), "address the service is reached at, for the printed survey links")
	csvFile := fs.String("export-csv", "", "also write the generated answers to this CSV file, for trots analyze")
	headFile := fs.String("export-headcounts", "", "also write department,headcount,external to this CSV file")
	flat := fs.Bool("flat", false, "the small flat organisation of ten departments instead of the three-level tree (5 directorates, 25 departments, 80 teams)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	base, err := url.Parse(*baseURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return fmt.Errorf("--base-url %q: want an http:// or https:// address such as http://127.0.0.1:8080", *baseURL)
	}
	q, err := questionnaires.Load(*qref)
	if err != nil {
		return err
	}
	store, err := survey.Open(ctx, *dsn, survey.Options{KeyFile: keyFile()})
	if err != nil {
		return fmt.Errorf("cannot open or migrate the database (set TROTS_DB or --db): %w", err)
	}
	defer store.Close()

	held, err := existingData(ctx, store)
	if err != nil {
		return err
	}
	if held != "" {
		if *ifEmpty {
			fmt.Fprintf(stdout, "The database already holds %s; the demo left it unchanged.\n", held)
			return demoLogin(ctx, store, stdout, strings.TrimRight(base.String(), "/"))
		}
		return fmt.Errorf("the database already holds %s; trots demo never changes or deletes existing data: "+
			"point --db at a new file (e.g. --db data/demo.db), or use --if-empty to skip quietly", held)
	}

	// The tree shows why results at every level matter; the flat ten
	// departments are quicker to take in (and what many tests use).
	org := demo.GenerateTree(q, *seed)
	if *flat {
		org = demo.Generate(q, *seed)
	}
	if *csvFile != "" {
		if err := writeExport(*csvFile, func(w io.Writer) error { return demo.WriteCSV(w, q, org) }); err != nil {
			return err
		}
	}
	if *headFile != "" {
		if err := writeExport(*headFile, func(w io.Writer) error { return demo.WriteHeadcounts(w, org) }); err != nil {
			return err
		}
	}
	res, err := demo.Seed(ctx, store, q, org)
	if err != nil {
		return err
	}
	if err := cliAudit(ctx, store, "demo.seed", "demo organisation", fmt.Sprintf("%d departments, a closed and an open pulse", len(res.Departments))); err != nil {
		return err
	}
	printDemo(stdout, store.Dialect(), strings.TrimRight(base.String(), "/"), q, org, res, *qref, *csvFile, *headFile)
	return demoAdmin(ctx, store, stdout, strings.TrimRight(base.String(), "/"))
}

// demoAdminEmail is the console account trots demo creates.
const demoAdminEmail = "admin@demo.example"

// demoAdmin creates the demo's administrator with a generated password and
// prints it once: trots never ships a default password.
func demoAdmin(ctx context.Context, store *survey.Store, w io.Writer, base string) error {
	password := accounts.GeneratePassword()
	if _, err := accounts.New(store).CreateUser(ctx, accounts.User{Email: demoAdminEmail, Role: accounts.RoleAdmin}, password); err != nil {
		if survey.ErrorCode(err) == survey.EConflict {
			fmt.Fprintf(w, "\nThe console account %s already exists; its password is unchanged.\n", demoAdminEmail)
			return nil
		}
		return err
	}
	if err := cliAudit(ctx, store, "user.add", "account "+demoAdminEmail, "role admin (demo)"); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nConsole (board and decisions): %s/login\n", base)
	fmt.Fprintf(w, "  e-mail:   %s\n  password: %s   (shown only now; more accounts: trots user add)\n", demoAdminEmail, password)
	return nil
}

// existingData describes what the database already holds ("" when empty):
// departments, pulses or saved organisation settings.
func existingData(ctx context.Context, store *survey.Store) (string, error) {
	depts, err := store.Departments(ctx)
	if err != nil {
		return "", err
	}
	pulses, err := store.Pulses(ctx)
	if err != nil {
		return "", err
	}
	st, err := store.Settings(ctx)
	if err != nil {
		return "", err
	}
	var held []string
	if n := len(depts); n > 0 {
		held = append(held, plural(n, "department", "departments"))
	}
	if n := len(pulses); n > 0 {
		held = append(held, plural(n, "pulse", "pulses"))
	}
	if len(held) == 0 && !st.Equal(survey.DefaultSettings()) {
		held = append(held, fmt.Sprintf("the settings of %q", st.Name))
	}
	return strings.Join(held, " and "), nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// writeExport writes a new file through fn, reporting a failed close too.
func writeExport(name string, fn func(io.Writer) error) (err error) {
	// Exports hold raw answers: owner only, like the database.
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, survey.PrivateFileMode)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	return fn(f)
}

func printDemo(w io.Writer, dialect survey.Dialect, base string, q *questionnaires.Questionnaire, org demo.Organisation,
	res demo.Result, qref, csvFile, headFile string) {
	fmt.Fprintf(w, "Demo organisation %q created (%s database, seed %d): %d departments, %d synthetic responses.\n",
		org.Name, dialect, org.Seed, len(res.Departments), org.Responses())
	fmt.Fprintf(w, "Pulse %q on %s holds the synthetic answers and is closed, with its results;\n"+
		"figures are shown for groups of at least %d.\n", res.Baseline.Name, q.Ref(), res.Baseline.MinGroup)
	fmt.Fprintf(w, "Pulse %q on %s@%d is open for new answers: the links below are its links.\n\n",
		res.Open.Name, res.Open.QuestionnaireID, res.Open.QuestionnaireVersion)
	width := len("Department")
	for _, d := range res.Departments {
		width = max(width, utf8.RuneCountInString(d.Department.Name)+2)
	}
	fmt.Fprintf(w, "%-*s  %9s  %9s  %s\n", width, "Department", "Headcount", "Baseline", "Survey link (open pulse)")
	internal := false
	for _, d := range res.Departments {
		name := d.Department.Name
		if !d.Department.ExternallyVisible {
			name += " *"
			internal = true
		}
		pad := width - utf8.RuneCountInString(name)
		fmt.Fprintf(w, "%s%*s  %9d  %9d  %s/s/%s\n", name, pad, "", d.Department.Headcount, d.Responses, base, d.Link.Code)
	}
	if internal {
		fmt.Fprintln(w, "* not externally visible: internal ambassadorship only.")
	}
	fmt.Fprintln(w, "\nWhat each department is designed to show (with the default thresholds):")
	for _, d := range res.Departments {
		if d.Why == "" {
			continue // an ordinary part of the tree
		}
		pad := width - utf8.RuneCountInString(d.Department.Name)
		fmt.Fprintf(w, "  %s%*s %-15s %s\n", d.Department.Name, pad, "", d.Expect, d.Why)
	}
	fmt.Fprintf(w, "\nThe links accept answers now for %q; open one to add your own.\n", res.Open.Name)
	fmt.Fprintf(w, "Results: the verdicts of %q are on the console's board; log in with the account below.\n", res.Baseline.Name)
	fmt.Fprintln(w, "Results of an open pulse appear only once it closes, so that nobody can work out one person's answers by comparing figures over time.")
	_, analyze := commands()["analyze"]
	switch {
	case analyze && csvFile != "":
		cmd := "trots analyze --questionnaire " + shellWord(qref) + " --responses " + shellWord(csvFile)
		if headFile != "" {
			cmd += " --headcounts " + shellWord(headFile)
		}
		fmt.Fprintf(w, "See them now from the exported answers:\n  %s --format text\n", cmd)
	case analyze:
		fmt.Fprintln(w, "To see them now, run the demo on an empty database with --export-csv answers.csv")
		fmt.Fprintln(w, "--export-headcounts headcounts.csv, then: trots analyze --questionnaire "+shellWord(qref)+
			" --responses answers.csv --headcounts headcounts.csv --format text")
	case csvFile != "":
		fmt.Fprintf(w, "The answers are also in %s, in the CSV format of trots analyze (not part of this build yet).\n", csvFile)
	}
}

// shellWord quotes s for a POSIX shell when it holds anything but safe
// characters, so that a printed command can be pasted as it is.
func shellWord(s string) string {
	safe := s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@=+,", r))
	}) < 0
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// demoLogin tells, when make run starts on the demo database again, how to
// sign in: the demo administrator's address and a fresh one-time link to
// choose its password (the first password was shown only once).
func demoLogin(ctx context.Context, store *survey.Store, w io.Writer, base string) error {
	u, err := accounts.New(store).UserByEmail(ctx, demoAdminEmail)
	if err != nil || u.Disabled {
		if survey.ErrorCode(err) == survey.EInternal {
			return err
		}
		fmt.Fprintf(w, "\nConsole: %s/login (a new password for an account: trots user reset --email ADDRESS)\n", base)
		return nil
	}
	link, err := printResetLink(ctx, store, demoAdminEmail, base)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nConsole (board and decisions): %s/login\n  e-mail:   %s\n", base, demoAdminEmail)
	fmt.Fprintf(w, "  password: the one shown when the demo was made, or choose a new one with this link (works once, until %s UTC):\n  %s\n",
		link.ExpiresAt.Format("2006-01-02 15:04"), link.URL)
	return nil
}
