package export

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Comma is the separator of the CSV exports today.
const Comma = ','

// splitPoints are the characters after which a spreadsheet may start a new cell: the separators it
// may be set to split on (whatever the file was written with) and line breaks.
const splitPoints = ",;\t\r\n"

// formulaTriggers make a spreadsheet read a cell as a formula: = + - @, and a tab or carriage return
// (which some drop, exposing what follows). Some spreadsheets fold the full-width forms to ASCII.
const formulaTriggers = "=+-@\t\r\uff1d\uff0b\uff0d\uff20"

// cell is one field of a CSV line: text is neutralised, a number aigrid formats itself is not.
type cell struct {
	s      string
	number bool
}

// text is a cell of text, from users or from the questionnaire.
func text(s string) cell { return cell{s: s} }

// number is a cell holding a number aigrid formatted ("-1", "50.0"). Anything else is text.
func number(s string) cell { return cell{s: s, number: isNumber(s)} }

func isNumber(s string) bool {
	s = strings.TrimPrefix(s, "-")
	digits, dot := 0, false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case (r == '.' || r == ',') && !dot && digits > 0:
			dot = true
		default:
			return false
		}
	}
	return digits > 0 && !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, ",")
}

// csvWriter writes CSV that is safe to open in a spreadsheet whichever separator the spreadsheet
// splits on: every cell that contains a separator, a quote or a line break is quoted, and text that
// would start a formula — at the start of the cell or after any point where a spreadsheet may split
// it — gets a leading ' (which spreadsheets read as "this is text").
type csvWriter struct {
	w   *bufio.Writer
	sep rune
	err error
}

// newCSVWriter writes CSV separated by sep (',' or ';'), after a UTF-8 byte-order mark so that
// spreadsheets read UTF-8 correctly.
func newCSVWriter(w io.Writer, sep rune) *csvWriter {
	c := &csvWriter{w: bufio.NewWriter(w), sep: sep}
	if sep == '"' || sep == '\'' || sep == '\r' || sep == '\n' || sep == ' ' || (sep != '\t' && strings.ContainsRune(formulaTriggers, sep)) {
		c.err = fmt.Errorf("export: %q cannot separate CSV cells", sep)
		return c
	}
	_, c.err = c.w.WriteString("\ufeff")
	return c
}

// splits reports whether a spreadsheet may start a new cell after r.
func (c *csvWriter) splits(r rune) bool { return r == c.sep || strings.ContainsRune(splitPoints, r) }

// neutralise puts a ' before every formula trigger found at the start of s or right after a split
// point, skipping the spaces and quotes a spreadsheet may trim first.
func (c *csvWriter) neutralise(s string) string {
	var b strings.Builder
	start := true
	for _, r := range s {
		if start {
			switch {
			case r == ' ' || r == '"':
				b.WriteRune(r)
				continue
			case strings.ContainsRune(formulaTriggers, r):
				b.WriteByte('\'')
			}
			start = false
		}
		b.WriteRune(r)
		if c.splits(r) {
			start = true
		}
	}
	return b.String()
}

// field encodes one cell.
func (c *csvWriter) field(x cell) string {
	s := x.s
	if !x.number {
		s = c.neutralise(s)
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r == '"' || c.splits(r) }) {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// row writes one line.
func (c *csvWriter) row(cells ...cell) {
	for i, x := range cells {
		if c.err != nil {
			return
		}
		if i > 0 {
			_, c.err = c.w.WriteRune(c.sep)
		}
		if c.err == nil {
			_, c.err = c.w.WriteString(c.field(x))
		}
	}
	if c.err == nil {
		c.err = c.w.WriteByte('\n')
	}
}

// texts turns strings into text cells (a header line).
func texts(ss ...string) []cell {
	out := make([]cell, len(ss))
	for i, s := range ss {
		out[i] = text(s)
	}
	return out
}

// close flushes the file and returns the first error.
func (c *csvWriter) close() error {
	if c.err != nil {
		return c.err
	}
	return c.w.Flush()
}
