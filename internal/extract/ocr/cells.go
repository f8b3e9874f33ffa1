package ocr

import (
	"context"
	"image"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/normalize"
)

// zhScale and digitScale are the factors cell crops are enlarged by before OCR. chi_sim reads
// the 20-px characters of a 150-dpi page best unscaled (pixel-replicated enlargements turn 关
// into 天); the digit pass reads small digits better enlarged.
const (
	zhScale    = 1
	digitScale = 2
)

// altScale is the factor of the re-OCR of uncertain numeric cells: unscaled, a second opinion
// independent of the enlarged digit pass (enlarging further loses the 1 of "+1").
const altScale = 1

// cellRead is the outcome for one origin cell.
type cellRead struct {
	text string
	conf float64
	low  bool
	// alts are other readings of an uncertain numeric cell, for the identities to arbitrate.
	alts []string
}

// dashLike reports whether s is made only of dash-like characters (a printed blank marker
// that OCR may read as 一, -, _ or ~).
func dashLike(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		switch r {
		case '-', '—', '－', '一', '_', '~', '─', '–', '‐', '━':
		default:
			return false
		}
	}
	return true
}

// numericShape reports whether a chi_sim reading looks like a number (digits with signs,
// separators and a unit of money) rather than a label.
func numericShape(s string) bool {
	s = foldDigits(s)
	hasDigit := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			hasDigit = true
		case strings.ContainsRune(".,+-/元万 \n", r):
		default:
			return false
		}
	}
	return hasDigit
}

// foldDigits folds full-width digits and signs to ASCII.
func foldDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r == '．':
			return '.'
		case r == '，':
			return ','
		case r == '＋':
			return '+'
		case r == '－':
			return '-'
		case r == '／':
			return '/'
		}
		return r
	}, s)
}

// blankWords are printed blank markers made of Chinese characters.
var blankWords = map[string]bool{"无": true, "空": true}

// suspectHan reports whether a chi_sim reading of a cell is one or two Chinese characters that
// may be a misread digit: a single character, or two read with low confidence, that is not a
// blank marker.
func suspectHan(s string, conf float64) bool {
	n := utf8.RuneCountInString(s)
	if n == 0 || n > 2 || !hasHan(s) || blankWords[s] || dashLike(s) {
		return false
	}
	return n == 1 || conf < LowConfidence
}

// blankMark reports whether a reading is a printed blank marker a digit pass can see.
func blankMark(s string) bool { return s == "/" || dashLike(s) }

// numCore is a reading reduced to what a number consists of, for comparing two readings.
func numCore(s string) string {
	return strings.Map(func(r rune) rune {
		if (r >= '0' && r <= '9') || r == '.' || r == '+' || r == '-' || r == '/' {
			return r
		}
		return -1
	}, foldDigits(s))
}

