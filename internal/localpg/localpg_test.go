package localpg_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"aigrid/internal/localpg"
)

// mustTempDir returns a temporary directory that the server's OS user can traverse (t.TempDir is
// private to the current user, which the "postgres" user is not when tests run as root).
func mustTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "localpg-test-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func exec(t *testing.T, url, sql string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatal(err)
	}
}

func TestClusterStartReuseStop(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(mustTempDir(t), "data", "postgres")
	opts := localpg.Options{Dir: dir, Password: "s3cret-'quote", Throwaway: true}

	c, err := localpg.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	exec(t, c.URL("postgres"), "CREATE TABLE marker (id int)")

	// A second Start on the same directory while the server runs reuses it and does not own it.
	again, err := localpg.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := again.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	exec(t, c.URL("postgres"), "SELECT 1") // still up

	pid := pidOf(t, dir)
	if err := c.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.Exited():
	default:
		t.Fatal("server still running after Stop")
	}
	if syscall.Kill(pid, 0) == nil {
		t.Fatalf("postgres process %d still exists after Stop", pid)
	}

	// Restarting reuses the existing cluster: the table is still there, no initdb ran.
	c, err = localpg.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop(ctx)
	exec(t, c.URL("postgres"), "SELECT * FROM marker")

	// EnsureDatabase creates a least-privilege role owning its database, idempotently.
	for range 2 {
		if err := c.EnsureDatabase(ctx, "app", "app_user", "app-pass"); err != nil {
			t.Fatal(err)
		}
	}
	appURL := localpg.ConnURL(c.SocketDir(), "app_user", "app-pass", "app")
	exec(t, appURL, "CREATE TABLE t (id int)")
	conn, err := pgx.Connect(ctx, appURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var super bool
	if err := conn.QueryRow(ctx, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user").Scan(&super); err != nil || super {
		t.Fatalf("app role superuser=%v err=%v, want a non-superuser", super, err)
	}
}

func TestWrongPasswordIsRejected(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(mustTempDir(t), "pg")
	c, err := localpg.Start(ctx, localpg.Options{Dir: dir, Password: "right", Throwaway: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop(ctx)
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if conn, err := pgx.Connect(cctx, localpg.ConnURL(c.SocketDir(), localpg.Superuser, "wrong", "postgres")); err == nil {
		conn.Close(ctx)
		t.Fatal("connected with a wrong password")
	}
}

func TestMissingBinaries(t *testing.T) {
	_, err := localpg.Start(context.Background(), localpg.Options{Dir: t.TempDir(), Password: "x", BinDir: t.TempDir()})
	if err == nil {
		t.Fatal("Start succeeded without binaries")
	}
}

func pidOf(t *testing.T, dir string) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	var pid int
	for _, ch := range string(data) {
		if ch < '0' || ch > '9' {
			break
		}
		pid = pid*10 + int(ch-'0')
	}
	return pid
}

// As root, the server runs as "postgres": a data directory it cannot reach is explained, not a
// mysterious initdb failure.
func TestUnreachableDataDirIsExplained(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Log("not root: PostgreSQL runs as the current user, nothing to check")
		return
	}
	private, err := os.MkdirTemp("", "localpg-private-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(private)
	if err := os.Chmod(private, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err = localpg.Start(context.Background(), localpg.Options{Dir: filepath.Join(private, "data", "pg"), Password: "x"})
	if err == nil || !strings.Contains(err.Error(), "chmod o+x "+private) {
		t.Fatalf("err = %v, want advice to chmod o+x %s", err, private)
	}
}
