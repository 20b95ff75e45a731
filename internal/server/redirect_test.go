package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode"
)

// openRedirects are the usual ways to make a "local" redirect target leave the site: each must be
// replaced by the default target, whatever decodes it (the query string, the browser).
var openRedirects = []string{
	"//evil.example",
	"///evil.example",
	"/\\evil.example",
	"/\\/evil.example",
	"\\\\evil.example",
	"/\t/evil.example", // what /login?next=/%09/evil.example gives once the query is decoded
	"/\n/evil.example",
	"/\r/evil.example",
	"/ /evil.example",
	"/%09/evil.example",
	"/%5cevil.example",
	"/%5c%5cevil.example",
	"/%2f%2fevil.example",
	"/%2F/evil.example",
	"%2f%2fevil.example",
	"javascript:alert(1)",
	"JaVaScRiPt:alert(1)",
	"https:evil.example",
	"https://evil.example",
	"http:/evil.example",
	"//user@evil.example",
	"evil.example",
	"/\x00/evil.example",
	"/\u00a0/evil.example",
	"/\u2028/evil.example",
	"/\xff/evil.example",
	"",
}

func TestLocalPathRefusesOpenRedirects(t *testing.T) {
	for _, p := range openRedirects {
		if got := localPath(p, "/orgs"); got != "/orgs" {
			t.Errorf("localPath(%q) = %q, want the default", p, got)
		}
	}
	for _, p := range []string{"/orgs", "/o/1/a/2/s/1.1?x=1#q1.1.1", "/about", "/%C3%A9t%C3%A9", "/o/1/a/2/results?what=if"} {
		if got := localPath(p, "/orgs"); got != p {
			t.Errorf("localPath(%q) = %q, want it kept", p, got)
		}
	}
}

// sameOrigin checks a Location header the way a lenient browser would read it: tabs and line
// breaks removed, backslashes as slashes. It must stay on the server's own origin.
func sameOrigin(t *testing.T, base, location string) {
	t.Helper()
	cleaned := strings.Map(func(r rune) rune {
		if r == '\\' {
			return '/'
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, location)
	b, _ := url.Parse(base)
	u, err := b.Parse(cleaned)
	if err != nil || u.Host != b.Host || u.Scheme != b.Scheme || !strings.HasPrefix(location, "/") || strings.HasPrefix(location, "//") {
		t.Errorf("Location %q leaves %s", location, base)
	}
}

// The sign-in form (after signing in, and when already signed in) and the language switch only
// redirect to this site, whatever next holds.
func TestNoOpenRedirect(t *testing.T) {
	a := newApp(t)
	u := a.mustUser("owner@example.org", "Owner")
	org := a.mustOrg(u, "Org")
	for _, next := range openRedirects {
		c := a.client()
		resp, body := c.post("/login", url.Values{"email": {u.Email}, "password": {testPassword}, "next": {next}})
		wantStatus(t, resp, body, http.StatusSeeOther)
		sameOrigin(t, a.ts.URL, resp.Header.Get("Location"))
		want := "/orgs"
		if next == "" { // no target: a member of one organisation goes to it
			want = "/o/" + org.ID + "/"
		}
		if loc := resp.Header.Get("Location"); loc != want {
			t.Errorf("login next=%q → %q, want %s", next, loc, want)
		}

		// Signed in already: GET /login?next=… redirects at once. The raw query is escaped the
		// way an attacker would write it in a link.
		resp, body = c.get("/login?next=" + url.QueryEscape(next))
		wantStatus(t, resp, body, http.StatusSeeOther)
		sameOrigin(t, a.ts.URL, resp.Header.Get("Location"))

		resp, body = c.post("/language", url.Values{"lang": {"fr"}, "next": {next}})
		wantStatus(t, resp, body, http.StatusSeeOther)
		sameOrigin(t, a.ts.URL, resp.Header.Get("Location"))
	}
	// The literal attack of the report: the query string as typed in a link.
	c := a.signedIn(u)
	for _, raw := range []string{"/%09/evil.example", "/%5cevil.example", "%2f%2fevil.example", "/%0d%0aLocation:%20https://evil.example"} {
		resp, body := c.get("/login?next=" + raw)
		wantStatus(t, resp, body, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); loc != "/orgs" {
			t.Errorf("GET /login?next=%s → %q, want /orgs", raw, loc)
		}
	}
	// A genuine local target still works.
	resp, body := c.get("/login?next=" + url.QueryEscape("/about?x=1"))
	wantStatus(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != "/about?x=1" {
		t.Errorf("local next → %q", loc)
	}
}
