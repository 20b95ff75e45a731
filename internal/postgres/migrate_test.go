package postgres_test

import (
	"context"
	"testing"

	"aigrid/internal/pgtest"
	"aigrid/internal/postgres"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func tables(t *testing.T, url string) map[string]bool {
	t.Helper()
	pool, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	rows, err := pool.Query(context.Background(), "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		out[name] = true
	}
	return out
}

func TestMigrationsUpDownUp(t *testing.T) {
	url := pgtest.NewEmptyURL(t)
	pool, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	mg, err := postgres.NewMigrator(pool)
	if err != nil {
		t.Fatal(err)
	}
	defer mg.Close()

	if v, _, err := mg.Version(); err != nil || v != 0 {
		t.Fatalf("fresh database: version %d, %v", v, err)
	}
	if err := mg.Up(); err != nil {
		t.Fatal(err)
	}
	v, dirty, err := mg.Version()
	if err != nil || dirty || v == 0 {
		t.Fatalf("after up: version %d dirty %v err %v", v, dirty, err)
	}
	up := tables(t, url)
	if !up["instance_settings"] {
		t.Fatalf("after up, tables %v lack instance_settings", up)
	}
	if err := mg.Down(-1); err != nil {
		t.Fatal(err)
	}
	if got := tables(t, url); len(got) != 1 || !got["schema_migrations"] {
		t.Fatalf("after down, tables %v: want only schema_migrations", got)
	}
	if err := mg.Up(); err != nil {
		t.Fatal(err)
	}
	if again := tables(t, url); len(again) != len(up) {
		t.Fatalf("up again: tables %v, want %v", again, up)
	}
	// Up is idempotent, and the pool survives the migrator.
	if err := mg.Up(); err != nil {
		t.Fatal(err)
	}
	if err := postgres.Ping(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
}

func TestNewPoolIsMigrated(t *testing.T) {
	pool := pgtest.NewPool(t)
	if _, err := pool.Exec(context.Background(), "INSERT INTO instance_settings (key, value) VALUES ('signup_open', 'true')"); err != nil {
		t.Fatal(err)
	}
	other := pgtest.NewPool(t)
	var n int
	if err := other.QueryRow(context.Background(), "SELECT count(*) FROM instance_settings").Scan(&n); err != nil || n != 0 {
		t.Fatalf("second database sees %d rows (%v): databases are not isolated", n, err)
	}
}
