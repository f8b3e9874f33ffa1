package ocr

import (
	"image"
	"sort"
)

// segment is one ruled line: horizontal (y0..y1 is its thickness, x0..x1 its extent) or
// vertical (x0..x1 thickness, y0..y1 extent). Coordinates are inclusive-exclusive pixels.
type segment struct {
	x0, y0, x1, y1 int
}

// gridCell is one cell of a detected table: its grid origin and span, and its pixel box
// (between the centres of its ruling lines).
type gridCell struct {
	row, col, rows, cols int
	box                  image.Rectangle
}

// grid is one detected ruled table.
type grid struct {
	// xs and ys are the column and row boundaries (ruling line centres), ascending.
	xs, ys []int
	// cells are the origin cells, in row-major order of their origin.
	cells []gridCell
	// bounds is the table's outer box.
	bounds image.Rectangle
	// lines are the ruling segments of the table (to erase them before text OCR).
	lines []segment
}

// gridParams are the geometry thresholds, derived from the page size.
type gridParams struct {
	minH, minV int // shortest horizontal / vertical run taken as a line
	gap        int // largest gap inside a run (broken scanned lines)
	tol        int // distance within which lines touch or merge
}

func paramsFor(r *raster) gridParams {
	return gridParams{
		minH: max(40, r.w/25),
		minV: max(14, r.h/120),
		gap:  2,
		tol:  max(3, r.w/300),
	}
}

// runs finds the runs of ink along one line of n pixels (ink(i) tells ink at i) that are at
// least minLen long, tolerating gaps of up to gap pixels.
func runs(n, minLen, gap int, ink func(int) bool) [][2]int {
	var out [][2]int
	start, last := -1, -1
	for i := 0; i < n; i++ {
		if !ink(i) {
			continue
		}
		if start >= 0 && i-last-1 <= gap {
			last = i
			continue
		}
		if start >= 0 && last-start+1 >= minLen {
			out = append(out, [2]int{start, last + 1})
		}
		start, last = i, i
	}
	if start >= 0 && last-start+1 >= minLen {
		out = append(out, [2]int{start, last + 1})
	}
	return out
}

// mergeRuns turns per-scanline runs into segments: runs on neighbouring scanlines that overlap
// along the run direction belong to the same (thick) line. horizontal tells the orientation.
func mergeRuns(perLine [][][2]int, horizontal bool, tol int) []segment {
	type open struct {
		a, b     int // extent along the run
		p0, p1   int // thickness range across
		lastLine int
	}
	var done []segment
	var active []*open
	emit := func(o *open) {
		if horizontal {
			done = append(done, segment{x0: o.a, x1: o.b, y0: o.p0, y1: o.p1})
		} else {
			done = append(done, segment{x0: o.p0, x1: o.p1, y0: o.a, y1: o.b})
		}
	}
	for line, rs := range perLine {
		// Close segments that are too far behind.
		keep := active[:0]
		for _, o := range active {
			if line-o.lastLine > 2 {
				emit(o)
			} else {
				keep = append(keep, o)
			}
		}
		active = keep
		for _, r := range rs {
			var hit *open
			for _, o := range active {
				if r[0] < o.b+tol && r[1] > o.a-tol {
					hit = o
					break
				}
			}
			if hit == nil {
				active = append(active, &open{a: r[0], b: r[1], p0: line, p1: line + 1, lastLine: line})
				continue
			}
			hit.a, hit.b = min(hit.a, r[0]), max(hit.b, r[1])
			hit.p1, hit.lastLine = line+1, line
		}
	}
	for _, o := range active {
		emit(o)
	}
	return done
}

