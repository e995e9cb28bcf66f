package survey

// AnswerMode is how a pulse is answered: through the open link of each
// department, through personal codes and invitations only, or both. It is
// chosen when the pulse is created and fixed from then on: what people
// were told when it opened (a poster on the wall, or a slip in the hand)
// stays true, and every result and decision of the pulse rests on one way
// of collecting. Open links let anyone holding one answer more than once;
// codes and invitations allow one answer each. The board, the reports and
// the decisions say which it was.
type AnswerMode string

const (
	// ModeOpenLinks: department links only; invitations and personal
	// codes are refused.
	ModeOpenLinks AnswerMode = "open_links"
	// ModeCodes: personal codes and invitations only, one answer each;
	// department links are refused.
	ModeCodes AnswerMode = "codes"
	// ModeBoth: either. Pulses from before the setting existed have it,
	// since that is how they were answered.
	ModeBoth AnswerMode = "both"
)

// AnswerModes are the modes in the order forms offer them.
var AnswerModes = []AnswerMode{ModeBoth, ModeCodes, ModeOpenLinks}

// ParseAnswerMode reads a mode; "" is ModeBoth, the default.
func ParseAnswerMode(s string) (AnswerMode, bool) {
	switch m := AnswerMode(s); m {
	case "":
		return ModeBoth, true
	case ModeOpenLinks, ModeCodes, ModeBoth:
		return m, true
	}
	return "", false
}

// AcceptsLinks reports whether the pulse takes answers through the open
// department links.
func (p Pulse) AcceptsLinks() bool { return p.Mode != ModeCodes }

// AcceptsInvitations reports whether the pulse takes answers through
// invitations and personal codes.
func (p Pulse) AcceptsInvitations() bool { return p.Mode != ModeOpenLinks }

// CheckWay returns nil when the pulse takes answers the way a submission
// comes (invited: with an invitation token or a personal code), and
// otherwise the refusal: "mode_codes_only" for a department link of a
// pulse answered with codes, "mode_links_only" for a token of one answered
// through open links.
func (p Pulse) CheckWay(invited bool) error {
	switch {
	case invited && p.SignOn:
		return errorf(EConflict, "mode_signon_only", "this pulse is answered after signing on through the department links; invitations and personal codes do not apply")
	case invited && !p.AcceptsInvitations():
		return errorf(EConflict, "mode_links_only", "this pulse is answered through department links; invitations and personal codes do not apply")
	case !invited && !p.AcceptsLinks():
		return errorf(EConflict, "mode_codes_only", "this pulse is answered with personal codes and invitations only")
	}
	return nil
}
