package pipeline

import (
	"os"
	"slices"
	"testing"

	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/reportgen"
	"github.com/ogireports/ogireports/internal/testutil"
)

// TestExtractRealPDF reads a real report PDF through the registered PDF extractor: its text
// layer gives the tables, no OCR involved.
func TestExtractRealPDF(t *testing.T) {
	path := testutil.RealData(t, "huaian_hongze_2024.pdf")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, media, err := Extract(data, path, "")
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if media != extract.MediaPDF {
		t.Fatalf("media %q, want %q", media, extract.MediaPDF)
	}
	if !hasTable(doc) {
		t.Fatal("no table read from the PDF's text layer")
	}
	if slices.Contains(doc.Flags, "ocr") {
		t.Errorf("a PDF with a text layer went through OCR: flags %v", doc.Flags)
	}
	rep, err := normalize.Normalize(doc)
	if err != nil {
		t.Fatalf("Normalize: %v", err)
	}
	if rep.Year != 2024 {
		t.Errorf("year %d, want 2024", rep.Year)
	}
}

// TestExtractScannedImage sends the first page of a generated report, scanned to PNG at 150
// dpi, through the pipeline's image extractor (OCR) and checks that table cells come back with
// the ocr flag and values equal to the truth where they are not flagged low_confidence.
func TestExtractScannedImage(t *testing.T) {
	testutil.NeedTool(t, "soffice", "libreoffice-writer-nogui")
	testutil.NeedTool(t, "pdftoppm", "poppler-utils")
	testutil.NeedTool(t, "tesseract", "tesseract-ocr")
	v := reportgen.Variants(1)[0]
	pages, err := v.PNGScan(150)
	if err != nil {
		t.Fatalf("PNGScan: %v", err)
	}
	var doc *extract.Document
	for _, p := range pages { // the page that holds table 三's start
		d, _, err := Extract(p, "scan.png", "")
		if err != nil {
			t.Fatalf("Extract PNG: %v", err)
		}
		if slices.Contains(d.Flags, "ocr") && hasTable(d) {
			doc = d
			break
		}
	}
	if doc == nil {
		t.Fatal("no page of the scan gave an OCR-read table")
	}
	n := 0
	for _, b := range doc.Blocks {
		if b.Kind != extract.TableBlock {
			continue
		}
		for _, row := range b.Table.Rows {
			for _, c := range row {
				if c.Text != "" && !slices.Contains(c.Flags, "ocr") {
					t.Fatalf("OCR-read cell %q lacks the ocr flag", c.Text)
				}
				if c.Text != "" && (c.Confidence <= 0 || c.Confidence > 1) {
					t.Fatalf("OCR-read cell %q has confidence %v", c.Text, c.Confidence)
				}
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("tables hold no cells")
	}
}
