package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"aigrid/internal/account"
)

// TokenHash is how single-use tokens (invitations, resets, session IDs) are stored: a database
// leak must not hand out working links.
func TokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

const userCols = "u.id, u.email, u.name, u.site_admin, u.lang, u.created_at, u.password_changed_at, u.totp_enabled_at IS NOT NULL"

func scanUser(row pgx.Row, extra ...any) (account.User, error) {
	var u account.User
	err := row.Scan(append([]any{&u.ID, &u.Email, &u.Name, &u.SiteAdmin, &u.Lang, &u.CreatedAt, &u.PasswordChangedAt, &u.TwoFactor}, extra...)...)
	return u, err
}

// NormaliseEmail is the form e-mail addresses are stored and compared in.
func NormaliseEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// CreateUser creates a user without organisation (the admin command's path).
func (s *Store) CreateUser(ctx context.Context, email, name, passwordHash string, siteAdmin bool) (account.User, error) {
	u, err := scanUser(s.db.QueryRow(ctx, `INSERT INTO users AS u (email, name, password_hash, site_admin)
		VALUES ($1, $2, $3, $4) RETURNING `+userCols, NormaliseEmail(email), name, passwordHash, siteAdmin))
	if err = wrap("create user", err); errors.Is(err, ErrConflict) {
		return u, account.ErrEmailTaken
	}
	return u, err
}

// SignUp creates a user and an organisation they own, in one transaction.
func (s *Store) SignUp(ctx context.Context, email, name, passwordHash, orgName, lang string) (account.User, account.Organisation, error) {
	var u account.User
	var o account.Organisation
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		u, err = scanUser(tx.QueryRow(ctx, `INSERT INTO users AS u (email, name, password_hash, lang)
			VALUES ($1, $2, $3, $4) RETURNING `+userCols, NormaliseEmail(email), name, passwordHash, lang))
		if err != nil {
			return err
		}
		o, err = createOrganisation(ctx, tx, u.ID, orgName)
		return err
	})
	if err = wrap("sign up", err); errors.Is(err, ErrConflict) {
		return u, o, account.ErrEmailTaken
	}
	return u, o, err
}

func createOrganisation(ctx context.Context, tx pgx.Tx, ownerID, name string) (account.Organisation, error) {
	var o account.Organisation
	err := tx.QueryRow(ctx, `INSERT INTO organisations (name) VALUES ($1) RETURNING id, name, created_at`, name).
		Scan(&o.ID, &o.Name, &o.CreatedAt)
	if err != nil {
		return o, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO memberships (organisation_id, user_id, role) VALUES ($1, $2, 'owner')`, o.ID, ownerID)
	return o, err
}

// CreateOrganisation creates an organisation owned by userID.
func (s *Store) CreateOrganisation(ctx context.Context, userID, name string) (account.Organisation, error) {
	var o account.Organisation
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		o, err = createOrganisation(ctx, tx, userID, name)
		return err
	})
	return o, wrap("create organisation", err)
}

// RenameOrganisation renames an organisation.
func (s *Store) RenameOrganisation(ctx context.Context, orgID, name string) error {
	tag, err := s.db.Exec(ctx, `UPDATE organisations SET name = $2 WHERE id = $1`, orgID, name)
	if err == nil && tag.RowsAffected() == 0 {
		err = pgx.ErrNoRows
	}
	return wrap("rename organisation", err)
}

// UserByEmail returns a user and their password hash.
func (s *Store) UserByEmail(ctx context.Context, email string) (account.User, string, error) {
	var hash string
	u, err := scanUser(s.db.QueryRow(ctx, `SELECT `+userCols+`, u.password_hash FROM users u WHERE u.email = $1`, NormaliseEmail(email)), &hash)
	return u, hash, wrap("user by email", err)
}

// UserByID returns a user.
func (s *Store) UserByID(ctx context.Context, id string) (account.User, error) {
	u, err := scanUser(s.db.QueryRow(ctx, `SELECT `+userCols+` FROM users u WHERE u.id = $1`, id))
	return u, wrap("user by id", err)
}

// PasswordHash returns a user's password hash.
func (s *Store) PasswordHash(ctx context.Context, userID string) (string, error) {
	var hash string
	err := s.db.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = $1`, userID).Scan(&hash)
	return hash, wrap("password hash", err)
}

