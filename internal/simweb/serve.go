package simweb

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Request is one entry of the request log.
type Request struct {
	Start, End      time.Time
	Host            string
	Method          string
	URL             string // absolute http://host/path?query
	Status          int
	Referer         string
	UserAgent       string
	IfNoneMatch     string
	IfModifiedSince string
	Bytes           int64
	// Proxy is true for an absolute-form request URI (the web used as a forward proxy).
	Proxy bool
	// InFlight counts the requests to this host in flight when this one started, itself
	// included: a polite crawler keeps it at 1.
	InFlight int
	// RetryAfter is the Retry-After header of the response ("" when none).
	RetryAfter string
}

// Log returns the request log, oldest first (at most Config.LogCap entries).
func (w *Web) Log() []Request {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.ringFull {
		return append([]Request(nil), w.ring...)
	}
	out := make([]Request, 0, len(w.ring))
	out = append(out, w.ring[w.ringNext:]...)
	return append(out, w.ring[:w.ringNext]...)
}

// ResetLog empties the request log.
func (w *Web) ResetLog() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ring, w.ringNext, w.ringFull = w.ring[:0], 0, false
}

func (w *Web) record(r Request) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.ring) < w.cfg.LogCap {
		w.ring = append(w.ring, r)
		return
	}
	w.ringFull = true
	w.ring[w.ringNext] = r
	w.ringNext = (w.ringNext + 1) % len(w.ring)
}

// pageKey identifies a served page for fault counters (bounded: only existing pages).
type pageKey struct {
	site int
	kind string
	id   int64
	n    int
}

// page is a rendered response.
type page struct {
	status   int
	body     []byte
	ctype    string
	lastMod  time.Time
	location string
	key      pageKey // zero kind: not eligible for transient faults
	header   map[string]string
}

type countingWriter struct {
	http.ResponseWriter
	status int
	n      int64
}

// WriteHeader records the status.
func (c *countingWriter) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
	c.ResponseWriter.WriteHeader(code)
}

// Write counts the bytes.
func (c *countingWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	n, err := c.ResponseWriter.Write(b)
	c.n += int64(n)
	return n, err
}

// Handler returns the web's handler. It dispatches by the host of an absolute-form request
// URI (forward proxy use) or else by the Host header, and records every request.
func (w *Web) Handler() http.Handler { return http.HandlerFunc(w.serveHTTP) }

func (w *Web) serveHTTP(rw http.ResponseWriter, r *http.Request) {
	start := time.Now()
	host := hostOnly(r.Host)
	proxy := r.URL.IsAbs()
	if proxy && r.URL.Host != "" {
		host = hostOnly(r.URL.Host)
	}
	w.mu.Lock()
	w.inflight[host]++
	conc := w.inflight[host]
	w.mu.Unlock()
	cw := &countingWriter{ResponseWriter: rw}
	w.serve(cw, r, host)
	end := time.Now()
	w.mu.Lock()
	if w.inflight[host]--; w.inflight[host] <= 0 {
		delete(w.inflight, host)
	}
	w.mu.Unlock()
	if cw.status == 0 {
		cw.status = http.StatusOK
	}
	w.record(Request{
		Start: start, End: end, Host: host, Method: r.Method,
		URL: "http://" + host + r.URL.RequestURI(), Status: cw.status,
		Referer: r.Header.Get("Referer"), UserAgent: r.Header.Get("User-Agent"),
		IfNoneMatch: r.Header.Get("If-None-Match"), IfModifiedSince: r.Header.Get("If-Modified-Since"),
		Bytes: cw.n, Proxy: proxy, InFlight: conc, RetryAfter: rw.Header().Get("Retry-After"),
	})
}

func (w *Web) serve(rw http.ResponseWriter, r *http.Request, host string) {
	if r.Method == http.MethodConnect {
		// Every simulated host is HTTP only: HTTPS through the proxy is refused.
		http.Error(rw, "simweb: HTTPS is not served (connection refused)", http.StatusBadGateway)
		return
	}
	s, ok := w.byHost[host]
	if !ok {
		if ms, ok := w.mirror[host]; ok {
			w.write(rw, r, w.mirrorPage(ms, r))
			return
		}
		http.Error(rw, "simweb: no such host "+host, http.StatusBadGateway)
		return
	}
	if w.isDown(s) {
		http.Error(rw, "simweb: host is down", http.StatusBadGateway)
		return
	}
	if r.URL.Path == "/robots.txt" {
		w.write(rw, r, w.robots(s))
		return
	}
	if s.pub.WAF {
		w.write(rw, r, wafPage())
		return
	}
	if s.pub.RateLimited {
		if wait, limited := w.rateLimit(s); limited {
			rw.Header().Set("Retry-After", strconv.Itoa(wait))
			http.Error(rw, "429 Too Many Requests", http.StatusTooManyRequests)
			return
		}
	}
	pg := w.route(s, r)
	if pg.status == 0 {
		pg.status = http.StatusOK
	}
	if pg.status == http.StatusOK && pg.key.kind != "" {
		if s.pub.Flaky && w.transient(s, pg.key) {
			rw.Header().Set("Content-Type", "text/html; charset=utf-8")
			rw.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(rw, "<html><body><h1>503 Service Temporarily Unavailable</h1>服务器繁忙，请稍后再试。</body></html>")
			return
		}
		if s.pub.Slow && frac(s.seed, "slow", pg.key.kind, pg.key.id, pg.key.n) < w.faults.SlowRate {
			select {
			case <-time.After(w.faults.SlowDelay):
			case <-r.Context().Done():
				return
			}
		}
	}
	w.write(rw, r, pg)
}

