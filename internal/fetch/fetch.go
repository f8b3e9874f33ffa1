package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Kind says what a request is for; it selects the size limit and the timeout.
type Kind int

const (
	// KindPage is an HTML page, a list page, an XML or JSON list API response.
	KindPage Kind = iota
	// KindAttachment is a report file: pdf, doc, docx, wps, xls, an image.
	KindAttachment
	// KindRobots is a robots.txt file.
	KindRobots
)

// String returns the kind's name as stored in the fetches table.
func (k Kind) String() string {
	switch k {
	case KindAttachment:
		return "attachment"
	case KindRobots:
		return "robots"
	default:
		return "page"
	}
}

// Config holds the fetcher's politeness and limits. Zero fields take the defaults of
// DefaultConfig.
type Config struct {
	// UserAgent is sent on every request: "ogireports/<version> (+<contact URL>)".
	UserAgent string
	// RobotsAgent is the token matched against robots.txt User-agent lines.
	RobotsAgent string
	// IgnoreRobots disables robots.txt (never the default).
	IgnoreRobots bool
	// Delay is the minimum gap between the end of one request to a host and the start of the
	// next; the larger of it and the host's Crawl-delay applies.
	Delay time.Duration
	// Jitter adds a random fraction in [0, Jitter) of the delay to each gap.
	Jitter float64
	// ConnectTimeout bounds the TCP connect (to the host or the proxy).
	ConnectTimeout time.Duration
	// PageTimeout bounds a whole page response, headers and body.
	PageTimeout time.Duration
	// AttachmentTimeout bounds a whole attachment response.
	AttachmentTimeout time.Duration
	// MaxPage and MaxAttachment are the body size limits; a larger body is cut and the cut
	// is reported (Response.Truncated and ErrTooLarge), never passed on as complete.
	MaxPage, MaxAttachment int64
	// MaxRedirects is the redirect limit per request.
	MaxRedirects int
	// MaxRetries is the retry limit on 5xx, 429, resets and timeouts.
	MaxRetries int
	// MaxRetryAfter is the longest Retry-After the fetcher waits for in place; a longer one
	// is returned as a *RetryLaterError for the caller to schedule.
	MaxRetryAfter time.Duration
	// RobotsTTL is how long a robots.txt stays cached.
	RobotsTTL time.Duration
	// Proxy, when set, carries every request (tests reach the simulated web this way).
	Proxy *url.URL
	// MaxConns bounds idle connections kept in the pool.
	MaxConns int
}

