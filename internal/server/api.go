package server

// The read-only JSON API (docs/api.md): integrations (GRC tools, BI) read an organisation's
// assessments with a token an owner created (api_tokens.go). No session, no cookie: a request is
// authenticated by its Authorization header alone, and every query is scoped to the token's
// organisation. Read-only, so CSRF does not apply; every read is in the organisation's audit log.

import (
	"bytes"
	"context"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"aigrid/internal/account"
	"aigrid/internal/assessment"
	"aigrid/internal/export"
	"aigrid/internal/i18n"
	"aigrid/internal/postgres"
	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
)

// apiFiles holds the API's OpenAPI 3.1 document, written by hand (served at /api/v1/openapi.json).
//
//go:embed api/openapi.json
var apiFiles embed.FS

// OpenAPI returns the API's OpenAPI 3.1 document.
func OpenAPI() []byte {
	b, err := apiFiles.ReadFile("api/openapi.json")
	if err != nil {
		panic(err) // embedded at build time
	}
	return b
}

// apiPrefix is where the API lives; its routes are listed in routes.go.
const apiPrefix = "/api/v1"

// Paging of the list of assessments.
const (
	apiDefaultLimit = 50
	apiMaxLimit     = 200
)

// apiThrottle bounds each token's requests: 300 a minute, then refused for a minute. It counts
// every request of the token in one small transaction (postgres.Store.Attempt), so that several
// instances share the count.
var apiThrottle = postgres.ThrottlePolicy{Threshold: 300, Window: time.Minute, Base: time.Minute, Max: time.Minute}

// apiHandlerFunc is an API action of a token's organisation.
type apiHandlerFunc func(w http.ResponseWriter, r *http.Request, tok *account.APIToken) error

// apiError is the body of every API error: a stable code for programs, a sentence for people.
type apiError struct {
	Status  int    `json:"status"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Errors of the API, besides those of the store.
var (
	errAPIUnauthorised = errors.New("api: missing or invalid token")
	errAPIThrottled    = errors.New("api: too many requests")
)

// writeAPIError answers with an error status and its JSON body.
func writeAPIError(w http.ResponseWriter, status int, code, message string) {
	writeAPIJSON(w, status, apiError{Status: status, Code: code, Message: message})
}

// writeAPIJSON answers with a JSON document, not cached (the data belongs to one organisation).
func writeAPIJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil { // the API's own types always marshal
		status, b = http.StatusInternalServerError, []byte(`{"status":500,"code":"internal","message":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// apiRoute registers a GET route of the API behind token authentication, with its rule for the
// authorisation test.
func (s *Server) apiRoute(r chi.Router, pattern string, h apiHandlerFunc) {
	s.rules["GET "+apiPrefix+pattern] = apiToken
	r.Get(pattern, s.apiHandle(h))
}

// apiHandle authenticates a request by its bearer token, applies the token's rate limit and maps
// the action's errors to JSON: a missing, unknown, expired or revoked token → 401 with
// WWW-Authenticate; an assessment that is not the token's organisation's → 404.
func (s *Server) apiHandle(h apiHandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := s.apiAuthenticate(w, r, h)
		switch {
		case err == nil:
		case errors.Is(err, errAPIUnauthorised):
			writeAPIError(w, http.StatusUnauthorized, "unauthorized", "A valid API token is required: Authorization: Bearer aig_…")
		case errors.Is(err, errAPIThrottled):
			writeAPIError(w, http.StatusTooManyRequests, "rate_limited", "Too many requests with this token; retry later.")
		case errors.Is(err, errNotFound), errors.Is(err, postgres.ErrNotFound):
			writeAPIError(w, http.StatusNotFound, "not_found", "No such resource.")
		case errors.Is(err, errBadRequest):
			writeAPIError(w, http.StatusBadRequest, "bad_request", err.Error())
		default:
			s.log.ErrorContext(r.Context(), "api request failed", "err", err, "route", routePattern(r), "path", logPath(r),
				"request_id", requestIDFrom(r.Context()))
			writeAPIError(w, http.StatusInternalServerError, "internal", "Internal error; the request ID is in the X-Request-ID header.")
		}
	}
}

func (s *Server) apiAuthenticate(w http.ResponseWriter, r *http.Request, h apiHandlerFunc) error {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		// RFC 6750 §3: no credentials, no error code
		w.Header().Set("WWW-Authenticate", `Bearer realm="aigrid"`)
		return errAPIUnauthorised
	}
	if !account.LooksLikeAPIToken(token) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="aigrid", error="invalid_token"`)
		return errAPIUnauthorised
	}
	tok, err := s.st.APITokenByHash(r.Context(), postgres.TokenHash(token))
	if errors.Is(err, postgres.ErrNotFound) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="aigrid", error="invalid_token"`)
		return errAPIUnauthorised
	}
	if err != nil {
		return err
	}
	until, err := s.st.Attempt(r.Context(), postgres.Throttle{Key: "api:" + tok.ID, Policy: apiThrottle})
	if err != nil {
		return err
	}
	if !until.IsZero() {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(time.Until(until).Seconds()+0.999))))
		return errAPIThrottled
	}
	return h(w, r, &tok)
}