// hasHan reports whether s contains a Chinese character.
func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// readTables reads the cells of the page's grids: every cell with chi_sim, then the cells that
// look numeric (or read nothing) again with the digit pass, then the uncertain ones at another
// scale.
func readTables(ctx context.Context, r *raster, grids []grid, page int) ([]*extract.Table, []altCell, error) {
	type ref struct{ g, c int }
	var refs []ref
	var crops, inners []image.Rectangle
	var inkH []int
	reads := make([][]cellRead, len(grids))
	margin := paramsFor(r).tol/2 + 2
	for gi, g := range grids {
		reads[gi] = make([]cellRead, len(g.cells))
		for ci, c := range g.cells {
			in := c.inner(margin)
			ink, ok := r.inkBox(in, 6)
			if !ok {
				// No ink at all: an empty cell is certain, not a guess.
				reads[gi][ci] = cellRead{conf: 1}
				continue
			}
			refs = append(refs, ref{gi, ci})
			crops = append(crops, ink.Inset(-3).Intersect(in))
			inners = append(inners, in)
			inkH = append(inkH, ink.Dy())
		}
	}
	if len(crops) == 0 {
		t, a := buildTables(grids, reads, page)
		return t, a, nil
	}
	// First pass: chi_sim on every text line of every cell (lines cut apart, see textLines).
	lineH := r.typicalLineHeight(crops)
	var lineRects []image.Rectangle
	var lineOf []int
	for k, c := range crops {
		for _, l := range r.textLines(c, lineH) {
			lineRects = append(lineRects, l.Inset(-2).Intersect(inners[k]))
			lineOf = append(lineOf, k)
		}
	}
	zl, err := readCrops(ctx, r, lineRects, zhScale, zhPass, DPI, cjkSep)
	if err != nil {
		return nil, nil, err
	}
	zh := make([]reading, len(crops))
	for i, l := range zl {
		z := &zh[lineOf[i]]
		t := strings.TrimSpace(l.text)
		if t == "" {
			continue
		}
		if z.text == "" {
			*z = reading{text: t, conf: l.conf}
			continue
		}
		z.text += "\n" + t
		z.conf = min(z.conf, l.conf)
	}
	// Second pass: digits only, for cells whose chi_sim reading is numeric, empty, a dash (a
	// blank marker, or a sign whose digit was lost), or one or two Chinese characters that may
	// be a misread digit.
	var numIdx []int
	var numCrops []image.Rectangle
	for k, z := range zh {
		t := strings.TrimSpace(z.text)
		if t == "" || numericShape(t) || !hasHan(t) || dashLike(t) || suspectHan(t, z.conf) {
			numIdx = append(numIdx, k)
			numCrops = append(numCrops, crops[k])
		}
	}
	dg, err := readCrops(ctx, r, numCrops, digitScale, digitPass, DPI, noSep)
	if err != nil {
		return nil, nil, err
	}
	isNum := map[int]int{}
	for i, k := range numIdx {
		isNum[k] = i
	}
	var lowIdx []int
	for k, z := range zh {
		var d *reading
		if i, ok := isNum[k]; ok {
			d = &dg[i]
		}
		cr, numeric := combine(z, d, inkH[k], lineH)
		if cr.low && (numeric || suspectHan(strings.TrimSpace(z.text), z.conf)) {
			lowIdx = append(lowIdx, k)
		}
		reads[refs[k].g][refs[k].c] = cr
	}
	// Re-read uncertain numeric cells at another scale: a third opinion for the vote, and an
	// alternative for the identities.
	if len(lowIdx) > 0 {
		var lc []image.Rectangle
		for _, k := range lowIdx {
			lc = append(lc, crops[k])
		}
		alt, err := readCrops(ctx, r, lc, altScale, digitPass, DPI, noSep)
		if err != nil {
			return nil, nil, err
		}
		for i, k := range lowIdx {
			cr := &reads[refs[k].g][refs[k].c]
			a := strings.TrimSpace(alt[i].text)
			if a == "" || numCore(a) == numCore(cr.text) {
				continue
			}
			// Two of three readings agree: the majority wins, the other stays an alternative.
			agree := false
			for j, o := range cr.alts {
				if numCore(o) == numCore(a) {
					cr.alts[j] = cr.text
					cr.text, agree = a, true
					break
				}
			}
			if !agree {
				cr.alts = append(cr.alts, a)
			}
		}
	}
	t, a := buildTables(grids, reads, page)
	return t, a, nil
}

