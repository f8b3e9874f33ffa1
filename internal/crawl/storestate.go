package crawl

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/ogireports/ogireports/internal/fetch"
	"github.com/ogireports/ogireports/internal/store"
)

// StoreState is the State of a crawl kept in the SQLite store; it is also the fetcher's
// HostStore and Recorder, so politeness state and the fetch log live in the same database.
//
// Writes are queued to one writer goroutine that commits them in batches (one transaction per
// batch, at most BatchDelay apart): hundreds of site goroutines each committing their own
// small transactions would queue on SQLite's lock and cap the crawl's rate. Reads that need
// the crawl's own writes (the frontier, a site's row, a host's robots) flush the queue
// first. A kill -9 loses at most the last batch: those items are simply worked again on
// resume, and the pipeline recognises bytes it has already stored.
type StoreState struct {
	St *store.Store

	ops  chan writeOp
	done chan struct{}
	log  *slog.Logger

	errMu sync.Mutex
	err   error
}

// BatchDelay is the longest a queued write waits before its batch is committed.
const BatchDelay = 20 * time.Millisecond

type writeOp struct {
	fn    func(ctx context.Context, w store.CrawlTx) error
	flush chan error // non-nil: a barrier; receives the first write error so far
}

// NewStoreState returns the StoreState of st and starts its writer; Close stops it.
func NewStoreState(st *store.Store) *StoreState {
	st.KeepConns(4)
	s := &StoreState{St: st, ops: make(chan writeOp, 1024), done: make(chan struct{}), log: slog.Default()}
	go s.writer()
	return s
}

