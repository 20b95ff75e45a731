package server

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"aigrid/internal/account"
	"aigrid/internal/assessment"
	"aigrid/internal/postgres"
	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
	"aigrid/web/components"
	"aigrid/web/pages"
)

// currentAssessment loads the route's assessment, within the current organisation only.
func (s *Server) currentAssessment(r *http.Request) (assessment.Assessment, error) {
	a, err := s.st.Assessment(r.Context(), currentMembership(r).Organisation.ID, chi.URLParam(r, "a"))
	notePageVersion(r, a)
	return a, err
}

// assessmentAnswers loads the route's assessment and all its answers, within the current organisation.
// One round trip for both.
func (s *Server) assessmentAnswers(r *http.Request) (assessment.Assessment, map[string]assessment.Answer, error) {
	m := currentMembership(r)
	v, err := s.st.AssessmentWith(r.Context(), m.Organisation.ID, chi.URLParam(r, "a"), m.User.ID, postgres.Reads{Answers: true})
	notePageVersion(r, v.Assessment)
	return v.Assessment, v.Answers, err
}

// assessmentOn is assessmentAnswers with the questionnaire version the assessment is answered and
// scored on (questionnaireFor).
func (s *Server) assessmentOn(r *http.Request) (assessment.Assessment, map[string]assessment.Answer, *questionnaire.Questionnaire, error) {
	a, answers, err := s.assessmentAnswers(r)
	if err != nil {
		return a, nil, nil, err
	}
	qn, err := s.questionnaireFor(a)
	return a, answers, qn, err
}

func (s *Server) assessmentPath(r *http.Request, id, rest string) string {
	return "/o/" + currentMembership(r).Organisation.ID + "/a/" + id + rest
}

// listAssessments is an organisation's home: its assessments, with search and filters.
func (s *Server) listAssessments(w http.ResponseWriter, r *http.Request) error {
	m := currentMembership(r)
	q := r.URL.Query()
	f := postgres.AssessmentFilter{Query: q.Get("q"), Status: assessment.Status(q.Get("status")), Archived: q.Get("archived") == "1"}
	switch f.Status {
	case "", assessment.Draft, assessment.InReview, assessment.Approved, assessment.Returned:
	default:
		f.Status = ""
	}
	list, err := s.st.Assessments(r.Context(), m.Organisation.ID, f)
	if err != nil {
		return err
	}
	ids := make([]string, len(list))
	for i, a := range list {
		ids[i] = a.ID
	}
	answers, err := s.st.AnswersOf(r.Context(), m.Organisation.ID, ids)
	if err != nil {
		return err
	}
	members, err := s.st.Members(r.Context(), m.Organisation.ID)
	if err != nil {
		return err
	}
	v := pages.AssessmentsView{Query: f.Query, Status: string(f.Status), Archived: f.Archived, Members: len(members)}
	for _, a := range list {
		qn, err := s.questionnaireFor(a)
		if err != nil {
			// listed without progress or score; its own pages say which version is missing
			v.Rows = append(v.Rows, pages.AssessmentRow{Assessment: a})
			continue
		}
		ov := assessment.Summarise(qn, a.Profile, answers[a.ID])
		v.Rows = append(v.Rows, pages.AssessmentRow{Assessment: a, Progress: ov.Total,
			Report: s.score(qn, a.Profile, assessment.Values(answers[a.ID]))})
	}
	s.render(w, r, http.StatusOK, pages.Assessments(s.globals(w, r), v))
	return nil
}

// parseAssessmentForm reads the name, description and profile of an assessment on qn.
func (s *Server) parseAssessmentForm(r *http.Request, qn *questionnaire.Questionnaire) (*components.Form, assessment.Assessment, map[string][]string) {
	f := formFrom(r, "name", "description")
	requireText(f, "name", "assessment.system.missing", 200)
	if len([]rune(f.Get("description"))) > 2000 {
		f.Fail("description", "form.too_long")
	}
	a := assessment.Assessment{SystemName: f.Get("name"), Description: f.Get("description"), Profile: questionnaire.Profile{}}
	multi := map[string][]string{}
	for _, pq := range qn.Profile {
		var chosen []string
		for _, v := range r.PostForm["p."+pq.ID] {
			if pq.Option(v) != nil && !slices.Contains(chosen, v) {
				chosen = append(chosen, v)
			}
		}
		if !pq.Kind.Multiple() && len(chosen) > 1 {
			chosen = chosen[:1]
		}
		if len(chosen) > 0 {
			a.Profile[pq.ID] = chosen
			f.Values["p."+pq.ID] = chosen[0]
		}
		multi[pq.ID] = chosen
		if pq.Required && len(chosen) == 0 {
			f.Fail("p."+pq.ID, "profile.required")
		}
	}
	return f, a, multi
}

