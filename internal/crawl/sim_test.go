package crawl

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/temoto/robotstxt"

	"github.com/ogireports/ogireports/internal/fetch"
	"github.com/ogireports/ogireports/internal/simweb"
	"github.com/ogireports/ogireports/internal/store"
)

// docs is a Processor that records the documents handed to the pipeline.
type docs struct {
	mu   sync.Mutex
	list []Document
}

func (d *docs) Process(_ context.Context, doc Document) (Outcome, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.list = append(d.list, doc)
	return Outcome{Report: true, NewBytes: true}, nil
}

func (d *docs) sources() map[string]bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	m := map[string]bool{}
	for _, x := range d.list {
		m[x.Source] = true
	}
	return m
}

type simEnv struct {
	web   *simweb.Web
	proxy *url.URL
	sites []Site
}

func startSim(t testing.TB, cfg simweb.Config) *simEnv {
	t.Helper()
	w := simweb.New(cfg)
	p, err := w.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	pu, _ := url.Parse(p)
	var sites []Site
	for _, s := range w.Sites() {
		sites = append(sites, Site{Code: s.Code, Name: s.Name, URL: s.RootURL, Level: s.Level, ParentCode: s.ParentCode})
	}
	return &simEnv{web: w, proxy: pu, sites: sites}
}

func (e *simEnv) fetcher(delay time.Duration, ignoreRobots bool, st any, a *fetch.Archive) *fetch.Fetcher {
	cfg := fetch.DefaultConfig()
	cfg.Delay, cfg.Jitter, cfg.Proxy, cfg.IgnoreRobots = delay, 0.2, e.proxy, ignoreRobots
	cfg.MaxRetryAfter = 5 * time.Second
	cfg.UserAgent = "ogireports/test (+https://example.org/contact)"
	opts := []fetch.Option{fetch.WithArchive(a), fetch.WithLogger(quietLog())}
	if r, ok := st.(fetch.Recorder); ok {
		opts = append(opts, fetch.WithRecorder(r))
	}
	if h, ok := st.(fetch.HostStore); ok {
		opts = append(opts, fetch.WithHostStore(h))
	}
	return fetch.New(cfg, opts...)
}

func quietLog() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// robotsOf fetches each host's robots.txt through the simulated web, outside the log's
// window of interest.
func (e *simEnv) robotsOf(t *testing.T) map[string]*robotstxt.RobotsData {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(e.proxy)}}
	out := map[string]*robotstxt.RobotsData{}
	for _, s := range e.web.Sites() {
		resp, err := c.Get("http://" + s.Host + "/robots.txt")
		if err != nil {
			t.Fatal(err)
		}
		r, err := robotstxt.FromResponse(resp)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("robots of %s: %v", s.Host, err)
		}
		out[s.Host] = r
	}
	return out
}

// checkPoliteness judges a request log: no disallowed path, one request in flight per host,
// no gap shorter than the host's delay (the larger of ours and Crawl-delay), Retry-After
// respected.
func checkPoliteness(t *testing.T, env *simEnv, log []simweb.Request, delay time.Duration, robots map[string]*robotstxt.RobotsData) {
	t.Helper()
	crawlDelay := map[string]time.Duration{}
	for _, s := range env.web.Sites() {
		crawlDelay[s.Host] = s.CrawlDelay
	}
	byHost := map[string][]simweb.Request{}
	for _, r := range log {
		byHost[r.Host] = append(byHost[r.Host], r)
		if r.InFlight > 1 {
			t.Errorf("%d requests in flight to %s at %s", r.InFlight, r.Host, r.URL)
		}
		if !strings.HasPrefix(r.UserAgent, "ogireports/") {
			t.Errorf("User-Agent %q", r.UserAgent)
		}
		u, _ := url.Parse(r.URL)
		if rb := robots[r.Host]; rb != nil && u.Path != "/robots.txt" && !rb.TestAgent(u.RequestURI(), "ogireports") {
			t.Errorf("request to a path robots.txt disallows: %s", r.URL)
		}
	}
	// The fetcher waits from the moment it has read a response; simweb stamps End when its
	// handler returns, which the scheduler can delay past the client's read of a body that was
	// already flushed. Gaps from End get that much tolerance; gaps between starts get none.
	tol := 5 * time.Millisecond
	for host, rs := range byHost {
		sort.Slice(rs, func(i, j int) bool { return rs[i].Start.Before(rs[j].Start) })
		want := max(delay, crawlDelay[host])
		for i := 1; i < len(rs); i++ {
			if g := rs[i].Start.Sub(rs[i-1].Start); g < want {
				t.Errorf("%s: %v between the starts of two requests, delay %v", host, g, want)
			}
			gap := rs[i].Start.Sub(rs[i-1].End)
			if gap < want-tol {
				t.Errorf("%s: gap %v before %s is shorter than the delay %v (previous %s %d %v..%v) cur=%+v", host, gap, rs[i].URL, want,
					rs[i-1].URL, rs[i-1].Status, rs[i-1].Start.Format("05.000"), rs[i-1].End.Format("05.000"), rs[i])
			}
			if rs[i-1].Status == 429 || rs[i-1].Status == 503 {
				// simweb sends Retry-After: 1 (seconds) with its 429s.
				if rs[i-1].Status == 429 && gap < time.Second-tol {
					t.Errorf("%s: retried %v after a 429 with Retry-After: 1", host, gap)
				}
			}
		}
	}
}

