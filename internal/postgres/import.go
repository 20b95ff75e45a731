package postgres

import (
	"context"
	"encoding/json"

	"github.com/jackc/pgx/v5"

	"aigrid/internal/assessment"
)

// ImportAction is an action to create with an imported assessment: its owner is a name, matched to
// a member of the organisation.
type ImportAction struct {
	ActionInput
	OwnerName string
}

// ImportAssessment creates a new draft assessment in orgID with its answers and actions, all in one
// transaction: on any error nothing is created. Each answer is recorded in the history as set by
// userID ("" for the command line). An action's owner is the member of orgID with that exact name when there is exactly one;
// the names that matched nobody are returned (their actions have no owner).
func (s *Store) ImportAssessment(ctx context.Context, orgID, userID string, a assessment.Assessment, answers []assessment.Answer, actions []ImportAction) (string, []string, error) {
	var id string
	var unmatched []string
	err := s.tx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO assessments (organisation_id, system_name, description, content_version, profile, created_by, updated_by)
			VALUES ($1, $2, $3, $4, $5, nullif($6, '')::uuid, nullif($6, '')::uuid) RETURNING id`, orgID, a.SystemName, a.Description, a.ContentVersion, a.Profile, userID).Scan(&id)
		if err != nil {
			return err
		}
		if err := s.event(ctx, tx, id, userID, "imported", "", assessment.Draft, ""); err != nil {
			return err
		}
		for _, x := range answers {
			if x.Values == nil {
				x.Values = []string{}
			}
			evidence, _ := json.Marshal(x.Evidence)
			if x.Evidence == nil {
				evidence = []byte("[]")
			}
			if _, err := tx.Exec(ctx, `INSERT INTO answers (assessment_id, question_id, value, comment, justification, evidence, revision, updated_by)
				VALUES ($1, $2, $3, $4, $5, $6, 1, nullif($7, '')::uuid)`, id, x.QuestionID, x.Values, x.Comment, x.Justification, evidence, userID); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO answer_history (assessment_id, question_id, old_answer, new_answer, changed_by)
				VALUES ($1, $2, NULL, $3, nullif($4, '')::uuid)`, id, x.QuestionID, x, userID); err != nil {
				return err
			}
		}
		for _, x := range actions {
			in := x.ActionInput
			if x.OwnerName != "" {
				var ids []string
				rows, err := tx.Query(ctx, `SELECT u.id FROM memberships m JOIN users u ON u.id = m.user_id
					WHERE m.organisation_id = $1 AND u.name = $2`, orgID, x.OwnerName)
				if err != nil {
					return err
				}
				if ids, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
					return err
				}
				if len(ids) == 1 {
					in.OwnerID = ids[0]
				} else {
					unmatched = append(unmatched, x.OwnerName)
				}
			}
			if _, err := tx.Exec(ctx, `INSERT INTO actions (assessment_id, question_id, title, owner_id, due_on, status, reason, created_by)
				VALUES ($1, $2, $3, nullif($4, '')::uuid, $5, $6, $7, nullif($8, '')::uuid)`,
				id, in.QuestionID, in.Title, in.OwnerID, in.DueOn, in.Status, in.Reason, userID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return "", nil, wrap("import assessment", err)
	}
	return id, unmatched, nil
}