// UpdateProfile changes a user's name and language.
func (s *Store) UpdateProfile(ctx context.Context, userID, name, lang string) error {
	_, err := s.db.Exec(ctx, `UPDATE users SET name = $2, lang = $3 WHERE id = $1`, userID, name, lang)
	return wrap("update profile", err)
}

// SetPassword changes a user's password and ends every other session of theirs and every
// outstanding reset link, in one transaction.
func (s *Store) SetPassword(ctx context.Context, userID, passwordHash string, keepSession []byte) error {
	return wrap("set password", s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = $2, password_changed_at = now() WHERE id = $1`, userID, passwordHash); err != nil {
			return err
		}
		if err := revokePasswordResets(ctx, tx, userID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id_hash IS DISTINCT FROM $2`, userID, keepSession)
		return err
	}))
}

// SetSiteAdmin grants or withdraws site administration.
func (s *Store) SetSiteAdmin(ctx context.Context, userID string, admin bool) error {
	_, err := s.db.Exec(ctx, `UPDATE users SET site_admin = $2 WHERE id = $1`, userID, admin)
	return wrap("set site admin", err)
}

const membershipCols = `o.id, o.name, o.created_at, o.require_two_factor, m.role, m.created_at, ` + userCols

func scanMembership(row pgx.Row) (account.Membership, error) {
	var m account.Membership
	err := row.Scan(&m.Organisation.ID, &m.Organisation.Name, &m.Organisation.CreatedAt, &m.Organisation.RequireTwoFactor, &m.Role, &m.CreatedAt,
		&m.User.ID, &m.User.Email, &m.User.Name, &m.User.SiteAdmin, &m.User.Lang, &m.User.CreatedAt, &m.User.PasswordChangedAt, &m.User.TwoFactor)
	return m, err
}

func collectMemberships(rows pgx.Rows, err error) ([]account.Membership, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (account.Membership, error) { return scanMembership(r) })
}

// Membership returns userID's membership of orgID: ErrNotFound when they are not a member.
func (s *Store) Membership(ctx context.Context, orgID, userID string) (account.Membership, error) {
	m, err := scanMembership(s.db.QueryRow(ctx, `SELECT `+membershipCols+`
		FROM memberships m JOIN organisations o ON o.id = m.organisation_id JOIN users u ON u.id = m.user_id
		WHERE m.organisation_id = $1 AND m.user_id = $2`, orgID, userID))
	return m, wrap("membership", err)
}

// Memberships lists the organisations a user belongs to, by name.
func (s *Store) Memberships(ctx context.Context, userID string) ([]account.Membership, error) {
	ms, err := collectMemberships(s.db.Query(ctx, `SELECT `+membershipCols+`
		FROM memberships m JOIN organisations o ON o.id = m.organisation_id JOIN users u ON u.id = m.user_id
		WHERE m.user_id = $1 ORDER BY lower(o.name), o.id`, userID))
	return ms, wrap("memberships", err)
}

// Members lists an organisation's members, by name.
func (s *Store) Members(ctx context.Context, orgID string) ([]account.Membership, error) {
	ms, err := collectMemberships(s.db.Query(ctx, `SELECT `+membershipCols+`
		FROM memberships m JOIN organisations o ON o.id = m.organisation_id JOIN users u ON u.id = m.user_id
		WHERE m.organisation_id = $1 ORDER BY lower(u.name), u.id`, orgID))
	return ms, wrap("members", err)
}

// lockOwners locks the organisation's memberships and tells how many owners it has, so that two
// concurrent changes cannot both remove "the other" last owner.
func lockOwners(ctx context.Context, tx pgx.Tx, orgID string) (int, error) {
	rows, err := tx.Query(ctx, `SELECT role FROM memberships WHERE organisation_id = $1 FOR UPDATE`, orgID)
	if err != nil {
		return 0, err
	}
	roles, err := pgx.CollectRows(rows, pgx.RowTo[string])
	n := 0
	for _, r := range roles {
		if r == string(account.Owner) {
			n++
		}
	}
	return n, err
}

