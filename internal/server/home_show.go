package server

import (
	"net/http"

	"aigrid/web/pages"
)

// showHome renders the home page.
func (s *Server) showHome(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, pages.Home(s.globals(w, r), pages.HomeView{Questionnaire: s.qn}))
	return nil
}

// showAbout renders the introduction to the questionnaire.
func (s *Server) showAbout(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, pages.About(s.globals(w, r), pages.AboutView{Questionnaire: s.qn}))
	return nil
}
