package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/normalize"
)

func newStore(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	s, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func f(v float64) *float64 { return &v }

func putDoc(t *testing.T, s *Store, sha, source string) int64 {
	t.Helper()
	id, _, err := s.PutDocument(context.Background(), DocumentInput{SHA256: sha, Size: 10, MediaType: "text/html",
		Source: source, SeenAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)})
	if err != nil {
		t.Fatalf("PutDocument: %v", err)
	}
	return id
}

func sampleReport() *normalize.Report {
	return &normalize.Report{
		Title: "2022年政府信息公开工作年度报告", Agency: "烟台市牟平区人民政府", AgencySource: "title",
		Year: 2022, YearSource: "title", Published: "2023-01-20",
		Layouts: map[cells.Table]cells.Layout{cells.T3: cells.Gov2021, cells.T4: cells.Gov2021},
		Cells: []normalize.Cell{
			{Key: "t3.new_received.natural_person", Value: f(92), ValueText: "92"},
			{Key: "t3.new_received.commercial", Value: f(0), ValueText: "0"},
			{Key: "t3.new_received.research", Value: nil, ValueText: "/"},
			{Key: "t2.fees.amount_10k_yuan", Value: f(25.1), ValueText: "251000元", Flags: []string{normalize.FlagUnitYuan}},
		},
		Checks: []cells.Check{
			{ID: cells.IDT3Balance, Column: "total", Status: cells.Pass, Left: 97, Right: 97, Detail: "97 = 97"},
			{ID: cells.IDT4RowTotal, Column: "review", Status: cells.Fail, Left: 0, Right: 10, Detail: "0 ≠ 10"},
			{ID: cells.IDT3RowTotal, Column: "granted", Status: cells.NotAssessable, Detail: "blank: research"},
		},
		Flags:            []string{"t2_missing"},
		Notes:            []string{"note one"},
		ExtractorVersion: normalize.Version,
	}
}

func TestOpenMigratesEmptyDatabase(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	v, err := s.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v != SchemaVersion() || v < 1 {
		t.Fatalf("version = %d, want %d", v, SchemaVersion())
	}
	for _, table := range []string{"documents", "document_sources", "reports", "cells", "checks"} {
		var n int
		if err := s.db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?`, table).Scan(&n); err != nil || n != 1 {
			t.Errorf("table %s: n=%d err=%v", table, n, err)
		}
	}
	pragmas := []struct{ name, want string }{
		{"journal_mode", "wal"}, {"foreign_keys", "1"}, {"synchronous", "1"}, {"busy_timeout", "10000"},
	}
	for _, p := range pragmas {
		var got string
		if err := s.db.QueryRow("PRAGMA " + p.name).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != p.want {
			t.Errorf("PRAGMA %s = %q, want %q", p.name, got, p.want)
		}
	}
}

func TestReopenIsIdempotent(t *testing.T) {
	ctx := context.Background()
	s, path := newStore(t)
	id := putDoc(t, s, "aa", "a.html")
	if _, err := s.SaveReport(ctx, id, sampleReport()); err != nil {
		t.Fatal(err)
	}
	before, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	for i := 0; i < 2; i++ {
		s2, err := Open(path)
		if err != nil {
			t.Fatalf("reopen %d: %v", i, err)
		}
		v, _ := s2.Version(ctx)
		after, err := s2.Counts(ctx)
		s2.Close()
		if err != nil {
			t.Fatal(err)
		}
		if v != SchemaVersion() {
			t.Errorf("reopen %d: version %d", i, v)
		}
		if after != before {
			t.Errorf("reopen %d: counts %+v, want %+v", i, after, before)
		}
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	s, path := newStore(t)
	if _, err := s.db.Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion()+1)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err := Open(path)
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("Open newer db: err = %v, want ErrSchemaTooNew", err)
	}
}

func TestMigrationsApplyForwardAtomically(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	s, err := openWith(ctx, path, migrations)
	if err != nil {
		t.Fatal(err)
	}
	putDoc(t, s, "aa", "a.html")
	s.Close()

	// A failing step (SQL applied, then Func fails) leaves neither its table nor a version bump.
	failing := append(append([]Migration{}, migrations...), Migration{
		Name: "broken", SQL: `CREATE TABLE sites (id INTEGER PRIMARY KEY)`,
		Func: func(ctx context.Context, tx *sql.Tx) error { return errors.New("boom") },
	})
	if _, err := openWith(ctx, path, failing); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("failing migration: err = %v", err)
	}
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	s.db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 'sites'`).Scan(&n)
	if v, _ := s.Version(ctx); v != SchemaVersion() || n != 0 {
		t.Fatalf("after failed migration: version %d, sites tables %d", v, n)
	}
	s.Close()

	// An appended good step applies once, keeps the data, and bumps the version.
	good := append(append([]Migration{}, migrations...), Migration{
		Name: "sites", SQL: `CREATE TABLE sites (id INTEGER PRIMARY KEY, url TEXT NOT NULL);
			INSERT INTO sites (url) VALUES ('http://a.example');`,
	})
	for i := 0; i < 2; i++ {
		s, err = openWith(ctx, path, good)
		if err != nil {
			t.Fatal(err)
		}
		var sites, docs int
		s.db.QueryRow(`SELECT count(*) FROM sites`).Scan(&sites)
		s.db.QueryRow(`SELECT count(*) FROM documents`).Scan(&docs)
		v, _ := s.Version(ctx)
		s.Close()
		if v != len(good) || sites != 1 || docs != 1 {
			t.Fatalf("open %d with appended migration: version %d sites %d docs %d", i, v, sites, docs)
		}
	}
}

