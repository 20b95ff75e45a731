// Package server is aigrid's HTTP layer: routes, middleware and one file per page action.
package server

import (
	"log/slog"
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"

	"aigrid/internal/config"
	"aigrid/internal/questionnaire"
)

// Server holds what handlers need. Build it with New and serve Handler.
type Server struct {
	cfg config.Config
	log *slog.Logger
	db  *pgxpool.Pool
	qn  *questionnaire.Questionnaire
	mux http.Handler
}

// Options are the server's dependencies.
type Options struct {
	Config        config.Config
	Logger        *slog.Logger
	DB            *pgxpool.Pool
	Questionnaire *questionnaire.Questionnaire
}

// New builds the server and its routes.
func New(o Options) *Server {
	s := &Server{cfg: o.Config, log: o.Logger, db: o.DB, qn: o.Questionnaire}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.mux = s.routes()
	return s
}

// ServeHTTP serves the application.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }
