package server

import (
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"trots/survey"
)

// submitCacheTTL is how long a submission trusts what it learnt about a
// link: a department renamed or a setting changed shows in submissions
// within that time, on every instance.
const submitCacheTTL = 2 * time.Second

// submitCacheSize bounds the links remembered; only links that exist are
// remembered, so nobody can fill it with made-up codes.
const submitCacheSize = 10_000

// submitCache remembers, for a few seconds, what a submission to a survey
// link needs besides its answers: the link, its pulse and department, the
// questionnaire and the organisation settings. Under a launch-day burst
// those four look-ups per request cost more than validating the answers;
// remembered, they cost nothing.
//
// It is safe because it decides nothing for good: it is used only while
// the remembered pulse accepts answers, and the store checks again, in the
// transaction that stores a response, that the pulse is open (a pulse
// closed a moment ago refuses the answers all the same) and that the
// department still exists. A link whose pulse does not accept answers is
// always looked up afresh, so every refusal is decided on current data.
// Pages (GET) never use it.
type submitCache struct {
	mu      sync.Mutex
	entries map[string]submitEntry
}

type submitEntry struct {
	link    survey.Link
	data    surveyData
	expires time.Time
}

func newSubmitCache() *submitCache {
	return &submitCache{entries: map[string]submitEntry{}}
}

func (sc *submitCache) get(code string, now time.Time) (submitEntry, bool) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	e, ok := sc.entries[code]
	if ok && now.After(e.expires) {
		delete(sc.entries, code)
		return submitEntry{}, false
	}
	return e, ok
}

func (sc *submitCache) put(code string, e submitEntry) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if len(sc.entries) >= submitCacheSize {
		clear(sc.entries)
	}
	sc.entries[code] = e
}

// submissionSurvey resolves the link a submission is posted to and the
// view of its survey, from the cache while the link's pulse accepts
// answers.
func (s *Server) submissionSurvey(c echo.Context, code string) (survey.Link, surveyView, error) {
	now := time.Now()
	if e, ok := s.submits.get(code, now); ok && e.data.pulse.CheckOpen(s.cfg.Now()) == nil {
		return e.link, s.viewOf(c, e.link, e.data), nil
	}
	ctx := c.Request().Context()
	link, err := s.store.LinkByCode(ctx, code)
	if err != nil {
		return survey.Link{}, surveyView{}, err
	}
	d, err := s.loadSurvey(ctx, link)
	if err != nil {
		return survey.Link{}, surveyView{}, err
	}
	if d.pulse.CheckOpen(s.cfg.Now()) == nil {
		s.submits.put(code, submitEntry{link: link, data: d, expires: now.Add(submitCacheTTL)})
	}
	return link, s.viewOf(c, link, d), nil
}
