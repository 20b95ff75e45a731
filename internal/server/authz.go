package server

import (
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"net/url"
	"regexp"

	"github.com/go-chi/chi/v5"

	"aigrid/internal/account"
	"aigrid/internal/postgres"
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
)

var (
	public    = access{kind: accessPublic}
	signedIn  = access{kind: accessUser}
	siteAdmin = access{kind: accessSiteAdmin}
)

func org(p account.Permission) access { return access{kind: accessOrg, perm: p} }

// route registers a handler with its authorisation rule, enforced before the handler runs.
func (s *Server) route(r chi.Router, method, pattern string, rule access, h handlerFunc) {
	s.rules[method+" "+pattern] = rule
	r.Method(method, pattern, s.handle(s.authorise(rule, h)))
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
			m, err := s.st.Membership(r.Context(), chi.URLParam(r, "org"), u.ID)
			if errors.Is(err, postgres.ErrNotFound) {
				return errNotFound
			}
			if err != nil {
				return err
			}
			if !m.Role.Can(rule.perm) {
				return errForbidden
			}
			r = r.WithContext(context.WithValue(r.Context(), membershipKey{}, &m))
		}
		return h(w, r)
	}
}

// currentMembership is the signed-in user's membership of the route's organisation.
func currentMembership(r *http.Request) *account.Membership {
	m, _ := r.Context().Value(membershipKey{}).(*account.Membership)
	return m
}

// signInRedirect sends an anonymous visitor to the sign-in page, remembering where they wanted to go.
// A step submitted after the session expired is not lost: its answers are kept in the (new,
// anonymous) session and put back in the form once the user has signed in again.
func (s *Server) signInRedirect(w http.ResponseWriter, r *http.Request) {
	next := r.URL.Path
	if r.Method != http.MethodGet {
		next = "/orgs"
		if stepPath.MatchString(r.URL.Path) && r.ParseForm() == nil {
			if a := authFrom(r.Context()); a != nil {
				a.session.Values[keyStash] = r.PostForm.Encode()
				a.session.Values[keyStashPath] = r.URL.Path
				if err := a.session.Save(r, w); err != nil {
					s.log.ErrorContext(r.Context(), "stash answers", "err", err)
				} else {
					next = r.URL.Path
				}
			}
		}
	}
	http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
}

var stepPath = regexp.MustCompile(`^/o/[^/]+/a/[^/]+/s/[^/]+$`)

// newToken returns a random, URL-safe single-use token.
func newToken() string { return rand.Text() + rand.Text() }
