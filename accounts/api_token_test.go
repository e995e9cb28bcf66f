package accounts_test

import (
	"strings"
	"testing"
	"time"

	"trots/accounts"
	"trots/survey"
	"trots/survey/storetest"
)

func TestAPITokenExpiresAndRecordsItsLastUse(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s, clk := mustOpenClocked(t, dsn)
		clk.Set(time.Date(2026, 5, 4, 10, 30, 0, 0, time.UTC))
		_, err := s.CreateUser(ctx, accounts.User{Email: "bi@example.org", Role: accounts.RoleViewer}, "correct horse battery")
		must(t, err)
		token, err := s.NewAPITokenFor(ctx, "bi@example.org", "power-bi", 30*24*time.Hour)
		must(t, err)
		if _, err := s.NewAPITokenFor(ctx, "bi@example.org", "x", 400*24*time.Hour); survey.ErrorCode(err) != survey.EInvalid {
			t.Errorf("a 400-day token: %v, want EInvalid", err)
		}
		list, err := s.APITokens(ctx, "bi@example.org")
		must(t, err)
		if len(list) != 1 || !list[0].LastUsed.IsZero() || !list[0].Expires.Equal(clk.Now().Add(30*24*time.Hour)) {
			t.Fatalf("new token: %+v", list)
		}
		clk.Advance(36 * time.Hour)
		if _, err := s.UserByAPIToken(ctx, token); err != nil {
			t.Fatal(err)
		}
		list, _ = s.APITokens(ctx, "bi@example.org")
		if want := time.Date(2026, 5, 5, 0, 0, 0, 0, time.UTC); !list[0].LastUsed.Equal(want) {
			t.Errorf("last used %v, want %v (the day)", list[0].LastUsed, want)
		}
		clk.Set(time.Date(2026, 6, 3, 10, 30, 0, 0, time.UTC)) // 30 days after it was made
		_, err = s.UserByAPIToken(ctx, token)
		if survey.ErrorCode(err) != survey.EUnauthorized || survey.ErrorKey(err) != "api_token_expired" || !strings.Contains(err.Error(), "2026-06-03") {
			t.Errorf("expired token: %v", err)
		}
	})
}
