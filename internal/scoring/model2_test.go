package scoring_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"

	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
)

// Scoring model 2 on testdata/model2, with hand-computed numbers:
//
//	sheet 1  q1.1.1 legal w3, only with personal data · q1.1.2 cnil w1 ·
//	         q1.1.3 legal w2, same obligation as q2.1.1 · q1.1.4 legal w2, fact: controller and
//	         processor neutral, undetermined 0
//	sheet 2  q2.1.1 legal w2 (provider only) · q2.1.2 legal w2, multiple fact: access and erasure
//	         neutral, none and dont_know 0 · q2.1.3 recommended w2
func model2(t testing.TB) *questionnaire.Questionnaire {
	t.Helper()
	fsys := fstest.MapFS{}
	entries, err := os.ReadDir("testdata/model2")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata/model2", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		fsys[e.Name()] = &fstest.MapFile{Data: data}
	}
	qn, err := questionnaire.Load(fsys)
	if err != nil {
		t.Fatalf("testdata/model2: %v", err)
	}
	return qn
}

func TestModel2(t *testing.T) {
	qn := model2(t)
	prov := profile{"role": {"provider"}, "personal_data": {"yes"}}
	dep := profile{"role": {"deployer"}, "personal_data": {"yes"}}
	best := answers{"q1.1.1": {"in_place"}, "q1.1.2": {"in_place"}, "q1.1.3": {"in_place"}, "q1.1.4": {"controller"},
		"q2.1.1": {"in_place"}, "q2.1.2": {"access", "erasure"}, "q2.1.3": {"in_place"}}
	type want struct {
		score    float64
		level    scoring.Level
		cap      scoring.Level
		neutral  int
		blocking []string
		limiting []string
	}
	tests := []struct {
		name    string
		profile profile
		answers answers
		sheet   string
		want    want
		overall *want
	}{
		// 1.5 + 1 + 2 = 4.5 over 3 + 1 + 2 (q1.1.4 neutral) = 75, Managed, capped at Defined.
		{"partly in place caps at Defined", prov, with(best, "q1.1.1", "partly"), "1",
			want{75, scoring.LevelDefined, scoring.LevelDefined, 1, nil, []string{"q1.1.1"}}, nil},
		// 0.75 + 1 + 2 = 3.75 over 6 = 62.5, Managed, capped at Defined.
		{"planned caps at Defined", prov, with(best, "q1.1.1", "planned"), "1",
			want{62.5, scoring.LevelDefined, scoring.LevelDefined, 1, nil, []string{"q1.1.1"}}, nil},
		// 3 + 1 + 2 + 0 = 6 over 8 = 75: a fact left undetermined is a blocking gap.
		{"an undetermined fact caps at Emerging", prov, with(best, "q1.1.4", "undetermined"), "1",
			want{75, scoring.LevelEmerging, scoring.LevelEmerging, 0, []string{"q1.1.4"}, nil}, nil},
		// q2.1.1 applies and carries the obligation: q1.1.3 costs points but caps nothing.
		// sheet 1: 3 + 1 + 0 = 4 over 6 = 66.7 Managed; overall: 4 + 4 over 6 + 4 = 80 Optimised.
		{"one obligation does not cap two sheets", prov, with(best, "q1.1.3", "not_in_place"), "1",
			want{400.0 / 6, scoring.LevelManaged, scoring.LevelNone, 1, nil, nil},
			&want{80, scoring.LevelOptimised, scoring.LevelNone, 2, nil, nil}},
		// The deployer does not get q2.1.1: q1.1.3 caps its own sheet. Overall 4 + 2 over 6 + 2 = 75.
		{"the linked question caps when the other does not apply", dep, with(best, "q1.1.3", "not_in_place"), "1",
			want{400.0 / 6, scoring.LevelEmerging, scoring.LevelEmerging, 1, []string{"q1.1.3"}, nil},
			&want{75, scoring.LevelEmerging, scoring.LevelEmerging, 2, nil, nil}},
		// The capping question itself caps its sheet: 1 + 2 over 2 + 2 = 75 Managed → Defined (q2.1.2 neutral).
		{"the capping question caps", prov, with(best, "q2.1.1", "partly"), "2",
			want{75, scoring.LevelDefined, scoring.LevelDefined, 1, nil, []string{"q2.1.1"}}, nil},
		// 2 + 0 + 2 over 6 = 66.7 Managed → Emerging; the multiple choice is worth its worst gap.
		{"a multiple-choice gap option caps", prov, with(best, "q2.1.2", "dont_know"), "2",
			want{400.0 / 6, scoring.LevelEmerging, scoring.LevelEmerging, 0, []string{"q2.1.2"}, nil}, nil},
		{"a gap option among neutral ones still counts", prov, with(best, "q2.1.2", []string{"access", "none"}), "2",
			want{400.0 / 6, scoring.LevelEmerging, scoring.LevelEmerging, 0, []string{"q2.1.2"}, nil}, nil},
		// Without personal data q1.1.1 does not apply: 1 + 2 over 3 = 100, its answer is ignored.
		{"GDPR obligations need personal data", profile{"role": {"provider"}, "personal_data": {"no"}}, with(best, "q1.1.1", "not_in_place"), "1",
			want{100, scoring.LevelOptimised, scoring.LevelNone, 1, nil, nil}, nil},
		// "Don't know" about personal data switches the question on: 0 + 1 + 2 over 6 = 50.
		{"don't know about personal data counts them in", profile{"role": {"provider"}, "personal_data": {"dont_know"}}, with(best, "q1.1.1", "not_in_place"), "1",
			want{50, scoring.LevelEmerging, scoring.LevelEmerging, 1, []string{"q1.1.1"}, nil}, nil},
	}
	check := func(t *testing.T, what string, r scoring.Result, w want) {
		t.Helper()
		if !r.HasScore || r.Score != w.score || r.Level != w.level || r.Cap != w.cap || r.Capped != (w.cap != scoring.LevelNone) || r.Neutral != w.neutral {
			t.Errorf("%s: %+v, want %+v", what, r, w)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := scoring.Score(qn, tt.profile, tt.answers)
			if rep.ModelVersion != "2" {
				t.Fatalf("model version %q", rep.ModelVersion)
			}
			s := rep.Sheet(tt.sheet)
			check(t, "sheet "+tt.sheet, s.Result, tt.want)
			norm := func(l []string) []string {
				if l == nil {
					return []string{}
				}
				return l
			}
			if got := ids(s.BlockingGaps); !slices.Equal(got, norm(tt.want.blocking)) {
				t.Errorf("blocking gaps %v, want %v", got, tt.want.blocking)
			}
			if got := ids(s.LimitingGaps); !slices.Equal(got, norm(tt.want.limiting)) {
				t.Errorf("limiting gaps %v, want %v", got, tt.want.limiting)
			}
			if tt.overall != nil {
				check(t, "overall", rep.Overall, *tt.overall)
			}
		})
	}
}

