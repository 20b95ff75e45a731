package server

import (
	"maps"
	"reflect"
	"strconv"
	"strings"
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
	base := newDerived(qn, "a", "org", 7, profile, map[string]assessment.Answer{})
	read, carried := 0, 0
	for _, q := range qn.Questions() {
		for _, o := range q.Options {
			d := base
			edit := assessment.Answer{QuestionID: q.ID, Values: []string{o.ID}}
			next := s.after(d, 7, 8, []assessment.Answer{edit}, map[string]int{q.ID: 1}, "Eddie")
			values := maps.Clone(base.values)
			values[q.ID] = []string{o.ID}
			want := assessment.SummariseValues(qn, qn.Visibility(profile, values), values)
			if got := next.overview(); !reflect.DeepEqual(got, want) {
				t.Fatalf("after answering %s with %s: the state differs from the one computed from scratch", q.ID, o.ID)
			}
			if next.size != sizeOf(next.answers) {
				t.Fatalf("after answering %s: size %d, counted from scratch %d", q.ID, next.size, sizeOf(next.answers))
			}
			if a, _ := next.answers.get(q.ID); a.Revision != 1 || a.UpdatedByName != "Eddie" || !a.Same(edit) || len(base.answers) != 0 {
				t.Fatalf("after answering %s: the answer kept is %+v (and the state before has %d answers)", q.ID, a, len(base.answers))
			}
			if d, ok := s.scores.derived.get("a"); !ok || d.rev != 8 {
				t.Fatalf("the state after the save is not kept under its revision")
			}
		}
		if qn.InConditions(q.ID) {
			read++
		} else {
			carried++
		}
	}
	// clearing an answer: the progress goes down again
	for _, q := range qn.Questions() {
		if len(q.Options) == 0 {
			continue
		}
		answered := map[string]assessment.Answer{q.ID: {QuestionID: q.ID, Values: []string{q.Options[0].ID}, Revision: 1}}
		d := newDerived(qn, "c", "org", 3, profile, answered)
		next := s.after(d, 3, 4, []assessment.Answer{{QuestionID: q.ID}}, map[string]int{q.ID: 2}, "Eddie")
		want := assessment.SummariseValues(qn, qn.Visibility(profile, questionnaire.Answers{}), questionnaire.Answers{})
		if next.size != sizeOf(next.answers) {
			t.Fatalf("after clearing %s: size %d, counted from scratch %d", q.ID, next.size, sizeOf(next.answers))
		}
		if got := next.overview(); !reflect.DeepEqual(got, want) {
			t.Fatalf("after clearing %s: the state differs from the one computed from scratch: %+v, want %+v", q.ID, got.Total, want.Total)
		}
	}
	if read == 0 || carried == 0 {
		t.Fatalf("%d questions read by conditions, %d not: both paths must be exercised", read, carried)
	}
	// a save that did not start from d's revision is not kept: someone else's change came between
	other := newDerived(qn, "b", "org", 7, profile, map[string]assessment.Answer{})
	s.after(other, 6, 8, []assessment.Answer{{QuestionID: "q1.1.3", Values: []string{"partly"}}}, nil, "Eddie")
	if _, ok := s.scores.derived.get("b"); ok {
		t.Fatal("a state computed from an older revision was kept under the new one")
	}
}

// The states kept stay within their bounds: the number of assessments and the bytes of their
// answers' text (long comments count); an older state never replaces a newer one.
func TestStatesKeptWithinBounds(t *testing.T) {
	qn := mustCatalog(t).Latest()
	c := &stateCache{max: 4, maxBytes: 100_000}
	state := func(id string, rev int64, comment int) *derived {
		answers := map[string]assessment.Answer{"q1.1.3": {QuestionID: "q1.1.3", Values: []string{"partly"}, Comment: strings.Repeat("x", comment)}}
		return newDerived(qn, id, "org", rev, questionnaire.Profile{}, answers)
	}
	for i := range 10 {
		c.keep(state(strconv.Itoa(i), 1, 10))
	}
	if c.len() != 4 {
		t.Fatalf("%d states kept, bound 4", c.len())
	}
	for i := range 10 {
		c.keep(state("long"+strconv.Itoa(i), 1, 30_000))
	}
	if c.bytes > c.maxBytes || c.len() > 4 {
		t.Fatalf("%d bytes in %d states kept, bounds %d bytes and 4", c.bytes, c.len(), c.maxBytes)
	}
	c.keep(state("huge", 1, 200_000))
	if _, ok := c.get("huge"); ok || c.bytes > c.maxBytes {
		t.Fatal("a state larger than the whole budget was kept")
	}
	c.keep(state("a", 5, 10))
	c.keep(state("a", 4, 10))
	if d, _ := c.get("a"); d == nil || d.rev != 5 {
		t.Fatalf("an older state replaced a newer one: %+v", d)
	}
	total := 0
	for _, d := range c.m {
		total += d.size
	}
	if total != c.bytes {
		t.Fatalf("bytes counted %d, held %d", c.bytes, total)
	}
}

// The HTML kept with the states stays within its budget, is kept only by states in the cache,
// and is given back when a state leaves it (replaced by a newer revision, or evicted).
func TestHTMLKeptWithinBudget(t *testing.T) {
	qn := mustCatalog(t).Latest()
	c := &stateCache{max: 2, maxBytes: 100_000, html: htmlBudget{max: 100}}
	state := func(id string, rev int64) *derived {
		return newDerived(qn, id, "org", rev, questionnaire.Profile{}, map[string]assessment.Answer{})
	}
	html := func(n int) string { return strings.Repeat("<", n) }
	has := func(d *derived, key string) bool { _, ok := d.html.Memo(key); return ok }

	loose := state("loose", 1) // never kept: keeps nothing
	loose.html.SetMemo("scores", html(10))
	if has(loose, "scores") || c.html.bytes != 0 {
		t.Fatal("a state outside the cache kept HTML")
	}
	a, b := state("a", 1), state("b", 1)
	c.keep(a)
	c.keep(b)
	a.html.SetMemo("scores", html(60))
	b.html.SetMemo("scores", html(60)) // over the budget: declined
	if !has(a, "scores") || has(b, "scores") || c.html.bytes != 60 {
		t.Fatalf("budget 100: a kept %v, b kept %v, %d bytes counted", has(a, "scores"), has(b, "scores"), c.html.bytes)
	}
	a.html.SetMemo("scores", html(30)) // kept once: not replaced
	if v, _ := a.html.Memo("scores"); v != html(60) || c.html.bytes != 60 {
		t.Fatalf("a second render replaced the first: %d bytes counted", c.html.bytes)
	}
	c.keep(state("a", 2)) // a newer revision: a's HTML is given back
	if has(a, "scores") || c.html.bytes != 0 {
		t.Fatalf("the replaced state still holds its HTML (%d bytes counted)", c.html.bytes)
	}
	a.html.SetMemo("recommendations", html(10)) // a page still rendering the old state
	if has(a, "recommendations") || c.html.bytes != 0 {
		t.Fatal("a state that left the cache kept HTML")
	}
	b.html.SetMemo("scores", html(60))
	c.keep(state("c", 1)) // full (2 states): one is evicted, and gives its HTML back
	held := 0
	for _, d := range c.m {
		held += d.html.bytes
	}
	if held != c.html.bytes || c.html.bytes > c.html.max {
		t.Fatalf("HTML counted %d bytes, held %d, budget %d", c.html.bytes, held, c.html.max)
	}
}
