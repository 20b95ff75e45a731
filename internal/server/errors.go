package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/a-h/templ"
	"github.com/jackc/pgx/v5/pgconn"

	"aigrid/internal/account"
	"aigrid/internal/postgres"
	"aigrid/internal/questionnaire"
	"aigrid/web/pages"
)

var (
	errNotFound         = errors.New("not found")
	errMethodNotAllowed = errors.New("method not allowed")
	errCrossOrigin      = errors.New("cross-origin request refused")
)

// handlerFunc is a page action: it writes a response or returns an error for handle to render.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle adapts a page action, mapping its error to the one error page: not found → 404, anything
// unexpected → 500 logged with the request ID and never shown to the user.
func (s *Server) handle(fn handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := fn(w, r)
		switch {
		case err == nil:
		case errors.Is(err, errSignIn):
			s.signInRedirect(w, r)
		case errors.Is(err, errForbidden):
			s.render(w, r, http.StatusForbidden, pages.Error(s.globals(w, r), pages.ErrorView{Status: http.StatusForbidden}))
		case errors.Is(err, errNotFound), errors.Is(err, postgres.ErrNotFound):
			s.render(w, r, http.StatusNotFound, pages.Error(s.globals(w, r), pages.ErrorView{Status: http.StatusNotFound}))
		case errors.Is(err, errTooLarge):
			s.render(w, r, http.StatusRequestEntityTooLarge, pages.Error(s.globals(w, r), pages.ErrorView{Status: http.StatusRequestEntityTooLarge}))
		case errors.Is(err, errBadRequest), errors.Is(err, postgres.ErrInvalidText):
			s.render(w, r, http.StatusBadRequest, pages.Error(s.globals(w, r), pages.ErrorView{Status: http.StatusBadRequest}))
		case errors.Is(err, errTwoFactorRequired):
			http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
		case errors.Is(err, errSSOUnavailable):
			s.log.WarnContext(r.Context(), "single sign-on unavailable", "err", err, "request_id", requestIDFrom(r.Context()))
			w.Header().Set("Retry-After", "30")
			s.render(w, r, http.StatusServiceUnavailable, pages.Error(s.globals(w, r), pages.ErrorView{Status: http.StatusServiceUnavailable}))
		case errors.Is(err, errExportsBusy):
			s.log.WarnContext(r.Context(), "bulk export refused: others running", "request_id", requestIDFrom(r.Context()))
			w.Header().Set("Retry-After", "60")
			s.render(w, r, http.StatusTooManyRequests, pages.Error(s.globals(w, r), pages.ErrorView{Status: http.StatusTooManyRequests, Reason: "exports"}))
		case errors.Is(err, account.ErrBusy):
			w.Header().Set("Retry-After", "5")
			s.render(w, r, http.StatusServiceUnavailable, pages.Error(s.globals(w, r), pages.ErrorView{Status: http.StatusServiceUnavailable}))
		case errors.Is(err, errMethodNotAllowed):
			s.render(w, r, http.StatusMethodNotAllowed, pages.Error(s.globals(w, r), pages.ErrorView{Status: http.StatusMethodNotAllowed}))
		case errors.Is(err, questionnaire.ErrUnknownVersion):
			// an assessment on a questionnaire version this server does not have: said plainly,
			// never shown on another version
			s.log.ErrorContext(r.Context(), "questionnaire version not loaded", "err", err, "path", logPath(r), "request_id", requestIDFrom(r.Context()))
			var missing *questionnaire.UnknownVersionError
			version := ""
			if errors.As(err, &missing) {
				version = missing.Version
			}
			s.render(w, r, http.StatusInternalServerError, pages.Error(s.globals(w, r), pages.ErrorView{Status: http.StatusInternalServerError, MissingVersion: version}))
		case errors.Is(err, errCrossOrigin):
			s.log.WarnContext(r.Context(), "cross-origin request refused", "method", r.Method, "route", routePattern(r), "path", logPath(r),
				"origin", r.Header.Get("Origin"), "request_id", requestIDFrom(r.Context()))
			s.render(w, r, http.StatusForbidden, pages.Error(s.globals(w, r), pages.ErrorView{Status: http.StatusForbidden}))
		default:
			s.serverError(w, r, err)
		}
	}
}

// serverError logs err and answers with the 500 page, or with 503 and a page saying the database
// could not be reached when that is the cause (a restart, a failover): the request may be retried.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if dbUnavailable(err) {
		s.log.WarnContext(r.Context(), "database unavailable", "err", err, "method", r.Method, "route", routePattern(r), "path", logPath(r),
			"request_id", requestIDFrom(r.Context()))
		w.Header().Set("Retry-After", "5")
		s.render(w, r, http.StatusServiceUnavailable, pages.Error(s.globals(w, r), pages.ErrorView{Status: http.StatusServiceUnavailable, Reason: "db"}))
		return
	}
	s.log.ErrorContext(r.Context(), "request failed", "err", err, "method", r.Method, "route", routePattern(r), "path", logPath(r),
		"request_id", requestIDFrom(r.Context()))
	s.render(w, r, http.StatusInternalServerError, pages.Error(s.globals(w, r), pages.ErrorView{Status: http.StatusInternalServerError}))
}

// render writes a templ component with a status code.
//
// The page is rendered into a buffer and written at once: a rendering error gives the error page
// instead of half a page, the length is known, and the compressor sees the whole page instead of
// the pieces templ would flush one by one.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 1<<20 {
			buf.Reset()
			renderBuffers.Put(buf)
		}
	}()
	if err := c.Render(r.Context(), buf); err != nil {
		if status == http.StatusInternalServerError { // the error page itself failed
			s.log.ErrorContext(r.Context(), "render failed", "err", err, "request_id", requestIDFrom(r.Context()))
			http.Error(w, http.StatusText(status), status)
			return
		}
		s.serverError(w, r, fmt.Errorf("render: %w", err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// dbUnavailable tells whether err means the database could not be reached or went away: no
// connection could be made, the connection broke, or the server is shutting down or starting up
// (SQLSTATE class 08, and 57P01–57P03).
func dbUnavailable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return false // a request that ran out of time (it satisfies net.Error) stays a 500
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE)
}

var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}
