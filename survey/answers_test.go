package survey_test

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"trots/questionnaires"
	"trots/survey"
)

// answersTestYAML has one item of every kind the decoder knows.
const answersTestYAML = `
id: decoder-test
version: 1
languages: [nl, en]
title: {nl: Test, en: Test}
scales:
  agree:
    type: likert
    min: 1
    max: 5
    labels: {nl: [oneens, eens], en: [disagree, agree]}
  recommend:
    type: nps
    labels: {nl: [nooit, zeker], en: [never, surely]}
  profile:
    type: choice
    options:
      - {id: quiet_expert, text: {nl: stil, en: quiet}}
      - {id: super_networker, text: {nl: netwerker, en: networker}}
  help:
    type: choice
    multiple: true
    options:
      - {id: guidelines, text: {nl: richtlijnen, en: guidelines}}
      - {id: training, text: {nl: training, en: training}}
      - {id: coaching, text: {nl: coaching, en: coaching}}
  comment:
    type: text
    max_length: 14
dimensions:
  - {id: pride, role: foundation, name: {nl: Trots, en: Pride}}
  - {id: enps, role: enps, name: {nl: eNPS, en: eNPS}}
  - {id: profile, role: profile, name: {nl: Profiel, en: Profile}}
  - {id: help, role: support, name: {nl: Hulp, en: Help}}
  - {id: comment, role: comment, name: {nl: Opmerking, en: Comment}}
items:
  - {id: pride_work, dimension: pride, scale: agree, required: true, text: {nl: a, en: a}}
  - {id: pride_extra, dimension: pride, scale: agree, text: {nl: b, en: b}}
  - {id: enps, dimension: enps, scale: recommend, required: true, text: {nl: c, en: c}}
  - {id: profile, dimension: profile, scale: profile, text: {nl: d, en: d}}
  - {id: help, dimension: help, scale: help, text: {nl: e, en: e}}
  - {id: comment, dimension: comment, scale: comment, text: {nl: f, en: f}}
`

