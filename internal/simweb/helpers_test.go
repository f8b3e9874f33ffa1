package simweb

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// startWeb starts w on loopback and returns a client that uses it as a forward proxy and
// never follows redirects.
func startWeb(t *testing.T, w *Web) *http.Client {
	t.Helper()
	proxy, err := w.Start()
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { w.Close() })
	pu, err := url.Parse(proxy)
	if err != nil {
		t.Fatalf("parse proxy url: %v", err)
	}
	return &http.Client{
		Transport:     &http.Transport{Proxy: http.ProxyURL(pu), DisableKeepAlives: false},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

type resp struct {
	status int
	header http.Header
	body   string
}

func fetch(t *testing.T, c *http.Client, method, u string, hdr map[string]string, form string) resp {
	t.Helper()
	var body io.Reader
	if form != "" {
		body = strings.NewReader(form)
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatalf("new request %s: %v", u, err)
	}
	if form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read %s: %v", u, err)
	}
	return resp{res.StatusCode, res.Header, string(b)}
}

func get(t *testing.T, c *http.Client, u string) resp {
	t.Helper()
	return fetch(t, c, http.MethodGet, u, nil, "")
}

var reHref = regexp.MustCompile(`href=["']([^"']+)["']`)

// links returns the absolute URLs of every <a href> in body, resolved against base.
func links(t *testing.T, base, body string) []string {
	t.Helper()
	b, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", base, err)
	}
	var out []string
	for _, m := range reHref.FindAllStringSubmatch(body, -1) {
		u, err := url.Parse(html.UnescapeString(m[1]))
		if err != nil {
			continue
		}
		out = append(out, b.ResolveReference(u).String())
	}
	return out
}

// linkTo returns the first link whose anchor text is text.
func linkTo(t *testing.T, base, body, text string) (string, bool) {
	t.Helper()
	re := regexp.MustCompile(`<a href="([^"]+)">` + regexp.QuoteMeta(text) + `</a>`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		return "", false
	}
	l := links(t, base, `href="`+m[1]+`"`)
	return l[0], true
}

// showcase returns the first site of a style.
func showcase(t *testing.T, w *Web, st Style) *site {
	t.Helper()
	for _, s := range w.sites {
		if s.pub.Style == st && s.showcase {
			return s
		}
	}
	t.Fatalf("no showcase site for %s", st)
	return nil
}

// detailURLs maps the detail URL of every item of a column to true.
func detailURLs(w *Web, s *site, col int) map[string]bool {
	m := map[string]bool{}
	for _, it := range w.columnItems(s, col) {
		m["http://"+s.pub.Host+w.detailPath(s, it)] = true
	}
	return m
}

func noFaults(sites int) Config {
	return Config{Seed: 7, Sites: sites, Faults: &Faults{}, CrawlDelayUnit: 5e6}
}
