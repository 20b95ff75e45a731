package server

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"aigrid/internal/account"
	"aigrid/internal/config"
	"aigrid/internal/pgtest"
	"aigrid/internal/postgres"
)

// app is the real router over a fresh database, with direct access to the store for set-up.
type app struct {
	t  testing.TB
	s  *Server
	ts *httptest.Server
	st *postgres.Store
}

func newApp(t testing.TB) *app {
	t.Helper()
	return newAppOn(t, pgtest.NewPool(t))
}

// newAppOn is newApp over a given pool.
func newAppOn(t testing.TB, pool *pgxpool.Pool) *app {
	t.Helper()
	cfg, err := config.Load(func(string) string { return "" }) // local mode: sign-up open by default
	if err != nil {
		t.Fatal(err)
	}
	o := testOptions(t, cfg, pool)
	s := New(o)
	ts := httptest.NewServer(recordPages(s))
	t.Cleanup(ts.Close)
	return &app{t: t, s: s, ts: ts, st: o.Store}
}

// client is a browser: it keeps cookies and does not follow redirects, so tests see them.
type client struct {
	a *app
	c *http.Client
}

func (a *app) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{a: a, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *client) do(req *http.Request) (*http.Response, string) {
	c.a.t.Helper()
	resp, err := c.c.Do(req)
	if err != nil {
		c.a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		checkPage(c.a.t, req.Method+" "+req.URL.Path, string(b))
	}
	return resp, string(b)
}

var (
	idRe        = regexp.MustCompile(`\sid="([^"]+)"`)
	anchorRe    = regexp.MustCompile(`href="#([^"]+)"`)
	controlRe   = regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)
	attrIDRe    = regexp.MustCompile(`\sid="([^"]+)"`)
	attrTypeRe  = regexp.MustCompile(`\stype="([^"]+)"`)
	labelForRe  = regexp.MustCompile(`<label[^>]*\sfor="([^"]+)"`)
	emptyAriaRe = regexp.MustCompile(`\saria-[a-z]+=""`)
	tableWrapRe = regexp.MustCompile(`<div class="table-wrap"[^>]*>`)
	spanLabelRe = regexp.MustCompile(`<(span|div|p)\b[^>]*\saria-label=[^>]*>`)
)

// checkPage applies accessibility rules to every HTML page the tests fetch: in-page links lead to an
// element, ids are unique, and every visible form control has a label (or an aria-label).
func checkPage(t testing.TB, what, body string) {
	t.Helper()
	ids := map[string]int{}
	for _, m := range idRe.FindAllStringSubmatch(body, -1) {
		ids[m[1]]++
	}
	for id, n := range ids {
		if n > 1 {
			t.Errorf("%s: id %q is used %d times", what, id, n)
		}
	}
	for _, m := range anchorRe.FindAllStringSubmatch(body, -1) {
		if ids[m[1]] == 0 {
			t.Errorf("%s: link to #%s, but no element has that id", what, m[1])
		}
	}
	// patterns the Nu HTML checker refuses
	for _, m := range emptyAriaRe.FindAllString(body, -1) {
		t.Errorf("%s: empty ARIA attribute %s", what, m)
	}
	for _, m := range spanLabelRe.FindAllString(body, -1) {
		if !strings.Contains(m, ` role="`) {
			t.Errorf("%s: aria-label on an element without a role: %s", what, m)
		}
	}
	// a region that scrolls sideways takes the keyboard focus and has a name (axe's
	// scrollable-region-focusable)
	for _, m := range tableWrapRe.FindAllString(body, -1) {
		if !strings.Contains(m, `tabindex="0"`) || !strings.Contains(m, ` role="region"`) || !strings.Contains(m, "aria-label") {
			t.Errorf("%s: a scrolling table without tabindex, role or label: %s", what, m)
		}
	}
	labelled := map[string]bool{}
	for _, m := range labelForRe.FindAllStringSubmatch(body, -1) {
		labelled[m[1]] = true
	}
	for _, tag := range controlRe.FindAllString(body, -1) {
		if typ := attrTypeRe.FindStringSubmatch(tag); typ != nil && (typ[1] == "hidden" || typ[1] == "submit") {
			continue
		}
		id := attrIDRe.FindStringSubmatch(tag)
		if strings.Contains(tag, "aria-label=") || (id != nil && labelled[id[1]]) {
			continue
		}
		t.Errorf("%s: form control without a label: %s", what, tag)
	}
}

