package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"aigrid/internal/account"
	"aigrid/internal/assessment"
	"aigrid/internal/questionnaire"
)

const assessmentCols = `a.id, a.organisation_id, a.system_name, a.description, a.content_version, a.profile,
	a.status, a.version, coalesce(a.predecessor_id::text, ''), a.archived_at, a.created_at, a.updated_at, coalesce(u.name, ''), a.revision`

const assessmentFrom = ` FROM assessments a LEFT JOIN users u ON u.id = a.updated_by `

// assessmentDest is where a row of assessmentCols is scanned, after the fields in before.
func assessmentDest(a *assessment.Assessment, before ...any) []any {
	return append(before, &a.ID, &a.OrganisationID, &a.SystemName, &a.Description, &a.ContentVersion, &a.Profile,
		&a.Status, &a.Version, &a.PredecessorID, &a.ArchivedAt, &a.CreatedAt, &a.UpdatedAt, &a.UpdatedByName, &a.Revision)
}

// scanAssessment scans a row of assessmentCols, then the columns after them into extra.
func scanAssessment(row pgx.Row, extra ...any) (assessment.Assessment, error) {
	var a assessment.Assessment
	err := row.Scan(append(assessmentDest(&a), extra...)...)
	if a.Profile == nil {
		a.Profile = questionnaire.Profile{}
	}
	return a, err
}

func (s *Store) event(ctx context.Context, tx pgx.Tx, id, userID, kind string, from, to assessment.Status, comment string) error {
	_, err := tx.Exec(ctx, `INSERT INTO assessment_events (assessment_id, kind, from_status, to_status, comment, actor_id)
		VALUES ($1, $2, $3, $4, $5, nullif($6, '')::uuid)`, id, kind, from, to, comment, userID)
	return err
}

