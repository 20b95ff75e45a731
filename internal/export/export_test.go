package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"aigrid/content"
	"aigrid/internal/assessment"
	"aigrid/internal/export"
	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
)

func fixture(t *testing.T) export.Assessment {
	t.Helper()
	qn, err := questionnaire.Load(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	a := assessment.Assessment{ID: "a1", SystemName: "CV screening", Version: 2, Status: assessment.Draft, ContentVersion: qn.Version,
		Profile: questionnaire.Profile{"role": {"both"}, "personal_data": {"yes"}}, UpdatedAt: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)}
	answers := map[string]assessment.Answer{
		"q1.1.3": {QuestionID: "q1.1.3", Values: []string{"partly"}, Comment: "=HYPERLINK(\"http://evil\")", UpdatedByName: "Eddie", UpdatedAt: a.UpdatedAt},
		"q1.1.4": {QuestionID: "q1.1.4", Values: []string{"not_applicable"}, Justification: "no data", Evidence: []assessment.Evidence{{Title: "Register", Link: "REG-1"}}},
	}
	return export.Assessment{Questionnaire: qn, Assessment: a, Answers: answers, Lang: questionnaire.FR,
		Report: scoring.Score(qn, a.Profile, assessment.Values(answers))}
}

func TestCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := export.WriteCSV(&buf, fixture(t)); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if recs[0][2] != "question_id" || len(recs) < 20 {
		t.Fatalf("header %v, %d records", recs[0], len(recs))
	}
	var q3 []string
	for _, r := range recs {
		if r[2] == "q1.1.3" {
			q3 = r
		}
	}
	if q3 == nil || q3[5] != "Partiellement en place" || !strings.HasPrefix(q3[7], "'=") || q3[10] != "Eddie" {
		t.Fatalf("q1.1.3 row %q: French label, neutralised formula and author expected", q3)
	}
}

func TestJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := export.WriteJSON(&buf, fixture(t)); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		SystemName string         `json:"system_name"`
		Report     scoring.Report `json:"report"`
		Answers    []struct {
			QuestionID    string `json:"question_id"`
			Justification string `json:"justification"`
			Applies       bool   `json:"applies"`
		} `json:"answers"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.SystemName != "CV screening" || doc.Report.ModelVersion != scoring.ModelVersion || len(doc.Report.Sheets) != 7 {
		t.Fatalf("%+v", doc)
	}
	found := false
	for _, a := range doc.Answers {
		if a.QuestionID == "q1.1.4" && a.Justification == "no data" && a.Applies {
			found = true
		}
	}
	if !found {
		t.Fatal("the N/A answer and its justification are missing")
	}
}

func TestSummaryCSV(t *testing.T) {
	f := fixture(t)
	var buf bytes.Buffer
	err := export.WriteSummaryCSV(&buf, f.Questionnaire.Sheets, []export.Summary{{Organisation: "+Acme", Assessment: f.Assessment, Report: f.Report}})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || len(recs[0]) != 10+14 || recs[1][0] != "'+Acme" || recs[1][7] != "50.0" {
		t.Fatalf("summary %q", recs)
	}
}
