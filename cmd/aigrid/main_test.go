package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"aigrid/internal/pgtest"
	"aigrid/internal/postgres"
	"aigrid/migrations"
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "serve" { // a real aigrid process for the fault tests (killCrash)
		err := run(context.Background(), []string{"serve"}, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
		fmt.Fprintln(os.Stderr, "aigrid:", err)
		os.Exit(1)
	}
	pgtest.Main(m)
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader in different goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func envFrom(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

var urlRe = regexp.MustCompile(`running at (http://\S+/)`)

// serveOnce runs "aigrid serve" in local mode until the returned stop is called.
func serveOnce(t *testing.T, dataDir string, extraEnv ...string) (base string, stderr *syncBuffer, stop func() time.Duration) {
	t.Helper()
	env := map[string]string{"AIGRID_ADDR": "127.0.0.1:0", "AIGRID_DATA_DIR": dataDir}
	for i := 0; i+1 < len(extraEnv); i += 2 {
		env[extraEnv[i]] = extraEnv[i+1]
	}
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := new(syncBuffer), new(syncBuffer)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, nil, envFrom(env), nil, stdout, stderr)
	}()
	deadline := time.Now().Add(30 * time.Second) // first run includes initdb
	for {
		if m := urlRe.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited early: %v\n%s", err, stderr)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no URL printed within 30 s:\n%s", stderr)
		}
	}
	return base, stderr, func() time.Duration {
		start := time.Now()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve returned %v", err)
		}
		return time.Since(start)
	}
}

func status(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// The README's "make run" path: local mode starts a cluster, serves, reuses it on the next run, and
// stops everything on shutdown.
func TestServeLocalMode(t *testing.T) {
	root, err := os.MkdirTemp("", "aigrid-serve-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(root, 0o755)
	t.Cleanup(func() { os.RemoveAll(root) })
	dataDir := filepath.Join(root, ".data")

	start := time.Now()
	base, stderr, stop := serveOnce(t, dataDir)
	for _, p := range []string{"healthz", "readyz", ""} {
		if got := status(t, base+p); got != 200 {
			t.Fatalf("GET /%s = %d", p, got)
		}
	}
	t.Logf("first start (initdb included) ready in %v", time.Since(start))
	if !strings.Contains(stderr.String(), "creating a local PostgreSQL cluster") {
		t.Fatalf("first run did not create the cluster:\n%s", stderr)
	}
	secrets := filepath.Join(dataDir, secretsFile)
	fi, err := os.Stat(secrets)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("secrets file: %v %v", fi, err)
	}
	first, _ := os.ReadFile(secrets)
	if took := stop(); took > 10*time.Second {
		t.Fatalf("shutdown took %v, want under 10 s", took)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "postgres", "postmaster.pid")); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("PostgreSQL is still running after shutdown (postmaster.pid exists)")
	}

	// the second run also serves metrics, on their own address, with the configured pool size
	base, stderr, stop = serveOnce(t, dataDir, "AIGRID_METRICS_ADDR", "127.0.0.1:0", "AIGRID_DB_MAX_CONNS", "7")
	if got := status(t, base+"readyz"); got != 200 {
		t.Fatalf("second run readyz = %d", got)
	}
	m := regexp.MustCompile(`metrics served" url=(http://\S+/metrics)`).FindStringSubmatch(stderr.String())
	if m == nil {
		t.Fatalf("no metrics address logged:\n%s", stderr)
	}
	resp, err := http.Get(m[1])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"aigrid_db_pool_max_connections 7", `aigrid_http_request_duration_seconds_count{method="GET",route="/readyz",status="200"} 1`, "go_goroutines"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q:\n%.2000s", want, body)
		}
	}
	if got := status(t, base+"metrics"); got != 404 {
		t.Errorf("the application's own address serves /metrics: %d", got)
	}
	if strings.Contains(stderr.String(), "creating a local PostgreSQL cluster") {
		t.Fatal("second run ran initdb again instead of reusing the cluster")
	}
	stop()
	again, _ := os.ReadFile(secrets)
	if !bytes.Equal(first, again) {
		t.Fatal("secrets were regenerated on the second start")
	}
}

func TestInvalidConfigNamesTheVariable(t *testing.T) {
	err := run(context.Background(), []string{"serve"}, envFrom(map[string]string{"AIGRID_LOG_FORMAT": "xml"}), nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "AIGRID_LOG_FORMAT") {
		t.Fatalf("err = %v", err)
	}
}

