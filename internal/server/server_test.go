package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"aigrid/content"
	"aigrid/internal/config"
	"aigrid/internal/localpg"
	"aigrid/internal/pgtest"
	"aigrid/internal/postgres"
	"aigrid/internal/questionnaire"
	"aigrid/web/static"
)

// TestMain runs the tests over a throwaway PostgreSQL cluster, then the Nu HTML checker over every
// page they fetched (vnu_test.go).
func TestMain(m *testing.M) {
	code := pgtest.Run(m)
	if code == 0 {
		code = checkRecordedPages()
	}
	os.Exit(code)
}

// mustCatalog loads every shipped questionnaire version, as the server does at start-up.
func mustCatalog(tb testing.TB) *questionnaire.Catalog {
	tb.Helper()
	c, err := questionnaire.LoadCatalog(content.FS)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// testOptions are the server's dependencies over pool (nil for handlers that need no database).
func testOptions(tb testing.TB, cfg config.Config, pool *pgxpool.Pool) Options {
	tb.Helper()
	var st *postgres.Store
	if pool != nil {
		// the start-up path: migrations (already applied to the template) and default settings
		if err := postgres.Prepare(context.Background(), pool, postgres.Defaults{SignupOpen: cfg.LocalMode()}); err != nil {
			tb.Fatal(err)
		}
		st = postgres.NewStore(pool)
	}
	return Options{Config: cfg, Store: st, Catalog: mustCatalog(tb), SessionKey: bytes.Repeat([]byte("k"), 32)}
}

// newTestServer runs the real router over a fresh database.
func newTestServer(t *testing.T) *httptest.Server {
	t.Helper()
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	s := New(testOptions(t, cfg, pgtest.NewPool(t)))
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return ts
}

func get(t *testing.T, ts *httptest.Server, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("GET", ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return do(t, ts.Client(), req)
}

func do(t *testing.T, c *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func TestHomeInBothLanguages(t *testing.T) {
	ts := newTestServer(t)
	resp, body := get(t, ts, "/", "Accept-Language", "en-GB,en;q=0.9")
	if resp.StatusCode != 200 || !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "Assess your AI systems") {
		t.Fatalf("English home: %d\n%.500s", resp.StatusCode, body)
	}
	if !strings.Contains(body, "Securing the processing") || !strings.Contains(body, `href="#main"`) {
		t.Fatal("home lacks the sheets or the skip link")
	}
	resp, body = get(t, ts, "/", "Accept-Language", "fr-FR,fr;q=0.9")
	if resp.StatusCode != 200 || !strings.Contains(body, `<html lang="fr">`) || !strings.Contains(body, "Sécuriser le traitement") {
		t.Fatalf("French home: %d\n%.500s", resp.StatusCode, body)
	}
	resp, body = get(t, ts, "/about", "Accept-Language", "fr")
	if resp.StatusCode != 200 || !strings.Contains(body, "Déployeur") || !strings.Contains(body, `data-testid="resources"`) || !strings.Contains(body, "Logiciel PIA") {
		t.Fatalf("about: %d", resp.StatusCode)
	}
}

func TestSecurityHeaders(t *testing.T) {
	ts := newTestServer(t)
	resp, _ := get(t, ts, "/")
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self' 'nonce-", "frame-ancestors 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	resp2, _ := get(t, ts, "/")
	if resp2.Header.Get("Content-Security-Policy") == csp {
		t.Error("the CSP nonce is the same on two responses")
	}
	for h, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "same-origin",
		"X-Frame-Options":        "DENY",
	} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if resp.Header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS sent over plain HTTP")
	}
	if len(resp.Header.Get("X-Request-Id")) != 16 {
		t.Error("no request ID")
	}
}

