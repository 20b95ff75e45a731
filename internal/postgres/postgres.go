// Package postgres is aigrid's storage over PostgreSQL: the connection pool, the embedded
// migrations and, in later files, one store file per aggregate.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrNotFound is returned when a row does not exist (or belongs to another organisation).
var ErrNotFound = errors.New("not found")

// Option adjusts the pool Open makes.
type Option func(*pgxpool.Config)

// MaxConns sets the pool's size (AIGRID_DB_MAX_CONNS). Without it the pool has pgx's default,
// max(4, number of CPUs), or the URL's pool_max_conns.
func MaxConns(n int32) Option {
	return func(c *pgxpool.Config) {
		if n > 0 {
			c.MaxConns = n
		}
	}
}

// Open connects a pool to url and checks the connection.
func Open(ctx context.Context, url string, opts ...Option) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, errors.New("postgres: invalid database URL") // the URL may hold a password: do not echo it
	}
	for _, o := range opts {
		o(cfg)
	}
	cfg.MaxConnIdleTime = 5 * time.Minute
	cfg.HealthCheckPeriod = 15 * time.Second
	cfg.ConnConfig.RuntimeParams["application_name"] = "aigrid"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	return pool, nil
}

// Ping reports whether the database answers within a short delay: the readiness check.
func Ping(ctx context.Context, pool *pgxpool.Pool) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	_, err := pool.Exec(ctx, "SELECT 1")
	return err
}
