package scoring_test

import (
	"testing"

	"aigrid/internal/scoring"
)

// Scoring model 1 (content 2026.1) caps a level only for a legal obligation worth 0; model 2 caps a
// partly met one at Defined too. The same answers on the same content, hand-computed:
// testdata/small sheet 1 weights q1.1.1 3 (legal obligation), q1.1.2 2, q1.1.3 1, q1.1.4 2; q1.1.1
// "partly" (0.5), the others fully in place: (3×0.5 + 2 + 1 + 2) / 8 = 6.5 / 8 = 81.25, Optimised
// by score. Model 1 leaves it Optimised; model 2 lowers it to Defined.
func TestScoringModel1CapsOnlyAtZero(t *testing.T) {
	a := answers{"q1.1.1": {"partly"}, "q1.1.2": {"in_place"}, "q1.1.3": {"in_place"}, "q1.1.4": {"always"}}
	p := profile{"role": {"provider"}}
	for _, tc := range []struct {
		model    int
		level    scoring.Level
		capped   bool
		limiting int
	}{
		{1, scoring.LevelOptimised, false, 0},
		{2, scoring.LevelDefined, true, 1},
	} {
		qn := small(t)
		qn.ScoringModel = tc.model
		rep := scoring.Score(qn, p, a)
		s1 := rep.Sheet("1")
		if s1.Score != 81.25 || s1.Level != tc.level || s1.Capped != tc.capped || len(s1.LimitingGaps) != tc.limiting {
			t.Errorf("model %d: sheet 1 score %v level %v capped %v limiting %d; want 81.25 %v %v %d",
				tc.model, s1.Score, s1.Level, s1.Capped, len(s1.LimitingGaps), tc.level, tc.capped, tc.limiting)
		}
		if rep.ModelVersion != map[int]string{1: "1", 2: "2"}[tc.model] {
			t.Errorf("model %d: report model_version %q", tc.model, rep.ModelVersion)
		}
		if rep.Overall.Level != tc.level {
			t.Errorf("model %d: overall level %v, want %v", tc.model, rep.Overall.Level, tc.level)
		}
	}
	// "not in place" on the obligation caps at Emerging under both models: (0 + 2 + 1 + 2) / 8 = 62.5.
	b := with(a, "q1.1.1", []string{"not_in_place"})
	for _, model := range []int{1, 2} {
		qn := small(t)
		qn.ScoringModel = model
		s1 := scoring.Score(qn, p, b).Sheet("1")
		if s1.Score != 62.5 || s1.Level != scoring.LevelEmerging || s1.Cap != scoring.LevelEmerging || len(s1.BlockingGaps) != 1 {
			t.Errorf("model %d, not in place: score %v level %v cap %v blocking %d; want 62.5 Emerging Emerging 1", model, s1.Score, s1.Level, s1.Cap, len(s1.BlockingGaps))
		}
	}
}
