package ocr

import (
	"bytes"
	"fmt"
	"image"
	"sort"
)

// raster is an 8-bit grey image, 0 black and 255 white, row-major.
type raster struct {
	w, h int
	pix  []uint8
	// dark is the grey level below which a pixel counts as ink.
	dark uint8
}

// newRaster returns a white raster of the given size.
func newRaster(w, h int) *raster {
	r := &raster{w: w, h: h, pix: make([]uint8, w*h), dark: 160}
	for i := range r.pix {
		r.pix[i] = 255
	}
	return r
}

// toRaster converts any decoded image to grey and chooses the ink threshold from the paper
// colour (the most common bright level): ink is anything clearly darker than the paper, which
// keeps thin grey ruling lines (often 50% grey after rendering) as ink.
func toRaster(img image.Image) *raster {
	b := img.Bounds()
	r := &raster{w: b.Dx(), h: b.Dy(), pix: make([]uint8, b.Dx()*b.Dy())}
	switch src := img.(type) {
	case *image.Gray:
		for y := 0; y < r.h; y++ {
			o := src.PixOffset(b.Min.X, b.Min.Y+y)
			copy(r.pix[y*r.w:(y+1)*r.w], src.Pix[o:o+r.w])
		}
	case *image.RGBA:
		for y := 0; y < r.h; y++ {
			row := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := 0; x < r.w; x++ {
				p := row[4*x:]
				r.pix[y*r.w+x] = lum(uint32(p[0]), uint32(p[1]), uint32(p[2]), uint32(p[3]))
			}
		}
	case *image.NRGBA:
		for y := 0; y < r.h; y++ {
			row := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := 0; x < r.w; x++ {
				p := row[4*x:]
				// Composite on white.
				a := uint32(p[3])
				c := func(v uint8) uint32 { return (uint32(v)*a + 255*(255-a)) / 255 }
				r.pix[y*r.w+x] = lum(c(p[0]), c(p[1]), c(p[2]), 255)
			}
		}
	default:
		for y := 0; y < r.h; y++ {
			for x := 0; x < r.w; x++ {
				cr, cg, cb, ca := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
				// Composite premultiplied colour on white.
				w := 0xffff - ca
				r.pix[y*r.w+x] = uint8(((cr+w)*299 + (cg+w)*587 + (cb+w)*114) / 1000 >> 8)
			}
		}
	}
	r.dark = paperThreshold(r.pix)
	return r
}

// lum is the ITU-R 601 luma of an 8-bit premultiplied RGBA pixel composited on white.
func lum(r, g, b, a uint32) uint8 {
	w := 255 - a
	return uint8(((r+w)*299 + (g+w)*587 + (b+w)*114) / 1000)
}

// paperThreshold returns the ink threshold: 60 levels below the paper colour (the most common
// level in the bright half), kept within [100, 200].
func paperThreshold(pix []uint8) uint8 {
	var hist [256]int
	for _, p := range pix {
		hist[p]++
	}
	paper := 255
	for v := 128; v < 256; v++ {
		if hist[v] > hist[paper] {
			paper = v
		}
	}
	t := paper - 60
	if t < 100 {
		t = 100
	}
	if t > 200 {
		t = 200
	}
	return uint8(t)
}

// ink reports whether (x, y) is ink; outside the raster is paper.
func (r *raster) ink(x, y int) bool {
	if x < 0 || y < 0 || x >= r.w || y >= r.h {
		return false
	}
	return r.pix[y*r.w+x] < r.dark
}

// fill paints a rectangle (clipped) with a grey level.
func (r *raster) fill(rc image.Rectangle, v uint8) {
	rc = rc.Intersect(image.Rect(0, 0, r.w, r.h))
	for y := rc.Min.Y; y < rc.Max.Y; y++ {
		row := r.pix[y*r.w:]
		for x := rc.Min.X; x < rc.Max.X; x++ {
			row[x] = v
		}
	}
}

// clone returns a copy of the raster.
func (r *raster) clone() *raster {
	c := *r
	c.pix = append([]uint8(nil), r.pix...)
	return &c
}

// inkBox returns the bounding box of the ink inside rc, ignoring rows and columns of rc's edges
// that are almost all ink (remains of ruling lines), and whether there is any ink at all. Fewer
// than minInk ink pixels count as noise.
func (r *raster) inkBox(rc image.Rectangle, minInk int) (image.Rectangle, bool) {
	rc = rc.Intersect(image.Rect(0, 0, r.w, r.h))
	// Trim line remains at the edges.
	rowFrac := func(y int) float64 {
		n := 0
		for x := rc.Min.X; x < rc.Max.X; x++ {
			if r.ink(x, y) {
				n++
			}
		}
		return float64(n) / float64(max(1, rc.Dx()))
	}
	colFrac := func(x int) float64 {
		n := 0
		for y := rc.Min.Y; y < rc.Max.Y; y++ {
			if r.ink(x, y) {
				n++
			}
		}
		return float64(n) / float64(max(1, rc.Dy()))
	}
	for k := 0; k < 4 && rc.Dy() > 2 && rowFrac(rc.Min.Y) > 0.85; k++ {
		rc.Min.Y++
	}
	for k := 0; k < 4 && rc.Dy() > 2 && rowFrac(rc.Max.Y-1) > 0.85; k++ {
		rc.Max.Y--
	}
	for k := 0; k < 4 && rc.Dx() > 2 && colFrac(rc.Min.X) > 0.85; k++ {
		rc.Min.X++
	}
	for k := 0; k < 4 && rc.Dx() > 2 && colFrac(rc.Max.X-1) > 0.85; k++ {
		rc.Max.X--
	}
	x0, y0, x1, y1 := rc.Max.X, rc.Max.Y, rc.Min.X, rc.Min.Y
	n := 0
	for y := rc.Min.Y; y < rc.Max.Y; y++ {
		for x := rc.Min.X; x < rc.Max.X; x++ {
			if r.ink(x, y) {
				n++
				x0, y0 = min(x0, x), min(y0, y)
				x1, y1 = max(x1, x+1), max(y1, y+1)
			}
		}
	}
	if n < minInk {
		return image.Rectangle{}, false
	}
	return image.Rect(x0, y0, x1, y1), true
}

