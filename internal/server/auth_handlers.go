package server

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"aigrid/internal/account"
	"aigrid/internal/i18n"
	"aigrid/internal/postgres"
	"aigrid/web/components"
	"aigrid/web/pages"
)

// Throttling of sign-in attempts: per account (whether or not it exists, so throttling reveals
// nothing) and per IP address, with exponential back-off.
var (
	accountThrottle = postgres.ThrottlePolicy{Threshold: 5, Window: 15 * time.Minute, Base: 30 * time.Second, Max: 15 * time.Minute}
	ipThrottle      = postgres.ThrottlePolicy{Threshold: 20, Window: 15 * time.Minute, Base: 30 * time.Second, Max: 15 * time.Minute}
	// sign-ups per IP address: enough for a team signing up together, not for a script
	signupThrottle = postgres.ThrottlePolicy{Threshold: 10, Window: time.Hour, Base: 5 * time.Minute, Max: time.Hour}
)

const (
	invitationTTL = 7 * 24 * time.Hour
	resetTTL      = time.Hour
)

func (s *Server) signupOpen(r *http.Request) (bool, error) {
	return s.st.SignupOpen(r.Context())
}

func (s *Server) showSignup(w http.ResponseWriter, r *http.Request) error {
	if currentUser(r) != nil {
		http.Redirect(w, r, "/orgs", http.StatusSeeOther)
		return nil
	}
	open, err := s.signupOpen(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, pages.Signup(s.globals(w, r), pages.SignupView{Form: components.NewForm(), Open: open}))
	return nil
}

// signup creates an organisation and its owner. Whether or not the address was already registered,
// the visitor is sent to the sign-in page with the same message, so sign-up reveals no account.
func (s *Server) signup(w http.ResponseWriter, r *http.Request) error {
	open, err := s.signupOpen(r)
	if err != nil {
		return err
	}
	if !open {
		return errForbidden
	}
	f := parseSignup(r)
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, pages.Signup(s.globals(w, r), pages.SignupView{Form: f, Open: true}))
		return nil
	}
	// every sign-up counts, successful or not
	if until, err := s.st.Attempt(r.Context(), postgres.Throttle{Key: "signup:" + clientIP(r), Policy: signupThrottle}); err != nil {
		return err
	} else if !until.IsZero() {
		f.Fail("email", "login.throttled")
		s.render(w, r, http.StatusTooManyRequests, pages.Signup(s.globals(w, r), pages.SignupView{Form: f, Open: true}))
		return nil
	}
	hash, err := account.HashPassword(r.Context(), f.Get("password"))
	if err != nil {
		return err
	}
	u, o, err := s.st.SignUp(r.Context(), f.Get("email"), f.Get("name"), hash, f.Get("organisation"), string(i18n.FromRequest(r)))
	switch {
	case errors.Is(err, account.ErrEmailTaken):
		s.log.InfoContext(r.Context(), "sign-up with a registered address", "request_id", requestIDFrom(r.Context()))
		s.audit(r, "", "", "signup.duplicate", nil)
	case err != nil:
		return err
	default:
		s.audit(r, u.ID, o.ID, "signup", map[string]any{"organisation": o.Name})
	}
	s.flash(w, r, "signup.done")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

func (s *Server) showLogin(w http.ResponseWriter, r *http.Request) error {
	if currentUser(r) != nil {
		http.Redirect(w, r, localPath(r.URL.Query().Get("next"), "/orgs"), http.StatusSeeOther)
		return nil
	}
	open, err := s.signupOpen(r)
	if err != nil {
		return err
	}
	g := s.globals(w, r)
	v := s.loginView(components.NewForm(), r.URL.Query().Get("next"), open)
	v.Message = g.Flash
	g.Flash = ""
	s.render(w, r, http.StatusOK, pages.Login(g, v))
	return nil
}

// login signs a user in. Every failure gives the same message, and takes the same time, whether
// the account exists or not.
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	f := parseLogin(r)
	next := localPath(r.PostFormValue("next"), "/orgs")
	fail := func(status int, key string) error {
		f.Fail("email", key)
		open, err := s.signupOpen(r)
		if err != nil {
			return err
		}
		s.render(w, r, status, pages.Login(s.globals(w, r), s.loginView(f, r.PostFormValue("next"), open)))
		return nil
	}
	if !f.Valid() {
		return fail(http.StatusUnprocessableEntity, "")
	}
	email := postgres.NormaliseEmail(f.Get("email"))
	ip := postgres.Throttle{Key: "ip:" + clientIP(r), Policy: ipThrottle}
	acct := postgres.Throttle{Key: "account:" + email, Policy: accountThrottle}
	// The attempt is counted before the password is verified, so parallel attempts cannot all be
	// verified before the first failure is recorded.
	until, err := s.st.Attempt(r.Context(), ip, acct)
	if err != nil {
		return err
	}
	if !until.IsZero() {
		return fail(http.StatusTooManyRequests, "login.throttled")
	}
	u, hash, err := s.st.UserByEmail(r.Context(), email)
	ok := false
	switch {
	case errors.Is(err, postgres.ErrNotFound):
		err = account.VerifyNothing(r.Context(), f.Get("password"))
	case err != nil:
		return err
	default:
		ok, err = account.VerifyPassword(r.Context(), hash, f.Get("password"))
	}
	if err != nil {
		return err
	}
	if !ok {
		s.audit(r, "", "", "login.failed", nil)
		return fail(http.StatusUnprocessableEntity, "login.invalid")
	}
	if err := s.st.Forget(r.Context(), acct.Key); err != nil {
		return err
	}
	if err := s.st.Refund(r.Context(), ip); err != nil {
		return err
	}
	if !u.SiteAdmin && s.ssoEnabled() {
		// an organisation of the user may require single sign-on: the password is not enough
		if req, err := s.st.RequiresSSO(r.Context(), u.ID); err != nil {
			return err
		} else if req {
			s.audit(r, u.ID, "", "login.sso_required", nil)
			return fail(http.StatusForbidden, "sso.required")
		}
	}
	if u.TwoFactor {
		// the password was right: the code comes next, and only then a signed-in session
		s.audit(r, u.ID, "", "login.password_ok", nil)
		return s.awaitCode(w, r, u, next)
	}
	if err := s.signIn(w, r, u.ID); err != nil {
		return err
	}
	s.audit(r, u.ID, "", "login", nil)
	if r.PostFormValue("next") == "" {
		// a member of one organisation goes straight to it, not through the list
		if ms, err := s.st.Memberships(r.Context(), u.ID); err != nil {
			return err
		} else if len(ms) == 1 {
			next = "/o/" + ms[0].Organisation.ID + "/"
		}
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// signIn attaches userID to a fresh session ID.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request, userID string) error {
	a := authFrom(r.Context())
	if err := s.sessions.rotate(r.Context(), a.session); err != nil {
		return err
	}
	a.session.Values[keyUserID] = userID
	return a.session.Save(r, w)
}

