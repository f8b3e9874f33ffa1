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

	"github.com/ogireports/ogireports/internal/pipeline"
	"github.com/ogireports/ogireports/internal/store"
)

// runImport implements `crawl import [--db FILE] PATH...`: every file under the paths goes
// through pipeline.Process; failures and non-reports are recorded in the store and logged, and
// a summary line is printed to stdout. Exit 0 when every file was processed, 2 on a usage
// error (no PATH, unknown flag, a PATH that does not exist), 1 on a fatal error (database
// cannot be opened or written, a file could not be read, interrupted).
func runImport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("crawl import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", store.DefaultPath(), "database `file` (or $"+store.EnvDB+")")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: crawl import [--db FILE] PATH...")
		fs.PrintDefaults()
	}
	paths, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitUsage
	}
	if len(paths) == 0 {
		fmt.Fprintln(stderr, "crawl import: no PATH given")
		fs.Usage()
		return exitUsage
	}
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			fmt.Fprintf(stderr, "crawl import: %v\n", err)
			return exitUsage
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(stderr, nil))
	st, err := store.Open(*db)
	if err != nil {
		log.Error("crawl import: cannot open the database", "db", *db, "err", err)
		return exitFatal
	}
	sum, err := pipeline.Import(ctx, st, paths, log)
	if cerr := st.Close(); cerr != nil && err == nil {
		err = cerr
	}
	fmt.Fprintln(stdout, sum.String())
	if err != nil {
		log.Error("crawl import: stopped", "db", *db, "err", err)
		return exitFatal
	}
	if sum.Unreadable > 0 {
		log.Error("crawl import: some files could not be read", "files", sum.Unreadable)
		return exitFatal
	}
	return exitOK
}

// parseInterspersed parses flags that may appear before, between or after the positional
// arguments (`crawl import dir --db x.db`), which flag.FlagSet alone does not allow. A lone
// "--" ends flag parsing: everything after it is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