// CreateAssessment creates a draft assessment in orgID.
func (s *Store) CreateAssessment(ctx context.Context, orgID, userID string, a assessment.Assessment) (assessment.Assessment, error) {
	var out assessment.Assessment
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var id string
		err := tx.QueryRow(ctx, `INSERT INTO assessments (organisation_id, system_name, description, content_version, profile, created_by, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, orgID, a.SystemName, a.Description, a.ContentVersion, a.Profile, userID).Scan(&id)
		if err != nil {
			return err
		}
		if err := s.event(ctx, tx, id, userID, "created", "", assessment.Draft, ""); err != nil {
			return err
		}
		out, err = scanAssessment(tx.QueryRow(ctx, `SELECT `+assessmentCols+assessmentFrom+` WHERE a.id = $1`, id))
		return err
	})
	return out, wrap("create assessment", err)
}

// Assessment returns an assessment of orgID: ErrNotFound for another organisation's.
func (s *Store) Assessment(ctx context.Context, orgID, id string) (assessment.Assessment, error) {
	a, err := scanAssessment(s.db.QueryRow(ctx, `SELECT `+assessmentCols+assessmentFrom+` WHERE a.id = $1 AND a.organisation_id = $2`, id, orgID))
	return a, wrap("assessment", err)
}

// AssessmentOrganisation returns the organisation an assessment belongs to. It crosses tenants:
// only the command line uses it, run by whoever holds the database's credentials.
func (s *Store) AssessmentOrganisation(ctx context.Context, id string) (string, error) {
	var orgID string
	err := s.db.QueryRow(ctx, `SELECT organisation_id::text FROM assessments WHERE id::text = $1`, id).Scan(&orgID)
	return orgID, wrap("assessment organisation", err)
}

// AssessmentFilter narrows the list of assessments.
type AssessmentFilter struct {
	Query    string            // words in the system name or description
	Status   assessment.Status // empty: any
	Archived bool              // archived ones instead of active ones
}

// Assessments lists orgID's assessments, most recently changed first.
func (s *Store) Assessments(ctx context.Context, orgID string, f AssessmentFilter) ([]assessment.Assessment, error) {
	like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.TrimSpace(f.Query)) + "%"
	rows, err := s.db.Query(ctx, `SELECT `+assessmentCols+assessmentFrom+`
		WHERE a.organisation_id = $1 AND (a.archived_at IS NOT NULL) = $2
		  AND ($3 = '' OR a.status = $3)
		  AND (a.system_name ILIKE $4 OR a.description ILIKE $4)
		ORDER BY a.updated_at DESC, a.id LIMIT 500`, orgID, f.Archived, f.Status, like)
	if err != nil {
		return nil, wrap("assessments", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (assessment.Assessment, error) { return scanAssessment(r) })
	return list, wrap("assessments", err)
}

func scanAnswers(rows pgx.Rows) (map[string]map[string]assessment.Answer, error) {
	// A state of an assessment (read when an instance does not know its revision), an export or
	// a list reads every answer of its assessments through this loop, so it avoids what it can of
	// the per-row allocations: the assessment ID is read as 16 bytes and turned into a string only
	// when it changes, the names of the people who answered are shared, and empty evidence ('[]',
	// the default) is not decoded.
	out := map[string]map[string]assessment.Answer{}
	defer rows.Close()
	var (
		uuid, lastUUID pgtype.UUID
		cur            map[string]assessment.Answer
		evidence       []byte
		name           []byte
	)
	names := map[string]string{}
	for rows.Next() {
		var a assessment.Answer
		if err := rows.Scan(&uuid, &a.QuestionID, &a.Values, &a.Comment, &a.Justification, &evidence, &a.Revision, &name, &a.UpdatedAt); err != nil {
			return nil, err
		}
		if len(evidence) > 0 && string(evidence) != "[]" && string(evidence) != "null" {
			if err := json.Unmarshal(evidence, &a.Evidence); err != nil {
				return nil, err
			}
		}
		if n, ok := names[string(name)]; ok {
			a.UpdatedByName = n
		} else {
			a.UpdatedByName = string(name)
			names[a.UpdatedByName] = a.UpdatedByName
		}
		if cur == nil || uuid != lastUUID {
			id := uuidString(uuid.Bytes)
			if cur = out[id]; cur == nil {
				cur = make(map[string]assessment.Answer, 64)
				out[id] = cur
			}
			lastUUID = uuid
		}
		cur[a.QuestionID] = a
	}
	return out, rows.Err()
}

// uuidString formats a UUID as PostgreSQL does (lower-case hex, hyphenated).
func uuidString(b [16]byte) string {
	const hex = "0123456789abcdef"
	var buf [36]byte
	j := 0
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			buf[j] = '-'
			j++
		}
		buf[j], buf[j+1] = hex[c>>4], hex[c&0xf]
		j += 2
	}
	return string(buf[:])
}

const answerCols = `x.assessment_id, x.question_id, x.value, x.comment, x.justification, x.evidence, x.revision, coalesce(u.name, ''), x.updated_at`

// answersOfOne reads every answer (answerCols) of assessment $1 of organisation $2.
const answersOfOne = `SELECT ` + answerCols + ` FROM answers x JOIN assessments a ON a.id = x.assessment_id
	LEFT JOIN users u ON u.id = x.updated_by WHERE x.assessment_id = $1 AND a.organisation_id = $2`

// scanAnswersOf scans the answers of assessment id, by question ID (an empty map when it has none).
func scanAnswersOf(rows pgx.Rows, id string) (map[string]assessment.Answer, error) {
	all, err := scanAnswers(rows)
	answers := all[id]
	if answers == nil {
		answers = map[string]assessment.Answer{}
	}
	return answers, err
}

// Answers returns the answers of one of orgID's assessments, by question ID (hidden questions'
// answers included: they are kept).
func (s *Store) Answers(ctx context.Context, orgID, id string) (map[string]assessment.Answer, error) {
	rows, err := s.db.Query(ctx, answersOfOne, id, orgID)
	if err != nil {
		return nil, wrap("answers", err)
	}
	answers, err := scanAnswersOf(rows, id)
	if err != nil {
		return nil, wrap("answers", err)
	}
	return answers, nil
}

// AssessmentView is an assessment with its answers and what else a page asked for.
type AssessmentView struct {
	Assessment     assessment.Assessment
	Answers        map[string]assessment.Answer // Reads.Answers
	Position       string                       // Reads.Position: the step the reader last visited ("" if none)
	Actions        []assessment.Action          // Reads.Actions: the action plan
	ApprovedReport []byte                       // Reads.ApprovedReport: the report frozen at approval (JSON), nil if never approved
	Events         []assessment.Event           // Reads.Events: the workflow and life events, newest first
}

// Reads is what a page reads with an assessment's row, in the same round trip.
type Reads struct {
	Answers        bool // every answer (hidden questions' included: they are kept)
	Position       bool // where the reader left off
	Actions        bool // the action plan
	ApprovedReport bool // the report frozen at approval
	Events         bool // the workflow and life events
}

// reader is who reads an assessment: a user whose membership was checked already, or the
// holder of a session not checked yet, when the reads travel with the session's own query
// (LoadSession). Each statement then returns rows only if that session is live and its user is
// a member of the assessment's organisation, so nothing is read for anyone else.
type reader struct {
	userID  string
	session []byte // the session ID's hash
}

// guard is the condition added to every statement of a session's reads ($2 is the
// organisation, $3 the session's hash).
func (rd reader) guard() string {
	if rd.session == nil {
		return ""
	}
	return ` AND EXISTS (SELECT 1 FROM sessions s JOIN memberships m ON m.user_id = s.user_id
		WHERE s.id_hash = $3 AND m.organisation_id = $2 AND s.expires_at > now())`
}

// args are a statement's arguments: the assessment and the organisation, then the session's
// hash when guarded.
func (rd reader) args(id, orgID string) []any {
	if rd.session != nil {
		return []any{id, orgID, rd.session}
	}
	return []any{id, orgID}
}

// queueAssessment queues the reads of one of orgID's assessments in b: its row (found tells
// whether there was one) and what reads asks for.
//
// The position and the approved report are columns of the assessment's statement: a statement
// fewer for the database to run is what a page costs it least.
func queueAssessment(b *pgx.Batch, orgID, id string, reads Reads, rd reader, v *AssessmentView, found *bool) {
	args, guard := rd.args(id, orgID), rd.guard()
	var extra []any
	cols, rowArgs := assessmentCols, args
	if reads.Position {
		user := `(SELECT user_id FROM sessions WHERE id_hash = $3)`
		if rd.session == nil {
			user, rowArgs = `$3::uuid`, []any{id, orgID, rd.userID}
		}
		cols += `, coalesce((SELECT p.section_id FROM assessment_positions p WHERE p.assessment_id = a.id AND p.user_id = ` + user + `), '')`
		extra = append(extra, &v.Position)
	}
	if reads.ApprovedReport {
		cols += `, a.approved_report`
		extra = append(extra, &v.ApprovedReport)
	}
	b.Queue(`SELECT `+cols+assessmentFrom+` WHERE a.id = $1 AND a.organisation_id = $2`+guard, rowArgs...).
		Query(func(rows pgx.Rows) error {
			for rows.Next() {
				a, err := scanAssessment(rows, extra...)
				if err != nil {
					return err
				}
				v.Assessment, *found = a, true
			}
			return rows.Err()
		})
	if reads.Answers {
		b.Queue(answersOfOne+guard, args...).Query(func(rows pgx.Rows) error {
			var err error
			v.Answers, err = scanAnswersOf(rows, id)
			return err
		})
	}
	if reads.Actions {
		b.Queue(actionsSelect+guard+actionsOrder, args...).Query(func(rows pgx.Rows) error {
			var err error
			v.Actions, err = collectActions(rows, nil)
			return err
		})
	}
	if reads.Events {
		b.Queue(eventsSelect+guard+eventsOrder, args...).Query(func(rows pgx.Rows) error {
			var err error
			v.Events, err = collectEvents(rows, nil)
			return err
		})
	}
}

// AssessmentWith reads one of orgID's assessments and what reads asks for, in one round trip (a
// batch). userID is the reader, whose membership the caller checked (their position is read).
func (s *Store) AssessmentWith(ctx context.Context, orgID, id, userID string, reads Reads) (AssessmentView, error) {
	var v AssessmentView
	found := false
	b := &pgx.Batch{}
	queueAssessment(b, orgID, id, reads, reader{userID: userID}, &v, &found)
	err := s.db.SendBatch(ctx, b).Close()
	if err == nil && !found {
		err = ErrNotFound
	}
	return v, wrap("assessment", err)
}

// Inputs returns what progress and scores are computed from, as of one revision of one of orgID's
// assessments: the revision, the profile and every answer, read in one snapshot (a read-only
// repeatable-read transaction, one round trip), so that they always belong together.
func (s *Store) Inputs(ctx context.Context, orgID, id string) (rev int64, profile questionnaire.Profile, answers map[string]assessment.Answer, err error) {
	conn, err := s.db.Acquire(ctx)
	if err != nil {
		return 0, nil, nil, wrap("inputs", err)
	}
	defer conn.Release()
	return inputs(ctx, conn.Conn(), orgID, id, true)
}

// inputs reads the revision, profile and answers on c; in a transaction of its own when own is
// set (otherwise c is in a transaction that holds the assessment's lock: nothing can change them).
func inputs(ctx context.Context, c *pgx.Conn, orgID, id string, own bool) (rev int64, profile questionnaire.Profile, answers map[string]assessment.Answer, err error) {
	found := false
	b := &pgx.Batch{}
	if own {
		b.Queue("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
	}
	b.Queue(`SELECT revision, profile FROM assessments WHERE id = $1 AND organisation_id = $2`, id, orgID).
		Query(func(rows pgx.Rows) error {
			for rows.Next() {
				found = true
				if err := rows.Scan(&rev, &profile); err != nil {
					return err
				}
			}
			return rows.Err()
		})
	b.Queue(answersOfOne, id, orgID).Query(func(rows pgx.Rows) error {
		var err error
		answers, err = scanAnswersOf(rows, id)
		return err
	})
	if own {
		b.Queue("COMMIT")
	}
	if err = c.SendBatch(ctx, b).Close(); err != nil {
		if own {
			_, _ = c.Exec(context.WithoutCancel(ctx), "ROLLBACK")
		}
		return 0, nil, nil, wrap("inputs", err)
	}
	if !found {
		return 0, nil, nil, ErrNotFound
	}
	if profile == nil {
		profile = questionnaire.Profile{}
	}
	return rev, profile, answers, nil
}

// AnswersOf returns the answers of several of orgID's assessments at once, by assessment ID.
func (s *Store) AnswersOf(ctx context.Context, orgID string, ids []string) (map[string]map[string]assessment.Answer, error) {
	rows, err := s.db.Query(ctx, `SELECT `+answerCols+` FROM answers x JOIN assessments a ON a.id = x.assessment_id
		LEFT JOIN users u ON u.id = x.updated_by WHERE x.assessment_id = ANY($1::uuid[]) AND a.organisation_id = $2`, ids, orgID)
	if err != nil {
		return nil, wrap("answers of", err)
	}
	all, err := scanAnswers(rows)
	return all, wrap("answers of", err)
}

// Edit is an answer to save, with the revision the user started from (0 for a new answer).
type Edit struct {
	Answer   assessment.Answer
	Revision int
}

// Conflict is an answer someone else changed after the user loaded it.
type Conflict struct {
	Theirs assessment.Answer
}

// lockEditable locks an assessment of orgID for writing and checks that it can be changed.
func lockEditable(ctx context.Context, tx pgx.Tx, orgID, id string) error {
	return checkEditable(tx.QueryRow(ctx, `SELECT status, archived_at IS NOT NULL FROM assessments WHERE id = $1 AND organisation_id = $2 FOR UPDATE`, id, orgID))
}

// checkEditable reads the status and archived flag of a locked assessment and checks that it can
// be changed.
func checkEditable(row pgx.Row) error {
	var status assessment.Status
	var archived bool
	err := row.Scan(&status, &archived)
	switch {
	case err != nil:
		return err
	case archived:
		return assessment.ErrArchived
	case !status.Editable():
		return assessment.ErrReadOnly
	}
	return nil
}

// SaveResult is the outcome of SaveAnswers: either conflicts (and nothing written), or the revision
// each edited answer now has.
type SaveResult struct {
	Conflicts map[string]Conflict // by question ID
	Revisions map[string]int      // by question ID: the stored revision after the save
	// Prior and Revision are the assessment's revision before and after the save (equal when
	// nothing was written): the answers after the save are the answers as of Prior with the
	// edits applied.
	Prior, Revision int64
}

// StepSave is what SaveStep's decide sees, inside the transaction.
type StepSave struct {
	Assessment assessment.Assessment        // locked until the transaction ends; editable
	Current    map[string]assessment.Answer // the current answers to the questions asked for
	// Inputs reads the assessment's revision, profile and answer values on the transaction's own
	// connection (a second connection, taken while this one is held, could wait for ever on a
	// busy pool).
	Inputs func() (rev int64, profile questionnaire.Profile, answers map[string]assessment.Answer, err error)
}

// SaveStep saves answers of a step in one transaction of two round trips, whatever the number of
// answers: one batch opens it, locks the assessment (a concurrent transition or save waits) and
// reads the current answers to questionIDs; decide then says what to write, seeing them; one
// batch writes the changed answers, their history and the assessment's last change and revision,
// and commits. An answer that someone else changed since the user loaded it (its revision moved)
// is a conflict: then nothing is written and the conflicts are returned, so the user can choose.
// Unchanged answers are not rewritten. When decide fails, nothing is written and its error is
// returned. The result is known from the transaction itself: once it has committed, nothing is
// read again that could turn a stored save into a reported failure. A write that fails makes
// PostgreSQL skip the rest of the batch, COMMIT included: nothing is half-written.
func (s *Store) SaveStep(ctx context.Context, orgID, id, userID string, questionIDs []string, decide func(StepSave) ([]Edit, error)) (SaveResult, error) {
	conn, err := s.db.Acquire(ctx)
	if err != nil {
		return SaveResult{}, wrap("save answers", err)
	}
	// a connection left inside a transaction (ROLLBACK failed) is closed by the pool, not reused
	defer conn.Release()
	c := conn.Conn()
	rollback := func() { _, _ = c.Exec(context.WithoutCancel(ctx), "ROLLBACK") }

	var in StepSave
	found := false
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue(`SELECT `+assessmentCols+assessmentFrom+` WHERE a.id = $1 AND a.organisation_id = $2 FOR UPDATE OF a`, id, orgID).
		Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var err error
				if in.Assessment, err = scanAssessment(rows); err != nil {
					return err
				}
				found = true
			}
			return rows.Err()
		})
	b.Queue(`SELECT `+answerCols+` FROM answers x JOIN assessments a ON a.id = x.assessment_id AND a.organisation_id = $3
		LEFT JOIN users u ON u.id = x.updated_by
		WHERE x.assessment_id = $1 AND x.question_id = ANY($2)`, id, questionIDs, orgID).
		Query(func(rows pgx.Rows) error {
			var err error
			in.Current, err = scanAnswersOf(rows, id)
			return err
		})
	if err := c.SendBatch(ctx, b).Close(); err != nil {
		rollback()
		return SaveResult{}, wrap("save answers", err)
	}
	switch a := in.Assessment; {
	case !found:
		rollback()
		return SaveResult{}, ErrNotFound
	case a.ArchivedAt != nil:
		rollback()
		return SaveResult{}, assessment.ErrArchived
	case !a.Status.Editable():
		rollback()
		return SaveResult{}, assessment.ErrReadOnly
	}
	prior := in.Assessment.Revision
	in.Inputs = func() (int64, questionnaire.Profile, map[string]assessment.Answer, error) {
		return inputs(ctx, c, orgID, id, false)
	}
	edits, err := decide(in)
	if err != nil {
		rollback()
		return SaveResult{}, err
	}

	conflicts := map[string]Conflict{}
	revisions := map[string]int{}
	var changed []Edit
	for _, e := range edits {
		cur, exists := in.Current[e.Answer.QuestionID]
		if cur.Same(e.Answer) {
			revisions[e.Answer.QuestionID] = cur.Revision
			continue
		}
		if (exists && cur.Revision != e.Revision) || (!exists && e.Revision != 0) {
			conflicts[e.Answer.QuestionID] = Conflict{Theirs: cur}
			continue
		}
		changed = append(changed, e)
	}
	if len(conflicts) > 0 || len(changed) == 0 {
		rollback() // nothing to write: release the lock
		if len(conflicts) > 0 {
			return SaveResult{Conflicts: conflicts, Prior: prior, Revision: prior}, nil
		}
		return SaveResult{Revisions: revisions, Prior: prior, Revision: prior}, nil
	}

	// every write and the commit in one round trip
	b = &pgx.Batch{}
	for _, e := range changed {
		a := e.Answer
		if a.Values == nil {
			a.Values = []string{}
		}
		evidence, _ := json.Marshal(a.Evidence)
		if a.Evidence == nil {
			evidence = []byte("[]")
		}
		b.Queue(`INSERT INTO answers (assessment_id, question_id, value, comment, justification, evidence, revision, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, 1, $7)
			ON CONFLICT (assessment_id, question_id) DO UPDATE SET value = excluded.value, comment = excluded.comment,
				justification = excluded.justification, evidence = excluded.evidence, revision = answers.revision + 1,
				updated_by = excluded.updated_by, updated_at = now()
			RETURNING revision`,
			id, a.QuestionID, a.Values, a.Comment, a.Justification, evidence, userID).QueryRow(func(row pgx.Row) error {
			var rev int
			err := row.Scan(&rev)
			revisions[a.QuestionID] = rev
			return err
		})
		var old any
		if cur, ok := in.Current[a.QuestionID]; ok {
			old = cur
		}
		b.Queue(`INSERT INTO answer_history (assessment_id, question_id, old_answer, new_answer, changed_by)
			VALUES ($1, $2, $3, $4, $5)`, id, a.QuestionID, old, a, userID)
	}
	var rev int64
	b.Queue(`UPDATE assessments SET updated_at = now(), updated_by = $2, revision = revision + 1 WHERE id = $1 RETURNING revision`, id, userID).
		QueryRow(func(row pgx.Row) error { return row.Scan(&rev) })
	b.Queue("COMMIT")
	if err := c.SendBatch(ctx, b).Close(); err != nil {
		rollback() // the COMMIT did not run, or failed: either way nothing is stored
		return SaveResult{}, wrap("save answers", err)
	}
	if st := c.PgConn().TxStatus(); st != 'I' {
		rollback()
		return SaveResult{}, wrap("save answers", fmt.Errorf("transaction not committed (status %c)", st))
	}
	return SaveResult{Revisions: revisions, Prior: prior, Revision: rev}, nil
}

// SaveIfAt writes edits in one statement (one round trip, one transaction, shared with the saves
// of other requests that arrive meanwhile: savebatch.go) if the assessment is still at revision
// known and editable: the caller checked the edits against the answers as of
// that revision (olds: the current answers, by question), so no answer is read again; unchanged
// answers are not rewritten. It returns ok false, having written nothing, when the assessment
// moved (someone saved, or changed its status), is not orgID's, or nothing changed: then the
// caller saves with SaveStep.
func (s *Store) SaveIfAt(ctx context.Context, orgID, id, userID string, known int64, edits []assessment.Answer,
	olds map[string]assessment.Answer) (res SaveResult, ok bool, err error) {
	f := &fastSave{orgID: orgID, id: id, userID: userID, known: known, done: make(chan fastDone, 1)}
	for _, a := range edits {
		if olds[a.QuestionID].Same(a) {
			continue // unchanged: not rewritten (as SaveStep)
		}
		x := fastRow{AssessmentID: id, QuestionID: a.QuestionID, Value: a.Values, Comment: a.Comment, Justification: a.Justification,
			Evidence: a.Evidence, New: a}
		if x.Value == nil {
			x.Value = []string{}
		}
		if x.Evidence == nil {
			x.Evidence = []assessment.Evidence{}
		}
		x.New.Values = x.Value // as SaveStep writes it
		if old, ok := olds[a.QuestionID]; ok {
			x.Old = &old
		}
		f.rows = append(f.rows, x)
	}
	if len(f.rows) == 0 || !isUUID(id) || !isUUID(orgID) || !isUUID(userID) {
		return SaveResult{}, false, nil
	}
	return s.saveBatched(ctx, f) // with the saves of other requests: one statement, one commit
}

// SaveAnswers is SaveStep with the edits known beforehand (imports, tests, the action plan).
func (s *Store) SaveAnswers(ctx context.Context, orgID, id, userID string, edits []Edit) (SaveResult, error) {
	qids := make([]string, len(edits))
	for i, e := range edits {
		qids[i] = e.Answer.QuestionID
	}
	return s.SaveStep(ctx, orgID, id, userID, qids, func(StepSave) ([]Edit, error) { return edits, nil })
}

// UpdateAssessment changes an editable assessment's name, description and profile.
func (s *Store) UpdateAssessment(ctx context.Context, orgID, id, userID string, a assessment.Assessment) error {
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if err := lockEditable(ctx, tx, orgID, id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE assessments SET system_name = $2, description = $3, profile = $4, updated_at = now(), updated_by = $5,
			revision = revision + (profile IS DISTINCT FROM $4::jsonb)::int WHERE id = $1`, id, a.SystemName, a.Description, a.Profile, userID)
		if err != nil {
			return err
		}
		return s.event(ctx, tx, id, userID, "profile", "", "", "")
	})
	if errors.Is(err, assessment.ErrReadOnly) || errors.Is(err, assessment.ErrArchived) {
		return err
	}
	return wrap("update assessment", err)
}

