package survey

import (
	"bytes"
	"encoding/json"

	"trots/questionnaires"
)

// DecodeJSONAnswers validates the "answers" object of a JSON submission
// against q with the same rules as DecodeAnswers. A value may be a number
// (likert, nps), a string (a choice option id, a text, or a number written
// as a string, or DontKnow), an array of those (a multiple choice), or
// null (no answer); anything else is AnswerWrongType for that item.
func DecodeJSONAnswers(q *questionnaires.Questionnaire, raw map[string]json.RawMessage) Decoded {
	values := make(map[string][]string, len(raw))
	wrong := map[string]bool{}
	for name, msg := range raw {
		vals, ok := jsonValues(msg)
		if !ok {
			wrong[name] = true
			continue
		}
		values[name] = vals
	}
	d := DecodeAnswers(q, values)
	for name := range wrong {
		if _, known := q.Item(name); known {
			d.Errors[name] = AnswerWrongType
		} else if validItemName(name) {
			d.Errors[name] = AnswerUnknownItem
		} else {
			d.Errors[UnknownField] = AnswerUnknownItem
		}
	}
	return d
}

// jsonValues turns one JSON value into form-like values.
func jsonValues(msg json.RawMessage) ([]string, bool) {
	msg = bytes.TrimSpace(msg)
	if len(msg) == 0 {
		return nil, false
	}
	switch msg[0] {
	case 'n':
		return nil, string(msg) == "null"
	case '[':
		var list []json.RawMessage
		if err := json.Unmarshal(msg, &list); err != nil {
			return nil, false
		}
		out := make([]string, 0, len(list))
		for _, el := range list {
			v, ok := jsonScalar(el)
			if !ok {
				return nil, false
			}
			out = append(out, v)
		}
		return out, true
	default:
		v, ok := jsonScalar(msg)
		if !ok {
			return nil, false
		}
		return []string{v}, true
	}
}

// jsonScalar returns a string as itself and a number as its literal text.
func jsonScalar(msg json.RawMessage) (string, bool) {
	msg = bytes.TrimSpace(msg)
	if len(msg) == 0 {
		return "", false
	}
	switch {
	case msg[0] == '"':
		var s string
		if err := json.Unmarshal(msg, &s); err != nil {
			return "", false
		}
		return s, true
	case msg[0] == '-' || msg[0] >= '0' && msg[0] <= '9':
		var n json.Number
		if err := json.Unmarshal(msg, &n); err != nil {
			return "", false
		}
		return n.String(), true
	}
	return "", false
}
