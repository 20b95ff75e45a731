package export

import (
	_ "embed"
	"encoding/json"
	"io"
	"time"

	"aigrid/internal/assessment"
	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
	"aigrid/internal/screening"
)

var jsonFormat = Format{Name: "json", Ext: "json", ContentType: "application/json", Label: "export.format.json", Write: writeJSON}

// The JSON export's format: its name and version (docs/export-schema.md, schema/assessment-1.json).
// A change that old readers would misread gets a new version.
const (
	JSONFormatName    = "aigrid-assessment"
	JSONFormatVersion = 1
)

// Schema is the JSON Schema (draft 2020-12) of the JSON export.
//
//go:embed schema/assessment-1.json
var Schema []byte

// Document is the JSON export of one assessment, version 1. Texts of the questionnaire (question,
// answer labels) are in Language, for people reading the file; the importer reads only ids and
// what users typed.
type Document struct {
	Format        string             `json:"format"`
	FormatVersion int                `json:"format_version"`
	Language      questionnaire.Lang `json:"language"`
	Organisation  string             `json:"organisation"`
	Assessment    DocAssessment      `json:"assessment"`
	Answers       []DocAnswer        `json:"answers"`
	Actions       []DocAction        `json:"actions"`
	Report        scoring.Report     `json:"report"`
	// Screening is the DPIA and AI Act screening as of the day of the export (its "on" date):
	// computed, so the importer ignores it.
	Screening *screening.Result `json:"screening,omitempty"`
}

// DocAssessment is what was assessed, in which versions, and where it stands.
type DocAssessment struct {
	ID             string                `json:"id"`
	SystemName     string                `json:"system_name"`
	Description    string                `json:"description"`
	Version        int                   `json:"version"`
	Status         assessment.Status     `json:"status"`
	ContentVersion string                `json:"content_version"`
	ScoringVersion string                `json:"scoring_version"`
	Profile        questionnaire.Profile `json:"profile"`
	CreatedAt      time.Time             `json:"created_at"`
	UpdatedAt      time.Time             `json:"updated_at"`
	Approved       *DocApproval          `json:"approved,omitempty"`
}

// DocApproval is who approved the assessment, and when.
type DocApproval struct {
	By      string    `json:"by"`
	At      time.Time `json:"at"`
	Comment string    `json:"comment,omitempty"`
}

// DocAnswer is one question that applies or was answered.
type DocAnswer struct {
	QuestionID    string                `json:"question_id"`
	Sheet         string                `json:"sheet"`
	Section       string                `json:"section"`
	Question      string                `json:"question"`
	Applies       bool                  `json:"applies"`
	Values        []string              `json:"values"`
	Answer        string                `json:"answer"`
	Comment       string                `json:"comment"`
	Justification string                `json:"justification"`
	Evidence      []assessment.Evidence `json:"evidence"`
	Revision      int                   `json:"revision"`
	UpdatedBy     string                `json:"updated_by,omitempty"`
	UpdatedAt     *time.Time            `json:"updated_at,omitempty"`
	History       *DocHistory           `json:"history,omitempty"`
}

// DocHistory sums up an answer's changes.
type DocHistory struct {
	Changes int       `json:"changes"`
	First   time.Time `json:"first"`
	Last    time.Time `json:"last"`
}

// DocAction is one action of the plan.
type DocAction struct {
	QuestionID string                  `json:"question_id"`
	Title      string                  `json:"title"`
	Owner      string                  `json:"owner"`
	DueOn      string                  `json:"due_on,omitempty"` // YYYY-MM-DD
	Status     assessment.ActionStatus `json:"status"`
	Reason     string                  `json:"reason"`
}

// NewDocument turns a model into the JSON export's document.
func NewDocument(m *Model) Document {
	a := m.Assessment
	doc := Document{Format: JSONFormatName, FormatVersion: JSONFormatVersion, Language: m.Lang, Organisation: m.Organisation,
		Assessment: DocAssessment{ID: a.ID, SystemName: a.SystemName, Description: a.Description, Version: a.Version, Status: a.Status,
			ContentVersion: m.ContentVersion, ScoringVersion: m.ModelVersion, Profile: a.Profile, CreatedAt: a.CreatedAt.UTC(),
			UpdatedAt: a.UpdatedAt.UTC()},
		Report: m.Report, Answers: []DocAnswer{}, Actions: []DocAction{}, Screening: m.src.Screening}
	if doc.Assessment.Profile == nil {
		doc.Assessment.Profile = questionnaire.Profile{}
	}
	if m.Approval != nil {
		doc.Assessment.Approved = &DocApproval{By: m.Approval.By, At: m.Approval.At, Comment: m.Approval.Comment}
	}
	for _, q := range m.Questions {
		x := DocAnswer{QuestionID: q.ID, Sheet: q.SheetID, Section: q.StepID, Question: q.Text, Applies: q.Applies, Values: q.Values,
			Answer: q.Answer, Comment: q.Comment, Justification: q.Justification, Evidence: q.Evidence, Revision: q.Revision,
			UpdatedBy: q.UpdatedBy, UpdatedAt: q.UpdatedAt}
		if x.Evidence == nil {
			x.Evidence = []assessment.Evidence{}
		}
		if q.History.Changes > 0 {
			x.History = &DocHistory{Changes: q.History.Changes, First: q.History.First.UTC(), Last: q.History.Last.UTC()}
		}
		doc.Answers = append(doc.Answers, x)
	}
	for _, x := range m.src.Actions {
		ja := DocAction{QuestionID: x.QuestionID, Title: x.Title, Owner: x.OwnerName, Status: x.Status, Reason: x.Reason}
		if x.DueOn != nil {
			ja.DueOn = x.DueOn.Format(time.DateOnly)
		}
		doc.Actions = append(doc.Actions, ja)
	}
	return doc
}

// writeJSON writes the assessment, its answers, its scored report and its action plan as one JSON
// document. It depends on nothing but the data (no export date), so that the same assessment
// always gives the same bytes: the PDF report prints their SHA-256.
func writeJSON(w io.Writer, m *Model, _ Options) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(NewDocument(m))
}

// WriteJSON writes the assessment, its answers and its scored report as one JSON document.
func WriteJSON(w io.Writer, e Assessment) error { return writeJSON(w, Build(e), Options{}) }
