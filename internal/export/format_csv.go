package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"aigrid/internal/i18n"
	"aigrid/internal/scoring"
)

var csvFormat = Format{Name: "csv", Ext: "csv", ContentType: "text/csv; charset=utf-8", Label: "export.format.csv",
	Separated: true, Write: writeCSV}

// detailHeader is the header of the detail rows, shared by the CSV file and the spreadsheet's
// answers sheet.
func detailHeader(l i18n.Lang) []string {
	return []string{i18n.T(l, "export.col.sheet"), i18n.T(l, "export.col.step"), i18n.T(l, "export.col.id"),
		i18n.T(l, "export.col.question"), i18n.T(l, "export.col.applies"), i18n.T(l, "export.col.answer"),
		i18n.T(l, "export.col.value"), i18n.T(l, "export.col.weight"), i18n.T(l, "export.col.justification"),
		i18n.T(l, "export.col.comment"), i18n.T(l, "export.col.evidence"), i18n.T(l, "export.col.recommendation"),
		i18n.T(l, "export.col.action_status")}
}

// yesNo names a boolean.
func yesNo(l i18n.Lang, b bool) string {
	if b {
		return i18n.T(l, "export.yes")
	}
	return i18n.T(l, "export.no")
}

// writeCSV writes one row per question (the detail columns, then the score and level of the
// question's sheet), then one row with the overall score and level. Decimals follow the
// separator: a decimal comma with ';' (as a French spreadsheet reads it), a point with ','.
func writeCSV(w io.Writer, m *Model, o Options) error {
	sep := o.Sep
	if sep == 0 {
		sep = DefaultSep(m.Lang)
	}
	if sep != ';' && sep != ',' {
		return fmt.Errorf("export: CSV separator %q: ';' or ',' expected", sep)
	}
	l := i18n.Lang(m.Lang)
	num := func(s string) cell {
		if sep == ';' {
			s = strings.Replace(s, ".", ",", 1)
		}
		return number(s)
	}
	scoreCell := func(s Score) cell {
		if !s.HasScore {
			return text("")
		}
		return num(strconv.FormatFloat(scoring.Round(s.Score), 'f', 1, 64))
	}
	cw := newCSVWriter(w, sep)
	cw.row(texts(append(detailHeader(l), i18n.T(l, "export.col.sheet_score"), i18n.T(l, "export.col.sheet_level"))...)...)
	for _, s := range m.Sheets {
		for _, st := range s.Steps {
			for _, q := range st.Questions {
				value, weight := text(""), text("")
				if q.HasValue {
					value = num(strconv.FormatFloat(q.Value, 'f', -1, 64))
				}
				if q.Weight > 0 {
					weight = number(strconv.Itoa(q.Weight))
				}
				cw.row(text(q.SheetID), text(q.StepID), text(q.ID), text(q.Text), text(yesNo(l, q.Applies)), text(q.Answer),
					value, weight, text(q.Justification), text(q.Comment), text(q.EvidenceText()), text(q.Recommendation),
					text(q.ActionStatus), scoreCell(s.Score), text(s.Score.LevelName))
			}
		}
	}
	overall := make([]cell, 13, 15)
	for i := range overall {
		overall[i] = text("")
	}
	overall[0] = text(i18n.T(l, "export.overall"))
	cw.row(append(overall, scoreCell(m.Overall), text(m.Overall.LevelName))...)
	return cw.close()
}

// WriteCSV writes the detail rows of an assessment in its language, with that language's
// separator.
func WriteCSV(w io.Writer, e Assessment) error { return writeCSV(w, Build(e), Options{}) }
