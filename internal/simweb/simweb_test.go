package simweb

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func firstSite(t *testing.T, w *Web, pred func(*site) bool) *site {
	t.Helper()
	for _, s := range w.sites {
		if pred(s) {
			return s
		}
	}
	t.Fatalf("no site matches")
	return nil
}

func TestDownloadJSPReferer(t *testing.T) {
	w := New(noFaults(60))
	c := startWeb(t, w)
	var p Planted
	for _, tp := range w.Truth() {
		if s := w.byCode[tp.SiteCode]; s.pub.Style == S4 && tp.IsReport && tp.Kind == "pdf" && tp.Reachable {
			p = tp
			break
		}
	}
	if p.URL == "" {
		t.Fatal("no S4 pdf report planted in 60 sites")
	}
	if !strings.Contains(p.URL, "/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=") {
		t.Fatalf("S4 attachment URL %s", p.URL)
	}
	page := get(t, c, p.PageURL)
	mustStatus(t, page, 200, "S4 detail")
	if !strings.Contains(page.body, strings.TrimPrefix(p.URL, "http://"+w.byCode[p.SiteCode].pub.Host)[:40]) {
		t.Errorf("detail page does not link the attachment")
	}
	tests := []struct {
		name    string
		referer string
		wantPDF bool
	}{
		{"no referer", "", false},
		{"foreign referer", "http://www.example.com/", false},
		{"same host referer", p.PageURL, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hdr := map[string]string{}
			if tc.referer != "" {
				hdr["Referer"] = tc.referer
			}
			r := fetch(t, c, http.MethodGet, p.URL, hdr, "")
			mustStatus(t, r, 200, p.URL)
			isPDF := strings.HasPrefix(r.body, "%PDF-")
			if isPDF != tc.wantPDF {
				t.Fatalf("got PDF=%v, want %v (Content-Type %s)", isPDF, tc.wantPDF, r.header.Get("Content-Type"))
			}
			if !tc.wantPDF && (len(r.body) < 4500 || len(r.body) > 5300 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html")) {
				t.Errorf("error page: %d bytes %s, want ~4.9 KB HTML", len(r.body), r.header.Get("Content-Type"))
			}
		})
	}
	// A placeholder PDF is flagged not extractable in the truth.
	if p.Extractable {
		t.Errorf("placeholder attachment marked extractable")
	}
}

func TestRobotsVariants(t *testing.T) {
	w := New(noFaults(12))
	c := startWeb(t, w)
	tests := []struct {
		variant    string
		wantStatus int
		wantLines  []string
	}{
		{"none", 404, nil},
		{"allow", 200, []string{"User-agent: *", "Disallow:"}},
		{"crawl-delay", 200, []string{"User-agent: *", "Crawl-delay: "}},
		{"disallow-all", 200, []string{"User-agent: *", "Disallow: /"}},
		{"disallow-path", 200, []string{"Disallow: /search/"}},
	}
	for _, tc := range tests {
		t.Run(tc.variant, func(t *testing.T) {
			s := firstSite(t, w, func(s *site) bool { return s.pub.Robots == tc.variant })
			r := get(t, c, s.pub.RootURL+"robots.txt")
			mustStatus(t, r, tc.wantStatus, "robots.txt")
			for _, l := range tc.wantLines {
				if !strings.Contains(r.body, l) {
					t.Errorf("robots.txt %q lacks %q", r.body, l)
				}
			}
			switch tc.variant {
			case "crawl-delay":
				secs := strings.TrimSpace(strings.SplitN(strings.SplitN(r.body, "Crawl-delay: ", 2)[1], "\n", 2)[0])
				f, err := strconv.ParseFloat(secs, 64)
				if err != nil || time.Duration(f*float64(time.Second)) != s.pub.CrawlDelay || s.pub.CrawlDelay == 0 {
					t.Errorf("Crawl-delay %q vs Site.CrawlDelay %v", secs, s.pub.CrawlDelay)
				}
			case "disallow-all":
				if !s.pub.RobotsDisallowAll || s.pub.Style != S6 {
					t.Errorf("disallow-all site %s style %s flag %v", s.pub.Host, s.pub.Style, s.pub.RobotsDisallowAll)
				}
			case "disallow-path":
				// The disallowed path exists and is linked from the home page.
				home := get(t, c, s.pub.RootURL)
				if !strings.Contains(home.body, `href="/search/`) {
					t.Errorf("home page does not link the disallowed /search/")
				}
			}
		})
	}
}

