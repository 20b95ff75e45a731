package server

import (
	"maps"
	"reflect"
	"testing"

	"aigrid/internal/assessment"
	"aigrid/internal/questionnaire"
)

// The state a save leads to (after) is the state computed from scratch from the answers it
// wrote, whichever question was answered: one that conditions read (which questions apply is
// computed again) or one that none reads (the questions that apply are carried over).
func TestAfterIsComputedState(t *testing.T) {
	qn := mustCatalog(t).Latest()
	profile := questionnaire.Profile{"role": {"both"}, "personal_data": {"yes"}, "web_scraping": {"yes"}}
	s := &Server{scores: newScoreCache()}
	base := newDerived(qn, 7, profile, questionnaire.Answers{})
	read, carried := 0, 0
	for _, q := range qn.Questions() {
		for _, o := range q.Options {
			d := base
			edit := assessment.Answer{QuestionID: q.ID, Values: []string{o.ID}}
			next := s.after("a", d, 7, 8, []assessment.Answer{edit})
			values := maps.Clone(base.values)
			values[q.ID] = []string{o.ID}
			want := assessment.SummariseValues(qn, qn.Visibility(profile, values), values)
			if got := next.overview(); !reflect.DeepEqual(got, want) {
				t.Fatalf("after answering %s with %s: the state differs from the one computed from scratch", q.ID, o.ID)
			}
			if _, ok := s.scores.derived.get(derivedKey{qn, "a", 8}); !ok {
				t.Fatalf("the state after the save is not kept under its revision")
			}
		}
		if qn.InConditions(q.ID) {
			read++
		} else {
			carried++
		}
	}
	if read == 0 || carried == 0 {
		t.Fatalf("%d questions read by conditions, %d not: both paths must be exercised", read, carried)
	}
	// a save that did not start from d's revision is not kept: someone else's change came between
	s.after("b", base, 6, 8, []assessment.Answer{{QuestionID: "q1.1.3", Values: []string{"partly"}}})
	if _, ok := s.scores.derived.get(derivedKey{qn, "b", 8}); ok {
		t.Fatal("a state computed from an older revision was kept under the new one")
	}
}
