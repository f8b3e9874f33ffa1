package ocr

import (
	"image"
	"image/color"
	"image/draw"
	"slices"
	"testing"
)

// page is a synthetic white page to draw tables on.
type page struct{ img *image.Gray }

func newPage(w, h int) *page {
	img := image.NewGray(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.Gray{255}), image.Point{}, draw.Src)
	return &page{img}
}

func (p *page) rect(x0, y0, x1, y1 int, v uint8) {
	draw.Draw(p.img, image.Rect(x0, y0, x1, y1), image.NewUniform(color.Gray{v}), image.Point{}, draw.Src)
}

// hline and vline draw ruling lines of thickness t and grey level v.
func (p *page) hline(x0, x1, y, t int, v uint8) { p.rect(x0, y, x1+t, y+t, v) }
func (p *page) vline(x, y0, y1, t int, v uint8) { p.rect(x, y0, x+t, y1+t, v) }

// blob draws a glyph-like block of strokes (a stand-in for a character) at (x, y).
func (p *page) blob(x, y, size int) {
	p.rect(x, y, x+size, y+2, 0)                          // top stroke
	p.rect(x+size/2, y, x+size/2+2, y+size, 0)            // vertical stroke
	p.rect(x, y+size-2, x+size, y+size, 0)                // bottom stroke
	p.rect(x+size/4, y+size/2, x+3*size/4, y+size/2+2, 0) // middle stroke
}

// table draws a full ruled grid with the given boundaries, skipping the segments listed:
// noV[i][j] removes the vertical segment at xs[j+1] in row i, noH[i][j] the horizontal one at
// ys[i+1] in column j.
func (p *page) table(xs, ys []int, t int, v uint8, noV, noH map[[2]int]bool) {
	for i := 0; i+1 < len(ys); i++ {
		for j := 0; j < len(xs); j++ {
			if j > 0 && j < len(xs)-1 && noV[[2]int{i, j - 1}] {
				continue
			}
			p.vline(xs[j], ys[i], ys[i+1], t, v)
		}
	}
	for i := 0; i < len(ys); i++ {
		for j := 0; j+1 < len(xs); j++ {
			if i > 0 && i < len(ys)-1 && noH[[2]int{i - 1, j}] {
				continue
			}
			p.hline(xs[j], xs[j+1], ys[i], t, v)
		}
	}
}

func TestFindGrids(t *testing.T) {
	xs := []int{100, 400, 520, 640, 760}
	ys := []int{200, 260, 320, 380, 440}
	type span struct{ row, col, rows, cols int }
	tests := []struct {
		name       string
		thick      int
		grey       uint8
		noV, noH   map[[2]int]bool
		glyphs     bool
		wantTables int
		wantCells  int
		wantSpans  []span // origin cells that span (rows or cols > 1)
	}{
		{name: "plain 4x4 thin grey", thick: 1, grey: 128, wantTables: 1, wantCells: 16},
		{name: "thick black", thick: 3, grey: 0, wantTables: 1, wantCells: 16},
		{name: "glyph strokes touching lines", thick: 1, grey: 128, glyphs: true, wantTables: 1, wantCells: 16},
		{
			name: "rowspan label and colspan header", thick: 1, grey: 128,
			// Column 0 spans rows 1-3 (no horizontal line under rows 1 and 2 in column 0);
			// row 0 spans columns 1-3 (no vertical lines between them in row 0).
			noH:        map[[2]int]bool{{1, 0}: true, {2, 0}: true},
			noV:        map[[2]int]bool{{0, 1}: true, {0, 2}: true},
			wantTables: 1, wantCells: 16 - 2 - 2,
			wantSpans: []span{{0, 1, 1, 3}, {1, 0, 3, 1}},
		},
		{
			name: "two-by-two block", thick: 2, grey: 60,
			noH:        map[[2]int]bool{{1, 2}: true, {1, 3}: true},
			noV:        map[[2]int]bool{{1, 2}: true, {2, 2}: true},
			wantTables: 1, wantCells: 13,
			wantSpans: []span{{1, 2, 2, 2}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newPage(900, 700)
			p.table(xs, ys, tc.thick, tc.grey, tc.noV, tc.noH)
			if tc.glyphs {
				// Characters set tight against the lines: strokes touch one line each.
				for _, x := range []int{104, 405, 525} {
					p.blob(x, ys[1]+2, 22)
					p.blob(x, ys[2]-24, 22)
				}
			}
			// Text above the table (a heading) must not join it.
			for x := 100; x < 400; x += 26 {
				p.blob(x, 150, 22)
			}
			gs := findGrids(toRaster(p.img))
			if len(gs) != tc.wantTables {
				t.Fatalf("found %d tables, want %d", len(gs), tc.wantTables)
			}
			g := gs[0]
			if len(g.xs) != len(xs) || len(g.ys) != len(ys) {
				t.Fatalf("boundaries xs=%v ys=%v, want %d and %d", g.xs, g.ys, len(xs), len(ys))
			}
			for i := range xs {
				if abs(g.xs[i]-xs[i]-tc.thick/2) > 2 {
					t.Errorf("xs[%d] = %d, want about %d", i, g.xs[i], xs[i])
				}
			}
			if len(g.cells) != tc.wantCells {
				t.Errorf("%d cells, want %d", len(g.cells), tc.wantCells)
			}
			got := map[span]bool{}
			for _, c := range g.cells {
				if c.rows > 1 || c.cols > 1 {
					got[span{c.row, c.col, c.rows, c.cols}] = true
				}
			}
			for _, s := range tc.wantSpans {
				if !got[s] {
					t.Errorf("missing merged cell %+v; merged cells found: %v", s, got)
				}
			}
			if len(got) != len(tc.wantSpans) {
				t.Errorf("%d merged cells, want %d: %v", len(got), len(tc.wantSpans), got)
			}
		})
	}
}

