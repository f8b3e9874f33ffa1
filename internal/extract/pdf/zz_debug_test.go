package pdf_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/extract/pdf"
	"github.com/ogireports/ogireports/internal/reportgen"
)

func dumpDoc(d *extract.Document) {
	for _, b := range d.Blocks {
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
}

func TestZZDebug(t *testing.T) {
	id := os.Getenv("GENDUMP")
	if id == "" {
		t.Skip()
	}
	for _, v := range reportgen.Variants(1) {
		if !strings.HasPrefix(v.ID, id) {
			continue
		}
		data, _, err := variantPDF(v)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile("/tmp/"+id+".pdf", data, 0o644)
		d, err := pdf.Extract(data)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println("==== PDF", v.ID)
		dumpDoc(d)
		if os.Getenv("GENHTML") != "" {
			h, _ := extract.HTML(v.HTML(), "")
			fmt.Println("==== HTML")
			dumpDoc(h)
		}
	}
}
