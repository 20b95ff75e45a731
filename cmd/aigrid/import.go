package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"aigrid/internal/account"
	"aigrid/internal/config"
	"aigrid/internal/export"
	"aigrid/internal/i18n"
	"aigrid/internal/postgres"
	"aigrid/internal/server"
)

const importUsage = `usage:
  aigrid import --organisation ID FILE
      creates a new draft assessment in the organisation from a JSON export (aigrid export
      --format json); FILE "-" is standard input. The file is checked completely first: on any
      problem, each is listed with its JSON path and nothing is created`

// runImport creates an assessment from a JSON export, in one transaction.
func runImport(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("import", flag.ContinueOnError)
	fset.SetOutput(stderr)
	orgID := fset.String("organisation", "", "organisation ID")
	if err := fset.Parse(args); err != nil || fset.NArg() != 1 || *orgID == "" {
		return usageError(importUsage)
	}
	in := stdin
	if name := fset.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	data, err := io.ReadAll(io.LimitReader(in, export.MaxImportSize+1))
	if err != nil {
		return err
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	cat, err := loadContent(cfg)
	if err != nil {
		return err
	}
	imp, problems := export.ParseImportFrom(cat, data)
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintf(stderr, "%s: %s\n", p.Path, i18n.T(i18n.EN, p.Key, p.Args...))
		}
		return fmt.Errorf("nothing imported: %d problems in %s", len(problems), fset.Arg(0))
	}
	db, closeDB, err := openPrepared(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer closeDB()
	st := postgres.NewStore(db)
	if _, err := st.Organisation(ctx, *orgID); errors.Is(err, postgres.ErrNotFound) || errors.Is(err, postgres.ErrInvalidText) {
		return fmt.Errorf("no organisation %s", *orgID)
	} else if err != nil {
		return fmt.Errorf("no organisation %s: %w", *orgID, err)
	}
	id, unmatched, err := server.SaveImport(ctx, st, *orgID, "", imp)
	if err != nil {
		return err
	}
	if err := st.Audit(ctx, account.AuditEntry{OrganisationID: *orgID, Action: "cli.import", IP: "cli",
		Details: map[string]any{"assessment": id, "answers": len(imp.Answers), "actions": len(imp.Actions)}}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported as assessment %s (%d answers, %d actions)\n", id, len(imp.Answers), len(imp.Actions))
	for _, name := range unmatched {
		fmt.Fprintf(stdout, "no member named %q: their action has no owner\n", name)
	}
	return nil
}
