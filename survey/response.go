package survey

import (
	"context"
	"crypto/sha256"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// responseRow is keyed by pulse, department and the random submission
// key (migration 5): one B-tree is the identity, the idempotency of a
// replayed form and the per-department order of the analysis.
type responseRow struct {
	PulseID       string `gorm:"primaryKey"`
	DepartmentID  string `gorm:"primaryKey"`
	SubmissionKey string `gorm:"primaryKey"`
	Answers       string
}

func (responseRow) TableName() string { return "responses" }

// responseID is the id a response is known by outside the store, derived
// from its submission key so that it need not be stored beside it: as
// random as the key, and it does not give the key away (the key is the
// form's secret, the id may appear in a message).
func responseID(key string) string {
	sum := sha256.Sum256([]byte("trots response id\x00" + key))
	return idEncoding.EncodeToString(sum[:16])
}

type commentRow struct {
	PulseID      string `gorm:"primaryKey"`
	DepartmentID string `gorm:"primaryKey"`
	ID           string `gorm:"primaryKey"`
	ItemID       string
	Body         string
	Masked       bool
}

func (commentRow) TableName() string { return "comments" }

// Submission is what a respondent sends: answers already validated against
// the questionnaire, the random key of the rendered form, and optionally a
// single-use invitation token.
type Submission struct {
	Link  Link
	Key   string // random per rendered form; makes retries idempotent
	Token string // optional invitation token
	// Person is what the store keeps of a respondent who signed on
	// (PersonHash), for a pulse answered with sign-on; "" otherwise.
	Person   string
	Answers  Answers
	Comments map[string]string // text item id -> scrubbed text
}

// Receipt tells how a submission was stored.
type Receipt struct {
	// Replay is true when a response with the same key was already stored:
	// the submission is answered like the first one and stored nothing new.
	Replay bool
}

// Submit stores a response, its comments and the use of its invitation
// token in one transaction, and returns only after the commit. The pulse
// must be open at the store's current time.
//
// Submissions are committed in groups by one writer goroutine (see
// writer.go): each waits until the transaction holding it has committed,
// so nothing is acknowledged before it is durable, while one fsync serves
// everyone who arrived during the previous one.
func (s *Store) Submit(ctx context.Context, sub Submission) (Receipt, error) {
	if !ValidID(sub.Key) {
		return Receipt{}, errorf(EInvalid, "submission_key", "the form has no valid submission key; reload the page")
	}
	sub.Key = s.submissionKeyHash(sub.Key)
	if len(sub.Comments) > 0 {
		names, err := s.maskNames(ctx)
		if err != nil {
			return Receipt{}, err
		}
		masked := make(map[string]string, len(sub.Comments))
		for item, body := range sub.Comments {
			masked[item] = names.scrubAndMask(body)
		}
		sub.Comments = masked
	}
	answers, err := encodeAnswers(sub.Answers)
	if err != nil {
		return Receipt{}, internal("encode answers", err)
	}
	return s.writer.submit(ctx, &pending{sub: sub, answers: answers, done: make(chan outcome, 1)})
}

// appendAnswersJSON appends what json.Marshal makes of a, byte for byte
// (keys sorted, omitempty), without reflection: it ran in every
// submission's request and was a tenth of the CPU spent storing one. It
// reports false for a key or choice that is not a plain identifier (letters,
// digits, '_', '-', '.'), which json.Marshal might escape; DecodeAnswers
// only lets questionnaire ids through, so that does not happen.
func appendAnswersJSON(b []byte, a Answers) ([]byte, bool) {
	b = append(b, '{')
	if len(a.Numbers) > 0 {
		b = append(b, `"n":{`...)
		for i, k := range sortedKeys(a.Numbers) {
			if !plainJSONString(k) {
				return b, false
			}
			if i > 0 {
				b = append(b, ',')
			}
			b = append(append(append(b, '"'), k...), `":`...)
			b = strconv.AppendInt(b, int64(a.Numbers[k]), 10)
		}
		b = append(b, '}')
	}
	if len(a.Choices) > 0 {
		if len(a.Numbers) > 0 {
			b = append(b, ',')
		}
		b = append(b, `"c":{`...)
		for i, k := range sortedKeys(a.Choices) {
			if !plainJSONString(k) {
				return b, false
			}
			if i > 0 {
				b = append(b, ',')
			}
			b = append(append(append(b, '"'), k...), `":`...)
			opts := a.Choices[k]
			if opts == nil {
				b = append(b, "null"...)
				continue
			}
			b = append(b, '[')
			for j, o := range opts {
				if !plainJSONString(o) {
					return b, false
				}
				if j > 0 {
					b = append(b, ',')
				}
				b = append(append(append(b, '"'), o...), '"')
			}
			b = append(b, ']')
		}
		b = append(b, '}')
	}
	return append(b, '}'), true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// plainJSONString reports whether s is written in JSON as itself between
// quotes, by json.Marshal too.
func plainJSONString(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// storeSubmission does the work of one submission inside tx. Domain
// refusals (closed pulse, used token) are returned as *Error; the caller
// rolls back to a savepoint so that they leave nothing behind.
func (s *Store) storeSubmission(tx *gorm.DB, p *pending, pulses map[string]Pulse) (Receipt, error) {
	sub := p.sub
	pl, ok := pulses[sub.Link.PulseID]
	if !ok {
		var err error
		if pl, err = s.pulseForWrite(tx, sub.Link.PulseID); err != nil {
			return Receipt{}, err
		}
		pulses[sub.Link.PulseID] = pl
	}
	now := s.now()
	if !pl.AcceptsAt(now) {
		return Receipt{}, pulseClosedError(pl, now)
	}
	if err := pl.CheckWay(sub.Token != ""); err != nil {
		return Receipt{}, err
	}
	if err := pl.checkSignOn(sub.Person); err != nil {
		return Receipt{}, err
	}
	row := responseRow{PulseID: sub.Link.PulseID, DepartmentID: sub.Link.DepartmentID,
		SubmissionKey: sub.Key, Answers: p.answers}
	// ON CONFLICT DO NOTHING rather than catching the error: on PostgreSQL
	// a failed statement would abort the transaction.
	res := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "pulse_id"}, {Name: "department_id"}, {Name: "submission_key"}},
		DoNothing: true}).Create(&row)
	if isForeignKeyViolation(res.Error) {
		// The department was deleted while its link was still in use.
		return Receipt{}, errorf(ENotFound, "link_unknown", "unknown survey link")
	}
	if res.Error != nil {
		return Receipt{}, internal("store response", res.Error)
	}
	if res.RowsAffected == 0 {
		return Receipt{Replay: true}, nil // the same form was already stored
	}
	for item, body := range sub.Comments {
		c := commentRow{ID: NewID(), PulseID: sub.Link.PulseID, DepartmentID: sub.Link.DepartmentID, ItemID: item, Body: body, Masked: Masked(body)}
		if err := tx.Create(&c).Error; err != nil {
			return Receipt{}, internal("store comment", err)
		}
	}
	if sub.Token != "" {
		if err := s.useToken(tx, sub.Link, sub.Token); err != nil {
			return Receipt{}, err
		}
	}
	if pl.SignOn {
		if err := s.recordAnswered(tx, sub.Link.PulseID, sub.Person); err != nil {
			return Receipt{}, err
		}
	}
	return Receipt{}, nil
}