func TestConditionalRequests(t *testing.T) {
	w := New(noFaults(12))
	c := startWeb(t, w)
	s := showcase(t, w, S1)
	its := w.columnItems(s, colMain)
	var it item
	for _, x := range its {
		if x.isReport() && x.kind == "html" && !x.redirect {
			it = x
			break
		}
	}
	u := "http://" + s.pub.Host + w.detailPath(s, it)
	first := get(t, c, u)
	mustStatus(t, first, 200, u)
	etag, lm := first.header.Get("ETag"), first.header.Get("Last-Modified")
	if etag == "" || lm == "" {
		t.Fatalf("no ETag/Last-Modified: %v", first.header)
	}
	tests := []struct {
		name string
		hdr  map[string]string
		want int
	}{
		{"matching etag", map[string]string{"If-None-Match": etag}, 304},
		{"other etag", map[string]string{"If-None-Match": `"0000"`}, 200},
		{"if-modified-since = last-modified", map[string]string{"If-Modified-Since": lm}, 304},
		{"if-modified-since older", map[string]string{"If-Modified-Since": "Mon, 02 Jan 2006 15:04:05 GMT"}, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := fetch(t, c, http.MethodGet, u, tc.hdr, "")
			mustStatus(t, r, tc.want, u)
		})
	}
	// Stable across requests, and a revision changes it.
	if again := get(t, c, u); again.header.Get("ETag") != etag || again.body != first.body {
		t.Errorf("ETag or body not stable")
	}
	if err := w.ReviseReport(u); err != nil {
		t.Fatalf("revise: %v", err)
	}
	r := fetch(t, c, http.MethodGet, u, map[string]string{"If-None-Match": etag}, "")
	mustStatus(t, r, 200, "after revision")
	if r.header.Get("ETag") == etag || r.body == first.body {
		t.Errorf("revision did not change the page")
	}
}

func TestDeterminism(t *testing.T) {
	cfg := noFaults(24)
	a, b := New(cfg), New(cfg)
	if !reflect.DeepEqual(a.Sites(), b.Sites()) {
		t.Fatalf("same seed, different sites")
	}
	ta, tb := a.Truth(), b.Truth()
	if !reflect.DeepEqual(ta, tb) {
		t.Fatalf("same seed, different truth")
	}
	reports := 0
	for _, p := range ta {
		if p.IsReport {
			reports++
		}
	}
	if reports < 24*6 {
		t.Errorf("only %d reports in 24 sites", reports)
	}
	// Same bytes for a sample of pages.
	ha, hb := a.Handler(), b.Handler()
	for i, p := range ta {
		if i%17 != 0 {
			continue
		}
		for _, u := range []string{p.PageURL, "http://" + a.byCode[p.SiteCode].pub.Host + "/"} {
			ra, rb := httptest.NewRecorder(), httptest.NewRecorder()
			ha.ServeHTTP(ra, httptest.NewRequest(http.MethodGet, u, nil))
			hb.ServeHTTP(rb, httptest.NewRequest(http.MethodGet, u, nil))
			if ra.Code != rb.Code || !bytes.Equal(ra.Body.Bytes(), rb.Body.Bytes()) {
				t.Errorf("%s differs between two webs of the same seed", u)
			}
		}
	}
	cfg.Seed++
	if reflect.DeepEqual(New(cfg).Sites(), a.Sites()) {
		t.Errorf("another seed gave the same sites")
	}
}

func heapMB() float64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}

func TestManySitesBoundedMemory(t *testing.T) {
	before := heapMB()
	w := New(Config{Seed: 3, Sites: 2000, Faults: &Faults{}, LogCap: 500})
	built := heapMB()
	if d := built - before; d > 16 {
		t.Errorf("2000 sites take %.1f MB, want < 16 MB", d)
	}
	hosts, codes := map[string]bool{}, map[string]bool{}
	for _, s := range w.Sites() {
		if hosts[s.Host] || codes[s.Code] {
			t.Fatalf("duplicate host %s or code %s", s.Host, s.Code)
		}
		hosts[s.Host], codes[s.Code] = true, true
		if len(s.Code) != 6 || !strings.HasSuffix(s.Host, ".gov.cn") {
			t.Fatalf("bad site %+v", s)
		}
	}
	h := w.Handler()
	r := newRand(1)
	serve := func(n int) {
		for i := 0; i < n; i++ {
			s := w.sites[r.Intn(len(w.sites))]
			its := w.items(s)
			u := "http://" + s.pub.Host + w.detailPath(s, its[r.Intn(len(its))])
			if i%3 == 0 {
				u = s.pub.ReportColumnURL
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, u, nil))
		}
	}
	serve(300)
	mid := heapMB()
	serve(1500)
	after := heapMB()
	if d := after - mid; d > 4 {
		t.Errorf("heap grew %.1f MB over 1500 requests (%.1f → %.1f): memory must not grow with requests", d, mid, after)
	}
	if n := len(w.Log()); n != 500 {
		t.Errorf("log holds %d entries, want the cap 500", n)
	}
}

