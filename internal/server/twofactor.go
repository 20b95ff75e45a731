package server

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"time"

	"aigrid/internal/account"
	"aigrid/internal/postgres"
	"aigrid/web/components"
	"aigrid/web/pages"
)

// Session keys of two-step sign-in.
const (
	keyTOTPPending = "totp_pending" // a sealed secret being set up, until its first code is typed
	keyMFAUser     = "mfa_user"     // the user whose password was right and whose code is awaited
	keyMFAAt       = "mfa_at"       // when the password was checked (Unix seconds)
	keyMFANext     = "mfa_next"     // where to go once signed in
)

// mfaWindow is how long a checked password waits for its code.
const mfaWindow = 5 * time.Minute

// errTwoFactorRequired: the organisation requires two-step sign-in and the user has not set it up.
var errTwoFactorRequired = errors.New("two-step sign-in required")

// twoFactorThrottle counts wrong codes per user, like wrong passwords per account.
var twoFactorThrottle = accountThrottle

// showTwoFactor shows the set-up (a new pending secret and its QR code) or, once set up, the
// recovery codes left and the forms to renew them or remove the second factor.
func (s *Server) showTwoFactor(w http.ResponseWriter, r *http.Request) error {
	return s.renderTwoFactor(w, r, http.StatusOK, components.NewForm(), true)
}

func (s *Server) renderTwoFactor(w http.ResponseWriter, r *http.Request, status int, f *components.Form, newSecret bool) error {
	a := authFrom(r.Context())
	u := a.user
	required, err := s.st.RequiresTwoFactor(r.Context(), u.ID)
	if err != nil {
		return err
	}
	v := pages.TwoFactorView{Enabled: u.TwoFactor, Required: required, Form: f}
	if u.TwoFactor {
		tf, err := s.st.TwoFactorOf(r.Context(), u.ID)
		if err != nil {
			return err
		}
		v.Recovery = tf.Recovery
	} else {
		secret, err := s.pendingSecret(w, r, newSecret)
		if err != nil {
			return err
		}
		png, err := account.TOTPQRCode(account.TOTPURL(u.Email, secret))
		if err != nil {
			return err
		}
		v.QRCode = "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)
		v.Secret = secret
	}
	s.render(w, r, status, pages.TwoFactor(s.globals(w, r), v))
	return nil
}

// pendingSecret is the secret being set up, kept sealed in the session: a new one on each visit
// of the page (fresh), the same one when a wrong code is shown again.
func (s *Server) pendingSecret(w http.ResponseWriter, r *http.Request, fresh bool) (string, error) {
	a := authFrom(r.Context())
	if sealed, _ := a.session.Values[keyTOTPPending].(string); sealed != "" && !fresh {
		raw, err := base64.StdEncoding.DecodeString(sealed)
		if err == nil {
			if secret, err := s.box.Open(raw, a.user.ID); err == nil {
				return secret, nil
			}
		}
	}
	secret, _, err := account.NewTOTP(a.user.Email)
	if err != nil {
		return "", err
	}
	a.session.Values[keyTOTPPending] = base64.StdEncoding.EncodeToString(s.box.Seal(secret, a.user.ID))
	return secret, a.session.Save(r, w)
}

// enableTwoFactor checks the first code of the pending secret, stores the secret and shows the
// recovery codes, once.
func (s *Server) enableTwoFactor(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r.Context())
	if a.user.TwoFactor {
		http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
		return nil
	}
	f := formFrom(r, "code")
	secret, err := s.pendingSecret(w, r, false)
	if err != nil {
		return err
	}
	step, err := account.CheckTOTP(secret, f.Get("code"), time.Now(), 0)
	if err != nil {
		f.Fail("code", "twofactor.code.wrong")
		return s.renderTwoFactor(w, r, http.StatusUnprocessableEntity, f, false)
	}
	codes := account.NewRecoveryCodes()
	if err := s.st.EnableTwoFactor(r.Context(), a.user.ID, s.box.Seal(secret, a.user.ID), step, recoveryHashes(codes)); err != nil {
		return err
	}
	delete(a.session.Values, keyTOTPPending)
	if err := a.session.Save(r, w); err != nil {
		return err
	}
	s.audit(r, a.user.ID, "", "twofactor.enabled", nil)
	s.render(w, r, http.StatusOK, pages.RecoveryCodes(s.globals(w, r), pages.RecoveryCodesView{Codes: codes}))
	return nil
}

