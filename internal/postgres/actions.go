package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"aigrid/internal/assessment"
)

// ActionInput is what a user sets on an action.
type ActionInput struct {
	QuestionID string
	Title      string
	OwnerID    string // a member of the organisation, or empty
	DueOn      *time.Time
	Status     assessment.ActionStatus
	Reason     string
}

// Actions lists the action plan of one of orgID's assessments, by due date.
func (s *Store) Actions(ctx context.Context, orgID, assessmentID string) ([]assessment.Action, error) {
	list, err := collectActions(s.db.Query(ctx, actionsSelect+actionsOrder, assessmentID, orgID))
	return list, wrap("actions", err)
}

// actionsSelect reads the action plan of assessment $1 of organisation $2, in the order of
// actionsOrder.
const (
	actionsSelect = `SELECT x.id, x.question_id, x.title, coalesce(x.owner_id::text, ''), coalesce(u.name, ''),
		x.due_on, x.status, x.reason, x.updated_at
	FROM actions x JOIN assessments a ON a.id = x.assessment_id LEFT JOIN users u ON u.id = x.owner_id
	WHERE x.assessment_id = $1 AND a.organisation_id = $2`
	actionsOrder = ` ORDER BY x.due_on NULLS LAST, x.created_at, x.id`
)

func collectActions(rows pgx.Rows, err error) ([]assessment.Action, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (assessment.Action, error) {
		var a assessment.Action
		err := r.Scan(&a.ID, &a.QuestionID, &a.Title, &a.OwnerID, &a.OwnerName, &a.DueOn, &a.Status, &a.Reason, &a.UpdatedAt)
		return a, err
	})
}

// CreateAction adds an action to the plan of one of orgID's assessments. The owner must be a
// member of the organisation (ErrNotFound otherwise).
func (s *Store) CreateAction(ctx context.Context, orgID, assessmentID, userID string, in ActionInput) (string, error) {
	var id string
	err := s.db.QueryRow(ctx, `INSERT INTO actions (assessment_id, question_id, title, owner_id, due_on, status, reason, created_by)
		SELECT a.id, $3, $4, nullif($5, '')::uuid, $6, $7, $8, $9 FROM assessments a
		WHERE a.id = $1 AND a.organisation_id = $2
		  AND (nullif($5, '') IS NULL OR EXISTS (SELECT 1 FROM memberships WHERE organisation_id = $2 AND user_id = nullif($5, '')::uuid))
		RETURNING id`, assessmentID, orgID, in.QuestionID, in.Title, in.OwnerID, in.DueOn, in.Status, in.Reason, userID).Scan(&id)
	return id, wrap("create action", err)
}

// UpdateAction changes an action of one of orgID's assessments.
func (s *Store) UpdateAction(ctx context.Context, orgID, assessmentID, actionID string, in ActionInput) error {
	tag, err := s.db.Exec(ctx, `UPDATE actions x SET title = $4, owner_id = nullif($5, '')::uuid, due_on = $6, status = $7, reason = $8, updated_at = now()
		FROM assessments a
		WHERE x.id = $3 AND x.assessment_id = $1 AND a.id = x.assessment_id AND a.organisation_id = $2
		  AND (nullif($5, '') IS NULL OR EXISTS (SELECT 1 FROM memberships WHERE organisation_id = $2 AND user_id = nullif($5, '')::uuid))`,
		assessmentID, orgID, actionID, in.Title, in.OwnerID, in.DueOn, in.Status, in.Reason)
	if err == nil && tag.RowsAffected() == 0 {
		err = pgx.ErrNoRows
	}
	return wrap("update action", err)
}
