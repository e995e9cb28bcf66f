package survey

import (
	"errors"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"trots/questionnaires"
)

// Field error keys: why one answer was refused. They are translation keys,
// shown next to the question in the respondent's language and returned as
// codes by the JSON API.
const (
	// AnswerMissing is no longer returned: every question may be skipped
	// (an unanswered item is listed in Decoded.Open). The key stays in the
	// vocabulary for clients written against it.
	AnswerMissing       = "answer_missing"
	AnswerOutOfRange    = "answer_out_of_range"   // a number outside the scale
	AnswerNotANumber    = "answer_not_a_number"   // a likert or nps answer that is not a whole number
	AnswerUnknownOption = "answer_unknown_option" // a choice that is not one of the options
	AnswerTooMany       = "answer_too_many"       // several values where one is allowed, or more options than exist
	AnswerUnknownItem   = "answer_unknown_item"   // an answer to a question that is not in the questionnaire
	AnswerTooLong       = "answer_too_long"       // a text longer than the item's max_length
	AnswerWrongType     = "answer_wrong_type"     // (JSON) a value of a type the item cannot take
)

// DontKnow is the answer "don't know / rather not say" that every likert
// and nps question offers. It is stored as no answer at all: the analysis
// reads a missing item under the half rule, and a stored "don't know"
// would tell a blank and a refusal apart for no analysis that uses it.
// It counts as answered for Decoded.Open, so the form does not ask about it.
const DontKnow = "dk"

// UnknownField is the FieldErrors key under which answers to unknown items
// are reported when their names are not even valid item ids, so that
// arbitrary input never becomes a key of its own.
const UnknownField = "_unknown"

// FieldErrors maps an item id to the key of what is wrong with its answer.
type FieldErrors map[string]string

// Decoded is a respondent's answers after validation against the
// questionnaire: scores and choices for storage, open text (already
// scrubbed) apart from them, and the problems found, one per item.
type Decoded struct {
	Answers  Answers
	Comments map[string]string
	Errors   FieldErrors
	// Open lists the questions marked required (expected) that have no
	// answer at all - not even "don't know" - in questionnaire order. They
	// are not errors: the form asks once before it sends without them, the
	// JSON API accepts them as they are.
	Open []string
}

// Valid reports whether every answer was accepted.
func (d Decoded) Valid() bool { return len(d.Errors) == 0 }

// Err returns the field errors as a domain error (EInvalid, key
// "answers_invalid"), or nil when every answer was accepted.
func (d Decoded) Err() error {
	if d.Valid() {
		return nil
	}
	return &AnswersError{Fields: d.Errors}
}

// AnswersError is the error of a submission whose answers were refused.
// errors.As finds it; ErrorCode and ErrorKey see it as EInvalid /
// "answers_invalid" through its Unwrap.
type AnswersError struct {
	Fields FieldErrors
}

func (e *AnswersError) Error() string {
	return "survey: " + strconv.Itoa(len(e.Fields)) + " answers refused"
}

func (e *AnswersError) Unwrap() error {
	return errorf(EInvalid, "answers_invalid", "some answers are missing or not valid")
}

// maxAnswerValues bounds how many values one item may carry, whatever the
// scale: nothing a real form sends comes near it.
const maxAnswerValues = 64

// DecodeAnswers validates values - answers keyed by item id, in the shape of
// url.Values - against q. Likert and nps answers must be one whole number
// on the scale, a choice one option id (several, each at most once, when
// the scale allows multiple), a text at most the item's max_length
// characters after line endings are normalised. Empty values count as no
// answer, and so does DontKnow on a likert or nps item; any item may be
// left without an answer (required ones are listed in Open), but values
// for items q does not have are errors. Open text is cleaned (invalid UTF-8, control
// characters) and scrubbed of e-mail addresses and phone numbers.
//
// DecodeAnswers never panics and never trusts its input: it is the one
// validator behind both the HTML form and the JSON API.
func DecodeAnswers(q *questionnaires.Questionnaire, values map[string][]string) Decoded {
	d := Decoded{
		Answers:  Answers{Numbers: map[string]int{}, Choices: map[string][]string{}},
		Comments: map[string]string{},
		Errors:   FieldErrors{},
	}
	for name := range values {
		if _, ok := q.Item(name); ok {
			continue
		}
		if validItemName(name) {
			d.Errors[name] = AnswerUnknownItem
		} else {
			d.Errors[UnknownField] = AnswerUnknownItem
		}
	}
	for _, it := range q.Items {
		vals := nonEmpty(values[it.ID])
		if len(vals) == 0 {
			if it.Required {
				d.Open = append(d.Open, it.ID)
			}
			continue
		}
		if it.Scale.Numeric() && len(vals) == 1 && strings.TrimSpace(vals[0]) == DontKnow {
			continue // answered, stored as missing
		}
		if len(vals) > maxAnswerValues {
			d.Errors[it.ID] = AnswerTooMany
			continue
		}
		if key := d.decodeItem(it, vals); key != "" {
			d.Errors[it.ID] = key
		}
	}
	return d
}

