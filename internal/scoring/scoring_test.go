package scoring_test

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"testing"

	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
)

// The small questionnaire (testdata/small), scored questions only, with their weights:
//
//	sheet 1  q1.1.1 legal w3 · q1.1.2 cnil w2 · q1.1.3 recommended w1 (provider only) ·
//	         q1.1.4 cnil w2, single choice always 1 / mostly 0.75 / never 0 ·
//	         q1.2.2 legal w2 when web_scraping = yes or q1.2.1 includes scraping ·
//	         q1.2.4 cnil w1 (deployer only)            (q1.2.1 multiple and q1.2.3 text are unscored)
//	sheet 2  q2.1.1 legal w2 · q2.1.2 recommended w1 when q2.1.1 is not in place ·
//	         q2.1.3 cnil w3 · q2.1.4 cnil w3 when q2.1.3 is in place
//	sheet 3  q3.1.1 legal w1 (deployer only) · q3.1.3 recommended w1 (deployer only), single choice
//	         yes 1 / dont_know 0.5 (a score scoring ignores)   (q3.1.2 text is unscored)
var (
	provider = profile{"role": {"provider"}, "web_scraping": {"no"}}
	scraper  = profile{"role": {"provider"}, "web_scraping": {"yes"}}
	deployer = profile{"role": {"deployer"}, "web_scraping": {"no"}}

	// full is the reference answer set of the table tests.
	//   sheet 1: 3×1 + 2×0.5 + 1×0 + 2×0.75 = 5.5 over weights 8 → 68.75
	//   sheet 2: 2×0.5 + 1×0 + 3×1 = 4 over weights 6 → 66.67; q2.1.4 applies but is unanswered (3/4)
	//   overall: 9.5 over weights 14 → 67.857 (the mean of the sheet means would be 67.71)
	full = answers{
		"q1.1.1": {"in_place"}, "q1.1.2": {"partly"}, "q1.1.3": {"not_in_place"}, "q1.1.4": {"mostly"},
		"q1.2.1": {"partners"}, "q1.2.3": {"Our partners send us their data."},
		"q2.1.1": {"partly"}, "q2.1.2": {"not_in_place"}, "q2.1.3": {"in_place"},
	}
)

// sheetWant is what a table test expects of one sheet.
type sheetWant struct {
	result   scoring.Result
	costs    []scoring.Cost
	gaps     []string
	blocking []string
	limiting []string
	dontKnow []string
}

func noScore(applicable, answered, na int) scoring.Result {
	r := scoring.Result{Applicable: applicable, Answered: answered, NotApplicable: na, Completion: 1}
	if applicable > 0 {
		r.Completion = float64(answered) / float64(applicable)
	}
	r.Incomplete = r.Completion < scoring.CompletionThreshold
	return r
}

var (
	noSheet3 = sheetWant{result: noScore(0, 0, 0)}
	sheet2   = sheetWant{
		// 66.67 would be Managed; q2.1.1, a legal obligation partly in place, caps it at Defined.
		result:   scoring.Result{Score: 400.0 / 6, HasScore: true, Level: scoring.LevelDefined, Applicable: 4, Answered: 3, Completion: 0.75, Incomplete: true, Capped: true, Cap: scoring.LevelDefined},
		costs:    []scoring.Cost{{"q2.1.1", 100.0 / 6}, {"q2.1.2", 100.0 / 6}}, // a tie: question order
		gaps:     []string{"q2.1.1", "q2.1.2"},
		limiting: []string{"q2.1.1"},
	}
)

