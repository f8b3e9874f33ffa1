package pipeline

import (
	"errors"
	"fmt"
	"slices"

	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/extract/doc"
	"github.com/ogireports/ogireports/internal/extract/docx"
	"github.com/ogireports/ogireports/internal/extract/ocr"
	"github.com/ogireports/ogireports/internal/extract/pdf"
)

// init registers the extractors of the other formats: PDF through PDFium compiled to
// WebAssembly, falling back to OCR for scanned pages (extractPDF); DOCX natively (docx.Extract);
// DOC and WPS through LibreOffice or the text tools (doc.Extract; extract.Sniff reports both as
// MediaDOC); images through OCR (ocr.Image).
func init() {
	RegisterExtractor(extract.MediaPDF, extractPDF)
	RegisterExtractor(extract.MediaDOCX, docx.Extract)
	RegisterExtractor(extract.MediaDOC, doc.Extract)
	for _, m := range []string{extract.MediaPNG, extract.MediaJPEG, extract.MediaGIF} {
		RegisterExtractor(m, ocr.Image)
	}
}

// extractPDF reads a PDF's text layer; when pages have none (a scan) and the text layer gave no
// table, the pages are rendered and read by OCR. Without the OCR tools such a PDF fails with an
// error wrapping ocr.ErrNeedsOCR, so the store records it as needing OCR (its bytes stay archived).
func extractPDF(data []byte) (*extract.Document, error) {
	d, err := pdf.Extract(data)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(d.Flags, pdf.FlagNeedsOCR) || hasTable(d) {
		return d, nil
	}
	od, err := ocr.PDF(data)
	if err != nil {
		if errors.Is(err, ocr.ErrNeedsOCR) {
			return nil, fmt.Errorf("%s: scanned PDF without a text layer: %w", ocr.FlagNeedsOCR, err)
		}
		return nil, fmt.Errorf("ocr: %w", err)
	}
	return od, nil
}

func hasTable(d *extract.Document) bool {
	for _, b := range d.Blocks {
		if b.Kind == extract.TableBlock {
			return true
		}
	}
	return false
}
