package ocr

import (
	"image"
	"sort"

	"github.com/ogireports/ogireports/internal/extract"
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

// lineTol is the distance within which lines touch or merge on a page w pixels wide.
func lineTol(w int) int { return max(3, w/300) }

// paramsFor derives the geometry thresholds from the page size.
func paramsFor(r *raster) gridParams {
	return gridParams{
		minH: max(60, r.w/15),
		minV: max(16, r.h/100),
		gap:  1,
		tol:  lineTol(r.w),
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
			// The run continues the open segment it overlaps most, if that overlap is at least
			// half of the longer of the two: a glyph stroke beside a ruling line is much
			// shorter than the line and stays apart (it must not thicken or lengthen it).
			var hit *open
			best := 0
			for _, o := range active {
				if o.lastLine == line {
					continue
				}
				ov := min(r[1], o.b) - max(r[0], o.a)
				if ov > best && 2*ov >= max(r[1]-r[0], o.b-o.a) {
					hit, best = o, ov
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
	// A ruling line of a table runs from one line across it to another: a vertical line meets
	// at least two horizontal lines, and a horizontal line at least two vertical ones. Runs of
	// glyph strokes (a row of characters whose strokes line up) meet one line at most, or
	// none. Vertical lines are cut to the extent between the outermost horizontal lines they
	// meet (a run may go on into a glyph just above or below the table).
	vs := all
	for round := 0; round < 3; round++ {
		var keepV []segment
		for _, v := range vs {
			y0, y1, n := v.y1, v.y0, 0
			for _, h := range hs {
				if touches(h, v, p.tol) {
					n++
					y0, y1 = min(y0, h.y0), max(y1, h.y1)
				}
			}
			if n >= 2 && y1-y0 >= p.minV {
				v.y0, v.y1 = y0, y1
				keepV = append(keepV, v)
			}
		}
		vs = keepV
		var keepH []segment
		for _, h := range hs {
			n := 0
			for _, v := range vs {
				if touches(h, v, p.tol) {
					n++
				}
			}
			if n >= 2 {
				keepH = append(keepH, h)
			}
		}
		hs = keepH
	}
	n := len(hs) + len(vs)
	uf := extract.NewUnionFind(n)
	find := uf.Find
	degree := make([]int, n)
	for i, h := range hs {
		for j, v := range vs {
			if touches(h, v, p.tol) {
				uf.Union(i, len(hs)+j)
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
		out = append(out, resolveGrids(r, gh, gv, p)...)
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

// coverage returns the fraction of [a, b) covered by those segments whose centre across lies
// within tol of c. horizontal: segments are horizontal lines and [a, b) is along x.
func coverage(segs []segment, horizontal bool, c, a, b, tol int) float64 {
	if b <= a {
		return 0
	}
	var iv [][2]int
	for _, s := range segs {
		lo, hi, across := s.y0, s.y1, (s.x0+s.x1-1)/2
		if horizontal {
			lo, hi, across = s.x0, s.x1, (s.y0+s.y1-1)/2
		}
		if abs(across-c) > tol {
			continue
		}
		lo, hi = max(lo, a), min(hi, b)
		if hi > lo {
			iv = append(iv, [2]int{lo, hi})
		}
	}
	sort.Slice(iv, func(i, j int) bool { return iv[i][0] < iv[j][0] })
	covered, end := 0, a
	for _, x := range iv {
		if x[1] <= end {
			continue
		}
		covered += x[1] - max(x[0], end)
		end = x[1]
	}
	return float64(covered) / float64(b-a)
}

// presentFrac is the share of a ruling segment that must be printed for it to separate cells.
const presentFrac = 0.8

// resolveGrids builds the row and column boundaries of one group of connected lines. Two
// tables printed one under the other with different column positions (a table continued with
// another column layout, or two tables without a gap) share lines; they are split where the
// column separators of consecutive rows are incompatible (neither set contains the other), so
// that each table gets its own columns.
func resolveGrids(r *raster, hs, vs []segment, p gridParams) []grid {
	var ycs, xcs []int
	for _, h := range hs {
		ycs = append(ycs, (h.y0+h.y1-1)/2)
	}
	for _, v := range vs {
		xcs = append(xcs, (v.x0+v.x1-1)/2)
	}
	// Drop boundaries that are too close to form a cell (double rules).
	ys := dropClose(clusterCentres(ycs, p.tol), 2*p.tol+4)
	// Column boundaries are thinned per table below: two tables may have columns a few
	// pixels apart.
	xs := clusterCentres(xcs, p.tol)
	if len(ys) < 2 || len(xs) < 2 {
		return nil
	}
	m := p.tol + 1
	// seps[i] is the set of inner column boundaries printed in row band i.
	seps := make([]map[int]bool, len(ys)-1)
	for i := range seps {
		seps[i] = map[int]bool{}
		for j := 1; j+1 < len(xs); j++ {
			if coverage(vs, false, xs[j], ys[i]+m, ys[i+1]-m+1, p.tol) >= presentFrac {
				seps[i][j] = true
			}
		}
	}
	subset := func(a, b map[int]bool) bool {
		for k := range a {
			if !b[k] {
				return false
			}
		}
		return true
	}
	var out []grid
	start, sig, lastSig := 0, map[int]bool(nil), -1
	flush := func(end int) {
		used := map[int]bool{0: true, len(xs) - 1: true}
		for i := start; i < end; i++ {
			for j := range seps[i] {
				used[j] = true
			}
		}
		var pxs []int
		for j, x := range xs {
			if used[j] {
				pxs = append(pxs, x)
			}
		}
		if g, ok := resolveGrid(r, hs, vs, dropClose(pxs, 2*p.tol+4), ys[start:end+1], p); ok {
			out = append(out, g)
		}
	}
	for i, s := range seps {
		if len(s) == 0 {
			continue
		}
		if sig != nil && !subset(s, sig) && !subset(sig, s) {
			// Split after the last row of the upper table; rows without inner separators in
			// between (a banner) go with the lower one.
			flush(lastSig + 1)
			start, sig = lastSig+1, nil
		}
		if sig == nil || subset(sig, s) {
			sig = s
		}
		lastSig = i
	}
	flush(len(ys) - 1)
	return out
}

// resolveGrid decides, for one table with boundaries xs and ys, for every pair of neighbouring
// grid positions whether the ruling segment between them is printed: where it is not, the
// positions belong to one merged (spanning) cell.
func resolveGrid(r *raster, hs, vs []segment, xs, ys []int, p gridParams) (grid, bool) {
	nr, nc := len(ys)-1, len(xs)-1
	if nr < 1 || nc < 1 {
		return grid{}, false
	}
	bounds := image.Rect(xs[0], ys[0], xs[nc]+1, ys[nr]+1)
	var lines []segment
	for _, s := range append(append([]segment(nil), hs...), vs...) {
		if image.Rect(s.x0, s.y0, s.x1, s.y1).Overlaps(bounds.Inset(-p.tol)) {
			lines = append(lines, s)
			bounds = bounds.Union(image.Rect(s.x0, s.y0, s.x1, s.y1).Intersect(bounds.Inset(-p.tol)))
		}
	}
	m := p.tol + 1
	const present = presentFrac
	// vsep[i][j]: the line between (i, j) and (i, j+1) is printed.
	// hsep[i][j]: the line between (i, j) and (i+1, j) is printed.
	// A position whose four sides are all missing lies outside the printed table.
	uf := extract.NewUnionFind(nr * nc)
	find := uf.Find
	union := uf.Union
	for i := 0; i < nr; i++ {
		for j := 0; j+1 < nc; j++ {
			if coverage(vs, false, xs[j+1], ys[i]+m, ys[i+1]-m+1, p.tol) < present {
				union(i*nc+j, i*nc+j+1)
			}
		}
	}
	for i := 0; i+1 < nr; i++ {
		for j := 0; j < nc; j++ {
			if coverage(hs, true, ys[i+1], xs[j]+m, xs[j+1]-m+1, p.tol) < present {
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
	g := grid{xs: xs, ys: ys, bounds: bounds, lines: lines}
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
