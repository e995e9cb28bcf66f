package survey

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// ActionStatus is where an action of a plan stands.
type ActionStatus string

const (
	ActionPlanned    ActionStatus = "planned"
	ActionInProgress ActionStatus = "in_progress"
	ActionDone       ActionStatus = "done"
	ActionDropped    ActionStatus = "dropped"
)

// ActionStatuses are the statuses in the order a plan moves through them.
var ActionStatuses = []ActionStatus{ActionPlanned, ActionInProgress, ActionDone, ActionDropped}

// Limits of an action plan.
const (
	MaxActions          = 5   // per pulse and department
	MaxActionTitle      = 300 // characters
	MaxActionOwner      = 80  // characters: a role, not a biography
	MaxActionThemeBytes = 100
)

// Action is one agreed change of a department's action plan, recorded
// against the pulse whose verdict it answers. Theme is a dimension id of
// the questionnaire or "topic:" and a promise/reality topic; which themes
// exist is the caller's to check (the store does not read questionnaires).
type Action struct {
	ID           string
	PulseID      string
	DepartmentID string
	Theme        string
	Title        string
	// Owner is a role ("teamleider"), not a person's name.
	Owner     string
	Due       time.Time // a date; the time of day is ignored
	Status    ActionStatus
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ActionEventKind says what changed.
type ActionEventKind string

const (
	ActionCreated       ActionEventKind = "created"
	ActionStatusChanged ActionEventKind = "status"
	ActionEdited        ActionEventKind = "edited"
)

// ActionEvent is one entry of a plan's append-only log: the action as it
// was after the change, its status before, who and when.
type ActionEvent struct {
	ID         string
	Kind       ActionEventKind
	Action     Action
	FromStatus ActionStatus
	UserID     string
	UserEmail  string
	At         time.Time
}

// Author is who changes a plan (copied into the log like a decision's).
type Author struct {
	UserID, UserEmail string
}

const dateLayout = "2006-01-02"

type actionRow struct {
	ID           string `gorm:"primaryKey"`
	PulseID      string
	DepartmentID string
	Theme        string
	Title        string
	Owner        string
	Due          string
	Status       string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (actionRow) TableName() string { return "actions" }

func (r actionRow) domain() Action {
	due, _ := time.Parse(dateLayout, r.Due)
	return Action{ID: r.ID, PulseID: r.PulseID, DepartmentID: r.DepartmentID, Theme: r.Theme, Title: r.Title,
		Owner: r.Owner, Due: due, Status: ActionStatus(r.Status), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

type actionEventRow struct {
	ID           string `gorm:"primaryKey"`
	ActionID     string
	PulseID      string
	DepartmentID string
	Kind         string
	Theme        string
	Title        string
	Owner        string
	Due          string
	Status       string
	FromStatus   string
	UserID       string
	UserEmail    string
	At           time.Time
}

func (actionEventRow) TableName() string { return "action_events" }

func (r actionEventRow) domain() ActionEvent {
	a := actionRow{ID: r.ActionID, PulseID: r.PulseID, DepartmentID: r.DepartmentID, Theme: r.Theme, Title: r.Title,
		Owner: r.Owner, Due: r.Due, Status: r.Status}.domain()
	return ActionEvent{ID: r.ID, Kind: ActionEventKind(r.Kind), Action: a, FromStatus: ActionStatus(r.FromStatus),
		UserID: r.UserID, UserEmail: r.UserEmail, At: r.At.UTC()}
}

// Validate checks an action's own fields before it is stored.
func (a *Action) Validate() error {
	a.Title, a.Owner, a.Theme = strings.TrimSpace(a.Title), strings.TrimSpace(a.Owner), strings.TrimSpace(a.Theme)
	if a.Status == "" {
		a.Status = ActionPlanned
	}
	switch {
	case a.Theme == "" || len(a.Theme) > MaxActionThemeBytes:
		return errorf(EInvalid, "action_theme_invalid", "choose a theme of the questionnaire")
	case a.Title == "":
		return errorf(EInvalid, "action_title_missing", "an action says what will change")
	case !PlainText(a.Title, false) || !PlainText(a.Owner, false):
		return errorf(EInvalid, "action_text_invalid", "an action may not hold control characters or invalid UTF-8")
	case utf8.RuneCountInString(a.Title) > MaxActionTitle:
		return errorf(EInvalid, "action_title_long", "an action has at most %d characters", MaxActionTitle)
	case a.Owner == "":
		return errorf(EInvalid, "action_owner_missing", "an action needs an owner (a role)")
	case utf8.RuneCountInString(a.Owner) > MaxActionOwner:
		return errorf(EInvalid, "action_owner_long", "an owner has at most %d characters", MaxActionOwner)
	case a.Due.IsZero() || a.Due.Year() < 2000 || a.Due.Year() > 2100:
		return errorf(EInvalid, "action_due_invalid", "give a due date as YYYY-MM-DD")
	case !validStatus(a.Status):
		return errorf(EInvalid, "action_status_invalid", "choose planned, in progress, done or dropped")
	case a.PulseID == "" || a.DepartmentID == "":
		return errorf(EInvalid, "action_incomplete", "an action needs a pulse and a department")
	}
	return nil
}

func validStatus(s ActionStatus) bool {
	for _, v := range ActionStatuses {
		if v == s {
			return true
		}
	}
	return false
}

// ParseDue reads a due date as the form and the API send it (YYYY-MM-DD).
func ParseDue(s string) (time.Time, error) {
	t, err := time.Parse(dateLayout, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, errorf(EInvalid, "action_due_invalid", "give a due date as YYYY-MM-DD")
	}
	return t, nil
}

// AddAction adds an action to the plan of a pulse and department, and its
// "created" entry to the log, in one transaction; a plan holds at most
// MaxActions actions.
func (s *Store) AddAction(ctx context.Context, a Action, by Author) (Action, error) {
	if err := a.Validate(); err != nil {
		return Action{}, err
	}
	if by.UserID == "" {
		return Action{}, errorf(EInvalid, "action_incomplete", "an action needs a user")
	}
	now := s.now().UTC()
	row := actionRow{ID: NewID(), PulseID: a.PulseID, DepartmentID: a.DepartmentID, Theme: a.Theme, Title: a.Title,
		Owner: a.Owner, Due: a.Due.Format(dateLayout), Status: string(a.Status), CreatedAt: now, UpdatedAt: now}
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if s.dialect == Postgres {
			// Two instances adding to one plan at once count in turn, so
			// that together they cannot pass MaxActions (SQLite has one
			// writer).
			if err := tx.Exec("SELECT id FROM departments WHERE id = ? FOR UPDATE", a.DepartmentID).Error; err != nil {
				return internal("lock department", err)
			}
		}
		var n int64
		if err := tx.Model(&actionRow{}).Where("pulse_id = ? AND department_id = ?", a.PulseID, a.DepartmentID).Count(&n).Error; err != nil {
			return internal("count actions", err)
		}
		if n >= MaxActions {
			return errorf(EInvalid, "action_too_many", "a plan has at most %d actions", MaxActions)
		}
		if err := tx.Create(&row).Error; err != nil {
			if isForeignKeyViolation(err) {
				return errorf(ENotFound, "action_incomplete", "the pulse or department does not exist")
			}
			return internal("add action", err)
		}
		return logAction(tx, ActionCreated, row, "", by, now)
	})
	if err != nil {
		return Action{}, err
	}
	return row.domain(), nil
}

// UpdateAction changes an action of the plan of a pulse and department: its
// status alone (a "status" entry in the log) or its other fields too (an
// "edited" entry). Nothing is logged when nothing changed.
func (s *Store) UpdateAction(ctx context.Context, a Action, by Author) (Action, error) {
	if err := a.Validate(); err != nil {
		return Action{}, err
	}
	if by.UserID == "" {
		return Action{}, errorf(EInvalid, "action_incomplete", "an action needs a user")
	}
	now := s.now().UTC()
	var out actionRow
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rows []actionRow
		if err := tx.Where("id = ? AND pulse_id = ? AND department_id = ?", a.ID, a.PulseID, a.DepartmentID).Limit(1).Find(&rows).Error; err != nil {
			return internal("read action", err)
		}
		if len(rows) == 0 {
			return errorf(ENotFound, "action_not_found", "no such action in this plan")
		}
		old := rows[0]
		out = old
		out.Theme, out.Title, out.Owner, out.Due, out.Status = a.Theme, a.Title, a.Owner, a.Due.Format(dateLayout), string(a.Status)
		kind := ActionEdited
		switch {
		case out == old:
			return nil
		case out.Theme == old.Theme && out.Title == old.Title && out.Owner == old.Owner && out.Due == old.Due:
			kind = ActionStatusChanged
		}
		out.UpdatedAt = now
		if err := tx.Model(&actionRow{}).Where("id = ?", old.ID).Updates(map[string]any{"theme": out.Theme, "title": out.Title,
			"owner": out.Owner, "due": out.Due, "status": out.Status, "updated_at": now}).Error; err != nil {
			return internal("update action", err)
		}
		return logAction(tx, kind, out, ActionStatus(old.Status), by, now)
	})
	if err != nil {
		return Action{}, err
	}
	return out.domain(), nil
}

