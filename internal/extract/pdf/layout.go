package pdf

import (
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ogireports/ogireports/internal/extract"
)

// Geometry tolerances, in PDF points.
const (
	// snapTol is the distance under which two rules are the same grid line (double rules,
	// the hairline gaps between filled cell backgrounds).
	snapTol = 2.0
	// touchTol is the slack allowed when deciding whether two rules meet.
	touchTol = 2.5
	// minCellSize is the smallest row height or column width kept in a grid.
	minCellSize = 3.0
	// coverShare is the share of a cell side a rule must cover to count as a border.
	coverShare = 0.5
)

// pageLayout turns one page's characters and rules into blocks in reading order: tables
// rebuilt from the ruled grid, paragraphs from the characters outside any table.
//
// title is the page's heading: the run of paragraphs at the top of the page printed larger
// than the body text (empty when the page starts with body text).
//
// ruled maps each table rebuilt from rules to its grid (for joining tables across pages).
func pageLayout(rp rawPage) (blocks []extract.Block, title string, ruled map[*extract.Table]*grid) {
	grids := findGrids(rp.Edges)
	ruled = map[*extract.Table]*grid{}
	type placed struct {
		top   float64
		block extract.Block
	}
	var out []placed
	inTable := make([]bool, len(rp.Chars))
	for _, g := range grids {
		var chars []rawChar
		for i, c := range rp.Chars {
			if g.contains(c) {
				inTable[i] = true
				chars = append(chars, c)
			}
		}
		t := g.table(chars, rp.N)
		ruled[t] = g
		out = append(out, placed{g.ys[0], extract.Block{Kind: extract.TableBlock, Table: t, Text: t.Text(), Page: rp.N}})
	}
	var free []rawChar
	for i, c := range rp.Chars {
		if !inTable[i] {
			free = append(free, c)
		}
	}
	ls := lines(free)
	tables, rest := streamTables(ls, rp.N)
	for _, t := range tables {
		out = append(out, placed{t.Rows[0][0].Box.Y0, extract.Block{Kind: extract.TableBlock, Table: t, Text: t.Text(), Page: rp.N}})
	}
	paras := paragraphs(rest, rp.H)
	for _, p := range paras {
		out = append(out, placed{p.top, extract.Block{Kind: extract.TextBlock, Text: p.text, Page: rp.N}})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].top < out[j].top })
	blocks = make([]extract.Block, len(out))
	for i, p := range out {
		blocks[i] = p.block
	}
	return blocks, heading(paras, rest), ruled
}

// headingScale is how much larger than the body text a heading is printed.
const headingScale = 1.15

// heading joins the leading paragraphs printed at least headingScale times the body size
// (the median over the page's lines of their tallest character).
func heading(paras []para, ls []*line) string {
	if len(ls) == 0 {
		return ""
	}
	hs := make([]float64, len(ls))
	for i, l := range ls {
		hs[i] = l.maxH
	}
	sort.Float64s(hs)
	body := hs[len(hs)/2]
	var parts []string
	for _, p := range paras {
		if p.size < headingScale*body {
			break
		}
		parts = append(parts, p.text)
	}
	return strings.Join(parts, "")
}

// cluster groups sorted-or-not values into runs whose neighbours are at most tol apart and
// returns the mean of each run, ascending.
func cluster(vals []float64, tol float64) []float64 {
	if len(vals) == 0 {
		return nil
	}
	v := append([]float64(nil), vals...)
	sort.Float64s(v)
	var out []float64
	sum, n := v[0], 1
	for i := 1; i < len(v); i++ {
		if v[i]-v[i-1] <= tol {
			sum += v[i]
			n++
			continue
		}
		out = append(out, sum/float64(n))
		sum, n = v[i], 1
	}
	return append(out, sum/float64(n))
}

// nearest returns the index of the value in sorted vals nearest to x, and the distance.
func nearest(vals []float64, x float64) (int, float64) {
	best, bd := -1, math.Inf(1)
	for i, v := range vals {
		if d := math.Abs(v - x); d < bd {
			best, bd = i, d
		}
	}
	return best, bd
}

