// Package localpg runs a project-local PostgreSQL cluster: the default database of a development
// machine (aigrid's "local mode") and of the test harness. It finds the PostgreSQL server binaries
// installed on the machine, creates the cluster with initdb on first use, starts the server listening
// only on a Unix socket, and stops it cleanly.
//
// The server's settings (Unix socket directory, no TCP listener, port…) are written into the
// cluster's configuration, in a file aigrid owns (aigrid.conf, included by postgresql.conf) and
// rewrites on every start, so that any start of the data directory — a manual "pg_ctl start"
// included — gives the same server.
//
// PostgreSQL refuses to run as root. When the current user is root, the cluster is owned by and the
// server runs as the unprivileged "postgres" OS user, which Debian's postgresql package creates.
package localpg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Superuser is the name of the cluster's superuser role.
const Superuser = "postgres"

// port is part of the socket's file name only: the server opens no TCP port.
const port = 5432

// MinVersion is the oldest PostgreSQL major version aigrid supports.
const MinVersion = 15

// ErrNoBinaries means no PostgreSQL server binaries were found.
var ErrNoBinaries = errors.New("localpg: no PostgreSQL server binaries found")

// Options configure a cluster.
type Options struct {
	// Dir is the cluster's data directory; it is created (with initdb) when missing.
	Dir string
	// Password is the superuser's password, set by initdb; later starts must pass the same one.
	Password string
	// BinDir holds initdb and postgres; empty means search the machine (FindBinDir).
	BinDir string
	// Logger receives progress messages; nil discards them.
	Logger *slog.Logger
	// Throwaway turns durability off (fsync) for clusters whose data do not matter: tests.
	Throwaway bool
}

// Cluster is a running local PostgreSQL server.
type Cluster struct {
	dir       string
	socketDir string
	binDir    string
	password  string
	log       *slog.Logger
	cred      *syscall.Credential
	cmd       *exec.Cmd
	exited    chan struct{}
	waitErr   error
	owned     bool // false when the server was already running: Stop leaves it alone
	throwaway bool
}

// FindBinDir returns the directory holding the PostgreSQL server binaries (initdb and postgres):
// the output of pg_config --bindir, else the newest /usr/lib/postgresql/N/bin, else PATH.
func FindBinDir() (string, error) {
	var candidates []string
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		candidates = append(candidates, strings.TrimSpace(string(out)))
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return majorOf(b) - majorOf(a) })
	candidates = append(candidates, dirs...)
	if p, err := exec.LookPath("postgres"); err == nil {
		candidates = append(candidates, filepath.Dir(p))
	}
	for _, dir := range candidates {
		if isExec(filepath.Join(dir, "postgres")) && isExec(filepath.Join(dir, "initdb")) {
			return dir, nil
		}
	}
	return "", fmt.Errorf("%w: install the PostgreSQL %d+ server package (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql) or set DATABASE_URL to an existing database", ErrNoBinaries, MinVersion)
}

func majorOf(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func isExec(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

var versionRe = regexp.MustCompile(`\(PostgreSQL\) ([0-9]+)`)

// Start starts the cluster in opts.Dir, creating it first if needed, and waits until it accepts
// connections. If a server is already running on that directory, Start connects to it instead and
// Stop will leave it running.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	if opts.Dir == "" || opts.Password == "" {
		return nil, errors.New("localpg: Dir and Password are required")
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("localpg: %w", err)
	}
	c := &Cluster{dir: dir, binDir: opts.BinDir, password: opts.Password, log: opts.Logger, throwaway: opts.Throwaway}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.binDir == "" {
		if c.binDir, err = FindBinDir(); err != nil {
			return nil, err
		}
	}
	if err := c.checkVersion(); err != nil {
		return nil, err
	}
	if err := c.setOwner(); err != nil {
		return nil, err
	}
	c.socketDir = socketDirFor(dir)

	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := c.initdb(ctx); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, fmt.Errorf("localpg: %w", err)
	}
	// every start, not only initdb's: clusters created by older versions get the settings too
	if err := c.writeConfig(); err != nil {
		return nil, err
	}

	if c.ping(ctx) == nil {
		c.log.Info("reusing the PostgreSQL server already running", "dir", dir)
		return c, nil
	}
	if err := c.start(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Cluster) checkVersion() error {
	out, err := exec.Command(filepath.Join(c.binDir, "postgres"), "--version").Output()
	if err != nil {
		return fmt.Errorf("localpg: run %s --version: %w", filepath.Join(c.binDir, "postgres"), err)
	}
	m := versionRe.FindSubmatch(out)
	if m == nil {
		return fmt.Errorf("localpg: unexpected postgres --version output %q", out)
	}
	if v, _ := strconv.Atoi(string(m[1])); v < MinVersion {
		return fmt.Errorf("localpg: PostgreSQL %d found in %s, but %d or newer is required", v, c.binDir, MinVersion)
	}
	return nil
}

