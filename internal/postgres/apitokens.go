package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"aigrid/internal/account"
	"aigrid/internal/assessment"
)

// APITokenTouch is how stale a token's last-used date may be: a request writes it only when it is
// older than this, so that a busy integration does not write a row on every request.
const APITokenTouch = time.Minute

const apiTokenCols = `t.id, t.organisation_id, t.name, t.hint, coalesce(u.name, ''), t.created_at, t.last_used_at, t.expires_at, t.revoked_at`

func scanAPIToken(row pgx.Row) (account.APIToken, error) {
	var t account.APIToken
	err := row.Scan(&t.ID, &t.OrganisationID, &t.Name, &t.Hint, &t.CreatedBy, &t.CreatedAt, &t.LastUsedAt, &t.ExpiresAt, &t.RevokedAt)
	return t, err
}

// CreateAPIToken stores a new token of orgID, created by userID: its hash and hint, never the
// token. expiresAt nil: it does not expire.
func (s *Store) CreateAPIToken(ctx context.Context, orgID, userID, name string, tokenHash []byte, hint string, expiresAt *time.Time) (account.APIToken, error) {
	var id string
	err := s.db.QueryRow(ctx, `INSERT INTO api_tokens (organisation_id, name, token_hash, hint, created_by, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, orgID, name, tokenHash, hint, userID, expiresAt).Scan(&id)
	if err != nil {
		return account.APIToken{}, wrap("create api token", err)
	}
	t, err := scanAPIToken(s.db.QueryRow(ctx, `SELECT `+apiTokenCols+` FROM api_tokens t LEFT JOIN users u ON u.id = t.created_by
		WHERE t.id = $1`, id))
	return t, wrap("create api token", err)
}

// APITokens lists orgID's tokens, newest first, revoked ones included (the page shows when).
func (s *Store) APITokens(ctx context.Context, orgID string) ([]account.APIToken, error) {
	rows, err := s.db.Query(ctx, `SELECT `+apiTokenCols+` FROM api_tokens t LEFT JOIN users u ON u.id = t.created_by
		WHERE t.organisation_id = $1 ORDER BY t.created_at DESC, t.id LIMIT 500`, orgID)
	if err != nil {
		return nil, wrap("api tokens", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (account.APIToken, error) { return scanAPIToken(r) })
	return list, wrap("api tokens", err)
}

// RevokeAPIToken revokes one of orgID's tokens at once and returns it: ErrNotFound for another
// organisation's, or one already revoked.
func (s *Store) RevokeAPIToken(ctx context.Context, orgID, id string) (account.APIToken, error) {
	t, err := scanAPIToken(s.db.QueryRow(ctx, `WITH t AS (UPDATE api_tokens SET revoked_at = now()
			WHERE id = $1 AND organisation_id = $2 AND revoked_at IS NULL RETURNING *)
		SELECT `+apiTokenCols+` FROM t LEFT JOIN users u ON u.id = t.created_by`, id, orgID))
	return t, wrap("revoke api token", err)
}

// APITokenByHash finds the token with this hash, if it is active (neither revoked nor expired);
// ErrNotFound otherwise. It records the use when the last-used date is older than APITokenTouch:
// at most one write a minute per token, whatever the number of requests.
func (s *Store) APITokenByHash(ctx context.Context, tokenHash []byte) (account.APIToken, error) {
	var now time.Time
	var t account.APIToken
	err := s.db.QueryRow(ctx, `SELECT `+apiTokenCols+`, now() FROM api_tokens t LEFT JOIN users u ON u.id = t.created_by
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())`, tokenHash).
		Scan(&t.ID, &t.OrganisationID, &t.Name, &t.Hint, &t.CreatedBy, &t.CreatedAt, &t.LastUsedAt, &t.ExpiresAt, &t.RevokedAt, &now)
	if err != nil {
		return t, wrap("api token", err)
	}
	if t.LastUsedAt == nil || t.LastUsedAt.Before(now.Add(-APITokenTouch)) {
		// the condition is repeated so that parallel requests write once
		_, err = s.db.Exec(ctx, `UPDATE api_tokens SET last_used_at = now() WHERE id = $1
			AND (last_used_at IS NULL OR last_used_at < now() - $2::interval)`, t.ID, "60 seconds")
		if err != nil {
			return t, wrap("api token used", err)
		}
		t.LastUsedAt = &now
	}
	return t, nil
}

// PageCursor is where a page of the API's list of assessments starts: after the assessment created
// at CreatedAt with ID (zero: from the first).
type PageCursor struct {
	CreatedAt time.Time
	ID        string
}

// AssessmentPage lists up to limit of orgID's assessments (archived ones included), in creation
// order, after the cursor. Creation order is stable: an assessment changed while a client pages
// through the list neither moves nor shows twice; new ones come at the end.
func (s *Store) AssessmentPage(ctx context.Context, orgID string, after PageCursor, limit int) ([]assessment.Assessment, error) {
	var rows pgx.Rows
	var err error
	if after.ID == "" {
		rows, err = s.db.Query(ctx, `SELECT `+assessmentCols+assessmentFrom+` WHERE a.organisation_id = $1
			ORDER BY a.created_at, a.id LIMIT $2`, orgID, limit)
	} else {
		rows, err = s.db.Query(ctx, `SELECT `+assessmentCols+assessmentFrom+` WHERE a.organisation_id = $1
			AND (a.created_at, a.id) > ($2, $3::uuid) ORDER BY a.created_at, a.id LIMIT $4`, orgID, after.CreatedAt, after.ID, limit)
	}
	if err != nil {
		return nil, wrap("assessment page", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (assessment.Assessment, error) { return scanAssessment(r) })
	return list, wrap("assessment page", err)
}
