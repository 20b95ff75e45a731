package server

import (
	"context"
	crand "crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/oauth2"
	"golang.org/x/text/language"

	"aigrid/internal/account"
	"aigrid/internal/config"
	"aigrid/internal/pgtest"
	"aigrid/internal/postgres"
)

// The tests run a real OpenID Provider: zitadel/oidc's (an OpenID-certified library), with its
// example in-memory storage and login form, on a loopback port. Nothing of the protocol is faked:
// discovery, the authorization code flow with PKCE, the token endpoint, signed ID tokens, the
// user info endpoint and end_session.

// opUsers are the provider's people.
type opUsers map[string]*storage.User

func (u opUsers) GetUserByID(id string) *storage.User { return u[id] }
func (u opUsers) GetUserByUsername(name string) *storage.User {
	for _, x := range u {
		if x.Username == name {
			return x
		}
	}
	return nil
}
func (u opUsers) ExampleClientID() string { return "service" }

func opUser(id, email string, verified bool) *storage.User {
	return &storage.User{ID: id, Username: id, Password: "provider password", FirstName: strings.ToUpper(id[:1]) + id[1:], LastName: "Test",
		Email: email, EmailVerified: verified, PreferredLanguage: language.English}
}

type ssoEnv struct {
	*app
	issuer     string
	onCallback func(url string) // sees aigrid's callback URL as the provider sends the browser to it
}

// newSSOApp starts a provider and an aigrid configured to use it (with cfgFn's changes).
func newSSOApp(t *testing.T, cfgFn func(*config.OIDC)) *ssoEnv {
	t.Helper()
	return newSSOAppWith(t, cfgFn, nil)
}

// newSSOAppWith is newSSOApp with the provider's storage wrapped (e.g. to rotate its keys).
func newSSOAppWith(t *testing.T, cfgFn func(*config.OIDC), wrap func(*storage.Storage) exampleop.Storage, mw ...func(http.Handler) http.Handler) *ssoEnv {
	t.Helper()
	opSrv := httptest.NewUnstartedServer(nil)
	appSrv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + opSrv.Listener.Addr().String() + "/"
	appURL := "http://" + appSrv.Listener.Addr().String()

	users := opUsers{
		"ada": opUser("ada", "ada@example.org", true),
		"bob": opUser("bob", "bob@example.org", true),
		"eve": opUser("eve", "eve@example.org", false),
		"mal": opUser("mal", "mal@elsewhere.test", true),
	}
	client := storage.WebClient("aigrid", "client secret", appURL+"/login/sso/callback")
	other := storage.WebClient("other", "other secret", "http://127.0.0.1:9/callback")
	st := storage.NewStorageWithClients(users, map[string]*storage.Client{"aigrid": client, "other": other})
	var ops exampleop.Storage = st
	if wrap != nil {
		ops = wrap(st)
	}
	var h http.Handler = exampleop.SetupServer(issuer, ops, nil, false)
	for _, m := range mw {
		h = m(h)
	}
	opSrv.Config.Handler = h
	opSrv.Start()
	t.Cleanup(opSrv.Close)

	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.OIDC = &config.OIDC{Issuer: issuer, ClientID: "aigrid", ClientSecret: "client secret", Name: "Test SSO"}
	if cfgFn != nil {
		cfgFn(cfg.OIDC)
	}
	o := testOptions(t, cfg, pgtest.NewPool(t))
	s := New(o)
	appSrv.Config.Handler = s
	appSrv.Start()
	t.Cleanup(appSrv.Close)
	return &ssoEnv{app: &app{t: t, s: s, ts: appSrv, st: o.Store}, issuer: issuer}
}

var opAuthRequestRe = regexp.MustCompile(`name="id" value="([^"]+)"`)

