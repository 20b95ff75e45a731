package server

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"aigrid/web/static"
)

// routes lists every route of the application in one place, with its middleware.
func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(s.requestID, s.accessLog, s.recoverPanic, s.securityHeaders, middleware.Timeout(30*time.Second))
	r.NotFound(s.handle(func(w http.ResponseWriter, r *http.Request) error { return errNotFound }))
	r.MethodNotAllowed(s.handle(func(w http.ResponseWriter, r *http.Request) error { return errMethodNotAllowed }))

	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Handle(static.Prefix+"*", static.Handler())

	r.Get("/", s.handle(s.showHome))
	r.Get("/about", s.handle(s.showAbout))
	r.Post("/language", s.handle(s.setLanguage))

	// Every state-changing request must come from our own origin (Sec-Fetch-Site / Origin checks):
	// the CSRF protection of the whole application.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(s.handle(func(w http.ResponseWriter, r *http.Request) error { return errCrossOrigin }))
	return cop.Handler(r)
}
