// Command crawl builds the ogireports dataset.
//
//	crawl [flags]                      crawl the registry of sites (see crawl -h)
//	crawl import [--db FILE] PATH...   import report files and folders
//	crawl status [--db FILE]           show what the database holds
//	crawl reextract [--db FILE]        re-run extraction where the extractor changed
//
// The database is --db, else $OGIREPORTS_DB, else ogireports.db in the current directory.
// Logs go to stderr (log/slog text). Exit status: 0 success, 1 fatal error (database cannot
// be opened or written), 2 usage error.
package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
)

// Exit statuses shared by the subcommands.
const (
	exitOK    = 0
	exitFatal = 1
	exitUsage = 2
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
			return runImport(args[1:], stdout, stderr)
		case "status":
			return runStatus(args[1:])
		case "reextract":
			return runReextract(args[1:])
		case "help":
			fmt.Fprint(stdout, usage)
			return exitOK
		}
	}
	return runCrawl(args)
}

const usage = `usage:
  crawl [flags]                      crawl the registry of sites (crawl -h for flags)
  crawl import [--db FILE] PATH...   import report files and folders (recursively)
  crawl status [--db FILE]           show what the database holds
  crawl reextract [--db FILE]        re-run extraction where the extractor changed

The database is --db, else $OGIREPORTS_DB, else ogireports.db in the current directory.
`
