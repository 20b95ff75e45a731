package export

import (
	"fmt"
	"io"

	"aigrid/internal/questionnaire"
)

// Options are the reader's choices that change a file but not its content.
type Options struct {
	// Sep separates CSV cells: ';' or ','. Zero means the language's default (DefaultSep).
	Sep rune
}

// Format is one export format: how the pages, the CLI and the API name it, serve it and write it.
type Format struct {
	Name        string // "csv", also the file extension
	Ext         string
	ContentType string
	// Label is the message key that describes the format on the export page.
	Label string
	// Separated is true for the formats that take Options.Sep.
	Separated bool
	Write     func(w io.Writer, m *Model, o Options) error
}

// formats is the one table of export formats, in the order the export page offers them. A new
// format is one new file defining a Format, and one line here.
var formats = []Format{pdfFormat, xlsxFormat, csvFormat, jsonFormat}

// Formats lists the export formats.
func Formats() []Format { return formats }

// Lookup finds a format by name.
func Lookup(name string) (Format, bool) {
	for _, f := range formats {
		if f.Name == name {
			return f, true
		}
	}
	return Format{}, false
}

// DefaultSep is the CSV separator spreadsheets expect in a language: ';' in French (where ',' is
// the decimal separator), ',' in English.
func DefaultSep(lang questionnaire.Lang) rune {
	if lang == questionnaire.FR {
		return ';'
	}
	return ','
}

// ParseSep reads a separator chosen on the export page: ";" or "," (or their names), "" for the
// language's default.
func ParseSep(s string, lang questionnaire.Lang) (rune, error) {
	switch s {
	case "":
		return DefaultSep(lang), nil
	case ";", "semicolon":
		return ';', nil
	case ",", "comma":
		return ',', nil
	}
	return 0, fmt.Errorf("export: unknown separator %q", s)
}
