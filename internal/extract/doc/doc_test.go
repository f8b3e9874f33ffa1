package doc_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/extract/doc"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/reportgen"
	"github.com/ogireports/ogireports/internal/testutil"
)

// docCache holds the LibreOffice DOC rendering of each variant of reportgen.Variants(1), by
// index, shared by the tests of this package (each conversion takes about a second).
var docCache sync.Map

// variantDOC returns the DOC rendering of variant i (converted on first use).
func variantDOC(t *testing.T, vs []reportgen.Variant, i int) ([]byte, error) {
	if b, ok := docCache.Load(i); ok {
		return b.([]byte), nil
	}
	b, err := vs[i].ViaLibreOffice("doc")
	if err != nil {
		return nil, err
	}
	docCache.Store(i, b)
	return b, nil
}

// representative returns the indices of a subset of reportgen.Variants(1) that covers every
// quirk, every layout combination, both encodings and the broken variants (greedily), padded
// to at least 24 variants; with OGIREPORTS_DOC_ALL=1 it returns every variant. Each variant
// costs two LibreOffice runs (about 1 s each on an idle 2-CPU machine).
func representative(vs []reportgen.Variant) []int {
	if os.Getenv("OGIREPORTS_DOC_ALL") == "1" {
		all := make([]int, len(vs))
		for i := range all {
			all[i] = i
		}
		return all
	}
	return reportgen.RepresentativeBy(vs, 24, 4, reportgen.Features)
}

// sampleDOCs returns n variants of the representative subset and their DOC renderings
// (skipping without soffice).
func sampleDOCs(t *testing.T, n int) ([]reportgen.Variant, [][]byte) {
	t.Helper()
	testutil.NeedTool(t, "soffice", "libreoffice-writer-nogui")
	all := reportgen.Variants(1)
	idx := representative(all)[:n]
	vs := make([]reportgen.Variant, n)
	out := make([][]byte, n)
	var wg sync.WaitGroup
	errs := make([]error, n)
	for k, i := range idx {
		vs[k] = all[i]
		wg.Go(func() { out[k], errs[k] = variantDOC(t, all, i) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	return vs, out
}

func TestBrokenInputs(t *testing.T) {
	random := make([]byte, 64<<10)
	rand.Read(random)
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, random...)
	// An OLE header and a WordDocument directory name, in random bytes: looks like a DOC.
	word := append(append(append([]byte{}, ole...), []byte("W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t\x00")...), random[:4096]...)
	tests := []struct {
		name    string
		data    []byte
		tools   []string // converters that must be installed for the case
		wantErr error
	}{
		{"empty", nil, nil, extract.ErrEmpty},
		{"random bytes", random, nil, doc.ErrNotDOC},
		{"zip (a DOCX named .doc)", []byte("PK\x03\x04rest"), nil, doc.ErrNotDOC},
		{"OLE header then random bytes", ole, nil, doc.ErrNotDOC},
		{"damaged DOC, LibreOffice", word, []string{"soffice"}, doc.ErrConvert},
		{"damaged DOC, antiword", word, []string{"antiword"}, doc.ErrConvert},
		{"damaged DOC, catdoc", word, []string{"catdoc"}, doc.ErrConvert},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, tool := range tt.tools {
				testutil.NeedTool(t, tool, tool)
			}
			d, err := doc.ExtractWith(context.Background(), tt.data, doc.Options{Converters: tt.tools, Timeout: time.Minute})
			if err == nil {
				// catdoc prints garbage rather than failing on some corrupt files: what it
				// returns must at least be flagged as text-only.
				t.Fatalf("no error; document of %d blocks, flags %v", len(d.Blocks), d.Flags)
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("error %q, want one wrapping %v", err, tt.wantErr)
			}
		})
	}
}

func TestNoTool(t *testing.T) {
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0}, "W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t\x00"...)
	_, err := doc.ExtractWith(context.Background(), ole, doc.Options{Converters: []string{"no-such-converter-installed"}})
	if !errors.Is(err, doc.ErrNoTool) || !strings.Contains(err.Error(), "needs LibreOffice, antiword or catdoc") {
		t.Errorf("error %v, want ErrNoTool", err)
	}
}

func TestAvailable(t *testing.T) {
	s, a, c := doc.Available()
	t.Logf("soffice %v, antiword %v, catdoc %v", s, a, c)
	if testutil.ToolsRequired() && !(s && a && c) {
		t.Errorf("OGIREPORTS_REQUIRE_TOOLS=1 but soffice %v, antiword %v, catdoc %v", s, a, c)
	}
}

