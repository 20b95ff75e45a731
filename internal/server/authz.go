package server

import (
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/go-chi/chi/v5"

	"aigrid/internal/account"
	"aigrid/internal/postgres"
	"aigrid/internal/questionnaire"
)

// access is the authorisation rule of a route. Every route is registered with one (see route);
// a test walks the router and fails on any route without a rule.
type access struct {
	kind accessKind
	perm account.Permission // for accessOrg
}

type accessKind int

const (
	accessPublic    accessKind = iota + 1 // anyone, signed in or not
	accessUser                            // any signed-in user
	accessOrg                             // a member of {org} whose role grants perm
	accessSiteAdmin                       // a site administrator
	accessAPIToken                        // an API token of the organisation (api.go): no session
)

var (
	public    = access{kind: accessPublic}
	signedIn  = access{kind: accessUser}
	siteAdmin = access{kind: accessSiteAdmin}
	apiToken  = access{kind: accessAPIToken}
)

func org(p account.Permission) access { return access{kind: accessOrg, perm: p} }

// route registers a handler with its authorisation rule, enforced before the handler runs, after
// its input has been checked (readInput: body limit, storable text).
func (s *Server) route(r chi.Router, method, pattern string, rule access, h handlerFunc, opts ...routeOption) {
	s.rules[method+" "+pattern] = rule
	cfg := routeConfig{bodyLimit: defaultBodyLimit}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.page != nil {
		s.pageReads[pageReadsKey(method, pattern)] = *cfg.page
	}
	r.Method(method, pattern, s.handle(s.readInput(cfg, s.authorise(rule, h))))
}

var (
	errForbidden = errors.New("forbidden")
	errSignIn    = errors.New("sign-in required")
)

type membershipKey struct{}

// authorise enforces rule: anonymous → sign-in page; not a member of the organisation (or not a
// site administrator) → 404, which does not reveal that the object exists; a member whose role
// lacks the permission → 403.
func (s *Server) authorise(rule access, h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if rule.kind == accessPublic {
			return h(w, r)
		}
		u := currentUser(r)
		if u == nil {
			return errSignIn
		}
		switch rule.kind {
		case accessSiteAdmin:
			if !u.SiteAdmin {
				return errNotFound
			}
			// every action of a site administrator is recorded
			s.audit(r, u.ID, "", "admin.request", map[string]any{"method": r.Method, "path": r.URL.Path})
		case accessOrg:
			m, err := s.membership(r, u)
			if errors.Is(err, postgres.ErrNotFound) {
				// A site administrator reads any organisation's pages, as a viewer: nothing they
				// can change, and every page they open is recorded in the organisation's log.
				if !u.SiteAdmin || rule.perm != account.PermRead || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
					return errNotFound
				}
				o, oerr := s.st.Organisation(r.Context(), chi.URLParam(r, "org"))
				if oerr != nil {
					return oerr // ErrNotFound: 404
				}
				m, err = &account.Membership{Organisation: o, User: *u, Role: account.Viewer}, nil
				s.audit(r, u.ID, o.ID, "admin.view", map[string]any{"route": routePattern(r), "path": logPath(r)})
			}
			if err != nil {
				return err
			}
			if !m.Role.Can(rule.perm) {
				return errForbidden
			}
			// a second factor is asked of password sign-ins; the provider handles single sign-on's
			if m.Organisation.RequireTwoFactor && !m.User.TwoFactor && !signedInWithSSO(r) {
				return errTwoFactorRequired
			}
			ctx := context.WithValue(r.Context(), membershipKey{}, m)
			r = r.WithContext(context.WithValue(ctx, pageVersionKey{}, &pageVersion{}))
		}
		return h(w, r)
	}
}