func mustTestQuestionnaire(t testing.TB) *questionnaires.Questionnaire {
	t.Helper()
	q, err := questionnaires.Parse("decoder-test.yaml", []byte(answersTestYAML))
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestDecodeAnswersAcceptsACompleteForm(t *testing.T) {
	q := mustTestQuestionnaire(t)
	d := survey.DecodeAnswers(q, url.Values{
		"pride_work": {" 4 "},
		"enps":       {"10"},
		"profile":    {"super_networker"},
		"help":       {"training", "guidelines", "training"},
		"comment":    {"  bel 0612345678  "},
	})
	if !d.Valid() || d.Err() != nil {
		t.Fatalf("errors: %v", d.Errors)
	}
	want := survey.Answers{
		Numbers: map[string]int{"pride_work": 4, "enps": 10},
		Choices: map[string][]string{"profile": {"super_networker"}, "help": {"guidelines", "training"}},
	}
	if !reflect.DeepEqual(d.Answers, want) {
		t.Fatalf("answers = %+v, want %+v", d.Answers, want)
	}
	if got := d.Comments["comment"]; got != "bel [tel]" {
		t.Fatalf("comment = %q: not trimmed and scrubbed", got)
	}
}

func TestDecodeAnswersRefusesBadInput(t *testing.T) {
	q := mustTestQuestionnaire(t)
	valid := url.Values{"pride_work": {"3"}, "enps": {"7"}}
	for _, tc := range []struct {
		name  string
		set   url.Values
		drop  string
		field string
		want  string
	}{
		{name: "don't know on a choice", set: url.Values{"profile": {survey.DontKnow}}, field: "profile", want: survey.AnswerUnknownOption},
		{name: "don't know and a number", set: url.Values{"enps": {survey.DontKnow, "3"}}, field: "enps", want: survey.AnswerTooMany},
		{name: "likert above the scale", set: url.Values{"pride_work": {"6"}}, field: "pride_work", want: survey.AnswerOutOfRange},
		{name: "likert below the scale", set: url.Values{"pride_work": {"0"}}, field: "pride_work", want: survey.AnswerOutOfRange},
		{name: "negative nps", set: url.Values{"enps": {"-1"}}, field: "enps", want: survey.AnswerOutOfRange},
		{name: "nps 11", set: url.Values{"enps": {"11"}}, field: "enps", want: survey.AnswerOutOfRange},
		{name: "huge number", set: url.Values{"enps": {"99999999999999999999"}}, field: "enps", want: survey.AnswerOutOfRange},
		{name: "word", set: url.Values{"enps": {"ten"}}, field: "enps", want: survey.AnswerNotANumber},
		{name: "decimal", set: url.Values{"pride_work": {"3.5"}}, field: "pride_work", want: survey.AnswerNotANumber},
		{name: "lone sign", set: url.Values{"pride_work": {"-"}}, field: "pride_work", want: survey.AnswerNotANumber},
		{name: "two likert values", set: url.Values{"pride_work": {"3", "4"}}, field: "pride_work", want: survey.AnswerTooMany},
		{name: "unknown option", set: url.Values{"profile": {"influencer"}}, field: "profile", want: survey.AnswerUnknownOption},
		{name: "two single choices", set: url.Values{"profile": {"quiet_expert", "super_networker"}}, field: "profile", want: survey.AnswerTooMany},
		{name: "more choices than options", set: url.Values{"help": {"training", "training", "training", "training"}}, field: "help", want: survey.AnswerTooMany},
		{name: "unknown multiple option", set: url.Values{"help": {"training", "money"}}, field: "help", want: survey.AnswerUnknownOption},
		{name: "text too long", set: url.Values{"comment": {"vijftien tekens"}}, field: "comment", want: survey.AnswerTooLong},
		{name: "two texts", set: url.Values{"comment": {"a", "b"}}, field: "comment", want: survey.AnswerTooMany},
		{name: "unknown item", set: url.Values{"pride_other": {"3"}}, field: "pride_other", want: survey.AnswerUnknownItem},
		{name: "unknown odd name", set: url.Values{"<script>": {"3"}}, field: survey.UnknownField, want: survey.AnswerUnknownItem},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := url.Values{}
			for k, vs := range valid {
				if k != tc.drop {
					v[k] = vs
				}
			}
			for k, vs := range tc.set {
				v[k] = vs
			}
			d := survey.DecodeAnswers(q, v)
			if len(d.Errors) != 1 || d.Errors[tc.field] != tc.want {
				t.Fatalf("errors = %v, want only %s: %s", d.Errors, tc.field, tc.want)
			}
			err := d.Err()
			if survey.ErrorCode(err) != survey.EInvalid || survey.ErrorKey(err) != "answers_invalid" {
				t.Fatalf("Err() = %v: code %s key %q", err, survey.ErrorCode(err), survey.ErrorKey(err))
			}
		})
	}
}

func TestDecodeAnswersCountsCharactersNotBytes(t *testing.T) {
	q := mustTestQuestionnaire(t)
	base := url.Values{"pride_work": {"3"}, "enps": {"7"}}
	for _, tc := range []struct {
		text string
		ok   bool
	}{
		{"ééééééééé€", true},             // 10 characters, 21 bytes
		{"regel1\r\nrgl2", true},         // CR LF is one line break: 10 characters
		{"a\x00b\x07c", true},            // control characters are dropped
		{"ééééééééééééééé", false},       // 15 characters
		{"\xff\xfe\xfd", true},           // invalid UTF-8 becomes replacement characters
		{"  \r\n\t  ", true},             // only space: no answer
		{"0123456789abcd\x00\x00", true}, // NULs do not count
	} {
		v := url.Values{"comment": {tc.text}}
		for k, vs := range base {
			v[k] = vs
		}
		d := survey.DecodeAnswers(q, v)
		if d.Valid() != tc.ok {
			t.Errorf("%q: valid = %v (%v), want %v", tc.text, d.Valid(), d.Errors, tc.ok)
		}
		if c, ok := d.Comments["comment"]; ok && (strings.ContainsAny(c, "\x00\x07\r") || !json.Valid([]byte(`"`+strings.ReplaceAll(c, "\n", `\n`)+`"`))) {
			t.Errorf("%q: stored comment %q is not clean text", tc.text, c)
		}
	}
}