// DefaultConfig returns the polite defaults: 2 s delay with 10 % jitter, 10 s connect,
// 60 s page and 10 min attachment timeouts, 10 MB pages, 200 MB attachments, 5 redirects,
// 3 retries, Retry-After waited up to 5 minutes, robots cached 24 h.
func DefaultConfig() Config {
	return Config{
		UserAgent:         "ogireports/dev (+https://github.com/ogireports/ogireports)",
		RobotsAgent:       "ogireports",
		Delay:             2 * time.Second,
		Jitter:            0.1,
		ConnectTimeout:    10 * time.Second,
		PageTimeout:       60 * time.Second,
		AttachmentTimeout: 10 * time.Minute,
		MaxPage:           10 << 20,
		MaxAttachment:     200 << 20,
		MaxRedirects:      5,
		MaxRetries:        3,
		MaxRetryAfter:     5 * time.Minute,
		RobotsTTL:         24 * time.Hour,
		MaxConns:          128,
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Delay < 0 {
		c.Delay = 0
	}
	orDefault(&c.UserAgent, d.UserAgent)
	orDefault(&c.RobotsAgent, d.RobotsAgent)
	orDefault(&c.ConnectTimeout, d.ConnectTimeout)
	orDefault(&c.PageTimeout, d.PageTimeout)
	orDefault(&c.AttachmentTimeout, d.AttachmentTimeout)
	orDefault(&c.MaxPage, d.MaxPage)
	orDefault(&c.MaxAttachment, d.MaxAttachment)
	orDefault(&c.MaxRedirects, d.MaxRedirects)
	orDefault(&c.MaxRetries, d.MaxRetries)
	orDefault(&c.MaxRetryAfter, d.MaxRetryAfter)
	orDefault(&c.RobotsTTL, d.RobotsTTL)
	orDefault(&c.MaxConns, d.MaxConns)
	return c
}

// orDefault sets *p to d when *p is its type's zero value.
func orDefault[T comparable](p *T, d T) {
	var zero T
	if *p == zero {
		*p = d
	}
}

// Request is one fetch.
type Request struct {
	// URL is absolute; a fragment is dropped.
	URL string
	// Kind selects limits and timeout.
	Kind Kind
	// Method is GET when empty; POST sends Form url-encoded.
	Method string
	// Form is the POST body.
	Form url.Values
	// Referer is sent when set (VSB download.jsp needs a same-site one).
	Referer string
	// ETag and LastModified, from an earlier fetch, make the request conditional.
	ETag, LastModified string
	// AllowURL, when set, must accept every redirect target (the crawler's domain rule).
	AllowURL func(*url.URL) bool
}

// Response is a fetched response whose body has been read (and archived, when the fetcher
// has an archive).
type Response struct {
	// URL is the requested URL; FinalURL the one after redirects.
	URL, FinalURL string
	// Status is the HTTP status of the final response.
	Status int
	// ContentType, ETag and LastModified are the final response's headers.
	ContentType, ETag, LastModified string
	// Body is the body read, at most the size limit.
	Body []byte
	// SHA256 is the hex digest of Body; ArchivePath its file in the archive.
	SHA256, ArchivePath string
	// Truncated reports that the body went over the size limit and was cut.
	Truncated bool
	// NotModified reports a 304 answer to a conditional request (Body is empty).
	NotModified bool
	// FetchedAt is when the final response arrived.
	FetchedAt time.Time
	// Attempts counts requests sent for this fetch, retries and redirect hops included.
	Attempts int

	location, retryAfter string
}

// Errors returned by Fetch; test them with errors.Is / errors.As.
var (
	// ErrDisallowed: robots.txt disallows the URL.
	ErrDisallowed = errors.New("disallowed by robots.txt")
	// ErrBlocked: the host answered 403 or a captcha/WAF page and is stopped for this run.
	ErrBlocked = errors.New("host blocked")
	// ErrTooManyRedirects: the redirect limit was reached.
	ErrTooManyRedirects = errors.New("too many redirects")
	// ErrOffSite: a redirect left the site's domain.
	ErrOffSite = errors.New("redirect off site")
	// ErrTooLarge: the body went over the size limit; the Response is returned with it.
	ErrTooLarge = errors.New("body over size limit")
)

// StatusError is a final non-2xx, non-304 answer (after retries for 5xx).
type StatusError struct{ Code int }

func (e *StatusError) Error() string { return "http status " + strconv.Itoa(e.Code) }

// RetryLaterError asks the caller to try again after Until (a Retry-After too long to wait
// in place, or retries exhausted on a transient failure).
type RetryLaterError struct {
	Until time.Time
	Err   error
}

func (e *RetryLaterError) Error() string {
	return fmt.Sprintf("retry after %s: %v", e.Until.Format(time.RFC3339), e.Err)
}

func (e *RetryLaterError) Unwrap() error { return e.Err }

// ErrorKind names an error's kind for the crawl summary: robots, blocked, redirects, offsite,
// too_large, http_4xx, http_5xx, retry_later, timeout, reset, canceled or other.
func ErrorKind(err error) string {
	var se *StatusError
	var rl *RetryLaterError
	var ne net.Error
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrDisallowed):
		return "robots"
	case errors.Is(err, ErrBlocked):
		return "blocked"
	case errors.Is(err, ErrTooManyRedirects):
		return "redirects"
	case errors.Is(err, ErrOffSite):
		return "offsite"
	case errors.Is(err, ErrTooLarge):
		return "too_large"
	case errors.As(err, &rl):
		return "retry_later"
	case errors.As(err, &se):
		if se.Code >= 500 {
			return "http_5xx"
		}
		return "http_4xx"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case isReset(err):
		return "reset"
	}
	return "other"
}