// ChangeRole changes a member's role; the last owner cannot stop being one.
func (s *Store) ChangeRole(ctx context.Context, orgID, userID string, role account.Role) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		owners, err := lockOwners(ctx, tx, orgID)
		if err != nil {
			return wrap("change role", err)
		}
		var old string
		if err := tx.QueryRow(ctx, `SELECT role FROM memberships WHERE organisation_id = $1 AND user_id = $2`, orgID, userID).Scan(&old); err != nil {
			return wrap("change role", err)
		}
		if old == string(account.Owner) && role != account.Owner && owners <= 1 {
			return account.ErrLastOwner
		}
		_, err = tx.Exec(ctx, `UPDATE memberships SET role = $3 WHERE organisation_id = $1 AND user_id = $2`, orgID, userID, role)
		return wrap("change role", err)
	})
}

// RemoveMember removes a member; the last owner cannot be removed. Their sessions lose access at
// once, since every request checks the membership.
func (s *Store) RemoveMember(ctx context.Context, orgID, userID string) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		owners, err := lockOwners(ctx, tx, orgID)
		if err != nil {
			return wrap("remove member", err)
		}
		var role string
		if err := tx.QueryRow(ctx, `DELETE FROM memberships WHERE organisation_id = $1 AND user_id = $2 RETURNING role`, orgID, userID).Scan(&role); err != nil {
			return wrap("remove member", err)
		}
		if role == string(account.Owner) && owners <= 1 {
			return account.ErrLastOwner
		}
		return nil
	})
}

// CreateInvitation records an invitation whose token's hash is tokenHash.
func (s *Store) CreateInvitation(ctx context.Context, orgID, createdBy, email string, role account.Role, tokenHash []byte, ttl time.Duration) error {
	_, err := s.db.Exec(ctx, `INSERT INTO invitations (organisation_id, token_hash, email, role, created_by, expires_at)
		VALUES ($1, $2, $3, $4, nullif($5, '')::uuid, now() + $6::interval)`, orgID, tokenHash, NormaliseEmail(email), role, createdBy, fmt.Sprintf("%d seconds", int(ttl.Seconds())))
	return wrap("create invitation", err)
}

const invitationCols = `i.id, o.id, o.name, o.created_at, i.email, i.role, coalesce(c.name, ''), i.created_at, i.expires_at, i.accepted_at, i.revoked_at`

func scanInvitation(row pgx.Row) (account.Invitation, error) {
	var i account.Invitation
	err := row.Scan(&i.ID, &i.Organisation.ID, &i.Organisation.Name, &i.Organisation.CreatedAt, &i.Email, &i.Role,
		&i.CreatedBy, &i.CreatedAt, &i.ExpiresAt, &i.AcceptedAt, &i.RevokedAt)
	return i, err
}

const invitationFrom = ` FROM invitations i JOIN organisations o ON o.id = i.organisation_id LEFT JOIN users c ON c.id = i.created_by `

// Invitations lists an organisation's invitations still pending, newest first.
func (s *Store) Invitations(ctx context.Context, orgID string) ([]account.Invitation, error) {
	rows, err := s.db.Query(ctx, `SELECT `+invitationCols+invitationFrom+`
		WHERE i.organisation_id = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()
		ORDER BY i.created_at DESC`, orgID)
	if err != nil {
		return nil, wrap("invitations", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (account.Invitation, error) { return scanInvitation(r) })
	return list, wrap("invitations", err)
}

// InvitationByToken returns the pending invitation of a token: ErrInvalidToken otherwise.
func (s *Store) InvitationByToken(ctx context.Context, tokenHash []byte) (account.Invitation, error) {
	i, err := scanInvitation(s.db.QueryRow(ctx, `SELECT `+invitationCols+invitationFrom+`
		WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()`, tokenHash))
	if errors.Is(err, pgx.ErrNoRows) {
		return i, account.ErrInvalidToken
	}
	return i, wrap("invitation by token", err)
}

// AcceptInvitation makes userID a member with the invitation's role and uses the invitation up,
// in one transaction. A current member keeps their role and the invitation is used up anyway.
func (s *Store) AcceptInvitation(ctx context.Context, tokenHash []byte, userID string) (account.Invitation, error) {
	var inv account.Invitation
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		inv, err = acceptInvitation(ctx, tx, tokenHash, userID)
		return err
	})
	if errors.Is(err, account.ErrInvalidToken) || errors.Is(err, account.ErrAlreadyMember) {
		return inv, err
	}
	return inv, wrap("accept invitation", err)
}