func TestScore(t *testing.T) {
	qn := small(t)
	tests := []struct {
		name    string
		profile profile
		answers answers
		sheets  []sheetWant
		overall scoring.Result
	}{{
		name:    "weighted mean, not a mean of sheet means",
		profile: provider,
		answers: full,
		sheets: []sheetWant{{
			result: scoring.Result{Score: 68.75, HasScore: true, Level: scoring.LevelManaged, Applicable: 4, Answered: 4, Completion: 1},
			costs:  []scoring.Cost{{"q1.1.2", 12.5}, {"q1.1.3", 12.5}, {"q1.1.4", 6.25}},
			gaps:   []string{"q1.1.2", "q1.1.3", "q1.1.4"},
		}, sheet2, noSheet3},
		// 67.86 would be Managed; sheet 2's limiting gap caps the overall level at Defined.
		overall: scoring.Result{Score: 950.0 / 14, HasScore: true, Level: scoring.LevelDefined, Applicable: 8, Answered: 7, Completion: 0.875, Capped: true, Cap: scoring.LevelDefined},
	}, {
		name:    "not applicable is out of the score but answered",
		profile: provider,
		answers: with(full, "q1.1.1", "not_applicable"),
		sheets: []sheetWant{{
			// 2×0.5 + 1×0 + 2×0.75 = 2.5 over weights 5
			result: scoring.Result{Score: 50, HasScore: true, Level: scoring.LevelDefined, Applicable: 4, Answered: 4, NotApplicable: 1, Completion: 1},
			costs:  []scoring.Cost{{"q1.1.2", 20}, {"q1.1.3", 20}, {"q1.1.4", 10}},
			gaps:   []string{"q1.1.2", "q1.1.3", "q1.1.4"},
		}, sheet2, noSheet3},
		// 6.5 over weights 11
		overall: scoring.Result{Score: 650.0 / 11, HasScore: true, Level: scoring.LevelDefined, Applicable: 8, Answered: 7, NotApplicable: 1, Completion: 0.875, Capped: true, Cap: scoring.LevelDefined},
	}, {
		name:    "don't know counts as not in place and is listed",
		profile: provider,
		answers: with(full, "q1.1.2", "dont_know"),
		sheets: []sheetWant{{
			// 3×1 + 2×0 + 1×0 + 2×0.75 = 4.5 over weights 8
			result:   scoring.Result{Score: 56.25, HasScore: true, Level: scoring.LevelDefined, Applicable: 4, Answered: 4, Completion: 1},
			costs:    []scoring.Cost{{"q1.1.2", 25}, {"q1.1.3", 12.5}, {"q1.1.4", 6.25}},
			gaps:     []string{"q1.1.2", "q1.1.3", "q1.1.4"},
			dontKnow: []string{"q1.1.2"},
		}, sheet2, noSheet3},
		overall: scoring.Result{Score: 850.0 / 14, HasScore: true, Level: scoring.LevelDefined, Applicable: 8, Answered: 7, Completion: 0.875, Capped: true, Cap: scoring.LevelDefined},
	}, {
		name:    "unanswered questions lower the completion, not the score",
		profile: provider,
		answers: answers{"q1.1.1": {"in_place"}, "q1.1.2": {"in_place"}},
		sheets: []sheetWant{
			{result: scoring.Result{Score: 100, HasScore: true, Level: scoring.LevelOptimised, Applicable: 4, Answered: 2, Completion: 0.5, Incomplete: true}},
			// q2.1.2 and q2.1.4 depend on unanswered questions: they do not apply.
			{result: noScore(2, 0, 0)},
			noSheet3,
		},
		overall: scoring.Result{Score: 100, HasScore: true, Level: scoring.LevelOptimised, Applicable: 6, Answered: 2, Completion: 2.0 / 6, Incomplete: true},
	}, {
		name:    "a completion at the threshold is complete",
		profile: scraper, // q1.2.2 applies
		answers: answers{"q1.1.1": {"in_place"}, "q1.1.2": {"in_place"}, "q1.1.3": {"in_place"}, "q1.2.2": {"in_place"}},
		sheets: []sheetWant{
			{result: scoring.Result{Score: 100, HasScore: true, Level: scoring.LevelOptimised, Applicable: 5, Answered: 4, Completion: 0.8}},
			{result: noScore(2, 0, 0)},
			noSheet3,
		},
		overall: scoring.Result{Score: 100, HasScore: true, Level: scoring.LevelOptimised, Applicable: 7, Answered: 4, Completion: 4.0 / 7, Incomplete: true},
	}, {
		name:    "a multiple-choice answer can make a question apply",
		profile: provider,
		answers: answers{"q1.2.1": {"partners", "scraping"}, "q1.2.2": {"planned"}},
		sheets: []sheetWant{
			{
				// q1.2.2, a legal obligation only planned, caps at Defined: in force, above the level.
				result:   scoring.Result{Score: 25, HasScore: true, Level: scoring.LevelEmerging, Applicable: 5, Answered: 1, Completion: 0.2, Incomplete: true, Capped: true, Cap: scoring.LevelDefined},
				costs:    []scoring.Cost{{"q1.2.2", 75}},
				gaps:     []string{"q1.2.2"},
				limiting: []string{"q1.2.2"},
			},
			{result: noScore(2, 0, 0)},
			noSheet3,
		},
		overall: scoring.Result{Score: 25, HasScore: true, Level: scoring.LevelEmerging, Applicable: 7, Answered: 1, Completion: 1.0 / 7, Incomplete: true, Capped: true, Cap: scoring.LevelDefined},
	}, {
		name:    "a legal obligation not in place caps the level",
		profile: provider,
		answers: answers{"q1.1.1": {"not_in_place"}, "q1.1.2": {"in_place"}, "q1.1.3": {"in_place"}, "q1.1.4": {"always"}},
		sheets: []sheetWant{
			{
				// 5 over weights 8 = 62.5 would be Managed
				result:   scoring.Result{Score: 62.5, HasScore: true, Level: scoring.LevelEmerging, Applicable: 4, Answered: 4, Completion: 1, Capped: true, Cap: scoring.LevelEmerging},
				costs:    []scoring.Cost{{"q1.1.1", 37.5}},
				gaps:     []string{"q1.1.1"},
				blocking: []string{"q1.1.1"},
			},
			{result: noScore(2, 0, 0)},
			noSheet3,
		},
		overall: scoring.Result{Score: 62.5, HasScore: true, Level: scoring.LevelEmerging, Applicable: 6, Answered: 4, Completion: 4.0 / 6, Incomplete: true, Capped: true, Cap: scoring.LevelEmerging},
	}, {
		name:    "a legal obligation answered don't know caps the level too",
		profile: provider,
		answers: answers{"q1.1.1": {"dont_know"}, "q1.1.2": {"in_place"}, "q1.1.3": {"in_place"}, "q1.1.4": {"always"}, "q2.1.3": {"in_place"}, "q2.1.4": {"in_place"}},
		sheets: []sheetWant{
			{
				result:   scoring.Result{Score: 62.5, HasScore: true, Level: scoring.LevelEmerging, Applicable: 4, Answered: 4, Completion: 1, Capped: true, Cap: scoring.LevelEmerging},
				costs:    []scoring.Cost{{"q1.1.1", 37.5}},
				gaps:     []string{"q1.1.1"},
				blocking: []string{"q1.1.1"},
				dontKnow: []string{"q1.1.1"},
			},
			// The cap is per sheet: sheet 2 has no blocking gap.
			{result: scoring.Result{Score: 100, HasScore: true, Level: scoring.LevelOptimised, Applicable: 3, Answered: 2, Completion: 2.0 / 3, Incomplete: true}},
			noSheet3,
		},
		// 11 over weights 14 = 78.6 would be Managed; the overall result is capped by sheet 1.
		overall: scoring.Result{Score: 1100.0 / 14, HasScore: true, Level: scoring.LevelEmerging, Applicable: 7, Answered: 6, Completion: 6.0 / 7, Capped: true, Cap: scoring.LevelEmerging},
	}, {
		name:    "a legal obligation partly in place caps the level at Defined (model 2)",
		profile: provider,
		answers: answers{"q1.1.1": {"partly"}, "q1.1.2": {"in_place"}, "q1.1.3": {"in_place"}, "q1.1.4": {"always"}},
		sheets: []sheetWant{
			{
				// 81.25 would be Optimised; a partly met obligation caps at Defined.
				result:   scoring.Result{Score: 81.25, HasScore: true, Level: scoring.LevelDefined, Applicable: 4, Answered: 4, Completion: 1, Capped: true, Cap: scoring.LevelDefined},
				costs:    []scoring.Cost{{"q1.1.1", 18.75}},
				gaps:     []string{"q1.1.1"},
				limiting: []string{"q1.1.1"},
			},
			{result: noScore(2, 0, 0)},
			noSheet3,
		},
		overall: scoring.Result{Score: 81.25, HasScore: true, Level: scoring.LevelDefined, Applicable: 6, Answered: 4, Completion: 4.0 / 6, Incomplete: true, Capped: true, Cap: scoring.LevelDefined},
	}, {
		name:    "capped is set even when the score is already below the cap",
		profile: provider,
		answers: answers{"q1.1.1": {"not_in_place"}, "q1.1.2": {"not_in_place"}, "q1.1.3": {"not_in_place"}, "q1.1.4": {"never"}},
		sheets: []sheetWant{
			{
				result:   scoring.Result{Score: 0, HasScore: true, Level: scoring.LevelInitial, Applicable: 4, Answered: 4, Completion: 1, Capped: true, Cap: scoring.LevelEmerging},
				costs:    []scoring.Cost{{"q1.1.1", 37.5}, {"q1.1.2", 25}, {"q1.1.4", 25}, {"q1.1.3", 12.5}},
				gaps:     []string{"q1.1.1", "q1.1.2", "q1.1.3", "q1.1.4"},
				blocking: []string{"q1.1.1"},
			},
			{result: noScore(2, 0, 0)},
			noSheet3,
		},
		overall: scoring.Result{Score: 0, HasScore: true, Level: scoring.LevelInitial, Applicable: 6, Answered: 4, Completion: 4.0 / 6, Incomplete: true, Capped: true, Cap: scoring.LevelEmerging},
	}, {
		name:    "every answer not applicable: no score, complete",
		profile: provider,
		answers: answers{"q1.1.1": {"not_applicable"}, "q1.1.2": {"not_applicable"}, "q1.1.3": {"not_applicable"}, "q1.1.4": {"not_applicable"}},
		sheets:  []sheetWant{{result: noScore(4, 4, 4)}, {result: noScore(2, 0, 0)}, noSheet3},
		overall: noScore(6, 4, 4),
	}, {
		name:    "no answers at all",
		profile: provider,
		answers: nil,
		sheets:  []sheetWant{{result: noScore(4, 0, 0)}, {result: noScore(2, 0, 0)}, noSheet3},
		overall: noScore(6, 0, 0),
	}, {
		name:    "the role decides which questions apply",
		profile: deployer,
		answers: with(full, "q1.2.4", "planned", "q3.1.1", "in_place"),
		sheets: []sheetWant{
			{
				// q1.1.3 (provider) is out, q1.2.4 (deployer) in: 3×1 + 2×0.5 + 2×0.75 + 1×0.25 = 5.75 over 8
				result: scoring.Result{Score: 71.875, HasScore: true, Level: scoring.LevelManaged, Applicable: 4, Answered: 4, Completion: 1},
				costs:  []scoring.Cost{{"q1.1.2", 12.5}, {"q1.2.4", 9.375}, {"q1.1.4", 6.25}},
				gaps:   []string{"q1.1.2", "q1.1.4", "q1.2.4"},
			},
			sheet2,
			{result: scoring.Result{Score: 100, HasScore: true, Level: scoring.LevelOptimised, Applicable: 2, Answered: 1, Completion: 0.5, Incomplete: true}},
		},
		// 71.67 would be Managed; sheet 2's limiting gap caps it at Defined.
		overall: scoring.Result{Score: 1075.0 / 15, HasScore: true, Level: scoring.LevelDefined, Applicable: 10, Answered: 8, Completion: 0.8, Capped: true, Cap: scoring.LevelDefined},
	}, {
		name:    "invalid answers and answers to unscored or hidden questions are ignored",
		profile: provider,
		answers: answers{
			"q9.9.9": {"in_place"},              // unknown question
			"q1.1.1": {"in_place"},              // valid
			"q1.1.2": {"sometimes"},             // unknown option: unanswered
			"q1.1.3": {},                        // no value: unanswered
			"q1.1.4": {"always", "never"},       // several values on a scored question: unanswered
			"q1.2.1": {"partners"},              // unscored
			"q1.2.3": {"free text"},             // unscored
			"q1.2.4": {"not_in_place"},          // deployer only: does not apply
			"q2.1.1": {"yes"},                   // an option of no question here: unanswered
			"q2.1.3": {""},                      // empty value: unanswered
			"q3.1.1": {"not_in_place", "extra"}, // does not apply
		},
		sheets: []sheetWant{
			{result: scoring.Result{Score: 100, HasScore: true, Level: scoring.LevelOptimised, Applicable: 4, Answered: 1, Completion: 0.25, Incomplete: true}},
			{result: noScore(2, 0, 0)},
			noSheet3,
		},
		overall: scoring.Result{Score: 100, HasScore: true, Level: scoring.LevelOptimised, Applicable: 6, Answered: 1, Completion: 1.0 / 6, Incomplete: true},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := scoring.Score(qn, tt.profile, tt.answers)
			if rep.ModelVersion != scoring.ModelVersion || rep.ContentVersion != "2026.7" {
				t.Errorf("versions = %q, %q", rep.ModelVersion, rep.ContentVersion)
			}
			if len(rep.Sheets) != len(tt.sheets) {
				t.Fatalf("%d sheets, want %d", len(rep.Sheets), len(tt.sheets))
			}
			for i, want := range tt.sheets {
				got := rep.Sheets[i]
				if id := qn.Sheets[i].ID; got.SheetID != id {
					t.Errorf("sheet %d: id %q, want %q", i, got.SheetID, id)
				}
				if got.Result != want.result {
					t.Errorf("sheet %s:\n got %+v\nwant %+v", got.SheetID, got.Result, want.result)
				}
				if want.costs == nil {
					want.costs = []scoring.Cost{}
				}
				if !slices.Equal(got.Costs, want.costs) {
					t.Errorf("sheet %s: costs %v, want %v", got.SheetID, got.Costs, want.costs)
				}
				check := func(what string, got, want []string) {
					if want == nil {
						want = []string{}
					}
					if !slices.Equal(got, want) {
						t.Errorf("sheet %s: %s %v, want %v", rep.Sheets[i].SheetID, what, got, want)
					}
				}
				check("gaps", ids(got.Gaps), want.gaps)
				check("blocking gaps", ids(got.BlockingGaps), want.blocking)
				check("limiting gaps", ids(got.LimitingGaps), want.limiting)
				check("don't know", got.DontKnow, want.dontKnow)
			}
			if rep.Overall != tt.overall {
				t.Errorf("overall:\n got %+v\nwant %+v", rep.Overall, tt.overall)
			}
		})
	}
}

