package export

import (
	"bufio"
	"encoding/json"
	"io"
	"math"
	"time"

	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
)

// SummaryWriter writes an instance-wide results export one assessment at a time (the admin pages
// and `aigrid export --all` share it): memory does not grow with the number of assessments.
type SummaryWriter interface {
	Write(Summary)
	// Flush sends what is buffered to the underlying writer.
	Flush() error
	// Close flushes the end of the file and returns the first error.
	Close() error
}

// SummaryFormat is one format of the results export.
type SummaryFormat struct {
	Name        string // "csv", "jsonl"
	Ext         string
	ContentType string
	// New starts a file on w (with its header, if it has one).
	New func(w io.Writer, sheets []*questionnaire.Sheet) SummaryWriter
}

// summaryFormats is the table of results export formats.
var summaryFormats = []SummaryFormat{
	{Name: "csv", Ext: "csv", ContentType: "text/csv; charset=utf-8",
		New: func(w io.Writer, sheets []*questionnaire.Sheet) SummaryWriter { return NewSummaryCSV(w, sheets) }},
	{Name: "jsonl", Ext: "jsonl", ContentType: "application/jsonl; charset=utf-8",
		New: func(w io.Writer, sheets []*questionnaire.Sheet) SummaryWriter { return NewSummaryJSONL(w, sheets) }},
	{Name: "xlsx", Ext: "xlsx", ContentType: xlsxFormat.ContentType,
		New: func(w io.Writer, sheets []*questionnaire.Sheet) SummaryWriter { return NewSummaryXLSX(w, sheets) }},
}

// SummaryFormats lists the results export formats.
func SummaryFormats() []SummaryFormat { return summaryFormats }

// LookupSummary finds a results export format by name.
func LookupSummary(name string) (SummaryFormat, bool) {
	for _, f := range summaryFormats {
		if f.Name == name {
			return f, true
		}
	}
	return SummaryFormat{}, false
}

// SummaryJSONL writes the results export as JSON Lines: one JSON object per assessment and line,
// with the fields of the CSV (docs/export-schema.md).
type SummaryJSONL struct {
	w      *bufio.Writer
	enc    *json.Encoder
	sheets []*questionnaire.Sheet
	err    error
}

// NewSummaryJSONL starts a results export as JSON Lines (no header).
func NewSummaryJSONL(w io.Writer, sheets []*questionnaire.Sheet) *SummaryJSONL {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &SummaryJSONL{w: bw, enc: enc, sheets: sheets}
}

// summaryLine is one line of the JSON Lines results export.
type summaryLine struct {
	Organisation   string             `json:"organisation"`
	AssessmentID   string             `json:"assessment_id"`
	SystemName     string             `json:"system_name"`
	Version        int                `json:"version"`
	Status         string             `json:"status"`
	ContentVersion string             `json:"content_version"`
	UpdatedAt      string             `json:"updated_at"`
	Overall        summaryScore       `json:"overall"`
	Sheets         []summarySheetLine `json:"sheets"`
}

type summaryScore struct {
	Score      *float64 `json:"score"` // null when nothing is scored yet
	Level      int      `json:"level"`
	Completion float64  `json:"completion"`
}

type summarySheetLine struct {
	ID    string   `json:"id"`
	Score *float64 `json:"score"` // null when the sheet is not applicable or not scored
	Level *int     `json:"level"`
}

func jsonScore(r scoring.Result) *float64 {
	if !r.HasScore {
		return nil
	}
	v := scoring.Round(r.Score)
	return &v
}

// Write adds one assessment's line.
func (s *SummaryJSONL) Write(x Summary) {
	if s.err != nil {
		return
	}
	line := summaryLine{Organisation: x.Organisation, AssessmentID: x.Assessment.ID, SystemName: x.Assessment.SystemName,
		Version: x.Assessment.Version, Status: string(x.Assessment.Status), ContentVersion: x.Assessment.ContentVersion,
		UpdatedAt: x.Assessment.UpdatedAt.UTC().Format(time.RFC3339),
		Overall:   summaryScore{Score: jsonScore(x.Report.Overall), Level: int(x.Report.Overall.Level), Completion: math.Round(x.Report.Overall.Completion*100) / 100},
		Sheets:    make([]summarySheetLine, 0, len(s.sheets))}
	for _, sh := range s.sheets {
		l := summarySheetLine{ID: sh.ID}
		if sr := x.Report.Sheet(sh.ID); sr != nil {
			level := int(sr.Level)
			l.Score, l.Level = jsonScore(sr.Result), &level
		}
		line.Sheets = append(line.Sheets, l)
	}
	s.err = s.enc.Encode(line)
}

// Flush sends what is buffered to the writer.
func (s *SummaryJSONL) Flush() error {
	if s.err != nil {
		return s.err
	}
	return s.w.Flush()
}

// Close flushes the file and returns the first error.
func (s *SummaryJSONL) Close() error { return s.Flush() }
