// Package scoring turns an assessment's answers into maturity scores, levels, explanations,
// recommendations and what-if projections. The rules are described for readers in docs/scoring.md.
//
// The package is pure: its functions depend only on their arguments (the questionnaire, the profile
// and the answers), never on a database, the network, the clock or randomness, and they never modify
// their arguments. The same inputs always give identical results, whatever the iteration order of
// the answer maps. A report records ModelVersion and the content version, so an old assessment's
// score can be reproduced with the same model and content.
//
// In short: only scored questions that apply to the assessment count. A result's score is the mean
// of the chosen options' scores weighted by the questions' weights, times 100. "Not applicable"
// answers are left out of the score, "don't know" counts as 0 and is flagged, and unanswered
// questions lower the completion, not the score. Fact questions (Question.Fact) count only when
// answered with a gap option; their neutral options are left out. A legal obligation that is not
// fully met caps the level: at Emerging when its answer is worth 0 ("not in place", "don't know"),
// at Defined when it is worth more than 0 but less than 1 ("partly", "planned"). An obligation
// checked on two sheets caps only one of them (Question.SameObligationAs).
package scoring

import (
	"cmp"
	"slices"
	"strconv"

	"aigrid/internal/questionnaire"
)

// ModelVersion is the version of the latest scoring rules. It changes whenever a rule changes in a
// way that can change a score, a level, a flag or an order; reports carry the model they were
// scored with (the one the content version declares, Questionnaire.ScoringModel) with the content
// version.
//
// Model 1 (content 2026.1): only a legal obligation worth 0 caps the level, at Emerging. Model 2
// (content 2026.2 and later): a legal obligation worth less than 1 caps it at Defined as well. The
// other model 2 features (fact questions, same_obligation_as) are content the validator refuses in
// a model 1 version, so the code that scores them needs no switch.
const ModelVersion = "2"

// CompletionThreshold is the completion (answered / applicable) under which a result is Incomplete:
// its score is shown as provisional.
const CompletionThreshold = 0.8

// Report is the scored assessment: one result per sheet, in sheet order, and the overall result.
type Report struct {
	ModelVersion   string        `json:"model_version"`
	ContentVersion string        `json:"content_version"`
	Sheets         []SheetResult `json:"sheets"`
	Overall        Result        `json:"overall"`
}

// Sheet returns the result of the sheet with the given id (a pointer into r.Sheets), or nil.
func (r Report) Sheet(id string) *SheetResult {
	for i := range r.Sheets {
		if r.Sheets[i].SheetID == id {
			return &r.Sheets[i]
		}
	}
	return nil
}

// Result is the score of a set of questions: a sheet, or the whole questionnaire.
type Result struct {
	// Score is the weighted mean of the counted answers' scores × 100, from 0 to 100, at full
	// precision; display it with Round. It is 0 when HasScore is false.
	Score float64 `json:"score"`
	// HasScore is false when no answer counts in the score: nothing applies, nothing is answered,
	// or every answer is "not applicable".
	HasScore bool `json:"has_score"`
	// Level is LevelFor(Score), lowered to Cap when Capped; LevelNone without a score.
	Level Level `json:"level"`
	// Applicable counts the scored questions that apply to the assessment.
	Applicable int `json:"applicable"`
	// Answered counts the applicable scored questions with a valid answer, "not applicable" included.
	Answered int `json:"answered"`
	// NotApplicable counts the answers "not applicable" among Answered; they are not in the score.
	NotApplicable int `json:"not_applicable"`
	// Neutral counts the answers among Answered that record a fact (a neutral option of a fact
	// question); they are not in the score either.
	Neutral int `json:"neutral"`
	// Completion is Answered / Applicable, from 0 to 1; 1 when nothing applies.
	Completion float64 `json:"completion"`
	// Incomplete is true when Completion is under CompletionThreshold: the score is provisional.
	Incomplete bool `json:"incomplete"`
	// Capped is true when at least one legal obligation is not fully met: the level cannot exceed
	// Cap, whether or not the score would have reached a higher one.
	Capped bool `json:"capped"`
	// Cap is the ceiling in force: CappedLevel (Emerging) with a blocking gap, PartialCapLevel
	// (Defined) with only limiting gaps, LevelNone when not capped.
	Cap Level `json:"cap"`
}

// SheetResult is the result of one sheet, with its explanation.
type SheetResult struct {
	SheetID string `json:"sheet_id"`
	Result
	// Costs lists the answers that lower the score, by points lost, largest first, then in question
	// order: what the sheet would gain if each were fully in place. They add up to 100 − Score.
	Costs []Cost `json:"costs"`
	// Gaps lists, in question order, the counted answers that are not fully in place (score < 1).
	Gaps []Gap `json:"gaps"`
	// BlockingGaps lists, in question order, the gaps on legal obligations worth 0 that cap the
	// level at CappedLevel (Emerging).
	BlockingGaps []Gap `json:"blocking_gaps"`
	// LimitingGaps lists, in question order, the gaps on legal obligations worth more than 0 but
	// less than 1 ("partly", "planned") that cap the level at PartialCapLevel (Defined).
	LimitingGaps []Gap `json:"limiting_gaps"`
	// DontKnow lists, in question order, the applicable questions answered "don't know".
	DontKnow []string `json:"dont_know"`
}