func TestRequestLog(t *testing.T) {
	cfg := noFaults(12)
	cfg.Faults = &Faults{SlowRate: 1, SlowDelay: 300 * time.Millisecond}
	w := New(cfg)
	c := startWeb(t, w)
	s6 := showcase(t, w, S6) // S6 sites are slow
	s1 := showcase(t, w, S1)
	fetch(t, c, http.MethodGet, s1.pub.ReportColumnURL, map[string]string{
		"Referer": s1.pub.RootURL, "User-Agent": "ogireports-test/1", "If-None-Match": `"x"`,
		"If-Modified-Since": "Mon, 02 Jan 2006 15:04:05 GMT",
	}, "")
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			get(t, c, s6.pub.ReportColumnURL)
		}()
	}
	wg.Wait()
	log := w.Log()
	if len(log) != 3 {
		t.Fatalf("log has %d entries, want 3", len(log))
	}
	e := log[0]
	want := Request{Host: s1.pub.Host, Method: "GET", URL: s1.pub.ReportColumnURL, Status: 200,
		Referer: s1.pub.RootURL, UserAgent: "ogireports-test/1", IfNoneMatch: `"x"`,
		IfModifiedSince: "Mon, 02 Jan 2006 15:04:05 GMT", Proxy: true, InFlight: 1}
	got := e
	got.Start, got.End, got.Bytes = time.Time{}, time.Time{}, 0
	if !reflect.DeepEqual(got, want) {
		t.Errorf("log entry\n got %+v\nwant %+v", got, want)
	}
	if e.Bytes < 1000 || !e.End.After(e.Start) {
		t.Errorf("bytes %d, start %v end %v", e.Bytes, e.Start, e.End)
	}
	overlap := log[1].InFlight == 2 || log[2].InFlight == 2
	if !overlap || log[1].End.Sub(log[1].Start) < 300*time.Millisecond {
		t.Errorf("concurrent slow requests: InFlight %d/%d, duration %v", log[1].InFlight, log[2].InFlight, log[1].End.Sub(log[1].Start))
	}
	w.ResetLog()
	if len(w.Log()) != 0 {
		t.Errorf("ResetLog left entries")
	}
}