func logAction(tx *gorm.DB, kind ActionEventKind, r actionRow, from ActionStatus, by Author, at time.Time) error {
	ev := actionEventRow{ID: NewID(), ActionID: r.ID, PulseID: r.PulseID, DepartmentID: r.DepartmentID, Kind: string(kind),
		Theme: r.Theme, Title: r.Title, Owner: r.Owner, Due: r.Due, Status: r.Status, FromStatus: string(from),
		UserID: by.UserID, UserEmail: by.UserEmail, At: at}
	if err := tx.Create(&ev).Error; err != nil {
		if isForeignKeyViolation(err) {
			return errorf(ENotFound, "action_incomplete", "the user does not exist")
		}
		return internal("log action", err)
	}
	return nil
}

// Actions returns the plan of a pulse and department, oldest action first.
func (s *Store) Actions(ctx context.Context, pulseID, departmentID string) ([]Action, error) {
	var rows []actionRow
	if err := s.r.WithContext(ctx).Where("pulse_id = ? AND department_id = ?", pulseID, departmentID).
		Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, internal("list actions", err)
	}
	out := make([]Action, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// ActionLog returns the log of the plan of a pulse and department, newest
// first.
func (s *Store) ActionLog(ctx context.Context, pulseID, departmentID string) ([]ActionEvent, error) {
	var rows []actionEventRow
	if err := s.r.WithContext(ctx).Where("pulse_id = ? AND department_id = ?", pulseID, departmentID).
		Order("at DESC, id").Find(&rows).Error; err != nil {
		return nil, internal("list action log", err)
	}
	out := make([]ActionEvent, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}
