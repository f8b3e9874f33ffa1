package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// hit is one request the test server saw.
type hit struct {
	path  string
	start time.Time
	end   time.Time
	hdr   http.Header
}

// server is an httptest server that logs requests and checks one-in-flight.
type server struct {
	*httptest.Server
	mu       sync.Mutex
	hits     []hit
	inflight int32
	overlap  atomic.Bool
}

func newServer(t *testing.T, h http.HandlerFunc) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if atomic.AddInt32(&s.inflight, 1) > 1 {
			s.overlap.Store(true)
		}
		start := time.Now()
		h(w, r)
		atomic.AddInt32(&s.inflight, -1)
		s.mu.Lock()
		s.hits = append(s.hits, hit{path: r.URL.RequestURI(), start: start, end: time.Now(), hdr: r.Header.Clone()})
		s.mu.Unlock()
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) paths() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, h := range s.hits {
		out = append(out, h.path)
	}
	return out
}

func testConfig() Config {
	c := DefaultConfig()
	c.Delay = 20 * time.Millisecond
	c.Jitter = 0.5
	c.MaxRetries = 2
	c.PageTimeout = 2 * time.Second
	c.UserAgent = "ogireports/test (+https://example.org/contact)"
	return c
}

func TestRobots(t *testing.T) {
	tests := []struct {
		name    string
		robots  func(w http.ResponseWriter)
		path    string
		allowed bool
		delay   time.Duration
	}{
		{"disallow all", func(w http.ResponseWriter) { fmt.Fprint(w, "User-agent: *\nDisallow: /\n") }, "/a.html", false, 0},
		{"disallow path", func(w http.ResponseWriter) { fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n") }, "/private/x.html", false, 0},
		{"other path allowed", func(w http.ResponseWriter) { fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n") }, "/public/x.html", true, 0},
		{"our agent group", func(w http.ResponseWriter) {
			fmt.Fprint(w, "User-agent: *\nDisallow:\n\nUser-agent: ogireports\nDisallow: /zwgk/\n")
		}, "/zwgk/a.html", false, 0},
		{"crawl-delay", func(w http.ResponseWriter) { fmt.Fprint(w, "User-agent: *\nCrawl-delay: 0.3\n") }, "/a.html", true, 300 * time.Millisecond},
		{"404 allows", func(w http.ResponseWriter) { http.NotFound(w, nil) }, "/a.html", true, 0},
		{"5xx disallows", func(w http.ResponseWriter) { w.WriteHeader(500) }, "/a.html", false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/robots.txt" {
					tc.robots(w)
					return
				}
				fmt.Fprint(w, "<html>ok</html>")
			})
			f := New(testConfig())
			_, err := f.Fetch(context.Background(), Request{URL: srv.URL + tc.path})
			if tc.allowed && err != nil {
				t.Fatalf("fetch: %v", err)
			}
			if !tc.allowed && !errors.Is(err, ErrDisallowed) {
				t.Fatalf("err = %v, want ErrDisallowed", err)
			}
			u, _ := url.Parse(srv.URL)
			f.mu.Lock()
			got := f.table[u.Host].st.CrawlDelay
			f.mu.Unlock()
			if got != tc.delay {
				t.Errorf("crawl delay = %v, want %v", got, tc.delay)
			}
			for _, p := range srv.paths() {
				if p == tc.path && !tc.allowed {
					t.Errorf("disallowed path %s was requested", p)
				}
			}
		})
	}
}

func TestRobotsCachedAndIgnorable(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: *\nDisallow: /x\n")
			return
		}
		fmt.Fprint(w, "ok")
	})
	f := New(testConfig())
	for i := 0; i < 3; i++ {
		if _, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/a"}); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	for _, p := range srv.paths() {
		if p == "/robots.txt" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("robots.txt fetched %d times, want 1 (cached)", n)
	}
	cfg := testConfig()
	cfg.IgnoreRobots = true
	if _, err := New(cfg).Fetch(context.Background(), Request{URL: srv.URL + "/x"}); err != nil {
		t.Errorf("IgnoreRobots: %v", err)
	}
}