func TestDecodeAnswersOptionalItemsMayBeLeftOut(t *testing.T) {
	q := mustTestQuestionnaire(t)
	d := survey.DecodeAnswers(q, url.Values{"pride_work": {"1"}, "enps": {"0"}, "help": {""}, "comment": {""}})
	if !d.Valid() {
		t.Fatalf("errors: %v", d.Errors)
	}
	if len(d.Comments) != 0 || len(d.Answers.Choices) != 0 || d.Answers.Numbers["enps"] != 0 {
		t.Fatalf("decoded %+v %+v", d.Answers, d.Comments)
	}
}

func TestDecodeJSONAnswers(t *testing.T) {
	q := mustTestQuestionnaire(t)
	decode := func(body string) survey.Decoded {
		t.Helper()
		var raw map[string]json.RawMessage
		if err := json.Unmarshal([]byte(body), &raw); err != nil {
			t.Fatal(err)
		}
		return survey.DecodeJSONAnswers(q, raw)
	}
	d := decode(`{"pride_work": 4, "enps": "9", "profile": "quiet_expert", "help": ["coaching"], "comment": "mail a@b.nl", "pride_extra": null}`)
	if !d.Valid() {
		t.Fatalf("errors: %v", d.Errors)
	}
	if d.Answers.Numbers["pride_work"] != 4 || d.Answers.Numbers["enps"] != 9 || d.Comments["comment"] != "mail [e-mail]" {
		t.Fatalf("decoded %+v %+v", d.Answers, d.Comments)
	}
	for body, want := range map[string]survey.FieldErrors{
		`{"pride_work": 4.5, "enps": 1}`:              {"pride_work": survey.AnswerNotANumber},
		`{"pride_work": true, "enps": 1}`:             {"pride_work": survey.AnswerWrongType},
		`{"pride_work": {"a": 1}, "enps": 1}`:         {"pride_work": survey.AnswerWrongType},
		`{"pride_work": [1, [2]], "enps": 1}`:         {"pride_work": survey.AnswerWrongType},
		`{"pride_work": 3, "enps": 1, "nope": false}`: {"nope": survey.AnswerUnknownItem},
		`{"pride_work": 3, "enps": 1, "NOPE!": 1}`:    {survey.UnknownField: survey.AnswerUnknownItem},
		`{"pride_work": 3, "enps": 1, "help": ["x"]}`: {"help": survey.AnswerUnknownOption},
		`{"enps": 1}`:         {},
		`{"enps": "dk"}`:      {},
		`{"pride_work": "x"}`: {"pride_work": survey.AnswerNotANumber},
		`{"pride_work": 3, "enps": 1, "profile": 2}`:   {"profile": survey.AnswerUnknownOption},
		`{"pride_work": 3, "enps": 1e1}`:               {"enps": survey.AnswerNotANumber},
		`{"pride_work": 3, "enps": 1, "comment": [1]}`: {},
	} {
		if got := decode(body).Errors; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: errors = %v, want %v", body, got, want)
		}
	}
}

