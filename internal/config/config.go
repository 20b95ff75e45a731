// Package config reads aigrid's configuration from environment variables into a typed, validated
// Config. Every invalid value produces an error naming its variable.
package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Config is aigrid's configuration.
type Config struct {
	Addr        string     // AIGRID_ADDR: host:port to listen on
	DatabaseURL string     // DATABASE_URL: empty means local mode (a project-local cluster)
	DataDir     string     // AIGRID_DATA_DIR: local cluster and generated secrets
	BaseURL     *url.URL   // AIGRID_BASE_URL: public URL; nil means http://Addr
	SessionKey  []byte     // AIGRID_SESSION_KEY: base64, ≥ 32 bytes; nil means generated and kept in DataDir
	LogLevel    slog.Level // AIGRID_LOG_LEVEL: debug, info, warn, error
	LogFormat   string     // AIGRID_LOG_FORMAT: text or json
	ContentDir  string     // AIGRID_CONTENT_DIR: questionnaire files to use instead of the embedded ones
	OIDC        *OIDC      // single sign-on; nil when AIGRID_OIDC_ISSUER is unset
	DBMaxConns  int32      // AIGRID_DB_MAX_CONNS: size of the database connection pool
	MetricsAddr string     // AIGRID_METRICS_ADDR: host:port serving /metrics; empty means off
	// MigrateURL is a direct connection to PostgreSQL for migrations (at start-up and by
	// "aigrid migrate"), when DATABASE_URL goes through PgBouncer in transaction mode: the
	// migrations' advisory lock is a session lock, which needs one server connection throughout.
	MigrateURL string // AIGRID_MIGRATE_DATABASE_URL; empty means DATABASE_URL
}

// OIDC configures single sign-on with an OpenID Connect provider (authorization code flow).
type OIDC struct {
	Issuer         string   // AIGRID_OIDC_ISSUER: https URL (http only on a loopback address)
	ClientID       string   // AIGRID_OIDC_CLIENT_ID
	ClientSecret   string   // AIGRID_OIDC_CLIENT_SECRET: never logged
	Name           string   // AIGRID_OIDC_NAME: shown on the sign-in button
	AllowedDomains []string // AIGRID_OIDC_ALLOWED_DOMAINS: e-mail domains allowed to sign in (all when empty)
	// OrgClaim names a claim of the ID token or user info (e.g. "groups") whose values OrgMap maps
	// to organisations: a person with such a value joins the organisation at sign-in.
	OrgClaim string              // AIGRID_OIDC_ORG_CLAIM
	OrgMap   map[string]OrgGrant // AIGRID_OIDC_ORG_MAP: "value=organisation-id:role;…"
}

// OrgGrant is the membership a claim value gives.
type OrgGrant struct {
	OrganisationID string
	Role           string // viewer, reviewer or editor
}

// Bounds of AIGRID_DB_MAX_CONNS.
const (
	DefaultDBMaxConns = 16
	maxDBMaxConns     = 1000
)

