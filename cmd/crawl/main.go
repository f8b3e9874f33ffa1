// Command crawl builds the ogireports dataset.
//
//	crawl [flags]                      crawl the registry of sites (see crawl -h)
//	crawl import [--db FILE] PATH...   import report files and folders
//	crawl status [--db FILE]           show the last runs and the sites that need attention
//	crawl reextract [--db FILE]        re-run extraction where the extractor changed
//	crawl backup [--db FILE] --to FILE consistent copy of the database (VACUUM INTO)
//
// The database is --db, else $OGIREPORTS_DB, else ogireports.db in the current directory.
// Logs go to stderr (log/slog text, or JSON lines with --log-format json). Exit status
// (internal/ops): 0 success, 1 fatal error (database cannot be opened or written, interrupted),
// 2 usage error, 3 completed with site errors, 4 another run holds the database's lock.
package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/ogireports/ogireports/internal/ops"
)

// Exit statuses shared by the subcommands (documented in internal/ops).
const (
	exitOK    = ops.ExitOK
	exitFatal = ops.ExitFatal
	exitUsage = ops.ExitUsage
)

func main() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, nil)))
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches to the subcommand named by args[0], or to the crawl proper.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "import":
			return runImportRecorded(args[1:], stdout, stderr)
		case "status":
			return runStatus(args[1:], stdout, stderr)
		case "reextract":
			return runReextract(args[1:], stdout, stderr)
		case "backup":
			return runBackup(args[1:], stdout, stderr)
		case "help":
			fmt.Fprint(stdout, usage)
			return exitOK
		}
	}
	return crawlMain(args, stdout, stderr)
}

const usage = `usage:
  crawl [flags]                      crawl the registry of sites (crawl -h for flags)
  crawl import [--db FILE] PATH...   import report files and folders (recursively)
  crawl status [--db FILE] [--runs N]  last runs, sites that need attention
  crawl reextract [--db FILE] [--data DIR] [--all]
                                     re-run extraction over the archive, offline
  crawl backup [--db FILE] --to FILE consistent copy of the database (VACUUM INTO)

The database is --db, else $OGIREPORTS_DB, else ogireports.db in the current directory.
Exit status: 0 success, 1 fatal, 2 usage, 3 completed with site errors, 4 already running.
`
