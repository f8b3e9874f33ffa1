package fetch

import (
	"net/url"
	"time"

	"github.com/temoto/robotstxt"
)

// robotsRules is a parsed robots.txt reduced to what the fetcher needs.
type robotsRules struct {
	data       *robotstxt.RobotsData
	agent      string
	crawlDelay time.Duration
}

// parseRobots parses a robots.txt answer. 2xx: the rules; 4xx (and 3xx not followed): no
// rules; 5xx or unreachable (599): disallow everything (RFC 9309); a file that does not parse
// counts as no rules.
func parseRobots(status int, body []byte, agent string) robotsRules {
	r := robotsRules{agent: agent}
	if status == 0 {
		return r
	}
	data, err := robotstxt.FromStatusAndBytes(status, body)
	if err != nil || data == nil {
		return r
	}
	r.data = data
	if g := data.FindGroup(agent); g != nil {
		r.crawlDelay = g.CrawlDelay
	}
	return r
}

// allowed tests the path and query of u.
func (r robotsRules) allowed(u *url.URL) bool {
	if r.data == nil {
		return true
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return r.data.TestAgent(p, r.agent)
}
