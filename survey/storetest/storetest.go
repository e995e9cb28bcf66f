// Package storetest gives tests real databases: a fresh SQLite file, and a
// fresh database on the PostgreSQL server that `make test` starts (its admin
// DSN in TROTS_TEST_POSTGRES).
package storetest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"trots/survey"
)

// EnvPostgres names the variable holding the admin DSN of the test server.
const EnvPostgres = "TROTS_TEST_POSTGRES"

// Engine is one database engine the tests run on.
type Engine struct {
	Name string
	// DSN returns the DSN of a fresh, empty database for t.
	DSN func(t testing.TB) string
}

// Engines are SQLite and PostgreSQL. A missing PostgreSQL server is a test
// failure, not a skip: `make test` always provides one.
var Engines = []Engine{
	{Name: "sqlite", DSN: SQLiteDSN},
	{Name: "postgres", DSN: PostgresDSN},
}

// ForEach runs fn as a subtest on every engine.
func ForEach(t *testing.T, fn func(t *testing.T, dsn string)) {
	for _, e := range Engines {
		t.Run(e.Name, func(t *testing.T) { fn(t, e.DSN(t)) })
	}
}

// SQLiteDSN is a file in the test's temporary folder.
func SQLiteDSN(t testing.TB) string {
	return filepath.Join(t.TempDir(), "data", "trots.db")
}

// PostgresDSN creates a database for t and drops it when t ends.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(EnvPostgres)
	if admin == "" {
		t.Fatalf("%s is not set: run the tests with `make test`, which starts a PostgreSQL server", EnvPostgres)
	}
	db, err := gorm.Open(postgres.Open(admin), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("connect to test PostgreSQL: %v", err)
	}
	name := "trots_" + survey.NewID()
	if err := db.Exec("CREATE DATABASE " + name).Error; err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvPostgres, err)
	}
	u.Path = "/" + name
	return u.String()
}

// Open opens (and migrates) a store on dsn and closes it when t ends.
func Open(t testing.TB, dsn string) *survey.Store {
	t.Helper()
	s, err := survey.Open(context.Background(), dsn, survey.Options{})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// MustDepartment creates a department or fails the test.
func MustDepartment(t testing.TB, s *survey.Store, name string, headcount int) survey.Department {
	t.Helper()
	d, err := s.CreateDepartment(context.Background(), survey.Department{Name: name, Headcount: headcount, ExternallyVisible: true})
	if err != nil {
		t.Fatalf("create department %s: %v", name, err)
	}
	return d
}

// MustOpenPulse creates and opens a pulse on the questionnaire, or fails.
func MustOpenPulse(t testing.TB, s *survey.Store, questionnaire string, version int) survey.Pulse {
	t.Helper()
	ctx := context.Background()
	p, err := s.CreatePulse(ctx, survey.Pulse{Name: fmt.Sprintf("Pulse %s", questionnaire), QuestionnaireID: questionnaire, QuestionnaireVersion: version})
	if err != nil {
		t.Fatalf("create pulse: %v", err)
	}
	p, err = s.OpenPulse(ctx, p.ID)
	if err != nil {
		t.Fatalf("open pulse: %v", err)
	}
	return p
}
