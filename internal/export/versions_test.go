package export_test

import (
	"encoding/json"
	"testing"

	"aigrid/content"
	"aigrid/internal/export"
	"aigrid/internal/questionnaire"
)

// An import is checked against, and stored on, the questionnaire version the file names; a version
// the instance has not loaded is refused at its path, never checked against another.
func TestImportKeepsTheFilesVersion(t *testing.T) {
	cat, err := questionnaire.LoadCatalog(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	b := jsonOf(t, fixture(t))
	withVersion := func(v string) []byte {
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		doc["assessment"].(map[string]any)["content_version"] = v
		out, _ := json.Marshal(doc)
		return out
	}
	imp, problems := export.ParseImportFrom(cat, withVersion("2026.2"))
	if len(problems) > 0 || imp.Assessment.ContentVersion != "2026.2" {
		t.Errorf("2026.2: %v %+v", problems, imp)
	}
	// the fixture answers q2.4.7, which 2026.2 added: a file claiming 2026.1 is checked against it
	imp, problems = export.ParseImportFrom(cat, withVersion("2026.1"))
	if imp != nil || len(problems) != 1 || problems[0].Key != "import.error.unknown_question" || problems[0].Args[0] != "q2.4.7" {
		t.Errorf("2026.1: %+v %+v", imp, problems)
	}
	imp, problems = export.ParseImportFrom(cat, withVersion("2025.4"))
	if imp != nil || len(problems) != 1 || problems[0].Path != "$.assessment.content_version" || problems[0].Key != "import.error.content_version" ||
		problems[0].Args[0] != "2025.4" || problems[0].Args[1] != "2026.1, 2026.2" {
		t.Errorf("unknown version: %+v %+v", imp, problems)
	}
}
