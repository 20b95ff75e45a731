package server

import (
	"encoding/json"
	"net/http"
	"time"

	"aigrid/internal/account"
	"aigrid/internal/assessment"
	"aigrid/internal/postgres"
	"aigrid/internal/scoring"
	"aigrid/web/pages"
)

// resultsReads is what the results page reads with its assessment.
var resultsReads = postgres.Reads{Actions: true, ApprovedReport: true}

// showResults scores an assessment on the fly (answers are stored, scores are computed), explains
// the scores and lists recommendations; ticking recommendations (a GET form, no state change)
// shows the projected scores.
func (s *Server) showResults(w http.ResponseWriter, r *http.Request) error {
	m := currentMembership(r)
	av, err := s.pageAssessment(r, resultsReads)
	if err != nil {
		return err
	}
	a := av.Assessment
	notePageVersion(r, a)
	qn, err := s.questionnaireFor(a)
	if err != nil {
		return err
	}
	d, err := s.derive(r.Context(), qn, a) // the scores of the assessment's revision: no answer read
	if err != nil {
		return err
	}
	values := d.values
	report, recs := d.scored()
	v := pages.ResultsView{Questionnaire: qn, Assessment: a, Report: report, Recommendations: recs, Adopted: map[string]bool{},
		Screening: d.screened(time.Now())}
	v.Plan = assessment.Summary(av.Actions, time.Now().UTC())
	if av.ApprovedReport != nil {
		var frozen scoring.Report
		if err := json.Unmarshal(av.ApprovedReport, &frozen); err != nil {
			return err
		}
		v.Approved = &frozen
	}
	v.CanEdit = m.Role.Can(account.PermEdit)
	v.Kept = &d.html // the scores and recommendations of this revision, rendered once
	if adopt := r.URL.Query()["adopt"]; len(adopt) > 0 {
		for _, id := range adopt {
			v.Adopted[id] = true
		}
		projected := scoring.WhatIf(qn, d.profile, values, adopt)
		v.Projected = &projected
	}
	s.render(w, r, http.StatusOK, pages.Results(s.globals(w, r), v))
	return nil
}

// showScoring is the public "How scores work" page.
func (s *Server) showScoring(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, pages.Scoring(s.globals(w, r), pages.ScoringView{Levels: scoring.Levels()}))
	return nil
}
