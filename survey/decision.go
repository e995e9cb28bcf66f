package survey

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Choice is management's go/no-go call for a department.
type Choice string

const (
	ChoiceGo   Choice = "go"    // start the advocacy programme
	ChoiceNoGo Choice = "no_go" // fix the employee experience first
)

// Decision is one recorded go/no-go call. Decisions form an append-only
// audit log: the store can add them and read them, never change or remove
// one; the latest per pulse and department is the one that holds.
type Decision struct {
	ID           string
	PulseID      string
	DepartmentID string
	Choice       Choice
	// Verdict is the analysis verdict shown when the call was made.
	Verdict string
	Note    string
	// UserID and UserEmail say who decided (the address is copied so the
	// log stays readable whatever happens to the account).
	UserID    string
	UserEmail string
	// UserRole is the decider's role (an accounts.Role); it stays when the
	// retention blanks the note and the address (UserEmail is then empty).
	UserRole  string
	DecidedAt time.Time
}

type decisionRow struct {
	ID           string `gorm:"primaryKey"`
	PulseID      string
	DepartmentID string
	Decision     string
	Verdict      string
	Note         string
	UserID       string
	UserEmail    string
	UserRole     string
	DecidedAt    time.Time
}

func (decisionRow) TableName() string { return "decisions" }

func (r decisionRow) domain() Decision {
	return Decision{ID: r.ID, PulseID: r.PulseID, DepartmentID: r.DepartmentID, Choice: Choice(r.Decision), Verdict: r.Verdict,
		Note: r.Note, UserID: r.UserID, UserEmail: r.UserEmail, UserRole: r.UserRole, DecidedAt: r.DecidedAt.UTC()}
}

// MaxNoteLength bounds a decision's note in characters.
const MaxNoteLength = 2000

// Validate checks a decision before it is recorded.
func (d *Decision) Validate() error {
	d.Note = strings.TrimSpace(d.Note)
	switch {
	case d.Choice != ChoiceGo && d.Choice != ChoiceNoGo:
		return errorf(EInvalid, "decision_choice", "choose go or no-go")
	case d.Note == "":
		return errorf(EInvalid, "decision_note_missing", "a decision needs a note")
	case !PlainText(d.Note, true):
		return errorf(EInvalid, "decision_note_invalid", "a note may not hold control characters or invalid UTF-8")
	case utf8.RuneCountInString(d.Note) > MaxNoteLength:
		return errorf(EInvalid, "decision_note_long", "a note has at most %d characters", MaxNoteLength)
	case d.PulseID == "" || d.DepartmentID == "" || d.UserID == "":
		return errorf(EInvalid, "decision_incomplete", "a decision needs a pulse, a department and a user")
	}
	return nil
}

// RecordDecision appends a decision to the log, stamped now.
func (s *Store) RecordDecision(ctx context.Context, d Decision) (Decision, error) {
	if err := d.Validate(); err != nil {
		return Decision{}, err
	}
	if _, err := s.Pulse(ctx, d.PulseID); err != nil {
		return Decision{}, err
	}
	if _, err := s.Department(ctx, d.DepartmentID); err != nil {
		return Decision{}, err
	}
	var role string
	if err := s.r.WithContext(ctx).Table("users").Where("id = ?", d.UserID).Pluck("role", &role).Error; err != nil {
		return Decision{}, internal("read decider's role", err)
	}
	row := decisionRow{ID: NewID(), PulseID: d.PulseID, DepartmentID: d.DepartmentID, Decision: string(d.Choice),
		Verdict: d.Verdict, Note: d.Note, UserID: d.UserID, UserEmail: d.UserEmail, UserRole: role, DecidedAt: s.now().UTC()}
	if err := s.w.WithContext(ctx).Create(&row).Error; err != nil {
		if isForeignKeyViolation(err) {
			return Decision{}, errorf(ENotFound, "decision_incomplete", "the pulse, department or user does not exist")
		}
		return Decision{}, internal("record decision", err)
	}
	return row.domain(), nil
}

// Decisions returns the log of a pulse, newest first; departmentID, if not
// empty, narrows it to one department.
func (s *Store) Decisions(ctx context.Context, pulseID, departmentID string) ([]Decision, error) {
	q := s.r.WithContext(ctx).Where("pulse_id = ?", pulseID)
	if departmentID != "" {
		q = q.Where("department_id = ?", departmentID)
	}
	var rows []decisionRow
	if err := q.Order("decided_at DESC, id").Find(&rows).Error; err != nil {
		return nil, internal("list decisions", err)
	}
	out := make([]Decision, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}
