package extract

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// gb encodes s in GB18030 (a superset of GBK and GB2312).
func gb(t testing.TB, s string) []byte {
	t.Helper()
	out, err := simplifiedchinese.GB18030.NewEncoder().String(s)
	if err != nil {
		t.Fatalf("encode gb18030 %q: %v", s, err)
	}
	return []byte(out)
}

// big5 encodes s in Big5.
func big5(t testing.TB, s string) []byte {
	t.Helper()
	out, err := traditionalchinese.Big5.NewEncoder().String(s)
	if err != nil {
		t.Fatalf("encode big5 %q: %v", s, err)
	}
	return []byte(out)
}

// gridString renders a grid one row per line, cells separated by '|'; a spanned copy is
// written "<r,c" (its origin), an origin cell as its text with "\n" shown as "/".
func gridString(t *Table) string {
	var b strings.Builder
	for i, r := range t.Rows {
		if i > 0 {
			b.WriteByte('\n')
		}
		for j, c := range r {
			if j > 0 {
				b.WriteByte('|')
			}
			if c.Spanned {
				fmt.Fprintf(&b, "<%d,%d", c.OriginRow, c.OriginCol)
				continue
			}
			if c.OriginRow != i || c.OriginCol != j {
				fmt.Fprintf(&b, "!bad-origin(%d,%d)", c.OriginRow, c.OriginCol)
			}
			b.WriteString(strings.ReplaceAll(c.Text, "\n", "/"))
		}
	}
	return b.String()
}

// tables returns the tables of a document in order.
func tables(d *Document) []*Table {
	var out []*Table
	for _, b := range d.Blocks {
		if b.Kind == TableBlock {
			out = append(out, b.Table)
		}
	}
	return out
}

// shape renders the block kinds and texts of a document: "T" for a table, else the text.
func shape(d *Document) []string {
	var out []string
	for _, b := range d.Blocks {
		if b.Kind == TableBlock {
			out = append(out, fmt.Sprintf("T%dx%d", len(b.Table.Rows), b.Table.NCols()))
		} else {
			out = append(out, b.Text)
		}
	}
	return out
}

func hasFlag(flags []string, f string) bool {
	for _, x := range flags {
		if x == f {
			return true
		}
	}
	return false
}

func mustHTML(t *testing.T, page string) *Document {
	t.Helper()
	d, err := HTML([]byte(page), "")
	if err != nil {
		t.Fatalf("HTML: %v", err)
	}
	return d
}