// follow follows redirects across aigrid and the provider, as a browser would, and returns the
// last response and the URL it came from.
func follow(t *testing.T, c *client, resp *http.Response, body string) (*http.Response, string, *url.URL) {
	t.Helper()
	at := resp.Request.URL
	for i := 0; resp.StatusCode >= 300 && resp.StatusCode < 400; i++ {
		if i > 10 {
			t.Fatal("too many redirects")
		}
		next, err := at.Parse(resp.Header.Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("GET", next.String(), nil)
		resp, body = c.do(req)
		at = next
	}
	return resp, body, at
}

// providerLogin follows resp to the provider's login form, fills it in as user and returns the
// provider's answer and the URL it came from.
func providerLogin(t *testing.T, c *client, resp *http.Response, body, user string) (*http.Response, string, *url.URL) {
	t.Helper()
	_, body, at := follow(t, c, resp, body)
	m := opAuthRequestRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no login form at the provider (%s): %.500s", at, body)
	}
	form := url.Values{"id": {m[1]}, "username": {user}, "password": {"provider password"}}
	loginURL, _ := at.Parse("/login/username")
	req, _ := http.NewRequest("POST", loginURL.String(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body = c.do(req)
	return resp, body, req.URL
}

// ssoSignIn goes through the provider's login form as user and returns aigrid's final answer
// (the redirect of a successful sign-in is not followed).
func (e *ssoEnv) ssoSignIn(c *client, user, next string) (*http.Response, string) {
	t := e.t.(*testing.T)
	t.Helper()
	resp, body := c.get("/login/sso?next=" + url.QueryEscape(next))
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), e.issuer) {
		t.Fatalf("start: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	for _, p := range []string{"code_challenge_method", "code_challenge", "state", "nonce"} {
		if loc.Query().Get(p) == "" {
			t.Fatalf("authorization request without %s: %s", p, loc)
		}
	}
	resp, body, at := providerLogin(t, c, resp, body, user)
	// provider → its callback → aigrid's callback; stop at aigrid's answer
	for resp.StatusCode >= 300 && resp.StatusCode < 400 {
		next, _ := at.Parse(resp.Header.Get("Location"))
		if next.Host == e.ts.Listener.Addr().String() && next.Path != "/login/sso/callback" {
			return resp, body
		}
		if next.Path == "/login/sso/callback" && e.onCallback != nil {
			e.onCallback(next.String())
		}
		req, _ := http.NewRequest("GET", next.String(), nil)
		resp, body = c.do(req)
		at = next
	}
	return resp, body
}

func (e *ssoEnv) auditCount(action string) int { return auditCount(e.t.(*testing.T), e.app, action) }

func TestSSOCreatesAnAccountAndSignsIn(t *testing.T) {
	e := newSSOApp(t, nil)
	c := e.client()
	resp, body := c.get("/login")
	wantStatus(t, resp, body, http.StatusOK)
	if !strings.Contains(body, "Sign in with Test SSO") {
		t.Fatal("the sign-in page has no single sign-on button")
	}
	resp, _ = e.ssoSignIn(c, "ada", "/about")
	wantRedirect(t, resp, "/about")
	resp, body = c.get("/account")
	wantStatus(t, resp, body, http.StatusOK)
	if !strings.Contains(body, "ada@example.org") {
		t.Fatal("signed in as someone else")
	}
	u, _, err := e.st.UserByEmail(context.Background(), "ada@example.org")
	if err != nil || u.Name != "Ada Test" {
		t.Fatalf("created account %+v, %v", u, err)
	}
	// no password was set: password sign-in cannot open it
	resp, _ = e.client().post("/login", url.Values{"email": {"ada@example.org"}, "password": {""}})
	wantStatus(t, resp, "", http.StatusUnprocessableEntity)

	// Signing in again opens the same account.
	c2 := e.client()
	resp, _ = e.ssoSignIn(c2, "ada", "/orgs")
	wantRedirect(t, resp, "/orgs")
	var n int
	e.st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM users WHERE email = 'ada@example.org'`).Scan(&n)
	if n != 1 || e.auditCount("sso.account_created") != 1 || e.auditCount("login") != 2 {
		t.Fatalf("%d accounts, %d created, %d sign-ins", n, e.auditCount("sso.account_created"), e.auditCount("login"))
	}

	// Signing out ends the aigrid session and goes on to the provider's sign-out.
	resp, _ = c2.post("/logout", nil)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), e.issuer) ||
		!strings.Contains(resp.Header.Get("Location"), "id_token_hint=") {
		t.Fatalf("sign-out: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = c2.get("/account")
	wantRedirect(t, resp, "/login")
}

// An identity whose address belongs to an existing account is linked only once that account's
// password is proven.
func TestSSOLinksAnExistingAccountWithItsPassword(t *testing.T) {
	e := newSSOApp(t, nil)
	bob := e.mustUser("bob@example.org", "Bob Builder")
	e.mustOrg(bob, "Bob's org")
	c := e.client()
	resp, _ := e.ssoSignIn(c, "bob", "/orgs")
	wantRedirect(t, resp, "/login/sso/link")
	resp, body := c.get("/login/sso/link")
	wantStatus(t, resp, body, http.StatusOK)
	if !strings.Contains(body, "bob@example.org") {
		t.Fatal("the link page does not name the address")
	}
	resp, _ = c.get("/account")
	wantRedirect(t, resp, "/login")
	resp, body = c.post("/login/sso/link", url.Values{"password": {"not the password"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	resp, _ = c.post("/login/sso/link", url.Values{"password": {testPassword}})
	wantRedirect(t, resp, "/orgs")
	resp, body = c.get("/account")
	wantStatus(t, resp, body, http.StatusOK)
	if e.auditCount("sso.linked") != 1 || e.auditCount("sso.link_failed") != 1 {
		t.Fatal("linking not audited")
	}
	// next time, straight in
	resp, _ = e.ssoSignIn(e.client(), "bob", "/orgs")
	wantRedirect(t, resp, "/orgs")
}

func TestSSORefusals(t *testing.T) {
	e := newSSOApp(t, func(o *config.OIDC) { o.AllowedDomains = []string{"example.org"} })
	// an address the provider did not verify
	resp, body := e.ssoSignIn(e.client(), "eve", "/orgs")
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(body, "did not confirm your e-mail address") {
		t.Errorf("unverified address: %.300s", body)
	}
	// a domain outside AIGRID_OIDC_ALLOWED_DOMAINS
	resp, body = e.ssoSignIn(e.client(), "mal", "/orgs")
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(body, "not one this aigrid accepts") {
		t.Errorf("other domain: %.300s", body)
	}
	var n int
	e.st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM users`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d accounts created", n)
	}
	// a callback without a sign-in in progress, or with another state
	c := e.client()
	resp, body = c.get("/login/sso/callback?code=x&state=y")
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	c.get("/login/sso")
	resp, body = c.get("/login/sso/callback?code=x&state=forged")
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	if e.auditCount("login.sso_failed") != 4 {
		t.Errorf("%d failures audited, want 4", e.auditCount("login.sso_failed"))
	}
}