// SetPosition remembers the step a user last visited. Nothing is written when it is already the
// one stored (no new row version, no WAL).
func (s *Store) SetPosition(ctx context.Context, id, userID, sectionID string) error {
	_, err := s.db.Exec(ctx, `INSERT INTO assessment_positions (assessment_id, user_id, section_id) VALUES ($1, $2, $3)
		ON CONFLICT (assessment_id, user_id) DO UPDATE SET section_id = excluded.section_id, updated_at = now()
		WHERE assessment_positions.section_id IS DISTINCT FROM excluded.section_id`, id, userID, sectionID)
	return wrap("set position", err)
}

// Position returns the step a user last visited ("" if none).
func (s *Store) Position(ctx context.Context, id, userID string) (string, error) {
	var sec string
	err := s.db.QueryRow(ctx, `SELECT section_id FROM assessment_positions WHERE assessment_id = $1 AND user_id = $2`, id, userID).Scan(&sec)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return sec, wrap("position", err)
}

// Transition moves an assessment through the workflow and records who did it.
//
// snapshot, when the assessment becomes approved, is stored as its frozen report (JSON).
//
// Separation of duties: the member who made the last submission cannot approve it
// (assessment.ErrSelfApproval), unless the organisation allows self-approval; then the approval
// is recorded in the audit log (with ip, the request's address). The submitter and the setting
// are read in the transaction that approves, under the assessment's row lock, so that a
// concurrent submission or setting change cannot slip in between the check and the approval.
func (s *Store) Transition(ctx context.Context, orgID, id, userID string, role account.Role, ip string, t assessment.Transition, comment string, snapshot any) (assessment.Status, error) {
	var to assessment.Status
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var from assessment.Status
		var archived bool
		if err := tx.QueryRow(ctx, `SELECT status, archived_at IS NOT NULL FROM assessments WHERE id = $1 AND organisation_id = $2 FOR UPDATE`, id, orgID).Scan(&from, &archived); err != nil {
			return err
		}
		if archived {
			return assessment.ErrArchived
		}
		var err error
		if to, err = assessment.Apply(from, t, role, comment); err != nil {
			return err
		}
		self, err := s.checkSelfApproval(ctx, tx, orgID, id, userID, t)
		if err != nil {
			return err
		}
		if to != assessment.Approved {
			snapshot = nil
		}
		if _, err := tx.Exec(ctx, `UPDATE assessments SET status = $2, updated_at = now(), updated_by = $3,
			approved_report = CASE WHEN $2 = 'approved' THEN $4::jsonb ELSE approved_report END WHERE id = $1`, id, to, userID, snapshot); err != nil {
			return err
		}
		if self {
			details, _ := json.Marshal(map[string]any{"assessment": id})
			if _, err := tx.Exec(ctx, `INSERT INTO audit_log (actor_id, organisation_id, action, details, ip)
				VALUES ($1, $2, 'assessment.self_approve', $3, $4)`, userID, orgID, details, ip); err != nil {
				return err
			}
		}
		return s.event(ctx, tx, id, userID, string(t), from, to, comment)
	})
	for _, e := range []error{assessment.ErrArchived, assessment.ErrBadTransition, assessment.ErrNotPermitted, assessment.ErrCommentMissing, assessment.ErrSelfApproval} {
		if errors.Is(err, e) {
			return to, err
		}
	}
	return to, wrap("transition", err)
}

