package export

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ogireports/ogireports/internal/store"
)

// benchReports is the size of the synthetic store: $OGIREPORTS_BENCH_REPORTS (make bench sets
// 100000, about 20 million cells), 2000 by default for quick runs.
func benchReports(b *testing.B) int {
	n := 2000
	if s := os.Getenv("OGIREPORTS_BENCH_REPORTS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			b.Fatalf("OGIREPORTS_BENCH_REPORTS=%q: want a positive integer", s)
		}
		n = v
	}
	return n
}

// benchStore returns a synthetic store of n reports, cached under the user cache folder
// (ogireports/bench/export-<n>.db) because building 100,000 reports takes minutes.
func benchStore(b *testing.B, n int) string {
	b.Helper()
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = b.TempDir()
	}
	dir = filepath.Join(dir, "ogireports", "bench")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("export-%d.db", n))
	if _, err := os.Stat(path + ".done"); err == nil {
		return path
	}
	os.Remove(path)
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	start := time.Now()
	seedStore(b, path, n)
	b.Logf("built %s (%d reports) in %s", path, n, time.Since(start).Round(time.Millisecond))
	if err := os.WriteFile(path+".done", nil, 0o644); err != nil {
		b.Fatal(err)
	}
	return path
}

// peakSampler samples HeapInuse every 20 ms and keeps the maximum.
type peakSampler struct {
	stop chan struct{}
	wg   sync.WaitGroup
	peak uint64
}

func startPeak() *peakSampler {
	p := &peakSampler{stop: make(chan struct{})}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		var m runtime.MemStats
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > p.peak {
				p.peak = m.HeapInuse
			}
			select {
			case <-p.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

func (p *peakSampler) end() uint64 {
	close(p.stop)
	p.wg.Wait()
	return p.peak
}

// cpuTime is the process's user + system CPU time (the machine may be shared: wall-clock
// rates depend on the load, CPU rates much less).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// vmHWM returns the process's peak resident set size in bytes (Linux), 0 elsewhere.
func vmHWM() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// BenchmarkExport exports the synthetic store (edge report + OGIREPORTS_BENCH_REPORTS
// generated reports) and reports cell rows per second, reports per second, the peak Go heap in
// use during the export and the process's peak RSS (which includes building the store).
func BenchmarkExport(b *testing.B) {
	n := benchReports(b)
	db := benchStore(b, n)
	st, err := store.Open(db)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	cases := []struct {
		name string
		opts Options
	}{
		{"csv", Options{CSV: true}},
		{"parquet", Options{Parquet: true}},
		{"parquet-partitioned", Options{Parquet: true, PartitionYear: true}},
		{"csv+parquet", Options{CSV: true, Parquet: true}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			var sum Summary
			var peak uint64
			var elapsed, cpu time.Duration
			for b.Loop() {
				opts := tc.opts
				opts.Dir = b.TempDir()
				runtime.GC()
				p := startPeak()
				start, cpu0 := time.Now(), cpuTime()
				sum, err = Run(context.Background(), st, opts)
				elapsed += time.Since(start)
				cpu += cpuTime() - cpu0
				if pk := p.end(); pk > peak {
					peak = pk
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			secs := elapsed.Seconds() / float64(b.N)
			b.ReportMetric(float64(sum.Cells)/secs, "cells/s")
			b.ReportMetric(float64(sum.Reports)/secs, "reports/s")
			b.ReportMetric(float64(sum.Cells)/(cpu.Seconds()/float64(b.N)), "cells/cpu-s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(vmHWM())/(1<<20), "peak-rss-MB")
			b.Logf("%d reports, %d cells, %d checks per export", sum.Reports, sum.Cells, sum.Checks)
		})
	}
}