// Variables lists every variable Load reads, with its default, for documentation and tests.
var Variables = []struct{ Name, Default, Doc string }{
	{"AIGRID_ADDR", "127.0.0.1:8080", "address to listen on (host:port)"},
	{"DATABASE_URL", "", "PostgreSQL URL; unset starts a local cluster in AIGRID_DATA_DIR"},
	{"AIGRID_DATA_DIR", "./.data", "local-mode data: PostgreSQL cluster and generated secrets"},
	{"AIGRID_BASE_URL", "", "public URL (https://… turns on Secure cookies and HSTS)"},
	{"AIGRID_SESSION_KEY", "", "base64 key of at least 32 bytes signing session cookies"},
	{"AIGRID_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"AIGRID_LOG_FORMAT", "text", "text or json"},
	{"AIGRID_CONTENT_DIR", "", "directory of questionnaire YAML files overriding the embedded content"},
	{"AIGRID_OIDC_ISSUER", "", "OpenID Connect issuer URL: turns on single sign-on"},
	{"AIGRID_OIDC_CLIENT_ID", "", "client ID registered at the OpenID provider"},
	{"AIGRID_OIDC_CLIENT_SECRET", "", "client secret registered at the OpenID provider"},
	{"AIGRID_OIDC_NAME", "single sign-on", "name of the provider on the sign-in button (e.g. Entra ID, ProConnect)"},
	{"AIGRID_OIDC_ALLOWED_DOMAINS", "", "comma-separated e-mail domains allowed to sign in with the provider (all when empty)"},
	{"AIGRID_OIDC_ORG_CLAIM", "", "claim whose values map people to organisations at sign-in (e.g. groups)"},
	{"AIGRID_OIDC_ORG_MAP", "", "claim value → organisation: value=organisation-id:role;… (role viewer, reviewer or editor)"},
	{"AIGRID_DB_MAX_CONNS", strconv.Itoa(DefaultDBMaxConns), "maximum number of database connections of this instance (1–1000)"},
	{"AIGRID_METRICS_ADDR", "", "host:port serving Prometheus metrics at /metrics; unset means off"},
	{"AIGRID_MIGRATE_DATABASE_URL", "", "direct PostgreSQL URL for migrations when DATABASE_URL goes through PgBouncer in transaction mode; unset means DATABASE_URL"},
}

// Load reads the configuration through getenv.
func Load(getenv func(string) string) (Config, error) {
	get := func(name string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		for _, v := range Variables {
			if v.Name == name {
				return v.Default
			}
		}
		return ""
	}
	var c Config
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...)))
	}

	c.Addr = get("AIGRID_ADDR")
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		bad("AIGRID_ADDR", "%q is not host:port (e.g. 127.0.0.1:8080 or :8080)", c.Addr)
	}

	c.DatabaseURL = get("DATABASE_URL")
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			bad("DATABASE_URL", "must be a postgres:// or postgresql:// URL")
		}
	}

	c.MigrateURL = get("AIGRID_MIGRATE_DATABASE_URL")
	if c.MigrateURL != "" {
		u, err := url.Parse(c.MigrateURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			bad("AIGRID_MIGRATE_DATABASE_URL", "must be a postgres:// or postgresql:// URL")
		} else if c.DatabaseURL == "" {
			bad("AIGRID_MIGRATE_DATABASE_URL", "needs DATABASE_URL (local mode has no PgBouncer)")
		}
	}

	dir, err := filepath.Abs(get("AIGRID_DATA_DIR"))
	if err != nil {
		bad("AIGRID_DATA_DIR", "%v", err)
	}
	c.DataDir = dir

	if raw := get("AIGRID_BASE_URL"); raw != "" {
		u, err := url.Parse(raw)
		switch {
		case err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https"):
			bad("AIGRID_BASE_URL", "%q must be an absolute http:// or https:// URL", raw)
		case u.RawQuery != "" || u.Fragment != "":
			bad("AIGRID_BASE_URL", "%q must not have a query or fragment", raw)
		default:
			u.Path = strings.TrimSuffix(u.Path, "/")
			c.BaseURL = u
		}
	}

	if raw := get("AIGRID_SESSION_KEY"); raw != "" {
		key, err := base64.StdEncoding.DecodeString(raw)
		if err != nil {
			key, err = base64.RawURLEncoding.DecodeString(raw)
		}
		switch {
		case err != nil:
			bad("AIGRID_SESSION_KEY", "is not valid base64")
		case len(key) < 32:
			bad("AIGRID_SESSION_KEY", "must decode to at least 32 bytes, got %d (generate one with: openssl rand -base64 32)", len(key))
		default:
			c.SessionKey = key
		}
	}

	switch lvl := strings.ToLower(get("AIGRID_LOG_LEVEL")); lvl {
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "info":
		c.LogLevel = slog.LevelInfo
	case "warn", "warning":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		bad("AIGRID_LOG_LEVEL", "%q must be debug, info, warn or error", lvl)
	}

	c.LogFormat = strings.ToLower(get("AIGRID_LOG_FORMAT"))
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("AIGRID_LOG_FORMAT", "%q must be text or json", c.LogFormat)
	}

	c.ContentDir = get("AIGRID_CONTENT_DIR")

	if issuer := get("AIGRID_OIDC_ISSUER"); issuer != "" {
		o := &OIDC{Issuer: issuer, ClientID: get("AIGRID_OIDC_CLIENT_ID"), ClientSecret: get("AIGRID_OIDC_CLIENT_SECRET"), Name: get("AIGRID_OIDC_NAME")}
		u, err := url.Parse(issuer)
		switch {
		case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
			bad("AIGRID_OIDC_ISSUER", "%q must be an absolute https:// URL", issuer)
		case u.Scheme == "http" && !isLoopback(u.Hostname()):
			bad("AIGRID_OIDC_ISSUER", "%q must use https:// (http:// is accepted only on a loopback address, for testing)", issuer)
		}
		if o.ClientID == "" {
			bad("AIGRID_OIDC_CLIENT_ID", "required when AIGRID_OIDC_ISSUER is set")
		}
		if o.ClientSecret == "" {
			bad("AIGRID_OIDC_CLIENT_SECRET", "required when AIGRID_OIDC_ISSUER is set")
		}
		for _, d := range strings.Split(get("AIGRID_OIDC_ALLOWED_DOMAINS"), ",") {
			if d = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(d), "@"))); d != "" {
				if strings.ContainsAny(d, "@/ ") || !strings.Contains(d, ".") {
					bad("AIGRID_OIDC_ALLOWED_DOMAINS", "%q is not a domain name", d)
				}
				o.AllowedDomains = append(o.AllowedDomains, d)
			}
		}
		o.OrgClaim = get("AIGRID_OIDC_ORG_CLAIM")
		if raw := get("AIGRID_OIDC_ORG_MAP"); raw != "" {
			if o.OrgClaim == "" {
				bad("AIGRID_OIDC_ORG_MAP", "needs AIGRID_OIDC_ORG_CLAIM, the claim whose values it maps")
			}
			o.OrgMap = map[string]OrgGrant{}
			for _, entry := range strings.Split(raw, ";") {
				if entry = strings.TrimSpace(entry); entry == "" {
					continue
				}
				value, grant, ok1 := strings.Cut(entry, "=")
				org, role, ok2 := strings.Cut(grant, ":")
				value, org, role = strings.TrimSpace(value), strings.TrimSpace(org), strings.TrimSpace(role)
				switch {
				case !ok1 || !ok2 || value == "":
					bad("AIGRID_OIDC_ORG_MAP", "%q is not value=organisation-id:role", entry)
				case !uuidRe.MatchString(org):
					bad("AIGRID_OIDC_ORG_MAP", "%q: %q is not an organisation ID", entry, org)
				case role != "viewer" && role != "reviewer" && role != "editor":
					bad("AIGRID_OIDC_ORG_MAP", "%q: the role must be viewer, reviewer or editor", entry)
				default:
					o.OrgMap[value] = OrgGrant{OrganisationID: strings.ToLower(org), Role: role}
				}
			}
		}
		c.OIDC = o
	}

	raw := get("AIGRID_DB_MAX_CONNS")
	if n, err := strconv.Atoi(raw); err != nil || n < 1 || n > maxDBMaxConns {
		bad("AIGRID_DB_MAX_CONNS", "%q must be a whole number from 1 to %d", raw, maxDBMaxConns)
	} else {
		c.DBMaxConns = int32(n)
	}

	if c.MetricsAddr = get("AIGRID_METRICS_ADDR"); c.MetricsAddr != "" {
		if _, port, err := net.SplitHostPort(c.MetricsAddr); err != nil || port == "" {
			bad("AIGRID_METRICS_ADDR", "%q is not host:port (e.g. 127.0.0.1:9090)", c.MetricsAddr)
		} else if c.MetricsAddr == c.Addr && port != "0" {
			bad("AIGRID_METRICS_ADDR", "must differ from AIGRID_ADDR: metrics are not served to the public")
		}
	}

	if len(errs) > 0 {
		return Config{}, fmt.Errorf("config: %w", errors.Join(errs...))
	}
	return c, nil
}

var uuidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// LocalMode reports whether aigrid runs its own PostgreSQL cluster.
func (c Config) LocalMode() bool { return c.DatabaseURL == "" }

// Secure reports whether the application is served over HTTPS.
func (c Config) Secure() bool { return c.BaseURL != nil && c.BaseURL.Scheme == "https" }

// PublicURL is the URL users open: AIGRID_BASE_URL, else derived from the listen address.
func (c Config) PublicURL(listen net.Addr) string {
	if c.BaseURL != nil {
		return c.BaseURL.String() + "/"
	}
	host, port, _ := net.SplitHostPort(listen.String())
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

// LogValue keeps secrets out of logs: the database password and session key are redacted.
func (c Config) LogValue() slog.Value {
	db := "local"
	if c.DatabaseURL != "" {
		db = RedactDatabaseURL(c.DatabaseURL)
	}
	migrate := ""
	if c.MigrateURL != "" {
		migrate = RedactDatabaseURL(c.MigrateURL)
	}
	base := ""
	if c.BaseURL != nil {
		base = c.BaseURL.String()
	}
	return slog.GroupValue(
		slog.String("addr", c.Addr), slog.String("database", db), slog.String("data_dir", c.DataDir),
		slog.String("base_url", base), slog.Bool("session_key_set", c.SessionKey != nil),
		slog.String("log_level", c.LogLevel.String()), slog.String("log_format", c.LogFormat),
		slog.String("content_dir", c.ContentDir), slog.Any("oidc", c.OIDC),
		slog.String("content_dir", c.ContentDir), slog.Int("db_max_conns", int(c.DBMaxConns)),
		slog.String("metrics_addr", c.MetricsAddr), slog.String("migrate_database", migrate),
	)
}

// LogValue shows the provider, never the client secret.
func (o *OIDC) LogValue() slog.Value {
	if o == nil {
		return slog.StringValue("off")
	}
	return slog.GroupValue(slog.String("issuer", o.Issuer), slog.String("client_id", o.ClientID),
		slog.Bool("client_secret_set", o.ClientSecret != ""), slog.String("name", o.Name),
		slog.String("allowed_domains", strings.Join(o.AllowedDomains, ",")), slog.String("org_claim", o.OrgClaim), slog.Int("org_map", len(o.OrgMap)))
}

// redacted replaces every secret in a redacted database URL.
const redacted = "xxxxx"

// RedactDatabaseURL returns a PostgreSQL connection string fit for logs: in URL form
// (postgres://…), the userinfo password and the password and sslpassword query parameters; in
// keyword/value form (host=… password=…), the password and sslpassword values, quoted or not.
// Keywords match case-insensitively. A URL that does not parse unambiguously is not shown at all.
func RedactDatabaseURL(s string) string {
	if !schemeRe.MatchString(s) {
		return dsnSecretRe.ReplaceAllString(s, "${1}${2}="+redacted)
	}
	u, err := url.Parse(s)
	// An '@' after the host means the userinfo held an unescaped '/', '?' or '#': part of the
	// password would show as host, port, path, query or fragment.
	if err != nil || strings.Contains(u.EscapedPath()+u.RawQuery+u.Fragment, "@") {
		return "(set, hidden: not a valid URL)"
	}
	if u.Opaque != "" { // postgres:user:pass@host: no authority, hide everything after the scheme
		return u.Scheme + ":" + redacted
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), redacted)
		}
	}
	if u.RawQuery != "" {
		parts := strings.FieldsFunc(u.RawQuery, func(r rune) bool { return r == '&' || r == ';' })
		for i, p := range parts {
			key, _, _ := strings.Cut(p, "=")
			if k, err := url.QueryUnescape(key); err != nil || isSecretKey(k) {
				parts[i] = key + "=" + redacted
			}
		}
		u.RawQuery = strings.Join(parts, "&")
	}
	if u.Fragment != "" { // drivers ignore it
		u.Fragment, u.RawFragment = redacted, ""
	}
	return u.String()
}

func isSecretKey(k string) bool {
	k = strings.ToLower(strings.TrimSpace(k))
	return k == "password" || k == "sslpassword"
}

// dsnSecretRe finds password and sslpassword values in a keyword/value DSN, as libpq reads them:
// spaces around '=', a single-quoted value with backslash escapes (an unterminated one runs to the
// end), or an unquoted value up to white space, with backslash escapes.
var schemeRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)

var dsnSecretRe = regexp.MustCompile(`(?i)(^|[\s])((?:ssl)?password)\s*=\s*(?:'(?:[^'\\]|\\.)*(?:'|$)|(?:[^\s\\]|\\.|\\$)*)`)
