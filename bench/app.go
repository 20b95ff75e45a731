package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"aigrid/internal/localpg"
)

// startApp runs `bin serve` in local mode (env without DATABASE_URL) with its standard error to
// stderr, and waits until it prints its URL. stop interrupts it and waits for it to end (killed after
// 15 s). logs returns what it wrote so far, for the error when it does not start.
func startApp(bin string, env []string, stderr io.Writer, logs func() string) (app *exec.Cmd, base string, stop func(), err error) {
	app = exec.Command(bin, "serve")
	app.Env = slices.DeleteFunc(slices.Clone(env), func(s string) bool { return strings.HasPrefix(s, "DATABASE_URL=") })
	app.Stderr = stderr
	stdout, _ := app.StdoutPipe()
	log.Print("starting aigrid in local mode (a fresh PostgreSQL cluster)")
	if err := app.Start(); err != nil {
		return nil, "", nil, err
	}
	stop = func() {
		_ = app.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = app.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = app.Process.Kill()
		}
	}
	base, err = readURL(stdout, 60*time.Second)
	if err != nil {
		stop()
		return nil, "", nil, fmt.Errorf("aigrid did not start: %v\n%s", err, logs())
	}
	return app, strings.TrimSuffix(base, "/"), stop, nil
}

// appDatabaseURL is the URL of a local-mode aigrid's own database, as its unprivileged role, from
// the secrets it generated in dataDir.
func appDatabaseURL(dataDir string) (string, error) {
	var sec struct {
		AppPassword string `json:"app_password"`
	}
	raw, err := os.ReadFile(filepath.Join(dataDir, "secrets.json"))
	if err != nil {
		return "", err
	}
	if err := json.Unmarshal(raw, &sec); err != nil {
		return "", err
	}
	return localpg.ConnURL(localpg.SocketDirFor(filepath.Join(dataDir, "postgres")), "aigrid", sec.AppPassword, "aigrid"), nil
}
