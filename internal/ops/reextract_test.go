package ops

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ogireports/ogireports/internal/fetch"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/pipeline"
	"github.com/ogireports/ogireports/internal/reportgen"
	"github.com/ogireports/ogireports/internal/store"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "ops.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func hexSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestReextractAfterLabelMappingChange simulates an extractor upgrade that changes a label
// mapping, without any hook in production code: the store is first written as an older
// extractor ("0.0.9-oldmap") would have written it, whose mapping did not recognise the row and
// column labels of transposed 表四 tables (reportgen.QuirkT4Transposed), so those reports lack
// their t4 cells; the other reports are stored exactly as the current extractor reads them, but
// under the old version. Reextract must re-read every document, change exactly the reports with
// a transposed 表四, keep their old cells as history and drop the identical snapshots.
func TestReextractAfterLabelMappingChange(t *testing.T) {
	const oldVersion = "0.0.9-oldmap"
	ctx := context.Background()
	dir := t.TempDir()
	st := openStore(t)
	// A dozen variants: four with a transposed 表四, eight without.
	var vs []reportgen.Variant
	with, without := 0, 0
	for _, v := range reportgen.Variants(16) {
		if tr := hasQuirk(v, reportgen.QuirkT4Transposed); tr && with < 4 {
			vs, with = append(vs, v), with+1
		} else if !tr && without < 8 {
			vs, without = append(vs, v), without+1
		}
	}
	files := map[string]reportgen.Variant{}
	for i, v := range vs {
		p := filepath.Join(dir, fmt.Sprintf("r%02d.html", i))
		if err := os.WriteFile(p, v.HTML(), 0o644); err != nil {
			t.Fatal(err)
		}
		files[p] = v
	}
	if _, err := pipeline.Import(ctx, st, []string{dir}, quiet()); err != nil {
		t.Fatal(err)
	}
	affected := map[int64]bool{} // report ids
	current := map[int64]map[string]store.CellValue{}
	for p, v := range files {
		data, _ := os.ReadFile(p)
		d, err := st.DocumentBySHA256(ctx, hexSum(data))
		if err != nil {
			t.Fatal(err)
		}
		head, ok, err := st.ReportOfDocument(ctx, d.ID)
		if err != nil || !ok {
			t.Fatalf("%s (%s) is not a report: %v", p, v.ID, err)
		}
		if current[head.ID], err = st.ReportCells(ctx, head.ID); err != nil {
			t.Fatal(err)
		}
		doc, _, err := pipeline.Extract(data, p, "")
		if err != nil {
			t.Fatal(err)
		}
		rep, err := normalize.Normalize(doc)
		if err != nil {
			t.Fatal(err)
		}
		rep.ExtractorVersion = oldVersion
		if hasQuirk(v, reportgen.QuirkT4Transposed) {
			affected[head.ID] = true
			kept := rep.Cells[:0]
			for _, c := range rep.Cells {
				if !strings.HasPrefix(c.Key, "t4.") {
					kept = append(kept, c)
				}
			}
			rep.Cells = kept
		}
		if _, err := st.SaveReport(ctx, d.ID, rep); err != nil {
			t.Fatal(err)
		}
	}
	if len(affected) == 0 || len(affected) == len(files) {
		t.Fatalf("%d of %d reports affected: the test needs some of each", len(affected), len(files))
	}

	sum, err := Reextract(ctx, st, ReextractOptions{DataDir: t.TempDir(), Log: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Candidates != len(files) || sum.Reextracted != len(files) || len(sum.Unavailable) != 0 {
		t.Errorf("summary %+v, want %d candidates all re-extracted", sum, len(files))
	}
	var got, want []int64
	for _, c := range sum.Changed {
		got = append(got, c.ReportID)
		if c.What != "changed" || c.KeysChanged == 0 || c.Agency == "" || c.Year == 0 {
			t.Errorf("change %+v", c)
		}
		if n := countPrefix(current[c.ReportID], "t4."); c.KeysChanged != n {
			t.Errorf("report %d: %d keys changed, want its %d t4 keys", c.ReportID, c.KeysChanged, n)
		}
	}
	for id := range affected {
		want = append(want, id)
	}
	sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
	sort.Slice(want, func(i, j int) bool { return want[i] < want[j] })
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("changed reports %v, want exactly %v", got, want)
	}
	for id, cur := range current {
		now, err := st.ReportCells(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if diffCells(now, cur) != 0 {
			t.Errorf("report %d: cells after reextract differ from the current extractor's", id)
		}
		hist, err := st.CellsHistory(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case affected[id] && (len(hist) != 1 || hist[0].ExtractorVersion != oldVersion || countPrefix(hist[0].Cells, "t4.") != 0 ||
			len(hist[0].Cells) != len(cur)-countPrefix(cur, "t4.")):
			t.Errorf("report %d: history %+v, want the old extractor's cells without t4", id, hist)
		case !affected[id] && len(hist) != 0:
			t.Errorf("report %d: unchanged but %d history snapshots", id, len(hist))
		}
	}
	if ids, _ := st.DocumentIDsForReextract(ctx, normalize.Version, false); len(ids) != 0 {
		t.Errorf("%d documents still on another extractor version", len(ids))
	}

	// Nothing left to do: a second run selects nothing; --all re-reads everything and changes
	// nothing.
	if s2, err := Reextract(ctx, st, ReextractOptions{Log: quiet()}); err != nil || s2.Candidates != 0 {
		t.Errorf("second reextract %+v %v, want no candidates", s2, err)
	}
	s3, err := Reextract(ctx, st, ReextractOptions{All: true, Log: quiet()})
	if err != nil || s3.Reextracted != len(files) || len(s3.Changed) != 0 {
		t.Errorf("reextract --all %+v %v, want %d re-extracted, none changed", s3, err, len(files))
	}

	// An imported file deleted or modified since is reported unavailable and left alone.
	var gone, edited string
	for p := range files {
		if gone == "" {
			gone = p
		} else if edited == "" {
			edited = p
		}
	}
	os.Remove(gone)
	os.WriteFile(edited, []byte("<html>changed</html>"), 0o644)
	s4, err := Reextract(ctx, st, ReextractOptions{All: true, Log: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	if len(s4.Unavailable) != 2 || s4.Reextracted != len(files)-2 {
		t.Fatalf("unavailable %+v, re-extracted %d", s4.Unavailable, s4.Reextracted)
	}
	reasons := s4.Unavailable[0].Reason + " | " + s4.Unavailable[1].Reason
	if !strings.Contains(reasons, "no such file") || !strings.Contains(reasons, "content changed since import") {
		t.Errorf("reasons %q", reasons)
	}
}

func countPrefix(m map[string]store.CellValue, prefix string) int {
	n := 0
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			n++
		}
	}
	return n
}

func hasQuirk(v reportgen.Variant, q string) bool {
	for _, x := range v.Quirks {
		if x == q {
			return true
		}
	}
	return false
}

// TestReextractAssembled: a page read with its pictures is re-read from the archived page and
// pictures as the same document (no new document, no change), and is unavailable, with the
// missing part named, when a picture is gone from the archive.
func TestReextractAssembled(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	dataDir := t.TempDir()
	archive := &fetch.Archive{Dir: filepath.Join(dataDir, "archive")}
	v := reportgen.Variants(1)[0]
	page := []byte(strings.Replace(string(v.HTML()), "</h1>", `</h1><p><img src="pic.png"></p>`, 1))
	pic := []byte("\x89PNG\r\n\x1a\nnot really a picture, but archived bytes all the same")
	const src = "http://www.example.gov.cn/ndbg/t1.html"
	for _, b := range [][]byte{page, pic} {
		if _, _, err := archive.Put(b); err != nil {
			t.Fatal(err)
		}
	}
	res, err := pipeline.Process(ctx, st, pipeline.Input{Data: page, Name: "t1.html", Source: src,
		Parts: []pipeline.Part{{URL: "http://www.example.gov.cn/ndbg/pic.png", Data: pic, ContentType: "image/png"}}})
	if err != nil || res.Status != store.StatusReport {
		t.Fatalf("process: %+v %v", res, err)
	}
	before, _ := st.Counts(ctx)
	sum, err := Reextract(ctx, st, ReextractOptions{DataDir: dataDir, All: true, Log: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := st.Counts(ctx)
	if sum.Reextracted != 1 || len(sum.Changed) != 0 || len(sum.Unavailable) != 0 || after != before {
		t.Fatalf("reextract: %+v, counts %+v → %+v; want the same document re-read unchanged", sum, before, after)
	}
	if err := os.Remove(archive.Path(hexSum(pic))); err != nil {
		t.Fatal(err)
	}
	sum, err = Reextract(ctx, st, ReextractOptions{DataDir: dataDir, All: true, Log: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Unavailable) != 1 || !strings.Contains(sum.Unavailable[0].Reason, "part 1 (http://www.example.gov.cn/ndbg/pic.png)") {
		t.Errorf("after losing the picture: %+v, want it unavailable naming part 1", sum)
	}
}

// TestReextractImportedSavedPage: a page imported with a picture from its saved folder is
// re-read from the files when they are unchanged, and unavailable once the picture changed.
func TestReextractImportedSavedPage(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	dir := t.TempDir()
	v := reportgen.Variants(1)[0]
	page := strings.Replace(string(v.HTML()), "</h1>", `</h1><p><img src="p_files/logo.png"></p>`, 1)
	pic := filepath.Join(dir, "p_files", "logo.png")
	if err := os.MkdirAll(filepath.Dir(pic), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "p.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pic, []byte("\x89PNG\r\n\x1a\nnot really a picture"), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := pipeline.Import(ctx, st, []string{dir}, quiet())
	if err != nil || sum.Reports != 1 || sum.Pictures != 1 {
		t.Fatalf("import: %+v %v", sum, err)
	}
	opts := ReextractOptions{DataDir: t.TempDir(), All: true, Log: quiet()}
	rs, err := Reextract(ctx, st, opts)
	if err != nil || rs.Reextracted != 1 || len(rs.Unavailable) != 0 {
		t.Fatalf("reextract: %+v %v, want the page and its picture read from disk", rs, err)
	}
	if err := os.WriteFile(pic, []byte("\x89PNG\r\n\x1a\nanother picture"), 0o644); err != nil {
		t.Fatal(err)
	}
	rs, err = Reextract(ctx, st, opts)
	if err != nil || len(rs.Unavailable) != 1 || !strings.Contains(rs.Unavailable[0].Reason, "part 1 ("+pic+")") {
		t.Errorf("after the picture changed: %+v %v, want it unavailable naming part 1", rs, err)
	}
}
