package server

import (
	"net/http"

	"aigrid/internal/assessment"
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
		g.ContentVersion, g.LatestVersion = s.qn.Version, s.qn.Version
	}
	// the pages of an assessment name the version it is answered on, which can be older
	if pv, _ := r.Context().Value(pageVersionKey{}).(*pageVersion); pv != nil {
		pv.globals = append(pv.globals, g)
		if pv.version != "" {
			g.ContentVersion = pv.version
		}
	}
	return g
}

type pageVersionKey struct{}

// pageVersion is the questionnaire version of the assessment a request loaded, for the footer: a
// holder put in the context of every organisation page (authorise), filled by the handler when it
// loads the route's assessment (notePageVersion), before or after it made the page's globals.
type pageVersion struct {
	version string
	globals []*components.Globals // made for this request so far
}

// notePageVersion records a, the route's assessment, as the one the page shows: the footer then
// names its questionnaire version instead of the latest.
func notePageVersion(r *http.Request, a assessment.Assessment) {
	pv, _ := r.Context().Value(pageVersionKey{}).(*pageVersion)
	if pv == nil || a.ContentVersion == "" {
		return
	}
	pv.version = a.ContentVersion
	for _, g := range pv.globals {
		g.ContentVersion = a.ContentVersion
	}
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
