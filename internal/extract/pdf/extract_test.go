package pdf

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ogireports/ogireports/internal/extract"
)

// sampleTable is a ruled table of the shape of table 三: a header row, a group label printed
// one character per line over three rows, a row label wrapped over three lines with its
// numbers on the middle line, and a blank cell.
func sampleTable(top float64) tPage {
	xs := []float64{60, 90, 250, 320, 390, 460}
	ys := []float64{top, top + 30, top + 60, top + 100, top + 130, top + 160}
	cells := [][]string{
		{"Items", "", "persons", "firms", "total"},
		{"new received", "", "3001", "53", "3054"},
		{"G\nR\nP", "wrapped label\nsecond line\nthird line", "12", "", "12"},
		{"", "plain", "7", "1", "8"},
		{"", "last", "0", "0", "0"},
	}
	// "Items" and "new received" span the first two columns; the group label spans rows 2-4.
	noV := map[[2]int]bool{{0, 0}: true, {1, 0}: true}
	noH := map[[2]int]bool{{2, 0}: true, {3, 0}: true}
	return ruledTable(xs, ys, cells, noV, noH)
}

func TestExtractRuledTable(t *testing.T) {
	p := sampleTable(200)
	p.texts = append(p.texts,
		tText{x: 200, y: 100, size: 18, s: "Annual Report 2024"},
		tText{x: 60, y: 150, s: "Body text before the table."},
		// A stray number beside the table must not enter or shift it.
		tText{x: 520, y: 275, s: "99"},
		tText{x: 290, y: 800, s: "- 3 -"},
	)
	doc, err := Extract(writePDF([]tPage{p}, false, nil))
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if doc.Title != "Annual Report 2024" {
		t.Errorf("Title = %q", doc.Title)
	}
	var tables []*extract.Table
	var texts []string
	for _, b := range doc.Blocks {
		if b.Page != 1 {
			t.Errorf("block %q: page %d, want 1", b.Text, b.Page)
		}
		if b.Kind == extract.TableBlock {
			tables = append(tables, b.Table)
		} else {
			texts = append(texts, b.Text)
		}
	}
	if len(tables) != 1 {
		t.Fatalf("%d tables, want 1", len(tables))
	}
	tb := tables[0]
	if len(tb.Rows) != 5 || tb.NCols() != 5 {
		t.Fatalf("grid %dx%d, want 5x5:\n%s", len(tb.Rows), tb.NCols(), tb.Text())
	}
	tests := []struct {
		r, c    int
		text    string
		spanned bool
		or, oc  int
	}{
		{0, 0, "Items", false, 0, 0},
		{0, 1, "Items", true, 0, 0},
		{1, 2, "3001", false, 1, 2},
		{1, 4, "3054", false, 1, 4},
		{2, 0, "G\nR\nP", false, 2, 0},
		{3, 0, "G\nR\nP", true, 2, 0},
		{4, 0, "G\nR\nP", true, 2, 0},
		{2, 1, "wrapped label\nsecond line\nthird line", false, 2, 1},
		{2, 2, "12", false, 2, 2},
		{2, 3, "", false, 2, 3},
		{3, 3, "1", false, 3, 3},
		{4, 4, "0", false, 4, 4},
	}
	for _, tc := range tests {
		c := tb.Rows[tc.r][tc.c]
		if c.Text != tc.text || c.Spanned != tc.spanned || c.OriginRow != tc.or || c.OriginCol != tc.oc {
			t.Errorf("cell (%d,%d) = %q spanned=%v origin=(%d,%d), want %q %v (%d,%d)",
				tc.r, tc.c, c.Text, c.Spanned, c.OriginRow, c.OriginCol, tc.text, tc.spanned, tc.or, tc.oc)
		}
	}
	for r, row := range tb.Rows {
		for c, cell := range row {
			if cell.Box == nil || cell.Box.X1 <= cell.Box.X0 || cell.Box.Y1 <= cell.Box.Y0 {
				t.Errorf("cell (%d,%d) box %+v", r, c, cell.Box)
			}
		}
	}
	if b := tb.Rows[1][2].Box; b.X0 != 90 && (b.X0 < 249 || b.X0 > 251 || b.Y0 < 229 || b.Y0 > 231) {
		t.Errorf("cell (1,2) box %+v, want x0=250 y0=230", b)
	}
	joined := strings.Join(texts, "|")
	if !strings.Contains(joined, "Body text before the table.") || !strings.Contains(joined, "99") {
		t.Errorf("text blocks %q lack the body text or the stray number", joined)
	}
	if strings.Contains(joined, "- 3 -") {
		t.Errorf("page number kept as text: %q", joined)
	}
	// Reading order: title, body, table.
	if doc.Blocks[0].Text != "Annual Report 2024" || doc.Blocks[2].Kind != extract.TableBlock {
		t.Errorf("reading order: %q, %q, kind %v", doc.Blocks[0].Text, doc.Blocks[1].Text, doc.Blocks[2].Kind)
	}
}

