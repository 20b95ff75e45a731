package piatool_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"aigrid/content"
	"aigrid/internal/assessment"
	"aigrid/internal/piatool"
	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
	"aigrid/internal/screening"
)

// piaQuestions are the question ids of parts 1 and 2 of the PIA tool (pia_architecture.json of
// LINCnil/pia 4.1.0, as described in ../shared/pia-tool-format.md section 4); all take text.
var piaQuestions = []float64{111, 112, 113, 121, 122, 123, 211, 212, 213, 214, 215, 221, 222, 223, 224, 225, 226, 227}

// checkImportable decodes the file as the PIA tool does (untyped JSON) and checks the structure
// its importer relies on (pia-tool-format.md sections 1–7): the five keys; a pia with a name, an
// ISO created_at and status 0; answers whose reference_to is a JSON number naming a text question,
// once each, with HTML text, a null gauge and an empty list; measures with unique ids and unique
// non-empty titles and contents; no evaluations and no comments.
func checkImportable(t *testing.T, raw []byte) map[float64]string {
	t.Helper()
	var f map[string]any
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"answers", "comments", "evaluations", "measures", "pia"}) {
		t.Fatalf("keys %v, want exactly the five the importer reads", keys)
	}
	pia, ok := f["pia"].(map[string]any)
	if !ok {
		t.Fatal("pia is not an object")
	}
	if name, _ := pia["name"].(string); name == "" {
		t.Error("pia.name is empty")
	}
	created, _ := pia["created_at"].(string)
	if _, err := time.Parse(time.RFC3339, created); err != nil {
		t.Errorf("pia.created_at %q is not ISO 8601: %v", created, err)
	}
	if st, ok := pia["status"].(float64); !ok || st != 0 {
		t.Errorf("pia.status = %v, want the number 0 (in progress)", pia["status"])
	}
	for _, k := range []string{"structure_id", "structure_data", "id", "user_pias"} {
		if _, ok := pia[k]; ok {
			t.Errorf("pia.%s is set: it would change how the tool imports the PIA", k)
		}
	}
	texts := map[float64]string{}
	answers, ok := f["answers"].([]any)
	if !ok {
		t.Fatal("answers is not an array")
	}
	for _, x := range answers {
		a := x.(map[string]any)
		ref, ok := a["reference_to"].(float64)
		if !ok {
			t.Errorf("reference_to %v is not a JSON number", a["reference_to"])
			continue
		}
		if !slices.Contains(piaQuestions, ref) {
			t.Errorf("reference_to %v is not a question of parts 1 and 2", ref)
		}
		if _, dup := texts[ref]; dup {
			t.Errorf("two answers to %v", ref)
		}
		data := a["data"].(map[string]any)
		text, _ := data["text"].(string)
		if text == "" || !strings.HasPrefix(text, "<p>") {
			t.Errorf("answer %v: text %q, want non-empty HTML", ref, text)
		}
		if data["gauge"] != nil {
			t.Errorf("answer %v: gauge %v on a text question", ref, data["gauge"])
		}
		if l, ok := data["list"].([]any); !ok || len(l) != 0 {
			t.Errorf("answer %v: list %v, want []", ref, data["list"])
		}
		texts[ref] = text
	}
	measures, ok := f["measures"].([]any)
	if !ok {
		t.Fatal("measures is not an array")
	}
	ids, titles := map[float64]bool{}, map[string]bool{}
	for _, x := range measures {
		m := x.(map[string]any)
		id, _ := m["id"].(float64)
		title, _ := m["title"].(string)
		content, _ := m["content"].(string)
		if id == 0 || ids[id] || title == "" || titles[title] || content == "" {
			t.Errorf("measure %v %q: ids and titles must be unique, title and content non-empty", m["id"], title)
		}
		if p, _ := m["placeholder"].(string); p != "measures.default_placeholder" {
			t.Errorf("measure placeholder %q", p)
		}
		ids[id], titles[title] = true, true
	}
	for _, k := range []string{"evaluations", "comments"} {
		if l, ok := f[k].([]any); !ok || len(l) != 0 {
			t.Errorf("%s = %v, want []", k, f[k])
		}
	}
	return texts
}

