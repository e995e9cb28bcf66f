package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// A public URL that cannot start survey links stops `trots serve` before
// it opens anything, with the reason: a poster printed with a wrong
// address cannot be recalled.
func TestServeRefusesABadPublicURL(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--public-url", "trots.example.org", "--db", t.TempDir() + "/x.db"},
		{"serve", "--public-url", "https://example.org/?x=1", "--db", t.TempDir() + "/x.db"},
	} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, &out, &errb); code != 2 || !strings.Contains(errb.String(), "public URL") {
			t.Fatalf("%v: exit %d, %q", args, code, errb.String())
		}
	}
	t.Setenv("TROTS_PUBLIC_URL", "ftp://example.org")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"serve", "--db", t.TempDir() + "/x.db"}, &out, &errb); code != 2 ||
		!strings.Contains(errb.String(), "https://") {
		t.Fatalf("TROTS_PUBLIC_URL=ftp://...: exit %d, %q", code, errb.String())
	}
}