func TestFindGridsNoTable(t *testing.T) {
	tests := []struct {
		name string
		draw func(p *page)
	}{
		{"blank page", func(p *page) {}},
		{"text only", func(p *page) {
			for y := 100; y < 600; y += 30 {
				for x := 80; x < 800; x += 25 {
					p.blob(x, y, 22)
				}
			}
		}},
		{"separator rules", func(p *page) {
			p.hline(80, 820, 90, 1, 0)
			p.hline(80, 820, 640, 2, 0)
			for x := 80; x < 800; x += 25 {
				p.blob(x, 300, 22)
			}
		}},
		{"photo block", func(p *page) { p.rect(200, 200, 500, 400, 40) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newPage(900, 700)
			tc.draw(p)
			if gs := findGrids(toRaster(p.img)); len(gs) != 0 {
				t.Errorf("found %d tables on a page without one: first %v", len(gs), gs[0].bounds)
			}
		})
	}
}

func TestTextLines(t *testing.T) {
	tests := []struct {
		name  string
		bands [][2]int // ink bands (y0, y1) inside the cell
		want  int
	}{
		{"one line", [][2]int{{10, 32}}, 1},
		{"two lines with a gap", [][2]int{{10, 32}, {36, 58}}, 2},
		{"two touching lines", [][2]int{{10, 54}}, 2},
		{"three touching lines", [][2]int{{10, 76}}, 3},
		{"glyph with blank rows inside", [][2]int{{10, 14}, {20, 24}, {28, 32}}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newPage(300, 120)
			for _, b := range tc.bands {
				p.rect(20, b[0], 200, b[1], 0)
			}
			r := toRaster(p.img)
			ls := r.textLines(image.Rect(0, 0, 300, 120), 22)
			if len(ls) != tc.want {
				t.Errorf("%d lines %v, want %d", len(ls), ls, tc.want)
			}
		})
	}
}

// TestFindGridsStackedTables: two tables printed one under the other without a gap, with
// different column positions, are two grids with their own columns; with the same columns
// (one table) they stay one grid.
func TestFindGridsStackedTables(t *testing.T) {
	tests := []struct {
		name     string
		lowerXs  []int
		wantCols []int
	}{
		{"different columns", []int{100, 300, 380, 460, 540, 620, 700, 760}, []int{4, 7}},
		{"same columns", []int{100, 400, 520, 640, 760}, []int{4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newPage(900, 800)
			p.table([]int{100, 400, 520, 640, 760}, []int{100, 150, 200, 250}, 1, 128, nil, nil)
			p.table(tc.lowerXs, []int{250, 300, 350, 400, 450}, 1, 128, nil, nil)
			gs := findGrids(toRaster(p.img))
			if len(gs) != len(tc.wantCols) {
				t.Fatalf("%d grids, want %d", len(gs), len(tc.wantCols))
			}
			for i, g := range gs {
				if n := len(g.xs) - 1; n != tc.wantCols[i] {
					t.Errorf("grid %d: %d columns (xs %v), want %d", i, n, g.xs, tc.wantCols[i])
				}
				for _, c := range g.cells {
					if c.rows != 1 || c.cols != 1 {
						t.Errorf("grid %d: merged cell %+v in a table without merges", i, c)
					}
				}
			}
		})
	}
}

// TestToRasterSubImage converts images whose bounds do not start at the origin (sub-images)
// and of every common colour model to the same grey raster.
func TestToRasterSubImage(t *testing.T) {
	p := newPage(200, 100)
	p.table([]int{20, 100, 180}, []int{20, 50, 80}, 1, 0, nil, nil)
	want := toRaster(p.img)
	rgba := image.NewRGBA(image.Rect(-5, -7, 195, 93))
	draw.Draw(rgba, rgba.Bounds(), p.img, image.Point{}, draw.Src)
	nrgba := image.NewNRGBA(image.Rect(0, 0, 200, 100))
	draw.Draw(nrgba, nrgba.Bounds(), p.img, image.Point{}, draw.Src)
	big := newPage(300, 200)
	draw.Draw(big.img, image.Rect(50, 60, 250, 160), p.img, image.Point{}, draw.Src)
	for name, img := range map[string]image.Image{
		"rgba offset": rgba,
		"nrgba":       nrgba,
		"gray sub":    big.img.SubImage(image.Rect(50, 60, 250, 160)),
		"paletted":    toPaletted(p.img),
	} {
		got := toRaster(img)
		if got.w != want.w || got.h != want.h || !slices.Equal(got.pix, want.pix) {
			t.Errorf("%s: raster differs from the grey original", name)
		}
	}
}

func toPaletted(src *image.Gray) *image.Paletted {
	pal := color.Palette{color.Gray{0}, color.Gray{255}}
	dst := image.NewPaletted(src.Bounds(), pal)
	draw.Draw(dst, dst.Bounds(), src, image.Point{}, draw.Src)
	return dst
}
