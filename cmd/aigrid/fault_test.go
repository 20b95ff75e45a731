package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"aigrid/content"
	"aigrid/internal/account"
	"aigrid/internal/assessment"
	"aigrid/internal/pgtest"
	"aigrid/internal/postgres"
	"aigrid/internal/questionnaire"
	"aigrid/migrations"
)

// SIGTERM under load (the signal cancels run's context, as in main): requests in flight finish
// with their answer; after that, new connections are refused. No request fails otherwise, none
// gets a 5xx. Bounded: 8 clients, about a second of load.
func TestShutdownUnderLoad(t *testing.T) {
	root, err := os.MkdirTemp("", "aigrid-term-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(root, 0o755)
	t.Cleanup(func() { os.RemoveAll(root) })
	base, _, stop := serveOnce(t, filepath.Join(root, ".data"))

	var ok, refused, failed atomic.Int64
	var firstFailure atomic.Value
	var stopping atomic.Bool
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	var wg sync.WaitGroup
	deadline := time.Now().Add(15 * time.Second)
	for i := range 8 {
		wg.Go(func() {
			path := []string{"login", "readyz", "about", "healthz"}[i%4]
			for time.Now().Before(deadline) {
				resp, err := client.Get(base + path)
				switch {
				case err != nil && errors.Is(err, syscall.ECONNREFUSED) && stopping.Load():
					refused.Add(1)
					return // the server is gone: no new request can be in flight
				case err != nil:
					failed.Add(1)
					firstFailure.CompareAndSwap(nil, err.Error())
				default:
					_, rerr := io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if rerr != nil || resp.StatusCode >= 500 {
						failed.Add(1)
						firstFailure.CompareAndSwap(nil, resp.Status)
					} else {
						ok.Add(1)
					}
				}
			}
		})
	}
	// shut down once the load runs (a count, not a time: on a busy machine under the race
	// detector, a second can hold fewer than 50 requests)
	for ok.Load() < 50 && time.Now().Before(deadline.Add(-5*time.Second)) {
		time.Sleep(20 * time.Millisecond)
	}
	stopping.Store(true)
	took := stop()
	wg.Wait()
	t.Logf("%d answered, %d refused after shutdown, %d failed; shutdown took %v", ok.Load(), refused.Load(), failed.Load(), took)
	if failed.Load() > 0 {
		t.Errorf("%d requests failed during shutdown, first: %v", failed.Load(), firstFailure.Load())
	}
	if ok.Load() < 50 || refused.Load() == 0 {
		t.Errorf("the load did not run through the shutdown: %d answered, %d refused", ok.Load(), refused.Load())
	}
}

// childEnv makes the test binary run "aigrid serve" instead of the tests (see TestMain).
const childEnv = "AIGRID_TEST_CHILD"

// startChild starts aigrid as a separate process (this test binary, re-executed) on dbURL and
// returns its base URL and the process.
func startChild(t *testing.T, dbURL, sessionKey string) (string, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=serve", "DATABASE_URL="+dbURL, "AIGRID_ADDR=127.0.0.1:0",
		"AIGRID_SESSION_KEY="+sessionKey, "AIGRID_LOG_LEVEL=warn")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := new(syncBuffer)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := urlRe.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		close(found)
	}()
	select {
	case u, ok := <-found:
		if !ok {
			t.Fatalf("aigrid exited before serving:\n%s", stderr)
		}
		return u, cmd
	case <-time.After(30 * time.Second):
		t.Fatalf("aigrid did not start within 30 s:\n%s", stderr)
	}
	return "", nil
}

// crashSaver saves step 1.1 of its own assessment again and again, both answers of the step
// changed each time, from the revisions of its last acknowledged save.
type crashSaver struct {
	url, cookie string
	acked       int
	other       map[int]int
}

func (s *crashSaver) save(c *http.Client) error {
	v := []string{"in_place", "partly"}[s.acked%2]
	rev := strconv.Itoa(s.acked)
	form := url.Values{"action": {"save"}, "r.q1.1.3": {rev}, "a.q1.1.3": {v}, "r.q1.1.4": {rev}, "a.q1.1.4": {v}}
	req, _ := http.NewRequest("POST", s.url, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Cookie", s.cookie)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode == http.StatusSeeOther {
		s.acked++
	} else {
		s.other[resp.StatusCode]++
	}
	return nil
}

