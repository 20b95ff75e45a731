package export

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"aigrid/internal/i18n"
	"aigrid/internal/scoring"
)

var xlsxFormat = Format{Name: "xlsx", Ext: "xlsx", ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	Label: "export.format.xlsx", Write: writeXLSX}

// xlsxText neutralises text that a spreadsheet could take for a formula once a user edits the
// cell: a leading ' (text cells are never evaluated as written, but re-typing one would be).
func xlsxText(s string) string {
	t := strings.TrimLeft(s, " \"")
	if t != "" && strings.ContainsRune(formulaTriggers, []rune(t)[0]) {
		return "'" + s
	}
	return s
}

// xlsxBook writes the workbook's sheets as plain tables: one header row, frozen, with a filter.
type xlsxBook struct {
	f                                  *excelize.File
	head, wrap, number, date, dateTime int
	err                                error
}

func (b *xlsxBook) style(s *excelize.Style) int {
	id, err := b.f.NewStyle(s)
	if b.err == nil {
		b.err = err
	}
	return id
}

// table fills a sheet: the header, the rows, then column widths, styles, frozen header and filter.
// kinds says how each column's values are styled: 't' wrapped text, 'n' number, 'd' date,
// 'D' date and time, ' ' plain.
func (b *xlsxBook) table(sheet string, header []string, kinds string, widths []float64, rows [][]any) {
	if b.err != nil {
		return
	}
	f := b.f
	set := func(err error) {
		if b.err == nil && err != nil {
			b.err = fmt.Errorf("export: xlsx %s: %w", sheet, err)
		}
	}
	hs := make([]any, len(header))
	for i, h := range header {
		hs[i] = h
	}
	set(f.SetSheetRow(sheet, "A1", &hs))
	for i, row := range rows {
		for j, v := range row {
			if s, ok := v.(string); ok {
				row[j] = xlsxText(s)
			}
		}
		set(f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+2), &row))
	}
	last, _ := excelize.ColumnNumberToName(len(header))
	n := len(rows) + 1
	for i, w := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		set(f.SetColWidth(sheet, col, col, w))
		style := 0
		switch kinds[i] {
		case 't':
			style = b.wrap
		case 'n':
			style = b.number
		case 'd':
			style = b.date
		case 'D':
			style = b.dateTime
		}
		if style != 0 && n > 1 {
			set(f.SetCellStyle(sheet, col+"2", fmt.Sprintf("%s%d", col, n), style))
		}
	}
	set(f.SetCellStyle(sheet, "A1", last+"1", b.head))
	set(f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}))
	set(f.AutoFilter(sheet, fmt.Sprintf("A1:%s%d", last, n), nil))
}

