package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"aigrid/internal/export"
)

// The JSON Lines results export has the CSV's fields and values, one object per line.
func TestSummaryJSONL(t *testing.T) {
	f := fixture(t)
	list := []export.Summary{{Organisation: "=Acme <b>", Assessment: f.Assessment, Report: f.Report}, {Organisation: "Other"}}
	var jb, cb bytes.Buffer
	jf, _ := export.LookupSummary("jsonl")
	cf, _ := export.LookupSummary("csv")
	for _, x := range []struct {
		f   export.SummaryFormat
		buf *bytes.Buffer
	}{{jf, &jb}, {cf, &cb}} {
		sw := x.f.New(x.buf, f.Questionnaire.Sheets)
		for _, s := range list {
			sw.Write(s)
		}
		if err := sw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(cb.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(jb.String(), "\n"), "\n")
	if len(lines) != len(list) || len(recs) != len(list)+1 {
		t.Fatalf("%d lines, %d records", len(lines), len(recs))
	}
	var line struct {
		Organisation   string `json:"organisation"`
		AssessmentID   string `json:"assessment_id"`
		SystemName     string `json:"system_name"`
		Version        int    `json:"version"`
		Status         string `json:"status"`
		ContentVersion string `json:"content_version"`
		UpdatedAt      string `json:"updated_at"`
		Overall        struct {
			Score      *float64 `json:"score"`
			Level      int      `json:"level"`
			Completion float64  `json:"completion"`
		} `json:"overall"`
		Sheets []struct {
			ID    string   `json:"id"`
			Score *float64 `json:"score"`
			Level *int     `json:"level"`
		} `json:"sheets"`
	}
	dec := json.NewDecoder(strings.NewReader(lines[0]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&line); err != nil {
		t.Fatal(err)
	}
	if line.Organisation != "=Acme <b>" || !strings.Contains(lines[0], `"=Acme <b>"`) {
		t.Errorf("organisation %q (JSON is not a spreadsheet: kept as is, unescaped)", line.Organisation)
	}
	rec := recs[1]
	got := []string{line.AssessmentID, line.SystemName, fmt.Sprint(line.Version), line.Status, line.ContentVersion, line.UpdatedAt,
		fmt.Sprintf("%.1f", *line.Overall.Score), fmt.Sprint(line.Overall.Level), fmt.Sprintf("%.2f", line.Overall.Completion)}
	for i, g := range got {
		if rec[i+1] != g {
			t.Errorf("field %s: jsonl %q, csv %q", recs[0][i+1], g, rec[i+1])
		}
	}
	if len(line.Sheets) != len(f.Questionnaire.Sheets) {
		t.Fatalf("%d sheets", len(line.Sheets))
	}
	for i, sh := range line.Sheets {
		score, level := "", ""
		if sh.Score != nil {
			score = fmt.Sprintf("%.1f", *sh.Score)
		}
		if sh.Level != nil {
			level = fmt.Sprint(*sh.Level)
		}
		if sh.ID != f.Questionnaire.Sheets[i].ID || rec[10+2*i] != score || rec[11+2*i] != level {
			t.Errorf("sheet %s: jsonl %s/%s, csv %s/%s", sh.ID, score, level, rec[10+2*i], rec[11+2*i])
		}
	}
	// nothing scored: null scores
	if !strings.Contains(lines[1], `"overall":{"score":null,"level":0,"completion":0}`) {
		t.Errorf("unscored line: %s", lines[1])
	}
}

// The streamed results workbook, read back with excelize, has the CSV's values: numbers as
// numbers, the date as a date, text never a formula.
func TestSummaryXLSX(t *testing.T) {
	f := fixture(t)
	list := []export.Summary{{Organisation: "=Acme", Assessment: f.Assessment, Report: f.Report}, {Organisation: "Other"}}
	var xb, cb bytes.Buffer
	for _, x := range []struct {
		name string
		buf  *bytes.Buffer
	}{{"xlsx", &xb}, {"csv", &cb}} {
		format, ok := export.LookupSummary(x.name)
		if !ok {
			t.Fatal(x.name)
		}
		sw := format.New(x.buf, f.Questionnaire.Sheets)
		for _, s := range list {
			sw.Write(s)
		}
		if err := sw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(cb.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	book, err := excelize.OpenReader(&xb)
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	rows, err := book.GetRows("results", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || strings.Join(rows[0], ",") != strings.Join(recs[0], ",") {
		t.Fatalf("rows %q\nheader %q", rows, recs[0])
	}
	for i, row := range rows[1:] {
		for j, v := range row {
			want := recs[i+1][j]
			switch {
			case j == 6: // a date: its serial number
				d, err := book.GetCellValue("results", fmt.Sprintf("G%d", i+2))
				if err != nil || !strings.HasPrefix(want, strings.ReplaceAll(strings.Fields(d + " x")[0], "/", "-")) && want != "" {
					t.Errorf("row %d date %q, csv %q", i, d, want)
				}
			case strings.Contains(want, "."): // a number formatted by the CSV
				var x float64
				fmt.Sscan(v, &x)
				if fmt.Sprintf("%.*f", len(want)-strings.Index(want, ".")-1, x) != want {
					t.Errorf("row %d col %s: %q, csv %q", i, rows[0][j], v, want)
				}
			case v != want:
				t.Errorf("row %d col %s: %q, csv %q", i, rows[0][j], v, want)
			}
		}
	}
	// a number cell has no type attribute (or "n"); text is a string
	if typ, _ := book.GetCellType("results", "H2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("overall score cell type %v, want a number", typ)
	}
	if typ, _ := book.GetCellType("results", "A2"); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
		t.Errorf("organisation cell type %v, want text", typ)
	}
	if formula, _ := book.GetCellFormula("results", "A2"); formula != "" {
		t.Errorf("a formula: %q", formula)
	}
}