func TestUsage(t *testing.T) {
	if err := run(context.Background(), []string{"frobnicate"}, envFrom(nil), nil, io.Discard, io.Discard); !errors.Is(err, errUsage) {
		t.Fatalf("unknown command: %v", err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"version"}, envFrom(nil), nil, &out, io.Discard); err != nil || !strings.HasPrefix(out.String(), "aigrid ") {
		t.Fatalf("version: %q %v", out.String(), err)
	}
}

func TestMigrateCommand(t *testing.T) {
	env := envFrom(map[string]string{"DATABASE_URL": pgtest.NewEmptyURL(t)})
	// migrations are numbered NNNNNN_…: the versions are their numbers, in order (there may be gaps
	// while branches that reserved numbers are merged one after the other)
	ups, _ := fs.Glob(migrations.FS, "*.up.sql")
	var versions []int
	for _, name := range ups {
		n, err := strconv.Atoi(name[:6])
		if err != nil {
			t.Fatalf("migration %s: %v", name, err)
		}
		versions = append(versions, n)
	}
	slices.Sort(versions)
	if len(versions) < 2 {
		t.Fatalf("migrations %v", ups)
	}
	latest := fmt.Sprintf("migration version %d\n", versions[len(versions)-1])
	for _, step := range []struct {
		args []string
		want string
	}{
		{[]string{"version"}, "migration version 0\n"},
		{[]string{"up"}, latest},
		{[]string{"down", "all"}, "migration version 0\n"},
		{[]string{"up"}, latest},
		{[]string{"down"}, fmt.Sprintf("migration version %d\n", versions[len(versions)-2])},
	} {
		var out bytes.Buffer
		if err := run(context.Background(), append([]string{"migrate"}, step.args...), env, nil, &out, io.Discard); err != nil {
			t.Fatalf("migrate %v: %v", step.args, err)
		}
		if out.String() != step.want {
			t.Fatalf("migrate %v printed %q, want %q", step.args, out.String(), step.want)
		}
	}
	if err := run(context.Background(), []string{"migrate", "sideways"}, env, nil, io.Discard, io.Discard); !errors.Is(err, errUsage) {
		t.Fatalf("bad subcommand: %v", err)
	}
}

