package server

import (
	"context"
	"crypto/rand"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"aigrid/internal/account"
	"aigrid/internal/i18n"
	"aigrid/internal/postgres"
)

// Session lifetimes: a session ends after SessionIdle without activity, and after SessionLifetime
// whatever happens.
const (
	SessionIdle     = 8 * time.Hour
	SessionLifetime = 30 * 24 * time.Hour
	sessionCookie   = "aigrid_session"
	touchEvery      = time.Minute
)

// Session value keys. Only strings are stored.
const (
	keyUserID = "user_id"
	// answers submitted after the session expired, put back in the form after signing in
	keyStash     = "stash"
	keyStashPath = "stash_path"
	keyStashUser = "stash_user" // whose answers they are: only that user gets them back
)

// Values loaded with the session, kept for the request only (keys starting with '_' are not stored).
const (
	valUser       = "_user"       // *account.User, nil when nobody (or a deleted user) is signed in
	valMembership = "_membership" // loadedMembership
)

// loadedMembership is the signed-in user's membership of org as loaded with the session (m nil:
// not a member).
type loadedMembership struct {
	org string
	m   *account.Membership
}

// errSessionEnded: the session was ended while the request was in flight; it is not brought back.
var errSessionEnded = errors.New("session ended meanwhile")

// sessionStore is a gorilla/sessions Store backed by PostgreSQL: the cookie carries only a signed,
// random session ID; values live in the sessions table under the ID's hash, so logging out,
// changing a password or revoking a session ends it server-side.
type sessionStore struct {
	st     *postgres.Store
	codec  *securecookie.SecureCookie
	secure bool
}

func newSessionStore(st *postgres.Store, key []byte, secure bool) *sessionStore {
	codec := securecookie.New(key, nil)
	codec.MaxAge(int(SessionLifetime.Seconds()))
	codec.SetSerializer(securecookie.JSONEncoder{})
	return &sessionStore{st: st, codec: codec, secure: secure}
}

func (ss *sessionStore) options() *sessions.Options {
	return &sessions.Options{Path: "/", HttpOnly: true, Secure: ss.secure, SameSite: http.SameSiteLaxMode,
		MaxAge: int(SessionLifetime.Seconds())}
}

// Get returns the request's session, cached for the request.
func (ss *sessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(ss, name)
}

// New loads the session named by the request's cookie, or starts an empty one. A missing,
// tampered, expired or revoked cookie gives a new, anonymous session.
func (ss *sessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	s := sessions.NewSession(ss, name)
	s.Options = ss.options()
	s.IsNew = true
	c, err := r.Cookie(name)
	if err != nil {
		return s, nil
	}
	var id string
	if err := ss.codec.Decode(name, c.Value, &id); err != nil || id == "" {
		return s, nil
	}
	org := chi.URLParam(r, "org")
	page, _ := r.Context().Value(pageReadKey{}).(*postgres.PageRead)
	row, err := ss.st.LoadSession(r.Context(), postgres.TokenHash(id), SessionIdle, org, page)
	if errors.Is(err, postgres.ErrNotFound) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	s.ID, s.IsNew = id, false
	for k, v := range row.Data {
		s.Values[k] = v
	}
	s.Values[keyUserID] = row.UserID
	s.Values["_expires"] = row.ExpiresAt
	s.Values["_seen"] = row.LastSeenAt
	// read in the same query: who is signed in, and their membership of the route's organisation
	s.Values[valUser] = row.User
	s.Values[valMembership] = loadedMembership{org: org, m: row.Membership}
	return s, nil
}

// Save writes the session and its cookie; MaxAge < 0 deletes both.
func (ss *sessionStore) Save(r *http.Request, w http.ResponseWriter, s *sessions.Session) error {
	if s.Options.MaxAge < 0 {
		if s.ID != "" {
			if err := ss.st.DeleteSession(r.Context(), postgres.TokenHash(s.ID)); err != nil {
				return err
			}
		}
		http.SetCookie(w, sessions.NewCookie(s.Name(), "", s.Options))
		return nil
	}
	expires, _ := s.Values["_expires"].(time.Time)
	create := s.ID == "" || expires.IsZero()
	if create {
		s.ID = rand.Text() + rand.Text()
		expires = time.Now().Add(SessionLifetime)
		s.Values["_expires"] = expires
	}
	row := postgres.SessionRow{Data: map[string]string{}, ExpiresAt: expires}
	for k, v := range s.Values {
		ks, _ := k.(string)
		vs, _ := v.(string)
		switch {
		case ks == keyUserID:
			row.UserID = vs
		case ks != "" && ks[0] != '_' && vs != "":
			row.Data[ks] = vs
		}
	}
	// An existing session is only ever updated: if it was ended while this request was in flight
	// (signed out, revoked from another device, password changed), it stays ended.
	var err error
	if create {
		err = ss.st.CreateSession(r.Context(), postgres.TokenHash(s.ID), row, r.UserAgent(), clientIP(r))
	} else {
		err = ss.st.UpdateSession(r.Context(), postgres.TokenHash(s.ID), row)
	}
	if errors.Is(err, postgres.ErrNotFound) {
		return errSessionEnded
	}
	if err != nil {
		return err
	}
	encoded, err := ss.codec.Encode(s.Name(), s.ID)
	if err != nil {
		return err
	}
	opts := *s.Options
	opts.MaxAge = int(time.Until(expires).Seconds())
	http.SetCookie(w, sessions.NewCookie(s.Name(), encoded, &opts))
	return nil
}