// "Don't know" counts as 0 even when the content gives its own "don't know" option a score, and it is
// never the best option to adopt.
func TestDontKnowIsZero(t *testing.T) {
	qn := small(t)
	a := answers{"q3.1.1": {"in_place"}, "q3.1.3": {"dont_know"}}
	s := scoring.Score(qn, deployer, a).Sheet("3")
	if s.Score != 50 || !slices.Equal(s.DontKnow, []string{"q3.1.3"}) || s.Gaps[0].Score != 0 || s.Costs[0].Points != 50 {
		t.Fatalf("sheet 3: %+v", s)
	}
	if got := scoring.Adopt(qn, deployer, nil, []string{"q3.1.3"}); !slices.Equal(got["q3.1.3"], []string{"yes"}) {
		t.Fatalf("adopted %v", got)
	}
}

func TestGapDetails(t *testing.T) {
	qn := small(t)
	rep := scoring.Score(qn, provider, with(full, "q1.1.1", "dont_know"))
	got := rep.Sheet("1").BlockingGaps
	want := []scoring.Gap{{SheetID: "1", QuestionID: "q1.1.1", OptionID: "dont_know", Score: 0, Weight: 3, Importance: questionnaire.LegalObligation, Cap: scoring.LevelEmerging}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("blocking gaps = %+v, want %+v", got, want)
	}
	g := rep.Sheet("1").Gaps[3]
	if g.QuestionID != "q1.1.4" || g.OptionID != "mostly" || g.Score != 0.75 || g.WeightedGap() != 0.5 || g.Blocking() {
		t.Fatalf("gap of q1.1.4 = %+v (weighted gap %g)", g, g.WeightedGap())
	}
	if rep.Sheet("9") != nil {
		t.Fatal("Sheet of an unknown id is not nil")
	}
	// Blocking and Limiting read the cap the scorer gave the gap.
	if !(scoring.Gap{Cap: scoring.LevelEmerging}).Blocking() || (scoring.Gap{Cap: scoring.LevelDefined}).Blocking() ||
		!(scoring.Gap{Cap: scoring.LevelDefined}).Limiting() || (scoring.Gap{}).Blocking() || (scoring.Gap{}).Limiting() {
		t.Fatal("Blocking and Limiting disagree with Cap")
	}
	// A gap that is not on a legal obligation caps nothing.
	if g.Cap != scoring.LevelNone {
		t.Fatalf("gap of q1.1.4 caps at %d", g.Cap)
	}
}