// sub copies a rectangle of the raster, scaled by an integer factor (pixel replication blurs
// less than it seems after tesseract's own binarisation, and keeps digit strokes intact).
func (r *raster) sub(rc image.Rectangle, scale int) *raster {
	rc = rc.Intersect(image.Rect(0, 0, r.w, r.h))
	if scale < 1 {
		scale = 1
	}
	out := newRaster(rc.Dx()*scale, rc.Dy()*scale)
	out.dark = r.dark
	for y := 0; y < out.h; y++ {
		sy := rc.Min.Y + y/scale
		for x := 0; x < out.w; x++ {
			out.pix[y*out.w+x] = r.pix[sy*r.w+rc.Min.X+x/scale]
		}
	}
	return out
}

// paste copies src into r at (x, y), clipped.
func (r *raster) paste(src *raster, x, y int) {
	for sy := 0; sy < src.h; sy++ {
		ty := y + sy
		if ty < 0 || ty >= r.h {
			continue
		}
		for sx := 0; sx < src.w; sx++ {
			tx := x + sx
			if tx < 0 || tx >= r.w {
				continue
			}
			r.pix[ty*r.w+tx] = src.pix[sy*src.w+sx]
		}
	}
}

// pgm encodes the raster as a binary PGM (P5), which tesseract (leptonica) reads from stdin
// without any compression cost.
func (r *raster) pgm() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "P5\n%d %d\n255\n", r.w, r.h)
	b.Write(r.pix)
	return b.Bytes()
}

// rowInk returns the number of ink pixels on each row of rc.
func (r *raster) rowInk(rc image.Rectangle) []int {
	out := make([]int, rc.Dy())
	for y := rc.Min.Y; y < rc.Max.Y; y++ {
		for x := rc.Min.X; x < rc.Max.X; x++ {
			if r.ink(x, y) {
				out[y-rc.Min.Y]++
			}
		}
	}
	return out
}

// pieces splits rc at blank rows into bands of ink.
func (r *raster) pieces(rc image.Rectangle) []image.Rectangle {
	prof := r.rowInk(rc)
	var out []image.Rectangle
	start := -1
	for i := 0; i <= len(prof); i++ {
		if i < len(prof) && prof[i] > 0 {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, image.Rect(rc.Min.X, rc.Min.Y+start, rc.Max.X, rc.Min.Y+i))
			start = -1
		}
	}
	return out
}

// textLines splits the ink of a cell into text lines for OCR. Table cells are set with tight
// line spacing, and tesseract reads two touching lines as one line of double height; cutting
// them apart (and reading each line on its own) avoids that. lineH is the page's typical text
// height: bands of ink closer than a line are merged back (a glyph such as 三 has blank rows
// inside), and a band much taller than a line is cut at its least-inked rows.
func (r *raster) textLines(rc image.Rectangle, lineH int) []image.Rectangle {
	ps := r.pieces(rc)
	if len(ps) == 0 || lineH <= 0 {
		return []image.Rectangle{rc}
	}
	var merged []image.Rectangle
	for _, p := range ps {
		if n := len(merged); n > 0 && p.Max.Y-merged[n-1].Min.Y <= lineH*5/4 {
			merged[n-1] = merged[n-1].Union(p)
			continue
		}
		merged = append(merged, p)
	}
	var out []image.Rectangle
	for _, p := range merged {
		for p.Dy() > lineH*8/5 {
			prof := r.rowInk(p)
			lo, hi := lineH*7/10, min(lineH*13/10, p.Dy()-lineH/2)
			// Cut at the least-inked row near one line height (ties: nearest to it).
			cut := lineH
			if hi > lo {
				cut = max(lo, min(hi, lineH))
				for y := lo; y <= hi; y++ {
					if prof[y] < prof[cut] || (prof[y] == prof[cut] && abs(y-lineH) < abs(cut-lineH)) {
						cut = y
					}
				}
			}
			out = append(out, image.Rect(p.Min.X, p.Min.Y, p.Max.X, p.Min.Y+cut))
			p.Min.Y += cut
		}
		out = append(out, p)
	}
	// Trim each line to its own ink horizontally.
	for i, l := range out {
		if b, ok := r.inkBox(l, 1); ok {
			out[i] = image.Rect(b.Min.X, l.Min.Y, b.Max.X, l.Max.Y)
		}
	}
	return out
}

// typicalLineHeight estimates the text height of a page from the ink bands of its cells: the
// 90th percentile of band heights (most bands are one line of text; digits are shorter than
// Chinese characters, and a few bands are two touching lines).
func (r *raster) typicalLineHeight(rcs []image.Rectangle) int {
	var hs []int
	for _, rc := range rcs {
		for _, p := range r.pieces(rc) {
			if p.Dy() >= 6 {
				hs = append(hs, p.Dy())
			}
		}
	}
	if len(hs) == 0 {
		return 0
	}
	sort.Ints(hs)
	return hs[len(hs)*9/10]
}
