package content_test

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"aigrid/content"
	"aigrid/internal/questionnaire"
)

// Both shipped versions load side by side, each with its scoring model, 2026.2 the latest and
// following 2026.1.
func TestShippedVersions(t *testing.T) {
	c, err := questionnaire.LoadCatalog(content.FS)
	if err != nil {
		t.Fatalf("shipped content is invalid:\n%v", err)
	}
	vs := c.Versions()
	if len(vs) != 2 || vs[0].Version != "2026.1" || vs[0].ScoringModel != 1 || vs[0].Previous != "" ||
		vs[1].Version != "2026.2" || vs[1].ScoringModel != 2 || vs[1].Previous != "2026.1" || c.Latest() != vs[1] {
		t.Fatalf("versions: %+v", vs)
	}
	if n := len(vs[0].Questions()); n != 215 {
		t.Errorf("2026.1 has %d questions, as users had it: 215", n)
	}
	if n := len(vs[1].Questions()); n != 222 {
		t.Errorf("2026.2 has %d questions, want 222 (215 + 7 added)", n)
	}
}

// The shipped content loads, is complete in both languages and covers the whole CNIL outline.
func TestShippedContent(t *testing.T) {
	qn, err := questionnaire.LoadLatest(content.FS)
	if err != nil {
		t.Fatalf("shipped content is invalid:\n%v", err)
	}
	st := qn.Stats()
	if len(st.Sheets) != 7 {
		t.Fatalf("got %d sheets, want 7", len(st.Sheets))
	}
	minimum := map[string]int{"1": 20, "2": 20, "3": 26, "4": 13, "5": 22, "6": 14, "7": 12}
	for _, s := range st.Sheets {
		if s.Questions < minimum[s.ID] {
			t.Errorf("sheet %s: %d questions, the outline has %d checkpoints", s.ID, s.Questions, minimum[s.ID])
		}
		if s.FR != s.Questions || s.EN != s.Questions {
			t.Errorf("sheet %s: fr=%d en=%d of %d questions", s.ID, s.FR, s.EN, s.Questions)
		}
		if s.Recommendations != s.Scored {
			t.Errorf("sheet %s: %d recommendations for %d scored questions", s.ID, s.Recommendations, s.Scored)
		}
		if s.References != s.Questions {
			t.Errorf("sheet %s: %d of %d questions have a legal reference", s.ID, s.References, s.Questions)
		}
	}

	covered := map[string]bool{}
	for _, q := range qn.Questions() {
		for _, o := range q.Outline {
			covered[o] = true
		}
	}
	f, err := os.Open("testdata/outline-rows.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		row := strings.TrimSpace(sc.Text())
		if row == "" || strings.HasPrefix(row, "#") {
			continue
		}
		rows++
		if !covered[row] {
			t.Errorf("outline checkpoint %s is not covered by any question", row)
		}
	}
	if rows != 127 {
		t.Errorf("outline list has %d rows, want 127", rows)
	}
	// The 2023–2026 recommendations add checkpoints of their own.
	for _, rec := range []string{"rec-9", "rec-10", "rec-12", "rec-13", "rec-14", "rec-16", "rec-17"} {
		if !covered[rec] {
			t.Errorf("no question carries the additions of %s", rec)
		}
	}
}

// Every profile question the content format documents exists, so conditions written against the
// documentation work.
func TestProfileQuestions(t *testing.T) {
	qn, err := questionnaire.LoadLatest(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"role", "phase", "personal_data", "special_category", "vulnerable_people",
		"continuous_learning", "annotation", "web_scraping", "generative_ai", "third_party_model",
		"automated_decisions", "trained_on_personal_data"} {
		if qn.ProfileQuestion(id) == nil {
			t.Errorf("profile question %q is missing", id)
		}
	}
}
