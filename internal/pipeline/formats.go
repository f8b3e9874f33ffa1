package pipeline

import (
	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/extract/doc"
	"github.com/ogireports/ogireports/internal/extract/docx"
)

// init registers the Word extractors: DOCX natively (docx.Extract), DOC and WPS through
// LibreOffice or the text tools (doc.Extract; extract.Sniff reports both as MediaDOC).
//
// PDF is not registered here: package extract/pdf imports this package and registers
// pdf.Extract itself from its own init (extract/pdf/register.go), so importing it from here
// would be an import cycle. TODO(coordinator): the binaries (cmd/crawl, cmd/export) must import
// _ "github.com/ogireports/ogireports/internal/extract/pdf" for PDF support, or the
// registration moves here once extract/pdf no longer imports pipeline.
func init() {
	RegisterExtractor(extract.MediaDOCX, docx.Extract)
	RegisterExtractor(extract.MediaDOC, doc.Extract)
}