func TestFaults(t *testing.T) {
	cfg := noFaults(12)
	cfg.Faults = DefaultFaults()
	cfg.Faults.SlowDelay = time.Millisecond
	w := New(cfg)
	c := startWeb(t, w)

	t.Run("waf 403", func(t *testing.T) {
		s := firstSite(t, w, func(s *site) bool { return s.pub.WAF })
		r := get(t, c, s.pub.RootURL)
		mustStatus(t, r, 403, "waf home")
		if !strings.Contains(r.body, "验证") {
			t.Errorf("no captcha page")
		}
		mustStatus(t, get(t, c, s.pub.RootURL+"robots.txt"), map[bool]int{true: 404, false: 200}[s.pub.Robots == "none"], "waf robots")
	})
	t.Run("429 retry-after", func(t *testing.T) {
		s := firstSite(t, w, func(s *site) bool { return s.pub.RateLimited })
		var first time.Time
		for i := 1; i <= cfg.Faults.RateLimitEvery; i++ {
			r := get(t, c, s.pub.RootURL)
			if i < cfg.Faults.RateLimitEvery {
				mustStatus(t, r, 200, "before the limit")
				continue
			}
			mustStatus(t, r, 429, "at the limit")
			if r.header.Get("Retry-After") != strconv.Itoa(cfg.Faults.RetryAfter) {
				t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
			}
			first = time.Now()
		}
		mustStatus(t, get(t, c, s.pub.RootURL), 429, "too early after 429")
		time.Sleep(time.Until(first.Add(time.Duration(cfg.Faults.RetryAfter) * time.Second)))
		mustStatus(t, get(t, c, s.pub.RootURL), 200, "after Retry-After")
	})
	t.Run("transient 503", func(t *testing.T) {
		s := showcase(t, w, S6)
		n503 := 0
		for _, it := range w.items(s) {
			u := "http://" + s.pub.Host + w.detailPath(s, it)
			r := get(t, c, u)
			if r.status == 503 {
				n503++
				mustStatus(t, get(t, c, u), 200, "retry after a transient 503")
			}
		}
		if n503 == 0 {
			t.Errorf("no transient 503 on a flaky site")
		}
	})
	t.Run("redirect and broken link", func(t *testing.T) {
		sr := firstSite(t, w, func(s *site) bool { return s.redirect && !s.pub.WAF && !s.pub.RateLimited })
		for _, it := range w.items(sr) {
			if it.redirect {
				r := get(t, c, "http://"+sr.pub.Host+"/html"+w.detailPath(sr, it))
				mustStatus(t, r, 301, "old path")
				if r.header.Get("Location") != "http://"+sr.pub.Host+w.detailPath(sr, it) {
					t.Errorf("Location %s", r.header.Get("Location"))
				}
			}
		}
		sb := firstSite(t, w, func(s *site) bool { return s.broken && !s.pub.WAF && !s.pub.RateLimited })
		found := false
		for _, it := range w.items(sb) {
			if it.cat == CatBroken {
				found = true
				mustStatus(t, get(t, c, "http://"+sb.pub.Host+w.detailPath(sb, it)), 404, "broken item")
			}
		}
		if !found {
			t.Errorf("no broken item")
		}
	})
	t.Run("calendar trap", func(t *testing.T) {
		s := firstSite(t, w, func(s *site) bool { return s.pub.Trap })
		if !strings.Contains(w.homePage(s).body2(), "/calendar/?d=") {
			t.Fatalf("home does not link the calendar")
		}
		u := s.pub.RootURL + "calendar/?d=2024-01-01"
		for i := 0; i < 5; i++ {
			r := get(t, c, u)
			mustStatus(t, r, 200, u)
			next, ok := linkTo(t, u, r.body, "后一天")
			if !ok || next == u {
				t.Fatalf("no next-day link")
			}
			u = next
		}
		if !strings.HasSuffix(u, "d=2024-01-06") {
			t.Errorf("trap walked to %s", u)
		}
	})
	t.Run("down, unknown host, https", func(t *testing.T) {
		s := showcase(t, w, S3)
		w.SetDown(s.pub.Code, true)
		mustStatus(t, get(t, c, s.pub.RootURL), 502, "down")
		w.SetDown(s.pub.Code, false)
		mustStatus(t, get(t, c, s.pub.RootURL), 200, "up again")
		mustStatus(t, get(t, c, "http://www.not-simulated.gov.cn/"), 502, "unknown host")
		if _, err := c.Get("https://" + s.pub.Host + "/gkmlpt/index"); err == nil {
			t.Errorf("HTTPS through the proxy should fail")
		}
	})
}

// body2 returns a page body as a string (test helper).
func (p page) body2() string { return string(p.body) }

func TestEncodings(t *testing.T) {
	w := New(noFaults(12))
	c := startWeb(t, w)
	s := firstSite(t, w, func(s *site) bool { return s.pub.Encoding == "gb2312" })
	if s.pub.Style != S1 {
		t.Errorf("legacy GB2312 site has style %s", s.pub.Style)
	}
	r := get(t, c, s.pub.ReportColumnURL)
	mustStatus(t, r, 200, "gb2312 list")
	if ct := r.header.Get("Content-Type"); ct != "text/html" {
		t.Errorf("Content-Type %q: the charset must be only in the meta", ct)
	}
	if !strings.Contains(r.body, `charset=gb2312">`) {
		t.Errorf("no gb2312 meta")
	}
	if strings.Contains(r.body, "政府信息公开") {
		t.Errorf("body is UTF-8, want GB2312 bytes")
	}
	if !strings.Contains(gbkDecode(t, r.body), "政府信息公开") {
		t.Errorf("GBK-decoded body lacks 政府信息公开")
	}
}

