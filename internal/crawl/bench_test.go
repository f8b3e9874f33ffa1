package crawl

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ogireports/ogireports/internal/fetch"
	"github.com/ogireports/ogireports/internal/simweb"
	"github.com/ogireports/ogireports/internal/store"
)

// countingRecorder counts final responses per host and passes them on.
type countingRecorder struct {
	next        fetch.Recorder
	mu          sync.Mutex
	n           map[string]int
	first, last map[string]time.Time
}

func (c *countingRecorder) RecordFetch(ctx context.Context, r fetch.Record) error {
	if u, err := url.Parse(r.URL); err == nil && r.Status != 0 {
		c.mu.Lock()
		c.n[u.Host]++
		if c.first[u.Host].IsZero() {
			c.first[u.Host] = time.Now()
		}
		c.last[u.Host] = time.Now()
		c.mu.Unlock()
	}
	return c.next.RecordFetch(ctx, r)
}

// peakRSS returns the process's peak resident set (VmHWM) in MB, or 0 when unknown.
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kb, _ := strconv.ParseFloat(f[1], 64)
				return kb / 1024
			}
		}
	}
	return 0
}

// BenchmarkCrawl crawls OGIREPORTS_BENCH_HOSTS (default 50) simulated hosts without injected
// faults, every host in parallel (--hosts N), at OGIREPORTS_BENCH_DELAY (default 1s), with the SQLite store and the archive, no extraction (its
// throughput is benchmarked in extract and reportgen). It reports the politeness-bound ideal
// time (max over hosts of requests × the host's delay, the larger of ours and Crawl-delay)
// divided by the actual time as "ratio", and the process's peak RSS (simulated web included)
// as "peak_MB".
func BenchmarkCrawl(b *testing.B) {
	hosts := 50
	if v, err := strconv.Atoi(os.Getenv("OGIREPORTS_BENCH_HOSTS")); err == nil && v > 0 {
		hosts = v
	}
	delay := time.Second
	if v, err := time.ParseDuration(os.Getenv("OGIREPORTS_BENCH_DELAY")); err == nil && v > 0 {
		delay = v
	}
	defer TuneGC()()
	for i := 0; i < b.N; i++ {
		env := startSim(b, simweb.Config{Seed: 7, Sites: hosts, CrawlDelayUnit: delay / 2, Faults: &simweb.Faults{}, LogCap: 16})
		st, err := store.Open(filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		state := NewStoreState(st)
		rec := &countingRecorder{next: state, n: map[string]int{}, first: map[string]time.Time{}, last: map[string]time.Time{}}
		a := &fetch.Archive{Dir: b.TempDir()}
		cfg := fetch.DefaultConfig()
		cfg.Delay, cfg.Jitter, cfg.Proxy = delay, 0.05, env.proxy
		cfg.MaxConns = 2 * hosts
		f := fetch.New(cfg, fetch.WithArchive(a), fetch.WithHostStore(state), fetch.WithRecorder(rec), fetch.WithLogger(quietLog()))
		var nDocs atomic.Int64
		discard := ProcessorFunc(func(context.Context, Document) (Outcome, error) { nDocs.Add(1); return Outcome{}, nil })
		c := New(Config{Hosts: hosts}, f, state, a, discard, quietLog())
		b.ResetTimer()
		start := time.Now()
		sum, err := c.Run(context.Background(), env.sites)
		elapsed := time.Since(start)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		var ideal time.Duration
		total := 0
		for _, s := range env.web.Sites() {
			n := rec.n[s.Host]
			total += n
			d := max(delay, s.CrawlDelay)
			if t := time.Duration(n) * d; t > ideal {
				ideal = t
				b.Logf("host %s: %d requests × %v = %v; span %v, from %v", s.Host, n, d, t, rec.last[s.Host].Sub(rec.first[s.Host]), rec.first[s.Host].Sub(start))
			}
		}
		b.ReportMetric(ideal.Seconds()/elapsed.Seconds(), "ratio")
		b.ReportMetric(peakRSS(), "peak_MB")
		b.ReportMetric(float64(total), "pages")
		b.ReportMetric(float64(total)/elapsed.Seconds(), "pages/s")
		b.ReportMetric(float64(nDocs.Load()), "docs")
		if os.Getenv("BENCH_DIAG") != "" {
			var tot time.Duration
			lg := env.web.Log()
			for _, r := range lg {
				tot += r.End.Sub(r.Start)
			}
			if len(lg) > 0 {
				b.Logf("simweb: %d logged, mean server time %v", len(lg), tot/time.Duration(len(lg)))
			}
		}
		b.Logf("%d hosts, delay %v: ideal %v, actual %v; %s", hosts, delay, ideal.Round(time.Millisecond), elapsed.Round(time.Millisecond), sum)
		if err := state.Close(); err != nil {
			b.Fatal(err)
		}
		st.Close()
		f.Close()
	}
}
