package pages

import (
	"github.com/a-h/templ"

	"aigrid/internal/questionnaire"
	"aigrid/web/components"
)

// questionURL links to a question on its step page.
func questionURL(g *components.Globals, qn *questionnaire.Questionnaire, assessmentID, questionID string) templ.SafeURL {
	sec := qn.Sections()[0].ID
	if q := qn.Question(questionID); q != nil {
		sec = q.Section.ID
	}
	return templ.SafeURL(g.OrgPath("/a/" + assessmentID + "/s/" + sec + "#q-" + qid(questionID)))
}

// assessmentURL links to an assessment's overview.
func assessmentURL(g *components.Globals, assessmentID string) templ.SafeURL {
	return templ.SafeURL(g.OrgPath("/a/" + assessmentID + "/"))
}