// logout ends the session server-side and clears the cookie.
// logout ends the aigrid session server-side and clears the cookie; a session opened with single
// sign-on then goes on to the provider's sign-out (RP-initiated logout) when it offers one.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r.Context())
	if a.user != nil {
		s.audit(r, a.user.ID, "", "logout", nil)
	}
	idToken, _ := a.session.Values[keyIDToken].(string)
	a.session.Options.MaxAge = -1
	if err := a.session.Save(r, w); err != nil {
		return err
	}
	to := "/"
	if u := s.ssoLogoutURL(r, idToken); u != "" {
		to = u
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// loginView is the sign-in page's view, with the single sign-on button when configured.
func (s *Server) loginView(f *components.Form, next string, signupOpen bool) pages.LoginView {
	v := pages.LoginView{Form: f, Next: next, SignupOpen: signupOpen}
	if s.ssoEnabled() {
		v.SSO = s.sso.cfg.Name
	}
	return v
}

func (s *Server) showForgot(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, pages.Forgot(s.globals(w, r), pages.ForgotView{}))
	return nil
}

func (s *Server) showReset(w http.ResponseWriter, r *http.Request) error {
	token := chi.URLParam(r, "token")
	_, err := s.st.PasswordResetUser(r.Context(), postgres.TokenHash(token))
	if err != nil && !errors.Is(err, account.ErrInvalidToken) {
		return err
	}
	status := http.StatusOK
	if err != nil {
		status = http.StatusNotFound
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.render(w, r, status, pages.Reset(s.globals(w, r), pages.ResetView{Form: components.NewForm(), Token: token, Valid: err == nil}))
	return nil
}

// resetPassword sets a new password from a single-use link and ends every session of the user.
func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) error {
	token := chi.URLParam(r, "token")
	u, err := s.st.PasswordResetUser(r.Context(), postgres.TokenHash(token))
	if errors.Is(err, account.ErrInvalidToken) {
		s.render(w, r, http.StatusNotFound, pages.Reset(s.globals(w, r), pages.ResetView{Form: components.NewForm(), Token: token}))
		return nil
	}
	if err != nil {
		return err
	}
	f := formFrom(r, "password")
	checkNewPassword(f, "password", u.Email, u.Name)
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, pages.Reset(s.globals(w, r), pages.ResetView{Form: f, Token: token, Valid: true}))
		return nil
	}
	hash, err := account.HashPassword(r.Context(), f.Get("password"))
	if err != nil {
		return err
	}
	if _, err := s.st.ResetPassword(r.Context(), postgres.TokenHash(token), hash); err != nil {
		if errors.Is(err, account.ErrInvalidToken) {
			return errNotFound
		}
		return err
	}
	s.audit(r, u.ID, "", "password.reset", nil)
	s.flash(w, r, "reset.done")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// audit records an action; a failure to audit is logged, never shown.
func (s *Server) audit(r *http.Request, actorID, orgID, action string, details map[string]any) {
	if actorID == "" {
		if u := currentUser(r); u != nil {
			actorID = u.ID
		}
	}
	err := s.st.Audit(r.Context(), account.AuditEntry{ActorID: actorID, OrganisationID: orgID, Action: action, Details: details, IP: clientIP(r)})
	if err != nil {
		s.log.ErrorContext(r.Context(), "audit", "action", action, "err", err)
	}
}

// localPath keeps a redirect target on this site. Only an absolute local path is accepted: no
// scheme, no host, nothing that starts with two slashes, and no backslash, control character or
// white space anywhere, because browsers strip tabs and line breaks from URLs and read a backslash
// as a slash, so "/\t/evil.example" or "/\\evil.example" would lead to another origin. Anything else
// becomes def.
func localPath(p, def string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return def
	}
	if unsafeInURL(p) {
		return def
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return def
	}
	// What the browser sees once percent-escapes are read must be a local path too.
	if dec, err := url.PathUnescape(u.EscapedPath()); err != nil || strings.HasPrefix(dec, "//") || unsafeInURL(dec) {
		return def
	}
	return p
}

// unsafeInURL reports a backslash, white space, control or invalid character.
func unsafeInURL(s string) bool {
	for _, r := range s {
		if r <= ' ' || r == '\\' || unicode.IsControl(r) || unicode.IsSpace(r) || r == utf8.RuneError {
			return true
		}
	}
	return false
}
