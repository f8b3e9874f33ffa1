// Package crawl owns discovery: finding the 年报 column of a government site from its root
// by link text and URL shape, walking its list pages in every pagination style of
// ../shared/spec/sites.md (createPageHTML/countPage static pages, Hanweb <datastore> with
// dataproxy.jsp groups, the gkmlpt JSON API, VSB count-down pages, query-string pages, plain
// 下一页 links) and its year or unit sub-columns, classifying items, following report pages
// and their attachments, and the persistent frontier that makes a crawl resumable. HTTP and
// politeness are internal/fetch's; extraction is the pipeline's, reached via Processor.
package crawl

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/url"
	"path"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/ogireports/ogireports/internal/fetch"
)

// Document is one report candidate handed to the pipeline.
type Document struct {
	Data        []byte
	Name        string // a file name: the title plus the format's extension
	Title       string
	Source      string // the URL
	ContentType string
	SeenAt      time.Time
	Site        string // registry code
	// Parts are the pictures of a report page, fetched with it (see pipeline.Input.Parts).
	Parts []Part
}

// Part is one picture of a report page: its bytes, or why it could not be fetched.
type Part struct {
	URL         string
	Data        []byte
	ContentType string
	// Err is the fetch error ("" when Data holds the picture).
	Err string

	sha string
}

// Outcome is what the pipeline made of a Document.
type Outcome struct {
	// Report is true when the document is stored as a report.
	Report bool
	// NewBytes is true when these bytes were never seen before. The crawler counts a report
	// with new bytes as changed when its URL had been processed before, else as new.
	NewBytes bool
}

// Processor extracts and stores a document (pipeline.Process behind an adapter).
type Processor interface {
	Process(ctx context.Context, d Document) (Outcome, error)
}

// ProcessorFunc adapts a function to Processor.
type ProcessorFunc func(ctx context.Context, d Document) (Outcome, error)

// Process implements Processor.
func (f ProcessorFunc) Process(ctx context.Context, d Document) (Outcome, error) { return f(ctx, d) }

// Config holds the crawl's limits.
type Config struct {
	// Hosts is the number of sites crawled at once (each site's requests are sequential).
	Hosts int
	// PageBudget is the trap guard: at most this many fetches per site per run.
	PageBudget int
	// MaxHubDepth bounds the levels searched from the root for the 年报 column.
	MaxHubDepth int
	// MaxListDepth bounds nested year/unit sub-columns below a column.
	MaxListDepth int
	// MaxWait is the longest a site waits for a retry-later item before giving it up.
	MaxWait time.Duration
	// ProgressEvery is the interval of Progress calls (0: never).
	ProgressEvery time.Duration
	// Progress receives the running summary.
	Progress func(Summary)
}

// DefaultConfig returns 64 sites at once, a budget of 2000 pages per site, 3 hub levels, 4
// sub-column levels, 10 minutes of patience for Retry-After.
func DefaultConfig() Config {
	return Config{Hosts: 64, PageBudget: 2000, MaxHubDepth: 3, MaxListDepth: 4, MaxWait: 10 * time.Minute}
}

// Summary is the crawl's tally.
type Summary struct {
	Sites, SitesDone, SitesRobots, SitesBlocked, SitesFailed int
	Pages                                                    int // fetches made
	Reports                                                  int // report items found (pages and their files)
	New, Changed, Unchanged                                  int // pipeline outcomes; Unchanged: 304 or same hash, not re-extracted
	Errors                                                   map[string]int
	Resumed                                                  bool
	Elapsed                                                  time.Duration
}

// String renders the end-of-crawl summary line.
func (s Summary) String() string {
	var kinds []string
	for k, n := range s.Errors {
		kinds = append(kinds, fmt.Sprintf("%s=%d", k, n))
	}
	sortStrings(kinds)
	return fmt.Sprintf("sites %d: done %d, skipped by robots %d, blocked %d, failed %d; pages %d; reports found %d, new %d, changed %d, unchanged %d; errors: %s; %s",
		s.Sites, s.SitesDone, s.SitesRobots, s.SitesBlocked, s.SitesFailed, s.Pages, s.Reports, s.New, s.Changed, s.Unchanged,
		strings.Join(kinds, " "), s.Elapsed.Round(time.Millisecond))
}

// Crawler crawls registry sites.
type Crawler struct {
	cfg     Config
	f       *fetch.Fetcher
	st      State
	proc    Processor
	archive *fetch.Archive
	log     *slog.Logger

	mu  sync.Mutex
	sum Summary
}

