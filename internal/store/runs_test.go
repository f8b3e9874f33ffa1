package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestRunsHistory(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	id1, ord1, err := s.BeginRun(ctx, RunCrawl, `{"delay":"2s"}`)
	if err != nil {
		t.Fatal(err)
	}
	// Run 1 never finishes (its process was killed): the next BeginRun marks it killed.
	id2, ord2, err := s.BeginRun(ctx, RunReextract, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.FinishRun(ctx, id2, "ok", `{"documents":3}`); err != nil {
		t.Fatal(err)
	}
	id3, ord3, err := s.BeginRun(ctx, RunCrawl, `{}`)
	if err != nil {
		t.Fatal(err)
	}
	if ord1 != 1 || ord2 != 1 || ord3 != 2 {
		t.Errorf("ordinals %d %d %d, want 1 1 2", ord1, ord2, ord3)
	}
	if err := s.FinishRun(ctx, 999, "ok", ""); err == nil {
		t.Error("FinishRun of an unknown run: no error")
	}
	runs, err := s.Runs(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 3 || runs[0].ID != id3 || runs[2].ID != id1 {
		t.Fatalf("runs %+v, want newest first", runs)
	}
	want := []struct {
		status  string
		ended   bool
		counts  string
		ordinal int64
	}{{RunRunning, false, "{}", 2}, {"ok", true, `{"documents":3}`, 1}, {RunKilled, false, "{}", 1}}
	for i, w := range want {
		r := runs[i]
		if r.Status != w.status || r.Ended.IsZero() == w.ended || r.Counts != w.counts || r.Ordinal != w.ordinal {
			t.Errorf("run %d: %+v, want %+v", r.ID, r, w)
		}
	}
	if runs[2].Options != `{"delay":"2s"}` {
		t.Errorf("options %q", runs[2].Options)
	}
	if last, _ := s.Runs(ctx, 1); len(last) != 1 || last[0].ID != id3 {
		t.Errorf("Runs(1) = %+v", last)
	}
}

func TestSiteHealthAndAttempts(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	t0 := time.Now().Add(-time.Minute)
	next := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	if err := s.SaveSiteHealth(ctx, []SiteHealth{{Code: "a", Failures: 2, LastOutcome: "unreachable", LastReason: "502",
		LastAttemptRun: 3, NextEligibleRun: 5, NextEligible: next}}); err != nil {
		t.Fatal(err)
	}
	hs, err := s.SiteHealths(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if h := hs["a"]; h.Failures != 2 || h.NextEligibleRun != 5 || !h.NextEligible.Equal(next) || h.LastReason != "502" || h.UpdatedAt.IsZero() {
		t.Errorf("health %+v", h)
	}
	for _, cs := range []CrawlSite{
		{Code: "a", URL: "http://www.a.gov.cn/", State: "robots", UpdatedAt: time.Now()},
		{Code: "b", URL: "http://www.b.gov.cn/", State: "done", UpdatedAt: time.Now()},
		{Code: "old", URL: "http://www.old.gov.cn/", State: "done", UpdatedAt: t0.Add(-time.Hour)},
	} {
		if err := s.SaveCrawlSite(ctx, cs); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveHost(ctx, HostRow{Host: "www.a.gov.cn", RobotsStatus: 599, RobotsExpires: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddFrontier(ctx, []FrontierItem{{Site: "b", URL: "http://www.b.gov.cn/", Kind: "hub", State: "done"},
		{Site: "b", URL: "http://www.b.gov.cn/x", Kind: "list", State: "failed"}}); err != nil {
		t.Fatal(err)
	}
	as, err := s.SiteAttempts(ctx, t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 2 || as[0].Code != "a" || as[0].RobotsStatus != 599 || as[1].ItemsDone != 1 || as[1].ItemsFailed != 1 {
		t.Fatalf("attempts %+v", as)
	}
	if err := s.ExpireRobots(ctx, "www.a.gov.cn"); err != nil {
		t.Fatal(err)
	}
	if h, _, _ := s.Host(ctx, "www.a.gov.cn"); !h.RobotsExpires.IsZero() || h.RobotsStatus != 599 {
		t.Errorf("after ExpireRobots: %+v", h)
	}
}

func TestCellsHistoryAndReportCells(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	doc := putDoc(t, s, "aa", "/tmp/r.html")
	rid, err := s.SaveReport(ctx, doc, sampleReport())
	if err != nil {
		t.Fatal(err)
	}
	head, ok, err := s.ReportOfDocument(ctx, doc)
	if err != nil || !ok || head.ID != rid || head.Year != 2022 {
		t.Fatalf("ReportOfDocument %+v %v %v", head, ok, err)
	}
	cs, err := s.ReportCells(ctx, rid)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 4 || cs["t3.new_received.research"].Value != nil || *cs["t3.new_received.natural_person"].Value != 92 {
		t.Fatalf("cells %+v", cs)
	}
	at := time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC)
	if err := s.SaveCellsHistory(ctx, rid, "0.0.9", cs, at); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveCellsHistory(ctx, rid, "0.1.0", cs, at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteCellsHistory(ctx, rid, at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	hist, err := s.CellsHistory(ctx, rid)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 1 || hist[0].ExtractorVersion != "0.0.9" || !hist[0].SupersededAt.Equal(at) || len(hist[0].Cells) != 4 {
		t.Fatalf("history %+v", hist)
	}
	for k, c := range cs {
		if !hist[0].Cells[k].Equal(c) {
			t.Errorf("history cell %s = %+v, want %+v", k, hist[0].Cells[k], c)
		}
	}
	ids, err := s.DocumentIDsForReextract(ctx, "9.9.9", false)
	if err != nil || len(ids) != 1 || ids[0] != doc {
		t.Errorf("to reextract (other version) %v %v", ids, err)
	}
	if ids, _ := s.DocumentIDsForReextract(ctx, sampleReport().ExtractorVersion, false); len(ids) != 0 {
		t.Errorf("to reextract (current version) %v", ids)
	}
	if ids, _ := s.DocumentIDsForReextract(ctx, sampleReport().ExtractorVersion, true); len(ids) != 1 {
		t.Errorf("to reextract (all) %v", ids)
	}
}

func TestBackupTo(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	doc := putDoc(t, s, "bb", "/tmp/r.html")
	if _, err := s.SaveReport(ctx, doc, sampleReport()); err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(t.TempDir(), "backup.db")
	if err := s.BackupTo(ctx, to); err != nil {
		t.Fatal(err)
	}
	if err := s.BackupTo(ctx, to); err == nil {
		t.Error("second backup over an existing file: no error")
	}
	if _, err := os.Stat(to + "-wal"); err == nil {
		t.Error("the backup has a WAL file; want a self-contained database")
	}
	b, err := Open(to)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	want, _ := s.Counts(ctx)
	got, err := b.Counts(ctx)
	if err != nil || got != want {
		t.Errorf("backup counts %+v (%v), want %+v", got, err, want)
	}
}

// TestMigrationFromV3KeepsData: a v3 database migrated to the current schema keeps its reports
// and gains the later tables.
func TestMigrationFromV3KeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v3.db")
	old, err := openWith(ctx, path, migrations[:3])
	if err != nil {
		t.Fatal(err)
	}
	doc := putDoc(t, old, "cc", "/tmp/r.html")
	if _, err := old.SaveReport(ctx, doc, sampleReport()); err != nil {
		t.Fatal(err)
	}
	old.Close()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.Version(ctx); v != SchemaVersion() {
		t.Errorf("version %d, want %d", v, SchemaVersion())
	}
	if c, _ := s.Counts(ctx); c.Reports != 1 || c.Cells != 4 {
		t.Errorf("counts after migration %+v", c)
	}
	if _, _, err := s.BeginRun(ctx, RunCrawl, "{}"); err != nil {
		t.Errorf("runs table: %v", err)
	}
	if ps, err := s.DocumentParts(ctx, doc); err != nil || len(ps) != 0 {
		t.Errorf("document_parts after migration: %v %v", ps, err)
	}
}
