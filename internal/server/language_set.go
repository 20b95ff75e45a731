package server

import (
	"net/http"

	"aigrid/internal/i18n"
)

// setLanguage stores the visitor's language choice in a cookie and goes back to the page.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) error {
	lang, ok := i18n.Parse(r.PostFormValue("lang"))
	if !ok {
		lang = i18n.FromRequest(r)
	}
	http.SetCookie(w, &http.Cookie{
		Name: i18n.CookieName, Value: string(lang), Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: s.cfg.Secure(), SameSite: http.SameSiteLaxMode,
	})
	if u := currentUser(r); u != nil {
		if err := s.st.UpdateProfile(r.Context(), u.ID, u.Name, string(lang)); err != nil {
			return err
		}
	}
	http.Redirect(w, r, localPath(r.PostFormValue("next"), "/"), http.StatusSeeOther)
	return nil
}
