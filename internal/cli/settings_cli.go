package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"trots/server/i18n"
	"trots/survey"
)

const settingsUsage = `Usage: trots settings [show]
       trots settings set [--db <file or URL>] [--lang nl|en] name=value...
       trots settings [--names-file <file>|--clear-names] [--db <file or URL>]

  show   print every organisation setting (the default)
  set    change settings by name; all or nothing: one bad value changes none.
         Names: organisation, language (nl|en), controller, controller_contact,
         dpo_contact, privacy_url, purpose_nl, purpose_en (empty: trots' text),
         lawful_basis (legitimate_interest|public_task), retention_months
         (1-120, for new pulses), k (at least 5), comment_k (at least k),
         lead_comments (yes|no, for new pulses).
  --names-file / --clear-names: the list of names masked in open comments.

Every change is recorded in the audit log as cli:<your user name>.
`

// runSettings is `trots settings`: show the organisation settings, set
// them by name, or replace the list of names to mask.
func runSettings(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "set":
			return runSettingsSet(ctx, args[1:], stdout, stderr)
		case "show":
			args = args[1:]
		case "help":
			fmt.Fprint(stderr, settingsUsage)
			return nil
		}
	}
	return runSettingsNames(ctx, args, stdout, stderr)
}

// runSettingsSet is `trots settings set name=value...`. Every value is
// read and checked before anything is saved, and every problem is said
// (in --lang), so that one run fixes them all.
func runSettingsSet(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("settings set", "settings set [--db <file or URL>] [--lang nl|en] name=value...", stderr)
	dsn := fs.String("db", env("TROTS_DB", survey.DefaultDSN), "SQLite file or postgres:// URL (TROTS_DB)")
	lang := fs.String("lang", "en", "language of the error messages: en or nl")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if !i18n.Supported(*lang) {
		return usageError(fs, "--lang is nl or en")
	}
	pairs := fs.Args()
	if len(pairs) == 0 {
		return usageError(fs, "name=value expected, such as k=6")
	}
	store, err := openUserStore(ctx, *dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	before, err := store.Settings(ctx)
	if err != nil {
		return err
	}
	st := before
	var problems []string
	seen, refused := map[string]bool{}, map[string]bool{}
	for _, pair := range pairs {
		name, value, ok := strings.Cut(pair, "=")
		name = strings.TrimSpace(name)
		if !ok {
			problems = append(problems, fmt.Sprintf("%q: %s", pair, settingsText(*lang, "settings_pair", "name=value")))
			continue
		}
		if seen[name] {
			problems = append(problems, fmt.Sprintf("%s: %s", name, settingsText(*lang, "settings_twice")))
			continue
		}
		seen[name] = true
		if err := st.Set(name, value); err != nil {
			refused[name] = true
			problems = append(problems, fmt.Sprintf("%s: %s", name, settingsErrorText(*lang, err)))
		}
	}
	for name, e := range st.Problems() {
		if !refused[name] {
			problems = append(problems, fmt.Sprintf("%s: %s", name, settingsErrorText(*lang, e)))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("%s\n  %s", settingsText(*lang, "settings_cli_refused"), strings.Join(problems, "\n  "))
	}
	changes := st.SettingChanges(before)
	if len(changes) == 0 {
		fmt.Fprintln(stdout, settingsText(*lang, "settings_unchanged"))
		return nil
	}
	if err := store.SaveSettings(ctx, st); err != nil {
		return err
	}
	if err := auditSettings(ctx, store, before, st); err != nil {
		return err
	}
	for _, c := range changes {
		fmt.Fprintln(stdout, "changed: "+c)
	}
	return nil
}

// settingsErrorText is a refused setting's message in lang.
func settingsErrorText(lang string, err error) string {
	key := survey.ErrorKey(err)
	if key == "" || !i18n.Has(lang, key) {
		return err.Error()
	}
	args := []any{}
	for _, a := range survey.ErrorArgs(err) {
		args = append(args, a)
	}
	return i18n.T(lang, key, args...)
}

func settingsText(lang, key string, args ...any) string { return i18n.T(lang, key, args...) }

// auditSettings records each setting that changed as its own entry (old
// -> new), so that the works council can filter on them.
func auditSettings(ctx context.Context, store *survey.Store, before, after survey.Settings) error {
	for _, c := range after.SettingChanges(before) {
		if err := cliAudit(ctx, store, "settings.change", "organisation settings", c); err != nil {
			return err
		}
	}
	return nil
}

// showSettings prints every setting by name, then the texts the survey
// page derives from them.
func showSettings(w io.Writer, st survey.Settings) error {
	for _, name := range survey.SettingNames {
		v, err := st.Value(name)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s: %s\n", name, strings.ReplaceAll(v, "\n", " "))
	}
	fmt.Fprintf(w, "names masked in comments: %d\n", len(st.MaskNames))
	fmt.Fprintf(w, "purpose as shown (nl): %s\npurpose as shown (en): %s\n", st.Purpose("nl"), st.Purpose("en"))
	return nil
}
