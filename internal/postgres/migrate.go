package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/golang-migrate/migrate/v4"
	pgxmigrate "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"aigrid/migrations"
)

// Migrator applies the embedded migrations. golang-migrate holds a PostgreSQL advisory lock while it
// works, so several aigrid instances starting at once migrate safely, one after the other.
type Migrator struct{ m *migrate.Migrate }

// NewMigrator prepares the embedded migrations against the pool's database. Close it when done.
func NewMigrator(pool *pgxpool.Pool) (*Migrator, error) {
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return nil, fmt.Errorf("postgres: migrations: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	drv, err := pgxmigrate.WithInstance(db, &pgxmigrate.Config{})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: migrations: %w", err)
	}
	m, err := migrate.NewWithInstance("iofs", src, "pgx5", drv)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: migrations: %w", err)
	}
	return &Migrator{m: m}, nil
}

// Up applies every pending migration.
func (mg *Migrator) Up() error {
	if err := mg.m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("postgres: migrate up: %w", err)
	}
	return nil
}

// Down reverts n migrations; n < 0 reverts them all.
func (mg *Migrator) Down(n int) error {
	var err error
	if n < 0 {
		err = mg.m.Down()
	} else {
		err = mg.m.Steps(-n)
	}
	if err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("postgres: migrate down: %w", err)
	}
	return nil
}

// Version returns the current migration version (0 when none is applied) and whether a failed
// migration left the schema dirty.
func (mg *Migrator) Version() (uint, bool, error) {
	v, dirty, err := mg.m.Version()
	if errors.Is(err, migrate.ErrNilVersion) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("postgres: migrate version: %w", err)
	}
	return v, dirty, nil
}

// Close releases the migrator's connection (the pool stays open).
func (mg *Migrator) Close() error {
	_, dbErr := mg.m.Close()
	return dbErr
}

// Defaults are the instance settings a new database starts with. They are written once, by the
// first instance that prepares the database; from then on the database is the one source of truth
// for every instance, whatever its own configuration.
type Defaults struct {
	SignupOpen bool // local mode opens public sign-up; a DATABASE_URL deployment keeps it closed
}

// Prepare is the start-up path: it applies every pending migration, then writes the default
// settings that the database does not hold yet.
func Prepare(ctx context.Context, pool *pgxpool.Pool, d Defaults) error {
	return PrepareVia(ctx, pool, pool, d)
}

// PrepareVia is Prepare with the migrations applied through another pool: a direct connection
// when pool goes through PgBouncer in transaction mode (AIGRID_MIGRATE_DATABASE_URL).
func PrepareVia(ctx context.Context, pool, migrations *pgxpool.Pool, d Defaults) error {
	if err := Migrate(migrations); err != nil {
		return err
	}
	return NewStore(pool).initSettings(ctx, d)
}

// Migrate applies every pending migration.
func Migrate(pool *pgxpool.Pool) error {
	mg, err := NewMigrator(pool)
	if err != nil {
		return err
	}
	defer mg.Close()
	return mg.Up()
}