func profileForm(a assessment.Assessment) (*components.Form, map[string][]string) {
	f := components.NewForm()
	f.Values["name"], f.Values["description"] = a.SystemName, a.Description
	multi := map[string][]string{}
	for id, vals := range a.Profile {
		multi[id] = vals
		if len(vals) > 0 {
			f.Values["p."+id] = vals[0]
		}
	}
	return f, multi
}

func (s *Server) showNewAssessment(w http.ResponseWriter, r *http.Request) error {
	f, multi := profileForm(assessment.Assessment{})
	s.render(w, r, http.StatusOK, pages.AssessmentForm(s.globals(w, r), pages.AssessmentFormView{
		Questionnaire: s.qn, Form: f, Multi: multi, Action: currentOrgPath(r, "/assessments"), Submit: "assessment.create"}))
	return nil
}

func currentOrgPath(r *http.Request, rest string) string {
	return "/o/" + currentMembership(r).Organisation.ID + rest
}

func (s *Server) createAssessment(w http.ResponseWriter, r *http.Request) error {
	m := currentMembership(r)
	f, a, multi := s.parseAssessmentForm(r, s.qn)
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, pages.AssessmentForm(s.globals(w, r), pages.AssessmentFormView{
			Questionnaire: s.qn, Form: f, Multi: multi, Action: currentOrgPath(r, "/assessments"), Submit: "assessment.create"}))
		return nil
	}
	a.ContentVersion = s.qn.Version
	created, err := s.st.CreateAssessment(r.Context(), m.Organisation.ID, m.User.ID, a)
	if err != nil {
		return err
	}
	http.Redirect(w, r, s.assessmentPath(r, created.ID, "/s/"+s.qn.Sections()[0].ID), http.StatusSeeOther)
	return nil
}

func (s *Server) showProfile(w http.ResponseWriter, r *http.Request) error {
	a, err := s.currentAssessment(r)
	if err != nil {
		return err
	}
	if !a.Status.Editable() || a.ArchivedAt != nil {
		return errForbidden
	}
	qn, err := s.questionnaireFor(a)
	if err != nil {
		return err
	}
	f, multi := profileForm(a)
	s.render(w, r, http.StatusOK, pages.AssessmentForm(s.globals(w, r), pages.AssessmentFormView{
		Questionnaire: qn, Form: f, Multi: multi, Action: s.assessmentPath(r, a.ID, "/profile"), Submit: "assessment.edit_profile"}))
	return nil
}

// updateAssessmentProfile saves the profile. A change that would hide answered questions is shown
// first and saved only once confirmed; the hidden answers are kept and come back if the questions
// apply again.
func (s *Server) updateAssessmentProfile(w http.ResponseWriter, r *http.Request) error {
	m := currentMembership(r)
	a, answers, qn, err := s.assessmentOn(r)
	if err != nil {
		return err
	}
	f, next, multi := s.parseAssessmentForm(r, qn)
	view := pages.AssessmentFormView{Questionnaire: qn, Form: f, Multi: multi, Action: s.assessmentPath(r, a.ID, "/profile"), Submit: "assessment.edit_profile"}
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, pages.AssessmentForm(s.globals(w, r), view))
		return nil
	}
	if hidden := assessment.HiddenAnswered(qn, a.Profile, next.Profile, answers); len(hidden) > 0 && r.PostFormValue("confirm") != "1" {
		view.Hidden = hidden
		s.render(w, r, http.StatusOK, pages.AssessmentForm(s.globals(w, r), view))
		return nil
	}
	if err := s.st.UpdateAssessment(r.Context(), m.Organisation.ID, a.ID, m.User.ID, next); err != nil {
		return workflowError(err)
	}
	s.flash(w, r, "profile.saved")
	http.Redirect(w, r, s.assessmentPath(r, a.ID, "/"), http.StatusSeeOther)
	return nil
}

// workflowError maps a refused change to 403 (read-only, archived, not permitted); others pass.
func workflowError(err error) error {
	for _, e := range []error{assessment.ErrReadOnly, assessment.ErrArchived, assessment.ErrNotPermitted} {
		if errors.Is(err, e) {
			return errForbidden
		}
	}
	return err
}

// overviewReads is what the task list reads with its assessment: where the user left off (its
// "continue" link) and the assessment's events.
var overviewReads = postgres.Reads{Position: true, Events: true}