// New returns a Crawler. archive is where the fetcher archives bodies (304 answers are
// served from it); proc may be nil (nothing extracted).
func New(cfg Config, f *fetch.Fetcher, st State, archive *fetch.Archive, proc Processor, log *slog.Logger) *Crawler {
	d := DefaultConfig()
	if cfg.Hosts <= 0 {
		cfg.Hosts = d.Hosts
	}
	if cfg.PageBudget <= 0 {
		cfg.PageBudget = d.PageBudget
	}
	if cfg.MaxHubDepth <= 0 {
		cfg.MaxHubDepth = d.MaxHubDepth
	}
	if cfg.MaxListDepth <= 0 {
		cfg.MaxListDepth = d.MaxListDepth
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = d.MaxWait
	}
	if log == nil {
		log = slog.Default()
	}
	return &Crawler{cfg: cfg, f: f, st: st, proc: proc, archive: archive, log: log}
}

// Run crawls every site (resuming an unfinished run of the state) and returns the summary.
// It returns early with ctx's error when ctx ends; the state then holds an unfinished run
// that the next Run continues.
func (c *Crawler) Run(ctx context.Context, sites []Site) (Summary, error) {
	start := time.Now()
	run, resumed, err := c.st.BeginRun(ctx)
	if err != nil {
		return Summary{}, fmt.Errorf("crawl: begin run: %w", err)
	}
	c.mu.Lock()
	c.sum = Summary{Sites: len(sites), Errors: map[string]int{}, Resumed: resumed}
	c.mu.Unlock()
	c.log.Info("crawl started", "run", run, "resumed", resumed, "sites", len(sites), "parallel", c.cfg.Hosts)

	jobs := make(chan Site)
	var wg sync.WaitGroup
	for i := 0; i < c.cfg.Hosts; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range jobs {
				rec := c.crawlSite(ctx, run, s)
				c.mu.Lock()
				switch rec.State {
				case SiteDone:
					c.sum.SitesDone++
				case SiteRobots:
					c.sum.SitesRobots++
				case SiteBlocked:
					c.sum.SitesBlocked++
				case SiteFailed:
					c.sum.SitesFailed++
				}
				c.mu.Unlock()
			}
		}()
	}
	stopProgress := c.progressLoop(ctx, start)
