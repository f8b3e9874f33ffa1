package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ogireports/ogireports/internal/extract"
)

// item is one piece of block content: a paragraph's lines or a parsed table.
type item struct {
	lines []string
	table *rawTable
}

// rawTable is a w:tbl as written: its grid width (w:tblGrid) and rows of cells.
type rawTable struct {
	gridCols int
	rows     []rawRow
}

// rawRow is a w:tr: cells, with the grid columns skipped before and after them.
type rawRow struct {
	before, after int
	cells         []rawCell
}

// Merge states of w:vMerge and w:hMerge.
const (
	mergeNone = iota
	mergeRestart
	mergeContinue
)

// rawCell is a w:tc: its spans and its content.
type rawCell struct {
	span           int
	vmerge, hmerge int
	items          []item
}

// errEndOfXML marks the end of the XML stream reached before the element being read ended.
var errEndOfXML = errors.New("unexpected end of XML")

// parser reads a WordprocessingML document part as a token stream.
type parser struct {
	d     *xml.Decoder
	doc   *extract.Document
	depth int
	// elements counts the elements read (see MaxElements).
	elements int
	// cells is the grid-cell budget left for the document's tables (extract.MaxGridCells).
	cells int
}

func newParser(r io.Reader, doc *extract.Document) *parser {
	d := xml.NewDecoder(r)
	d.Strict = true
	d.CharsetReader = func(label string, input io.Reader) (io.Reader, error) {
		return nil, fmt.Errorf("unsupported XML encoding %q", label)
	}
	return &parser{d: d, doc: doc, cells: extract.MaxGridCells}
}

// next returns the next token, keeping the element depth.
func (p *parser) next() (xml.Token, error) {
	tok, err := p.d.Token()
	if err != nil {
		if errors.Is(err, extract.ErrTooLarge) {
			return nil, err
		}
		if err == io.EOF {
			return nil, fmt.Errorf("%w: %w", errEndOfXML, ErrDamaged)
		}
		return nil, fmt.Errorf("%v: %w", err, ErrDamaged)
	}
	switch tok.(type) {
	case xml.StartElement:
		p.depth++
		p.elements++
		if p.elements > MaxElements {
			return nil, fmt.Errorf("more than %d XML elements: %w", MaxElements, extract.ErrTooLarge)
		}
		if p.depth > MaxDepth {
			return nil, fmt.Errorf("XML nested deeper than %d elements: %w", MaxDepth, extract.ErrTooLarge)
		}
	case xml.EndElement:
		p.depth--
	}
	return tok, nil
}

// skip consumes the rest of the element just started.
func (p *parser) skip() error {
	d0 := p.depth
	for p.depth >= d0 {
		if _, err := p.next(); err != nil {
			return err
		}
	}
	return nil
}

// parse reads the whole part and appends the body's blocks to the document.
func (p *parser) parse() error {
	for {
		tok, err := p.next()
		if err != nil {
			if p.depth == 0 && errors.Is(err, errEndOfXML) {
				return fmt.Errorf("no w:body element: %w", ErrNotDOCX)
			}
			return err
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "body" {
			return p.content(p.emit)
		}
	}
}

// emit appends one item to the document: a paragraph's lines as TextBlocks, a table as a
// TableBlock (or, for a layout table, its cells' content in order).
func (p *parser) emit(it item) {
	if it.table == nil {
		for _, l := range it.lines {
			p.doc.Blocks = append(p.doc.Blocks, extract.Block{Kind: extract.TextBlock, Text: l})
		}
		return
	}
	rt := it.table
	ncells, layout := 0, false
	for _, r := range rt.rows {
		for _, c := range r.cells {
			ncells++
			for _, ci := range c.items {
				if ci.table != nil {
					layout = true
				}
			}
		}
	}
	if ncells == 1 {
		layout = true
	}
	if layout {
		for _, r := range rt.rows {
			for _, c := range r.cells {
				for _, ci := range c.items {
					p.emit(ci)
				}
			}
		}
		return
	}
	t, truncated := p.grid(rt)
	if truncated {
		p.doc.Flags = addFlag(p.doc.Flags, extract.FlagTableTruncated)
	}
	if len(t.Rows) == 0 {
		return
	}
	p.doc.Blocks = append(p.doc.Blocks, extract.Block{Kind: extract.TableBlock, Text: t.Text(), Table: t})
}

// content reads block-level content (paragraphs, tables, and any wrapper such as w:sdt,
// w:customXml, w:ins) until the end of the current element, passing each item to emit.
func (p *parser) content(emit func(item)) error {
	d0 := p.depth
	for {
		tok, err := p.next()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "p":
				lines, err := p.paragraph()
				if err != nil {
					return err
				}
				if len(lines) > 0 {
					emit(item{lines: lines})
				}
			case "tbl":
				rt, err := p.table()
				if err != nil {
					return err
				}
				emit(item{table: rt})
			case "Fallback", "sectPr", "del", "moveFrom":
				if err := p.skip(); err != nil {
					return err
				}
			}
		case xml.EndElement:
			if p.depth < d0 {
				return nil
			}
		}
	}
}

