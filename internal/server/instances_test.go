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
	"aigrid/internal/questionnaire"
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

// Scores are cached in each instance by content and answers: a save through one instance changes
// the scores the other shows at once (its cached report is not used for the new answers), and they
// are those a fresh instance computes. The cache stays within its bound.
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
	scores := func(c *client) string {
		t.Helper()
		resp, body := c.get(results)
		wantStatus(t, resp, body, 200)
		i, j := strings.Index(body, `data-testid="overall"`), strings.Index(body, `data-testid="sheet-scores"`)
		if k := strings.Index(body[max(j, 0):], "</table>"); k > 0 {
			j += k
		}
		if i < 0 || j < i {
			t.Fatalf("no scores on the results page:\n%.2000s", body)
		}
		return body[i:j]
	}
	tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.3": {"in_place"}, "a.q1.1.4": {"in_place"}}, "save")
	before := scores(tm.viewer)
	if again := scores(tm.viewer); again != before || a.s.scores.reports.len() != 1 || a.s.scores.recs.len() != 1 {
		t.Fatalf("a second view: same scores %v, %d reports and %d recommendation lists cached (want 1 and 1)",
			again == before, a.s.scores.reports.len(), a.s.scores.recs.len())
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

	// the step pages' overview, from the cached visibility, is Summarise's
	ans, err := a.st.Answers(context.Background(), tm.org.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	profile := questionnaire.Profile{"role": {"both"}, "personal_data": {"yes"}, "web_scraping": {"no"}}
	for range 2 {
		if got, want := a.s.summarise(a.s.qn, profile, ans), assessment.Summarise(a.s.qn, profile, ans); !reflect.DeepEqual(got, want) {
			t.Fatalf("cached overview differs:\n%+v\n%+v", got.Total, want.Total)
		}
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
