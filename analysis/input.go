package analysis

import "trots/questionnaires"

// Input is everything Analyze needs: the questionnaire, the responses grouped
// by department, and the thresholds.
type Input struct {
	Questionnaire *questionnaires.Questionnaire
	Groups        []Group // departments; each respondent belongs to exactly one
	Config        Config
	// Seed orders the open comments. 0 draws a seed from crypto/rand, so that
	// the order reveals nothing about when a comment was given.
	Seed uint64
	// Hide are cells hidden on top of the k rule: what the disclosure
	// audit found must go too (package analysis/audit). Hiding a group's
	// respondent count hides the group.
	Hide []Cell
}

// Group is one department and its anonymous responses.
type Group struct {
	// ID is the caller's stable key of the department (optional). It is
	// carried into the result so that a department renamed after its
	// pulse closed is still recognised, and a new department that takes
	// an old name is not mistaken for it.
	ID string
	// ParentID is the ID of the parent group, "" for a top-level node.
	// Every node of the tree is a Group of its own, with only its own
	// respondents and its own headcount; a parent's figures pool its
	// descendants.
	ParentID          string
	Name              string
	Headcount         int // employees; 0 = unknown
	ExternallyVisible bool
	Responses         []Response
	// Comments are the open answers, stored apart from the responses so
	// that they can never be joined to one person's scores.
	Comments []string
}

// Response is one respondent's answers.
type Response struct {
	// Values holds one number per item of the questionnaire, in
	// questionnaire order (q.Items), as answered (before reverse-keying).
	// NaN marks a missing answer and every non-numeric item.
	Values []float64
	// Choices maps a choice item id to the option ids picked (nil if none).
	Choices map[string][]string
}