// paragraph reads a w:p already started and returns its non-empty lines (w:br and w:cr end a
// line, w:tab is a space), white space collapsed.
func (p *parser) paragraph() ([]string, error) {
	d0 := p.depth
	var lines []string
	var cur strings.Builder
	flush := func() {
		if s := collapse(cur.String()); s != "" {
			lines = append(lines, s)
		}
		cur.Reset()
	}
	inText := 0 // depth of the open w:t, 0 outside
	for {
		tok, err := p.next()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inText = p.depth
			case "tab", "ptab":
				cur.WriteByte(' ')
			case "br", "cr":
				flush()
			case "noBreakHyphen":
				cur.WriteByte('-')
			case "p":
				flush() // a paragraph inside a text box
			case "Fallback", "del", "moveFrom", "instrText", "delText":
				if err := p.skip(); err != nil {
					return nil, err
				}
			}
		case xml.CharData:
			if inText > 0 {
				cur.Write(t)
			}
		case xml.EndElement:
			if inText > 0 && p.depth < inText {
				inText = 0
			}
			if t.Name.Local == "p" {
				flush()
			}
			if p.depth < d0 {
				flush()
				return lines, nil
			}
		}
	}
}

// table reads a w:tbl already started.
func (p *parser) table() (*rawTable, error) {
	d0 := p.depth
	rt := &rawTable{}
	for {
		tok, err := p.next()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "gridCol":
				rt.gridCols++
			case "tr":
				r, err := p.row()
				if err != nil {
					return nil, err
				}
				rt.rows = append(rt.rows, r)
			case "Fallback", "del", "moveFrom":
				if err := p.skip(); err != nil {
					return nil, err
				}
			}
		case xml.EndElement:
			if p.depth < d0 {
				return rt, nil
			}
		}
	}
}

// row reads a w:tr already started.
func (p *parser) row() (rawRow, error) {
	d0 := p.depth
	var r rawRow
	for {
		tok, err := p.next()
		if err != nil {
			return r, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "gridBefore":
				r.before = intAttr(t, 0)
			case "gridAfter":
				r.after = intAttr(t, 0)
			case "tc":
				c, err := p.cell()
				if err != nil {
					return r, err
				}
				r.cells = append(r.cells, c)
			case "Fallback", "del", "moveFrom":
				if err := p.skip(); err != nil {
					return r, err
				}
			}
		case xml.EndElement:
			if p.depth < d0 {
				return r, nil
			}
		}
	}
}

// cell reads a w:tc already started: its properties (w:tcPr) and its content.
func (p *parser) cell() (rawCell, error) {
	c := rawCell{span: 1}
	d0 := p.depth
	for {
		tok, err := p.next()
		if err != nil {
			return c, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "tcPr":
				if err := p.cellProps(&c); err != nil {
					return c, err
				}
			case "p":
				lines, err := p.paragraph()
				if err != nil {
					return c, err
				}
				if len(lines) > 0 {
					c.items = append(c.items, item{lines: lines})
				}
			case "tbl":
				rt, err := p.table()
				if err != nil {
					return c, err
				}
				c.items = append(c.items, item{table: rt})
			case "Fallback", "del", "moveFrom":
				if err := p.skip(); err != nil {
					return c, err
				}
			}
		case xml.EndElement:
			if p.depth < d0 {
				return c, nil
			}
		}
	}
}

// cellProps reads a w:tcPr already started.
func (p *parser) cellProps(c *rawCell) error {
	d0 := p.depth
	for {
		tok, err := p.next()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "gridSpan":
				c.span = max(1, intAttr(t, 1))
			case "vMerge":
				c.vmerge = mergeAttr(t)
			case "hMerge":
				c.hmerge = mergeAttr(t)
			}
		case xml.EndElement:
			if p.depth < d0 {
				return nil
			}
		}
	}
}

// intAttr returns the w:val attribute as a non-negative integer (def when absent or invalid),
// capped at extract.MaxColspan.
func intAttr(se xml.StartElement, def int) int {
	v, ok := attrVal(se, "val")
	if !ok {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return def
	}
	return min(n, extract.MaxColspan)
}

// mergeAttr reads w:vMerge / w:hMerge: val="restart" starts a merge, no val (or "continue")
// continues one.
func mergeAttr(se xml.StartElement) int {
	v, ok := attrVal(se, "val")
	if ok && strings.EqualFold(strings.TrimSpace(v), "restart") {
		return mergeRestart
	}
	return mergeContinue
}