// grid is one ruled table region: its grid lines and the rules that draw its borders.
type grid struct {
	xs, ys []float64 // column and row boundaries, ascending
	hs, vs []edge    // horizontal and vertical rules, snapped to xs/ys positions
	// openTop and openBottom are set when no horizontal rule closes the frame at the top or
	// bottom (the boundary comes from where the side rules end): a row cut by a page break.
	openTop, openBottom bool
}

// contains reports whether the centre of c lies inside the grid's frame.
func (g *grid) contains(c rawChar) bool {
	cx, cy := (c.X0+c.X1)/2, (c.Y0+c.Y1)/2
	return cx >= g.xs[0] && cx <= g.xs[len(g.xs)-1] && cy >= g.ys[0] && cy <= g.ys[len(g.ys)-1]
}

// findGrids groups the rules into connected networks (rules that meet or cross) and returns
// each network with at least two rows and two columns as a grid, top to bottom.
func findGrids(edges []edge) []*grid {
	var hs, vs []edge
	for _, e := range edges {
		if e.horizontal() {
			if e.X1-e.X0 >= minCellSize {
				hs = append(hs, e)
			}
		} else if e.Y1-e.Y0 >= minCellSize {
			vs = append(vs, e)
		}
	}
	hs, vs = mergeRules(hs, true), mergeRules(vs, false)
	n := len(hs) + len(vs)
	uf := extract.NewUnionFind(n)
	find := uf.Find
	for i, h := range hs {
		for j, v := range vs {
			if v.X0 >= h.X0-touchTol && v.X0 <= h.X1+touchTol && h.Y0 >= v.Y0-touchTol && h.Y0 <= v.Y1+touchTol {
				uf.Union(i, len(hs)+j)
			}
		}
	}
	groups := map[int]*grid{}
	var order []int
	for i := 0; i < n; i++ {
		r := find(i)
		g, ok := groups[r]
		if !ok {
			g = &grid{}
			groups[r] = g
			order = append(order, r)
		}
		if i < len(hs) {
			g.hs = append(g.hs, hs[i])
		} else {
			g.vs = append(g.vs, vs[i-len(hs)])
		}
	}
	var out []*grid
	for _, r := range order {
		out = append(out, buildGrids(groups[r].hs, groups[r].vs)...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ys[0] < out[j].ys[0] })
	return out
}

// buildGrids makes the grid of one network of rules: boundaries clustered, the frame extended
// to where the rules across end, rules snapped to the boundaries. A network that is two tables
// stacked on each other (see stackSplit) gives one grid per table.
func buildGrids(hs, vs []edge) []*grid {
	if len(hs) == 0 || len(vs) == 0 {
		return nil
	}
	g := &grid{hs: hs, vs: vs}
	var xv, yv []float64
	for _, v := range g.vs {
		xv = append(xv, v.X0)
	}
	for _, h := range g.hs {
		yv = append(yv, h.Y0)
	}
	g.xs = extendFrame(dropThin(cluster(xv, snapTol)), g.hs, true)
	ys := dropThin(cluster(yv, snapTol))
	g.ys = extendFrame(ys, g.vs, false)
	if len(ys) > 0 && len(g.ys) > 0 {
		g.openTop = g.ys[0] < ys[0]
		g.openBottom = g.ys[len(g.ys)-1] > ys[len(ys)-1]
	}
	// At least two columns; one row is enough (the last row of a table carried over to
	// the next page), but a lone box (one row, one column) is a frame, not a table.
	if len(g.xs) < 3 || len(g.ys) < 2 {
		return nil
	}
	for i := range g.hs {
		k, _ := nearest(g.ys, g.hs[i].Y0)
		g.hs[i].Y0, g.hs[i].Y1 = g.ys[k], g.ys[k]
	}
	for i := range g.vs {
		k, _ := nearest(g.xs, g.vs[i].X0)
		g.vs[i].X0, g.vs[i].X1 = g.xs[k], g.xs[k]
	}
	y, ok := g.stackSplit()
	if !ok {
		return []*grid{g}
	}
	// Rules crossing the split (the frame's sides, a column rule at the same position in
	// both tables) are cut in two.
	var uh, lh, uv, lv []edge
	for _, h := range g.hs {
		if h.Y0 <= y+touchTol {
			uh = append(uh, h)
		}
		if h.Y0 >= y-touchTol {
			lh = append(lh, h)
		}
	}
	for _, v := range g.vs {
		switch {
		case v.Y1 <= y+touchTol:
			uv = append(uv, v)
		case v.Y0 >= y-touchTol:
			lv = append(lv, v)
		default:
			uv = append(uv, edge{v.X0, v.Y0, v.X1, y})
			lv = append(lv, edge{v.X0, y, v.X1, v.Y1})
		}
	}
	return append(buildGrids(uh, uv), buildGrids(lh, lv)...)
}

