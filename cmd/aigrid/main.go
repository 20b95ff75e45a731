// Command aigrid serves the aigrid web application and its administration commands.
//
//	aigrid [serve]                 start the web server (default)
//	aigrid migrate up|down [N|all]|version  apply, revert or show database migrations
//	aigrid content check [DIR]     validate the questionnaire content
//	aigrid content stats [--json]  count the questionnaire content
//	aigrid admin …                 create users, issue password reset links, open or close sign-up
//	aigrid version                 print the version
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "aigrid:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// run is the whole program, testable: it reads configuration through getenv and writes only to
// stdout and stderr.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return runServe(ctx, args, getenv, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, args, getenv, stdout, stderr)
	case "content":
		return runContent(args, stdout, stderr)
	case "admin":
		return runAdmin(ctx, args, getenv, stdin, stdout, stderr)
	case "export":
		return runExport(ctx, args, getenv, stdout, stderr)
	case "import":
		return runImport(ctx, args, getenv, stdin, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "aigrid", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageError(fmt.Sprintf("unknown command %q\n%s", cmd, usage))
}

const usage = `usage:
  aigrid [serve]                  start the web server (default)
  aigrid migrate up|down [N|all]|version
                                  apply, revert (one by default) or show migrations
  aigrid content check [DIR]      validate the questionnaire content
  aigrid content stats [--json]   count the questionnaire content
  aigrid admin create-user|reset-password|signup
                                  site administration (aigrid admin for details)
  aigrid export --assessment ID --format pdf|xlsx|csv|json [--lang fr|en] --out FILE
                                  write an assessment (aigrid export for details)
  aigrid export --all [--organisation ID] --format csv|jsonl|xlsx --out FILE
                                  write the scores of every assessment, streamed
  aigrid import --organisation ID FILE
                                  create an assessment from a JSON export
  aigrid version                  print the version
`