// TestCrawlSimWeb is the acceptance test against the simulated web: every planted report
// found, no non-report sent to the pipeline, the politeness rules hold in the request log,
// a refresh crawl downloads no report body again and finds a report added in between.
func TestCrawlSimWeb(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the simulated web")
	}
	env := startSim(t, simweb.Config{Seed: 1, Sites: 12, CrawlDelayUnit: 20 * time.Millisecond})
	robots := env.robotsOf(t)
	env.web.ResetLog()
	st, err := store.Open(filepath.Join(t.TempDir(), "crawl.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	state := NewStoreState(st)
	defer state.Close()
	a := &fetch.Archive{Dir: t.TempDir()}
	const delay = 30 * time.Millisecond
	d := &docs{}
	crawlOnce := func() Summary {
		t.Helper()
		c := New(Config{Hosts: 12}, env.fetcher(delay, false, state, a), state, a, d, quietLog())
		sum, err := c.Run(context.Background(), env.sites)
		if err != nil {
			t.Fatal(err)
		}
		t.Log(sum.String())
		return sum
	}

	sum := crawlOnce()
	got := d.sources()
	truth := env.web.Truth()
	reports := 0
	for _, p := range truth {
		switch {
		case p.IsReport && p.Reachable && !p.RobotsBlocked:
			reports++
			if !got[p.URL] {
				t.Errorf("planted report not found: %s %s %q", p.SiteCode, p.URL, p.Title)
			}
		case !p.IsReport && (got[p.URL] || got[p.PageURL]):
			t.Errorf("non-report (%s) sent to the pipeline: %s %q", p.Category, p.URL, p.Title)
		case p.RobotsBlocked && got[p.URL]:
			t.Errorf("robots-blocked report fetched: %s", p.URL)
		}
	}
	if reports < 100 {
		t.Fatalf("only %d reachable planted reports: the simulated web changed?", reports)
	}
	// A report whose tables are pictures reaches the pipeline as one document: its page with
	// every picture fetched as a part (Referer: the page), never a picture on its own.
	pictures := checkPictureReports(t, d, truth)
	for _, r := range env.web.Log() {
		if pictures[r.URL] && (r.Referer == "" || !got[r.Referer]) {
			t.Errorf("picture %s fetched with Referer %q, want its report page", r.URL, r.Referer)
		}
	}
	for _, s := range env.web.Sites() {
		rec, _, _ := state.LoadSite(context.Background(), s.Code)
		switch {
		case s.RobotsDisallowAll && rec.State != SiteRobots:
			t.Errorf("site %s with Disallow: / is %q, want robots", s.Code, rec.State)
		case s.WAF && rec.State != SiteBlocked:
			t.Errorf("WAF site %s is %q, want blocked", s.Code, rec.State)
		case !s.RobotsDisallowAll && !s.WAF && rec.State != SiteDone:
			t.Errorf("site %s is %q (%s), want done", s.Code, rec.State, rec.Reason)
		}
	}
	if sum.SitesRobots == 0 || sum.SitesBlocked == 0 || sum.Pages == 0 {
		t.Errorf("summary %s: want robots-skipped and blocked sites", sum)
	}
	first := env.web.Log()
	checkPoliteness(t, env, first, delay, robots)

	// Refresh of the unchanged web: every report URL answers 304, nothing is re-extracted.
	env.web.ResetLog()
	before := len(d.list)
	sum2 := crawlOnce()
	reportURL := map[string]bool{}
	for _, p := range truth {
		if p.IsReport {
			reportURL[p.URL] = true
			reportURL[p.PageURL] = true
		}
	}
	for _, r := range env.web.Log() {
		if (reportURL[r.URL] || pictures[r.URL]) && r.Status == 200 {
			t.Errorf("refresh downloaded report body again: %s", r.URL)
		}
	}
	if len(d.list) != before || sum2.New != 0 || sum2.Unchanged == 0 {
		t.Errorf("refresh re-extracted %d documents (summary %s)", len(d.list)-before, sum2)
	}
	checkPoliteness(t, env, env.web.Log(), delay, robots)

	// A report added in between is found by the next crawl.
	var target simweb.Site
	for _, s := range env.web.Sites() {
		if !s.RobotsDisallowAll && !s.WAF && !s.Trap {
			target = s
			break
		}
	}
	added, err := env.web.AddReport(target.Code, "", 2024)
	if err != nil {
		t.Fatal(err)
	}
	crawlOnce()
	if !d.sources()[added.URL] {
		t.Errorf("added report %s (%q) not found by the refresh crawl", added.URL, added.Title)
	}
}

// checkPictureReports checks that every reachable report of kind "image" (tables printed as
// pictures) was handed to the pipeline as its page with its pictures as parts, each fetched,
// and that no picture was handed on its own. It returns the pictures' URLs.
func checkPictureReports(t *testing.T, d *docs, truth []simweb.Planted) map[string]bool {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	bySource := map[string]Document{}
	for _, x := range d.list {
		bySource[x.Source] = x
	}
	pictures := map[string]bool{}
	n := 0
	for _, p := range truth {
		if p.Kind != "image" || !p.IsReport || !p.Reachable || p.RobotsBlocked {
			continue
		}
		n++
		doc, ok := bySource[p.URL]
		if !ok {
			continue // reported as not found by the caller
		}
		if len(doc.Parts) == 0 {
			t.Errorf("report %s has its tables as pictures but reached the pipeline without them", p.URL)
		}
		for _, part := range doc.Parts {
			if part.Err != "" || len(part.Data) == 0 {
				t.Errorf("report %s: picture %s not fetched: %s", p.URL, part.URL, part.Err)
			}
			pictures[part.URL] = true
		}
	}
	if n == 0 {
		t.Fatal("the simulated web planted no report with its tables as pictures")
	}
	for src := range bySource {
		if pictures[src] {
			t.Errorf("picture %s handed to the pipeline on its own", src)
		}
	}
	return pictures
}

// TestCrawlLegacyIgnoringRobots crawls S6 sites (query-string paging, GBK declared only in
// the HTTP header, slow and 503 pages) with robots.txt ignored, as an owner's consent allows.
func TestCrawlLegacyIgnoringRobots(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the simulated web")
	}
	env := startSim(t, simweb.Config{Seed: 3, Sites: 2, Styles: []simweb.Style{simweb.S6}, CrawlDelayUnit: 5 * time.Millisecond})
	st := NewMemState()
	a := &fetch.Archive{Dir: t.TempDir()}
	d := &docs{}
	c := New(Config{Hosts: 4}, env.fetcher(5*time.Millisecond, true, st, a), st, a, d, quietLog())
	if _, err := c.Run(context.Background(), env.sites); err != nil {
		t.Fatal(err)
	}
	got := d.sources()
	n := 0
	for _, p := range env.web.Truth() {
		if p.IsReport && p.Reachable {
			n++
			if !got[p.URL] {
				t.Errorf("planted report not found: %s %q", p.URL, p.Title)
			}
		}
		if !p.IsReport && got[p.URL] {
			t.Errorf("non-report sent to the pipeline: %s %q", p.URL, p.Title)
		}
	}
	if n == 0 {
		t.Fatal("no planted reports")
	}
	for _, doc := range d.list {
		if !strings.Contains(doc.Title, "年") {
			t.Errorf("title %q not decoded from GBK", doc.Title)
		}
	}
}

