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
	if c.DBMaxConns != config.DefaultDBMaxConns || c.MetricsAddr != "" {
		t.Fatalf("defaults: pool %d, metrics %q", c.DBMaxConns, c.MetricsAddr)
	}
}

func TestPoolAndMetrics(t *testing.T) {
	c, err := config.Load(env(map[string]string{"AIGRID_DB_MAX_CONNS": " 40 ", "AIGRID_METRICS_ADDR": "127.0.0.1:9090"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.DBMaxConns != 40 || c.MetricsAddr != "127.0.0.1:9090" {
		t.Fatalf("pool %d, metrics %q", c.DBMaxConns, c.MetricsAddr)
	}
	for _, tc := range []struct{ name, value string }{
		{"AIGRID_DB_MAX_CONNS", "0"},
		{"AIGRID_DB_MAX_CONNS", "-3"},
		{"AIGRID_DB_MAX_CONNS", "1001"},
		{"AIGRID_DB_MAX_CONNS", "many"},
		{"AIGRID_DB_MAX_CONNS", "4.5"},
		{"AIGRID_METRICS_ADDR", "9090"},
		{"AIGRID_METRICS_ADDR", "127.0.0.1:8080"}, // the application's own address
	} {
		if _, err := config.Load(env(map[string]string{tc.name: tc.value})); err == nil || !strings.Contains(err.Error(), tc.name) {
			t.Errorf("%s=%q: err = %v", tc.name, tc.value, err)
		}
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
		"AIGRID_ADDR":                 "8080",
		"DATABASE_URL":                "mysql://x",
		"AIGRID_MIGRATE_DATABASE_URL": "mysql://x",
		"AIGRID_BASE_URL":             "example.org",
		"AIGRID_SESSION_KEY":          base64.StdEncoding.EncodeToString([]byte("short")),
		"AIGRID_LOG_LEVEL":            "loud",
		"AIGRID_LOG_FORMAT":           "xml",
	}))
	if err == nil {
		t.Fatal("accepted invalid configuration")
	}
	for _, name := range []string{"AIGRID_ADDR:", "DATABASE_URL:", "AIGRID_MIGRATE_DATABASE_URL:", "AIGRID_BASE_URL:", "AIGRID_SESSION_KEY:", "AIGRID_LOG_LEVEL:", "AIGRID_LOG_FORMAT:"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s:\n%v", name, err)
		}
	}
	for _, tc := range []struct{ name, value string }{
		{"AIGRID_SESSION_KEY", "!!!not base64!!!"},
		{"AIGRID_BASE_URL", "https://x.org/?a=b"},
		{"AIGRID_BASE_URL", "ftp://x.org"},
		{"AIGRID_MIGRATE_DATABASE_URL", "postgres://u@db/aigrid"}, // without DATABASE_URL
	} {
		if _, err := config.Load(env(map[string]string{tc.name: tc.value})); err == nil || !strings.Contains(err.Error(), tc.name) {
			t.Errorf("%s=%q: err = %v", tc.name, tc.value, err)
		}
	}
}

