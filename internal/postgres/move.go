package postgres

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/jackc/pgx/v5"

	"aigrid/internal/account"
	"aigrid/internal/assessment"
	"aigrid/internal/questionnaire"
)

// ErrMoved reports that the assessment is no longer on the version a move was planned from (it was
// moved, or changed, meanwhile): the impact must be shown again.
var ErrMoved = errors.New("postgres: the assessment changed since the move was planned")

// MoveInput is a planned move (assessment.PlanMove) to store.
type MoveInput struct {
	From, To string                       // content versions
	Profile  questionnaire.Profile        // the profile on To
	Answers  map[string]assessment.Answer // the answers on To, by question id of To
	// Renamed maps a question of From to the one of To that replaces it, so that actions follow.
	Renamed map[string]string
	Audit   account.AuditEntry // written in the same transaction, with the new id added
}

// MoveAssessment creates a new version of a draft or returned assessment of orgID on another
// questionnaire version, in one transaction: the new assessment (next version number of the
// lineage, linked to its predecessor, on To, with the given profile), its answers (comment,
// justification and evidence included, history starting at revision 1), a copy of every action of
// the plan (questions renamed by Renamed), an event and the audit entry. The predecessor is not
// changed. An assessment that is not editable, archived, or no longer on From is refused
// (assessment.ErrReadOnly, assessment.ErrArchived, ErrMoved) and nothing is written.
func (s *Store) MoveAssessment(ctx context.Context, orgID, id, userID string, in MoveInput) (string, error) {
	var newID string
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var status assessment.Status
		var archived bool
		var version string
		err := tx.QueryRow(ctx, `SELECT status, archived_at IS NOT NULL, content_version FROM assessments
			WHERE id = $1 AND organisation_id = $2 FOR UPDATE`, id, orgID).Scan(&status, &archived, &version)
		if err != nil {
			return err
		}
		switch {
		case archived:
			return assessment.ErrArchived
		case !status.Editable():
			return assessment.ErrReadOnly
		case version != in.From:
			return ErrMoved
		}
		err = tx.QueryRow(ctx, lineageCTE+`
			INSERT INTO assessments (organisation_id, system_name, description, content_version, profile, version, predecessor_id, created_by, updated_by)
			SELECT organisation_id, system_name, description, $4, $5,
				(SELECT max(version) + 1 FROM assessments WHERE id IN (SELECT id FROM down)), id, $3, $3
			FROM assessments WHERE id = $1 AND organisation_id = $2 RETURNING id`, id, orgID, userID, in.To, in.Profile).Scan(&newID)
		if err != nil {
			return err
		}
		for qid, x := range in.Answers {
			if x.Values == nil {
				x.Values = []string{}
			}
			evidence := []byte("[]")
			if x.Evidence != nil {
				evidence, _ = json.Marshal(x.Evidence)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO answers (assessment_id, question_id, value, comment, justification, evidence, revision, updated_by)
				VALUES ($1, $2, $3, $4, $5, $6, 1, $7)`, newID, qid, x.Values, x.Comment, x.Justification, evidence, userID); err != nil {
				return err
			}
			// the history of the new version starts with the carried answer (the predecessor keeps its own)
			if _, err := tx.Exec(ctx, `INSERT INTO answer_history (assessment_id, question_id, old_answer, new_answer, changed_by)
				VALUES ($1, $2, NULL, $3, $4)`, newID, qid, x, userID); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO actions (assessment_id, question_id, title, owner_id, due_on, status, reason, created_by, created_at, updated_at)
			SELECT $2, coalesce(($3::jsonb) ->> question_id, question_id), title, owner_id, due_on, status, reason, created_by, created_at, updated_at
			FROM actions WHERE assessment_id = $1`, id, newID, renamed(in.Renamed)); err != nil {
			return err
		}
		if err := s.event(ctx, tx, newID, userID, "moved", "", assessment.Draft, in.From+" → "+in.To); err != nil {
			return err
		}
		e := in.Audit
		if e.Details == nil {
			e.Details = map[string]any{}
		}
		e.Details["new_assessment"] = newID
		details, err := json.Marshal(e.Details)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO audit_log (actor_id, organisation_id, action, details, ip)
			VALUES (nullif($1, '')::uuid, nullif($2, '')::uuid, $3, $4, $5)`, e.ActorID, e.OrganisationID, e.Action, details, e.IP)
		return err
	})
	return newID, wrap("move assessment", err)
}

func renamed(m map[string]string) []byte {
	if m == nil {
		m = map[string]string{}
	}
	b, _ := json.Marshal(m)
	return b
}

// VersionCount is how many assessments are on one questionnaire version, with one status.
type VersionCount struct {
	ContentVersion string
	Status         assessment.Status
	Archived       bool
	Count          int
}

// AssessmentsByVersion counts the assessments of the whole instance by questionnaire version,
// status and archived state (site administration).
func (s *Store) AssessmentsByVersion(ctx context.Context) ([]VersionCount, error) {
	rows, err := s.db.Query(ctx, `SELECT content_version, status, archived_at IS NOT NULL, count(*) FROM assessments
		GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`)
	if err != nil {
		return nil, wrap("assessments by version", err)
	}
	var out []VersionCount
	var c VersionCount
	_, err = pgx.ForEachRow(rows, []any{&c.ContentVersion, &c.Status, &c.Archived, &c.Count}, func() error {
		out = append(out, c)
		return nil
	})
	return out, wrap("assessments by version", err)
}