// stackSplit finds where a network is two tables drawn one on the other (an HTML table split
// in two, each sized by the writer on its own): a row boundary with column rules in the row
// above and in the row below at positions neither of which is a subset of the other (a column
// rule at the same position in both tables is one rule, crossing the boundary). The rows of one table always share its column positions (a
// spanning cell only leaves some out), so a table with banner rows is never split.
func (g *grid) stackSplit() (float64, bool) {
	inner := func(v edge) bool { return v.X0 > g.xs[0] && v.X0 < g.xs[len(g.xs)-1] }
	subset := func(a, b map[float64]bool) bool {
		for x := range a {
			if !b[x] {
				return false
			}
		}
		return true
	}
	for k := 1; k+1 < len(g.ys); k++ {
		y := g.ys[k]
		above, below := map[float64]bool{}, map[float64]bool{}
		for _, v := range g.vs {
			if !inner(v) {
				continue
			}
			if v.Y0 < y-touchTol && v.Y1 > g.ys[k-1]+touchTol {
				above[v.X0] = true
			}
			if v.Y1 > y+touchTol && v.Y0 < g.ys[k+1]-touchTol {
				below[v.X0] = true
			}
		}
		if len(above) > 0 && len(below) > 0 && !subset(above, below) && !subset(below, above) {
			return y, true
		}
	}
	return 0, false
}

