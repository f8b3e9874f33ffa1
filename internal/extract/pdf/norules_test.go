package pdf

import (
	"context"
	"math"
	"os"
	"testing"

	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/testutil"
)

// TestRealPDFTextOnlyFallback drops the ruled lines of the real PDFs and reads them with the
// text-alignment fallback alone (what a text-only engine such as pdftotext would allow): it
// guards the fallback used for tables printed without rules, and measures what the rules buy.
func TestRealPDFTextOnlyFallback(t *testing.T) {
	total, exact := 0, 0
	for _, rp := range realPDFs {
		path := testutil.RealData(t, rp.file)
		tr := readTruth(t, path+".truth.json")
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		doc, err := ExtractContext(context.Background(), data, Options{ignoreRules: true})
		if err != nil {
			t.Fatalf("Extract %s: %v", rp.file, err)
		}
		rep, err := normalize.Normalize(doc)
		if err != nil {
			t.Fatalf("Normalize %s: %v", rp.file, err)
		}
		got := map[string]normalize.Cell{}
		for _, c := range rep.Cells {
			got[c.Key] = c
		}
		ok := 0
		for k, w := range tr.Cells {
			if c, p := got[k]; p && c.Value != nil && math.Abs(*c.Value-w) < 1e-9 {
				ok++
			}
		}
		t.Logf("%s without rules: %d/%d truth cells exact", rp.file, ok, len(tr.Cells))
		total, exact = total+len(tr.Cells), exact+ok
	}
	if total > 0 {
		t.Logf("text-only fallback: %d/%d (%.1f%%)", exact, total, 100*float64(exact)/float64(total))
		if float64(exact) < 0.8*float64(total) {
			t.Errorf("text-only fallback read %d/%d truth cells, want at least 80%%", exact, total)
		}
	}
}
