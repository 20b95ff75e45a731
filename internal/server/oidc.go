package server

import (
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"aigrid/internal/account"
	"aigrid/internal/config"
	"aigrid/internal/i18n"
	"aigrid/internal/postgres"
	"aigrid/web/components"
	"aigrid/web/pages"
)

// Session keys of a single sign-on in progress.
const (
	keyOIDCState    = "oidc_state"
	keyOIDCNonce    = "oidc_nonce"
	keyOIDCVerifier = "oidc_verifier"
	keyOIDCNext     = "oidc_next"
	keyOIDCAt       = "oidc_at"
	// an identity whose e-mail address belongs to an existing account, waiting for that account's
	// password before they are linked
	keyLinkIssuer  = "link_issuer"
	keyLinkSubject = "link_subject"
	keyLinkUser    = "link_user"
	keyLinkEmail   = "link_email"
	// the ID token of an SSO session, for signing out at the provider too
	keyIDToken = "id_token"
)

const oidcFlowWindow = 10 * time.Minute

// errSSOUnavailable: the provider could not be reached (discovery or token exchange).
var errSSOUnavailable = errors.New("single sign-on provider unavailable")

// ssoClient talks to the OpenID provider. Discovery happens at the first sign-in, not at start-up,
// so aigrid starts (and password sign-in works) while the provider is down; a failed discovery is
// tried again at the next sign-in.
type ssoClient struct {
	cfg    *config.OIDC
	origin string // the issuer's scheme://host

	mu         sync.Mutex
	provider   *oidc.Provider
	verifier   *oidc.IDTokenVerifier
	endSession string
}

func (c *ssoClient) discover(ctx context.Context) (*oidc.Provider, *oidc.IDTokenVerifier, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.provider != nil {
		return c.provider, c.verifier, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	// The key set fetched by the provider outlives this request: give it a context of its own.
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, http.DefaultClient), c.cfg.Issuer)
	if err != nil {
		return nil, nil, errors.Join(errSSOUnavailable, err)
	}
	var meta struct {
		EndSession string `json:"end_session_endpoint"`
	}
	_ = p.Claims(&meta)
	// Verify checks the signature (keys fetched from jwks_uri, fetched again when a token names an
	// unknown key: rotation), the issuer, the audience (our client ID) and the expiry.
	c.provider, c.verifier, c.endSession = p, p.VerifierContext(context.Background(), &oidc.Config{ClientID: c.cfg.ClientID}), meta.EndSession
	return c.provider, c.verifier, nil
}

func (c *ssoClient) oauth2(p *oidc.Provider, redirect string) *oauth2.Config {
	return &oauth2.Config{ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: redirect, Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}
}

func (s *Server) ssoEnabled() bool { return s.sso != nil }

// startSSO sends the visitor to the provider: authorization code flow with PKCE (S256), a random
// state and nonce kept in the session.
func (s *Server) startSSO(w http.ResponseWriter, r *http.Request) error {
	if !s.ssoEnabled() {
		return errNotFound
	}
	p, _, err := s.sso.discover(r.Context())
	if err != nil {
		return err
	}
	a := authFrom(r.Context())
	state, nonce, verifier := rand.Text(), rand.Text(), oauth2.GenerateVerifier()
	a.session.Values[keyOIDCState] = state
	a.session.Values[keyOIDCNonce] = nonce
	a.session.Values[keyOIDCVerifier] = verifier
	a.session.Values[keyOIDCNext] = localPath(r.URL.Query().Get("next"), "/orgs")
	a.session.Values[keyOIDCAt] = time.Now().UTC().Format(time.RFC3339)
	if err := a.session.Save(r, w); err != nil {
		return err
	}
	u := s.sso.oauth2(p, s.absURL(r, "/login/sso/callback")).AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce))
	http.Redirect(w, r, u, http.StatusFound)
	return nil
}

// ssoIdentity is what aigrid keeps of a verified ID token.
type ssoIdentity struct {
	issuer, subject, email, name, rawIDToken string
	emailVerified                            bool
	orgValues                                []string // values of AIGRID_OIDC_ORG_CLAIM
}