func TestDelayAndOneInFlight(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(5 * time.Millisecond)
		fmt.Fprint(w, "ok")
	})
	cfg := testConfig()
	cfg.Delay = 40 * time.Millisecond
	cfg.Jitter = 0.5
	f := New(cfg)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if _, err := f.Fetch(context.Background(), Request{URL: fmt.Sprintf("%s/p%d", srv.URL, i)}); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	if srv.overlap.Load() {
		t.Error("two requests in flight to one host")
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.hits) != 9 { // robots + 8
		t.Fatalf("hits = %d, want 9", len(srv.hits))
	}
	var maxGap time.Duration
	for i := 1; i < len(srv.hits); i++ {
		gap := srv.hits[i].start.Sub(srv.hits[i-1].end)
		if gap < cfg.Delay-2*time.Millisecond { // server timestamps are taken inside the handler
			t.Errorf("gap %d = %v < delay %v", i, gap, cfg.Delay)
		}
		maxGap = max(maxGap, gap)
	}
	if maxGap > 10*cfg.Delay { // generous: a loaded CI machine schedules late, never early
		t.Errorf("max gap %v: jitter should stay under 1.5×delay plus scheduling", maxGap)
	}
}

func TestCrawlDelayWins(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: *\nCrawl-delay: 0.15\n")
			return
		}
		fmt.Fprint(w, "ok")
	})
	cfg := testConfig()
	cfg.Delay = 10 * time.Millisecond
	f := New(cfg)
	for i := 0; i < 3; i++ {
		if _, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/a"}); err != nil {
			t.Fatal(err)
		}
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	for i := 2; i < len(srv.hits); i++ {
		if gap := srv.hits[i].start.Sub(srv.hits[i-1].end); gap < 145*time.Millisecond {
			t.Errorf("gap %v shorter than Crawl-delay 150ms", gap)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	var n atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(429)
			return
		}
		fmt.Fprint(w, "ok")
	})
	f := New(testConfig())
	resp, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/a"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Attempts != 2 {
		t.Errorf("attempts = %d, want 2", resp.Attempts)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	last := srv.hits[len(srv.hits)-1]
	prev := srv.hits[len(srv.hits)-2]
	if gap := last.start.Sub(prev.end); gap < 990*time.Millisecond {
		t.Errorf("retried after %v, Retry-After said 1s", gap)
	}
}

func TestRetryAfterTooLong(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(503)
	})
	cfg := testConfig()
	cfg.IgnoreRobots = true
	f := New(cfg)
	_, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/a"})
	var rl *RetryLaterError
	if !errors.As(err, &rl) {
		t.Fatalf("err = %v, want RetryLaterError", err)
	}
	if d := time.Until(rl.Until); d < 3590*time.Second {
		t.Errorf("until in %v, want about an hour", d)
	}
	if ErrorKind(err) != "retry_later" {
		t.Errorf("kind = %q", ErrorKind(err))
	}
}

func TestBackoffOn5xx(t *testing.T) {
	tests := []struct {
		name     string
		failures int32
		wantErr  bool
	}{
		{"recovers", 2, false},
		{"gives up", 10, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int32
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) <= tc.failures {
					w.WriteHeader(502)
					return
				}
				fmt.Fprint(w, "ok")
			})
			cfg := testConfig()
			cfg.IgnoreRobots = true
			cfg.Delay = 1 * time.Millisecond
			f := New(cfg)
			var waits []time.Duration
			f.sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil } // no real waiting
			_, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/a"})
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if tc.wantErr {
				var se *StatusError
				if !errors.As(err, &se) || se.Code != 502 || ErrorKind(err) != "http_5xx" {
					t.Errorf("err = %v, want StatusError 502", err)
				}
				if got := n.Load(); got != int32(cfg.MaxRetries+1) {
					t.Errorf("requests = %d, want %d", got, cfg.MaxRetries+1)
				}
			}
			if !tc.wantErr && len(waits) < int(tc.failures) {
				t.Errorf("%d waits recorded for %d retries", len(waits), tc.failures)
			}
		})
	}
}

func TestBackoffGrows(t *testing.T) {
	f := New(testConfig())
	h := &host{}
	prev := time.Duration(0)
	for a := 0; a < 4; a++ {
		d := f.backoff(h, a)
		if d <= prev {
			t.Errorf("backoff(%d) = %v, not above %v", a, d, prev)
		}
		prev = d
	}
	if f.backoff(h, 40) != 5*time.Minute {
		t.Errorf("backoff cap = %v", f.backoff(h, 40))
	}
}