// findLines returns the horizontal and vertical ruled segments of the page. Lines thicker than
// a few pixels are solid areas (filled headers, photos) and are not lines.
func findLines(r *raster, p gridParams) (hs, vs []segment) {
	perRow := make([][][2]int, r.h)
	for y := 0; y < r.h; y++ {
		row := r.pix[y*r.w : (y+1)*r.w]
		perRow[y] = runs(r.w, p.minH, p.gap, func(x int) bool { return row[x] < r.dark })
	}
	for _, s := range mergeRuns(perRow, true, p.tol) {
		if s.y1-s.y0 <= 3*p.tol {
			hs = append(hs, s)
		}
	}
	perCol := make([][][2]int, r.w)
	for x := 0; x < r.w; x++ {
		perCol[x] = runs(r.h, p.minV, p.gap, func(y int) bool { return r.pix[y*r.w+x] < r.dark })
	}
	for _, s := range mergeRuns(perCol, false, p.tol) {
		if s.x1-s.x0 <= 3*p.tol {
			vs = append(vs, s)
		}
	}
	return hs, vs
}

// touches reports whether a horizontal and a vertical segment meet (cross or end on each other).
func touches(h, v segment, tol int) bool {
	return v.x0 <= h.x1+tol && v.x1 >= h.x0-tol && h.y0 <= v.y1+tol && h.y1 >= v.y0-tol
}

// findGrids groups ruled lines into tables and resolves each table's cells. A table needs at
// least two horizontal and two vertical lines that meet; a vertical segment that meets no
// horizontal line (a tall glyph stroke) is ignored.
func findGrids(r *raster) []grid {
	p := paramsFor(r)
	hs, all := findLines(r, p)
	// A ruling line of a table runs from one horizontal line to another: both of its ends lie
	// on a horizontal line. Glyph strokes near a line touch it at one end at most.
	var vs []segment
	for _, v := range all {
		top, bottom := false, false
		for _, h := range hs {
			if v.x0 > h.x1+p.tol || v.x1 < h.x0-p.tol {
				continue
			}
			hc := (h.y0 + h.y1) / 2
			top = top || abs(hc-v.y0) <= p.tol
			bottom = bottom || abs(hc-v.y1) <= p.tol
		}
		if top && bottom {
			vs = append(vs, v)
		}
	}
	n := len(hs) + len(vs)
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	degree := make([]int, n)
	for i, h := range hs {
		for j, v := range vs {
			if touches(h, v, p.tol) {
				parent[find(i)] = find(len(hs) + j)
				degree[i]++
				degree[len(hs)+j]++
			}
		}
	}
	groups := map[int][]int{}
	for i := 0; i < n; i++ {
		if degree[i] > 0 {
			groups[find(i)] = append(groups[find(i)], i)
		}
	}
	var out []grid
	for _, members := range groups {
		var gh, gv []segment
		for _, i := range members {
			if i < len(hs) {
				gh = append(gh, hs[i])
			} else {
				gv = append(gv, vs[i-len(hs)])
			}
		}
		if len(gh) < 2 || len(gv) < 2 {
			continue
		}
		if g, ok := resolveGrid(r, gh, gv, p); ok {
			out = append(out, g)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].bounds.Min.Y < out[j].bounds.Min.Y })
	return out
}

// clusterCentres merges line centres closer than tol into their mean, ascending.
func clusterCentres(cs []int, tol int) []int {
	sort.Ints(cs)
	var out []int
	sum, cnt := 0, 0
	for i, c := range cs {
		if i > 0 && c-cs[i-1] > tol {
			out = append(out, sum/cnt)
			sum, cnt = 0, 0
		}
		sum += c
		cnt++
	}
	if cnt > 0 {
		out = append(out, sum/cnt)
	}
	return out
}

// inkAlong returns the fraction of positions along a line where ink lies within ±w pixels
// across it. horizontal: positions are x in [a, b) around row c; vertical: y in [a, b)
// around column c.
func inkAlong(r *raster, horizontal bool, c, a, b, w int) float64 {
	if b <= a {
		return 0
	}
	n := 0
	for i := a; i < b; i++ {
		for d := -w; d <= w; d++ {
			if (horizontal && r.ink(i, c+d)) || (!horizontal && r.ink(c+d, i)) {
				n++
				break
			}
		}
	}
	return float64(n) / float64(b-a)
}

