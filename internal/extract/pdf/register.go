package pdf

import (
	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/pipeline"
)

// init registers Extract for PDF documents: a binary that imports this package (for effect)
// extracts PDFs in the pipeline. The engine itself is initialised on the first PDF only.
func init() {
	pipeline.RegisterExtractor(extract.MediaPDF, Extract)
}