func TestBlockedHost(t *testing.T) {
	tests := []struct {
		name string
		h    http.HandlerFunc
	}{
		{"403", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(403) }},
		{"captcha page", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<html><head><script src="/_bot_sbu/sbu_fpcm.js"></script></head><body>请完成安全验证</body></html>`)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/robots.txt" {
					http.NotFound(w, r)
					return
				}
				tc.h(w, r)
			})
			f := New(testConfig())
			_, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/a"})
			if !errors.Is(err, ErrBlocked) {
				t.Fatalf("err = %v, want ErrBlocked", err)
			}
			before := len(srv.paths())
			_, err = f.Fetch(context.Background(), Request{URL: srv.URL + "/b"})
			if !errors.Is(err, ErrBlocked) {
				t.Fatalf("second err = %v, want ErrBlocked", err)
			}
			if after := len(srv.paths()); after != before {
				t.Errorf("a blocked host got %d more requests", after-before)
			}
			u, _ := url.Parse(srv.URL)
			if f.Blocked(context.Background(), u.Host) == "" {
				t.Error("Blocked() empty")
			}
		})
	}
}

func TestSizeLimit(t *testing.T) {
	big := bytes.Repeat([]byte("x"), 5000)
	tests := []struct {
		name  string
		chunk bool // no Content-Length
	}{{"content-length", false}, {"streamed", true}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				if !tc.chunk {
					w.Header().Set("Content-Length", fmt.Sprint(len(big)))
				}
				w.Write(big[:2000])
				w.(http.Flusher).Flush()
				w.Write(big[2000:])
			})
			cfg := testConfig()
			cfg.IgnoreRobots = true
			cfg.MaxPage = 1000
			rec := &memRecorder{}
			f := New(cfg, WithRecorder(rec))
			resp, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/big"})
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("err = %v, want ErrTooLarge", err)
			}
			if resp == nil || !resp.Truncated || len(resp.Body) > 1000 {
				t.Fatalf("resp = %+v, want truncated at most 1000 bytes", resp)
			}
			if len(rec.recs) != 1 || !rec.recs[0].Truncated {
				t.Errorf("cut not recorded: %+v", rec.recs)
			}
			// An attachment has its own, larger limit.
			cfg.MaxAttachment = 10000
			f2 := New(cfg)
			resp, err = f2.Fetch(context.Background(), Request{URL: srv.URL + "/big", Kind: KindAttachment})
			if err != nil || len(resp.Body) != len(big) {
				t.Fatalf("attachment: err %v, %d bytes", err, len(resp.Body))
			}
		})
	}
}

type memRecorder struct {
	mu   sync.Mutex
	recs []Record
}

func (m *memRecorder) RecordFetch(_ context.Context, r Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.recs = append(m.recs, r)
	return nil
}

func TestRedirects(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/loop"):
			http.Redirect(w, r, r.URL.Path+"x", http.StatusFound)
		case r.URL.Path == "/old":
			http.Redirect(w, r, "/new", http.StatusMovedPermanently)
		case r.URL.Path == "/away":
			http.Redirect(w, r, "http://mirror.example.com/copy", http.StatusFound)
		default:
			fmt.Fprint(w, "page "+r.URL.Path)
		}
	})
	cfg := testConfig()
	cfg.IgnoreRobots = true
	cfg.MaxRedirects = 3
	f := New(cfg)
	resp, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/old"})
	if err != nil || string(resp.Body) != "page /new" || !strings.HasSuffix(resp.FinalURL, "/new") {
		t.Fatalf("redirect: %v %+v", err, resp)
	}
	_, err = f.Fetch(context.Background(), Request{URL: srv.URL + "/loop"})
	if !errors.Is(err, ErrTooManyRedirects) {
		t.Errorf("loop err = %v", err)
	}
	if n := len(srv.paths()); n > 2+cfg.MaxRedirects+1 {
		t.Errorf("%d requests for a redirect loop with limit %d", n, cfg.MaxRedirects)
	}
	root, _ := url.Parse(srv.URL)
	_, err = f.Fetch(context.Background(), Request{URL: srv.URL + "/away", AllowURL: func(u *url.URL) bool { return u.Host == root.Host }})
	if !errors.Is(err, ErrOffSite) {
		t.Errorf("off-site err = %v", err)
	}
}

func TestConditionalAndArchive(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Mon, 02 Jan 2023 15:04:05 GMT")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<html>report</html>")
	})
	cfg := testConfig()
	cfg.IgnoreRobots = true
	a := &Archive{Dir: t.TempDir()}
	rec := &memRecorder{}
	f := New(cfg, WithArchive(a), WithRecorder(rec))
	r1, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/r"})
	if err != nil {
		t.Fatal(err)
	}
	if r1.ETag != `"v1"` || r1.SHA256 != Sum([]byte("<html>report</html>")) {
		t.Fatalf("first: %+v", r1)
	}
	got, err := a.Get(r1.SHA256)
	if err != nil || string(got) != "<html>report</html>" {
		t.Fatalf("archive: %q %v", got, err)
	}
	if !strings.HasPrefix(a.Path(r1.SHA256), a.Dir+"/"+r1.SHA256[:2]+"/") {
		t.Errorf("archive path %s not content-addressed", a.Path(r1.SHA256))
	}
	r2, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/r", ETag: r1.ETag, LastModified: r1.LastModified})
	if err != nil || !r2.NotModified || len(r2.Body) != 0 {
		t.Fatalf("conditional: %v %+v", err, r2)
	}
	hits := srv.paths()
	srv.mu.Lock()
	h := srv.hits[len(hits)-1].hdr
	srv.mu.Unlock()
	if h.Get("If-Modified-Since") == "" || !strings.HasPrefix(h.Get("User-Agent"), "ogireports/") {
		t.Errorf("headers sent: %v", h)
	}
	if len(rec.recs) != 2 || rec.recs[1].Status != 304 || rec.recs[0].SHA256 == "" {
		t.Errorf("records: %+v", rec.recs)
	}
}

func TestDecode(t *testing.T) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("政府信息公开工作年度报告")
	tests := []struct {
		name, ct, body, want string
	}{
		{"utf-8 header", "text/html; charset=utf-8", "<p>年度报告</p>", "年度报告"},
		{"meta only gb2312", "text/html", `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>` + gbk + `</body></html>`, "政府信息公开工作年度报告"},
		{"header gbk, conflicting meta", "text/html; charset=GBK", `<meta charset="utf-8"><p>` + gbk + `</p>`, "政府信息公开工作年度报告"},
		{"nothing declared, gbk bytes", "", "<p>" + gbk + "</p>", "政府信息公开工作年度报告"},
		{"nothing declared, utf-8 bytes", "", "<p>政府信息公开工作年度报告</p>", "政府信息公开工作年度报告"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := Decode([]byte(tc.body), tc.ct)
			if !strings.Contains(got, tc.want) {
				t.Errorf("Decode = %q, want it to contain %q", got, tc.want)
			}
		})
	}
}

func TestChallenge(t *testing.T) {
	tests := []struct {
		ct, body string
		want     bool
	}{
		{"text/html", `<script src="/_bot_sbu/sbu_fpcm.js"></script>`, true},
		{"text/html", `<title>创宇盾</title>`, true},
		{"text/html", `<html><body><table><tr><td>政府信息公开工作年度报告</td></tr></table></body></html>`, false},
		{"application/pdf", `captcha`, false},
		{"text/html", strings.Repeat("正文", 20000) + "captcha", false},
	}
	for i, tc := range tests {
		if got := Challenge(tc.ct, []byte(tc.body)) != ""; got != tc.want {
			t.Errorf("%d: Challenge = %v, want %v", i, got, tc.want)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"5", 5 * time.Second, true},
		{"Thu, 01 Jan 2026 00:00:30 GMT", 30 * time.Second, true},
		{"", 0, false},
		{"soon", 0, false},
	}
	for _, tc := range tests {
		got, ok := parseRetryAfter(tc.v, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %v %v, want %v %v", tc.v, got, ok, tc.want, tc.ok)
		}
	}
}

type memHosts struct {
	mu sync.Mutex
	m  map[string]HostState
}

func (m *memHosts) LoadHost(_ context.Context, h string) (HostState, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.m[h]
	return s, ok, nil
}

func (m *memHosts) SaveHost(_ context.Context, s HostState) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m[s.Host] = s
	return nil
}

func TestHostStatePersists(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: *\nDisallow: /no\nCrawl-delay: 1\n")
			return
		}
		fmt.Fprint(w, "ok")
	})
	hs := &memHosts{m: map[string]HostState{}}
	cfg := testConfig()
	f := New(cfg, WithHostStore(hs))
	if _, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/a"}); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(srv.URL)
	st := hs.m[u.Host]
	if st.CrawlDelay != time.Second || st.RobotsStatus != 200 {
		t.Fatalf("persisted state: %+v", st)
	}
	// A new fetcher (a restarted process) keeps robots and waits a gap before its first request.
	f2 := New(cfg, WithHostStore(hs))
	if _, err := f2.Fetch(context.Background(), Request{URL: srv.URL + "/no"}); !errors.Is(err, ErrDisallowed) {
		t.Errorf("restarted fetcher: err = %v, want ErrDisallowed", err)
	}
	start := time.Now()
	if _, err := f2.Fetch(context.Background(), Request{URL: srv.URL + "/a"}); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 900*time.Millisecond {
		t.Errorf("restarted fetcher sent its first request after %v, Crawl-delay is 1s", waited)
	}
	n := 0
	for _, p := range srv.paths() {
		if p == "/robots.txt" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("robots.txt fetched %d times across restarts, want 1", n)
	}
}