// TestExtractTableAcrossPages: a ruled table at the end of a page continued by a ruled table
// with the same frame at the top of the next page (page numbers between them dropped) is one
// TableBlock: the continuation's rows follow, its cells keep their boxes on their own page.
// When the first half has no bottom rule and the second no top rule, a row was cut by the page
// break and its halves are one row; a continuation of a single row is still a table.
func TestExtractTableAcrossPages(t *testing.T) {
	xs := []float64{60, 90, 250, 320, 390, 460}
	tests := []struct {
		name     string
		cut      bool
		second   [][]string
		rows     int
		wantText map[[2]int]string
	}{
		{"between rows", false, [][]string{
			{"", "continued row", "5", "0", "5"},
			{"", "total row", "3066", "53", "3119"},
		}, 7, map[[2]int]string{{4, 1}: "last", {5, 1}: "continued row", {6, 4}: "3119", {6, 0}: ""}},
		{"cut row", true, [][]string{
			{"", "label tail", "", "", ""},
			{"", "total row", "3066", "53", "3119"},
		}, 6, map[[2]int]string{{4, 1}: "last\nlabel tail", {4, 4}: "0", {5, 4}: "3119"}},
		{"one row", false, [][]string{
			{"", "total row", "3066", "53", "3119"},
		}, 6, map[[2]int]string{{5, 1}: "total row", {5, 4}: "3119"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			first := sampleTable(600)
			ys := []float64{60}
			for range tc.second {
				ys = append(ys, ys[len(ys)-1]+30)
			}
			second := ruledTable(xs, ys, tc.second, nil, nil)
			if tc.cut {
				first.lines = append(first.lines[:1], first.lines[2:]...) // no bottom rule
				second.lines = second.lines[1:]                           // no top rule
			}
			first.texts = append(first.texts, tText{x: 280, y: 810, s: "- 4 -"})
			second.texts = append(second.texts, tText{x: 280, y: 810, s: "- 5 -"})
			doc, err := Extract(writePDF([]tPage{first, second}, false, nil))
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if len(doc.Blocks) != 1 || doc.Blocks[0].Kind != extract.TableBlock {
				for _, b := range doc.Blocks {
					t.Logf("block kind %v page %d: %q", b.Kind, b.Page, b.Text)
				}
				t.Fatalf("%d blocks, want one table", len(doc.Blocks))
			}
			tb := doc.Blocks[0].Table
			if tb.Page != 1 || doc.Blocks[0].Page != 1 {
				t.Errorf("table page %d, block page %d, want 1", tb.Page, doc.Blocks[0].Page)
			}
			if len(tb.Rows) != tc.rows || tb.NCols() != 5 {
				t.Fatalf("table %dx%d, want %dx5:\n%s", len(tb.Rows), tb.NCols(), tc.rows, tb.Text())
			}
			for pos, want := range tc.wantText {
				if got := tb.Rows[pos[0]][pos[1]].Text; got != want {
					t.Errorf("cell %v = %q, want %q", pos, got, want)
				}
			}
			// The group label spanning rows 2-4 keeps its span; the last cell is on page 2.
			if c := tb.Rows[4][0]; !c.Spanned || c.OriginRow != 2 || c.Text != "G\nR\nP" {
				t.Errorf("group label copy = %+v", c)
			}
			last := tb.Rows[len(tb.Rows)-1][4]
			if last.Box == nil || last.Box.Y1 > 200 {
				t.Errorf("continuation cell box %+v, want on page 2's top", last.Box)
			}
		})
	}
}

