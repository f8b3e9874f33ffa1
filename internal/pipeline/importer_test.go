package pipeline

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ogireports/ogireports/internal/extract/ocr"
	"github.com/ogireports/ogireports/internal/reportgen"
	"github.com/ogireports/ogireports/internal/store"
	"github.com/ogireports/ogireports/internal/testutil"
)

func TestSummaryString(t *testing.T) {
	s := Summary{Files: 12, Reports: 9, Cells: 1890, ChecksFailed: 2, Failed: 3, NotReports: 2, Unchanged: 0}
	want := "import: files 12, reports 9, cells 1890, checks failed 2, files failed 3, not reports 2, unchanged 0"
	if s.String() != want {
		t.Errorf("got %q", s.String())
	}
}

func TestImportWalk(t *testing.T) {
	dir := t.TempDir()
	write := func(rel string, data []byte) string {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	v := reportgen.Variants(2)[0]
	report := write("a/report.html", v.HTML())
	write("a/.hidden/skip.html", v.HTML())
	html := v.HTML()
	big := []byte(strings.Repeat("政府信息公开", len(html)/18+100)) // 18 bytes per repetition
	write("big.txt", big)
	if err := os.Symlink(report, filepath.Join(dir, "link.html")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "a"), filepath.Join(dir, "dirlink")); err != nil {
		t.Fatal(err)
	}
	old := MaxFileBytes
	MaxFileBytes = int64(len(html))
	t.Cleanup(func() { MaxFileBytes = old })

	st := openStore(t)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sum, err := Import(ctx, st, []string{dir}, log)
	if err != nil {
		t.Fatal(err)
	}
	// report.html (report), big.txt (too large), link.html (same bytes: unchanged); the hidden
	// folder and the symlinked folder are not walked.
	want := Summary{Files: 3, Reports: 1, Cells: sum.Cells, Failed: 1, Unchanged: 1}
	if sum != want || sum.Cells == 0 {
		t.Errorf("summary %+v, want %+v", sum, want)
	}
	c, _ := st.Counts(ctx)
	if c.Documents != 2 || c.Failed != 1 || c.Reports != 1 {
		t.Errorf("counts %+v", c)
	}
	var reason string
	for id := int64(1); id <= c.Documents; id++ {
		if d, _ := st.Document(ctx, id); d.Status == store.StatusFailed {
			reason = d.Reason
		}
	}
	if !strings.HasPrefix(reason, fmt.Sprintf("file too large: %d bytes (limit %d)", len(big), len(html))) {
		t.Errorf("too-large reason %q", reason)
	}

	// A single file argument works; a missing one is an error.
	if sum, err := Import(ctx, st, []string{report}, log); err != nil || sum.Unchanged != 1 {
		t.Errorf("file argument: %+v %v", sum, err)
	}
	if _, err := Import(ctx, st, []string{filepath.Join(dir, "none")}, log); err == nil {
		t.Error("missing path: no error")
	}
	// A cancelled context stops the import with an error.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Import(cctx, st, []string{dir}, log); err == nil {
		t.Error("cancelled import: no error")
	}
}

// TestImportSavedPage: a page saved by a browser with its images ("年报_files/…") is imported
// as one document with its pictures as parts; the pictures are not imported on their own.
// Without tesseract (PATH emptied) it is recorded as needing OCR; with it, read as a report.
func TestImportSavedPage(t *testing.T) {
	v := utf8Variant(t)
	pics, err := v.TableImages()
	if err != nil {
		testutil.Missing(t, fmt.Sprintf("no table pictures: %v", err))
	}
	dir := t.TempDir()
	page := reportgen.ReplaceTables(string(v.HTML()), func(n int) string {
		return fmt.Sprintf("%s_files/t%d%s", url.PathEscape("年报 2023"), n, pics[n-1].Ext())
	})
	if err := os.WriteFile(filepath.Join(dir, "年报 2023.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "年报 2023_files"), 0o755); err != nil {
		t.Fatal(err)
	}
	for n, p := range pics {
		if err := os.WriteFile(filepath.Join(dir, "年报 2023_files", fmt.Sprintf("t%d%s", n+1, p.Ext())), p.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()

	run := func(t *testing.T, wantStatus string) {
		st := openStore(t)
		sum, err := Import(ctx, st, []string{dir}, log)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Files != 1+len(pics) || sum.Pictures != len(pics) || sum.Reports+sum.Failed+sum.NotReports+sum.Unchanged != 1 {
			t.Fatalf("summary %+v: want 1 page and %d pictures of it", sum, len(pics))
		}
		if !strings.HasSuffix(sum.String(), fmt.Sprintf(", pictures of pages %d", len(pics))) {
			t.Errorf("summary line %q", sum.String())
		}
		d, err := st.Document(ctx, 1)
		if err != nil || d.Status != wantStatus {
			t.Fatalf("document: %+v %v, want status %s", d, err, wantStatus)
		}
		parts, err := st.DocumentParts(ctx, 1)
		if err != nil || len(parts) != 1+len(pics) {
			t.Fatalf("parts %+v %v", parts, err)
		}
		for n, p := range parts[1:] {
			want := filepath.Join(dir, "年报 2023_files", fmt.Sprintf("t%d%s", n+1, pics[n].Ext()))
			if p.URL != want || p.SHA256 != sumHex(pics[n].Data) {
				t.Errorf("part %d: %+v, want %s", n+1, p, want)
			}
		}
		if c, _ := st.Counts(ctx); c.Documents != 1 {
			t.Errorf("%d documents, want the page alone", c.Documents)
		}
		if wantStatus == store.StatusReport {
			r := reportRow(t, st, 1)
			if r.Agency != v.Agency || r.Year != v.Year {
				t.Errorf("report %q %d, want %q %d", r.Agency, r.Year, v.Agency, v.Year)
			}
		}
	}
	t.Run("without OCR", func(t *testing.T) {
		t.Setenv("PATH", "")
		run(t, store.StatusFailed)
	})
	t.Run("with OCR", func(t *testing.T) {
		if !ocr.Available() {
			testutil.Missing(t, "tesseract with chi_sim is not installed (Debian packages tesseract-ocr tesseract-ocr-chi-sim)")
		}
		run(t, store.StatusReport)
	})
}
