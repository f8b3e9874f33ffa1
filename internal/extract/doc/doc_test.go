package doc_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
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

// sampleDOCs converts the first n variants to DOC with LibreOffice (skipping without it).
func sampleDOCs(t *testing.T, n int) ([]reportgen.Variant, [][]byte) {
	t.Helper()
	testutil.NeedTool(t, "soffice", "libreoffice-writer-nogui")
	vs := reportgen.Variants(1)[:n]
	out := make([][]byte, len(vs))
	var wg sync.WaitGroup
	errs := make([]error, len(vs))
	for i, v := range vs {
		wg.Go(func() { out[i], errs[i] = v.ViaLibreOffice("doc") })
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
	tests := []struct {
		name    string
		data    []byte
		tools   []string // converters that must be installed for the case
		wantErr error
	}{
		{"empty", nil, nil, extract.ErrEmpty},
		{"random bytes", random, nil, doc.ErrNotDOC},
		{"zip (a DOCX named .doc)", []byte("PK\x03\x04rest"), nil, doc.ErrNotDOC},
		{"OLE header then random bytes, LibreOffice", ole, []string{"soffice"}, doc.ErrConvert},
		{"OLE header then random bytes, antiword", ole, []string{"antiword"}, doc.ErrConvert},
		{"OLE header then random bytes, catdoc", ole, []string{"catdoc"}, doc.ErrConvert},
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
	ole := []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0}
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
// (TableBlocks, no flag), antiword and catdoc give text only (flagged converted_text), and the
// text path's cell accuracy through normalize's flattened-text reader is reported.
func TestConverters(t *testing.T) {
	vs, docs := sampleDOCs(t, 20)
	tests := []struct {
		conv      string
		wantTable bool
		wantFlag  bool
	}{
		{doc.ConverterSoffice, true, false},
		{doc.ConverterAntiword, false, true},
		{doc.ConverterCatdoc, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.conv, func(t *testing.T) {
			testutil.NeedTool(t, tt.conv, tt.conv)
			exact, total, reports := 0, 0, 0
			for i, v := range vs {
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
				text := d.PlainText()
				wants := []string{v.Agency, "信息内容", "本年新收政府信息公开申请数量", "行政复议"}
				if tt.conv == doc.ConverterAntiword {
					wants = wants[:2] // antiword loses most of table 三 (vertical merges)
				}
				for _, want := range wants {
					if !strings.Contains(text, want) {
						t.Errorf("%s: text lacks %q", v.ID, want)
					}
				}
				rep, err := normalize.Normalize(d)
				if err != nil {
					continue
				}
				reports++
				_, e, n := diffTruth(v, rep)
				exact, total = exact+e, total+n
			}
			total = max(total, 1)
			t.Logf("%s: %d of %d documents normalised; %d of %d truth cells exact (%.1f%%)", tt.conv, reports, len(vs), exact, total, 100*float64(exact)/float64(total))
			if tt.wantTable && exact != total {
				t.Errorf("LibreOffice path: %d of %d cells exact, want all", exact, total)
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
	vs, docs := sampleDOCs(t, 6)
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
