// Package export writes assessments and their results as CSV and JSON, for the people who keep
// records outside aigrid (a DPO's register, an audit file). It writes to an io.Writer and knows
// nothing of HTTP.
package export

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"aigrid/internal/assessment"
	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
)

// Assessment is everything exported about one assessment.
type Assessment struct {
	Questionnaire *questionnaire.Questionnaire
	Assessment    assessment.Assessment
	Answers       map[string]assessment.Answer
	Report        scoring.Report
	Lang          questionnaire.Lang
}

// answerRow is one answer in the exports.
type answerRow struct {
	Sheet         string                `json:"sheet"`
	Section       string                `json:"section"`
	QuestionID    string                `json:"question_id"`
	Question      string                `json:"question"`
	Applies       bool                  `json:"applies"`
	Values        []string              `json:"values"`
	Answer        string                `json:"answer"`
	Comment       string                `json:"comment,omitempty"`
	Justification string                `json:"justification,omitempty"`
	Evidence      []assessment.Evidence `json:"evidence,omitempty"`
	UpdatedBy     string                `json:"updated_by,omitempty"`
	UpdatedAt     *time.Time            `json:"updated_at,omitempty"`
}

// rows lists every answered question, and every question that applies, in questionnaire order.
func (e Assessment) rows() []answerRow {
	visible := e.Questionnaire.Visibility(e.Assessment.Profile, assessment.Values(e.Answers))
	var out []answerRow
	for _, q := range e.Questionnaire.Questions() {
		a, answered := e.Answers[q.ID]
		if !visible[q.ID] && !answered {
			continue
		}
		row := answerRow{Sheet: q.Section.Sheet.ID, Section: q.Section.ID, QuestionID: q.ID, Question: q.Text.In(e.Lang),
			Applies: visible[q.ID], Values: a.Values, Answer: label(q, a.Values, e.Lang), Comment: a.Comment,
			Justification: a.Justification, Evidence: a.Evidence, UpdatedBy: a.UpdatedByName}
		if row.Values == nil {
			row.Values = []string{}
		}
		if answered {
			t := a.UpdatedAt.UTC()
			row.UpdatedAt = &t
		}
		out = append(out, row)
	}
	return out
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
	return strings.Join(out, "; ")
}

// WriteJSON writes the assessment, its answers and its scored report as one JSON document.
func WriteJSON(w io.Writer, e Assessment) error {
	doc := struct {
		ID             string                `json:"id"`
		SystemName     string                `json:"system_name"`
		Description    string                `json:"description"`
		Version        int                   `json:"version"`
		Status         assessment.Status     `json:"status"`
		ContentVersion string                `json:"content_version"`
		Profile        questionnaire.Profile `json:"profile"`
		UpdatedAt      time.Time             `json:"updated_at"`
		Report         scoring.Report        `json:"report"`
		Answers        []answerRow           `json:"answers"`
	}{e.Assessment.ID, e.Assessment.SystemName, e.Assessment.Description, e.Assessment.Version, e.Assessment.Status,
		e.Assessment.ContentVersion, e.Assessment.Profile, e.Assessment.UpdatedAt.UTC(), e.Report, e.rows()}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// WriteCSV writes one line per answer (UTF-8, comma-separated, with a header line).
func WriteCSV(w io.Writer, e Assessment) error { return writeAnswersCSV(w, e, Comma) }

func writeAnswersCSV(w io.Writer, e Assessment, sep rune) error {
	cw := newCSVWriter(w, sep)
	cw.row(texts("sheet", "section", "question_id", "question", "applies", "answer", "values", "comment",
		"justification", "evidence", "updated_by", "updated_at")...)
	for _, r := range e.rows() {
		var ev []string
		for _, x := range r.Evidence {
			ev = append(ev, strings.TrimSpace(x.Title+" "+x.Link))
		}
		updated := ""
		if r.UpdatedAt != nil {
			updated = r.UpdatedAt.Format(time.RFC3339)
		}
		cw.row(texts(r.Sheet, r.Section, r.QuestionID, r.Question, fmt.Sprint(r.Applies), r.Answer,
			strings.Join(r.Values, ";"), r.Comment, r.Justification, strings.Join(ev, " | "), r.UpdatedBy, updated)...)
	}
	return cw.close()
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
	cw := newCSVWriter(w, sep)
	header := texts("organisation", "assessment_id", "system_name", "version", "status", "content_version", "updated_at", "overall_score", "overall_level", "completion")
	for _, s := range sheets {
		header = append(header, text("sheet_"+s.ID+"_score"), text("sheet_"+s.ID+"_level"))
	}
	cw.row(header...)
	for _, x := range list {
		rec := []cell{text(x.Organisation), text(x.Assessment.ID), text(x.Assessment.SystemName), number(fmt.Sprint(x.Assessment.Version)),
			text(string(x.Assessment.Status)), text(x.Assessment.ContentVersion), text(x.Assessment.UpdatedAt.UTC().Format(time.RFC3339)),
			number(score(x.Report.Overall)), number(fmt.Sprint(int(x.Report.Overall.Level))), number(fmt.Sprintf("%.2f", x.Report.Overall.Completion))}
		for _, s := range sheets {
			if sr := x.Report.Sheet(s.ID); sr != nil {
				rec = append(rec, number(score(sr.Result)), number(fmt.Sprint(int(sr.Level))))
			} else {
				rec = append(rec, text(""), text(""))
			}
		}
		cw.row(rec...)
	}
	return cw.close()
}

func score(r scoring.Result) string {
	if !r.HasScore {
		return ""
	}
	return fmt.Sprintf("%.1f", scoring.Round(r.Score))
}