// SignUpInvited creates a user and makes them a member of the organisation that invited them, in
// one transaction: no organisation of their own. account.ErrInvalidToken when the invitation is not
// valid, account.ErrEmailTaken when the address has an account (then nothing is written and the
// invitation stays valid).
func (s *Store) SignUpInvited(ctx context.Context, tokenHash []byte, email, name, passwordHash, lang string) (account.User, account.Invitation, error) {
	var u account.User
	var inv account.Invitation
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		u, err = scanUser(tx.QueryRow(ctx, `INSERT INTO users AS u (email, name, password_hash, lang)
			VALUES ($1, $2, $3, $4) RETURNING `+userCols, NormaliseEmail(email), name, passwordHash, lang))
		if err != nil {
			return err
		}
		inv, err = acceptInvitation(ctx, tx, tokenHash, u.ID)
		return err
	})
	if errors.Is(err, account.ErrInvalidToken) {
		return u, inv, err
	}
	if err = wrap("sign up invited", err); errors.Is(err, ErrConflict) {
		return u, inv, account.ErrEmailTaken
	}
	return u, inv, err
}

func acceptInvitation(ctx context.Context, tx pgx.Tx, tokenHash []byte, userID string) (account.Invitation, error) {
	inv, err := scanInvitation(tx.QueryRow(ctx, `SELECT `+invitationCols+invitationFrom+`
		WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()
		FOR UPDATE OF i`, tokenHash))
	if errors.Is(err, pgx.ErrNoRows) {
		return inv, account.ErrInvalidToken
	}
	if err != nil {
		return inv, err
	}
	if _, err := tx.Exec(ctx, `UPDATE invitations SET accepted_at = now(), accepted_by = $2 WHERE id = $1`, inv.ID, userID); err != nil {
		return inv, err
	}
	tag, err := tx.Exec(ctx, `INSERT INTO memberships (organisation_id, user_id, role) VALUES ($1, $2, $3)
		ON CONFLICT (organisation_id, user_id) DO NOTHING`, inv.Organisation.ID, userID, inv.Role)
	if err == nil && tag.RowsAffected() == 0 {
		return inv, account.ErrAlreadyMember
	}
	return inv, err
}

// RevokeInvitation withdraws a pending invitation of orgID.
func (s *Store) RevokeInvitation(ctx context.Context, orgID, invitationID string) error {
	tag, err := s.db.Exec(ctx, `UPDATE invitations SET revoked_at = now()
		WHERE id = $1 AND organisation_id = $2 AND accepted_at IS NULL AND revoked_at IS NULL`, invitationID, orgID)
	if err == nil && tag.RowsAffected() == 0 {
		err = pgx.ErrNoRows
	}
	return wrap("revoke invitation", err)
}

