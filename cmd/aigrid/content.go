package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"text/tabwriter"

	"aigrid/content"
	"aigrid/internal/questionnaire"
)

// runContent implements "aigrid content check [DIR]" and "aigrid content stats [--json] [DIR]".
func runContent(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError("usage: aigrid content check [DIR] | aigrid content stats [--json] [DIR]")
	}
	fset := flag.NewFlagSet("content "+args[0], flag.ContinueOnError)
	fset.SetOutput(stderr)
	asJSON := fset.Bool("json", false, "print the statistics as JSON")
	if err := fset.Parse(args[1:]); err != nil {
		return usageError(err.Error())
	}
	var fsys fs.FS = content.FS
	if dir := fset.Arg(0); dir != "" {
		fsys = os.DirFS(dir)
	}
	qn, err := questionnaire.Load(fsys)
	if err != nil {
		return fmt.Errorf("content is invalid:\n%w", err)
	}
	switch args[0] {
	case "check":
		st := qn.Stats()
		n := 0
		for _, s := range st.Sheets {
			n += s.Questions
		}
		fmt.Fprintf(stdout, "content %s is valid: %d sheets, %d questions\n", qn.Version, len(st.Sheets), n)
		return nil
	case "stats":
		st := qn.Stats()
		if *asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(st)
		}
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "sheet\tsections\tquestions\tscored\trecommendations\tconditional\tfr\ten\treferences\t\n")
		for _, s := range st.Sheets {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", s.ID, s.Sections, s.Questions, s.Scored, s.Recommendations, s.Conditional, s.FR, s.EN, s.References)
		}
		return tw.Flush()
	}
	return usageError("unknown content command " + args[0])
}

// errUsage marks errors that come from how the command was called (exit code 2).
var errUsage = errors.New("usage")

func usageError(msg string) error { return fmt.Errorf("%s: %w", msg, errUsage) }
