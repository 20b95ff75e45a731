package server

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"log/slog"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"aigrid/internal/config"
	"aigrid/internal/pgtest"
	"aigrid/internal/postgres"
)

func countRows(t *testing.T, a *app, table string) int {
	t.Helper()
	var n int
	if err := a.st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// An anonymous POST to a step-shaped URL must not store anything: the expired-session stash is only
// for a signed-in session that expired. Oversize bodies get the 413 page.
func TestAnonymousStepPostStoresNothing(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	step := tm.path("/a/" + id + "/s/1.1")
	before := countRows(t, tm.a, "sessions")
	big := strings.Repeat("x", 500<<10)

	anon := tm.a.client()
	resp, _ := anon.post(step, url.Values{"r.q1.1.3": {"0"}, "c.q1.1.3": {big}, "junk": {big}})
	wantRedirect(t, resp, "/login?next="+url.QueryEscape("/orgs"))
	resp, _ = anon.post("/o/x/a/y/s/1.1", url.Values{"r.q1.1.3": {"0"}, "c.q1.1.3": {"hello"}})
	wantRedirect(t, resp, "/login")

	// a forged cookie (not signed with our key) is an anonymous visitor
	forged := tm.a.client()
	forged.setCookie("forged-value")
	resp, _ = forged.post(step, url.Values{"r.q1.1.3": {"0"}, "c.q1.1.3": {"hello"}})
	wantRedirect(t, resp, "/login?next="+url.QueryEscape("/orgs"))

	// a session that was signed out is not "expired": its old cookie stashes nothing
	c := tm.a.client()
	c.login("eddie@example.org", testPassword)
	old := c.cookie(sessionCookie).Value
	resp, _ = c.post("/logout", nil)
	wantRedirect(t, resp, "/")
	c.setCookie(old)
	resp, _ = c.post(step, url.Values{"r.q1.1.3": {"0"}, "c.q1.1.3": {"hello"}})
	wantRedirect(t, resp, "/login?next="+url.QueryEscape("/orgs"))

	if after := countRows(t, tm.a, "sessions"); after != before {
		t.Fatalf("anonymous step posts created %d session rows", after-before)
	}

	// more than the step's body limit: 413 page, not 404
	resp, body := anon.post(step, url.Values{"c.q1.1.3": {strings.Repeat("y", 2<<20)}})
	wantStatus(t, resp, body, http.StatusRequestEntityTooLarge)
	if !strings.Contains(body, "Too much sent at once") {
		t.Errorf("413 page:\n%.800s", body)
	}
	// other forms have a smaller limit
	resp, body = anon.post("/login", url.Values{"email": {strings.Repeat("z", 100<<10)}})
	wantStatus(t, resp, body, http.StatusRequestEntityTooLarge)
}

// expire makes every live session of the database idle for longer than SessionIdle.
func expire(t *testing.T, a *app) {
	t.Helper()
	if _, err := a.st.Pool().Exec(context.Background(), `UPDATE sessions SET last_seen_at = now() - interval '9 hours'`); err != nil {
		t.Fatal(err)
	}
}

// The stash keeps only the known fields of the step, within a size cap; only the user whose session
// expired gets it back; each IP address may create a bounded number.
func TestExpiredSessionStashIsBounded(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	step := tm.path("/a/" + id + "/s/1.1")

	c := tm.a.client()
	c.login("eddie@example.org", testPassword)
	expire(t, tm.a)
	resp, _ := c.post(step, url.Values{"r.q1.1.3": {"0"}, "a.q1.1.3": {"partly"}, "c.q1.1.3": {"typed"},
		"junk": {strings.Repeat("j", 30<<10)}, "c.q9.9.9": {"unknown question"}})
	wantRedirect(t, resp, "/login?next="+url.QueryEscape(step))
	var data string
	if err := tm.a.st.Pool().QueryRow(context.Background(), `SELECT data->>'stash' FROM sessions WHERE data ? 'stash'`).Scan(&data); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(data, "junk") || strings.Contains(data, "q9.9.9") || !strings.Contains(data, "typed") {
		t.Fatalf("stash holds %q", data)
	}

	// someone else signs in on this browser: they do not see the editor's typed answers
	resp, _ = c.post("/login", url.Values{"email": {"owner@example.org"}, "password": {testPassword}, "next": {step}})
	wantRedirect(t, resp, step)
	_, body := c.get(step)
	if strings.Contains(body, `data-testid="restored"`) || strings.Contains(body, "typed") {
		t.Fatal("another user was shown the stashed answers")
	}

	// too big for the cap: not kept (the user is still sent back to the step)
	c2 := tm.a.client()
	c2.login("eddie@example.org", testPassword)
	expire(t, tm.a)
	resp, _ = c2.post(step, url.Values{"r.q1.1.3": {"0"}, "c.q1.1.3": {strings.Repeat("é", 40<<10)}})
	wantRedirect(t, resp, "/login?next=")
	var n int
	if err := tm.a.st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM sessions WHERE data ? 'stash'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d oversize stashes kept (%v)", n, err)
	}

	// rate limit per IP address
	if _, err := tm.a.st.Pool().Exec(context.Background(), `DELETE FROM auth_throttle`); err != nil {
		t.Fatal(err)
	}
	kept := 0
	for range stashThrottle.Threshold + 5 {
		c := tm.a.client()
		if _, err := tm.a.st.Pool().Exec(context.Background(), `DELETE FROM auth_throttle WHERE key LIKE 'account:%' OR key LIKE 'ip:%'`); err != nil {
			t.Fatal(err)
		}
		c.login("eddie@example.org", testPassword)
		expire(t, tm.a)
		resp, _ := c.post(step, url.Values{"r.q1.1.3": {"0"}, "c.q1.1.3": {"x"}})
		if resp.Header.Get("Location") == "/login?next="+url.QueryEscape(step) {
			kept++
		}
	}
	if kept != stashThrottle.Threshold {
		t.Fatalf("%d stashes kept from one IP, want %d", kept, stashThrottle.Threshold)
	}
}

