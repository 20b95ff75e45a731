package server

import (
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"aigrid/internal/assessment"
	"aigrid/internal/postgres"
	"aigrid/internal/questionnaire"
	"aigrid/internal/screening"
	"aigrid/web/components"
	"aigrid/web/pages"
)

func (s *Server) renderActions(w http.ResponseWriter, r *http.Request, status int, v pages.ActionsView) error {
	m := currentMembership(r)
	a, err := s.currentAssessment(r)
	if err != nil {
		return err
	}
	qn, err := s.questionnaireFor(a)
	if err != nil {
		return err
	}
	v.Questionnaire, v.Assessment, v.Now = qn, a, time.Now().UTC()
	if v.Actions, err = s.st.Actions(r.Context(), m.Organisation.ID, a.ID); err != nil {
		return err
	}
	if v.Members, err = s.st.Members(r.Context(), m.Organisation.ID); err != nil {
		return err
	}
	d, err := s.derive(r.Context(), qn, a)
	if err != nil {
		return err
	}
	_, v.Recommendations = d.scored()
	v.Summary = assessment.Summary(v.Actions, v.Now)
	if len(v.Recommendations) == 0 && v.Form != nil && !v.Form.Valid() {
		// the page shows no form to add an action, so errors can only point at that sentence
		v.Form = components.NewForm()
		v.Form.Fail("question", "actions.recommendation.missing")
	}
	if v.Form == nil {
		v.Form = components.NewForm()
		v.Form.Values["question"], v.Form.Values["status"] = r.URL.Query().Get("q"), string(assessment.ActionTodo)
	}
	if v.EditForm == nil {
		v.EditForm = components.NewForm()
	}
	s.render(w, r, status, pages.Actions(s.globals(w, r), v))
	return nil
}

func (s *Server) showActions(w http.ResponseWriter, r *http.Request) error {
	return s.renderActions(w, r, http.StatusOK, pages.ActionsView{})
}

// parseAction reads an action form: owner, due date, status and the reason a "won't do" needs.
func parseAction(r *http.Request) (*components.Form, postgres.ActionInput) {
	f := formFrom(r, "question", "title", "owner", "due", "status", "reason")
	in := postgres.ActionInput{QuestionID: f.Get("question"), Title: f.Get("title"), OwnerID: f.Get("owner"),
		Status: assessment.ActionStatus(f.Get("status")), Reason: f.Get("reason")}
	if d := f.Get("due"); d != "" {
		t, err := time.Parse("2006-01-02", d)
		if err != nil {
			f.Fail("due", "actions.due.invalid")
		} else {
			in.DueOn = &t
		}
	}
	if !in.Status.Valid() {
		in.Status = assessment.ActionTodo
	}
	if in.Status == assessment.ActionWontDo && in.Reason == "" {
		f.Fail("reason", "actions.reason.missing")
	}
	if utf8.RuneCountInString(in.Title) > 500 || utf8.RuneCountInString(in.Reason) > 2000 {
		f.Fail("title", "form.too_long")
	}
	return f, in
}

// createAction turns a recommendation into an action of the plan.
func (s *Server) createAction(w http.ResponseWriter, r *http.Request) error {
	m := currentMembership(r)
	f, in := parseAction(r)
	lang := questionnaire.Lang(s.globals(w, r).Lang)
	a, answers, qn, err := s.assessmentOn(r)
	if err != nil {
		return err
	}
	if screening.IsActionKey(in.QuestionID) {
		// an obligation or the DPIA from the compliance screening, as it stands now
		if act, ok := s.screen(qn, a, answers).Action(in.QuestionID); !ok {
			f.Fail("question", "actions.recommendation.missing")
		} else if in.Title == "" {
			in.Title = act.Title.In(lang)
		}
	} else if q := qn.Question(in.QuestionID); q == nil || q.Recommendation == nil {
		f.Fail("question", "actions.recommendation.missing")
	} else if in.Title == "" {
		in.Title = strings.TrimSuffix(q.Recommendation.Text.In(lang), ".")
	}
	if !f.Valid() {
		return s.renderActions(w, r, http.StatusUnprocessableEntity, pages.ActionsView{Form: f})
	}
	if _, err := s.st.CreateAction(r.Context(), m.Organisation.ID, chi.URLParam(r, "a"), m.User.ID, in); err != nil {
		return err
	}
	s.flash(w, r, "actions.added")
	http.Redirect(w, r, s.assessmentPath(r, chi.URLParam(r, "a"), "/actions"), http.StatusSeeOther)
	return nil
}

// updateAction changes an action; marking it done can, on confirmation, set the linked answer to
// its best option ("in place").
func (s *Server) updateAction(w http.ResponseWriter, r *http.Request) error {
	m := currentMembership(r)
	id := chi.URLParam(r, "a")
	actionID := chi.URLParam(r, "action")
	actions, err := s.st.Actions(r.Context(), m.Organisation.ID, id)
	if err != nil {
		return err
	}
	var current *assessment.Action
	for i := range actions {
		if actions[i].ID == actionID {
			current = &actions[i]
		}
	}
	if current == nil {
		return errNotFound
	}
	f, in := parseAction(r)
	in.QuestionID, in.Title = current.QuestionID, current.Title
	if !f.Valid() {
		return s.renderActions(w, r, http.StatusUnprocessableEntity, pages.ActionsView{Editing: actionID, EditForm: f})
	}
	if err := s.st.UpdateAction(r.Context(), m.Organisation.ID, id, actionID, in); err != nil {
		return err
	}
	msg := "actions.updated"
	if in.Status == assessment.ActionDone && r.PostFormValue("apply") == "1" {
		msg, err = s.applyAction(r, id, current.QuestionID)
		if err != nil {
			return err
		}
	}
	s.flash(w, r, msg)
	http.Redirect(w, r, s.assessmentPath(r, id, "/actions"), http.StatusSeeOther)
	return nil
}

// applyAction sets the question's answer to its best option, if the assessment can still change.
func (s *Server) applyAction(r *http.Request, id, questionID string) (string, error) {
	m := currentMembership(r)
	v, err := s.st.AssessmentWith(r.Context(), m.Organisation.ID, id, m.User.ID, postgres.Reads{Answers: true})
	if err != nil {
		return "", err
	}
	qn, err := s.questionnaireFor(v.Assessment)
	if err != nil {
		return "", err
	}
	q := qn.Question(questionID)
	if q == nil || !q.Scored() {
		return "actions.updated", nil
	}
	best := q.Options[0]
	for _, o := range q.Options {
		if o.Score != nil && best.Score != nil && *o.Score > *best.Score {
			best = o
		}
	}
	answers := v.Answers
	cur := answers[questionID]
	next := cur
	next.QuestionID, next.Values, next.Justification = questionID, []string{best.ID}, ""
	_, err = s.st.SaveAnswers(r.Context(), m.Organisation.ID, id, m.User.ID, []postgres.Edit{{Answer: next, Revision: cur.Revision}})
	if errors.Is(err, assessment.ErrReadOnly) || errors.Is(err, assessment.ErrArchived) {
		return "actions.updated_not_applied", nil
	}
	if err != nil {
		return "", err
	}
	return "actions.applied", nil
}