func recoveryHashes(codes []string) [][]byte {
	out := make([][]byte, len(codes))
	for i, c := range codes {
		out[i] = account.RecoveryCodeHash(c)
	}
	return out
}

// checkCurrentPassword verifies the signed-in user's password for a sensitive change, counted
// like a sign-in attempt.
func (s *Server) checkCurrentPassword(r *http.Request, f *components.Form, field string) error {
	u := currentUser(r)
	until, err := s.st.Attempt(r.Context(), postgres.Throttle{Key: "account:" + u.Email, Policy: accountThrottle})
	if err != nil {
		return err
	}
	if !until.IsZero() {
		f.Fail(field, "login.throttled")
		return nil
	}
	hash, err := s.st.PasswordHash(r.Context(), u.ID)
	if err != nil {
		return err
	}
	ok, err := account.VerifyPassword(r.Context(), hash, f.Get(field))
	if err != nil {
		return err
	}
	if !ok {
		f.Fail(field, "account.password.wrong")
		return nil
	}
	return s.st.Forget(r.Context(), "account:"+u.Email)
}

// renewRecoveryCodes replaces the recovery codes after checking the password.
func (s *Server) renewRecoveryCodes(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	f := formFrom(r, "renew_password")
	if !u.TwoFactor {
		http.Redirect(w, r, "/account/2fa", http.StatusSeeOther) // nothing to renew
		return nil
	}
	if err := s.checkCurrentPassword(r, f, "renew_password"); err != nil {
		return err
	}
	if !f.Valid() {
		return s.renderTwoFactor(w, r, http.StatusUnprocessableEntity, f, false)
	}
	codes := account.NewRecoveryCodes()
	if err := s.st.ReplaceRecoveryCodes(r.Context(), u.ID, recoveryHashes(codes)); err != nil {
		return err
	}
	s.audit(r, u.ID, "", "twofactor.recovery_renewed", nil)
	s.render(w, r, http.StatusOK, pages.RecoveryCodes(s.globals(w, r), pages.RecoveryCodesView{Codes: codes}))
	return nil
}

// disableTwoFactor removes the second factor after checking the password, unless an organisation
// of the user requires it.
func (s *Server) disableTwoFactor(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	f := formFrom(r, "disable_password")
	if !u.TwoFactor {
		http.Redirect(w, r, "/account/2fa", http.StatusSeeOther) // nothing to turn off
		return nil
	}
	required, err := s.st.RequiresTwoFactor(r.Context(), u.ID)
	if err != nil {
		return err
	}
	if required {
		f.Fail("disable_password", "twofactor.disable.required")
		return s.renderTwoFactor(w, r, http.StatusUnprocessableEntity, f, false)
	}
	if err := s.checkCurrentPassword(r, f, "disable_password"); err != nil {
		return err
	}
	if !f.Valid() {
		return s.renderTwoFactor(w, r, http.StatusUnprocessableEntity, f, false)
	}
	if err := s.st.DisableTwoFactor(r.Context(), u.ID); err != nil {
		return err
	}
	s.audit(r, u.ID, "", "twofactor.disabled", nil)
	s.flash(w, r, "twofactor.disabled")
	http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
	return nil
}

// awaitCode keeps, in the (still anonymous) session, that u's password was right, and sends the
// visitor to the code page.
func (s *Server) awaitCode(w http.ResponseWriter, r *http.Request, u account.User, next string) error {
	a := authFrom(r.Context())
	// a new session ID: whatever was known of the old one gives nothing
	if err := s.sessions.rotate(r.Context(), a.session); err != nil {
		return err
	}
	a.session.Values[keyMFAUser] = u.ID
	a.session.Values[keyMFAAt] = strconv.FormatInt(time.Now().Unix(), 10)
	a.session.Values[keyMFANext] = next
	if err := a.session.Save(r, w); err != nil {
		return err
	}
	http.Redirect(w, r, "/login/code", http.StatusSeeOther)
	return nil
}