// HostState is the per-host state that outlives a run: robots.txt, Crawl-delay, when the
// next request may start, and why the host is blocked (empty when it is not).
type HostState struct {
	Host          string
	Robots        []byte // robots.txt body; nil with RobotsStatus 0 means not fetched
	RobotsStatus  int
	RobotsExpires time.Time
	CrawlDelay    time.Duration
	NextAllowed   time.Time
	BlockedReason string
}

// HostStore persists HostState (the store's hosts table); nil keeps it in memory only.
type HostStore interface {
	LoadHost(ctx context.Context, host string) (HostState, bool, error)
	SaveHost(ctx context.Context, st HostState) error
}

// Record describes one response for the fetches table.
type Record struct {
	URL, FinalURL, Method string
	Kind                  Kind
	Status                int
	ContentType           string
	ETag, LastModified    string
	SHA256                string
	Size                  int64
	Truncated             bool
	FetchedAt             time.Time
	Err                   string
}

// Recorder receives a Record for every final response and every failed fetch.
type Recorder interface {
	RecordFetch(ctx context.Context, r Record) error
}

// host is the small in-memory state of one host. mu is held for a whole fetch, so one
// request is in flight per host.
type host struct {
	mu     sync.Mutex
	loaded bool
	st     HostState
	robots robotsRules
	refs   int
}

