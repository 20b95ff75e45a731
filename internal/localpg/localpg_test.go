package localpg_test

import (
	"context"
	"fmt"
	"os"
	osexec "os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
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

// pgCtl runs pg_ctl as the server's OS user, as someone managing the cluster by hand would.
func pgCtl(t *testing.T, args ...string) {
	t.Helper()
	bin, err := localpg.FindBinDir()
	if err != nil {
		t.Fatal(err)
	}
	cmd := osexec.Command(filepath.Join(bin, "pg_ctl"), args...)
	cmd.Env = []string{"LC_ALL=C", "PATH=/usr/bin:/bin"}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatal(err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pg_ctl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// processGone reports whether pid no longer runs (a zombie nobody reaped counts as gone).
func processGone(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return true
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return os.IsNotExist(err)
	}
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(fields) > 0 && (fields[0] == "Z" || fields[0] == "X")
}

func show(t *testing.T, dsn, setting string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect through the socket aigrid expects: %v", err)
	}
	defer conn.Close(ctx)
	var v string
	if err := conn.QueryRow(ctx, "SHOW "+setting).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// The server settings live in the cluster's configuration, not only on aigrid's command line: a
// manual "pg_ctl start" of the data directory gives the same server (socket where aigrid looks
// for it, no TCP listener), and aigrid reuses it. Clusters created by older versions, whose
// configuration lacks those settings, get them on their next start by aigrid.
func TestManualStartGivesTheSameServer(t *testing.T) {
	ctx := context.Background()
	base := mustTempDir(t)
	dir := filepath.Join(base, "pg")
	opts := localpg.Options{Dir: dir, Password: "pw", Throwaway: true}

	check := func(t *testing.T, socketDir string) {
		t.Helper()
		pgCtl(t, "start", "-D", dir, "-w", "-t", "60", "-l", filepath.Join(dir, "manual.log"))
		stopped := false
		stop := func() {
			if !stopped {
				stopped = true
				pgCtl(t, "stop", "-D", dir, "-w", "-m", "fast")
			}
		}
		defer stop()
		dsn := localpg.ConnURL(socketDir, localpg.Superuser, opts.Password, "postgres")
		if got := show(t, dsn, "listen_addresses"); got != "" {
			t.Errorf("manual start: listen_addresses = %q, want '' (no TCP listener)", got)
		}
		if got := show(t, dsn, "unix_socket_directories"); got != socketDir {
			t.Errorf("manual start: unix_socket_directories = %q, want %q", got, socketDir)
		}
		if _, err := os.Stat(filepath.Join(socketDir, ".s.PGSQL.5432")); err != nil {
			t.Errorf("manual start: no socket in %s: %v", socketDir, err)
		}
		// aigrid finds and reuses the manually started server, and leaves it running.
		c, err := localpg.Start(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		show(t, dsn, "port")
		stop()
	}

	c, err := localpg.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	socketDir := c.SocketDir()
	if err := c.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	t.Run("new cluster", func(t *testing.T) { check(t, socketDir) })

	// A cluster created by an older aigrid: its postgresql.conf is initdb's.
	conf := filepath.Join(dir, "postgresql.conf")
	data, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	old := regexp.MustCompile(`(?m)^.*aigrid.*$`).ReplaceAll(data, nil)
	if err := os.WriteFile(conf, old, 0o600); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "aigrid.conf"))
	if c, err = localpg.Start(ctx, opts); err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	t.Run("cluster of an older version", func(t *testing.T) { check(t, socketDir) })
}

// When the server aigrid started was restarted behind its back (pg_ctl restart), stopping aigrid
// still stops what runs on the data directory.
func TestStopAfterManualRestart(t *testing.T) {
	ctx := context.Background()
	base := mustTempDir(t)
	dir := filepath.Join(base, "pg")
	c, err := localpg.Start(ctx, localpg.Options{Dir: dir, Password: "pw", Throwaway: true})
	if err != nil {
		t.Fatal(err)
	}
	first := pidOf(t, dir)
	pgCtl(t, "restart", "-D", dir, "-w", "-t", "60", "-m", "fast", "-l", filepath.Join(dir, "manual.log"))
	second := pidOf(t, dir)
	t.Cleanup(func() {
		if !processGone(second) {
			syscall.Kill(second, syscall.SIGQUIT)
		}
	})
	if second == first || !processGone(first) {
		t.Fatalf("pg_ctl restart did not restart the server (pid %d, then %d)", first, second)
	}
	exec(t, c.URL("postgres"), "SELECT 1")

	sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := c.Stop(sctx); err != nil {
		t.Fatal(err)
	}
	if !processGone(second) {
		t.Fatalf("postgres (pid %d) still runs on %s after Stop", second, dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "postmaster.pid")); !os.IsNotExist(err) {
		t.Fatalf("postmaster.pid still there after Stop (err %v)", err)
	}
}
