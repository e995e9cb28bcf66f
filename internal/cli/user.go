package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"trots/accounts"
	"trots/survey"
)

// runUser manages console accounts: trots user add | list | disable.
func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "add":
		return runUserAdd(ctx, args, os.Stdin, stdout, stderr)
	case "list":
		return runUserList(ctx, args, stdout, stderr)
	case "disable":
		return runUserDisable(ctx, args, stdout, stderr)
	case "token":
		return runUserToken(ctx, args, stdout, stderr)
	case "tokens":
		return runUserTokens(ctx, args, stdout, stderr)
	case "revoke":
		return runUserRevoke(ctx, args, stdout, stderr)
	case "reset":
		return runUserReset(ctx, args, stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stderr, userUsage)
		return nil
	}
	fmt.Fprint(stderr, userUsage)
	return errUsage
}

const userUsage = `Usage: trots user <add|list|disable|reset|token|tokens|revoke> [flags]

  add      --email ADDRESS --role admin|viewer|lead|council [--department ID-OR-NAME] [--password-stdin]
           The password comes from stdin (--password-stdin), else TROTS_PASSWORD,
           else one is generated and printed once. council is the works council
           (ondernemingsraad): read-only, the audit log and the board's verdicts.
  list     print every account with its last sign-in
  disable  --email ADDRESS: switch an account off and end its sessions
  reset    --email ADDRESS [--base-url URL]: print a one-time link (valid 72 hours) with which
           the account's owner chooses a new password; their sessions end when it is used
  token    --email ADDRESS --name NAME [--expires 90d] [--read-only]: a token for the JSON API
           (/api/v1), printed once, valid for --expires days (1d to 366d); --read-only
           tokens only read results, decisions and reports
  tokens   --email ADDRESS: the account's API tokens, with expiry and last use
  revoke   --email ADDRESS --name NAME: end the account's API tokens of that name

Every change is recorded in the audit log as cli:<your user name>.
`

func openUserStore(ctx context.Context, dsn string) (*survey.Store, error) {
	st, err := survey.Open(ctx, dsn, survey.Options{KeyFile: keyFile()})
	if err != nil {
		return nil, fmt.Errorf("cannot open or migrate the database (set TROTS_DB or --db): %w", err)
	}
	return st, nil
}

