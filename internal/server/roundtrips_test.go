package server

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"aigrid/internal/pgtest"
	"aigrid/internal/postgres"
)

// countingTracer counts the round trips to the database: each query, each batch.
type countingTracer struct {
	mu      sync.Mutex
	on      bool
	sql     []string
	batched []string // the statements inside the batches
}

func (c *countingTracer) add(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.on {
		c.sql = append(c.sql, strings.Join(strings.Fields(s), " "))
	}
}

func (c *countingTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if !inBatch(ctx) {
		c.add(d.SQL)
	}
	return ctx
}
func (c *countingTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (c *countingTracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchStartData) context.Context {
	c.add("batch of " + strings.Repeat("I", d.Batch.Len()))
	return context.WithValue(ctx, batchKey{}, true)
}
func (c *countingTracer) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.on {
		c.batched = append(c.batched, strings.Join(strings.Fields(d.SQL), " "))
	}
}
func (c *countingTracer) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

type batchKey struct{}

func inBatch(ctx context.Context) bool { b, _ := ctx.Value(batchKey{}).(bool); return b }

// count runs fn and returns the statements (or batches) it sent to the database.
func (c *countingTracer) count(fn func()) []string {
	c.mu.Lock()
	c.on, c.sql, c.batched = true, nil, nil
	c.mu.Unlock()
	fn()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.on = false
	return c.sql
}

