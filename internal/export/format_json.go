package export

import (
	"encoding/json"
	"io"
	"time"

	"aigrid/internal/assessment"
	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
)

var jsonFormat = Format{Name: "json", Ext: "json", ContentType: "application/json", Label: "export.format.json", Write: writeJSON}

// jsonAnswer is one answer in the JSON export.
type jsonAnswer struct {
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

// jsonAction is one action of the plan in the JSON export.
type jsonAction struct {
	QuestionID string                  `json:"question_id"`
	Title      string                  `json:"title"`
	Owner      string                  `json:"owner,omitempty"`
	DueOn      string                  `json:"due_on,omitempty"` // YYYY-MM-DD
	Status     assessment.ActionStatus `json:"status"`
	Reason     string                  `json:"reason,omitempty"`
}

// jsonApproval is who approved the assessment, and when.
type jsonApproval struct {
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// writeJSON writes the assessment, its answers, its scored report and its action plan as one JSON
// document. It depends on nothing but the data (no export date), so that the same assessment
// always gives the same bytes: the PDF report prints their SHA-256.
func writeJSON(w io.Writer, m *Model, _ Options) error {
	a := m.Assessment
	doc := struct {
		ID             string                `json:"id"`
		Organisation   string                `json:"organisation,omitempty"`
		SystemName     string                `json:"system_name"`
		Description    string                `json:"description"`
		Version        int                   `json:"version"`
		Status         assessment.Status     `json:"status"`
		Approved       *jsonApproval         `json:"approved,omitempty"`
		ContentVersion string                `json:"content_version"`
		Language       questionnaire.Lang    `json:"language"`
		Profile        questionnaire.Profile `json:"profile"`
		UpdatedAt      time.Time             `json:"updated_at"`
		Report         scoring.Report        `json:"report"`
		Answers        []jsonAnswer          `json:"answers"`
		Actions        []jsonAction          `json:"actions"`
	}{ID: a.ID, Organisation: m.Organisation, SystemName: a.SystemName, Description: a.Description, Version: a.Version,
		Status: a.Status, ContentVersion: a.ContentVersion, Language: m.Lang, Profile: a.Profile, UpdatedAt: a.UpdatedAt.UTC(),
		Report: m.Report, Answers: []jsonAnswer{}, Actions: []jsonAction{}}
	if m.Approval != nil {
		doc.Approved = &jsonApproval{By: m.Approval.By, At: m.Approval.At}
	}
	for _, q := range m.Questions {
		doc.Answers = append(doc.Answers, jsonAnswer{Sheet: q.SheetID, Section: q.StepID, QuestionID: q.ID, Question: q.Text,
			Applies: q.Applies, Values: q.Values, Answer: q.Answer, Comment: q.Comment, Justification: q.Justification,
			Evidence: q.Evidence, UpdatedBy: q.UpdatedBy, UpdatedAt: q.UpdatedAt})
	}
	for _, x := range m.src.Actions {
		ja := jsonAction{QuestionID: x.QuestionID, Title: x.Title, Owner: x.OwnerName, Status: x.Status, Reason: x.Reason}
		if x.DueOn != nil {
			ja.DueOn = x.DueOn.Format(time.DateOnly)
		}
		doc.Actions = append(doc.Actions, ja)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// WriteJSON writes the assessment, its answers and its scored report as one JSON document.
func WriteJSON(w io.Writer, e Assessment) error { return writeJSON(w, Build(e), Options{}) }
