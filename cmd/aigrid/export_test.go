package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/xuri/excelize/v2"

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
	qn, err := questionnaire.LoadLatest(content.FS)
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

func TestExportAllCommand(t *testing.T) {
	dbURL := pgtest.NewURL(t)
	env := envFrom(map[string]string{"DATABASE_URL": dbURL})
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	st := postgres.NewStore(pool)
	qn, err := questionnaire.LoadLatest(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.CreateUser(ctx, "dpo@example.org", "Déborah", "x", false)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{} // organisation ID → its assessment's ID
	var orgs []string
	for _, name := range []string{"Hôpital Nord", "=Clinique"} {
		o, err := st.CreateOrganisation(ctx, u.ID, name)
		if err != nil {
			t.Fatal(err)
		}
		a, err := st.CreateAssessment(ctx, o.ID, u.ID, assessment.Assessment{SystemName: "Tri « urgences »", ContentVersion: qn.Version,
			Profile: questionnaire.Profile{"role": {"both"}, "personal_data": {"yes"}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.SaveAnswers(ctx, o.ID, a.ID, u.ID, []postgres.Edit{{Answer: assessment.Answer{QuestionID: "q1.1.3", Values: []string{"partly"}}}}); err != nil {
			t.Fatal(err)
		}
		ids[o.ID] = a.ID
		orgs = append(orgs, o.ID)
	}

	// CSV to a file: the header and one line per assessment, formulas neutralised.
	dir := t.TempDir()
	out := filepath.Join(dir, "all.csv")
	if err := run(ctx, []string{"export", "--all", "--format", "csv", "--out", out}, env, nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil || !bytes.HasPrefix(b, []byte("\ufefforganisation,assessment_id,")) || bytes.Count(b, []byte("\n")) != 3 ||
		!bytes.Contains(b, []byte("'=Clinique")) || !bytes.Contains(b, []byte(ids[orgs[0]])) || !bytes.Contains(b, []byte(ids[orgs[1]])) {
		t.Errorf("csv: %v\n%s", err, b)
	}
	// XLSX to a file: the workbook read back.
	out = filepath.Join(dir, "all.xlsx")
	if err := run(ctx, []string{"export", "--all", "--organisation", orgs[0], "--format", "xlsx", "--out", out}, env, nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	book, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := book.GetRows("results")
	book.Close()
	if err != nil || len(rows) != 2 || rows[1][0] != "Hôpital Nord" || rows[1][1] != ids[orgs[0]] {
		t.Errorf("xlsx: %v %q", err, rows)
	}

	// JSON Lines to standard output, every line an object; --organisation keeps one.
	for _, c := range []struct {
		args []string
		want []string
	}{
		{nil, []string{ids[orgs[1]], ids[orgs[0]]}}, // by organisation name: "=Clinique" first
		{[]string{"--organisation", orgs[1]}, []string{ids[orgs[1]]}},
	} {
		var stdout bytes.Buffer
		if err := run(ctx, append([]string{"export", "--all", "--format", "jsonl", "--out", "-"}, c.args...), env, nil, &stdout, io.Discard); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
		if len(lines) != len(c.want) {
			t.Fatalf("%v: %d lines, want %d:\n%s", c.args, len(lines), len(c.want), stdout.String())
		}
		for i, l := range lines {
			var x struct {
				AssessmentID string `json:"assessment_id"`
				Overall      struct {
					Score *float64 `json:"score"`
				} `json:"overall"`
			}
			if err := json.Unmarshal([]byte(l), &x); err != nil || x.AssessmentID != c.want[i] || x.Overall.Score == nil {
				t.Errorf("%v: line %d %s: %v", c.args, i, l, err)
			}
		}
	}

	// Mistakes: a usage error, or a clear message, and no file.
	bad := filepath.Join(dir, "bad")
	for _, args := range [][]string{
		{"--all", "--format", "pdf"}, {"--all", "--format", "jsonl", "--lang", "en"}, {"--all", "--format", "csv", "--sep", ";"},
		{"--all", "--assessment", ids[orgs[0]], "--format", "csv"}, {"--assessment", ids[orgs[0]], "--organisation", orgs[0], "--format", "csv"},
		{"--format", "csv"},
	} {
		if err := run(ctx, append([]string{"export", "--out", bad}, args...), env, nil, io.Discard, io.Discard); !errors.Is(err, errUsage) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
	for _, org := range []string{"00000000-0000-0000-0000-000000000000", "not-a-uuid", ""} {
		err := run(ctx, []string{"export", "--all", "--organisation", org, "--format", "csv", "--out", bad}, env, nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "no organisation") {
			t.Errorf("organisation %q: %v", org, err)
		}
	}
	if _, err := os.Stat(bad); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed export left a file: %v", err)
	}

	// Audited: the filtered one in the organisation's log.
	log, err := st.AuditLog(ctx, orgs[1], 50)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range log {
		if e.Action == "cli.export" && e.Details["all"] == true && e.Details["format"] == "jsonl" && e.Details["assessments"] == 1.0 {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d filtered exports audited in the organisation's log, want 1", n)
	}
}