// resolveGrid builds the row and column boundaries of one table from its lines, then decides
// for every pair of neighbouring grid positions whether the ruling segment between them is
// printed: where it is not, the positions belong to one merged (spanning) cell.
func resolveGrid(r *raster, hs, vs []segment, p gridParams) (grid, bool) {
	var ycs, xcs []int
	bounds := image.Rectangle{Min: image.Pt(r.w, r.h)}
	for _, h := range hs {
		ycs = append(ycs, (h.y0+h.y1-1)/2)
		bounds = bounds.Union(image.Rect(h.x0, h.y0, h.x1, h.y1))
	}
	for _, v := range vs {
		xcs = append(xcs, (v.x0+v.x1-1)/2)
		bounds = bounds.Union(image.Rect(v.x0, v.y0, v.x1, v.y1))
	}
	ys := clusterCentres(ycs, p.tol)
	xs := clusterCentres(xcs, p.tol)
	// Drop boundaries that are too close to form a cell (double rules).
	ys = dropClose(ys, 2*p.tol+4)
	xs = dropClose(xs, 2*p.tol+4)
	nr, nc := len(ys)-1, len(xs)-1
	if nr < 1 || nc < 1 {
		return grid{}, false
	}
	w := p.tol/2 + 1
	m := p.tol + 1
	const present = 0.75
	// vsep[i][j]: the line between (i, j) and (i, j+1) is printed.
	// hsep[i][j]: the line between (i, j) and (i+1, j) is printed.
	// A position whose four sides are all missing lies outside the printed table.
	parent := make([]int, nr*nc)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(a, b int) {
		ra, rb := find(a), find(b)
		if ra < rb {
			parent[rb] = ra
		} else if rb < ra {
			parent[ra] = rb
		}
	}
	for i := 0; i < nr; i++ {
		for j := 0; j+1 < nc; j++ {
			if inkAlong(r, false, xs[j+1], ys[i]+m, ys[i+1]-m+1, w) < present {
				union(i*nc+j, i*nc+j+1)
			}
		}
	}
	for i := 0; i+1 < nr; i++ {
		for j := 0; j < nc; j++ {
			if inkAlong(r, true, ys[i+1], xs[j]+m, xs[j+1]-m+1, w) < present {
				union(i*nc+j, (i+1)*nc+j)
			}
		}
	}
	type span struct{ r0, c0, r1, c1 int }
	spans := map[int]*span{}
	var order []int
	for i := 0; i < nr; i++ {
		for j := 0; j < nc; j++ {
			root := find(i*nc + j)
			s, ok := spans[root]
			if !ok {
				s = &span{i, j, i, j}
				spans[root] = s
				order = append(order, root)
			}
			s.r0, s.c0 = min(s.r0, i), min(s.c0, j)
			s.r1, s.c1 = max(s.r1, i), max(s.c1, j)
		}
	}
	g := grid{xs: xs, ys: ys, bounds: bounds}
	g.lines = append(append(g.lines, hs...), vs...)
	for _, root := range order {
		s := spans[root]
		g.cells = append(g.cells, gridCell{
			row: s.r0, col: s.c0, rows: s.r1 - s.r0 + 1, cols: s.c1 - s.c0 + 1,
			box: image.Rect(xs[s.c0], ys[s.r0], xs[s.c1+1], ys[s.r1+1]),
		})
	}
	return g, true
}

// dropClose removes boundaries closer than d to the previous kept one.
func dropClose(cs []int, d int) []int {
	var out []int
	for _, c := range cs {
		if len(out) > 0 && c-out[len(out)-1] < d {
			continue
		}
		out = append(out, c)
	}
	return out
}

// inner returns the part of a cell box inside its ruling lines, with a margin.
func (c gridCell) inner(margin int) image.Rectangle {
	b := c.box
	return image.Rect(b.Min.X+margin, b.Min.Y+margin, b.Max.X-margin+1, b.Max.Y-margin+1)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