func TestContentCheck(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"content", "check"}, envFrom(nil), nil, &out, io.Discard); err != nil {
		t.Fatalf("shipped content: %v", err)
	}
	if !strings.Contains(out.String(), "7 sheets") {
		t.Fatalf("output %q", out.String())
	}

	for _, want := range []string{"content 2026.1 is valid", "scoring model 1", "content 2026.2 is valid", "scoring model 2", "differences 2026.1 → 2026.2 declared: 7 added"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	// A broken copy fails with precise file:path messages, and so does an undeclared difference.
	dir := t.TempDir()
	files, _ := filepath.Glob("../../content/*/*.yaml")
	for _, f := range files {
		data, _ := os.ReadFile(f)
		version, base := filepath.Base(filepath.Dir(f)), filepath.Base(f)
		if version == "2026.2" && base == "sheet-3.yaml" {
			data = bytes.Replace(data, []byte("kind: scale"), []byte("kind: slider"), 1)
		}
		if version == "2026.2" && base == "sheet-5.yaml" {
			data = bytes.Replace(data, []byte("source: cnil-guide-2022-sheet-5"), []byte("source: hearsay"), 1)
		}
		os.MkdirAll(filepath.Join(dir, version), 0o755)
		os.WriteFile(filepath.Join(dir, version, base), data, 0o644)
	}
	undeclared := filepath.Join(t.TempDir(), "content")
	for _, f := range files {
		data, _ := os.ReadFile(f)
		version, base := filepath.Base(filepath.Dir(f)), filepath.Base(f)
		if version == "2026.2" && base == "questionnaire.yaml" {
			data = bytes.Replace(data, []byte("q2.1.6, "), nil, 1) // q2.1.6 no longer declared as added
		}
		os.MkdirAll(filepath.Join(undeclared, version), 0o755)
		os.WriteFile(filepath.Join(undeclared, version, base), data, 0o644)
	}
	err := run(context.Background(), []string{"content", "check", undeclared}, envFrom(nil), nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "2026.2/questionnaire.yaml:changes.added: q2.1.6 is new") {
		t.Fatalf("undeclared difference: %v", err)
	}
	err = run(context.Background(), []string{"content", "check", dir}, envFrom(nil), nil, io.Discard, io.Discard)
	if err == nil {
		t.Fatal("broken content accepted")
	}
	for _, want := range []string{"2026.2/sheet-3.yaml:sections[", `kind "slider" must be scale`, "2026.2/sheet-5.yaml:sections[", `source "hearsay"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}

	// The server refuses to start on it.
	err = run(context.Background(), nil, envFrom(map[string]string{"AIGRID_CONTENT_DIR": dir, "DATABASE_URL": "postgres://nowhere/x"}), nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "refusing to start") {
		t.Fatalf("serve with invalid content: %v", err)
	}
}

func TestContentStatsJSON(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"content", "stats", "--json"}, envFrom(nil), nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	var sts []struct {
		Version string `json:"version"`
		Sheets  []struct {
			ID                                                                            string
			Sections, Questions, Scored, Recommendations, Conditional, FR, EN, References int
		} `json:"sheets"`
	}
	dec := json.NewDecoder(&out)
	if err := dec.Decode(&sts); err != nil {
		t.Fatal(err)
	}
	if len(sts) != 2 || sts[0].Version != "2026.1" || sts[1].Version != "2026.2" {
		t.Fatalf("versions: %+v", sts)
	}
	st := sts[1]
	if len(st.Sheets) != 7 {
		t.Fatalf("%+v", st)
	}
	for _, s := range st.Sheets {
		if s.Questions == 0 || s.FR != s.Questions || s.EN != s.Questions || s.Recommendations != s.Scored || s.References != s.Questions {
			t.Errorf("sheet %s: %+v", s.ID, s)
		}
	}
}

func TestAdminCommands(t *testing.T) {
	env := envFrom(map[string]string{"DATABASE_URL": pgtest.NewURL(t)})
	ctx := context.Background()
	var out bytes.Buffer
	err := run(ctx, []string{"admin", "create-user", "--email", "Ada@Example.org", "--name", "Ada", "--site-admin", "--org", "Ops"}, env,
		strings.NewReader("a sturdy admin passphrase\n"), &out, io.Discard)
	if err != nil || !strings.Contains(out.String(), "created user ada@example.org") || !strings.Contains(out.String(), "site administrator") {
		t.Fatalf("create-user: %v %q", err, out.String())
	}
	// Weak passwords and duplicates are refused with a clear message.
	err = run(ctx, []string{"admin", "create-user", "--email", "bob@example.org", "--name", "Bob"}, env, strings.NewReader("short\n"), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "at least 12 characters") {
		t.Fatalf("weak password: %v", err)
	}
	err = run(ctx, []string{"admin", "create-user", "--email", "ada@example.org", "--name", "Ada"}, env, strings.NewReader("a sturdy admin passphrase\n"), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("duplicate: %v", err)
	}
	// The password is never taken from the command line.
	if err := run(ctx, []string{"admin", "create-user", "--email", "x@example.org", "--name", "X", "--password", "p"}, env, strings.NewReader(""), io.Discard, io.Discard); !errors.Is(err, errUsage) {
		t.Fatalf("--password accepted: %v", err)
	}

	out.Reset()
	if err := run(ctx, []string{"admin", "reset-password", "--email", "ada@example.org"}, env, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`/password/reset/[A-Za-z0-9]{40,}\n$`).MatchString(out.String()) {
		t.Fatalf("reset-password printed %q", out.String())
	}
	if err := run(ctx, []string{"admin", "reset-password", "--email", "nobody@example.org"}, env, nil, io.Discard, io.Discard); err == nil {
		t.Fatal("reset for an unknown user succeeded")
	}
	// Removing a second factor: refused when there is none, done and audited when there is one.
	if err := run(ctx, []string{"admin", "disable-two-factor", "--email", "ada@example.org"}, env, nil, io.Discard, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "no two-step sign-in") {
		t.Fatalf("disable-two-factor without one: %v", err)
	}
	pool, err := pgxpool.New(ctx, env("DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	st := postgres.NewStore(pool)
	ada, _, err := st.UserByEmail(ctx, "ada@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.EnableTwoFactor(ctx, ada.ID, []byte("sealed"), 1, [][]byte{[]byte("h")}); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(ctx, []string{"admin", "disable-two-factor", "--email", "ada@example.org"}, env, nil, &out, io.Discard); err != nil ||
		!strings.Contains(out.String(), "two-step sign-in removed for ada@example.org") {
		t.Fatalf("disable-two-factor: %v %q", err, out.String())
	}
	if _, err := st.TwoFactorOf(ctx, ada.ID); !errors.Is(err, postgres.ErrNotFound) {
		t.Fatalf("second factor still there: %v", err)
	}

	out.Reset()
	if err := run(ctx, []string{"admin", "signup", "close"}, env, nil, &out, io.Discard); err != nil || out.String() != "public sign-up is now closed\n" {
		t.Fatalf("signup close: %v %q", err, out.String())
	}
}