// Every shipped questionnaire decodes a full set of answers, and its
// required items are listed as open, not refused, when missing.
func TestDecodeAnswersOnShippedQuestionnaires(t *testing.T) {
	for _, id := range questionnaires.Shipped() {
		q, err := questionnaires.Load(id)
		if err != nil {
			t.Fatal(err)
		}
		full := url.Values{}
		required := 0
		for _, it := range q.Items {
			if it.Required {
				required++
			}
			switch it.Scale.Type {
			case questionnaires.Likert, questionnaires.NPS:
				_, hi := it.Scale.Points()
				full.Set(it.ID, itoa(hi))
			case questionnaires.Choice:
				full.Set(it.ID, it.Scale.Options[0].ID)
			case questionnaires.FreeText:
				full.Set(it.ID, "goed zo")
			}
		}
		if d := survey.DecodeAnswers(q, full); !d.Valid() {
			t.Errorf("%s: full answers refused: %v", id, d.Errors)
		}
		if d := survey.DecodeAnswers(q, nil); !d.Valid() || len(d.Open) != required {
			t.Errorf("%s: empty form gives errors %v and %d open, want none and %d (one per required item)", id, d.Errors, len(d.Open), required)
		}
	}
}

// TestDecodeAnswersSkipsAndDontKnow: a skipped question and "don't know"
// are both accepted and both stored as no answer; only the skipped one
// is open (the form asks about it once).
func TestDecodeAnswersSkipsAndDontKnow(t *testing.T) {
	q := mustTestQuestionnaire(t)
	d := survey.DecodeAnswers(q, url.Values{"pride_work": {" dk "}, "profile": {"quiet_expert"}})
	if !d.Valid() {
		t.Fatalf("errors %v", d.Errors)
	}
	if _, ok := d.Answers.Numbers["pride_work"]; ok {
		t.Errorf("don't know stored as %d", d.Answers.Numbers["pride_work"])
	}
	if !reflect.DeepEqual(d.Open, []string{"enps"}) {
		t.Errorf("open %v, want [enps]", d.Open)
	}
	if len(d.Answers.Numbers) != 0 || !reflect.DeepEqual(d.Answers.Choices, map[string][]string{"profile": {"quiet_expert"}}) {
		t.Errorf("stored %+v", d.Answers)
	}
}

func TestFieldErrorsSortedInQuestionnaireOrder(t *testing.T) {
	q := mustTestQuestionnaire(t)
	errs := survey.FieldErrors{"zz": "x", "comment": "x", "pride_work": "x", survey.UnknownField: "x", "enps": "x"}
	got := errs.SortedFields(q)
	want := []string{"pride_work", "enps", "comment", survey.UnknownField, "zz"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("order = %v, want %v", got, want)
	}
}

// The decoder is the first thing that sees untrusted input: it must never
// panic, and what it accepts must be within the questionnaire.
func FuzzDecodeAnswers(f *testing.F) {
	q := mustTestQuestionnaire(f)
	f.Add("pride_work", "3", "help", "training", "comment", "bel 06-12345678")
	f.Add("enps", "-0", "profile", "quiet_expert\x00", "comment", "\xff\xfe")
	f.Add("pride_work", "+5", "help", "", "x", "99999999999999999999999")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2, k3, v3 string) {
		v := url.Values{}
		v.Add(k1, v1)
		v.Add(k2, v2)
		v.Add(k3, v3)
		d := survey.DecodeAnswers(q, v)
		for id, n := range d.Answers.Numbers {
			it, ok := q.Item(id)
			if !ok {
				t.Fatalf("accepted unknown item %q", id)
			}
			lo, hi := it.Scale.Points()
			if n < lo || n > hi {
				t.Fatalf("accepted %d for %s", n, id)
			}
		}
		for id, c := range d.Comments {
			if strings.ContainsRune(c, 0) || !strings.EqualFold(c, strings.ToValidUTF8(c, "")) {
				t.Fatalf("comment %s not clean: %q", id, c)
			}
		}
		raw := map[string]json.RawMessage{k1: json.RawMessage(v1), k2: json.RawMessage(v2)}
		_ = survey.DecodeJSONAnswers(q, raw)
	})
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