func build(t *testing.T, answers map[string]assessment.Answer, lang questionnaire.Lang) []byte {
	t.Helper()
	qn, err := questionnaire.LoadLatest(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	a := assessment.Assessment{SystemName: "CV <screening>", Description: "Ranks job applications & flags the best.", Version: 2, ContentVersion: qn.Version,
		Profile: questionnaire.Profile{"role": {"both"}, "personal_data": {"yes"}, "ai_act_area": {"employment"}, "ai_act_narrow_task": {"no"},
			"ai_act_prohibited": {"none"}, "ai_act_product": {"no"}, "gpai_model": {"no"}, "public_service": {"no"}}}
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	values := assessment.Values(answers)
	f := piatool.Build(piatool.Input{Questionnaire: qn, Assessment: a, Answers: answers, Lang: lang, Now: now,
		Recommendations: scoring.Recommend(qn, a.Profile, values),
		Screening:       screening.Screen(screening.NewInput(qn, a.Profile, values), now)})
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(f); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestPIAFile(t *testing.T) {
	answers := map[string]assessment.Answer{
		"q1.2.2": {Values: []string{"Shortlist <b>candidates</b> for recruiters."}},
		"q1.2.1": {Values: []string{"in_place"}},
		"q2.2.1": {Values: []string{"legitimate_interest"}},
		"q4.5.1": {Values: []string{"shared_service"}},
		"q4.5.2": {Values: []string{"partly"}, Comment: "Provider hosts in the US."},
		"q1.1.3": {Values: []string{"not_in_place"}},
	}
	texts := checkImportable(t, build(t, answers, questionnaire.EN))

	// only what the assessment says: 111 (the system), 113 (the AI Act screening), 121 (the profile
	// says personal data), 123 (deployment), 211 (purpose), 212 (legal basis), 227 (transfers);
	// nothing else
	var got []float64
	for id := range texts {
		got = append(got, id)
	}
	slices.Sort(got)
	if want := []float64{111, 113, 121, 123, 211, 212, 227}; !slices.Equal(got, want) {
		t.Errorf("answered %v, want %v: a PIA question the assessment says nothing about must stay empty", got, want)
	}
	for id, want := range map[float64][]string{
		111: {"<strong>CV &lt;screening&gt;</strong>", "Ranks job applications &amp; flags the best.", "Shortlist &lt;b&gt;candidates&lt;/b&gt; for recruiters.", "Both", "Pre-filled by aigrid"},
		113: {"High-risk system (AI Act Art. 6(2), Annex III)"},
		211: {"In place", "(q1.2.1)"},
		212: {"Legitimate interest"},
		227: {"Partly in place", "Comment: Provider hosts in the US."},
	} {
		for _, w := range want {
			if !strings.Contains(texts[id], w) {
				t.Errorf("answer %v = %q, want %q", id, texts[id], w)
			}
		}
	}
	if strings.Contains(texts[111], "<b>") {
		t.Error("user text is not escaped")
	}

	fr := checkImportable(t, build(t, answers, questionnaire.FR))
	if !strings.Contains(fr[211], "En place") || !strings.Contains(fr[111], "Prérempli par aigrid") || !strings.Contains(fr[113], "Système à haut risque") {
		t.Errorf("French file: 111 %q, 211 %q, 113 %q", fr[111], fr[211], fr[113])
	}
}

// aigrid's gaps become measures: the recommendation of a gap, and the AI Act obligations not
// evidenced; a practice in place gives none.
func TestPIAMeasures(t *testing.T) {
	raw := build(t, map[string]assessment.Answer{"q1.1.3": {Values: []string{"not_in_place"}}, "q1.2.1": {Values: []string{"in_place"}}}, questionnaire.EN)
	checkImportable(t, raw)
	var f piatool.File
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, m := range f.Measures {
		titles = append(titles, m.Title)
		if strings.Contains(m.Content, "q1.2.1") {
			t.Errorf("a practice in place became a measure: %q", m.Title)
		}
	}
	has := func(sub string) bool {
		return slices.ContainsFunc(titles, func(s string) bool { return strings.Contains(s, sub) })
	}
	if !has("Keep the logs the system generates for at least six months") {
		t.Errorf("the Art. 26(6) obligation is not a measure: %v", titles)
	}
	if !slices.ContainsFunc(f.Measures, func(m piatool.Measure) bool { return strings.Contains(m.Content, "q1.1.3") }) {
		t.Errorf("the gap on q1.1.3 is not a measure: %v", titles)
	}
}

// Every grid fact the mapping reads exists in the shipped content.
func TestMappingMatchesContent(t *testing.T) {
	qn, err := questionnaire.LoadLatest(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	var ids []float64
	for _, q := range piatool.Questions {
		ids = append(ids, float64(q.ID))
		for _, fact := range q.Facts {
			if id, ok := strings.CutPrefix(fact, screening.ProfilePrefix); ok {
				if qn.ProfileQuestion(id) == nil {
					t.Errorf("%d reads unknown profile question %s", q.ID, id)
				}
			} else if strings.HasPrefix(fact, "q") && qn.Question(fact) == nil {
				t.Errorf("%d reads unknown question %s", q.ID, fact)
			}
		}
	}
	if !slices.Equal(ids, piaQuestions) {
		t.Errorf("mapped %v, want every question of parts 1 and 2 once, in order", ids)
	}
}