// apiAudit records an API read in the token's organisation's log: one entry per request, naming
// the token (there is no user).
func (s *Server) apiAudit(r *http.Request, tok *account.APIToken, details map[string]any) {
	details["token"], details["token_name"], details["route"] = tok.ID, tok.Name, routePattern(r)
	s.audit(r, "", tok.OrganisationID, "api.read", details)
}

// APISummary is one assessment in the API's list.
type APISummary struct {
	ID             string            `json:"id"`
	SystemName     string            `json:"system_name"`
	Status         assessment.Status `json:"status"`
	Version        int               `json:"version"`
	ContentVersion string            `json:"content_version"`
	Archived       bool              `json:"archived"`
	CreatedAt      time.Time         `json:"created_at"`
	UpdatedAt      time.Time         `json:"updated_at"`
	// Scores is nil when this server has not loaded the assessment's questionnaire version.
	Scores *APIScores `json:"scores"`
}

// APIScores sums up an assessment's scores: overall and per sheet, without the details the
// assessment's document gives (costs, gaps).
type APIScores struct {
	ScoringVersion string           `json:"scoring_version"`
	Overall        scoring.Result   `json:"overall"`
	Sheets         []APISheetResult `json:"sheets"`
}

// APISheetResult is one sheet's score.
type APISheetResult struct {
	SheetID string `json:"sheet_id"`
	scoring.Result
}

// APIPage is a page of the list of assessments.
type APIPage struct {
	Data []APISummary `json:"data"`
	// NextCursor fetches the next page (?cursor=); null on the last page.
	NextCursor *string `json:"next_cursor"`
}

// encodeCursor and decodeCursor turn a page's end into an opaque cursor and back.
func encodeCursor(c postgres.PageCursor) string {
	return base64.RawURLEncoding.EncodeToString([]byte(c.CreatedAt.UTC().Format(time.RFC3339Nano) + " " + c.ID))
}

func decodeCursor(s string) (postgres.PageCursor, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return postgres.PageCursor{}, false
	}
	at, id, ok := strings.Cut(string(b), " ")
	t, err := time.Parse(time.RFC3339Nano, at)
	if !ok || err != nil || !isUUIDText(id) {
		return postgres.PageCursor{}, false
	}
	return postgres.PageCursor{CreatedAt: t, ID: id}, true
}

