package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"aigrid/internal/account"
	"aigrid/internal/config"
	"aigrid/internal/postgres"
)

const adminUsage = `usage:
  aigrid admin create-user --email EMAIL --name NAME [--site-admin] [--org NAME]
      creates a user; the password is read from standard input (prompted on a terminal)
  aigrid admin reset-password --email EMAIL
      prints a single-use password reset link, valid for one hour
  aigrid admin disable-two-factor --email EMAIL
      removes a user's two-step sign-in (lost phone and recovery codes); they sign in with their
      password and set it up again (required by their organisation, they are asked to at once)
  aigrid admin signup open|close
      opens or closes public sign-up`

// runAdmin implements the site administration commands. Passwords never come from the command
// line, where other users of the machine could read them.
func runAdmin(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError(adminUsage)
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	fset := flag.NewFlagSet("admin "+args[0], flag.ContinueOnError)
	fset.SetOutput(stderr)
	email := fset.String("email", "", "e-mail address")
	name := fset.String("name", "", "display name")
	orgName := fset.String("org", "", "also create this organisation, owned by the user")
	admin := fset.Bool("site-admin", false, "make the user a site administrator")
	if err := fset.Parse(args[1:]); err != nil {
		return usageError(adminUsage)
	}
	var run func(st *postgres.Store) error
	switch args[0] {
	case "create-user":
		if *email == "" || *name == "" {
			return usageError(adminUsage)
		}
		password, err := readPassword(stdin, stderr)
		if err != nil {
			return err
		}
		if err := account.CheckPassword(password, *email, *name); err != nil {
			return fmt.Errorf("password refused: %s", passwordMessage(err))
		}
		run = func(st *postgres.Store) error {
			hash, err := account.HashPassword(ctx, password)
			if err != nil {
				return err
			}
			u, err := st.CreateUser(ctx, *email, *name, hash, *admin)
			if errors.Is(err, account.ErrEmailTaken) {
				return fmt.Errorf("a user with the e-mail address %s already exists", *email)
			}
			if err != nil {
				return err
			}
			orgID := ""
			if *orgName != "" {
				o, err := st.CreateOrganisation(ctx, u.ID, *orgName)
				if err != nil {
					return err
				}
				orgID = o.ID
			}
			if err := st.Audit(ctx, account.AuditEntry{OrganisationID: orgID, Action: "cli.create_user",
				Details: map[string]any{"user": u.ID, "site_admin": *admin}, IP: "cli"}); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "created user %s (%s)%s\n", u.Email, u.ID, map[bool]string{true: ", site administrator"}[*admin])
			return nil
		}
	case "reset-password":
		if *email == "" {
			return usageError(adminUsage)
		}
		run = func(st *postgres.Store) error {
			u, err := existingUser(ctx, st, *email)
			if err != nil {
				return err
			}
			token := randomToken()
			if err := st.CreatePasswordReset(ctx, u.ID, postgres.TokenHash(token), resetLinkTTL); err != nil {
				return err
			}
			if err := st.Audit(ctx, account.AuditEntry{Action: "cli.reset_password", Details: map[string]any{"user": u.ID}, IP: "cli"}); err != nil {
				return err
			}
			base := "http://" + cfg.Addr
			if cfg.BaseURL != nil {
				base = strings.TrimSuffix(cfg.BaseURL.String(), "/")
			}
			fmt.Fprintf(stdout, "Password reset link for %s (single use, valid for one hour):\n%s/password/reset/%s\n", u.Email, base, token)
			return nil
		}
	case "disable-two-factor":
		if *email == "" {
			return usageError(adminUsage)
		}
		run = func(st *postgres.Store) error {
			u, err := existingUser(ctx, st, *email)
			if err != nil {
				return err
			}
			if !u.TwoFactor {
				return fmt.Errorf("%s has no two-step sign-in to remove", u.Email)
			}
			if err := st.DisableTwoFactor(ctx, u.ID); err != nil {
				return err
			}
			if err := st.Audit(ctx, account.AuditEntry{Action: "cli.disable_two_factor", Details: map[string]any{"user": u.ID}, IP: "cli"}); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "two-step sign-in removed for %s\n", u.Email)
			return nil
		}
	case "signup":
		if fset.NArg() != 1 || (fset.Arg(0) != "open" && fset.Arg(0) != "close") {
			return usageError(adminUsage)
		}
		open := fset.Arg(0) == "open"
		run = func(st *postgres.Store) error {
			if err := st.SetSignupOpen(ctx, open); err != nil {
				return err
			}
			if err := st.Audit(ctx, account.AuditEntry{Action: "cli.signup", Details: map[string]any{"open": open}, IP: "cli"}); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "public sign-up is now %s\n", map[bool]string{true: "open", false: "closed"}[open])
			return nil
		}
	default:
		return usageError(adminUsage)
	}
	db, closeDB, err := openPrepared(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer closeDB()
	return run(postgres.NewStore(db))
}

// readPassword reads a password: without echo from a terminal, else the first line of stdin.
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "Password (12 characters or more): ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		return string(b), err
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func passwordMessage(err error) string {
	switch {
	case errors.Is(err, account.ErrPasswordTooShort):
		return fmt.Sprintf("use at least %d characters", account.MinPasswordLength)
	case errors.Is(err, account.ErrPasswordTooLong):
		return "too long"
	case errors.Is(err, account.ErrPasswordCommon):
		return "too common"
	case errors.Is(err, account.ErrPasswordPersonal):
		return "too close to the e-mail address or name"
	}
	return err.Error()
}

const resetLinkTTL = time.Hour

func randomToken() string { return rand.Text() + rand.Text() }

// existingUser finds the user an admin command names, with a clear error when there is none.
func existingUser(ctx context.Context, st *postgres.Store, email string) (account.User, error) {
	u, _, err := st.UserByEmail(ctx, email)
	if errors.Is(err, postgres.ErrNotFound) {
		return u, fmt.Errorf("no user with the e-mail address %s", email)
	}
	return u, err
}
