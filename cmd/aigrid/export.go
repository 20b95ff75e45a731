package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"aigrid/internal/account"
	"aigrid/internal/config"
	"aigrid/internal/export"
	"aigrid/internal/i18n"
	"aigrid/internal/postgres"
	"aigrid/internal/questionnaire"
	"aigrid/internal/server"
)

func exportUsage() string {
	var names []string
	for _, f := range export.Formats() {
		names = append(names, f.Name)
	}
	return `usage:
  aigrid export --assessment ID --format ` + strings.Join(names, "|") + ` [--lang fr|en] [--sep ';'|','] --out FILE
      writes one assessment in a format (the pages' formats); FILE "-" is standard output.
      --lang defaults to fr; --sep (CSV only) to the language's: ';' in French, ',' in English`
}

// runExport writes an assessment as the export page would, for scripts and archives. It is an
// operator's command (it reads any organisation's assessment with the database's credentials);
// each use is recorded in the audit log, as downloads are.
func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("export", flag.ContinueOnError)
	fset.SetOutput(stderr)
	id := fset.String("assessment", "", "assessment ID")
	formatName := fset.String("format", "", "export format")
	langName := fset.String("lang", "fr", "language: fr or en")
	sepName := fset.String("sep", "", "CSV separator: ';' or ','")
	out := fset.String("out", "", "file to write, - for standard output")
	if err := fset.Parse(args); err != nil || fset.NArg() > 0 || *id == "" || *formatName == "" || *out == "" {
		return usageError(exportUsage())
	}
	format, ok := export.Lookup(*formatName)
	if !ok {
		return usageError(fmt.Sprintf("unknown format %q\n%s", *formatName, exportUsage()))
	}
	l, ok := i18n.Parse(*langName)
	if !ok {
		return usageError(fmt.Sprintf("unknown language %q\n%s", *langName, exportUsage()))
	}
	lang := questionnaire.Lang(l)
	sep, err := export.ParseSep(*sepName, lang)
	if err != nil {
		return usageError(fmt.Sprintf("unknown separator %q\n%s", *sepName, exportUsage()))
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	qn, err := loadContent(cfg)
	if err != nil {
		return err
	}
	db, closeDB, err := openDatabase(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer closeDB()
	if err := postgres.Prepare(ctx, db, postgres.Defaults{SignupOpen: cfg.LocalMode()}); err != nil {
		return err
	}
	st := postgres.NewStore(db)
	orgID, err := st.AssessmentOrganisation(ctx, *id)
	if errors.Is(err, postgres.ErrNotFound) {
		return fmt.Errorf("no assessment %s", *id)
	}
	if err != nil {
		return err
	}
	e, err := server.LoadExport(ctx, st, qn, orgID, *id, lang, time.Now())
	if err != nil {
		return err
	}
	write := func(w io.Writer) error { return format.Write(w, export.Build(e), export.Options{Sep: sep}) }
	if *out == "-" {
		err = write(stdout)
	} else {
		err = writeFileAtomic(*out, write)
	}
	if err != nil {
		return err
	}
	return st.Audit(ctx, account.AuditEntry{OrganisationID: orgID, Action: "cli.export", IP: "cli",
		Details: map[string]any{"assessment": *id, "format": format.Name, "lang": string(lang)}})
}

// writeFileAtomic writes a file through a temporary file in the same directory, renamed when
// complete: a failed export leaves no half-written file behind.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
