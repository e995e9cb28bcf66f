package survey

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"
)

// The audit log: every administrative action - in the console, through the
// API or on the command line - with who did it, to what, and when. It is
// append-only: the store offers AppendAudit and ListAudit only, and
// triggers in the database (migration 6) refuse UPDATE, and DELETE of any
// entry not older than the retention's cut-off (ExpireAudit). The works
// council reads it to see whether anyone who runs trots did something that
// could serve to learn one person's answers: padding a small department
// with answers of their own (they hold its link), or comparing figures
// before and after a department changed.
//
// An entry names accounts and objects (departments, pulses), never a
// respondent: no answers, comments, tokens, codes or passwords go into it.

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	ID int64
	At time.Time
	// Actor is the account's e-mail address, "cli:<os user>" for the
	// command line, or "system:<part>" for trots itself.
	Actor string
	// Action is a stable code such as "department.rename" (AuditActions).
	Action string
	// Object names what was acted on: "department <id> (<name>)".
	Object string
	// Detail is short structured text ("headcount 12 -> 4").
	Detail string
	// Sensitive marks actions that could serve the n-1 attack or a
	// differencing attempt: the works council sees them highlighted.
	Sensitive bool
}

// AuditActions are the action codes trots records, in the order the
// console's filter lists them. A new kind of action adds its code here.
var AuditActions = []string{
	"login.success", "login.failed", "login.signon", "login.signon_refused",
	"user.add", "user.invite", "user.accept", "user.role", "user.disable", "user.enable", "user.reset", "user.password_reset",
	"session.end", "token.create", "token.revoke",
	"department.create", "department.edit", "department.rename", "department.headcount", "department.delete", "department.import",
	"pulse.create", "pulse.open", "pulse.close",
	"links.view", "links.download", "invitations.issue", "codes.issue",
	"report.request", "report.download", "export.board_csv", "export.board_xlsx", "export.results_xlsx", "export.decisions", "audit.export",
	"decision.record", "settings.change", "demo.seed", "retention.run",
}

var auditActionPattern = regexp.MustCompile(`^[a-z][a-z_]*(\.[a-z][a-z_]*)+$`)

// Limits of an entry's texts, in characters.
const (
	auditActorMax  = 320
	auditObjectMax = 300
	auditDetailMax = 500
)

type auditRow struct {
	ID        int64 `gorm:"primaryKey;autoIncrement"`
	At        time.Time
	Actor     string
	Action    string
	Object    string
	Detail    string
	Sensitive bool
}

func (auditRow) TableName() string { return "audit_log" }

func (r auditRow) domain() AuditEntry {
	return AuditEntry{ID: r.ID, At: r.At.UTC(), Actor: r.Actor, Action: r.Action, Object: r.Object, Detail: r.Detail, Sensitive: r.Sensitive}
}

// AuditActor is an actor as the audit log keeps it (trimmed, control
// characters replaced, at most 320 characters), for the records of other
// packages that name who did something (an account link's creator).
func AuditActor(s string) string { return auditText(s, auditActorMax) }

// auditText makes a text fit for one line of the log: control characters
// become spaces, and it is cut to max characters.
func auditText(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.TrimSpace(s))
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max-1]) + "…"
	}
	return s
}

// AppendAudit adds an entry to the audit log; its time is now.
func (s *Store) AppendAudit(ctx context.Context, e AuditEntry) error {
	if !auditActionPattern.MatchString(e.Action) {
		return errorf(EInvalid, "", "audit action %q is not a code such as department.rename", e.Action)
	}
	actor := auditText(e.Actor, auditActorMax)
	if actor == "" {
		return errorf(EInvalid, "", "an audit entry needs an actor")
	}
	row := auditRow{At: s.now().UTC().Truncate(time.Microsecond), Actor: actor, Action: e.Action,
		Object: auditText(e.Object, auditObjectMax), Detail: auditText(e.Detail, auditDetailMax), Sensitive: e.Sensitive}
	if err := s.w.WithContext(ctx).Create(&row).Error; err != nil {
		return internal("append to the audit log", err)
	}
	return nil
}

// AuditFilter selects entries of the audit log.
type AuditFilter struct {
	// Action is an action code, or the part before its dot ("department"
	// matches every department.* action); "" matches all.
	Action string
	// From and To bound the time (From inclusive, To exclusive); zero
	// leaves that side open.
	From, To      time.Time
	SensitiveOnly bool
	// Before, when not 0, gives the entries with a smaller id: the next
	// page after one that ended at Before.
	Before int64
	// Limit caps the entries returned (0: all).
	Limit int
}

// ListAudit returns the entries the filter selects, newest first.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	q := s.r.WithContext(ctx).Model(&auditRow{})
	if a := strings.TrimSpace(f.Action); a != "" {
		if strings.Contains(a, ".") {
			q = q.Where("action = ?", a)
		} else {
			q = q.Where("action LIKE ?", a+".%")
		}
	}
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", f.To.UTC())
	}
	if f.SensitiveOnly {
		q = q.Where("sensitive = ?", true)
	}
	if f.Before > 0 {
		q = q.Where("id < ?", f.Before)
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var rows []auditRow
	if err := q.Order("id DESC").Find(&rows).Error; err != nil {
		return nil, internal("read the audit log", err)
	}
	out := make([]AuditEntry, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// AuditMinRetention is the youngest cut-off the database accepts: the
// guard of migration 6 keeps the last 27 days of the log out of reach of
// any DELETE, and a month is the shortest retention period.
const AuditMinRetention = 27 * 24 * time.Hour

// ExpireAudit deletes the entries older than before (the same retention
// period as the raw answers) and says how many. The cut-off is recorded in
// the database first: the guard lets a DELETE through only for entries
// before it, and refuses a cut-off within the last 27 days.
func (s *Store) ExpireAudit(ctx context.Context, before time.Time) (int, error) {
	before = before.UTC()
	n := 0
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("UPDATE audit_retention SET cutoff = ? WHERE id = 1 AND cutoff < ?", before, before).Error; err != nil {
			return errorf(EInvalid, "", "the audit log keeps at least its last 27 days: %v", err)
		}
		res := tx.Where("at < ?", before).Delete(&auditRow{})
		if res.Error != nil {
			return internal("expire the audit log", res.Error)
		}
		n = int(res.RowsAffected)
		return nil
	})
	return n, err
}
