package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"aigrid/internal/assessment"
	"aigrid/internal/export"
	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
)

// readCSV parses a CSV export written with sep, after checking its byte-order mark.
func readCSV(t *testing.T, out string, sep rune) [][]string {
	t.Helper()
	body, ok := strings.CutPrefix(out, "\ufeff")
	if !ok {
		t.Fatal("no byte-order mark")
	}
	r := csv.NewReader(strings.NewReader(body))
	r.Comma = sep
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestCSV(t *testing.T) {
	csvFormat, ok := export.Lookup("csv")
	if !ok || !csvFormat.Separated {
		t.Fatal("no separated csv format in the table")
	}
	for _, c := range []struct {
		lang                    questionnaire.Lang
		sep                     rune // chosen on the export page; 0 for the language's default
		wantSep                 rune
		sheet, answer, yes, all string
		decimal                 string
	}{
		{questionnaire.FR, 0, ';', "Fiche", "Partiellement en place", "oui", "Ensemble", ","},
		{questionnaire.FR, ',', ',', "Fiche", "Partiellement en place", "oui", "Ensemble", "."},
		{questionnaire.EN, 0, ',', "Sheet", "Partly in place", "yes", "Overall", "."},
		{questionnaire.EN, ';', ';', "Sheet", "Partly in place", "yes", "Overall", ","},
	} {
		e := fixture(t)
		e.Lang = c.lang
		m := export.Build(e)
		var buf bytes.Buffer
		if err := csvFormat.Write(&buf, m, export.Options{Sep: c.sep}); err != nil {
			t.Fatal(err)
		}
		recs := readCSV(t, buf.String(), c.wantSep)
		name := fmt.Sprintf("%s %q", c.lang, c.sep)
		if recs[0][0] != c.sheet || len(recs[0]) != 15 {
			t.Fatalf("%s: header %q", name, recs[0])
		}
		// A header line, a line per question that applies or was answered, the overall line.
		if len(recs) != 1+len(m.Questions)+1 || len(m.Questions) < 20 {
			t.Fatalf("%s: %d lines for %d questions", name, len(recs), len(m.Questions))
		}
		var q3, q4 []string
		for _, r := range recs {
			if len(r) != 15 {
				t.Fatalf("%s: line %q has %d cells", name, r, len(r))
			}
			switch r[2] {
			case "q1.1.3":
				q3 = r
			case "q1.1.4":
				q4 = r
			}
		}
		if q3 == nil || q3[5] != c.answer || q3[4] != c.yes || !strings.HasPrefix(q3[9], "'=") || q3[0] != "1" {
			t.Fatalf("%s: q1.1.3 line %q: translated label, neutralised formula expected", name, q3)
		}
		if q4 == nil || q4[8] != "no data" || q4[10] != "Register REG-1" || q4[6] != "" {
			t.Fatalf("%s: q1.1.4 line %q: justification and evidence, no value (not applicable) expected", name, q4)
		}
		if q3[12] == "" {
			t.Errorf("%s: q1.1.3 has an action but no action status: %q", name, q3)
		}
		last := recs[len(recs)-1]
		want := strings.Replace("50.0", ".", c.decimal, 1)
		if last[0] != c.all || last[13] != want || last[14] != m.Overall.LevelName || q3[13] != strings.Replace(strings.Replace(m.Sheets[0].Score.Text, ",", ".", 1), ".", c.decimal, 1) {
			t.Errorf("%s: overall line %q (want score %s), sheet score %q", name, last, want, q3[13])
		}
	}
	var buf bytes.Buffer
	if err := csvFormat.Write(&buf, export.Build(fixture(t)), export.Options{Sep: '\t'}); err == nil {
		t.Error("a tab separator was accepted")
	}
}

func TestFormatsTable(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range export.Formats() {
		if seen[f.Name] || f.Ext == "" || f.ContentType == "" || f.Label == "" || f.Write == nil {
			t.Errorf("format %+v: duplicate or incomplete", f)
		}
		seen[f.Name] = true
		if g, ok := export.Lookup(f.Name); !ok || g.Name != f.Name {
			t.Errorf("Lookup(%q) = %v, %v", f.Name, g.Name, ok)
		}
	}
	if _, ok := export.Lookup("exe"); ok {
		t.Error("an unknown format was found")
	}
	for _, c := range []struct {
		in   string
		lang questionnaire.Lang
		want rune
	}{{"", questionnaire.FR, ';'}, {"", questionnaire.EN, ','}, {",", questionnaire.FR, ','}, {"semicolon", questionnaire.EN, ';'}} {
		if got, err := export.ParseSep(c.in, c.lang); err != nil || got != c.want {
			t.Errorf("ParseSep(%q, %s) = %q, %v", c.in, c.lang, got, err)
		}
	}
	if _, err := export.ParseSep("|", questionnaire.FR); err == nil {
		t.Error("ParseSep accepted |")
	}
}

func TestBuild(t *testing.T) {
	m := export.Build(fixture(t))
	if m.Approval == nil || m.Approval.By != "Régine" || !m.Approval.At.Equal(exportNow.Add(-time.Hour)) {
		t.Errorf("approval %+v", m.Approval)
	}
	if len(m.Actions) != 1 || m.Actions[0].Owner != "Zoé" || !m.Actions[0].Overdue || m.Actions[0].Title == "" || m.Actions[0].Status != "À faire" {
		t.Errorf("actions %+v", m.Actions)
	}
	if len(m.Profile) != 2 || m.Organisation != "Acme" || m.ModelVersion != scoring.ModelVersion {
		t.Errorf("profile %+v, organisation %q, model %q", m.Profile, m.Organisation, m.ModelVersion)
	}

	e := full(t, questionnaire.FR, false)
	m = export.Build(e)
	recs := scoring.Recommend(e.Questionnaire, e.Assessment.Profile, assessment.Values(e.Answers))
	if len(m.Recommendations) != len(recs) || len(recs) == 0 {
		t.Fatalf("%d recommendations, want %d", len(m.Recommendations), len(recs))
	}
	for i, r := range m.Recommendations {
		if r.Rank != i+1 || r.QuestionID != recs[i].QuestionID || r.Text == "" || r.Priority == "" {
			t.Errorf("recommendation %d: %+v, want %s", i, r, recs[i].QuestionID)
		}
	}
	var inSteps, blocking, dontKnow int
	for _, s := range m.Sheets {
		for _, st := range s.Steps {
			for _, q := range st.Questions {
				inSteps++
				if q.Blocking {
					blocking++
					if q.CapName == "" {
						t.Errorf("%s blocks without a cap", q.ID)
					}
				}
				if q.DontKnow && q.Applies {
					dontKnow++
				}
				if q.Answer == "" || q.Comment == "" {
					t.Errorf("%s: answer %q, comment %q", q.ID, q.Answer, q.Comment)
				}
			}
		}
	}
	if inSteps != len(m.Questions) || inSteps != len(e.Answers) || blocking != len(m.Blocking) || dontKnow != len(m.DontKnow) || blocking == 0 || dontKnow == 0 {
		t.Errorf("%d questions in steps, %d flat, %d answers; %d/%d blocking, %d/%d don't know", inSteps, len(m.Questions), len(e.Answers),
			blocking, len(m.Blocking), dontKnow, len(m.DontKnow))
	}
	if len(m.Sheets) != 7 || m.Overall.LevelName == "" || !strings.Contains(m.Overall.Text, ",") {
		t.Errorf("sheets %d, overall %+v", len(m.Sheets), m.Overall)
	}
}

func TestJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := export.WriteJSON(&buf, fixture(t)); err != nil {
		t.Fatal(err)
	}
	var doc export.Document
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Format != "aigrid-assessment" || doc.FormatVersion != 1 || doc.Assessment.SystemName != "CV screening" ||
		doc.Report.ModelVersion != scoring.ModelVersion || len(doc.Report.Sheets) != 7 || doc.Organisation != "Acme" ||
		doc.Assessment.Approved == nil || doc.Assessment.Approved.By != "Régine" || len(doc.Actions) != 1 {
		t.Fatalf("%+v", doc)
	}
	found := false
	for _, a := range doc.Answers {
		if a.QuestionID == "q1.1.4" && a.Justification == "no data" && a.Applies && len(a.Evidence) == 1 {
			found = true
		}
	}
	if !found {
		t.Fatal("the N/A answer and its justification are missing")
	}
	var again bytes.Buffer
	if err := export.WriteJSON(&again, fixture(t)); err != nil || !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Fatal("two exports of the same data differ")
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
