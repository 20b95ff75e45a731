package scoring

import (
	"cmp"
	"maps"
	"slices"

	"aigrid/internal/questionnaire"
)

// Recommendation is a gap to close, with the question that carries the advice (its Recommendation
// holds the text and first steps).
type Recommendation struct {
	Gap
	Question *questionnaire.Question `json:"-"`
}

// Recommend lists one recommendation per gap of the assessment (every applicable scored question
// answered with an option scoring under 1; "not applicable", neutral and unanswered answers are not
// gaps),
// most urgent first: by importance (legal obligations, then CNIL good practices, then
// recommendations), then by WeightedGap, largest first, then in question order. Each item carries its
// SheetID: keeping the items of one sheet gives that sheet's list, in the same order.
func Recommend(qn *questionnaire.Questionnaire, profile questionnaire.Profile, answers questionnaire.Answers) []Recommendation {
	type rec struct {
		Recommendation
		order int
	}
	var recs []rec
	for _, c := range evaluate(qn, profile, answers) {
		if c.opt == nil || c.neutral || c.opt.NotApplicable() || value(c.opt) >= 1 {
			continue
		}
		g := gapOf(qn.ScoringModel, c, c.q.Section.Sheet)
		recs = append(recs, rec{Recommendation{Gap: g, Question: c.q}, c.order})
	}
	slices.SortStableFunc(recs, func(a, b rec) int {
		if c := cmp.Compare(a.Importance.Rank(), b.Importance.Rank()); c != 0 {
			return c
		}
		if c := cmp.Compare(b.WeightedGap(), a.WeightedGap()); c != 0 {
			return c
		}
		return cmp.Compare(a.order, b.order)
	})
	out := make([]Recommendation, len(recs))
	for i, r := range recs {
		out[i] = r.Recommendation
	}
	return out
}

// WhatIf returns the report the assessment would get if the practices of the adopted questions were
// fully in place: each adopted question that applies to the assessment as answered now is given its
// best option (the one with the highest score, the first one on a tie: "in place" on the scale),
// whatever its current answer, "not applicable" included. Ids of unknown, unscored or non-applicable
// questions change nothing, nor do fact questions (Question.Fact): settling a fact means choosing
// which fact holds, which a projection cannot guess. Adopting a question can show or hide the
// questions whose condition depends on it; the projection reflects that, as Score would once the answer is saved. The answers
// given are not modified.
func WhatIf(qn *questionnaire.Questionnaire, profile questionnaire.Profile, answers questionnaire.Answers, adopt []string) Report {
	return Score(qn, profile, Adopt(qn, profile, answers, adopt))
}

// Adopt returns a copy of answers in which every adopted question that applies is answered with its
// best option, as WhatIf projects it. The answers given are not modified.
func Adopt(qn *questionnaire.Questionnaire, profile questionnaire.Profile, answers questionnaire.Answers, adopt []string) questionnaire.Answers {
	visible := qn.Visibility(profile, answers)
	out := maps.Clone(answers)
	if out == nil {
		out = questionnaire.Answers{}
	}
	for _, id := range adopt {
		q := qn.Question(id)
		if q == nil || !q.Scored() || !visible[id] {
			continue
		}
		if best := bestOption(q); best != nil {
			out[id] = []string{best.ID}
		}
	}
	return out
}

// bestOption returns the scored option with the highest score, the first one on a tie ("don't know"
// is never the best).
func bestOption(q *questionnaire.Question) *questionnaire.Option {
	var best *questionnaire.Option
	for _, o := range q.Options {
		if o.Score != nil && !o.DontKnow() && (best == nil || *o.Score > *best.Score) {
			best = o
		}
	}
	return best
}
