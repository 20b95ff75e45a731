package config_test

import (
	"bytes"
	"encoding/base64"
	"log/slog"
	"net"
	"strings"
	"testing"

	"aigrid/internal/config"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || !c.LocalMode() || c.LogLevel != slog.LevelInfo || c.LogFormat != "text" {
		t.Fatalf("defaults: %+v", c)
	}
	if !strings.HasSuffix(c.DataDir, "/.data") || c.SessionKey != nil || c.Secure() {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestValid(t *testing.T) {
	key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
	c, err := config.Load(env(map[string]string{
		"AIGRID_ADDR":        ":9000",
		"DATABASE_URL":       "postgres://u:hunter2@db:5432/aigrid",
		"AIGRID_DATA_DIR":    "/var/lib/aigrid",
		"AIGRID_BASE_URL":    "https://aigrid.example.org/",
		"AIGRID_SESSION_KEY": key,
		"AIGRID_LOG_LEVEL":   "DEBUG",
		"AIGRID_LOG_FORMAT":  "json",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.LocalMode() || !c.Secure() || c.LogLevel != slog.LevelDebug || len(c.SessionKey) != 32 || c.DataDir != "/var/lib/aigrid" {
		t.Fatalf("%+v", c)
	}
	if got := c.PublicURL(&net.TCPAddr{IP: net.IPv4zero, Port: 9000}); got != "https://aigrid.example.org/" {
		t.Fatalf("PublicURL = %s", got)
	}
}

// Every invalid value is reported, each naming its variable, all at once.
func TestInvalid(t *testing.T) {
	_, err := config.Load(env(map[string]string{
		"AIGRID_ADDR":        "8080",
		"DATABASE_URL":       "mysql://x",
		"AIGRID_BASE_URL":    "example.org",
		"AIGRID_SESSION_KEY": base64.StdEncoding.EncodeToString([]byte("short")),
		"AIGRID_LOG_LEVEL":   "loud",
		"AIGRID_LOG_FORMAT":  "xml",
	}))
	if err == nil {
		t.Fatal("accepted invalid configuration")
	}
	for _, name := range []string{"AIGRID_ADDR:", "DATABASE_URL:", "AIGRID_BASE_URL:", "AIGRID_SESSION_KEY:", "AIGRID_LOG_LEVEL:", "AIGRID_LOG_FORMAT:"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s:\n%v", name, err)
		}
	}
	for _, tc := range []struct{ name, value string }{
		{"AIGRID_SESSION_KEY", "!!!not base64!!!"},
		{"AIGRID_BASE_URL", "https://x.org/?a=b"},
		{"AIGRID_BASE_URL", "ftp://x.org"},
	} {
		if _, err := config.Load(env(map[string]string{tc.name: tc.value})); err == nil || !strings.Contains(err.Error(), tc.name) {
			t.Errorf("%s=%q: err = %v", tc.name, tc.value, err)
		}
	}
}

func TestSecretsNeverLogged(t *testing.T) {
	key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("k"), 32))
	c, err := config.Load(env(map[string]string{"DATABASE_URL": "postgres://u:hunter2@db/aigrid", "AIGRID_SESSION_KEY": key}))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("config", "config", c)
	if strings.Contains(buf.String(), "hunter2") || strings.Contains(buf.String(), key) {
		t.Fatalf("secret in log line: %s", buf.String())
	}
	if !strings.Contains(buf.String(), "db/aigrid") {
		t.Fatalf("log line lacks the redacted URL: %s", buf.String())
	}
}

func TestPublicURLFromListener(t *testing.T) {
	c, _ := config.Load(env(nil))
	if got := c.PublicURL(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}); got != "http://127.0.0.1:8080/" {
		t.Fatal(got)
	}
	if got := c.PublicURL(&net.TCPAddr{IP: net.IPv6unspecified, Port: 80}); got != "http://localhost:80/" {
		t.Fatal(got)
	}
}
