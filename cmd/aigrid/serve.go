package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"aigrid/content"
	"aigrid/internal/config"
	"aigrid/internal/localpg"
	"aigrid/internal/postgres"
	"aigrid/internal/questionnaire"
	"aigrid/internal/server"
)

// Shutdown budget: Ctrl-C must leave within 10 s, PostgreSQL included.
const (
	httpGrace   = 5 * time.Second
	clusterStop = 4 * time.Second
)

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		return usageError("serve takes no arguments")
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	log.Info("starting aigrid", "version", version, "config", cfg)

	cat, err := loadContent(cfg)
	if err != nil {
		return err
	}
	key, err := sessionKey(cfg)
	if err != nil {
		return err
	}
	db, closeDB, err := openPrepared(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("AIGRID_ADDR: cannot listen on %s: %w", cfg.Addr, err)
	}
	srv := server.New(server.Options{Config: cfg, Logger: log, Store: postgres.NewStore(db), Catalog: cat, SessionKey: key})
	jctx, stopJanitor := context.WithCancel(ctx)
	defer stopJanitor()
	go srv.Janitor(jctx, time.Hour)
	if h := srv.MetricsHandler(); h != nil {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			return fmt.Errorf("AIGRID_METRICS_ADDR: cannot listen on %s: %w", cfg.MetricsAddr, err)
		}
		log.Info("metrics served", "url", "http://"+mln.Addr().String()+"/metrics")
		mctx, stopMetrics := context.WithCancel(ctx)
		defer stopMetrics()
		go func() {
			if err := server.Serve(mctx, mln, h, log, time.Second); err != nil {
				log.Error("metrics listener", "err", err)
			}
		}()
	}
	// Loading and validating every questionnaire version, the migrations and the templates leave
	// tens of megabytes of garbage; give it back to the system before serving rather than when the
	// scavenger gets to it.
	debug.FreeOSMemory()
	gcDefaults(getenv)
	fmt.Fprintf(stdout, "aigrid is running at %s (press Ctrl-C to stop)\n", cfg.PublicURL(ln.Addr()))
	return server.Serve(ctx, ln, srv, log, httpGrace)
}

