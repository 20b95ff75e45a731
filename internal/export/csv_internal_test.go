package export

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

func writeRow(t *testing.T, sep rune, cells ...cell) string {
	t.Helper()
	var buf bytes.Buffer
	cw := newCSVWriter(&buf, sep)
	cw.row(cells...)
	if err := cw.close(); err != nil {
		t.Fatal(err)
	}
	out, ok := strings.CutPrefix(buf.String(), "\ufeff")
	if !ok {
		t.Fatalf("no byte-order mark in %q", buf.String())
	}
	return out
}

func TestCSVWriterSeparator(t *testing.T) {
	for _, c := range []struct {
		sep   rune
		cells []cell
		want  string
	}{
		{',', []cell{text("a"), text("b;c"), number("-1"), number("50.0")}, "a,\"b;c\",-1,50.0\n"},
		{';', []cell{text("a"), text("b;c"), number("-1"), number("50,0")}, "a;\"b;c\";-1;\"50,0\"\n"},
		{';', []cell{text("x;=cmd"), text("a,@SUM(1)"), text("-5"), text("")}, "\"x;'=cmd\";\"a,'@SUM(1)\";'-5;\n"},
		{'\t', []cell{text("a\tb"), text("=1")}, "\"a\tb\"\t'=1\n"},
		// A "number" that is not one is text.
		{',', []cell{number("=1+1"), number("-"), number("1e3"), number("-2,5;=1")}, "'=1+1,'-,1e3,\"'-2,5;'=1\"\n"},
	} {
		if got := writeRow(t, c.sep, c.cells...); got != c.want {
			t.Errorf("sep %q, cells %+v: got %q, want %q", c.sep, c.cells, got, c.want)
		}
		r := csv.NewReader(strings.NewReader(c.want))
		r.Comma = c.sep
		if rec, err := r.Read(); err != nil || len(rec) != len(c.cells) {
			t.Errorf("sep %q: %q reads back as %q, %v", c.sep, c.want, rec, err)
		}
	}
}

func TestCSVWriterRefusesBadSeparators(t *testing.T) {
	for _, sep := range []rune{'"', '\'', '\n', '\r', '=', '-', ' '} {
		cw := newCSVWriter(&bytes.Buffer{}, sep)
		cw.row(text("a"), text("b"))
		if cw.close() == nil {
			t.Errorf("separator %q accepted", sep)
		}
	}
}

func TestSummaryCSVWithSemicolons(t *testing.T) {
	var buf bytes.Buffer
	if err := writeSummaryCSV(&buf, nil, []Summary{{Organisation: "Acme, Inc.;=cmd"}}, ';'); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff")))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil || len(recs) != 2 || len(recs[0]) != 10 || recs[1][0] != "Acme, Inc.;'=cmd" {
		t.Fatalf("%q, %v", recs, err)
	}
}
