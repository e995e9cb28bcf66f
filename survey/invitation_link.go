package survey

import (
	"context"
	"errors"

	"gorm.io/gorm"
)

// LinkByToken resolves a single-use invitation token, or a personal code in
// canonical form (NormalizeCode), to the survey link of its pulse and
// department, so that the survey page can be shown for it.
// An unknown token is ENotFound ("token_unknown"). A used one is EConflict
// ("token_used") and still returns its link, so that a retry of the
// submission that used it can be answered like the first (Submit recognises
// it by its key). Looking up does not use the token: Submit does, in the
// transaction that stores the response.
func (s *Store) LinkByToken(ctx context.Context, token string) (Link, error) {
	if !ValidID(token) && !ValidCode(token) {
		return Link{}, errorf(ENotFound, "token_unknown", "unknown invitation")
	}
	var inv invitationRow
	err := s.r.WithContext(ctx).Take(&inv, "token_hash = ?", s.tokenHash(token)).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Link{}, errorf(ENotFound, "token_unknown", "unknown invitation")
	}
	if err != nil {
		return Link{}, internal("read invitation", err)
	}
	var row linkRow
	err = s.r.WithContext(ctx).Take(&row, "pulse_id = ? AND department_id = ?", inv.PulseID, inv.DepartmentID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		// Invitations can be made before the pulse opens, when the
		// department has no link yet: make the links now.
		if err := ensureLinks(s.w.WithContext(ctx), inv.PulseID); err != nil {
			return Link{}, err
		}
		err = s.w.WithContext(ctx).Take(&row, "pulse_id = ? AND department_id = ?", inv.PulseID, inv.DepartmentID).Error
	}
	if err != nil {
		return Link{}, internal("read survey link", err)
	}
	if inv.Used {
		return Link(row), errorf(EConflict, "token_used", "this invitation has already been used")
	}
	return Link(row), nil
}
