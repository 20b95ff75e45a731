package server

import (
	"net/http"

	"aigrid/internal/i18n"
	"aigrid/web/components"
)

// globals gathers the page-wide values of a request.
func (s *Server) globals(w http.ResponseWriter, r *http.Request) *components.Globals {
	g := &components.Globals{
		Lang:      i18n.FromRequest(r),
		Nonce:     nonceFrom(r.Context()),
		Path:      r.URL.Path,
		RequestID: requestIDFrom(r.Context()),
	}
	if u := currentUser(r); u != nil {
		g.User = u
		if l, ok := i18n.Parse(u.Lang); ok && !hasLangCookie(r) {
			g.Lang = l
		}
	}
	g.Membership = currentMembership(r)
	g.Flash = s.popFlash(w, r)
	if s.qn != nil {
		g.ContentVersion = s.qn.Version
	}
	return g
}

func hasLangCookie(r *http.Request) bool {
	_, err := r.Cookie(i18n.CookieName)
	return err == nil
}
