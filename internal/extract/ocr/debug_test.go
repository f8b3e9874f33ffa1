package ocr

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/ogireports/ogireports/internal/reportgen"
)

func TestDebugDump(t *testing.T) {
	s := os.Getenv("OCR_DEBUG")
	if s == "" {
		t.Skip()
	}
	i, _ := strconv.Atoi(s)
	v := reportgen.Variants(20260101)[i]
	pages := scan(t, v)
	doc, err := Pages(pages)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range doc.Blocks {
		if b.Table == nil {
			fmt.Printf("P%d TEXT %q\n", b.Page, b.Text)
			continue
		}
		fmt.Printf("P%d TABLE %dx%d\n", b.Page, len(b.Table.Rows), b.Table.NCols())
		for _, r := range b.Table.Rows {
			for _, c := range r {
				sp := ""
				if c.Spanned {
					sp = "^"
				}
				fmt.Printf("%s%q(%.0f%v) ", sp, c.Text, 100*c.Confidence, len(c.Flags) > 1)
				if !c.Spanned && len(c.Text) > 0 && c.Text[0] == '+' {
					fmt.Printf("BOX%d%v ", b.Page, *c.Box)
				}
			}
			fmt.Println()
		}
	}
}
