package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"aigrid/internal/account"
	"aigrid/internal/assessment"
	"aigrid/internal/piatool"
	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
	"aigrid/internal/screening"
	"aigrid/web/pages"
)

// screen runs the DPIA and AI Act screenings of an assessment on qn, its questionnaire version, on
// today's date (UTC).
func (s *Server) screen(qn *questionnaire.Questionnaire, a assessment.Assessment, answers map[string]assessment.Answer) screening.Result {
	return screenOn(qn, a.Profile, assessment.Values(answers), time.Now())
}

// screenOn runs the screenings as of the day of now (midnight UTC), for the pages and the exports.
func screenOn(qn *questionnaire.Questionnaire, profile questionnaire.Profile, values questionnaire.Answers, now time.Time) screening.Result {
	return screening.Screen(screening.NewInput(qn, profile, values), dayOf(now))
}

// dayOf is midnight UTC of t's day: what the screenings are computed as of.
func dayOf(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// showScreening is an assessment's compliance screening: whether a DPIA is needed, the AI Act
// classification and the obligations of the organisation's role, with the reasoning shown.
func (s *Server) showScreening(w http.ResponseWriter, r *http.Request) error {
	m := currentMembership(r)
	a, answers, qn, err := s.assessmentOn(r)
	if err != nil {
		return err
	}
	actions, err := s.st.Actions(r.Context(), m.Organisation.ID, a.ID)
	if err != nil {
		return err
	}
	v := pages.ScreeningView{Questionnaire: qn, Assessment: a, Result: s.screen(qn, a, answers), InPlan: map[string]bool{},
		CanEdit: m.Role.Can(account.PermEdit) && a.ArchivedAt == nil}
	for _, x := range actions {
		if screening.IsActionKey(x.QuestionID) {
			v.InPlan[x.QuestionID] = true
		}
	}
	s.render(w, r, http.StatusOK, pages.Screening(s.globals(w, r), v))
	return nil
}

// exportPIA downloads a pre-filled DPIA for the CNIL's PIA tool ("Import PIA" creates a new PIA
// from it): the context and fundamental principles the assessment already answers, and aigrid's
// gaps as planned measures.
func (s *Server) exportPIA(w http.ResponseWriter, r *http.Request) error {
	a, answers, qn, err := s.assessmentOn(r)
	if err != nil {
		return err
	}
	values := assessment.Values(answers)
	f := piatool.Build(piatool.Input{Questionnaire: qn, Assessment: a, Answers: answers,
		Recommendations: scoring.Recommend(qn, a.Profile, values), Screening: s.screen(qn, a, answers),
		Lang: questionnaire.Lang(s.globals(w, r).Lang), Now: time.Now()})
	m := currentMembership(r)
	s.audit(r, "", m.Organisation.ID, "assessment.export", map[string]any{"assessment": a.ID, "format": "pia"})
	attachment(w, fmt.Sprintf("%s-v%d-pia", a.SystemName, a.Version), "json", "application/json")
	return json.NewEncoder(w).Encode(f)
}
