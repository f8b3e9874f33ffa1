package extract

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// bigTable returns an HTML page with one table of rows rows of cols cells.
func bigTable(rows, cols int) []byte {
	var b strings.Builder
	b.WriteString("<html><body><p>大表</p><table>")
	for i := 0; i < rows; i++ {
		b.WriteString("<tr>")
		for j := 0; j < cols; j++ {
			fmt.Fprintf(&b, "<td>%d</td>", i*cols+j)
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</table><p>完</p></body></html>")
	return []byte(b.String())
}

func TestHTMLTenThousandRows(t *testing.T) {
	d := mustHTML(t, string(bigTable(10_000, 8)))
	ts := tables(d)
	if len(ts) != 1 {
		t.Fatalf("blocks %q", shape(d)[:min(5, len(d.Blocks))])
	}
	tb := ts[0]
	if len(tb.Rows) != 10_000 || tb.NCols() != 8 {
		t.Fatalf("grid %dx%d, want 10000x8", len(tb.Rows), tb.NCols())
	}
	if got := tb.Rows[9999][7].Text; got != "79999" {
		t.Errorf("last cell %q, want 79999", got)
	}
	if hasFlag(d.Flags, FlagTableTruncated) {
		t.Errorf("flags %v: a 80,000-cell table must not be truncated", d.Flags)
	}
	if d.Blocks[2].Text != "完" {
		t.Errorf("text after the table: %q", d.Blocks[2].Text)
	}
}

func TestHTMLGridBound(t *testing.T) {
	defer func(cells, cols int) { MaxGridCells, MaxGridCols = cells, cols }(MaxGridCells, MaxGridCols)
	tests := []struct {
		name              string
		page              string
		cells, cols       int
		wantRows, wantCol int
	}{
		{"rows cut", string(bigTable(100, 10)), 250, 10_000, 25, 10},
		{"columns cut", string(bigTable(3, 50)), 1000, 20, 3, 20},
		{"huge colspan and rowspan", `<table><tr><td colspan="1000">a</td><td colspan="1000">b</td></tr>` +
			strings.Repeat(`<tr><td rowspan="65534">c</td></tr>`, 50) + `</table>`, 10_000, 1500, 6, 1500},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			MaxGridCells, MaxGridCols = tc.cells, tc.cols
			d := mustHTML(t, tc.page)
			ts := tables(d)
			if len(ts) != 1 {
				t.Fatalf("blocks %q", shape(d))
			}
			tb := ts[0]
			if len(tb.Rows) != tc.wantRows || tb.NCols() != tc.wantCol {
				t.Errorf("grid %dx%d, want %dx%d", len(tb.Rows), tb.NCols(), tc.wantRows, tc.wantCol)
			}
			if len(tb.Rows)*tb.NCols() > tc.cells {
				t.Errorf("grid of %d cells exceeds the bound %d", len(tb.Rows)*tb.NCols(), tc.cells)
			}
			if !hasFlag(d.Flags, FlagTableTruncated) || !hasFlag(tb.Flags, FlagTableTruncated) {
				t.Errorf("document flags %v, table flags %v: want %q", d.Flags, tb.Flags, FlagTableTruncated)
			}
		})
	}
}

// largePage returns a report-like page of about n bytes: paragraphs and 25-row tables.
func largePage(n int) []byte {
	var b strings.Builder
	b.Grow(n + 4096)
	b.WriteString(`<html><head><meta charset="utf-8"><title>大页面</title></head><body>`)
	for k := 0; b.Len() < n; k++ {
		fmt.Fprintf(&b, "<p>第%d段：主动公开政府信息，本年新收政府信息公开申请数量。</p>\n<table>", k)
		for i := 0; i < 25; i++ {
			fmt.Fprintf(&b, `<tr><td style="width:80px"><p class="MsoNormal"><span>（%d）行</span></p></td>`, i)
			for j := 0; j < 7; j++ {
				fmt.Fprintf(&b, `<td><p align="center"><span>%d</span></p></td>`, j)
			}
			b.WriteString("</tr>\n")
		}
		b.WriteString("</table>\n")
	}
	b.WriteString("</body></html>")
	return []byte(b.String())
}

// TestHTMLLargePage extracts a ~50 MB page and checks that it completes with every table and a
// heap that stays a bounded multiple of the input. Skipped with -short.
func TestHTMLLargePage(t *testing.T) {
	if testing.Short() {
		t.Skip("50 MB page: skipped with -short")
	}
	page := largePage(50 << 20)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	d, err := HTML(page, "text/html; charset=utf-8")
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	nt := len(tables(d))
	wantTables := strings.Count(string(page), "<table>")
	if nt != wantTables {
		t.Errorf("%d tables, want %d", nt, wantTables)
	}
	if nt > 0 && len(tables(d)[nt-1].Rows) != 25 {
		t.Errorf("last table has %d rows, want 25", len(tables(d)[nt-1].Rows))
	}
	// The heap still live after extraction (the Document) must stay a small multiple of the
	// input size; total allocation (peak) is reported by BenchmarkHTMLLarge.
	live := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	runtime.KeepAlive(d)
	if limit := int64(len(page)) * 8; live > limit {
		t.Errorf("live heap grew by %d MB for a %d MB page (limit %d MB)", live>>20, len(page)>>20, limit>>20)
	}
	t.Logf("%d MB page: %d blocks, %d tables, heap +%d MB, total alloc %d MB", len(page)>>20,
		len(d.Blocks), nt, live>>20, (after.TotalAlloc-before.TotalAlloc)>>20)
}

// TestHTMLGridBudgetPerDocument checks that MaxGridCells bounds all tables of a page together:
// a small page of many huge-colspan tables cannot allocate more.
func TestHTMLGridBudgetPerDocument(t *testing.T) {
	defer func(n int) { MaxGridCells = n }(MaxGridCells)
	MaxGridCells = 100_000
	one := `<table><tr>` + strings.Repeat(`<td colspan="1000">x</td>`, 10) + `</tr>` +
		strings.Repeat(`<tr><td>y</td></tr>`, 50) + `</table>`
	page := "<p>头</p>" + strings.Repeat(one, 20) + "<p>尾</p>"
	d := mustHTML(t, page)
	total := 0
	for _, tb := range tables(d) {
		total += len(tb.Rows) * tb.NCols()
	}
	if total > MaxGridCells || total < MaxGridCells/2 {
		t.Errorf("%d grid cells in all tables, want at most %d and most of it used", total, MaxGridCells)
	}
	if n := len(tables(d)); n != 1 {
		t.Errorf("%d tables kept, want 1 (its 10 rows x 10000 columns fill the budget; the rest are dropped)", n)
	}
	if !hasFlag(d.Flags, FlagTableTruncated) {
		t.Errorf("flags %v lack %q", d.Flags, FlagTableTruncated)
	}
	if s := shape(d); s[0] != "头" || s[len(s)-1] != "尾" {
		t.Errorf("text around the tables lost: %q", s)
	}
}
