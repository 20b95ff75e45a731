package server

import (
	"aigrid/internal/account"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"aigrid/internal/assessment"
	"aigrid/internal/postgres"
	"aigrid/internal/questionnaire"
	"aigrid/web/components"
	"aigrid/web/pages"
)

// stepContext is what a step page needs, loaded once per request.
type stepContext struct {
	a       assessment.Assessment
	sec     *questionnaire.Section
	answers map[string]assessment.Answer
	ov      assessment.Overview
}

func (s *Server) loadStep(r *http.Request) (stepContext, error) {
	m := currentMembership(r)
	var sc stepContext
	var err error
	if sc.a, err = s.currentAssessment(r); err != nil {
		return sc, err
	}
	if sc.sec = s.qn.Section(chi.URLParam(r, "section")); sc.sec == nil {
		return sc, errNotFound
	}
	if sc.answers, err = s.st.Answers(r.Context(), m.Organisation.ID, sc.a.ID); err != nil {
		return sc, err
	}
	sc.ov = assessment.Summarise(s.qn, sc.a.Profile, sc.answers)
	return sc, nil
}

func (s *Server) stepView(r *http.Request, sc stepContext) pages.StepView {
	v := pages.StepView{Questionnaire: s.qn, Assessment: sc.a, Overview: sc.ov, Section: sc.sec, Errors: components.NewForm(),
		Editable: sc.a.Status.Editable() && sc.a.ArchivedAt == nil && currentMembership(r).Role.Can(account.PermEdit)}
	secs := s.qn.Sections()
	for i, x := range secs {
		if x == sc.sec {
			if i > 0 {
				v.Prev = secs[i-1]
			}
			if i+1 < len(secs) {
				v.Next = secs[i+1]
			}
		}
	}
	for _, q := range sc.ov.VisibleQuestions(sc.sec) {
		a := sc.answers[q.ID]
		v.Questions = append(v.Questions, pages.QuestionView{Q: q, Answer: a, Revision: a.Revision})
	}
	return v
}

// showStep shows one step and remembers it as where the user left off.
func (s *Server) showStep(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadStep(r)
	if err != nil {
		return err
	}
	if err := s.st.SetPosition(r.Context(), sc.a.ID, currentMembership(r).User.ID, sc.sec.ID); err != nil {
		return err
	}
	v := s.stepView(r, sc)
	if stashed := s.takeStash(w, r); stashed != nil {
		// answers typed before the session expired: shown again, not saved until the user saves
		in := parseStep(&http.Request{PostForm: stashed}, sc.ov.VisibleQuestions(sc.sec))
		for i, qv := range v.Questions {
			if sub, ok := in[qv.Q.ID]; ok {
				v.Questions[i].Answer, v.Questions[i].Revision = sub.answer, sub.revision
			}
		}
		v.Restored = true
	}
	s.render(w, r, http.StatusOK, pages.Step(s.globals(w, r), v))
	return nil
}

// takeStash returns (and forgets) the answers stashed for this page when the session expired.
func (s *Server) takeStash(w http.ResponseWriter, r *http.Request) url.Values {
	a := authFrom(r.Context())
	if a == nil || a.session.Values[keyStashPath] != r.URL.Path {
		return nil
	}
	raw, _ := a.session.Values[keyStash].(string)
	delete(a.session.Values, keyStash)
	delete(a.session.Values, keyStashPath)
	if err := a.session.Save(r, w); err != nil {
		s.log.ErrorContext(r.Context(), "clear stash", "err", err)
	}
	vals, err := url.ParseQuery(raw)
	if err != nil {
		return nil
	}
	return vals
}

// submitted is one question's answer as typed, with the revision it was based on.
type submitted struct {
	answer   assessment.Answer
	revision int
	theirs   bool // the user chose the other person's answer in a conflict
}

// parseStep reads the answers of the questions the page showed (a question is only touched if its
// revision field came back, so a question the user never saw is never blanked).
func parseStep(r *http.Request, qs []*questionnaire.Question) map[string]submitted {
	out := map[string]submitted{}
	for _, q := range qs {
		rev, ok := r.PostForm["r."+q.ID]
		if !ok {
			continue
		}
		n, _ := strconv.Atoi(strings.TrimSpace(strings.Join(rev, "")))
		a := assessment.Answer{QuestionID: q.ID, Values: r.PostForm["a."+q.ID], Comment: r.PostFormValue("c." + q.ID),
			Justification: r.PostFormValue("j." + q.ID)}
		titles, links := r.PostForm["et."+q.ID], r.PostForm["el."+q.ID]
		for i := range max(len(titles), len(links)) {
			var e assessment.Evidence
			if i < len(titles) {
				e.Title = titles[i]
			}
			if i < len(links) {
				e.Link = links[i]
			}
			a.Evidence = append(a.Evidence, e)
		}
		out[q.ID] = submitted{answer: a, revision: n, theirs: r.PostFormValue("k."+q.ID) == "theirs"}
	}
	return out
}

