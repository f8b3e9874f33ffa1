package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/ops"
	"github.com/ogireports/ogireports/internal/pipeline"
	"github.com/ogireports/ogireports/internal/store"
)

// reextractCounts are the counts of a reextract run in the run history.
type reextractCounts struct {
	Candidates  int `json:"documents"`
	Reextracted int `json:"reextracted"`
	Changed     int `json:"reports_changed"`
	Unavailable int `json:"unavailable"`
}

// runReextract implements `crawl reextract [--db FILE] [--data DIR] [--all]`: re-run
// extraction over the archive, without the network, for the documents whose extractor version
// is not the current one (every document with --all), keep the superseded cells in
// cells_history, list the reports whose cells changed, then reconcile. It takes the store's
// lock like a crawl. Exit 0; 3 when some documents' bytes were unavailable; 4 when another run
// holds the lock; 1 on a fatal error; 2 on a usage error.
func runReextract(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("crawl reextract", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", store.DefaultPath(), "database `file` (or $"+store.EnvDB+")")
	dataDir := fs.String("data", "ogireports-data", "data `dir` of the crawl: bodies are read from DIR/archive")
	all := fs.Bool("all", false, "re-extract every document, not only those of an older extractor version")
	lf := ops.AddLogFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: crawl reextract [--db FILE] [--data DIR] [--all] [--log-format text|json] [-v]")
		fs.PrintDefaults()
	}
	log, code := parseWithLog(fs, lf, args, stderr)
	if code >= 0 {
		return code
	}
	if _, err := os.Stat(*db); err != nil {
		log.Error("crawl reextract: no database", "db", *db, "err", err)
		return ops.ExitFatal
	}
	lk, code := lockStore(*db, "crawl reextract", stderr)
	if lk == nil {
		return code
	}
	defer lk.Release()
	ctx, stop := signalContext()
	defer stop()
	st, err := store.Open(*db)
	if err != nil {
		log.Error("crawl reextract: cannot open the database", "db", *db, "err", err)
		return ops.ExitFatal
	}
	defer st.Close()
	opts := flagOptions(fs)
	opts["extractor_version"] = normalize.Version
	run, err := ops.BeginRun(ctx, st, store.RunReextract, opts)
	if err != nil {
		log.Error("crawl reextract: cannot record the run", "err", err)
		return ops.ExitFatal
	}
	log.Info("reextract started", "run", run.ID, "extractor_version", normalize.Version, "all", *all)
	sum, err := ops.Reextract(ctx, st, ops.ReextractOptions{DataDir: *dataDir, All: *all, Log: log})
	if err == nil {
		_, err = pipeline.Reconcile(ctx, st, log)
	}
	counts := reextractCounts{Candidates: sum.Candidates, Reextracted: sum.Reextracted, Changed: len(sum.Changed), Unavailable: len(sum.Unavailable)}
	status := ops.StatusOK
	switch {
	case err != nil:
		status = ops.StatusFailed
		log.Error("crawl reextract: stopped", "err", err)
	case len(sum.Unavailable) > 0:
		status = ops.StatusSiteErrors
	}
	if ferr := run.Finish(ctx, status, counts); ferr != nil {
		log.Error("crawl reextract: cannot record the run", "err", ferr)
		status = ops.StatusFailed
	}
	fmt.Fprintf(stdout, "reextract: documents %d, re-extracted %d, reports changed %d, unavailable %d\n",
		counts.Candidates, counts.Reextracted, counts.Changed, counts.Unavailable)
	for _, c := range sum.Changed {
		fmt.Fprintf(stdout, "report %d\t%s\t%d\t%d keys changed\t%s\n", c.ReportID, c.Agency, c.Year, c.KeysChanged, c.What)
	}
	for _, u := range sum.Unavailable {
		fmt.Fprintf(stdout, "unavailable: document %d\t%s\t%s\n", u.DocumentID, u.Source, u.Reason)
	}
	return ops.ExitFor(status)
}