func attrVal(se xml.StartElement, local string) (string, bool) {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// grid lays a raw table out as a dense grid: each cell takes gridSpan columns from the row's
// cursor (after w:gridBefore), a vMerge continuation cell extends the cell above it, an hMerge
// continuation extends the cell on its left. The grid is bounded by extract.MaxGridCols and the
// document's remaining extract.MaxGridCells; it reports whether it had to cut the table.
func (p *parser) grid(rt *rawTable) (*extract.Table, bool) {
	truncated := false
	ncols := rt.gridCols
	for _, r := range rt.rows {
		w := r.before + r.after
		for _, c := range r.cells {
			w += c.span
		}
		ncols = max(ncols, w)
	}
	if ncols > extract.MaxGridCols {
		ncols, truncated = extract.MaxGridCols, true
	}
	if ncols == 0 {
		ncols = 1
	}
	nrows := len(rt.rows)
	if nrows*ncols > p.cells {
		nrows, truncated = max(p.cells, 0)/ncols, true
	}
	p.cells -= nrows * ncols
	t := &extract.Table{Rows: make([][]extract.Cell, nrows)}
	for i := range t.Rows {
		t.Rows[i] = make([]extract.Cell, ncols)
		for j := range t.Rows[i] {
			t.Rows[i][j].OriginRow = -1
		}
	}
	for i := 0; i < nrows; i++ {
		r := rt.rows[i]
		col := r.before
		for _, c := range r.cells {
			if col >= ncols {
				truncated = true
				break
			}
			span := min(c.span, ncols-col)
			oi, oj, text := i, col, cellText(c.items)
			switch {
			case c.vmerge == mergeContinue && i > 0 && t.Rows[i-1][col].OriginRow >= 0:
				o := t.Rows[i-1][col]
				oi, oj = o.OriginRow, o.OriginCol
				text = t.Rows[oi][oj].Text
			case c.hmerge == mergeContinue && col > 0 && t.Rows[i][col-1].OriginRow >= 0:
				o := t.Rows[i][col-1]
				oi, oj = o.OriginRow, o.OriginCol
				text = t.Rows[oi][oj].Text
			}
			for j := col; j < col+span; j++ {
				t.Rows[i][j] = extract.Cell{Text: text, Spanned: i != oi || j != oj, OriginRow: oi, OriginCol: oj}
			}
			col += span
		}
	}
	for i := range t.Rows {
		for j := range t.Rows[i] {
			if t.Rows[i][j].OriginRow < 0 {
				t.Rows[i][j] = extract.Cell{OriginRow: i, OriginCol: j}
			}
		}
	}
	dropEmptyColumns(t)
	if truncated {
		t.Flags = append(t.Flags, extract.FlagTableTruncated)
	}
	return t, truncated
}

// dropEmptyColumns removes the grid columns in which no cell starts (every position is a
// horizontal copy of the cell on its left). Word and LibreOffice write such sliver columns
// when rounded cell widths put two rows' boundaries a twip apart; they carry no content.
func dropEmptyColumns(t *extract.Table) {
	n := t.NCols()
	starts := make([]bool, n)
	for _, r := range t.Rows {
		for _, c := range r {
			starts[c.OriginCol] = true
		}
	}
	// newCol[j] is the index of column j after the drop.
	newCol := make([]int, n)
	k := 0
	for j := range n {
		newCol[j] = k
		if starts[j] {
			k++
		}
	}
	if k == n || k == 0 {
		return
	}
	for i, r := range t.Rows {
		out := r[:0]
		for j, c := range r {
			if starts[j] {
				c.OriginCol = newCol[c.OriginCol]
				out = append(out, c)
			}
		}
		t.Rows[i] = out
	}
}

// cellText joins the lines of a cell's paragraphs with "\n".
func cellText(items []item) string {
	var lines []string
	for _, it := range items {
		lines = append(lines, it.lines...)
	}
	return strings.Join(lines, "\n")
}

func addFlag(flags []string, f string) []string {
	for _, x := range flags {
		if x == f {
			return flags
		}
	}
	return append(flags, f)
}

// rel is one package relationship.
type rel struct{ typ, target string }

// parseRels reads a relationships part; malformed input yields what was read before the error.
func parseRels(b []byte) []rel {
	d := xml.NewDecoder(bytes.NewReader(b))
	var out []rel
	for {
		tok, err := d.Token()
		if err != nil {
			return out
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "Relationship" {
			typ, _ := attrVal(se, "Type")
			target, _ := attrVal(se, "Target")
			out = append(out, rel{typ: typ, target: target})
		}
	}
}

// readCore returns the set core properties of docProps/core.xml as "dc:title", "dc:creator",
// "dcterms:created", "dcterms:modified"; nil when the part is absent or unreadable.
func readCore(files map[string]*zip.File) map[string]string {
	f := files["docProps/core.xml"]
	if f == nil {
		return nil
	}
	b, err := readSmall(f)
	if err != nil {
		return nil
	}
	keys := map[string]string{"title": "dc:title", "creator": "dc:creator", "created": "dcterms:created", "modified": "dcterms:modified"}
	out := map[string]string{}
	d := xml.NewDecoder(bytes.NewReader(b))
	cur := ""
	var text strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			return out
		}
		switch t := tok.(type) {
		case xml.StartElement:
			cur = keys[t.Name.Local]
			text.Reset()
		case xml.CharData:
			if cur != "" {
				text.Write(t)
			}
		case xml.EndElement:
			if cur != "" {
				if s := collapse(text.String()); s != "" {
					out[cur] = s
				}
			}
			cur = ""
		}
	}
}
