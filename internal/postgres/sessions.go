package postgres

import (
	"context"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"aigrid/internal/account"
)

// SessionRow is a stored session.
type SessionRow struct {
	UserID     string // empty for an anonymous session
	Data       map[string]string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time

	// Filled by LoadSession, read in the same query: the signed-in user (nil when anonymous or
	// the user is gone) and, when an organisation was asked for, their membership of it (nil when
	// they are not a member).
	User       *account.User
	Membership *account.Membership
}

// PageRead asks LoadSession for one assessment of the session's organisation, read in the same
// round trip as the session: the page's reads (AssessmentWith's), sent before anyone knows
// whose session it is. Each of them returns rows only if the session is live and its user is a
// member of the organisation.
type PageRead struct {
	ID    string // the assessment
	Reads Reads

	View  AssessmentView // filled by LoadSession
	Found bool           // the assessment exists in the organisation and the session's user is a member
}

// LoadSession returns a live session: not past its absolute expiry and seen within idle. With
// its user and, if orgID is a well-formed ID, the user's membership of orgID: one round trip for
// everything a request needs to know about who is asking. When page is not nil (and both IDs
// are well formed), the page's assessment is read in that round trip too.
func (s *Store) LoadSession(ctx context.Context, idHash []byte, idle time.Duration, orgID string, page *PageRead) (SessionRow, error) {
	var org *string
	if isUUID(orgID) {
		org = &orgID
	}
	// every column is NOT NULL (the user and the membership say whether they were found): rows
	// scan straight into their fields, with no pointer to allocate and follow per column
	const q = `SELECT coalesce(s.user_id::text, ''), s.data, s.created_at, s.last_seen_at, s.expires_at,
			u.id IS NOT NULL, coalesce(u.id::text, ''), coalesce(u.email, ''), coalesce(u.name, ''), coalesce(u.site_admin, false),
			coalesce(u.lang, ''), coalesce(u.created_at, 'epoch'), coalesce(u.password_changed_at, 'epoch'), u.totp_enabled_at IS NOT NULL,
			m.role IS NOT NULL, coalesce(o.id::text, ''), coalesce(o.name, ''), coalesce(o.created_at, 'epoch'), coalesce(m.role, ''),
			coalesce(m.created_at, 'epoch'), coalesce(o.require_two_factor, false), coalesce(o.sso_required, false)
		FROM sessions s
		LEFT JOIN users u ON u.id = s.user_id
		LEFT JOIN memberships m ON m.user_id = s.user_id AND m.organisation_id = $3::uuid
		LEFT JOIN organisations o ON o.id = m.organisation_id
		WHERE s.id_hash = $1 AND s.expires_at > now() AND s.last_seen_at > now() - $2::interval`
	args := []any{idHash, fmt.Sprintf("%d seconds", int(idle.Seconds())), org}
	if page == nil || org == nil || !isUUID(page.ID) {
		r, err := scanSession(s.db.QueryRow(ctx, q, args...))
		return r, wrap("load session", err)
	}
	var r SessionRow
	found := false
	b := &pgx.Batch{}
	b.Queue(q, args...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var err error
			if r, err = scanSession(rows); err != nil {
				return err
			}
			found = true
		}
		return rows.Err()
	})
	page.View, page.Found = AssessmentView{}, false
	queueAssessment(b, orgID, page.ID, page.Reads, reader{session: idHash}, &page.View, &page.Found)
	err := s.db.SendBatch(ctx, b).Close()
	if err == nil && !found {
		err = ErrNotFound
	}
	if err != nil || r.Membership == nil || !page.Found {
		page.View, page.Found = AssessmentView{}, false
	}
	return r, wrap("load session", err)
}

// scanSession scans a row of LoadSession's query.
func scanSession(row pgx.Row) (SessionRow, error) {
	var r SessionRow
	var u account.User
	var m account.Membership
	var role string
	var hasUser, hasMembership bool
	err := row.Scan(&r.UserID, &r.Data, &r.CreatedAt, &r.LastSeenAt, &r.ExpiresAt,
		&hasUser, &u.ID, &u.Email, &u.Name, &u.SiteAdmin, &u.Lang, &u.CreatedAt, &u.PasswordChangedAt, &u.TwoFactor,
		&hasMembership, &m.Organisation.ID, &m.Organisation.Name, &m.Organisation.CreatedAt, &role, &m.CreatedAt,
		&m.Organisation.RequireTwoFactor, &m.Organisation.RequireSSO)
	if err == nil && hasUser {
		r.User = &u
		if hasMembership {
			m.User, m.Role = u, account.Role(role)
			r.Membership = &m
		}
	}
	return r, err
}