// setOwner decides which OS user runs the server: the current one, or "postgres" when we are root.
func (c *Cluster) setOwner() error {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("localpg: running as root, PostgreSQL must run as an unprivileged user, but there is no %q OS user (create one, e.g. 'useradd --system postgres', or run aigrid as a normal user): %w", "postgres", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	// Every parent of the data directory must be traversable by that user.
	for p := filepath.Dir(c.dir); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err == nil && fi.Mode().Perm()&0o001 == 0 && !ownedBy(fi, uid) {
			return fmt.Errorf("localpg: running as root, PostgreSQL runs as the %q OS user, which cannot enter %s (mode %v): allow it with 'chmod o+x %s' or choose a data directory under a world-traversable path (AIGRID_DATA_DIR)", "postgres", p, fi.Mode().Perm(), p)
		}
		if p == "/" || p == "." {
			return nil
		}
	}
}

func ownedBy(fi os.FileInfo, uid int) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == uid
}

// socketDirFor keeps the Unix socket in the data directory, unless its path would exceed the
// kernel's limit for socket names (107 bytes); then it uses a short directory under /tmp.
func socketDirFor(dir string) string {
	if len(dir)+len("/.s.PGSQL.5432") < 100 {
		return dir
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("aigrid-pg-%x", fnv32(dir)))
}

func fnv32(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// mkdirOwned creates dir (mode perm) and hands it to the server's OS user.
func (c *Cluster) mkdirOwned(dir string, perm os.FileMode) error {
	if err := os.MkdirAll(dir, perm); err != nil {
		return err
	}
	if err := os.Chmod(dir, perm); err != nil {
		return err
	}
	if c.cred != nil {
		return os.Chown(dir, int(c.cred.Uid), int(c.cred.Gid))
	}
	return nil
}

func (c *Cluster) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(c.binDir, name), args...)
	cmd.Env = []string{"LC_ALL=C", "PATH=/usr/bin:/bin", "TZ=UTC"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	return cmd
}

func (c *Cluster) initdb(ctx context.Context) error {
	c.log.Info("creating a local PostgreSQL cluster (first run)", "dir", c.dir)
	if err := os.MkdirAll(filepath.Dir(c.dir), 0o755); err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	if err := c.mkdirOwned(c.dir, 0o700); err != nil {
		return fmt.Errorf("localpg: create %s: %w", c.dir, err)
	}
	pwfile, err := os.CreateTemp(filepath.Dir(c.dir), ".pwfile-*")
	if err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	defer os.Remove(pwfile.Name())
	_, err = pwfile.WriteString(c.password + "\n")
	if cerr := pwfile.Close(); err == nil {
		err = cerr
	}
	if err == nil && c.cred != nil {
		err = os.Chown(pwfile.Name(), int(c.cred.Uid), int(c.cred.Gid))
	}
	if err != nil {
		return fmt.Errorf("localpg: write password file: %w", err)
	}
	cmd := c.command(ctx, "initdb",
		"--pgdata="+c.dir, "--username="+Superuser, "--pwfile="+pwfile.Name(),
		"--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-instructions")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("localpg: initdb failed: %w\n%s", err, out)
	}
	return nil
}

