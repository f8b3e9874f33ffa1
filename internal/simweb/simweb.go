// Package simweb owns the simulated government web: thousands of deterministic 政府信息公开
// sites in the six styles of ../shared/spec/sites.md section 2 (TRS, Hanweb jcms, NFCMS+gkmlpt,
// VSB, own-CMS portal, legacy ASP), served on loopback as a forward HTTP proxy or by Host
// header, with planted annual reports and their truth, realistic navigation noise, robots.txt
// variants, deterministic failure injection, conditional requests and a request log for
// politeness checks. Pages are generated lazily from the seed on every request; per-site state
// is a few hundred bytes and memory does not grow with requests.
package simweb

import (
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ogireports/ogireports/internal/reportgen"
)

// Style is one of the six site styles of sites.md section 2.
type Style int

// The six styles.
const (
	// S1 is TRS WCM static: index.html, index_1.html (zero-based), createPageHTML pager,
	// t-date detail URLs, ./P0… attachments.
	S1 Style = iota + 1
	// S2 is Hanweb jcms: col/col…/index.html with an inline <datastore>, dataproxy.jsp paging.
	S2
	// S3 is 广东 NFCMS: index_2.html (1-based) portal columns plus the gkmlpt JSON catalogue.
	S3
	// S4 is 博达 VSB: .htm count-down pagination, /info/{col}/{id}.htm, download.jsp.
	S4
	// S5 is an own-CMS provincial portal: hash-named articles, year buckets, PDF-only reports.
	S5
	// S6 is a legacy dynamic ASP site: list.asp?classid=37&page=N, GBK header, robots Disallow.
	S6
)

// AllStyles lists S1–S6.
var AllStyles = []Style{S1, S2, S3, S4, S5, S6}

// String returns "S1" … "S6".
func (s Style) String() string { return fmt.Sprintf("S%d", int(s)) }

// Faults configures deterministic failure injection. A nil *Faults in Config means
// DefaultFaults(); &Faults{} disables every fault (style-inherent traits such as the S6
// robots.txt and encodings stay).
type Faults struct {
	// TransientRate is the fraction of pages on flaky sites (all S6 sites plus a few others)
	// that answer 503 to their first TransientCount requests.
	TransientRate  float64
	TransientCount int
	// SlowRate is the fraction of pages on slow sites delayed by SlowDelay.
	SlowRate  float64
	SlowDelay time.Duration
	// RateLimitSites sites answer every RateLimitEvery-th request with 429 and Retry-After:
	// RetryAfter seconds, and keep answering 429 until that time has passed.
	RateLimitSites int
	RateLimitEvery int
	RetryAfter     int
	// WAFSites sites answer 403 with a captcha page to everything but robots.txt.
	WAFSites int
	// TrapSites sites link to an endless calendar (/calendar/?d=YYYY-MM-DD).
	TrapSites int
	// BrokenLinks plants a 404 item in some 年报 columns; Redirects lists some items under an
	// old path that answers 301 to the current one.
	BrokenLinks bool
	Redirects   bool
}

// DefaultFaults returns the faults used when Config.Faults is nil.
func DefaultFaults() *Faults {
	return &Faults{
		TransientRate: 0.2, TransientCount: 1,
		SlowRate: 0.1, SlowDelay: 200 * time.Millisecond,
		RateLimitSites: 1, RateLimitEvery: 5, RetryAfter: 1,
		WAFSites: 1, TrapSites: 1,
		BrokenLinks: true, Redirects: true,
	}
}

