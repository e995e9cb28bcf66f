package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", to create and drop the round databases

	"trots/survey"
)

// engine gives each round a fresh, empty database.
type engine struct {
	name  string // sqlite or postgres
	label string // for the table, with the durability settings
	// fresh returns the DSN of an empty database for a round and a
	// function that removes it.
	fresh func(ctx context.Context, round int) (dsn string, drop func(), err error)
	close func()
}

func sqliteEngine(dir string) engine {
	return engine{
		name:  "sqlite",
		label: "SQLite (WAL, synchronous=FULL)",
		fresh: func(_ context.Context, round int) (string, func(), error) {
			path := filepath.Join(dir, fmt.Sprintf("round-%d.db", round))
			return path, func() {
				for _, suffix := range []string{"", "-wal", "-shm"} {
					os.Remove(path + suffix)
				}
			}, nil
		},
		close: func() {},
	}
}

// postgresEngine creates a database per round on the server of the admin
// DSN and drops it afterwards. The label shows the server's durability
// settings: a server started with fsync=off measures no durable commits.
func postgresEngine(ctx context.Context, admin string) (engine, error) {
	db, err := sql.Open("pgx", admin)
	if err != nil {
		return engine{}, fmt.Errorf("postgres: %w", err)
	}
	var version, fsync, syncCommit string
	err = db.QueryRowContext(ctx, "SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit')").
		Scan(&version, &fsync, &syncCommit)
	if err != nil {
		db.Close()
		return engine{}, fmt.Errorf("postgres: %w", err)
	}
	major, _, _ := strings.Cut(version, " ")
	return engine{
		name:  "postgres",
		label: fmt.Sprintf("PostgreSQL %s (fsync=%s, synchronous_commit=%s)", major, fsync, syncCommit),
		fresh: func(ctx context.Context, round int) (string, func(), error) {
			name := fmt.Sprintf("trots_loadtest_%d_%s", round, survey.NewID()[:8])
			if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
				return "", nil, fmt.Errorf("create database (the -postgres DSN must be allowed to): %w", err)
			}
			u, err := url.Parse(admin)
			if err != nil {
				return "", nil, err
			}
			u.Path = "/" + name
			return u.String(), func() {
				db.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			}, nil
		},
		close: func() { db.Close() },
	}, nil
}

// existingEngine is the database of a running server: every round uses it,
// with departments and pulses of its own.
func existingEngine(dsn string) engine {
	name, label := "sqlite", "SQLite (running trots serve)"
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		name, label = "postgres", "PostgreSQL (running trots serve)"
	}
	return engine{
		name:  name,
		label: label,
		fresh: func(context.Context, int) (string, func(), error) { return dsn, func() {}, nil },
		close: func() {},
	}
}