// The costs of a sheet are what it would gain if each answer were in place: they add up to the
// distance to 100, and adopting one answer raises the score by its cost (when no visibility changes).
func TestCostsAreGains(t *testing.T) {
	qn := small(t)
	rep := scoring.Score(qn, provider, full)
	for _, s := range rep.Sheets {
		var sum float64
		for _, c := range s.Costs {
			sum += c.Points
		}
		if s.HasScore && math.Abs(sum-(100-s.Score)) > 1e-9 {
			t.Errorf("sheet %s: costs add up to %g, want %g", s.SheetID, sum, 100-s.Score)
		}
	}
	s1 := rep.Sheet("1")
	for _, c := range s1.Costs {
		after := scoring.WhatIf(qn, provider, full, []string{c.QuestionID}).Sheet("1")
		if gain := after.Score - s1.Score; math.Abs(gain-c.Points) > 1e-9 {
			t.Errorf("adopting %s gains %g points, its cost is %g", c.QuestionID, gain, c.Points)
		}
	}
}

func TestRecommend(t *testing.T) {
	qn := small(t)
	recs := scoring.Recommend(qn, provider, full)
	// Legal obligations first (q2.1.1), then good practices by weight × gap (q1.1.2: 2×0.5 = 1 before
	// q1.1.4: 2×0.25 = 0.5), then recommended ones; q1.1.3 and q2.1.2 tie at 1×1: question order.
	want := []string{"q2.1.1", "q1.1.2", "q1.1.4", "q1.1.3", "q2.1.2"}
	if got := recIDs(recs); !slices.Equal(got, want) {
		t.Fatalf("recommendations %v, want %v", got, want)
	}
	for _, r := range recs {
		if r.Question != qn.Question(r.QuestionID) || r.Question.Recommendation == nil {
			t.Errorf("%s: the recommendation does not point to its question's advice", r.QuestionID)
		}
		if r.SheetID != r.Question.Section.Sheet.ID {
			t.Errorf("%s: sheet %q", r.QuestionID, r.SheetID)
		}
	}
	// Keeping one sheet's items gives that sheet's list, in order.
	var sheet1 []string
	for _, r := range recs {
		if r.SheetID == "1" {
			sheet1 = append(sheet1, r.QuestionID)
		}
	}
	if !slices.Equal(sheet1, []string{"q1.1.2", "q1.1.4", "q1.1.3"}) {
		t.Errorf("sheet 1 recommendations %v", sheet1)
	}

	// "Don't know" is a gap; "not applicable", unanswered and hidden questions are not.
	recs = scoring.Recommend(qn, provider, with(full, "q1.1.1", "dont_know", "q1.1.2", "not_applicable", "q1.1.4", nil, "q1.2.4", "not_in_place"))
	want = []string{"q1.1.1", "q2.1.1", "q1.1.3", "q2.1.2"} // q1.1.1: 3×1 before q2.1.1: 2×0.5
	if got := recIDs(recs); !slices.Equal(got, want) {
		t.Fatalf("recommendations %v, want %v", got, want)
	}

	if recs := scoring.Recommend(qn, provider, nil); recs == nil || len(recs) != 0 {
		t.Fatalf("no answers: %v, want an empty list", recs)
	}
	// A recommendation is the same gap the report lists.
	rep := scoring.Score(qn, provider, full)
	for _, r := range scoring.Recommend(qn, provider, full) {
		if !slices.Contains(rep.Sheet(r.SheetID).Gaps, r.Gap) {
			t.Errorf("%s: gap %+v is not in the report", r.QuestionID, r.Gap)
		}
	}
}

