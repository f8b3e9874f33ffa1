package crawl

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ogireports/ogireports/internal/fetch"
)

// Site is one registry entry (data/sites.csv).
type Site struct {
	Code, Name, URL   string
	Level, ParentCode string
}

// Site states.
const (
	SiteRunning = "running"
	SiteDone    = "done"
	SiteRobots  = "robots"  // robots.txt disallows the paths needed: recorded, never crawled
	SiteBlocked = "blocked" // 403 or captcha/WAF: stopped for this run
	SiteFailed  = "failed"
)

// SiteRecord is a site's row in the sites table.
type SiteRecord struct {
	Code, Name, URL string
	Run             int64
	State, Reason   string
	ColumnURL       string
	Pages, Reports  int
	UpdatedAt       time.Time
}

// Item kinds.
const (
	KindHub        = "hub"        // root or a 信息公开 section page: look for the 年报 column
	KindList       = "list"       // a list page of the 年报 column (HTML, datastore XML)
	KindGkmlpt     = "gkmlpt"     // a gkmlpt index shell: read its SID
	KindAPI        = "api"        // a gkmlpt JSON API page
	KindDetail     = "detail"     // an item page, a report candidate
	KindAttachment = "attachment" // a file linked from a report page
)

// Item states.
const (
	ItemPending = "pending"
	ItemDone    = "done"
	ItemFailed  = "failed"
	ItemSkipped = "skipped"
)

// Item is a frontier row: a URL to fetch for a site.
type Item struct {
	ID       int64
	Site     string
	URL      string
	Kind     string
	Depth    int
	Title    string
	Referer  string
	Scope    string
	State    string
	Attempts int
	NextTry  time.Time
	Err      string
}

// FetchInfo is what the last successful fetch of a URL left: validators, digest, and whether
// that body went through the pipeline.
type FetchInfo struct {
	ETag, LastModified, SHA256 string
	// Processed: this body went through the pipeline; AnyProcessed: some body of the URL did.
	Processed, AnyProcessed bool
}

// State is the crawl's persistent state (the store's crawl_runs, sites, frontier and fetches
// tables). The frontier is keyed by (site, url): AddItems ignores URLs already there.
type State interface {
	BeginRun(ctx context.Context) (run int64, resumed bool, err error)
	FinishRun(ctx context.Context, run int64) error
	LoadSite(ctx context.Context, code string) (SiteRecord, bool, error)
	SaveSite(ctx context.Context, r SiteRecord) error
	ResetFrontier(ctx context.Context, site string) error
	AddItems(ctx context.Context, items []Item) (added int, err error)
	PendingItems(ctx context.Context, site string, limit int) ([]Item, error)
	SaveItem(ctx context.Context, it Item) error
	// Complete saves a worked item, adds the items it found and saves the site's record
	// (its counters), atomically.
	Complete(ctx context.Context, it Item, found []Item, site SiteRecord) error
	LastFetch(ctx context.Context, url string) (FetchInfo, bool, error)
	MarkProcessed(ctx context.Context, url, sha string) error
}

// MemState is an in-memory State for tests and dry runs.
type MemState struct {
	mu        sync.Mutex
	run       int64
	finished  bool
	sites     map[string]SiteRecord
	items     map[string]map[string]*Item
	nextID    int64
	fetches   map[string]FetchInfo
	processed map[string]bool
}

// NewMemState returns an empty MemState.
func NewMemState() *MemState {
	return &MemState{finished: true, sites: map[string]SiteRecord{}, items: map[string]map[string]*Item{},
		fetches: map[string]FetchInfo{}, processed: map[string]bool{}}
}

// BeginRun implements State.
func (m *MemState) BeginRun(context.Context) (int64, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.finished {
		return m.run, true, nil
	}
	m.run++
	m.finished = false
	return m.run, false, nil
}

// FinishRun implements State.
func (m *MemState) FinishRun(context.Context, int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.finished = true
	return nil
}

// LoadSite implements State.
func (m *MemState) LoadSite(_ context.Context, code string) (SiteRecord, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.sites[code]
	return r, ok, nil
}

// SaveSite implements State.
func (m *MemState) SaveSite(_ context.Context, r SiteRecord) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sites[r.Code] = r
	return nil
}

// ResetFrontier implements State.
func (m *MemState) ResetFrontier(_ context.Context, site string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.items, site)
	return nil
}

// AddItems implements State.
func (m *MemState) AddItems(_ context.Context, items []Item) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, it := range items {
		s := m.items[it.Site]
		if s == nil {
			s = map[string]*Item{}
			m.items[it.Site] = s
		}
		if _, ok := s[it.URL]; ok {
			continue
		}
		m.nextID++
		c := it
		c.ID = m.nextID
		if c.State == "" {
			c.State = ItemPending
		}
		s[it.URL] = &c
		n++
	}
	return n, nil
}

// PendingItems implements State.
func (m *MemState) PendingItems(_ context.Context, site string, limit int) ([]Item, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Item
	for _, it := range m.items[site] {
		if it.State == ItemPending {
			out = append(out, *it)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// SaveItem implements State.
func (m *MemState) SaveItem(_ context.Context, it Item) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if s := m.items[it.Site]; s != nil {
		if cur, ok := s[it.URL]; ok {
			c := it
			c.ID = cur.ID
			s[it.URL] = &c
		}
	}
	return nil
}

// Complete implements State.
func (m *MemState) Complete(ctx context.Context, it Item, found []Item, site SiteRecord) error {
	if _, err := m.AddItems(ctx, found); err != nil {
		return err
	}
	if err := m.SaveSite(ctx, site); err != nil {
		return err
	}
	return m.SaveItem(ctx, it)
}

// Items returns every frontier item of a site (tests).
func (m *MemState) Items(site string) []Item {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Item
	for _, it := range m.items[site] {
		out = append(out, *it)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// SetFetch records a fetch's validators (the fetch.Recorder side of MemState).
func (m *MemState) SetFetch(url string, fi FetchInfo) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fetches[url] = fi
}

// LastFetch implements State.
func (m *MemState) LastFetch(_ context.Context, url string) (FetchInfo, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fi, ok := m.fetches[url]
	if ok {
		fi.Processed = m.processed[url+" "+fi.SHA256]
		for k := range m.processed {
			if strings.HasPrefix(k, url+" ") {
				fi.AnyProcessed = true
			}
		}
	}
	return fi, ok, nil
}

// MarkProcessed implements State.
func (m *MemState) MarkProcessed(_ context.Context, url, sha string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.processed[url+" "+sha] = true
	return nil
}

// RecordFetch implements fetch.Recorder: successful answers become the URL's FetchInfo.
func (m *MemState) RecordFetch(_ context.Context, r fetch.Record) error {
	if r.Err != "" || r.Status != 200 || r.Truncated {
		return nil
	}
	m.SetFetch(r.URL, FetchInfo{ETag: r.ETag, LastModified: r.LastModified, SHA256: r.SHA256})
	return nil
}