// extendFrame adds an outer boundary where the rules across the other axis run past the
// outermost boundary: the last row of a table cut by a page break has side rules but no
// bottom rule, and open-sided tables have row rules but no side rules.
func extendFrame(bounds []float64, across []edge, horizontal bool) []float64 {
	if len(bounds) == 0 || len(across) == 0 {
		return bounds
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, e := range across {
		if horizontal {
			lo, hi = math.Min(lo, e.X0), math.Max(hi, e.X1)
		} else {
			lo, hi = math.Min(lo, e.Y0), math.Max(hi, e.Y1)
		}
	}
	if lo < bounds[0]-minCellSize {
		bounds = append([]float64{lo}, bounds...)
	}
	if hi > bounds[len(bounds)-1]+minCellSize {
		bounds = append(bounds, hi)
	}
	return bounds
}

// dropThin removes boundaries closer than minCellSize to the previous one.
func dropThin(v []float64) []float64 {
	if len(v) == 0 {
		return v
	}
	out := []float64{v[0]}
	for _, x := range v[1:] {
		if x-out[len(out)-1] >= minCellSize {
			out = append(out, x)
		}
	}
	return out
}

// mergeRules joins collinear rules (same position within snapTol) that overlap or touch, so
// that a border drawn in pieces, cell by cell, becomes one rule.
func mergeRules(es []edge, horizontal bool) []edge {
	pos := func(e edge) float64 {
		if horizontal {
			return e.Y0
		}
		return e.X0
	}
	span := func(e edge) (float64, float64) {
		if horizontal {
			return e.X0, e.X1
		}
		return e.Y0, e.Y1
	}
	sort.Slice(es, func(i, j int) bool {
		pi, pj := pos(es[i]), pos(es[j])
		if math.Abs(pi-pj) > 1e-9 {
			return pi < pj
		}
		a, _ := span(es[i])
		b, _ := span(es[j])
		return a < b
	})
	// Bucket by position, then merge spans within each bucket.
	var out []edge
	for i := 0; i < len(es); {
		j := i + 1
		for j < len(es) && pos(es[j])-pos(es[j-1]) <= snapTol {
			j++
		}
		bucket := append([]edge(nil), es[i:j]...)
		sort.Slice(bucket, func(a, b int) bool {
			sa, _ := span(bucket[a])
			sb, _ := span(bucket[b])
			return sa < sb
		})
		p := 0.0
		for _, e := range bucket {
			p += pos(e)
		}
		p /= float64(len(bucket))
		a, b := span(bucket[0])
		emit := func() {
			if horizontal {
				out = append(out, edge{a, p, b, p})
			} else {
				out = append(out, edge{p, a, p, b})
			}
		}
		for _, e := range bucket[1:] {
			s0, s1 := span(e)
			if s0 <= b+touchTol {
				b = math.Max(b, s1)
				continue
			}
			emit()
			a, b = s0, s1
		}
		emit()
		i = j
	}
	return out
}

// covered reports whether the rules in rs (all at position p) cover at least coverShare of
// the interval [a, b].
func covered(rs []edge, horizontal bool, p, a, b float64) bool {
	total := 0.0
	for _, e := range rs {
		var q, s0, s1 float64
		if horizontal {
			q, s0, s1 = e.Y0, e.X0, e.X1
		} else {
			q, s0, s1 = e.X0, e.Y0, e.Y1
		}
		if math.Abs(q-p) > 1e-6 {
			continue
		}
		lo, hi := math.Max(a, s0), math.Min(b, s1)
		if hi > lo {
			total += hi - lo
		}
	}
	return total >= coverShare*(b-a)
}

// table builds the dense grid: elementary cells not separated by a rule are merged into one
// spanning cell, and every character is placed in the cell holding its centre.
func (g *grid) table(chars []rawChar, page int) *extract.Table {
	nr, nc := len(g.ys)-1, len(g.xs)-1
	id := func(r, c int) int { return r*nc + c }
	uf := extract.NewUnionFind(nr * nc)
	find := uf.Find
	union := uf.Union
	for r := 0; r < nr; r++ {
		for c := 0; c < nc; c++ {
			if c+1 < nc && !covered(g.vs, false, g.xs[c+1], g.ys[r], g.ys[r+1]) {
				union(id(r, c), id(r, c+1))
			}
			if r+1 < nr && !covered(g.hs, true, g.ys[r+1], g.xs[c], g.xs[c+1]) {
				union(id(r, c), id(r+1, c))
			}
		}
	}
	// Bounding box of every merged cell, in grid indices.
	type span struct{ r0, c0, r1, c1 int }
	spans := map[int]*span{}
	for r := 0; r < nr; r++ {
		for c := 0; c < nc; c++ {
			root := find(id(r, c))
			s, ok := spans[root]
			if !ok {
				spans[root] = &span{r, c, r, c}
				continue
			}
			s.r0, s.c0 = min(s.r0, r), min(s.c0, c)
			s.r1, s.c1 = max(s.r1, r), max(s.c1, c)
		}
	}
	cellChars := map[int][]rawChar{}
	for _, ch := range chars {
		cx, cy := (ch.X0+ch.X1)/2, (ch.Y0+ch.Y1)/2
		c := sort.SearchFloat64s(g.xs, cx) - 1
		r := sort.SearchFloat64s(g.ys, cy) - 1
		c, r = max(0, min(c, nc-1)), max(0, min(r, nr-1))
		root := find(id(r, c))
		cellChars[root] = append(cellChars[root], ch)
	}
	t := &extract.Table{Page: page, Rows: make([][]extract.Cell, nr)}
	for r := 0; r < nr; r++ {
		t.Rows[r] = make([]extract.Cell, nc)
		for c := 0; c < nc; c++ {
			root := find(id(r, c))
			s := spans[root]
			// The origin is the first position of the merged cell in reading order.
			or, oc := root/nc, root%nc
			box := &extract.Box{X0: g.xs[s.c0], Y0: g.ys[s.r0], X1: g.xs[s.c1+1], Y1: g.ys[s.r1+1]}
			t.Rows[r][c] = extract.Cell{
				Text:      cellText(cellChars[root]),
				Spanned:   r != or || c != oc,
				OriginRow: or,
				OriginCol: oc,
				Box:       box,
			}
		}
	}
	return t
}

// line is one text line: characters sharing a baseline band, left to right.
type line struct {
	chars          []rawChar
	x0, y0, x1, y1 float64
	cy             float64 // vertical centre of the line's full-height characters
	full           int     // number of full-height characters averaged into cy
	size           float64 // median character height
	maxH           float64 // tallest character height
}

// medianHeight is the median glyph height of chars (a font-size proxy that ignores the
// thin glyphs 一, ，, “ and the like, which are a minority).
func medianHeight(chars []rawChar) float64 {
	if len(chars) == 0 {
		return 0
	}
	hs := make([]float64, len(chars))
	for i, c := range chars {
		hs[i] = c.Size
	}
	sort.Float64s(hs)
	return hs[len(hs)/2]
}

// lines groups characters into lines by baseline clustering: characters are taken by
// vertical centre and a character joins a line when its centre is within half the median
// character height of the line's centre. The line centre is measured on full-height glyphs
// only, so that thin glyphs (一, the raised quotes “”, the low comma ，) neither start a line
// of their own nor drag the centre.
func lines(chars []rawChar) []*line {
	if len(chars) == 0 {
		return nil
	}
	med := medianHeight(chars)
	cs := append([]rawChar(nil), chars...)
	// Full-height glyphs first (they anchor lines), each group top to bottom.
	fullH := func(c rawChar) bool { return c.Size >= 0.6*med }
	sort.SliceStable(cs, func(i, j int) bool {
		fi, fj := fullH(cs[i]), fullH(cs[j])
		if fi != fj {
			return fi
		}
		return cs[i].Y0+cs[i].Y1 < cs[j].Y0+cs[j].Y1
	})
	var out []*line
	for _, c := range cs {
		cy := (c.Y0 + c.Y1) / 2
		var best *line
		bd := math.Inf(1)
		for _, l := range out {
			tol := 0.5 * math.Max(math.Max(med, c.Size), l.maxH)
			if !fullH(c) {
				tol = 0.75 * math.Max(med, l.maxH) // thin glyphs sit anywhere in the line's height
			}
			if d := math.Abs(cy - l.cy); d <= tol && d < bd {
				best, bd = l, d
			}
		}
		if best == nil {
			best = &line{x0: c.X0, y0: c.Y0, x1: c.X1, y1: c.Y1, cy: cy}
			out = append(out, best)
		}
		best.maxH = math.Max(best.maxH, c.Size)
		best.chars = append(best.chars, c)
		if fullH(c) {
			best.cy = (best.cy*float64(best.full) + cy) / float64(best.full+1)
			best.full++
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].cy < out[j].cy })
	for _, l := range out {
		sort.SliceStable(l.chars, func(i, j int) bool { return l.chars[i].X0 < l.chars[j].X0 })
		l.x0, l.y0, l.x1, l.y1 = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		for _, c := range l.chars {
			l.x0, l.x1 = math.Min(l.x0, c.X0), math.Max(l.x1, c.X1)
			l.y0, l.y1 = math.Min(l.y0, c.Y0), math.Max(l.y1, c.Y1)
		}
		l.size = medianHeight(l.chars)
	}
	return out
}

