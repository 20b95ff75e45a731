package server

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"aigrid/internal/account"
	"aigrid/internal/postgres"
	"aigrid/web/components"
	"aigrid/web/pages"
)

// apiTokenExpiries are the lifetimes an owner chooses from, in days ("never": no expiry); the
// first is the default.
var apiTokenExpiries = []pages.APITokenExpiry{{Value: "90", Label: "apitokens.expires.90"}, {Value: "30", Label: "apitokens.expires.30"},
	{Value: "365", Label: "apitokens.expires.365"}, {Value: "never", Label: "apitokens.expires.never"}}

// renderAPITokens shows the organisation's API tokens with the creation form.
func (s *Server) renderAPITokens(w http.ResponseWriter, r *http.Request, status int, v pages.APITokensView) error {
	list, err := s.st.APITokens(r.Context(), currentMembership(r).Organisation.ID)
	if err != nil {
		return err
	}
	v.Tokens, v.Expiries, v.Now, v.APIURL = list, apiTokenExpiries, time.Now(), s.absURL(r, apiPrefix+"/")
	if v.Form == nil {
		v.Form = components.NewForm()
		v.Form.Values["expires"] = apiTokenExpiries[0].Value
	}
	s.render(w, r, status, pages.APITokens(s.globals(w, r), v))
	return nil
}

// showAPITokens is the organisation's API tokens page (owners).
func (s *Server) showAPITokens(w http.ResponseWriter, r *http.Request) error {
	return s.renderAPITokens(w, r, http.StatusOK, pages.APITokensView{})
}

// createAPIToken makes a token and shows it once: only its SHA-256 is stored. SHA-256 rather than
// a password hash (argon2id): the token has 130 random bits, so no dictionary or brute force can
// reverse its hash, and the API looks it up by hash on every request, which a slow,
// salted hash would make both costly and impossible to index.
func (s *Server) createAPIToken(w http.ResponseWriter, r *http.Request) error {
	m := currentMembership(r)
	f := formFrom(r, "name", "expires")
	requireText(f, "name", "apitokens.name.missing", 100)
	var expiresAt *time.Time
	switch days := f.Get("expires"); days {
	case "never":
	case "30", "90", "365":
		n := map[string]int{"30": 30, "90": 90, "365": 365}[days]
		t := time.Now().AddDate(0, 0, n)
		expiresAt = &t
	default:
		f.Fail("expires", "apitokens.expires.missing")
	}
	if !f.Valid() {
		return s.renderAPITokens(w, r, http.StatusUnprocessableEntity, pages.APITokensView{Form: f})
	}
	token, hint := account.NewAPIToken()
	t, err := s.st.CreateAPIToken(r.Context(), m.Organisation.ID, m.User.ID, f.Get("name"), postgres.TokenHash(token), hint, expiresAt)
	if err != nil {
		return err
	}
	details := map[string]any{"token": t.ID, "name": t.Name, "hint": t.Hint}
	if expiresAt != nil {
		details["expires_at"] = expiresAt.UTC().Format(time.RFC3339)
	}
	s.audit(r, "", m.Organisation.ID, "api_token.create", details)
	w.Header().Set("Cache-Control", "no-store")
	return s.renderAPITokens(w, r, http.StatusCreated, pages.APITokensView{NewToken: token, NewName: t.Name})
}

// revokeAPIToken revokes a token at once: its next request is refused.
func (s *Server) revokeAPIToken(w http.ResponseWriter, r *http.Request) error {
	m := currentMembership(r)
	t, err := s.st.RevokeAPIToken(r.Context(), m.Organisation.ID, chi.URLParam(r, "apitoken"))
	if err != nil {
		return err // another organisation's, or already revoked: 404
	}
	s.audit(r, "", m.Organisation.ID, "api_token.revoke", map[string]any{"token": t.ID, "name": t.Name, "hint": t.Hint})
	s.flash(w, r, "apitokens.revoked")
	http.Redirect(w, r, "/o/"+m.Organisation.ID+"/settings/tokens", http.StatusSeeOther)
	return nil
}
