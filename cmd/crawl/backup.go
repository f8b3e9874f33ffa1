package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/ogireports/ogireports/internal/ops"
	"github.com/ogireports/ogireports/internal/store"
)

// runBackup implements `crawl backup [--db FILE] --to FILE`: a consistent copy of the database
// made with VACUUM INTO, safe while a crawl writes (never copy a live WAL database file). It
// takes no lock. Exit 0, 1 on failure, 2 on a usage error (no --to, or the target exists).
func runBackup(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("crawl backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", store.DefaultPath(), "database `file` (or $"+store.EnvDB+")")
	to := fs.String("to", "", "backup `file` to create (must not exist)")
	lf := ops.AddLogFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: crawl backup [--db FILE] --to FILE")
		fs.PrintDefaults()
	}
	log, code := parseWithLog(fs, lf, args, stderr)
	if code >= 0 {
		return code
	}
	if *to == "" {
		fmt.Fprintln(stderr, "crawl backup: --to FILE is required")
		fs.Usage()
		return ops.ExitUsage
	}
	if _, err := os.Stat(*to); err == nil {
		fmt.Fprintf(stderr, "crawl backup: %s exists; choose a new file\n", *to)
		return ops.ExitUsage
	}
	if _, err := os.Stat(*db); err != nil {
		fmt.Fprintf(stderr, "crawl backup: %v\n", err)
		return ops.ExitUsage
	}
	st, err := store.Open(*db)
	if err != nil {
		log.Error("crawl backup: cannot open the database", "db", *db, "err", err)
		return ops.ExitFatal
	}
	defer st.Close()
	if err := st.BackupTo(context.Background(), *to); err != nil {
		log.Error("crawl backup: failed", "err", err)
		return ops.ExitFatal
	}
	fmt.Fprintf(stdout, "backup: %s written from %s\n", *to, *db)
	return ops.ExitOK
}
