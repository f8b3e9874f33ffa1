// Command export writes the ogireports dataset out of the SQLite store.
//
//	export [--db FILE] --out DIR
//
// writes DIR/cells.csv (one row per stored cell) and DIR/reports.csv (one row per report), in
// UTF-8, RFC 4180 (encoding/csv), each with a header row; see csv.go for the columns. Rows are
// streamed from the database, so memory stays bounded whatever the size of the dataset. Each
// file is written beside its final name and renamed into place when complete.
//
// The database is --db, else $OGIREPORTS_DB, else ogireports.db in the current directory.
// Exit status: 0 success, 1 fatal error (database missing or unreadable, output unwritable),
// 2 usage error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/ogireports/ogireports/internal/store"
)

// Exit statuses.
const (
	exitOK    = 0
	exitFatal = 1
	exitUsage = 2
)

func main() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, nil)))
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run parses the arguments, opens the store and writes the CSV files.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", store.DefaultPath(), "database `file` (or $"+store.EnvDB+")")
	out := fs.String("out", "", "output `dir`ectory (created if needed)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: export [--db FILE] --out DIR")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "export: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return exitUsage
	}
	if *out == "" {
		fmt.Fprintln(stderr, "export: --out DIR is required")
		fs.Usage()
		return exitUsage
	}
	// Opening a missing path would create an empty database: refuse instead.
	if _, err := os.Stat(*db); err != nil {
		slog.Error("export: cannot open the database", "db", *db, "err", err)
		return exitFatal
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := store.Open(*db)
	if err != nil {
		slog.Error("export: cannot open the database", "db", *db, "err", err)
		return exitFatal
	}
	defer st.Close()
	files, err := writeCSV(ctx, st, *out)
	if err != nil {
		slog.Error("export: failed", "db", *db, "out", *out, "err", err)
		return exitFatal
	}
	for _, f := range files {
		fmt.Fprintf(stdout, "export: wrote %s (%d rows)\n", f.Path, f.Rows)
	}
	return exitOK
}
