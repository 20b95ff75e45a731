package server

import (
	"context"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"aigrid/internal/postgres"
)

// Request body limits. A step form is a few kilobytes; the step limit leaves room for long
// comments and evidence on every question of the largest step (5,000 characters each, URL-encoded).
const (
	defaultBodyLimit int64 = 64 << 10
	stepBodyLimit    int64 = 1 << 20
)

var (
	errTooLarge   = errors.New("request body too large")
	errBadRequest = errors.New("malformed request")
)

// routeOption adjusts how a route reads its input.
type routeOption func(*routeConfig)

type routeConfig struct {
	bodyLimit int64
	page      *postgres.Reads // the route's assessment, read with the session (readsPage)
}

// maxBody sets a route's request body limit.
func maxBody(n int64) routeOption { return func(c *routeConfig) { c.bodyLimit = n } }

// readsPage says that the route's handler reads its assessment ({a} of {org}) with reads
// (through pageAssessment): those reads then travel with the session's query, in its round trip.
func readsPage(reads postgres.Reads) routeOption { return func(c *routeConfig) { c.page = &reads } }

type badFieldsKey struct{}

// readInput checks what a request carries before anything else reads it:
//   - path parameters must be valid UTF-8 without control characters, else the page does not
//     exist (404);
//   - the body is limited (oversize → 413 page) and parsed once (malformed → 400 page);
//   - every query and form value is made storable: invalid UTF-8 (including lone surrogates) is
//     replaced by U+FFFD and control characters other than tab and line breaks are removed. The
//     names of the fields that needed it are remembered, so the form parsers (formFrom, parseStep)
//     refuse them with a translated message and re-show the form; nothing invalid can reach the
//     database.
func (s *Server) readInput(cfg routeConfig, h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if rc := chi.RouteContext(r.Context()); rc != nil {
			for _, v := range rc.URLParams.Values {
				if !utf8.ValidString(v) || strings.ContainsFunc(v, unicode.IsControl) {
					return errNotFound
				}
			}
		}
		bad := map[string]bool{}
		if r.URL.RawQuery != "" {
			q, err := url.ParseQuery(r.URL.RawQuery)
			if err != nil {
				return errBadRequest
			}
			if cleanValues(q, bad) {
				r.URL.RawQuery = q.Encode()
			}
		}
		if r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch {
			r.Body = http.MaxBytesReader(w, r.Body, cfg.bodyLimit)
			var err error
			if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
				// parsed here too, so that no handler reads a multipart value that was not cleaned
				err = r.ParseMultipartForm(cfg.bodyLimit)
			} else {
				err = r.ParseForm()
			}
			if err != nil {
				if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
					return errTooLarge
				}
				return errBadRequest
			}
			cleanValues(r.PostForm, bad)
			cleanValues(r.Form, nil)
			if r.MultipartForm != nil {
				cleanValues(r.MultipartForm.Value, nil)
			}
		}
		if len(bad) > 0 {
			r = r.WithContext(context.WithValue(r.Context(), badFieldsKey{}, bad))
		}
		return h(w, r)
	}
}

// badField reports whether the named field held bytes that cannot be stored.
func badField(r *http.Request, name string) bool {
	bad, _ := r.Context().Value(badFieldsKey{}).(map[string]bool)
	return bad[name]
}

// cleanValues makes every key and value of vals valid, storable text, recording in bad the names
// of the fields that changed. It reports whether anything changed.
func cleanValues(vals url.Values, bad map[string]bool) bool {
	changed := false
	for k, vs := range vals {
		ck := cleanText(k)
		for i, v := range vs {
			if c := cleanText(v); c != v {
				vs[i] = c
				changed = true
				if bad != nil {
					bad[ck] = true
				}
			}
		}
		if ck != k {
			changed = true
			delete(vals, k)
			vals[ck] = append(vals[ck], vs...)
			if bad != nil {
				bad[ck] = true
			}
		}
	}
	return changed
}

// cleanText replaces invalid UTF-8 by U+FFFD and removes control characters other than tab, CR and
// LF (PostgreSQL refuses NUL in text; the others have no business in a form).
func cleanText(s string) string {
	if utf8.ValidString(s) && !strings.ContainsFunc(s, unwantedControl) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if unwantedControl(r) {
			return -1
		}
		return r
	}, s)
}

func unwantedControl(r rune) bool {
	return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r'
}
