package assessment

import (
	"slices"

	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
)

// Move is what moving one assessment from its questionnaire version to a later one changes, for
// that assessment: the impact page shows it, and confirming stores Answers and Profile as a new
// version of the assessment on To.
type Move struct {
	From, To *questionnaire.Questionnaire
	// Added lists the questions of To that succeed none of From and apply to this assessment.
	Added []*questionnaire.Question
	// Retired lists the questions of From that applied to this assessment (or were answered) and
	// that To no longer asks.
	Retired []*questionnaire.Question
	// Changed lists the questions of To that apply to this assessment and differ from the question
	// of From they succeed.
	Changed []MovedQuestion
	// Carried lists the answers carried over, in To's question order.
	Carried []MovedAnswer
	// Dropped lists the answers whose values cannot be carried over, with why; their comment,
	// justification and evidence are carried all the same (unless the question is retired).
	Dropped []MovedAnswer
	// DroppedProfile lists the profile answers To cannot take (a question or option it lacks).
	DroppedProfile []string
	// Answers and Profile are the assessment's answers and profile on To.
	Answers map[string]Answer
	Profile questionnaire.Profile
	// Before is the score on From with From's scoring model; After the projected score on To with
	// To's model.
	Before, After scoring.Report
}

// MovedQuestion is a question of To and the one of From it succeeds.
type MovedQuestion struct {
	Old, New *questionnaire.Question
	Change   questionnaire.QuestionChange
}

// MovedAnswer is one answer and where it goes.
type MovedAnswer struct {
	Old    *questionnaire.Question
	New    *questionnaire.Question // nil when the question is retired
	Values []string                // the values answered on From
	Reason string                  // why the values are not carried: questionnaire.Carry*
}

// PlanMove computes the move of an assessment (its profile and answers on from) to version to of
// cat, which must come later than from. Nothing is written.
func PlanMove(cat *questionnaire.Catalog, from, to *questionnaire.Questionnaire, profile questionnaire.Profile, answers map[string]Answer) Move {
	m := Move{From: from, To: to, Answers: map[string]Answer{}, Profile: questionnaire.Profile{}}
	for _, pq := range to.Profile {
		vals, ok := profile[pq.ID]
		if !ok {
			continue
		}
		if slices.ContainsFunc(vals, func(v string) bool { return pq.Option(v) == nil }) {
			m.DroppedProfile = append(m.DroppedProfile, pq.ID)
			continue
		}
		m.Profile[pq.ID] = slices.Clone(vals)
	}
	for id := range profile {
		if to.ProfileQuestion(id) == nil {
			m.DroppedProfile = append(m.DroppedProfile, id)
		}
	}
	slices.Sort(m.DroppedProfile)

	oldVisible := from.Visibility(profile, Values(answers))
	succeeded := map[string]*questionnaire.Question{} // id in to → question of from
	for _, oq := range from.Questions() {
		nq := cat.Successor(from.Version, to.Version, oq.ID)
		ans, answered := answers[oq.ID]
		answered = answered && !ans.Empty()
		if nq == nil {
			if oldVisible[oq.ID] || answered {
				m.Retired = append(m.Retired, oq)
			}
			if answered && len(ans.Values) > 0 {
				m.Dropped = append(m.Dropped, MovedAnswer{Old: oq, Values: ans.Values, Reason: questionnaire.CarryRetired})
			}
			continue
		}
		succeeded[nq.ID] = oq
		if !answered {
			continue
		}
		moved := ans
		moved.QuestionID = nq.ID
		if ok, why := questionnaire.CarryOver(oq, nq, ans.Values); !ok {
			m.Dropped = append(m.Dropped, MovedAnswer{Old: oq, New: nq, Values: ans.Values, Reason: why})
			moved.Values, moved.Justification = nil, ""
		} else if len(ans.Values) > 0 {
			m.Carried = append(m.Carried, MovedAnswer{Old: oq, New: nq, Values: ans.Values})
		}
		if !moved.Empty() {
			m.Answers[nq.ID] = moved
		}
	}
	order := map[string]int{}
	for i, q := range to.Questions() {
		order[q.ID] = i
	}
	slices.SortStableFunc(m.Carried, func(a, b MovedAnswer) int { return order[a.New.ID] - order[b.New.ID] })

	newVisible := to.Visibility(m.Profile, Values(m.Answers))
	for _, nq := range to.Questions() {
		if !newVisible[nq.ID] {
			continue
		}
		oq := succeeded[nq.ID]
		if oq == nil {
			m.Added = append(m.Added, nq)
			continue
		}
		if c := questionnaire.CompareQuestions(oq, nq); c.Any() {
			m.Changed = append(m.Changed, MovedQuestion{Old: oq, New: nq, Change: c})
		}
	}
	m.Before = scoring.Score(from, profile, Values(answers))
	m.After = scoring.Score(to, m.Profile, Values(m.Answers))
	return m
}
