package ops

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ogireports/ogireports/internal/store"
)

func TestBackoffWait(t *testing.T) {
	b := Backoff{MaxRuns: 8}
	for _, tc := range []struct{ failures, want int }{
		{0, 0}, {1, 1}, {2, 2}, {3, 4}, {4, 8}, {5, 8}, {40, 8},
	} {
		if got := b.Wait(tc.failures); got != tc.want {
			t.Errorf("Wait(%d) = %d, want %d", tc.failures, got, tc.want)
		}
	}
	if got := (Backoff{}).Wait(10); got != DefaultBackoff.MaxRuns {
		t.Errorf("zero Backoff caps at %d, want %d", got, DefaultBackoff.MaxRuns)
	}
}

func TestBackoffEligible(t *testing.T) {
	now := time.Date(2026, 5, 1, 3, 0, 0, 0, time.UTC)
	b := Backoff{MaxRuns: 32, Unit: 24 * time.Hour}
	runsOnly := Backoff{MaxRuns: 32, Unit: -1}
	for _, tc := range []struct {
		name    string
		b       Backoff
		h       store.SiteHealth
		ordinal int64
		want    bool
	}{
		{"healthy", b, store.SiteHealth{}, 5, true},
		{"waiting runs", b, store.SiteHealth{Failures: 3, NextEligibleRun: 9, NextEligible: now.Add(time.Hour)}, 6, false},
		{"runs elapsed", b, store.SiteHealth{Failures: 3, NextEligibleRun: 9, NextEligible: now.Add(time.Hour)}, 9, true},
		{"time elapsed first", b, store.SiteHealth{Failures: 3, NextEligibleRun: 9, NextEligible: now.Add(-time.Hour)}, 6, true},
		{"runs only ignores time", runsOnly, store.SiteHealth{Failures: 3, NextEligibleRun: 9, NextEligible: now.Add(-time.Hour)}, 6, false},
	} {
		if got := tc.b.Eligible(tc.h, tc.ordinal, now); got != tc.want {
			t.Errorf("%s: Eligible = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestBackoffNext(t *testing.T) {
	now := time.Date(2026, 5, 1, 3, 0, 0, 0, time.UTC)
	b := Backoff{MaxRuns: 32, Unit: 24 * time.Hour}
	h := store.SiteHealth{Code: "110000"}
	var nexts []int64
	for run := int64(1); run <= 4; run++ {
		h = b.next(h, OutcomeUnreachable, "down", run, now)
		nexts = append(nexts, h.NextEligibleRun)
	}
	if want := []int64{2, 4, 7, 12}; !equalInts(nexts, want) || h.Failures != 4 {
		t.Fatalf("next eligible runs %v failures %d, want %v and 4", nexts, h.Failures, want)
	}
	if want := now.Add(8 * 24 * time.Hour); !h.NextEligible.Equal(want) {
		t.Errorf("next eligible time %v, want %v", h.NextEligible, want)
	}
	h = b.next(h, OutcomeOK, "", 12, now)
	if h.Failures != 0 || h.NextEligibleRun != 0 || !h.NextEligible.IsZero() || !h.LastOK.Equal(now) {
		t.Errorf("after success: %+v, want reset", h)
	}
}

func equalInts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestClassify(t *testing.T) {
	site := func(state string) store.CrawlSite { return store.CrawlSite{Code: "1", State: state, Reason: "r"} }
	for _, tc := range []struct {
		name string
		a    store.SiteAttempt
		want string
	}{
		{"done with pages", store.SiteAttempt{CrawlSite: site("done"), ItemsDone: 12}, OutcomeOK},
		{"done but nothing fetched", store.SiteAttempt{CrawlSite: site("done"), ItemsFailed: 1}, OutcomeUnreachable},
		{"failed", store.SiteAttempt{CrawlSite: site("failed")}, OutcomeUnreachable},
		{"robots forbids", store.SiteAttempt{CrawlSite: site("robots"), RobotsStatus: 200}, OutcomeRobots},
		{"robots unreachable", store.SiteAttempt{CrawlSite: site("robots"), RobotsStatus: 502}, OutcomeUnreachable},
		{"blocked", store.SiteAttempt{CrawlSite: site("blocked"), ItemsDone: 3}, OutcomeBlocked},
		{"interrupted", store.SiteAttempt{CrawlSite: site("running"), ItemsDone: 3}, OutcomeUnfinished},
	} {
		if got, _ := Classify(tc.a); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestExpectedYear(t *testing.T) {
	for _, tc := range []struct {
		at   time.Time
		want int
	}{
		{time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC), 2024},  // 31 March, 20:00 in Beijing: still due today
		{time.Date(2026, 3, 31, 16, 30, 0, 0, time.UTC), 2025}, // 1 April 00:30 in Beijing
		{time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC), 2025},
		{time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC), 2025},
	} {
		if got := ExpectedYear(tc.at); got != tc.want {
			t.Errorf("ExpectedYear(%v) = %d, want %d", tc.at, got, tc.want)
		}
	}
}

func TestExitFor(t *testing.T) {
	for status, want := range map[string]int{
		StatusOK: ExitOK, StatusStopped: ExitOK, StatusSiteErrors: ExitSiteErrors,
		StatusInterrupted: ExitFatal, StatusFailed: ExitFatal,
	} {
		if got := ExitFor(status); got != want {
			t.Errorf("ExitFor(%s) = %d, want %d", status, got, want)
		}
	}
	codes := map[int]bool{ExitOK: true, ExitFatal: true, ExitUsage: true, ExitSiteErrors: true, ExitRunning: true}
	if len(codes) != 5 {
		t.Errorf("exit statuses are not distinct: %v", codes)
	}
}

func TestNewLogger(t *testing.T) {
	for _, tc := range []struct {
		format  string
		verbose bool
		want    []string
		absent  []string
		err     bool
	}{
		{format: LogText, want: []string{`level=INFO msg="site unreachable" site=110000`}, absent: []string{"fetched"}},
		{format: LogText, verbose: true, want: []string{"level=DEBUG msg=fetched", "level=INFO"}},
		{format: LogJSON, want: []string{`"msg":"site unreachable"`, `"site":"110000"`}, absent: []string{"fetched"}},
		{format: "xml", err: true},
	} {
		var buf bytes.Buffer
		log, err := NewLogger(&buf, tc.format, tc.verbose)
		if tc.err {
			if err == nil {
				t.Errorf("%s: no error", tc.format)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		log.Debug("fetched", "url", "http://x/")
		log.Info("site unreachable", "site", "110000")
		out := buf.String()
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s verbose=%v: %q lacks %q", tc.format, tc.verbose, out, w)
			}
		}
		for _, a := range tc.absent {
			if strings.Contains(out, a) {
				t.Errorf("%s verbose=%v: %q has %q", tc.format, tc.verbose, out, a)
			}
		}
		if tc.format == LogJSON {
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				var m map[string]any
				if err := json.Unmarshal([]byte(line), &m); err != nil {
					t.Errorf("not a JSON line: %q: %v", line, err)
				}
			}
		}
	}
}

func TestLockExclusive(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	l1, err := Acquire(db, "crawl")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(db, "crawl reextract")
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Acquire: %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), "pid ") || !strings.Contains(err.Error(), "crawl") {
		t.Errorf("message does not name the holder: %v", err)
	}
	if err := l1.Release(); err != nil {
		t.Fatal(err)
	}
	l2, err := Acquire(db, "crawl")
	if err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
	l2.Release()
}

// TestLockHolderProcess is the child of TestLockReleasedBySIGKILL: it takes the lock and waits.
func TestLockHolderProcess(t *testing.T) {
	db := os.Getenv("OPS_LOCK_HOLDER_DB")
	if db == "" {
		t.Skip("helper process only")
	}
	if _, err := Acquire(db, "holder"); err != nil {
		os.Exit(7)
	}
	os.Stdout.WriteString("locked\n")
	time.Sleep(time.Minute)
	os.Exit(0)
}

func TestLockReleasedBySIGKILL(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHolderProcess$")
	cmd.Env = append(os.Environ(), "OPS_LOCK_HOLDER_DB="+db)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, _ := out.Read(buf)
	if !strings.Contains(string(buf[:n]), "locked") {
		t.Fatalf("helper said %q", buf[:n])
	}
	if _, err := Acquire(db, "crawl"); !errors.Is(err, ErrLocked) {
		t.Fatalf("while the holder lives: %v, want ErrLocked", err)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	l, err := Acquire(db, "crawl")
	if err != nil {
		t.Fatalf("after SIGKILL of the holder: %v", err)
	}
	l.Release()
}
