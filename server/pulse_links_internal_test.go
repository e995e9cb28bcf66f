package server

import (
	"strings"
	"testing"
	"time"

	"trots/survey"
)

func TestFileSlugIsPlainASCII(t *testing.T) {
	for in, want := range map[string]string{
		"Klantcontact & Balie":      "klantcontact-balie",
		"  Zeeën / Één team  ":      "zeeen-een-team",
		"ICT":                       "ict",
		"R&D \"Lab\" 2":             "r-d-lab-2",
		"日本チーム":                     "department",
		"":                          "department",
		"a\r\nContent-Type: x\";b=": "a-content-type-x-b",
	} {
		if got := fileSlug(in); got != want {
			t.Errorf("fileSlug(%q) = %q, want %q", in, got, want)
		}
	}
	if got := fileSlug(strings.Repeat("ab ", 80)); len(got) > 61 || len(got) < 59 {
		t.Errorf("fileSlug of a long name is %d characters", len(got))
	}
}

func TestStateOfLinks(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		p    survey.Pulse
		want linksState
	}{
		{survey.Pulse{Status: survey.PulseDraft}, linksDraft},
		{survey.Pulse{Status: survey.PulseOpen}, linksActive},
		{survey.Pulse{Status: survey.PulseOpen, Opens: now.Add(time.Hour)}, linksActive},
		{survey.Pulse{Status: survey.PulseOpen, Closes: now.Add(time.Second)}, linksActive},
		{survey.Pulse{Status: survey.PulseOpen, Closes: now}, linksEnded},
		{survey.Pulse{Status: survey.PulseClosed}, linksEnded},
	} {
		if got := stateOfLinks(tc.p, now); got != tc.want {
			t.Errorf("stateOfLinks(%+v) = %s, want %s", tc.p, got, tc.want)
		}
	}
}