// Fetcher is the polite HTTP client. It is safe for concurrent use; requests to one host are
// serialised.
type Fetcher struct {
	cfg      Config
	client   *http.Client
	archive  *Archive
	hosts    HostStore
	recorder Recorder
	log      *slog.Logger

	mu    sync.Mutex
	table map[string]*host

	// now and sleep are replaced in tests.
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

// Option configures a Fetcher.
type Option func(*Fetcher)

// WithArchive archives every response body content-addressed.
func WithArchive(a *Archive) Option { return func(f *Fetcher) { f.archive = a } }

// WithHostStore persists per-host state.
func WithHostStore(s HostStore) Option { return func(f *Fetcher) { f.hosts = s } }

// WithRecorder records every response.
func WithRecorder(r Recorder) Option { return func(f *Fetcher) { f.recorder = r } }

// WithLogger sets the logger (slog.Default otherwise).
func WithLogger(l *slog.Logger) Option { return func(f *Fetcher) { f.log = l } }

// New returns a Fetcher.
func New(cfg Config, opts ...Option) *Fetcher {
	cfg = cfg.withDefaults()
	tr := &http.Transport{
		DialContext:           (&net.Dialer{Timeout: cfg.ConnectTimeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   cfg.ConnectTimeout,
		ResponseHeaderTimeout: cfg.PageTimeout,
		MaxIdleConns:          cfg.MaxConns,
		MaxIdleConnsPerHost:   1,
		IdleConnTimeout:       30 * time.Second,
		DisableCompression:    false,
	}
	if cfg.Proxy != nil {
		tr.Proxy = http.ProxyURL(cfg.Proxy)
		// Every host shares the proxy's connections.
		tr.MaxIdleConnsPerHost = cfg.MaxConns
	}
	f := &Fetcher{
		cfg: cfg,
		client: &http.Client{
			Transport:     tr,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		table: map[string]*host{},
		log:   slog.Default(),
		now:   time.Now,
		sleep: sleepCtx,
	}
	for _, o := range opts {
		o(f)
	}
	return f
}

// Config returns the effective configuration.
func (f *Fetcher) Config() Config { return f.cfg }

// Close releases idle connections.
func (f *Fetcher) Close() { f.client.CloseIdleConnections() }

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// acquire locks the host's slot, loading its persisted state on first use.
func (f *Fetcher) acquire(ctx context.Context, hostname string) (*host, error) {
	f.mu.Lock()
	h := f.table[hostname]
	if h == nil {
		h = &host{st: HostState{Host: hostname}}
		f.table[hostname] = h
	}
	h.refs++
	f.mu.Unlock()
	h.mu.Lock()
	if !h.loaded {
		if f.hosts != nil {
			st, ok, err := f.hosts.LoadHost(ctx, hostname)
			if err != nil {
				f.release(hostname, h)
				return nil, fmt.Errorf("load host %s: %w", hostname, err)
			}
			if ok {
				h.st = st
				h.robots = parseRobots(st.RobotsStatus, st.Robots, f.cfg.RobotsAgent)
				// The last request may have ended just before a restart (or a Forget).
				if t := f.now().Add(f.gap(h)); t.After(h.st.NextAllowed) {
					h.st.NextAllowed = t
				}
			}
		}
		h.loaded = true
	}
	return h, nil
}

// release unlocks the host's slot.
func (f *Fetcher) release(hostname string, h *host) {
	h.mu.Unlock()
	f.mu.Lock()
	h.refs--
	f.mu.Unlock()
}

// Forget drops a host's in-memory state once the caller is done with it (its site is
// finished), so memory does not grow with the number of hosts crawled; with a HostStore the
// state is reloaded on the next use.
func (f *Fetcher) Forget(hostname string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if h := f.table[hostname]; h != nil && h.refs == 0 && f.hosts != nil {
		delete(f.table, hostname)
	}
}

// Blocked reports the reason a host is stopped for this run, or "".
func (f *Fetcher) Blocked(ctx context.Context, hostname string) string {
	h, err := f.acquire(ctx, hostname)
	if err != nil {
		return ""
	}
	defer f.release(hostname, h)
	return h.st.BlockedReason
}

// Allowed reports whether robots.txt allows rawURL, fetching robots.txt first if needed.
func (f *Fetcher) Allowed(ctx context.Context, rawURL string) (bool, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false, fmt.Errorf("allowed %s: %w", rawURL, err)
	}
	h, err := f.acquire(ctx, u.Host)
	if err != nil {
		return false, err
	}
	defer f.release(u.Host, h)
	if err := f.ensureRobots(ctx, h, u); err != nil {
		return false, err
	}
	return f.cfg.IgnoreRobots || h.robots.allowed(u), nil
}

// wait sleeps until the host may be contacted.
func (f *Fetcher) wait(ctx context.Context, h *host) error {
	return f.sleep(ctx, h.st.NextAllowed.Sub(f.now()))
}

// gap returns the delay before the next request to h: the larger of Delay and Crawl-delay,
// plus jitter.
func (f *Fetcher) gap(h *host) time.Duration {
	d := f.cfg.Delay
	if h.st.CrawlDelay > d {
		d = h.st.CrawlDelay
	}
	if f.cfg.Jitter > 0 && d > 0 {
		d += time.Duration(rand.Float64() * f.cfg.Jitter * float64(d))
	}
	return d
}

// after sets the host's next allowed time to at least t. It is kept in memory only (a
// write per request would cost more than it protects): a host state loaded from the store
// starts one gap after the load instead, which keeps the delay across a restart.
func (f *Fetcher) after(_ context.Context, h *host, t time.Time) {
	if t.After(h.st.NextAllowed) {
		h.st.NextAllowed = t
	}
}

func (f *Fetcher) save(ctx context.Context, h *host) {
	if f.hosts == nil {
		return
	}
	if err := f.hosts.SaveHost(context.WithoutCancel(ctx), h.st); err != nil {
		f.log.Warn("save host state", "host", h.st.Host, "err", err)
	}
}

// ensureRobots fetches robots.txt for h when it is missing or expired. h is locked.
func (f *Fetcher) ensureRobots(ctx context.Context, h *host, u *url.URL) error {
	if f.cfg.IgnoreRobots {
		return nil
	}
	if h.st.RobotsStatus != 0 && f.now().Before(h.st.RobotsExpires) {
		return nil
	}
	robotsURL := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}
	var status int
	var body []byte
	for attempt := 0; ; attempt++ {
		if err := f.wait(ctx, h); err != nil {
			return err
		}
		resp, err := f.roundTrip(ctx, robotsURL.String(), Request{Kind: KindRobots}, h, 4)
		if err == nil {
			status, body = resp.Status, resp.Body
			if status >= 300 && status < 400 {
				status = 404 // a robots redirect we did not follow: no rules
			}
			if status < 500 || attempt >= f.cfg.MaxRetries {
				break
			}
		} else if ctx.Err() != nil {
			return ctx.Err()
		} else if attempt >= f.cfg.MaxRetries {
			status = 599 // unreachable: RFC 9309 says assume complete disallow
			break
		}
		f.after(ctx, h, f.now().Add(f.backoff(h, attempt)))
	}
	ttl := f.cfg.RobotsTTL
	if status >= 500 {
		ttl = time.Hour // retry an unreachable robots.txt sooner
	}
	h.st.Robots, h.st.RobotsStatus = body, status
	h.st.RobotsExpires = f.now().Add(ttl)
	h.robots = parseRobots(status, body, f.cfg.RobotsAgent)
	h.st.CrawlDelay = h.robots.crawlDelay
	// The gap after the robots.txt request itself must honour the Crawl-delay it announced.
	f.after(ctx, h, f.now().Add(f.gap(h)))
	f.save(ctx, h)
	return nil
}

// backoff is the exponential wait before retry attempt+1: the host gap doubled per attempt,
// at least one second, at most five minutes.
func (f *Fetcher) backoff(h *host, attempt int) time.Duration {
	base := f.gap(h)
	if base < time.Second {
		base = time.Second
	}
	d := base << attempt
	if d > 5*time.Minute || d <= 0 {
		d = 5 * time.Minute
	}
	return d
}

// Fetch fetches req politely: robots check, host slot, delay, retries, redirects (each hop
// checked against robots and AllowURL), size limit, archive and record.
func (f *Fetcher) Fetch(ctx context.Context, req Request) (*Response, error) {
	if req.Method == "" {
		req.Method = http.MethodGet
	}
	cur, err := url.Parse(req.URL)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", req.URL, err)
	}
	cur.Fragment = ""
	attempts := 0
	for hop := 0; ; hop++ {
		if hop > f.cfg.MaxRedirects {
			err := fmt.Errorf("fetch %s: %w (%d)", req.URL, ErrTooManyRedirects, f.cfg.MaxRedirects)
			f.recordErr(ctx, req, err)
			return nil, err
		}
		resp, next, err := f.fetchHop(ctx, req, cur)
		if resp != nil {
			attempts += resp.Attempts
		}
		if err != nil {
			f.recordErr(ctx, req, err)
			return resp, err
		}
		if next == nil {
			resp.URL = req.URL
			resp.Attempts = attempts
			f.finish(ctx, req, resp)
			if resp.Truncated {
				return resp, fmt.Errorf("fetch %s: %w (%d bytes)", req.URL, ErrTooLarge, len(resp.Body))
			}
			return resp, nil
		}
		if req.AllowURL != nil && !req.AllowURL(next) {
			err := fmt.Errorf("fetch %s: %w: %s", req.URL, ErrOffSite, next)
			f.recordErr(ctx, req, err)
			return nil, err
		}
		// 301/302/303 turn a POST into a GET.
		if req.Method == http.MethodPost && resp.Status != http.StatusTemporaryRedirect && resp.Status != http.StatusPermanentRedirect {
			req.Method, req.Form = http.MethodGet, nil
		}
		cur = next
	}
}

// fetchHop does one URL with retries on its host; it returns the redirect target when the
// answer is a redirect.
func (f *Fetcher) fetchHop(ctx context.Context, req Request, u *url.URL) (*Response, *url.URL, error) {
	h, err := f.acquire(ctx, u.Host)
	if err != nil {
		return nil, nil, err
	}
	defer f.release(u.Host, h)
	if h.st.BlockedReason != "" {
		return nil, nil, fmt.Errorf("fetch %s: %w: %s", u, ErrBlocked, h.st.BlockedReason)
	}
	if err := f.ensureRobots(ctx, h, u); err != nil {
		return nil, nil, fmt.Errorf("fetch %s: robots: %w", u, err)
	}
	if !f.cfg.IgnoreRobots && !h.robots.allowed(u) {
		return nil, nil, fmt.Errorf("fetch %s: %w", u, ErrDisallowed)
	}
	limit := f.cfg.MaxPage
	if req.Kind == KindAttachment {
		limit = f.cfg.MaxAttachment
	}
	var lastErr error
	n := 0
	for attempt := 0; ; attempt++ {
		if err := f.wait(ctx, h); err != nil {
			return nil, nil, fmt.Errorf("fetch %s: %w", u, err)
		}
		n++
		// Validators go to every hop: they were recorded from the final answer of this request.
		resp, err := f.roundTrip(ctx, u.String(), req, h, limit)
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil, fmt.Errorf("fetch %s: %w", u, ctx.Err())
			}
			lastErr = fmt.Errorf("fetch %s: %w", u, err)
			if attempt >= f.cfg.MaxRetries {
				return nil, nil, lastErr
			}
			f.log.Debug("retry", "url", u.String(), "attempt", attempt+1, "err", err)
			f.after(ctx, h, f.now().Add(f.backoff(h, attempt)))
			continue
		}
		resp.Attempts = n
		switch s := resp.Status; {
		case s == http.StatusForbidden:
			h.st.BlockedReason = "403 on " + u.String()
			f.save(ctx, h)
			f.log.Warn("host blocked", "host", u.Host, "reason", h.st.BlockedReason)
			f.finish(ctx, req, resp)
			return nil, nil, fmt.Errorf("fetch %s: %w: 403", u, ErrBlocked)
		case s >= 200 && s < 300:
			if why := Challenge(resp.ContentType, resp.Body); why != "" {
				h.st.BlockedReason = why + " on " + u.String()
				f.save(ctx, h)
				f.log.Warn("host blocked", "host", u.Host, "reason", h.st.BlockedReason)
				f.finish(ctx, req, resp)
				return nil, nil, fmt.Errorf("fetch %s: %w: %s", u, ErrBlocked, why)
			}
			return resp, nil, nil
		case s == http.StatusNotModified:
			resp.NotModified = true
			return resp, nil, nil
		case s == http.StatusMovedPermanently, s == http.StatusFound, s == http.StatusSeeOther,
			s == http.StatusTemporaryRedirect, s == http.StatusPermanentRedirect:
			loc := resp.location
			if loc == "" {
				return resp, nil, nil
			}
			next, err := u.Parse(loc)
			if err != nil {
				return nil, nil, fmt.Errorf("fetch %s: bad Location %q: %w", u, loc, err)
			}
			next.Fragment = ""
			return resp, next, nil
		case s == http.StatusTooManyRequests || s == http.StatusServiceUnavailable || s >= 500:
			lastErr = fmt.Errorf("fetch %s: %w", u, &StatusError{Code: s})
			wait := f.backoff(h, attempt)
			if ra, ok := parseRetryAfter(resp.retryAfter, f.now()); ok && (s == 429 || s == 503) {
				if ra > f.cfg.MaxRetryAfter {
					until := f.now().Add(ra)
					f.after(ctx, h, until)
					return nil, nil, &RetryLaterError{Until: until, Err: lastErr}
				}
				wait = max(ra, f.gap(h))
			}
			if attempt >= f.cfg.MaxRetries {
				f.finish(ctx, req, resp)
				return nil, nil, lastErr
			}
			f.log.Debug("retry", "url", u.String(), "status", s, "wait", wait)
			f.after(ctx, h, f.now().Add(wait))
		default:
			f.finish(ctx, req, resp)
			return nil, nil, fmt.Errorf("fetch %s: %w", u, &StatusError{Code: s})
		}
	}
}

