package pdf

import (
	"fmt"
	"os"
	"testing"

	"github.com/ogireports/ogireports/internal/extract"
)

func TestDump(t *testing.T) {
	f := os.Getenv("PDFDUMP")
	if f == "" {
		t.Skip("set PDFDUMP")
	}
	data, _ := os.ReadFile(f)
	doc, err := Extract(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range doc.Blocks {
		if b.Kind == extract.TextBlock {
			fmt.Printf("[p%d TEXT] %s\n", b.Page, b.Text)
			continue
		}
		fmt.Printf("[p%d TABLE %dx%d]\n", b.Page, len(b.Table.Rows), b.Table.NCols())
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
	fmt.Println(doc.Flags, doc.Title)
}