func TestSecretsNeverLogged(t *testing.T) {
	key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("k"), 32))
	c, err := config.Load(env(map[string]string{"DATABASE_URL": "postgres://u:hunter2@db/aigrid", "AIGRID_SESSION_KEY": key,
		"AIGRID_MIGRATE_DATABASE_URL": "postgres://u:hunter2@db:5432/aigrid"}))
	if err != nil || c.MigrateURL != "postgres://u:hunter2@db:5432/aigrid" {
		t.Fatal(c.MigrateURL, err)
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

// Every way a PostgreSQL URL or keyword/value DSN can carry a password is redacted in the
// start-up line, whatever the case of the keyword.
func TestRedactDatabaseURL(t *testing.T) {
	const secret = "S3cr3t-v4lue"
	for _, tc := range []struct{ name, dsn, keep string }{
		{"userinfo", "postgres://u:" + secret + "@db:5432/aigrid", "db:5432/aigrid"},
		{"userinfo escaped", "postgresql://u:" + secret + "%40x@db/aigrid", "db/aigrid"},
		{"query password", "postgres://u@db/aigrid?sslmode=require&password=" + secret, "sslmode=require"},
		{"query PASSWORD", "postgres://db/aigrid?PassWord=" + secret + "&application_name=x", "application_name=x"},
		{"query sslpassword", "postgres://db/aigrid?sslpassword=" + secret, "db/aigrid"},
		{"query escaped key", "postgres://db/aigrid?pass%77ord=" + secret, "db/aigrid"},
		{"query both", "postgres://u:" + secret + "@db/aigrid?password=" + secret + "&sslpassword=" + secret, "db/aigrid"},
		{"hash in password", "postgres://u:12#" + secret + "@db/aigrid", "hidden"},
		{"question mark in password", "postgres://u:12?" + secret + "@db/aigrid", "hidden"},
		{"slash in password", "postgres://u:12/" + secret + "@db/aigrid", "hidden"},
		{"at and slash in password", "postgres://u:a@b/" + secret + "@db/aigrid", "hidden"},
		{"fragment", "postgres://db/aigrid#" + secret, "db/aigrid"},
		{"opaque", "postgres:u:" + secret + "@db/aigrid", "postgres:"},
		{"dsn", "host=db dbname=aigrid password=" + secret + " user=u", "host=db"},
		{"dsn upper", "host=db PASSWORD=" + secret, "host=db"},
		{"dsn spaces", "host=db password = " + secret + " sslmode=disable", "sslmode=disable"},
		{"dsn quoted", "host=db password='" + secret + " with spaces' user=u", "user=u"},
		{"dsn quoted escapes", `host=db password='it\'s ` + secret + `' user=u`, "user=u"},
		{"dsn backslash", `host=db password=a\ ` + secret + ` user=u`, "user=u"},
		{"dsn unterminated", "host=db password='abc " + secret, "host=db"},
		{"dsn sslpassword", "host=db sslpassword=" + secret + " sslkey=/k", "sslkey=/k"},
		{"dsn first", "password=" + secret + " host=db", "host=db"},
		{"dsn tab", "host=db\tpassword=\t" + secret, "host=db"},
		{"unparseable url", "postgres://u:" + secret + "/x@db/aigrid", "hidden"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := config.RedactDatabaseURL(tc.dsn)
			if strings.Contains(got, secret) || strings.Contains(got, "S3cr3t") {
				t.Fatalf("RedactDatabaseURL(%q) = %q: secret not redacted", tc.dsn, got)
			}
			if !strings.Contains(got, tc.keep) {
				t.Fatalf("RedactDatabaseURL(%q) = %q: lost %q", tc.dsn, got, tc.keep)
			}
			var buf bytes.Buffer
			slog.New(slog.NewJSONHandler(&buf, nil)).Info("config", "config", config.Config{DatabaseURL: tc.dsn})
			if strings.Contains(buf.String(), secret) {
				t.Fatalf("secret in log line: %s", buf.String())
			}
		})
	}
	if got := config.RedactDatabaseURL("postgres://u@db/aigrid?sslmode=disable"); got != "postgres://u@db/aigrid?sslmode=disable" {
		t.Fatalf("URL without a secret changed: %q", got)
	}
}

