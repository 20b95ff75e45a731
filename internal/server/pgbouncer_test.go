package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"aigrid/internal/pgtest"
	"aigrid/internal/postgres"
)

// aigrid behind PgBouncer in transaction mode, as docs/operations.md describes it: DATABASE_URL
// points at PgBouncer with default_query_exec_mode=cache_describe (pgx then uses unnamed
// statements, which PgBouncer 1.18 can carry between server connections). The start-up path,
// signing in through the form, creating an assessment, saving, a conflict, the pages, and eight
// clients saving at once over two server connections all work, and every acknowledged save is
// in the database.
func TestBehindPgBouncer(t *testing.T) {
	direct := pgtest.NewURL(t)
	bouncer := pgtest.StartPgBouncer(t, direct, 2) + "&default_query_exec_mode=cache_describe"
	pool, err := postgres.Open(context.Background(), bouncer, postgres.MaxConns(16))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	a := newAppOn(t, pool) // migrations (none pending: the template has them) and settings
	tm := newTeamOn(a)
	u := a.mustUser("pat@example.org", "Pat Editor")
	a.mustMember(tm.org, u, "editor")
	pat := a.client()
	pat.login("pat@example.org", testPassword)

	id := tm.create(pat, "Chatbot", fullProfile)
	step := tm.path("/a/" + id + "/s/1.1")
	resp, body := pat.get(step)
	wantStatus(t, resp, body, 200)
	resp, _ = pat.post(step, url.Values{"action": {"save"}, "r.q1.1.3": {"0"}, "a.q1.1.3": {"partly"}})
	wantRedirect(t, resp, step)
	resp, body = tm.editor.post(step, url.Values{"action": {"save"}, "r.q1.1.3": {"0"}, "a.q1.1.3": {"in_place"}})
	wantStatus(t, resp, body, http.StatusConflict)
	for _, p := range []string{"/", "/a/" + id + "/", "/a/" + id + "/results", "/a/" + id + "/review", "/a/" + id + "/history"} {
		resp, body := tm.viewer.get(tm.path(p))
		wantStatus(t, resp, body, 200)
	}

	savers := make([]*saver, 8)
	ids := make([]string, len(savers))
	for i := range savers {
		ids[i] = tm.create(tm.editor, "System "+strconv.Itoa(i), fullProfile)
		savers[i] = &saver{url: a.ts.URL + tm.path("/a/"+ids[i]+"/s/1.1"), c: tm.editor.c, status: map[int]int{}}
	}
	var wg sync.WaitGroup
	stop := time.Now().Add(time.Second)
	for _, s := range savers {
		wg.Go(func() {
			for time.Now().Before(stop) {
				s.save()
			}
		})
	}
	wg.Wait()
	for i, s := range savers {
		ans, err := a.st.Answers(context.Background(), tm.org.ID, ids[i])
		if err != nil {
			t.Fatal(err)
		}
		if len(s.errs) > 0 || s.status[http.StatusSeeOther] != s.acked || len(s.status) != 1 || s.acked == 0 {
			t.Errorf("client %d: %d acknowledged, answers %v, errors %v", i, s.acked, s.status, s.errs)
		}
		if r := ans["q1.1.3"].Revision; r != s.acked || ans["q1.1.4"].Revision != s.acked {
			t.Errorf("client %d: %d saves acknowledged, revisions %d and %d", i, s.acked, r, ans["q1.1.4"].Revision)
		}
	}
}