// CreatePasswordReset records a single-use password reset token for userID. It is the user's only
// valid link: every link issued before it stops working, in the same transaction.
func (s *Store) CreatePasswordReset(ctx context.Context, userID string, tokenHash []byte, ttl time.Duration) error {
	return wrap("create password reset", s.tx(ctx, func(tx pgx.Tx) error {
		if err := revokePasswordResets(ctx, tx, userID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO password_resets (token_hash, user_id, expires_at)
			VALUES ($1, $2, now() + $3::interval)`, tokenHash, userID, fmt.Sprintf("%d seconds", int(ttl.Seconds())))
		return err
	}))
}

// revokePasswordResets ends every outstanding reset link of a user: a new link, a used link and a
// password change each leave no older link usable.
func revokePasswordResets(ctx context.Context, tx pgx.Tx, userID string) error {
	_, err := tx.Exec(ctx, `DELETE FROM password_resets WHERE user_id = $1 AND used_at IS NULL`, userID)
	return err
}

// PasswordResetUser returns the user a valid reset token belongs to: ErrInvalidToken otherwise.
func (s *Store) PasswordResetUser(ctx context.Context, tokenHash []byte) (account.User, error) {
	u, err := scanUser(s.db.QueryRow(ctx, `SELECT `+userCols+` FROM password_resets r JOIN users u ON u.id = r.user_id
		WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > now() AND r.created_at >= u.password_changed_at`, tokenHash))
	if errors.Is(err, pgx.ErrNoRows) {
		return u, account.ErrInvalidToken
	}
	return u, wrap("password reset", err)
}

// ResetPassword uses a reset token up, sets the new password and ends all the user's sessions, in one
// transaction.
func (s *Store) ResetPassword(ctx context.Context, tokenHash []byte, passwordHash string) (account.User, error) {
	var u account.User
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var userID string
		err := tx.QueryRow(ctx, `UPDATE password_resets r SET used_at = now() FROM users u
			WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > now() AND u.id = r.user_id
			AND r.created_at >= u.password_changed_at RETURNING r.user_id`, tokenHash).Scan(&userID)
		if errors.Is(err, pgx.ErrNoRows) {
			return account.ErrInvalidToken
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = $2, password_changed_at = now() WHERE id = $1`, userID, passwordHash); err != nil {
			return err
		}
		if err := revokePasswordResets(ctx, tx, userID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM auth_throttle WHERE key = 'account:' || (SELECT email FROM users WHERE id = $1)`, userID); err != nil {
			return err
		}
		u, err = scanUser(tx.QueryRow(ctx, `SELECT `+userCols+` FROM users u WHERE u.id = $1`, userID))
		return err
	})
	if errors.Is(err, account.ErrInvalidToken) {
		return u, err
	}
	return u, wrap("reset password", err)
}

// Audit records an action.
func (s *Store) Audit(ctx context.Context, e account.AuditEntry) error {
	details, err := json.Marshal(e.Details)
	if err != nil {
		return fmt.Errorf("postgres: audit: %w", err)
	}
	_, err = s.db.Exec(ctx, `INSERT INTO audit_log (actor_id, organisation_id, action, details, ip)
		VALUES (nullif($1, '')::uuid, nullif($2, '')::uuid, $3, $4, $5)`, e.ActorID, e.OrganisationID, e.Action, details, e.IP)
	return wrap("audit", err)
}

// AuditLog lists the latest entries, of one organisation or (orgID empty) of the whole instance,
// with the names of the organisation and of the user and assessment the details refer to (an
// assessment only within the entry's organisation).
func (s *Store) AuditLog(ctx context.Context, orgID string, limit int) ([]account.AuditEntry, error) {
	rows, err := s.db.Query(ctx, `SELECT a.at, coalesce(a.actor_id::text, ''), coalesce(u.name, ''), coalesce(a.organisation_id::text, ''),
		a.action, a.details, a.ip, coalesce(o.name, ''), coalesce(du.name, ''), coalesce(da.system_name, '')
		FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
		LEFT JOIN organisations o ON o.id = a.organisation_id
		LEFT JOIN users du ON du.id::text = a.details->>'user'
		LEFT JOIN assessments da ON da.id::text = a.details->>'assessment' AND da.organisation_id = a.organisation_id
		WHERE ($1 = '' OR a.organisation_id = nullif($1, '')::uuid)
		ORDER BY a.at DESC, a.id DESC LIMIT $2`, orgID, limit)
	if err != nil {
		return nil, wrap("audit log", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (account.AuditEntry, error) {
		var e account.AuditEntry
		var user, assessment string
		err := r.Scan(&e.At, &e.ActorID, &e.ActorName, &e.OrganisationID, &e.Action, &e.Details, &e.IP, &e.OrganisationName, &user, &assessment)
		e.Names = map[string]string{}
		if user != "" {
			e.Names["user"] = user
		}
		if assessment != "" {
			e.Names["assessment"] = assessment
		}
		return e, err
	})
	return list, wrap("audit log", err)
}

// AllOrganisations lists every organisation of the instance (site administrators only).
func (s *Store) AllOrganisations(ctx context.Context) ([]account.OrganisationSummary, error) {
	rows, err := s.db.Query(ctx, `SELECT o.id, o.name, o.created_at, count(m.user_id)
		FROM organisations o LEFT JOIN memberships m ON m.organisation_id = o.id
		GROUP BY o.id ORDER BY lower(o.name), o.id`)
	if err != nil {
		return nil, wrap("all organisations", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (account.OrganisationSummary, error) {
		var o account.OrganisationSummary
		err := r.Scan(&o.ID, &o.Name, &o.CreatedAt, &o.Members)
		return o, err
	})
	return list, wrap("all organisations", err)
}

// Organisation returns an organisation by ID, with its settings (callers check membership first:
// site administrators, or a member's own organisation).
func (s *Store) Organisation(ctx context.Context, orgID string) (account.Organisation, error) {
	var o account.Organisation
	err := s.db.QueryRow(ctx, `SELECT id, name, created_at, allow_self_approval, require_two_factor, sso_required, coalesce(join_domain, ''), join_role
		FROM organisations WHERE id = $1`, orgID).
		Scan(&o.ID, &o.Name, &o.CreatedAt, &o.AllowSelfApproval, &o.RequireTwoFactor, &o.RequireSSO, &o.JoinDomain, &o.JoinRole)
	return o, wrap("organisation", err)
}

// OrganisationSettings are what an owner changes on the organisation settings page.
type OrganisationSettings struct {
	Name              string
	AllowSelfApproval bool
	RequireTwoFactor  bool
	RequireSSO        bool
	JoinDomain        string       // e-mail domain whose people join by single sign-on; "" for none
	JoinRole          account.Role // their role
}

// UpdateOrganisation changes an organisation's settings in one transaction and returns them as
// they were just before, so that the caller records exactly what changed.
func (s *Store) UpdateOrganisation(ctx context.Context, orgID string, set OrganisationSettings) (OrganisationSettings, error) {
	var old OrganisationSettings
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT name, allow_self_approval, require_two_factor, sso_required, coalesce(join_domain, ''), join_role
			FROM organisations WHERE id = $1 FOR UPDATE`, orgID).
			Scan(&old.Name, &old.AllowSelfApproval, &old.RequireTwoFactor, &old.RequireSSO, &old.JoinDomain, &old.JoinRole); err != nil {
			return err
		}
		if set.JoinRole == "" {
			set.JoinRole = old.JoinRole
		}
		_, err := tx.Exec(ctx, `UPDATE organisations SET name = $2, allow_self_approval = $3, require_two_factor = $4, sso_required = $5,
			join_domain = nullif($6, ''), join_role = $7 WHERE id = $1`,
			orgID, set.Name, set.AllowSelfApproval, set.RequireTwoFactor, set.RequireSSO, set.JoinDomain, set.JoinRole)
		return err
	})
	return old, wrap("update organisation", err)
}

// initSettings writes each default setting the database does not hold yet.
func (s *Store) initSettings(ctx context.Context, d Defaults) error {
	_, err := s.db.Exec(ctx, `INSERT INTO instance_settings (key, value) VALUES ('signup_open', to_jsonb($1::boolean))
		ON CONFLICT (key) DO NOTHING`, d.SignupOpen)
	return wrap("init settings", err)
}

// SignupOpen reports whether public sign-up is open. The setting is written when the database is
// prepared (Prepare); a database that somehow lacks it keeps sign-up closed.
func (s *Store) SignupOpen(ctx context.Context) (bool, error) {
	var open bool
	err := s.db.QueryRow(ctx, `SELECT value::boolean FROM instance_settings WHERE key = 'signup_open'`).Scan(&open)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return open, wrap("signup open", err)
}

// SetSignupOpen opens or closes public sign-up.
func (s *Store) SetSignupOpen(ctx context.Context, open bool) error {
	_, err := s.db.Exec(ctx, `INSERT INTO instance_settings (key, value) VALUES ('signup_open', to_jsonb($1::boolean))
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()`, open)
	return wrap("set signup open", err)
}
