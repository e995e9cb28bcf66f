package cli

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"strconv"
	"strings"
	"time"

	"trots/survey"
)

// cliActor names whoever runs a subcommand in the audit log: the
// operating-system account ("cli:root"), the only identity the command
// line has. $SUDO_USER names the person behind sudo.
func cliActor() string {
	name := os.Getenv("SUDO_USER")
	if name == "" {
		if u, err := user.Current(); err == nil {
			name = u.Username
		}
	}
	if name == "" {
		name = os.Getenv("USER")
	}
	if name == "" {
		name = "unknown"
	}
	return "cli:" + name
}

// cliAudit records a change made on the command line. A change that could
// not be recorded is reported as an error: it happened, but the log does
// not show it, and the operator must know.
func cliAudit(ctx context.Context, st *survey.Store, action, object, detail string) error {
	err := st.AppendAudit(ctx, survey.AuditEntry{Actor: cliActor(), Action: action, Object: object, Detail: detail})
	if err != nil {
		return fmt.Errorf("done, but not recorded in the audit log: %w", err)
	}
	return nil
}

func deptDetail(id string) string {
	if id == "" {
		return ""
	}
	return ", department " + id
}

// parseDays reads a lifetime in whole days: "30d" or "30".
func parseDays(v string) (time.Duration, error) {
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), "d"))
	if err != nil || n < 1 || n > 366 {
		return 0, fmt.Errorf("want a number of days from 1d to 366d, such as 30d")
	}
	return time.Duration(n) * 24 * time.Hour, nil
}