// isUUID reports whether s is a UUID in its canonical text form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		default:
			return false
		}
	}
	return true
}

// CreateSession stores a new session, seen now.
func (s *Store) CreateSession(ctx context.Context, idHash []byte, r SessionRow, userAgent, ip string) error {
	if r.Data == nil {
		r.Data = map[string]string{}
	}
	_, err := s.db.Exec(ctx, `INSERT INTO sessions (id_hash, user_id, data, expires_at, user_agent, ip)
		VALUES ($1, nullif($2, '')::uuid, $3, $4, left($5, 300), $6)`,
		idHash, r.UserID, r.Data, r.ExpiresAt, userAgent, ip)
	return wrap("create session", err)
}

// UpdateSession changes a live session's values and marks it seen now. A session that was ended
// meanwhile (signed out, revoked, password changed) is not brought back: ErrNotFound.
func (s *Store) UpdateSession(ctx context.Context, idHash []byte, r SessionRow) error {
	if r.Data == nil {
		r.Data = map[string]string{}
	}
	tag, err := s.db.Exec(ctx, `UPDATE sessions SET user_id = nullif($2, '')::uuid, data = $3, last_seen_at = now()
		WHERE id_hash = $1 AND expires_at > now()`, idHash, r.UserID, r.Data)
	if err == nil && tag.RowsAffected() == 0 {
		err = pgx.ErrNoRows
	}
	return wrap("update session", err)
}

// ExpiredSessionUser returns the user of a signed-in session that ended by expiring (not by signing
// out or being revoked: those rows are deleted), within the grace period DeleteExpired keeps them.
func (s *Store) ExpiredSessionUser(ctx context.Context, idHash []byte) (string, error) {
	var userID string
	err := s.db.QueryRow(ctx, `SELECT user_id::text FROM sessions WHERE id_hash = $1 AND user_id IS NOT NULL`, idHash).Scan(&userID)
	return userID, wrap("expired session user", err)
}

// ExpiredGrace is how long an expired session row is kept after it stops working, so that answers
// submitted just after expiry can be handed back to the same user once they sign in again.
const ExpiredGrace = 7 * 24 * time.Hour

// TouchSession marks a session seen now (sliding idle timeout).
func (s *Store) TouchSession(ctx context.Context, idHash []byte) error {
	_, err := s.db.Exec(ctx, `UPDATE sessions SET last_seen_at = now() WHERE id_hash = $1`, idHash)
	return wrap("touch session", err)
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, idHash []byte) error {
	_, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash)
	return wrap("delete session", err)
}

// UserSessions lists a user's live sessions, most recent first; current marks the caller's.
func (s *Store) UserSessions(ctx context.Context, userID string, current []byte, idle time.Duration) ([]account.SessionInfo, error) {
	rows, err := s.db.Query(ctx, `SELECT id_hash, created_at, last_seen_at, user_agent, ip FROM sessions
		WHERE user_id = $1 AND expires_at > now() AND last_seen_at > now() - $2::interval
		ORDER BY last_seen_at DESC`, userID, fmt.Sprintf("%d seconds", int(idle.Seconds())))
	if err != nil {
		return nil, wrap("user sessions", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (account.SessionInfo, error) {
		var si account.SessionInfo
		var h []byte
		err := r.Scan(&h, &si.CreatedAt, &si.LastSeenAt, &si.UserAgent, &si.IP)
		si.ID = hex.EncodeToString(h)
		si.Current = string(h) == string(current)
		return si, err
	})
	return list, wrap("user sessions", err)
}

// DeleteUserSession ends one of userID's sessions, by the handle UserSessions gave.
func (s *Store) DeleteUserSession(ctx context.Context, userID, handle string) error {
	h, err := hex.DecodeString(handle)
	if err != nil {
		return fmt.Errorf("postgres: delete user session: %w", ErrNotFound)
	}
	tag, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id_hash = $2`, userID, h)
	if err == nil && tag.RowsAffected() == 0 {
		err = pgx.ErrNoRows
	}
	return wrap("delete user session", err)
}

// DeleteExpired removes sessions that expired (past their lifetime or idle for longer than idle) more
// than ExpiredGrace ago, and sign-in throttling records that no longer block anything, in one
// transaction.
func (s *Store) DeleteExpired(ctx context.Context, idle time.Duration) (int64, error) {
	var n int64
	err := s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= now() - $2::interval OR last_seen_at <= now() - $1::interval - $2::interval`,
			fmt.Sprintf("%d seconds", int(idle.Seconds())), fmt.Sprintf("%d seconds", int(ExpiredGrace.Seconds())))
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		tag, err = tx.Exec(ctx, `DELETE FROM auth_throttle WHERE coalesce(blocked_until, window_start) < now() - interval '1 day'`)
		n += tag.RowsAffected()
		return err
	})
	return n, wrap("delete expired", err)
}