func TestOIDC(t *testing.T) {
	c, err := config.Load(env(map[string]string{}))
	if err != nil || c.OIDC != nil {
		t.Fatalf("single sign-on on by default: %+v, %v", c.OIDC, err)
	}
	c, err = config.Load(env(map[string]string{"AIGRID_OIDC_ISSUER": "https://login.example.org/realms/dpo", "AIGRID_OIDC_CLIENT_ID": "aigrid",
		"AIGRID_OIDC_CLIENT_SECRET": "s3cr3t-value", "AIGRID_OIDC_NAME": "Keycloak", "AIGRID_OIDC_ALLOWED_DOMAINS": " Example.org, @hopital.fr "}))
	if err != nil {
		t.Fatal(err)
	}
	if c.OIDC == nil || c.OIDC.Name != "Keycloak" || strings.Join(c.OIDC.AllowedDomains, "|") != "example.org|hopital.fr" {
		t.Fatalf("%+v", c.OIDC)
	}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("config", "config", c)
	if strings.Contains(buf.String(), "s3cr3t-value") || !strings.Contains(buf.String(), "login.example.org") {
		t.Fatalf("log line: %s", buf.String())
	}
	for _, tc := range []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{"AIGRID_OIDC_ISSUER": "http://login.example.org", "AIGRID_OIDC_CLIENT_ID": "a", "AIGRID_OIDC_CLIENT_SECRET": "b"}, "AIGRID_OIDC_ISSUER"},
		{map[string]string{"AIGRID_OIDC_ISSUER": "login.example.org", "AIGRID_OIDC_CLIENT_ID": "a", "AIGRID_OIDC_CLIENT_SECRET": "b"}, "AIGRID_OIDC_ISSUER"},
		{map[string]string{"AIGRID_OIDC_ISSUER": "https://login.example.org"}, "AIGRID_OIDC_CLIENT_ID"},
		{map[string]string{"AIGRID_OIDC_ISSUER": "https://login.example.org", "AIGRID_OIDC_CLIENT_ID": "a"}, "AIGRID_OIDC_CLIENT_SECRET"},
		{map[string]string{"AIGRID_OIDC_ISSUER": "https://login.example.org", "AIGRID_OIDC_CLIENT_ID": "a", "AIGRID_OIDC_CLIENT_SECRET": "b", "AIGRID_OIDC_ALLOWED_DOMAINS": "a@b.org"}, "AIGRID_OIDC_ALLOWED_DOMAINS"},
	} {
		if _, err := config.Load(env(tc.vars)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want it to name %s", tc.vars, err, tc.want)
		}
	}
	c, err = config.Load(env(map[string]string{"AIGRID_OIDC_ISSUER": "https://login.example.org", "AIGRID_OIDC_CLIENT_ID": "a", "AIGRID_OIDC_CLIENT_SECRET": "b",
		"AIGRID_OIDC_ORG_CLAIM": "groups", "AIGRID_OIDC_ORG_MAP": "dpo-team=0b0f6c1e-1111-4222-8333-944455556666:editor; audit = 0B0F6C1E-1111-4222-8333-944455556667:viewer"}))
	if err != nil || c.OIDC.OrgClaim != "groups" || c.OIDC.OrgMap["dpo-team"].Role != "editor" || c.OIDC.OrgMap["audit"].OrganisationID != "0b0f6c1e-1111-4222-8333-944455556667" {
		t.Fatalf("org map: %+v, %v", c.OIDC, err)
	}
	for _, m := range []string{"dpo-team", "dpo-team=not-a-uuid:editor", "dpo-team=0b0f6c1e-1111-4222-8333-944455556666:owner"} {
		if _, err := config.Load(env(map[string]string{"AIGRID_OIDC_ISSUER": "https://login.example.org", "AIGRID_OIDC_CLIENT_ID": "a",
			"AIGRID_OIDC_CLIENT_SECRET": "b", "AIGRID_OIDC_ORG_CLAIM": "groups", "AIGRID_OIDC_ORG_MAP": m})); err == nil || !strings.Contains(err.Error(), "AIGRID_OIDC_ORG_MAP") {
			t.Errorf("AIGRID_OIDC_ORG_MAP=%q: %v", m, err)
		}
	}
	// http is accepted on loopback only (a provider started by the tests)
	if _, err := config.Load(env(map[string]string{"AIGRID_OIDC_ISSUER": "http://127.0.0.1:9998", "AIGRID_OIDC_CLIENT_ID": "a", "AIGRID_OIDC_CLIENT_SECRET": "b"})); err != nil {
		t.Fatal(err)
	}
}
