package server

import (
	"net/http"
	"time"

	"aigrid/internal/account"
	"aigrid/internal/assessment"
	"aigrid/internal/screening"
	"aigrid/web/pages"
)

// screen runs the DPIA and AI Act screenings of an assessment on today's date (UTC).
func (s *Server) screen(a assessment.Assessment, answers map[string]assessment.Answer) screening.Result {
	now := time.Now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	return screening.Screen(screening.NewInput(s.qn, a.Profile, assessment.Values(answers)), today)
}

// showScreening is an assessment's compliance screening: whether a DPIA is needed, the AI Act
// classification and the obligations of the organisation's role, with the reasoning shown.
func (s *Server) showScreening(w http.ResponseWriter, r *http.Request) error {
	m := currentMembership(r)
	a, answers, err := s.assessmentAnswers(r)
	if err != nil {
		return err
	}
	actions, err := s.st.Actions(r.Context(), m.Organisation.ID, a.ID)
	if err != nil {
		return err
	}
	v := pages.ScreeningView{Questionnaire: s.qn, Assessment: a, Result: s.screen(a, answers), InPlan: map[string]bool{},
		CanEdit: m.Role.Can(account.PermEdit) && a.ArchivedAt == nil}
	for _, x := range actions {
		if screening.IsActionKey(x.QuestionID) {
			v.InPlan[x.QuestionID] = true
		}
	}
	s.render(w, r, http.StatusOK, pages.Screening(s.globals(w, r), v))
	return nil
}