func TestHSTSWhenServedOverHTTPS(t *testing.T) {
	cfg, err := config.Load(func(k string) string {
		if k == "AIGRID_BASE_URL" {
			return "https://aigrid.example.org"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	s := New(testOptions(t, cfg, pgtest.NewPool(t)))
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if !strings.Contains(rec.Header().Get("Strict-Transport-Security"), "max-age=") {
		t.Fatal("no HSTS header with an https base URL")
	}
}

func TestErrorPages(t *testing.T) {
	ts := newTestServer(t)
	resp, body := get(t, ts, "/no/such/page", "Accept-Language", "fr")
	if resp.StatusCode != 404 || !strings.Contains(body, "Page introuvable") || !strings.Contains(body, `data-testid="error-title"`) {
		t.Fatalf("404: %d %.300s", resp.StatusCode, body)
	}
	req, _ := http.NewRequest("DELETE", ts.URL+"/", nil)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, _ = do(t, ts.Client(), req)
	if resp.StatusCode != 405 {
		t.Fatalf("DELETE / = %d, want 405", resp.StatusCode)
	}
}

func TestPanicBecomes500Page(t *testing.T) {
	var logs strings.Builder
	o := testOptions(t, config.Config{}, nil)
	o.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	s := New(o)
	h := s.requestID(s.recoverPanic(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	id := rec.Header().Get("X-Request-Id")
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), id) || strings.Contains(rec.Body.String(), "boom") {
		t.Fatalf("500 page: %d, request ID shown: %v, internals hidden: %v", rec.Code, strings.Contains(rec.Body.String(), id), !strings.Contains(rec.Body.String(), "boom"))
	}
	if !strings.Contains(logs.String(), "boom") || !strings.Contains(logs.String(), id) {
		t.Fatalf("the panic is not logged with its request ID: %s", logs.String())
	}
}

func TestStaticAssets(t *testing.T) {
	ts := newTestServer(t)
	resp, body := get(t, ts, static.URL("css/app.css"))
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") || !strings.Contains(body, "--accent") {
		t.Fatalf("css: %d %s", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Fatalf("css content type %q", ct)
	}
	resp, _ = get(t, ts, "/static/css/app.css?v=old")
	if resp.Header.Get("Cache-Control") != "no-cache" {
		t.Fatal("an outdated hash must not be cached for long")
	}
	resp, _ = get(t, ts, "/static/css/nope.css")
	if resp.StatusCode != 404 {
		t.Fatalf("missing asset = %d", resp.StatusCode)
	}
}

func noRedirect(c *http.Client) *http.Client {
	cc := *c
	cc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cc
}

func TestLanguageSwitch(t *testing.T) {
	ts := newTestServer(t)
	for next, want := range map[string]string{"/about": "/about", "//evil.example": "/", "https://evil.example": "/", "": "/"} {
		req, _ := http.NewRequest("POST", ts.URL+"/language", strings.NewReader(url.Values{"lang": {"fr"}, "next": {next}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, _ := do(t, noRedirect(ts.Client()), req)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
			t.Errorf("next=%q: %d Location %q, want 303 %q", next, resp.StatusCode, resp.Header.Get("Location"), want)
		}
		var lang *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == "aigrid_lang" {
				lang = c
			}
		}
		if lang == nil || lang.Value != "fr" || !lang.HttpOnly || lang.SameSite != http.SameSiteLaxMode {
			t.Errorf("language cookie: %+v", lang)
		}
	}
	_, body := get(t, ts, "/", "Cookie", "aigrid_lang=fr", "Accept-Language", "en")
	if !strings.Contains(body, `<html lang="fr">`) {
		t.Error("the chosen language does not win over Accept-Language")
	}
}

func TestCrossOriginPostIsRejected(t *testing.T) {
	ts := newTestServer(t)
	form := url.Values{"lang": {"fr"}, "next": {"/"}}.Encode()
	for name, hdr := range map[string][2]string{
		"sec-fetch-site cross-site": {"Sec-Fetch-Site", "cross-site"},
		"foreign origin":            {"Origin", "https://evil.example"},
	} {
		req, _ := http.NewRequest("POST", ts.URL+"/language", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set(hdr[0], hdr[1])
		resp, body := do(t, noRedirect(ts.Client()), req)
		if resp.StatusCode != http.StatusForbidden || len(resp.Cookies()) != 0 {
			t.Errorf("%s: %d, cookies %v: want 403 and no state change", name, resp.StatusCode, resp.Cookies())
		}
		if !strings.Contains(body, "Request refused") {
			t.Errorf("%s: not the translated error page", name)
		}
	}
}

func TestHealthAndReadiness(t *testing.T) {
	ts := newTestServer(t)
	for _, p := range []string{"/healthz", "/readyz"} {
		if resp, _ := get(t, ts, p); resp.StatusCode != 200 {
			t.Errorf("%s = %d", p, resp.StatusCode)
		}
	}
}

func passwordOf(t *testing.T, c *localpg.Cluster) string {
	t.Helper()
	u, err := url.Parse(c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := u.User.Password()
	return p
}

// A request in flight when shutdown starts is completed, and new connections are refused.
func TestGracefulShutdownCompletesInFlightRequests(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	entered, release := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		_, _ = io.WriteString(w, "finished")
	})
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, ln, h, slog.New(slog.DiscardHandler), 5*time.Second) }()

	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{string(b), err}
	}()
	<-entered
	cancel() // shutdown begins while the request is running
	time.Sleep(100 * time.Millisecond)
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("new connections are still accepted during shutdown")
	}
	close(release)
	r := <-got
	if r.err != nil || r.body != "finished" {
		t.Fatalf("in-flight request: %q, %v", r.body, r.err)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
}
