package server

import (
	"errors"
	"net/http"

	"aigrid/internal/account"
	"aigrid/internal/assessment"
	"aigrid/internal/postgres"
	"aigrid/internal/questionnaire"
	"aigrid/web/pages"
)

// questionnaireFor returns the questionnaire version an assessment is answered and scored on (its
// content_version). A version this server has not loaded is an error wrapping
// questionnaire.ErrUnknownVersion, shown as such: never another version in its place.
func (s *Server) questionnaireFor(a assessment.Assessment) (*questionnaire.Questionnaire, error) {
	if s.catalog == nil {
		return nil, &questionnaire.UnknownVersionError{Version: a.ContentVersion}
	}
	return s.catalog.Get(a.ContentVersion)
}

// auditEntry is an audit log entry for a store method that writes it in its own transaction.
func auditEntry(r *http.Request, actorID, orgID, action string, details map[string]any) account.AuditEntry {
	return account.AuditEntry{ActorID: actorID, OrganisationID: orgID, Action: action, Details: details, IP: clientIP(r)}
}

// moveTarget is the version an assessment can move to: the latest, when the assessment is on an
// older one; nil otherwise.
func (s *Server) moveTarget(a assessment.Assessment) *questionnaire.Questionnaire {
	if s.catalog == nil {
		return nil
	}
	latest := s.catalog.Latest()
	if a.ContentVersion == latest.Version || s.catalog.Path(a.ContentVersion, latest.Version) == nil {
		return nil
	}
	return latest
}

// planMove loads the route's assessment and plans its move to the latest version. The view's Move
// is nil, with the reason in Refused, when it cannot move: already on the latest version, approved
// or in review (a new version of it can move), archived.
func (s *Server) planMove(r *http.Request) (pages.MoveView, error) {
	a, answers, err := s.assessmentAnswers(r)
	if err != nil {
		return pages.MoveView{}, err
	}
	v := pages.MoveView{Assessment: a}
	from, err := s.questionnaireFor(a)
	if err != nil {
		return v, err
	}
	to := s.moveTarget(a)
	switch {
	case to == nil:
		v.Refused = "move.refused.latest"
	case a.ArchivedAt != nil:
		v.Refused = "move.refused.archived"
	case !a.Status.Editable():
		v.Refused = "move.refused.status"
	default:
		m := assessment.PlanMove(s.catalog, from, to, a.Profile, answers)
		v.Move = &m
	}
	return v, nil
}

// showMove is the impact page of "Move to the latest version": what changes for this assessment,
// before anything is written.
func (s *Server) showMove(w http.ResponseWriter, r *http.Request) error {
	v, err := s.planMove(r)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if v.Move == nil {
		status = http.StatusConflict
	}
	s.render(w, r, status, pages.Move(s.globals(w, r), v))
	return nil
}

// moveAssessment creates, once confirmed, a new version of the assessment on the latest
// questionnaire version with what the impact page showed: one transaction, audited; the
// assessment it comes from is kept unchanged.
func (s *Server) moveAssessment(w http.ResponseWriter, r *http.Request) error {
	m := currentMembership(r)
	v, err := s.planMove(r)
	if err != nil {
		return err
	}
	if v.Move == nil || r.PostFormValue("to") != v.Move.To.Version {
		// nothing to move, or the page confirmed was for another version: show the impact again
		if v.Move != nil {
			v.Refused = ""
		}
		s.render(w, r, http.StatusConflict, pages.Move(s.globals(w, r), v))
		return nil
	}
	mv := v.Move
	renamed := map[string]string{}
	for _, c := range mv.Changed {
		if c.Change.Replaced {
			renamed[c.Old.ID] = c.New.ID
		}
	}
	for _, c := range mv.Carried {
		if c.Old.ID != c.New.ID {
			renamed[c.Old.ID] = c.New.ID
		}
	}
	id, err := s.st.MoveAssessment(r.Context(), m.Organisation.ID, v.Assessment.ID, m.User.ID, postgres.MoveInput{
		From: mv.From.Version, To: mv.To.Version, Profile: mv.Profile, Answers: mv.Answers, Renamed: renamed,
		Audit: auditEntry(r, m.User.ID, m.Organisation.ID, "assessment.move", map[string]any{"assessment": v.Assessment.ID,
			"from": mv.From.Version, "to": mv.To.Version, "answers_carried": len(mv.Carried), "answers_not_carried": len(mv.Dropped)}),
	})
	switch {
	case errors.Is(err, postgres.ErrMoved):
		s.flash(w, r, "move.stale")
		http.Redirect(w, r, s.assessmentPath(r, v.Assessment.ID, "/move"), http.StatusSeeOther)
		return nil
	case err != nil:
		return workflowError(err)
	}
	s.flash(w, r, "move.done")
	http.Redirect(w, r, s.assessmentPath(r, id, "/"), http.StatusSeeOther)
	return nil
}

// versionUse counts the assessments of the instance on each questionnaire version: every version
// loaded (newest first), then any version assessments name that this server has not loaded.
func (s *Server) versionUse(r *http.Request) ([]pages.VersionUse, error) {
	counts, err := s.st.AssessmentsByVersion(r.Context())
	if err != nil {
		return nil, err
	}
	var out []pages.VersionUse
	at := map[string]int{}
	vs := s.catalog.Versions()
	for i := len(vs) - 1; i >= 0; i-- {
		at[vs[i].Version] = len(out)
		out = append(out, pages.VersionUse{Version: vs[i].Version, Model: vs[i].ScoringModel, Loaded: true, ByStatus: map[assessment.Status]int{}})
	}
	for _, c := range counts {
		i, ok := at[c.ContentVersion]
		if !ok {
			i = len(out)
			at[c.ContentVersion] = i
			out = append(out, pages.VersionUse{Version: c.ContentVersion, ByStatus: map[assessment.Status]int{}})
		}
		if c.Archived {
			out[i].Archived += c.Count
		} else {
			out[i].ByStatus[c.Status] += c.Count
		}
		out[i].Total += c.Count
	}
	return out, nil
}
