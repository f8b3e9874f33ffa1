// Command export writes the ogireports dataset out of the SQLite store.
//
//	export [--db FILE] --out DIR [--format csv,parquet] [--excel] [--partition year]
//	       [--years 2019-2024] [--codes 37,3706] [--level L] [--agency-type T] [--passing-only]
//	       [--html DIR [--archive DATA/archive]]
//
// writes DIR/cells (one row per stored cell), DIR/reports (one row per report), DIR/panel (one
// row per report, one column per cell key, plus harmonised indicators) and DIR/checks (one row
// per identity check), each as .csv and/or .parquet, and DIR/codebook.csv, DIR/codebook.md and
// DIR/datapackage.json describing them. The work is done by internal/export; see its README for
// the files and columns. Rows are streamed from the database, so memory stays bounded whatever
// the size of the dataset; a progress bar is drawn when stderr is a terminal. --html DIR writes
// the offline comparison site of internal/htmlsite (open DIR/index.html from disk).
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
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/ogireports/ogireports/internal/export"
	"github.com/ogireports/ogireports/internal/htmlsite"
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

// parseYears parses "2019-2024", "2022", "2019-" or "-2024".
func parseYears(s string) (from, to int, err error) {
	if s == "" {
		return 0, 0, nil
	}
	a, b, isRange := strings.Cut(s, "-")
	if !isRange {
		b = a
	}
	parse := func(x string) (int, error) {
		if x == "" {
			return 0, nil
		}
		y, err := strconv.Atoi(strings.TrimSpace(x))
		if err != nil || y < 1900 || y > 2999 {
			return 0, fmt.Errorf("--years %q: want YYYY or YYYY-YYYY", s)
		}
		return y, nil
	}
	if from, err = parse(a); err != nil {
		return 0, 0, err
	}
	if to, err = parse(b); err != nil {
		return 0, 0, err
	}
	if from == 0 && to == 0 || from != 0 && to != 0 && from > to {
		return 0, 0, fmt.Errorf("--years %q: want YYYY or YYYY-YYYY with the first year not after the second", s)
	}
	return from, to, nil
}

// parseFormats parses "csv,parquet".
func parseFormats(s string) (csv, parquet bool, err error) {
	for _, f := range strings.Split(s, ",") {
		switch strings.ToLower(strings.TrimSpace(f)) {
		case "csv":
			csv = true
		case "parquet":
			parquet = true
		default:
			return false, false, fmt.Errorf("--format %q: want csv, parquet or csv,parquet", s)
		}
	}
	return csv, parquet, nil
}

// parseCodes parses "37,3706" into digit-only prefixes.
func parseCodes(s string) ([]string, error) {
	if s == "" {
		return nil, nil
	}
	var out []string
	for _, c := range strings.Split(s, ",") {
		c = strings.TrimSpace(c)
		if c == "" || strings.Trim(c, "0123456789") != "" {
			return nil, fmt.Errorf("--codes %q: want comma-separated GB/T 2260 code prefixes (37,3706)", s)
		}
		out = append(out, c)
	}
	return out, nil
}

