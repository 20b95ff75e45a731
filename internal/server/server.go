// Package server is aigrid's HTTP layer: routes, middleware and one file per page action.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"aigrid/internal/account"
	"aigrid/internal/config"
	"aigrid/internal/postgres"
	"aigrid/internal/questionnaire"
)

// Server holds what handlers need. Build it with New and serve it as an http.Handler.
type Server struct {
	cfg     config.Config
	log     *slog.Logger
	st      *postgres.Store
	qn      *questionnaire.Questionnaire // the latest version: new assessments, home and about pages
	catalog *questionnaire.Catalog       // every version loaded; see questionnaireFor
	scores  *scoreCache                  // reports and recommendations by content and answers (scorecache.go)
	// stepQuestions lists, by step ID, the questions of that step in every version loaded: what a
	// step page reads of the answers before it knows the assessment's version
	stepQuestions map[string][]string
	sessions      *sessionStore
	box           *account.SecretBox // seals TOTP secrets at rest
	sso           *ssoClient         // nil unless single sign-on is configured
	// formActionExtra widens the CSP's form-action to the single sign-on provider's origin: a
	// form's redirect to the provider (sign-in button, sign-out) is checked against it too
	formActionExtra string
	rules           map[string]access         // "METHOD /pattern" → authorisation rule
	pageReads       map[string]postgres.Reads // "METHOD /pattern" → the reads of its assessment sent with the session (readsPage)
	bulkExports     chan struct{}             // one token per bulk export streaming (maxBulkExports)
	router          chi.Routes                // for tests that walk every route
	mux             http.Handler
	metrics         *metrics // nil when AIGRID_METRICS_ADDR is unset
}

// Options are the server's dependencies.
type Options struct {
	Config config.Config
	Logger *slog.Logger
	Store  *postgres.Store
	// Catalog holds every questionnaire version; assessments are answered on theirs.
	Catalog *questionnaire.Catalog
	// Questionnaire, when Catalog is nil, is the only version loaded.
	Questionnaire *questionnaire.Questionnaire
	SessionKey    []byte // signs session cookies and (through a derived key) seals TOTP secrets; at least 32 bytes
}

// New builds the server and its routes.
func New(o Options) *Server {
	s := &Server{cfg: o.Config, log: o.Logger, st: o.Store, catalog: o.Catalog, rules: map[string]access{}, pageReads: map[string]postgres.Reads{}, scores: newScoreCache(),
		bulkExports: make(chan struct{}, maxBulkExports)}
	if s.catalog == nil && o.Questionnaire != nil {
		c, err := questionnaire.NewCatalog(o.Questionnaire)
		if err != nil {
			panic(err) // one loaded version has nothing to compare with
		}
		s.catalog = c
	}
	if s.catalog != nil {
		s.qn = s.catalog.Latest()
		s.stepQuestions = stepQuestions(s.catalog)
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.sessions = newSessionStore(o.Store, o.SessionKey, o.Config.Secure())
	box, err := account.NewSecretBox(o.SessionKey)
	if err != nil {
		panic(err) // AES-256 with a derived 32-byte key cannot fail
	}
	s.box = box
	if o.Config.OIDC != nil {
		s.sso = &ssoClient{cfg: o.Config.OIDC}
		if u, err := url.Parse(o.Config.OIDC.Issuer); err == nil {
			s.sso.origin = u.Scheme + "://" + u.Host
			s.formActionExtra = " " + s.sso.origin
		}
	}
	if o.Config.MetricsAddr != "" {
		var pool *pgxpool.Pool
		if o.Store != nil {
			pool = o.Store.Pool()
		}
		s.metrics = newMetrics(pool)
	}
	s.mux = s.routes()
	return s
}

// ServeHTTP serves the application.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// absURL turns a path into an absolute URL for links handed out of the application (invitations,
// password resets): AIGRID_BASE_URL when set, else the request's own host.
func (s *Server) absURL(r *http.Request, path string) string {
	if s.cfg.BaseURL != nil {
		return strings.TrimSuffix(s.cfg.BaseURL.String(), "/") + path
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

// Janitor deletes expired sessions and stale sign-in throttling records every interval until ctx
// ends. Expired rows are already ignored; this only keeps the tables small.
func (s *Server) Janitor(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := s.st.DeleteExpired(ctx, SessionIdle); err != nil {
			if ctx.Err() == nil {
				s.log.Warn("janitor", "err", err)
			}
		} else if n > 0 {
			s.log.Info("janitor: expired records deleted", "rows", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