// checkSelfApproval applies separation of duties to a transition inside its transaction (the
// assessment row is locked): it reports whether userID approves their own submission, and refuses
// it unless the organisation allows it. The setting is read FOR SHARE: turning it off either
// happens before (and is seen) or waits for this approval to commit.
func (s *Store) checkSelfApproval(ctx context.Context, tx pgx.Tx, orgID, id, userID string, t assessment.Transition) (bool, error) {
	if t != assessment.Approve {
		return false, nil
	}
	submitter, err := lastSubmitter(ctx, tx, id)
	if err != nil {
		return false, err
	}
	if self, _ := assessment.SelfApproval(t, userID, submitter, true); !self {
		return false, nil
	}
	var allowed bool
	if err := tx.QueryRow(ctx, `SELECT allow_self_approval FROM organisations WHERE id = $1 FOR SHARE`, orgID).Scan(&allowed); err != nil {
		return false, err
	}
	return assessment.SelfApproval(t, userID, submitter, allowed)
}

// lastSubmitter is the user who made the assessment's last submission for review ("" if none, or
// if that user was deleted).
func lastSubmitter(ctx context.Context, tx pgx.Tx, id string) (string, error) {
	var user string
	err := tx.QueryRow(ctx, `SELECT coalesce(actor_id::text, '') FROM assessment_events WHERE assessment_id = $1 AND kind = 'submit'
		ORDER BY at DESC, id DESC LIMIT 1`, id).Scan(&user)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return user, err
}

