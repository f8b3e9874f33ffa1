package ocr

import (
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

// failedChecks normalises the document and counts its failed identity checks; ok is false when
// the document is not a report (nothing to arbitrate with).
func failedChecks(doc *extract.Document) (int, bool) {
	rep, err := normalize.Normalize(doc)
	if err != nil || rep == nil {
		// Not a report (normalize.ErrNotReport) or not normalisable: no identities to use.
		return 0, false
	}
	return rep.ChecksFailed(), true
}

// arbitrate lets the identities choose between readings of uncertain cells: greedily, the one
// alternative reading that lowers the number of failed identity checks the most replaces the
// current reading, until no alternative helps. The cells keep their low_confidence flag: a
// reading the identities prefer is still not a reading the OCR was sure of.
func arbitrate(doc *extract.Document, alts []altCell) {
	if len(alts) == 0 {
		return
	}
	base, ok := failedChecks(doc)
	if !ok || base == 0 {
		return
	}
	tries := 0
	used := make([]bool, len(alts))
	for base > 0 && tries < maxArbitration {
		bestF, bestA, bestT := base, -1, ""
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
				f, ok := failedChecks(doc)
				a.setText(cur)
				if ok && f < bestF {
					bestF, bestA, bestT = f, ai, s
				}
			}
		}
		if bestA < 0 {
			return
		}
		alts[bestA].setText(bestT)
		used[bestA] = true
		base = bestF
	}
}