// start runs postgres as a child process. The child gets SIGINT (fast shutdown) if this process
// dies, so a crash never leaves an orphan server behind.
func (c *Cluster) start(ctx context.Context) error {
	if c.socketDir != c.dir {
		if err := c.mkdirOwned(c.socketDir, 0o700); err != nil {
			return fmt.Errorf("localpg: socket directory: %w", err)
		}
	}
	logPath := filepath.Join(filepath.Dir(c.dir), filepath.Base(c.dir)+".log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("localpg: open server log: %w", err)
	}
	// The settings are in aigrid.conf too; the command line wins over a postgresql.auto.conf
	// (ALTER SYSTEM) that would change them.
	cmd := c.command(context.Background(), "postgres", "-D", c.dir)
	for _, kv := range c.settings() {
		cmd.Args = append(cmd.Args, "-c", kv[0]+"="+kv[1])
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr.Pdeathsig = syscall.SIGINT
	cmd.SysProcAttr.Setpgid = true // Ctrl-C in a terminal goes to aigrid, which then stops the server

	// Pdeathsig fires when the OS thread that forked the child exits, not the process: keep that
	// thread locked and alive for the child's whole life.
	started := make(chan error, 1)
	c.exited = make(chan struct{})
	go func() {
		runtime.LockOSThread()
		defer logFile.Close()
		if err := cmd.Start(); err != nil {
			started <- err
			close(c.exited)
			return
		}
		started <- nil
		c.waitErr = cmd.Wait()
		close(c.exited)
	}()
	if err := <-started; err != nil {
		return fmt.Errorf("localpg: start postgres: %w", err)
	}
	c.cmd, c.owned = cmd, true

	deadline := time.Now().Add(60 * time.Second)
	for {
		err := c.ping(ctx)
		if err == nil {
			c.log.Info("local PostgreSQL server started", "dir", c.dir, "socket", c.socketDir)
			return nil
		}
		select {
		case <-c.exited:
			return fmt.Errorf("localpg: postgres exited during start-up (%v); see %s:\n%s", c.waitErr, logPath, tail(logPath, 15))
		case <-ctx.Done():
			_ = c.Stop(context.Background())
			return fmt.Errorf("localpg: waiting for postgres: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = c.Stop(context.Background())
			return fmt.Errorf("localpg: postgres did not accept connections within 60s (%v); see %s:\n%s", err, logPath, tail(logPath, 15))
		}
	}
}

// settings are the server settings aigrid needs, in the order written to aigrid.conf.
func (c *Cluster) settings() [][2]string {
	s := [][2]string{
		{"listen_addresses", ""}, // no TCP listener
		{"unix_socket_directories", c.socketDir},
		{"unix_socket_permissions", "0700"},
		{"port", strconv.Itoa(port)},
		{"max_connections", "200"},
	}
	if c.throwaway {
		// test clusters trade durability for speed: their data die with the test run anyway
		s = append(s, [2]string{"fsync", "off"}, [2]string{"synchronous_commit", "off"}, [2]string{"full_page_writes", "off"})
	}
	return s
}

// confFile is the file of the data directory holding aigrid's settings; postgresql.conf ends by
// including it.
const confFile = "aigrid.conf"

var includeRe = regexp.MustCompile(`(?m)^[ \t]*include[ \t]*=?[ \t]*'` + regexp.QuoteMeta(confFile) + `'[ \t]*(#.*)?$`)

// writeConfig writes aigrid.conf and makes postgresql.conf include it (at its end, so that its
// settings win over postgresql.conf's).
func (c *Cluster) writeConfig() error {
	var b strings.Builder
	b.WriteString("# Written by aigrid on every start of this cluster: changes here are lost.\n" +
		"# Any start of this data directory (by aigrid or pg_ctl) gives the same server:\n" +
		"# Unix socket only, in the directory where aigrid looks for it.\n")
	for _, kv := range c.settings() {
		fmt.Fprintf(&b, "%s = '%s'\n", kv[0], strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(kv[1]))
	}
	if err := c.writeFile(filepath.Join(c.dir, confFile), []byte(b.String())); err != nil {
		return fmt.Errorf("localpg: write the server settings: %w", err)
	}
	conf := filepath.Join(c.dir, "postgresql.conf")
	data, err := os.ReadFile(conf)
	if err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	if includeRe.Match(data) {
		return nil
	}
	data = append(bytes.TrimRight(data, "\n"), "\n\n# aigrid's settings (socket directory, no TCP listener…): keep this line last\ninclude '"+confFile+"'\n"...)
	if err := c.writeFile(conf, data); err != nil {
		return fmt.Errorf("localpg: include %s in %s: %w", confFile, conf, err)
	}
	return nil
}

// writeFile replaces path atomically with a file (mode 0600) owned by the server's OS user.
func (c *Cluster) writeFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o600)
	}
	if err == nil && c.cred != nil {
		err = os.Chown(tmp.Name(), int(c.cred.Uid), int(c.cred.Gid))
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func tail(path string, n int) string {
	data, _ := os.ReadFile(path)
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}

func (c *Cluster) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return err
	}
	return conn.Close(context.Background())
}

// URL returns a superuser connection URL for database db, over the Unix socket.
func (c *Cluster) URL(db string) string {
	return ConnURL(c.socketDir, Superuser, c.password, db)
}

// ConnURL builds a connection URL to a server listening on a Unix socket in socketDir.
func ConnURL(socketDir, user, password, db string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(user, password),
		Path:     "/" + db,
		RawQuery: url.Values{"host": {socketDir}, "port": {strconv.Itoa(port)}, "sslmode": {"disable"}}.Encode(),
	}
	return u.String()
}

// SocketDirFor returns where the server of the cluster in dir keeps its Unix socket (for a
// process that connects to a cluster another process started, e.g. the benchmark harness).
func SocketDirFor(dir string) string { return socketDirFor(dir) }