func runUserAdd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("user add", "user add --email ADDRESS --role admin|viewer|lead [--department ID-OR-NAME] [flags]", stderr)
	dsn := fs.String("db", env("TROTS_DB", survey.DefaultDSN), "SQLite file or postgres:// URL (TROTS_DB)")
	email := fs.String("email", "", "e-mail address of the account (required)")
	role := fs.String("role", "", "admin (HR), viewer (management), lead (one department) or council (works council, read-only)")
	dept := fs.String("department", "", "department id or name, for a lead")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of stdin")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *email == "" || *role == "" {
		fmt.Fprintln(stderr, "--email and --role are required")
		fs.Usage()
		return errUsage
	}
	password, generated := os.Getenv("TROTS_PASSWORD"), false
	if *fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			return fmt.Errorf("read the password from stdin: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
	}
	if password == "" {
		password, generated = accounts.GeneratePassword(), true
	}
	st, err := openUserStore(ctx, *dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	deptID := ""
	if *dept != "" {
		if deptID, err = findDepartment(ctx, st, *dept); err != nil {
			return err
		}
	}
	u, err := accounts.New(st).CreateUser(ctx, accounts.User{Email: *email, Role: accounts.Role(*role), DepartmentID: deptID}, password)
	if err != nil {
		return err
	}
	if err := cliAudit(ctx, st, "user.add", "account "+u.Email, "role "+string(u.Role)+deptDetail(deptID)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Account %s created (role %s).\n", u.Email, u.Role)
	if generated {
		fmt.Fprintf(stdout, "Password (shown only now; keep it somewhere safe): %s\n", password)
	}
	return nil
}

// findDepartment accepts a department id or its exact name.
func findDepartment(ctx context.Context, st *survey.Store, ref string) (string, error) {
	deps, err := st.Departments(ctx)
	if err != nil {
		return "", err
	}
	var names []string
	for _, d := range deps {
		if d.ID == ref || strings.EqualFold(d.Name, strings.TrimSpace(ref)) {
			return d.ID, nil
		}
		names = append(names, d.Name)
	}
	return "", fmt.Errorf("no department %q (departments: %s)", ref, strings.Join(names, ", "))
}

func runUserList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("user list", "user list [flags]", stderr)
	dsn := fs.String("db", env("TROTS_DB", survey.DefaultDSN), "SQLite file or postgres:// URL (TROTS_DB)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	st, err := openUserStore(ctx, *dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	users, err := accounts.New(st).Users(ctx)
	if err != nil {
		return err
	}
	if len(users) == 0 {
		fmt.Fprintln(stdout, "No accounts yet. Create the first administrator with: trots user add --email you@example.org --role admin")
		return nil
	}
	deps, err := st.Departments(ctx)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, d := range deps {
		names[d.ID] = d.Name
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tROLE\tDEPARTMENT\tSTATUS\tCREATED\tLAST SIGN-IN (UTC)")
	for _, u := range users {
		status := "active"
		if u.Disabled {
			status = "disabled"
		}
		last := "never"
		if !u.LastLogin.IsZero() {
			last = u.LastLogin.Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Email, u.Role, names[u.DepartmentID], status, u.CreatedAt.Format("2006-01-02"), last)
	}
	return tw.Flush()
}

// accountCommand is what user disable, token, tokens and revoke share:
// --db, --email and, when nameHelp is set, a required --name; it opens the
// store, which the caller closes.
type accountCommand struct {
	st          *survey.Store
	acc         *accounts.Store
	email, name string
	// expires and readOnly are --expires and --read-only of user token.
	expires  time.Duration
	readOnly bool
	// baseURL is --base-url of user reset.
	baseURL string
}

func openAccountCommand(ctx context.Context, cmd, nameHelp string, args []string, stderr io.Writer) (*accountCommand, error) {
	usage := cmd + " --email ADDRESS"
	if nameHelp != "" {
		usage += " --name NAME"
	}
	fs := newFlagSet(cmd, usage+" [flags]", stderr)
	dsn := fs.String("db", env("TROTS_DB", survey.DefaultDSN), "SQLite file or postgres:// URL (TROTS_DB)")
	email := fs.String("email", "", "e-mail address of the account (required)")
	var name *string
	if nameHelp != "" {
		name = fs.String("name", "", nameHelp+" (required)")
	}
	expires := accounts.DefaultAPITokenLifetime
	var readOnly *bool
	baseURL := new(string)
	if cmd == "user reset" {
		baseURL = fs.String("base-url", defaultBaseURL(), "address the console is reached at, which the link starts with (TROTS_PUBLIC_URL, else http://TROTS_ADDR)")
	}
	if cmd == "user token" {
		readOnly = fs.Bool("read-only", false, "the token only reads (GET) pulses, departments, results, decisions, action plans and reports")
		fs.Func("expires", "how long the token works, in days: 30d, 90d (default), at most 366d", func(v string) error {
			d, err := parseDays(v)
			if err != nil {
				return err
			}
			expires = d
			return nil
		})
	}
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	if *email == "" || name != nil && strings.TrimSpace(*name) == "" {
		if name != nil {
			fmt.Fprintln(stderr, "--email and --name are required")
		} else {
			fmt.Fprintln(stderr, "--email is required")
		}
		fs.Usage()
		return nil, errUsage
	}
	st, err := openUserStore(ctx, *dsn)
	if err != nil {
		return nil, err
	}
	c := &accountCommand{st: st, acc: accounts.New(st), email: *email, expires: expires, baseURL: strings.TrimRight(*baseURL, "/")}
	if readOnly != nil {
		c.readOnly = *readOnly
	}
	if name != nil {
		c.name = strings.TrimSpace(*name)
	}
	return c, nil
}

func runUserDisable(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := openAccountCommand(ctx, "user disable", "", args, stderr)
	if err != nil {
		return err
	}
	defer c.st.Close()
	if err := c.acc.DisableUser(ctx, c.email); err != nil {
		return err
	}
	if err := cliAudit(ctx, c.st, "user.disable", "account "+accounts.NormalizeEmail(c.email), "sessions and API tokens ended"); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Account %s disabled; its sessions have ended.\n", accounts.NormalizeEmail(c.email))
	return nil
}

func runUserToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := openAccountCommand(ctx, "user token", "what the token is for, e.g. power-bi", args, stderr)
	if err != nil {
		return err
	}
	defer c.st.Close()
	scope := accounts.ScopeFull
	if c.readOnly {
		scope = accounts.ScopeRead
	}
	token, err := c.acc.NewScopedAPIToken(ctx, c.email, c.name, c.expires, scope)
	if err != nil {
		return err
	}
	days := int(c.expires / (24 * time.Hour))
	if err := cliAudit(ctx, c.st, "token.create", "account "+accounts.NormalizeEmail(c.email), fmt.Sprintf("token %q, scope %s, expires in %d days", c.name, scope, days)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "API token for %s, valid for %d days until %s (shown only now; send it as Authorization: Bearer <token>):\n%s\n",
		accounts.NormalizeEmail(c.email), days, time.Now().Add(c.expires).UTC().Format("2006-01-02"), token)
	return nil
}

func runUserTokens(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := openAccountCommand(ctx, "user tokens", "", args, stderr)
	if err != nil {
		return err
	}
	defer c.st.Close()
	tokens, err := c.acc.APITokens(ctx, c.email)
	if err != nil {
		return err
	}
	if len(tokens) == 0 {
		fmt.Fprintf(stdout, "%s has no API tokens.\n", accounts.NormalizeEmail(c.email))
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tCREATED (UTC)\tEXPIRES (UTC)\tLAST USED")
	now := time.Now()
	for _, t := range tokens {
		expires, used := "never", "never"
		if !t.Expires.IsZero() {
			expires = t.Expires.Format("2006-01-02 15:04")
			if t.Expired(now) {
				expires += " (expired)"
			}
		}
		if !t.LastUsed.IsZero() {
			used = t.LastUsed.Format("2006-01-02")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.Name, t.Created.Format("2006-01-02 15:04"), expires, used)
	}
	return tw.Flush()
}

func runUserRevoke(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := openAccountCommand(ctx, "user revoke", "the name the token was made with (see user tokens)", args, stderr)
	if err != nil {
		return err
	}
	defer c.st.Close()
	n, err := c.acc.RevokeAPITokens(ctx, c.email, c.name)
	if err != nil {
		return err
	}
	if err := cliAudit(ctx, c.st, "token.revoke", "account "+accounts.NormalizeEmail(c.email), fmt.Sprintf("%d token(s) named %q", n, c.name)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d API token(s) named %q of %s revoked; requests with them are refused from now on.\n", n, c.name, accounts.NormalizeEmail(c.email))
	return nil
}

// defaultBaseURL is where links printed on the command line point:
// TROTS_PUBLIC_URL, else the address serve listens on.
func defaultBaseURL() string {
	if u := os.Getenv("TROTS_PUBLIC_URL"); u != "" {
		return u
	}
	return "http://" + env("TROTS_ADDR", "127.0.0.1:8080")
}

func runUserReset(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := openAccountCommand(ctx, "user reset", "", args, stderr)
	if err != nil {
		return err
	}
	defer c.st.Close()
	link, err := printResetLink(ctx, c.st, c.email, c.baseURL)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Password reset for %s: open this link (it works once, until %s UTC; the old password works until then):\n%s\n",
		accounts.NormalizeEmail(c.email), link.ExpiresAt.Format("2006-01-02 15:04"), link.URL)
	return nil
}

// issuedLink is a one-time link made on the command line.
type issuedLink struct {
	URL       string
	ExpiresAt time.Time
}

// printResetLink makes a password-reset link for the account of email and
// records it in the audit log.
func printResetLink(ctx context.Context, st *survey.Store, email, base string) (issuedLink, error) {
	acc := accounts.New(st)
	u, err := acc.UserByEmail(ctx, email)
	if err != nil {
		return issuedLink{}, fmt.Errorf("no account %s: %w", accounts.NormalizeEmail(email), err)
	}
	token, link, err := acc.NewResetLink(ctx, u.ID, cliActor(), accounts.DefaultAccountLinkLifetime)
	if err != nil {
		return issuedLink{}, err
	}
	if err := cliAudit(ctx, st, "user.reset", "account "+u.Email, "reset link expires "+link.ExpiresAt.Format(time.RFC3339)); err != nil {
		return issuedLink{}, err
	}
	return issuedLink{URL: strings.TrimRight(base, "/") + "/account/" + token, ExpiresAt: link.ExpiresAt}, nil
}