// ssoCallback finishes the flow: checks state, exchanges the code with the PKCE verifier, verifies
// the ID token and its nonce, then signs in the linked account, links an account of the same
// verified address once its password is proven, or creates an account.
func (s *Server) ssoCallback(w http.ResponseWriter, r *http.Request) error {
	if !s.ssoEnabled() {
		return errNotFound
	}
	a := authFrom(r.Context())
	state, _ := a.session.Values[keyOIDCState].(string)
	nonce, _ := a.session.Values[keyOIDCNonce].(string)
	verifier, _ := a.session.Values[keyOIDCVerifier].(string)
	next, _ := a.session.Values[keyOIDCNext].(string)
	at, _ := time.Parse(time.RFC3339, stringValue(a.session.Values[keyOIDCAt]))
	for _, k := range []string{keyOIDCState, keyOIDCNonce, keyOIDCVerifier, keyOIDCNext, keyOIDCAt} {
		delete(a.session.Values, k)
	}
	q := r.URL.Query()
	fail := func(reason, msgKey string) error {
		s.audit(r, "", "", "login.sso_failed", map[string]any{"reason": reason})
		if err := a.session.Save(r, w); err != nil && !errors.Is(err, errSessionEnded) {
			return err
		}
		return s.renderLoginWith(w, r, http.StatusUnprocessableEntity, msgKey)
	}
	switch {
	case state == "" || time.Since(at) > oidcFlowWindow:
		return fail("no sign-in in progress", "sso.expired")
	case q.Get("state") != state:
		return fail("state mismatch", "sso.expired")
	case q.Get("error") != "":
		return fail("provider error: "+q.Get("error"), "sso.refused")
	}
	p, idv, err := s.sso.discover(r.Context())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	tok, err := s.sso.oauth2(p, s.absURL(r, "/login/sso/callback")).Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		s.log.WarnContext(r.Context(), "SSO code exchange failed", "err", err)
		return fail("code exchange failed", "sso.refused")
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := idv.Verify(ctx, raw)
	if err != nil {
		s.log.WarnContext(r.Context(), "SSO ID token refused", "err", err)
		return fail("invalid ID token", "sso.refused")
	}
	if idt.Nonce != nonce {
		return fail("nonce mismatch", "sso.refused")
	}
	var claims struct {
		Email         string `json:"email"`
		EmailVerified *bool  `json:"email_verified"`
		Name          string `json:"name"`
		GivenName     string `json:"given_name"`
		FamilyName    string `json:"family_name"`
		UsualName     string `json:"usual_name"` // ProConnect's family name
	}
	if err := idt.Claims(&claims); err != nil {
		return fail("unreadable claims", "sso.refused")
	}
	all := map[string]any{}
	_ = idt.Claims(&all)
	orgClaim := s.sso.cfg.OrgClaim
	_, hasOrgClaim := all[orgClaim]
	if claims.Email == "" || (orgClaim != "" && !hasOrgClaim) {
		// some providers put the address, or groups, in the user info only
		if ui, err := p.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err == nil {
			if claims.Email == "" {
				_ = ui.Claims(&claims)
			}
			_ = ui.Claims(&all)
		}
	}
	id := ssoIdentity{issuer: idt.Issuer, subject: idt.Subject, email: postgres.NormaliseEmail(claims.Email), name: strings.TrimSpace(claims.Name),
		rawIDToken: raw, emailVerified: claims.EmailVerified != nil && *claims.EmailVerified, orgValues: claimStrings(all[orgClaim])}
	if id.name == "" {
		family := claims.FamilyName
		if family == "" {
			family = claims.UsualName
		}
		id.name = strings.TrimSpace(claims.GivenName + " " + family)
	}
	if id.name == "" {
		id.name, _, _ = strings.Cut(id.email, "@")
	}
	if !s.domainAllowed(id.email) {
		return fail("e-mail domain not allowed", "sso.domain")
	}

	u, err := s.st.UserByIdentity(r.Context(), id.issuer, id.subject)
	switch {
	case err == nil:
		return s.finishSSO(w, r, u, id, next, "sso")
	case !errors.Is(err, postgres.ErrNotFound):
		return err
	}
	// A new identity. Without a verified address nothing can be matched or created safely.
	if id.email == "" || claims.EmailVerified == nil || !*claims.EmailVerified {
		return fail("e-mail address missing or not verified", "sso.unverified")
	}
	u, err = s.st.CreateUserWithIdentity(r.Context(), id.email, id.name, string(i18n.FromRequest(r)), id.issuer, id.subject)
	switch {
	case err == nil:
		s.audit(r, u.ID, "", "sso.account_created", map[string]any{"issuer": id.issuer})
		return s.finishSSO(w, r, u, id, next, "sso")
	case errors.Is(err, account.ErrEmailTaken):
		// An account already has this address: only its password links the two, so that whoever
		// controls an address at the provider does not take over an aigrid account.
		existing, _, err := s.st.UserByEmail(r.Context(), id.email)
		if err != nil {
			return err
		}
		a.session.Values[keyLinkIssuer] = id.issuer
		a.session.Values[keyLinkSubject] = id.subject
		a.session.Values[keyLinkUser] = existing.ID
		a.session.Values[keyLinkEmail] = id.email
		a.session.Values[keyOIDCNext] = next
		a.session.Values[keyOIDCAt] = time.Now().UTC().Format(time.RFC3339)
		if err := a.session.Save(r, w); err != nil {
			return err
		}
		http.Redirect(w, r, "/login/sso/link", http.StatusSeeOther)
		return nil
	default:
		return err
	}
}

