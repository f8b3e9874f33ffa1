package pdf

import (
	"math"
	"regexp"
	"sort"
	"strings"

	"github.com/ogireports/ogireports/internal/extract"
)

// FlagUnruled marks a table rebuilt from text alignment alone (no ruled lines): its columns
// come from the whitespace between the data rows' cells, so its geometry is inferred.
const FlagUnruled = "unruled"

// Stream-table tuning, relative to the line's character height.
const (
	// segmentGap is the horizontal gap that separates two cells of a line.
	segmentGap = 1.2
	// attachGap is the largest vertical gap between a wrapped label line and its data row.
	attachGap = 1.0
	// rowGap is the largest vertical gap between two lines of one table.
	rowGap = 4.0
	// maxHeaderLines bounds the header lines taken above the first data row.
	maxHeaderLines = 4
)

var (
	numericRe = regexp.MustCompile(`^[+\-]?[\d,]+(\.\d+)?$`)
	// sectionRe matches a section heading (三、收到和处理...), which never belongs to a header.
	sectionRe = regexp.MustCompile(`^[一二三四五六七八九十]+、`)
)

// segment is one run of characters of a line between wide gaps: a cell candidate.
type segment struct {
	text   string
	x0, x1 float64
}

// segments splits a line at gaps wider than segmentGap times its character height.
func segments(l *line) []segment {
	var out []segment
	start := 0
	flush := func(end int) {
		sub := &line{chars: l.chars[start:end], size: l.size}
		out = append(out, segment{text: sub.text(), x0: l.chars[start].X0, x1: l.chars[end-1].X1})
		start = end
	}
	for i := 1; i < len(l.chars); i++ {
		if l.chars[i].X0-l.chars[i-1].X1 > segmentGap*l.size {
			flush(i)
		}
	}
	flush(len(l.chars))
	return out
}

// numericCount counts the segments that are numbers.
func numericCount(segs []segment) int {
	n := 0
	for _, s := range segs {
		if numericRe.MatchString(s.text) {
			n++
		}
	}
	return n
}

// streamTables finds tables printed without rules among the page's free lines: runs of data
// rows (lines with at least two numeric cells), the wrapped label lines beside them and up to
// maxHeaderLines header lines above. Rows are the data lines (a wrapped label joins the data
// row it is nearest to); columns are the x-ranges left free by every data row, so a stray
// number opens a column of its own instead of shifting the others. It returns the tables and
// the lines left for paragraphs.
func streamTables(ls []*line, page int) ([]*extract.Table, []*line) {
	segs := make([][]segment, len(ls))
	data := make([]bool, len(ls))
	for i, l := range ls {
		segs[i] = segments(l)
		data[i] = numericCount(segs[i]) >= 2
	}
	used := make([]bool, len(ls))
	var tables []*extract.Table
	for i := 0; i < len(ls); i++ {
		if !data[i] {
			continue
		}
		// Grow a run of data lines, allowing label-only lines in between.
		last, nums, rows := i, numericCount(segs[i]), 1
		for j := i + 1; j < len(ls); j++ {
			if ls[j].y0-ls[j-1].y1 > rowGap*ls[j].size {
				break
			}
			// A line printed larger than the data rows (the next section's heading) ends the table.
			if !data[j] && ls[j].maxH > headingScale*ls[i].maxH {
				break
			}
			if data[j] {
				last, rows = j, rows+1
				nums += numericCount(segs[j])
			}
		}
		if nums < 6 || (rows < 2 && nums < 4) {
			continue
		}
		// Label-only lines after the last data row belong to it only when close.
		hi := last
		for hi+1 < len(ls) && !data[hi+1] && ls[hi+1].y0-ls[hi].y1 <= attachGap*ls[hi].size &&
			len(segs[hi+1]) == 1 && segs[hi+1][0].x0 < ls[last].chars[0].X1 {
			hi++
		}
		// Header lines above the first data row.
		// A header line is no farther above than the data rows are apart.
		var gaps []float64
		for j := i + 1; j <= last; j++ {
			if data[j] {
				gaps = append(gaps, ls[j].y0-ls[j-1].y1)
			}
		}
		sort.Float64s(gaps)
		headerGap := 2.5 * ls[i].size
		if len(gaps) > 0 {
			headerGap = math.Max(headerGap, 1.2*gaps[len(gaps)/2])
		}
		lo := i
		for k := 0; k < maxHeaderLines && lo-1 >= 0 && !used[lo-1]; k++ {
			prev := ls[lo-1]
			if ls[lo].y0-prev.y1 > headerGap || sectionRe.MatchString(prev.text()) || prev.maxH > headingScale*ls[i].maxH {
				break
			}
			lo--
		}
		t := buildStream(ls[lo:hi+1], segs[lo:hi+1], data[lo:hi+1], i-lo, page)
		if t == nil {
			continue
		}
		for k := lo; k <= hi; k++ {
			used[k] = true
		}
		tables = append(tables, t)
		i = hi
	}
	var rest []*line
	for i, l := range ls {
		if !used[i] {
			rest = append(rest, l)
		}
	}
	return tables, rest
}

