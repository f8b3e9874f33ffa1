package main

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"time"

	"github.com/ogireports/ogireports/internal/crawl"
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

// crawlLogger returns the logger of the crawl's flags (text or JSON lines on stderr).
func crawlLogger(f *crawlOpsFlags, stderr io.Writer) (*slog.Logger, error) {
	return f.log.NewLogger(stderr)
}
