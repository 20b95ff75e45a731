// Package pgtest gives each test a fresh, migrated PostgreSQL database.
//
// It uses TEST_DATABASE_URL when set (a role allowed to create databases); otherwise it starts one
// throwaway local cluster per test process with the same code as aigrid's local mode. The schema is
// migrated once into a template database, and every test gets its own clone
// (CREATE DATABASE … TEMPLATE), dropped when the test ends. No test is ever skipped for want of a
// database.
package pgtest

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"aigrid/internal/localpg"
	"aigrid/internal/postgres"
)

var (
	once     sync.Once
	setupErr error
	adminURL string // a role that may create databases, on database "postgres"
	template string
	cluster  *localpg.Cluster
	tmpDir   string
	mu       sync.Mutex // CREATE DATABASE … TEMPLATE needs the template idle: one clone at a time
	seq      atomic.Int64
)

// Main runs the tests and then stops the throwaway cluster, if one was started. Call it from
// TestMain: func TestMain(m *testing.M) { pgtest.Main(m) }.
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run is Main without the exit: it returns the tests' exit code, for a TestMain with more to do.
func Run(m *testing.M) int {
	code := m.Run()
	if cluster != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_ = cluster.Stop(ctx)
		cancel()
	}
	if tmpDir != "" {
		os.RemoveAll(tmpDir)
	}
	return code
}

func setup() error {
	ctx := context.Background()
	adminURL = os.Getenv("TEST_DATABASE_URL")
	if adminURL == "" {
		c, dir, err := StartCluster(ctx)
		if err != nil {
			return err
		}
		cluster, tmpDir = c, dir
		adminURL = c.URL("postgres")
	}
	template = fmt.Sprintf("aigrid_template_%d", os.Getpid())
	if err := execAdmin(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{template}.Sanitize()); err != nil {
		return err
	}
	if err := execAdmin(ctx, "CREATE DATABASE "+pgx.Identifier{template}.Sanitize()); err != nil {
		return err
	}
	pool, err := postgres.Open(ctx, withDB(adminURL, template))
	if err != nil {
		return err
	}
	defer pool.Close()
	return postgres.Migrate(pool)
}

// StartCluster starts a new throwaway local cluster in a new temporary directory (which the caller
// removes). Tests that stop and restart a database use their own.
func StartCluster(ctx context.Context) (*localpg.Cluster, string, error) {
	dir, err := os.MkdirTemp("", "aigrid-test-pg-")
	if err != nil {
		return nil, "", err
	}
	// the server may run as the "postgres" user (when tests run as root): let it in
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, "", err
	}
	c, err := localpg.Start(ctx, localpg.Options{
		Dir: filepath.Join(dir, "pg"), Password: rand.Text(), Throwaway: true,
	})
	if err != nil {
		os.RemoveAll(dir)
		return nil, "", fmt.Errorf("pgtest: start a local PostgreSQL cluster (set TEST_DATABASE_URL to use an existing server instead): %w", err)
	}
	return c, dir, nil
}

func execAdmin(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("pgtest: %s: %w", sql, err)
	}
	return nil
}

func withDB(rawURL, db string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + db
	return u.String()
}

// NewURL creates a fresh, migrated database for tb and returns its URL. The database is dropped
// when the test ends.
func NewURL(tb testing.TB) string {
	tb.Helper()
	once.Do(func() { setupErr = setup() })
	if setupErr != nil {
		tb.Fatal(setupErr)
	}
	ctx := context.Background()
	name := fmt.Sprintf("aigrid_test_%d_%d", os.Getpid(), seq.Add(1))
	mu.Lock()
	err := execAdmin(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE "+pgx.Identifier{template}.Sanitize())
	mu.Unlock()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := execAdmin(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			tb.Error(err)
		}
	})
	return withDB(adminURL, name)
}

// NewPool returns a pool on a fresh, migrated database, closed when the test ends.
func NewPool(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	pool, err := postgres.Open(context.Background(), NewURL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(pool.Close)
	return pool
}

// NewEmptyURL creates a fresh database with no schema at all, for migration tests.
func NewEmptyURL(tb testing.TB) string {
	tb.Helper()
	once.Do(func() { setupErr = setup() })
	if setupErr != nil {
		tb.Fatal(setupErr)
	}
	name := fmt.Sprintf("aigrid_empty_%d_%d", os.Getpid(), seq.Add(1))
	if err := execAdmin(context.Background(), "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_ = execAdmin(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	})
	return withDB(adminURL, name)
}