// pendingSignIn is the user awaiting their code, if the password was checked less than mfaWindow ago.
func pendingSignIn(r *http.Request) (userID, next string, ok bool) {
	a := authFrom(r.Context())
	if a == nil || a.user != nil {
		return "", "", false
	}
	userID, _ = a.session.Values[keyMFAUser].(string)
	at, _ := a.session.Values[keyMFAAt].(string)
	next, _ = a.session.Values[keyMFANext].(string)
	sec, err := strconv.ParseInt(at, 10, 64)
	if userID == "" || err != nil || time.Since(time.Unix(sec, 0)) > mfaWindow {
		return "", "", false
	}
	return userID, localPath(next, "/orgs"), true
}

func (s *Server) showLoginCode(w http.ResponseWriter, r *http.Request) error {
	if _, _, ok := pendingSignIn(r); !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, pages.LoginCode(s.globals(w, r), pages.LoginCodeView{Form: components.NewForm()}))
	return nil
}

// loginCode checks the code (or a recovery code) of a pending sign-in, throttled like passwords,
// and signs the user in.
func (s *Server) loginCode(w http.ResponseWriter, r *http.Request) error {
	userID, next, ok := pendingSignIn(r)
	if !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	f := formFrom(r, "code")
	fail := func(status int, key string) error {
		f.Fail("code", key)
		s.render(w, r, status, pages.LoginCode(s.globals(w, r), pages.LoginCodeView{Form: f}))
		return nil
	}
	ip := postgres.Throttle{Key: "ip:" + clientIP(r), Policy: ipThrottle}
	user := postgres.Throttle{Key: "twofactor:" + userID, Policy: twoFactorThrottle}
	until, err := s.st.Attempt(r.Context(), ip, user)
	if err != nil {
		return err
	}
	if !until.IsZero() {
		return fail(http.StatusTooManyRequests, "login.throttled")
	}
	method, err := s.checkSecondFactor(r, userID, f.Get("code"))
	if errors.Is(err, account.ErrBadCode) {
		s.audit(r, userID, "", "login.twofactor_failed", nil)
		return fail(http.StatusUnprocessableEntity, "twofactor.code.wrong")
	}
	if err != nil {
		return err
	}
	if err := s.st.Forget(r.Context(), user.Key); err != nil {
		return err
	}
	if err := s.st.Refund(r.Context(), ip); err != nil {
		return err
	}
	a := authFrom(r.Context())
	for _, k := range []string{keyMFAUser, keyMFAAt, keyMFANext} {
		delete(a.session.Values, k)
	}
	if err := s.signIn(w, r, userID); err != nil {
		return err
	}
	s.audit(r, userID, "", "login", map[string]any{"second_factor": method})
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// checkSecondFactor accepts a current TOTP code not used before, or an unused recovery code.
func (s *Server) checkSecondFactor(r *http.Request, userID, code string) (method string, err error) {
	tf, err := s.st.TwoFactorOf(r.Context(), userID)
	if err != nil {
		return "", err
	}
	if n := account.NormaliseRecoveryCode(code); len(n) == 10 {
		return "recovery_code", s.st.UseRecoveryCode(r.Context(), userID, account.RecoveryCodeHash(n))
	}
	secret, err := s.box.Open(tf.SealedSecret, userID)
	if err != nil {
		// sealed under another session key: only a recovery code, or an administrator, helps now
		s.log.ErrorContext(r.Context(), "TOTP secret unreadable (was AIGRID_SESSION_KEY changed?)", "user", userID, "err", err)
		return "", account.ErrBadCode
	}
	step, err := account.CheckTOTP(secret, code, time.Now(), tf.LastStep)
	if err != nil {
		return "", err
	}
	return "totp", s.st.UseTOTPStep(r.Context(), userID, step)
}
