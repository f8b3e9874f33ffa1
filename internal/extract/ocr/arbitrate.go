package ocr

import (
	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/normalize"
)

// maxArbitration bounds the normalisations tried by arbitrate.
const maxArbitration = 400

// setText writes a reading into a cell and its spanned copies.
func (a altCell) setText(s string) {
	for i := a.row; i < a.row+a.rows; i++ {
		for j := a.col; j < a.col+a.cols; j++ {
			a.t.Rows[i][j].Text = s
		}
	}
}

// Arbitrate lets the identity checks choose between the readings of the uncertain cells of a
// whole document (cells with Alternatives), as Image and Pages do within what they read. A
// caller that assembles a document from several OCR-read parts (the pictures of an HTML page,
// each holding one table or a piece of one) calls it on the assembly, where the identities
// that span the parts can be evaluated. Table blocks' Text is refreshed.
func Arbitrate(doc *extract.Document) {
	var alts []altCell
	for _, b := range doc.Blocks {
		t := b.Table
		if t == nil {
			continue
		}
		for i, row := range t.Rows {
			for j, c := range row {
				if c.Spanned || len(c.Alternatives) == 0 {
					continue
				}
				rows, cols := 1, 1
				for i+rows < len(t.Rows) && t.Rows[i+rows][j].Spanned && t.Rows[i+rows][j].OriginRow == i && t.Rows[i+rows][j].OriginCol == j {
					rows++
				}
				for j+cols < len(row) && row[j+cols].Spanned && row[j+cols].OriginRow == i && row[j+cols].OriginCol == j {
					cols++
				}
				alts = append(alts, altCell{t: t, row: i, col: j, rows: rows, cols: cols, texts: c.Alternatives})
			}
		}
	}
	arbitrate(doc, alts)
	for i := range doc.Blocks {
		if t := doc.Blocks[i].Table; t != nil {
			doc.Blocks[i].Text = t.Text()
		}
	}
}

// choose makes s the cell's reading and the reading it replaces one of its alternatives.
func (a altCell) choose(s string) {
	cur := a.t.Rows[a.row][a.col].Text
	others := []string{cur}
	for _, o := range a.texts {
		if o != s && o != cur {
			others = append(others, o)
		}
	}
	a.setText(s)
	for i := a.row; i < a.row+a.rows; i++ {
		for j := a.col; j < a.col+a.cols; j++ {
			a.t.Rows[i][j].Alternatives = others
		}
	}
}

// checksOf normalises the document and scores its identity checks: failed checks (fewer is better),
// then passing ones (more is better: an alternative that makes a blank-read check assessable
// and true is evidence for it); ok is false when the document is not a report (nothing to
// arbitrate with).
func checksOf(doc *extract.Document) (s checkScore, ok bool) {
	rep, err := normalize.Normalize(doc)
	if err != nil || rep == nil {
		// Not a report (normalize.ErrNotReport) or not normalisable: no identities to use.
		return s, false
	}
	for _, c := range rep.Checks {
		switch c.Status {
		case cells.Fail:
			s.failed++
		case cells.Pass:
			s.passed++
		}
	}
	return s, true
}

// checkScore counts a document's failed and passed identity checks.
type checkScore struct{ failed, passed int }

// better reports whether s is a better outcome than o.
func (s checkScore) better(o checkScore) bool {
	return s.failed < o.failed || s.failed == o.failed && s.passed > o.passed
}

// arbitrate lets the identities choose between readings of uncertain cells: greedily, the one
// alternative reading that improves the checks the most (fewer failed, then more passed)
// replaces the current reading, until no alternative helps. The cells keep their
// low_confidence flag: a reading the identities prefer is still not a reading the OCR was sure
// of.
func arbitrate(doc *extract.Document, alts []altCell) {
	if len(alts) == 0 {
		return
	}
	base, ok := checksOf(doc)
	if !ok {
		return
	}
	tries := 0
	used := make([]bool, len(alts))
	for tries < maxArbitration {
		best, bestA, bestT := base, -1, ""
		for ai, a := range alts {
			if used[ai] {
				continue
			}
			cur := a.t.Rows[a.row][a.col].Text
			for _, s := range a.texts {
				if s == cur || tries >= maxArbitration {
					continue
				}
				tries++
				a.setText(s)
				f, ok := checksOf(doc)
				a.setText(cur)
				if ok && f.better(best) {
					best, bestA, bestT = f, ai, s
				}
			}
		}
		if bestA < 0 {
			return
		}
		alts[bestA].choose(bestT)
		used[bestA] = true
		base = best
	}
}
