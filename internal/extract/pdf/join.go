package pdf

import (
	"math"

	"github.com/ogireports/ogireports/internal/extract"
)

// frameTol is how far apart the side rules of a table and of its continuation on the next
// page may be.
const frameTol = 2 * snapTol

// continues reports whether ruled table b, the first block of a page, continues ruled table a,
// the last block of the previous page: nothing but page numbers between them, and the same
// left and right frame (the columns inside may differ, as a cell spanning columns on one page
// may be split on the other).
func continues(a, b *grid) bool {
	if len(a.xs) < 2 || len(b.xs) < 2 {
		return false
	}
	return math.Abs(a.xs[0]-b.xs[0]) <= frameTol && math.Abs(a.xs[len(a.xs)-1]-b.xs[len(b.xs)-1]) <= frameTol
}

// mergedXs is the union of two tables' column boundaries, clustered as in one grid.
func mergedXs(a, b []float64) []float64 {
	return dropThin(cluster(append(append([]float64(nil), a...), b...), snapTol))
}

// joinTables joins table b (the top of a page, grid gb) to table a (the end of the previous
// page, grid ga) as one table: the columns are the union of both tables' column boundaries
// (a cell is spanned over the columns it covers), and the rows of b follow those of a. When
// a ends without a bottom rule and b starts without a top rule, one row was cut by the page
// break: its two halves are one row, each cell's text joined with "\n". Cell boxes stay on
// their own page; the table's Page is a's. It returns nil when the columns cannot be laid
// over each other.
func joinTables(a *extract.Table, ga *grid, b *extract.Table, gb *grid) *extract.Table {
	u := mergedXs(ga.xs, gb.xs)
	ra, rb := widen(a, ga.xs, u), widen(b, gb.xs, u)
	if ra == nil || rb == nil || len(a.Rows) == 0 {
		return nil
	}
	nc := len(u) - 1
	off := len(ra)
	cut := ga.openBottom && gb.openTop && len(rb) > 0
	last := len(ra) - 1
	if cut {
		off = last
		for k := 0; k < nc; k++ {
			c := rb[0][k]
			if c.Spanned || c.Text == "" {
				continue
			}
			o := ra[last][k]
			oc := &ra[o.OriginRow][o.OriginCol]
			if oc.Text == "" {
				oc.Text = c.Text
			} else {
				oc.Text += "\n" + c.Text
			}
		}
	}
	rows := ra
	for r, row := range rb {
		if cut && r == 0 {
			continue
		}
		nr := make([]extract.Cell, nc)
		for k, c := range row {
			if cut && c.OriginRow == 0 {
				// A cell spanning down from the cut row belongs to the joined row's cell.
				o := ra[last][k]
				c.OriginRow, c.OriginCol = o.OriginRow, o.OriginCol
			} else {
				c.OriginRow += off
			}
			c.Spanned = c.OriginRow != len(rows) || c.OriginCol != k
			nr[k] = c
		}
		rows = append(rows, nr)
	}
	for _, row := range rows {
		for k := range row {
			if row[k].Spanned {
				row[k].Text = rows[row[k].OriginRow][row[k].OriginCol].Text
			}
		}
	}
	return &extract.Table{Rows: rows, Page: a.Page, Flags: a.Flags}
}

// widen lays a table's rows over the columns u (a superset of its boundaries xs): each column
// becomes the columns of u it covers, the first holding the cell and the others spanned.
func widen(t *extract.Table, xs, u []float64) [][]extract.Cell {
	n := len(xs) - 1
	lo := make([]int, n+1)
	for j := range xs {
		lo[j], _ = nearest(u, xs[j])
		if j > 0 && lo[j] <= lo[j-1] {
			return nil // two boundaries on one of u's: not the same table
		}
	}
	nc := len(u) - 1
	rows := make([][]extract.Cell, len(t.Rows))
	for r, row := range t.Rows {
		nr := make([]extract.Cell, nc)
		for c, cell := range row {
			if c >= n {
				break
			}
			oc := lo[cell.OriginCol]
			for k := lo[c]; k < lo[c+1]; k++ {
				x := cell
				x.OriginCol = oc
				x.Spanned = r != cell.OriginRow || k != oc
				nr[k] = x
			}
		}
		rows[r] = nr
	}
	return rows
}
