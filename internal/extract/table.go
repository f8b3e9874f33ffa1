package extract

import (
	"strconv"
	"strings"
)

// rawCell is one cell as written in the source: its text and spans.
type rawCell struct {
	text             string
	rowspan, colspan int // as written, already clamped to [0, MaxRowspan] and [1, MaxColspan]
}

// placement is a cell placed on the grid by the HTML table algorithm.
type placement struct {
	row, col, rows, cols int
	text                 string
}

// buildGrid lays rows of source cells out as a dense grid following the HTML table model:
// each cell takes the first free column of its row, rowspan and colspan cover the positions
// below and to the right, rowspan=0 and rowspans past the last row stop at the last row, and
// where cells overlap the earlier cell in source order keeps the position (flag
// FlagSpanOverlap). Rows are kept even when all their cells are empty; short rows are padded
// with empty cells. The grid is bounded by MaxGridCols and MaxGridCells: beyond them rows and
// columns are dropped and FlagTableTruncated is returned. Memory is proportional to the source
// cells plus the (bounded) grid. limit is the number of grid cells still allowed in the
// document (see MaxGridCells).
func buildGrid(rows [][]rawCell, limit int) (*Table, []string) {
	var flags []string
	nrows := len(rows)
	limit = max(limit, 0)
	maxCols := max(1, min(MaxGridCols, limit))
	// busy[c] is the first row index at which column c is free again.
	var busy []int
	var places []placement
	ncols := 0
	for r, row := range rows {
		// Rows past what the grid can hold at the current width are dropped; the width only
		// grows, so the bound only tightens.
		if ncols > 0 && r >= limit/ncols {
			nrows = r
			flags = addFlag(flags, FlagTableTruncated)
			break
		}
		c := 0
		for _, cell := range row {
			for c < len(busy) && busy[c] > r {
				c++
			}
			if c >= maxCols {
				flags = addFlag(flags, FlagTableTruncated)
				break
			}
			rs := cell.rowspan
			if rs == 0 || rs > len(rows)-r {
				rs = len(rows) - r
			}
			cs := cell.colspan
			if c+cs > maxCols {
				cs = maxCols - c
				flags = addFlag(flags, FlagTableTruncated)
			}
			for len(busy) < c+cs {
				busy = append(busy, 0)
			}
			for k := c; k < c+cs; k++ {
				if busy[k] > r {
					flags = addFlag(flags, FlagSpanOverlap)
					continue
				}
				busy[k] = r + rs
			}
			places = append(places, placement{row: r, col: c, rows: rs, cols: cs, text: cell.text})
			ncols = max(ncols, c+cs)
			c += cs
		}
	}
	if ncols > 0 && nrows > limit/ncols {
		nrows = limit / ncols
		flags = addFlag(flags, FlagTableTruncated)
	}
	t := &Table{Rows: make([][]Cell, nrows)}
	for i := range t.Rows {
		t.Rows[i] = make([]Cell, ncols)
		for j := range t.Rows[i] {
			t.Rows[i][j].OriginRow = -1
		}
	}
	for _, p := range places {
		if p.row >= nrows {
			break
		}
		for i := p.row; i < min(p.row+p.rows, nrows); i++ {
			for j := p.col; j < p.col+p.cols; j++ {
				cell := &t.Rows[i][j]
				if cell.OriginRow >= 0 {
					continue // overlap: the earlier cell keeps the position
				}
				*cell = Cell{Text: p.text, Spanned: i != p.row || j != p.col, OriginRow: p.row, OriginCol: p.col}
			}
		}
	}
	for i := range t.Rows {
		for j := range t.Rows[i] {
			if t.Rows[i][j].OriginRow < 0 {
				t.Rows[i][j] = Cell{OriginRow: i, OriginCol: j}
			}
		}
	}
	if len(flags) > 0 {
		t.Flags = append(t.Flags, flags...)
	}
	return t, flags
}

// parseSpan reads a rowspan or colspan attribute the way browsers do: leading digits after
// white space, anything else (missing, negative, garbage) is def; values are clamped to
// [lo, hi].
func parseSpan(v string, def, lo, hi int) int {
	v = strings.TrimSpace(v)
	end := 0
	for end < len(v) && v[end] >= '0' && v[end] <= '9' {
		end++
	}
	if end == 0 {
		return def
	}
	if end > 9 {
		return hi
	}
	n, err := strconv.Atoi(v[:end])
	if err != nil {
		return def
	}
	return min(max(n, lo), hi)
}
