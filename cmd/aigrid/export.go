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
	var names, summaryNames []string
	for _, f := range export.Formats() {
		names = append(names, f.Name)
	}
	for _, f := range export.SummaryFormats() {
		summaryNames = append(summaryNames, f.Name)
	}
	return `usage:
  aigrid export --assessment ID --format ` + strings.Join(names, "|") + ` [--lang fr|en] [--sep ';'|','] --out FILE
      writes one assessment in a format (the pages' formats); FILE "-" is standard output.
      --lang defaults to fr; --sep (CSV only) to the language's: ';' in French, ',' in English
  aigrid export --all [--organisation ID] --format ` + strings.Join(summaryNames, "|") + ` --out FILE
      writes the scores of every assessment (or of one organisation's), one line each, streamed`
}

// runExport writes an assessment as the export page would, or with --all the scores of every
// assessment as the admin page would, for scripts and archives. It is an operator's command (it
// reads any organisation's data with the database's credentials); each use is recorded in the
// audit log, as downloads are.
func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("export", flag.ContinueOnError)
	fset.SetOutput(stderr)
	id := fset.String("assessment", "", "assessment ID")
	all := fset.Bool("all", false, "the scores of every assessment")
	orgID := fset.String("organisation", "", "with --all: only this organisation's assessments")
	formatName := fset.String("format", "", "export format")
	langName := fset.String("lang", "fr", "language: fr or en")
	sepName := fset.String("sep", "", "CSV separator: ';' or ','")
	out := fset.String("out", "", "file to write, - for standard output")
	if err := fset.Parse(args); err != nil || fset.NArg() > 0 || (*id == "") == !*all || *formatName == "" || *out == "" {
		return usageError(exportUsage())
	}
	set := map[string]bool{}
	fset.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *all && (set["lang"] || set["sep"]) || !*all && set["organisation"] {
		return usageError(exportUsage())
	}
	if *all {
		format, ok := export.LookupSummary(*formatName)
		if !ok {
			return usageError(fmt.Sprintf("unknown format %q for --all\n%s", *formatName, exportUsage()))
		}
		return withStore(ctx, getenv, stderr, func(st *postgres.Store, cat *questionnaire.Catalog) error {
			if set["organisation"] {
				if _, err := st.Organisation(ctx, *orgID); errors.Is(err, postgres.ErrNotFound) {
					return fmt.Errorf("no organisation %s", *orgID)
				} else if err != nil {
					return err
				}
			}
			n := 0
			write := func(w io.Writer) error {
				sw := format.New(w, cat.Latest().Sheets)
				var err error
				if n, err = server.WriteSummaries(ctx, st, cat, *orgID, sw, func() {}); err != nil {
					return err
				}
				return sw.Close()
			}
			if err := output(*out, stdout, write); err != nil {
				return err
			}
			details := map[string]any{"all": true, "format": format.Name, "assessments": n}
			if *orgID != "" {
				details["organisation"] = *orgID
			}
			return st.Audit(ctx, account.AuditEntry{OrganisationID: *orgID, Action: "cli.export", IP: "cli", Details: details})
		})
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
	return withStore(ctx, getenv, stderr, func(st *postgres.Store, cat *questionnaire.Catalog) error {
		orgID, err := st.AssessmentOrganisation(ctx, *id)
		if errors.Is(err, postgres.ErrNotFound) {
			return fmt.Errorf("no assessment %s", *id)
		}
		if err != nil {
			return err
		}
		e, err := server.LoadExport(ctx, st, cat, orgID, *id, lang, time.Now())
		if err != nil {
			return err
		}
		write := func(w io.Writer) error { return format.Write(w, export.Build(e), export.Options{Sep: sep}) }
		if err := output(*out, stdout, write); err != nil {
			return err
		}
		return st.Audit(ctx, account.AuditEntry{OrganisationID: orgID, Action: "cli.export", IP: "cli",
			Details: map[string]any{"assessment": *id, "format": format.Name, "lang": string(lang)}})
	})
}

// withStore opens the configured database and questionnaire for a command.
func withStore(ctx context.Context, getenv func(string) string, stderr io.Writer, fn func(*postgres.Store, *questionnaire.Catalog) error) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	cat, err := loadContent(cfg)
	if err != nil {
		return err
	}
	db, closeDB, err := openPrepared(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer closeDB()
	return fn(postgres.NewStore(db), cat)
}

// output writes to standard output ("-") or to a file, atomically.
func output(out string, stdout io.Writer, write func(io.Writer) error) error {
	if out == "-" {
		return write(stdout)
	}
	return writeFileAtomic(out, write)
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
