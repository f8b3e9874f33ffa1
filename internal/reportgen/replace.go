package reportgen

import (
	"fmt"
	"html"
	"strings"
)

// ReplaceTables replaces every innermost <table>…</table> of an HTML body (a table holding no
// other table, so that a layout table around the article survives) with
//
//	<p style="text-align:center"><img src="SRC" border="0" alt=""></p>
//
// where SRC is img(n) (HTML-escaped) for the n-th replaced table, 1-based in document order.
// This is how sites publish tables as pictures. For v.BodyHTML() the replaced tables are
// exactly the printed tables, in the order of v.TableImages(): picture n is img(n)'s table,
// including under QuirkNestedTable (the layout table is kept) and the t3 split quirks (two
// pictures for table 三). Matching is ASCII case-insensitive and works on pages in any
// ASCII-compatible encoding (GBK); an unclosed <table is left as is.
func ReplaceTables(body string, img func(n int) string) string {
	var b strings.Builder
	lower := asciiLower(body) // byte for byte, so that indices hold for any encoding (GBK pages)
	i, n := 0, 0
	for {
		j := strings.Index(lower[i:], "<table")
		if j < 0 {
			b.WriteString(body[i:])
			return b.String()
		}
		j += i
		end := strings.Index(lower[j:], "</table")
		if end < 0 {
			b.WriteString(body[i:])
			return b.String()
		}
		end += j
		if inner := strings.Index(lower[j+6:end], "<table"); inner >= 0 {
			// Not innermost: keep its opening tag and look further.
			b.WriteString(body[i : j+6])
			i = j + 6
			continue
		}
		k := end + 7
		if e := strings.IndexByte(lower[k:], '>'); e >= 0 {
			k += e + 1
		}
		b.WriteString(body[i:j])
		n++
		fmt.Fprintf(&b, `<p style="text-align:center"><img src="%s" border="0" alt=""></p>`, html.EscapeString(img(n)))
		i = k
	}
}

// asciiLower lower-cases the ASCII letters of s and keeps every other byte, so that its byte
// offsets are those of s even when s is not UTF-8.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
