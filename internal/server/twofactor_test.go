package server

import (
	"bytes"
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"aigrid/internal/account"
	"aigrid/internal/postgres"
)

var (
	totpSecretRe   = regexp.MustCompile(`data-testid="totp-secret">([A-Z2-7]+)<`)
	recoveryCodeRe = regexp.MustCompile(`<code>([a-z0-9]{5}-[a-z0-9]{5})</code>`)
)

func auditCount(t *testing.T, a *app, action string) int {
	t.Helper()
	var n int
	if err := a.st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// enrol sets up two-step sign-in for a signed-in client through the pages and returns the secret
// and the recovery codes.
func enrol(t *testing.T, c *client) (string, []string) {
	t.Helper()
	resp, body := c.get("/account/2fa")
	wantStatus(t, resp, body, http.StatusOK)
	m := totpSecretRe.FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, `src="data:image/png;base64,`) {
		t.Fatalf("the set-up page shows no QR code or key\n%.2000s", body)
	}
	secret := m[1]
	// a wrong code is refused, the same key is kept for the next try
	resp, body = c.post("/account/2fa", url.Values{"code": {"000000"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(body, `data-testid="error-summary"`) || !strings.Contains(body, secret) {
		t.Fatal("a wrong first code does not show the error with the same key")
	}
	code, err := account.TOTPCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	resp, body = c.post("/account/2fa", url.Values{"code": {code}})
	wantStatus(t, resp, body, http.StatusOK)
	var codes []string
	for _, m := range recoveryCodeRe.FindAllStringSubmatch(body, -1) {
		codes = append(codes, m[1])
	}
	if len(codes) != account.RecoveryCodes {
		t.Fatalf("%d recovery codes shown, want %d\n%.2000s", len(codes), account.RecoveryCodes, body)
	}
	return secret, codes
}

// passwordStep signs in with a password and expects to be asked for the code.
func passwordStep(t *testing.T, c *client, email, password string) {
	t.Helper()
	resp, _ := c.post("/login", url.Values{"email": {email}, "password": {password}})
	wantRedirect(t, resp, "/login/code")
	// not signed in yet
	resp, _ = c.get("/account")
	wantRedirect(t, resp, "/login")
}

func TestTwoFactorEnrolmentAndSignIn(t *testing.T) {
	a := newApp(t)
	u := a.mustUser("two@example.org", "Two Steps")
	a.mustOrg(u, "Org")
	c := a.client()
	c.login(u.Email, testPassword)
	secret, codes := enrol(t, c)
	if auditCount(t, a, "twofactor.enabled") != 1 {
		t.Error("enrolment not audited")
	}
	// the secret is stored sealed, never in clear
	var sealed []byte
	if err := a.st.Pool().QueryRow(context.Background(), `SELECT totp_secret FROM users WHERE id = $1`, u.ID).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	if len(sealed) == 0 || strings.Contains(string(sealed), secret) {
		t.Fatal("the TOTP secret is stored in clear")
	}
	_, body := c.get("/account")
	if !strings.Contains(body, html.EscapeString("Two-step sign-in is on")) {
		t.Error("the account page does not say two-step sign-in is on")
	}

	// Signing in: the password alone does not sign in.
	c2 := a.client()
	passwordStep(t, c2, u.Email, testPassword)
	resp, body := c2.post("/login/code", url.Values{"code": {"123456"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	// the code of the enrolment's step was used already; the next step's code works once
	next, _ := account.TOTPCode(secret, time.Now().Add(30*time.Second))
	resp, _ = c2.post("/login/code", url.Values{"code": {next}})
	wantRedirect(t, resp, "/orgs")
	resp, body = c2.get("/account")
	wantStatus(t, resp, body, http.StatusOK)
	if auditCount(t, a, "login.twofactor_failed") != 1 {
		t.Error("the wrong code is not audited")
	}

	// The same code cannot sign in twice.
	c3 := a.client()
	passwordStep(t, c3, u.Email, testPassword)
	resp, body = c3.post("/login/code", url.Values{"code": {next}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	// A recovery code works once, typed in capitals with spaces.
	resp, _ = c3.post("/login/code", url.Values{"code": {" " + strings.ToUpper(codes[0]) + " "}})
	wantRedirect(t, resp, "/orgs")
	c4 := a.client()
	passwordStep(t, c4, u.Email, testPassword)
	resp, body = c4.post("/login/code", url.Values{"code": {codes[0]}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	_, body = c.get("/account/2fa")
	if !strings.Contains(body, "Recovery codes left: 9.") {
		t.Error("the recovery codes left are not counted")
	}

	// The code page without a checked password goes back to the password.
	resp, _ = a.client().get("/login/code")
	wantRedirect(t, resp, "/login")
	resp, _ = a.client().post("/login/code", url.Values{"code": {next}})
	wantRedirect(t, resp, "/login")
}

// Wrong codes are throttled like wrong passwords.
func TestTwoFactorCodesAreThrottled(t *testing.T) {
	a := newApp(t)
	u := a.mustUser("two@example.org", "Two Steps")
	a.mustOrg(u, "Org")
	c := a.client()
	c.login(u.Email, testPassword)
	secret, _ := enrol(t, c)
	c2 := a.client()
	passwordStep(t, c2, u.Email, testPassword)
	for range twoFactorThrottle.Threshold {
		resp, body := c2.post("/login/code", url.Values{"code": {"999999"}})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	}
	good, _ := account.TOTPCode(secret, time.Now().Add(30*time.Second))
	resp, body := c2.post("/login/code", url.Values{"code": {good}})
	wantStatus(t, resp, body, http.StatusTooManyRequests)
}

// A password reset link gives a new password, not a way around the second factor.
func TestPasswordResetKeepsTheSecondFactor(t *testing.T) {
	a := newApp(t)
	u := a.mustUser("two@example.org", "Two Steps")
	a.mustOrg(u, "Org")
	c := a.client()
	c.login(u.Email, testPassword)
	enrol(t, c)
	token := newToken()
	if err := a.st.CreatePasswordReset(context.Background(), u.ID, postgres.TokenHash(token), time.Hour); err != nil {
		t.Fatal(err)
	}
	resp, _ := a.client().post("/password/reset/"+token, url.Values{"password": {"a fresh sentence to sign in"}})
	wantRedirect(t, resp, "/login")
	passwordStep(t, a.client(), u.Email, "a fresh sentence to sign in")
}

// An owner can require two-step sign-in: members without it are sent to set it up before they
// open the organisation's pages, and cannot turn it off.
func TestOrganisationRequiresTwoFactor(t *testing.T) {
	tm := newTeam(t)
	settings := func(require bool) (*http.Response, string) {
		v := url.Values{"name": {"Clinique du Parc"}}
		if require {
			v.Set("require_two_factor", "1")
		}
		return tm.owner.post(tm.path("/settings"), v)
	}
	// Not before the owner has it: that would lock them out.
	resp, body := settings(true)
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(body, "Set up two-step sign-in for your own account first") {
		t.Fatal("the owner is not told to set it up first")
	}
	enrol(t, tm.owner)
	resp, _ = settings(true)
	wantRedirect(t, resp, tm.path("/"))
	if n := len(tm.auditEntries("organisation.require_two_factor")); n != 1 {
		t.Fatalf("%d policy changes audited, want 1", n)
	}
	resp, body = tm.owner.get(tm.path("/"))
	wantStatus(t, resp, body, http.StatusOK)

	// A member without it is sent to the set-up page, for reads and writes alike.
	resp, _ = tm.editor.get(tm.path("/"))
	wantRedirect(t, resp, "/account/2fa")
	resp, _ = tm.editor.post(tm.path("/assessments"), url.Values{"name": {"x"}})
	wantRedirect(t, resp, "/account/2fa")
	resp, body = tm.editor.get("/account/2fa")
	wantStatus(t, resp, body, http.StatusOK)
	if !strings.Contains(body, "requires two-step sign-in") {
		t.Error("the set-up page does not say the organisation requires it")
	}
	enrol(t, tm.editor)
	resp, body = tm.editor.get(tm.path("/"))
	wantStatus(t, resp, body, http.StatusOK)
	// and cannot turn it off while the organisation requires it
	resp, body = tm.editor.post("/account/2fa/disable", url.Values{"disable_password": {testPassword}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)

	// Lifting the requirement lets members turn it off (with their password).
	resp, _ = settings(false)
	wantRedirect(t, resp, tm.path("/"))
	resp, body = tm.editor.post("/account/2fa/disable", url.Values{"disable_password": {"not my password"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	resp, _ = tm.editor.post("/account/2fa/disable", url.Values{"disable_password": {testPassword}})
	wantRedirect(t, resp, "/account/2fa")
	if n := auditCount(t, tm.a, "twofactor.disabled"); n != 1 {
		t.Fatalf("%d disablings audited", n)
	}
}

func TestTwoFactorPagesInFrench(t *testing.T) {
	a := newApp(t)
	u := a.mustUser("deux@example.org", "Deux Étapes")
	a.mustOrg(u, "Org")
	c := a.client()
	c.login(u.Email, testPassword)
	c.post("/language", url.Values{"lang": {"fr"}, "next": {"/"}})
	resp, body := c.get("/account/2fa")
	wantStatus(t, resp, body, http.StatusOK)
	if !strings.Contains(body, "Connexion en deux étapes") || !strings.Contains(body, "Scannez ce code QR") {
		t.Fatalf("the set-up page is not in French\n%.1500s", body)
	}
}

// After the session key changed, a stored secret cannot be read: codes are refused (not a 500)
// and a recovery code still signs in.
func TestTwoFactorAfterSessionKeyChange(t *testing.T) {
	a := newApp(t)
	u := a.mustUser("two@example.org", "Two Steps")
	a.mustOrg(u, "Org")
	c := a.client()
	c.login(u.Email, testPassword)
	secret, codes := enrol(t, c)

	o := testOptions(t, a.s.cfg, a.st.Pool())
	o.SessionKey = bytes.Repeat([]byte("n"), 32)
	srv := New(o)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	b := &app{t: t, s: srv, ts: ts, st: o.Store}
	c2 := b.client()
	passwordStep(t, c2, u.Email, testPassword)
	good, _ := account.TOTPCode(secret, time.Now().Add(30*time.Second))
	resp, body := c2.post("/login/code", url.Values{"code": {good}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	resp, _ = c2.post("/login/code", url.Values{"code": {codes[1]}})
	wantRedirect(t, resp, "/orgs")
}
