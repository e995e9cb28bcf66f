package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Backups written with --dir are named for the moment they were made, so
// that --expire-after can tell which are old without trusting file times,
// and never touches a file it did not make.
const backupNameLayout = "20060102T150405Z"

var backupNamePattern = regexp.MustCompile(`^trots-backup-(\d{8}T\d{6}Z)\.db$`)

// backupName is the name of a backup made at t.
func backupName(t time.Time) string {
	return "trots-backup-" + t.UTC().Format(backupNameLayout) + ".db"
}

// parseAge reads a period such as 30d, 12h or 90m (days are 24 hours).
func parseAge(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 1 {
			return 0, fmt.Errorf("want a whole number of days such as 30d, got %q", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("want a period such as 30d or 36h, got %q", s)
	}
	return d, nil
}

// expireBackups deletes the backups in dir made (by name) longer than age
// before now, and returns their names. Other files stay.
func expireBackups(dir string, age time.Duration, now time.Time) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("expire backups: %w", err)
	}
	var gone []string
	for _, e := range entries {
		m := backupNamePattern.FindStringSubmatch(e.Name())
		if m == nil || !e.Type().IsRegular() {
			continue
		}
		made, err := time.Parse(backupNameLayout, m[1])
		if err != nil || now.Sub(made) <= age {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
			return gone, fmt.Errorf("expire backups: %w", err)
		}
		gone = append(gone, e.Name())
	}
	return gone, nil
}