func TestWhatIf(t *testing.T) {
	qn := small(t)
	before := scoring.Score(qn, provider, full)

	t.Run("adopting shows and hides dependent questions", func(t *testing.T) {
		rep := scoring.WhatIf(qn, provider, full, []string{"q2.1.1"})
		// q2.1.1 in place hides q2.1.2: 2×1 + 3×1 = 5 over 5; q2.1.4 still applies, unanswered.
		want := scoring.Result{Score: 100, HasScore: true, Level: scoring.LevelOptimised, Applicable: 3, Answered: 2, Completion: 2.0 / 3, Incomplete: true}
		if got := rep.Sheet("2").Result; got != want {
			t.Errorf("sheet 2:\n got %+v\nwant %+v", got, want)
		}
		if !reflect.DeepEqual(rep.Sheets[0], before.Sheets[0]) {
			t.Errorf("sheet 1 changed")
		}
		if want := 1050.0 / 13; rep.Overall.Score != want {
			t.Errorf("overall %g, want %g", rep.Overall.Score, want)
		}
	})
	t.Run("a scored single choice takes its best option", func(t *testing.T) {
		rep := scoring.WhatIf(qn, provider, full, []string{"q1.1.4", "q1.1.3"})
		if got := rep.Sheet("1").Score; got != 87.5 { // 3 + 1 + 1 + 2 over 8
			t.Errorf("sheet 1: %g, want 87.5", got)
		}
		if got := ids(rep.Sheet("1").Gaps); !slices.Equal(got, []string{"q1.1.2"}) {
			t.Errorf("gaps %v", got)
		}
	})
	t.Run("adopting a question answered not applicable counts it in place", func(t *testing.T) {
		got := scoring.WhatIf(qn, provider, with(full, "q1.1.1", "not_applicable"), []string{"q1.1.1"})
		if !reflect.DeepEqual(got, before) {
			t.Errorf("got %+v, want %+v", got, before)
		}
	})
	t.Run("adopting an unanswered question answers it", func(t *testing.T) {
		got := scoring.WhatIf(qn, provider, full, []string{"q2.1.4"}).Sheet("2").Result
		// 1 + 0 + 3 + 3 over 9 = 77.8 would be Managed; q2.1.1 is still partly in place: Defined.
		want := scoring.Result{Score: 700.0 / 9, HasScore: true, Level: scoring.LevelDefined, Applicable: 4, Answered: 4, Completion: 1, Capped: true, Cap: scoring.LevelDefined}
		if got != want {
			t.Errorf("got %+v, want %+v", got, want)
		}
	})
	t.Run("inapplicable, unknown and unscored questions change nothing", func(t *testing.T) {
		for _, adopt := range [][]string{nil, {}, {"q1.2.4"}, {"q3.1.1"}, {"q9.9.9"}, {"q1.2.1", "q1.2.3"}, {"q1.2.2"}} {
			if got := scoring.WhatIf(qn, provider, full, adopt); !reflect.DeepEqual(got, before) {
				t.Errorf("adopting %v changed the report", adopt)
			}
		}
		// Applicability is judged on the current answers: q2.1.2 does not apply once q2.1.1 is in
		// place, so adopting both is adopting q2.1.1.
		a := with(full, "q2.1.1", "in_place")
		if got, want := scoring.WhatIf(qn, provider, a, []string{"q2.1.2"}), scoring.Score(qn, provider, a); !reflect.DeepEqual(got, want) {
			t.Errorf("adopting a hidden follow-up changed the report")
		}
	})
	t.Run("the answers are not modified", func(t *testing.T) {
		a := with(full)
		scoring.WhatIf(qn, provider, a, []string{"q1.1.2", "q2.1.1", "q2.1.4"})
		scoring.Adopt(qn, provider, a, []string{"q1.1.2"})
		if !reflect.DeepEqual(a, full) {
			t.Errorf("answers modified: %v", a)
		}
		if got := scoring.Adopt(qn, provider, nil, []string{"q1.1.1"}); !reflect.DeepEqual(got, answers{"q1.1.1": {"in_place"}}) {
			t.Errorf("Adopt on nil answers = %v", got)
		}
	})
	t.Run("adopting every recommendation of a sheet fills it", func(t *testing.T) {
		var adopt []string
		for _, r := range scoring.Recommend(qn, provider, full) {
			adopt = append(adopt, r.QuestionID)
		}
		rep := scoring.WhatIf(qn, provider, full, adopt)
		if s := rep.Sheet("1"); s.Score != 100 || s.Level != scoring.LevelOptimised || len(s.Costs) != 0 {
			t.Errorf("sheet 1 after adopting everything: %+v", s)
		}
	})
}