feed:
	for _, s := range sites {
		select {
		case jobs <- s:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	stopProgress()
	sum := c.Summary()
	sum.Elapsed = time.Since(start)
	if ctx.Err() != nil {
		return sum, fmt.Errorf("crawl: %w", ctx.Err())
	}
	if err := c.st.FinishRun(ctx, run); err != nil {
		return sum, fmt.Errorf("crawl: finish run: %w", err)
	}
	c.log.Info("crawl finished", "summary", sum.String())
	return sum, nil
}

// Summary returns a copy of the running tally.
func (c *Crawler) Summary() Summary {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.sum
	s.Errors = map[string]int{}
	for k, v := range c.sum.Errors {
		s.Errors[k] = v
	}
	return s
}

func (c *Crawler) progressLoop(ctx context.Context, start time.Time) func() {
	if c.cfg.Progress == nil || c.cfg.ProgressEvery <= 0 {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(c.cfg.ProgressEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				s := c.Summary()
				s.Elapsed = time.Since(start)
				c.cfg.Progress(s)
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

func (c *Crawler) count(f func(s *Summary)) {
	c.mu.Lock()
	f(&c.sum)
	c.mu.Unlock()
}

// siteRun is the per-site state of one crawl.
type siteRun struct {
	rec        SiteRecord
	root       *url.URL
	hosts      map[string]bool
	robotsSkip int
	stop       error
}

var errStopSite = errors.New("site stopped")

// crawlSite crawls one site to the end of its frontier and returns its final record.
func (c *Crawler) crawlSite(ctx context.Context, run int64, s Site) SiteRecord {
	log := c.log.With("site", s.Code)
	rec, ok, err := c.st.LoadSite(ctx, s.Code)
	if err != nil {
		log.Error("load site", "err", err)
		return SiteRecord{Code: s.Code, State: SiteFailed, Reason: err.Error()}
	}
	if ok && rec.Run == run && rec.State != SiteRunning {
		return rec // finished earlier in this (resumed) run
	}
	root := Normalize(&url.URL{}, s.URL, false)
	if root == nil {
		rec = SiteRecord{Code: s.Code, Name: s.Name, URL: s.URL, Run: run, State: SiteFailed, Reason: "bad url"}
		c.saveSite(ctx, rec)
		return rec
	}
	sr := &siteRun{root: root, hosts: map[string]bool{root.Host: true}}
	defer func() {
		for h := range sr.hosts {
			c.f.Forget(h)
		}
	}()
	if !ok || rec.Run != run {
		if err := c.st.ResetFrontier(ctx, s.Code); err != nil {
			log.Error("reset frontier", "err", err)
		}
		rec = SiteRecord{Code: s.Code, Name: s.Name, URL: root.String(), Run: run, State: SiteRunning}
		if _, err := c.st.AddItems(ctx, []Item{{Site: s.Code, URL: root.String(), Kind: KindHub, Scope: Scope(root)}}); err != nil {
			log.Error("seed frontier", "err", err)
		}
		c.saveSite(ctx, rec)
	}
	sr.rec = rec
	allowed, err := c.f.Allowed(ctx, root.String())
	if err != nil && ctx.Err() != nil {
		return sr.rec
	}
	if err == nil && !allowed {
		sr.rec.State, sr.rec.Reason = SiteRobots, "robots.txt disallows "+root.Path
		log.Info("site skipped by robots.txt", "url", root.String())
		c.saveSite(ctx, sr.rec)
		return sr.rec
	}
	c.loop(ctx, sr, log)
	if ctx.Err() != nil {
		c.saveSite(context.WithoutCancel(ctx), sr.rec)
		return sr.rec
	}
	switch {
	case errors.Is(sr.stop, fetch.ErrBlocked):
		sr.rec.State, sr.rec.Reason = SiteBlocked, sr.stop.Error()
	case sr.rec.Reports == 0 && sr.robotsSkip > 0:
		sr.rec.State, sr.rec.Reason = SiteRobots, fmt.Sprintf("robots.txt disallows %d needed pages", sr.robotsSkip)
	case sr.rec.Pages == 0 || sr.stop != nil:
		sr.rec.State = SiteFailed
		if sr.stop != nil {
			sr.rec.Reason = sr.stop.Error()
		}
	default:
		sr.rec.State = SiteDone
	}
	c.saveSite(ctx, sr.rec)
	log.Debug("site finished", "state", sr.rec.State, "pages", sr.rec.Pages, "reports", sr.rec.Reports, "reason", sr.rec.Reason)
	return sr.rec
}

func (c *Crawler) saveSite(ctx context.Context, r SiteRecord) {
	r.UpdatedAt = time.Now()
	if err := c.st.SaveSite(ctx, r); err != nil {
		c.log.Error("save site", "site", r.Code, "err", err)
	}
}

// loop works the site's frontier until it is empty, the budget is spent or the site stops.
func (c *Crawler) loop(ctx context.Context, sr *siteRun, log *slog.Logger) {
	for ctx.Err() == nil {
		items, err := c.st.PendingItems(ctx, sr.rec.Code, 64)
		if err != nil {
			log.Error("pending items", "err", err)
			sr.stop = err
			return
		}
		if len(items) == 0 {
			return
		}
		worked := false
		var soonest time.Time
		for _, it := range items {
			if ctx.Err() != nil {
				return
			}
			if now := time.Now(); it.NextTry.After(now) {
				if it.NextTry.Sub(now) > c.cfg.MaxWait {
					it.State, it.Err = ItemFailed, "retry_later: wait too long"
					c.saveItem(ctx, it)
					worked = true
				} else if soonest.IsZero() || it.NextTry.Before(soonest) {
					soonest = it.NextTry
				}
				continue
			}
			if sr.rec.Pages >= c.cfg.PageBudget {
				sr.rec.Reason = fmt.Sprintf("page budget of %d reached", c.cfg.PageBudget)
				log.Warn("page budget reached", "budget", c.cfg.PageBudget)
				c.count(func(s *Summary) { s.Errors["budget"]++ })
				return
			}
			c.work(ctx, sr, it, log)
			worked = true
			if sr.stop != nil {
				return
			}
		}
		if !worked && !soonest.IsZero() {
			t := time.NewTimer(time.Until(soonest))
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
	}
}

func (c *Crawler) saveItem(ctx context.Context, it Item) {
	if err := c.st.SaveItem(context.WithoutCancel(ctx), it); err != nil {
		c.log.Error("save item", "url", it.URL, "err", err)
	}
}

// work fetches one frontier item, handles it by kind, adds what it found and marks it done.
func (c *Crawler) work(ctx context.Context, sr *siteRun, it Item, log *slog.Logger) {
	u, err := url.Parse(it.URL)
	if err != nil {
		it.State, it.Err = ItemFailed, "bad url"
		c.saveItem(ctx, it)
		return
	}
	sr.hosts[u.Host] = true
	kind := fetch.KindPage
	if it.Kind == KindAttachment {
		kind = fetch.KindAttachment
	}
	got, err := c.fetchURL(ctx, sr, it.URL, kind, it.Referer, log)
	if ctx.Err() != nil {
		return // the item stays pending; a resumed run fetches it again
	}
	if err != nil {
		c.failed(ctx, sr, it, err, log)
		return
	}
	resp, body, sha, fi, have := got.resp, got.body, got.sha, got.fi, got.have
	unchanged := have && fi.Processed && sha == fi.SHA256
	final := u
	if fu, err := url.Parse(resp.FinalURL); err == nil && resp.FinalURL != "" {
		final = fu
		if it.Kind == KindGkmlpt {
			final.Fragment = u.Fragment
		}
	}
	h := handled{it: it, u: final, body: body, sha: sha, ct: resp.ContentType, unchanged: unchanged, anyProcessed: fi.AnyProcessed, seen: resp.FetchedAt}
	var children []Item
	switch it.Kind {
	case KindHub:
		children, err = c.hub(sr, h)
	case KindList:
		children, err = c.list(sr, h)
	case KindAPI:
		children, err = c.api(sr, h)
	case KindGkmlpt:
		children, err = c.gkmlpt(sr, h)
	case KindDetail:
		children, err = c.detail(ctx, sr, h)
	case KindAttachment:
		err = c.attachment(ctx, sr, h)
	}
	if ctx.Err() != nil {
		return // stopped while handling (--max-runtime, signal): the item stays pending
	}
	var rl *fetch.RetryLaterError
	if err != nil && (errors.As(err, &rl) || fetch.ErrorKind(err) == "blocked") {
		// A picture of the page asked us to come back later, or the site blocked us while
		// fetching it: the page item is retried (or the site stopped) as for its own fetch.
		c.failed(ctx, sr, it, err, log)
		return
	}
	if err != nil {
		log.Warn("handle", "url", it.URL, "kind", it.Kind, "err", err)
		c.count(func(s *Summary) { s.Errors["handle"]++ })
	}
	children = dedupe(children)
	for i := range children {
		children[i].Site = sr.rec.Code
	}
	it.State, it.Err = ItemDone, ""
	if err != nil {
		it.Err = err.Error()
	}
	sr.rec.UpdatedAt = time.Now()
	if err := c.st.Complete(context.WithoutCancel(ctx), it, children, sr.rec); err != nil {
		log.Error("complete item", "url", it.URL, "err", err)
		sr.stop = err
	}
}

// fetched is one fetched body with what the crawl state knew of its URL before.
type fetched struct {
	resp *fetch.Response
	// body and sha are the response's, or the archived ones after a 304.
	body []byte
	sha  string
	// fi is the URL's last fetch before this one (have is false when there was none).
	fi   FetchInfo
	have bool
}

// fetchURL fetches one URL of a site, conditionally when the archive still holds its last body
// (a 304 then returns the archived body), and counts it against the site's page budget.
func (c *Crawler) fetchURL(ctx context.Context, sr *siteRun, rawURL string, kind fetch.Kind, referer string, log *slog.Logger) (fetched, error) {
	req := fetch.Request{URL: rawURL, Kind: kind, Referer: referer,
		AllowURL: func(n *url.URL) bool { return SameSite(sr.root, n) }}
	fi, have, err := c.st.LastFetch(ctx, rawURL)
	if err != nil {
		log.Warn("last fetch", "url", rawURL, "err", err)
	}
	if have && fi.SHA256 != "" && c.archived(fi.SHA256) {
		req.ETag, req.LastModified = fi.ETag, fi.LastModified
	}
	resp, err := c.f.Fetch(ctx, req)
	if ctx.Err() != nil {
		return fetched{}, ctx.Err()
	}
	sr.rec.Pages++
	c.count(func(s *Summary) { s.Pages++ })
	if err != nil {
		return fetched{}, err
	}
	got := fetched{resp: resp, body: resp.Body, sha: resp.SHA256, fi: fi, have: have}
	if resp.NotModified {
		got.body, err = c.archive.Get(fi.SHA256)
		if err != nil {
			log.Warn("304 but archive lost; refetching", "url", rawURL, "err", err)
			req.ETag, req.LastModified = "", ""
			if resp, err = c.f.Fetch(ctx, req); err != nil {
				return fetched{}, err
			}
			got.resp, got.body, got.sha = resp, resp.Body, resp.SHA256
		} else {
			got.sha = fi.SHA256
		}
	}
	return got, nil
}

// archived reports whether the archive still holds a digest.
func (c *Crawler) archived(sha string) bool {
	if c.archive == nil {
		return false
	}
	_, err := c.archive.Get(sha)
	return err == nil
}

func (c *Crawler) failed(ctx context.Context, sr *siteRun, it Item, err error, log *slog.Logger) {
	kind := fetch.ErrorKind(err)
	c.count(func(s *Summary) { s.Errors[kind]++ })
	var rl *fetch.RetryLaterError
	switch {
	case errors.As(err, &rl) && it.Attempts < 5:
		it.Attempts++
		it.NextTry = rl.Until
		it.Err = err.Error()
		c.complete(ctx, sr, it)
		return
	case kind == "robots":
		it.State = ItemSkipped
		if it.Kind != KindDetail && it.Kind != KindAttachment || sr.rec.Reports == 0 {
			sr.robotsSkip++
		}
	case kind == "offsite":
		it.State = ItemSkipped
	case kind == "blocked":
		it.State = ItemFailed
		sr.stop = err
	default:
		it.State = ItemFailed
	}
	it.Attempts++
	it.Err = err.Error()
	log.Debug("fetch failed", "url", it.URL, "kind", kind, "err", err)
	c.complete(ctx, sr, it)
}

// complete saves a worked item together with the site's counters.
func (c *Crawler) complete(ctx context.Context, sr *siteRun, it Item) {
	sr.rec.UpdatedAt = time.Now()
	if err := c.st.Complete(context.WithoutCancel(ctx), it, nil, sr.rec); err != nil {
		c.log.Error("complete item", "url", it.URL, "err", err)
		sr.stop = err
	}
}

// handled is a fetched item ready for its kind's handler.
type handled struct {
	it        Item
	u         *url.URL
	body      []byte
	sha, ct   string
	unchanged bool
	// anyProcessed: some earlier body of this URL went through the pipeline.
	anyProcessed bool
	seen         time.Time
}

func (h handled) page() (*Page, error) {
	text, _ := fetch.Decode(h.body, h.ct)
	return ParsePage(h.u, text)
}

func child(kind string, u *url.URL, depth int, title, referer, scope string) Item {
	return Item{URL: u.String(), Kind: kind, Depth: depth, Title: title, Referer: referer, Scope: scope}
}

// hub looks for the 年报 column (and further 信息公开 levels) on a root or section page. A
// root that is itself a column page is also read as a list.
func (c *Crawler) hub(sr *siteRun, h handled) ([]Item, error) {
	p, err := h.page()
	if err != nil {
		return nil, err
	}
	var out []Item
	hubs := 0
	for _, l := range p.Links {
		if !SameSite(sr.root, l.URL) {
			continue
		}
		switch {
		case isGkmlptIndex(l.URL):
			out = append(out, child(KindGkmlpt, l.URL, h.it.Depth+1, l.Text, h.u.String(), ""))
		case IsColumnLink(l.Text, l.URL):
			if sr.rec.ColumnURL == "" {
				sr.rec.ColumnURL = l.URL.String()
			}
			out = append(out, child(KindList, l.URL, 0, l.Text, h.u.String(), Scope(l.URL)))
		case ClassifyTitle(l.Text) == Report && !IsAttachmentURL(l.URL):
			out = append(out, child(KindDetail, l.URL, h.it.Depth+1, l.Text, h.u.String(), ""))
		case h.it.Depth < c.cfg.MaxHubDepth && hubs < 16 && IsHubLink(l.Text, l.URL):
			hubs++
			out = append(out, child(KindHub, l.URL, h.it.Depth+1, l.Text, h.u.String(), ""))
		}
	}
	if h.it.Depth == 0 && (IsColumnLink(p.Title, h.u) || columnSlugRe.MatchString(h.u.Path)) {
		if sr.rec.ColumnURL == "" {
			sr.rec.ColumnURL = h.u.String()
		}
		more, err := c.listFrom(sr, h, p.Links, p.Pages)
		out = append(out, more...)
		return out, err
	}
	return out, nil
}

func isGkmlptIndex(u *url.URL) bool {
	return strings.HasSuffix(strings.TrimSuffix(u.Path, "/"), "/gkmlpt/index") || strings.HasSuffix(u.Path, "/gkmlpt/")
}

// list reads a list page (HTML or Hanweb datastore XML).
func (c *Crawler) list(sr *siteRun, h handled) ([]Item, error) {
	p, err := h.page()
	if err != nil {
		return nil, err
	}
	return c.listFrom(sr, h, p.Links, p.Pages)
}

// api reads a gkmlpt JSON API page.
func (c *Crawler) api(sr *siteRun, h handled) ([]Item, error) {
	links, pages, err := ParseGkmlpt(h.u, h.body)
	if err != nil {
		return nil, err
	}
	return c.listFrom(sr, h, links, pages)
}

var catRe = regexp.MustCompile(`"?(?:id|catid)"?\s*:\s*"?(\d+)"?\s*,\s*"?name"?\s*:\s*"([^"]+)"`)

// gkmlpt reads a gkmlpt index shell: its SID, and the category from the link's fragment (or
// categories named like the 年报 column in the shell's script data).
func (c *Crawler) gkmlpt(sr *siteRun, h handled) ([]Item, error) {
	text, _ := fetch.Decode(h.body, h.ct)
	p, err := ParsePage(h.u, text)
	if err != nil {
		return nil, err
	}
	if p.SID == "" {
		return nil, fmt.Errorf("gkmlpt %s: no SID in the page", h.u)
	}
	cats := map[string]bool{}
	if f := strings.Trim(h.it.URL[strings.LastIndex(h.it.URL, "#")+1:], "/"); strings.Contains(h.it.URL, "#") && f != "" && isDigits(f) {
		cats[f] = true
	}
	for _, m := range catRe.FindAllStringSubmatch(text, -1) {
		if IsColumnLink(m[2], nil) {
			cats[m[1]] = true
		}
	}
	for _, l := range p.Links {
		if i := strings.LastIndex(l.URL.Fragment, "/"); isGkmlptIndex(l.URL) && IsColumnLink(l.Text, nil) {
			if f := l.URL.Fragment[i+1:]; isDigits(f) {
				cats[f] = true
			}
		}
	}
	var out []Item
	for cat := range cats {
		api := GkmlptAPI(h.u, cat, p.SID)
		out = append(out, child(KindAPI, api, 0, "", h.u.String(), api.Path))
	}
	return out, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// listFrom turns the links and announced pages of a list page into frontier items: pages of
// the same list, year/unit sub-columns, report candidates and directly linked report files.
func (c *Crawler) listFrom(sr *siteRun, h handled, links []Link, pages []*url.URL) ([]Item, error) {
	it := h.it
	scope := it.Scope
	if scope == "" {
		scope = Scope(h.u)
	}
	ref := h.u.String()
	var out []Item
	for _, pu := range pages {
		if SameSite(sr.root, pu) {
			out = append(out, child(KindList, pu, it.Depth, "", ref, scope))
		}
	}
	out = dedupe(out)
	seen := map[string]bool{}
	for _, l := range links {
		if !SameSite(sr.root, l.URL) || l.URL.String() == ref || seen[l.URL.String()] {
			continue
		}
		seen[l.URL.String()] = true
		cls := ClassifyTitle(l.Text)
		switch {
		case IsAttachmentURL(l.URL):
			if cls == Report {
				out = append(out, child(KindAttachment, l.URL, it.Depth+1, l.Text, ref, ""))
			}
		case IsArticleURL(l.URL) || cls == Report && !IsColumnLink(l.Text, l.URL):
			if cls != NotReport && it.Depth+1 <= c.cfg.MaxListDepth+2 {
				out = append(out, child(KindDetail, l.URL, it.Depth+1, l.Text, ref, ""))
			}
		case IsPagerText(l.Text) && (IsPathPage(h.u, l.URL) || IsQueryPage(h.u, l.URL) || strings.HasPrefix(l.URL.Path, scope)):
			out = append(out, child(KindList, l.URL, it.Depth, "", ref, scope))
		case IsQueryPage(h.u, l.URL):
			out = append(out, child(KindList, l.URL, it.Depth, "", ref, scope))
		case it.Depth < c.cfg.MaxListDepth && isSubColumn(l.Text, l.URL, scope, Shape(h.u.Path)):
			out = append(out, child(KindList, l.URL, it.Depth+1, l.Text, ref, Scope(l.URL)))
		case it.Depth < c.cfg.MaxListDepth && IsColumnLink(l.Text, l.URL):
			out = append(out, child(KindList, l.URL, it.Depth+1, l.Text, ref, Scope(l.URL)))
		case isGkmlptIndex(l.URL) && IsColumnLink(l.Text, nil):
			out = append(out, child(KindGkmlpt, l.URL, it.Depth+1, l.Text, ref, ""))
		}
	}
	return out, nil
}

// isHTML reports whether a body is an HTML page rather than a file.
func isHTML(ct string, body []byte) bool {
	mt, _, _ := mime.ParseMediaType(ct)
	if strings.Contains(mt, "html") || strings.Contains(mt, "xml") {
		return true
	}
	if mt != "" && mt != "application/octet-stream" && mt != "text/plain" {
		return false
	}
	head := strings.ToLower(string(body[:min(len(body), 512)]))
	return strings.Contains(head, "<html") || strings.Contains(head, "<!doctype html") || strings.Contains(head, "<head")
}

var iconRe = regexp.MustCompile(`(?i)(icon|logo|print|share|close|erweima|qrcode|weixin|wechat|arrow|button|btn|banner|/images?/common|spacer|blank)`)

// detail handles an item page: a report (by its list title, or by the page's own title when
// the list title said nothing) goes to the pipeline unless unchanged, and its attachments
// and further report links are followed.
func (c *Crawler) detail(ctx context.Context, sr *siteRun, h handled) ([]Item, error) {
	if !isHTML(h.ct, h.body) { // the link led straight to a file
		if ClassifyTitle(h.it.Title) == Report {
			return nil, c.attachment(ctx, sr, h)
		}
		return nil, nil
	}
	p, err := h.page()
	if err != nil {
		return nil, err
	}
	cls := ClassifyTitle(h.it.Title)
	title := h.it.Title
	if cls == Unknown {
		cls = ClassifyTitle(p.Title)
		title = p.Title
	}
	if cls != Report {
		return nil, nil
	}
	sr.rec.Reports++
	c.count(func(s *Summary) { s.Reports++ })
	// The pictures of the page body are fetched with it and read as parts of the page: a report
	// whose tables are printed as images is one document (title, agency and year from the page,
	// tables from the pictures), not a page without tables and loose pictures.
	parts, partsChanged, err := c.fetchParts(ctx, sr, h, pictures(sr, p))
	if err != nil {
		return nil, err
	}
	if partsChanged {
		h.unchanged = false
	}
	if err := c.processParts(ctx, sr, h, title, ".html", parts); err != nil {
		return nil, err
	}
	ref := h.u.String()
	var out []Item
	seen := map[string]bool{}
	add := func(l Link) {
		k := l.URL.String()
		if seen[k] || !SameSite(sr.root, l.URL) || ClassifyTitle(l.Text) == NotReport {
			return
		}
		seen[k] = true
		t := l.Text
		if t == "" || ClassifyTitle(t) == Unknown {
			t = title
		}
		out = append(out, child(KindAttachment, l.URL, h.it.Depth+1, t, ref, ""))
	}
	for _, l := range p.Body {
		if !l.Img && IsAttachmentURL(l.URL) {
			add(l)
		}
	}
	for _, l := range p.Links {
		switch {
		case IsAttachmentURL(l.URL) && !isImageURL(l.URL):
			add(l)
		case !IsAttachmentURL(l.URL) && ClassifyTitle(l.Text) == Report && IsArticleURL(l.URL) && h.it.Depth < c.cfg.MaxListDepth+2:
			out = append(out, child(KindDetail, l.URL, h.it.Depth+1, l.Text, ref, ""))
		}
	}
	return out, nil
}

// MaxPictures bounds the pictures of one report page fetched as its parts.
const MaxPictures = 24

// pictures returns the pictures of a report page's body that may hold its tables: same-site
// images, not icons, logos, QR codes or buttons (by their path), each once, in page order.
func pictures(sr *siteRun, p *Page) []*url.URL {
	var out []*url.URL
	seen := map[string]bool{}
	for _, l := range p.Body {
		k := l.URL.String()
		if !l.Img || seen[k] || !isImageURL(l.URL) || iconRe.MatchString(l.URL.Path) || !SameSite(sr.root, l.URL) {
			continue
		}
		if ClassifyTitle(l.Text) == NotReport {
			continue // alt text naming something else (a photo caption, 二维码)
		}
		seen[k] = true
		out = append(out, l.URL)
		if len(out) == MaxPictures {
			break
		}
	}
	return out
}

// fetchParts fetches the pictures of a report page, one after the other (the site's one request
// at a time), conditionally when archived. A picture that cannot be fetched becomes a part with
// its error; a retry-later answer or a block is returned, so that the page is retried or the site
// stopped as for the page's own fetch. changed reports a picture whose body was not processed
// before under its URL.
func (c *Crawler) fetchParts(ctx context.Context, sr *siteRun, h handled, pics []*url.URL) (parts []Part, changed bool, err error) {
	for _, u := range pics {
		got, err := c.fetchURL(ctx, sr, u.String(), fetch.KindAttachment, h.u.String(), c.log)
		if ctx.Err() != nil {
			return nil, false, ctx.Err()
		}
		var rl *fetch.RetryLaterError
		switch {
		case err != nil && (errors.As(err, &rl) || fetch.ErrorKind(err) == "blocked"):
			return nil, false, fmt.Errorf("picture %s: %w", u, err)
		case err != nil:
			c.count(func(s *Summary) { s.Errors[fetch.ErrorKind(err)]++ })
			parts = append(parts, Part{URL: u.String(), Err: err.Error()})
			continue
		}
		if !(got.have && got.fi.Processed && got.sha == got.fi.SHA256) {
			changed = true
		}
		parts = append(parts, Part{URL: u.String(), Data: got.body, ContentType: got.resp.ContentType, sha: got.sha})
	}
	return parts, changed, nil
}

// attachment sends a report file to the pipeline unless unchanged.
func (c *Crawler) attachment(ctx context.Context, sr *siteRun, h handled) error {
	if len(h.body) == 0 {
		return nil
	}
	ext := strings.ToLower(path.Ext(h.u.Path))
	if ext == "" || ext == ".jsp" || ext == ".asp" || ext == ".aspx" || ext == ".php" {
		ext = extFromType(h.ct)
	}
	return c.process(ctx, sr, h, h.it.Title, ext)
}

func extFromType(ct string) string {
	mt, _, _ := mime.ParseMediaType(ct)
	switch mt {
	case "application/pdf":
		return ".pdf"
	case "application/msword":
		return ".doc"
	case "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
		return ".docx"
	case "application/vnd.ms-excel":
		return ".xls"
	case "image/png":
		return ".png"
	case "image/jpeg":
		return ".jpg"
	case "text/html":
		return ".html"
	}
	if exts, _ := mime.ExtensionsByType(mt); len(exts) > 0 {
		return exts[0]
	}
	return ""
}

// process hands a body to the pipeline once per (URL, digest).
func (c *Crawler) process(ctx context.Context, sr *siteRun, h handled, title, ext string) error {
	return c.processParts(ctx, sr, h, title, ext, nil)
}

// processParts hands a page and its pictures to the pipeline unless all are unchanged, and
// marks each processed.
func (c *Crawler) processParts(ctx context.Context, sr *siteRun, h handled, title, ext string, parts []Part) error {
	if h.unchanged {
		c.count(func(s *Summary) { s.Unchanged++ })
		return nil
	}
	if c.proc == nil {
		return nil
	}
	name := sanitizeName(title)
	if name == "" {
		name = path.Base(h.u.Path)
	}
	if ext != "" && !strings.HasSuffix(strings.ToLower(name), ext) {
		name += ext
	}
	out, err := c.proc.Process(ctx, Document{Data: h.body, Name: name, Title: title, Source: h.u.String(),
		ContentType: h.ct, SeenAt: h.seen, Site: sr.rec.Code, Parts: parts})
	if err != nil {
		c.count(func(s *Summary) { s.Errors["extract"]++ })
		return fmt.Errorf("process %s: %w", h.it.URL, err)
	}
	c.count(func(s *Summary) {
		switch {
		case !out.Report || !out.NewBytes:
		case h.anyProcessed:
			s.Changed++
		default:
			s.New++
		}
	})
	if h.sha != "" {
		if err := c.st.MarkProcessed(ctx, h.it.URL, h.sha); err != nil {
			return fmt.Errorf("mark processed %s: %w", h.it.URL, err)
		}
	}
	for _, p := range parts {
		if p.sha != "" {
			if err := c.st.MarkProcessed(ctx, p.URL, p.sha); err != nil {
				return fmt.Errorf("mark processed %s: %w", p.URL, err)
			}
		}
	}
	return nil
}

func sanitizeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < 32 {
			return '_'
		}
		return r
	}, strings.TrimSpace(s))
	if len(s) > 180 {
		s = s[:180]
	}
	return strings.ToValidUTF8(s, "")
}

// TuneGC sets the garbage collector for a crawl and returns a function restoring the old
// settings: a crawl allocates a page's worth of garbage per request (bodies, parse trees), and
// at the default GOGC=100 with a small live heap the collector runs so often that its assists
// stall the request goroutines (measured: 20 ms mean server time in the simulated web at
// GOGC=100, 5 ms at 400). GOGC=400 under a 160 MiB soft memory limit keeps the peak bounded.
func TuneGC() (restore func()) {
	oldPct := debug.SetGCPercent(400)
	oldLimit := debug.SetMemoryLimit(160 << 20)
	return func() {
		debug.SetGCPercent(oldPct)
		debug.SetMemoryLimit(oldLimit)
	}
}

// dedupe keeps the first item of each URL.
func dedupe(items []Item) []Item {
	seen := make(map[string]bool, len(items))
	out := items[:0]
	for _, it := range items {
		if !seen[it.URL] {
			seen[it.URL] = true
			out = append(out, it)
		}
	}
	return out
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
