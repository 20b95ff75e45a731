package export_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"aigrid/internal/assessment"
	"aigrid/internal/export"
	"aigrid/internal/questionnaire"
)

func compileSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(export.Schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("assessment-1.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("assessment-1.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func jsonOf(t testing.TB, e export.Assessment) []byte {
	t.Helper()
	var buf bytes.Buffer
	f, _ := export.Lookup("json")
	if err := f.Write(&buf, export.Build(e), export.Options{}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestJSONSchema validates exports of every shape against the published schema.
func TestJSONSchema(t *testing.T) {
	s := compileSchema(t)
	empty := fixture(t)
	empty.Answers, empty.Actions, empty.Events = nil, nil, nil
	empty.Assessment.Status, empty.Assessment.Profile = assessment.Draft, nil
	withHistory := full(t, questionnaire.EN, true)
	withHistory.History = map[string]assessment.HistorySummary{"q1.1.1": {Changes: 3, First: exportNow.Add(-time.Hour), Last: exportNow}}
	for name, e := range map[string]export.Assessment{"fixture": fixture(t), "full fr": full(t, questionnaire.FR, false),
		"every question en": withHistory, "empty": empty} {
		b := jsonOf(t, e)
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(v); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	// The schema is not a formality: it refuses a document that is not one.
	for _, bad := range []string{`{}`, `{"format":"aigrid-assessment","format_version":2}`} {
		v, _ := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if s.Validate(v) == nil {
			t.Errorf("the schema accepts %s", bad)
		}
	}
}

// importOf exports an assessment and reads it back.
func importOf(t testing.TB, e export.Assessment, edit func(doc map[string]any)) (*export.Import, []export.Problem) {
	t.Helper()
	b := jsonOf(t, e)
	if edit != nil {
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		edit(doc)
		b, _ = json.Marshal(doc)
	}
	return export.ParseImport(e.Questionnaire, b)
}

func TestImportReadsAnExport(t *testing.T) {
	e := full(t, questionnaire.FR, false)
	imp, problems := importOf(t, e, nil)
	if len(problems) > 0 {
		t.Fatalf("problems in a fresh export: %v", problems)
	}
	if imp.Assessment.SystemName != e.Assessment.SystemName || len(imp.Answers) != len(e.Answers) || len(imp.Actions) != len(e.Actions) {
		t.Fatalf("%q, %d answers of %d, %d actions of %d", imp.Assessment.SystemName, len(imp.Answers), len(e.Answers), len(imp.Actions), len(e.Actions))
	}
	for _, a := range imp.Answers {
		if !a.Same(e.Answers[a.QuestionID]) {
			t.Errorf("%s: %+v, exported %+v", a.QuestionID, a, e.Answers[a.QuestionID])
		}
	}
}

func TestImportListsEveryProblem(t *testing.T) {
	e := fixture(t)
	_, problems := importOf(t, e, func(doc map[string]any) {
		a := doc["assessment"].(map[string]any)
		a["system_name"] = "  "
		a["profile"] = map[string]any{"role": []any{"both", "pilot"}, "colour": []any{"blue"}}
		answers := doc["answers"].([]any)
		answers[0].(map[string]any)["question_id"] = "q9.9.9"
		answers[1].(map[string]any)["values"] = []any{"not_an_option"}
		answers[2].(map[string]any)["comment"] = strings.Repeat("é", assessment.MaxText+1)
		answers = append(answers, answers[3])
		doc["answers"] = answers
		act := doc["actions"].([]any)[0].(map[string]any)
		act["status"], act["due_on"] = "someday", "2026-13-01"
	})
	want := map[string]string{
		"$.assessment.system_name":     "import.error.required",
		"$.assessment.profile.role[1]": "import.error.unknown_option",
		"$.assessment.profile.colour":  "import.error.unknown_profile",
		"$.answers[0].question_id":     "import.error.unknown_question",
		"$.answers[1]":                 "answer.unknown_option",
		"$.answers[2].comment":         "import.error.too_long",
		"$.actions[0].status":          "import.error.status",
		"$.actions[0].due_on":          "actions.due.invalid",
	}
	got := map[string]string{}
	for _, p := range problems {
		got[p.Path] = p.Key
	}
	for path, key := range want {
		if got[path] != key {
			t.Errorf("%s: %q, want %q", path, got[path], key)
		}
	}
	dup := false
	for _, p := range problems {
		dup = dup || p.Key == "import.error.duplicate"
	}
	if !dup {
		t.Errorf("the answer given twice is not reported: %v", problems)
	}

	for _, c := range []struct{ in, path, key string }{
		{`not json`, "$", "import.error.json"},
		{`{"format":"aigrid-assessment","format_version":1} {}`, "$", "import.error.trailing"},
		{`{"format":"other","format_version":1}`, "$.format", "import.error.format"},
		{`{"format":"aigrid-assessment","format_version":7}`, "$.format_version", "import.error.format_version"},
		{`{"format":"aigrid-assessment","format_version":"1"}`, "$.format_version", "import.error.json"},
		{`{"format":"aigrid-assessment","format_version":1,"extra":1}`, "$", "import.error.json"},
		{"\xff\xfe", "$", "import.error.utf8"},
	} {
		imp, ps := export.ParseImport(e.Questionnaire, []byte(c.in))
		if imp != nil || len(ps) == 0 || ps[0].Path != c.path || ps[0].Key != c.key {
			t.Errorf("%q: %v", c.in, ps)
		}
	}
}

// FuzzImport feeds the importer mutated exports: it never panics, and what it accepts is valid
// through and through (every answer as the step pages would accept it).
func FuzzImport(f *testing.F) {
	qn := loadQuestionnaire(f)
	f.Add(jsonOf(f, fixture(f)))
	f.Add([]byte(`{"format":"aigrid-assessment","format_version":1,"assessment":{"system_name":"x","profile":{"role":["both"]}},"answers":[{"question_id":"q1.1.3","values":["partly"]}]}`))
	f.Add([]byte(`{"answers":[{"question_id":"q1.1.3","values":["not_applicable"],"justification":""}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		imp, problems := export.ParseImport(qn, data)
		if (imp == nil) == (len(problems) == 0) {
			t.Fatalf("import %v with problems %v", imp != nil, problems)
		}
		if imp == nil {
			for _, p := range problems {
				if !strings.HasPrefix(p.Path, "$") || p.Key == "" {
					t.Fatalf("problem without a path or key: %+v", p)
				}
			}
			return
		}
		if strings.TrimSpace(imp.Assessment.SystemName) == "" {
			t.Fatal("accepted without a name")
		}
		seen := map[string]bool{}
		for _, a := range imp.Answers {
			q := qn.Question(a.QuestionID)
			if q == nil || seen[a.QuestionID] {
				t.Fatalf("accepted an unknown or repeated question %q", a.QuestionID)
			}
			seen[a.QuestionID] = true
			if again, key := assessment.Validate(q, a); key != "" || !again.Same(a) {
				t.Fatalf("accepted an invalid answer %+v: %s", a, key)
			}
		}
		for _, x := range imp.Actions {
			if qn.Question(x.QuestionID) == nil || !x.Status.Valid() {
				t.Fatalf("accepted action %+v", x)
			}
		}
	})
}