// Cost is what one answer costs its sheet: Points = weight × (1 − option score) × 100 / Σ weights of
// the sheet's counted answers.
type Cost struct {
	QuestionID string  `json:"question_id"`
	Points     float64 `json:"points"`
}

// Gap is a counted answer that is not fully in place.
type Gap struct {
	SheetID    string                   `json:"sheet_id"`
	QuestionID string                   `json:"question_id"`
	OptionID   string                   `json:"option_id"` // the chosen option
	Score      float64                  `json:"score"`     // the answer's value: the option's score (0 for "don't know"), under 1
	Weight     int                      `json:"weight"`
	Importance questionnaire.Importance `json:"importance"`
	// Cap is the level this gap caps its sheet at: CappedLevel for a legal obligation worth 0,
	// PartialCapLevel for one worth less than 1, LevelNone for any other gap and for a legal
	// obligation whose cap is carried by another question (SameObligationAs) that applies.
	Cap Level `json:"cap"`
}

// Blocking reports whether the gap caps the level at CappedLevel (Emerging).
func (g Gap) Blocking() bool { return g.Cap == CappedLevel }

// Limiting reports whether the gap caps the level at PartialCapLevel (Defined).
func (g Gap) Limiting() bool { return g.Cap == PartialCapLevel }

// capFor returns the level a legal obligation worth value caps its sheet at, under scoring model
// model: model 1 caps only an obligation worth 0.
func capFor(model int, value float64) Level {
	switch {
	case value <= 0:
		return CappedLevel
	case value < 1 && model >= 2:
		return PartialCapLevel
	}
	return LevelNone
}

// WeightedGap is the weight × gap (weight × (1 − option score)) that orders recommendations of the
// same importance.
func (g Gap) WeightedGap() float64 { return float64(g.Weight) * (1 - g.Score) }

// Score scores an assessment against the questionnaire.
//
// A question counts when it is counted (Question.Counted: scored or a fact question) and applies
// (Questionnaire.Visibility for the profile and answers). The answer to a single choice or the scale
// is valid when it holds exactly one value naming one of the question's options; the answer to a
// multiple choice is valid when it names options only, at least one. Anything else leaves the
// question unanswered. A multiple choice is worth its lowest chosen gap option; without one, it
// records a neutral fact. Answers for unknown questions, uncounted questions or questions that do not
// apply are ignored.
func Score(qn *questionnaire.Questionnaire, profile questionnaire.Profile, answers questionnaire.Answers) Report {
	rep := Report{ModelVersion: strconv.Itoa(qn.ScoringModel), ContentVersion: qn.Version, Sheets: []SheetResult{}}
	items := evaluate(qn, profile, answers)
	var all tally
	for _, s := range qn.Sheets {
		sr, t := scoreSheet(qn.ScoringModel, s, items)
		rep.Sheets = append(rep.Sheets, sr)
		all.add(t)
	}
	rep.Overall = all.result()
	return rep
}

// counted is one applicable counted question and its valid answer (opt nil when unanswered or
// neutral).
type counted struct {
	q       *questionnaire.Question
	opt     *questionnaire.Option
	neutral bool // answered with neutral options only: a fact, left out of the score
	nocap   bool // the question's cap is carried by another question that applies
	order   int  // position in the questionnaire, for tie-breaks
}

// evaluate lists the applicable counted questions with their valid answers, in questionnaire order.
func evaluate(qn *questionnaire.Questionnaire, profile questionnaire.Profile, answers questionnaire.Answers) []counted {
	visible := qn.Visibility(profile, answers)
	out := make([]counted, 0, len(qn.Questions()))
	for i, q := range qn.Questions() {
		if !q.Counted() || !visible[q.ID] {
			continue
		}
		opt, neutral := chosen(q, answers[q.ID])
		out = append(out, counted{q: q, opt: opt, neutral: neutral, order: i,
			nocap: q.SameObligationAs != "" && visible[q.SameObligationAs]})
	}
	return out
}

