package ocr

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ogireports/ogireports/internal/reportgen"
)

func TestDumpVariants(t *testing.T) {
	dir := os.Getenv("OCR_DUMP")
	if dir == "" {
		t.Skip()
	}
	for i, v := range reportgen.Variants(20260101) {
		if i >= 20 {
			break
		}
		os.WriteFile(filepath.Join(dir, v.ID+".html"), v.HTML(), 0o644)
	}
}