// autosaveResult is the JSON answer to a background save.
type autosaveResult struct {
	Saved     bool              `json:"saved"`
	Revisions map[string]int    `json:"revisions,omitempty"`
	Errors    map[string]string `json:"errors,omitempty"`
	Conflicts []string          `json:"conflicts,omitempty"`
}

// saveStep saves a step in one transaction. Invalid answers re-render the step with what was typed
// and an error summary, saving nothing; answers changed meanwhile by someone else are shown side by
// side so the user chooses. With "Accept: application/json" (the autosave script), it answers JSON.
func (s *Server) saveStep(w http.ResponseWriter, r *http.Request) error {
	m := currentMembership(r)
	sc, err := s.loadStep(r)
	if err != nil {
		return err
	}
	if !sc.a.Status.Editable() || sc.a.ArchivedAt != nil {
		return errForbidden
	}
	asJSON := strings.Contains(r.Header.Get("Accept"), "application/json")
	if err := r.ParseForm(); err != nil {
		return errNotFound
	}
	visible := sc.ov.VisibleQuestions(sc.sec)
	in := parseStep(r, visible)
	v := s.stepView(r, sc)
	var edits []postgres.Edit
	invalid := map[string]string{}
	for i, qv := range v.Questions {
		sub, ok := in[qv.Q.ID]
		if !ok {
			continue
		}
		v.Questions[i].Answer, v.Questions[i].Revision = sub.answer, sub.revision
		if sub.theirs {
			continue
		}
		clean, msg := assessment.Validate(qv.Q, sub.answer)
		if msg != "" {
			v.Questions[i].Error = msg
			v.Errors.Fail(qv.Q.ID, msg)
			invalid[qv.Q.ID] = msg
			continue
		}
		edits = append(edits, postgres.Edit{Answer: clean, Revision: sub.revision})
	}
	if len(invalid) > 0 {
		if asJSON {
			return writeJSON(w, http.StatusUnprocessableEntity, autosaveResult{Errors: invalid})
		}
		s.render(w, r, http.StatusUnprocessableEntity, pages.Step(s.globals(w, r), v))
		return nil
	}
	conflicts, err := s.st.SaveAnswers(r.Context(), m.Organisation.ID, sc.a.ID, m.User.ID, edits)
	if err != nil {
		return workflowError(err)
	}
	if len(conflicts) > 0 {
		res := autosaveResult{}
		for i, qv := range v.Questions {
			if c, ok := conflicts[qv.Q.ID]; ok {
				theirs := c.Theirs
				v.Questions[i].Theirs = &theirs
				v.Questions[i].Revision = theirs.Revision // "keep mine" then wins on the next save
				res.Conflicts = append(res.Conflicts, qv.Q.ID)
			}
		}
		if asJSON {
			return writeJSON(w, http.StatusConflict, res)
		}
		v.Conflicts = len(conflicts)
		s.render(w, r, http.StatusConflict, pages.Step(s.globals(w, r), v))
		return nil
	}

	after, err := s.st.Answers(r.Context(), m.Organisation.ID, sc.a.ID)
	if err != nil {
		return err
	}
	if asJSON {
		res := autosaveResult{Saved: true, Revisions: map[string]int{}}
		for _, q := range visible {
			res.Revisions[q.ID] = after[q.ID].Revision
		}
		return writeJSON(w, http.StatusOK, res)
	}
	// New questions may now apply in this step (an answer switched them on): stay to show them.
	newOv := assessment.Summarise(s.qn, sc.a.Profile, after)
	appeared := len(newOv.VisibleQuestions(sc.sec)) > len(visible)
	target := s.assessmentPath(r, sc.a.ID, "/s/"+sc.sec.ID)
	switch action := r.PostFormValue("action"); {
	case appeared:
		s.flash(w, r, "step.more_questions")
	case action == "next" && v.Next != nil:
		target = s.assessmentPath(r, sc.a.ID, "/s/"+v.Next.ID)
	case action == "next" || action == "leave":
		s.flash(w, r, "step.saved")
		target = s.assessmentPath(r, sc.a.ID, "/")
	case action == "prev" && v.Prev != nil:
		target = s.assessmentPath(r, sc.a.ID, "/s/"+v.Prev.ID)
	default:
		s.flash(w, r, "step.saved")
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}
