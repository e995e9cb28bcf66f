package survey_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"trots/survey"
	"trots/survey/storetest"
)

// privacyDoc is the DPIA pack: every table and column of the schema with
// what it holds, who sees it and when it is deleted (issue 19).
var privacyDoc = filepath.Join("..", "docs", "privacy.md")

// docSchema is what docs/privacy.md documents: its "Schema version: N"
// line, and under "## Tables" a "### `table`" heading per table followed
// by a markdown table whose rows start with "| `column` |" and have four
// cells (column, what it holds, who sees it, deleted).
type docSchema struct {
	version int
	tables  map[string][]string // table -> columns, in the document's order
	errs    []string            // rows that are not well formed
}

var (
	docHeading = regexp.MustCompile("^### `([a-z0-9_]+)`\\s*$")
	docRow     = regexp.MustCompile("^\\|\\s*`([a-z0-9_]+)`\\s*\\|")
	docVersion = regexp.MustCompile(`^Schema version: (\d+)\s*$`)
)

func parsePrivacyDoc(text string) docSchema {
	d := docSchema{tables: map[string][]string{}}
	inTables, table := false, ""
	for i, line := range strings.Split(text, "\n") {
		if m := docVersion.FindStringSubmatch(line); m != nil {
			d.version, _ = strconv.Atoi(m[1])
		}
		if strings.HasPrefix(line, "## ") {
			inTables, table = strings.TrimSpace(line) == "## Tables", ""
			continue
		}
		if !inTables {
			continue
		}
		if m := docHeading.FindStringSubmatch(line); m != nil {
			table = m[1]
			if _, dup := d.tables[table]; dup {
				d.errs = append(d.errs, fmt.Sprintf("line %d: table `%s` is documented twice", i+1, table))
			}
			d.tables[table] = []string{}
			continue
		}
		m := docRow.FindStringSubmatch(line)
		if m == nil || table == "" {
			continue
		}
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		if len(cells) != 4 || slices.ContainsFunc(cells, func(c string) bool { return strings.TrimSpace(c) == "" }) {
			d.errs = append(d.errs, fmt.Sprintf("line %d: the row of `%s.%s` needs four filled cells: | `column` | what it holds | who sees it | deleted |", i+1, table, m[1]))
		}
		if slices.Contains(d.tables[table], m[1]) {
			d.errs = append(d.errs, fmt.Sprintf("line %d: column `%s.%s` is documented twice", i+1, table, m[1]))
		}
		d.tables[table] = append(d.tables[table], m[1])
	}
	return d
}

