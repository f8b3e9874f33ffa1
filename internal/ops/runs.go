package ops

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ogireports/ogireports/internal/store"
)

// Run statuses recorded in the runs table (besides store.RunRunning and store.RunKilled).
const (
	// StatusOK: completed, nothing to report.
	StatusOK = "ok"
	// StatusSiteErrors: completed, some sites failed or documents were unavailable.
	StatusSiteErrors = "site_errors"
	// StatusStopped: stopped by --max-runtime; the next run continues.
	StatusStopped = "stopped"
	// StatusInterrupted: stopped by a signal (SIGINT, SIGTERM); the next run continues.
	StatusInterrupted = "interrupted"
	// StatusFailed: a fatal error.
	StatusFailed = "failed"
)

// ExitFor returns the exit status of a run that ended with status.
func ExitFor(status string) int {
	switch status {
	case StatusOK, StatusStopped:
		return ExitOK
	case StatusSiteErrors:
		return ExitSiteErrors
	}
	return ExitFatal
}

// Run is one recorded run of a command: BeginRun stores its start and options, Finish its end,
// status and counts.
type Run struct {
	st *store.Store
	// ID is the runs row; Ordinal the run's position among the runs of its kind; Kind its kind.
	ID, Ordinal int64
	Kind        string
	// Started is when BeginRun was called.
	Started time.Time
}

// BeginRun records the start of a run of kind (store.RunCrawl, ...) with its options, which
// are stored as JSON. The caller must hold the store's Lock.
func BeginRun(ctx context.Context, st *store.Store, kind string, options any) (*Run, error) {
	b, err := json.Marshal(options)
	if err != nil {
		return nil, fmt.Errorf("begin %s run: options: %w", kind, err)
	}
	started := time.Now()
	id, ord, err := st.BeginRun(ctx, kind, string(b))
	if err != nil {
		return nil, err
	}
	return &Run{st: st, ID: id, Ordinal: ord, Kind: kind, Started: started}, nil
}

// Finish records the run's end with status and counts (stored as JSON). It uses a context
// that outlives ctx's cancellation, so an interrupted run is still recorded.
func (r *Run) Finish(ctx context.Context, status string, counts any) error {
	b, err := json.Marshal(counts)
	if err != nil {
		return fmt.Errorf("finish %s run %d: counts: %w", r.Kind, r.ID, err)
	}
	return r.st.FinishRun(context.WithoutCancel(ctx), r.ID, status, string(b))
}

// CrawlCounts is what a crawl run did, stored as the run's counts.
type CrawlCounts struct {
	// Sites is the registry size for this run; SkippedBackoff the sites left out by backoff.
	Sites          int `json:"sites"`
	SkippedBackoff int `json:"sites_skipped_backoff"`
	// SitesOK … SitesUnfinished count the classified outcomes of the sites crawled (Classify).
	SitesOK          int `json:"sites_ok"`
	SitesRobots      int `json:"sites_robots"`
	SitesBlocked     int `json:"sites_blocked"`
	SitesUnreachable int `json:"sites_unreachable"`
	SitesUnfinished  int `json:"sites_unfinished"`
	// Pages is the crawler's fetch count; NotModified the 304 answers among the fetches.
	Pages       int `json:"pages"`
	NotModified int `json:"not_modified"`
	// ReportsFound, ReportsNew, ReportsChanged and Unchanged are the crawler's report tallies.
	ReportsFound   int `json:"reports_found"`
	ReportsNew     int `json:"reports_new"`
	ReportsChanged int `json:"reports_changed"`
	Unchanged      int `json:"unchanged"`
	// Errors counts errors by kind (fetch.ErrorKind and the crawler's own).
	Errors map[string]int `json:"errors"`
}

// CrawlResult is what the crawl command hands to CrawlSession.Finish.
type CrawlResult struct {
	// Counts are filled from the crawler's summary; Finish adds the site outcomes and 304s.
	Counts CrawlCounts
	// Err is the crawler's error (nil when it finished).
	Err error
}

// CrawlSession wraps one crawl run: history, backoff across runs, site outcomes.
type CrawlSession struct {
	// Run is the run's history row.
	Run *Run
	// Backoff is the policy applied (DefaultBackoff unless set before Eligible).
	Backoff Backoff
	// Skipped are the sites left out by the backoff.
	Skipped []Skipped
	// Results are the classified site outcomes, set by Finish.
	Results []SiteResult
	// Deadline is the --max-runtime deadline (zero: none); a run cancelled by it is "stopped".
	Deadline time.Time

	st  *store.Store
	log *slog.Logger
}

