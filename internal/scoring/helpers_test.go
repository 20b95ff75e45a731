package scoring_test

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"aigrid/content"
	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
)

type (
	profile = questionnaire.Profile
	answers = questionnaire.Answers
)

// small loads testdata/small, the hand-made questionnaire the exact numbers of scoring_test.go are
// computed from, through an in-memory file system.
func small(t testing.TB) *questionnaire.Questionnaire {
	t.Helper()
	fsys := fstest.MapFS{}
	entries, err := os.ReadDir("testdata/small")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata/small", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		fsys[e.Name()] = &fstest.MapFile{Data: data}
	}
	qn, err := questionnaire.Load(fsys)
	if err != nil {
		t.Fatalf("testdata/small: %v", err)
	}
	return qn
}

// catalog loads every shipped version.
func catalog(t testing.TB) *questionnaire.Catalog {
	t.Helper()
	c, err := questionnaire.LoadCatalog(content.FS)
	if err != nil {
		t.Fatalf("shipped content: %v", err)
	}
	return c
}

// shipped loads the latest shipped version.
func shipped(t testing.TB) *questionnaire.Questionnaire {
	t.Helper()
	qn, err := questionnaire.LoadLatest(content.FS)
	if err != nil {
		t.Fatalf("shipped content: %v", err)
	}
	return qn
}

// with returns a copy of a with the given question ids set (a nil value deletes the answer).
func with(a answers, kv ...any) answers {
	out := answers{}
	for k, v := range a {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		id := kv[i].(string)
		switch v := kv[i+1].(type) {
		case nil:
			delete(out, id)
		case string:
			out[id] = []string{v}
		case []string:
			out[id] = v
		}
	}
	return out
}

func ids(gaps []scoring.Gap) []string {
	out := []string{}
	for _, g := range gaps {
		out = append(out, g.QuestionID)
	}
	return out
}

func recIDs(recs []scoring.Recommendation) []string {
	out := []string{}
	for _, r := range recs {
		out = append(out, r.QuestionID)
	}
	return out
}

// bestOption and worstOption pick, independently of the package, the scored option with the highest
// or lowest score ("not applicable" excluded), the first one on a tie. For a fact question the best
// answer is its first neutral option (a fact, no gap).
func bestOption(q *questionnaire.Question) *questionnaire.Option {
	if q.Fact() {
		for _, o := range q.Options {
			if o.Neutral {
				return o
			}
		}
	}
	var best *questionnaire.Option
	for _, o := range q.Options {
		if o.Score != nil && (best == nil || *o.Score > *best.Score) {
			best = o
		}
	}
	return best
}

func worstOption(q *questionnaire.Question) *questionnaire.Option {
	var worst *questionnaire.Option
	for _, o := range q.Options {
		if o.Score != nil && (worst == nil || *o.Score < *worst.Score) {
			worst = o
		}
	}
	return worst
}
