package postgres_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"aigrid/internal/assessment"
	"aigrid/internal/pgtest"
	"aigrid/internal/postgres"
	"aigrid/internal/questionnaire"
)

// holdFirstBatch is a tracer that holds the first batch's statement until the other saves are
// queued, so that they make one batch together.
type holdFirstBatch struct {
	st      atomic.Pointer[postgres.Store]
	waiting int
	seen    atomic.Int32
}

func (h *holdFirstBatch) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if strings.HasPrefix(strings.Join(strings.Fields(d.SQL), " "), "WITH b AS ( SELECT * FROM jsonb_to_recordset") && h.seen.Add(1) == 1 {
		for deadline := time.Now().Add(10 * time.Second); h.st.Load().PendingSaves() < h.waiting && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
	}
	return ctx
}
func (h *holdFirstBatch) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// Concurrent one-statement saves are written together (group commit), each exactly as if alone:
// a save of an assessment that moved, or a second save from the same revision, writes nothing
// and says so; every save acknowledged is stored with its history.
func TestSavesOfConcurrentRequestsBatched(t *testing.T) {
	ctx := context.Background()
	const n = 40 // assessments, each saved twice at once from the same revision
	tr := &holdFirstBatch{waiting: 2*n - 1}
	cfg, err := pgxpool.ParseConfig(pgtest.NewURL(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.Tracer = tr
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	st := postgres.NewStore(pool)
	tr.st.Store(st)
	u, err := st.CreateUser(ctx, "eddie@example.org", "Eddie", "x", false)
	if err != nil {
		t.Fatal(err)
	}
	org, err := st.CreateOrganisation(ctx, u.ID, "Clinique")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	var revs []int64
	for range n {
		a, err := st.CreateAssessment(ctx, org.ID, u.ID, assessment.Assessment{SystemName: "Chatbot", ContentVersion: "1", Profile: questionnaire.Profile{}})
		if err != nil {
			t.Fatal(err)
		}
		ids, revs = append(ids, a.ID), append(revs, a.Revision)
	}
	// the last assessment moved since its saves started: both write nothing
	moved := ids[n-1]
	if _, err := st.SaveAnswers(ctx, org.ID, moved, u.ID, []postgres.Edit{{Answer: assessment.Answer{QuestionID: "q9", Values: []string{"partly"}}}}); err != nil {
		t.Fatal(err)
	}
	type outcome struct {
		res postgres.SaveResult
		ok  bool
		err error
	}
	out := make([][2]outcome, n)
	var wg sync.WaitGroup
	for i := range n {
		for k := range 2 {
			wg.Go(func() {
				value := []string{"partly", "in_place"}[k]
				edits := []assessment.Answer{{QuestionID: "q1", Values: []string{value}, Comment: "by save " + value}, {QuestionID: "q2", Values: []string{value}}}
				res, ok, err := st.SaveIfAt(ctx, org.ID, ids[i], u.ID, revs[i], edits, map[string]assessment.Answer{})
				out[i][k] = outcome{res, ok, err}
			})
		}
	}
	wg.Wait()
	if got := tr.seen.Load(); got < 2 || got > 4 {
		t.Errorf("%d statements for %d saves: want the saves batched (one save per assessment and batch)", got, 2*n)
	}
	for i, id := range ids {
		var winner *outcome
		for k := range 2 {
			o := &out[i][k]
			if o.err != nil {
				t.Fatalf("assessment %d, save %d: %v", i, k, o.err)
			}
			if o.ok {
				if winner != nil {
					t.Fatalf("assessment %d: both saves from revision %d were written", i, revs[i])
				}
				winner = o
			}
		}
		answers, err := st.Answers(ctx, org.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		hist, err := st.History(ctx, org.ID, id, "")
		if err != nil {
			t.Fatal(err)
		}
		if id == moved {
			if winner != nil || len(answers) != 1 || len(hist) != 1 {
				t.Fatalf("the assessment that moved: written %v, %d answers, %d changes", winner != nil, len(answers), len(hist))
			}
			continue
		}
		if winner == nil {
			t.Fatalf("assessment %d: neither save was written", i)
		}
		value := answers["q1"].Values[0]
		if winner.res.Revision != revs[i]+1 || winner.res.Prior != revs[i] || winner.res.Revisions["q1"] != 1 || winner.res.Revisions["q2"] != 1 ||
			answers["q1"].Comment != "by save "+value || answers["q2"].Values[0] != value || len(hist) != 2 {
			t.Fatalf("assessment %d: result %+v, answers %+v, %d changes", i, winner.res, answers, len(hist))
		}
	}
}