// Submitter returns the user who made the last submission for review of one of orgID's
// assessments ("" if none), for pages to tell the submitter that someone else must approve.
func (s *Store) Submitter(ctx context.Context, orgID, id string) (string, error) {
	var user string
	err := s.db.QueryRow(ctx, `SELECT coalesce((SELECT coalesce(e.actor_id::text, '') FROM assessment_events e
		WHERE e.assessment_id = a.id AND e.kind = 'submit' ORDER BY e.at DESC, e.id DESC LIMIT 1), '')
		FROM assessments a WHERE a.id = $1 AND a.organisation_id = $2`, id, orgID).Scan(&user)
	return user, wrap("submitter", err)
}

// eventsSelect lists the events of assessment $1 of organisation $2, newest first (eventsOrder).
const (
	eventsSelect = `SELECT e.kind, e.from_status, e.to_status, e.comment, coalesce(u.name, ''), e.at
		FROM assessment_events e JOIN assessments a ON a.id = e.assessment_id LEFT JOIN users u ON u.id = e.actor_id
		WHERE e.assessment_id = $1 AND a.organisation_id = $2`
	eventsOrder = ` ORDER BY e.at DESC, e.id DESC`
)

// Events lists an assessment's workflow and life events, newest first.
func (s *Store) Events(ctx context.Context, orgID, id string) ([]assessment.Event, error) {
	list, err := collectEvents(s.db.Query(ctx, eventsSelect+eventsOrder, id, orgID))
	return list, wrap("events", err)
}