// writeXLSX writes a workbook of three sheets: the summary (the scores and levels per sheet, as
// numbers, and what was assessed), the answers (one row per question, the CSV's columns) and the
// action plan. Dates are dates; text is never a formula.
func writeXLSX(w io.Writer, m *Model, _ Options) error {
	l := i18n.Lang(m.Lang)
	t := func(key string, args ...any) string { return i18n.T(l, key, args...) }
	f := excelize.NewFile()
	defer f.Close()
	b := &xlsxBook{f: f}
	b.head = b.style(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1B3D6D"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	b.wrap = b.style(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	b.number = b.style(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}})
	dateFmt, dateTimeFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
	b.date = b.style(&excelize.Style{CustomNumFmt: &dateFmt, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}})
	b.dateTime = b.style(&excelize.Style{CustomNumFmt: &dateTimeFmt, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}})

	summary, answers, actions := t("export.tab.summary"), t("export.tab.answers"), t("export.tab.actions")
	if err := f.SetSheetName("Sheet1", summary); err != nil {
		return err
	}
	for _, s := range []string{answers, actions} {
		if _, err := f.NewSheet(s); err != nil {
			return err
		}
	}

	// Summary: one row per sheet and the overall row, then what was assessed.
	scoreOrNil := func(s Score) any {
		if !s.HasScore {
			return nil
		}
		return scoring.Round(s.Score)
	}
	levelNumber := func(s Score) any {
		if s.Level == scoring.LevelNone {
			return nil
		}
		return int(s.Level)
	}
	var rows [][]any
	for _, s := range m.Sheets {
		rows = append(rows, []any{s.ID, s.Title, scoreOrNil(s.Score), s.Score.LevelName, levelNumber(s.Score), s.Score.CapName,
			s.Score.Completion, s.Score.Applicable, s.Score.Answered})
	}
	o := m.Overall
	rows = append(rows, []any{"", t("export.overall"), scoreOrNil(o), o.LevelName, levelNumber(o), o.CapName, o.Completion, o.Applicable, o.Answered})
	b.table(summary, []string{t("export.col.sheet"), t("export.col.title"), t("export.col.score"), t("export.col.level"),
		t("export.col.level_number"), t("export.col.cap"), t("export.col.completion"), t("export.col.applicable"), t("export.col.answered")},
		" tn nt n n", []float64{8, 55, 13, 14, 12, 14, 14, 13, 12}, rows)
	info := [][]any{
		{t("export.pdf.system"), m.Assessment.SystemName},
		{t("export.pdf.organisation"), m.Organisation},
		{t("export.pdf.version"), m.Assessment.Version},
		{t("export.pdf.status"), t("status." + string(m.Assessment.Status))},
	}
	if m.Approval != nil {
		info = append(info, []any{t("export.pdf.approved_by"), m.Approval.By}, []any{t("export.pdf.approved_at"), m.Approval.At})
	}
	info = append(info, []any{t("export.pdf.content_version"), m.ContentVersion}, []any{t("export.pdf.model_version"), m.ModelVersion},
		[]any{t("export.pdf.date"), m.GeneratedAt})
	start := len(rows) + 4
	for i, row := range info {
		cell := fmt.Sprintf("A%d", start+i)
		if s, ok := row[1].(string); ok {
			row[1] = xlsxText(s)
		}
		if b.err == nil {
			b.err = f.SetSheetRow(summary, cell, &[]any{nil, row[0], row[1]})
		}
		if _, ok := row[1].(time.Time); ok && b.err == nil {
			b.err = f.SetCellStyle(summary, fmt.Sprintf("C%d", start+i), fmt.Sprintf("C%d", start+i), b.dateTime)
		}
	}

	// Answers: the CSV's detail columns, then who answered last and when.
	rows = rows[:0]
	for _, q := range m.Questions {
		var value, weight, updated any
		if q.HasValue {
			value = q.Value
		}
		if q.Weight > 0 {
			weight = q.Weight
		}
		if q.UpdatedAt != nil {
			updated = *q.UpdatedAt
		}
		rows = append(rows, []any{q.SheetID, q.StepID, q.ID, q.Text, yesNo(l, q.Applies), q.Answer, value, weight, q.Justification,
			q.Comment, q.EvidenceText(), q.Recommendation, q.ActionStatus, q.UpdatedBy, updated})
	}
	b.table(answers, append(detailHeader(l), t("export.col.updated_by"), t("export.col.updated_at")), "   t tnnttttt D",
		[]float64{7, 8, 9, 60, 10, 26, 10, 8, 36, 40, 36, 50, 18, 18, 17}, rows)

	// The action plan.
	rows = rows[:0]
	for _, x := range m.Actions {
		var due any
		if x.DueOn != nil {
			due = *x.DueOn
		}
		rows = append(rows, []any{x.Title, x.QuestionID, x.Owner, due, x.Status, x.Reason, yesNo(l, x.Overdue)})
	}
	b.table(actions, []string{t("export.col.action"), t("export.col.id"), t("export.col.owner"), t("export.col.due"),
		t("export.col.status"), t("export.col.reason"), t("export.col.overdue")}, "t  d t ", []float64{60, 11, 22, 13, 14, 40, 11}, rows)

	if b.err != nil {
		return b.err
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: m.Assessment.SystemName, Creator: "aigrid",
		Created: m.GeneratedAt.Format("2006-01-02T15:04:05Z"), Modified: m.GeneratedAt.Format("2006-01-02T15:04:05Z"),
		Language: string(m.Lang)}); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	_, err := f.WriteTo(w)
	return err
}