// An invitation followed by a single sign-on joins the organisation.
func TestSSOFromAnInvitation(t *testing.T) {
	e := newSSOApp(t, nil)
	owner := e.mustUser("owner@example.org", "Owner")
	o := e.mustOrg(owner, "Clinique du Parc")
	token := newToken()
	if err := e.st.CreateInvitation(context.Background(), o.ID, owner.ID, "", account.Editor, postgres.TokenHash(token), time.Hour); err != nil {
		t.Fatal(err)
	}
	c := e.client()
	resp, _ := e.ssoSignIn(c, "ada", "/invite/"+token)
	wantRedirect(t, resp, "/invite/"+token)
	resp, _ = c.post("/invite/"+token, nil)
	wantRedirect(t, resp, "/o/"+o.ID+"/")
	resp, body := c.get("/o/" + o.ID + "/")
	wantStatus(t, resp, body, http.StatusOK)
}

// An organisation can require single sign-on: its members' passwords no longer sign them in,
// site administrators excepted.
func TestOrganisationRequiresSSO(t *testing.T) {
	e := newSSOApp(t, nil)
	bob := e.mustUser("bob@example.org", "Bob")
	o := e.mustOrg(bob, "Clinique du Parc")
	admin := e.mustUser("admin@example.org", "Admin")
	if err := e.st.SetSiteAdmin(context.Background(), admin.ID, true); err != nil {
		t.Fatal(err)
	}
	e.mustMember(o, admin, account.Viewer)
	c := e.client()
	c.login(bob.Email, testPassword)
	resp, body := c.get("/o/" + o.ID + "/settings")
	wantStatus(t, resp, body, http.StatusOK)
	if !strings.Contains(body, "Require members to sign in with Test SSO") {
		t.Fatal("the setting is not offered")
	}
	resp, _ = c.post("/o/"+o.ID+"/settings", url.Values{"name": {"Clinique du Parc"}, "require_sso": {"1"}})
	wantRedirect(t, resp, "/o/"+o.ID+"/")
	if e.auditCount("organisation.require_sso") != 1 {
		t.Fatal("policy change not audited")
	}
	resp, body = e.client().post("/login", url.Values{"email": {bob.Email}, "password": {testPassword}})
	wantStatus(t, resp, body, http.StatusForbidden)
	if !strings.Contains(body, "requires single sign-on") {
		t.Fatalf("refusal: %.300s", body)
	}
	e.client().login(admin.Email, testPassword) // site administrators keep their password
	// Bob signs in with the provider (linking his account once).
	c2 := e.client()
	resp, _ = e.ssoSignIn(c2, "bob", "/o/"+o.ID+"/")
	wantRedirect(t, resp, "/login/sso/link")
	resp, _ = c2.post("/login/sso/link", url.Values{"password": {testPassword}})
	wantRedirect(t, resp, "/o/"+o.ID+"/")
}

