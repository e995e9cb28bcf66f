package survey

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// How a response's answers are stored. The column holds text in either of
// two forms, told apart by their first bytes:
//
//   - "{...}": the JSON of Answers (rows written before this codec, and
//     answers to items of a questionnaire the table below does not know);
//   - "t1:...": the same answers in terms of answersTableV1, about 85
//     characters for the advocacy-readiness questionnaire instead of 800.
//
// Why: item ids make up most of the JSON and repeat in every response.
// Each response is inserted at a random place of the responses B-tree
// (random keys hide the order of arrival), so what a commit writes and
// syncs grows with the size of the rows: four rows of JSON fit on a 4 KiB
// page and nearly every second insert split one. Measured with the load
// test of the README, the compact rows halved the bytes written per
// response and cut the commit time of a group by a third. A general
// compressor (DEFLATE with the item ids as a preset dictionary) got to
// 140 characters but cost 28 microseconds of CPU per submission, more
// than the rest of storing it; this costs 1.2 (BenchmarkEncodeAnswers).
//
// The "t1:" form: answer entries in table order, each a letter naming the
// item (see tableLetter) and then its number in decimal digits; then, if
// there are choice answers, "|" and the choice entries separated by ",",
// each the item's letter and then one letter per chosen option, in the
// order given. Text rather than a BLOB so that the column and migration 5
// stay as they are and old rows need no rewrite.
const answersPrefixV1 = "t1:"

// answersTableV1 names the items and options a "t1:" value can refer to:
// those of the shipped questionnaires. It is frozen - every "t1:" row ever
// written needs exactly this table to be read (TestAnswersTableIsFrozen);
// items of a new questionnaire are stored as JSON until a "t2:" table
// holds them. At most 52 entries, one letter each.
var answersTableV1 = [...]string{
	"barrier_audience", "barrier_mistake", "barrier_pressure",
	"comm_consistent", "comm_guidelines", "comm_strategy", "comm_successes", "comm_values",
	"content_autonomy", "content_belonging", "content_challenge", "content_competence",
	"content_growth", "content_pay", "content_security", "content_warmth",
	"enps",
	"gap_autonomy_promise", "gap_autonomy_reality", "gap_balance_promise", "gap_balance_reality",
	"gap_development_promise", "gap_development_reality", "gap_innovation_promise", "gap_innovation_reality",
	"mgmt_leaders", "mgmt_sharing", "mgmt_voice",
	"pride_impact", "pride_job_only", "pride_work",
	"stab_future", "stab_looking", "stab_year",
	"will_online", "will_refer", "will_stories",
	// Choice items and their options.
	"help", "profile",
	"guidelines", "ready_content", "training", "coaching", "recognition", "rather_not",
	"quiet_expert", "super_networker", "warm_welcomer", "none",
}

var answersIndexV1 = func() map[string]int {
	m := make(map[string]int, len(answersTableV1))
	for i, s := range answersTableV1 {
		m[s] = i
	}
	return m
}()

// maxStoredNumber bounds the numbers of a "t1:" value; larger (or
// negative) ones, which no shipped scale has, go to JSON.
const maxStoredNumber = 999_999

// tableLetter is the letter of table entry i: A-Z, then a-z.
func tableLetter(i int) byte {
	if i < 26 {
		return byte('A' + i)
	}
	return byte('a' + i - 26)
}

// letterIndex is the table entry of letter c, or -1.
func letterIndex(c byte) int {
	switch {
	case c >= 'A' && c <= 'Z':
		return int(c - 'A')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 26
	}
	return -1
}

// encodeAnswers returns the stored form of a: "t1:" when the table knows
// every id in it, JSON otherwise.
func encodeAnswers(a Answers) (string, error) {
	if b, ok := appendAnswersV1(make([]byte, 0, 128), a); ok {
		return string(b), nil
	}
	b, ok := appendAnswersJSON(make([]byte, 0, 1024), a)
	if !ok {
		var err error
		if b, err = json.Marshal(a); err != nil {
			return "", err
		}
	}
	return string(b), nil
}

// appendAnswersV1 appends the "t1:" form of a, or reports false when an id
// is not in the table, a number is out of bounds, or a choice answer is
// empty (JSON keeps nil and [] apart; this form does not).
func appendAnswersV1(b []byte, a Answers) ([]byte, bool) {
	b = append(b, answersPrefixV1...)
	n := 0
	for i, id := range answersTableV1 {
		v, ok := a.Numbers[id]
		if !ok {
			continue
		}
		if v < 0 || v > maxStoredNumber {
			return b, false
		}
		b = strconv.AppendInt(append(b, tableLetter(i)), int64(v), 10)
		n++
	}
	if n != len(a.Numbers) {
		return b, false // an id the table does not hold
	}
	if len(a.Choices) == 0 {
		return b, true
	}
	b = append(b, '|')
	n = 0
	for i, id := range answersTableV1 {
		opts, ok := a.Choices[id]
		if !ok {
			continue
		}
		if len(opts) == 0 {
			return b, false
		}
		if n > 0 {
			b = append(b, ',')
		}
		b = append(b, tableLetter(i))
		for _, o := range opts {
			k, ok := answersIndexV1[o]
			if !ok {
				return b, false
			}
			b = append(b, tableLetter(k))
		}
		n++
	}
	return b, n == len(a.Choices)
}

// decodeAnswers reads a stored value, in either form.
func decodeAnswers(stored []byte) (Answers, error) {
	var a Answers
	if !bytes.HasPrefix(stored, []byte(answersPrefixV1)) {
		if err := json.Unmarshal(stored, &a); err != nil {
			return Answers{}, fmt.Errorf("answers: %w", err)
		}
		return a, nil
	}
	s := stored[len(answersPrefixV1):]
	bad := func(why string) (Answers, error) {
		return Answers{}, fmt.Errorf("answers: damaged %q value: %s", answersPrefixV1, why)
	}
	entry := func(c byte) (string, bool) {
		i := letterIndex(c)
		if i < 0 || i >= len(answersTableV1) {
			return "", false
		}
		return answersTableV1[i], true
	}
	for len(s) > 0 && s[0] != '|' {
		id, ok := entry(s[0])
		if !ok {
			return bad("unknown item letter")
		}
		j := 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == 1 || j > 7 {
			return bad("item without a number")
		}
		v, _ := strconv.Atoi(string(s[1:j]))
		if a.Numbers == nil {
			a.Numbers = make(map[string]int, 40)
		}
		if _, dup := a.Numbers[id]; dup {
			return bad("item twice")
		}
		a.Numbers[id] = v
		s = s[j:]
	}
	if len(s) == 0 {
		return a, nil
	}
	for _, e := range bytes.Split(s[1:], []byte{','}) {
		if len(e) < 2 {
			return bad("choice without an option")
		}
		id, ok := entry(e[0])
		if !ok {
			return bad("unknown item letter")
		}
		opts := make([]string, 0, len(e)-1)
		for _, c := range e[1:] {
			o, ok := entry(c)
			if !ok {
				return bad("unknown option letter")
			}
			opts = append(opts, o)
		}
		if a.Choices == nil {
			a.Choices = make(map[string][]string, 2)
		}
		if _, dup := a.Choices[id]; dup {
			return bad("item twice")
		}
		a.Choices[id] = opts
	}
	return a, nil
}

// DecodeStoredAnswers reads the answers column of one responses row, in
// either form. The store reads through EachResponse; this is for audits
// that read the table directly (the crash test).
func DecodeStoredAnswers(stored []byte) (Answers, error) { return decodeAnswers(stored) }
