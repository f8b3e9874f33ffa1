package pdf

import (
	"os"
	"os/exec"
	"testing"

	"github.com/klippa-app/go-pdfium/requests"
	"github.com/ogireports/ogireports/internal/testutil"
)

// benchFiles reads the real PDFs and their page counts (skipping when ../shared is absent).
func benchFiles(b *testing.B) (names []string, data [][]byte, pages int) {
	b.Helper()
	for _, rp := range realPDFs {
		p := testutil.RealData(b, rp.file)
		d, err := os.ReadFile(p)
		if err != nil {
			b.Fatalf("read %s: %v", p, err)
		}
		doc, err := Extract(d) // also warms the engine outside the timed loop
		if err != nil {
			b.Fatalf("Extract %s: %v", p, err)
		}
		n := 0
		for _, bl := range doc.Blocks {
			n = max(n, bl.Page)
		}
		names, data, pages = append(names, p), append(data, d), pages+n
	}
	return names, data, pages
}

// BenchmarkExtract measures our whole PDF extraction (engine + table rebuilding), in pages/s.
func BenchmarkExtract(b *testing.B) {
	_, data, pages := benchFiles(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, d := range data {
			if _, err := Extract(d); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(pages*b.N)/b.Elapsed().Seconds(), "pages/s")
}

// BenchmarkEngineText measures PDFium's bare text extraction (open, characters with boxes,
// close) on the same files: the ratio to BenchmarkExtract is our own overhead.
func BenchmarkEngineText(b *testing.B) {
	_, data, pages := benchFiles(b)
	eng, err := getEngine(Options{}.withDefaults())
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, d := range data {
			inst, err := eng.pool.GetInstance(0)
			if err != nil {
				b.Fatal(err)
			}
			doc, err := inst.OpenDocument(&requests.OpenDocument{File: &d})
			if err != nil {
				b.Fatal(err)
			}
			pc, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc.Document})
			if err != nil {
				b.Fatal(err)
			}
			for p := 0; p < pc.PageCount; p++ {
				_, err := inst.GetPageTextStructured(&requests.GetPageTextStructured{
					Page: requests.Page{ByIndex: &requests.PageByIndex{Document: doc.Document, Index: p}},
					Mode: requests.GetPageTextStructuredModeChars,
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})
			inst.Close()
		}
	}
	b.ReportMetric(float64(pages*b.N)/b.Elapsed().Seconds(), "pages/s")
}

// BenchmarkPdftotextBbox measures poppler's `pdftotext -bbox-layout` (the external
// alternative engine) on the same files, process start included.
func BenchmarkPdftotextBbox(b *testing.B) {
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		b.Skip("pdftotext (poppler-utils) is not installed")
	}
	names, _, pages := benchFiles(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, n := range names {
			if out, err := exec.Command(tool, "-bbox-layout", n, os.DevNull).CombinedOutput(); err != nil {
				b.Fatalf("pdftotext %s: %v: %s", n, err, out)
			}
		}
	}
	b.ReportMetric(float64(pages*b.N)/b.Elapsed().Seconds(), "pages/s")
}