// With the provider down, aigrid starts and password sign-in works; single sign-on says it is
// unavailable.
func TestSSOProviderDown(t *testing.T) {
	dead := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", http.StatusBadGateway) }))
	issuer := dead.URL + "/"
	dead.Close()
	cfg, _ := config.Load(func(string) string { return "" })
	cfg.OIDC = &config.OIDC{Issuer: issuer, ClientID: "aigrid", ClientSecret: "x", Name: "Test SSO"}
	o := testOptions(t, cfg, pgtest.NewPool(t))
	ts := httptest.NewServer(New(o))
	defer ts.Close()
	a := &app{t: t, s: nil, ts: ts, st: o.Store}
	u := a.mustUser("ann@example.org", "Ann")
	a.mustOrg(u, "Org")
	a.client().login(u.Email, testPassword)
	resp, body := a.client().get("/login/sso")
	wantStatus(t, resp, body, http.StatusServiceUnavailable)
}

// The whole journey in a browser: the button on the sign-in page, the provider's form, back to
// aigrid signed in.
func TestE2ESSOSignIn(t *testing.T) {
	e := newSSOApp(t, nil)
	ctx := browser(t, e.client())
	run(t, ctx, chromedp.Navigate(e.ts.URL+"/login"), chromedp.WaitVisible(`[data-testid="sso-button"]`),
		chromedp.Click(`[data-testid="sso-button"]`))
	run(t, ctx, chromedp.WaitVisible(`#username`), chromedp.SendKeys(`#username`, "ada"),
		chromedp.SendKeys(`#password`, "provider password"), chromedp.Submit(`#password`))
	waitPath(t, ctx, "/orgs")
	var body string
	run(t, ctx, chromedp.Text("body", &body))
	if !strings.Contains(body, "Sign out") {
		t.Fatalf("not signed in after single sign-on: %.500s", body)
	}
	// Signing out goes on to the provider's sign-out page (the form-action of the CSP allows it).
	run(t, ctx, chromedp.Click(`form[action="/logout"] button`))
	var loc string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && !strings.HasPrefix(loc, e.issuer); time.Sleep(100 * time.Millisecond) {
		_ = chromedp.Run(ctx, chromedp.Location(&loc))
	}
	if !strings.HasPrefix(loc, e.issuer) {
		t.Fatalf("sign-out did not reach the provider (at %s)", loc)
	}
	var sessions int
	if err := e.st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE u.email = 'ada@example.org'`).Scan(&sessions); err != nil || sessions != 0 {
		t.Fatalf("%d sessions left after signing out (%v)", sessions, err)
	}
}

// An owner opens the organisation to their own e-mail domain: people of that domain who sign in
// with the provider join it with the chosen role; other domains, other owners' domains and a
// second organisation claiming the same domain are refused.
func TestSSODomainJoin(t *testing.T) {
	e := newSSOApp(t, nil)
	owner := e.mustUser("owner@example.org", "Owner")
	o := e.mustOrg(owner, "Clinique du Parc")
	other := e.mustUser("boss@elsewhere.test", "Boss")
	o2 := e.mustOrg(other, "Elsewhere")
	c := e.client()
	c.login(owner.Email, testPassword)
	settings := func(c *client, orgID, domain, role string) (*http.Response, string) {
		return c.post("/o/"+orgID+"/settings", url.Values{"name": {"Org"}, "join_domain": {domain}, "join_role": {role}})
	}
	resp, body := settings(c, o.ID, "elsewhere.test", "editor")
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(body, "Only the domain of your own e-mail address") {
		t.Fatalf("a foreign domain accepted: %.300s", body)
	}
	resp, body = settings(c, o.ID, "example.org", "owner")
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	resp, _ = settings(c, o.ID, "@Example.org ", "editor")
	wantRedirect(t, resp, "/o/"+o.ID+"/")
	if e.auditCount("organisation.join_domain") != 1 {
		t.Fatal("not audited")
	}
	// a second organisation cannot claim the same domain (its owner must be of that domain too)
	c2 := e.client()
	c2.login(other.Email, testPassword)
	e.mustUser("deputy@example.org", "Deputy")
	deputy := e.client()
	deputy.login("deputy@example.org", testPassword)
	resp, _ = deputy.post("/orgs", url.Values{"name": {"Rival"}})
	rival := strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/o/"), "/")
	resp, body = settings(deputy, rival, "example.org", "viewer")
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(body, "Another organisation already admits this domain") {
		t.Fatalf("a domain claimed twice: %.300s", body)
	}

	// Ada (ada@example.org) signs in with the provider for the first time: she is an editor.
	ada := e.client()
	resp, _ = e.ssoSignIn(ada, "ada", "/orgs")
	wantRedirect(t, resp, "/orgs")
	resp, body = ada.get("/o/" + o.ID + "/assessments/new")
	wantStatus(t, resp, body, http.StatusOK)
	if e.auditCount("organisation.joined_by_domain") != 1 {
		t.Fatal("joining not audited")
	}
	// Mal (elsewhere.test, whose organisation admits nobody) joins nothing.
	mal := e.client()
	e.ssoSignIn(mal, "mal", "/orgs")
	resp, _ = mal.get("/o/" + o2.ID + "/")
	wantStatus(t, resp, "", http.StatusNotFound)
}

// rotatingStorage is the provider's storage with signing keys that can be rotated.
type rotatingStorage struct {
	*storage.Storage
	mu  sync.Mutex
	key testSigningKey
}

type testSigningKey struct {
	id  string
	key *rsa.PrivateKey
}

func (k testSigningKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k testSigningKey) Key() any                                    { return k.key }
func (k testSigningKey) ID() string                                  { return k.id }

type testPublicKey struct{ testSigningKey }

func (k testPublicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k testPublicKey) Use() string                        { return "sig" }
func (k testPublicKey) Key() any                           { return &k.key.PublicKey }

func (s *rotatingStorage) rotate(t *testing.T) {
	key, err := rsa.GenerateKey(crand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.key = testSigningKey{id: newToken(), key: key}
}

func (s *rotatingStorage) SigningKey(context.Context) (op.SigningKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.key, nil
}

// KeySet publishes only the current key: a token signed with the previous one no longer verifies.
func (s *rotatingStorage) KeySet(context.Context) ([]op.Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return []op.Key{testPublicKey{s.key}}, nil
}

// The provider rotates its signing key between two sign-ins: aigrid fetches the new key set and
// the second sign-in succeeds.
func TestSSOKeyRotation(t *testing.T) {
	var rs *rotatingStorage
	e := newSSOAppWith(t, nil, func(st *storage.Storage) exampleop.Storage {
		rs = &rotatingStorage{Storage: st}
		rs.rotate(t)
		return rs
	})
	resp, _ := e.ssoSignIn(e.client(), "ada", "/orgs")
	wantRedirect(t, resp, "/orgs")
	rs.rotate(t)
	resp, _ = e.ssoSignIn(e.client(), "ada", "/orgs")
	wantRedirect(t, resp, "/orgs")
	if e.auditCount("login") != 2 {
		t.Fatalf("%d sign-ins", e.auditCount("login"))
	}
}

// groupsStorage adds a "groups" claim to the provider's ID tokens and user info.
type groupsStorage struct {
	*storage.Storage
	groups map[string][]string // subject → groups
}

func (s groupsStorage) SetUserinfoFromRequest(ctx context.Context, ui *oidc.UserInfo, token op.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, ui, token, scopes); err != nil {
		return err
	}
	ui.AppendClaims("groups", s.groups[token.GetSubject()])
	return nil
}

// AIGRID_OIDC_ORG_CLAIM and _ORG_MAP: a person whose groups claim holds a mapped value joins that
// organisation with the mapped role; other values join nothing.
func TestSSOClaimMapsToOrganisation(t *testing.T) {
	e := newSSOAppWith(t, func(o *config.OIDC) { o.OrgClaim = "groups" }, func(st *storage.Storage) exampleop.Storage {
		return groupsStorage{Storage: st, groups: map[string][]string{"ada": {"staff", "dpo-team"}, "bob": {"staff"}}}
	})
	owner := e.mustUser("owner@example.org", "Owner")
	o := e.mustOrg(owner, "DPO office")
	e.s.sso.cfg.OrgMap = map[string]config.OrgGrant{"dpo-team": {OrganisationID: o.ID, Role: "reviewer"}}

	ada := e.client()
	resp, _ := e.ssoSignIn(ada, "ada", "/orgs")
	wantRedirect(t, resp, "/orgs")
	m, err := e.st.Membership(context.Background(), o.ID, mustUserID(t, e.app, "ada@example.org"))
	if err != nil || m.Role != account.Reviewer {
		t.Fatalf("ada's membership: %+v, %v", m, err)
	}
	if e.auditCount("organisation.joined_by_claim") != 1 {
		t.Fatal("not audited")
	}
	// signing in again changes nothing (a role changed by an owner since is kept)
	resp, _ = e.ssoSignIn(e.client(), "ada", "/orgs")
	wantRedirect(t, resp, "/orgs")
	if e.auditCount("organisation.joined_by_claim") != 1 {
		t.Fatal("joined twice")
	}
	bob := e.client()
	e.ssoSignIn(bob, "bob", "/orgs")
	resp, _ = bob.get("/o/" + o.ID + "/")
	wantStatus(t, resp, "", http.StatusNotFound)
}

func mustUserID(t *testing.T, a *app, email string) string {
	t.Helper()
	u, _, err := a.st.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// trickStorage makes the provider issue ID tokens aigrid must refuse.
type trickStorage struct {
	*storage.Storage
	trick string // "expired" or "signature"
	real  testSigningKey
	fake  testSigningKey
}

type shortLivedClient struct{ op.Client }

func (shortLivedClient) IDTokenLifetime() time.Duration { return -time.Hour }

func (s *trickStorage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, id)
	if err == nil && s.trick == "expired" {
		return shortLivedClient{c}, nil
	}
	return c, err
}

// SigningKey signs, for "signature", with a key other than the one published under the same ID.
func (s *trickStorage) SigningKey(context.Context) (op.SigningKey, error) {
	if s.trick == "signature" {
		return s.fake, nil
	}
	return s.real, nil
}

func (s *trickStorage) KeySet(context.Context) ([]op.Key, error) {
	return []op.Key{testPublicKey{s.real}}, nil
}

// An expired ID token and one whose signature does not match the provider's published key are
// refused: no account, no session.
func TestSSORefusesBadTokens(t *testing.T) {
	for _, trick := range []string{"expired", "signature"} {
		t.Run(trick, func(t *testing.T) {
			e := newSSOAppWith(t, nil, func(st *storage.Storage) exampleop.Storage {
				k1, _ := rsa.GenerateKey(crand.Reader, 2048)
				k2, _ := rsa.GenerateKey(crand.Reader, 2048)
				return &trickStorage{Storage: st, trick: trick, real: testSigningKey{id: "k", key: k1}, fake: testSigningKey{id: "k", key: k2}}
			})
			c := e.client()
			resp, body := e.ssoSignIn(c, "ada", "/orgs")
			wantStatus(t, resp, body, http.StatusUnprocessableEntity)
			if !strings.Contains(body, "Single sign-on did not succeed") {
				t.Fatalf("%s: %.300s", trick, body)
			}
			resp, _ = c.get("/account")
			wantRedirect(t, resp, "/login")
			var n int
			e.st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM users`).Scan(&n)
			if n != 0 {
				t.Fatalf("%s: an account was created", trick)
			}
		})
	}
}

