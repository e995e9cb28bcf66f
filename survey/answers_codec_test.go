package survey

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"trots/questionnaires"
)

// randomAnswers answers a random subset of q's items with values of their
// scales, as DecodeAnswers would let them through.
func randomAnswers(rng *rand.Rand, q *questionnaires.Questionnaire) Answers {
	var a Answers
	for _, it := range q.Items {
		if rng.IntN(4) == 0 {
			continue
		}
		switch {
		case it.Scale.Numeric():
			lo, hi := it.Scale.Points()
			if a.Numbers == nil {
				a.Numbers = map[string]int{}
			}
			a.Numbers[it.ID] = lo + rng.IntN(hi-lo+1)
		case len(it.Scale.Options) > 0:
			var opts []string
			for _, i := range rng.Perm(len(it.Scale.Options))[:1+rng.IntN(len(it.Scale.Options))] {
				opts = append(opts, it.Scale.Options[i].ID)
				if !it.Scale.Multiple {
					break
				}
			}
			if a.Choices == nil {
				a.Choices = map[string][]string{}
			}
			a.Choices[it.ID] = opts
		}
	}
	return a
}

// Answers to the shipped questionnaires take the compact form and come
// back exactly; anything the table cannot say is stored as JSON and comes
// back exactly too.
func TestStoredAnswersRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for _, ref := range questionnaires.Shipped() {
		q, err := questionnaires.Load(ref)
		if err != nil {
			t.Fatal(err)
		}
		for range 2000 {
			a := randomAnswers(rng, q)
			stored, err := encodeAnswers(a)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(stored, answersPrefixV1) {
				t.Fatalf("%s: answers %+v stored as %q, not in the compact form", ref, a, stored)
			}
			back, err := decodeAnswers([]byte(stored))
			if err != nil {
				t.Fatalf("%s: %q: %v", ref, stored, err)
			}
			if !reflect.DeepEqual(back, a) {
				t.Fatalf("%s: stored %q\n got %+v\nwant %+v", ref, stored, back, a)
			}
		}
	}

	for name, a := range map[string]Answers{
		"unknown item":        {Numbers: map[string]int{"enps": 7, "custom_item": 3}},
		"unknown option":      {Choices: map[string][]string{"help": {"guidelines", "pizza"}}},
		"unknown choice item": {Choices: map[string][]string{"lunch": {"none"}}},
		"negative number":     {Numbers: map[string]int{"pride_work": -1}},
		"number too large":    {Numbers: map[string]int{"pride_work": maxStoredNumber + 1}},
		"empty choice":        {Choices: map[string][]string{"help": {}}},
		"nil choice":          {Numbers: map[string]int{"enps": 1}, Choices: map[string][]string{"help": nil}},
		"escaped id":          {Numbers: map[string]int{"a\"b": 1}},
		"numbers and options": {Numbers: map[string]int{"enps": 10}, Choices: map[string][]string{"profile": {"none"}, "x": {"y"}}},
	} {
		stored, err := encodeAnswers(a)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(stored, "{") {
			t.Errorf("%s: stored as %q, want JSON", name, stored)
			continue
		}
		back, err := decodeAnswers([]byte(stored))
		if err != nil || !reflect.DeepEqual(back, a) {
			t.Errorf("%s: stored %q, read back %+v (%v), want %+v", name, stored, back, err, a)
		}
	}
}

