package scoring_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"strconv"
	"strings"
	"testing"

	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
)

var update = flag.Bool("update", false, "rewrite testdata/golden-shipped.json from the current scoring and content")

const goldenFile = "testdata/golden-shipped.json"

// goldenAnswers is the fixed answer set of the golden test: the i-th scored question (counting from
// 0 in questionnaire order) gets the option at index i % its number of options, so every option
// position, "don't know" and "not applicable" included, occurs; an unscored choice question at
// position j of the questionnaire gets its option j % n; text and number questions get a fixed value.
func goldenAnswers(qn *questionnaire.Questionnaire) answers {
	a := answers{}
	scored := 0
	for j, q := range qn.Questions() {
		switch {
		case q.Scored():
			a[q.ID] = []string{q.Options[scored%len(q.Options)].ID}
			scored++
		case q.Kind == questionnaire.KindText:
			a[q.ID] = []string{"Documented in our register."}
		case q.Kind == questionnaire.KindNumber:
			a[q.ID] = []string{strconv.Itoa(j)}
		default:
			a[q.ID] = []string{q.Options[j%len(q.Options)].ID}
		}
	}
	return a
}

// The report of the shipped questionnaire for a fixed profile and answer set is frozen in
// testdata/golden-shipped.json: any change of a score, level, flag or order, from the scoring rules or
// from the content, fails this test. When the change is intended, run
//
//	go test ./internal/scoring -run TestGolden -update
//
// review the diff of the golden file, and bump ModelVersion if the scoring rules changed.
func TestGoldenShipped(t *testing.T) {
	qn := shipped(t)
	rep := scoring.Score(qn, goldenProfile(qn), goldenAnswers(qn))
	got, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(goldenFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", goldenFile)
		return
	}
	want, err := os.ReadFile(goldenFile)
	if err != nil {
		t.Fatalf("%v (create it with: go test ./internal/scoring -run TestGolden -update)", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(gl) || i < len(wl); i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Fatalf("the report differs from %s at line %d:\n got: %s\nwant: %s\n"+
				"If the change is intended (content or scoring rules), run go test ./internal/scoring -run TestGolden -update and review the diff.",
				goldenFile, i+1, strings.TrimSpace(g), strings.TrimSpace(w))
		}
	}
}
