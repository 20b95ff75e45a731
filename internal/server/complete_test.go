package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"aigrid/internal/assessment"
	"aigrid/internal/questionnaire"
)

// richProfile makes most questions apply: a provider and deployer of a generative system trained on
// personal data, scraped from the web, with automated decisions.
var richProfile = url.Values{"role": {"both"}, "phase": {"design", "development", "deployment"}, "personal_data": {"yes"},
	"special_category": {"yes"}, "vulnerable_people": {"yes"}, "continuous_learning": {"yes"}, "annotation": {"mixed"},
	"web_scraping": {"yes"}, "generative_ai": {"yes"}, "third_party_model": {"yes"}, "automated_decisions": {"yes"},
	"trained_on_personal_data": {"yes"}}

// scaleCycle is the mix of answers a real first assessment gets: some practices in place, many
// partly or planned, a few unknown.
var scaleCycle = []string{"in_place", "partly", "not_in_place", "planned", "in_place", "dont_know", "partly", "not_applicable"}

// complete answers every applicable question of an assessment through the real step form, step by
// step, until no applicable question is left unanswered (answers can make more questions apply).
func (tm *team) complete(c *client, id string) {
	tm.a.t.Helper()
	qn := tm.a.s.qn
	ctx := context.Background()
	n := 0
	for pass := 0; pass < 5; pass++ {
		a, err := tm.a.st.Assessment(ctx, tm.org.ID, id)
		if err != nil {
			tm.a.t.Fatal(err)
		}
		stored, err := tm.a.st.Answers(ctx, tm.org.ID, id)
		if err != nil {
			tm.a.t.Fatal(err)
		}
		ov := assessment.Summarise(qn, a.Profile, stored)
		changed := false
		for _, sec := range qn.Sections() {
			form := url.Values{}
			for _, q := range ov.VisibleQuestions(sec) {
				if stored[q.ID].Answered() {
					continue
				}
				n++
				form["a."+q.ID] = answerFor(q, n)
				if form.Get("a."+q.ID) == questionnaire.OptionNotApplicable {
					form.Set("j."+q.ID, "This system never does this: it only ranks documents.")
				}
				if n%3 == 0 {
					form.Set("c."+q.ID, fmt.Sprintf("Checked with the DPO on answer %d.", n))
				}
				if n%4 == 0 {
					form.Set("et."+q.ID, "Processing register entry")
					form.Set("el."+q.ID, "https://intranet.example.org/register/42")
				}
			}
			if len(form) == 0 {
				continue
			}
			changed = true
			if resp, body := tm.step(c, id, sec.ID, form, "save"); resp.StatusCode != http.StatusSeeOther {
				tm.a.t.Fatalf("step %s: %d\n%.2000s", sec.ID, resp.StatusCode, body)
			}
		}
		if !changed {
			return
		}
	}
	tm.a.t.Fatal("complete: questions kept appearing after 5 passes")
}

func answerFor(q *questionnaire.Question, n int) []string {
	switch q.Kind {
	case questionnaire.KindScale:
		return []string{scaleCycle[n%len(scaleCycle)]}
	case questionnaire.KindSingle:
		return []string{q.Options[n%len(q.Options)].ID}
	case questionnaire.KindMultiple:
		for _, o := range q.Options {
			if !o.Exclusive {
				return []string{o.ID}
			}
		}
		return []string{q.Options[0].ID}
	case questionnaire.KindNumber:
		if q.Min != nil {
			return []string{fmt.Sprint(*q.Min + 1)}
		}
		return []string{"3"}
	}
	return []string{"Described in the processing register."}
}

func TestCompleteFixture(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "CV screening", richProfile)
	tm.complete(tm.editor, id)
	a, _ := tm.a.st.Assessment(context.Background(), tm.org.ID, id)
	stored, _ := tm.a.st.Answers(context.Background(), tm.org.ID, id)
	ov := assessment.Summarise(tm.a.s.qn, a.Profile, stored)
	if !ov.Total.Done() {
		t.Fatalf("after complete: %+v", ov.Total)
	}
}