func pulseClosedError(p Pulse, now time.Time) error {
	if p.Status == PulseDraft || (p.Status == PulseOpen && !p.Opens.IsZero() && now.Before(p.Opens)) {
		return errorf(EConflict, "pulse_not_open", "this survey is not open yet")
	}
	return errorf(EConflict, "pulse_closed", "this survey is closed")
}

// useToken marks an invitation used; the UPDATE's row count makes it atomic
// on both engines, so two concurrent submissions cannot both use it.
func (s *Store) useToken(tx *gorm.DB, l Link, token string) error {
	hash := s.tokenHash(token)
	res := tx.Model(&invitationRow{}).
		Where("token_hash = ? AND pulse_id = ? AND department_id = ? AND used = ?", hash, l.PulseID, l.DepartmentID, false).
		Update("used", true)
	if res.Error != nil {
		return internal("use invitation", res.Error)
	}
	if res.RowsAffected == 1 {
		return nil
	}
	var n int64
	if err := tx.Model(&invitationRow{}).Where("token_hash = ? AND pulse_id = ? AND department_id = ?", hash, l.PulseID, l.DepartmentID).
		Count(&n).Error; err != nil {
		return internal("check invitation", err)
	}
	if n == 0 {
		return errorf(ENotFound, "token_unknown", "this invitation is not valid for this survey")
	}
	return errorf(EConflict, "token_used", "this invitation has already been used")
}

// EachResponse calls fn for every response of a pulse, ordered by
// department, in one streaming query along the primary key: memory stays
// flat however many responses there are. Within a department the order is
// by random submission key, so it says nothing about arrival.
func (s *Store) EachResponse(ctx context.Context, pulseID string, fn func(Response) error) error {
	rows, err := s.r.WithContext(ctx).Model(&responseRow{}).Select("submission_key", "department_id", "answers").
		Where("pulse_id = ?", pulseID).Order("department_id, submission_key").Rows()
	if err != nil {
		return internal("read responses", err)
	}
	defer rows.Close()
	var (
		r        Response
		key, raw []byte
	)
	r.PulseID = pulseID
	for rows.Next() {
		if err := rows.Scan(&key, &r.DepartmentID, &raw); err != nil {
			return internal("read response", err)
		}
		r.ID = responseID(string(key))
		if r.Answers, err = decodeAnswers(raw); err != nil {
			return internal("decode response "+r.ID, err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return internal("read responses", err)
	}
	return nil
}

// ResponseCounts returns the number of responses per department id.
func (s *Store) ResponseCounts(ctx context.Context, pulseID string) (map[string]int, error) {
	var rows []struct {
		DepartmentID string
		N            int
	}
	err := s.r.WithContext(ctx).Model(&responseRow{}).Select("department_id, COUNT(*) AS n").
		Where("pulse_id = ?", pulseID).Group("department_id").Scan(&rows).Error
	if err != nil {
		return nil, internal("count responses", err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.DepartmentID] = r.N
	}
	return out, nil
}

// Comments returns the open comments of a pulse (callers decide, by the
// comment threshold, which departments' comments may be shown).
func (s *Store) Comments(ctx context.Context, pulseID string) ([]Comment, error) {
	var rows []commentRow
	if err := s.r.WithContext(ctx).Where("pulse_id = ?", pulseID).Order("department_id, id").Find(&rows).Error; err != nil {
		return nil, internal("read comments", err)
	}
	out := make([]Comment, len(rows))
	for i, r := range rows {
		out[i] = Comment{PulseID: r.PulseID, DepartmentID: r.DepartmentID, ItemID: r.ItemID, Body: r.Body, Masked: r.Masked}
	}
	return out, nil
}