func TestForeignKeysEnforced(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	if _, err := s.db.Exec(`INSERT INTO cells (report_id, key) VALUES (999, 't3.x.y')`); err == nil {
		t.Error("cell for missing report inserted")
	}
	if _, err := s.db.Exec(`INSERT INTO reports (document_id, created_at) VALUES (999, 'x')`); err == nil {
		t.Error("report for missing document inserted")
	}
	if _, err := s.SaveReport(ctx, 999, sampleReport()); !errors.Is(err, ErrNotFound) {
		t.Errorf("SaveReport on missing document: err = %v", err)
	}
	// Deleting a report cascades to its cells and checks.
	id := putDoc(t, s, "aa", "a.html")
	rid, err := s.SaveReport(ctx, id, sampleReport())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`DELETE FROM reports WHERE id = ?`, rid); err != nil {
		t.Fatal(err)
	}
	c, _ := s.Counts(ctx)
	if c.Cells != 0 || c.Checks != 0 {
		t.Errorf("after report delete: %+v", c)
	}
}

func TestSaveReportFailureLeavesNothing(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	id := putDoc(t, s, "aa", "a.html")
	first, err := s.SaveReport(ctx, id, sampleReport())
	if err != nil {
		t.Fatal(err)
	}
	before, _ := s.Counts(ctx)

	bad := sampleReport()
	bad.Title = "changed"
	// The third cell repeats a key: the primary key fails midway through the cell inserts.
	bad.Cells = append(bad.Cells[:2:2], bad.Cells[0])
	if _, err := s.SaveReport(ctx, id, bad); err == nil {
		t.Fatal("SaveReport with duplicate keys succeeded")
	}
	after, _ := s.Counts(ctx)
	if after != before {
		t.Fatalf("counts changed by a failed write: %+v → %+v", before, after)
	}
	var gotID int64
	var title string
	if err := s.db.QueryRow(`SELECT id, title FROM reports WHERE document_id = ?`, id).Scan(&gotID, &title); err != nil {
		t.Fatal(err)
	}
	if gotID != first || title != sampleReport().Title {
		t.Fatalf("previous report not kept: id %d title %q", gotID, title)
	}
}