func stringValue(v any) string { s, _ := v.(string); return s }

// claimStrings reads a claim holding a string or a list of strings.
func claimStrings(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// domainAllowed applies AIGRID_OIDC_ALLOWED_DOMAINS.
func (s *Server) domainAllowed(email string) bool {
	if len(s.sso.cfg.AllowedDomains) == 0 {
		return true
	}
	_, domain, ok := strings.Cut(email, "@")
	for _, d := range s.sso.cfg.AllowedDomains {
		if ok && domain == d {
			return true
		}
	}
	return false
}

// finishSSO signs u in, keeping the ID token for signing out at the provider.
func (s *Server) finishSSO(w http.ResponseWriter, r *http.Request, u account.User, id ssoIdentity, next, method string) error {
	// People of a domain an organisation opened to single sign-on join it (verified addresses only:
	// id.email comes from a verified claim or from the account the identity was linked to).
	if _, domain, ok := strings.Cut(id.email, "@"); ok && id.emailVerified {
		joined, err := s.st.JoinByDomain(r.Context(), u.ID, domain)
		if err != nil {
			return err
		}
		for _, o := range joined {
			s.audit(r, u.ID, o.ID, "organisation.joined_by_domain", map[string]any{"domain": domain})
		}
	}
	// Claim values mapped to organisations by AIGRID_OIDC_ORG_MAP (the administrator's choice).
	for _, v := range id.orgValues {
		g, ok := s.sso.cfg.OrgMap[v]
		if !ok {
			continue
		}
		joined, err := s.st.JoinOrganisation(r.Context(), g.OrganisationID, u.ID, account.Role(g.Role))
		if err != nil {
			return err
		}
		if joined {
			s.audit(r, u.ID, g.OrganisationID, "organisation.joined_by_claim", map[string]any{"claim": s.sso.cfg.OrgClaim, "value": v, "role": g.Role})
		}
	}
	if err := s.signIn(w, r, u.ID); err != nil {
		return err
	}
	a := authFrom(r.Context())
	a.session.Values[keyIDToken] = id.rawIDToken
	if err := a.session.Save(r, w); err != nil {
		return err
	}
	s.audit(r, u.ID, "", "login", map[string]any{"method": method, "issuer": id.issuer})
	http.Redirect(w, r, localPath(next, "/orgs"), http.StatusSeeOther)
	return nil
}

// pendingLink is the identity waiting to be linked to an existing account.
func pendingLink(r *http.Request) (issuer, subject, userID, email, next string, ok bool) {
	a := authFrom(r.Context())
	v := func(k string) string { return stringValue(a.session.Values[k]) }
	at, err := time.Parse(time.RFC3339, v(keyOIDCAt))
	if a.user != nil || v(keyLinkUser) == "" || err != nil || time.Since(at) > oidcFlowWindow {
		return "", "", "", "", "", false
	}
	return v(keyLinkIssuer), v(keyLinkSubject), v(keyLinkUser), v(keyLinkEmail), v(keyOIDCNext), true
}

func (s *Server) showSSOLink(w http.ResponseWriter, r *http.Request) error {
	_, _, _, email, _, ok := pendingLink(r)
	if !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, pages.SSOLink(s.globals(w, r), pages.SSOLinkView{Form: components.NewForm(), Email: email, Provider: s.sso.cfg.Name}))
	return nil
}

