package extract

import (
	"testing"
	"unicode/utf8"
)

// checkDocument asserts the invariants every extracted Document keeps.
func checkDocument(t *testing.T, d *Document) {
	t.Helper()
	for i, b := range d.Blocks {
		if !utf8.ValidString(b.Text) {
			t.Fatalf("block %d text is not UTF-8: %q", i, b.Text)
		}
		switch b.Kind {
		case TextBlock:
			// Text alone marks blank positions with empty TextBlocks (see Text).
			if b.Text == "" && d.MediaType != MediaText {
				t.Fatalf("block %d is an empty TextBlock", i)
			}
		case TableBlock:
			tb := b.Table
			if tb == nil {
				t.Fatalf("block %d is a TableBlock without a table", i)
			}
			if b.Text != tb.Text() {
				t.Fatalf("block %d text differs from its table text", i)
			}
			n := tb.NCols()
			for r, row := range tb.Rows {
				if len(row) != n {
					t.Fatalf("table %d row %d has %d cells, want %d", i, r, len(row), n)
				}
				for c, cell := range row {
					o := tb.Rows[cell.OriginRow][cell.OriginCol]
					if o.Spanned || o.Text != cell.Text || cell.Spanned == (cell.OriginRow == r && cell.OriginCol == c) {
						t.Fatalf("table %d cell (%d,%d) has a bad origin (%d,%d)", i, r, c, cell.OriginRow, cell.OriginCol)
					}
				}
			}
			if len(tb.Rows)*n > MaxGridCells {
				t.Fatalf("table %d grid %dx%d exceeds MaxGridCells", i, len(tb.Rows), n)
			}
		}
	}
}

func FuzzHTML(f *testing.F) {
	seeds := []string{
		`<table><tr><td rowspan="2" colspan="2">a</td><td>b</td></tr><tr><td>c</td></tr></table>`,
		`<table><tr><td rowspan="0">a<td colspan="0">b<tr><td colspan="1001">c</table>`,
		`<table><tr><td>a</td><td rowspan="3">b</td></tr><tr><td colspan="4">wide`,
		`<table><tr><td><table><tr><td>inner</td></tr></table></td><td>x</td></tr></table>`,
		`<p>本年新<br />制作数量</p><!--<$[信息来源]>begin-->区政府办<!--<$[信息来源]>end-->`,
		`<meta charset="gb2312"><p>` + "\xd5\xfe\xb8\xae\x95\x32\x82\x36" + `</p>`,
		`<meta charset="utf-8"><p>` + "\xd5\xfe\xb8\xae" + `</p>`,
		"<td>\xff\xfe\x00<tr><caption>x<table>",
		`<div style="display:none"><table><tr><td>hidden</td></tr></table></div>索 引 号：1/2`,
		"\xef\xbb\xbf<html><title>t</title><body><img src=a.png><a href=x title=y>z</a>",
	}
	for _, s := range seeds {
		f.Add([]byte(s), "")
	}
	f.Add([]byte("<p>\xd5\xfe\xb8\xae</p>"), "text/html; charset=GBK")
	f.Add([]byte("<p>x</p>"), "text/html; charset=")
	f.Fuzz(func(t *testing.T, data []byte, contentType string) {
		d, err := HTML(data, contentType)
		if err != nil {
			return
		}
		checkDocument(t, d)
	})
}

func FuzzText(f *testing.F) {
	seeds := []string{
		"标题\r\n一、本年新收政府信息公开申请数量\r\n92\n",
		"| a | b |\n|---|---|\n| 1 | 2 \\| 3 |\n| 4 |\n",
		"|---|\n|",
		"\xd5\xfe\xb8\xae\xd0\xc5\xcf\xa2\r\n\x95\x32\x82\x36",
		"\xff\xfe\x3f\x65\x9c",
		"a\x00b\x00",
		"发布时间:2023-01-17 10:40:09 来源：",
		"\u00a0\n标题\n\n规章\n\n\u00a0\n\n\n\n1\n\n2\n\n3\n\n4\n\n5\n\n6\n\n7\n\n8\n\n9\n",
		"标题\n  行政复议\t0\t\t2\t \n\t92\t\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Text(data)
		if err != nil {
			return
		}
		checkDocument(t, d)
		if d.Title == "" {
			t.Fatal("empty title for a non-empty document")
		}
	})
}
