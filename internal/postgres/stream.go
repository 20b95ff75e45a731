package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"aigrid/internal/questionnaire"
)

// EachAssessment calls fn for every assessment of the instance (orgID "") or of one organisation,
// with the values of its answers, in organisation, system and version order. It is for site
// administrators' bulk exports: it reads on a connection of its own, outside the pool, row by row
// as the server sends them, so that memory stays flat whatever the number of assessments and a
// long export never holds a connection interactive requests are waiting for.
func (s *Store) EachAssessment(ctx context.Context, orgID string, fn func(OrgAssessment, questionnaire.Answers) error) error {
	conn, err := pgx.ConnectConfig(ctx, s.db.Config().ConnConfig.Copy())
	if err != nil {
		return wrap("each assessment: connect", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	// The assessments are sorted first (small rows), then each one's answers are gathered as its row
	// goes out: the first row leaves at once.
	rows, err := conn.Query(ctx, `SELECT s.*, coalesce(v.answers, '{}'::json) FROM (
			SELECT o.name, `+assessmentCols+assessmentFrom+` JOIN organisations o ON o.id = a.organisation_id
			WHERE $1 = '' OR a.organisation_id::text = $1
			ORDER BY lower(o.name), o.id, a.system_name, a.version, a.id) s
		LEFT JOIN LATERAL (SELECT json_object_agg(x.question_id, x.value) AS answers FROM answers x
			WHERE x.assessment_id = s.id AND cardinality(x.value) > 0) v ON true`, orgID)
	if err != nil {
		return wrap("each assessment", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x OrgAssessment
		var answers questionnaire.Answers
		if err := rows.Scan(&x.OrganisationName, &x.ID, &x.OrganisationID, &x.SystemName, &x.Description, &x.ContentVersion, &x.Profile,
			&x.Status, &x.Version, &x.PredecessorID, &x.ArchivedAt, &x.CreatedAt, &x.UpdatedAt, &x.UpdatedByName, &answers); err != nil {
			return wrap("each assessment", err)
		}
		if err := fn(x, answers); err != nil {
			return err
		}
	}
	return wrap("each assessment", rows.Err())
}