// ThrottlePolicy says when failures block a key and for how long.
type ThrottlePolicy struct {
	Threshold int           // failures within Window before blocking starts
	Window    time.Duration // failures older than this are forgotten
	Base      time.Duration // first block; doubles with each further failure
	Max       time.Duration // longest block
}

// Throttle is a key with the policy it is counted under ("ip:…" or "account:…").
type Throttle struct {
	Key    string
	Policy ThrottlePolicy
}

// Attempt counts an attempt against every key before it is made, and reports until when the
// attempt is refused (zero: go ahead). The keys' rows are locked in one transaction, so parallel
// attempts are counted one after the other and no burst gets past the threshold: the attempt that
// reaches a key's threshold starts its block at once, before its outcome is known. A refused
// attempt counts nothing. After a successful attempt the caller calls Forget for the keys to
// clear and Refund for the others.
func (s *Store) Attempt(ctx context.Context, keys ...Throttle) (time.Time, error) {
	keys = slices.Clone(keys)
	// lock rows in one order, so two attempts sharing keys cannot deadlock
	slices.SortFunc(keys, func(a, b Throttle) int { return strings.Compare(a.Key, b.Key) })
	var until time.Time
	err := s.tx(ctx, func(tx pgx.Tx) error {
		type row struct {
			failures    int
			windowStart time.Time
			blocked     *time.Time
		}
		var now time.Time
		rows := make([]row, len(keys))
		for i, k := range keys {
			if _, err := tx.Exec(ctx, `INSERT INTO auth_throttle (key, failures, window_start) VALUES ($1, 0, now()) ON CONFLICT (key) DO NOTHING`, k.Key); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, `SELECT failures, window_start, blocked_until, now() FROM auth_throttle WHERE key = $1 FOR UPDATE`, k.Key).
				Scan(&rows[i].failures, &rows[i].windowStart, &rows[i].blocked, &now); err != nil {
				return err
			}
			if b := rows[i].blocked; b != nil && b.After(now) && b.After(until) {
				until = *b
			}
		}
		if !until.IsZero() {
			return nil // refused: nothing counted
		}
		for i, k := range keys {
			r := rows[i]
			if r.windowStart.Before(now.Add(-k.Policy.Window)) {
				r.failures, r.windowStart = 0, now
			}
			r.failures++
			var blocked *time.Time
			if r.failures >= k.Policy.Threshold {
				b := now.Add(k.Policy.backoff(r.failures))
				blocked = &b
			}
			if _, err := tx.Exec(ctx, `UPDATE auth_throttle SET failures = $2, window_start = $3, blocked_until = $4 WHERE key = $1`,
				k.Key, r.failures, r.windowStart, blocked); err != nil {
				return err
			}
		}
		return nil
	})
	return until, wrap("throttle attempt", err)
}

// backoff is how long a key is blocked after its nth failure in a window (n >= Threshold): Base,
// doubled for each failure past the threshold, at most Max.
func (p ThrottlePolicy) backoff(n int) time.Duration {
	d := p.Base
	for i := p.Threshold; i < n && d < p.Max; i++ {
		d *= 2
	}
	return min(d, p.Max)
}

// Refund takes back an attempt that succeeded: it no longer counts towards key's threshold, and
// a block it started is lifted if the remaining failures are under the threshold.
func (s *Store) Refund(ctx context.Context, k Throttle) error {
	_, err := s.db.Exec(ctx, `UPDATE auth_throttle SET failures = greatest(failures - 1, 0),
			blocked_until = CASE WHEN failures - 1 >= $2 THEN blocked_until END
		WHERE key = $1`, k.Key, k.Policy.Threshold)
	return wrap("throttle refund", err)
}

// Forget clears the failures of key (an account after a successful sign-in).
func (s *Store) Forget(ctx context.Context, key string) error {
	_, err := s.db.Exec(ctx, `DELETE FROM auth_throttle WHERE key = $1`, key)
	return wrap("throttle forget", err)
}
