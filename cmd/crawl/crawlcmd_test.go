package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ogireports/ogireports/internal/crawl"
	"github.com/ogireports/ogireports/internal/simweb"
	"github.com/ogireports/ogireports/internal/store"
)

func TestParseSites(t *testing.T) {
	tests := []struct {
		name, csv string
		want      []string
		wantErr   bool
	}{
		{"required columns", "code,name,url\n110000,北京市,http://www.beijing.gov.cn/\n", []string{"110000 http://www.beijing.gov.cn/"}, false},
		{"optional columns any order, BOM, bare host", "\ufeffurl,level,code,name,parent_code\nwww.muping.gov.cn,county,370612,牟平区,370600\n", []string{"370612 http://www.muping.gov.cn"}, false},
		{"comments, duplicates and blank urls skipped", "code,name,url\n# not checked yet\n1,a,http://a.gov.cn/\n1,a,http://b.gov.cn/\n2,b,\n", []string{"1 http://a.gov.cn/"}, false},
		{"missing url column", "code,name\n1,a\n", nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sites, err := parseSites(strings.NewReader(tc.csv), "test.csv")
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			var got []string
			for _, s := range sites {
				got = append(got, s.Code+" "+s.URL)
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("sites = %v, want %v", got, tc.want)
			}
		})
	}
	if _, err := onlySites([]crawl.Site{{Code: "1"}}, "1,2"); err == nil {
		t.Error("--only with an unknown code should fail")
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"--hosts", "0"}, {"--proxy", "::"}, {"--sites", "/does/not/exist.csv"}, {"extra"}} {
		var out, errb bytes.Buffer
		if code := crawlMain(args, &out, &errb); code != exitUsage {
			t.Errorf("crawl %v: exit %d, want %d (%s)", args, code, exitUsage, errb.String())
		}
	}
}

// storeDigest renders what a crawl left in the store, independent of ids and times: the
// documents seen (digest, status), the reports and their cells, the site states.
func storeDigest(t *testing.T, path string) string {
	t.Helper()
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	var lines []string
	if err := st.EachReport(ctx, func(r store.ReportRow) error {
		lines = append(lines, fmt.Sprintf("report %s %s %d %q", r.DocumentSHA256, r.Agency, r.Year, r.Title))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.EachCell(ctx, func(c store.CellRow) error {
		v := "blank"
		if c.Value != nil {
			v = fmt.Sprint(*c.Value)
		}
		lines = append(lines, fmt.Sprintf("cell %s %s %s", c.DocumentSHA256, c.Key, v))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sites, err := st.CrawlSites(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sites {
		lines = append(lines, fmt.Sprintf("site %s %s reports=%d", s.Code, s.State, s.Reports))
	}
	fetches, err := st.Fetches(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]bool{}
	for _, f := range fetches {
		if f.Processed {
			docs[f.URL+" "+f.SHA256] = true
		}
	}
	for d := range docs {
		lines = append(lines, "processed "+d)
	}
	c, err := st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lines = append(lines, fmt.Sprintf("counts %+v", c))
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// TestResumeAfterSIGKILL builds the binary, crawls the simulated web once without
// interruption, then crawls a fresh copy of the same web, SIGKILLs the process mid-way,
// restarts it, and requires both stores to hold the same reports, cells and site states.
func TestResumeAfterSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and crawls the simulated web twice")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "crawl")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}

	newWeb := func() (*simweb.Web, string) {
		w := simweb.New(simweb.Config{Seed: 11, Sites: 6, CrawlDelayUnit: 5 * time.Millisecond,
			Faults: &simweb.Faults{BrokenLinks: true, Redirects: true}})
		proxy, err := w.Start()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { w.Close() })
		return w, proxy
	}
	sitesCSV := filepath.Join(dir, "sites.csv")
	crawlCmd := func(name, proxy string) *exec.Cmd {
		cmd := exec.Command(bin, "--sites", sitesCSV, "--db", filepath.Join(dir, name+".db"), "--data", filepath.Join(dir, name),
			"--delay", "10ms", "--hosts", "6", "--proxy", proxy, "--contact", "https://example.org/test")
		cmd.Env = append(os.Environ(), "OGIREPORTS_DB=")
		return cmd
	}

	w1, proxy1 := newWeb()
	var csv bytes.Buffer
	if err := w1.WriteSitesCSV(&csv); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sitesCSV, csv.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if out, err := crawlCmd("whole", proxy1).CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted crawl: %v\n%s", err, tail(out))
	}
	whole := time.Since(start)

	_, proxy2 := newWeb()
	kills := 0
	lastKilled := false // whether the latest run was killed (so the next one must resume)
	for _, frac := range []float64{0.3, 0.6} {
		cmd := crawlCmd("resumed", proxy2)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-time.After(time.Duration(frac * float64(whole))):
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			<-done
			// A kill before the run started (a slow start on a loaded machine) leaves nothing
			// to resume.
			if strings.Contains(out.String(), "crawl started") {
				kills++
				lastKilled = true
			}
		case err := <-done:
			t.Logf("crawl finished before the kill at %.0f%% (%v)", frac*100, err)
			if lastKilled && !strings.Contains(out.String(), "resumed=true") {
				t.Errorf("the run after a kill did not resume it:\n%s", tail(out.Bytes()))
			}
			lastKilled = false
		}
	}
	if kills == 0 {
		t.Fatal("the crawl was never killed: nothing resumed")
	}
	out, err := crawlCmd("resumed", proxy2).CombinedOutput()
	if err != nil {
		t.Fatalf("resumed crawl: %v\n%s", err, tail(out))
	}
	if lastKilled && !strings.Contains(string(out), "resumed=true") {
		t.Errorf("the last run did not resume the killed run:\n%s", tail(out))
	}
	a, b := storeDigest(t, filepath.Join(dir, "whole.db")), storeDigest(t, filepath.Join(dir, "resumed.db"))
	if !strings.Contains(a, "report ") {
		t.Fatalf("the uninterrupted crawl stored no report:\n%s", a)
	}
	if a != b {
		t.Errorf("stores differ after kill -9 and resume:\n%s", diffLines(a, b))
	}
}

func tail(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return strings.Join(lines, "\n")
}

func diffLines(a, b string) string {
	as, bs := map[string]bool{}, map[string]bool{}
	for _, l := range strings.Split(a, "\n") {
		as[l] = true
	}
	for _, l := range strings.Split(b, "\n") {
		bs[l] = true
	}
	var out []string
	for l := range as {
		if !bs[l] {
			out = append(out, "- "+l)
		}
	}
	for l := range bs {
		if !as[l] {
			out = append(out, "+ "+l)
		}
	}
	sort.Strings(out)
	if len(out) > 40 {
		out = append(out[:40], fmt.Sprintf("… %d more", len(out)-40))
	}
	return strings.Join(out, "\n")
}
