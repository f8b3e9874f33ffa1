package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ogireports/ogireports/internal/reportgen"
	"github.com/ogireports/ogireports/internal/store"
)

// file is one file of the import fixture with the outcome the store must record for it.
type file struct {
	path      string
	data      []byte
	status    string // "" for a file that must not be imported (hidden folder)
	reason    string // substring of the recorded reason
	unchanged bool   // a second copy of bytes seen earlier in the same run
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// fixture builds a folder mixing good reports (HTML and flat text, in subfolders), reports that
// are close to reports but are not, an empty file, binary junk, a truncated page, a duplicate
// and a hidden folder.
func fixture(t *testing.T) (string, []file) {
	t.Helper()
	dir := t.TempDir()
	var files []file
	var utf8HTML []byte
	broken := false
	for i, v := range reportgen.Variants(11) {
		// Every ninth variant, and the first with a deliberately broken identity.
		if i%9 != 0 && (broken || !strings.HasSuffix(v.ID, "-broken")) {
			continue
		}
		broken = broken || strings.HasSuffix(v.ID, "-broken")
		files = append(files, file{path: fmt.Sprintf("reports/%s.html", v.ID), data: v.HTML(), status: store.StatusReport})
		if utf8HTML == nil && v.Encoding == "utf-8" {
			utf8HTML = v.HTML()
			files = append(files, file{path: fmt.Sprintf("reports/flat/%s.txt", v.ID), data: v.FlatText(), status: store.StatusReport})
		}
	}
	files = append(files, file{path: "reports/copy-of-first.html", data: files[0].data, status: store.StatusReport, unchanged: true})
	for _, nr := range reportgen.NonReports(11) {
		files = append(files, file{path: "other/" + nr.ID + ".html", data: nr.HTML, status: store.StatusNotReport,
			reason: "not an annual OGI report"})
	}
	// Truncated inside the tag just before table 三: tables 三 and 四 are gone.
	cut := bytes.Index(utf8HTML, []byte("三、收到和处理"))
	if cut < 0 {
		t.Fatal("no table 三 heading in the variant")
	}
	cut = bytes.LastIndexByte(utf8HTML[:cut], '<') + 2
	files = append(files,
		file{path: "bad/truncated.html", data: utf8HTML[:cut], status: store.StatusNotReport, reason: "not an annual OGI report"},
		file{path: "bad/empty.html", data: []byte{}, status: store.StatusFailed, reason: "empty file"},
		file{path: "bad/junk.bin", data: []byte{0, 1, 2, 3, 0xff, 0xfe, 0, 0x9c, 0x10, 0, 0x80, 0x81, 0, 0, 7, 0x1b},
			status: store.StatusFailed, reason: "unsupported media type application/octet-stream"},
		file{path: ".git/objects/report.html", data: []byte("<html>hidden</html>")},
		file{path: "reports/.cache/x.html", data: []byte("<html>hidden too</html>")},
	)
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, files
}

// snapshot is every row of the store that an import may write, without last_seen.
type snapshot struct {
	Counts  store.Counts
	Docs    []store.Document
	Sources [][]string
	Reports []store.ReportRow
	Cells   []store.CellRow
}

func snap(t *testing.T, db string) snapshot {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var s snapshot
	if s.Counts, err = st.Counts(ctx); err != nil {
		t.Fatal(err)
	}
	for id := int64(1); id <= s.Counts.Documents; id++ {
		d, err := st.Document(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		d.LastSeen = d.FirstSeen
		src, err := st.DocumentSources(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		s.Docs, s.Sources = append(s.Docs, d), append(s.Sources, src)
	}
	if err := st.EachReport(ctx, func(r store.ReportRow) error { s.Reports = append(s.Reports, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := st.EachCell(ctx, func(c store.CellRow) error { s.Cells = append(s.Cells, c); return nil }); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestImport(t *testing.T) {
	dir, files := fixture(t)
	db := filepath.Join(t.TempDir(), "o.db")

	var stdout, stderr bytes.Buffer
	if code := run([]string{"import", "--db", db, dir}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr.String())
	}
	first := snap(t, db)
	var n, reports, failed, notReports, unchanged int
	for _, f := range files {
		switch {
		case f.status == "":
			continue
		case f.unchanged:
			unchanged++
		case f.status == store.StatusReport:
			reports++
		case f.status == store.StatusFailed:
			failed++
		case f.status == store.StatusNotReport:
			notReports++
		}
		n++
	}
	want := fmt.Sprintf("import: files %d, reports %d, cells %d, checks failed %d, files failed %d, not reports %d, unchanged %d\n",
		n, reports, first.Counts.Cells, first.Counts.ChecksFailed, failed, notReports, unchanged)
	if stdout.String() != want {
		t.Errorf("summary\n got %q\nwant %q", stdout.String(), want)
	}
	if first.Counts.Cells == 0 || first.Counts.ChecksFailed == 0 || int(first.Counts.Reports) != reports {
		t.Errorf("counts %+v, want %d reports with cells and a failed check", first.Counts, reports)
	}

	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		d, err := st.DocumentBySHA256(context.Background(), sha(f.data))
		if f.status == "" {
			if err == nil {
				t.Errorf("%s (hidden folder) was imported", f.path)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", f.path, err)
			continue
		}
		if d.Status != f.status || !strings.Contains(d.Reason, f.reason) {
			t.Errorf("%s: status %q reason %q, want %q with %q", f.path, d.Status, d.Reason, f.status, f.reason)
		}
		if f.status == store.StatusFailed || f.status == store.StatusNotReport {
			if !strings.Contains(stderr.String(), filepath.Base(f.path)) {
				t.Errorf("%s: no log line for a %s file", f.path, f.status)
			}
		}
	}
	dup, err := st.DocumentBySHA256(context.Background(), sha(files[0].data))
	if err != nil {
		t.Fatal(err)
	}
	srcs, err := st.DocumentSources(context.Background(), dup.ID)
	st.Close()
	if err != nil || len(srcs) != 2 || !filepath.IsAbs(srcs[0]) {
		t.Errorf("sources of the duplicated report: %v %v", srcs, err)
	}

	// Importing the same folder again changes no row.
	stdout.Reset()
	if code := run([]string{"import", dir, "--db", db}, &stdout, &stderr); code != exitOK {
		t.Fatalf("re-import exit %d", code)
	}
	second := snap(t, db)
	if !reflect.DeepEqual(first, second) {
		t.Errorf("re-import changed the store:\n%+v\n%+v", first.Counts, second.Counts)
	}
	// Unsupported media types are retried (a later build may support them); all else is unchanged.
	want = fmt.Sprintf("import: files %d, reports 0, cells 0, checks failed 0, files failed 1, not reports 0, unchanged %d\n", n, n-1)
	if stdout.String() != want {
		t.Errorf("re-import summary\n got %q\nwant %q", stdout.String(), want)
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "a.txt")
	os.WriteFile(good, []byte("hello"), 0o644)
	db := filepath.Join(dir, "x.db")
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"import without path", []string{"import", "--db", db}, exitUsage},
		{"import unknown flag", []string{"import", "--bogus", good}, exitUsage},
		{"import missing path", []string{"import", "--db", db, filepath.Join(dir, "none")}, exitUsage},
		{"import database in a missing folder", []string{"import", "--db", filepath.Join(dir, "no", "x.db"), good}, exitFatal},
		{"import database is a folder", []string{"import", "--db", dir, good}, exitFatal},
		{"import ok", []string{"import", "--db", db, "--", good}, exitOK},
		{"import help", []string{"import", "-h"}, exitOK},
		{"help", []string{"help"}, exitOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := run(tc.args, &stdout, &stderr); got != tc.want {
				t.Errorf("exit %d, want %d; stderr %q", got, tc.want, stderr.String())
			}
		})
	}
}

func TestDefaultDB(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "a.txt")
	os.WriteFile(good, []byte("hello"), 0o644)
	db := filepath.Join(dir, "env.db")
	t.Setenv(store.EnvDB, db)
	var stdout, stderr bytes.Buffer
	if code := run([]string{"import", good}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if _, err := os.Stat(db); err != nil {
		t.Errorf("$%s not used: %v", store.EnvDB, err)
	}
}

func TestParseInterspersed(t *testing.T) {
	tests := []struct {
		args    []string
		wantPos []string
		wantDB  string
	}{
		{[]string{"a", "--db", "x", "b"}, []string{"a", "b"}, "x"},
		{[]string{"--db=y", "a"}, []string{"a"}, "y"},
		{[]string{"a", "--", "--db", "b"}, []string{"a", "--db", "b"}, "d"},
		{nil, nil, "d"},
	}
	for _, tc := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		db := fs.String("db", "d", "")
		pos, err := parseInterspersed(fs, tc.args)
		if err != nil || !reflect.DeepEqual(pos, tc.wantPos) || *db != tc.wantDB {
			t.Errorf("%v: pos %v db %q err %v", tc.args, pos, *db, err)
		}
	}
}
