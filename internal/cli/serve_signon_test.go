package cli

import (
	"strings"
	"testing"
)

// serve refuses single sign-on settings it cannot work with, before it
// opens anything, and naming the setting; and password sign-in cannot be
// switched off without single sign-on (nobody could sign in).
func TestServeRefusesIncompleteSignOnSettings(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no client", map[string]string{"TROTS_OIDC_ISSUER": "https://idp.example.org"}, nil, "TROTS_OIDC_CLIENT_ID"},
		{"no secret", map[string]string{"TROTS_OIDC_ISSUER": "https://idp.example.org", "TROTS_OIDC_CLIENT_ID": "trots"}, nil, "TROTS_OIDC_CLIENT_SECRET"},
		{"no public URL", map[string]string{"TROTS_OIDC_ISSUER": "https://idp.example.org", "TROTS_OIDC_CLIENT_ID": "trots",
			"TROTS_OIDC_CLIENT_SECRET": "s"}, nil, "TROTS_PUBLIC_URL"},
		{"bad roles", map[string]string{"TROTS_OIDC_ISSUER": "https://idp.example.org", "TROTS_OIDC_CLIENT_ID": "trots",
			"TROTS_OIDC_CLIENT_SECRET": "s", "TROTS_PUBLIC_URL": "https://trots.example.org", "TROTS_OIDC_ROLES": "boss=ceo"}, nil, "TROTS_OIDC_ROLES"},
		{"password off alone", nil, []string{"--password-login=false"}, "needs single sign-on"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			args := append([]string{"serve", "--db", t.TempDir() + "/trots.db", "--addr", "127.0.0.1:0"}, tc.args...)
			code, _, stderr := runCmd(t, args...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 naming %s", code, stderr, tc.want)
			}
		})
	}
}
