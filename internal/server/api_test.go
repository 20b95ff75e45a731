package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
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

// apiCall is one response of the API, kept to check it against the OpenAPI document.
type apiCall struct {
	method, route string // route: the document's path template, "/assessments/{id}"
	resp          *http.Response
	body          []byte
}

// apiScenario exercises every route of the API and every error it documents, checking the
// behaviour, and returns the responses.
func apiScenario(t *testing.T) (*app, []apiCall) {
	tm := newTeam(t)
	ctx := context.Background()
	ids := []string{tm.create(tm.editor, "CV screening", fullProfile), tm.create(tm.editor, "Chatbot", fullProfile),
		tm.create(tm.editor, "Fraud detection", fullProfile)}
	tm.step(tm.editor, ids[0], "1.1", url.Values{"a.q1.1.3": {"partly"}, "c.q1.1.3": {"Vérifié : « cœur » de l’équipe"}}, "save")
	token := tm.createToken("BI", "30")
	var calls []apiCall
	get := func(route, path string) apiCall {
		t.Helper()
		resp, body := tm.a.apiGet(token, path)
		c := apiCall{method: "GET", route: route, resp: resp, body: body}
		calls = append(calls, c)
		return c
	}

	// The list, two at a time: every assessment once, in creation order, then no cursor.
	var seen []string
	next := "/api/v1/assessments?limit=2"
	for pages := 0; next != ""; pages++ {
		c := get("/assessments", next)
		if c.resp.StatusCode != 200 || c.resp.Header.Get("Content-Type") != "application/json" || c.resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("list: %d %s %s", c.resp.StatusCode, c.resp.Header, c.body)
		}
		var page APIPage
		if err := json.Unmarshal(c.body, &page); err != nil {
			t.Fatal(err)
		}
		for _, x := range page.Data {
			seen = append(seen, x.ID)
			if x.ID == ids[0] && (x.SystemName != "CV screening" || x.Status != "draft" || x.Version != 1 || x.ContentVersion == "" ||
				x.Scores.Overall.Answered != 1 || len(x.Scores.Sheets) == 0 || x.Scores.ScoringVersion == "") {
				t.Errorf("summary: %+v", x)
			}
		}
		next = ""
		if page.NextCursor != nil {
			next = "/api/v1/assessments?limit=2&cursor=" + url.QueryEscape(*page.NextCursor)
		}
		if pages > 3 {
			t.Fatal("paging does not end")
		}
	}
	if strings.Join(seen, ",") != strings.Join(ids, ",") {
		t.Fatalf("paged list %v, want %v", seen, ids)
	}
	if c := get("/assessments", "/api/v1/assessments"); !bytes.Contains(c.body, []byte(`"next_cursor":null`)) {
		t.Errorf("default page: %s", c.body)
	}

	// One assessment: exactly the JSON export of the export page, in the chosen language.
	for _, lang := range []string{"en", "fr"} {
		c := get("/assessments/{id}", "/api/v1/assessments/"+ids[0]+"?lang="+lang)
		_, page := tm.viewer.get(tm.path("/a/" + ids[0] + "/export.json?lang=" + lang))
		if c.resp.StatusCode != 200 || string(c.body) != page {
			t.Errorf("%s: the API's document is not the JSON export (%d)\n%.300s\n%.300s", lang, c.resp.StatusCode, c.body, page)
		}
	}
	if c := get("/assessments/{id}", "/api/v1/assessments/"+ids[0]); !bytes.Contains(c.body, []byte(`"language": "en"`)) {
		t.Errorf("default language: %.200s", c.body)
	}
	// Its PDF report.
	c := get("/assessments/{id}/report", "/api/v1/assessments/"+ids[0]+"/report?lang=fr")
	if c.resp.StatusCode != 200 || c.resp.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(c.body, []byte("%PDF-")) ||
		c.resp.Header.Get("Content-Disposition") != `attachment; filename="CV-screening-v1.pdf"` {
		t.Errorf("report: %d %s %.20q", c.resp.StatusCode, c.resp.Header, c.body)
	}

	// Errors, as JSON.
	for _, x := range []struct {
		route, path string
		status      int
		code        string
	}{
		{"/assessments", "/api/v1/assessments?limit=0", 400, "bad_request"},
		{"/assessments", "/api/v1/assessments?limit=201", 400, "bad_request"},
		{"/assessments", "/api/v1/assessments?cursor=nonsense", 400, "bad_request"},
		{"/assessments/{id}", "/api/v1/assessments/" + ids[0] + "?lang=de", 400, "bad_request"},
		{"/assessments/{id}/report", "/api/v1/assessments/" + ids[0] + "/report?lang=de", 400, "bad_request"},
		{"/assessments/{id}", "/api/v1/assessments/00000000-0000-0000-0000-000000000000", 404, "not_found"},
		{"/assessments/{id}", "/api/v1/assessments/not-an-id", 404, "not_found"},
		{"/assessments/{id}/report", "/api/v1/assessments/00000000-0000-0000-0000-000000000000/report", 404, "not_found"},
	} {
		c := get(x.route, x.path)
		if c.resp.StatusCode != x.status || !bytes.Contains(c.body, []byte(`"code":"`+x.code+`"`)) {
			t.Errorf("%s: %d %s, want %d %s", x.path, c.resp.StatusCode, c.body, x.status, x.code)
		}
	}
	if resp, body := tm.a.apiGet(token, "/api/v1/nothing"); resp.StatusCode != 404 || !bytes.Contains(body, []byte(`"not_found"`)) {
		t.Errorf("unknown API path: %d %s", resp.StatusCode, body)
	}
	for _, route := range []string{"/assessments", "/assessments/{id}", "/assessments/{id}/report"} {
		path := "/api/v1" + strings.Replace(route, "{id}", ids[0], 1)
		resp, body := tm.a.apiGet("", path)
		if resp.Header.Get("WWW-Authenticate") != `Bearer realm="aigrid"` {
			t.Errorf("no token: WWW-Authenticate %q", resp.Header.Get("WWW-Authenticate"))
		}
		calls = append(calls, apiCall{"GET", route, resp, body})
		resp, body = tm.a.apiGet("aig_AAAAAAAAAAAAAAAAAAAAAAAAAA", path)
		if resp.Header.Get("WWW-Authenticate") != `Bearer realm="aigrid", error="invalid_token"` {
			t.Errorf("unknown token: WWW-Authenticate %q", resp.Header.Get("WWW-Authenticate"))
		}
		calls = append(calls, apiCall{"GET", route, resp, body})
		resp, body = tm.a.apiDo("DELETE", token, path)
		calls = append(calls, apiCall{"DELETE", route, resp, body})
	}

	// Every read is in the organisation's audit log, naming the token.
	reads := tm.auditEntries("api.read")
	if len(reads) != 7 {
		t.Errorf("%d API reads audited, want 7 (the successful ones)", len(reads))
	}
	for _, e := range reads {
		if e.Details["token_name"] != "BI" || e.Details["token"] == nil || e.ActorID != "" {
			t.Errorf("audit entry %+v", e)
		}
	}
	if e := reads[len(reads)-1]; e.Details["assessment"] != ids[0] || e.Details["format"] != "pdf" || e.Details["lang"] != "fr" {
		t.Errorf("report read audited as %+v", e.Details)
	}

	// The last-used date is written at most once a minute.
	var used1, used2 time.Time
	q := `SELECT last_used_at FROM api_tokens WHERE token_hash = $1`
	if err := tm.a.st.Pool().QueryRow(ctx, q, postgres.TokenHash(token)).Scan(&used1); err != nil {
		t.Fatal(err)
	}
	tm.a.apiGet(token, "/api/v1/assessments")
	if err := tm.a.st.Pool().QueryRow(ctx, q, postgres.TokenHash(token)).Scan(&used2); err != nil || !used2.Equal(used1) {
		t.Errorf("last used rewritten within the minute: %s → %s (%v)", used1, used2, err)
	}
	if _, err := tm.a.st.Pool().Exec(ctx, `UPDATE api_tokens SET last_used_at = now() - interval '2 minutes' WHERE token_hash = $1`, postgres.TokenHash(token)); err != nil {
		t.Fatal(err)
	}
	tm.a.apiGet(token, "/api/v1/assessments")
	if err := tm.a.st.Pool().QueryRow(ctx, q, postgres.TokenHash(token)).Scan(&used2); err != nil || time.Since(used2) > 30*time.Second {
		t.Errorf("last used not updated after two minutes: %s (%v)", used2, err)
	}

	// A token over its rate limit is refused for a while, with Retry-After.
	list, _ := tm.a.st.APITokens(ctx, tm.org.ID)
	if _, err := tm.a.st.Pool().Exec(ctx, `UPDATE auth_throttle SET failures = 300, blocked_until = now() + interval '40 seconds' WHERE key = $1`,
		"api:"+list[0].ID); err != nil {
		t.Fatal(err)
	}
	for _, route := range []string{"/assessments", "/assessments/{id}", "/assessments/{id}/report"} {
		c := get(route, "/api/v1"+strings.Replace(route, "{id}", ids[0], 1))
		if c.resp.StatusCode != 429 || c.resp.Header.Get("Retry-After") == "" || !bytes.Contains(c.body, []byte(`"rate_limited"`)) {
			t.Errorf("throttled: %d %q %s", c.resp.StatusCode, c.resp.Header.Get("Retry-After"), c.body)
		}
	}
	return tm.a, calls
}