// Two people answering different questions of one step never conflict, and neither erases the
// other's answer.
func TestDifferentQuestionsOfAStepDoNotConflict(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	step := tm.path("/a/" + id + "/s/1.1")
	// Both load the page; the owner answers q1.1.3, then the editor answers q1.1.1 from the page
	// loaded before (q1.1.3 still empty in it).
	_, editorPage := tm.editor.get(step)
	resp, _ := tm.step(tm.owner, id, "1.1", url.Values{"a.q1.1.3": {"in_place"}}, "save")
	wantRedirect(t, resp, step)
	form := formOf(editorPage)
	form.Set("action", "save")
	form.Set("a.q1.1.1", "specific_use")
	resp, body := tm.editor.post(step, form)
	wantRedirect(t, resp, step)
	_ = body
	ans, _ := tm.a.st.Answers(context.Background(), tm.org.ID, id)
	if len(ans["q1.1.3"].Values) == 0 || ans["q1.1.3"].Values[0] != "in_place" || ans["q1.1.1"].Values[0] != "specific_use" {
		t.Fatalf("after two people answered different questions: %+v", ans)
	}

	// The same with autosave (JSON): the answer returns revisions only for what it wrote.
	_, editorPage = tm.editor.get(step)
	resp, _ = tm.step(tm.owner, id, "1.1", url.Values{"a.q1.1.2": {"trained_once"}}, "save")
	wantRedirect(t, resp, step)
	form = formOf(editorPage)
	form.Set("c.q1.1.1", "why we chose it")
	req, _ := http.NewRequest("POST", tm.a.ts.URL+step, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, body = tm.editor.do(req)
	wantStatus(t, resp, body, 200)
	var res autosaveResult
	if err := json.Unmarshal([]byte(body), &res); err != nil || !res.Saved {
		t.Fatalf("autosave: %s", body)
	}
	if _, ok := res.Revisions["q1.1.2"]; ok || res.Revisions["q1.1.1"] != 2 || res.Bases["q1.1.1"] == "" {
		t.Fatalf("autosave revisions %+v", res)
	}
}

var (
	hiddenRe   = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)"`)
	checkedRe  = regexp.MustCompile(`name="(a\.[^"]+)" value="([^"]+)" checked`)
	textareaRe = regexp.MustCompile(`name="([acj]\.[^"]+)" rows="\d+">([^<]*)</textarea>`)
)