// Round trips per request, counted (not timed): a step page reads the session, user and membership,
// the assessment and the user's position in one batch, and writes nothing when the user looks
// again at the step they are at; a save is the session's query and one statement, however many
// answers it changes.
func TestRoundTrips(t *testing.T) {
	tr := &countingTracer{}
	cfg, err := pgxpool.ParseConfig(pgtest.NewURL(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.Tracer = tr
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	tm := newTeamOn(newAppOn(t, pool))
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	step := tm.path("/a/" + id + "/s/1.1")

	var body string
	sql := tr.count(func() { _, body = tm.editor.get(step) }) // first visit: the position is written
	if !strings.Contains(body, `data-testid="question-q1.1.3"`) || !containsSQL(sql, "INSERT INTO assessment_positions") {
		t.Fatalf("first visit: %q", sql)
	}
	pos := func() (sec string, xmin uint32) {
		err := pool.QueryRow(context.Background(), `SELECT section_id, xmin::text::bigint FROM assessment_positions WHERE assessment_id = $1`, id).Scan(&sec, &xmin)
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	_, before := pos()
	sql = tr.count(func() { tm.editor.get(step) })
	if len(sql) != 1 || sql[0] != "batch of II" || !strings.HasPrefix(tr.batched[0], "SELECT coalesce(s.user_id::text") {
		t.Errorf("step page again: %d round trips, want 1 (session+user+membership; assessment and position):\n%s", len(sql), strings.Join(sql, "\n"))
	}
	// no answer is read: the answers, which questions apply and the progress are the state of
	// the assessment's revision, which this instance knows (derived.go)
	for _, q := range tr.batched {
		if strings.Contains(q, "FROM answers") {
			t.Errorf("the step page reads the answers again: %s", q)
		}
	}
	if sec, after := pos(); sec != "1.1" || after != before {
		t.Errorf("looking at the same step rewrote the position (%s, xmin %d → %d)", sec, before, after)
	}
	// moving to another step is remembered (the overview's "continue" leads there)
	tm.editor.get(tm.path("/a/" + id + "/s/2.1"))
	if sec, _ := pos(); sec != "2.1" {
		t.Errorf("position after visiting 2.1: %s", sec)
	}

	sql = tr.count(func() { tm.editor.get(tm.path("/a/" + id + "/results")) })
	if len(sql) != 1 || sql[0] != "batch of III" {
		t.Errorf("results page: %d round trips, want 1 (session+user+membership; assessment and approved report; actions):\n%s", len(sql), strings.Join(sql, "\n"))
	}
	sql = tr.count(func() { tm.editor.get(tm.path("/a/" + id + "/")) })
	if len(sql) != 1 || sql[0] != "batch of III" {
		t.Errorf("task list: %d round trips, want 1 (session+user+membership; assessment and position; events):\n%s", len(sql), strings.Join(sql, "\n"))
	}
	for _, q := range append(sql, tr.batched...) {
		if strings.Contains(q, "FROM answers") {
			t.Errorf("the results page of a revision already scored reads the answers again: %s", q)
		}
	}

	// a save of two answers: the same number of round trips as a save of one
	for _, form := range []url.Values{
		{"a.q1.1.3": {"partly"}},
		{"r.q1.1.3": {"1"}, "a.q1.1.3": {"in_place"}, "a.q1.1.4": {"in_place"}},
	} {
		form.Set("action", "save")
		if form.Get("r.q1.1.3") == "" {
			form.Set("r.q1.1.3", "0")
		}
		for k := range form {
			if strings.HasPrefix(k, "a.") && form.Get("r."+k[2:]) == "" {
				form.Set("r."+k[2:], "0")
			}
		}
		sql = tr.count(func() {
			resp, _ := tm.editor.post(step, form)
			wantRedirect(t, resp, tm.path("/a/"+id+"/s/1.1"))
		})
		// session+user+membership; one statement writing the answers, their history and the
		// assessment's revision if it is still the one this instance knows (it showed the page).
		// No session write: the "saved" notice travels in a cookie.
		if len(sql) != 2 || !strings.HasPrefix(sql[0], "SELECT coalesce(s.user_id::text") || !strings.HasPrefix(sql[1], "WITH b AS ( SELECT * FROM jsonb_to_recordset") {
			t.Errorf("save of %d answers: %d round trips, want 2:\n%s", len(form)/2, len(sql), strings.Join(sql, "\n"))
		}
	}
	// When the assessment moved since (a colleague saved through another instance), that
	// statement writes nothing and the save is checked again in a transaction: BEGIN, the lock
	// and the step's answers; the writes and COMMIT.
	if _, err := pool.Exec(context.Background(), `UPDATE assessments SET revision = revision + 1 WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	sql = tr.count(func() {
		resp, _ := tm.editor.post(step, url.Values{"action": {"save"}, "r.q1.1.3": {"2"}, "a.q1.1.3": {"partly"}})
		wantRedirect(t, resp, tm.path("/a/"+id+"/s/1.1"))
	})
	// (and the state of the new revision, which this instance does not know, read on the
	// transaction's connection)
	if len(sql) != 5 || !strings.HasPrefix(sql[1], "WITH b AS ( SELECT * FROM jsonb_to_recordset") || sql[2] != "batch of III" ||
		sql[3] != "batch of II" || !strings.HasPrefix(sql[4], "batch of IIII") {
		t.Errorf("save after a change elsewhere: %d round trips, want 5:\n%s", len(sql), strings.Join(sql, "\n"))
	}
	ans, err := postgres.NewStore(pool).Answers(context.Background(), tm.org.ID, id)
	if err != nil || ans["q1.1.3"].Revision != 3 || ans["q1.1.3"].Values[0] != "partly" || ans["q1.1.4"].Values[0] != "in_place" {
		t.Fatalf("answers after the saves: %+v %v", ans, err)
	}
	hist, err := postgres.NewStore(pool).History(context.Background(), tm.org.ID, id, "")
	if err != nil || len(hist) != 4 {
		t.Fatalf("history: %d changes (want 4), %v", len(hist), err)
	}
	for _, c := range hist { // the one-statement save writes the history as the transaction does
		if c.New.Values == nil || (c.Old != nil && c.Old.Values == nil) {
			t.Errorf("history entry %+v: values missing", c)
		}
	}
}

func containsSQL(sql []string, prefix string) bool {
	for _, s := range sql {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}
