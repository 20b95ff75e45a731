package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"aigrid/internal/assessment"
)

// Group commit of the one-statement saves (SaveIfAt). Each save is small (a step's few answers),
// so most of what it costs the database is the statement and its commit, not the rows: the
// saves that arrive while one batch runs are written together by the next, in one statement and
// one commit. A save is answered only once its batch has committed, so an acknowledged save is
// stored as surely as one written alone. A batch holds at most one save per assessment (the
// others wait for the next batch), and one batch runs at a time, so batches never wait on each
// other's locks. When a batch fails, each of its saves is answered "not saved", and its caller
// saves in a transaction of its own (SaveStep), where a failure belongs to that save only.

// maxSaveBatch bounds a batch: a step's answers times this stays a modest statement.
const maxSaveBatch = 64

// batchTimeout bounds a batch's statement: a save waits no longer than a request may last.
const batchTimeout = 30 * time.Second

// fastSave is one SaveIfAt waiting for its batch.
type fastSave struct {
	orgID, id, userID string
	known             int64
	rows              []fastRow
	done              chan fastDone // buffered: the batch never waits for its caller
}

// fastRow is one answer of a save, as the statement reads it (JSON).
type fastRow struct {
	AssessmentID  string                `json:"assessment_id"`
	QuestionID    string                `json:"question_id"`
	Value         []string              `json:"value"`
	Comment       string                `json:"comment"`
	Justification string                `json:"justification"`
	Evidence      []assessment.Evidence `json:"evidence"`
	Old           *assessment.Answer    `json:"old"`
	New           assessment.Answer     `json:"new"`
}

type fastDone struct {
	res SaveResult
	ok  bool
	err error
}

// saveBatcher queues the saves and runs their batches, one at a time, on a goroutine that lives
// while there are saves waiting.
type saveBatcher struct {
	mu      sync.Mutex
	pending []*fastSave
	running bool
}

// save queues f and waits for its batch.
func (s *Store) saveBatched(ctx context.Context, f *fastSave) (SaveResult, bool, error) {
	b := &s.saves
	b.mu.Lock()
	b.pending = append(b.pending, f)
	if !b.running {
		b.running = true
		go s.runSaves()
	}
	b.mu.Unlock()
	select {
	case d := <-f.done:
		return d.res, d.ok, d.err
	case <-ctx.Done():
		// the batch may still write it: like a statement cancelled too late, the caller cannot
		// tell, and reports no success
		return SaveResult{}, false, ctx.Err()
	}
}

// runSaves runs batches until no save waits.
func (s *Store) runSaves() {
	b := &s.saves
	for {
		b.mu.Lock()
		var batch, rest []*fastSave
		in := map[string]bool{}
		for _, f := range b.pending {
			if len(batch) < maxSaveBatch && !in[f.id] {
				in[f.id] = true
				batch = append(batch, f)
			} else {
				rest = append(rest, f)
			}
		}
		b.pending = rest
		if len(batch) == 0 {
			b.running = false
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()
		s.writeBatch(batch)
	}
}

// writeBatch writes the saves of batch in one statement, and answers each. It runs on the
// batches' goroutine, where a panic would stop the whole server: one is turned into the batch's
// failure (each save then goes through its own transaction).
func (s *Store) writeBatch(batch []*fastSave) {
	answered := 0
	defer func() {
		if p := recover(); p != nil {
			for _, f := range batch[answered:] {
				f.done <- fastDone{err: fmt.Errorf("postgres: save batch: %v", p)}
			}
		}
	}()
	type saveArg struct {
		AssessmentID string `json:"assessment_id"`
		OrgID        string `json:"organisation_id"`
		UserID       string `json:"user_id"`
		Known        int64  `json:"known"`
	}
	saves := make([]saveArg, len(batch))
	var rows []fastRow
	for i, f := range batch {
		saves[i] = saveArg{f.id, f.orgID, f.userID, f.known}
		rows = append(rows, f.rows...)
	}
	results := make(map[string]*SaveResult, len(batch))
	err := func() error {
		sj, err := json.Marshal(saves)
		if err != nil {
			return err
		}
		rj, err := json.Marshal(rows)
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
		defer cancel()
		// Each assessment moves to its next revision only if it is still at the one its save
		// started from, is its organisation's, and editable; only then are its answers and
		// their history written, by its user.
		qrows, err := s.db.Query(ctx, `WITH b AS (
				SELECT * FROM jsonb_to_recordset($1::jsonb) AS b(assessment_id uuid, organisation_id uuid, user_id uuid, known bigint)
			), a AS (
				UPDATE assessments x SET updated_at = now(), updated_by = b.user_id, revision = revision + 1
				FROM b WHERE x.id = b.assessment_id AND x.organisation_id = b.organisation_id AND x.revision = b.known
					AND x.archived_at IS NULL AND x.status IN ('draft', 'returned')
				RETURNING x.id, x.revision, b.user_id
			), e AS (
				SELECT e.*, a.user_id FROM jsonb_to_recordset($2::jsonb)
					AS e(assessment_id uuid, question_id text, value text[], comment text, justification text, evidence jsonb, old jsonb, new jsonb)
				JOIN a ON a.id = e.assessment_id
			), up AS (
				INSERT INTO answers (assessment_id, question_id, value, comment, justification, evidence, revision, updated_by)
				SELECT assessment_id, question_id, value, comment, justification, evidence, 1, user_id FROM e
				ON CONFLICT (assessment_id, question_id) DO UPDATE SET value = excluded.value, comment = excluded.comment,
					justification = excluded.justification, evidence = excluded.evidence, revision = answers.revision + 1,
					updated_by = excluded.updated_by, updated_at = now()
				RETURNING assessment_id, question_id, revision
			), h AS (
				INSERT INTO answer_history (assessment_id, question_id, old_answer, new_answer, changed_by)
				SELECT assessment_id, question_id, nullif(old, 'null'), new, user_id FROM e
			)
			SELECT a.id::text, a.revision, up.question_id, up.revision FROM a JOIN up ON up.assessment_id = a.id`, sj, rj)
		if err != nil {
			return err
		}
		defer qrows.Close()
		for qrows.Next() {
			var id, q string
			var rev int64
			var qrev int
			if err := qrows.Scan(&id, &rev, &q, &qrev); err != nil {
				return err
			}
			r := results[id]
			if r == nil {
				r = &SaveResult{Revisions: map[string]int{}, Revision: rev}
				results[id] = r
			}
			r.Revisions[q] = qrev
		}
		return qrows.Err()
	}()
	for i, f := range batch {
		switch r := results[f.id]; {
		case err != nil:
			f.done <- fastDone{err: wrap("save answers", err)}
		case r == nil:
			f.done <- fastDone{} // moved, not editable, or not the organisation's: nothing written
		default:
			r.Prior = f.known
			f.done <- fastDone{res: *r, ok: true}
		}
		answered = i + 1
	}
}