// A fact question's gap is recommended like any other, but a projection cannot adopt it: it has no
// best option, only facts to choose from.
func TestModel2FactRecommendations(t *testing.T) {
	qn := model2(t)
	p := profile{"role": {"provider"}, "personal_data": {"yes"}}
	a := answers{"q1.1.4": {"undetermined"}, "q2.1.2": {"none"}, "q1.1.2": {"partly"}}
	if got := recIDs(scoring.Recommend(qn, p, a)); !slices.Equal(got, []string{"q1.1.4", "q2.1.2", "q1.1.2"}) {
		t.Fatalf("recommendations %v", got)
	}
	adopted := scoring.Adopt(qn, p, a, []string{"q1.1.4", "q2.1.2", "q1.1.2"})
	if !slices.Equal(adopted["q1.1.4"], []string{"undetermined"}) || !slices.Equal(adopted["q2.1.2"], []string{"none"}) || !slices.Equal(adopted["q1.1.2"], []string{"in_place"}) {
		t.Fatalf("adopted %v", adopted)
	}
	if qn.Question("q1.1.4").Scored() || !qn.Question("q1.1.4").Counted() || qn.Question("q1.1.4").Option(questionnaire.OptionNotApplicable) != nil {
		t.Fatal("a fact question is counted, not scored, and gets no automatic options")
	}
	// An unknown option in a multiple choice leaves it unanswered.
	rep := scoring.Score(qn, p, answers{"q2.1.2": {"access", "portability"}})
	if s := rep.Sheet("2"); s.Answered != 0 || s.HasScore {
		t.Fatalf("sheet 2 %+v", s.Result)
	}
}

// A report frozen under model 1 (stored as JSON at approval) still decodes, with its own versions
// and levels, and without a cap level: nothing re-scores it.
func TestModel1ReportDecodes(t *testing.T) {
	const frozen = `{"model_version":"1","content_version":"2026.1","sheets":[{"sheet_id":"1","score":85,"has_score":true,"level":5,
		"applicable":2,"answered":2,"not_applicable":0,"completion":1,"incomplete":false,"capped":false,"costs":[],"gaps":[],
		"blocking_gaps":[],"dont_know":[]}],"overall":{"score":85,"has_score":true,"level":5,"applicable":2,"answered":2,
		"not_applicable":0,"completion":1,"incomplete":false,"capped":false}}`
	var r scoring.Report
	if err := json.Unmarshal([]byte(frozen), &r); err != nil {
		t.Fatal(err)
	}
	if r.ModelVersion != "1" || r.ContentVersion != "2026.1" || r.Overall.Level != scoring.LevelOptimised || r.Overall.Cap != scoring.LevelNone || r.Sheets[0].Score != 85 {
		t.Fatalf("decoded %+v", r)
	}
}
