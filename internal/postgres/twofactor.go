package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"aigrid/internal/account"
)

// TwoFactor is a user's second factor as stored: the sealed TOTP secret and the time step of the
// last code accepted.
type TwoFactor struct {
	SealedSecret []byte
	LastStep     int64
	Recovery     int // recovery codes left
}

// EnableTwoFactor stores a user's TOTP secret (sealed) and the hashes of their recovery codes,
// replacing any earlier ones, in one transaction. firstStep is the step of the code that proved the
// enrolment, so that code cannot be used again to sign in.
func (s *Store) EnableTwoFactor(ctx context.Context, userID string, sealed []byte, firstStep int64, recoveryHashes [][]byte) error {
	return wrap("enable two-factor", s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET totp_secret = $2, totp_enabled_at = now(), totp_last_step = $3 WHERE id = $1`,
			userID, sealed, firstStep); err != nil {
			return err
		}
		return replaceRecoveryCodes(ctx, tx, userID, recoveryHashes)
	}))
}

func replaceRecoveryCodes(ctx context.Context, tx pgx.Tx, userID string, hashes [][]byte) error {
	if _, err := tx.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO recovery_codes (user_id, code_hash) SELECT $1, unnest($2::bytea[])`, userID, hashes)
	return err
}

// ReplaceRecoveryCodes gives a user with two-step sign-in a new set of recovery codes; the old
// ones stop working.
func (s *Store) ReplaceRecoveryCodes(ctx context.Context, userID string, hashes [][]byte) error {
	return wrap("replace recovery codes", s.tx(ctx, func(tx pgx.Tx) error {
		return replaceRecoveryCodes(ctx, tx, userID, hashes)
	}))
}

// DisableTwoFactor removes a user's second factor and recovery codes.
func (s *Store) DisableTwoFactor(ctx context.Context, userID string) error {
	return wrap("disable two-factor", s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = 0 WHERE id = $1`, userID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID)
		return err
	}))
}

// TwoFactorOf returns a user's second factor; ErrNotFound when none is set up.
func (s *Store) TwoFactorOf(ctx context.Context, userID string) (TwoFactor, error) {
	var t TwoFactor
	err := s.db.QueryRow(ctx, `SELECT u.totp_secret, u.totp_last_step,
			(SELECT count(*) FROM recovery_codes r WHERE r.user_id = u.id AND r.used_at IS NULL)
		FROM users u WHERE u.id = $1 AND u.totp_enabled_at IS NOT NULL`, userID).Scan(&t.SealedSecret, &t.LastStep, &t.Recovery)
	return t, wrap("two-factor", err)
}

// UseTOTPStep records that the code of step was accepted. It fails with ErrBadCode if a code of
// that step or a later one was accepted meanwhile: two requests cannot both use one code.
func (s *Store) UseTOTPStep(ctx context.Context, userID string, step int64) error {
	tag, err := s.db.Exec(ctx, `UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_enabled_at IS NOT NULL AND totp_last_step < $2`, userID, step)
	if err != nil {
		return wrap("use TOTP step", err)
	}
	if tag.RowsAffected() == 0 {
		return account.ErrBadCode
	}
	return nil
}

// UseRecoveryCode spends one recovery code: ErrBadCode if it is unknown or already used.
func (s *Store) UseRecoveryCode(ctx context.Context, userID string, hash []byte) error {
	tag, err := s.db.Exec(ctx, `UPDATE recovery_codes SET used_at = now() WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`, userID, hash)
	if err != nil {
		return wrap("use recovery code", err)
	}
	if tag.RowsAffected() == 0 {
		return account.ErrBadCode
	}
	return nil
}

// RequiresTwoFactor reports whether any organisation of the user requires two-step sign-in.
func (s *Store) RequiresTwoFactor(ctx context.Context, userID string) (bool, error) {
	var req bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM memberships m JOIN organisations o ON o.id = m.organisation_id
		WHERE m.user_id = $1 AND o.require_two_factor)`, userID).Scan(&req)
	return req, wrap("requires two-factor", err)
}
