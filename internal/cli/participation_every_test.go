package cli

import (
	"strings"
	"testing"
	"time"
)

// --participation-every (TROTS_PARTICIPATION_EVERY) takes a duration of at
// least an hour or "live"; anything else is refused with what to give.
func TestParseParticipationEvery(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"24h", 24 * time.Hour, true}, {" 12h ", 12 * time.Hour, true}, {"live", -1, true},
		{"5m", 0, false}, {"0", 0, false}, {"-24h", 0, false}, {"daily", 0, false}, {"", 0, false},
	} {
		got, err := parseParticipationEvery(tc.in)
		if tc.ok && (err != nil || got != tc.want) {
			t.Errorf("%q: %v, %v; want %v", tc.in, got, err, tc.want)
		}
		if !tc.ok && (err == nil || !strings.Contains(err.Error(), "at least an hour")) {
			t.Errorf("%q: %v, %v; want a refusal saying what to give", tc.in, got, err)
		}
	}
}