// A callback URL used once cannot be used again (the state is spent).
func TestSSOStateCannotBeReplayed(t *testing.T) {
	e := newSSOApp(t, nil)
	c := e.client()
	var callback string
	e.onCallback = func(u string) { callback = u }
	resp, _ := e.ssoSignIn(c, "ada", "/orgs")
	wantRedirect(t, resp, "/orgs")
	if callback == "" {
		t.Fatal("no callback seen")
	}
	// the same browser signs out and replays the provider's answer
	c.post("/logout", nil)
	req, _ := http.NewRequest("GET", callback, nil)
	resp, body := c.do(req)
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	resp, _ = c.get("/account")
	wantRedirect(t, resp, "/login")
}

// idTokenFor runs the flow as the provider's other client, outside aigrid, and returns the ID
// token the provider issued for it: genuine, well signed, for another audience.
func (e *ssoEnv) idTokenFor(t *testing.T, user string) string {
	t.Helper()
	p, err := gooidc.NewProvider(context.Background(), e.issuer)
	if err != nil {
		t.Fatal(err)
	}
	conf := oauth2.Config{ClientID: "other", ClientSecret: "other secret", Endpoint: p.Endpoint(), RedirectURL: "http://127.0.0.1:9/callback",
		Scopes: []string{"openid", "email"}}
	verifier := oauth2.GenerateVerifier()
	c := e.client()
	req, _ := http.NewRequest("GET", conf.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), nil)
	resp, body := c.do(req)
	resp, _, at := providerLogin(t, c, resp, body, user)
	for resp.StatusCode >= 300 && resp.StatusCode < 400 {
		next, _ := at.Parse(resp.Header.Get("Location"))
		if code := next.Query().Get("code"); next.Port() == "9" && code != "" {
			tok, err := conf.Exchange(context.Background(), code, oauth2.VerifierOption(verifier))
			if err != nil {
				t.Fatal(err)
			}
			return tok.Extra("id_token").(string)
		}
		req, _ := http.NewRequest("GET", next.String(), nil)
		resp, _ = c.do(req)
		at = next
	}
	t.Fatal("no code for the other client")
	return ""
}