// StartCrawl records the start of a crawl run with its options and returns the session. The
// caller must hold the store's Lock.
func StartCrawl(ctx context.Context, st *store.Store, log *slog.Logger, options any) (*CrawlSession, error) {
	if log == nil {
		log = slog.Default()
	}
	r, err := BeginRun(ctx, st, store.RunCrawl, options)
	if err != nil {
		return nil, err
	}
	return &CrawlSession{Run: r, Backoff: DefaultBackoff, st: st, log: log}, nil
}

// Eligible returns the sites this run crawls; the others are left out by the backoff (logged,
// one line each, and kept in Skipped).
func (s *CrawlSession) Eligible(ctx context.Context, sites []SiteRef) ([]SiteRef, error) {
	el, sk, err := FilterEligible(ctx, s.st, s.Backoff, sites, s.Run.Ordinal, time.Now())
	if err != nil {
		return nil, err
	}
	s.Skipped = sk
	for _, k := range sk {
		s.log.Info("site skipped: backoff after failures", "site", k.Code, "failures", k.Failures, "next_run", k.NextRun)
	}
	return el, nil
}

// Finish classifies the sites crawled, updates their health, records the run's end and
// returns its status and the process exit status. A run that ended because the Deadline passed
// is "stopped" (exit 0: the next run continues), one cancelled otherwise "interrupted".
func (s *CrawlSession) Finish(ctx context.Context, res CrawlResult) (status string, exit int) {
	c := res.Counts
	if c.Errors == nil {
		c.Errors = map[string]int{}
	}
	c.SkippedBackoff = len(s.Skipped)
	wctx := context.WithoutCancel(ctx)
	results, err := RecordOutcomes(wctx, s.st, s.Backoff, s.Run.Started, s.Run.Ordinal, time.Now())
	if err != nil {
		s.log.Error("crawl: recording site outcomes failed", "err", err)
	}
	s.Results = results
	for _, r := range results {
		switch r.Outcome {
		case OutcomeOK:
			c.SitesOK++
		case OutcomeRobots:
			c.SitesRobots++
		case OutcomeBlocked:
			c.SitesBlocked++
			s.log.Warn("site blocked (403/WAF)", "site", r.Code, "reason", r.Reason, "failures", r.Failures)
		case OutcomeUnreachable:
			c.SitesUnreachable++
			s.log.Warn("site unreachable", "site", r.Code, "reason", r.Reason, "failures", r.Failures)
		case OutcomeUnfinished:
			c.SitesUnfinished++
		}
	}
	if _, nm, _, err := s.st.FetchStats(wctx, s.Run.Started); err == nil {
		c.NotModified = nm
	} else {
		s.log.Error("crawl: fetch stats failed", "err", err)
	}
	switch {
	case res.Err != nil && errors.Is(res.Err, context.DeadlineExceeded) && !s.Deadline.IsZero() && !time.Now().Before(s.Deadline):
		status = StatusStopped
	case res.Err != nil && errors.Is(res.Err, context.Canceled):
		status = StatusInterrupted
	case res.Err != nil:
		status = StatusFailed
	case c.SitesBlocked+c.SitesUnreachable > 0:
		status = StatusSiteErrors
	default:
		status = StatusOK
	}
	if status == StatusStopped && c.SitesBlocked+c.SitesUnreachable > 0 {
		status = StatusSiteErrors
	}
	if err != nil && status == StatusOK {
		status = StatusFailed
	}
	if ferr := s.Run.Finish(wctx, status, c); ferr != nil {
		s.log.Error("crawl: recording the run failed", "err", ferr)
		return StatusFailed, ExitFatal
	}
	attrs := []any{"run", s.Run.ID, "status", status, "sites_ok", c.SitesOK, "unreachable", c.SitesUnreachable,
		"blocked", c.SitesBlocked, "robots", c.SitesRobots, "skipped_backoff", c.SkippedBackoff,
		"unfinished", c.SitesUnfinished, "pages", c.Pages, "not_modified", c.NotModified,
		"reports_new", c.ReportsNew, "reports_changed", c.ReportsChanged}
	switch status {
	case StatusStopped:
		s.log.Info("crawl stopped at --max-runtime; the next run continues", attrs...)
	case StatusInterrupted:
		s.log.Warn("crawl interrupted; the next run continues", append(attrs, "err", res.Err)...)
	case StatusFailed:
		s.log.Error("crawl failed", append(attrs, "err", res.Err)...)
	default:
		s.log.Info("crawl run recorded", attrs...)
	}
	return status, ExitFor(status)
}