// Improving an answer never lowers a score unless it changes which questions apply: here putting
// q2.1.3 in place reveals its follow-up q2.1.4, whose kept answer is "not in place". The monotonicity
// property test (shipped_test.go) is therefore restricted to changes that keep visibility.
func TestImprovingCanRevealAQuestion(t *testing.T) {
	qn := small(t)
	a := answers{"q2.1.1": {"in_place"}, "q2.1.3": {"partly"}, "q2.1.4": {"not_in_place"}}
	before := scoring.Score(qn, provider, a).Sheet("2")
	after := scoring.Score(qn, provider, with(a, "q2.1.3", "in_place")).Sheet("2")
	if before.Score != 70 || after.Score != 62.5 { // 3.5 over 5, then 5 over 8
		t.Fatalf("scores %g → %g, want 70 → 62.5", before.Score, after.Score)
	}
}

func TestDeterministicSmall(t *testing.T) {
	qn := small(t)
	first, _ := json.Marshal(scoring.Score(qn, provider, full))
	for range 50 {
		// Rebuilding the map changes its iteration order.
		got, _ := json.Marshal(scoring.Score(small(t), provider, with(full)))
		if string(got) != string(first) {
			t.Fatalf("report changed between runs:\n%s\n%s", first, got)
		}
	}
}