// TestExploreSim prints what a crawl of the simulated web found (EXPLORE=1 go test -run
// TestExploreSim -v); it is a debugging aid, skipped otherwise.
func TestExploreSim(t *testing.T) {
	if os.Getenv("EXPLORE") == "" {
		t.Skip("debugging aid: set EXPLORE=1")
	}
	env := startSim(t, simweb.Config{Seed: 1, Sites: 12, CrawlDelayUnit: 5 * time.Millisecond})
	st := NewMemState()
	a := &fetch.Archive{Dir: t.TempDir()}
	d := &docs{}
	c := New(Config{Hosts: 12}, env.fetcher(5*time.Millisecond, false, st, a), st, a, d, quietLog())
	sum, err := c.Run(context.Background(), env.sites)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(sum.String())
	for _, s := range env.web.Sites() {
		r, _, _ := st.LoadSite(context.Background(), s.Code)
		t.Log(fmt.Sprintf("%s %s %s robots=%s: %s %s pages=%d reports=%d col=%s", s.Code, s.Style, s.Host, s.Robots, r.State, r.Reason, r.Pages, r.Reports, r.ColumnURL))
		for _, it := range st.Items(s.Code) {
			if it.State != ItemDone {
				t.Logf("  item %s %s %s %s", it.State, it.Kind, it.URL, it.Err)
			}
		}
	}
}
