package main

import (
	"context"
	"flag"
	"io"
	"os"

	"github.com/ogireports/ogireports/internal/ops"
	"github.com/ogireports/ogireports/internal/store"
)

// importCounts are the counts of an import run in the run history: what the store gained.
type importCounts struct {
	Paths     int   `json:"paths"`
	Documents int64 `json:"documents_new"`
	Reports   int64 `json:"reports_new"`
	Failed    int64 `json:"failed_new"`
	Exit      int   `json:"exit"`
}

// runImportRecorded runs `crawl import` under the database's lock and records it in the run
// history. Arguments it cannot read (a flag unknown to it, no PATH) go to runImport unrecorded,
// which reports the usage error.
func runImportRecorded(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("crawl import", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	db := fs.String("db", store.DefaultPath(), "")
	paths, err := parseInterspersed(fs, args)
	if err != nil || len(paths) == 0 {
		return runImport(args, stdout, stderr)
	}
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			return runImport(args, stdout, stderr)
		}
	}
	lk, code := lockStore(*db, "crawl import", stderr)
	if lk == nil {
		return code
	}
	defer lk.Release()
	ctx := context.Background()
	st, err := store.Open(*db)
	if err != nil {
		return runImport(args, stdout, stderr) // it reports the failure
	}
	defer st.Close()
	before, err := st.Counts(ctx)
	if err != nil {
		return runImport(args, stdout, stderr)
	}
	run, err := ops.BeginRun(ctx, st, store.RunImport, map[string]any{"db": *db, "paths": paths})
	if err != nil {
		return runImport(args, stdout, stderr)
	}
	// runImport opens its own connection to the same file (WAL: both see every commit).
	code = runImport(args, stdout, stderr)
	after, _ := st.Counts(ctx)
	status := ops.StatusOK
	if code != ops.ExitOK {
		status = ops.StatusFailed
	}
	c := importCounts{Paths: len(paths), Documents: after.Documents - before.Documents, Reports: after.Reports - before.Reports,
		Failed: after.Failed - before.Failed, Exit: code}
	if err := run.Finish(ctx, status, c); err != nil {
		return ops.ExitFatal
	}
	return code
}