func TestTruthAndIsReport(t *testing.T) {
	w := New(noFaults(12))
	c := startWeb(t, w)
	cats := map[string]int{}
	for _, p := range w.Truth() {
		cats[p.Category]++
		if p.Category == CatMirror {
			if w.IsReport(p.URL) {
				t.Errorf("mirror %s counted as a report", p.URL)
			}
			mustStatus(t, get(t, c, p.URL), 200, "mirror copy")
			continue
		}
		if got := w.IsReport(p.URL); got != p.IsReport {
			t.Errorf("IsReport(%s) = %v, want %v (%s)", p.URL, got, p.IsReport, p.Category)
		}
		if !p.Reachable {
			continue
		}
		r := fetch(t, c, http.MethodGet, p.URL, map[string]string{"Referer": p.PageURL}, "")
		mustStatus(t, r, 200, fmt.Sprintf("%s (%s %s)", p.URL, p.Category, p.Kind))
		if p.IsReport && p.Year >= 2019 && len(p.Cells) < 100 {
			t.Errorf("%s: %d truth cells", p.URL, len(p.Cells))
		}
		if p.IsReport && p.Kind == "image" && (p.Extractable || !strings.Contains(r.body, ".png")) {
			t.Errorf("%s: image report must show table images and be flagged", p.URL)
		}
	}
	for _, cat := range []string{CatReport, CatOtherUnit, CatNotice2019, CatNotice2021, CatExplanation, CatRuleOfLaw, CatNonReport, CatLoginWall, CatMirror} {
		if cats[cat] == 0 {
			t.Errorf("no %s item planted in 12 sites", cat)
		}
	}
	if w.IsReport("http://www.unknown.gov.cn/a.html") || w.IsReport("::") {
		t.Errorf("IsReport true for garbage")
	}
}

func TestMutations(t *testing.T) {
	w := New(noFaults(12))
	c := startWeb(t, w)
	s := showcase(t, w, S2)
	before := get(t, c, s.pub.ReportColumnURL)
	p, err := w.AddReport(s.pub.Code, s.pub.Name, 2025)
	if err != nil {
		t.Fatalf("add: %v", err)
	}
	if !p.IsReport || p.Year != 2025 || !w.IsReport(p.URL) {
		t.Errorf("added report truth %+v", p)
	}
	after := get(t, c, s.pub.ReportColumnURL)
	if after.header.Get("ETag") == before.header.Get("ETag") || !strings.Contains(after.body, strings.TrimPrefix(p.PageURL, "http://"+s.pub.Host)) {
		t.Errorf("new report not on the first list page")
	}
	mustStatus(t, get(t, c, p.PageURL), 200, "new report")
	if _, err := w.AddReport("999999", "x", 2020); err == nil {
		t.Errorf("AddReport on an unknown site should fail")
	}
	if err := w.ReviseReport("http://" + s.pub.Host + "/nope.html"); err == nil {
		t.Errorf("ReviseReport of a non-item should fail")
	}
}