// TestConverters reads the same DOC files with each converter: LibreOffice keeps the tables
// (TableBlocks, no flag, every cell exact), catdoc and antiword give text only (flagged
// converted_text), and the text path's cell accuracy through normalize's flattened-text
// reader is reported and held to a floor.
func TestConverters(t *testing.T) {
	vs, docs := sampleDOCs(t, 12)
	tests := []struct {
		conv      string
		wantTable bool
		wantFlag  bool
		// minPct is the floor of exact truth cells (the text tools lose text of table 三:
		// measured on these 12: 89% for catdoc, 10.5% for antiword).
		minPct float64
	}{
		{doc.ConverterSoffice, true, false, 100},
		{doc.ConverterCatdoc, false, true, 80},
		{doc.ConverterAntiword, false, true, 5},
	}
	for _, tt := range tests {
		t.Run(tt.conv, func(t *testing.T) {
			testutil.NeedTool(t, tt.conv, tt.conv)
			exact, wrong, total, reports, unflagged := 0, 0, 0, 0, 0
			for i, v := range vs {
				total += len(v.Keys())
				d, err := doc.ExtractWith(context.Background(), docs[i], doc.Options{Converters: []string{tt.conv}})
				if err != nil {
					t.Fatalf("%s: %v", v.ID, err)
				}
				if d.MediaType != extract.MediaDOC || d.Meta["converter"] != tt.conv {
					t.Errorf("%s: media type %q, converter %q", v.ID, d.MediaType, d.Meta["converter"])
				}
				tables := 0
				for _, b := range d.Blocks {
					if b.Kind == extract.TableBlock {
						tables++
					}
				}
				if (tables >= 3) != tt.wantTable {
					t.Errorf("%s: %d tables", v.ID, tables)
				}
				flagged := strings.Contains(strings.Join(d.Flags, ","), doc.FlagConvertedText)
				if flagged != tt.wantFlag {
					t.Errorf("%s: flags %v", v.ID, d.Flags)
				}
				if text := d.PlainText(); !strings.Contains(text, v.Agency) || !strings.Contains(text, "政府信息公开") {
					t.Errorf("%s: text lacks the agency or the subject", v.ID)
				}
				rep, err := normalize.Normalize(d)
				if err != nil {
					continue
				}
				reports++
				if tt.wantFlag {
					for _, c := range rep.Cells {
						if !slices.Contains(c.Flags, normalize.FlagFromText) {
							unflagged++
						}
					}
				}
				p, e, _ := reportgen.Compare(v, rep)
				exact += e
				for _, l := range p {
					if strings.Contains(l, ": got ") && !strings.HasPrefix(l, "agency") && !strings.HasPrefix(l, "year") {
						wrong++
					}
				}
			}
			t.Logf("%s: %d of %d documents normalised; %d of %d truth cells exact (%.1f%%), %d present but wrong; %d cells without the from_text flag",
				tt.conv, reports, len(vs), exact, total, 100*float64(exact)/float64(total), wrong, unflagged)
			if unflagged > 0 {
				t.Errorf("%d cells read from converted text lack the %s flag", unflagged, normalize.FlagFromText)
			}
			if pct := 100 * float64(exact) / float64(total); pct < tt.minPct {
				t.Errorf("%.1f%% of the truth cells exact, want at least %.1f%%", pct, tt.minPct)
			}
		})
	}
}

// TestTimeout kills a conversion that overruns its timeout, quickly, with a clear error.
func TestTimeout(t *testing.T) {
	_, docs := sampleDOCs(t, 1)
	start := time.Now()
	_, err := doc.ExtractWith(context.Background(), docs[0], doc.Options{Converters: []string{doc.ConverterSoffice}, Timeout: 50 * time.Millisecond})
	if err == nil || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "killed after") {
		t.Fatalf("error %v, want a kill after the timeout", err)
	}
	if el := time.Since(start); el > 30*time.Second {
		t.Errorf("took %s after a 50ms timeout", el)
	}
}

// TestConcurrentConversions runs conversions of different documents at once: each must get
// its own output (a shared LibreOffice profile would silently lose one).
func TestConcurrentConversions(t *testing.T) {
	vs, docs := sampleDOCs(t, 4)
	var wg sync.WaitGroup
	errs := make([]error, len(vs))
	for i, v := range vs {
		wg.Go(func() {
			d, err := doc.Extract(docs[i])
			if err != nil {
				errs[i] = err
				return
			}
			if d.Title != v.Title() {
				errs[i] = fmt.Errorf("%s: title %q, want %q", v.ID, d.Title, v.Title())
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Error(err)
	}
}
