package docx_test

import (
	"testing"

	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/extract/docx"
)

// FuzzExtract feeds arbitrary bytes (seeded with small packages: spans, merges, nested tables)
// to Extract:
// it must not panic, and a returned table must be a dense grid whose spanned positions point
// to an origin cell holding the same text.
func FuzzExtract(f *testing.F) {
	small := build(f, p("XX局2022年政府信息公开工作年度报告")+tbl(3, tc(`<w:vMerge w:val="restart"/>`, "a")+tc(`<w:gridSpan w:val="2"/>`, "b"), tc(`<w:vMerge/>`)+tc(``, "1")+tc(``, "2"))+tbl(1, tc(``, "x")+tbl(2, tc(``, "in"))), nil)
	f.Add(small)
	f.Add(small[:len(small)/2])
	f.Add(build(f, tbl(2, tc(`<w:gridSpan w:val="3"/><w:vMerge/>`, "x"), tc(`<w:vMerge/>`)+tc(``, "y")), nil))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := docx.Extract(data)
		if err != nil {
			return
		}
		for _, b := range d.Blocks {
			if b.Kind != extract.TableBlock {
				continue
			}
			n := b.Table.NCols()
			for i, r := range b.Table.Rows {
				if len(r) != n {
					t.Fatalf("row %d has %d cells, want %d", i, len(r), n)
				}
				for j, c := range r {
					o := b.Table.Rows[c.OriginRow][c.OriginCol]
					if c.Spanned && (o.Spanned || o.Text != c.Text) {
						t.Fatalf("cell (%d,%d) spans from (%d,%d) which is %+v", i, j, c.OriginRow, c.OriginCol, o)
					}
				}
			}
		}
	})
}
