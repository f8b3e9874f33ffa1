package pipeline

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ogireports/ogireports/internal/extract/ocr"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/testutil"
)

// TestOCRRealPDFs reads the real report PDFs of ../shared/realdata as if they were scans: every
// page rendered at ocr.DPI and read by OCR, ignoring the text layer. Real tables (fonts, wrapped
// labels, a vertical group label, table 三 across pages) rather than generated ones: at least
// 98% of the truth cells exact over the files, and every other cell flagged.
func TestOCRRealPDFs(t *testing.T) {
	testutil.NeedTool(t, "pdftoppm", "poppler-utils")
	testutil.NeedTool(t, "tesseract", "tesseract-ocr")
	if !ocr.Available() {
		testutil.Missing(t, "tesseract lacks chi_sim (Debian package tesseract-ocr-chi-sim)")
	}
	total, exact := 0, 0
	for _, rp := range []struct{ file, agency string }{
		{"huaian_city_2024.pdf", "淮安市人民政府"}, {"huaian_hongze_2023.pdf", "洪泽区人民政府"}, {"huaian_hongze_2024.pdf", "洪泽区人民政府"},
	} {
		file := rp.file
		t.Run(file, func(t *testing.T) {
			path := testutil.RealData(t, file)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var tr struct {
				Agency string             `json:"agency"`
				Year   int                `json:"year"`
				Cells  map[string]float64 `json:"cells"`
			}
			raw, err := os.ReadFile(path + ".truth.json")
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(raw, &tr); err != nil {
				t.Fatal(err)
			}
			doc, err := ocr.PDF(data)
			if err != nil {
				t.Fatalf("ocr: %v", err)
			}
			rep, err := normalize.Normalize(doc)
			if err != nil {
				t.Fatalf("normalize: %v", err)
			}
			got := map[string]normalize.Cell{}
			for _, c := range rep.Cells {
				got[c.Key] = c
			}
			n, ok := 0, 0
			for key, want := range tr.Cells {
				n++
				c, present := got[key]
				if present && c.Value != nil && math.Abs(*c.Value-want) < 1e-9 {
					ok++
					continue
				}
				desc := "missing"
				if present {
					desc = fmt.Sprintf("%v (%q)", show(c.Value), c.ValueText)
				}
				flagged := present && slices.ContainsFunc(c.Flags, func(f string) bool { return f != normalize.FlagOCR })
				if flagged {
					t.Logf("%s: %s, want %v (flagged %v)", key, desc, want, c.Flags)
				} else {
					t.Errorf("%s: %s, want %v, and not flagged", key, desc, want)
				}
			}
			if rep.Year != tr.Year || !strings.Contains(rep.Agency, rp.agency) {
				t.Errorf("agency %q year %d, want %q (as printed: %q) %d", rep.Agency, rep.Year, tr.Agency, rp.agency, tr.Year)
			}
			t.Logf("%s by OCR: %d/%d truth cells exact", file, ok, n)
			total += n
			exact += ok
		})
	}
	if total > 0 {
		t.Logf("real PDFs by OCR: %d/%d truth cells exact (%.2f%%)", exact, total, 100*float64(exact)/float64(total))
		if float64(exact) < 0.98*float64(total) {
			t.Errorf("%d/%d exact, want at least 98%%", exact, total)
		}
	}
}