// formOf is what a browser would submit from a step page as it was rendered.
func formOf(page string) url.Values {
	form := url.Values{}
	for _, m := range hiddenRe.FindAllStringSubmatch(page, -1) {
		form.Set(m[1], m[2])
	}
	for _, m := range checkedRe.FindAllStringSubmatch(page, -1) {
		form.Add(m[1], m[2])
	}
	for _, m := range textareaRe.FindAllStringSubmatch(page, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	return form
}

// A conflict offers both answers with nothing pre-selected; saving without choosing changes
// nothing; keeping an empty answer says that it erases theirs.
func TestConflictNeedsAnExplicitChoice(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	step := tm.path("/a/" + id + "/s/1.1")
	resp, _ := tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.3": {"partly"}}, "save")
	wantRedirect(t, resp, step)
	_, editorPage := tm.editor.get(step)
	resp, _ = tm.step(tm.owner, id, "1.1", url.Values{"a.q1.1.3": {"in_place"}}, "save")
	wantRedirect(t, resp, step)

	// the editor clears q1.1.3 on the page loaded before the owner's change
	form := formOf(editorPage)
	form.Set("action", "save")
	form.Del("a.q1.1.3")
	resp, body := tm.editor.post(step, form)
	wantStatus(t, resp, body, http.StatusConflict)
	if !strings.Contains(body, "Erase the answer") || strings.Contains(body, `value="mine" checked`) || strings.Contains(body, `value="theirs" checked`) {
		t.Fatalf("conflict choice:\n%.3000s", body)
	}
	// saving that page again without choosing: refused, nothing written
	again := formOf(body)
	again.Set("action", "save")
	resp, body = tm.editor.post(step, again)
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(body, "Choose which answer to keep") {
		t.Fatalf("no request to choose:\n%.2000s", body)
	}
	ans, _ := tm.a.st.Answers(context.Background(), tm.org.ID, id)
	if len(ans["q1.1.3"].Values) != 1 || ans["q1.1.3"].Values[0] != "in_place" {
		t.Fatalf("answer after an unresolved conflict: %+v", ans["q1.1.3"])
	}
	// choosing to erase does erase, explicitly
	again = formOf(body)
	again.Set("action", "save")
	again.Set("k.q1.1.3", "mine")
	resp, _ = tm.editor.post(step, again)
	wantRedirect(t, resp, step)
	ans, _ = tm.a.st.Answers(context.Background(), tm.org.ID, id)
	if ans["q1.1.3"].Answered() {
		t.Fatalf("erase chosen, answer kept: %+v", ans["q1.1.3"])
	}
}

// A save that did not commit shows the step again with what was typed and "not saved"; a save
// that committed is reported as saved even if what follows it fails.
func TestSaveOutcomeIsTheTransactions(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	ctx := context.Background()
	pool := tm.a.st.Pool()
	mustExec := func(sql string) {
		t.Helper()
		if _, err := pool.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	mustExec(`CREATE FUNCTION fail_now() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'simulated outage'; END $$`)

	// the write fails: 503, typed text kept, nothing stored
	mustExec(`CREATE TRIGGER fail_answers BEFORE INSERT OR UPDATE ON answers FOR EACH ROW EXECUTE FUNCTION fail_now()`)
	resp, body := tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.3": {"partly"}, "c.q1.1.3": {"typed during the outage"}}, "next")
	wantStatus(t, resp, body, http.StatusServiceUnavailable)
	for _, want := range []string{`data-testid="not-saved"`, "typed during the outage", `value="partly" checked`} {
		if !strings.Contains(body, want) {
			t.Errorf("not-saved page lacks %q", want)
		}
	}
	mustExec(`DROP TRIGGER fail_answers ON answers`)
	if ans, _ := tm.a.st.Answers(ctx, tm.org.ID, id); len(ans) != 0 {
		t.Fatal("a failed save stored answers")
	}

	// the save commits, then the session write that follows fails: still reported as saved
	mustExec(`CREATE TRIGGER fail_sessions BEFORE UPDATE ON sessions FOR EACH ROW EXECUTE FUNCTION fail_now()`)
	resp, body = tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.3": {"partly"}}, "save")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("committed save answered %d\n%.500s", resp.StatusCode, body)
	}
	mustExec(`DROP TRIGGER fail_sessions ON sessions`)
	if ans, _ := tm.a.st.Answers(ctx, tm.org.ID, id); ans["q1.1.3"].Revision != 1 {
		t.Fatalf("answer after the committed save: %+v", ans["q1.1.3"])
	}
}

// A session ended while a request was in flight is not brought back by that request's write.
func TestEndedSessionStaysEnded(t *testing.T) {
	a := newApp(t)
	u := a.mustUser("u@example.org", "U")
	c := a.signedIn(u)
	req := httptest.NewRequest("GET", "/account", nil)
	req.AddCookie(c.cookie(sessionCookie))
	sess, err := a.s.sessions.New(req, sessionCookie)
	if err != nil || sess.IsNew {
		t.Fatalf("load session: %v (new %v)", err, sess.IsNew)
	}
	// meanwhile: "sign out other sessions" / a password reset
	if _, err := a.st.Pool().Exec(context.Background(), `DELETE FROM sessions`); err != nil {
		t.Fatal(err)
	}
	sess.Values[keyStashPath] = "/o/x/a/y/s/1.1"
	if err := a.s.sessions.Save(req, httptest.NewRecorder(), sess); err != errSessionEnded {
		t.Fatalf("save of an ended session: %v", err)
	}
	if n := countRows(t, a, "sessions"); n != 0 {
		t.Fatalf("the ended session came back (%d rows)", n)
	}
	if err := a.st.UpdateSession(context.Background(), postgres.TokenHash("nope"), postgres.SessionRow{}); err == nil {
		t.Fatal("updating a missing session succeeded")
	}
}

// Every response to a signed-in user says not to store it.
func TestSignedInPagesAreNotCached(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	for _, p := range []string{"/orgs", "/account", tm.path("/"), tm.path("/a/" + id + "/"), tm.path("/a/" + id + "/results"), tm.path("/a/" + id + "/export.csv"), "/about"} {
		resp, _ := tm.editor.get(p)
		if got := resp.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("GET %s: Cache-Control %q", p, got)
		}
	}
}

