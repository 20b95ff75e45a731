package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"aigrid/internal/account"
	"aigrid/internal/postgres"
)

// apiGet calls the API with a bearer token ("" for none), as an integration would: no cookie.
func (a *app) apiGet(token, path string) (*http.Response, []byte) {
	a.t.Helper()
	return a.apiDo("GET", token, path)
}

func (a *app) apiDo(method, token, path string) (*http.Response, []byte) {
	a.t.Helper()
	req, _ := http.NewRequest(method, a.ts.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := apiClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// apiClient keeps no cookie and follows no redirect, so tests see them.
var apiClient = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

var newTokenRe = regexp.MustCompile(`data-testid="new-token-value">(aig_[A-Z2-7]+)<`)

// createToken creates a token through the owner's page and returns it.
func (tm *team) createToken(name, expires string) string {
	tm.a.t.Helper()
	resp, body := tm.owner.post(tm.path("/settings/tokens"), url.Values{"name": {name}, "expires": {expires}})
	if resp.StatusCode != http.StatusCreated {
		tm.a.t.Fatalf("create token: %d\n%.1000s", resp.StatusCode, body)
	}
	m := newTokenRe.FindStringSubmatch(body)
	if m == nil {
		tm.a.t.Fatalf("no token shown:\n%.2000s", body)
	}
	return m[1]
}

// TestAPITokensPage: owners create tokens, shown once and stored hashed, and revoke them; both are
// in the audit log; other roles cannot reach the page.
func TestAPITokensPage(t *testing.T) {
	tm := newTeam(t)
	ctx := context.Background()

	// The settings page links to the tokens page, which has none yet.
	_, body := tm.owner.get(tm.path("/settings"))
	if !strings.Contains(body, `href="`+tm.path("/settings/tokens")+`"`) {
		t.Fatal("no link to the tokens page from the settings")
	}
	resp, body := tm.owner.get(tm.path("/settings/tokens"))
	wantStatus(t, resp, body, 200)
	if !strings.Contains(body, `data-testid="no-tokens"`) {
		t.Fatal("a token before any was created")
	}

	// Bad input: the messages, the typed data kept, nothing created.
	resp, body = tm.owner.post(tm.path("/settings/tokens"), url.Values{"name": {""}, "expires": {"7"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(body, "Enter a name for the token") || !strings.Contains(body, "Choose when the token expires") {
		t.Fatalf("no error messages:\n%.3000s", body)
	}
	resp, body = tm.owner.post(tm.path("/settings/tokens"), url.Values{"name": {strings.Repeat("x", 101)}, "expires": {"30"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(body, `value="`+strings.Repeat("x", 101)+`"`) || !strings.Contains(body, `id="expires-30" name="expires" value="30" checked`) {
		t.Fatal("typed data not kept")
	}
	if list, _ := tm.a.st.APITokens(ctx, tm.org.ID); len(list) != 0 {
		t.Fatalf("%d tokens after failed creations", len(list))
	}

	// Created: shown once, with the prefix; only its hash and hint are stored.
	token := tm.createToken("GRC register", "90")
	if !account.LooksLikeAPIToken(token) {
		t.Fatalf("token %q", token)
	}
	var stored []byte
	var hint string
	var expires time.Time
	if err := tm.a.st.Pool().QueryRow(ctx, `SELECT token_hash, hint, expires_at FROM api_tokens WHERE organisation_id = $1`, tm.org.ID).
		Scan(&stored, &hint, &expires); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stored, postgres.TokenHash(token)) || !strings.HasPrefix(token, hint) || len(hint) != 10 {
		t.Fatalf("stored %x, hint %q for %q", stored, hint, token)
	}
	if d := time.Until(expires); d < 89*24*time.Hour || d > 91*24*time.Hour {
		t.Errorf("expires in %s, want 90 days", d)
	}
	_, body = tm.owner.get(tm.path("/settings/tokens"))
	if strings.Contains(body, token) || !strings.Contains(body, hint+"…") || !strings.Contains(body, "GRC register") ||
		!strings.Contains(body, "Olivia Owner") {
		t.Fatalf("tokens page shows the token again, or not its hint, name and creator:\n%.4000s", body)
	}
	tm.createToken("BI", "never")
	list, err := tm.a.st.APITokens(ctx, tm.org.ID)
	if err != nil || len(list) != 2 || list[0].Name != "BI" || list[0].ExpiresAt != nil {
		t.Fatalf("tokens: %+v %v", list, err)
	}

	// It opens the API; revoked, it no longer does.
	if resp, b := tm.a.apiGet(token, "/api/v1/assessments"); resp.StatusCode != 200 {
		t.Fatalf("new token: %d %s", resp.StatusCode, b)
	}
	grc := list[1]
	resp, _ = tm.owner.post(tm.path("/settings/tokens/"+grc.ID+"/revoke"), nil)
	wantRedirect(t, resp, tm.path("/settings/tokens"))
	if resp, _ := tm.a.apiGet(token, "/api/v1/assessments"); resp.StatusCode != 401 {
		t.Fatalf("revoked token: %d", resp.StatusCode)
	}
	_, body = tm.owner.get(tm.path("/settings/tokens"))
	if !strings.Contains(body, "Token revoked") || !strings.Contains(body, "Revoked") {
		t.Error("no confirmation or revoked state")
	}
	// Revoking twice, or another organisation's token, is not found.
	resp, _ = tm.owner.post(tm.path("/settings/tokens/"+grc.ID+"/revoke"), nil)
	wantStatus(t, resp, "", 404)
	other := tm.a.mustUser("other@example.org", "Other")
	otherOrg := tm.a.mustOrg(other, "Other org")
	resp, _ = tm.a.signedIn(other).post("/o/"+otherOrg.ID+"/settings/tokens/"+list[0].ID+"/revoke", nil)
	wantStatus(t, resp, "", 404)
	if l, _ := tm.a.st.APITokens(ctx, tm.org.ID); l[0].RevokedAt != nil {
		t.Fatal("another organisation's owner revoked a token")
	}

	// Audited, with the token's id and name, never the token.
	created, revoked := tm.auditEntries("api_token.create"), tm.auditEntries("api_token.revoke")
	if len(created) != 2 || len(revoked) != 1 || revoked[0].Details["token"] != grc.ID || revoked[0].Details["name"] != "GRC register" ||
		created[0].ActorName != "Olivia Owner" {
		t.Fatalf("audit: %+v %+v", created, revoked)
	}
	for _, e := range append(created, revoked...) {
		if strings.Contains(detailsString(e.Details), token) {
			t.Fatal("the token is in the audit log")
		}
	}

	// Editors and viewers do not manage tokens.
	for _, c := range []*client{tm.editor, tm.viewer} {
		if resp, _ := c.get(tm.path("/settings/tokens")); resp.StatusCode != 403 {
			t.Errorf("non-owner: %d", resp.StatusCode)
		}
	}
}

func detailsString(d map[string]any) string {
	b, _ := json.Marshal(d)
	return string(b)
}
