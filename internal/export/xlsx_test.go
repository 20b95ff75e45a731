package export_test

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"aigrid/internal/assessment"
	"aigrid/internal/export"
	"aigrid/internal/i18n"
	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
)

func readXLSX(t *testing.T, e export.Assessment) (*excelize.File, *export.Model) {
	t.Helper()
	f, ok := export.Lookup("xlsx")
	if !ok {
		t.Fatal("no xlsx format")
	}
	m := export.Build(e)
	var buf bytes.Buffer
	if err := f.Write(&buf, m, export.Options{}); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x, m
}

// cellAt reads a cell's type and raw value.
func cellAt(t *testing.T, x *excelize.File, sheet string, col, row int) (excelize.CellType, string) {
	t.Helper()
	name, _ := excelize.CoordinatesToCellName(col, row)
	ct, err := x.GetCellType(sheet, name)
	if err != nil {
		t.Fatal(err)
	}
	v, err := x.GetCellValue(sheet, name, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return ct, v
}

// numeric reports whether a cell holds a number: OOXML's default type ("n", read as Unset) or
// an explicit one.
func numeric(ct excelize.CellType) bool {
	return ct == excelize.CellTypeNumber || ct == excelize.CellTypeUnset
}

func TestXLSX(t *testing.T) {
	for _, lang := range []questionnaire.Lang{questionnaire.FR, questionnaire.EN} {
		t.Run(string(lang), func(t *testing.T) {
			l := i18n.Lang(lang)
			x, m := readXLSX(t, full(t, lang, false))
			summary, answers, actions := i18n.T(l, "export.tab.summary"), i18n.T(l, "export.tab.answers"), i18n.T(l, "export.tab.actions")
			if got := x.GetSheetList(); strings.Join(got, "|") != summary+"|"+answers+"|"+actions {
				t.Fatalf("sheets %q", got)
			}
			for _, s := range x.GetSheetList() {
				p, err := x.GetPanes(s)
				if err != nil || !p.Freeze || p.YSplit != 1 {
					t.Errorf("%s: header not frozen: %+v, %v", s, p, err)
				}
			}
			filters := 0
			for _, d := range x.GetDefinedName() {
				if d.Name == "_xlnm._FilterDatabase" {
					filters++
				}
			}
			if filters != 3 {
				t.Errorf("%d filters, 3 expected", filters)
			}

			// Summary: scores and levels are numbers.
			for i, s := range m.Sheets {
				ct, v := cellAt(t, x, summary, 3, i+2)
				got, err := strconv.ParseFloat(v, 64)
				if !numeric(ct) || err != nil || got != scoring.Round(s.Score.Score) {
					t.Errorf("sheet %s: score cell %v %q, want %v", s.ID, ct, v, scoring.Round(s.Score.Score))
				}
				ct, v = cellAt(t, x, summary, 5, i+2)
				if !numeric(ct) || v != fmt.Sprint(int(s.Score.Level)) {
					t.Errorf("sheet %s: level cell %v %q", s.ID, ct, v)
				}
			}
			if _, v := cellAt(t, x, summary, 2, len(m.Sheets)+2); v != i18n.T(l, "export.overall") {
				t.Errorf("overall row: %q", v)
			}

			// Answers: one row per question, every field.
			rows, err := x.GetRows(answers)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(m.Questions)+1 || rows[0][3] != i18n.T(l, "export.col.question") {
				t.Fatalf("%d rows for %d questions, header %q", len(rows), len(m.Questions), rows[0])
			}
			for i, q := range m.Questions {
				r := append(rows[i+1], make([]string, 15)...)
				want := []string{q.SheetID, q.StepID, q.ID, q.Text, r[4], q.Answer, r[6], r[7], q.Justification, q.Comment,
					q.EvidenceText(), q.Recommendation, q.ActionStatus, q.UpdatedBy}
				for j, w := range want {
					if r[j] != w {
						t.Errorf("%s column %d: %q, want %q", q.ID, j+1, r[j], w)
					}
				}
				ct, v := cellAt(t, x, answers, 7, i+2)
				if q.HasValue && (!numeric(ct) || v != strconv.FormatFloat(q.Value, 'f', -1, 64)) {
					t.Errorf("%s value: %v %q, want %v", q.ID, ct, v, q.Value)
				}
				ct, v = cellAt(t, x, answers, 15, i+2)
				serial, err := strconv.ParseFloat(v, 64)
				if !numeric(ct) || err != nil {
					t.Fatalf("%s updated at: %v %q: a date expected", q.ID, ct, v)
				}
				if got, _ := excelize.ExcelDateToTime(serial, false); !got.Equal(*q.UpdatedAt) {
					t.Errorf("%s updated at %v, want %v", q.ID, got, q.UpdatedAt)
				}
			}
			style, _ := x.GetCellStyle(answers, "O2")
			if st, err := x.GetStyle(style); err != nil || st.CustomNumFmt == nil || !strings.Contains(*st.CustomNumFmt, "yyyy") {
				t.Errorf("updated at shown without a date format: %+v, %v", st, err)
			}

			// The action plan: due dates are dates.
			for i, a := range m.Actions {
				ct, v := cellAt(t, x, actions, 4, i+2)
				serial, _ := strconv.ParseFloat(v, 64)
				if got, _ := excelize.ExcelDateToTime(serial, false); !numeric(ct) || !got.Equal(*a.DueOn) {
					t.Errorf("action %d due %v %q, want %v", i, ct, v, a.DueOn)
				}
				if _, v := cellAt(t, x, actions, 1, i+2); v != a.Title {
					t.Errorf("action %d title %q, want %q", i, v, a.Title)
				}
			}
		})
	}
}

func TestXLSXFormulaInjection(t *testing.T) {
	e := fixture(t)
	e.Lang = questionnaire.EN
	e.Assessment.SystemName = "=HYPERLINK(\"http://evil\")"
	e.Organisation = "@SUM(1)"
	for id, a := range e.Answers {
		a.Comment, a.Justification = "=1+1", "+cmd|' /C calc'!A0"
		a.Evidence = []assessment.Evidence{{Title: "-2+3", Link: "=A1"}}
		e.Answers[id] = a
	}
	e.Actions[0].Title, e.Actions[0].OwnerName, e.Actions[0].Reason = "=cmd", " @x", "\t=1"
	x, _ := readXLSX(t, e)
	cells, comment := 0, false
	for _, s := range x.GetSheetList() {
		rows, err := x.GetRows(s)
		if err != nil {
			t.Fatal(err)
		}
		for i, row := range rows {
			for j, v := range row {
				name, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if f, _ := x.GetCellFormula(s, name); f != "" {
					t.Errorf("%s!%s holds the formula %q", s, name, f)
				}
				if tr := strings.TrimLeft(v, " \""); tr != "" && strings.ContainsRune("=+-@\t", []rune(tr)[0]) {
					t.Errorf("%s!%s = %q starts a formula", s, name, v)
				}
				if strings.HasPrefix(v, "'") {
					cells++
				}
				comment = comment || v == "'=1+1"
			}
		}
	}
	if cells < 8 {
		t.Errorf("%d neutralised cells, at least 8 expected", cells)
	}
	if !comment {
		t.Error("the comment =1+1 is not kept as the text '=1+1")
	}
}

func BenchmarkXLSX(b *testing.B) {
	e := full(b, questionnaire.FR, true)
	f, _ := export.Lookup("xlsx")
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := f.Write(&buf, export.Build(e), export.Options{}); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "bytes/xlsx")
}
