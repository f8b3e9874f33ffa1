package simweb

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Violation is a politeness rule a client broke, found in the request log.
type Violation struct {
	// Rule is "robots" (a path robots.txt disallows), "concurrency" (two requests in flight
	// to one host), "crawl-delay" (two request starts closer than the site's Crawl-delay) or
	// "retry-after" (a request before a 429's Retry-After had passed).
	Rule    string
	Request Request
	Detail  string
}

// Disallowed reports whether the site's robots.txt disallows the path of rawURL for every
// user agent. robots.txt itself is always allowed.
func (w *Web) Disallowed(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	s, ok := w.byHost[hostOnly(u.Host)]
	if !ok || u.Path == "/robots.txt" {
		return false
	}
	switch s.pub.Robots {
	case "disallow-all":
		return true
	case "disallow-path":
		return strings.HasPrefix(u.Path, "/search/") || strings.HasPrefix(u.Path, "/admin/")
	}
	return false
}

// Violations checks the request log (oldest first) against the politeness rules a crawler of
// this web must keep: honour robots.txt, one request in flight per host, Crawl-delay between
// request starts, and Retry-After after a 429. Requests to hosts that are not simulated sites
// are ignored.
func (w *Web) Violations() []Violation {
	var out []Violation
	lastStart := map[string]time.Time{}
	blockedUntil := map[string]time.Time{}
	for _, r := range w.Log() {
		s, ok := w.byHost[r.Host]
		if !ok {
			continue
		}
		if w.Disallowed(r.URL) {
			out = append(out, Violation{"robots", r, "robots.txt disallows " + r.URL})
		}
		if r.InFlight > 1 {
			out = append(out, Violation{"concurrency", r, fmt.Sprintf("%d requests in flight to %s", r.InFlight, r.Host)})
		}
		if prev, ok := lastStart[r.Host]; ok && s.pub.CrawlDelay > 0 && r.Start.Sub(prev) < s.pub.CrawlDelay {
			out = append(out, Violation{"crawl-delay", r, fmt.Sprintf("%v after the previous request, Crawl-delay %v", r.Start.Sub(prev), s.pub.CrawlDelay)})
		}
		if until, ok := blockedUntil[r.Host]; ok && r.Start.Before(until) {
			out = append(out, Violation{"retry-after", r, fmt.Sprintf("%v before Retry-After expired", until.Sub(r.Start))})
		}
		lastStart[r.Host] = r.Start
		if r.Status == 429 {
			if secs, err := strconv.Atoi(r.RetryAfter); err == nil {
				blockedUntil[r.Host] = r.End.Add(time.Duration(secs) * time.Second)
			}
		}
	}
	return out
}