func TestSaveReportReplacesAndRoundTrips(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	id := putDoc(t, s, "aa", "a.html")
	old := sampleReport()
	old.Cells = append(old.Cells, normalize.Cell{Key: "t4.review.total", Value: f(1), ValueText: "1"})
	old.Title = "old"
	first, err := s.SaveReport(ctx, id, old)
	if err != nil {
		t.Fatal(err)
	}
	rid, err := s.SaveReport(ctx, id, sampleReport())
	if err != nil {
		t.Fatal(err)
	}
	if rid != first {
		t.Errorf("report id changed on replacement: %d → %d", first, rid)
	}
	c, _ := s.Counts(ctx)
	want := Counts{Documents: 1, Sources: 1, Reports: 1, Cells: 4, Checks: 3, ChecksFailed: 1}
	if c != want {
		t.Fatalf("counts %+v, want %+v", c, want)
	}

	got := map[string]CellRow{}
	if err := s.EachCell(ctx, func(r CellRow) error { got[r.Key] = r; return nil }); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key   string
		value *float64
		text  string
		flags []string
	}{
		{"t3.new_received.natural_person", f(92), "92", nil},
		{"t3.new_received.commercial", f(0), "0", nil},
		{"t3.new_received.research", nil, "/", nil},
		{"t2.fees.amount_10k_yuan", f(25.1), "251000元", []string{"unit_yuan"}},
	}
	for _, tc := range tests {
		r, ok := got[tc.key]
		if !ok {
			t.Errorf("%s missing", tc.key)
			continue
		}
		if (r.Value == nil) != (tc.value == nil) || (r.Value != nil && *r.Value != *tc.value) {
			t.Errorf("%s value = %v, want %v", tc.key, fmtPtr(r.Value), fmtPtr(tc.value))
		}
		if r.ValueText != tc.text || fmt.Sprint(r.Flags) != fmt.Sprint(tc.flags) {
			t.Errorf("%s text %q flags %v", tc.key, r.ValueText, r.Flags)
		}
		if r.ReportID != rid || r.Agency != "烟台市牟平区人民政府" || r.Year != 2022 || r.Source != "a.html" || r.DocumentSHA256 != "aa" {
			t.Errorf("%s report fields: %+v", tc.key, r)
		}
	}

	var reports []ReportRow
	if err := s.EachReport(ctx, func(r ReportRow) error { reports = append(reports, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(reports) != 1 {
		t.Fatalf("%d reports", len(reports))
	}
	r := reports[0]
	if r.ID != rid || r.Title != sampleReport().Title || r.ChecksPassed != 1 || r.ChecksFailed != 1 || r.ChecksNotAssessable != 1 ||
		r.LayoutT2 != "" || r.LayoutT3 != "gov2021" || r.Published != "2023-01-20" ||
		fmt.Sprint(r.Flags) != "[t2_missing]" || fmt.Sprint(r.Notes) != "[note one]" || r.MediaType != "text/html" {
		t.Errorf("report row: %+v", r)
	}
	checks, err := s.Checks(ctx, rid)
	if err != nil || len(checks) != 3 {
		t.Fatalf("checks: %v %v", checks, err)
	}
	if checks[2].Left != nil || checks[2].Right != nil || checks[1].Left == nil || *checks[1].Right != 10 {
		t.Errorf("check values: %+v %+v", checks[1], checks[2])
	}
	d, err := s.Document(ctx, id)
	if err != nil || d.Status != StatusReport || d.ExtractorVersion != normalize.Version {
		t.Errorf("document after SaveReport: %+v %v", d, err)
	}
}

func fmtPtr(p *float64) string {
	if p == nil {
		return "NULL"
	}
	return fmt.Sprint(*p)
}

func TestPutDocumentKeepsEverySource(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	steps := []struct {
		source  string
		seen    time.Time
		wantNew bool
	}{
		{"a/x.html", t0, true},
		{"b/x.html", t0.Add(time.Hour), false},
		{"a/x.html", t0.Add(2 * time.Hour), false},
	}
	var id int64
	for i, st := range steps {
		got, isNew, err := s.PutDocument(ctx, DocumentInput{SHA256: "ab", Size: 3, Source: st.source, SeenAt: st.seen})
		if err != nil {
			t.Fatal(err)
		}
		if isNew != st.wantNew || (i > 0 && got != id) {
			t.Fatalf("step %d: id %d new %v", i, got, isNew)
		}
		id = got
	}
	srcs, err := s.DocumentSources(ctx, id)
	if err != nil || fmt.Sprint(srcs) != "[a/x.html b/x.html]" {
		t.Fatalf("sources %v %v", srcs, err)
	}
	d, err := s.Document(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Source != "a/x.html" || !d.FirstSeen.Equal(t0) || !d.LastSeen.Equal(t0.Add(2*time.Hour)) || d.Status != "" {
		t.Errorf("document %+v", d)
	}
	if _, err := s.DocumentBySHA256(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing sha: %v", err)
	}
}

func TestMarkDocument(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	id := putDoc(t, s, "aa", "a.html")
	if _, err := s.SaveReport(ctx, id, sampleReport()); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkDocument(ctx, id, StatusNotReport, "no tables", "gb18030", "9.9"); err != nil {
		t.Fatal(err)
	}
	c, _ := s.Counts(ctx)
	if c.Reports != 0 || c.Cells != 0 || c.NotReports != 1 {
		t.Errorf("stale report kept: %+v", c)
	}
	d, _ := s.Document(ctx, id)
	if d.Status != StatusNotReport || d.Reason != "no tables" || d.Encoding != "gb18030" || d.ExtractorVersion != "9.9" {
		t.Errorf("document %+v", d)
	}
	if err := s.MarkDocument(ctx, id, "bogus", "", "", ""); err == nil {
		t.Error("invalid status accepted")
	}
	if err := s.MarkDocument(ctx, 999, StatusFailed, "", "", ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing document: %v", err)
	}
}

func TestEachStopsOnCallbackError(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	id := putDoc(t, s, "aa", "a.html")
	if _, err := s.SaveReport(ctx, id, sampleReport()); err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	n := 0
	if err := s.EachCell(ctx, func(CellRow) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("EachCell: err %v after %d rows", err, n)
	}
	if err := s.EachReport(ctx, func(ReportRow) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("EachReport: err %v", err)
	}
}

func TestConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	s, path := newStore(t)
	other, err := Open(path) // a second handle, as a second process would have
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	const workers, each = 8, 25
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		go func(w int) {
			st := s
			if w%2 == 1 {
				st = other
			}
			for i := 0; i < each; i++ {
				// Every worker sees the same shas: each document is inserted once.
				id, _, err := st.PutDocument(ctx, DocumentInput{SHA256: fmt.Sprintf("sha-%d", i), Size: 1,
					Source: fmt.Sprintf("w%d/%d", w, i)})
				if err == nil {
					_, err = st.SaveReport(ctx, id, sampleReport())
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}(w)
	}
	for w := 0; w < workers; w++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	c, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := Counts{Documents: each, Sources: workers * each, Reports: each, Cells: 4 * each, Checks: 3 * each, ChecksFailed: each}
	if c != want {
		t.Errorf("counts %+v, want %+v", c, want)
	}
}

// TestDocumentParts: the parts of an assembled document are stored with it, read back in
// order, kept when the same document is seen again (with other parts given, which cannot
// happen for the same digest but must not rewrite history), listed in the export bundle, and
// deleted with the document.
func TestDocumentParts(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	parts := []DocumentPart{
		{Seq: 0, URL: "http://a.gov.cn/t1.html", SHA256: "p0", MediaType: "text/html", Size: 100},
		{Seq: 1, URL: "http://a.gov.cn/t1_1.png", SHA256: "p1", MediaType: "image/png", Size: 2000},
		{Seq: 2, URL: "http://a.gov.cn/t1_2.png", Error: "fetch: http 404"},
	}
	id, isNew, err := s.PutDocument(ctx, DocumentInput{SHA256: "assembled", Size: 2100, MediaType: "text/html",
		Source: "http://a.gov.cn/t1.html", Parts: parts})
	if err != nil || !isNew {
		t.Fatalf("PutDocument: %v %v", isNew, err)
	}
	if _, _, err := s.PutDocument(ctx, DocumentInput{SHA256: "assembled", Source: "http://b.gov.cn/t1.html",
		Parts: parts[:1]}); err != nil {
		t.Fatal(err)
	}
	got, err := s.DocumentParts(ctx, id)
	if err != nil || !slices.Equal(got, parts) {
		t.Fatalf("DocumentParts = %+v (%v), want %+v", got, err, parts)
	}
	if _, err := s.SaveReport(ctx, id, sampleReport()); err != nil {
		t.Fatal(err)
	}
	var bundled []DocumentPart
	if err := s.EachReportBundle(ctx, ExportFilter{}, func(b *ReportBundle) error {
		for _, p := range b.Parts {
			bundled = append(bundled, DocumentPart{Seq: p.Seq, URL: p.URL, SHA256: p.SHA256})
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []DocumentPart{{Seq: 0, URL: parts[0].URL, SHA256: "p0"}, {Seq: 1, URL: parts[1].URL, SHA256: "p1"}, {Seq: 2, URL: parts[2].URL}}
	if !slices.Equal(bundled, want) {
		t.Errorf("bundle parts %+v, want %+v", bundled, want)
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM documents WHERE id = ?`, id); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.DocumentParts(ctx, id); len(got) != 0 {
		t.Errorf("parts outlive their document: %+v", got)
	}
}