func TestExtractBrokenInputs(t *testing.T) {
	good := writePDF([]tPage{sampleTable(100)}, false, nil)
	bomb := writePDF(make([]tPage, 10000), true, nil)
	tests := []struct {
		name string
		data []byte
		opts Options
		want error
	}{
		{"empty", nil, Options{}, ErrDamaged},
		{"not a pdf", []byte("<html><body>hello</body></html>"), Options{}, ErrDamaged},
		{"truncated", good[:len(good)/3], Options{}, ErrDamaged},
		{"bomb of 10000 pages", bomb, Options{}, ErrTooManyPages},
		{"user password", writePDF([]tPage{sampleTable(100)}, false, &tEncrypt{user: "secret", owner: "owner"}), Options{}, ErrPassword},
		{"wrong password", writePDF([]tPage{sampleTable(100)}, false, &tEncrypt{user: "secret", owner: "owner"}), Options{Password: "guess"}, ErrPassword},
		{"too large", good, Options{MaxBytes: 100}, ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			doc, err := ExtractContext(context.Background(), tc.data, tc.opts)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v (doc %v), want %v", err, doc != nil, tc.want)
			}
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

// TestExtractTruncatedTail checks that a file cut in its trailer (the xref lost) still reads:
// PDFium rebuilds the cross-reference table, and the content is intact.
func TestExtractTruncatedTail(t *testing.T) {
	good := writePDF([]tPage{sampleTable(100)}, false, nil)
	cut := good[:bytes_LastIndex(good, "xref")]
	doc, err := Extract(cut)
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if len(doc.Blocks) != 1 || doc.Blocks[0].Table.Rows[1][2].Text != "3001" {
		t.Errorf("blocks %+v", doc.Blocks)
	}
}

func bytes_LastIndex(b []byte, s string) int { return strings.LastIndex(string(b), s) }

func TestExtractEncrypted(t *testing.T) {
	tests := []struct {
		name string
		enc  tEncrypt
		pw   string
	}{
		{"owner password only", tEncrypt{user: "", owner: "owner"}, ""},
		{"user password given", tEncrypt{user: "secret", owner: "owner"}, "secret"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := writePDF([]tPage{sampleTable(100)}, false, &tc.enc)
			doc, err := ExtractContext(context.Background(), data, Options{Password: tc.pw})
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if len(doc.Blocks) != 1 || doc.Blocks[0].Kind != extract.TableBlock {
				t.Fatalf("blocks: %+v", doc.Blocks)
			}
			if got := doc.Blocks[0].Table.Rows[1][2].Text; got != "3001" {
				t.Errorf("cell = %q, want 3001", got)
			}
		})
	}
}

func TestExtractScannedPage(t *testing.T) {
	text := tPage{texts: []tText{{x: 60, y: 100, s: "Page with text"}}}
	scan := tPage{image: true}
	doc, err := Extract(writePDF([]tPage{text, scan}, false, nil))
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if !hasFlag(doc.Flags, FlagNeedsOCR) {
		t.Errorf("flags %v lack %s", doc.Flags, FlagNeedsOCR)
	}
	if len(doc.Images) != 1 || doc.Images[0].Src != "page:2" {
		t.Errorf("Images = %v, want [page:2]", doc.Images)
	}
	if len(doc.Blocks) != 1 || doc.Blocks[0].Text != "Page with text" {
		t.Errorf("blocks %+v", doc.Blocks)
	}
}

func TestExtractCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := ExtractContext(ctx, writePDF([]tPage{sampleTable(100)}, false, nil), Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestExtractConcurrent(t *testing.T) {
	data := writePDF([]tPage{sampleTable(100)}, false, nil)
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() {
			doc, err := Extract(data)
			if err == nil && doc.Blocks[0].Table.Rows[1][4].Text != "3054" {
				err = errors.New("wrong cell " + doc.Blocks[0].Table.Rows[1][4].Text)
			}
			errs <- err
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func hasFlag(flags []string, f string) bool {
	for _, x := range flags {
		if x == f {
			return true
		}
	}
	return false
}

// TestExtractUnruledTable reads a table printed without rules: columns from the whitespace of
// the data rows, a label wrapped over three lines with its numbers on the middle line, a
// header spanning two columns, and a stray number that must not shift any column.
func TestExtractUnruledTable(t *testing.T) {
	xs := []float64{60, 300, 360, 420}
	row := func(y float64, cells ...string) []tText {
		var out []tText
		for i, c := range cells {
			if c != "" {
				out = append(out, tText{x: xs[i], y: y, s: c})
			}
		}
		return out
	}
	var p tPage
	p.texts = append(p.texts, tText{x: 60, y: 100, size: 10, s: "Statistics of requests received this year."})
	p.texts = append(p.texts, row(140, "", "applicants", "", "")...)
	p.texts[len(p.texts)-1].s = "applicants of all kinds" // spans persons and firms
	p.texts = append(p.texts, row(155, "Items", "persons", "firms", "total")...)
	p.texts = append(p.texts, row(175, "new received", "3001", "53", "3054")...)
	p.texts = append(p.texts, row(195, "wrapped label", "", "", "")...)
	p.texts = append(p.texts, row(206, "second line", "12", "0", "12")...)
	p.texts = append(p.texts, row(217, "third line", "", "", "")...)
	p.texts = append(p.texts, row(237, "plain", "7", "1", "8")...)
	p.texts = append(p.texts, tText{x: 500, y: 237, s: "5"}) // stray number far right
	p.texts = append(p.texts, row(257, "last", "0", "0", "0")...)
	doc, err := Extract(writePDF([]tPage{p}, false, nil))
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	var tb *extract.Table
	for _, b := range doc.Blocks {
		if b.Kind == extract.TableBlock {
			tb = b.Table
		}
	}
	if tb == nil {
		t.Fatalf("no table in %q", doc.PlainText())
	}
	if !hasFlag(tb.Flags, FlagUnruled) {
		t.Errorf("flags %v lack %s", tb.Flags, FlagUnruled)
	}
	want := map[string][]string{ // first cell → the four cells of columns 0-3
		"new received":                           {"new received", "3001", "53", "3054"},
		"wrapped label\nsecond line\nthird line": {"wrapped label\nsecond line\nthird line", "12", "0", "12"},
		"plain":                                  {"plain", "7", "1", "8"},
		"last":                                   {"last", "0", "0", "0"},
		"Items":                                  {"Items", "persons", "firms", "total"},
	}
	found := 0
	for _, r := range tb.Rows {
		w, ok := want[r[0].Text]
		if !ok {
			continue
		}
		found++
		for c, s := range w {
			if r[c].Text != s || r[c].Box == nil {
				t.Errorf("row %q col %d = %q (box %v), want %q", r[0].Text, c, r[c].Text, r[c].Box, s)
			}
		}
	}
	if found != len(want) {
		t.Errorf("found %d of %d rows in\n%s", found, len(want), tb.Text())
	}
	if top := tb.Rows[0]; top[1].Text != "applicants of all kinds" || !top[2].Spanned {
		t.Errorf("header row %q, want a span over columns 1-2", tb.Text())
	}
}

// TestExtractRotatedPage reads a table on a /Rotate 90 page (a landscape table) like the same
// table on an upright page.
func TestExtractRotatedPage(t *testing.T) {
	p := sampleTable(100)
	p.landscape = true
	p.texts = append(p.texts, tText{x: 600, y: 50, s: "Landscape heading"})
	doc, err := Extract(writePDF([]tPage{p}, false, nil))
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	var tb *extract.Table
	for _, b := range doc.Blocks {
		if b.Kind == extract.TableBlock {
			tb = b.Table
		}
	}
	if tb == nil || len(tb.Rows) != 5 || tb.NCols() != 5 {
		t.Fatalf("table %+v, want 5x5 in %q", tb, doc.PlainText())
	}
	if got := tb.Rows[1][4].Text; got != "3054" {
		t.Errorf("cell (1,4) = %q, want 3054", got)
	}
	if got := tb.Rows[2][1].Text; got != "wrapped label\nsecond line\nthird line" {
		t.Errorf("cell (2,1) = %q", got)
	}
	if doc.Blocks[0].Text != "Landscape heading" {
		t.Errorf("first block %q", doc.Blocks[0].Text)
	}
}

// TestExtractTimeout checks that an extraction over its time limit ends with the context's
// error and that the engine still serves the next document (the stuck instance is killed).
func TestExtractTimeout(t *testing.T) {
	pages := make([]tPage, 400)
	for i := range pages {
		pages[i] = sampleTable(100)
	}
	big := writePDF(pages, false, nil)
	start := time.Now()
	_, err := ExtractContext(context.Background(), big, Options{Timeout: 30 * time.Millisecond})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("timed-out extraction returned after %v", d)
	}
	doc, err := Extract(writePDF([]tPage{sampleTable(100)}, false, nil))
	if err != nil || doc.Blocks[0].Table.Rows[1][2].Text != "3001" {
		t.Fatalf("next extraction after a timeout: %v", err)
	}
}

// TestExtractStackedTables: two ruled tables drawn one on the other (an HTML table split in
// two, each sized on its own) share a rule but not their column positions: they are two
// tables, not one grid over the union of their columns. Rows of one table whose column rules
// are a subset of the others' (a banner row, a spanning cell) stay one table.
func TestExtractStackedTables(t *testing.T) {
	upper := ruledTable([]float64{60, 150, 300, 460}, []float64{100, 130, 160}, [][]string{
		{"label", "a", "b"},
		{"row one", "1", "2"},
	}, nil, nil)
	lower := ruledTable([]float64{60, 200, 350, 460}, []float64{160, 190, 220, 250}, [][]string{
		{"row two", "3", "4"},
		{"banner", "", ""},
		{"row three", "5", "6"},
	}, map[[2]int]bool{{1, 0}: true, {1, 1}: true}, nil)
	page := tPage{texts: append(upper.texts, lower.texts...), lines: append(upper.lines, lower.lines...)}
	doc, err := Extract(writePDF([]tPage{page}, false, nil))
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	var tables []*extract.Table
	for _, b := range doc.Blocks {
		if b.Kind == extract.TableBlock {
			tables = append(tables, b.Table)
		}
	}
	if len(tables) != 2 {
		for _, tb := range tables {
			t.Logf("table:\n%s", tb.Text())
		}
		t.Fatalf("%d tables, want 2", len(tables))
	}
	if len(tables[0].Rows) != 2 || tables[0].NCols() != 3 || tables[0].Rows[1][2].Text != "2" {
		t.Errorf("upper table:\n%s", tables[0].Text())
	}
	if len(tables[1].Rows) != 3 || tables[1].NCols() != 3 || tables[1].Rows[2][2].Text != "6" ||
		!tables[1].Rows[1][2].Spanned {
		t.Errorf("lower table:\n%s", tables[1].Text())
	}
}