func collectEvents(rows pgx.Rows, err error) ([]assessment.Event, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (assessment.Event, error) {
		var e assessment.Event
		err := r.Scan(&e.Kind, &e.From, &e.To, &e.Comment, &e.By, &e.At)
		return e, err
	})
}

// History lists answer changes of an assessment, newest first; questionID narrows it to one question.
func (s *Store) History(ctx context.Context, orgID, id, questionID string) ([]assessment.Change, error) {
	rows, err := s.db.Query(ctx, `SELECT h.question_id, h.old_answer, h.new_answer, coalesce(u.name, ''), h.changed_at
		FROM answer_history h JOIN assessments a ON a.id = h.assessment_id LEFT JOIN users u ON u.id = h.changed_by
		WHERE h.assessment_id = $1 AND a.organisation_id = $2 AND ($3 = '' OR h.question_id = $3)
		ORDER BY h.changed_at DESC, h.id DESC LIMIT 1000`, id, orgID, questionID)
	if err != nil {
		return nil, wrap("history", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (assessment.Change, error) {
		var c assessment.Change
		err := r.Scan(&c.QuestionID, &c.Old, &c.New, &c.By, &c.At)
		return c, err
	})
	return list, wrap("history", err)
}

// HistorySummaries sums up the history of each answer of an assessment, by question.
func (s *Store) HistorySummaries(ctx context.Context, orgID, id string) (map[string]assessment.HistorySummary, error) {
	rows, err := s.db.Query(ctx, `SELECT h.question_id, count(*), min(h.changed_at), max(h.changed_at)
		FROM answer_history h JOIN assessments a ON a.id = h.assessment_id
		WHERE h.assessment_id = $1 AND a.organisation_id = $2 GROUP BY h.question_id`, id, orgID)
	if err != nil {
		return nil, wrap("history summaries", err)
	}
	out := map[string]assessment.HistorySummary{}
	var qid string
	var h assessment.HistorySummary
	_, err = pgx.ForEachRow(rows, []any{&qid, &h.Changes, &h.First, &h.Last}, func() error {
		out[qid] = h
		return nil
	})
	return out, wrap("history summaries", err)
}

// Duplicate copies an assessment (profile and answers) as a new draft version linked to it.
func (s *Store) Duplicate(ctx context.Context, orgID, id, userID string) (string, error) {
	var newID string
	err := s.tx(ctx, func(tx pgx.Tx) error {
		// the new version number follows the highest of the whole lineage, so that two copies of the
		// same version still get distinct numbers
		err := tx.QueryRow(ctx, lineageCTE+`
			INSERT INTO assessments (organisation_id, system_name, description, content_version, profile, version, predecessor_id, created_by, updated_by)
			SELECT organisation_id, system_name, description, content_version, profile,
				(SELECT max(version) + 1 FROM assessments WHERE id IN (SELECT id FROM down)), id, $3, $3
			FROM assessments WHERE id = $1 AND organisation_id = $2 RETURNING id`, id, orgID, userID).Scan(&newID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO answers (assessment_id, question_id, value, comment, justification, evidence, revision, updated_by, updated_at)
			SELECT $2, question_id, value, comment, justification, evidence, 1, updated_by, updated_at FROM answers WHERE assessment_id = $1`, id, newID); err != nil {
			return err
		}
		return s.event(ctx, tx, newID, userID, "duplicated", "", assessment.Draft, id)
	})
	return newID, wrap("duplicate assessment", err)
}

// SetArchived archives or restores an assessment.
func (s *Store) SetArchived(ctx context.Context, orgID, id, userID string, archived bool) error {
	return wrap("archive assessment", s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE assessments SET archived_at = CASE WHEN $3 THEN now() END, updated_at = now(), updated_by = $4
			WHERE id = $1 AND organisation_id = $2`, id, orgID, archived, userID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return pgx.ErrNoRows
		}
		kind := "restored"
		if archived {
			kind = "archived"
		}
		return s.event(ctx, tx, id, userID, kind, "", "", "")
	}))
}

