package server

import (
	"strings"
	"testing"
	"time"
)

// HR's dates and times are wall-clock times of the organisation's zone,
// stored as UTC; the offset follows daylight saving time.
func TestParseLocalReadsWallClockTimeInTheZone(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		date, clock string
		want        time.Time
		key         string
	}{
		{"", "", time.Time{}, ""},
		{"2026-01-15", "09:00", time.Date(2026, 1, 15, 8, 0, 0, 0, time.UTC), ""},      // CET, UTC+1
		{"2026-07-15", "09:00", time.Date(2026, 7, 15, 7, 0, 0, 0, time.UTC), ""},      // CEST, UTC+2
		{" 2026-07-15 ", "09:00:00", time.Date(2026, 7, 15, 7, 0, 0, 0, time.UTC), ""}, // seconds, as some browsers send
		{"2026-07-15", "", time.Time{}, "pulse_time_missing"},
		{"", "09:00", time.Time{}, "pulse_date_missing"},
		{"15-07-2026", "09:00", time.Time{}, "pulse_date_format"},
		{"2026-02-30", "09:00", time.Time{}, "pulse_date_format"},
		{"2026-07-15", "9 uur", time.Time{}, "pulse_time_format"},
		{"2026-07-15", "24:00", time.Time{}, "pulse_time_format"},
	} {
		got, key := parseLocalDateTime(tc.date, tc.clock, ams)
		if !got.Equal(tc.want) || key != tc.key || (!got.IsZero() && got.Location() != time.UTC) {
			t.Errorf("parseLocalDateTime(%q, %q) = %v, %q; want %v, %q", tc.date, tc.clock, got, key, tc.want, tc.key)
		}
	}
	if got := formatLocal(time.Date(2026, 7, 15, 7, 0, 0, 0, time.UTC), ams); got != "2026-07-15 09:00 CEST" {
		t.Errorf("formatLocal = %q", got)
	}
	for loc, want := range map[*time.Location]string{ams: "CET, UTC+01:00", time.UTC: "UTC", time.FixedZone("", -3*3600): "UTC-03:00"} {
		if got := pulseZoneLabel(time.Date(2026, 1, 15, 7, 0, 0, 0, time.UTC), loc); got != want {
			t.Errorf("pulseZoneLabel = %q, want %q", got, want)
		}
	}
	if got := followUpName("en", "Nulmeting"); got != "Nulmeting – follow-up" {
		t.Errorf("followUpName = %q", got)
	}
	long := ""
	for range 120 {
		long += "é"
	}
	if got := []rune(followUpName("nl", long)); len(got) != 120 || !strings.HasSuffix(string(got), "é – vervolgmeting") {
		t.Errorf("followUpName of a long name: %d runes, %q", len(got), string(got))
	}
}