// SocketDir returns the directory of the server's Unix socket.
func (c *Cluster) SocketDir() string { return c.socketDir }

// Dir returns the cluster's data directory.
func (c *Cluster) Dir() string { return c.dir }

// Stop shuts the server down (fast shutdown: open sessions are ended) and waits for it to exit,
// up to ctx's deadline, after which it is killed. It stops what runs on the data directory, even if
// the server was restarted behind aigrid's back (pg_ctl restart) and is no longer its child. A
// server that Start found already running is left alone.
func (c *Cluster) Stop(ctx context.Context) error {
	if !c.owned {
		return nil
	}
	child := 0
	if c.cmd != nil && c.cmd.Process != nil && !isClosed(c.exited) {
		child = c.cmd.Process.Pid
	}
	pid := c.postmasterPID()
	if child == 0 && pid == 0 {
		return nil
	}
	signal := func(sig syscall.Signal) error {
		var err error
		if child != 0 {
			if e := c.cmd.Process.Signal(sig); e != nil && !errors.Is(e, os.ErrProcessDone) {
				err = e
			}
		}
		if pid != 0 && pid != child {
			if e := syscall.Kill(pid, sig); e != nil && !errors.Is(e, syscall.ESRCH) {
				err = e
			}
		}
		return err
	}
	stopped := func() bool { return (child == 0 || isClosed(c.exited)) && (pid == 0 || !alive(pid)) }
	if err := signal(syscall.SIGINT); err != nil {
		return fmt.Errorf("localpg: stop postgres: %w", err)
	}
	for !stopped() {
		select {
		case <-ctx.Done():
			_ = signal(syscall.SIGKILL)
			if child != 0 {
				<-c.exited
			}
			return fmt.Errorf("localpg: postgres did not stop in time and was killed: %w", ctx.Err())
		case <-c.exited:
		case <-time.After(20 * time.Millisecond):
		}
	}
	c.log.Info("local PostgreSQL server stopped", "dir", c.dir)
	return nil
}

func isClosed(ch <-chan struct{}) bool {
	if ch == nil {
		return true
	}
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// postmasterPID returns the PID of the server running on the data directory according to its
// postmaster.pid, or 0 when none runs (a stale file, or its PID reused by another process).
func (c *Cluster) postmasterPID() int {
	data, err := os.ReadFile(filepath.Join(c.dir, "postmaster.pid"))
	if err != nil {
		return 0
	}
	lines := strings.Split(string(data), "\n")
	if len(lines) < 2 || !sameDir(strings.TrimSpace(lines[1]), c.dir) {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(lines[0]))
	if err != nil || pid <= 0 || !alive(pid) {
		return 0
	}
	// The postmaster's working directory is its data directory (Linux: check it where we can).
	if cwd, err := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid)); err == nil && !sameDir(cwd, c.dir) {
		return 0
	}
	return pid
}

func sameDir(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	ra, errA := filepath.EvalSymlinks(a)
	rb, errB := filepath.EvalSymlinks(b)
	return errA == nil && errB == nil && ra == rb
}

// alive reports whether process pid runs; a zombie (exited, not yet reaped by its parent) does not.
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return !errors.Is(err, os.ErrNotExist) || runtime.GOOS != "linux"
	}
	// pid (comm) state …: comm may hold spaces and parentheses
	rest := stat[bytes.LastIndexByte(stat, ')')+1:]
	fields := bytes.Fields(rest)
	return len(fields) == 0 || (fields[0][0] != 'Z' && fields[0][0] != 'X')
}

// Exited is closed when the server process started by this Cluster has exited (a server restarted
// behind aigrid's back is another process).
func (c *Cluster) Exited() <-chan struct{} { return c.exited }

// EnsureDatabase creates, if missing, a login role with password and a database it owns, so the
// application runs without superuser rights.
func (c *Cluster) EnsureDatabase(ctx context.Context, db, role, password string) error {
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	defer conn.Close(context.Background())
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", role).Scan(&exists); err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	ident := pgx.Identifier{role}.Sanitize()
	stmt := "CREATE ROLE " + ident + " LOGIN PASSWORD " + quoteLiteral(password)
	if exists {
		stmt = "ALTER ROLE " + ident + " LOGIN PASSWORD " + quoteLiteral(password)
	}
	if _, err := conn.Exec(ctx, stmt); err != nil {
		return fmt.Errorf("localpg: role %s: %w", role, err)
	}
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", db).Scan(&exists); err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	if !exists {
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{db}.Sanitize()+" OWNER "+ident); err != nil {
			return fmt.Errorf("localpg: create database %s: %w", db, err)
		}
	}
	return nil
}

// quoteLiteral quotes s as an SQL string literal (DDL takes no parameters).
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