// DeleteAssessment deletes an assessment and everything attached to it.
func (s *Store) DeleteAssessment(ctx context.Context, orgID, id string) error {
	tag, err := s.db.Exec(ctx, `DELETE FROM assessments WHERE id = $1 AND organisation_id = $2`, id, orgID)
	if err == nil && tag.RowsAffected() == 0 {
		err = pgx.ErrNoRows
	}
	return wrap("delete assessment", err)
}

// lineageCTE defines "down": the ids of every version of the system of assessment $1 in
// organisation $2 (its oldest predecessor and everything duplicated from it).
const lineageCTE = `WITH RECURSIVE up AS (
		SELECT id, predecessor_id, 0 AS depth FROM assessments WHERE id = $1 AND organisation_id = $2
		UNION ALL
		SELECT p.id, p.predecessor_id, up.depth + 1 FROM assessments p JOIN up ON p.id = up.predecessor_id
		WHERE p.organisation_id = $2 AND up.depth < 1000
	), root AS (
		SELECT id FROM up ORDER BY depth DESC LIMIT 1
	), down AS (
		SELECT id, 0 AS depth FROM root
		UNION ALL
		SELECT c.id, down.depth + 1 FROM assessments c JOIN down ON c.predecessor_id = down.id
		WHERE c.organisation_id = $2 AND down.depth < 1000
	)`

