package server

import (
	"net/http"

	"aigrid/internal/i18n"
	"aigrid/web/components"
)

// globals gathers the page-wide values of a request.
func (s *Server) globals(r *http.Request) *components.Globals {
	g := &components.Globals{
		Lang:      i18n.FromRequest(r),
		Nonce:     nonceFrom(r.Context()),
		Path:      r.URL.Path,
		RequestID: requestIDFrom(r.Context()),
	}
	if s.qn != nil {
		g.ContentVersion = s.qn.Version
	}
	return g
}
