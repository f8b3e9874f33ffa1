package pdf

import (
	"context"
	"testing"
	"time"
)

// FuzzExtract feeds mutated PDFs to Extract: it must return a document or an error, never
// panic or hang.
func FuzzExtract(f *testing.F) {
	f.Add(writePDF([]tPage{sampleTable(100)}, false, nil))
	f.Add(writePDF([]tPage{sampleTable(100)}, false, &tEncrypt{owner: "o"}))
	f.Add([]byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := ExtractContext(context.Background(), data, Options{Timeout: 10 * time.Second, MaxPages: 50})
		if err == nil && doc == nil {
			t.Fatal("nil document without error")
		}
	})
}