// syncBuffer is a log destination shared by the handlers of concurrent requests.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Invitation and reset tokens never reach the logs, whether the route matched or not.
func TestTokensAreNotLogged(t *testing.T) {
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
	a := &app{t: t, s: s, ts: ts, st: o.Store}
	c := a.client()
	token := newToken()
	for _, p := range []string{"/password/reset/" + token, "/invite/" + token, "/invite/" + token + "/x", "/password/reset/" + token + "/"} {
		c.get(p)
	}
	c.post("/password/reset/"+token, url.Values{"password": {"whatever it is long"}})
	time.Sleep(10 * time.Millisecond)
	out := logs.String()
	if strings.Contains(out, token) || strings.Contains(out, token[:20]) {
		t.Fatalf("a token was logged:\n%s", out)
	}
	if !strings.Contains(out, "route=/invite/{token}") || !strings.Contains(out, "[redacted]") {
		t.Fatalf("access log lines:\n%s", out)
	}
}

// badInputs are byte sequences PostgreSQL cannot store as text, or that have no place in a form.
var badInputs = map[string]string{"invalid UTF-8": "caf\xe9 \xff", "NUL": "a\x00b", "lone surrogate": "x\xed\xa0\x80y", "control": "bell\x07"}

// Invalid bytes anywhere get a 4xx with a translated message and the form re-shown, never a 500,
// and nothing is written.
func TestInvalidBytesAreRefused(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	a := tm.a
	if resp, _ := tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.3": {"not_in_place"}}, "save"); resp.StatusCode != 303 {
		t.Fatal("could not answer")
	}
	tables := []string{"users", "organisations", "assessments", "answers", "actions", "sessions", "answer_history"}
	snapshot := func() map[string]int {
		m := map[string]int{}
		for _, tb := range tables {
			m[tb] = countRows(t, a, tb)
		}
		return m
	}
	type endpoint struct {
		name   string
		c      *client
		path   string
		form   func(bad string) url.Values
		status int
	}
	endpoints := []endpoint{
		{"sign-up", a.client(), "/signup", func(b string) url.Values {
			return url.Values{"organisation": {b}, "name": {"N"}, "email": {"new@example.org"}, "password": {"a long and quiet river"}}
		}, 422},
		{"sign-in", a.client(), "/login", func(b string) url.Values {
			return url.Values{"email": {"eddie@example.org" + b}, "password": {testPassword}}
		}, 422},
		{"sign-in password", a.client(), "/login", func(b string) url.Values {
			return url.Values{"email": {"eddie@example.org"}, "password": {b}}
		}, 422},
		{"step", tm.editor, tm.path("/a/" + id + "/s/1.1"), func(b string) url.Values {
			return url.Values{"action": {"save"}, "r.q1.1.3": {"0"}, "a.q1.1.3": {"partly"}, "c.q1.1.3": {b}}
		}, 422},
		{"step option", tm.editor, tm.path("/a/" + id + "/s/1.1"), func(b string) url.Values {
			return url.Values{"action": {"save"}, "r.q1.1.3": {"0"}, "a.q1.1.3": {b}}
		}, 422},
		{"new assessment", tm.editor, tm.path("/assessments"), func(b string) url.Values {
			return url.Values{"name": {b}, "p.role": {"both"}, "p.personal_data": {"yes"}, "p.web_scraping": {"no"}}
		}, 422},
		{"assessment profile", tm.editor, tm.path("/a/" + id + "/profile"), func(b string) url.Values {
			return url.Values{"name": {"Chatbot"}, "description": {b}, "p.role": {"both"}, "p.personal_data": {"yes"}, "p.web_scraping": {"no"}}
		}, 422},
		{"organisation rename", tm.owner, tm.path("/settings"), func(b string) url.Values { return url.Values{"name": {b}} }, 422},
		{"new organisation", tm.owner, "/orgs", func(b string) url.Values { return url.Values{"name": {b}} }, 422},
		{"account profile", tm.editor, "/account/profile", func(b string) url.Values { return url.Values{"name": {b}, "lang": {"en"}} }, 422},
		{"action", tm.editor, tm.path("/a/" + id + "/actions"), func(b string) url.Values {
			return url.Values{"question": {"q1.1.3"}, "title": {b}, "status": {"todo"}}
		}, 422},
		{"field name", tm.editor, tm.path("/a/" + id + "/s/1.1"), func(b string) url.Values {
			return url.Values{"action": {"save"}, "c.q1.1.3" + b: {"x"}}
		}, 303},
	}
	for what, bad := range badInputs {
		for _, e := range endpoints {
			before := snapshot()
			resp, body := e.c.post(e.path, e.form(bad))
			if resp.StatusCode != e.status {
				t.Errorf("%s with %s: %d, want %d\n%.600s", e.name, what, resp.StatusCode, e.status, body)
				continue
			}
			if !utf8.ValidString(body) || strings.ContainsRune(body, 0) {
				t.Errorf("%s with %s: the page itself holds the bad bytes", e.name, what)
			}
			if e.status == 422 && !strings.Contains(body, "cannot be saved") {
				t.Errorf("%s with %s: no message about the characters\n%.1500s", e.name, what, body)
			}
			if after := snapshot(); e.status == 422 && !maps.Equal(before, after) {
				t.Errorf("%s with %s: rows changed %v → %v", e.name, what, before, after)
			}
		}
		for _, p := range []string{tm.path("/?q=" + url.QueryEscape(bad)), tm.path("/a/" + id + "/results?adopt=" + url.QueryEscape(bad)),
			tm.path("/a/" + id + "/history?q=" + url.QueryEscape(bad)), tm.path("/a/" + id + "/compare?with=" + url.QueryEscape(bad))} {
			if resp, body := tm.editor.get(p); resp.StatusCode >= 500 {
				t.Errorf("GET %s with %s: %d\n%.500s", p, what, resp.StatusCode, body)
			}
		}
		for _, p := range []string{"/o/" + url.PathEscape(bad) + "/", tm.path("/a/" + url.PathEscape(bad) + "/"), "/invite/" + url.PathEscape(bad), "/password/reset/" + url.PathEscape(bad)} {
			if resp, body := tm.editor.get(p); resp.StatusCode != 404 {
				t.Errorf("GET %s: %d, want 404\n%.500s", p, resp.StatusCode, body)
			}
		}
	}
	// a malformed body is a 400 page
	req, _ := http.NewRequest("POST", a.ts.URL+"/login", strings.NewReader("email=%zz"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, body := a.client().do(req)
	wantStatus(t, resp, body, http.StatusBadRequest)
}

// A multipart body is checked like any other form.
func TestMultipartFormsAreCleanedToo(t *testing.T) {
	a := newApp(t)
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("email", "a\x00b@example.org")
	_ = mw.WriteField("password", "x")
	_ = mw.Close()
	req, _ := http.NewRequest("POST", a.ts.URL+"/login", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, body := a.client().do(req)
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(body, "cannot be saved") {
		t.Fatalf("multipart login with a NUL:\n%.1000s", body)
	}
}