// A row written before the codec (JSON) reads as it always did.
func TestStoredAnswersReadsOldJSONRows(t *testing.T) {
	a, err := decodeAnswers([]byte(`{"n":{"enps":9,"pride_work":4},"c":{"help":["training","coaching"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := Answers{Numbers: map[string]int{"enps": 9, "pride_work": 4}, Choices: map[string][]string{"help": {"training", "coaching"}}}
	if !reflect.DeepEqual(a, want) {
		t.Fatalf("got %+v, want %+v", a, want)
	}
}

// The point of the codec: a full advocacy-readiness response is a tenth
// of its JSON.
func TestStoredAnswersAreSmall(t *testing.T) {
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		t.Fatal(err)
	}
	a := Answers{Numbers: map[string]int{}, Choices: map[string][]string{}}
	for _, it := range q.Items {
		switch {
		case it.Scale.Numeric():
			_, hi := it.Scale.Points()
			a.Numbers[it.ID] = hi
		case len(it.Scale.Options) > 0:
			a.Choices[it.ID] = []string{it.Scale.Options[0].ID, it.Scale.Options[1].ID}
		}
	}
	stored, err := encodeAnswers(a)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := appendAnswersJSON(nil, a)
	if len(stored) > 100 || len(stored)*8 > len(js) {
		t.Fatalf("a full response takes %d bytes (%q), its JSON %d", len(stored), stored, len(js))
	}
}

// Every "t1:" row ever written is read with this table: changing it would
// silently turn stored answers into other answers. A questionnaire with new
// items needs a new table under a new prefix (and the old one kept).
func TestAnswersTableIsFrozen(t *testing.T) {
	sum := sha256.Sum256([]byte(strings.Join(answersTableV1[:], "\n")))
	const want = "ef3692c5626c514065602281f951f83850873327354596bd565e4ddfc763546f"
	if got := hex.EncodeToString(sum[:]); got != want {
		t.Fatalf("answersTableV1 changed (sha256 %s, frozen as %s): add a new table with a new prefix instead", got, want)
	}
	if len(answersTableV1) > 52 {
		t.Fatalf("%d entries, but only 52 letters", len(answersTableV1))
	}
	seen := map[string]bool{}
	for _, s := range answersTableV1 {
		if seen[s] {
			t.Fatalf("%q twice in the table", s)
		}
		seen[s] = true
	}
}

// Every item and option of the shipped questionnaires is in the table, so
// that their responses are stored compactly; otherwise they would quietly
// fall back to JSON, four times the bytes per commit.
func TestShippedQuestionnairesFitTheTable(t *testing.T) {
	for _, ref := range questionnaires.Shipped() {
		q, err := questionnaires.Load(ref)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range q.Items {
			if !it.Scale.Numeric() && len(it.Scale.Options) == 0 {
				continue // open text: stored as a comment
			}
			if _, ok := answersIndexV1[it.ID]; !ok {
				t.Errorf("%s: item %q is not in answersTableV1: responses would be stored as JSON; add a t2 table", ref, it.ID)
			}
			for _, o := range it.Scale.Options {
				if _, ok := answersIndexV1[o.ID]; !ok {
					t.Errorf("%s: option %q of %q is not in answersTableV1", ref, o.ID, it.ID)
				}
			}
		}
	}
}

// A damaged value is an error, never a panic or other answers.
func TestStoredAnswersDamaged(t *testing.T) {
	for _, v := range []string{"t1:5", "t1:A", "t1:A1234567", "t1:!3", "t1:z3", "t1:A1A2", "t1:|", "t1:|m", "t1:|mq,mq", "t1:|m$", "{", "t1:A1|,", ""} {
		if a, err := decodeAnswers([]byte(v)); err == nil {
			t.Errorf("%q read as %+v, want an error", v, a)
		}
	}
}

func FuzzDecodeStoredAnswers(f *testing.F) {
	for _, s := range []string{"t1:A3B4Q9|lnp,mx", "t1:", "t1:A1|m", `{"n":{"enps":3}}`, "t1:a1", "t1:A0000001"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, stored []byte) {
		a, err := decodeAnswers(stored)
		if err != nil {
			return
		}
		// What was read is stored and read back as the same answers.
		again, err := encodeAnswers(a)
		if err != nil {
			t.Fatal(err)
		}
		b, err := decodeAnswers([]byte(again))
		// Equal as answers: an empty map may come back as none.
		if err != nil || !maps.Equal(a.Numbers, b.Numbers) || !maps.EqualFunc(a.Choices, b.Choices, slices.Equal) {
			t.Fatalf("%q read as %+v, stored again as %q, read back as %+v (%v)", stored, a, again, b, err)
		}
	})
}

// BenchmarkEncodeAnswers is the cost per submission of the stored form
// (the comment of answers_codec.go quotes it).
func BenchmarkEncodeAnswers(b *testing.B) {
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		b.Fatal(err)
	}
	a := randomAnswers(rand.New(rand.NewPCG(1, 2)), q)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := encodeAnswers(a); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeAnswers(b *testing.B) {
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		b.Fatal(err)
	}
	stored, err := encodeAnswers(randomAnswers(rand.New(rand.NewPCG(1, 2)), q))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeAnswers([]byte(stored)); err != nil {
			b.Fatal(err)
		}
	}
}