// kill -9 of the aigrid process while clients save: every acknowledged (303) save is in the
// database afterwards, at most the one save in flight per client is there without its answer,
// and no step is half-written (both answers of every save, with their history, or neither). A new
// process on the same database then serves and saves. Bounded: 8 clients, about a second of load.
func TestKillWhileSaving(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.NewURL(t)
	pool, err := postgres.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	st := postgres.NewStore(pool)
	qn, err := questionnaire.LoadLatest(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	const password = "a long and quiet river"
	hash, err := account.HashPassword(ctx, password)
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.CreateUser(ctx, "crash@example.org", "Casey Crash", hash, false)
	if err != nil {
		t.Fatal(err)
	}
	org, err := st.CreateOrganisation(ctx, u.ID, "Clinique du Parc")
	if err != nil {
		t.Fatal(err)
	}
	savers := make([]*crashSaver, 8)
	ids := make([]string, len(savers))
	for i := range savers {
		a, err := st.CreateAssessment(ctx, org.ID, u.ID, assessment.Assessment{SystemName: fmt.Sprintf("System %d", i),
			ContentVersion: qn.Version, Profile: questionnaire.Profile{"role": {"both"}, "personal_data": {"yes"}, "web_scraping": {"no"}}})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = a.ID
	}
	key := base64.StdEncoding.EncodeToString([]byte(rand.Text() + rand.Text())[:32])
	base, cmd := startChild(t, dbURL, key)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := url.Values{"email": {u.Email}, "password": {password}}
	req, _ := http.NewRequest("POST", base+"login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var cookie string
	for _, c := range resp.Cookies() {
		if c.Name == "aigrid_session" {
			cookie = c.Name + "=" + c.Value
		}
	}
	if resp.StatusCode != http.StatusSeeOther || cookie == "" {
		t.Fatalf("login: %s", resp.Status)
	}

	var killed atomic.Bool
	var total atomic.Int64
	failures := make([]string, len(savers))
	var wg sync.WaitGroup
	for i := range savers {
		savers[i] = &crashSaver{url: base + "o/" + org.ID + "/a/" + ids[i] + "/s/1.1", cookie: cookie, other: map[int]int{}}
		wg.Go(func() {
			for {
				if err := savers[i].save(client); err != nil {
					if !killed.Load() {
						failures[i] = err.Error()
					}
					return
				}
				total.Add(1)
			}
		})
	}
	deadline := time.Now().Add(10 * time.Second)
	for total.Load() < 200 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(time.Duration(rand.Text()[0]%50) * time.Millisecond) // somewhere in the middle of a save
	killed.Store(true)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	_ = cmd.Wait()

	inFlight := 0
	for i, s := range savers {
		if failures[i] != "" {
			t.Errorf("client %d failed before the kill: %s", i, failures[i])
		}
		if len(s.other) > 0 {
			t.Errorf("client %d: saves answered %v (want 303)", i, s.other)
		}
		ans, err := st.Answers(ctx, org.ID, ids[i])
		if err != nil {
			t.Fatal(err)
		}
		r3, r4 := ans["q1.1.3"].Revision, ans["q1.1.4"].Revision
		if r3 != r4 {
			t.Errorf("client %d: step half-written, revisions %d and %d", i, r3, r4)
		}
		if r3 < s.acked || r3 > s.acked+1 {
			t.Errorf("client %d: %d saves acknowledged, the database holds revision %d", i, s.acked, r3)
		}
		if want := []string{"in_place", "partly"}[(r3+1)%2]; r3 > 0 && (ans["q1.1.3"].Values[0] != want || ans["q1.1.4"].Values[0] != want) {
			t.Errorf("client %d: revision %d holds %v and %v, want %s", i, r3, ans["q1.1.3"].Values, ans["q1.1.4"].Values, want)
		}
		hist, err := st.History(ctx, org.ID, ids[i], "")
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != r3+r4 {
			t.Errorf("client %d: %d history entries for revisions %d and %d", i, len(hist), r3, r4)
		}
		if r3 > s.acked {
			inFlight++
			s.acked = r3 // committed, its answer lost with the process: the user sees it on reload
		}
	}
	t.Logf("%d saves acknowledged before kill -9; %d committed without their answer", total.Load(), inFlight)

	// a new process on the same database: the session, the readiness and the saves work
	base, _ = startChild(t, dbURL, key)
	if got := status(t, base+"readyz"); got != 200 {
		t.Fatalf("readyz after the crash = %d", got)
	}
	for i, s := range savers {
		s.url = base + "o/" + org.ID + "/a/" + ids[i] + "/s/1.1"
		before := s.acked
		if err := s.save(client); err != nil || s.acked != before+1 {
			t.Fatalf("client %d: save after the restart: %v %v", i, err, s.other)
		}
	}
}

// "aigrid serve" behind PgBouncer in transaction mode, configured as docs/operations.md says:
// DATABASE_URL through PgBouncer with default_query_exec_mode=cache_describe, and
// AIGRID_MIGRATE_DATABASE_URL straight to PostgreSQL for the migrations (on an empty database
// here, so they all run at start-up), which "aigrid migrate version" reads the same way.
func TestServeBehindPgBouncer(t *testing.T) {
	direct := pgtest.NewEmptyURL(t)
	bouncer := pgtest.StartPgBouncer(t, direct, 2) + "&default_query_exec_mode=cache_describe"
	root := t.TempDir()
	base, _, stop := serveOnce(t, filepath.Join(root, ".data"), "DATABASE_URL", bouncer, "AIGRID_MIGRATE_DATABASE_URL", direct,
		"AIGRID_SESSION_KEY", base64.StdEncoding.EncodeToString([]byte(rand.Text() + rand.Text())[:32]))
	for _, p := range []string{"readyz", "login", "signup", "about"} {
		if got := status(t, base+p); got != 200 {
			t.Errorf("GET /%s = %d", p, got)
		}
	}
	stop()
	ups, _ := fs.Glob(migrations.FS, "*.up.sql")
	var out bytes.Buffer
	env := envFrom(map[string]string{"DATABASE_URL": bouncer, "AIGRID_MIGRATE_DATABASE_URL": direct})
	if err := run(context.Background(), []string{"migrate", "version"}, env, nil, &out, io.Discard); err != nil || out.String() != fmt.Sprintf("migration version %d\n", len(ups)) {
		t.Fatalf("migrate version: %q %v", out.String(), err)
	}
}
