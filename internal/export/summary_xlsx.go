package export

import (
	"fmt"
	"io"
	"math"

	"github.com/xuri/excelize/v2"

	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
)

// SummaryXLSX writes the results export as a workbook with excelize's StreamWriter: rows go to a
// buffer that spills to a temporary file past a few megabytes, so memory stays bounded whatever the
// number of assessments. Unlike CSV and JSON Lines nothing can be sent before the end: an XLSX
// file is a zip archive written by Close.
type SummaryXLSX struct {
	w      io.Writer
	f      *excelize.File
	sw     *excelize.StreamWriter
	sheets []*questionnaire.Sheet
	cols   int
	row    int // the last row written
	date   int // style of dates
	err    error
}

// NewSummaryXLSX starts a results workbook on w: one sheet, "results", with the CSV's columns
// (docs/export-schema.md), a bold frozen header and a filter.
func NewSummaryXLSX(w io.Writer, sheets []*questionnaire.Sheet) *SummaryXLSX {
	s := &SummaryXLSX{w: w, f: excelize.NewFile(), sheets: sheets}
	set := func(err error) {
		if s.err == nil && err != nil {
			s.err = fmt.Errorf("export: results xlsx: %w", err)
		}
	}
	set(s.f.SetSheetName("Sheet1", "results"))
	var err error
	s.sw, err = s.f.NewStreamWriter("results")
	if err != nil {
		set(err)
		return s
	}
	head, err := s.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1B3D6D"}}})
	set(err)
	dateFmt := "yyyy-mm-dd hh:mm"
	s.date, err = s.f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt, Alignment: &excelize.Alignment{Horizontal: "left"}})
	set(err)
	header := []string{"organisation", "assessment_id", "system_name", "version", "status", "content_version", "updated_at", "overall_score", "overall_level", "completion"}
	for _, sh := range sheets {
		header = append(header, "sheet_"+sh.ID+"_score", "sheet_"+sh.ID+"_level")
	}
	s.cols = len(header)
	set(s.sw.SetColWidth(1, 1, 30))
	set(s.sw.SetColWidth(2, 2, 38))
	set(s.sw.SetColWidth(3, 3, 30))
	set(s.sw.SetColWidth(4, s.cols, 14))
	set(s.sw.SetColWidth(7, 7, 18))
	set(s.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}))
	row := make([]any, len(header))
	for i, h := range header {
		row[i] = excelize.Cell{StyleID: head, Value: h}
	}
	s.next(row)
	return s
}

func (s *SummaryXLSX) next(row []any) {
	if s.err != nil {
		return
	}
	s.row++
	cell, _ := excelize.CoordinatesToCellName(1, s.row)
	if err := s.sw.SetRow(cell, row); err != nil {
		s.err = fmt.Errorf("export: results xlsx: %w", err)
	}
}

// xlsxScore is a score cell: a number, or empty when there is none.
func xlsxScore(r scoring.Result) any {
	if !r.HasScore {
		return nil
	}
	return scoring.Round(r.Score)
}

// Write adds one assessment's row: text cells (never formulas), numbers as numbers, the date as a
// date.
func (s *SummaryXLSX) Write(x Summary) {
	row := []any{xlsxText(x.Organisation), x.Assessment.ID, xlsxText(x.Assessment.SystemName), x.Assessment.Version,
		string(x.Assessment.Status), x.Assessment.ContentVersion, excelize.Cell{StyleID: s.date, Value: x.Assessment.UpdatedAt.UTC()},
		xlsxScore(x.Report.Overall), int(x.Report.Overall.Level), math.Round(x.Report.Overall.Completion*100) / 100}
	for _, sh := range s.sheets {
		if sr := x.Report.Sheet(sh.ID); sr != nil {
			row = append(row, xlsxScore(sr.Result), int(sr.Level))
		} else {
			row = append(row, nil, nil)
		}
	}
	s.next(row)
}

// Flush returns the first error: the workbook is only written by Close.
func (s *SummaryXLSX) Flush() error { return s.err }

// Close ends the sheet (with a filter over the table), writes the workbook to w and removes the
// temporary files.
func (s *SummaryXLSX) Close() error {
	defer s.f.Close()
	if s.err != nil {
		return s.err
	}
	last, _ := excelize.CoordinatesToCellName(s.cols, max(s.row, 2))
	if err := s.sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: "results", StyleName: "TableStyleLight1"}); err != nil {
		return fmt.Errorf("export: results xlsx: %w", err)
	}
	if err := s.sw.Flush(); err != nil {
		return fmt.Errorf("export: results xlsx: %w", err)
	}
	_, err := s.f.WriteTo(s.w)
	return err
}
