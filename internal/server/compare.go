package server

import (
	"net/http"
	"slices"

	"aigrid/internal/assessment"
	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
	"aigrid/web/pages"
)

// showCompare shows the trend of per-sheet scores across all versions of the same AI system and,
// when a version is chosen, the per-sheet change and the answers that differ.
func (s *Server) showCompare(w http.ResponseWriter, r *http.Request) error {
	m := currentMembership(r)
	a, err := s.currentAssessment(r)
	if err != nil {
		return err
	}
	versions, err := s.st.Lineage(r.Context(), m.Organisation.ID, a.ID)
	if err != nil {
		return err
	}
	ids := make([]string, len(versions))
	for i, x := range versions {
		ids[i] = x.ID
	}
	answers, err := s.st.AnswersOf(r.Context(), m.Organisation.ID, ids)
	if err != nil {
		return err
	}
	// each version of the assessment is scored on its own questionnaire version
	qns := map[string]*questionnaire.Questionnaire{}
	for _, x := range versions {
		if qns[x.ID], err = s.questionnaireFor(x); err != nil {
			return err
		}
	}
	qn := qns[a.ID]
	v := pages.CompareView{Questionnaire: qn}
	for _, x := range versions {
		vs := pages.VersionScores{Assessment: x, Report: scoring.Score(qns[x.ID], x.Profile, assessment.Values(answers[x.ID]))}
		v.Versions = append(v.Versions, vs)
		if x.ID == a.ID {
			v.Current = vs
		}
	}
	with := r.URL.Query().Get("with")
	i := slices.IndexFunc(v.Versions, func(vs pages.VersionScores) bool { return vs.Assessment.ID == with && with != a.ID })
	if i >= 0 {
		other := v.Versions[i]
		v.Other = &other
		before, after := answers[with], answers[a.ID]
		// the questions of this version, then those only the other version asks
		questions := slices.Clone(qn.Questions())
		for _, q := range qns[with].Questions() {
			if qn.Question(q.ID) == nil {
				questions = append(questions, q)
			}
		}
		for _, q := range questions {
			b, okb := before[q.ID]
			c, okc := after[q.ID]
			if !okb && !okc || (okb && okc && b.Same(c)) {
				continue
			}
			ch := pages.AnswerChange{Question: q}
			if okb {
				ch.Before = &b
			}
			if okc {
				ch.After = &c
			}
			v.Changes = append(v.Changes, ch)
		}
	}
	s.render(w, r, http.StatusOK, pages.Compare(s.globals(w, r), v))
	return nil
}
