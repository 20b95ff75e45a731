package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"aigrid/internal/account"
	"aigrid/internal/assessment"
	"aigrid/internal/config"
	"aigrid/internal/postgres"
	"aigrid/internal/questionnaire"
)

// Routes that deliberately bypass sessions and authorisation: process health and static assets.
var infrastructure = map[string]bool{"GET /healthz": true, "GET /readyz": true, "GET /favicon.ico": true, "GET /static/*": true, "HEAD /static/*": true}

// TestAuthorisationMatrix walks every route of the router — so a new route is covered the day it is
// added — and checks it against its rule: anonymous visitors are sent to sign in, members of another
// organisation get 404 (existence is not revealed), and each role of the organisation gets exactly
// what the role table grants (403 otherwise). A route registered without a rule fails.
func TestAuthorisationMatrix(t *testing.T) {
	a := newApp(t)
	routes := walk(t, a.s)
	if len(routes) < 20 {
		t.Fatalf("walked only %d routes", len(routes))
	}
	for i, rt := range routes {
		if infrastructure[rt] {
			continue
		}
		rule, ok := a.s.rules[rt]
		if !ok {
			t.Errorf("route %s has no authorisation rule: register it with s.route", rt)
			continue
		}
		method, pattern, _ := strings.Cut(rt, " ")
		t.Run(rt, func(t *testing.T) {
			fx := newFixture(a, i)
			path := fx.path(pattern)
			call := func(c *client) *http.Response {
				var resp *http.Response
				if method == "GET" {
					resp, _ = c.get(path)
				} else {
					resp, _ = c.post(path, nil)
				}
				// a server error is never "granted": it hides whether the rule held
				if resp.StatusCode >= 500 {
					t.Errorf("%s %s: %d, a server error", method, path, resp.StatusCode)
				}
				return resp
			}
			anon := call(a.client())
			switch rule.kind {
			case accessPublic:
				if anon.StatusCode == http.StatusSeeOther && strings.HasPrefix(anon.Header.Get("Location"), "/login?next=") {
					t.Errorf("public route sends anonymous visitors to sign in")
				}
				return
			default:
				if anon.StatusCode != http.StatusSeeOther || !strings.HasPrefix(anon.Header.Get("Location"), "/login") {
					t.Errorf("anonymous: %d %q, want a redirect to sign in", anon.StatusCode, anon.Header.Get("Location"))
				}
			}
			switch rule.kind {
			case accessUser:
				if got := call(a.signedIn(fx.outsider)).StatusCode; got == 403 || got == 404 && !strings.Contains(pattern, "{") {
					t.Errorf("signed-in user: %d", got)
				}
			case accessSiteAdmin:
				if got := call(a.signedIn(fx.owner)).StatusCode; got != 404 {
					t.Errorf("organisation owner on a site-admin route: %d, want 404", got)
				}
				if got := call(a.signedIn(fx.admin)).StatusCode; got == 403 || got == 404 {
					t.Errorf("site admin: %d", got)
				}
			case accessOrg:
				if got := call(a.signedIn(fx.outsider)).StatusCode; got != 404 {
					t.Errorf("owner of another organisation: %d, want 404", got)
				}
				// through an organisation the outsider does belong to, A's objects are still not found
				if strings.Contains(pattern, "{a}") {
					own := strings.Replace(path, fx.org.ID, fx.otherOrg.ID, 1)
					c := a.signedIn(fx.outsider)
					var resp *http.Response
					if method == "GET" {
						resp, _ = c.get(own)
					} else {
						resp, _ = c.post(own, nil)
					}
					if resp.StatusCode != 404 || resp.StatusCode >= 500 {
						t.Errorf("A's assessment through B's path: %d, want 404", resp.StatusCode)
					}
				}
				// A site administrator reads any organisation as a viewer (GET only, audited), and
				// changes nothing in it.
				got := call(a.signedIn(fx.admin)).StatusCode
				if method == "GET" && rule.perm == account.PermRead {
					if got == 403 || got == 404 || got >= 500 {
						t.Errorf("site admin (not a member) reading: %d, want it granted", got)
					}
				} else if got != 404 {
					t.Errorf("site admin (not a member): %d, want 404", got)
				}
				// least powerful first: the owner's call may change state (remove the target member…)
				for _, role := range []account.Role{account.Viewer, account.Reviewer, account.Editor, account.Owner} {
					got := call(a.signedIn(fx.members[role])).StatusCode
					if role.Can(rule.perm) {
						if got == 403 || got == 404 {
							t.Errorf("%s (granted %s): %d", role, rule.perm, got)
						}
					} else if got != 403 {
						t.Errorf("%s (not granted %s): %d, want 403", role, rule.perm, got)
					}
				}
			}
		})
	}
}