// isUUIDText reports whether s is a UUID in its canonical text form.
func isUUIDText(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// badRequest is a 400 with a message for the API's client.
type badRequest string

func (e badRequest) Error() string        { return string(e) }
func (e badRequest) Is(target error) bool { return target == errBadRequest }

// apiListAssessments lists the token's organisation's assessments, a page at a time, with their
// scores.
func (s *Server) apiListAssessments(w http.ResponseWriter, r *http.Request, tok *account.APIToken) error {
	q := r.URL.Query()
	limit := apiDefaultLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > apiMaxLimit {
			return badRequest("limit must be a whole number from 1 to " + strconv.Itoa(apiMaxLimit) + ".")
		}
		limit = n
	}
	var after postgres.PageCursor
	if v := q.Get("cursor"); v != "" {
		c, ok := decodeCursor(v)
		if !ok {
			return badRequest("cursor is not one this API returned.")
		}
		after = c
	}
	list, err := s.st.AssessmentPage(r.Context(), tok.OrganisationID, after, limit+1)
	if err != nil {
		return err
	}
	page := APIPage{Data: []APISummary{}}
	if len(list) > limit {
		list = list[:limit]
		last := list[len(list)-1]
		next := encodeCursor(postgres.PageCursor{CreatedAt: last.CreatedAt, ID: last.ID})
		page.NextCursor = &next
	}
	ids := make([]string, len(list))
	for i, a := range list {
		ids[i] = a.ID
	}
	answers, err := s.st.AnswersOf(r.Context(), tok.OrganisationID, ids)
	if err != nil {
		return err
	}
	for _, a := range list {
		sum := APISummary{ID: a.ID, SystemName: a.SystemName, Status: a.Status, Version: a.Version, ContentVersion: a.ContentVersion,
			Archived: a.ArchivedAt != nil, CreatedAt: a.CreatedAt.UTC(), UpdatedAt: a.UpdatedAt.UTC()}
		if qn, err := s.questionnaireFor(a); err == nil { // each assessment scored with its own version and model
			rep := s.score(qn, a.Profile, assessment.Values(answers[a.ID]))
			sum.Scores = &APIScores{ScoringVersion: rep.ModelVersion, Overall: rep.Overall, Sheets: []APISheetResult{}}
			for _, sh := range rep.Sheets {
				sum.Scores.Sheets = append(sum.Scores.Sheets, APISheetResult{SheetID: sh.SheetID, Result: sh.Result})
			}
		}
		page.Data = append(page.Data, sum)
	}
	s.apiAudit(r, tok, map[string]any{"assessments": len(page.Data)})
	writeAPIJSON(w, http.StatusOK, page)
	return nil
}

// apiExport answers with one assessment in a format of the export table, built exactly as the
// export pages build it (LoadExport, export.Build, the format's writer): the JSON document has the
// JSON export's schema, the report is the PDF export. ?lang=fr|en chooses the language of the
// questionnaire's texts (English by default).
func (s *Server) apiExport(name string) apiHandlerFunc {
	format, ok := export.Lookup(name)
	if !ok {
		panic("api: no export format " + name)
	}
	return func(w http.ResponseWriter, r *http.Request, tok *account.APIToken) error {
		lang := questionnaire.EN
		if v := r.URL.Query().Get("lang"); v != "" {
			l, ok := i18n.Parse(v)
			if !ok {
				return badRequest("lang must be en or fr.")
			}
			lang = questionnaire.Lang(l)
		}
		e, b, err := s.exportBytes(r.Context(), tok.OrganisationID, chi.URLParam(r, "a"), format, lang)
		if err != nil {
			return err
		}
		s.apiAudit(r, tok, map[string]any{"assessment": e.Assessment.ID, "format": format.Name, "lang": string(lang)})
		w.Header().Set("Content-Type", format.ContentType)
		w.Header().Set("Cache-Control", "no-store")
		if format.Name != "json" {
			attachment(w, ExportName(e.Assessment), format.Ext, format.ContentType)
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		_, err = w.Write(b)
		return err
	}
}

// exportBytes writes one of orgID's assessments in a format, in full, in memory.
func (s *Server) exportBytes(ctx context.Context, orgID, id string, format export.Format, lang questionnaire.Lang) (export.Assessment, []byte, error) {
	e, err := LoadExport(ctx, s.st, s.catalog, orgID, id, lang, time.Now())
	if err != nil {
		return e, nil, err
	}
	var buf bytes.Buffer
	if err := format.Write(&buf, export.Build(e), export.Options{}); err != nil {
		return e, nil, err
	}
	return e, buf.Bytes(), nil
}

// apiRoutes are the API's routes (mounted at apiPrefix): its description, public, and the
// token-authenticated reads. Anything else is a JSON 404, any method but GET a JSON 405.
func (s *Server) apiRoutes(r chi.Router) {
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, http.StatusNotFound, "not_found", "No such resource.")
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "GET")
		writeAPIError(w, http.StatusMethodNotAllowed, "method_not_allowed", "The API is read-only: GET only.")
	})
	s.rules["GET "+apiPrefix+"/openapi.json"] = public
	r.Get("/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(OpenAPI())
	})
	s.rules["GET "+apiPrefix+"/schemas/assessment-1.json"] = public
	r.Get("/schemas/assessment-1.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/schema+json")
		_, _ = w.Write(export.Schema)
	})
	s.apiRoute(r, "/assessments", s.apiListAssessments)
	s.apiRoute(r, "/assessments/{a}", s.apiExport("json"))
	s.apiRoute(r, "/assessments/{a}/report", s.apiExport("pdf"))
}