// swapIDToken replaces the id_token of the provider's token responses, while armed.
type swapIDToken struct {
	mu    sync.Mutex
	token string
}

func (sw *swapIDToken) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw.mu.Lock()
		token := sw.token
		sw.mu.Unlock()
		if token == "" || r.URL.Path != "/oauth/token" {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err == nil && body["id_token"] != nil {
			body["id_token"] = token
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rec.Code)
		json.NewEncoder(w).Encode(body)
	})
}

// A genuine ID token of the same provider, issued to another client, is refused (audience).
func TestSSORefusesAnotherClientsToken(t *testing.T) {
	sw := &swapIDToken{}
	e := newSSOAppWith(t, nil, nil, sw.middleware)
	foreign := e.idTokenFor(t, "ada")
	sw.mu.Lock()
	sw.token = foreign
	sw.mu.Unlock()
	c := e.client()
	resp, body := e.ssoSignIn(c, "ada", "/orgs")
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	var reason string
	if err := e.st.Pool().QueryRow(context.Background(), `SELECT details->>'reason' FROM audit_log WHERE action = 'login.sso_failed'`).Scan(&reason); err != nil || reason != "invalid ID token" {
		t.Fatalf("refused for %q (%v), want the ID token's verification (audience)", reason, err)
	}
	resp, _ = c.get("/account")
	wantRedirect(t, resp, "/login")
}
