package pdf

import (
	"fmt"
	"os"
	"testing"

	"github.com/ogireports/ogireports/internal/extract"
)

// TestDump prints the blocks of the PDF named by $PDFDUMP (a debugging aid; skipped otherwise).
func TestDump(t *testing.T) {
	f := os.Getenv("PDFDUMP")
	if f == "" {
		t.Skip("set PDFDUMP=file.pdf to print its blocks")
	}
	data, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Extract(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range doc.Blocks {
		if b.Kind == extract.TextBlock {
			fmt.Printf("[p%d TEXT] %s\n", b.Page, b.Text)
			continue
		}
		fmt.Printf("[p%d TABLE %dx%d %v]\n", b.Page, len(b.Table.Rows), b.Table.NCols(), b.Table.Flags)
		for _, r := range b.Table.Rows {
			for _, c := range r {
				s := c.Text
				if c.Spanned {
					s = "^"
				}
				fmt.Printf("%q\t", s)
			}
			fmt.Println()
		}
	}
	fmt.Println("flags:", doc.Flags, "title:", doc.Title)
}
