package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"aigrid/internal/account"
)

// UserByIdentity returns the account linked to an OpenID Connect identity (issuer and subject),
// and records that it was used: ErrNotFound when none is linked.
func (s *Store) UserByIdentity(ctx context.Context, issuer, subject string) (account.User, error) {
	u, err := scanUser(s.db.QueryRow(ctx, `WITH used AS (
			UPDATE user_identities SET last_used_at = now() WHERE issuer = $1 AND subject = $2 RETURNING user_id)
		SELECT `+userCols+` FROM users u JOIN used ON used.user_id = u.id`, issuer, subject))
	return u, wrap("user by identity", err)
}

// LinkIdentity links an OpenID Connect identity to an existing account.
func (s *Store) LinkIdentity(ctx context.Context, userID, issuer, subject, email string) error {
	_, err := s.db.Exec(ctx, `INSERT INTO user_identities (issuer, subject, user_id, email) VALUES ($1, $2, $3, $4)`,
		issuer, subject, userID, NormaliseEmail(email))
	return wrap("link identity", err)
}

// CreateUserWithIdentity creates an account without a password for a person signing in with
// OpenID Connect, linked to their identity, in one transaction. ErrEmailTaken if an account
// already uses the address (the person must then prove that account's password to link it).
func (s *Store) CreateUserWithIdentity(ctx context.Context, email, name, lang, issuer, subject string) (account.User, error) {
	var u account.User
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		u, err = scanUser(tx.QueryRow(ctx, `INSERT INTO users AS u (email, name, password_hash, lang) VALUES ($1, $2, '', $3) RETURNING `+
			userCols, NormaliseEmail(email), name, lang))
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO user_identities (issuer, subject, user_id, email) VALUES ($1, $2, $3, $4)`,
			issuer, subject, u.ID, NormaliseEmail(email))
		return err
	})
	if err = wrap("create user with identity", err); errors.Is(err, ErrConflict) {
		return u, account.ErrEmailTaken
	}
	return u, err
}

// RequiresSSO reports whether an organisation of the user requires single sign-on.
func (s *Store) RequiresSSO(ctx context.Context, userID string) (bool, error) {
	var req bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM memberships m JOIN organisations o ON o.id = m.organisation_id
		WHERE m.user_id = $1 AND o.sso_required)`, userID).Scan(&req)
	return req, wrap("requires SSO", err)
}

// JoinByDomain makes the user a member, with the organisation's join role, of every organisation
// that lets people of domain join and that they do not belong to yet; it returns those
// organisations.
func (s *Store) JoinByDomain(ctx context.Context, userID, domain string) ([]account.Organisation, error) {
	if domain == "" {
		return nil, nil
	}
	rows, err := s.db.Query(ctx, `INSERT INTO memberships (organisation_id, user_id, role)
		SELECT o.id, $1, o.join_role FROM organisations o WHERE o.join_domain = lower($2)
		ON CONFLICT DO NOTHING
		RETURNING organisation_id, (SELECT name FROM organisations WHERE id = organisation_id)`, userID, domain)
	if err != nil {
		return nil, wrap("join by domain", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (account.Organisation, error) {
		var o account.Organisation
		err := r.Scan(&o.ID, &o.Name)
		return o, err
	})
	return list, wrap("join by domain", err)
}

// JoinOrganisation makes the user a member of orgID with role unless they already belong to it
// (their role is then left as it is); it reports whether they joined. An organisation that does
// not exist joins nobody.
func (s *Store) JoinOrganisation(ctx context.Context, orgID, userID string, role account.Role) (bool, error) {
	tag, err := s.db.Exec(ctx, `INSERT INTO memberships (organisation_id, user_id, role)
		SELECT o.id, $2, $3 FROM organisations o WHERE o.id = $1::uuid
		ON CONFLICT DO NOTHING`, orgID, userID, string(role))
	if err != nil {
		return false, wrap("join organisation", err)
	}
	return tag.RowsAffected() == 1, nil
}
