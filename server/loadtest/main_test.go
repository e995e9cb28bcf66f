package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"trots/survey/storetest"
)

// A short run on both engines, through the form and the API, ends with the
// table, and every acknowledged response found in the database.
func TestShortRun(t *testing.T) {
	for _, api := range []string{"-api=false", "-api=true"} {
		var out, progress bytes.Buffer
		args := []string{"-duration", "300ms", "-warmup", "100ms", "-rounds", "1", "-clients", "8", "-departments", "3", api,
			"-postgres", os.Getenv(storetest.EnvPostgres)}
		if err := run(context.Background(), args, &out, &progress); err != nil {
			t.Fatalf("%s: %v\n%s%s", api, err, progress.String(), out.String())
		}
		for _, want := range []string{"| SQLite (WAL, synchronous=FULL) | durable", "| PostgreSQL", "durable / ceiling",
			"sqlite durable:", "postgres raw:", "every acknowledged response is stored, once"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s: the report lacks %q:\n%s", api, want, out.String())
			}
		}
	}
}

func TestRefusesOtherMachines(t *testing.T) {
	for _, args := range [][]string{
		{"-url", "http://example.org", "-db", "x.db"},
		{"-postgres", "postgres://u@10.0.0.1/db"},
		{"-url", "http://127.0.0.1:8080"}, // no -db
		{"-paths", "everything"},
	} {
		var out, errb bytes.Buffer
		if err := run(context.Background(), args, &out, &errb); err != errUsage {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
}

// A short abuse run: every attack runs, the table has a row for each,
// and every real answer stored was one sent.
func TestAbuseShortRun(t *testing.T) {
	var out, progress bytes.Buffer
	args := []string{"-abuse", "-attack-duration", "400ms", "-ramp-up", "100ms", "-real-clients", "4", "-real-rate", "40", "-slow-conns", "24"}
	if err := run(context.Background(), args, &out, &progress); err != nil {
		t.Fatalf("%v\n%s%s", err, progress.String(), out.String())
	}
	for _, want := range []string{attackBaseline, attackGarbage, attackSlow, attackReports, attackMadeUp, "real answers stored", "Goal (>= 99%"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the abuse table lacks %q:\n%s", want, out.String())
		}
	}
	// Without an attack the real answers are stored: a benchmark whose
	// forms do not fit its pulse measures nothing.
	m := regexp.MustCompile(`abuse none \(baseline\)\s+real answers (\d+)/(\d+) stored`).FindStringSubmatch(progress.String())
	if m == nil {
		t.Fatalf("no baseline line in the progress:\n%s", progress.String())
	}
	stored, sent := atoi(t, m[1]), atoi(t, m[2])
	if sent == 0 || stored*100 < 99*sent {
		t.Fatalf("baseline without attack: %d of %d real answers stored", stored, sent)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
