package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"aigrid/internal/account"
	"aigrid/internal/pgtest"
	"aigrid/internal/postgres"
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
