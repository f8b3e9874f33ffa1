package crawl

import (
	"context"
	"sync"

	"github.com/ogireports/ogireports/internal/fetch"
	"github.com/ogireports/ogireports/internal/store"
)

// StoreState is the State of a crawl kept in the SQLite store; it is also the fetcher's
// HostStore and Recorder, so politeness state and the fetch log live in the same database.
// Its statements are serialised by a Go mutex: hundreds of site goroutines queueing on SQLite's
// own lock would sleep in its busy handler (milliseconds each) and cap the crawl's rate.
type StoreState struct {
	St *store.Store
	mu *sync.Mutex
}

// NewStoreState returns the StoreState of st (and keeps a few idle connections in its pool).
func NewStoreState(st *store.Store) *StoreState {
	st.KeepConns(8)
	return &StoreState{St: st, mu: &sync.Mutex{}}
}

func (s *StoreState) lock() func() {
	s.mu.Lock()
	return s.mu.Unlock
}

var (
	_ State           = (*StoreState)(nil)
	_ fetch.HostStore = (*StoreState)(nil)
	_ fetch.Recorder  = (*StoreState)(nil)
)

// Complete implements State.
func (s *StoreState) Complete(ctx context.Context, it Item, found []Item) error {
	defer s.lock()()
	rows := make([]store.FrontierItem, len(found))
	for i, f := range found {
		rows[i] = toRow(f)
	}
	done := toRow(it)
	_, err := s.St.CompleteFrontier(ctx, &done, rows)
	return err
}

// BeginRun implements State.
func (s *StoreState) BeginRun(ctx context.Context) (int64, bool, error) {
	defer s.lock()()
	return s.St.BeginCrawlRun(ctx)
}

// FinishRun implements State.
func (s *StoreState) FinishRun(ctx context.Context, run int64) error {
	defer s.lock()()
	return s.St.FinishCrawlRun(ctx, run)
}

// LoadSite implements State.
func (s *StoreState) LoadSite(ctx context.Context, code string) (SiteRecord, bool, error) {
	defer s.lock()()
	r, ok, err := s.St.CrawlSite(ctx, code)
	return SiteRecord{Code: r.Code, Name: r.Name, URL: r.URL, Run: r.RunID, State: r.State, Reason: r.Reason,
		ColumnURL: r.ColumnURL, Pages: r.Pages, Reports: r.Reports, UpdatedAt: r.UpdatedAt}, ok, err
}

// SaveSite implements State.
func (s *StoreState) SaveSite(ctx context.Context, r SiteRecord) error {
	defer s.lock()()
	return s.St.SaveCrawlSite(ctx, store.CrawlSite{Code: r.Code, Name: r.Name, URL: r.URL, RunID: r.Run, State: r.State,
		Reason: r.Reason, ColumnURL: r.ColumnURL, Pages: r.Pages, Reports: r.Reports, UpdatedAt: r.UpdatedAt})
}

// ResetFrontier implements State.
func (s *StoreState) ResetFrontier(ctx context.Context, site string) error {
	defer s.lock()()
	return s.St.ResetFrontier(ctx, site)
}

func toRow(it Item) store.FrontierItem {
	return store.FrontierItem{ID: it.ID, Site: it.Site, URL: it.URL, Kind: it.Kind, Depth: it.Depth, Title: it.Title,
		Referer: it.Referer, Scope: it.Scope, State: it.State, Attempts: it.Attempts, NextTry: it.NextTry, Err: it.Err}
}

// AddItems implements State.
func (s *StoreState) AddItems(ctx context.Context, items []Item) (int, error) {
	defer s.lock()()
	rows := make([]store.FrontierItem, len(items))
	for i, it := range items {
		rows[i] = toRow(it)
	}
	return s.St.AddFrontier(ctx, rows)
}

// PendingItems implements State.
func (s *StoreState) PendingItems(ctx context.Context, site string, limit int) ([]Item, error) {
	defer s.lock()()
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

// SaveItem implements State.
func (s *StoreState) SaveItem(ctx context.Context, it Item) error {
	defer s.lock()()
	return s.St.UpdateFrontier(ctx, toRow(it))
}

// LastFetch implements State.
func (s *StoreState) LastFetch(ctx context.Context, url string) (FetchInfo, bool, error) {
	defer s.lock()()
	f, anyProc, ok, err := s.St.LastFetch(ctx, url)
	if err != nil || !ok {
		return FetchInfo{}, false, err
	}
	return FetchInfo{ETag: f.ETag, LastModified: f.LastModified, SHA256: f.SHA256, Processed: f.Processed, AnyProcessed: anyProc}, true, nil
}

// MarkProcessed implements State.
func (s *StoreState) MarkProcessed(ctx context.Context, url, sha string) error {
	defer s.lock()()
	return s.St.MarkFetchProcessed(ctx, url, sha)
}

// LoadHost implements fetch.HostStore.
func (s *StoreState) LoadHost(ctx context.Context, host string) (fetch.HostState, bool, error) {
	defer s.lock()()
	h, ok, err := s.St.Host(ctx, host)
	return fetch.HostState{Host: h.Host, Robots: h.Robots, RobotsStatus: h.RobotsStatus, RobotsExpires: h.RobotsExpires,
		CrawlDelay: h.CrawlDelay, NextAllowed: h.NextAllowed, BlockedReason: h.BlockedReason}, ok, err
}

// SaveHost implements fetch.HostStore.
func (s *StoreState) SaveHost(ctx context.Context, h fetch.HostState) error {
	defer s.lock()()
	return s.St.SaveHost(ctx, store.HostRow{Host: h.Host, Robots: h.Robots, RobotsStatus: h.RobotsStatus, RobotsExpires: h.RobotsExpires,
		CrawlDelay: h.CrawlDelay, NextAllowed: h.NextAllowed, BlockedReason: h.BlockedReason})
}

// RecordFetch implements fetch.Recorder.
func (s *StoreState) RecordFetch(ctx context.Context, r fetch.Record) error {
	defer s.lock()()
	return s.St.AddFetch(ctx, store.FetchRow{URL: r.URL, FinalURL: r.FinalURL, Method: r.Method, Kind: r.Kind.String(),
		Status: r.Status, ContentType: r.ContentType, ETag: r.ETag, LastModified: r.LastModified, SHA256: r.SHA256,
		Size: r.Size, Truncated: r.Truncated, FetchedAt: r.FetchedAt, Error: r.Err})
}
