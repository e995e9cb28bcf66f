package survey

import (
	"context"
	"errors"
	"slices"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Link is the unguessable survey address of one department in one pulse.
// Everyone in the department uses the same link, so the link - not the
// person - tells which department an answer counts for.
type Link struct {
	Code         string
	PulseID      string
	DepartmentID string
}

type linkRow struct {
	Code         string `gorm:"primaryKey"`
	PulseID      string
	DepartmentID string
}

func (linkRow) TableName() string { return "survey_links" }

// ensureLinks gives every department a link for the pulse (departments
// added after opening get theirs the next time links are listed).
func ensureLinks(tx *gorm.DB, pulseID string) error {
	var ids []string
	if err := tx.Model(&departmentRow{}).Order("name").Pluck("id", &ids).Error; err != nil {
		return internal("list departments", err)
	}
	for _, d := range ids {
		row := linkRow{Code: NewID(), PulseID: pulseID, DepartmentID: d}
		err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "pulse_id"}, {Name: "department_id"}}, DoNothing: true}).
			Create(&row).Error
		if err != nil {
			return internal("create survey link", err)
		}
	}
	return nil
}

// Links returns the survey link of every department for a pulse, creating
// missing ones.
func (s *Store) Links(ctx context.Context, pulseID string) ([]Link, error) {
	if _, err := s.Pulse(ctx, pulseID); err != nil {
		return nil, err
	}
	if err := ensureLinks(s.w.WithContext(ctx), pulseID); err != nil {
		return nil, err
	}
	var rows []linkRow
	if err := s.w.WithContext(ctx).Where("pulse_id = ?", pulseID).Find(&rows).Error; err != nil {
		return nil, internal("list survey links", err)
	}
	out := make([]Link, len(rows))
	for i, r := range rows {
		out[i] = Link(r)
	}
	return out, nil
}

// LinkByCode resolves a survey link.
func (s *Store) LinkByCode(ctx context.Context, code string) (Link, error) {
	if !ValidID(code) {
		return Link{}, errorf(ENotFound, "link_unknown", "unknown survey link")
	}
	var row linkRow
	err := s.r.WithContext(ctx).Take(&row, "code = ?", code).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Link{}, errorf(ENotFound, "link_unknown", "unknown survey link")
	}
	if err != nil {
		return Link{}, internal("read survey link", err)
	}
	return Link(row), nil
}

type invitationRow struct {
	TokenHash    string `gorm:"primaryKey"`
	PulseID      string
	DepartmentID string
	Used         bool
}

func (invitationRow) TableName() string { return "invitations" }

// MaxInvitationBatch bounds one batch of invitation tokens.
const MaxInvitationBatch = 50_000

// CreateInvitations makes n single-use tokens for a department in a pulse
// and returns them; only their hashes are stored, so the tokens exist only
// in the mail merge that HR makes from them.
func (s *Store) CreateInvitations(ctx context.Context, pulseID, departmentID string, n int) ([]string, error) {
	if n < 1 || n > MaxInvitationBatch {
		return nil, errorf(EInvalid, "invitation_count", "a batch has 1 to %d invitations", MaxInvitationBatch)
	}
	tokens := make([]string, n)
	for i := range tokens {
		tokens[i] = NewID()
	}
	if err := s.storeInvitations(ctx, pulseID, departmentID, tokens); err != nil {
		return nil, err
	}
	return tokens, nil
}

// storeInvitations stores the hashes of single-use tokens (invitation
// tokens or personal codes) for a department in a pulse, all or none.
func (s *Store) storeInvitations(ctx context.Context, pulseID, departmentID string, tokens []string) error {
	rows := make([]invitationRow, len(tokens))
	for i, t := range tokens {
		rows[i] = invitationRow{TokenHash: s.tokenHash(t), PulseID: pulseID, DepartmentID: departmentID}
	}
	// Rows go in in the order of their keyed hashes, not of the mail
	// merge: PostgreSQL's physical order (ctid) would otherwise tell
	// which row belongs to which line of the CSV, keyed hash or not.
	slices.SortFunc(rows, func(a, b invitationRow) int { return strings.Compare(a.TokenHash, b.TokenHash) })
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.checkTokenKey(tx); err != nil {
			return err
		}
		return tx.CreateInBatches(rows, 500).Error
	})
	switch {
	case isForeignKeyViolation(err):
		return errorf(ENotFound, "pulse_or_department_not_found", "unknown pulse or department")
	case ErrorCode(err) != EInternal:
		return err
	case err != nil:
		return internal("create invitations", err)
	}
	return nil
}