// Lineage lists every version of the same AI system as an assessment of orgID: its predecessors
// and everything duplicated from them, oldest version first.
func (s *Store) Lineage(ctx context.Context, orgID, id string) ([]assessment.Assessment, error) {
	rows, err := s.db.Query(ctx, lineageCTE+`
		SELECT `+assessmentCols+assessmentFrom+` WHERE a.id IN (SELECT id FROM down) AND a.organisation_id = $2
		ORDER BY a.version, a.created_at`, id, orgID)
	if err != nil {
		return nil, wrap("lineage", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (assessment.Assessment, error) { return scanAssessment(r) })
	return list, wrap("lineage", err)
}

// ApprovedReport returns the report frozen at the assessment's approval (nil if never approved),
// decoded into v.
func (s *Store) ApprovedReport(ctx context.Context, orgID, id string, v any) (bool, error) {
	var raw []byte
	err := s.db.QueryRow(ctx, `SELECT approved_report FROM assessments WHERE id = $1 AND organisation_id = $2`, id, orgID).Scan(&raw)
	if err != nil || raw == nil {
		return false, wrap("approved report", err)
	}
	return true, wrap("approved report", json.Unmarshal(raw, v))
}

// OrgAssessment is an assessment with the name of its organisation (site administration).
type OrgAssessment struct {
	OrganisationName string
	assessment.Assessment
}

// AllAssessments lists the assessments of every organisation, for site administrators only: the
// one query not scoped by organisation, reached only through the site-admin routes.
func (s *Store) AllAssessments(ctx context.Context) ([]OrgAssessment, map[string]map[string]assessment.Answer, error) {
	rows, err := s.db.Query(ctx, `SELECT o.name, `+assessmentCols+assessmentFrom+` JOIN organisations o ON o.id = a.organisation_id
		ORDER BY lower(o.name), a.system_name, a.version`)
	if err != nil {
		return nil, nil, wrap("all assessments", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (OrgAssessment, error) {
		var x OrgAssessment
		err := r.Scan(assessmentDest(&x.Assessment, &x.OrganisationName)...)
		return x, err
	})
	if err != nil {
		return nil, nil, wrap("all assessments", err)
	}
	arows, err := s.db.Query(ctx, `SELECT `+answerCols+` FROM answers x LEFT JOIN users u ON u.id = x.updated_by`)
	if err != nil {
		return nil, nil, wrap("all answers", err)
	}
	answers, err := scanAnswers(arows)
	return list, answers, wrap("all answers", err)
}
