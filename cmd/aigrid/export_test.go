package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"aigrid/content"
	"aigrid/internal/assessment"
	"aigrid/internal/pgtest"
	"aigrid/internal/postgres"
	"aigrid/internal/questionnaire"
)

func TestExportCommand(t *testing.T) {
	dbURL := pgtest.NewURL(t)
	env := envFrom(map[string]string{"DATABASE_URL": dbURL})
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	st := postgres.NewStore(pool)
	qn, err := questionnaire.Load(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.CreateUser(ctx, "dpo@example.org", "Déborah", "x", false)
	if err != nil {
		t.Fatal(err)
	}
	o, err := st.CreateOrganisation(ctx, u.ID, "Hôpital Nord")
	if err != nil {
		t.Fatal(err)
	}
	a, err := st.CreateAssessment(ctx, o.ID, u.ID, assessment.Assessment{SystemName: "Tri « urgences »", ContentVersion: qn.Version,
		Profile: questionnaire.Profile{"role": {"both"}, "personal_data": {"yes"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveAnswers(ctx, o.ID, a.ID, u.ID, []postgres.Edit{{Answer: assessment.Answer{QuestionID: "q1.1.3",
		Values: []string{"partly"}, Comment: "Vérifié : cœur de l’équipe"}}}); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	for _, c := range []struct {
		args   []string
		prefix string
		has    string
	}{
		{[]string{"--format", "pdf"}, "%PDF-", ""},
		{[]string{"--format", "xlsx", "--lang", "en"}, "PK", ""},
		{[]string{"--format", "csv"}, "\ufeffFiche;", "Vérifié : cœur de l’équipe"},
		{[]string{"--format", "csv", "--lang", "en", "--sep", ";"}, "\ufeffSheet;", "Partly in place"},
		{[]string{"--format", "json", "--lang", "en"}, "{", `"system_name": "Tri « urgences »"`},
	} {
		out := filepath.Join(dir, "export."+c.args[1])
		args := append([]string{"export", "--assessment", a.ID, "--out", out}, c.args...)
		if err := run(ctx, args, env, nil, io.Discard, io.Discard); err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		b, err := os.ReadFile(out)
		if err != nil || !bytes.HasPrefix(b, []byte(c.prefix)) || !bytes.Contains(b, []byte(c.has)) {
			t.Errorf("%v: %v, %.80q", c.args, err, b)
		}
	}
	var stdout bytes.Buffer
	if err := run(ctx, []string{"export", "--assessment", a.ID, "--format", "csv", "--lang", "en", "--out", "-"}, env, nil, &stdout, io.Discard); err != nil ||
		!strings.HasPrefix(stdout.String(), "\ufeffSheet,") {
		t.Errorf("to standard output: %v %.50q", err, stdout.String())
	}

	// Mistakes: a usage error, or a clear message, and no file.
	for _, args := range [][]string{
		{"--format", "docx"}, {"--format", "pdf", "--lang", "de"}, {"--format", "csv", "--sep", "|"}, {"--format", "pdf", "extra"},
	} {
		err := run(ctx, append([]string{"export", "--assessment", a.ID, "--out", filepath.Join(dir, "bad")}, args...), env, nil, io.Discard, io.Discard)
		if !errors.Is(err, errUsage) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
	for _, id := range []string{"00000000-0000-0000-0000-000000000000", "not-a-uuid"} {
		err := run(ctx, []string{"export", "--assessment", id, "--format", "pdf", "--out", filepath.Join(dir, "bad")}, env, nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "no assessment") {
			t.Errorf("assessment %s: %v", id, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "bad")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed export left a file: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 4 { // pdf, xlsx, csv (written twice), json
		t.Errorf("%d files in the output directory, want the 4 exports (no temporary file left)", len(entries))
	}

	log, err := st.AuditLog(ctx, o.ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range log {
		if e.Action == "cli.export" && e.Details["assessment"] == a.ID {
			n++
		}
	}
	if n != 6 {
		t.Errorf("%d exports audited, want 6", n)
	}
}
