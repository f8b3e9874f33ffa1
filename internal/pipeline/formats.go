package pipeline

import (
	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/extract/doc"
	"github.com/ogireports/ogireports/internal/extract/docx"
	"github.com/ogireports/ogireports/internal/extract/pdf"
)

// init registers the extractors of the other formats: PDF through PDFium compiled to
// WebAssembly (pdf.Extract; the engine starts on the first PDF only), DOCX natively
// (docx.Extract), DOC and WPS through LibreOffice or the text tools (doc.Extract; extract.Sniff
// reports both as MediaDOC).
func init() {
	RegisterExtractor(extract.MediaPDF, pdf.Extract)
	RegisterExtractor(extract.MediaDOCX, docx.Extract)
	RegisterExtractor(extract.MediaDOC, doc.Extract)
}
