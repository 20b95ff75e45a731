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

var update = flag.Bool("update", false, "rewrite the golden files of testdata/ from the current scoring and content")

// goldenFiles are the golden reports, one per shipped questionnaire version (each scored with the
// scoring model it declares).
var goldenFiles = map[string]string{
	"2026.1": "testdata/golden-2026.1.json",
	"2026.2": "testdata/golden-shipped.json",
}

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

// The report of each shipped questionnaire version for a fixed profile and answer set is frozen in
// its golden file: any change of a score, level, flag or order, from the scoring rules or from the
// content, fails this test. When the change is intended, run
//
//	go test ./internal/scoring -run TestGolden -update
//
// review the diff of the golden files, and bump ModelVersion if the scoring rules changed (a
// version's declared model never changes: add a model instead).
func TestGoldenShipped(t *testing.T) {
	for _, qn := range catalog(t).Versions() {
		t.Run(qn.Version, func(t *testing.T) {
			goldenFile := goldenFiles[qn.Version]
			if goldenFile == "" {
				t.Fatalf("no golden file for version %s: add it to goldenFiles", qn.Version)
			}
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
			compareLines(t, goldenFile, got, want)
		})
	}
}

// Content 2026.1 scored today gives the report frozen before 2026.2 existed (commit 83d966d, scoring
// model 1, testdata/golden-2026.1-model1-frozen.json, never rewritten): the same scores, levels,
// caps, costs, gaps and order. Only the fields model 2 added to reports (neutral, cap,
// limiting_gaps) are new; they are removed before comparing, and checked to say nothing model 1
// did not (no limiting gap, no neutral answer).
func TestModel1ReproducesTheFrozen2026_1Report(t *testing.T) {
	qn, err := catalog(t).Get("2026.1")
	if err != nil {
		t.Fatal(err)
	}
	if qn.ScoringModel != 1 {
		t.Fatalf("2026.1 declares scoring model %d, want 1", qn.ScoringModel)
	}
	rep := scoring.Score(qn, goldenProfile(qn), goldenAnswers(qn))
	if rep.ModelVersion != "1" {
		t.Fatalf("model_version %q, want 1", rep.ModelVersion)
	}
	var got, want any
	data, _ := json.Marshal(rep)
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	frozen, err := os.ReadFile("testdata/golden-2026.1-model1-frozen.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(frozen, &want); err != nil {
		t.Fatal(err)
	}
	var strip func(v any)
	strip = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if n, ok := v["neutral"]; ok && n != float64(0) {
				t.Errorf("a model 1 report counts %v neutral answers", n)
			}
			if l, ok := v["limiting_gaps"].([]any); ok && len(l) > 0 {
				t.Errorf("a model 1 report has limiting gaps: %v", l)
			}
			if c, ok := v["cap"]; ok && c != float64(scoring.LevelNone) && c != float64(scoring.CappedLevel) {
				t.Errorf("a model 1 report caps at level %v", c)
			}
			delete(v, "neutral")
			delete(v, "cap")
			delete(v, "limiting_gaps")
			for _, x := range v {
				strip(x)
			}
		case []any:
			for _, x := range v {
				strip(x)
			}
		}
	}
	strip(got)
	g, _ := json.MarshalIndent(got, "", "  ")
	w, _ := json.MarshalIndent(want, "", "  ")
	compareLines(t, "testdata/golden-2026.1-model1-frozen.json", g, w)
}

func compareLines(t *testing.T, goldenFile string, got, want []byte) {
	t.Helper()
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
