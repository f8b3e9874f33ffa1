package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/ogireports/ogireports/internal/crawl"
	"github.com/ogireports/ogireports/internal/fetch"
	"github.com/ogireports/ogireports/internal/ops"
	"github.com/ogireports/ogireports/internal/store"
)

// crawlOpsFlags are the operations flags of the crawl proper (see crawlMain).
type crawlOpsFlags struct {
	maxRuntime time.Duration
	log        *ops.LogFlags
}

// addCrawlOpsFlags registers --max-runtime, --log-format and -v on fs.
func addCrawlOpsFlags(fs *flag.FlagSet) *crawlOpsFlags {
	f := &crawlOpsFlags{}
	fs.DurationVar(&f.maxRuntime, "max-runtime", 0, "stop cleanly after this `duration` (0: no limit); the next run continues")
	f.log = ops.AddLogFlags(fs)
	return f
}

// crawlOps is one crawl run's operations side: the lock, the run history and the backoff.
type crawlOps struct {
	sess   *ops.CrawlSession
	cancel context.CancelFunc
}

// startCrawlOps records the run (options: every flag of fs), applies --max-runtime to ctx and
// drops the sites the backoff skips this time. The caller holds the store's lock.
func startCrawlOps(ctx context.Context, st *store.Store, log *slog.Logger, f *crawlOpsFlags, fs *flag.FlagSet, sites []crawl.Site) (context.Context, *crawlOps, []crawl.Site, error) {
	sess, err := ops.StartCrawl(ctx, st, log, flagOptions(fs))
	if err != nil {
		return ctx, nil, nil, err
	}
	o := &crawlOps{sess: sess, cancel: func() {}}
	if f.maxRuntime > 0 {
		sess.Deadline = time.Now().Add(f.maxRuntime)
		ctx, o.cancel = context.WithDeadline(ctx, sess.Deadline)
	}
	refs := make([]ops.SiteRef, len(sites))
	byCode := make(map[string]crawl.Site, len(sites))
	for i, s := range sites {
		refs[i] = ops.SiteRef{Code: s.Code, URL: s.URL}
		byCode[s.Code] = s
	}
	el, err := sess.Eligible(ctx, refs)
	if err != nil {
		o.cancel()
		return ctx, nil, nil, err
	}
	out := make([]crawl.Site, 0, len(el))
	for _, r := range el {
		out = append(out, byCode[r.Code])
	}
	return ctx, o, out, nil
}

// finish records the end of the run from the crawler's summary and error, and returns the
// exit status: 0 done (or stopped by --max-runtime), 3 done with failed sites, 1 fatal or
// interrupted.
func (o *crawlOps) finish(ctx context.Context, registry int, sum crawl.Summary, err error) int {
	defer o.cancel()
	c := ops.CrawlCounts{Sites: registry, Pages: sum.Pages, ReportsFound: sum.Reports, ReportsNew: sum.New,
		ReportsChanged: sum.Changed, Unchanged: sum.Unchanged, Errors: sum.Errors}
	_, code := o.sess.Finish(ctx, ops.CrawlResult{Counts: c, Err: err})
	return code
}

// crawlLogger checks the operations flags and returns the logger they ask for (text or JSON
// lines on stderr); an error is a usage error.
func crawlLogger(f *crawlOpsFlags, stderr io.Writer) (*slog.Logger, error) {
	if f.maxRuntime < 0 {
		return nil, fmt.Errorf("--max-runtime must not be negative")
	}
	return f.log.NewLogger(stderr)
}

// requestLogger is a fetch.Recorder that logs every fetch at debug level (-v) before passing
// it on: one line per request only when asked for.
type requestLogger struct {
	next fetch.Recorder
	log  *slog.Logger
}

// logRequests wraps r so that every fetch is logged at debug level.
func logRequests(r fetch.Recorder, log *slog.Logger) fetch.Recorder {
	return requestLogger{next: r, log: log}
}

// RecordFetch logs the fetch and records it.
func (l requestLogger) RecordFetch(ctx context.Context, r fetch.Record) error {
	if l.log.Enabled(ctx, slog.LevelDebug) {
		l.log.Debug("fetched", "url", r.URL, "status", r.Status, "bytes", r.Size, "kind", r.Kind, "err", r.Err)
	}
	return l.next.RecordFetch(ctx, r)
}
