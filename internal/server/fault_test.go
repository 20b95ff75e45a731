package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"aigrid/internal/localpg"
	"aigrid/internal/pgtest"
	"aigrid/internal/postgres"
)

// saver saves step 1.1 of its own assessment again and again, as a user would: both answers of
// the step change on each save, from the revisions of its last acknowledged save.
type saver struct {
	url    string
	c      *http.Client
	acked  int // saves answered 303: each must be in the database
	status map[int]int
	errs   []string
}

func (s *saver) save() int {
	v := []string{"in_place", "partly"}[s.acked%2]
	rev := strconv.Itoa(s.acked)
	form := url.Values{"action": {"save"}, "r.q1.1.3": {rev}, "a.q1.1.3": {v}, "r.q1.1.4": {rev}, "a.q1.1.4": {v}}
	req, _ := http.NewRequest("POST", s.url, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := s.c.Do(req)
	if err != nil {
		s.errs = append(s.errs, err.Error())
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	s.status[resp.StatusCode]++
	if resp.StatusCode == http.StatusSeeOther {
		s.acked++
	}
	return resp.StatusCode
}

// The database restarts while clients save, with the same aigrid server throughout: /readyz says
// 503 while the database is down and 200 once it is back, /healthz stays 200; a save refused while
// the database is away is a 503 (never a 500), the server recovers without a restart, and the
// database holds exactly the saves that were acknowledged (303) — none that was reported as failed,
// no step half-written. Bounded: four clients, about five seconds.
func TestDatabaseRestartWhileSaving(t *testing.T) {
	ctx := context.Background()
	cluster, dir, err := pgtest.StartCluster(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	t.Cleanup(func() { cluster.Stop(context.Background()) })
	pool, err := postgres.Open(ctx, cluster.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if err := postgres.Migrate(pool); err != nil {
		t.Fatal(err)
	}
	a := newAppOn(t, pool)
	tm := newTeamOn(a)
	status := func(path string) int {
		resp, err := http.Get(a.ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := status("/readyz"); got != 200 {
		t.Fatalf("readyz with the database up = %d", got)
	}

	savers := make([]*saver, 4)
	ids := make([]string, len(savers))
	for i := range savers {
		ids[i] = tm.create(tm.editor, fmt.Sprintf("System %d", i), fullProfile)
		savers[i] = &saver{url: a.ts.URL + tm.path("/a/"+ids[i]+"/s/1.1"), c: tm.editor.c, status: map[int]int{}}
	}
	var phase atomic.Int32 // 0: up, 1: down, 2: back up, 3: stop
	afterRestart := make([]atomic.Int64, len(savers))
	var wg sync.WaitGroup
	for i, s := range savers {
		wg.Go(func() {
			for phase.Load() < 3 {
				if s.save() == http.StatusSeeOther && phase.Load() == 2 {
					afterRestart[i].Add(1)
				}
			}
		})
	}
	time.Sleep(time.Second)
	if err := cluster.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	phase.Store(1)
	if got := status("/readyz"); got != 503 {
		t.Errorf("readyz with the database down = %d, want 503", got)
	}
	if got := status("/healthz"); got != 200 {
		t.Errorf("healthz with the database down = %d, want 200", got)
	}
	time.Sleep(500 * time.Millisecond)
	restarted, err := localpg.Start(ctx, localpg.Options{Dir: cluster.Dir(), Password: passwordOf(t, cluster), Throwaway: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { restarted.Stop(context.Background()) })
	deadline := time.Now().Add(15 * time.Second)
	for status("/readyz") != 200 {
		if time.Now().After(deadline) {
			t.Fatal("readyz did not come back to 200 after the database restarted")
		}
		time.Sleep(100 * time.Millisecond)
	}
	phase.Store(2)
	for time.Now().Before(deadline) { // every client saves again, without restarting aigrid
		done := true
		for i := range afterRestart {
			done = done && afterRestart[i].Load() >= 3
		}
		if done {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	phase.Store(3)
	wg.Wait()

	refused := 0
	for i, s := range savers {
		t.Logf("client %d: %d acknowledged, answers %v, %d after the restart", i, s.acked, s.status, afterRestart[i].Load())
		refused += s.status[http.StatusServiceUnavailable]
		for code, n := range s.status {
			if code != http.StatusSeeOther && code != http.StatusServiceUnavailable {
				t.Errorf("client %d: %d saves answered %d (want 303, or 503 while the database is away)", i, n, code)
			}
		}
		if len(s.errs) > 0 {
			t.Errorf("client %d: %d requests failed: %v", i, len(s.errs), s.errs[0])
		}
		if afterRestart[i].Load() < 3 {
			t.Errorf("client %d: only %d saves went through after the database came back", i, afterRestart[i].Load())
		}
		ans, err := postgres.NewStore(pool).Answers(ctx, tm.org.ID, ids[i])
		if err != nil {
			t.Fatal(err)
		}
		r3, r4 := ans["q1.1.3"].Revision, ans["q1.1.4"].Revision
		if r3 != s.acked || r4 != s.acked {
			t.Errorf("client %d: %d saves acknowledged, the database holds revisions %d and %d", i, s.acked, r3, r4)
		}
	}
	if refused == 0 {
		t.Error("no save was refused while the database was down: the outage was not exercised")
	}
}

// Which errors mean "the database is away" (503) rather than a fault (500).
func TestDBUnavailable(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&pgconn.ConnectError{}, true},
		{fmt.Errorf("postgres: answers: %w", &pgconn.PgError{Code: "57P01"}), true}, // admin shutdown
		{&pgconn.PgError{Code: "57P03"}, true},                                      // starting up
		{&pgconn.PgError{Code: "08006"}, true},                                      // connection failure
		{fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true},
		{&pgconn.PgError{Code: "23505"}, false}, // a unique violation is a bug, not an outage
		{fmt.Errorf("query: %w", context.DeadlineExceeded), false},
		{context.Canceled, false},
		{errors.New("render: boom"), false},
	} {
		if got := dbUnavailable(tc.err); got != tc.want {
			t.Errorf("dbUnavailable(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
