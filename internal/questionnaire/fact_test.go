package questionnaire_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"aigrid/internal/questionnaire"
)

// Fact questions and same_obligation_as (scoring model 2): valid forms load, broken ones fail with a
// precise message.
func TestFactQuestions(t *testing.T) {
	edit := func(t *testing.T, file, old, new string) (*questionnaire.Questionnaire, error) {
		t.Helper()
		fsys := fixture(t)
		data := string(fsys[file].Data)
		if !strings.Contains(data, old) {
			t.Fatalf("fixture %s lacks %q", file, old)
		}
		fsys[file] = &fstest.MapFile{Data: []byte(strings.Replace(data, old, new, 1))}
		return questionnaire.Load(fsys)
	}
	// q1.1.3 becomes a fact question: "always" is a neutral fact, "never" a gap.
	qn, err := edit(t, "sheet-1.yaml", "{id: always, label: {en: Always, fr: Toujours}, score: 1}", "{id: always, label: {en: Always, fr: Toujours}, neutral: true}")
	if err != nil {
		t.Fatal(err)
	}
	q := qn.Question("q1.1.3")
	if !q.Fact() || q.Scored() || !q.Counted() || q.Option("dont_know") != nil || q.Option("not_applicable") != nil {
		t.Fatalf("q1.1.3: fact %v, scored %v, options %d", q.Fact(), q.Scored(), len(q.Options))
	}
	if qn.Question("q1.1.1").Fact() || !qn.Question("q1.1.1").Counted() {
		t.Fatal("a scale question is counted, not a fact question")
	}
	// A legal obligation may name another one that carries its cap.
	_, err = edit(t, "sheet-1.yaml", "        weight: 2\n", "        weight: 2\n        same_obligation_as: q1.1.1\n")
	if err == nil || !strings.Contains(err.Error(), "a question cannot name itself") {
		t.Fatalf("self link: %v", err)
	}
	cases := []struct{ name, file, old, new, want string }{
		{"neutral with a score", "sheet-1.yaml", "score: 1}", "score: 1, neutral: true}", "a neutral option takes no score"},
		{"neutral without gaps", "sheet-1.yaml", "{id: always, label: {en: Always, fr: Toujours}, score: 1}\n          - {id: never, label: {en: Never, fr: Jamais}, score: 0}",
			"{id: always, label: {en: Always, fr: Toujours}, neutral: true}\n          - {id: never, label: {en: Never, fr: Jamais}, neutral: true}", "neutral options belong to a fact question"},
		{"unknown target", "sheet-1.yaml", "        weight: 2\n", "        weight: 2\n        same_obligation_as: q9.9.9\n", "same_obligation_as: unknown question \"q9.9.9\""},
		{"target not a legal obligation", "sheet-1.yaml", "        weight: 2\n", "        weight: 2\n        same_obligation_as: q1.1.3\n", "q1.1.3 is not a counted legal obligation"},
		{"link on a non-obligation", "sheet-1.yaml", "        weight: 1\n", "        weight: 1\n        same_obligation_as: q1.1.1\n", "only a counted legal obligation can name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := edit(t, tc.file, tc.old, tc.new)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error does not contain %q:\n%v", tc.want, err)
			}
		})
	}
}
