package server

import (
	"net/http"

	"aigrid/internal/i18n"
	"aigrid/web/components"
)

// globals gathers the page-wide values of a request.
func (s *Server) globals(w http.ResponseWriter, r *http.Request) *components.Globals {
	g := &components.Globals{
		Lang:      langOf(r),
		Nonce:     nonceFrom(r.Context()),
		Path:      r.URL.EscapedPath(), // written into the page: bytes a URL may carry and HTML may not stay escaped
		RequestID: requestIDFrom(r.Context()),
		User:      currentUser(r),
	}
	g.Membership = currentMembership(r)
	g.Flash = s.popFlash(w, r)
	if s.qn != nil {
		g.ContentVersion = s.qn.Version
	}
	return g
}

// langOf is the language of the response: the visitor's choice (cookie), else the signed-in user's
// preference, else what the browser asks for.
func langOf(r *http.Request) i18n.Lang {
	if u := currentUser(r); u != nil && !hasLangCookie(r) {
		if l, ok := i18n.Parse(u.Lang); ok {
			return l
		}
	}
	return i18n.FromRequest(r)
}

func hasLangCookie(r *http.Request) bool {
	_, err := r.Cookie(i18n.CookieName)
	return err == nil
}
