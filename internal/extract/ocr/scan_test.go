package ocr

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/reportgen"
	"github.com/ogireports/ogireports/internal/testutil"
)

// scan renders a variant as PNG pages at 150 dpi (LibreOffice PDF, then pdftoppm). With
// OGIREPORTS_OCR_CACHE set, pages are cached there across runs (rendering is deterministic).
func scan(t testing.TB, v reportgen.Variant) [][]byte {
	t.Helper()
	testutil.NeedTool(t, "soffice", "libreoffice-writer")
	testutil.NeedTool(t, "pdftoppm", "poppler-utils")
	cache := os.Getenv("OGIREPORTS_OCR_CACHE")
	if cache != "" {
		var pages [][]byte
		for i := 1; ; i++ {
			b, err := os.ReadFile(filepath.Join(cache, fmt.Sprintf("%s-%02d.png", v.ID, i)))
			if err != nil {
				break
			}
			pages = append(pages, b)
		}
		if len(pages) > 0 {
			return pages
		}
	}
	pages, err := v.PNGScan(DPI)
	if err != nil {
		t.Fatalf("render %s: %v", v.ID, err)
	}
	if cache != "" {
		for i, p := range pages {
			if err := os.WriteFile(filepath.Join(cache, fmt.Sprintf("%s-%02d.png", v.ID, i+1)), p, 0o644); err != nil {
				t.Fatalf("cache: %v", err)
			}
		}
	}
	return pages
}

// covered reports whether a failed identity check involves the cell key.
func covered(key string, failed []cells.Check) bool {
	return slices.ContainsFunc(failed, func(c cells.Check) bool { return c.Involves(key) })
}

// scoreResult counts the truth cells of one variant read back exactly, and lists the cells
// that are wrong without any flag or failed check saying so.
type scoreResult struct {
	total, exact, lowConf int
	wrong, silent         []string
}

func score(v reportgen.Variant, rep *normalize.Report) scoreResult {
	var s scoreResult
	got := map[string]normalize.Cell{}
	for _, c := range rep.Cells {
		got[c.Key] = c
	}
	var failed []cells.Check
	for _, c := range rep.Checks {
		if c.Status == cells.Fail {
			failed = append(failed, c)
		}
	}
	for _, k := range v.Keys() {
		s.total++
		want := v.Truth[k]
		c, present := got[k]
		low := present && slices.Contains(c.Flags, normalize.FlagLowConf)
		if low {
			s.lowConf++
		}
		exact := present && (want == nil) == (c.Value == nil) && (want == nil || math.Abs(*want-*c.Value) < 1e-9)
		if exact {
			s.exact++
			continue
		}
		g := "missing"
		if present {
			g = fmt.Sprintf("%q", c.ValueText)
		}
		line := fmt.Sprintf("%s: got %s, printed %q", k, g, v.Printed[k])
		s.wrong = append(s.wrong, line)
		if !low && !covered(k, failed) {
			s.silent = append(s.silent, line)
		}
	}
	return s
}

// acceptance OCRs n variants (every step-th of the standard set) and checks the bar of the
// issue: at least 98% of truth cells exact over the set, and no silent error.
func acceptance(t *testing.T, picks []int) {
	needOCR(t)
	vs := reportgen.Variants(20260101)
	var total, exact, low, silent, metaMiss int
	for _, i := range picks {
		v := vs[i%len(vs)]
		t.Run(v.ID, func(t *testing.T) {
			pages := scan(t, v)
			start := time.Now()
			doc, err := Pages(pages)
			if err != nil {
				t.Fatalf("Pages: %v", err)
			}
			el := time.Since(start)
			if !slices.Contains(doc.Flags, normalize.FlagOCR) {
				t.Errorf("document flags %v lack %q", doc.Flags, normalize.FlagOCR)
			}
			rep, err := normalize.Normalize(doc)
			if err != nil {
				t.Fatalf("normalize: %v", err)
			}
			s := score(v, rep)
			total += s.total
			exact += s.exact
			low += s.lowConf
			silent += len(s.silent)
			for _, c := range rep.Cells {
				if c.ValueText != "" && !slices.Contains(c.Flags, normalize.FlagOCR) {
					t.Errorf("%s: cell not flagged %q: %v", c.Key, normalize.FlagOCR, c.Flags)
					break
				}
			}
			t.Logf("%d pages in %v: %d/%d exact, %d low_confidence, %d failed checks", len(pages), el.Round(time.Millisecond), s.exact, s.total, s.lowConf, rep.ChecksFailed())
			// Metadata comes from the OCR of the text: reported, not part of the cell bar.
			if rep.Year != v.Year || rep.Agency != v.Agency {
				metaMiss++
				t.Logf("metadata: year %d (want %d), agency %q (want %q)", rep.Year, v.Year, rep.Agency, v.Agency)
			}
			sort.Strings(s.wrong)
			if len(s.wrong) > 0 {
				t.Logf("not exact:\n  %s", strings.Join(s.wrong, "\n  "))
			}
			if len(s.silent) > 0 {
				t.Errorf("%d cells wrong without a flag or failed check:\n  %s", len(s.silent), strings.Join(s.silent, "\n  "))
			}
		})
	}
	if total == 0 {
		return
	}
	acc := float64(exact) / float64(total)
	t.Logf("OCR acceptance: %d variants, %d/%d truth cells exact (%.2f%%), %d low_confidence, %d silent errors; agency or year wrong in %d",
		len(picks), exact, total, 100*acc, low, silent, metaMiss)
	if acc < 0.98 {
		t.Errorf("accuracy %.2f%% below 98%%", 100*acc)
	}
}

// TestScanAcceptance is the CI share of the acceptance: a gov2021 variant with rowspan labels
// and a mixed-layout variant with broken header words and a deliberately broken identity
// (TestPDF reads a gov2019 one).
func TestScanAcceptance(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR of rendered scans is slow; skipped with -short")
	}
	acceptance(t, []int{0, 5})
}

// BenchmarkPages measures OCR throughput on the scanned pages of one variant (pages/s).
func BenchmarkPages(b *testing.B) {
	needOCR(b)
	pages := scan(b, reportgen.Variants(20260101)[0])
	b.ResetTimer()
	for b.Loop() {
		if _, err := Pages(pages); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(pages)*b.N)/b.Elapsed().Seconds(), "pages/s")
}

// TestScanAcceptanceFull measures the acceptance over a larger set (OGIREPORTS_OCR_FULL=1;
// OGIREPORTS_OCR_N sets the number of variants, default 20, spread evenly over the set).
func TestScanAcceptanceFull(t *testing.T) {
	if os.Getenv("OGIREPORTS_OCR_FULL") != "1" {
		t.Skip("set OGIREPORTS_OCR_FULL=1 to OCR a larger set of rendered variants (minutes)")
	}
	n := 20
	if s := os.Getenv("OGIREPORTS_OCR_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	// Spread the picks over the whole set, so that every quirk family is represented.
	all := len(reportgen.Variants(20260101))
	n = max(1, min(n, all))
	var picks []int
	for i := 0; i < n; i++ {
		picks = append(picks, i*all/n)
	}
	acceptance(t, picks)
}
