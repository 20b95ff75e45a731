package scoring

import (
	"math"

	"aigrid/internal/questionnaire"
)

// Level is a maturity level, from LevelInitial (1) to LevelOptimised (5); LevelNone (0) means there
// is no score to give a level to.
type Level int

// The maturity levels.
const (
	LevelNone      Level = 0 // no scored answer counts: no score, no level
	LevelInitial   Level = 1 // 0 to 19.9
	LevelEmerging  Level = 2 // 20 to 39.9
	LevelDefined   Level = 3 // 40 to 59.9
	LevelManaged   Level = 4 // 60 to 79.9
	LevelOptimised Level = 5 // 80 to 100
)

// CappedLevel is the highest level a result can reach while it has a blocking gap (a legal
// obligation answered "not in place", "don't know" or with an option scoring 0), whatever its score.
const CappedLevel = LevelEmerging

// PartialCapLevel is the highest level a result can reach while it has a limiting gap (a legal
// obligation answered "partly in place", "planned" or with an option scoring more than 0 but less
// than 1), whatever its score.
const PartialCapLevel = LevelDefined

// LevelInfo describes a level for publication: its number, the lowest score that reaches it and its
// name in every language.
type LevelInfo struct {
	Level Level              `json:"level"`
	Min   int                `json:"min"` // lowest score (rounded to one decimal) of the level
	Name  questionnaire.Text `json:"name"`
}

// Levels returns the table of levels, lowest first. A level runs from its Min up to the next level's
// Min, excluded; the last one runs to 100. The slice is a fresh copy on every call.
func Levels() []LevelInfo {
	return []LevelInfo{
		{LevelInitial, 0, questionnaire.Text{EN: "Initial", FR: "Initial"}},
		{LevelEmerging, 20, questionnaire.Text{EN: "Emerging", FR: "Émergent"}},
		{LevelDefined, 40, questionnaire.Text{EN: "Defined", FR: "Défini"}},
		{LevelManaged, 60, questionnaire.Text{EN: "Managed", FR: "Maîtrisé"}},
		{LevelOptimised, 80, questionnaire.Text{EN: "Optimised", FR: "Optimisé"}},
	}
}

// Info returns the level's entry of Levels; LevelNone and unknown levels give a zero Min and the
// name "No score".
func (l Level) Info() LevelInfo {
	for _, li := range Levels() {
		if li.Level == l {
			return li
		}
	}
	return LevelInfo{Level: l, Name: questionnaire.Text{EN: "No score", FR: "Pas de score"}}
}

// Name returns the level's name in lang.
func (l Level) Name(lang questionnaire.Lang) string { return l.Info().Name.In(lang) }

// LevelFor returns the level of a score from 0 to 100. The score is first rounded to one decimal
// with Round, so the level always agrees with the score as displayed: 19.96 shows as 20.0 and is
// Emerging. Scores below 0 are Initial, above 100 Optimised; NaN has no level.
func LevelFor(score float64) Level {
	if math.IsNaN(score) {
		return LevelNone
	}
	r := Round(score)
	level := LevelInitial
	for _, li := range Levels() {
		if r >= float64(li.Min) {
			level = li.Level
		}
	}
	return level
}

// Round rounds a score (or a cost in points) to one decimal, halves away from zero: the value to
// display. Scores are kept at full precision everywhere else; format the rounded value with one
// decimal (for example %.1f) to show it.
func Round(score float64) float64 { return math.Round(score*10) / 10 }
