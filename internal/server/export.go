package server

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"aigrid/internal/assessment"
	"aigrid/internal/export"
	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
)

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// attachment names a download after the system, safely.
func attachment(w http.ResponseWriter, name, ext, contentType string) {
	base := strings.Trim(unsafeFileChars.ReplaceAllString(name, "-"), "-")
	if base == "" {
		base = "assessment"
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, base, ext))
	w.Header().Set("Cache-Control", "no-store")
}

// exportAssessment downloads an assessment's answers and results as CSV or JSON.
func (s *Server) exportAssessment(format string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		a, answers, err := s.assessmentAnswers(r)
		if err != nil {
			return err
		}
		e := export.Assessment{Questionnaire: s.qn, Assessment: a, Answers: answers, Lang: questionnaire.Lang(s.globals(w, r).Lang),
			Report: scoring.Score(s.qn, a.Profile, assessment.Values(answers))}
		m := currentMembership(r)
		s.audit(r, "", m.Organisation.ID, "assessment.export", map[string]any{"assessment": a.ID, "format": format})
		name := fmt.Sprintf("%s-v%d", a.SystemName, a.Version)
		if format == "json" {
			attachment(w, name, "json", "application/json")
			return export.WriteJSON(w, e)
		}
		attachment(w, name, "csv", "text/csv; charset=utf-8")
		return export.WriteCSV(w, e)
	}
}

// exportAll downloads the scores of every assessment of the instance (site administrators).
func (s *Server) exportAll(w http.ResponseWriter, r *http.Request) error {
	list, answers, err := s.st.AllAssessments(r.Context())
	if err != nil {
		return err
	}
	var rows []export.Summary
	for _, x := range list {
		rows = append(rows, export.Summary{Organisation: x.OrganisationName, Assessment: x.Assessment,
			Report: scoring.Score(s.qn, x.Profile, assessment.Values(answers[x.ID]))})
	}
	attachment(w, "aigrid-results", "csv", "text/csv; charset=utf-8")
	return export.WriteSummaryCSV(w, s.qn.Sheets, rows)
}
