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
	// stopping early (fn fails: the client went away) cancels the query rather than reading the
	// rest of the result to its end
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cfg := s.db.Config().ConnConfig.Copy()
	// No JIT compilation: the per-row answer lookups make the plan's estimated cost large (8.6
	// million at 10,000 assessments), far above jit_above_cost, and LLVM then spent over a second
	// compiling and optimising it before the first row could leave (docs/benchmarks.md). The query
	// is an index lookup per row, which JIT does not speed up.
	cfg.RuntimeParams["jit"] = "off"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return wrap("each assessment: connect", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	// Organisations in name order (a few rows), then each one's assessments sorted as they come
	// (an index scan on assessments_org_idx and a sort of that organisation's rows only), then each
	// assessment's answers gathered as its row goes out (the answers' primary key): nothing is
	// sorted or aggregated over the whole table, so the first row leaves at once and rows stream.
	rows, err := conn.Query(ctx, `SELECT o.name, s.*, coalesce(v.answers, '{}'::json)
		FROM (SELECT id, name FROM organisations WHERE $1 = '' OR id::text = $1 ORDER BY lower(name), id) o
		CROSS JOIN LATERAL (SELECT `+assessmentCols+assessmentFrom+` WHERE a.organisation_id = o.id
			ORDER BY a.system_name, a.version, a.id) s
		LEFT JOIN LATERAL (SELECT json_object_agg(x.question_id, x.value) AS answers FROM answers x
			WHERE x.assessment_id = s.id AND cardinality(x.value) > 0) v ON true`, orgID)
	if err != nil {
		return wrap("each assessment", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x OrgAssessment
		var answers questionnaire.Answers
		if err := rows.Scan(append(assessmentDest(&x.Assessment, &x.OrganisationName), &answers)...); err != nil {
			return wrap("each assessment", err)
		}
		if err := fn(x, answers); err != nil {
			cancel()
			return err
		}
	}
	return wrap("each assessment", rows.Err())
}
