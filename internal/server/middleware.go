package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

type ctxKey int

const (
	ctxRequestID ctxKey = iota
	ctxNonce
)

// requestID gives every request a random ID, echoed in the X-Request-Id response header, the
// access log and the 500 page. Client-supplied IDs are ignored: they would let anyone forge log lines.
func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxRequestID, id)))
	})
}

func requestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(ctxRequestID).(string)
	return id
}

// accessLog writes one structured line per request: the route pattern and the path with its secrets
// redacted (see logPath). Query strings are left out: they may carry tokens.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		s.metrics.observe(r.Method, routePattern(r), status, time.Since(start))
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		s.log.LogAttrs(r.Context(), level, "http request",
			slog.String("method", r.Method), slog.String("route", routePattern(r)), slog.String("path", logPath(r)), slog.Int("status", status),
			slog.Int("bytes", ww.BytesWritten()), slog.Duration("duration", time.Since(start)),
			slog.String("request_id", requestIDFrom(r.Context())))
	})
}

// recoverPanic turns a panic into a logged 500 page.
func (s *Server) recoverPanic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.serverError(w, r, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets a strict Content-Security-Policy with a fresh nonce per response, and the
// other protective headers.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [16]byte
		_, _ = rand.Read(b[:])
		nonce := base64.RawStdEncoding.EncodeToString(b[:])
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self' 'nonce-"+nonce+"'; "+
			"style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "+
			"form-action 'self'"+s.formActionExtra+"; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		if s.cfg.Secure() || r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		ctx := templ.WithNonce(context.WithValue(r.Context(), ctxNonce, nonce), nonce)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func nonceFrom(ctx context.Context) string {
	n, _ := ctx.Value(ctxNonce).(string)
	return n
}

// routePattern is the pattern of the route that served r ("/invite/{token}"), or "" when none did.
func routePattern(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		return rc.RoutePattern()
	}
	return ""
}

// logPath is r's path fit for logs: the value of a {token} parameter, and on unmatched routes any
// segment that looks like a random token (long, letters and digits, not a UUID), are replaced by
// "[redacted]". Invitation and password-reset links are bearer secrets: they never reach the logs.
func logPath(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
		if tok := rc.URLParam("token"); tok != "" {
			return strings.Replace(r.URL.Path, tok, "[redacted]", 1)
		}
		return r.URL.Path
	}
	segs := strings.Split(r.URL.Path, "/")
	for i, seg := range segs {
		if looksSecret(seg) {
			segs[i] = "[redacted]"
		}
	}
	return strings.Join(segs, "/")
}

func looksSecret(seg string) bool {
	if len(seg) < 20 || uuidRe.MatchString(seg) {
		return false
	}
	return !strings.ContainsFunc(seg, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	})
}

var uuidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