func TestAPI(t *testing.T) { apiScenario(t) }

// Neither creating a token nor using it (valid, revoked, or on a failing request) logs it.
func TestAPITokensAreNotLogged(t *testing.T) {
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	o := testOptions(t, cfg, pgtest.NewPool(t))
	o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := New(o)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	tm := newTeamOn(&app{t: t, s: s, ts: ts, st: o.Store})
	token := tm.createToken("BI", "30")
	for _, p := range []string{"/api/v1/assessments", "/api/v1/assessments/nope", "/api/v1/assessments?cursor=x"} {
		tm.a.apiGet(token, p)
	}
	tm.a.apiDo("POST", token, "/api/v1/assessments")
	time.Sleep(10 * time.Millisecond)
	out := logs.String()
	if strings.Contains(out, token) || strings.Contains(out, token[:16]) {
		t.Fatalf("a token was logged:\n%s", out)
	}
	if !strings.Contains(out, "/api/v1/assessments") {
		t.Fatalf("no access log lines for the API:\n%s", out)
	}
}

// BenchmarkAPI measures the API's reads of a complete assessment through the real router and
// database: token check and rate-limit count included. The rate-limit count is reset out of the
// timer every 250 requests, so that the benchmark measures reads, not refusals.
func BenchmarkAPI(b *testing.B) {
	tm, id := benchAssessment(b)
	token := tm.createToken("bench", "30")
	ctx := context.Background()
	list, err := tm.a.st.APITokens(ctx, tm.org.ID)
	if err != nil {
		b.Fatal(err)
	}
	for _, path := range []string{"/api/v1/assessments", "/api/v1/assessments/" + id, "/api/v1/assessments/" + id + "/report"} {
		name := strings.TrimPrefix(strings.Replace(path, id, "{id}", 1), "/api/v1/")
		b.Run(name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				if i%250 == 0 {
					b.StopTimer()
					if _, err := tm.a.st.Pool().Exec(ctx, `DELETE FROM auth_throttle WHERE key = $1`, "api:"+list[0].ID); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				if resp, body := tm.a.apiGet(token, path); resp.StatusCode != 200 {
					b.Fatalf("%s %.200s", resp.Status, body)
				}
			}
		})
	}
}