// membership is u's membership of the route's organisation: the one loaded with the session when
// it was loaded for this organisation and user (no further query), else read now.
func (s *Server) membership(r *http.Request, u *account.User) (*account.Membership, error) {
	org := chi.URLParam(r, "org")
	if a := authFrom(r.Context()); a != nil {
		if lm, ok := a.session.Values[valMembership].(loadedMembership); ok && lm.org == org && a.session.Values[valUser] == u {
			if lm.m == nil {
				return nil, postgres.ErrNotFound
			}
			return lm.m, nil
		}
	}
	m, err := s.st.Membership(r.Context(), org, u.ID)
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// currentMembership is the signed-in user's membership of the route's organisation.
func currentMembership(r *http.Request) *account.Membership {
	m, _ := r.Context().Value(membershipKey{}).(*account.Membership)
	return m
}

// signInRedirect sends an anonymous visitor to the sign-in page, remembering where they wanted to go.
// A step submitted just after the user's session expired is not lost (see stashStep).
func (s *Server) signInRedirect(w http.ResponseWriter, r *http.Request) {
	next := r.URL.Path
	if r.Method != http.MethodGet {
		next = "/orgs"
		if s.stashStep(w, r) {
			next = r.URL.Path
		}
	}
	http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
}

// Limits of the answers kept for a user whose session expired.
const maxStash = 64 << 10

// stashThrottle bounds how many expired-session stashes one IP address may create.
var stashThrottle = postgres.ThrottlePolicy{Threshold: 30, Window: time.Hour, Base: time.Hour, Max: time.Hour}

// stepFieldPrefixes are the form fields of a step page, each followed by a question ID.
var stepFieldPrefixes = []string{"r.", "o.", "a.", "c.", "j.", "et.", "el.", "k."}

// stashStep keeps a step submitted just after a signed-in session expired, so the answers are put
// back in the form once the same user signs in again (takeStash). Only for a validly signed cookie
// whose session expired (not one signed out or revoked), only the known fields of that step's
// questions, at most maxStash bytes, and a bounded number per IP address: an anonymous visitor
// cannot use it to fill the database. It reports whether the answers were kept.
func (s *Server) stashStep(w http.ResponseWriter, r *http.Request) bool {
	m := stepPath.FindStringSubmatch(r.URL.Path)
	a := authFrom(r.Context())
	if m == nil || a == nil || r.PostForm == nil {
		return false
	}
	// the assessment (and so its questionnaire version) cannot be read without a session: keep the
	// fields of the step's questions in any version loaded
	var qs []*questionnaire.Question
	if s.catalog == nil {
		return false
	}
	for _, qn := range s.catalog.Versions() {
		if sec := qn.Section(m[1]); sec != nil {
			qs = append(qs, sec.Questions...)
		}
	}
	if len(qs) == 0 {
		return false
	}
	userID := s.sessions.expiredUser(r)
	if userID == "" {
		return false
	}
	kept := url.Values{}
	for _, q := range qs {
		for _, p := range stepFieldPrefixes {
			if v, ok := r.PostForm[p+q.ID]; ok {
				kept[p+q.ID] = v
			}
		}
	}
	enc := kept.Encode()
	if len(kept) == 0 || len(enc) > maxStash {
		return false
	}
	until, err := s.st.Attempt(r.Context(), postgres.Throttle{Key: "stash:" + clientIP(r), Policy: stashThrottle})
	if err != nil {
		s.log.ErrorContext(r.Context(), "stash answers", "err", err)
		return false
	}
	if !until.IsZero() {
		return false
	}
	a.session.Values[keyStash] = enc
	a.session.Values[keyStashPath] = r.URL.Path
	a.session.Values[keyStashUser] = userID
	if err := a.session.Save(r, w); err != nil {
		s.log.ErrorContext(r.Context(), "stash answers", "err", err)
		return false
	}
	return true
}

var stepPath = regexp.MustCompile(`^/o/[^/]+/a/[^/]+/s/([^/]+)$`)

// newToken returns a random, URL-safe single-use token.
func newToken() string { return rand.Text() + rand.Text() }

// signedInWithSSO reports whether the session was opened with single sign-on.
func signedInWithSSO(r *http.Request) bool {
	a := authFrom(r.Context())
	return a != nil && a.user != nil && stringValue(a.session.Values[keyIDToken]) != ""
}