// writer commits queued writes in batches.
func (s *StoreState) writer() {
	defer close(s.done)
	ctx := context.Background()
	for first := range s.ops {
		batch := []writeOp{first}
		timer := time.NewTimer(BatchDelay)
	fill:
		for len(batch) < 512 && first.flush == nil {
			select {
			case op, ok := <-s.ops:
				if !ok {
					break fill
				}
				batch = append(batch, op)
				if op.flush != nil {
					break fill
				}
			case <-timer.C:
				break fill
			}
		}
		timer.Stop()
		err := s.St.CrawlWrite(ctx, func(w store.CrawlTx) error {
			for _, op := range batch {
				if op.fn != nil {
					if err := op.fn(ctx, w); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			s.log.Error("crawl state: write batch", "ops", len(batch), "err", err)
			s.errMu.Lock()
			if s.err == nil {
				s.err = fmt.Errorf("crawl state write: %w", err)
			}
			s.errMu.Unlock()
		}
		for _, op := range batch {
			if op.flush != nil {
				op.flush <- s.Err()
			}
		}
	}
}

// Err returns the first write error (writes are asynchronous).
func (s *StoreState) Err() error {
	s.errMu.Lock()
	defer s.errMu.Unlock()
	return s.err
}

func (s *StoreState) enqueue(fn func(ctx context.Context, w store.CrawlTx) error) error {
	if err := s.Err(); err != nil {
		return err
	}
	s.ops <- writeOp{fn: fn}
	return nil
}

// Flush waits until every queued write is committed and returns the first write error.
func (s *StoreState) Flush() error {
	ch := make(chan error, 1)
	s.ops <- writeOp{flush: ch}
	return <-ch
}

// Close flushes and stops the writer.
func (s *StoreState) Close() error {
	err := s.Flush()
	close(s.ops)
	<-s.done
	return err
}

var (
	_ State           = (*StoreState)(nil)
	_ fetch.HostStore = (*StoreState)(nil)
	_ fetch.Recorder  = (*StoreState)(nil)
)

// BeginRun implements State.
func (s *StoreState) BeginRun(ctx context.Context) (int64, bool, error) {
	if err := s.Flush(); err != nil {
		return 0, false, err
	}
	return s.St.BeginCrawlRun(ctx)
}

// FinishRun implements State.
func (s *StoreState) FinishRun(ctx context.Context, run int64) error {
	if err := s.Flush(); err != nil {
		return err
	}
	return s.St.FinishCrawlRun(ctx, run)
}

// LoadSite implements State.
func (s *StoreState) LoadSite(ctx context.Context, code string) (SiteRecord, bool, error) {
	if err := s.Flush(); err != nil {
		return SiteRecord{}, false, err
	}
	r, ok, err := s.St.CrawlSite(ctx, code)
	return SiteRecord{Code: r.Code, Name: r.Name, URL: r.URL, Run: r.RunID, State: r.State, Reason: r.Reason,
		ColumnURL: r.ColumnURL, Pages: r.Pages, Reports: r.Reports, UpdatedAt: r.UpdatedAt}, ok, err
}

// SaveSite implements State.
func (s *StoreState) SaveSite(_ context.Context, r SiteRecord) error {
	row := siteRow(r)
	return s.enqueue(func(ctx context.Context, w store.CrawlTx) error { return w.SaveCrawlSite(ctx, row) })
}

// ResetFrontier implements State.
func (s *StoreState) ResetFrontier(ctx context.Context, site string) error {
	if err := s.Flush(); err != nil {
		return err
	}
	return s.St.ResetFrontier(ctx, site)
}

func toRow(it Item) store.FrontierItem {
	return store.FrontierItem{ID: it.ID, Site: it.Site, URL: it.URL, Kind: it.Kind, Depth: it.Depth, Title: it.Title,
		Referer: it.Referer, Scope: it.Scope, State: it.State, Attempts: it.Attempts, NextTry: it.NextTry, Err: it.Err}
}

func toRows(items []Item) []store.FrontierItem {
	rows := make([]store.FrontierItem, len(items))
	for i, it := range items {
		rows[i] = toRow(it)
	}
	return rows
}

// AddItems implements State. It commits before returning and counts the new items.
func (s *StoreState) AddItems(ctx context.Context, items []Item) (int, error) {
	if err := s.Flush(); err != nil {
		return 0, err
	}
	return s.St.AddFrontier(ctx, toRows(items))
}

// Complete implements State (queued).
func (s *StoreState) Complete(_ context.Context, it Item, found []Item, site SiteRecord) error {
	done, rows, srow := toRow(it), toRows(found), siteRow(site)
	return s.enqueue(func(ctx context.Context, w store.CrawlTx) error {
		if _, err := w.CompleteFrontier(ctx, &done, rows); err != nil {
			return err
		}
		return w.SaveCrawlSite(ctx, srow)
	})
}

func siteRow(r SiteRecord) store.CrawlSite {
	return store.CrawlSite{Code: r.Code, Name: r.Name, URL: r.URL, RunID: r.Run, State: r.State,
		Reason: r.Reason, ColumnURL: r.ColumnURL, Pages: r.Pages, Reports: r.Reports, UpdatedAt: r.UpdatedAt}
}

// PendingItems implements State.
func (s *StoreState) PendingItems(ctx context.Context, site string, limit int) ([]Item, error) {
	if err := s.Flush(); err != nil {
		return nil, err
	}
	rows, err := s.St.Frontier(ctx, site, ItemPending, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Item, len(rows))
	for i, r := range rows {
		out[i] = Item{ID: r.ID, Site: r.Site, URL: r.URL, Kind: r.Kind, Depth: r.Depth, Title: r.Title, Referer: r.Referer,
			Scope: r.Scope, State: r.State, Attempts: r.Attempts, NextTry: r.NextTry, Err: r.Err}
	}
	return out, nil
}

// SaveItem implements State (queued).
func (s *StoreState) SaveItem(_ context.Context, it Item) error {
	row := toRow(it)
	return s.enqueue(func(ctx context.Context, w store.CrawlTx) error { return w.UpdateFrontier(ctx, row) })
}

// LastFetch implements State. It does not flush: a URL's earlier fetches were committed by an
// earlier run (a run fetches a URL once).
func (s *StoreState) LastFetch(ctx context.Context, url string) (FetchInfo, bool, error) {
	f, anyProc, ok, err := s.St.LastFetch(ctx, url)
	if err != nil || !ok {
		return FetchInfo{}, false, err
	}
	return FetchInfo{ETag: f.ETag, LastModified: f.LastModified, SHA256: f.SHA256, Processed: f.Processed, AnyProcessed: anyProc}, true, nil
}

// MarkProcessed implements State (queued, after the fetch record it marks).
func (s *StoreState) MarkProcessed(_ context.Context, url, sha string) error {
	return s.enqueue(func(ctx context.Context, w store.CrawlTx) error { return w.MarkFetchProcessed(ctx, url, sha) })
}

// LoadHost implements fetch.HostStore.
func (s *StoreState) LoadHost(ctx context.Context, host string) (fetch.HostState, bool, error) {
	if err := s.Flush(); err != nil {
		return fetch.HostState{}, false, err
	}
	h, ok, err := s.St.Host(ctx, host)
	return fetch.HostState{Host: h.Host, Robots: h.Robots, RobotsStatus: h.RobotsStatus, RobotsExpires: h.RobotsExpires,
		CrawlDelay: h.CrawlDelay, NextAllowed: h.NextAllowed, BlockedReason: h.BlockedReason}, ok, err
}

// SaveHost implements fetch.HostStore (queued).
func (s *StoreState) SaveHost(_ context.Context, h fetch.HostState) error {
	row := store.HostRow{Host: h.Host, Robots: h.Robots, RobotsStatus: h.RobotsStatus, RobotsExpires: h.RobotsExpires,
		CrawlDelay: h.CrawlDelay, NextAllowed: h.NextAllowed, BlockedReason: h.BlockedReason}
	return s.enqueue(func(ctx context.Context, w store.CrawlTx) error { return w.SaveHost(ctx, row) })
}

// RecordFetch implements fetch.Recorder (queued).
func (s *StoreState) RecordFetch(_ context.Context, r fetch.Record) error {
	row := store.FetchRow{URL: r.URL, FinalURL: r.FinalURL, Method: r.Method, Kind: r.Kind.String(),
		Status: r.Status, ContentType: r.ContentType, ETag: r.ETag, LastModified: r.LastModified, SHA256: r.SHA256,
		Size: r.Size, Truncated: r.Truncated, FetchedAt: r.FetchedAt, Error: r.Err}
	return s.enqueue(func(ctx context.Context, w store.CrawlTx) error { return w.AddFetch(ctx, row) })
}