// buildStream builds one unruled table from its lines; firstData is the index of the first
// data line (the lines before it are header lines).
func buildStream(ls []*line, segs [][]segment, data []bool, firstData, page int) *extract.Table {
	// Columns: the x-projection of the data lines' segments, merged where they overlap.
	type iv struct{ x0, x1 float64 }
	var ivs []iv
	for i := range ls {
		if data[i] {
			for _, s := range segs[i] {
				ivs = append(ivs, iv{s.x0, s.x1})
			}
		}
	}
	sort.Slice(ivs, func(a, b int) bool { return ivs[a].x0 < ivs[b].x0 })
	var cols []iv
	for _, v := range ivs {
		if n := len(cols); n > 0 && v.x0 <= cols[n-1].x1 {
			cols[n-1].x1 = math.Max(cols[n-1].x1, v.x1)
			continue
		}
		cols = append(cols, v)
	}
	if len(cols) < 2 {
		return nil
	}
	// Column boundaries halfway between neighbouring projections.
	bounds := make([]float64, len(cols)+1)
	bounds[0] = cols[0].x0
	for c := 1; c < len(cols); c++ {
		bounds[c] = (cols[c-1].x1 + cols[c].x0) / 2
	}
	bounds[len(cols)] = cols[len(cols)-1].x1
	colOf := func(x float64) int {
		c := sort.SearchFloat64s(bounds, x) - 1
		return max(0, min(c, len(cols)-1))
	}
	// Rows: header lines one row each, then one row per data line with its wrapped labels.
	type rowT struct {
		lines []int
	}
	var rows []rowT
	for i := 0; i < firstData; i++ {
		rows = append(rows, rowT{[]int{i}})
	}
	rowOfData := map[int]int{}
	for i := firstData; i < len(ls); i++ {
		if data[i] {
			rowOfData[i] = len(rows)
			rows = append(rows, rowT{[]int{i}})
		}
	}
	for i := firstData; i < len(ls); i++ {
		if data[i] {
			continue
		}
		// Attach to the nearest data line above or below.
		best, bd := -1, math.Inf(1)
		for j := range ls {
			if !data[j] || j < firstData {
				continue
			}
			if d := math.Abs(ls[j].cy - ls[i].cy); d < bd {
				best, bd = j, d
			}
		}
		if best >= 0 {
			r := rowOfData[best]
			rows[r].lines = append(rows[r].lines, i)
		}
	}
	t := &extract.Table{Page: page, Flags: []string{FlagUnruled}, Rows: make([][]extract.Cell, len(rows))}
	for r, row := range rows {
		sort.Ints(row.lines)
		texts := make([][]string, len(cols))
		boxes := make([]*extract.Box, len(cols))
		spanTo := make([]int, len(cols)) // a header cell's last column, for spans
		for c := range spanTo {
			spanTo[c] = c
		}
		for _, li := range row.lines {
			for _, s := range segs[li] {
				c0, c1 := colOf(s.x0+0.01), colOf(s.x1-0.01)
				if c1 != c0 && r >= firstData {
					c1 = c0 // a data-row cell never spans: it lies in the column it starts in
				}
				texts[c0] = append(texts[c0], s.text)
				spanTo[c0] = max(spanTo[c0], c1)
				b := &extract.Box{X0: s.x0, Y0: ls[li].y0, X1: s.x1, Y1: ls[li].y1}
				for c := c0; c <= c1; c++ {
					if boxes[c] == nil {
						boxes[c] = b
					} else {
						boxes[c] = union(boxes[c], b)
					}
				}
			}
		}
		y0, y1 := math.Inf(1), math.Inf(-1)
		for _, li := range row.lines {
			y0, y1 = math.Min(y0, ls[li].y0), math.Max(y1, ls[li].y1)
		}
		t.Rows[r] = make([]extract.Cell, len(cols))
		for c := range cols {
			b := boxes[c]
			if b == nil {
				b = &extract.Box{X0: bounds[c], Y0: y0, X1: bounds[c+1], Y1: y1}
			}
			t.Rows[r][c] = extract.Cell{Text: strings.Join(texts[c], "\n"), OriginRow: r, OriginCol: c, Box: b}
		}
		// A header cell wider than one column spans the empty columns it covers.
		for c := range cols {
			for k := c + 1; k <= spanTo[c] && k < len(cols) && len(texts[k]) == 0; k++ {
				t.Rows[r][k] = extract.Cell{Text: t.Rows[r][c].Text, Spanned: true, OriginRow: r, OriginCol: c, Box: t.Rows[r][c].Box}
			}
		}
	}
	return t
}

// union returns the smallest box holding a and b.
func union(a, b *extract.Box) *extract.Box {
	return &extract.Box{X0: math.Min(a.X0, b.X0), Y0: math.Min(a.Y0, b.Y0), X1: math.Max(a.X1, b.X1), Y1: math.Max(a.Y1, b.Y1)}
}
