package pages

import (
	"net/url"

	"github.com/a-h/templ"

	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
	"aigrid/web/components"
)

// resultsURL links to an assessment's results, projecting the adopted questions' practices.
func resultsURL(g *components.Globals, assessmentID string, adopt []string) templ.SafeURL {
	u := g.OrgPath("/a/" + assessmentID + "/results")
	if len(adopt) > 0 {
		u += "?" + url.Values{"adopt": adopt}.Encode()
	}
	return templ.SafeURL(u)
}

// topIDs returns the question ids of the first n recommendations.
func topIDs(recs []scoring.Recommendation, n int) []string {
	var out []string
	for i := 0; i < n && i < len(recs); i++ {
		out = append(out, recs[i].QuestionID)
	}
	return out
}

// legalIDs returns the question ids of the recommendations on legal obligations.
func legalIDs(recs []scoring.Recommendation) []string {
	var out []string
	for _, r := range recs {
		if r.Importance == questionnaire.LegalObligation {
			out = append(out, r.QuestionID)
		}
	}
	return out
}

// restOf returns a sheet's recommendations after the first ResultsTop of the whole list (those are
// shown first, above the sheets).
func restOf(recs []scoring.Recommendation, sheet string) []scoring.Recommendation {
	if len(recs) <= ResultsTop {
		return nil
	}
	return recsOf(recs[ResultsTop:], sheet)
}

// topCosts returns the answers that cost a sheet the most points, five at most.
func topCosts(sr scoring.SheetResult) []scoring.Cost {
	var out []scoring.Cost
	for _, c := range sr.Costs {
		if c.Points > 0 && len(out) < 5 {
			out = append(out, c)
		}
	}
	return out
}

// optionLabel is the label of the answer given to a question, as a reader says it: "Not
// applicable" rather than the form's "Not applicable (justify)".
func optionLabel(g *components.Globals, qn *questionnaire.Questionnaire, questionID, optionID string) string {
	if optionID == questionnaire.OptionNotApplicable {
		return g.T("answer.not_applicable")
	}
	q := qn.Question(questionID)
	if q == nil {
		return optionID
	}
	if o := q.Option(optionID); o != nil {
		return g.Text(o.Label)
	}
	return optionID
}
