package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"aigrid/internal/config"
	"aigrid/internal/postgres"
)

// runMigrate implements "aigrid migrate up | down [N|all] | version".
func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || len(args) > 2 || (args[0] != "down" && len(args) > 1) {
		return usageError("usage: aigrid migrate up | down [N|all] | version")
	}
	steps := 1
	if args[0] == "down" && len(args) == 2 {
		if args[1] == "all" {
			steps = -1
		} else if n, err := strconv.Atoi(args[1]); err == nil && n > 0 {
			steps = n
		} else {
			return usageError("migrate down takes a positive number or all")
		}
	}
	if args[0] != "up" && args[0] != "down" && args[0] != "version" {
		return usageError("usage: aigrid migrate up | down [N|all] | version")
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	db, closeDB, err := openDatabase(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer closeDB()
	mdb, closeMigrations, err := openMigrations(ctx, cfg, db)
	if err != nil {
		return err
	}
	defer closeMigrations()
	mg, err := postgres.NewMigrator(mdb)
	if err != nil {
		return err
	}
	defer mg.Close()
	switch args[0] {
	case "up":
		err = mg.Up()
	case "down":
		err = mg.Down(steps)
	}
	if err != nil {
		return err
	}
	v, dirty, err := mg.Version()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "migration version %d", v)
	if dirty {
		fmt.Fprint(stdout, " (dirty: a migration failed half-way; fix it, then force the version)")
	}
	fmt.Fprintln(stdout)
	return nil
}
