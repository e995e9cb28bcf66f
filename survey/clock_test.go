package survey_test

import (
	"testing"
	"time"

	"trots/accounts"
	"trots/survey"
	"trots/survey/storetest"
)

func mustOpenClocked(t *testing.T, dsn string) (*survey.Store, *storetest.Clock) {
	t.Helper()
	c := storetest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	s, err := survey.Open(ctx, dsn, survey.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, c
}

// mustUser makes a console account (decisions, report jobs and action
// plans name one).
func mustUser(t *testing.T, s *survey.Store, email string, role accounts.Role, dept string) accounts.User {
	t.Helper()
	u, err := accounts.New(s).CreateUser(ctx, accounts.User{Email: email, Role: role, DepartmentID: dept}, "correct horse battery")
	if err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

func wantCode(t *testing.T, err error, code survey.Code) {
	t.Helper()
	if survey.ErrorCode(err) != code {
		t.Fatalf("error %v has code %s, want %s", err, survey.ErrorCode(err), code)
	}
}

// expire runs the whole records retention as results.Retention does: the
// survey's records and the accounts', under one policy.
func expire(s *survey.Store, now time.Time) (survey.Expired, error) {
	ex, err := s.ExpireRecords(ctx, now, survey.RecordPolicy{})
	if err != nil {
		return ex, err
	}
	ex.Accounts, ex.Sessions, err = accounts.New(s).ExpireAccounts(ctx, now, survey.RecordPolicy{})
	return ex, err
}
