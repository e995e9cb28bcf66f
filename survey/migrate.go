package survey

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// migration is one step of the schema. Steps are append-only: a shipped
// step is never edited (its checksum is recorded and checked at start-up),
// a change is a new step. SQL is written once for both engines; the few
// spots where they differ are placeholders filled in by dialectSQL.
type migration struct {
	Version int
	Name    string
	SQL     string
}

var migrations = []migration{
	{1, "initial schema", `
CREATE TABLE settings (
	id               INTEGER PRIMARY KEY,
	name             TEXT    NOT NULL,
	default_language TEXT    NOT NULL,
	min_group        INTEGER NOT NULL,
	min_comments     INTEGER NOT NULL
);
CREATE TABLE departments (
	id                 TEXT    PRIMARY KEY,
	name               TEXT    NOT NULL UNIQUE,
	headcount          INTEGER NOT NULL DEFAULT 0 CHECK (headcount >= 0),
	externally_visible BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE TABLE pulses (
	id                    TEXT      PRIMARY KEY,
	name                  TEXT      NOT NULL,
	questionnaire_id      TEXT      NOT NULL,
	questionnaire_version INTEGER   NOT NULL,
	opens_at              TIMESTAMP NULL,
	closes_at             TIMESTAMP NULL,
	status                TEXT      NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
	min_group             INTEGER   NOT NULL DEFAULT 0,
	min_comments          INTEGER   NOT NULL DEFAULT 0,
	created_at            TIMESTAMP NOT NULL
);
-- One unguessable link per pulse and department: the link, not the person,
-- says which department an answer counts for.
CREATE TABLE survey_links (
	code          TEXT PRIMARY KEY,
	pulse_id      TEXT NOT NULL REFERENCES pulses(id) ON DELETE CASCADE,
	department_id TEXT NOT NULL REFERENCES departments(id) ON DELETE CASCADE,
	UNIQUE (pulse_id, department_id)
);
-- Single-use invitations. Only a hash of the token is kept, and no
-- response ever references an invitation.
CREATE TABLE invitations (
	token_hash    TEXT    PRIMARY KEY,
	pulse_id      TEXT    NOT NULL REFERENCES pulses(id) ON DELETE CASCADE,
	department_id TEXT    NOT NULL REFERENCES departments(id) ON DELETE CASCADE,
	used          BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX invitations_pulse ON invitations (pulse_id, department_id);
-- Responses: random id, no time, no token, no address. The submission key
-- is the random key of the rendered form; its uniqueness makes a double tap
-- or a retry store the response once. {{no_rowid}} keeps SQLite from
-- keeping a hidden arrival-ordered rowid.
CREATE TABLE responses (
	id             TEXT NOT NULL PRIMARY KEY,
	pulse_id       TEXT NOT NULL REFERENCES pulses(id) ON DELETE CASCADE,
	department_id  TEXT NOT NULL REFERENCES departments(id),
	submission_key TEXT NOT NULL UNIQUE,
	answers        TEXT NOT NULL
){{no_rowid}};
CREATE INDEX responses_pulse_department ON responses (pulse_id, department_id);
-- Open comments live apart from responses so they cannot be joined to the
-- same person's scores.
CREATE TABLE comments (
	id            TEXT NOT NULL PRIMARY KEY,
	pulse_id      TEXT NOT NULL REFERENCES pulses(id) ON DELETE CASCADE,
	department_id TEXT NOT NULL REFERENCES departments(id),
	item_id       TEXT NOT NULL,
	body          TEXT NOT NULL
){{no_rowid}};
CREATE INDEX comments_pulse_department ON comments (pulse_id, department_id);
`},
	{2, "retention: closing time, purge time and result snapshots", `
-- When a pulse was closed, and when the retention deleted its raw answers
-- (responses and comments); the aggregated results stay in pulse_results.
ALTER TABLE pulses ADD COLUMN closed_at TIMESTAMP NULL;
ALTER TABLE pulses ADD COLUMN purged_at TIMESTAMP NULL;
-- The analysis of a closed pulse as JSON (analysis.Result), written when
-- it is closed: its final results, which outlive the raw answers.
CREATE TABLE pulse_results (
	pulse_id    TEXT      NOT NULL PRIMARY KEY REFERENCES pulses(id) ON DELETE CASCADE,
	result      TEXT      NOT NULL,
	computed_at TIMESTAMP NOT NULL
);
`},
	{3, "console accounts, sessions and decisions", `
-- Console accounts. Only an argon2id hash of the password is kept; a lead
-- belongs to exactly one department, the other roles to none.
CREATE TABLE users (
	id            TEXT      PRIMARY KEY,
	email         TEXT      NOT NULL UNIQUE,
	password_hash TEXT      NOT NULL,
	role          TEXT      NOT NULL CHECK (role IN ('admin', 'viewer', 'lead')),
	department_id TEXT      NULL REFERENCES departments(id),
	disabled      BOOLEAN   NOT NULL DEFAULT FALSE,
	created_at    TIMESTAMP NOT NULL,
	CHECK ((role = 'lead') = (department_id IS NOT NULL))
);
-- Server-side sessions, keyed by a hash of the token the browser holds.
CREATE TABLE sessions (
	id_hash      TEXT      PRIMARY KEY,
	user_id      TEXT      NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at   TIMESTAMP NOT NULL,
	last_seen_at TIMESTAMP NOT NULL,
	expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
-- Failed logins per hash of account and address, for the back-off; in the
-- database so that it holds across instances.
CREATE TABLE login_failures (
	key_hash     TEXT      PRIMARY KEY,
	failures     INTEGER   NOT NULL,
	last_failure TIMESTAMP NOT NULL
);
-- The go/no-go decisions: an append-only audit log (the store only ever
-- inserts; nothing cascades into it).
CREATE TABLE decisions (
	id            TEXT      PRIMARY KEY,
	pulse_id      TEXT      NOT NULL REFERENCES pulses(id),
	department_id TEXT      NOT NULL REFERENCES departments(id),
	decision      TEXT      NOT NULL CHECK (decision IN ('go', 'no_go')),
	verdict       TEXT      NOT NULL,
	note          TEXT      NOT NULL,
	user_id       TEXT      NOT NULL REFERENCES users(id),
	user_email    TEXT      NOT NULL,
	decided_at    TIMESTAMP NOT NULL
);
CREATE INDEX decisions_pulse_department ON decisions (pulse_id, department_id, decided_at);
-- API tokens of console users, kept as hashes like sessions.
CREATE TABLE api_tokens (
	token_hash TEXT      PRIMARY KEY,
	user_id    TEXT      NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	name       TEXT      NOT NULL,
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
`},
	{4, "report jobs and each user's language", `
-- The console's language each user chose ('' until they choose).
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT '';
-- Report downloads run as jobs, so that a report for a large organisation
-- shows its progress instead of holding a request open; in the database so
-- that any instance can show the progress and serve the finished PDF.
CREATE TABLE report_jobs (
	id            TEXT      PRIMARY KEY,
	user_id       TEXT      NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	pulse_id      TEXT      NOT NULL REFERENCES pulses(id) ON DELETE CASCADE,
	department_id TEXT      NULL REFERENCES departments(id) ON DELETE CASCADE,
	lang          TEXT      NOT NULL,
	status        TEXT      NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
	done          INTEGER   NOT NULL DEFAULT 0,
	total         INTEGER   NOT NULL DEFAULT 0,
	error         TEXT      NOT NULL DEFAULT '',
	pdf           {{blob}}  NULL,
	created_at    TIMESTAMP NOT NULL,
	-- The heartbeat of the instance working on the job: a queued or
	-- running job not updated for a while was lost with its process.
	updated_at    TIMESTAMP NOT NULL,
	finished_at   TIMESTAMP NULL
);
CREATE INDEX report_jobs_user ON report_jobs (user_id, created_at);
`},
	{5, "responses and comments keyed by pulse, department and a random key", `
-- One B-tree per table instead of three: the primary key (pulse,
-- department, random key) is the identity, makes a replayed form (same
-- submission key) store nothing, and is the order in which the analysis
-- reads a pulse department by department. A response used to write its
-- row, a unique index on the key and an index on (pulse, department), each
-- at a random place; now it writes one. The keys are random, so the order
-- of the rows still says nothing about the order of arrival; the copy
-- below inserts in key order for the same reason (on PostgreSQL the heap
-- would otherwise keep the old physical order). The response id is no
-- longer stored: it is derived from the submission key (see responseID).
CREATE TABLE responses_v5 (
	pulse_id       TEXT NOT NULL REFERENCES pulses(id) ON DELETE CASCADE,
	department_id  TEXT NOT NULL REFERENCES departments(id),
	submission_key TEXT NOT NULL,
	answers        TEXT NOT NULL,
	CONSTRAINT responses_identity PRIMARY KEY (pulse_id, department_id, submission_key)
){{no_rowid}};
INSERT INTO responses_v5 (pulse_id, department_id, submission_key, answers)
	SELECT pulse_id, department_id, submission_key, answers FROM responses
	ORDER BY pulse_id, department_id, submission_key;
DROP TABLE responses;
ALTER TABLE responses_v5 RENAME TO responses;
CREATE TABLE comments_v5 (
	pulse_id      TEXT NOT NULL REFERENCES pulses(id) ON DELETE CASCADE,
	department_id TEXT NOT NULL REFERENCES departments(id),
	id            TEXT NOT NULL,
	item_id       TEXT NOT NULL,
	body          TEXT NOT NULL,
	CONSTRAINT comments_identity PRIMARY KEY (pulse_id, department_id, id)
){{no_rowid}};
INSERT INTO comments_v5 (pulse_id, department_id, id, item_id, body)
	SELECT pulse_id, department_id, id, item_id, body FROM comments
	ORDER BY pulse_id, department_id, id;
DROP TABLE comments;
ALTER TABLE comments_v5 RENAME TO comments;
`},
	{6, "action plans and their log", `
-- Action plans: what a department that is not GO agreed to change after a
-- pulse, at most five actions per pulse and department (checked by the
-- store). Owners are roles, not people.
CREATE TABLE actions (
	id            TEXT      PRIMARY KEY,
	pulse_id      TEXT      NOT NULL REFERENCES pulses(id),
	department_id TEXT      NOT NULL REFERENCES departments(id),
	theme         TEXT      NOT NULL,
	title         TEXT      NOT NULL,
	owner         TEXT      NOT NULL,
	due           TEXT      NOT NULL,
	status        TEXT      NOT NULL CHECK (status IN ('planned', 'in_progress', 'done', 'dropped')),
	created_at    TIMESTAMP NOT NULL,
	updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX actions_pulse_department ON actions (pulse_id, department_id);
-- Every change to an action, append-only like decisions: the state after
-- the change, the status before it, who and when.
CREATE TABLE action_events (
	id            TEXT      PRIMARY KEY,
	action_id     TEXT      NOT NULL REFERENCES actions(id),
	pulse_id      TEXT      NOT NULL REFERENCES pulses(id),
	department_id TEXT      NOT NULL REFERENCES departments(id),
	kind          TEXT      NOT NULL CHECK (kind IN ('created', 'status', 'edited')),
	theme         TEXT      NOT NULL,
	title         TEXT      NOT NULL,
	owner         TEXT      NOT NULL,
	due           TEXT      NOT NULL,
	status        TEXT      NOT NULL,
	from_status   TEXT      NOT NULL,
	user_id       TEXT      NOT NULL REFERENCES users(id),
	user_email    TEXT      NOT NULL,
	at            TIMESTAMP NOT NULL
);
CREATE INDEX action_events_pulse_department ON action_events (pulse_id, department_id, at);
`},
}