// sessionKey is AIGRID_SESSION_KEY or, in local mode, the key generated on first run.
func sessionKey(cfg config.Config) ([]byte, error) {
	if cfg.SessionKey != nil {
		return cfg.SessionKey, nil
	}
	if !cfg.LocalMode() {
		return nil, errors.New("AIGRID_SESSION_KEY: required when DATABASE_URL is set (generate one with: openssl rand -base64 32)")
	}
	sec, err := loadSecrets(cfg.DataDir)
	return sec.SessionKey, err
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// loadContent loads every embedded questionnaire version, or AIGRID_CONTENT_DIR's (a directory per
// version, like content/); invalid content, in any version or in the declared differences between
// them, stops the server from starting.
func loadContent(cfg config.Config) (*questionnaire.Catalog, error) {
	var fsys fs.FS = content.FS
	if cfg.ContentDir != "" {
		fsys = os.DirFS(cfg.ContentDir)
	}
	cat, err := questionnaire.LoadCatalog(fsys)
	if err != nil {
		return nil, fmt.Errorf("the questionnaire content is invalid, refusing to start:\n%w", err)
	}
	return cat, nil
}

// openPrepared opens the database (openDatabase), migrates it and writes the default settings once
// (postgres.PrepareVia, through AIGRID_MIGRATE_DATABASE_URL when it is set): what every command
// that uses the database does first. The returned func closes the database.
func openPrepared(ctx context.Context, cfg config.Config, log *slog.Logger) (*pgxpool.Pool, func(), error) {
	db, closeDB, err := openDatabase(ctx, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	mdb, closeMigrations, err := openMigrations(ctx, cfg, db)
	if err == nil {
		err = postgres.PrepareVia(ctx, db, mdb, postgres.Defaults{SignupOpen: cfg.LocalMode()})
		closeMigrations()
	}
	if err != nil {
		closeDB()
		return nil, nil, err
	}
	return db, closeDB, nil
}

// openMigrations returns the pool to migrate through: db, or a small pool on
// AIGRID_MIGRATE_DATABASE_URL when it is set (DATABASE_URL then goes through PgBouncer in
// transaction mode, where golang-migrate's session-level advisory lock could be taken on one
// server connection and released on another).
func openMigrations(ctx context.Context, cfg config.Config, db *pgxpool.Pool) (*pgxpool.Pool, func(), error) {
	if cfg.MigrateURL == "" {
		return db, func() {}, nil
	}
	pool, err := postgres.Open(ctx, cfg.MigrateURL, postgres.MaxConns(2))
	if err != nil {
		return nil, nil, fmt.Errorf("AIGRID_MIGRATE_DATABASE_URL: %w", err)
	}
	return pool, pool.Close, nil
}

// openDatabase connects to DATABASE_URL or, in local mode, starts the project-local cluster and
// connects as the application's own unprivileged role. The returned func closes everything.
func openDatabase(ctx context.Context, cfg config.Config, log *slog.Logger) (*pgxpool.Pool, func(), error) {
	if !cfg.LocalMode() {
		pool, err := postgres.Open(ctx, cfg.DatabaseURL, postgres.MaxConns(cfg.DBMaxConns))
		if err != nil {
			return nil, nil, fmt.Errorf("DATABASE_URL: %w", err)
		}
		return pool, pool.Close, nil
	}
	sec, err := loadSecrets(cfg.DataDir)
	if err != nil {
		return nil, nil, err
	}
	cluster, err := localpg.Start(ctx, localpg.Options{
		Dir: filepath.Join(cfg.DataDir, "postgres"), Password: sec.PostgresPassword, Logger: log,
	})
	if err != nil {
		if errors.Is(err, localpg.ErrNoBinaries) {
			return nil, nil, fmt.Errorf("local mode (DATABASE_URL is not set) needs PostgreSQL: %w", err)
		}
		return nil, nil, err
	}
	stop := func() {
		sctx, cancel := context.WithTimeout(context.Background(), clusterStop)
		defer cancel()
		if err := cluster.Stop(sctx); err != nil {
			log.Error("stopping the local PostgreSQL server", "err", err)
		}
	}
	const app = "aigrid"
	if err := cluster.EnsureDatabase(ctx, app, app, sec.AppPassword); err != nil {
		stop()
		return nil, nil, err
	}
	pool, err := postgres.Open(ctx, localpg.ConnURL(cluster.SocketDir(), app, sec.AppPassword, app), postgres.MaxConns(cfg.DBMaxConns))
	if err != nil {
		stop()
		return nil, nil, err
	}
	return pool, func() { pool.Close(); stop() }, nil
}

// secrets are generated on first run in local mode and kept in the data directory (mode 0600),
// so sessions and the database survive restarts.
type secrets struct {
	SessionKey       []byte `json:"session_key"`
	PostgresPassword string `json:"postgres_password"`
	AppPassword      string `json:"app_password"`
}

const secretsFile = "secrets.json"

func loadSecrets(dataDir string) (secrets, error) {
	if err := prepareDataDir(dataDir); err != nil {
		return secrets{}, err
	}
	path := filepath.Join(dataDir, secretsFile)
	var sec secrets
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := json.Unmarshal(data, &sec); err != nil {
			return secrets{}, fmt.Errorf("AIGRID_DATA_DIR: %s is corrupt: %w", path, err)
		}
	case errors.Is(err, fs.ErrNotExist):
	default:
		return secrets{}, fmt.Errorf("AIGRID_DATA_DIR: %w", err)
	}
	changed := false
	if len(sec.SessionKey) == 0 {
		sec.SessionKey = make([]byte, 32)
		_, _ = rand.Read(sec.SessionKey)
		changed = true
	}
	if sec.PostgresPassword == "" {
		sec.PostgresPassword, changed = rand.Text(), true
	}
	if sec.AppPassword == "" {
		sec.AppPassword, changed = rand.Text(), true
	}
	if changed {
		data, _ := json.MarshalIndent(sec, "", "  ")
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, data, 0o600); err != nil {
			return secrets{}, fmt.Errorf("AIGRID_DATA_DIR: write secrets: %w", err)
		}
		if err := os.Rename(tmp, path); err != nil {
			return secrets{}, fmt.Errorf("AIGRID_DATA_DIR: write secrets: %w", err)
		}
	}
	return sec, nil
}

// prepareDataDir creates the data directory. When running as root, the local PostgreSQL server
// runs as the "postgres" user, which must be able to traverse it (but not list or read it).
func prepareDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("AIGRID_DATA_DIR: %w", err)
	}
	if os.Geteuid() == 0 {
		fi, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("AIGRID_DATA_DIR: %w", err)
		}
		if fi.Mode().Perm()&0o001 == 0 {
			if err := os.Chmod(dir, fi.Mode().Perm()|0o011); err != nil {
				return fmt.Errorf("AIGRID_DATA_DIR: %w", err)
			}
		}
	}
	return nil
}

// Garbage collection defaults for serving, unless the Go runtime's own GOGC or GOMEMLIMIT are set
// (they then apply as given). The live heap is small (~20 MB: the questionnaire versions and the
// caches), so at Go's default (a collection each time the heap doubles) a busy instance collected
// many times a second: ~10 % of its CPU in make bench's profiles. A collection when the heap has
// tripled halves that; the soft limit makes the collector work harder as the process nears
// 128 MiB, so the larger heap never costs more memory than that (see docs/operations.md).
const (
	gcPercent   = 200
	memoryLimit = 128 << 20
)

func gcDefaults(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
