package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ogireports/ogireports/internal/ops"
	"github.com/ogireports/ogireports/internal/store"
)

// runStatus implements `crawl status [--db FILE] [--runs N] [--unreachable N]`: the last runs
// and the sites that need attention (see ops.Health). It reads only and takes no lock, so it
// works while a crawl runs. Exit 0, 1 when the database cannot be read, 2 on a usage error.
func runStatus(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("crawl status", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", store.DefaultPath(), "database `file` (or $"+store.EnvDB+")")
	runs := fs.Int("runs", 10, "show the last `N` runs")
	unreachable := fs.Int("unreachable", 3, "list sites unreachable for at least `N` consecutive runs")
	lf := ops.AddLogFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: crawl status [--db FILE] [--runs N] [--unreachable N]")
		fs.PrintDefaults()
	}
	log, code := parseWithLog(fs, lf, args, stderr)
	if code >= 0 {
		return code
	}
	if *runs < 1 || *unreachable < 1 {
		fmt.Fprintln(stderr, "crawl status: --runs and --unreachable must be at least 1")
		return ops.ExitUsage
	}
	if _, err := os.Stat(*db); err != nil {
		log.Error("crawl status: no database", "db", *db, "err", err)
		return ops.ExitFatal
	}
	ctx := context.Background()
	st, err := store.Open(*db)
	if err != nil {
		log.Error("crawl status: cannot open the database", "db", *db, "err", err)
		return ops.ExitFatal
	}
	defer st.Close()
	c, err := st.Counts(ctx)
	if err != nil {
		log.Error("crawl status: cannot read the database", "db", *db, "err", err)
		return ops.ExitFatal
	}
	fmt.Fprintf(stdout, "Database %s: documents %d, reports %d, not reports %d, failed %d, cells %d, checks failed %d\n",
		*db, c.Documents, c.Reports, c.NotReports, c.Failed, c.Cells, c.ChecksFailed)
	h, err := ops.Health(ctx, st, *runs, *unreachable, time.Now())
	if err != nil {
		log.Error("crawl status: cannot read the database", "db", *db, "err", err)
		return ops.ExitFatal
	}
	if err := h.Write(stdout); err != nil {
		log.Error("crawl status: write", "err", err)
		return ops.ExitFatal
	}
	return ops.ExitOK
}