// transient reports whether this request to a flaky page gets a 503: the first
// TransientCount requests to a TransientRate fraction of pages do.
func (w *Web) transient(s *site, k pageKey) bool {
	if frac(s.seed, "flaky", k.kind, k.id, k.n) >= w.faults.TransientRate {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	c := w.flakyCnt[k]
	if c >= w.faults.TransientCount {
		return false
	}
	w.flakyCnt[k] = c + 1
	return true
}

func (w *Web) rateLimit(s *site) (int, bool) {
	now := time.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	st := w.rl[s.idx]
	if st == nil {
		st = &rateState{}
		w.rl[s.idx] = st
	}
	if now.Before(st.blocked) {
		return int(st.blocked.Sub(now)/time.Second) + 1, true
	}
	st.count++
	if w.faults.RateLimitEvery > 0 && st.count%w.faults.RateLimitEvery == 0 {
		ra := max(w.faults.RetryAfter, 1)
		st.blocked = now.Add(time.Duration(ra) * time.Second)
		return ra, true
	}
	return 0, false
}

func etagOf(b []byte) string {
	h := fnv.New64a()
	h.Write(b)
	return fmt.Sprintf("\"%016x\"", h.Sum64())
}

// write sends a page with ETag/Last-Modified and answers conditional requests with 304.
func (w *Web) write(rw http.ResponseWriter, r *http.Request, pg page) {
	if pg.status == 0 {
		pg.status = http.StatusOK
	}
	h := rw.Header()
	for k, v := range pg.header {
		h.Set(k, v)
	}
	if pg.location != "" {
		h.Set("Location", pg.location)
	}
	if pg.ctype != "" {
		h.Set("Content-Type", pg.ctype)
	}
	if pg.status == http.StatusOK {
		etag := etagOf(pg.body)
		h.Set("ETag", etag)
		if !pg.lastMod.IsZero() {
			h.Set("Last-Modified", pg.lastMod.UTC().Format(http.TimeFormat))
		}
		if inm := r.Header.Get("If-None-Match"); inm != "" {
			for _, t := range strings.Split(inm, ",") {
				if t = strings.TrimSpace(t); t == etag || t == "*" || strings.TrimPrefix(t, "W/") == etag {
					rw.WriteHeader(http.StatusNotModified)
					return
				}
			}
		} else if ims := r.Header.Get("If-Modified-Since"); ims != "" && !pg.lastMod.IsZero() {
			if t, err := http.ParseTime(ims); err == nil && !pg.lastMod.Truncate(time.Second).After(t) {
				rw.WriteHeader(http.StatusNotModified)
				return
			}
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(pg.body)))
	rw.WriteHeader(pg.status)
	if r.Method != http.MethodHead {
		rw.Write(pg.body) //nolint:errcheck // the client went away; nothing to do
	}
}

// robots serves the site's robots.txt variant.
func (w *Web) robots(s *site) page {
	var b strings.Builder
	switch s.pub.Robots {
	case "none":
		return notFound(s)
	case "allow":
		b.WriteString("User-agent: *\nDisallow:\n")
	case "crawl-delay":
		fmt.Fprintf(&b, "User-agent: *\nCrawl-delay: %s\nDisallow:\n",
			strconv.FormatFloat(s.pub.CrawlDelay.Seconds(), 'f', -1, 64))
	case "disallow-all":
		b.WriteString("User-agent: *\nDisallow: /\n")
	case "disallow-path":
		b.WriteString("User-agent: *\nDisallow: /search/\nDisallow: /admin/\n")
	}
	return page{body: []byte(b.String()), ctype: "text/plain", lastMod: staticTime}
}

// staticTime is the Last-Modified of pages that never change.
var staticTime = time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)

func notFound(s *site) page {
	body := "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404 页面不存在</title></head>" +
		"<body><h1>404</h1><p>您访问的页面不存在或已被删除。</p><a href=\"/\">返回首页</a></body></html>"
	return page{status: http.StatusNotFound, body: []byte(body), ctype: "text/html; charset=utf-8"}
}

func wafPage() page {
	body := `<!DOCTYPE html><html><head><meta charset="utf-8"><title>访问验证</title>` +
		`<script src="/_bot_sbu/sbu_fpcm.js"></script></head><body><div class="captcha">` +
		`<h2>创宇云防御：您的访问行为存在异常，请完成验证后继续访问</h2>` +
		`<img src="/_bot_sbu/captcha.png" alt="验证码"><input name="code"><button>验证</button>` +
		`</div></body></html>`
	return page{status: http.StatusForbidden, body: []byte(body), ctype: "text/html; charset=utf-8"}
}
