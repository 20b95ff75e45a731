package server

import (
	"bytes"
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
			if rule.kind == accessAPIToken {
				checkAPIRoute(t, a, fx, path)
				return
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
				// an API token is no session: with one alone, a page still asks to sign in
				if got := callWithToken(t, a, method, path, fx.token); got.StatusCode != http.StatusSeeOther ||
					!strings.HasPrefix(got.Header.Get("Location"), "/login") {
					t.Errorf("API token alone on a page: %d %q, want a redirect to sign in", got.StatusCode, got.Header.Get("Location"))
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
	// API tokens: A's live one (and its id), A's revoked and expired ones, B's
	token, tokenID, revokedToken, expiredToken, otherToken string
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
	// API tokens: A's (active, revoked, expired) and B's
	newToken := func(orgID, userID, name string) (string, string) {
		token, hint := account.NewAPIToken()
		t, err := a.st.CreateAPIToken(ctx, orgID, userID, name, postgres.TokenHash(token), hint, nil)
		if err != nil {
			a.t.Fatal(err)
		}
		return token, t.ID
	}
	fx.token, fx.tokenID = newToken(fx.org.ID, fx.owner.ID, "A")
	fx.revokedToken, _ = newToken(fx.org.ID, fx.owner.ID, "A revoked")
	if _, err := a.st.Pool().Exec(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE token_hash = $1`, postgres.TokenHash(fx.revokedToken)); err != nil {
		a.t.Fatal(err)
	}
	fx.expiredToken, _ = newToken(fx.org.ID, fx.owner.ID, "A expired")
	if _, err := a.st.Pool().Exec(ctx, `UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, postgres.TokenHash(fx.expiredToken)); err != nil {
		a.t.Fatal(err)
	}
	fx.otherToken, _ = newToken(fx.otherOrg.ID, fx.outsider.ID, "B")
	return fx
}

func callWithToken(t *testing.T, a *app, method, path, token string) *http.Response {
	t.Helper()
	resp, _ := a.apiDo(method, token, path)
	return resp
}

// checkAPIRoute checks a route of the read-only API: only a live token of the organisation opens
// it — not a session, not another organisation's token, not a revoked or expired one — and only
// with GET.
func checkAPIRoute(t *testing.T, a *app, fx *fixture, path string) {
	t.Helper()
	want401 := func(who string, resp *http.Response, body []byte) {
		t.Helper()
		if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") ||
			resp.Header.Get("Content-Type") != "application/json" || !strings.Contains(string(body), `"code":"unauthorized"`) {
			t.Errorf("%s: %d %q %s, want 401 with WWW-Authenticate and a JSON error", who, resp.StatusCode, resp.Header.Get("WWW-Authenticate"), body)
		}
	}
	resp, body := a.apiGet("", path)
	want401("no token", resp, body)
	for who, tok := range map[string]string{"revoked token": fx.revokedToken, "expired token": fx.expiredToken,
		"unknown token": "aig_AAAAAAAAAAAAAAAAAAAAAAAAAA", "malformed token": "not a token"} {
		resp, body := a.apiGet(tok, path)
		want401(who, resp, body)
	}
	// a session cookie, even the owner's or a site administrator's, does not open the API
	for who, c := range map[string]*client{"owner's session": a.signedIn(fx.owner), "site admin's session": a.signedIn(fx.admin)} {
		resp, b := c.get(path)
		want401(who, resp, []byte(b))
	}
	// A's token reads A's data
	resp, body = a.apiGet(fx.token, path)
	if resp.StatusCode != 200 {
		t.Errorf("A's token: %d %.300s", resp.StatusCode, body)
	}
	if !strings.HasSuffix(path, "/report") && !bytes.Contains(body, []byte(fx.assessment)) {
		t.Errorf("A's token does not see A's assessment: %.300s", body)
	}
	// B's token never reads A's data: A's assessment is not found, A's list is not B's
	resp, body = a.apiGet(fx.otherToken, path)
	if strings.Contains(path, fx.assessment) {
		if resp.StatusCode != 404 || !bytes.Contains(body, []byte(`"code":"not_found"`)) {
			t.Errorf("B's token on A's assessment: %d %.300s, want 404", resp.StatusCode, body)
		}
	} else if resp.StatusCode != 200 || bytes.Contains(body, []byte(fx.assessment)) || bytes.Contains(body, []byte(`"System"`)) {
		t.Errorf("B's token: %d %.300s, want B's empty list", resp.StatusCode, body)
	}
	// read-only: every other method is refused, even with A's token
	for _, m := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		resp, body := a.apiDo(m, fx.token, path)
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET" || !bytes.Contains(body, []byte(`"method_not_allowed"`)) {
			t.Errorf("%s with A's token: %d %s, want 405", m, resp.StatusCode, body)
		}
	}
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
		"{apitoken}", fx.tokenID,
	).Replace(pattern)
}
