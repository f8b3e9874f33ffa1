package simweb

import (
	"fmt"
	"strings"
	"testing"
)

func TestPlaceholderPDF(t *testing.T) {
	b := string(placeholderPDF("x(y)"))
	if !strings.HasPrefix(b, "%PDF-1.4") || !strings.HasSuffix(b, "%%EOF\n") {
		t.Fatalf("not a PDF: %.40q", b)
	}
	// The xref offset points at the xref table.
	i := strings.LastIndex(b, "startxref\n")
	var off int
	fmt.Sscanf(b[i+len("startxref\n"):], "%d", &off)
	if !strings.HasPrefix(b[off:], "xref\n") {
		t.Errorf("startxref %d does not point at xref", off)
	}
	if len(tablePNG()) < 50 || string(tablePNG()[1:4]) != "PNG" {
		t.Errorf("table PNG invalid")
	}
}