// showAssessment is the task list of an assessment.
func (s *Server) showAssessment(w http.ResponseWriter, r *http.Request) error {
	return s.renderOverview(w, r, http.StatusOK, components.NewForm())
}

func (s *Server) renderOverview(w http.ResponseWriter, r *http.Request, status int, f *components.Form) error {
	m := currentMembership(r)
	av, err := s.pageAssessment(r, overviewReads)
	if err != nil {
		return err
	}
	a, pos, events := av.Assessment, av.Position, av.Events
	notePageVersion(r, a)
	qn, err := s.questionnaireFor(a)
	if err != nil {
		return err
	}
	d, err := s.derive(r.Context(), qn, a)
	if err != nil {
		return err
	}
	ov := d.overview()
	v := pages.OverviewView{
		Questionnaire: qn, Assessment: a, Overview: ov, Continue: s.assessmentPath(r, a.ID, "/s/"+resumeAt(qn, ov, pos)),
		Transitions: assessment.Available(a.Status, m.Role), Events: events, Form: f, DontKnow: map[string]bool{},
	}
	if to := s.moveTarget(a); to != nil && a.Status.Editable() && a.ArchivedAt == nil && m.Role.Can(account.PermEdit) {
		v.MoveTo = to.Version
	}
	for id, vals := range d.values {
		if q := qn.Question(id); q != nil && ov.Visible[id] && slices.Contains(vals, questionnaire.OptionDontKnow) {
			v.DontKnow[q.Section.ID] = true
		}
	}
	if v.SelfApproval, err = s.selfApproval(r, a, v.Transitions); err != nil {
		return err
	}
	s.render(w, r, status, pages.Overview(s.globals(w, r), v))
	return nil
}

// selfApproval tells whether approving would be the current member's own submission, and whether
// the organisation allows it, so that the page explains instead of offering a refused button. The
// store decides again when approving.
func (s *Server) selfApproval(r *http.Request, a assessment.Assessment, available []assessment.Transition) (pages.SelfApproval, error) {
	m := currentMembership(r)
	if !slices.Contains(available, assessment.Approve) {
		return pages.NotSelfApproval, nil
	}
	submitter, err := s.st.Submitter(r.Context(), m.Organisation.ID, a.ID)
	if err != nil || submitter != m.User.ID {
		return pages.NotSelfApproval, err
	}
	o, err := s.st.Organisation(r.Context(), m.Organisation.ID)
	if err != nil {
		return pages.NotSelfApproval, err
	}
	if _, err := assessment.SelfApproval(assessment.Approve, m.User.ID, submitter, o.AllowSelfApproval); err != nil {
		return pages.SelfApprovalRefused, nil
	}
	return pages.SelfApprovalAllowed, nil
}

// resumeAt is the step to continue at: where the user left off, else the first step with
// unanswered questions, else the first step.
func resumeAt(qn *questionnaire.Questionnaire, ov assessment.Overview, position string) string {
	if position != "" && qn.Section(position) != nil {
		return position
	}
	for _, sec := range qn.Sections() {
		if p := ov.Sections[sec.ID]; p.Applicable > 0 && !p.Done() {
			return sec.ID
		}
	}
	return qn.Sections()[0].ID
}

// transition moves the assessment through the review workflow.
func (s *Server) transition(w http.ResponseWriter, r *http.Request) error {
	m := currentMembership(r)
	a, err := s.currentAssessment(r)
	if err != nil {
		return err
	}
	t := assessment.Transition(r.PostFormValue("transition"))
	field := "comment." + string(t)
	comment := strings.TrimSpace(r.PostFormValue(field))
	refuse := func(status int, name, msgKey string) error {
		f := components.NewForm()
		f.Values[field] = comment
		f.Fail(name, msgKey)
		return s.renderOverview(w, r, status, f)
	}
	if badField(r, field) {
		// only return and approve show a comment box: for the others the error goes to the section
		if t != assessment.Return && t != assessment.Approve {
			return refuse(http.StatusUnprocessableEntity, "transition", "form.invalid_text")
		}
		return refuse(http.StatusUnprocessableEntity, field, "form.invalid_text")
	}
	var snapshot any
	if t == assessment.Approve {
		// freeze the score as approved: later content or model versions will not change it
		_, answers, qn, err := s.assessmentOn(r)
		if err != nil {
			return err
		}
		snapshot = scoring.Score(qn, a.Profile, assessment.Values(answers))
	}
	_, err = s.st.Transition(r.Context(), m.Organisation.ID, a.ID, m.User.ID, m.Role, clientIP(r), t, comment, snapshot)
	switch {
	case errors.Is(err, assessment.ErrCommentMissing):
		return refuse(http.StatusUnprocessableEntity, field, "workflow.comment_missing")
	case errors.Is(err, assessment.ErrBadTransition):
		return refuse(http.StatusUnprocessableEntity, "transition", "workflow.not_allowed")
	case errors.Is(err, assessment.ErrSelfApproval):
		// separation of duties: a permission refusal (403), explained on the page
		return refuse(http.StatusForbidden, "transition", "workflow.self_approval")
	case err != nil:
		return workflowError(err)
	}
	s.flash(w, r, "workflow.done."+string(t))
	http.Redirect(w, r, s.assessmentPath(r, a.ID, "/"), http.StatusSeeOther)
	return nil
}

