package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/ogireports/ogireports/internal/crawl"
	"github.com/ogireports/ogireports/internal/fetch"
	"github.com/ogireports/ogireports/internal/pipeline"
	"github.com/ogireports/ogireports/internal/store"
)

// version names this build in the User-Agent (set with -ldflags "-X main.version=…").
var version = "dev"

const defaultContact = "https://github.com/ogireports/ogireports"

// runCrawl implements `crawl [--sites FILE] [--db FILE] [--data DIR] [--only CODE,...]
// [--delay D] [--hosts N] [--proxy URL] [--contact URL]`: crawl every registry site politely,
// archive every response under DIR/archive, record fetches, frontier and host state in the
// store, and send every report found through the pipeline. An interrupted crawl (even
// kill -9) continues where it stopped on the next run. The run takes the database's lock,
// is recorded in the run history, skips the sites in backoff, and stops cleanly after
// --max-runtime (internal/ops). Exit 0 when the crawl finished (or stopped at --max-runtime),
// 3 when it finished with failed sites, 4 when another run holds the lock, 1 on a fatal error
// or an interruption, 2 on a usage error.
func runCrawl(args []string) int {
	return crawlMain(args, os.Stdout, os.Stderr)
}

func crawlMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("crawl", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sitesFile := fs.String("sites", filepath.Join("data", "sites.csv"), "registry `file` (CSV: code,name,url[,level,parent_code])")
	db := fs.String("db", store.DefaultPath(), "database `file` ($"+store.EnvDB+", default "+store.DefaultFile+")")
	dataDir := fs.String("data", "ogireports-data", "data `dir`: responses are archived under DIR/archive")
	only := fs.String("only", "", "crawl only these comma-separated site `codes`")
	delay := fs.Duration("delay", 2*time.Second, "minimum `delay` between requests to one host (Crawl-delay wins when larger)")
	jitter := fs.Float64("jitter", 0.1, "random extra delay, as a `fraction` of the delay")
	hosts := fs.Int("hosts", 64, "`number` of sites (hosts) crawled in parallel")
	proxy := fs.String("proxy", "", "send every request through this HTTP proxy `URL`")
	contact := fs.String("contact", defaultContact, "contact `URL` named in the User-Agent")
	budget := fs.Int("budget", 2000, "page budget per site and run (trap guard)")
	ignoreRobots := fs.Bool("ignore-robots", false, "do not obey robots.txt (only with the site owner's consent)")
	opsFlags := addCrawlOpsFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: crawl [--sites FILE] [--db FILE] [--data DIR] [--only CODE,...] [--delay D] [--hosts N] [--proxy URL] [--contact URL]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "crawl: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return exitUsage
	}
	if *hosts < 1 || *delay < 0 || *budget < 1 {
		fmt.Fprintln(stderr, "crawl: --hosts and --budget must be at least 1, --delay not negative")
		return exitUsage
	}
	var proxyURL *url.URL
	if *proxy != "" {
		u, err := url.Parse(*proxy)
		if err != nil || u.Host == "" {
			fmt.Fprintf(stderr, "crawl: bad --proxy %q\n", *proxy)
			return exitUsage
		}
		proxyURL = u
	}
	sites, err := readSites(*sitesFile)
	if err != nil {
		fmt.Fprintf(stderr, "crawl: %v\n", err)
		return exitUsage
	}
	if *only != "" {
		sites, err = onlySites(sites, *only)
		if err != nil {
			fmt.Fprintf(stderr, "crawl: %v\n", err)
			return exitUsage
		}
	}

	log, err := crawlLogger(opsFlags, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "crawl: %v\n", err)
		return exitUsage
	}
	lock, code := lockStore(*db, "crawl", stderr)
	if lock == nil {
		return code
	}
	defer lock.Release()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := store.Open(*db)
	if err != nil {
		log.Error("crawl: cannot open the database", "db", *db, "err", err)
		return exitFatal
	}
	defer st.Close()
	registry := len(sites)
	ctx, runOps, sites, err := startCrawlOps(ctx, st, log, opsFlags, fs, sites)
	if err != nil {
		log.Error("crawl: cannot record the run", "db", *db, "err", err)
		return exitFatal
	}
	archive := &fetch.Archive{Dir: filepath.Join(*dataDir, "archive")}
	state := crawl.NewStoreState(st)
	defer func() {
		if err := state.Close(); err != nil {
			log.Error("crawl: closing the crawl state", "err", err)
		}
	}()
	fcfg := fetch.DefaultConfig()
	fcfg.UserAgent = fmt.Sprintf("ogireports/%s (+%s)", version, *contact)
	fcfg.Delay, fcfg.Jitter, fcfg.Proxy, fcfg.IgnoreRobots = *delay, *jitter, proxyURL, *ignoreRobots
	fcfg.MaxConns = 2 * *hosts
	f := fetch.New(fcfg, fetch.WithArchive(archive), fetch.WithHostStore(state), fetch.WithRecorder(logRequests(state, log)), fetch.WithLogger(log))
	defer f.Close()

	ccfg := crawl.DefaultConfig()
	ccfg.Hosts, ccfg.PageBudget = *hosts, *budget
	var bar *progressbar.ProgressBar
	if fd, ok := stderr.(*os.File); ok && term.IsTerminal(int(fd.Fd())) {
		bar = progressbar.NewOptions(len(sites), progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("sites"),
			progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish())
		ccfg.ProgressEvery = 500 * time.Millisecond
		ccfg.Progress = func(s crawl.Summary) {
			bar.Describe(fmt.Sprintf("pages %d reports %d", s.Pages, s.Reports))
			_ = bar.Set(s.SitesDone + s.SitesRobots + s.SitesBlocked + s.SitesFailed)
		}
	} else {
		ccfg.ProgressEvery = 10 * time.Second
		ccfg.Progress = func(s crawl.Summary) {
			log.Info("crawl progress", "sites_finished", s.SitesDone+s.SitesRobots+s.SitesBlocked+s.SitesFailed, "sites", s.Sites,
				"pages", s.Pages, "reports", s.Reports, "new", s.New, "changed", s.Changed, "elapsed", s.Elapsed.Round(time.Second))
		}
	}
	proc := crawl.ProcessorFunc(func(ctx context.Context, d crawl.Document) (crawl.Outcome, error) {
		res, err := pipeline.Process(ctx, st, pipeline.Input{Data: d.Data, Name: d.Name, Source: d.Source, ContentType: d.ContentType, SeenAt: d.SeenAt, Parts: partsOf(d.Parts)})
		if err != nil {
			return crawl.Outcome{}, fmt.Errorf("pipeline %s: %w", d.Source, err)
		}
		return crawl.Outcome{Report: res.Status == store.StatusReport, NewBytes: res.New}, nil
	})
	defer crawl.TuneGC()()
	c := crawl.New(ccfg, f, state, archive, proc, log)
	sum, err := c.Run(ctx, sites)
	if bar != nil {
		_ = bar.Finish()
	}
	fmt.Fprintln(stdout, "crawl:", sum.String())
	// The run's outcomes are read back from the store: commit the queued crawl state first.
	if ferr := state.Flush(); ferr != nil {
		log.Error("crawl: flushing the crawl state", "err", ferr)
	}
	// One report, one row: group what this run stored into logical reports (sources, versions,
	// cross-report checks, indicators), also after a --max-runtime stop.
	if sum.New+sum.Changed > 0 {
		if _, rerr := pipeline.Reconcile(context.WithoutCancel(ctx), st, log); rerr != nil {
			log.Error("crawl: reconcile", "err", rerr)
			if err == nil {
				err = rerr
			}
		}
	}
	return runOps.finish(ctx, registry, sum, err)
}

