package assessment_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"aigrid/internal/assessment"
	"aigrid/internal/questionnaire"
)

// gridVersions loads testdata/grid as 2026.1 and, as 2026.2, a copy where q1.2.1's option
// "machine" became "system", q1.2.2 became q1.2.3 (replaces: q1.2.2) and q1.1.4 is retired, each declared.
func gridVersions(t *testing.T) *questionnaire.Catalog {
	t.Helper()
	fsys := fstest.MapFS{}
	files, _ := filepath.Glob("testdata/grid/*.yaml")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		fsys["2026.1/"+name] = &fstest.MapFile{Data: data}
		s := string(data)
		switch name {
		case questionnaire.MainFile:
			s = strings.Replace(s, `version: "2026.1"`, "version: \"2026.2\"\nprevious: \"2026.1\"\nretired: [q1.1.4]\nchanges: {options: [q1.2.1]}", 1)
			s = strings.Replace(s, "changelog:\n", "changelog:\n  - version: \"2026.2\"\n    date: \"2026-02-01\"\n    changes: {en: Second., fr: Deuxième.}\n", 1)
		case "sheet-1.yaml":
			s = strings.Replace(s, "{id: machine, label: {en: The machine, fr: La machine}}", "{id: system, label: {en: The system, fr: Le système}}", 1)
			s = strings.Replace(s, "      - id: q1.2.2\n", "      - id: q1.2.3\n        replaces: q1.2.2\n", 1)
			i := strings.Index(s, "      # number with a minimum; deployers only")
			j := i + strings.Index(s[i:], "  - id: \"1.2\"")
			if i < 0 || j < i {
				t.Fatal("fixture changed: q1.1.4 not found before q1.2.1")
			}
			s = s[:i] + s[j:]
		}
		fsys["2026.2/"+name] = &fstest.MapFile{Data: []byte(s)}
	}
	c, err := questionnaire.LoadCatalog(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A move carries what the new version can take and says why it leaves out the rest: an option
// that no longer exists (the comment stays), a retired question; an answer follows the question that
// replaces its own.
func TestPlanMove(t *testing.T) {
	c := gridVersions(t)
	from, _ := c.Get("2026.1")
	to, _ := c.Get("2026.2")
	profile := questionnaire.Profile{"role": {"both"}, "web_scraping": {"yes"}}
	answers := map[string]assessment.Answer{
		"q1.1.1": {Values: []string{"in_place"}},
		"q1.1.3": {Values: []string{"always"}},
		"q1.1.4": {Values: []string{"12"}},
		"q1.2.1": {Values: []string{"machine"}, Comment: "Decided by the model"},
		"q1.2.2": {Values: []string{"500"}, Evidence: []assessment.Evidence{{Title: "Count", Link: "https://example.org"}}},
	}
	m := assessment.PlanMove(c, from, to, profile, answers)
	if m.Answers["q1.2.3"].Values[0] != "500" || len(m.Answers["q1.2.3"].Evidence) != 1 || m.Answers["q1.2.3"].QuestionID != "q1.2.3" {
		t.Errorf("q1.2.2 → q1.2.3: %+v", m.Answers["q1.2.3"])
	}
	if _, ok := m.Answers["q1.2.2"]; ok {
		t.Error("the replaced id is still answered")
	}
	if a := m.Answers["q1.2.1"]; len(a.Values) != 0 || a.Comment != "Decided by the model" {
		t.Errorf("q1.2.1 keeps its comment without its gone option: %+v", a)
	}
	if _, ok := m.Answers["q1.1.4"]; ok {
		t.Error("a retired question's answer is carried")
	}
	reasons := map[string]string{}
	for _, d := range m.Dropped {
		reasons[d.Old.ID] = d.Reason
	}
	if len(reasons) != 2 || reasons["q1.2.1"] != questionnaire.CarryOption || reasons["q1.1.4"] != questionnaire.CarryRetired {
		t.Errorf("dropped: %v", reasons)
	}
	var carried []string
	for _, x := range m.Carried {
		carried = append(carried, x.Old.ID+">"+x.New.ID)
	}
	if strings.Join(carried, " ") != "q1.1.1>q1.1.1 q1.1.3>q1.1.3 q1.2.2>q1.2.3" {
		t.Errorf("carried: %v", carried)
	}
	if len(m.Retired) != 1 || m.Retired[0].ID != "q1.1.4" {
		t.Errorf("retired: %v", m.Retired)
	}
	var changed []string
	for _, x := range m.Changed {
		changed = append(changed, x.New.ID)
		if x.New.ID == "q1.2.3" && !x.Change.Replaced {
			t.Error("q1.2.3 is not marked as replacing")
		}
	}
	if strings.Join(changed, " ") != "q1.2.1 q1.2.3" || len(m.Added) != 0 {
		t.Errorf("changed %v, added %v", changed, m.Added)
	}
	if m.Before.ContentVersion != "2026.1" || m.After.ContentVersion != "2026.2" {
		t.Errorf("reports on %s and %s", m.Before.ContentVersion, m.After.ContentVersion)
	}
}
