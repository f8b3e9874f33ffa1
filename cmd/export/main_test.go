package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/store"
)

func fp(v float64) *float64 { return &v }

// seed stores two reports: one with a blank, a 0, money, a large integer and a failed and a
// not-assessable check; one with no year and no t2.
func seed(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	reports := []struct {
		sha, source string
		rep         *normalize.Report
	}{
		{"sha-a", "/data/a.html", &normalize.Report{
			Title: "烟台市牟平区人民政府2022年政府信息公开工作年度报告", Agency: "烟台市牟平区人民政府",
			Year: 2022, Published: "2023-01-20",
			Layouts: map[cells.Table]cells.Layout{cells.T2: cells.Gov2021, cells.T3: cells.Gov2021, cells.T4: cells.Gov2021},
			Cells: []normalize.Cell{
				{Key: "t3.new_received.natural_person", Value: fp(92), ValueText: "92"},
				{Key: "t3.new_received.research", Value: fp(0), ValueText: "0"},
				{Key: "t3.new_received.social_welfare", Value: nil, ValueText: "/"},
				{Key: "t2.licensing.decisions", Value: fp(30362), ValueText: "30362"},
				{Key: "t2.fees.amount_10k_yuan", Value: fp(25.1), ValueText: "251000元", Flags: []string{"unit_yuan", "annotated"}},
				{Key: "t2.normative_documents.issued", Value: fp(12345678901), ValueText: "12345678901", Confidence: 0.87},
			},
			Checks: []cells.Check{
				{ID: cells.IDT4RowTotal, Column: "review", Status: cells.Fail, Left: 0, Right: 10},
				{ID: cells.IDT3RowTotal, Column: "granted", Status: cells.NotAssessable},
				{ID: cells.IDT3Balance, Column: "total", Status: cells.Pass, Left: 97, Right: 97},
			},
			Flags: []string{"realigned", "x,\"quoted\""}, ExtractorVersion: normalize.Version,
		}},
		{"sha-b", "/data/b,with comma.txt", &normalize.Report{
			Title: "某局年度报告", Agency: "某局",
			Layouts: map[cells.Table]cells.Layout{cells.T3: cells.Gov2019},
			Cells: []normalize.Cell{
				{Key: "t3.other.total", Value: fp(-18), ValueText: "-18"},
			},
			ExtractorVersion: normalize.Version,
		}},
	}
	for _, r := range reports {
		id, _, err := st.PutDocument(ctx, store.DocumentInput{SHA256: r.sha, Size: 1, MediaType: "text/html",
			Source: r.source, SeenAt: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.SaveReport(ctx, id, r.rep); err != nil {
			t.Fatal(err)
		}
	}
}

func readCSV(t *testing.T, path string) (header []string, rows []map[string]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(recs) == 0 {
		t.Fatalf("%s: empty", path)
	}
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		rows = append(rows, m)
	}
	return recs[0], rows
}

func TestExportCSV(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	seed(t, db)
	out := filepath.Join(dir, "out", "nested")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"--db", db, "--out", out}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	// The seeded store was never reconciled: export says so and how to fix it.
	if !strings.Contains(stderr.String(), "never reconciled") || !strings.Contains(stderr.String(), "crawl import") {
		t.Errorf("stderr %q: want the not-reconciled warning", stderr.String())
	}
	for _, name := range []string{"cells.csv", "reports.csv"} {
		if !strings.Contains(stdout.String(), filepath.Join(out, name)) {
			t.Errorf("stdout does not say where %s was written: %q", name, stdout.String())
		}
	}

	header, rows := readCSV(t, filepath.Join(out, "cells.csv"))
	// The columns of the first export stay, first and in order; issue 6 appends more.
	if !strings.HasPrefix(strings.Join(header, ","), "report_id,source,agency,year,table,row,col,key,value,value_text,flags,confidence,document_sha256,") {
		t.Errorf("cells header %v", header)
	}
	if len(rows) != 7 {
		t.Fatalf("cells rows = %d, want 7", len(rows))
	}
	byKey := map[string]map[string]string{}
	for _, r := range rows {
		byKey[r["document_sha256"]+" "+r["key"]] = r
	}
	tests := []struct {
		key, value, text, flags, conf string
	}{
		{"sha-a t3.new_received.natural_person", "92", "92", "", ""},
		{"sha-a t3.new_received.research", "0", "0", "", ""},
		{"sha-a t3.new_received.social_welfare", "", "/", "", ""},
		{"sha-a t2.licensing.decisions", "30362", "30362", "", ""},
		{"sha-a t2.fees.amount_10k_yuan", "25.1", "251000元", "unit_yuan;annotated", ""},
		{"sha-a t2.normative_documents.issued", "12345678901", "12345678901", "", "0.87"},
		{"sha-b t3.other.total", "-18", "-18", "", ""},
	}
	for _, tc := range tests {
		r, ok := byKey[tc.key]
		if !ok {
			t.Errorf("%s: missing", tc.key)
			continue
		}
		if r["value"] != tc.value || r["value_text"] != tc.text || r["flags"] != tc.flags || r["confidence"] != tc.conf {
			t.Errorf("%s: value %q text %q flags %q confidence %q", tc.key, r["value"], r["value_text"], r["flags"], r["confidence"])
		}
	}
	a := byKey["sha-a t2.fees.amount_10k_yuan"]
	if a["table"] != "t2" || a["row"] != "fees" || a["col"] != "amount_10k_yuan" || a["agency"] != "烟台市牟平区人民政府" ||
		a["year"] != "2022" || a["source"] != "/data/a.html" {
		t.Errorf("cell report fields: %v", a)
	}
	if b := byKey["sha-b t3.other.total"]; b["year"] != "" || b["source"] != "/data/b,with comma.txt" {
		t.Errorf("report without year: %v", b)
	}

	header, reps := readCSV(t, filepath.Join(out, "reports.csv"))
	if !strings.HasPrefix(strings.Join(header, ","), "report_id,source,agency,year,published,title,layout_t2,layout_t3,layout_t4,checks_failed,checks_not_assessable,flags,extractor_version,document_sha256,media_type,") {
		t.Errorf("reports header %v", header)
	}
	if len(reps) != 2 {
		t.Fatalf("reports rows = %d", len(reps))
	}
	ra, rb := reps[0], reps[1]
	if ra["document_sha256"] != "sha-a" || ra["year"] != "2022" || ra["published"] != "2023-01-20" ||
		ra["layout_t2"] != "gov2021" || ra["checks_failed"] != "1" || ra["checks_not_assessable"] != "1" ||
		ra["flags"] != `realigned;x,"quoted"` || ra["extractor_version"] != normalize.Version || ra["media_type"] != "text/html" {
		t.Errorf("report a: %v", ra)
	}
	if rb["year"] != "" || rb["layout_t2"] != "" || rb["layout_t3"] != "gov2019" || rb["checks_failed"] != "0" || rb["flags"] != "" {
		t.Errorf("report b: %v", rb)
	}
	if a["report_id"] != ra["report_id"] {
		t.Errorf("report ids differ: cells %s reports %s", a["report_id"], ra["report_id"])
	}
	left, _ := filepath.Glob(filepath.Join(out, ".*.tmp"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestExportExitCodes(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	seed(t, db)
	blocker := filepath.Join(dir, "file")
	os.WriteFile(blocker, []byte("x"), 0o644)
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"no out", []string{"--db", db}, exitUsage},
		{"unknown flag", []string{"--db", db, "--out", dir, "--bogus"}, exitUsage},
		{"extra argument", []string{"--db", db, "--out", dir, "extra"}, exitUsage},
		{"missing db", []string{"--db", filepath.Join(dir, "none.db"), "--out", dir}, exitFatal},
		{"out is a file", []string{"--db", db, "--out", blocker}, exitFatal},
		{"help", []string{"-h"}, exitOK},
		{"bad format", []string{"--db", db, "--out", dir, "--format", "xlsx"}, exitUsage},
		{"bad partition", []string{"--db", db, "--out", dir, "--partition", "month"}, exitUsage},
		{"bad years", []string{"--db", db, "--out", dir, "--years", "2024-2019"}, exitUsage},
		{"bad codes", []string{"--db", db, "--out", dir, "--codes", "37,烟台"}, exitUsage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := run(tc.args, &stdout, &stderr); got != tc.want {
				t.Errorf("exit %d, want %d (stderr %q)", got, tc.want, stderr.String())
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); err == nil {
		t.Error("export created a missing database")
	}
}

func TestExportParquetPartitionedExcel(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	seed(t, db)
	out := filepath.Join(dir, "out")
	var stdout, stderr bytes.Buffer
	args := []string{"--db", db, "--out", out, "--format", "csv,parquet", "--partition", "year", "--excel", "--years", "2020-2024"}
	if code := run(args, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, p := range []string{"cells/year=2022/part-0.parquet", "panel/year=2022/part-0.parquet", "reports/year=2022/part-0.parquet",
		"checks/year=2022/part-0.parquet", "cells.csv", "codebook.csv", "codebook.md", "datapackage.json"} {
		if _, err := os.Stat(filepath.Join(out, p)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	// The report without a year is outside --years 2020-2024.
	if _, err := os.Stat(filepath.Join(out, "cells", "year=__HIVE_DEFAULT_PARTITION__")); !os.IsNotExist(err) {
		t.Errorf("unknown-year partition written despite --years: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(out, "reports.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		t.Error("--excel: reports.csv has no byte-order mark")
	}
	if n := bytes.Count(b, []byte("\n")); n != 2 {
		t.Errorf("reports.csv has %d lines, want header + 1 report", n)
	}
	if !strings.Contains(stdout.String(), "1 reports") || strings.Contains(stderr.String(), "export reports") {
		t.Errorf("stdout %q stderr %q (no progress bar when stderr is not a terminal)", stdout.String(), stderr.String())
	}
}

func TestParseFlags(t *testing.T) {
	years := []struct {
		in       string
		from, to int
		err      bool
	}{
		{"", 0, 0, false}, {"2022", 2022, 2022, false}, {"2019-2024", 2019, 2024, false}, {"2019-", 2019, 0, false},
		{"-2020", 0, 2020, false}, {"2024-2019", 0, 0, true}, {"22", 0, 0, true}, {"x", 0, 0, true}, {"-", 0, 0, true},
	}
	for _, tc := range years {
		from, to, err := parseYears(tc.in)
		if from != tc.from || to != tc.to || (err != nil) != tc.err {
			t.Errorf("parseYears(%q) = %d, %d, %v", tc.in, from, to, err)
		}
	}
	formats := []struct {
		in           string
		csv, parquet bool
		err          bool
	}{
		{"csv", true, false, false}, {"parquet", false, true, false}, {"csv,parquet", true, true, false},
		{"CSV, Parquet", true, true, false}, {"xlsx", false, false, true}, {"", false, false, true},
	}
	for _, tc := range formats {
		c, p, err := parseFormats(tc.in)
		if c != tc.csv || p != tc.parquet || (err != nil) != tc.err {
			t.Errorf("parseFormats(%q) = %v, %v, %v", tc.in, c, p, err)
		}
	}
	codes := []struct {
		in   string
		want string
		err  bool
	}{
		{"", "", false}, {"37", "37", false}, {"37, 3706", "37|3706", false}, {"37,", "", true}, {"烟台", "", true},
	}
	for _, tc := range codes {
		got, err := parseCodes(tc.in)
		if strings.Join(got, "|") != tc.want || (err != nil) != tc.err {
			t.Errorf("parseCodes(%q) = %v, %v", tc.in, got, err)
		}
	}
}

// TestExportHTML: --html DIR alone writes the offline comparison site and says where to open it;
// the site's data names the stored agency.
func TestExportHTML(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	seed(t, db)
	site := filepath.Join(dir, "site")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"--db", db, "--html", site}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), filepath.Join(site, "index.html")) {
		t.Errorf("stdout does not say where the site is: %q", stdout.String())
	}
	for _, name := range []string{"index.html", "data.js", "app.js", "style.css"} {
		if _, err := os.Stat(filepath.Join(site, name)); err != nil {
			t.Errorf("site file %s: %v", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "cells.csv")); err == nil {
		t.Error("--html alone wrote the CSV exports too")
	}
}