func TestLevels(t *testing.T) {
	levels := scoring.Levels()
	want := []struct {
		min    int
		en, fr string
	}{{0, "Initial", "Initial"}, {20, "Emerging", "Émergent"}, {40, "Defined", "Défini"}, {60, "Managed", "Maîtrisé"}, {80, "Optimised", "Optimisé"}}
	if len(levels) != len(want) {
		t.Fatalf("%d levels", len(levels))
	}
	for i, w := range want {
		li := levels[i]
		if li.Level != scoring.Level(i+1) || li.Min != w.min || li.Name.EN != w.en || li.Name.FR != w.fr {
			t.Errorf("level %d = %+v", i+1, li)
		}
		if li.Level.Info() != li || li.Level.Name(questionnaire.FR) != w.fr || li.Level.Name(questionnaire.EN) != w.en {
			t.Errorf("level %d: Info or Name disagree with Levels", i+1)
		}
	}
	levels[0].Min = 50
	if scoring.Levels()[0].Min != 0 {
		t.Error("Levels returns shared state")
	}
	if scoring.LevelNone.Name(questionnaire.EN) != "No score" || scoring.LevelNone.Name(questionnaire.FR) != "Pas de score" {
		t.Error("LevelNone name")
	}
	if scoring.CappedLevel != scoring.LevelEmerging {
		t.Error("the cap is Emerging")
	}
}