// readSites reads the registry CSV: a header naming at least code, name and url (level and
// parent_code optional, any order), one site per line; lines without a url are skipped.
func readSites(path string) ([]crawl.Site, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read sites: %w", err)
	}
	defer fh.Close()
	return parseSites(fh, path)
}

func parseSites(r io.Reader, name string) ([]crawl.Site, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.Comment = '#'
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read sites %s: header: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, need := range []string{"code", "name", "url"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("read sites %s: no %q column in header %v", name, need, head)
		}
	}
	get := func(rec []string, k string) string {
		i, ok := col[k]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	var out []crawl.Site
	seen := map[string]bool{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read sites %s: %w", name, err)
		}
		s := crawl.Site{Code: get(rec, "code"), Name: get(rec, "name"), URL: get(rec, "url"), Level: get(rec, "level"), ParentCode: get(rec, "parent_code")}
		if s.Code == "" || s.URL == "" || seen[s.Code] {
			continue
		}
		if !strings.Contains(s.URL, "://") {
			s.URL = "http://" + s.URL
		}
		seen[s.Code] = true
		out = append(out, s)
	}
	return out, nil
}

func onlySites(sites []crawl.Site, only string) ([]crawl.Site, error) {
	want := map[string]bool{}
	for _, c := range strings.Split(only, ",") {
		if c = strings.TrimSpace(c); c != "" {
			want[c] = true
		}
	}
	var out []crawl.Site
	for _, s := range sites {
		if want[s.Code] {
			out = append(out, s)
			delete(want, s.Code)
		}
	}
	if len(want) > 0 {
		var missing []string
		for c := range want {
			missing = append(missing, c)
		}
		return nil, fmt.Errorf("--only: codes not in the registry: %s", strings.Join(missing, ","))
	}
	return out, nil
}

// partsOf hands a report page's pictures from the crawler to the pipeline.
func partsOf(ps []crawl.Part) []pipeline.Part {
	out := make([]pipeline.Part, len(ps))
	for i, p := range ps {
		out[i] = pipeline.Part{URL: p.URL, Data: p.Data, ContentType: p.ContentType, Err: p.Err}
	}
	return out
}
