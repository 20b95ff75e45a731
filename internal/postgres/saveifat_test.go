package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"aigrid/internal/assessment"
	"aigrid/internal/pgtest"
	"aigrid/internal/postgres"
	"aigrid/internal/questionnaire"
)

// SaveIfAt writes what SaveStep writes (answers, revisions, history, the assessment's revision),
// and nothing at all when the assessment is not at the revision given, not editable, or another
// organisation's.
func TestSaveIfAtWritesWhatSaveStepWrites(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	st := postgres.NewStore(pool)
	u, err := st.CreateUser(ctx, "eddie@example.org", "Eddie", "x", false)
	if err != nil {
		t.Fatal(err)
	}
	org, err := st.CreateOrganisation(ctx, u.ID, "Clinique")
	if err != nil {
		t.Fatal(err)
	}
	other, err := st.CreateOrganisation(ctx, u.ID, "Other")
	if err != nil {
		t.Fatal(err)
	}
	newAssessment := func() assessment.Assessment {
		a, err := st.CreateAssessment(ctx, org.ID, u.ID, assessment.Assessment{SystemName: "Chatbot", ContentVersion: "1", Profile: questionnaire.Profile{}})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	first := []assessment.Answer{{QuestionID: "q1", Values: []string{"partly"}, Comment: "note"}, {QuestionID: "q2", Values: nil}}
	second := []assessment.Answer{{QuestionID: "q1", Values: []string{"in_place"}, Evidence: []assessment.Evidence{{Title: "Policy", Link: "https://example.org/p"}}}}

	viaStep, viaFast := newAssessment(), newAssessment()
	edits := func(as []assessment.Answer, revs map[string]int) []postgres.Edit {
		out := make([]postgres.Edit, len(as))
		for i, a := range as {
			out[i] = postgres.Edit{Answer: a, Revision: revs[a.QuestionID]}
		}
		return out
	}
	res, err := st.SaveAnswers(ctx, org.ID, viaStep.ID, u.ID, edits(first, nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveAnswers(ctx, org.ID, viaStep.ID, u.ID, edits(second, res.Revisions)); err != nil {
		t.Fatal(err)
	}

	// the fast path: refused at a wrong revision, for another organisation, for an assessment
	// that is not editable; then the same two saves
	if _, ok, err := st.SaveIfAt(ctx, org.ID, viaFast.ID, u.ID, viaFast.Revision+1, first, nil); ok || err != nil {
		t.Fatalf("written at a revision the assessment is not at: %v %v", ok, err)
	}
	if _, ok, err := st.SaveIfAt(ctx, other.ID, viaFast.ID, u.ID, viaFast.Revision, first, nil); ok || err != nil {
		t.Fatalf("written through another organisation: %v %v", ok, err)
	}
	if _, err := pool.Exec(ctx, `UPDATE assessments SET status = 'in_review' WHERE id = $1`, viaFast.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := st.SaveIfAt(ctx, org.ID, viaFast.ID, u.ID, viaFast.Revision, first, nil); ok || err != nil {
		t.Fatalf("written to an assessment in review: %v %v", ok, err)
	}
	if _, err := pool.Exec(ctx, `UPDATE assessments SET status = 'draft' WHERE id = $1`, viaFast.ID); err != nil {
		t.Fatal(err)
	}
	if n := count(t, pool, `SELECT count(*) FROM answers WHERE assessment_id = $1`, viaFast.ID) +
		count(t, pool, `SELECT count(*) FROM answer_history WHERE assessment_id = $1`, viaFast.ID); n != 0 {
		t.Fatalf("refused saves wrote %d rows", n)
	}
	r1, ok, err := st.SaveIfAt(ctx, org.ID, viaFast.ID, u.ID, viaFast.Revision, first, nil)
	if err != nil || !ok || r1.Revision != viaFast.Revision+1 || r1.Revisions["q1"] != 1 {
		t.Fatalf("first save: %+v %v %v", r1, ok, err)
	}
	olds, err := st.Answers(ctx, org.ID, viaFast.ID)
	if err != nil {
		t.Fatal(err)
	}
	r2, ok, err := st.SaveIfAt(ctx, org.ID, viaFast.ID, u.ID, r1.Revision, second, olds)
	if err != nil || !ok || r2.Revision != r1.Revision+1 || r2.Revisions["q1"] != 2 {
		t.Fatalf("second save: %+v %v %v", r2, ok, err)
	}

	for _, q := range []string{
		`SELECT question_id, value, comment, justification, evidence, revision, updated_by FROM answers WHERE assessment_id = $1 ORDER BY question_id`,
		`SELECT question_id, old_answer, new_answer, changed_by FROM answer_history WHERE assessment_id = $1 ORDER BY id`,
		`SELECT revision FROM assessments WHERE id = $1`,
	} {
		if a, b := dump(t, pool, q, viaStep.ID), dump(t, pool, q, viaFast.ID); a != b {
			t.Errorf("%s\nSaveStep:  %s\nSaveIfAt: %s", q, a, b)
		}
	}
}

func count(t *testing.T, pool *pgxpool.Pool, q string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// dump is the rows of q as text, one line each.
func dump(t *testing.T, pool *pgxpool.Pool, q string, args ...any) string {
	t.Helper()
	rows, err := pool.Query(context.Background(), q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%v\n", vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