func (d *Decoded) decodeItem(it *questionnaires.Item, vals []string) string {
	s := it.Scale
	switch s.Type {
	case questionnaires.Likert, questionnaires.NPS:
		if len(vals) > 1 {
			return AnswerTooMany
		}
		n, key := parseScore(vals[0], s)
		if key != "" {
			return key
		}
		d.Answers.Numbers[it.ID] = n
	case questionnaires.Choice:
		if !s.Multiple && len(vals) > 1 {
			return AnswerTooMany
		}
		if len(vals) > len(s.Options) {
			return AnswerTooMany
		}
		picked := map[string]bool{}
		for _, v := range vals {
			if _, ok := s.Option(strings.TrimSpace(v)); !ok {
				return AnswerUnknownOption
			}
			picked[strings.TrimSpace(v)] = true
		}
		// Stored in the questionnaire's order, each option once.
		var ids []string
		for _, o := range s.Options {
			if picked[o.ID] {
				ids = append(ids, o.ID)
			}
		}
		d.Answers.Choices[it.ID] = ids
	case questionnaires.FreeText:
		if len(vals) > 1 {
			return AnswerTooMany
		}
		text := cleanText(vals[0])
		limit := s.MaxLength
		if limit <= 0 {
			limit = 2000
		}
		if utf8.RuneCountInString(text) > limit {
			return AnswerTooLong
		}
		if text != "" {
			d.Comments[it.ID] = Scrub(text)
		} else if it.Required {
			d.Open = append(d.Open, it.ID)
		}
	default:
		return AnswerUnknownItem
	}
	return ""
}

// parseScore reads a whole number on the scale. Leading and trailing
// spaces are tolerated; signs, decimals and words are not numbers.
func parseScore(v string, s *questionnaires.Scale) (int, string) {
	v = strings.TrimSpace(v)
	if v == "" || len(v) > 20 {
		return 0, AnswerNotANumber
	}
	neg := false
	if v[0] == '-' || v[0] == '+' {
		neg = v[0] == '-'
		v = v[1:]
	}
	if v == "" {
		return 0, AnswerNotANumber
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, AnswerNotANumber
		}
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, AnswerOutOfRange
		}
		return 0, AnswerNotANumber
	}
	if neg {
		n = -n
	}
	lo, hi := s.Points()
	if n < lo || n > hi {
		return 0, AnswerOutOfRange
	}
	return n, ""
}

// nonEmpty drops values that are empty or only white space: an unanswered
// text field or an empty JSON string is no answer.
func nonEmpty(vals []string) []string {
	var out []string
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			out = append(out, v)
		}
	}
	return out
}

// validItemName reports whether name could be an item id (the questionnaire
// loader's rule), so that it may be echoed back as a field name.
func validItemName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || i > 0 && (c == '_' || c == '.' || c == '-')
		if !ok {
			return false
		}
	}
	return true
}

// cleanText makes free text safe to store on both engines and fair to
// count: invalid UTF-8 replaced, CR LF (what browsers send for a line
// break in a textarea) counted as one character, NUL and other control
// characters except line breaks and tabs removed, outer space trimmed.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r':
			return '\n'
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// SortedFields returns the field names of errs in questionnaire order
// (unknown names last, sorted), for an error summary that reads top down.
func (errs FieldErrors) SortedFields(q *questionnaires.Questionnaire) []string {
	pos := map[string]int{}
	for i, it := range q.Items {
		pos[it.ID] = i
	}
	out := make([]string, 0, len(errs))
	for k := range errs {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		pi, iok := pos[out[i]]
		pj, jok := pos[out[j]]
		switch {
		case iok && jok:
			return pi < pj
		case iok != jok:
			return iok
		}
		return out[i] < out[j]
	})
	return out
}
