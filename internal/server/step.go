package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"aigrid/internal/account"
	"aigrid/internal/assessment"
	"aigrid/internal/i18n"
	"aigrid/internal/postgres"
	"aigrid/internal/questionnaire"
	"aigrid/web/components"
	"aigrid/web/pages"
)

// stepContext is what a step page needs, loaded once per request.
type stepContext struct {
	a        assessment.Assessment
	qn       *questionnaire.Questionnaire // the assessment's version
	position string                       // the step the user last visited
	sec      *questionnaire.Section
	answers  answerSet // the current answers (shared: read only)
	d        *derived  // the assessment's state: answers, which questions apply, progress
	ov       assessment.Overview
}

// stepReads is what a step page reads with its assessment: where the user left off.
var stepReads = postgres.Reads{Position: true}

// loadStep reads the assessment and where the user left off in one round trip; its answers,
// which questions apply and the progress come from the state of the assessment's revision
// (derived.go), read only when this instance does not know it yet.
func (s *Server) loadStep(r *http.Request) (stepContext, error) {
	var sc stepContext
	sectionID := chi.URLParam(r, "section")
	v, err := s.pageAssessment(r, stepReads)
	if err != nil {
		return sc, err
	}
	sc.a, sc.position = v.Assessment, v.Position
	notePageVersion(r, sc.a)
	if sc.qn, err = s.questionnaireFor(sc.a); err != nil {
		return sc, err
	}
	if sc.sec = sc.qn.Section(sectionID); sc.sec == nil {
		return sc, errNotFound
	}
	if sc.d, err = s.derive(r.Context(), sc.qn, sc.a); err != nil {
		return sc, err
	}
	sc.answers, sc.ov = sc.d.answers, sc.d.overview()
	return sc, nil
}

func (s *Server) stepView(r *http.Request, sc stepContext) pages.StepView {
	v := pages.StepView{Questionnaire: sc.qn, Assessment: sc.a, Overview: sc.ov, Section: sc.sec, Errors: components.NewForm(),
		Editable: sc.a.Status.Editable() && sc.a.ArchivedAt == nil && currentMembership(r).Role.Can(account.PermEdit)}
	v.Prev, v.Next = neighbours(sc.qn, sc.ov, sc.sec)
	for _, q := range sc.ov.VisibleQuestions(sc.sec) {
		a, _ := sc.answers.get(q.ID)
		v.Questions = append(v.Questions, pages.QuestionView{Q: q, Answer: a, Revision: a.Revision, Base: a.Digest()})
	}
	return v
}

// neighbours returns the steps before and after sec that have a question applying to the
// assessment: steps where nothing applies are skipped.
func neighbours(qn *questionnaire.Questionnaire, ov assessment.Overview, sec *questionnaire.Section) (prev, next *questionnaire.Section) {
	secs := qn.Sections()
	i := slices.Index(secs, sec)
	for j := i - 1; j >= 0 && prev == nil; j-- {
		if ov.Sections[secs[j].ID].Applicable > 0 {
			prev = secs[j]
		}
	}
	for j := i + 1; j < len(secs) && next == nil; j++ {
		if ov.Sections[secs[j].ID].Applicable > 0 {
			next = secs[j]
		}
	}
	return prev, next
}

