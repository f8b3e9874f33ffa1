package pipeline

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ogireports/ogireports/internal/reportgen"
	"github.com/ogireports/ogireports/internal/store"
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