// linkSSO links the pending identity to the existing account once its password is proven
// (throttled like a sign-in), then signs in.
func (s *Server) linkSSO(w http.ResponseWriter, r *http.Request) error {
	issuer, subject, userID, email, next, ok := pendingLink(r)
	if !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	f := formFrom(r, "password")
	ip := postgres.Throttle{Key: "ip:" + clientIP(r), Policy: ipThrottle}
	acct := postgres.Throttle{Key: "account:" + email, Policy: accountThrottle}
	until, err := s.st.Attempt(r.Context(), ip, acct)
	if err != nil {
		return err
	}
	render := func(status int, key string) error {
		f.Fail("password", key)
		s.render(w, r, status, pages.SSOLink(s.globals(w, r), pages.SSOLinkView{Form: f, Email: email, Provider: s.sso.cfg.Name}))
		return nil
	}
	if !until.IsZero() {
		return render(http.StatusTooManyRequests, "login.throttled")
	}
	hash, err := s.st.PasswordHash(r.Context(), userID)
	if err != nil {
		return err
	}
	match, err := account.VerifyPassword(r.Context(), hash, f.Get("password"))
	if err != nil {
		return err
	}
	if !match {
		s.audit(r, userID, "", "sso.link_failed", nil)
		return render(http.StatusUnprocessableEntity, "account.password.wrong")
	}
	if err := s.st.Forget(r.Context(), acct.Key); err != nil {
		return err
	}
	if err := s.st.Refund(r.Context(), ip); err != nil {
		return err
	}
	if err := s.st.LinkIdentity(r.Context(), userID, issuer, subject, email); err != nil {
		return err
	}
	a := authFrom(r.Context())
	for _, k := range []string{keyLinkIssuer, keyLinkSubject, keyLinkUser, keyLinkEmail, keyOIDCNext, keyOIDCAt} {
		delete(a.session.Values, k)
	}
	u, err := s.st.UserByID(r.Context(), userID)
	if err != nil {
		return err
	}
	s.audit(r, userID, "", "sso.linked", map[string]any{"issuer": issuer})
	// the address was verified by the provider before the link was offered
	return s.finishSSO(w, r, u, ssoIdentity{issuer: issuer, subject: subject, email: email, emailVerified: true}, next, "sso")
}

// ssoLogoutURL is where to send a user who signed in with SSO after their aigrid session ended:
// the provider's end_session_endpoint (RP-initiated logout), when it has one.
func (s *Server) ssoLogoutURL(r *http.Request, idToken string) string {
	if !s.ssoEnabled() || idToken == "" {
		return ""
	}
	s.sso.mu.Lock()
	end := s.sso.endSession
	s.sso.mu.Unlock()
	if end == "" {
		return ""
	}
	u, err := url.Parse(end)
	// only to the provider's own origin, the one the pages' form-action allows
	if err != nil || u.Scheme+"://"+u.Host != s.sso.origin {
		return ""
	}
	q := u.Query()
	q.Set("id_token_hint", idToken)
	q.Set("post_logout_redirect_uri", s.absURL(r, "/"))
	q.Set("client_id", s.sso.cfg.ClientID)
	u.RawQuery = q.Encode()
	return u.String()
}

// renderLoginWith shows the sign-in page with a message.
func (s *Server) renderLoginWith(w http.ResponseWriter, r *http.Request, status int, msgKey string) error {
	open, err := s.signupOpen(r)
	if err != nil {
		return err
	}
	f := components.NewForm()
	if msgKey != "" {
		f.Fail("email", msgKey)
	}
	s.render(w, r, status, pages.Login(s.globals(w, r), s.loginView(f, r.URL.Query().Get("next"), open)))
	return nil
}