// buildTables turns grids and their cell readings into dense extract tables.
func buildTables(grids []grid, reads [][]cellRead, page int) ([]*extract.Table, []altCell) {
	var alts []altCell
	var out []*extract.Table
	for gi, g := range grids {
		nr, nc := len(g.ys)-1, len(g.xs)-1
		t := &extract.Table{Rows: make([][]extract.Cell, nr), Page: page, Flags: []string{normalize.FlagOCR}}
		for i := range t.Rows {
			t.Rows[i] = make([]extract.Cell, nc)
		}
		for ci, c := range g.cells {
			cr := reads[gi][ci]
			flags := []string{normalize.FlagOCR}
			if cr.low {
				flags = append(flags, normalize.FlagLowConf)
			}
			box := &extract.Box{X0: float64(c.box.Min.X), Y0: float64(c.box.Min.Y), X1: float64(c.box.Max.X), Y1: float64(c.box.Max.Y)}
			for i := c.row; i < c.row+c.rows; i++ {
				for j := c.col; j < c.col+c.cols; j++ {
					t.Rows[i][j] = extract.Cell{
						Text: cr.text, Spanned: i != c.row || j != c.col,
						OriginRow: c.row, OriginCol: c.col, Box: box,
						Confidence: cr.conf, Flags: append([]string(nil), flags...),
						Alternatives: slices.Clone(cr.alts),
					}
				}
			}
		}
		for ci, c := range g.cells {
			if len(reads[gi][ci].alts) > 0 {
				alts = append(alts, altCell{t: t, row: c.row, col: c.col, rows: c.rows, cols: c.cols, texts: reads[gi][ci].alts})
			}
		}
		out = append(out, t)
	}
	return out, alts
}

// altCell is an uncertain cell with alternative readings.
type altCell struct {
	t                    *extract.Table
	row, col, rows, cols int
	texts                []string
}

// combine decides a cell's reading from its chi_sim reading z and, for cells that went through
// the digit pass, its digit reading d; inkH is the height of the cell's ink and lineH the
// page's line height. numeric tells whether the cell was read as a number (or a blank marker).
func combine(z reading, d *reading, inkH, lineH int) (cr cellRead, numeric bool) {
	cr = cellRead{text: strings.TrimSpace(z.text), conf: z.conf}
	numeric = d != nil
	if numeric {
		dt := strings.TrimSpace(d.text)
		zt := cr.text
		switch {
		case suspectHan(zt, z.conf) && numCore(dt) == "":
			// A short label after all (the digit pass found no digit), or a number neither
			// pass could read (55 as 和): flagged, and read again at another scale.
			numeric = false
			cr.low = true
		case suspectHan(zt, z.conf):
			// A digit read as a Chinese character (1 as 工, 0 as 口): the digit reading,
			// flagged, with the other as an alternative.
			cr.text, cr.conf, cr.low = dt, min(d.conf, z.conf), true
			cr.alts = append(cr.alts, zt)
		case dt == "" && zt == "":
			cr = cellRead{conf: 0, low: true}
		case dt == "":
			cr.low = true
		default:
			cr.text, cr.conf = dt, d.conf
			// Keep a money unit the digit pass cannot read; the whitelist may have forced
			// the unit glyph into one trailing digit ("85423600元" as "854236003").
			if strings.HasSuffix(zt, "元") {
				unit := "元"
				if strings.HasSuffix(zt, "万元") {
					unit = "万元"
				}
				zc, dc := numCore(zt), numCore(dt)
				switch {
				case zc == dc:
					cr.text = dt + unit
				case zc != "" && len(dc) == len(zc)+1 && strings.HasPrefix(dc, zc) && strings.HasSuffix(dt, dc[len(zc):]):
					cr.text, dt = strings.TrimSuffix(dt, dc[len(zc):])+unit, strings.TrimSuffix(dt, dc[len(zc):])
				}
			}
			if numCore(zt) != numCore(dt) && !(blankMark(zt) && blankMark(dt)) {
				cr.low = true
				if zt != "" {
					cr.alts = append(cr.alts, zt)
				}
			}
		}
	}
	if numeric {
		// A blank marker read alike by both passes is certain; a lone sign where the other
		// pass saw a digit ("-" for "-1") stays uncertain.
		if blankMark(cr.text) && blankMark(strings.TrimSpace(z.text)) {
			cr.low = false
		}
		// A dash is flat: ink as tall as half a line read as a dash hides a digit.
		if dashLike(cr.text) && inkH*2 > lineH {
			cr.low = true
		}
		if cr.conf < LowConfidence {
			cr.low = true
		}
	}
	if dashLike(cr.text) {
		cr.text = "—"
	}
	return cr, numeric
}