func TestLevelFor(t *testing.T) {
	// Every displayable score: tenths 0 … 1000.
	for tenths := 0; tenths <= 1000; tenths++ {
		want := scoring.Level(min(tenths/200+1, 5))
		if got := scoring.LevelFor(float64(tenths) / 10); got != want {
			t.Errorf("LevelFor(%.1f) = %d, want %d", float64(tenths)/10, got, want)
		}
	}
	for _, tt := range []struct {
		score float64
		want  scoring.Level
	}{
		{19.94, scoring.LevelInitial}, {19.95, scoring.LevelEmerging}, {19.96, scoring.LevelEmerging},
		{39.9499, scoring.LevelEmerging}, {59.99, scoring.LevelManaged}, {79.9, scoring.LevelManaged},
		{-5, scoring.LevelInitial}, {120, scoring.LevelOptimised}, {math.NaN(), scoring.LevelNone},
		{200.0 / 3, scoring.LevelManaged}, {100.0 / 3 * 0.6, scoring.LevelEmerging},
	} {
		if got := scoring.LevelFor(tt.score); got != tt.want {
			t.Errorf("LevelFor(%v) = %d, want %d", tt.score, got, tt.want)
		}
		// The level agrees with the displayed score.
		if !math.IsNaN(tt.score) && tt.score >= 0 && tt.score <= 100 {
			if shown := scoring.Round(tt.score); scoring.LevelFor(shown) != tt.want {
				t.Errorf("LevelFor(Round(%v) = %v) disagrees", tt.score, shown)
			}
		}
	}
}

func TestRound(t *testing.T) {
	for _, tt := range []struct{ in, want float64 }{
		{68.75, 68.8}, {200.0 / 3, 66.7}, {18.75, 18.8}, {0.04, 0}, {99.95, 100}, {100, 100}, {12.5, 12.5},
	} {
		if got := scoring.Round(tt.in); got != tt.want {
			t.Errorf("Round(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
