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
	{6, "audit log, works council role, last sign-in and API token expiry", `
-- The audit log of administrative actions (audit.go): who did what to
-- which object, when. Append-only: the guard below refuses UPDATE, and
-- DELETE except of entries before the retention's cut-off. It names
-- accounts, never respondents, so a sequence for the id is fine (and a
-- gap in it shows that rows went missing).
CREATE TABLE audit_log (
	id        {{serial_pk}},
	at        TIMESTAMP NOT NULL,
	actor     TEXT      NOT NULL,
	action    TEXT      NOT NULL,
	object    TEXT      NOT NULL DEFAULT '',
	detail    TEXT      NOT NULL DEFAULT '',
	sensitive BOOLEAN   NOT NULL DEFAULT FALSE
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_action ON audit_log (action, at);
-- The retention's cut-off: entries before it may be deleted. The guard
-- keeps it at least 27 days in the past, so no entry of the last weeks can
-- be removed through SQL without dropping the guard first.
CREATE TABLE audit_retention (
	id     INTEGER   PRIMARY KEY CHECK (id = 1),
	cutoff TIMESTAMP NOT NULL
);
INSERT INTO audit_retention (id, cutoff) VALUES (1, '1970-01-01 00:00:00');
{{audit_guard}}
-- API tokens expire, and show when they were last used (to the day).
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP NULL;
ALTER TABLE api_tokens ADD COLUMN last_used_on TIMESTAMP NULL;
-- Tokens made before they expired get the default 90 days from now.
{{token_expiry_backfill}}
-- The works council role and each account's last sign-in.
{{users_v6}}
`},
	{7, "how a pulse is answered", `
-- How a pulse is answered, fixed when it is created: through the open
-- department links, personal codes and invitations only, or both. Pulses
-- from before were answered both ways. Decisions are recorded against a
-- pulse, so they show its mode without a column of their own.
ALTER TABLE pulses ADD COLUMN answer_mode TEXT NOT NULL DEFAULT 'both' CHECK (answer_mode IN ('open_links', 'codes', 'both'));
`},
	{8, "invitation tokens under a key kept outside the database, write probe", `
-- Invitation tokens are hashed with a key kept in a file outside the
-- database (keyfile.go); this row holds the key's fingerprint, so that a
-- missing or wrong key file is refused. Hashes of earlier versions are
-- re-keyed at start-up, in Go, when the first key is recorded.
CREATE TABLE token_key (
	id          INTEGER PRIMARY KEY CHECK (id = 1),
	fingerprint TEXT    NOT NULL
);
-- {{no_rowid}}: SQLite's hidden rowid followed the order in which a batch
-- was inserted, which is the order of the mail merge, so a copy of the
-- database told which line of the CSV had used its invitation.
CREATE TABLE invitations_v6 (
	token_hash    TEXT    NOT NULL PRIMARY KEY,
	pulse_id      TEXT    NOT NULL REFERENCES pulses(id) ON DELETE CASCADE,
	department_id TEXT    NOT NULL REFERENCES departments(id) ON DELETE CASCADE,
	used          BOOLEAN NOT NULL DEFAULT FALSE
){{no_rowid}};
INSERT INTO invitations_v6 (token_hash, pulse_id, department_id, used)
	SELECT token_hash, pulse_id, department_id, used FROM invitations ORDER BY token_hash;
DROP TABLE invitations;
ALTER TABLE invitations_v6 RENAME TO invitations;
CREATE INDEX invitations_pulse ON invitations (pulse_id, department_id);
-- /readyz proves that the database takes a write by updating this row.
CREATE TABLE write_probe (
	id      INTEGER PRIMARY KEY CHECK (id = 1),
	counter INTEGER NOT NULL
);
INSERT INTO write_probe (id, counter) VALUES (1, 0);
`},
	{9, "privacy: masked comments, lead comments, retention periods, names to mask, decision roles, floor k >= 5", `
-- Names the organisation wants masked in open comments, one per line.
ALTER TABLE settings ADD COLUMN mask_names TEXT NOT NULL DEFAULT '';
-- No threshold below 5 any more: settings saved under the old floor of 3
-- are raised, and so are pulses still open; a closed pulse keeps the
-- threshold its published results were made with.
UPDATE settings SET min_group = 5 WHERE min_group < 5;
UPDATE settings SET min_comments = min_group WHERE min_comments < min_group;
UPDATE pulses SET min_group = 5 WHERE status = 'open' AND min_group < 5;
UPDATE pulses SET min_comments = min_group WHERE status = 'open' AND min_comments < min_group;
-- Whether a department's lead sees its open comments (fixed at opening),
-- and how many months after closing the raw answers of a pulse are
-- deleted (never 0: a pulse cannot open without one).
ALTER TABLE pulses ADD COLUMN lead_comments BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE pulses ADD COLUMN retention_months INTEGER NOT NULL DEFAULT 12 CHECK (retention_months BETWEEN 1 AND 120);
-- Whether something was masked in a comment before it was stored, so that
-- reports can say how many were.
ALTER TABLE comments ADD COLUMN masked BOOLEAN NOT NULL DEFAULT FALSE;
-- When an account was disabled: the retention deletes it some months later.
ALTER TABLE users ADD COLUMN disabled_at TIMESTAMP NULL;
UPDATE users SET disabled_at = CURRENT_TIMESTAMP WHERE disabled AND disabled_at IS NULL;
-- The role of whoever made a decision, which outlives the note and the
-- author's address when the retention blanks those.
ALTER TABLE decisions ADD COLUMN user_role TEXT NOT NULL DEFAULT '';
UPDATE decisions SET user_role = COALESCE((SELECT role FROM users WHERE users.id = decisions.user_id), '');
`},
	{10, "action plans and their log", `
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
	{11, "accessible HTML beside each report PDF", `
-- The report as an accessible HTML page, made in the same rendering as the
-- PDF (reports/html.go) and kept, trimmed and deleted with it. Jobs done
-- before this step have none: they are made again to get one.
ALTER TABLE report_jobs ADD COLUMN html {{blob}} NULL;
`},
	{12, "department tree: parents, and the tree a pulse closed with", `
-- A department may belong to another (a team to its department, a
-- department to its directorate); NULL at the top. The store refuses
-- cycles and moves while a pulse is open.
ALTER TABLE departments ADD COLUMN parent_id TEXT NULL REFERENCES departments(id);
CREATE INDEX departments_parent ON departments (parent_id);
-- The tree as it was when a pulse closed: published results keep their
-- places and names when departments move or are renamed later. No
-- reference to departments: a department deleted since is still shown
-- where it was.
CREATE TABLE pulse_departments (
	pulse_id      TEXT NOT NULL REFERENCES pulses(id),
	department_id TEXT NOT NULL,
	parent_id     TEXT NOT NULL DEFAULT '',
	name          TEXT NOT NULL,
	headcount     INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (pulse_id, department_id)
);
`},
	{13, "organisation settings for the privacy notice and the defaults of new pulses", `
-- What the survey page, the poster and the thank-you page tell respondents
-- under art. 13 AVG/GDPR: the controller's legal name and contact, the data
-- protection officer's contact, the link to the privacy statement, the
-- purpose in Dutch and English ('' keeps trots' own text) and the lawful
-- basis of art. 6(1). Then what a new pulse starts with: the retention
-- period (months after closing) and whether leads read comments.
ALTER TABLE settings ADD COLUMN controller TEXT NOT NULL DEFAULT '';
ALTER TABLE settings ADD COLUMN controller_contact TEXT NOT NULL DEFAULT '';
ALTER TABLE settings ADD COLUMN dpo_contact TEXT NOT NULL DEFAULT '';
ALTER TABLE settings ADD COLUMN privacy_url TEXT NOT NULL DEFAULT '';
ALTER TABLE settings ADD COLUMN purpose_nl TEXT NOT NULL DEFAULT '';
ALTER TABLE settings ADD COLUMN purpose_en TEXT NOT NULL DEFAULT '';
ALTER TABLE settings ADD COLUMN lawful_basis TEXT NOT NULL DEFAULT 'legitimate_interest' CHECK (lawful_basis IN ('legitimate_interest', 'public_task'));
ALTER TABLE settings ADD COLUMN retention_months INTEGER NOT NULL DEFAULT 12 CHECK (retention_months BETWEEN 1 AND 120);
ALTER TABLE settings ADD COLUMN lead_comments BOOLEAN NOT NULL DEFAULT FALSE;
`},
	{14, "single sign-on: respondents who signed on to a pulse", `
-- Whether a pulse's respondents sign on with the organisation's identity
-- provider before they answer (signon.go), fixed when the pulse is
-- created, like answer_mode.
ALTER TABLE pulses ADD COLUMN sign_on BOOLEAN NOT NULL DEFAULT FALSE;
-- Who has answered a sign-on pulse: a keyed hash per person and pulse
-- (HMAC under the token key file), and nothing else. No column refers to
-- a response or holds a time; {{no_rowid}} keeps SQLite from keeping a
-- hidden rowid in the order of arrival; the rows go when the pulse closes.
CREATE TABLE pulse_signons (
	pulse_id    TEXT NOT NULL REFERENCES pulses(id) ON DELETE CASCADE,
	person_hash TEXT NOT NULL,
	CONSTRAINT pulse_signons_identity PRIMARY KEY (pulse_id, person_hash)
){{no_rowid}};
`},
	{15, "one-time account links, read-only API tokens", `
-- One-time links for accounts (account_link.go): an invitation to a new
-- account, a password reset, or the setup of the first administrator. Only
-- a keyed hash of the token is kept, under the token key that lives outside
-- the database (keyfile.go), so a copy of the database opens no account.
-- A used link keeps its row (used_at) so that it can say it was used.
CREATE TABLE account_links (
	token_hash    TEXT      NOT NULL PRIMARY KEY,
	kind          TEXT      NOT NULL CHECK (kind IN ('invite', 'reset', 'setup')),
	email         TEXT      NOT NULL DEFAULT '',
	role          TEXT      NOT NULL DEFAULT '',
	department_id TEXT      NULL REFERENCES departments(id) ON DELETE CASCADE,
	user_id       TEXT      NULL REFERENCES users(id) ON DELETE CASCADE,
	created_by    TEXT      NOT NULL,
	created_at    TIMESTAMP NOT NULL,
	expires_at    TIMESTAMP NOT NULL,
	used_at       TIMESTAMP NULL
);
CREATE INDEX account_links_email ON account_links (email);
-- API tokens have full access (the account's role), or read the results,
-- decisions and reports only.
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'full' CHECK (scope IN ('full', 'read'));
`},
	{16, "participation of an open pulse counted at most once a day", `
-- What the participation pages of an open pulse show (participation.go):
-- the answers per department as counted at taken_at, counted again at
-- most once a day, so that looking often cannot tell when someone in a
-- small department answered. Counts only, which the responses hold
-- anyway; the row goes when the pulse closes.
CREATE TABLE participation_snapshots (
	pulse_id TEXT      NOT NULL PRIMARY KEY REFERENCES pulses(id) ON DELETE CASCADE,
	taken_at TIMESTAMP NOT NULL,
	counts   TEXT      NOT NULL
);
`},
}

// tokenKeyVersion is the schema version from which invitation hashes are
// keyed (keyfile.go).
const tokenKeyVersion = 8

func (s *Store) dialectSQL(sql string) string {
	noRowid, blob := "", "BYTEA"
	serial, auditGuard, usersV6 := "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", postgresAuditGuard, postgresUsersV6
	backfill := "UPDATE api_tokens SET expires_at = (now() AT TIME ZONE 'UTC') + interval '90 days';"
	if s.dialect == SQLite {
		noRowid, blob = " WITHOUT ROWID", "BLOB"
		serial, auditGuard, usersV6 = "INTEGER PRIMARY KEY AUTOINCREMENT", sqliteAuditGuard, sqliteUsersV6
		backfill = "UPDATE api_tokens SET expires_at = datetime('now', '+90 days');"
	}
	return strings.NewReplacer("{{no_rowid}}", noRowid, "{{blob}}", blob, "{{serial_pk}}", serial,
		"{{audit_guard}}", auditGuard, "{{users_v6}}", usersV6, "{{token_expiry_backfill}}", backfill).Replace(sql)
}

// The parts of migration 6 that differ between the engines. Like the
// migrations themselves they are never edited once shipped. Each statement
// sits on one line where its body holds semicolons (splitStatements splits
// at semicolons that end a line).
const (
	sqliteAuditGuard = `CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log WHEN COALESCE(OLD.at < (SELECT cutoff FROM audit_retention WHERE id = 1), 0) = 0 BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: only entries before the retention cut-off may be deleted'); END;
CREATE TRIGGER audit_retention_no_delete BEFORE DELETE ON audit_retention BEGIN SELECT RAISE(ABORT, 'audit_retention holds the cut-off of the audit log'); END;
CREATE TRIGGER audit_retention_bounded BEFORE UPDATE ON audit_retention WHEN NEW.cutoff > datetime('now', '-27 days') OR NEW.id <> 1 BEGIN SELECT RAISE(ABORT, 'audit_retention: the cut-off stays at least 27 days in the past'); END;
`
	postgresAuditGuard = `CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP = 'DELETE' AND OLD.at < (SELECT cutoff FROM audit_retention WHERE id = 1) THEN RETURN OLD; END IF; RAISE EXCEPTION 'audit_log is append-only: only entries before the retention cut-off may be deleted'; END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
CREATE FUNCTION audit_log_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_no_truncate();
CREATE TRIGGER audit_retention_no_truncate BEFORE TRUNCATE ON audit_retention FOR EACH STATEMENT EXECUTE FUNCTION audit_log_no_truncate();
CREATE FUNCTION audit_retention_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP = 'UPDATE' AND NEW.id = 1 AND NEW.cutoff <= (now() AT TIME ZONE 'UTC') - interval '27 days' THEN RETURN NEW; END IF; RAISE EXCEPTION 'audit_retention: the cut-off stays at least 27 days in the past'; END $$;
CREATE TRIGGER audit_retention_bounded BEFORE UPDATE OR DELETE ON audit_retention FOR EACH ROW EXECUTE FUNCTION audit_retention_guard();
`
	// SQLite cannot change a CHECK constraint: the users table is rebuilt,
	// with foreign keys off for the step (see sqliteRebuilds).
	sqliteUsersV6 = `CREATE TABLE users_v6 (
	id            TEXT      PRIMARY KEY,
	email         TEXT      NOT NULL UNIQUE,
	password_hash TEXT      NOT NULL,
	role          TEXT      NOT NULL CHECK (role IN ('admin', 'viewer', 'lead', 'council')),
	department_id TEXT      NULL REFERENCES departments(id),
	disabled      BOOLEAN   NOT NULL DEFAULT FALSE,
	created_at    TIMESTAMP NOT NULL,
	lang          TEXT      NOT NULL DEFAULT '',
	last_login_at TIMESTAMP NULL,
	CHECK ((role = 'lead') = (department_id IS NOT NULL))
);
INSERT INTO users_v6 (id, email, password_hash, role, department_id, disabled, created_at, lang)
	SELECT id, email, password_hash, role, department_id, disabled, created_at, lang FROM users;
DROP TABLE users;
ALTER TABLE users_v6 RENAME TO users;
`
	postgresUsersV6 = `ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'viewer', 'lead', 'council'));
ALTER TABLE users ADD COLUMN last_login_at TIMESTAMP NULL;
`
)

// sqliteRebuilds tells whether a step rebuilds a table that others refer
// to. SQLite's DROP TABLE would otherwise cascade into (or be refused by)
// the referring tables; the step runs with foreign keys off and is checked
// with foreign_key_check before it commits, as SQLite documents for
// schema changes ALTER TABLE cannot make.
func sqliteRebuilds(m migration) bool { return strings.Contains(m.SQL, "{{users_v6}}") }

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
			rebuild := s.dialect == SQLite && sqliteRebuilds(m)
			if rebuild {
				if err := conn.Exec("PRAGMA foreign_keys = OFF").Error; err != nil {
					return fmt.Errorf("survey: migrate: step %d: foreign keys off: %w", m.Version, err)
				}
			}
			err := conn.Transaction(func(tx *gorm.DB) error {
				for _, stmt := range splitStatements(s.dialectSQL(m.SQL)) {
					if err := tx.Exec(stmt).Error; err != nil {
						return fmt.Errorf("%w\n%s", err, stmt)
					}
				}
				if rebuild {
					var broken []map[string]any
					if err := tx.Raw("PRAGMA foreign_key_check").Scan(&broken).Error; err != nil {
						return fmt.Errorf("foreign key check: %w", err)
					}
					if len(broken) > 0 {
						return fmt.Errorf("foreign key check: %d rows refer to missing rows", len(broken))
					}
				}
				return tx.Exec("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
					m.Version, m.Name, checksum(m), s.now().UTC()).Error
			})
			if rebuild {
				if ferr := conn.Exec("PRAGMA foreign_keys = ON").Error; ferr != nil && err == nil {
					err = fmt.Errorf("foreign keys on: %w", ferr)
				}
			}
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
