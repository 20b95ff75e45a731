package questionnaire_test

import (
	"maps"
	"reflect"
	"testing"

	"aigrid/content"
	"aigrid/internal/questionnaire"
)

// VisibilityAfter, which evaluates again only the questions whose conditions read what changed,
// gives what Visibility gives from scratch: for every option of every question, answered on top
// of an empty and of a full set of answers, in both versions shipped.
func TestVisibilityAfterIsVisibility(t *testing.T) {
	c, err := questionnaire.LoadCatalog(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	read := 0
	for _, qn := range c.Versions() {
		profile := questionnaire.Profile{"role": {"both"}, "personal_data": {"yes"}, "web_scraping": {"yes"}}
		full := questionnaire.Answers{}
		for _, q := range qn.Questions() {
			if len(q.Options) > 0 {
				full[q.ID] = []string{q.Options[0].ID}
			}
		}
		for _, base := range []questionnaire.Answers{{}, full} {
			before := qn.Visibility(profile, base)
			for _, q := range qn.Questions() {
				if qn.InConditions(q.ID) {
					read++
				}
				for _, o := range append(q.Options, nil) {
					after := maps.Clone(base)
					if o == nil {
						delete(after, q.ID)
					} else {
						after[q.ID] = []string{o.ID}
					}
					if got, want := qn.VisibilityAfter(profile, after, before, []string{q.ID}), qn.Visibility(profile, after); !reflect.DeepEqual(got, want) {
						t.Fatalf("%s: answering %s with %v: VisibilityAfter differs from Visibility", qn.Version, q.ID, after[q.ID])
					}
				}
			}
			if got := qn.Visibility(profile, base); !reflect.DeepEqual(got, before) {
				t.Fatal("VisibilityAfter changed the visibility it started from")
			}
		}
	}
	if read == 0 {
		t.Fatal("no question is read by a condition: the test checks nothing")
	}
}
