package cli

import (
	"bytes"
	"context"
	"flag"
	"io"
	"strings"
	"testing"
	"time"

	"trots/server"
)

// The limits come from flags and TROTS_* variables, flags first; a
// variable that is not a number stops `trots serve` with its name.
func TestServeLimitsFromFlagsAndEnvironment(t *testing.T) {
	t.Setenv("TROTS_MAX_CONNS_PER_SOURCE", "32")
	t.Setenv("TROTS_SURVEY_BODY_TIMEOUT", "3s")
	t.Setenv("TROTS_REPORT_STORAGE_MB", "64")
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	l := newLimitsFlags(fs)
	if l.err != nil {
		t.Fatal(l.err)
	}
	if err := fs.Parse([]string{"--max-conns", "100", "--reports-per-day", "7"}); err != nil {
		t.Fatal(err)
	}
	var cfg server.Config
	l.apply(&cfg)
	if cfg.MaxConns != 100 || cfg.MaxConnsPerSource != 32 || cfg.SurveyBodyTimeout != 3*time.Second ||
		cfg.Quotas.ReportsPerDay != 7 || cfg.Quotas.ReportBytes != 64<<20 || cfg.SurveyBurst != 400 || cfg.HeaderTimeout != 5*time.Second {
		t.Fatalf("limits %+v", cfg)
	}

	t.Setenv("TROTS_MAX_CONNS", "many")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"serve", "--db", t.TempDir() + "/x.db"}, &out, &errb); code != 2 ||
		!strings.Contains(errb.String(), "TROTS_MAX_CONNS") {
		t.Fatalf("TROTS_MAX_CONNS=many: exit %d, %q", code, errb.String())
	}
}
