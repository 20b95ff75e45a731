package export_test

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"aigrid/internal/export"
	"aigrid/internal/questionnaire"
)

// LibreOffice (headless, `soffice --convert-to csv`, every sheet) reads the XLSX exports back (an
// assessment's workbook in both languages, and the streamed results workbook of the bulk export)
// and finds every cell excelize wrote: another spreadsheet's reader than the library that wrote it.
// .ci/run installs libreoffice-calc-nogui; without soffice the test fails and says what to install
// (a test that skips when its reader is missing would pass on a machine that checks nothing).
func TestXLSXReadByLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Fatal("soffice not found: apt-get install -y --no-install-recommends libreoffice-calc-nogui (.ci/run does it)")
	}
	f, ok := export.Lookup("xlsx")
	if !ok {
		t.Fatal("no xlsx format")
	}
	books := map[string][]byte{} // file name without .xlsx → workbook
	for _, lang := range []questionnaire.Lang{questionnaire.FR, questionnaire.EN} {
		var buf bytes.Buffer
		if err := f.Write(&buf, export.Build(full(t, lang, false)), export.Options{}); err != nil {
			t.Fatal(err)
		}
		books["assessment-"+string(lang)] = buf.Bytes()
	}
	fx := fixture(t)
	format, ok := export.LookupSummary("xlsx")
	if !ok {
		t.Fatal("no results xlsx format")
	}
	var buf bytes.Buffer
	sw := format.New(&buf, fx.Questionnaire.Sheets)
	for _, s := range []export.Summary{{Organisation: "=Acme « été »", Assessment: fx.Assessment, Report: fx.Report}, {Organisation: "Other"}} {
		sw.Write(s)
	}
	if err := sw.Close(); err != nil {
		t.Fatal(err)
	}
	books["results"] = buf.Bytes()

	// one LibreOffice run converts every workbook (it takes seconds to start)
	dir := t.TempDir()
	args := []string{"--headless", "--norestore", "-env:UserInstallation=file://" + filepath.Join(dir, "profile"),
		// CSV filter options: comma, double quotes, UTF-8, from line 1, standard cell format, no
		// quoting of every text, values as stored (not as shown), formulas as values, every sheet
		// to its own file (-1: <name>-<sheet>.csv).
		"--convert-to", `csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1`, "--outdir", dir}
	for name, book := range books {
		path := filepath.Join(dir, name+".xlsx")
		if err := os.WriteFile(path, book, 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, path)
	}
	if out, err := exec.Command(soffice, args...).CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	for name, book := range books {
		t.Run(name, func(t *testing.T) { compareSheets(t, dir, name, book) })
	}
}

// compareSheets compares each cell of every sheet of a workbook, as LibreOffice converted it to
// CSV in dir, with what excelize reads.
func compareSheets(t *testing.T, dir, name string, book []byte) {
	x, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	for _, sheet := range x.GetSheetList() {
		data, err := os.ReadFile(filepath.Join(dir, name+"-"+sheet+".csv"))
		if err != nil {
			t.Fatalf("sheet %s not converted: %v", sheet, err)
		}
		r := csv.NewReader(bytes.NewReader(data))
		r.FieldsPerRecord = -1
		got, err := r.ReadAll()
		if err != nil {
			t.Fatalf("sheet %s: %v", sheet, err)
		}
		want, err := x.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("sheet %s: LibreOffice reads %d rows, excelize %d", sheet, len(got), len(want))
		}
		cells := 0
		for i := range want {
			for j, w := range want[i] {
				g := ""
				if j < len(got[i]) {
					g = got[i][j]
				}
				if !sameCell(g, w) {
					t.Errorf("sheet %s, row %d, column %d: LibreOffice reads %q, written %q", sheet, i+1, j+1, g, w)
				}
				if w != "" {
					cells++
				}
			}
			for j := len(want[i]); j < len(got[i]); j++ {
				if got[i][j] != "" {
					t.Errorf("sheet %s, row %d, column %d: LibreOffice reads %q, nothing written", sheet, i+1, j+1, got[i][j])
				}
			}
		}
		if cells < 10 {
			t.Errorf("sheet %s: only %d cells", sheet, cells)
		}
		t.Logf("sheet %s: %d rows, %d non-empty cells read back", sheet, len(want), cells)
	}
}

// sameCell compares a cell as LibreOffice wrote it to CSV with its raw value: text exactly (line
// breaks as \n), numbers to 1e-9, and a date cell, which LibreOffice writes as an ISO date
// because the export gave it a date format, with the date of its serial number to the second.
func sameCell(got, want string) bool {
	if strings.ReplaceAll(got, "\r\n", "\n") == strings.ReplaceAll(want, "\r\n", "\n") {
		return true
	}
	w, err := strconv.ParseFloat(want, 64)
	if err != nil {
		return false
	}
	if g, err := strconv.ParseFloat(got, 64); err == nil {
		return math.Abs(g-w) <= 1e-9*math.Max(1, math.Abs(w))
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02"} {
		if g, err := time.Parse(layout, got); err == nil {
			d, err := excelize.ExcelDateToTime(w, false)
			return err == nil && d.Round(time.Second).Equal(g)
		}
	}
	return false
}
