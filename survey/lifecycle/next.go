package lifecycle

import (
	"slices"
	"time"

	"trots/questionnaires"
	"trots/survey"
)

// The rhythm a follow-up pulse is proposed with: a quarter after the
// previous one opened, for two weeks.
const (
	FollowUpMonths = 3
	FollowUpDays   = 14
)

// FollowUp proposes the pulse after p, to be edited by HR before it is
// created: the same questionnaire, except the short pulse after the long
// baseline; opening FollowUpMonths after p opened (at the same time of day
// in loc, the organisation's time zone) and closing FollowUpDays later.
// When p's opening time is unknown the count starts at its closing, else
// at now; a proposal that would lie in the past moves to tomorrow 09:00.
// The name is left to the caller, who words it in the user's language.
func FollowUp(p survey.Pulse, now time.Time, loc *time.Location) Draft {
	d := Draft{Questionnaire: p.QuestionnaireID}
	if p.QuestionnaireID == BaselineQuestionnaire && slices.Contains(questionnaires.Shipped(), PulseQuestionnaire) {
		d.Questionnaire = PulseQuestionnaire
	}
	base := p.Opens
	if base.IsZero() {
		base = p.Closed
	}
	if base.IsZero() {
		base = now
	}
	opens := base.In(loc).AddDate(0, FollowUpMonths, 0).Truncate(time.Minute)
	if !opens.After(now) {
		t := now.In(loc).AddDate(0, 0, 1)
		opens = time.Date(t.Year(), t.Month(), t.Day(), 9, 0, 0, 0, loc)
	}
	d.Opens = opens.UTC()
	d.Closes = opens.AddDate(0, 0, FollowUpDays).UTC()
	return d
}