// isWide reports whether r is a CJK ideograph or full-width form, between which no space is
// ever written.
func isWide(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

// text renders the line, writing one space where a gap between two narrow (Latin, digit)
// characters is wider than a third of the font size, never between CJK characters.
func (l *line) text() string {
	var b strings.Builder
	for i, c := range l.chars {
		if i > 0 {
			p := l.chars[i-1]
			gap := c.X0 - p.X1
			// Tight glyph boxes make narrow digits (1) look far apart: between two digits
			// only a clear gap is a space.
			narrowTol := 0.35 * l.size
			if unicode.IsDigit(c.R) && unicode.IsDigit(p.R) {
				narrowTol = 0.8 * l.size
			}
			narrow := !isWide(c.R) && !isWide(p.R)
			if narrow && (p.SpaceAfter && gap > 0.1*l.size || gap > narrowTol) || gap > 2.5*l.size {
				b.WriteByte(' ')
			}
		}
		if c.R == 0xFFFD {
			b.WriteRune(c.R)
			continue
		}
		if unicode.IsSpace(c.R) {
			continue
		}
		b.WriteRune(c.R)
	}
	return strings.TrimSpace(b.String())
}

// cellText joins the lines of a cell with "\n".
func cellText(chars []rawChar) string {
	var parts []string
	for _, l := range lines(chars) {
		if s := l.text(); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "\n")
}

// para is one paragraph of free text.
type para struct {
	top  float64
	size float64 // tallest character of the first line
	text string
}

// pageNumberRe matches a printed page number: "- 5 -", "— 5 —", "5", "第5页", "5/12".
var pageNumberRe = regexp.MustCompile(`^[\s\-—–－_·.]*(第\s*)?\d{1,4}(\s*页)?(\s*[/／]\s*\d{1,4})?(\s*页)?[\s\-—–－_·.]*$`)

// marginShare is the top/bottom share of the page where page numbers and running heads live.
const marginShare = 0.1

// paragraphs groups free characters into paragraphs in reading order (top to bottom), dropping
// page numbers in the page margins. A line starts a new paragraph when it is separated by
// more than a line's height, is indented, has another font size, or follows a line that
// stopped well short of the right margin.
func paragraphs(ls []*line, pageH float64) []para {
	if len(ls) == 0 {
		return nil
	}
	// The text column: the leftmost line start, and the right edge most full lines reach (a
	// quantile, so that one line running into the margin does not move it).
	left := math.Inf(1)
	ends := make([]float64, 0, len(ls))
	for _, l := range ls {
		left = math.Min(left, l.x0)
		ends = append(ends, l.x1)
	}
	sort.Float64s(ends)
	right := ends[len(ends)*3/4]
	var out []para
	var cur []string
	var prev *line
	flush := func() {
		if len(cur) > 0 {
			out[len(out)-1].text = joinLines(cur)
			cur = nil
		}
	}
	for _, l := range ls {
		s := l.text()
		if s == "" {
			continue
		}
		if (l.y1 < pageH*marginShare || l.y0 > pageH*(1-marginShare)) && pageNumberRe.MatchString(s) {
			continue
		}
		// Sizes are the tallest glyph of a line: CJK glyphs fix the font size, while the median
		// drops on lines full of digits and Latin letters.
		newPara := prev == nil ||
			l.y0-prev.y1 > 1.0*math.Max(l.maxH, prev.maxH) ||
			l.x0 > left+1.5*l.maxH ||
			math.Abs(l.maxH-prev.maxH) > 0.2*math.Max(l.maxH, prev.maxH) ||
			prev.x1 < right-2*prev.maxH
		if newPara {
			flush()
			out = append(out, para{top: l.y0, size: l.maxH})
		}
		cur = append(cur, s)
		prev = l
	}
	flush()
	return out
}

// joinLines joins the lines of a paragraph: directly between CJK text, with a space where
// both sides are Latin letters or digits (a line break between two words).
func joinLines(ls []string) string {
	var b strings.Builder
	for i, l := range ls {
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(ls[i-1])
			next, _ := utf8.DecodeRuneInString(l)
			if !isWide(prev) && !isWide(next) && (unicode.IsLetter(prev) || unicode.IsDigit(prev) || unicode.IsPunct(prev)) &&
				(unicode.IsLetter(next) || unicode.IsDigit(next)) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(l)
	}
	return b.String()
}
