package survey

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

// appendAnswersJSON writes exactly what json.Marshal writes, or declines;
// it declines only for a key or choice that is not a plain identifier.
func TestAppendAnswersJSONIsJSONMarshal(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	alphabet := []string{"a", "z", "A", "0", "9", "_", "-", ".", "é", "<", "&", "\"", "\\", " ", "\u2028", "\x00", "\xff"}
	word := func(plain bool) string {
		var b strings.Builder
		for range 1 + rng.IntN(12) {
			n := 8
			if !plain {
				n = len(alphabet)
			}
			b.WriteString(alphabet[rng.IntN(n)])
		}
		return b.String()
	}
	declined := 0
	for i := range 20000 {
		plain := i%4 != 0
		var a Answers
		if rng.IntN(5) > 0 {
			a.Numbers = map[string]int{}
			for range rng.IntN(40) {
				a.Numbers[word(plain)] = rng.IntN(21) - 10
			}
		}
		if rng.IntN(5) > 0 {
			a.Choices = map[string][]string{}
			for range rng.IntN(5) {
				var opts []string
				switch rng.IntN(4) {
				case 0: // nil
				case 1:
					opts = []string{}
				default:
					for range 1 + rng.IntN(3) {
						opts = append(opts, word(plain))
					}
				}
				a.Choices[word(plain)] = opts
			}
		}
		want, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := appendAnswersJSON(nil, a)
		if !ok {
			declined++
			if plain {
				t.Fatalf("declined plain answers %+v", a)
			}
			continue
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("answers %+v:\n got %s\nwant %s", a, got, want)
		}
	}
	if declined == 0 {
		t.Fatal("no answers with special characters were declined: the test does not reach the fallback")
	}
}
