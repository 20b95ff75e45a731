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
	// DIR is either a directory of versions (like content/) or one version's directory.
	var qns []*questionnaire.Questionnaire
	var diffs []questionnaire.Differences
	if _, err := fs.Stat(fsys, questionnaire.MainFile); err == nil {
		qn, err := questionnaire.Load(fsys)
		if err != nil {
			return fmt.Errorf("content is invalid:\n%w", err)
		}
		qns = append(qns, qn)
	} else {
		cat, err := questionnaire.LoadCatalog(fsys)
		if err != nil {
			return fmt.Errorf("content is invalid:\n%w", err)
		}
		qns = cat.Versions()
		for i := 1; i < len(qns); i++ {
			diffs = append(diffs, cat.Path(qns[i-1].Version, qns[i].Version)...)
		}
	}
	switch args[0] {
	case "check":
		for _, qn := range qns {
			st := qn.Stats()
			n := 0
			for _, s := range st.Sheets {
				n += s.Questions
			}
			fmt.Fprintf(stdout, "content %s is valid: %d sheets, %d questions, scoring model %d\n", qn.Version, len(st.Sheets), n, qn.ScoringModel)
		}
		for _, d := range diffs {
			fmt.Fprintf(stdout, "differences %s → %s declared: %d added, %d retired, %d replaced, %d reworded, %d with changed options, %d with changed rules\n",
				d.From, d.To, len(d.Added), len(d.Retired), len(d.Replaced), len(d.Reworded), len(d.Options), len(d.Rules))
		}
		return nil
	case "stats":
		if *asJSON {
			sts := make([]questionnaire.Stats, len(qns))
			for i, qn := range qns {
				sts[i] = qn.Stats()
			}
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(sts)
		}
		for i, qn := range qns {
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			fmt.Fprintf(stdout, "version %s (scoring model %d)\n", qn.Version, qn.ScoringModel)
			tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintf(tw, "sheet\tsections\tquestions\tscored\trecommendations\tconditional\tfr\ten\treferences\t\n")
			for _, s := range qn.Stats().Sheets {
				fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", s.ID, s.Sections, s.Questions, s.Scored, s.Recommendations, s.Conditional, s.FR, s.EN, s.References)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
		}
		return nil
	}
	return usageError("unknown content command " + args[0])
}

// errUsage marks errors that come from how the command was called (exit code 2).
var errUsage = errors.New("usage")

func usageError(msg string) error { return fmt.Errorf("%s: %w", msg, errUsage) }