// showStep shows one step and remembers it as where the user left off: a write only when the user
// moved to another step, none when they look at the step they were at.
func (s *Server) showStep(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadStep(r)
	if err != nil {
		return err
	}
	if sc.position != sc.sec.ID {
		if err := s.st.SetPosition(r.Context(), sc.a.ID, currentMembership(r).User.ID, sc.sec.ID); err != nil {
			return err
		}
	}
	v := s.stepView(r, sc)
	if stashed := s.takeStash(w, r); stashed != nil {
		// answers typed before the session expired: shown again, not saved until the user saves
		in := parseStep(&http.Request{PostForm: stashed}, sc.ov.VisibleQuestions(sc.sec))
		for i, qv := range v.Questions {
			if sub, ok := in[qv.Q.ID]; ok {
				v.Questions[i].Answer, v.Questions[i].Revision, v.Questions[i].Base = sub.answer, sub.revision, sub.base
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
	if a == nil || a.user == nil || a.session.Values[keyStashPath] != r.URL.Path {
		return nil
	}
	raw, _ := a.session.Values[keyStash].(string)
	owner, _ := a.session.Values[keyStashUser].(string)
	delete(a.session.Values, keyStash)
	delete(a.session.Values, keyStashPath)
	delete(a.session.Values, keyStashUser)
	if err := a.session.Save(r, w); err != nil {
		s.log.ErrorContext(r.Context(), "clear stash", "err", err)
	}
	if owner != a.user.ID {
		return nil // someone else signed in on this browser: the answers are not theirs to see
	}
	vals, err := url.ParseQuery(raw)
	if err != nil {
		return nil
	}
	return vals
}

// submitted is one question's answer as typed, with what it was based on.
type submitted struct {
	answer   assessment.Answer
	revision int    // the revision of the stored answer the page showed
	base     string // Digest of the answer the page showed ("" from a page without it)
	choice   string // in a conflict: "mine", "theirs", or "" when the user did not choose
	conflict bool   // the page showed a conflict on this question
	bad      bool   // a field held bytes that cannot be stored
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
		sub := submitted{answer: a, revision: n, base: r.PostFormValue("o." + q.ID),
			choice: r.PostFormValue("k." + q.ID), conflict: r.PostFormValue("x."+q.ID) != ""}
		for _, p := range stepFieldPrefixes {
			sub.bad = sub.bad || badField(r, p+q.ID)
		}
		out[q.ID] = sub
	}
	return out
}

// autosaveResult is the JSON answer to a background save.
type autosaveResult struct {
	Saved     bool              `json:"saved"`
	Revisions map[string]int    `json:"revisions,omitempty"` // questions saved: their new revision…
	Bases     map[string]string `json:"bases,omitempty"`     // …and the digest of what is now stored
	Errors    map[string]string `json:"errors,omitempty"`    // question ID → message key…
	Messages  map[string]string `json:"messages,omitempty"`  // …and the message in the page's language
	Conflicts []string          `json:"conflicts,omitempty"`
	NotSaved  bool              `json:"not_saved,omitempty"` // a temporary failure: try again
}

// saveStep saves a step in one transaction. Only the questions this user changed from what their
// page showed are written: a colleague's answer to another question of the step is never touched.
// Invalid answers re-render the step with what was typed and an error summary, saving nothing; an
// answer the user changed that someone else changed meanwhile is shown side by side, and the user
// must choose which to keep (nothing is pre-selected). With "Accept: application/json" (the
// autosave script), it answers JSON.
func (s *Server) saveStep(w http.ResponseWriter, r *http.Request) error {
	m := currentMembership(r)
	sectionID := chi.URLParam(r, "section")
	asJSON := strings.Contains(r.Header.Get("Accept"), "application/json")
	var (
		sc      stepContext
		v       pages.StepView
		visible []*questionnaire.Question
		edits   []postgres.Edit
		invalid = map[string]string{}
	)
	if done, err := s.saveFast(w, r, sectionID, asJSON); done || err != nil {
		return err
	}
	// Read, check and write in one transaction, the assessment locked: what the answers are
	// checked against (the current answers, which questions apply) is what the save changes.
	res, err := s.st.SaveStep(r.Context(), m.Organisation.ID, chi.URLParam(r, "a"), m.User.ID, s.stepQuestions[sectionID],
		func(tx postgres.StepSave) ([]postgres.Edit, error) {
			sc = stepContext{a: tx.Assessment, answers: answerSetOf(tx.Current)}
			notePageVersion(r, sc.a)
			var err error
			if sc.qn, err = s.questionnaireFor(sc.a); err != nil {
				return nil, err
			}
			if sc.sec = sc.qn.Section(sectionID); sc.sec == nil {
				return nil, errNotFound
			}
			if sc.d, err = s.deriveWith(sc.qn, sc.a, tx.Inputs); err != nil {
				return nil, err
			}
			sc.ov = sc.d.overview()
			visible = sc.ov.VisibleQuestions(sc.sec)
			v = s.stepView(r, sc)
			edits = s.checkStep(r, &v, sc, visible, invalid)
			if len(invalid) > 0 && !asJSON {
				return nil, errStepInvalid // nothing is saved: the page shows what to fix
			}
			return edits, nil
		})
	switch {
	case errors.Is(err, errStepInvalid):
		s.metrics.saved("invalid", 0)
		s.render(w, r, http.StatusUnprocessableEntity, pages.Step(s.globals(w, r), v))
		return nil
	case errors.Is(err, assessment.ErrReadOnly), errors.Is(err, assessment.ErrArchived), errors.Is(err, postgres.ErrNotFound):
		return workflowError(err)
	case err != nil && v.Section == nil:
		return err // failed before anything was checked: the error page
	}
	// A background save keeps what is valid: one answer to fix does not hold back the others. The
	// answers to fix are listed, with their message, for the page to show beside each field.
	var messages map[string]string
	if len(invalid) > 0 {
		lang := langOf(r)
		messages = map[string]string{}
		for id, key := range invalid {
			messages[id] = i18n.T(lang, key)
		}
	}
	switch {
	case err != nil:
		// not saved (the transaction did not commit): say so, and keep what the user typed
		s.log.ErrorContext(r.Context(), "save step", "err", err, "request_id", requestIDFrom(r.Context()))
		s.metrics.saved("failed", 0)
		if asJSON {
			return writeJSON(w, http.StatusServiceUnavailable, autosaveResult{NotSaved: true})
		}
		v.NotSaved = true
		s.render(w, r, http.StatusServiceUnavailable, pages.Step(s.globals(w, r), v))
		return nil
	}
	if len(res.Conflicts) > 0 {
		s.metrics.saved("conflict", len(res.Conflicts))
		out := autosaveResult{}
		for i, qv := range v.Questions {
			if c, ok := res.Conflicts[qv.Q.ID]; ok {
				theirs := c.Theirs
				q := &v.Questions[i]
				clean, _ := assessment.Validate(qv.Q, q.Answer)
				q.Theirs, q.MineEmpty = &theirs, clean.Empty()
				// the user now sees their answer: a further change of it is a new conflict
				q.Revision, q.Base = theirs.Revision, theirs.Digest()
				out.Conflicts = append(out.Conflicts, qv.Q.ID)
			}
		}
		if asJSON {
			out.Errors, out.Messages = invalid, messages
			return writeJSON(w, http.StatusConflict, out)
		}
		v.Conflicts = len(res.Conflicts)
		s.render(w, r, http.StatusConflict, pages.Step(s.globals(w, r), v))
		return nil
	}

	written := make([]assessment.Answer, len(edits))
	for i, e := range edits {
		written[i] = e.Answer
	}
	s.saved(w, r, sc, visible, written, invalid, messages, res, asJSON)
	return nil
}

// saveFast saves a step in one round trip when this instance knows the assessment's newest state
// (it showed the page, or saved it last): the answers are checked against that state, and
// written only if the assessment is still at its revision (Store.SaveIfAt). Anything else (an
// answer to fix, a conflict, nothing changed, a state this instance does not know or that moved
// meanwhile) returns done false, having written nothing, for saveStep's transaction to handle.
func (s *Server) saveFast(w http.ResponseWriter, r *http.Request, sectionID string, asJSON bool) (done bool, err error) {
	m := currentMembership(r)
	d := s.latest(m.Organisation.ID, chi.URLParam(r, "a"))
	if d == nil {
		return false, nil
	}
	// the page is only used to read the form against (nothing is rendered from here): its status
	// and archiving are checked by SaveIfAt's statement, not by this copy
	sc := stepContext{a: assessment.Assessment{ID: d.id, OrganisationID: d.org, Status: assessment.Draft, Revision: d.rev},
		qn: d.qn, answers: d.answers, d: d, ov: d.overview()}
	if sc.sec = sc.qn.Section(sectionID); sc.sec == nil {
		return false, nil
	}
	visible := sc.ov.VisibleQuestions(sc.sec)
	v := s.stepView(r, sc)
	invalid := map[string]string{}
	edits := s.checkStep(r, &v, sc, visible, invalid)
	written := make([]assessment.Answer, 0, len(edits))
	olds := make(map[string]assessment.Answer, len(edits)) // what the written answers were
	for _, e := range edits {
		cur, exists := d.answers.get(e.Answer.QuestionID)
		switch {
		case cur.Same(e.Answer):
			continue
		case (exists && cur.Revision != e.Revision) || (!exists && e.Revision != 0):
			return false, nil // a conflict: the transaction shows it with what is current
		}
		written = append(written, e.Answer)
		if exists {
			olds[e.Answer.QuestionID] = cur
		}
	}
	if len(invalid) > 0 || len(written) == 0 {
		return false, nil
	}
	res, ok, err := s.st.SaveIfAt(r.Context(), m.Organisation.ID, d.id, m.User.ID, d.rev, written, olds)
	if err != nil || !ok {
		return false, nil // moved, or failed: the transaction decides and reports
	}
	s.saved(w, r, sc, visible, written, invalid, nil, res, asJSON)
	return true, nil
}

// saved answers a save that committed: the outcome is the transaction's, and the answers after
// it are what was there plus what was written (nothing is read again, so a committed save is
// never reported as failed).
func (s *Server) saved(w http.ResponseWriter, r *http.Request, sc stepContext, visible []*questionnaire.Question,
	written []assessment.Answer, invalid, messages map[string]string, res postgres.SaveResult, asJSON bool) {
	s.metrics.saved("saved", 0)
	state := s.after(sc.d, res.Prior, res.Revision, written, res.Revisions, currentMembership(r).User.Name)
	if asJSON {
		out := autosaveResult{Saved: true, Revisions: map[string]int{}, Bases: map[string]string{}, Errors: invalid, Messages: messages}
		for _, a := range written {
			out.Revisions[a.QuestionID], out.Bases[a.QuestionID] = res.Revisions[a.QuestionID], a.Digest()
		}
		status := http.StatusOK
		if len(invalid) > 0 {
			status = http.StatusUnprocessableEntity // saved, except the answers listed
		}
		if err := writeJSON(w, status, out); err != nil {
			s.log.DebugContext(r.Context(), "write autosave result", "err", err)
		}
		return
	}
	// New questions may now apply in this step (an answer switched them on): stay to show them.
	// "Save and leave" always leaves (the overview shows what is left); otherwise, stay to show them.
	newOv := state.overview() // kept for the page the redirect leads to
	appeared := len(newOv.VisibleQuestions(sc.sec)) > len(visible)
	prev, next := neighbours(sc.qn, newOv, sc.sec) // answers can make later steps apply, or empty them
	target := s.assessmentPath(r, sc.a.ID, "/s/"+sc.sec.ID)
	switch action := r.PostFormValue("action"); {
	case action == "leave":
		s.flash(w, r, "step.saved")
		target = s.assessmentPath(r, sc.a.ID, "/")
	case appeared:
		s.flash(w, r, "step.more_questions")
	case action == "next" && next != nil:
		target = s.assessmentPath(r, sc.a.ID, "/s/"+next.ID)
	case action == "next":
		s.flash(w, r, "step.saved")
		target = s.assessmentPath(r, sc.a.ID, "/")
	case action == "prev" && prev != nil:
		target = s.assessmentPath(r, sc.a.ID, "/s/"+prev.ID)
	default:
		s.flash(w, r, "step.saved")
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// errStepInvalid is a step with answers to fix, submitted by a form: nothing is saved.
var errStepInvalid = errors.New("step: answers to fix")

// checkStep reads the answers the page submitted for the questions that apply, puts them on the
// page v (so that a page shown again keeps what was typed), flags the invalid ones on the page and
// in invalid (question ID → message key), and returns the edits to save: the answers the user
// changed from what their page showed.
func (s *Server) checkStep(r *http.Request, v *pages.StepView, sc stepContext, visible []*questionnaire.Question, invalid map[string]string) []postgres.Edit {
	in := parseStep(r, visible)
	var edits []postgres.Edit
	fail := func(i int, msg string) {
		id := v.Questions[i].Q.ID
		v.Questions[i].Error = msg
		v.Errors.Fail(id, msg)
		invalid[id] = msg
	}
	for i, qv := range v.Questions {
		sub, ok := in[qv.Q.ID]
		if !ok {
			continue
		}
		v.Questions[i].Answer, v.Questions[i].Revision, v.Questions[i].Base = sub.answer, sub.revision, sub.base
		if sub.bad {
			fail(i, "form.invalid_text")
			continue
		}
		if sub.choice == "theirs" {
			continue
		}
		clean, msg := assessment.Validate(qv.Q, sub.answer)
		if msg != "" {
			fail(i, msg)
			continue
		}
		if sub.base != "" && clean.Digest() == sub.base {
			continue // left as the page showed it: not this user's change, never a conflict
		}
		if sub.conflict && sub.choice != "mine" {
			if cur, _ := sc.answers.get(qv.Q.ID); !cur.Same(clean) {
				v.Questions[i].Theirs, v.Questions[i].MineEmpty = &cur, clean.Empty()
				fail(i, "conflict.choose")
				continue
			}
		}
		edits = append(edits, postgres.Edit{Answer: clean, Revision: sub.revision})
	}
	return edits
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}