// run parses the arguments, opens the store and writes the files.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", store.DefaultPath(), "database `file` (or $"+store.EnvDB+")")
	out := fs.String("out", "", "output `dir`ectory (created if needed)")
	format := fs.String("format", "csv,parquet", "output `formats`: csv, parquet or csv,parquet")
	excel := fs.Bool("excel", false, "start CSV files with a UTF-8 byte-order mark (Excel shows Chinese correctly)")
	partition := fs.String("partition", "", "`year`: write Parquet tables hive-partitioned by report year")
	years := fs.String("years", "", "report `years`: 2022 or 2019-2024")
	codes := fs.String("codes", "", "jurisdiction code `prefixes`, comma-separated: 37,3706")
	level := fs.String("level", "", "jurisdiction `level` (province, prefecture, county)")
	agencyType := fs.String("agency-type", "", "agency `type` (government, department, township, development_zone, other)")
	passing := fs.Bool("passing-only", false, "only reports none of whose identity checks failed")
	htmlDir := fs.String("html", "", "also write the offline comparison site (for journalists) into `dir`")
	archive := fs.String("archive", "", "the crawl's archive `dir` (DATA/archive), linked from the comparison site")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: export [--db FILE] --out DIR [--format csv,parquet] [--excel] [--partition year]\n"+
			"              [--years 2019-2024] [--codes 37,3706] [--level L] [--agency-type T] [--passing-only]\n"+
			"              [--html DIR [--archive DATA/archive]]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	usage := func(msg string) int {
		fmt.Fprintln(stderr, "export: "+msg)
		fs.Usage()
		return exitUsage
	}
	if fs.NArg() > 0 {
		return usage(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	if *out == "" && *htmlDir == "" {
		return usage("--out DIR (or --html DIR) is required")
	}
	opts := export.Options{Dir: *out, Excel: *excel}
	var err error
	if opts.CSV, opts.Parquet, err = parseFormats(*format); err != nil {
		return usage(err.Error())
	}
	switch *partition {
	case "":
	case "year":
		opts.PartitionYear = true
	default:
		return usage(fmt.Sprintf("--partition %q: only year is supported", *partition))
	}
	if opts.Filter.YearFrom, opts.Filter.YearTo, err = parseYears(*years); err != nil {
		return usage(err.Error())
	}
	if opts.Filter.Codes, err = parseCodes(*codes); err != nil {
		return usage(err.Error())
	}
	opts.Filter.Level, opts.Filter.AgencyType, opts.Filter.PassingOnly = *level, *agencyType, *passing
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
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		total, err := st.CountReports(ctx, store.ExportFilter{YearFrom: opts.Filter.YearFrom, YearTo: opts.Filter.YearTo})
		if err != nil {
			slog.Error("export: failed", "db", *db, "err", err)
			return exitFatal
		}
		bar := progressbar.NewOptions64(total, progressbar.OptionSetWriter(f),
			progressbar.OptionSetDescription("export reports"), progressbar.OptionShowCount(),
			progressbar.OptionShowIts(), progressbar.OptionSetItsString("reports"),
			progressbar.OptionThrottle(200_000_000), progressbar.OptionClearOnFinish())
		opts.Progress = func(done int64) { bar.Set64(done) }
		defer bar.Finish()
	}
	if *htmlDir != "" {
		if err := htmlsite.Write(ctx, st, *htmlDir, htmlsite.Options{ArchiveDir: *archive}); err != nil {
			slog.Error("export: comparison site failed", "db", *db, "html", *htmlDir, "err", err)
			return exitFatal
		}
		fmt.Fprintf(stdout, "export: wrote the comparison site; open %s\n", filepath.Join(*htmlDir, "index.html"))
		if *out == "" {
			return exitOK
		}
	}
	sum, err := export.Run(ctx, st, opts)
	if err != nil {
		slog.Error("export: failed", "db", *db, "out", *out, "err", err)
		return exitFatal
	}
	for _, f := range sum.Files {
		if f.Table != "" {
			fmt.Fprintf(stdout, "export: wrote %s (%d rows)\n", f.Path, f.Rows)
		} else {
			fmt.Fprintf(stdout, "export: wrote %s\n", f.Path)
		}
	}
	fmt.Fprintf(stdout, "export: %d reports, %d cells, %d checks (%d reports filtered out) in %s\n",
		sum.Reports, sum.Cells, sum.Checks, sum.Skipped, sum.Elapsed.Round(1e6))
	if sum.NotReconciled {
		fmt.Fprintln(stderr, "export: warning: the store has no logical reports (it was never reconciled): the panel has one row per "+
			"stored document, so a report found as HTML and PDF is counted twice, without year-on-year changes or cross-report "+
			"checks. Run `crawl import` (or a crawl, or `crawl reextract`) on this store again: they reconcile at their end.")
	}
	if sum.NonIntegral > 0 {
		slog.Warn("export: count cells with a non-integer value are blank in the panel (kept in cells)", "n", sum.NonIntegral)
	}
	return exitOK
}
