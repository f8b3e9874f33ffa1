package normalize

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/reportgen"
)

func TestScratchGen(t *testing.T) {
	id := os.Getenv("VID")
	if id == "" {
		t.Skip()
	}
	for _, v := range reportgen.Variants(20260101) {
		if !strings.HasPrefix(v.ID, id) {
			continue
		}
		var d *extract.Document
		var err error
		switch os.Getenv("REND") {
		case "flat":
			d, err = extract.Text(v.FlatText())
		case "rows":
			d, err = extract.Text(v.RowText())
		default:
			d, err = extract.HTML(v.HTML(), "")
		}
		if err != nil {
			t.Fatal(err)
		}
		tabs := []*extract.Table{}
		for _, b := range d.Blocks {
			if b.Table != nil {
				tabs = append(tabs, b.Table)
			} else if os.Getenv("TEXT") != "" {
				fmt.Println("TEXT:", b.Text)
			}
		}
		if os.Getenv("REND") != "" {
			tabs = append(tabs, TablesFromText(d)...)
		}
		for _, tb := range tabs {
			fmt.Println("-----")
			fmt.Print(tb.Text())
		}
		r, err := Normalize(d)
		fmt.Println(err)
		if r != nil {
			fmt.Println(r.Notes, r.Flags, r.Layouts)
		}
	}
}
