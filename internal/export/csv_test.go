package export_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"aigrid/internal/assessment"
	"aigrid/internal/export"
	"aigrid/internal/questionnaire"
)

// hostile is text a user may type that a spreadsheet would run as a formula, directly or once it
// splits the line on a separator other than the one the file was written with (a French
// spreadsheet splits on ';'), and what its cell must look like in a comma-separated file.
var hostile = []struct{ in, want string }{
	{`=cmd|' /C calc'!A0`, `'=cmd|' /C calc'!A0`},
	{`x;=cmd`, `"x;'=cmd"`},
	{`x; =cmd`, `"x; '=cmd"`},
	{`a,@SUM(1)`, `"a,'@SUM(1)"`},
	{`"quoted"`, `"""quoted"""`},
	{`"=1+1"`, `"""'=1+1"""`},
	{"line\n=HYPERLINK(\"http://evil\")", "\"line\n'=HYPERLINK(\"\"http://evil\"\")\""},
	{"a\r\n-b", "\"a\r\n'-b\""},
	{"\t=1", "\"'\t'=1\""},
	{"x\t+1", "\"x\t'+1\""},
	{"\r=1", "\"'\r'=1\""},
	{`+1`, `'+1`},
	{`-5`, `'-5`},
	{`@SUM(A1)`, `'@SUM(A1)`},
	{"\uff1d1+1", "'\uff1d1+1"}, // full-width equals sign
	{`plain text`, `plain text`},
	{`Société générale, Paris`, `"Société générale, Paris"`},
	{`it's 5-3 = 2`, `it's 5-3 = 2`},
	{``, ``},
}

// summaryLine writes org as the organisation of an instance-wide export and returns the data line.
func summaryLine(t *testing.T, f export.Assessment, org string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := export.WriteSummaryCSV(&buf, f.Questionnaire.Sheets, []export.Summary{{Organisation: org, Assessment: f.Assessment, Report: f.Report}}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "\ufeff") {
		t.Fatalf("no byte-order mark: %q", out[:min(len(out), 20)])
	}
	_, line, ok := strings.Cut(out, "\n")
	if !ok {
		t.Fatalf("no data line in %q", out)
	}
	return line
}

func TestCSVCellsAreQuotedAndNeutralised(t *testing.T) {
	f := fixture(t)
	for _, c := range hostile {
		line := summaryLine(t, f, c.in)
		if !strings.HasPrefix(line, c.want+",a1,") {
			t.Errorf("organisation %q: line %q, want it to start with %q", c.in, line, c.want+",a1,")
		}
	}
}

// triggers are the characters that start a formula, and the characters a spreadsheet may skip
// before looking for one.
const (
	triggers = "=+-@\t\r\uff1d\uff0b\uff0d\uff20"
	skipped  = " \""
)

// checkNoFormula parses a CSV file with each separator a spreadsheet may use and fails on any field
// that starts with a formula trigger, and, with its own separator, on a field count that differs
// from the header's (sep is the one it was written with).
func checkNoFormula(t *testing.T, name, out string, sep rune, want int) {
	t.Helper()
	if !strings.HasPrefix(out, "\ufeff") {
		t.Errorf("%s: no byte-order mark", name)
	}
	out = strings.TrimPrefix(out, "\ufeff")
	strict := csv.NewReader(strings.NewReader(out))
	strict.Comma = sep
	recs, err := strict.ReadAll()
	if err != nil {
		t.Fatalf("%s: not valid CSV: %v", name, err)
	}
	if len(recs) != want {
		t.Errorf("%s: %d records, want %d", name, len(recs), want)
	}
	for _, comma := range []rune{',', ';', '\t'} {
		r := csv.NewReader(strings.NewReader(out))
		r.Comma, r.LazyQuotes, r.FieldsPerRecord = comma, true, -1
		for {
			rec, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s split on %q: %v", name, comma, err)
			}
			for _, field := range rec {
				if s := strings.TrimLeft(field, skipped); s != "" && strings.ContainsRune(triggers, []rune(s)[0]) {
					t.Errorf("%s split on %q: field %q starts a formula", name, comma, field)
				}
			}
		}
	}
}

func TestCSVRoundTripHasNoFormula(t *testing.T) {
	f := fixture(t)
	var list []export.Summary
	for _, c := range hostile {
		a := f.Assessment
		a.SystemName = c.in
		list = append(list, export.Summary{Organisation: c.in, Assessment: a, Report: f.Report})
	}
	var buf bytes.Buffer
	if err := export.WriteSummaryCSV(&buf, f.Questionnaire.Sheets, list); err != nil {
		t.Fatal(err)
	}
	checkNoFormula(t, "summary", buf.String(), ',', 1+len(hostile))

	// The answers export, with hostile text in every field a user writes.
	var all strings.Builder
	for _, c := range hostile {
		all.WriteString(c.in + "\n")
	}
	for i, c := range hostile {
		all.WriteString(c.in)
		if i%3 == 0 {
			all.WriteString(";")
		} else {
			all.WriteString(",")
		}
	}
	text := all.String()
	for id, a := range f.Answers {
		a.Comment, a.Justification, a.UpdatedByName = text, text, text
		a.Evidence = []assessment.Evidence{{Title: text, Link: "-" + text}}
		f.Answers[id] = a
	}
	f.Answers["q1.1.5"] = assessment.Answer{QuestionID: "q1.1.5", Values: []string{"=1+1", "-5"}, Comment: "x;=cmd"}
	f.Actions[0].Title, f.Actions[0].OwnerName, f.Actions[0].Reason = text, text, text
	csvFormat, _ := export.Lookup("csv")
	for _, lang := range []questionnaire.Lang{questionnaire.FR, questionnaire.EN} {
		f.Lang = lang
		m := export.Build(f)
		for _, sep := range []rune{';', ','} {
			buf.Reset()
			if err := csvFormat.Write(&buf, m, export.Options{Sep: sep}); err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("answers %s %q", lang, sep)
			recs := readCSV(t, buf.String(), sep)
			checkNoFormula(t, name, buf.String(), sep, len(recs))
			found := false
			for _, r := range recs {
				if r[2] == "q1.1.5" {
					found = true
					if strings.ReplaceAll(r[5], "\u00a0", "") != "'=1+1; '-5" || r[9] != "x;'=cmd" {
						t.Errorf("%s: q1.1.5 answer %q and comment %q: each part neutralised expected", name, r[5], r[9])
					}
				}
			}
			if !found {
				t.Errorf("%s: no q1.1.5 line", name)
			}
		}
	}
}
