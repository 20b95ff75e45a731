package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrConflict is returned when a write breaks a uniqueness rule.
var ErrConflict = errors.New("conflict")

// ErrInvalidText means a value could not be stored as text (invalid UTF-8 or NUL). The server cleans
// every input before it gets here; this is the second line.
var ErrInvalidText = errors.New("invalid text")

// Store is aigrid's storage. Every method on organisation data takes the organisation's ID and
// filters by it: an object of another organisation is ErrNotFound, never revealed.
type Store struct {
	db    *pgxpool.Pool
	saves saveBatcher // the one-statement saves waiting for their batch (savebatch.go)
}

// NewStore returns a Store over pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{db: pool} }

// Pool returns the underlying pool (health checks).
func (s *Store) Pool() *pgxpool.Pool { return s.db }

// tx runs fn in one transaction: committed if fn returns nil, rolled back otherwise.
func (s *Store) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.db, fn)
}

// wrap maps driver errors to domain errors and adds context.
func wrap(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("postgres: %s: %w", op, ErrNotFound)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return fmt.Errorf("postgres: %s: %w", op, ErrConflict)
	}
	if errors.As(err, &pe) && pe.Code == "22021" { // invalid byte sequence (or NUL) in text that escaped the server's input checks
		return fmt.Errorf("postgres: %s: %w", op, ErrInvalidText)
	}
	if errors.As(err, &pe) && pe.Code == "22P02" { // malformed uuid in a URL: nothing by that id
		return fmt.Errorf("postgres: %s: %w", op, ErrNotFound)
	}
	return fmt.Errorf("postgres: %s: %w", op, err)
}