func TestHostHeaderAndSitesCSV(t *testing.T) {
	w := New(noFaults(12))
	srv := httptest.NewServer(w.Handler())
	defer srv.Close()
	s := showcase(t, w, S4)
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/xxgk.htm", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = s.pub.Host
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("host-header request: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("host-header request status %d", res.StatusCode)
	}
	if l := w.Log(); len(l) != 1 || l[0].Proxy || l[0].Host != s.pub.Host {
		t.Errorf("log %+v", l)
	}
	var buf bytes.Buffer
	if err := w.WriteSitesCSV(&buf); err != nil {
		t.Fatalf("csv: %v", err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("read csv: %v", err)
	}
	if len(rows) != 13 || strings.Join(rows[0], ",") != "code,name,url,level,parent_code" {
		t.Fatalf("csv header/rows: %v", rows[0])
	}
	for _, r := range rows[1:] {
		site, ok := w.Site(r[0])
		if !ok || site.Name != r[1] || site.RootURL != r[2] || site.Level != r[3] {
			t.Errorf("csv row %v does not match the site", r)
		}
	}
}

func TestViolations(t *testing.T) {
	cfg := noFaults(12)
	cfg.CrawlDelayUnit = 500 * time.Millisecond // wide enough for a loaded machine
	cfg.Faults = &Faults{RateLimitSites: 1, RateLimitEvery: 2, RetryAfter: 1, SlowRate: 1, SlowDelay: 100 * time.Millisecond}
	w := New(cfg)
	c := startWeb(t, w)
	delayed := firstSite(t, w, func(s *site) bool { return s.pub.CrawlDelay > 0 && !s.pub.RateLimited })
	limited := firstSite(t, w, func(s *site) bool { return s.pub.RateLimited })
	s6 := showcase(t, w, S6)
	pathSite := firstSite(t, w, func(s *site) bool { return s.pub.Robots == "disallow-path" && !s.pub.RateLimited })
	tests := []struct {
		name string
		do   func()
		want []string
	}{
		{"polite", func() {
			get(t, c, delayed.pub.RootURL+"robots.txt")
			time.Sleep(delayed.pub.CrawlDelay)
			get(t, c, delayed.pub.RootURL)
			get(t, c, s6.pub.RootURL+"robots.txt")
		}, nil},
		{"robots disallow all", func() { get(t, c, s6.pub.ReportColumnURL) }, []string{"robots"}},
		{"robots disallow path", func() { get(t, c, pathSite.pub.RootURL+"search/?q=1") }, []string{"robots"}},
		{"crawl-delay", func() {
			get(t, c, delayed.pub.RootURL)
			get(t, c, delayed.pub.RootURL)
		}, []string{"crawl-delay"}},
		{"retry-after", func() {
			get(t, c, limited.pub.RootURL)
			if r := get(t, c, limited.pub.RootURL); r.status != 429 {
				t.Fatalf("want a 429, got %d", r.status)
			}
			get(t, c, limited.pub.RootURL)
		}, []string{"retry-after"}},
		{"concurrency", func() {
			var wg sync.WaitGroup
			for i := 0; i < 4; i++ {
				wg.Add(1)
				go func() { defer wg.Done(); get(t, c, s6.pub.RootURL) }() // slow: they overlap
			}
			wg.Wait()
		}, []string{"concurrency"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w.ResetLog()
			tc.do()
			rules := map[string]bool{}
			for _, v := range w.Violations() {
				rules[v.Rule] = true
			}
			for _, r := range tc.want {
				if !rules[r] {
					t.Errorf("violation %q not detected (got %v)", r, rules)
				}
				delete(rules, r)
			}
			if tc.name != "concurrency" && len(rules) > 0 {
				t.Errorf("unexpected violations %v", rules)
			}
		})
	}
}

func TestHanwebAnnualReportApp(t *testing.T) {
	w := New(noFaults(12))
	c := startWeb(t, w)
	s := showcase(t, w, S2)
	hub := get(t, c, "http://"+s.pub.Host+s.hub)
	mustStatus(t, hub, 200, "S2 hub")
	n := 0
	for _, l := range links(t, "http://"+s.pub.Host+s.hub, hub.body) {
		if !strings.Contains(l, annualReportApp) {
			continue
		}
		n++
		r := get(t, c, l)
		mustStatus(t, r, 200, l)
		if !w.IsReport(l) || !strings.Contains(r.body, `<meta name="ContentStart"/>`) {
			t.Errorf("%s: not a report page", l)
		}
	}
	if n != 6 {
		t.Errorf("hub links %d annual-report app years, want 6", n)
	}
	mustStatus(t, get(t, c, "http://"+s.pub.Host+annualReportApp+"?fbtime=2022&area=1"), 404, "wrong area")
}

// TestNavigationDepth walks plain <a> links from each home page (breadth first, same host)
// and checks the 年报 column is two clicks away and every sub-column and bucket is linked.
func TestNavigationDepth(t *testing.T) {
	w := New(noFaults(30))
	h := w.Handler()
	for _, s := range w.sites {
		t.Run(s.pub.Style.String()+"-"+s.pub.Host, func(t *testing.T) {
			depth := map[string]int{s.pub.RootURL: 0}
			queue := []string{s.pub.RootURL}
			for len(queue) > 0 && len(depth) < 400 {
				u := queue[0]
				queue = queue[1:]
				if depth[u] >= 4 {
					continue
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, u, nil))
				if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
					continue
				}
				body := rec.Body.String()
				if s.pub.Encoding != "utf-8" {
					body = gbkDecode(t, body)
				}
				for _, l := range links(t, u, body) {
					if _, seen := depth[l]; seen || !strings.HasPrefix(l, s.pub.RootURL) {
						continue
					}
					depth[l] = depth[u] + 1
					queue = append(queue, l)
				}
			}
			if d, ok := depth[s.pub.ReportColumnURL]; !ok || d > 2 {
				t.Errorf("年报 column %s at depth %d (reached %v), want ≤ 2", s.pub.ReportColumnURL, d, ok)
			}
			for _, col := range w.columns(s) {
				u := "http://" + s.pub.Host + w.columnPath(s, col, 1)
				if _, ok := depth[u]; !ok {
					t.Errorf("column %d (%s) not linked", col, u)
				}
			}
		})
	}
}