// chosen returns the valid option of a counted question's answer (for a multiple choice, the chosen
// gap option worth least, the first one on a tie), or nil; neutral is true when the answer is valid
// but names neutral options only.
func chosen(q *questionnaire.Question, values []string) (opt *questionnaire.Option, neutral bool) {
	if q.Kind.Multiple() {
		if len(values) == 0 {
			return nil, false
		}
		for _, v := range values {
			if q.Option(v) == nil {
				return nil, false
			}
		}
		for _, o := range q.Options { // option order, so that ties are stable
			if (o.Score != nil || o.DontKnow()) && slices.Contains(values, o.ID) && (opt == nil || value(o) < value(opt)) {
				opt = o
			}
		}
		return opt, opt == nil
	}
	if len(values) != 1 {
		return nil, false
	}
	o := q.Option(values[0])
	switch {
	case o == nil:
		return nil, false
	case o.Neutral:
		return nil, true
	case o.Score == nil && !o.NotApplicable() && !o.DontKnow():
		return nil, false
	}
	return o, false
}

// value is the score of a counted option: "don't know" is 0 whatever the content says.
func value(o *questionnaire.Option) float64 {
	if o.DontKnow() || o.Score == nil {
		return 0
	}
	return *o.Score
}

// tally accumulates the sums behind a Result.
type tally struct {
	applicable, answered, na, neutral int
	sum                               float64 // Σ weight × option score over counted answers
	weights                           int     // Σ weight over counted answers
	cap                               Level   // lowest cap in force, LevelNone if none
}

func (t *tally) add(o tally) {
	t.applicable += o.applicable
	t.answered += o.answered
	t.na += o.na
	t.neutral += o.neutral
	t.sum += o.sum
	t.weights += o.weights
	t.lower(o.cap)
}

// lower brings the cap in force down to c (LevelNone changes nothing).
func (t *tally) lower(c Level) {
	if c != LevelNone && (t.cap == LevelNone || c < t.cap) {
		t.cap = c
	}
}

func (t tally) score() float64 { return 100 * t.sum / float64(t.weights) }

func (t tally) result() Result {
	r := Result{Applicable: t.applicable, Answered: t.answered, NotApplicable: t.na, Neutral: t.neutral,
		Completion: 1, Capped: t.cap != LevelNone, Cap: t.cap}
	if t.applicable > 0 {
		r.Completion = float64(t.answered) / float64(t.applicable)
	}
	r.Incomplete = r.Completion < CompletionThreshold
	if t.weights > 0 {
		r.HasScore = true
		r.Score = t.score()
		r.Level = LevelFor(r.Score)
		if r.Capped {
			r.Level = min(r.Level, r.Cap)
		}
	}
	return r
}

// scoreSheet computes a sheet's result and explanation from the evaluated questions of that sheet.
func scoreSheet(model int, s *questionnaire.Sheet, items []counted) (SheetResult, tally) {
	sr := SheetResult{SheetID: s.ID, Costs: []Cost{}, Gaps: []Gap{}, BlockingGaps: []Gap{}, LimitingGaps: []Gap{}, DontKnow: []string{}}
	var t tally
	type costAt struct {
		Cost
		order int
	}
	var costs []costAt
	for _, c := range items {
		if c.q.Section.Sheet != s {
			continue
		}
		t.applicable++
		if c.neutral {
			t.answered++
			t.neutral++
			continue
		}
		if c.opt == nil {
			continue
		}
		t.answered++
		if c.opt.NotApplicable() {
			t.na++
			continue
		}
		score := value(c.opt)
		t.sum += float64(c.q.Weight) * score
		t.weights += c.q.Weight
		if c.opt.DontKnow() {
			sr.DontKnow = append(sr.DontKnow, c.q.ID)
		}
		if score < 1 {
			g := gapOf(model, c, s)
			sr.Gaps = append(sr.Gaps, g)
			switch {
			case g.Blocking():
				sr.BlockingGaps = append(sr.BlockingGaps, g)
			case g.Limiting():
				sr.LimitingGaps = append(sr.LimitingGaps, g)
			}
			t.lower(g.Cap)
			costs = append(costs, costAt{Cost{QuestionID: c.q.ID}, c.order})
		}
	}
	// Points need the sheet's total weight, known only now.
	for i := range costs {
		g := sr.Gaps[i]
		costs[i].Points = float64(g.Weight) * (1 - g.Score) * 100 / float64(t.weights)
	}
	slices.SortStableFunc(costs, func(a, b costAt) int {
		if c := cmp.Compare(b.Points, a.Points); c != 0 {
			return c
		}
		return cmp.Compare(a.order, b.order)
	})
	for _, c := range costs {
		sr.Costs = append(sr.Costs, c.Cost)
	}
	sr.Result = t.result()
	return sr, t
}

func gapOf(model int, c counted, s *questionnaire.Sheet) Gap {
	g := Gap{
		SheetID:    s.ID,
		QuestionID: c.q.ID,
		OptionID:   c.opt.ID,
		Score:      value(c.opt),
		Weight:     c.q.Weight,
		Importance: c.q.Importance,
	}
	if g.Importance == questionnaire.LegalObligation && !c.nocap {
		g.Cap = capFor(model, g.Score)
	}
	return g
}
