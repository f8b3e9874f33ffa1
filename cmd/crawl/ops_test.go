package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ogireports/ogireports/internal/ops"
	"github.com/ogireports/ogireports/internal/simweb"
	"github.com/ogireports/ogireports/internal/store"
)

// simHarness is a simulated web with a registry file, a database and a data directory.
type simHarness struct {
	web                    *simweb.Web
	proxy, sites, db, data string
}

func newHarness(t *testing.T, cfg simweb.Config) *simHarness {
	t.Helper()
	w := simweb.New(cfg)
	p, err := w.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	dir := t.TempDir()
	h := &simHarness{web: w, proxy: p, sites: filepath.Join(dir, "sites.csv"), db: filepath.Join(dir, "o.db"), data: filepath.Join(dir, "data")}
	fh, err := os.Create(h.sites)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteSitesCSV(fh); err != nil {
		t.Fatal(err)
	}
	fh.Close()
	return h
}

// args are the crawl flags for the harness (fast politeness for the loopback web).
func (h *simHarness) args(extra ...string) []string {
	return append([]string{"--sites", h.sites, "--db", h.db, "--data", h.data, "--proxy", h.proxy,
		"--delay", "1ms", "--jitter", "0", "--hosts", "8"}, extra...)
}

// crawlOnce runs the crawl in-process and returns its exit status, stdout and stderr.
func crawlOnce(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func openDB(t *testing.T, db string) *store.Store {
	t.Helper()
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// smallWeb is a web of four small sites, one of each of S1, S2, S5 and S6 (robots.txt
// disallows all), with two report years and no injected faults: a crawl takes seconds.
func smallWeb(seed int64) simweb.Config {
	return simweb.Config{Seed: seed, Sites: 4, Styles: []simweb.Style{simweb.S1, simweb.S2, simweb.S5, simweb.S6},
		Years: [2]int{2023, 2024}, CrawlDelayUnit: 2 * time.Millisecond, Faults: &simweb.Faults{}}
}

// lastRun returns the newest run of the history with its counts decoded.
func lastRun(t *testing.T, db string) (store.RunRow, ops.CrawlCounts) {
	t.Helper()
	st := openDB(t, db)
	runs, err := st.Runs(context.Background(), 1)
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs %v %v", runs, err)
	}
	var c ops.CrawlCounts
	if err := json.Unmarshal([]byte(runs[0].Counts), &c); err != nil {
		t.Fatalf("counts %q: %v", runs[0].Counts, err)
	}
	return runs[0], c
}

// reportSet renders every stored report as "sha256 agency year key=value…", sorted: equal sets
// mean the same reports with the same cells, whatever the row ids.
func reportSet(t *testing.T, db string) []string {
	t.Helper()
	st := openDB(t, db)
	ctx := context.Background()
	cellsOf := map[int64][]string{}
	if err := st.EachCell(ctx, func(c store.CellRow) error {
		v := "blank"
		if c.Value != nil {
			v = fmt.Sprint(*c.Value)
		}
		cellsOf[c.ReportID] = append(cellsOf[c.ReportID], c.Key+"="+v)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var out []string
	if err := st.EachReport(ctx, func(r store.ReportRow) error {
		out = append(out, fmt.Sprintf("%s %s %d %s", r.DocumentSHA256, r.Agency, r.Year, strings.Join(cellsOf[r.ID], " ")))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// siteOfStyle returns the first site of a style.
func siteOfStyle(t *testing.T, w *simweb.Web, st simweb.Style) simweb.Site {
	t.Helper()
	for _, s := range w.Sites() {
		if s.Style == st {
			return s
		}
	}
	t.Fatalf("no %s site", st)
	return simweb.Site{}
}

// requestsTo counts the request log entries to host after t0.
func requestsTo(w *simweb.Web, host string, t0 time.Time) int {
	n := 0
	for _, r := range w.Log() {
		if r.Host == host && !r.Start.Before(t0) {
			n++
		}
	}
	return n
}

func TestMaxRuntimeStopsAndNextRunFinishes(t *testing.T) {
	ref := newHarness(t, smallWeb(5))
	if code, _, errs := crawlOnce(t, ref.args()...); code != ops.ExitOK {
		t.Fatalf("uninterrupted crawl: exit %d\n%s", code, errs)
	}
	want := reportSet(t, ref.db)
	if len(want) == 0 {
		t.Fatal("the uninterrupted crawl found no report")
	}

	h := newHarness(t, smallWeb(5))
	var statuses []string
	for i := 0; i < 30; i++ {
		start := time.Now()
		code, _, errs := crawlOnce(t, h.args("--delay", "5ms", "--max-runtime", "400ms")...)
		if code != ops.ExitOK {
			t.Fatalf("run %d: exit %d\n%s", i+1, code, errs)
		}
		if took := time.Since(start); took > 10*time.Second {
			t.Errorf("run %d took %s with --max-runtime 400ms", i+1, took)
		}
		r, _ := lastRun(t, h.db)
		statuses = append(statuses, r.Status)
		if r.Status == ops.StatusStopped && !strings.Contains(errs, "crawl stopped at --max-runtime") {
			t.Errorf("run %d: no stop line in the log:\n%s", i+1, errs)
		}
		if r.Status == ops.StatusOK {
			break
		}
	}
	if len(statuses) < 2 || statuses[0] != ops.StatusStopped || statuses[len(statuses)-1] != ops.StatusOK {
		t.Fatalf("run statuses %v, want stopped … ok", statuses)
	}
	got := reportSet(t, h.db)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("after %d runs: %d reports, want the uninterrupted crawl's %d (same documents and cells)", len(statuses), len(got), len(want))
	}
}

func TestBackoffAcrossRuns(t *testing.T) {
	h := newHarness(t, smallWeb(7))
	down := siteOfStyle(t, h.web, simweb.S2)
	h.web.SetDown(down.Code, true)
	health := func() store.SiteHealth {
		st := openDB(t, h.db)
		hs, err := st.SiteHealths(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return hs[down.Code]
	}
	for i, tc := range []struct {
		up                   bool
		exit                 int
		tried                bool
		failures             int
		nextRun              int64
		skipped, unreachable int
	}{
		{exit: ops.ExitSiteErrors, tried: true, failures: 1, nextRun: 2, unreachable: 1},
		{exit: ops.ExitSiteErrors, tried: true, failures: 2, nextRun: 4, unreachable: 1},
		{exit: ops.ExitOK, tried: false, failures: 2, nextRun: 4, skipped: 1},
		{up: true, exit: ops.ExitOK, tried: true, failures: 0, nextRun: 0},
	} {
		if tc.up {
			h.web.SetDown(down.Code, false)
		}
		t0 := time.Now()
		code, _, errs := crawlOnce(t, h.args()...)
		if code != tc.exit {
			t.Fatalf("run %d: exit %d, want %d\n%s", i+1, code, tc.exit, errs)
		}
		if n := requestsTo(h.web, down.Host, t0); (n > 0) != tc.tried {
			t.Errorf("run %d: %d requests to the failing site, want tried=%v", i+1, n, tc.tried)
		}
		hh := health()
		if hh.Failures != tc.failures || hh.NextEligibleRun != tc.nextRun {
			t.Errorf("run %d: health %+v, want %d failures, next run %d", i+1, hh, tc.failures, tc.nextRun)
		}
		_, c := lastRun(t, h.db)
		if c.SkippedBackoff != tc.skipped || c.SitesUnreachable != tc.unreachable {
			t.Errorf("run %d: counts %+v", i+1, c)
		}
		if tc.skipped > 0 && !strings.Contains(errs, "site skipped: backoff after failures") {
			t.Errorf("run %d: no backoff line in the log:\n%s", i+1, errs)
		}
		if tc.unreachable > 0 && !strings.Contains(errs, `msg="site unreachable" site=`+down.Code) {
			t.Errorf("run %d: no unreachable line in the log:\n%s", i+1, errs)
		}
	}
	// Back: its reports are in the store.
	st := openDB(t, h.db)
	years, err := st.SiteLatestYears(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if years[down.Code] != 2024 {
		t.Errorf("latest report year of the recovered site %d, want 2024", years[down.Code])
	}
}

// reportAt returns the report stored from the latest body fetched at url.
func reportAt(t *testing.T, st *store.Store, url string) (store.ReportHead, string, bool) {
	t.Helper()
	ctx := context.Background()
	f, _, ok, err := st.LastFetch(ctx, url)
	if err != nil || !ok {
		return store.ReportHead{}, "", false
	}
	d, err := st.DocumentBySHA256(ctx, f.SHA256)
	if err != nil {
		return store.ReportHead{}, f.SHA256, false
	}
	h, ok, err := st.ReportOfDocument(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	return h, f.SHA256, ok
}

// TestScheduledRefreshes runs three scheduled crawls of a web that changes between them: new
// reports, a revised one, a site that goes down and comes back. After each it checks the
// store, the run history and `crawl status`.
func TestScheduledRefreshes(t *testing.T) {
	h := newHarness(t, smallWeb(9))
	ctx := context.Background()
	a, b, c := siteOfStyle(t, h.web, simweb.S1), siteOfStyle(t, h.web, simweb.S2), siteOfStyle(t, h.web, simweb.S5)
	robots := siteOfStyle(t, h.web, simweb.S6)
	var revised simweb.Planted
	for _, p := range h.web.Truth() {
		if p.SiteCode == b.Code && p.IsReport && p.Category == simweb.CatReport && p.Kind == "html" && p.Reachable && p.Extractable && p.Cells != nil {
			revised = p
			break
		}
	}
	if revised.URL == "" {
		t.Fatal("no html report on the S2 site to revise")
	}
	statuses := []string{}
	check := func(run int, wantExit int, wantStatus string) (ops.CrawlCounts, string) {
		t.Helper()
		code, _, errs := crawlOnce(t, h.args()...)
		if code != wantExit {
			t.Fatalf("run %d: exit %d, want %d\n%s", run, code, wantExit, errs)
		}
		r, counts := lastRun(t, h.db)
		statuses = append(statuses, r.Status)
		if r.Status != wantStatus || r.Kind != store.RunCrawl || r.Ordinal != int64(run) || r.Ended.IsZero() {
			t.Errorf("run %d: history %+v, want status %s", run, r, wantStatus)
		}
		if !strings.Contains(r.Options, `"max-runtime":"0s"`) || !strings.Contains(r.Options, `"proxy":"`+h.proxy+`"`) {
			t.Errorf("run %d: options %s", run, r.Options)
		}
		if counts.Sites != 4 || counts.SitesRobots != 1 || counts.Pages == 0 {
			t.Errorf("run %d: counts %+v", run, counts)
		}
		return counts, errs
	}

	// Run 1: everything is new.
	c1, _ := check(1, ops.ExitOK, ops.StatusOK)
	st := openDB(t, h.db)
	n1, _ := st.Counts(ctx)
	if c1.ReportsNew == 0 || c1.SitesOK != 3 || c1.NotModified != 0 || n1.Reports == 0 {
		t.Errorf("run 1: counts %+v, store %+v", c1, n1)
	}
	oldRev, oldSHA, ok := reportAt(t, st, revised.URL)
	if !ok || oldRev.Year != revised.Year {
		t.Fatalf("run 1: revised-to-be report %s not stored (%+v)", revised.URL, oldRev)
	}

	// Between runs 1 and 2: a new report on A, a revision on B, C goes down.
	added, err := h.web.AddReport(a.Code, a.Name, 2025)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.web.ReviseReport(revised.URL); err != nil {
		t.Fatal(err)
	}
	h.web.SetDown(c.Code, true)
	c2, _ := check(2, ops.ExitSiteErrors, ops.StatusSiteErrors)
	if c2.ReportsNew < 1 || c2.ReportsChanged != 1 || c2.SitesUnreachable != 1 || c2.SitesOK != 2 || c2.NotModified == 0 {
		t.Errorf("run 2: counts %+v", c2)
	}
	if r, _, ok := reportAt(t, st, added.URL); !ok || r.Year != 2025 {
		t.Errorf("run 2: added report %s not stored as a 2025 report (%+v)", added.URL, r)
	}
	newRev, newSHA, ok := reportAt(t, st, revised.URL)
	if !ok || newSHA == oldSHA || newRev.ID == oldRev.ID {
		t.Errorf("run 2: revision not stored as a new version: old %d %s, new %d %s", oldRev.ID, oldSHA, newRev.ID, newSHA)
	}
	// The crawl reconciled: the revision is the current version of its logical report, the
	// old version is kept as a superseded member.
	if ls, err := st.LogicalReports(ctx); err != nil || len(ls) == 0 {
		t.Errorf("run 2: no logical reports after the crawl (%v)", err)
	} else {
		found := false
		for _, l := range ls {
			ms, err := st.LogicalMembers(ctx, l.ID)
			if err != nil {
				t.Fatal(err)
			}
			cur := map[int64]bool{}
			for _, m := range ms {
				cur[m.ReportID] = m.IsCurrent
			}
			if _, ok := cur[newRev.ID]; ok {
				found = true
				if !cur[newRev.ID] || cur[oldRev.ID] || l.ChosenReportID != newRev.ID || l.CurrentVersion < 2 {
					t.Errorf("run 2: logical report %+v members %+v: want the revision current and chosen", l, ms)
				}
			}
		}
		if !found {
			t.Errorf("run 2: the revised report %d is in no logical report", newRev.ID)
		}
	}
	if d, err := st.DocumentBySHA256(ctx, oldSHA); err != nil || d.Status != store.StatusReport {
		t.Errorf("run 2: the revised report's old version is gone: %+v %v", d, err)
	}
	hs, _ := st.SiteHealths(ctx)
	if hs[c.Code].Failures != 1 || hs[c.Code].LastOutcome != ops.OutcomeUnreachable || hs[a.Code].Failures != 0 {
		t.Errorf("run 2: health %+v", hs)
	}
	var out, errb bytes.Buffer
	if code := run([]string{"status", "--db", h.db, "--unreachable", "1"}, &out, &errb); code != ops.ExitOK {
		t.Fatalf("status: exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"Last runs (2):", "#2 crawl     site_errors", "#1 crawl     ok", "reports_changed=1",
		"unreachable       " + c.Code, "robots            " + robots.Code, "Agencies matching no jurisdiction"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("status output lacks %q:\n%s", want, out.String())
		}
	}

	// The health report at a fixed date (reports for 2025 due since 31 March 2026): A has its
	// 2025 report, B does not, C is unreachable, the S6 site forbids us by robots.txt.
	hr, err := ops.Health(ctx, st, 10, 1, time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	problems := map[string]string{}
	for _, at := range hr.Attention {
		problems[at.Code] = at.Problem
	}
	wantProblems := map[string]string{b.Code: ops.ProblemNoLatest, c.Code: ops.ProblemUnreachable, robots.Code: ops.ProblemRobots}
	if fmt.Sprint(problems) != fmt.Sprint(wantProblems) || hr.ExpectedYear != 2025 || len(hr.Runs) != 2 {
		t.Errorf("attention %v (expected year %d, %d runs), want %v", problems, hr.ExpectedYear, len(hr.Runs), wantProblems)
	}

	// Between runs 2 and 3: C is back with a new report.
	h.web.SetDown(c.Code, false)
	addedC, err := h.web.AddReport(c.Code, c.Name, 2025)
	if err != nil {
		t.Fatal(err)
	}
	c3, _ := check(3, ops.ExitOK, ops.StatusOK)
	if c3.ReportsNew < 1 || c3.ReportsChanged != 0 || c3.SitesUnreachable != 0 || c3.SitesOK != 3 || c3.NotModified == 0 {
		t.Errorf("run 3: counts %+v", c3)
	}
	if r, _, ok := reportAt(t, st, addedC.URL); !ok || r.Year != 2025 {
		t.Errorf("run 3: report added on the recovered site not stored (%+v)", r)
	}
	hs, _ = st.SiteHealths(ctx)
	if hs[c.Code].Failures != 0 || hs[c.Code].LastOutcome != ops.OutcomeOK {
		t.Errorf("run 3: health of the recovered site %+v", hs[c.Code])
	}
	if n3, _ := st.Counts(ctx); n3.Reports < n1.Reports+3 {
		t.Errorf("run 3: %d reports, want at least %d (run 1) + 2 added + 1 revision", n3.Reports, n1.Reports)
	}
	if fmt.Sprint(statuses) != "[ok site_errors ok]" {
		t.Errorf("statuses %v", statuses)
	}
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// crawlBinary builds the crawl binary once per test process.
func crawlBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "crawlbin")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "crawl")
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// startSlowCrawl starts the binary on h with a long delay and waits until it holds the lock.
func startSlowCrawl(t *testing.T, h *simHarness) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(crawlBinary(t), h.args("--delay", "2s")...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		l, err := ops.Acquire(h.db, "probe")
		if errors.Is(err, ops.ErrLocked) && runRecorded(h.db) {
			return cmd, &errb
		}
		if err == nil {
			l.Release()
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the first crawl never took the lock:\n%s", errb.String())
	return nil, nil
}

// runRecorded reports whether the database holds a running run.
func runRecorded(db string) bool {
	if _, err := os.Stat(db); err != nil {
		return false
	}
	st, err := store.Open(db)
	if err != nil {
		return false
	}
	defer st.Close()
	runs, err := st.Runs(context.Background(), 1)
	return err == nil && len(runs) == 1 && runs[0].Status == store.RunRunning
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	if err == nil {
		return 0
	}
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	t.Fatal(err)
	return -1
}

func TestOverlappingRunsRefused(t *testing.T) {
	h := newHarness(t, smallWeb(11))
	first, _ := startSlowCrawl(t, h)
	for _, args := range [][]string{h.args(), {"reextract", "--db", h.db, "--data", h.data}} {
		start := time.Now()
		cmd := exec.Command(crawlBinary(t), args...)
		out, err := cmd.CombinedOutput()
		if code := exitCode(t, err); code != ops.ExitRunning {
			t.Errorf("%v: exit %d, want %d\n%s", args[0], code, ops.ExitRunning, out)
		}
		if !strings.Contains(string(out), "another run is using "+h.db) || !strings.Contains(string(out), "pid ") {
			t.Errorf("%v: message %q", args[0], out)
		}
		if took := time.Since(start); took > 10*time.Second {
			t.Errorf("%v: refused after %s, want at once", args[0], took)
		}
	}
	if first.ProcessState != nil {
		t.Fatalf("the first crawl ended early: %v", first.ProcessState)
	}
	// status and backup take no lock and work meanwhile.
	var out, errb bytes.Buffer
	if code := run([]string{"status", "--db", h.db}, &out, &errb); code != ops.ExitOK || !strings.Contains(out.String(), "crawl     running") {
		t.Errorf("status during a crawl: exit %d\n%s%s", code, out.String(), errb.String())
	}
}

func TestStaleLockAfterSIGKILL(t *testing.T) {
	h := newHarness(t, smallWeb(13))
	first, _ := startSlowCrawl(t, h)
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	cmd := exec.Command(crawlBinary(t), h.args("--max-runtime", "1s")...)
	out, err := cmd.CombinedOutput()
	if code := exitCode(t, err); code != ops.ExitOK {
		t.Fatalf("crawl after SIGKILL: exit %d, want 0\n%s", code, out)
	}
	st := openDB(t, h.db)
	runs, err := st.Runs(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[1].Status != store.RunKilled || runs[0].Status == store.RunRunning {
		t.Errorf("history after SIGKILL: %+v, want the killed run marked killed", runs)
	}
}

func TestReextractBackupAndLogFormat(t *testing.T) {
	h := newHarness(t, simweb.Config{Seed: 15, Sites: 1, Styles: []simweb.Style{simweb.S5}, Years: [2]int{2024, 2024},
		CrawlDelayUnit: time.Millisecond, Faults: &simweb.Faults{}})
	code, _, errs := crawlOnce(t, h.args("--log-format", "json")...)
	if code != ops.ExitOK {
		t.Fatalf("crawl: exit %d\n%s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Errorf("--log-format json: not a JSON line: %q", l)
		}
	}
	if len(lines) > 10 {
		t.Errorf("%d log lines for a clean crawl of one site; want a few notable events:\n%s", len(lines), errs)
	}
	if strings.Contains(errs, `"msg":"fetched"`) {
		t.Error("a request logged without -v")
	}
	code, _, errs = crawlOnce(t, h.args("-v")...)
	if code != ops.ExitOK || strings.Count(errs, "msg=fetched") < 5 || !strings.Contains(errs, "status=304") {
		t.Errorf("crawl -v: exit %d, want one debug line per request:\n%s", code, errs)
	}
	want := reportSet(t, h.db)

	for _, tc := range []struct {
		args     []string
		exit     int
		contains []string
	}{
		{[]string{"reextract", "--db", h.db, "--data", h.data}, ops.ExitOK, []string{"reports changed 0, unavailable 0"}},
		{[]string{"reextract", "--db", h.db, "--data", h.data, "--all"}, ops.ExitOK, []string{"reports changed 0, unavailable 0"}},
		{[]string{"reextract", "--db", h.db, "--data", filepath.Join(h.data, "elsewhere"), "--all"}, ops.ExitSiteErrors, []string{"unavailable: document 1\t"}},
		{[]string{"reextract", "--db", h.db, "--log-format", "xml"}, ops.ExitUsage, nil},
		{[]string{"backup", "--db", h.db}, ops.ExitUsage, nil},
		{[]string{"backup", "--db", h.db, "--to", h.db + ".bak"}, ops.ExitOK, []string{"backup: " + h.db + ".bak written"}},
		{[]string{"backup", "--db", h.db, "--to", h.db + ".bak"}, ops.ExitUsage, nil},
		{[]string{"status", "--db", h.db, "--runs", "0"}, ops.ExitUsage, nil},
		{[]string{"status", "--db", h.db + ".missing"}, ops.ExitFatal, nil},
		{[]string{"reextract", "--db", h.db + ".missing"}, ops.ExitFatal, nil},
	} {
		var out, errb bytes.Buffer
		if code := run(tc.args, &out, &errb); code != tc.exit {
			t.Errorf("%v: exit %d, want %d\n%s%s", tc.args, code, tc.exit, out.String(), errb.String())
		}
		for _, w := range tc.contains {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%v: output lacks %q:\n%s", tc.args, w, out.String())
			}
		}
	}
	if n := len(want); n == 0 {
		t.Fatal("no report crawled")
	}
	if got := reportSet(t, h.db); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Error("reextract --all changed the reports")
	}
	if got := reportSet(t, h.db+".bak"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Error("the backup does not hold the same reports")
	}
	st := openDB(t, h.db)
	runs, _ := st.Runs(context.Background(), 0)
	var kinds []string
	for _, r := range runs {
		kinds = append(kinds, r.Kind+":"+r.Status)
	}
	if fmt.Sprint(kinds) != "[reextract:site_errors reextract:ok reextract:ok crawl:ok crawl:ok]" {
		t.Errorf("history %v", kinds)
	}
}

func TestImportRecordedInHistory(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "i.db")
	good := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(good, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run([]string{"import", "--db", db, good}, &out, &errb); code != ops.ExitOK {
		t.Fatalf("import: exit %d: %s", code, errb.String())
	}
	// A usage error is not a run.
	if code := run([]string{"import", "--db", db}, &out, &errb); code != ops.ExitUsage {
		t.Fatalf("import without path: exit %d", code)
	}
	lk, err := ops.Acquire(db, "test")
	if err != nil {
		t.Fatal(err)
	}
	errb.Reset()
	if code := run([]string{"import", "--db", db, good}, &out, &errb); code != ops.ExitRunning || !strings.Contains(errb.String(), "another run is using") {
		t.Errorf("import while locked: exit %d, %q", code, errb.String())
	}
	lk.Release()
	st := openDB(t, db)
	runs, err := st.Runs(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || runs[0].Kind != store.RunImport || runs[0].Status != ops.StatusOK ||
		!strings.Contains(runs[0].Counts, `"documents_new":1`) || !strings.Contains(runs[0].Options, good) {
		t.Errorf("history %+v", runs)
	}
}
