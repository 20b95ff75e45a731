package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"aigrid/internal/pgtest"
	"aigrid/internal/postgres"
)

// The pool has the size configured (AIGRID_DB_MAX_CONNS), and no more connections are opened
// however many requests wait for one.
func TestPoolSize(t *testing.T) {
	ctx := context.Background()
	pool, err := postgres.Open(ctx, pgtest.NewURL(t), postgres.MaxConns(3))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if got := pool.Config().MaxConns; got != 3 {
		t.Fatalf("MaxConns = %d, want 3", got)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := pool.Exec(ctx, "SELECT pg_sleep(0.05)"); err != nil {
				t.Error(err)
			}
		})
	}
	time.Sleep(20 * time.Millisecond)
	if n := pool.Stat().TotalConns(); n > 3 {
		t.Errorf("%d connections open, the pool allows 3", n)
	}
	wg.Wait()
	if n := pool.Stat().MaxConns(); n != 3 {
		t.Errorf("Stat().MaxConns = %d", n)
	}
}