func (s *Store) dialectSQL(sql string) string {
	noRowid, blob := "", "BYTEA"
	if s.dialect == SQLite {
		noRowid, blob = " WITHOUT ROWID", "BLOB"
	}
	return strings.NewReplacer("{{no_rowid}}", noRowid, "{{blob}}", blob).Replace(sql)
}

func checksum(m migration) string {
	sum := sha256.Sum256([]byte(m.SQL))
	return hex.EncodeToString(sum[:8])
}

// migrationLockID is an arbitrary constant for pg_advisory_lock, so that two
// instances starting at once on one PostgreSQL migrate one after the other.
const migrationLockID = 7_457_837_001

// migrate applies every step up to and including version target that is not
// yet recorded, each in its own transaction together with its record, and
// refuses to start when a recorded step differs from the shipped one.
func (s *Store) migrate(ctx context.Context, target int) error {
	return s.w.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		if s.dialect == Postgres {
			if err := conn.Exec("SELECT pg_advisory_lock(?)", migrationLockID).Error; err != nil {
				return fmt.Errorf("survey: migrate: take lock: %w", err)
			}
			defer conn.Exec("SELECT pg_advisory_unlock(?)", migrationLockID)
		}
		if err := conn.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
			version    INTEGER   PRIMARY KEY,
			name       TEXT      NOT NULL,
			checksum   TEXT      NOT NULL,
			applied_at TIMESTAMP NOT NULL)`).Error; err != nil {
			return fmt.Errorf("survey: migrate: create schema_migrations: %w", err)
		}
		type applied struct {
			Version  int
			Checksum string
		}
		var done []applied
		if err := conn.Raw("SELECT version, checksum FROM schema_migrations ORDER BY version").Scan(&done).Error; err != nil {
			return fmt.Errorf("survey: migrate: read schema_migrations: %w", err)
		}
		have := map[int]string{}
		for _, a := range done {
			have[a.Version] = a.Checksum
		}
		for v := range have {
			if v > len(migrations) {
				return fmt.Errorf("survey: migrate: the database is at schema version %d, newer than this trots (%d): use a newer binary", v, len(migrations))
			}
		}
		for _, m := range migrations {
			if m.Version > target {
				break
			}
			if sum, ok := have[m.Version]; ok {
				if sum != checksum(m) {
					return fmt.Errorf("survey: migrate: step %d (%s) was changed after it was applied (checksum %s, database has %s)", m.Version, m.Name, checksum(m), sum)
				}
				continue
			}
			err := conn.Transaction(func(tx *gorm.DB) error {
				for _, stmt := range splitStatements(s.dialectSQL(m.SQL)) {
					if err := tx.Exec(stmt).Error; err != nil {
						return fmt.Errorf("%w\n%s", err, stmt)
					}
				}
				return tx.Exec("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
					m.Version, m.Name, checksum(m), s.now().UTC()).Error
			})
			if err != nil {
				return fmt.Errorf("survey: migrate: step %d (%s): %w", m.Version, m.Name, err)
			}
			s.log.Info("schema migrated", "version", m.Version, "name", m.Name)
		}
		return nil
	})
}

// SchemaVersion returns the highest applied migration.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.r.WithContext(ctx).Raw("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v).Error
	if err != nil {
		return 0, fmt.Errorf("survey: schema version: %w", err)
	}
	return v, nil
}

// splitStatements splits a migration on semicolons at line ends and drops
// comment lines; migrations contain no semicolons inside literals.
func splitStatements(sql string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(sql, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteString("\n")
		if strings.HasSuffix(t, ";") {
			out = append(out, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		out = append(out, strings.TrimSpace(cur.String()))
	}
	return out
}