// Config sets up a Web. The zero value of every field but Seed and Sites has a default.
type Config struct {
	// Seed makes everything deterministic: same seed and config, same sites, pages and truth.
	Seed int64
	// Sites is the number of sites (default 12).
	Sites int
	// Styles are assigned round-robin to sites (default AllStyles). The first site of each
	// style is a "showcase": flat 年报 column with many units, so every pager is exercised,
	// and no injected faults beyond the style's own traits.
	Styles []Style
	// Years is the inclusive range of report years (default 2019–2024). S6 sites publish the
	// five years before Years[0] instead (pre-2019 prose reports).
	Years [2]int
	// CrawlDelayUnit scales Crawl-delay: a site asking for N units has Crawl-delay N×unit
	// (default 1s; tests use a few milliseconds).
	CrawlDelayUnit time.Duration
	// Faults configures failure injection; nil means DefaultFaults().
	Faults *Faults
	// LogCap bounds the request log ring (default 10000).
	LogCap int
	// Attachments, when non-nil, returns the bytes of a report attachment of kind "pdf",
	// "doc" or "docx". When nil (or it returns nil) a small placeholder PDF is served and the
	// truth says the cells are not extractable from the served bytes.
	Attachments func(v reportgen.Variant, kind string) []byte
	// TableImages, when non-nil, returns the pictures of the tables of a report published with
	// its tables as images (kind "image"), one per table in the order of v.BodyHTML(), as
	// reportgen.Variant.TableImages draws them: picture n is served at the n-th <img> of the
	// page with its media type, under a .png or .jpg path as its format says, and the truth says
	// the cells are extractable. It is called for every such page, picture and truth entry, so
	// it should cache by v.ID. When nil (or it returns nothing) every <img> is a small
	// placeholder PNG and the truth says the cells are not extractable.
	TableImages func(v reportgen.Variant) []reportgen.TableImage
	// Logger receives debug logs (default slog.Default()).
	Logger *slog.Logger
}

// Site is the public description of one simulated site.
type Site struct {
	// Code is a GB/T 2260-like 6-digit division code, unique per site.
	Code string
	// Name is the site owner, e.g. 临安市平阳区人民政府.
	Name string
	// Host is the host name, e.g. www.pyq.gov.cn.
	Host string
	// RootURL is http://Host/ (every site is served over HTTP only).
	RootURL string
	// Style is the site's CMS style.
	Style Style
	// Encoding is "utf-8", "gb2312" (charset only in <meta>) or "gbk" (charset only in the
	// HTTP header, with a conflicting gb2312 meta).
	Encoding string
	// Level is "province", "city" or "county"; ParentCode the code of the level above.
	Level      string
	ParentCode string
	// Robots is the robots.txt variant: "none" (404), "allow", "crawl-delay", "disallow-all"
	// or "disallow-path".
	Robots string
	// RobotsDisallowAll is true when robots.txt says Disallow: /.
	RobotsDisallowAll bool
	// CrawlDelay is the Crawl-delay robots.txt asks for (0 when none).
	CrawlDelay time.Duration
	// WAF, RateLimited, Trap, Flaky and Slow tell which faults the site injects.
	WAF, RateLimited, Trap, Flaky, Slow bool
	// ReportColumnURL is the URL of the 年报 column's first list page.
	ReportColumnURL string
}

// Web is a simulated government web. It is safe for concurrent use.
type Web struct {
	cfg    Config
	faults Faults
	log    *slog.Logger
	sites  []*site
	byHost map[string]*site
	byCode map[string]*site
	mirror map[string]*site // mirror host → site

	mu       sync.Mutex
	down     map[int]bool
	extra    map[int][]extraItem
	revs     map[itemKey]revision
	mutAt    map[int]time.Time // last AddReport/ReviseReport per site
	flakyCnt map[pageKey]int
	rl       map[int]*rateState
	ring     []Request
	ringNext int
	ringFull bool
	inflight map[string]int
	titles   titleCache

	srv *http.Server
	ln  net.Listener
}

type itemKey struct {
	site int
	id   int64
}

type revision struct {
	n  int
	at time.Time
}

type extraItem struct {
	agency string
	year   int
	n      int
}

type rateState struct {
	count   int
	blocked time.Time
}

// New builds a Web from cfg. It only derives per-site parameters; pages are made on request.
func New(cfg Config) *Web {
	if cfg.Sites <= 0 {
		cfg.Sites = 12
	}
	if len(cfg.Styles) == 0 {
		cfg.Styles = AllStyles
	}
	if cfg.Years == [2]int{} {
		cfg.Years = [2]int{2019, 2024}
	}
	if cfg.Years[1] < cfg.Years[0] {
		cfg.Years[0], cfg.Years[1] = cfg.Years[1], cfg.Years[0]
	}
	if cfg.CrawlDelayUnit <= 0 {
		cfg.CrawlDelayUnit = time.Second
	}
	if cfg.LogCap <= 0 {
		cfg.LogCap = 10000
	}
	f := DefaultFaults()
	if cfg.Faults != nil {
		f = cfg.Faults
	}
	lg := cfg.Logger
	if lg == nil {
		lg = slog.Default()
	}
	w := &Web{
		cfg: cfg, faults: *f, log: lg,
		byHost: map[string]*site{}, byCode: map[string]*site{}, mirror: map[string]*site{},
		down: map[int]bool{}, mutAt: map[int]time.Time{}, extra: map[int][]extraItem{}, revs: map[itemKey]revision{},
		flakyCnt: map[pageKey]int{}, rl: map[int]*rateState{}, inflight: map[string]int{},
		ring: make([]Request, 0, min(cfg.LogCap, 1024)),
	}
	w.buildSites()
	return w
}