// expiredUser returns the user whose signed-in session, named by the request's (validly signed)
// cookie, ended by expiring — or "" when the cookie is missing, forged, or its session was signed
// out or revoked.
func (ss *sessionStore) expiredUser(r *http.Request) string {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return ""
	}
	var id string
	if err := ss.codec.Decode(sessionCookie, c.Value, &id); err != nil || id == "" {
		return ""
	}
	u, err := ss.st.ExpiredSessionUser(r.Context(), postgres.TokenHash(id))
	if err != nil {
		return ""
	}
	return u
}

// rotate gives the session a new ID (on sign-in and privilege change), ending the old one, so a
// session ID known before signing in is worthless after.
func (ss *sessionStore) rotate(ctx context.Context, s *sessions.Session) error {
	if s.ID != "" {
		if err := ss.st.DeleteSession(ctx, postgres.TokenHash(s.ID)); err != nil {
			return err
		}
	}
	s.ID = ""
	delete(s.Values, "_expires")
	return nil
}

// clientIP is the peer address. Behind a reverse proxy it is the proxy's: throttling per IP then
// throttles the proxy, which is safe but coarse (see README).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type userKey struct{}

// auth is what the request knows about who is signed in.
type auth struct {
	session *sessions.Session
	user    *account.User
}

func authFrom(ctx context.Context) *auth {
	a, _ := ctx.Value(userKey{}).(*auth)
	return a
}

func currentUser(r *http.Request) *account.User {
	if a := authFrom(r.Context()); a != nil {
		return a.user
	}
	return nil
}

// loadSession attaches the session and the signed-in user (if any) to every request, and keeps the
// session's idle timer running.
func (s *Server) loadSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rc := chi.RouteContext(r.Context()); rc != nil {
			if reads, ok := s.pageReads[pageReadsKey(r.Method, rc.RoutePattern())]; ok {
				r = r.WithContext(context.WithValue(r.Context(), pageReadKey{}, &postgres.PageRead{ID: chi.URLParam(r, "a"), Reads: reads}))
			}
		}
		sess, err := s.sessions.Get(r, sessionCookie)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		a := &auth{session: sess}
		if id, _ := sess.Values[keyUserID].(string); id != "" {
			if u, _ := sess.Values[valUser].(*account.User); u != nil && u.ID == id {
				a.user = u
				// pages of a signed-in user describe their organisation's compliance gaps: never
				// kept by the browser or a shared cache
				w.Header().Set("Cache-Control", "no-store")
			}
			if seen, _ := sess.Values["_seen"].(time.Time); time.Since(seen) > touchEvery {
				if err := s.st.TouchSession(r.Context(), postgres.TokenHash(sess.ID)); err != nil {
					s.log.WarnContext(r.Context(), "touch session", "err", err)
				}
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, a)))
	})
}

// pageReadsKey names a route in Server.pageReads. chi gives a matched route's pattern without
// its trailing slash.
func pageReadsKey(method, pattern string) string {
	return method + " " + strings.TrimSuffix(pattern, "/")
}

// pageReadKey holds the request's *postgres.PageRead: its assessment, read with the session.
type pageReadKey struct{}

// pageAssessment reads the route's assessment ({a} of {org}, the member's organisation) with
// reads. The route declares them (readsPage), so they were sent with the session's query and
// cost no round trip of their own; otherwise, or when that read found nothing (a site
// administrator is not a member), they are read now.
func (s *Server) pageAssessment(r *http.Request, reads postgres.Reads) (postgres.AssessmentView, error) {
	m := currentMembership(r)
	id := chi.URLParam(r, "a")
	if pr, _ := r.Context().Value(pageReadKey{}).(*postgres.PageRead); pr != nil && pr.Found && pr.Reads == reads && pr.ID == id &&
		pr.View.Assessment.OrganisationID == m.Organisation.ID {
		return pr.View, nil
	}
	return s.st.AssessmentWith(r.Context(), m.Organisation.ID, id, m.User.ID, reads)
}

// flashCookie carries a one-time notification (a message key) to the next page. A cookie rather
// than the session: a save or any other action followed by its page costs no session write (two
// database writes fewer per saved step), and anonymous visitors get no session row for it. Only
// keys of the message catalogue are shown, so a planted cookie can show nothing but a real,
// harmless notification.
const flashCookie = "aigrid_flash"

// flash stores a one-time notification (a message key) for the next page.
func (s *Server) flash(w http.ResponseWriter, r *http.Request, msgKey string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: msgKey, Path: "/", MaxAge: 300, HttpOnly: true,
		Secure: s.cfg.Secure(), SameSite: http.SameSiteLaxMode})
}

// popFlash takes the pending notification, if any.
func (s *Server) popFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	if !hasSetCookie(w, flashCookie) { // not when this response sets a new one
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
			Secure: s.cfg.Secure(), SameSite: http.SameSiteLaxMode})
	}
	if !i18n.Has(c.Value) {
		return ""
	}
	return c.Value
}

func hasSetCookie(w http.ResponseWriter, name string) bool {
	for _, v := range w.Header().Values("Set-Cookie") {
		if strings.HasPrefix(v, name+"=") {
			return true
		}
	}
	return false
}