func (c *client) get(path string) (*http.Response, string) {
	c.a.t.Helper()
	req, _ := http.NewRequest("GET", c.a.ts.URL+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) (*http.Response, string) {
	c.a.t.Helper()
	req, _ := http.NewRequest("POST", c.a.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

func (c *client) cookie(name string) *http.Cookie {
	u, _ := url.Parse(c.a.ts.URL)
	for _, ck := range c.c.Jar.Cookies(u) {
		if ck.Name == name {
			return ck
		}
	}
	return nil
}

// setCookie replaces the client's session cookie (to replay an old one).
func (c *client) setCookie(value string) {
	u, _ := url.Parse(c.a.ts.URL)
	c.c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: value, Path: "/"}})
}

func wantStatus(t *testing.T, resp *http.Response, body string, want int) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("%s %s = %d, want %d\n%.1500s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, want, body)
	}
}

func wantRedirect(t *testing.T, resp *http.Response, prefix string) {
	t.Helper()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), prefix) {
		t.Fatalf("%s %s = %d → %q, want 303 → %s…", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, resp.Header.Get("Location"), prefix)
	}
}

const testPassword = "a long and quiet river"

var passwordHashOnce = func() func() string {
	var h string
	return func() string {
		if h == "" {
			h, _ = account.HashPassword(context.Background(), testPassword)
		}
		return h
	}
}()

// mustUser creates a user with testPassword.
func (a *app) mustUser(email, name string) account.User {
	a.t.Helper()
	u, err := a.st.CreateUser(context.Background(), email, name, passwordHashOnce(), false)
	if err != nil {
		a.t.Fatal(err)
	}
	return u
}

// mustOrg creates an organisation owned by owner.
func (a *app) mustOrg(owner account.User, name string) account.Organisation {
	a.t.Helper()
	o, err := a.st.CreateOrganisation(context.Background(), owner.ID, name)
	if err != nil {
		a.t.Fatal(err)
	}
	return o
}

// mustMember adds user to org with role, the way an accepted invitation does.
func (a *app) mustMember(o account.Organisation, u account.User, role account.Role) {
	a.t.Helper()
	token := newToken()
	ctx := context.Background()
	if err := a.st.CreateInvitation(ctx, o.ID, "", "", role, postgres.TokenHash(token), time.Hour); err != nil {
		a.t.Fatal(err)
	}
	if _, err := a.st.AcceptInvitation(ctx, postgres.TokenHash(token), u.ID); err != nil {
		a.t.Fatal(err)
	}
}

// signedIn returns a client with a session for u, made directly (no password hashing), as a
// sign-in would make it.
func (a *app) signedIn(u account.User) *client {
	a.t.Helper()
	c := a.client()
	id := newToken()
	err := a.st.CreateSession(context.Background(), postgres.TokenHash(id), postgres.SessionRow{UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}, "test", "127.0.0.1")
	if err != nil {
		a.t.Fatal(err)
	}
	v, err := a.s.sessions.codec.Encode(sessionCookie, id)
	if err != nil {
		a.t.Fatal(err)
	}
	c.setCookie(v)
	return c
}

// login signs in through the real form.
func (c *client) login(email, password string) {
	c.a.t.Helper()
	resp, body := c.post("/login", url.Values{"email": {email}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		c.a.t.Fatalf("login %s: %d\n%.800s", email, resp.StatusCode, body)
	}
}

var inviteLinkRe = regexp.MustCompile(`/invite/([A-Za-z0-9]+)`)
