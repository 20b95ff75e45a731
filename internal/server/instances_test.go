package server

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"aigrid/internal/account"
	"aigrid/internal/assessment"
	"aigrid/internal/pgtest"
	"aigrid/internal/postgres"
	"aigrid/internal/scoring"
)

// on returns the same browser (cookies and all) talking to another instance.
func (c *client) on(a *app) *client { return &client{a: a, c: c.c} }

// Two instances on one database, as behind a load balancer: a session made on one works on the
// other and ends on both; a conflict between colleagues is detected whichever instance each talks
// to; the sign-up setting is shared.
func TestTwoInstances(t *testing.T) {
	dbURL := pgtest.NewURL(t)
	pools := [2]*pgxpool.Pool{}
	for i := range pools {
		p, err := postgres.Open(context.Background(), dbURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(p.Close)
		pools[i] = p
	}
	a, b := newAppOn(t, pools[0]), newAppOn(t, pools[1]) // each runs the start-up path (migrations, settings)
	tm := newTeamOn(a)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	step := tm.path("/a/" + id + "/s/1.1")

	// a session signed in through instance A (the real form) works on instance B
	u := a.mustUser("pat@example.org", "Pat Editor")
	a.mustMember(tm.org, u, account.Editor)
	pat := a.client()
	pat.login("pat@example.org", testPassword)
	patB := pat.on(b)
	resp, body := patB.get(step)
	wantStatus(t, resp, body, 200)
	if !strings.Contains(body, `name="a.q1.1.3"`) { // answer controls: signed in, as an editor
		t.Fatalf("instance B does not know who is signed in on A:\n%.3000s", body)
	}

	// the editor saves on A, Pat saves the same answer on B from the same revision: a conflict
	resp, _ = tm.editor.post(step, url.Values{"action": {"save"}, "r.q1.1.3": {"0"}, "a.q1.1.3": {"partly"}})
	wantRedirect(t, resp, step)
	resp, body = patB.post(step, url.Values{"action": {"save"}, "r.q1.1.3": {"0"}, "a.q1.1.3": {"in_place"}})
	wantStatus(t, resp, body, http.StatusConflict)
	// and a save on B from the current revision goes through, seen by A
	resp, _ = patB.post(step, url.Values{"action": {"save"}, "r.q1.1.3": {"1"}, "a.q1.1.3": {"in_place"}})
	wantRedirect(t, resp, step)
	ans, err := a.st.Answers(context.Background(), tm.org.ID, id)
	if err != nil || ans["q1.1.3"].Revision != 2 || ans["q1.1.3"].Values[0] != "in_place" {
		t.Fatalf("answer after saves on both instances: %+v %v", ans["q1.1.3"], err)
	}

	// signing out on B ends the session on A too
	old := pat.cookie(sessionCookie).Value
	resp, _ = patB.post("/logout", nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	pat.setCookie(old) // a browser replaying the old cookie
	resp, _ = pat.get(step)
	wantRedirect(t, resp, "/login")

	// the sign-up setting is in the database: closed on one, closed on both
	if err := a.st.SetSignupOpen(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	_, body = b.client().get("/signup")
	if !strings.Contains(body, `data-testid="signup-closed"`) {
		t.Fatal("instance B still offers sign-up after it was closed through A")
	}
}

// What the pages compute from an assessment's answers is kept in each instance by its revision: a
// save through one instance changes the scores, the questions that apply and the progress the
// other shows at once, and they are those a fresh instance computes. The caches stay within their
// bound.
func TestScoresCachedAcrossInstances(t *testing.T) {
	dbURL := pgtest.NewURL(t)
	var apps [3]*app
	for i := range apps {
		p, err := postgres.Open(context.Background(), dbURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(p.Close)
		apps[i] = newAppOn(t, p)
	}
	a, b, fresh := apps[0], apps[1], apps[2]
	tm := newTeamOn(a)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	results := tm.path("/a/" + id + "/results")
	between := func(body, from, to string) string {
		t.Helper()
		i := strings.Index(body, from)
		j := strings.Index(body[max(i, 0):], to) + max(i, 0)
		if k := strings.Index(body[j:], "</"); k > 0 {
			j += k
		}
		if i < 0 || j < i {
			t.Fatalf("no %s … %s on the page:\n%.2000s", from, to, body)
		}
		return body[i:j]
	}
	scores := func(c *client) string {
		t.Helper()
		resp, body := c.get(results)
		wantStatus(t, resp, body, 200)
		return between(body, `data-testid="overall"`, `data-testid="sheet-scores"`)
	}
	tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.3": {"in_place"}, "a.q1.1.4": {"in_place"}}, "save")
	before := scores(tm.viewer)
	n := a.s.scores.derived.len()
	if again := scores(tm.viewer); again != before || a.s.scores.derived.len() != n {
		t.Fatalf("a second view: same scores %v, %d states cached (was %d)", again == before, a.s.scores.derived.len(), n)
	}
	editorB := tm.editor.on(b)
	resp, _ := editorB.post(tm.path("/a/"+id+"/s/1.1"), url.Values{"action": {"save"}, "r.q1.1.3": {"1"}, "a.q1.1.3": {"not_in_place"}})
	wantRedirect(t, resp, tm.path("/a/"+id+"/s/1.1"))
	after := scores(tm.viewer)
	if after == before {
		t.Fatal("instance A shows the scores from before the save made through instance B")
	}
	if want := scores(tm.viewer.on(fresh)); after != want {
		t.Fatalf("instance A's scores differ from a fresh instance's:\n%s\n---\n%s", after, want)
	}

	// The step pages: instance A shows step 1.1 (and keeps its state), then instance B changes a
	// profile answer and answers more questions: A's next step pages show the questions that apply
	// and the progress a fresh instance shows.
	stepOf := func(c *client, sec string) string {
		t.Helper()
		resp, body := c.get(tm.path("/a/" + id + "/s/" + sec))
		wantStatus(t, resp, body, 200)
		return between(body, `<form method="post"`, `class="step-nav"`) + between(body, `class="step-nav"`, `</nav`)
	}
	for _, sec := range []string{"1.1", "2.1"} {
		stepOf(tm.editor, sec)
	}
	tm.step(editorB, id, "1.2", url.Values{"a.q1.2.1": {"in_place"}}, "save")
	tm.step(editorB, id, "1.1", url.Values{"a.q1.1.4": {"partly"}}, "save")
	for _, sec := range []string{"1.1", "2.1"} {
		if got, want := stepOf(tm.editor, sec), stepOf(tm.editor.on(fresh), sec); got != want {
			t.Fatalf("step %s on instance A differs from a fresh instance's after saves through B:\n%s\n---\n%s", sec, got, want)
		}
	}
	resp, body := editorB.post(tm.path("/a/"+id+"/profile"), url.Values{"name": {"Chatbot"}, "confirm": {"1"},
		"p.role": {"both"}, "p.personal_data": {"no"}, "p.web_scraping": {"no"}}) // hides q1.1.4, among others
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("profile change through B: %s\n%.2000s", resp.Status, body)
	}
	if strings.Contains(stepOf(tm.editor, "1.1"), `data-testid="question-q1.1.4"`) {
		t.Fatal("instance A still shows q1.1.4 after the profile change through B hid it")
	}
	for _, sec := range []string{"1.1", "2.1"} {
		if got, want := stepOf(tm.editor, sec), stepOf(tm.editor.on(fresh), sec); got != want {
			t.Fatalf("step %s on instance A differs from a fresh instance's after changes through B:\n%s\n---\n%s", sec, got, want)
		}
	}
	ans, err := a.st.Answers(context.Background(), tm.org.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	as, err := a.st.Assessment(context.Background(), tm.org.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	d, err := a.s.derive(context.Background(), a.s.qn, as)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.overview(), assessment.Summarise(a.s.qn, as.Profile, ans); !reflect.DeepEqual(got, want) {
		t.Fatalf("cached overview differs from Summarise:\n%+v\n%+v", got.Total, want.Total)
	}

	c := newScoreCache()
	qn := a.s.qn
	for i := range scoreCacheSize + 10 {
		k := keyOf(qn, nil, map[string][]string{"q1.1.3": {strconv.Itoa(i)}})
		c.reports.put(k, scoring.Report{})
	}
	if n := c.reports.len(); n != scoreCacheSize {
		t.Fatalf("%d reports cached, bound %d", n, scoreCacheSize)
	}
	// the key does not depend on map order, and does depend on every value
	k1 := keyOf(qn, map[string][]string{"role": {"both"}}, map[string][]string{"x": {"a", "b"}, "y": {"c"}})
	k2 := keyOf(qn, map[string][]string{"role": {"both"}}, map[string][]string{"y": {"c"}, "x": {"a", "b"}})
	k3 := keyOf(qn, map[string][]string{"role": {"both"}}, map[string][]string{"x": {"a"}, "y": {"b", "c"}})
	k4 := keyOf(qn, map[string][]string{"x": {"a", "b"}, "y": {"c"}}, map[string][]string{"role": {"both"}})
	if k1 != k2 || k1 == k3 || k1 == k4 {
		t.Fatalf("keys: %v %v %v %v", k1, k2, k3, k4)
	}
}

// The results page keeps the HTML of its scores and recommendations with the state of the
// revision it shows (pages.ResultsView.Kept). Whatever was kept before, each member sees what a
// fresh instance renders for them: their role (an editor's "add to the plan" links), their
// language, the revision after a save, and the projection when recommendations are ticked.
func TestResultsPartsKeptPerRevisionAndMember(t *testing.T) {
	dbURL := pgtest.NewURL(t)
	instance := func() *app {
		p, err := postgres.Open(context.Background(), dbURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(p.Close)
		return newAppOn(t, p)
	}
	a := instance()
	tm := newTeamOn(a)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.3": {"not_in_place"}, "a.q1.1.4": {"partly"}}, "save")
	tm.editor.get("/orgs") // shows (and so clears) the "saved" notice
	results := tm.path("/a/" + id + "/results")
	main := func(c *client, path string) string {
		t.Helper()
		resp, body := c.get(path)
		wantStatus(t, resp, body, 200)
		i, j := strings.Index(body, "<main"), strings.Index(body, "</main>")
		if i < 0 || j < i {
			t.Fatalf("no main on the page:\n%.2000s", body)
		}
		return body[i:j]
	}
	addToPlan := `/actions?q=`
	check := func(when string) {
		t.Helper()
		for _, c := range []struct {
			name    string
			c       *client
			canEdit bool
		}{{"editor", tm.editor, true}, {"viewer", tm.viewer, false}, {"editor again", tm.editor, true}} {
			got, want := main(c.c, results), main(c.c.on(instance()), results) // a fresh instance: nothing kept
			if got != want {
				t.Fatalf("%s, %s: the page differs from a fresh instance's:\n%s\n---\n%s", when, c.name, got, want)
			}
			if strings.Contains(got, addToPlan) != c.canEdit {
				t.Fatalf("%s, %s: add-to-plan links shown: %v", when, c.name, !c.canEdit)
			}
		}
	}
	check("first views")
	if d := a.s.latest(tm.org.ID, id); d == nil || len(d.html.m) != 4 { // scores and recommendations, for an editor and a viewer
		t.Fatalf("HTML kept with the state: %+v", d)
	}
	tm.editor.post("/language", url.Values{"lang": {"fr"}, "next": {"/orgs"}})
	tm.viewer.post("/language", url.Values{"lang": {"fr"}, "next": {"/orgs"}})
	check("in French")
	tm.step(tm.editor, id, "1.1", url.Values{"r.q1.1.3": {"1"}, "a.q1.1.3": {"in_place"}}, "save")
	tm.editor.get("/orgs")
	check("after a save")
	ticked := results + "?adopt=q1.1.4"
	if got, want := main(tm.editor, ticked), main(tm.editor.on(instance()), ticked); got != want || !strings.Contains(got, `data-testid="projected-overall"`) {
		t.Fatalf("with a recommendation ticked: same as a fresh instance %v, projection shown %v", got == want, strings.Contains(got, "projected-overall"))
	}
	if got := main(tm.editor, results); strings.Contains(got, `projected-overall`) {
		t.Fatal("the projection was kept and shown without anything ticked")
	}
}