// roundTrip sends one request (the host slot is held) and reads at most limit bytes. It sets
// the host's next allowed time from the end of the response.
func (f *Fetcher) roundTrip(ctx context.Context, rawURL string, req Request, h *host, limit int64) (resp *Response, err error) {
	timeout := f.cfg.PageTimeout
	if req.Kind == KindAttachment {
		timeout = f.cfg.AttachmentTimeout
	}
	if req.Kind == KindRobots {
		limit = 512 << 10 // robots.txt: Google reads 500 KiB
	}
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	defer func() { f.after(ctx, h, f.now().Add(f.gap(h))) }()
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	if method == http.MethodPost && req.Form != nil {
		body = strings.NewReader(req.Form.Encode())
	}
	hr, err := http.NewRequestWithContext(rctx, method, rawURL, body)
	if err != nil {
		return nil, err
	}
	hr.Header.Set("User-Agent", f.cfg.UserAgent)
	hr.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	hr.Header.Set("Accept-Language", "zh-CN,zh;q=0.9")
	if body != nil {
		hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if req.Referer != "" {
		hr.Header.Set("Referer", req.Referer)
	}
	if req.ETag != "" {
		hr.Header.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hr.Header.Set("If-Modified-Since", req.LastModified)
	}
	res, err := f.client.Do(hr)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	out := &Response{
		URL: rawURL, FinalURL: rawURL, Status: res.StatusCode,
		ContentType:  res.Header.Get("Content-Type"),
		ETag:         res.Header.Get("ETag"),
		LastModified: res.Header.Get("Last-Modified"),
		location:     res.Header.Get("Location"),
		retryAfter:   res.Header.Get("Retry-After"),
	}
	if res.ContentLength > limit {
		out.Truncated = true
		out.FetchedAt = f.now()
		return out, nil
	}
	var buf bytes.Buffer
	if res.ContentLength > 0 {
		buf.Grow(int(res.ContentLength) + 1) // one allocation instead of doubling
	}
	n, err := io.Copy(&buf, io.LimitReader(res.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read body after %d bytes: %w", n, err)
	}
	out.Body = buf.Bytes()
	if int64(len(out.Body)) > limit {
		out.Body = out.Body[:limit]
		out.Truncated = true
	}
	out.FetchedAt = f.now()
	return out, nil
}

// finish archives and records a final response.
func (f *Fetcher) finish(ctx context.Context, req Request, resp *Response) {
	if f.archive != nil && len(resp.Body) > 0 && !resp.NotModified {
		sha, path, err := f.archive.Put(resp.Body)
		if err != nil {
			f.log.Error("archive", "url", resp.URL, "err", err)
		} else {
			resp.SHA256, resp.ArchivePath = sha, path
		}
	} else if len(resp.Body) > 0 {
		resp.SHA256 = Sum(resp.Body)
	}
	if f.recorder == nil {
		return
	}
	rec := Record{
		URL: req.URL, FinalURL: resp.FinalURL, Method: req.Method, Kind: req.Kind,
		Status: resp.Status, ContentType: resp.ContentType, ETag: resp.ETag,
		LastModified: resp.LastModified, SHA256: resp.SHA256, Size: int64(len(resp.Body)),
		Truncated: resp.Truncated, FetchedAt: resp.FetchedAt,
	}
	if rec.Method == "" {
		rec.Method = http.MethodGet
	}
	if err := f.recorder.RecordFetch(context.WithoutCancel(ctx), rec); err != nil {
		f.log.Error("record fetch", "url", req.URL, "err", err)
	}
}

func (f *Fetcher) recordErr(ctx context.Context, req Request, err error) {
	if f.recorder == nil || errors.Is(err, context.Canceled) {
		return
	}
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	rec := Record{URL: req.URL, Method: method, Kind: req.Kind, FetchedAt: f.now(), Err: ErrorKind(err) + ": " + err.Error()}
	if rerr := f.recorder.RecordFetch(context.WithoutCancel(ctx), rec); rerr != nil {
		f.log.Error("record fetch", "url", req.URL, "err", rerr)
	}
}

// parseRetryAfter reads delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

func isReset(err error) bool {
	s := err.Error()
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		strings.Contains(s, "connection reset") || strings.Contains(s, "connection refused") ||
		strings.Contains(s, "broken pipe")
}