func (s *Server) showReview(w http.ResponseWriter, r *http.Request) error {
	m := currentMembership(r)
	a, answers, qn, err := s.assessmentOn(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, pages.Review(s.globals(w, r), pages.ReviewView{
		Questionnaire: qn, Assessment: a, Overview: assessment.Summarise(qn, a.Profile, answers), Answers: answers,
		CanSubmit: slices.Contains(assessment.Available(a.Status, m.Role), assessment.Submit) && a.ArchivedAt == nil,
	}))
	return nil
}

// historyPage is how many changes a page of the history shows.
const historyPage = 50

func (s *Server) showHistory(w http.ResponseWriter, r *http.Request) error {
	m := currentMembership(r)
	a, err := s.currentAssessment(r)
	if err != nil {
		return err
	}
	qn, err := s.questionnaireFor(a)
	if err != nil {
		return err
	}
	qid := r.URL.Query().Get("q")
	q := qn.Question(qid)
	if q == nil {
		qid = ""
	}
	changes, err := s.st.History(r.Context(), m.Organisation.ID, a.ID, qid)
	if err != nil {
		return err
	}
	v := pages.HistoryView{Questionnaire: qn, Assessment: a, Question: q, Total: len(changes)}
	v.Pages = max(1, (len(changes)+historyPage-1)/historyPage)
	v.Page, _ = strconv.Atoi(r.URL.Query().Get("page"))
	v.Page = min(max(v.Page, 1), v.Pages)
	v.Changes = changes[(v.Page-1)*historyPage : min(v.Page*historyPage, len(changes))]
	s.render(w, r, http.StatusOK, pages.History(s.globals(w, r), v))
	return nil
}

func (s *Server) duplicateAssessment(w http.ResponseWriter, r *http.Request) error {
	m := currentMembership(r)
	a, err := s.currentAssessment(r)
	if err != nil {
		return err
	}
	id, err := s.st.Duplicate(r.Context(), m.Organisation.ID, a.ID, m.User.ID)
	if err != nil {
		return err
	}
	s.flash(w, r, "assessment.duplicated")
	http.Redirect(w, r, s.assessmentPath(r, id, "/"), http.StatusSeeOther)
	return nil
}

func (s *Server) archiveAssessment(archived bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		m := currentMembership(r)
		if err := s.st.SetArchived(r.Context(), m.Organisation.ID, chi.URLParam(r, "a"), m.User.ID, archived); err != nil {
			return err
		}
		if archived {
			s.flash(w, r, "assessment.archived.done")
		} else {
			s.flash(w, r, "assessment.restored")
		}
		http.Redirect(w, r, s.assessmentPath(r, chi.URLParam(r, "a"), "/"), http.StatusSeeOther)
		return nil
	}
}

func (s *Server) confirmDeleteAssessment(w http.ResponseWriter, r *http.Request) error {
	a, err := s.currentAssessment(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, pages.DeleteAssessment(s.globals(w, r), pages.DeleteView{Assessment: a}))
	return nil
}

func (s *Server) deleteAssessment(w http.ResponseWriter, r *http.Request) error {
	m := currentMembership(r)
	a, err := s.currentAssessment(r)
	if err != nil {
		return err
	}
	if err := s.st.DeleteAssessment(r.Context(), m.Organisation.ID, a.ID); err != nil {
		return err
	}
	s.audit(r, "", m.Organisation.ID, "assessment.delete", map[string]any{"assessment": a.ID, "name": a.SystemName})
	s.flash(w, r, "assessment.deleted")
	http.Redirect(w, r, currentOrgPath(r, "/"), http.StatusSeeOther)
	return nil
}
