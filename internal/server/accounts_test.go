package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"aigrid/internal/account"
	"aigrid/internal/config"
	"aigrid/internal/pgtest"
	"aigrid/internal/postgres"
)

func TestSignUpSignInSignOut(t *testing.T) {
	a := newApp(t)
	c := a.client()
	resp, body := c.get("/signup")
	wantStatus(t, resp, body, 200)

	// Bad input: every problem listed, typed values kept, password never echoed.
	resp, body = c.post("/signup", url.Values{"organisation": {"Clinique du Parc"}, "name": {""}, "email": {"not-an-address"}, "password": {"short"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	for _, want := range []string{`data-testid="error-summary"`, `href="#f-name"`, `href="#f-email"`, `href="#f-password"`, `value="Clinique du Parc"`, `value="not-an-address"`, "<title>Error:"} {
		if !strings.Contains(body, want) {
			t.Errorf("failed sign-up page lacks %q", want)
		}
	}
	if strings.Contains(body, `value="short"`) {
		t.Error("the password was echoed back")
	}

	form := url.Values{"organisation": {"Clinique du Parc"}, "name": {"Claire Dupont"}, "email": {"Claire@Example.org"}, "password": {testPassword}}
	resp, _ = c.post("/signup", form)
	wantRedirect(t, resp, "/login")
	resp, body = c.get("/login")
	wantStatus(t, resp, body, 200)
	if !strings.Contains(body, "your account and organisation are ready") {
		t.Fatalf("no confirmation after sign-up:\n%.600s", body)
	}
	anonymous := c.cookie(sessionCookie)

	// Wrong password and unknown account: the same message.
	resp, body = c.post("/login", url.Values{"email": {"claire@example.org"}, "password": {"wrong password!"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	_, body2 := c.post("/login", url.Values{"email": {"nobody@example.org"}, "password": {"wrong password!"}})
	msg := "The e-mail address or the password is incorrect."
	if !strings.Contains(body, msg) || !strings.Contains(body2, msg) {
		t.Fatal("login errors differ between a wrong password and an unknown account")
	}

	resp, _ = c.post("/login", url.Values{"email": {"CLAIRE@example.org"}, "password": {testPassword}, "next": {"/account"}})
	wantRedirect(t, resp, "/account")
	var sc *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie {
			sc = ck
		}
	}
	if sc == nil || !sc.HttpOnly || sc.SameSite != http.SameSiteLaxMode || sc.Path != "/" || sc.Secure || sc.MaxAge <= 0 {
		t.Fatalf("session cookie attributes: %+v", sc)
	}
	if anonymous != nil && anonymous.Value == sc.Value {
		t.Fatal("the session ID did not change on sign-in")
	}
	if strings.Contains(sc.Value, testPassword) || len(sc.Value) > 300 {
		t.Fatal("the cookie carries more than a signed session ID")
	}
	resp, body = c.get("/orgs")
	wantStatus(t, resp, body, 200)
	if !strings.Contains(body, "Clinique du Parc") || !strings.Contains(body, "Owner") {
		t.Fatal("the new organisation is not listed with the owner role")
	}

	// The pre-login session ID is worthless now.
	if anonymous != nil {
		old := a.client()
		old.setCookie(anonymous.Value)
		resp, _ = old.get("/orgs")
		wantRedirect(t, resp, "/login")
	}

	// Signing out destroys the session server-side: replaying the cookie does not work.
	resp, _ = c.post("/logout", nil)
	wantRedirect(t, resp, "/")
	replay := a.client()
	replay.setCookie(sc.Value)
	resp, _ = replay.get("/orgs")
	wantRedirect(t, resp, "/login?next=%2Forgs")
}

func TestSignUpRevealsNoAccount(t *testing.T) {
	a := newApp(t)
	a.mustUser("taken@example.org", "Someone")
	form := func(email string) url.Values {
		return url.Values{"organisation": {"Org"}, "name": {"Name"}, "email": {email}, "password": {testPassword}}
	}
	r1, _ := a.client().post("/signup", form("taken@example.org"))
	r2, _ := a.client().post("/signup", form("fresh@example.org"))
	if r1.StatusCode != r2.StatusCode || r1.Header.Get("Location") != r2.Header.Get("Location") {
		t.Fatalf("sign-up answers differ: %d %q vs %d %q", r1.StatusCode, r1.Header.Get("Location"), r2.StatusCode, r2.Header.Get("Location"))
	}
	// The existing account is untouched: its password still works, the new one is not set.
	c := a.client()
	c.login("taken@example.org", testPassword)
}

func TestSignUpCanBeClosed(t *testing.T) {
	a := newApp(t)
	if err := a.st.SetSignupOpen(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	c := a.client()
	resp, body := c.get("/signup")
	wantStatus(t, resp, body, 200)
	if !strings.Contains(body, `data-testid="signup-closed"`) || strings.Contains(body, `action="/signup"`) {
		t.Fatal("closed sign-up still shows the form")
	}
	resp, body = c.post("/signup", url.Values{"organisation": {"Org"}, "name": {"N"}, "email": {"x@example.org"}, "password": {testPassword}})
	wantStatus(t, resp, body, http.StatusForbidden)
}

func TestInvitation(t *testing.T) {
	a := newApp(t)
	owner := a.mustUser("owner@example.org", "Olivia Owner")
	o := a.mustOrg(owner, "Acme")
	oc := a.signedIn(owner)

	resp, body := oc.post("/o/"+o.ID+"/invitations", url.Values{"email": {"bad"}, "role": {"emperor"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	resp, body = oc.post("/o/"+o.ID+"/invitations", url.Values{"email": {"rita@example.org"}, "role": {"reviewer"}})
	wantStatus(t, resp, body, http.StatusCreated)
	m := inviteLinkRe.FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, `data-testid="invite-link"`) {
		t.Fatalf("no invitation link shown:\n%.800s", body)
	}
	token := m[1]
	_, body = oc.get("/o/" + o.ID + "/members")
	if strings.Contains(body, token) || !strings.Contains(body, "rita@example.org") {
		t.Fatal("the pending invitation must be listed, and its link never shown again")
	}

	rita := a.mustUser("rita@example.org", "Rita Reviewer")
	anon := a.client()
	resp, body = anon.get("/invite/" + token)
	wantStatus(t, resp, body, 200)
	if !strings.Contains(body, "Acme") || !strings.Contains(body, "/login?next=/invite/") {
		t.Fatal("the invitation page does not name the organisation or offer to sign in")
	}
	resp, _ = anon.post("/invite/"+token, nil)
	wantRedirect(t, resp, "/login")

	rc := a.client()
	rc.login("rita@example.org", testPassword)
	before := rc.cookie(sessionCookie).Value
	resp, _ = rc.post("/invite/"+token, nil)
	wantRedirect(t, resp, "/o/"+o.ID+"/")
	if rc.cookie(sessionCookie).Value == before {
		t.Error("the session ID did not rotate when privileges grew")
	}
	mem, err := a.st.Membership(context.Background(), o.ID, rita.ID)
	if err != nil || mem.Role != account.Reviewer {
		t.Fatalf("membership after accepting: %+v %v", mem, err)
	}
	// Single use.
	resp, body = rc.post("/invite/"+token, nil)
	wantStatus(t, resp, body, http.StatusNotFound)
	resp, body = a.client().get("/invite/" + token)
	wantStatus(t, resp, body, http.StatusNotFound)

	// Expired and revoked invitations do not work.
	_, body = oc.post("/o/"+o.ID+"/invitations", url.Values{"role": {"viewer"}})
	expired := inviteLinkRe.FindStringSubmatch(body)[1]
	if _, err := a.st.Pool().Exec(context.Background(), `UPDATE invitations SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, postgres.TokenHash(expired)); err != nil {
		t.Fatal(err)
	}
	resp, body = rc.get("/invite/" + expired)
	wantStatus(t, resp, body, http.StatusNotFound)

	_, body = oc.post("/o/"+o.ID+"/invitations", url.Values{"role": {"viewer"}})
	revoked := inviteLinkRe.FindStringSubmatch(body)[1]
	invs, _ := a.st.Invitations(context.Background(), o.ID)
	if len(invs) != 1 {
		t.Fatalf("%d pending invitations, want 1", len(invs))
	}
	resp, _ = oc.post("/o/"+o.ID+"/invitations/"+invs[0].ID+"/revoke", nil)
	wantRedirect(t, resp, "/o/"+o.ID+"/members")
	resp, body = rc.get("/invite/" + revoked)
	wantStatus(t, resp, body, http.StatusNotFound)
}

func TestRoleChangesAndRemovalTakeEffectAtOnce(t *testing.T) {
	a := newApp(t)
	owner := a.mustUser("owner@example.org", "Olivia")
	other := a.mustUser("other@example.org", "Oscar")
	o := a.mustOrg(owner, "Acme")
	a.mustMember(o, other, account.Owner)
	oc, xc := a.signedIn(owner), a.signedIn(other)

	resp, body := xc.get("/o/" + o.ID + "/settings")
	wantStatus(t, resp, body, 200)
	resp, _ = oc.post("/o/"+o.ID+"/members/"+other.ID+"/role", url.Values{"role": {"viewer"}})
	wantRedirect(t, resp, "/o/"+o.ID+"/members")
	resp, body = xc.get("/o/" + o.ID + "/settings")
	wantStatus(t, resp, body, http.StatusForbidden)
	resp, body = xc.get("/o/" + o.ID + "/")
	wantStatus(t, resp, body, 200)

	resp, _ = oc.post("/o/"+o.ID+"/members/"+other.ID+"/remove", nil)
	wantRedirect(t, resp, "/o/"+o.ID+"/members")
	resp, body = xc.get("/o/" + o.ID + "/")
	wantStatus(t, resp, body, http.StatusNotFound)

	// The last owner can neither step down nor leave.
	resp, body = oc.post("/o/"+o.ID+"/members/"+owner.ID+"/role", url.Values{"role": {"editor"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(body, "at least one owner") {
		t.Fatal("no explanation for the last-owner refusal")
	}
	resp, body = oc.post("/o/"+o.ID+"/members/"+owner.ID+"/remove", nil)
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	if _, err := a.st.Membership(context.Background(), o.ID, owner.ID); err != nil {
		t.Fatal("the last owner was removed")
	}
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	a := newApp(t)
	u := a.mustUser("pat@example.org", "Pat")
	c1, c2 := a.client(), a.client()
	c1.login(u.Email, testPassword)
	c2.login(u.Email, testPassword)

	resp, body := c1.post("/account/password", url.Values{"current": {"not my password"}, "password": {"a brand new sentence here"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(body, "The current password is incorrect.") {
		t.Fatal("no message for a wrong current password")
	}
	resp, body = c1.post("/account/password", url.Values{"current": {testPassword}, "password": {"password1234"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(body, "too common") {
		t.Fatal("a common password was not refused")
	}

	before := c1.cookie(sessionCookie).Value
	resp, _ = c1.post("/account/password", url.Values{"current": {testPassword}, "password": {"a brand new sentence here"}})
	wantRedirect(t, resp, "/account")
	if c1.cookie(sessionCookie).Value == before {
		t.Error("the session ID did not rotate on password change")
	}
	resp, body = c1.get("/account")
	wantStatus(t, resp, body, 200)
	resp, _ = c2.get("/account")
	wantRedirect(t, resp, "/login")

	c3 := a.client()
	resp, _ = c3.post("/login", url.Values{"email": {u.Email}, "password": {testPassword}})
	wantStatus(t, resp, "", http.StatusUnprocessableEntity)
	c3.login(u.Email, "a brand new sentence here")
}

func TestPasswordReset(t *testing.T) {
	a := newApp(t)
	u := a.mustUser("rose@example.org", "Rose")
	c := a.client()
	c.login(u.Email, testPassword)
	token := newToken()
	if err := a.st.CreatePasswordReset(context.Background(), u.ID, postgres.TokenHash(token), time.Hour); err != nil {
		t.Fatal(err)
	}
	anon := a.client()
	resp, body := anon.get("/password/reset/" + token)
	wantStatus(t, resp, body, 200)
	resp, body = anon.post("/password/reset/"+token, url.Values{"password": {"tiny"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	resp, _ = anon.post("/password/reset/"+token, url.Values{"password": {"the garden gate is green"}})
	wantRedirect(t, resp, "/login")
	resp, _ = c.get("/account")
	wantRedirect(t, resp, "/login") // every session ended
	anon.login(u.Email, "the garden gate is green")
	resp, body = a.client().post("/password/reset/"+token, url.Values{"password": {"another fine sentence"}})
	wantStatus(t, resp, body, http.StatusNotFound) // single use
	resp, body = a.client().get("/password/reset/nonsense")
	wantStatus(t, resp, body, http.StatusNotFound)
}

var revokeRe = regexp.MustCompile(`/account/sessions/([0-9a-f]+)/revoke`)

func TestSessionListAndRevoke(t *testing.T) {
	a := newApp(t)
	u := a.mustUser("sam@example.org", "Sam")
	c1, c2 := a.client(), a.client()
	c1.login(u.Email, testPassword)
	c2.login(u.Email, testPassword)
	_, body := c1.get("/account")
	handles := revokeRe.FindAllStringSubmatch(body, -1)
	if len(handles) != 1 || !strings.Contains(body, "This session") {
		t.Fatalf("want one other session with a revoke button, got %d", len(handles))
	}
	resp, _ := c1.post("/account/sessions/"+handles[0][1]+"/revoke", nil)
	wantRedirect(t, resp, "/account")
	resp, _ = c2.get("/account")
	wantRedirect(t, resp, "/login")
	resp, _ = c1.get("/account")
	wantStatus(t, resp, "", 200)
	// Someone else's session handle is not found.
	other := a.signedIn(a.mustUser("eve@example.org", "Eve"))
	resp, body = other.post("/account/sessions/"+handles[0][1]+"/revoke", nil)
	wantStatus(t, resp, body, http.StatusNotFound)
}

func TestSessionExpiry(t *testing.T) {
	a := newApp(t)
	u := a.mustUser("ida@example.org", "Ida")
	c := a.client()
	c.login(u.Email, testPassword)
	if _, err := a.st.Pool().Exec(context.Background(), `UPDATE sessions SET last_seen_at = now() - interval '9 hours'`); err != nil {
		t.Fatal(err)
	}
	resp, _ := c.get("/account")
	wantRedirect(t, resp, "/login") // idle timeout
	c.login(u.Email, testPassword)
	if _, err := a.st.Pool().Exec(context.Background(), `UPDATE sessions SET expires_at = now() - interval '1 second'`); err != nil {
		t.Fatal(err)
	}
	resp, _ = c.get("/account")
	wantRedirect(t, resp, "/login") // absolute lifetime
}

func TestLoginThrottling(t *testing.T) {
	a := newApp(t)
	u := a.mustUser("tom@example.org", "Tom")
	c := a.client()
	for i := 0; i < accountThrottle.Threshold; i++ {
		resp, _ := c.post("/login", url.Values{"email": {u.Email}, "password": {"guess number " + string(rune('a'+i))}})
		wantStatus(t, resp, "", http.StatusUnprocessableEntity)
	}
	// Even the right password is refused while the account is blocked.
	resp, body := c.post("/login", url.Values{"email": {u.Email}, "password": {testPassword}})
	wantStatus(t, resp, body, http.StatusTooManyRequests)
	if !strings.Contains(body, "Too many attempts") {
		t.Fatal("no throttling message")
	}
	// An unknown address is throttled the same way: throttling reveals nothing.
	for i := 0; i <= accountThrottle.Threshold; i++ {
		resp, _ = c.post("/login", url.Values{"email": {"ghost@example.org"}, "password": {"guess"}})
	}
	wantStatus(t, resp, "", http.StatusTooManyRequests)
	// Another account is still open (the IP limit is higher).
	v := a.mustUser("vera@example.org", "Vera")
	c.login(v.Email, testPassword)
	// Back-off ends.
	if _, err := a.st.Pool().Exec(context.Background(), `UPDATE auth_throttle SET blocked_until = now() - interval '1 second', window_start = now() - interval '1 hour'`); err != nil {
		t.Fatal(err)
	}
	c.login(u.Email, testPassword)
}

func TestSiteAdministration(t *testing.T) {
	a := newApp(t)
	admin, err := a.st.CreateUser(context.Background(), "admin@example.org", "Ada Admin", passwordHashOnce(), true)
	if err != nil {
		t.Fatal(err)
	}
	user := a.mustUser("user@example.org", "Ulysse")
	a.mustOrg(user, "Secret Org")
	resp, body := a.signedIn(user).get("/admin")
	wantStatus(t, resp, body, http.StatusNotFound)
	ac := a.signedIn(admin)
	resp, body = ac.get("/admin")
	wantStatus(t, resp, body, 200)
	if !strings.Contains(body, "Secret Org") {
		t.Fatal("the site administrator does not see every organisation")
	}
	resp, _ = ac.post("/admin/signup", url.Values{"open": {"false"}})
	wantRedirect(t, resp, "/admin")
	if open, _ := a.st.SignupOpen(context.Background()); open {
		t.Fatal("sign-up still open")
	}
	log, err := a.st.AuditLog(context.Background(), "", 100)
	if err != nil {
		t.Fatal(err)
	}
	var adminActions int
	for _, e := range log {
		if e.ActorID == admin.ID && e.Action == "admin.request" {
			adminActions++
		}
	}
	if adminActions != 2 {
		t.Fatalf("%d administrator actions logged, want 2 (view, sign-up change)", adminActions)
	}
}

func TestJanitorDeletesExpiredSessions(t *testing.T) {
	a := newApp(t)
	u := a.mustUser("old@example.org", "Old")
	a.signedIn(u)
	a.signedIn(u)
	live := a.signedIn(u)
	// the oldest expired beyond the grace period (deleted); the next one just expired (kept for the
	// grace period, so answers submitted just after expiry can be handed back)
	if _, err := a.st.Pool().Exec(context.Background(), `WITH s AS (SELECT id_hash, row_number() OVER (ORDER BY created_at) n FROM sessions)
		UPDATE sessions SET expires_at = CASE s.n WHEN 1 THEN now() - interval '8 days' ELSE now() - interval '1 minute' END
		FROM s WHERE s.id_hash = sessions.id_hash AND s.n <= 2`); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.s.Janitor(ctx, time.Hour); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		if err := a.st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM sessions`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions left, want 2", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	<-done
	resp, _ := live.get("/account")
	wantStatus(t, resp, "", 200)
}

func TestSignUpThrottling(t *testing.T) {
	a := newApp(t)
	c := a.client()
	var resp *http.Response
	for i := 0; i <= signupThrottle.Threshold; i++ {
		resp, _ = c.post("/signup", url.Values{"organisation": {"Org"}, "name": {"N"}, "email": {fmt.Sprintf("s%d@example.org", i)}, "password": {testPassword}})
	}
	wantStatus(t, resp, "", http.StatusTooManyRequests)
}

// Two instances on one database agree on whether sign-up is open, whatever their own mode: the
// first to prepare the database decides, and the database is the one source of truth afterwards.
func TestInstancesAgreeOnSignUp(t *testing.T) {
	pool := pgtest.NewPool(t)
	local, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	remote := local
	remote.DatabaseURL = "postgres://aigrid@db.internal/aigrid"
	if remote.LocalMode() {
		t.Fatal("remote config in local mode")
	}
	check := func(open bool) {
		t.Helper()
		for name, cfg := range map[string]config.Config{"local": local, "DATABASE_URL": remote} {
			ts := httptest.NewServer(New(testOptions(t, cfg, pool)))
			resp, body := get(t, ts, "/signup")
			ts.Close()
			if got := strings.Contains(body, `action="/signup"`); got != open || resp.StatusCode != 200 {
				t.Errorf("%s instance: sign-up form shown = %v (%d), want %v", name, got, resp.StatusCode, open)
			}
		}
	}
	// The remote instance starts first on a new database: sign-up closed for both.
	if err := postgres.Prepare(context.Background(), pool, postgres.Defaults{SignupOpen: false}); err != nil {
		t.Fatal(err)
	}
	check(false)
	// An administrator opens it: open for both, and a restart in either mode keeps it so.
	if err := postgres.NewStore(pool).SetSignupOpen(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	check(true)
}