func walk(t *testing.T, s *Server) []string {
	t.Helper()
	var routes []string
	err := chi.Walk(s.router, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routes = append(routes, method+" "+route)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return routes
}

// The matrix notices a route added without s.route.
func TestMatrixCatchesRoutesWithoutRule(t *testing.T) {
	s := New(testOptions(t, config.Config{}, nil))
	s.router.(chi.Router).Get("/sneaky", func(http.ResponseWriter, *http.Request) {})
	var missing []string
	for _, rt := range walk(t, s) {
		if _, ok := s.rules[rt]; !ok && !infrastructure[rt] {
			missing = append(missing, rt)
		}
	}
	if len(missing) != 1 || missing[0] != "GET /sneaky" {
		t.Fatalf("routes without rule: %v", missing)
	}
}

// fixture is organisation A with one member per role plus a target member and an invitation, an
// outsider who owns organisation B, and a site administrator.
type fixture struct {
	org        account.Organisation
	owner      account.User
	members    map[account.Role]account.User
	target     account.User
	invitation string
	assessment string
	action     string
	outsider   account.User
	otherOrg   account.Organisation
	admin      account.User
}

func newFixture(a *app, n int) *fixture {
	ctx := context.Background()
	user := func(role string) account.User {
		return a.mustUser(fmt.Sprintf("%s-%d@example.org", role, n), role)
	}
	fx := &fixture{members: map[account.Role]account.User{}}
	fx.owner = user("owner")
	fx.org = a.mustOrg(fx.owner, fmt.Sprintf("A%d", n))
	fx.members[account.Owner] = fx.owner
	for _, r := range []account.Role{account.Editor, account.Reviewer, account.Viewer} {
		fx.members[r] = user(string(r))
		a.mustMember(fx.org, fx.members[r], r)
	}
	fx.target = user("target")
	a.mustMember(fx.org, fx.target, account.Viewer)
	if err := a.st.CreateInvitation(ctx, fx.org.ID, fx.owner.ID, "", account.Viewer, postgres.TokenHash(newToken()), time.Hour); err != nil {
		a.t.Fatal(err)
	}
	invs, err := a.st.Invitations(ctx, fx.org.ID)
	if err != nil || len(invs) != 1 {
		a.t.Fatal(err)
	}
	fx.invitation = invs[0].ID
	created, err := a.st.CreateAssessment(ctx, fx.org.ID, fx.owner.ID, assessment.Assessment{SystemName: "System", ContentVersion: "2026.1",
		Profile: questionnaire.Profile{"role": {"both"}}})
	if err != nil {
		a.t.Fatal(err)
	}
	fx.assessment = created.ID
	if fx.action, err = a.st.CreateAction(ctx, fx.org.ID, created.ID, fx.owner.ID, postgres.ActionInput{QuestionID: "q1.1.3", Title: "Do it", Status: assessment.ActionTodo}); err != nil {
		a.t.Fatal(err)
	}
	fx.outsider = user("outsider")
	fx.otherOrg = a.mustOrg(fx.outsider, fmt.Sprintf("B%d", n))
	admin, err := a.st.CreateUser(ctx, fmt.Sprintf("admin-%d@example.org", n), "admin", passwordHashOnce(), true)
	if err != nil {
		a.t.Fatal(err)
	}
	fx.admin = admin
	return fx
}

// path fills a route pattern with the fixture's objects.
func (fx *fixture) path(pattern string) string {
	return strings.NewReplacer(
		"{org}", fx.org.ID,
		"{member}", fx.target.ID,
		"{invitation}", fx.invitation,
		"{token}", "no-such-token",
		"{session}", "00",
		"{a}", fx.assessment,
		"{section}", "1.1",
		"{action}", fx.action,
	).Replace(pattern)
}