// Sites returns the public description of every site, in a stable order.
func (w *Web) Sites() []Site {
	out := make([]Site, len(w.sites))
	for i, s := range w.sites {
		out[i] = s.pub
	}
	return out
}

// Site returns the site with the given code.
func (w *Web) Site(code string) (Site, bool) {
	s, ok := w.byCode[code]
	if !ok {
		return Site{}, false
	}
	return s.pub, true
}

// WriteSitesCSV writes the crawler's registry format: a header line
// code,name,url,level,parent_code and one line per site.
func (w *Web) WriteSitesCSV(out io.Writer) error {
	cw := csv.NewWriter(out)
	if err := cw.Write([]string{"code", "name", "url", "level", "parent_code"}); err != nil {
		return fmt.Errorf("write sites.csv header: %w", err)
	}
	for _, s := range w.sites {
		if err := cw.Write([]string{s.pub.Code, s.pub.Name, s.pub.RootURL, s.pub.Level, s.pub.ParentCode}); err != nil {
			return fmt.Errorf("write sites.csv row %s: %w", s.pub.Code, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write sites.csv: %w", err)
	}
	return nil
}

// Start serves the web on 127.0.0.1:0 and returns the proxy URL (http://127.0.0.1:PORT) to
// put in an http.Transport's Proxy. The same listener also answers requests addressed by Host.
func (w *Web) Start() (string, error) {
	return w.Listen("127.0.0.1:0")
}

// Listen is Start on a given address.
func (w *Web) Listen(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("simweb listen %s: %w", addr, err)
	}
	w.ln = ln
	w.srv = &http.Server{Handler: w.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := w.srv.Serve(ln); err != nil && err != http.ErrServerClosed {
			w.log.Error("simweb serve", "err", err)
		}
	}()
	return "http://" + ln.Addr().String(), nil
}

// Close stops the server started by Start.
func (w *Web) Close() error {
	if w.srv == nil {
		return nil
	}
	if err := w.srv.Close(); err != nil {
		return fmt.Errorf("simweb close: %w", err)
	}
	return nil
}

// SetDown makes every request to a site answer 502 (down=true) or restores it.
func (w *Web) SetDown(siteCode string, down bool) {
	s, ok := w.byCode[siteCode]
	if !ok {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if down {
		w.down[s.idx] = true
	} else {
		delete(w.down, s.idx)
	}
}

func (w *Web) isDown(s *site) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.down[s.idx]
}

// AddReport plants a new report of agency for year at the top of the site's 年报 column and
// returns its truth entry. Use it to test refresh crawls.
func (w *Web) AddReport(siteCode, agency string, year int) (Planted, error) {
	s, ok := w.byCode[siteCode]
	if !ok {
		return Planted{}, fmt.Errorf("simweb add report: unknown site %q", siteCode)
	}
	w.mu.Lock()
	n := len(w.extra[s.idx])
	w.extra[s.idx] = append(w.extra[s.idx], extraItem{agency: agency, year: year, n: n})
	w.mutAt[s.idx] = time.Now().UTC().Truncate(time.Second)
	w.mu.Unlock()
	for _, it := range w.items(s) {
		if it.extra == n+1 {
			return w.planted(s, it), nil
		}
	}
	return Planted{}, fmt.Errorf("simweb add report: item not found on %s", siteCode)
}

// ReviseReport changes the content of the report at url (detail page, twin or attachment):
// its bytes, ETag and Last-Modified change, its truth too.
func (w *Web) ReviseReport(url string) error {
	s, it, ok := w.lookupItem(url)
	if !ok {
		return fmt.Errorf("simweb revise: %s is not an item", url)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	k := itemKey{s.idx, it.id}
	r := w.revs[k]
	r.n++
	r.at = time.Now().UTC().Truncate(time.Second)
	w.revs[k] = r
	w.mutAt[s.idx] = r.at
	return nil
}

func (w *Web) revisionOf(s *site, id int64) revision {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.revs[itemKey{s.idx, id}]
}

func hostOnly(h string) string {
	h = strings.ToLower(h)
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
		h = h[:i]
	}
	return strings.TrimSuffix(h, ".")
}