// compareSchema lists every difference between the documented tables and
// the schema, each saying what to change in docs/privacy.md.
func compareSchema(doc docSchema, schema map[string][]string, version int) []string {
	out := slices.Clone(doc.errs)
	if doc.version != version {
		out = append(out, fmt.Sprintf("docs/privacy.md says \"Schema version: %d\", the latest migration is %d: document its tables and columns, then set the line to \"Schema version: %d\"", doc.version, version, version))
	}
	for _, t := range slices.Sorted(mapKeys(schema)) {
		cols, ok := doc.tables[t]
		if !ok {
			var b strings.Builder
			fmt.Fprintf(&b, "table `%s` (schema version %d) is not in docs/privacy.md: add under \"## Tables\":\n\n### `%s`\n\n| column | what it holds | who sees it | deleted |\n|---|---|---|---|\n", t, version, t)
			for _, c := range schema[t] {
				fmt.Fprintf(&b, "| `%s` | <what it holds> | <who sees it> | <when it is deleted> |\n", c)
			}
			out = append(out, b.String())
			continue
		}
		for _, c := range schema[t] {
			if !slices.Contains(cols, c) {
				out = append(out, fmt.Sprintf("column `%s.%s` (schema version %d) is not in docs/privacy.md: add the row\n| `%s` | <what it holds> | <who sees it> | <when it is deleted> |\nto the table under ### `%s`", t, c, version, c, t))
			}
		}
		for _, c := range cols {
			if !slices.Contains(schema[t], c) {
				out = append(out, fmt.Sprintf("docs/privacy.md documents column `%s.%s`, which the schema (version %d) does not have: remove its row under ### `%s`", t, c, version, t))
			}
		}
	}
	for _, t := range slices.Sorted(mapKeys(doc.tables)) {
		if _, ok := schema[t]; !ok {
			out = append(out, fmt.Sprintf("docs/privacy.md documents table `%s`, which the schema (version %d) does not have: remove its section ### `%s`", t, version, t))
		}
	}
	return out
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// schemaColumns lists every table of the store's database (the engine's
// own bookkeeping tables aside) with its columns.
func schemaColumns(t *testing.T, s *survey.Store, dsn string) map[string][]string {
	t.Helper()
	db := survey.WriterDB(s)
	type col struct{ Table, Column string }
	var cols []col
	var err error
	if strings.HasPrefix(dsn, "postgres") {
		err = db.Raw(`SELECT c.table_name AS "table", c.column_name AS "column" FROM information_schema.columns c
			JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
			WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
			ORDER BY c.table_name, c.ordinal_position`).Scan(&cols).Error
	} else {
		err = db.Raw(`SELECT m.name AS "table", p.name AS "column" FROM sqlite_master m, pragma_table_info(m.name) p
			WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid`).Scan(&cols).Error
	}
	if err != nil {
		t.Fatalf("list the schema's columns: %v", err)
	}
	out := map[string][]string{}
	for _, c := range cols {
		out[c.Table] = append(out[c.Table], c.Column)
	}
	if len(out) < 10 {
		t.Fatalf("the schema has %d tables: %v", len(out), out)
	}
	return out
}

// docs/privacy.md lists every table and column of the latest migration,
// no more, each with what it holds, who sees it and when it goes - on a
// fresh SQLite and a fresh PostgreSQL database, which must agree.
func TestPrivacyDocListsEverySchemaColumn(t *testing.T) {
	text, err := os.ReadFile(privacyDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := parsePrivacyDoc(string(text))
	var schemas []map[string][]string
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		v, err := s.SchemaVersion(ctx)
		if err != nil || v != survey.MigrationCount() {
			t.Fatalf("schema version %d, %v; want the latest, %d", v, err, survey.MigrationCount())
		}
		schema := schemaColumns(t, s, dsn)
		schemas = append(schemas, schema)
		for _, msg := range compareSchema(doc, schema, v) {
			t.Error(msg)
		}
	})
	// Both engines have the same tables and columns, so one document
	// describes both.
	if len(schemas) == 2 {
		for table, cols := range schemas[0] {
			other := slices.Clone(schemas[1][table])
			slices.Sort(other)
			mine := slices.Clone(cols)
			slices.Sort(mine)
			if !slices.Equal(mine, other) {
				t.Errorf("table %s: SQLite has columns %v, PostgreSQL %v", table, mine, other)
			}
		}
		if len(schemas[0]) != len(schemas[1]) {
			t.Errorf("SQLite has %d tables, PostgreSQL %d", len(schemas[0]), len(schemas[1]))
		}
	}
}

// The comparison notices a column, a table or a version the document
// lacks, and names what to add.
func TestPrivacyDocComparisonNamesWhatToAdd(t *testing.T) {
	doc := parsePrivacyDoc("Schema version: 3\n\n## Tables\n\n### `users`\n\n| column | what it holds | who sees it | deleted |\n|---|---|---|---|\n" +
		"| `id` | random id | DBA | never |\n| `gone` | x | y | z |\n| `email` | address | admin |\n\n## Next\n\n### `ignored`\n| `x` | a | b | c |\n")
	schema := map[string][]string{"users": {"id", "email", "role"}, "audit_log": {"id", "at"}}
	got := strings.Join(compareSchema(doc, schema, 4), "\n---\n")
	for _, want := range []string{
		"the row of `users.email` needs four filled cells",
		"set the line to \"Schema version: 4\"",
		"table `audit_log` (schema version 4) is not in docs/privacy.md",
		"| `at` | <what it holds> | <who sees it> | <when it is deleted> |",
		"column `users.role` (schema version 4) is not in docs/privacy.md: add the row\n| `role` |",
		"documents column `users.gone`, which the schema (version 4) does not have",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the comparison does not say %q; it says:\n%s", want, got)
		}
	}
	if strings.Contains(got, "ignored") {
		t.Errorf("a table outside \"## Tables\" was read:\n%s", got)
	}
}
