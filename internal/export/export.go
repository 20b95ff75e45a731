// Package export writes assessments and their results as PDF reports, spreadsheets, CSV and JSON,
// for the people who keep records outside aigrid (a DPO's register, an audit file, the report
// handed to management). Build resolves an assessment once into a Model in one language; each
// format (one file each, registered in formats.go) renders that Model to an io.Writer. The package
// is pure: the server loads the data and passes it in; nothing here knows HTTP or the database.
package export

import (
	"fmt"
	"io"
	"strings"
	"time"

	"aigrid/internal/assessment"
	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
	"aigrid/internal/screening"
)

// Assessment is everything exported about one assessment, as the server loads it: Build turns it
// into the Model the formats render.
type Assessment struct {
	Questionnaire *questionnaire.Questionnaire
	Assessment    assessment.Assessment
	Answers       map[string]assessment.Answer
	Report        scoring.Report
	Lang          questionnaire.Lang
	Organisation  string              // the organisation's name
	Actions       []assessment.Action // the action plan
	Events        []assessment.Event  // the workflow events, newest first (who approved, when)
	Now           time.Time           // the date of the export
	// Screening is the DPIA and AI Act screening as of the export's day; nil leaves it out.
	Screening *screening.Result
	// History sums up each answer's history, by question.
	History map[string]assessment.HistorySummary
}

func label(q *questionnaire.Question, values []string, lang questionnaire.Lang) string {
	var out []string
	for _, v := range values {
		if o := q.Option(v); o != nil {
			out = append(out, o.Label.In(lang))
		} else {
			out = append(out, v)
		}
	}
	return join(lang, out)
}

// join lists values in one cell or line: "a; b", with a no-break space before the semicolon in
// French.
func join(lang questionnaire.Lang, parts []string) string {
	if lang == questionnaire.FR {
		return strings.Join(parts, "\u00a0; ")
	}
	return strings.Join(parts, "; ")
}

// Summary is one assessment in an instance-wide results export.
type Summary struct {
	Organisation string
	Assessment   assessment.Assessment
	Report       scoring.Report
}

// WriteSummaryCSV writes one line per assessment with its overall and per-sheet scores and levels.
func WriteSummaryCSV(w io.Writer, sheets []*questionnaire.Sheet, list []Summary) error {
	return writeSummaryCSV(w, sheets, list, Comma)
}

func writeSummaryCSV(w io.Writer, sheets []*questionnaire.Sheet, list []Summary, sep rune) error {
	sw := newSummaryCSV(w, sheets, sep)
	for _, x := range list {
		sw.Write(x)
	}
	return sw.Close()
}

// SummaryCSV writes the instance-wide results export one assessment at a time, so that it can be
// streamed: memory does not grow with the number of assessments.
type SummaryCSV struct {
	cw     *csvWriter
	sheets []*questionnaire.Sheet
}

// NewSummaryCSV starts a results export (comma-separated, UTF-8 with BOM) with its header line.
func NewSummaryCSV(w io.Writer, sheets []*questionnaire.Sheet) *SummaryCSV {
	return newSummaryCSV(w, sheets, Comma)
}

func newSummaryCSV(w io.Writer, sheets []*questionnaire.Sheet, sep rune) *SummaryCSV {
	s := &SummaryCSV{cw: newCSVWriter(w, sep), sheets: sheets}
	header := texts("organisation", "assessment_id", "system_name", "version", "status", "content_version", "updated_at", "overall_score", "overall_level", "completion")
	for _, sh := range sheets {
		header = append(header, text("sheet_"+sh.ID+"_score"), text("sheet_"+sh.ID+"_level"))
	}
	s.cw.row(header...)
	return s
}

// Write adds one assessment's line.
func (s *SummaryCSV) Write(x Summary) {
	rec := []cell{text(x.Organisation), text(x.Assessment.ID), text(x.Assessment.SystemName), number(fmt.Sprint(x.Assessment.Version)),
		text(string(x.Assessment.Status)), text(x.Assessment.ContentVersion), text(x.Assessment.UpdatedAt.UTC().Format(time.RFC3339)),
		number(score(x.Report.Overall)), number(fmt.Sprint(int(x.Report.Overall.Level))), number(fmt.Sprintf("%.2f", x.Report.Overall.Completion))}
	for _, sh := range s.sheets {
		if sr := x.Report.Sheet(sh.ID); sr != nil {
			rec = append(rec, number(score(sr.Result)), number(fmt.Sprint(int(sr.Level))))
		} else {
			rec = append(rec, text(""), text(""))
		}
	}
	s.cw.row(rec...)
}

// Flush sends what is buffered to the writer.
func (s *SummaryCSV) Flush() error {
	if s.cw.err != nil {
		return s.cw.err
	}
	return s.cw.w.Flush()
}

// Close flushes the file and returns the first error.
func (s *SummaryCSV) Close() error { return s.cw.close() }

func score(r scoring.Result) string {
	if !r.HasScore {
		return ""
	}
	return fmt.Sprintf("%.1f", scoring.Round(r.Score))
}
