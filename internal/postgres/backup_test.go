package postgres_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"aigrid/internal/assessment"
	"aigrid/internal/localpg"
	"aigrid/internal/pgtest"
	"aigrid/internal/postgres"
	"aigrid/internal/questionnaire"
)

// The backup procedure of docs/operations.md: pg_dump --format=custom, then pg_restore --no-owner
// into an empty database, gives back every answer and its history, and aigrid starts on it
// (Prepare: migrations already applied, settings kept).
func TestBackupRestore(t *testing.T) {
	bin, err := localpg.FindBinDir()
	if err != nil {
		t.Skip("no PostgreSQL binaries:", err)
	}
	ctx := context.Background()
	srcURL := pgtest.NewURL(t)
	src, err := postgres.Open(ctx, srcURL)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	st := postgres.NewStore(src)
	if err := postgres.Prepare(ctx, src, postgres.Defaults{SignupOpen: false}); err != nil {
		t.Fatal(err)
	}
	u, _ := st.CreateUser(ctx, "dpo@example.org", "DPO", "x", false)
	org, _ := st.CreateOrganisation(ctx, u.ID, "Clinique")
	a, err := st.CreateAssessment(ctx, org.ID, u.ID, assessment.Assessment{SystemName: "Triage", ContentVersion: "1", Profile: questionnaire.Profile{}})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range []string{"partly", "in_place"} {
		if _, err := st.SaveAnswers(ctx, org.ID, a.ID, u.ID, []postgres.Edit{{Answer: assessment.Answer{QuestionID: "q1", Values: []string{v}, Comment: "élément de preuve"}, Revision: i}}); err != nil {
			t.Fatal(err)
		}
	}

	dump := filepath.Join(t.TempDir(), "aigrid.dump")
	if out, err := exec.Command(filepath.Join(bin, "pg_dump"), "--format=custom", "--file="+dump, srcURL).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	if fi, err := os.Stat(dump); err != nil || fi.Size() == 0 {
		t.Fatalf("dump: %v", err)
	}
	dstURL := pgtest.NewEmptyURL(t)
	if out, err := exec.Command(filepath.Join(bin, "pg_restore"), "--no-owner", "--exit-on-error", "--dbname="+dstURL, dump).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}

	dst, err := postgres.Open(ctx, dstURL)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if err := postgres.Prepare(ctx, dst, postgres.Defaults{SignupOpen: true}); err != nil {
		t.Fatalf("aigrid does not start on the restored database: %v", err)
	}
	rst := postgres.NewStore(dst)
	ans, err := rst.Answers(ctx, org.ID, a.ID)
	if err != nil || ans["q1"].Revision != 2 || ans["q1"].Values[0] != "in_place" || ans["q1"].Comment != "élément de preuve" {
		t.Fatalf("restored answer: %+v %v", ans["q1"], err)
	}
	hist, err := rst.History(ctx, org.ID, a.ID, "")
	if err != nil || len(hist) != 2 {
		t.Fatalf("restored history: %d changes, %v", len(hist), err)
	}
	if open, err := rst.SignupOpen(ctx); err != nil || open {
		t.Fatalf("the sign-up setting was not restored (open %v, %v)", open, err)
	}
	if _, _, err := rst.UserByEmail(ctx, "dpo@example.org"); err != nil {
		t.Fatal("restored users:", err)
	}
}
