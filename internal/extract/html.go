package extract

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// HTML extracts an HTML page: it decodes the bytes (see Decode; contentType is the HTTP
// Content-Type header or ""), parses them leniently (malformed and truncated markup yields what
// is there) and returns the title, the <meta> tags and visible metadata fields, the links, the
// body images, and the blocks in reading order: one TextBlock per paragraph-level element or
// <br>-separated line, one TableBlock per data table as a dense grid. Tables that only lay out
// other tables (a cell holds a table, or the table is a single cell) are unwrapped into their
// content. Invisible content (script, style, noscript, template, head, comments, display:none,
// hidden) is skipped.
func HTML(data []byte, contentType string) (*Document, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("extract html: %w", ErrEmpty)
	}
	if len(data) > MaxHTMLBytes {
		return nil, fmt.Errorf("extract html: %d bytes over the %d-byte limit: %w", len(data), MaxHTMLBytes, ErrTooLarge)
	}
	text, enc, flags, err := Decode(data, contentType)
	if err != nil {
		return nil, fmt.Errorf("extract html: %w", err)
	}
	if strings.TrimSpace(text) == "" {
		return nil, fmt.Errorf("extract html: only white space: %w", ErrEmpty)
	}
	root, err := html.Parse(strings.NewReader(text))
	if err != nil {
		// The parser refuses elements nested deeper than 512: drop the excess start tags and
		// parse again, keeping the text.
		slog.Debug("extract html: reparsing with nesting flattened", "err", err)
		flags = addFlag(flags, FlagDepthLimited)
		if root, err = html.Parse(strings.NewReader(flattenDeep(text))); err != nil {
			return nil, fmt.Errorf("extract html: parse: %w", err)
		}
	}
	gq := goquery.NewDocumentFromNode(root)
	doc := &Document{MediaType: MediaHTML, Encoding: enc, Meta: map[string]string{}, Flags: flags}

	gq.Find("meta").Each(func(_ int, s *goquery.Selection) {
		key, ok := s.Attr("name")
		if !ok || strings.TrimSpace(key) == "" {
			key, ok = s.Attr("http-equiv")
		}
		if !ok || strings.TrimSpace(key) == "" {
			key, ok = s.Attr("property")
		}
		content, hasContent := s.Attr("content")
		key = strings.TrimSpace(key)
		if !ok || key == "" || !hasContent {
			return
		}
		if _, seen := doc.Meta[key]; !seen {
			doc.Meta[key] = collapse(content)
		}
	})
	gq.Find("a[href]").Each(func(_ int, s *goquery.Selection) {
		href, _ := s.Attr("href")
		title, _ := s.Attr("title")
		doc.Links = append(doc.Links, Link{Href: strings.TrimSpace(href), Text: collapse(s.Text()), Title: collapse(title)})
	})
	doc.Title = collapse(gq.Find("title").First().Text())
	if doc.Title == "" {
		for k, v := range doc.Meta {
			if strings.EqualFold(k, "ArticleTitle") && v != "" {
				doc.Title = v
				break
			}
		}
	}

	w := &walker{doc: doc, cells: MaxGridCells}
	w.walk(root, 0)
	w.flush()
	if doc.Title == "" {
		doc.Title = collapse(gq.Find("h1,h2").First().Text())
	}
	scanMetaBlocks(doc.Meta, doc.Blocks)
	if len(doc.Flags) > 0 {
		slog.Debug("extract html", "encoding", enc, "flags", doc.Flags, "blocks", len(doc.Blocks))
	}
	return doc, nil
}

// walker turns a parsed page into blocks in reading order.
type walker struct {
	doc  *Document
	line lineBuilder
	// cells is the grid-cell budget left for the document's tables (see MaxGridCells).
	cells int
	// pre counts the open <pre> elements: their line breaks end lines.
	pre int
}

// flush ends the current paragraph as a TextBlock, if it has text.
func (w *walker) flush() {
	if w.line.empty() {
		return
	}
	w.doc.Blocks = append(w.doc.Blocks, Block{Kind: TextBlock, Text: w.line.take()})
}

func (w *walker) walk(n *html.Node, depth int) {
	if depth > MaxDepth {
		w.doc.Flags = addFlag(w.doc.Flags, FlagDepthLimited)
		return
	}
	switch n.Type {
	case html.TextNode:
		if w.pre == 0 {
			w.line.add(n.Data)
			return
		}
		for i, l := range strings.Split(n.Data, "\n") {
			if i > 0 {
				w.flush()
			}
			w.line.add(l)
		}
		return
	case html.DocumentNode:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			w.walk(c, depth+1)
		}
		return
	case html.ElementNode:
	default: // comments, doctype
		return
	}
	if skipped(n) {
		return
	}
	switch n.DataAtom {
	case atom.Br, atom.Hr:
		w.flush()
		return
	case atom.Img:
		w.image(n)
		return
	case atom.Table:
		w.flush()
		w.table(n, depth)
		return
	}
	block := isBlock(n)
	if block {
		w.flush()
	}
	if n.DataAtom == atom.Pre {
		w.pre++
		defer func() { w.pre-- }()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, depth+1)
	}
	if block {
		w.flush()
	}
}

// image records an <img> of the body at its place in the reading order. An image interrupts
// the paragraph it sits in, so that text read from it later lands between the two halves.
func (w *walker) image(n *html.Node) {
	im := Image{}
	for _, a := range n.Attr {
		switch a.Key {
		case "src":
			im.Src = strings.TrimSpace(a.Val)
		case "width":
			im.Width = pixels(a.Val)
		case "height":
			im.Height = pixels(a.Val)
		}
	}
	if im.Src == "" {
		return
	}
	w.flush()
	im.Block = len(w.doc.Blocks)
	w.doc.Images = append(w.doc.Images, im)
}

// pixels reads an HTML width/height attribute ("600", "600px"); 0 when it is not a pixel count.
func pixels(s string) int {
	s = strings.TrimSuffix(strings.TrimSpace(strings.ToLower(s)), "px")
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// table emits a <table>: a layout table is unwrapped (its cells walked as content), a data
// table becomes one TableBlock, preceded by its caption.
func (w *walker) table(n *html.Node, depth int) {
	var caption *html.Node
	var rows []*html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || skipped(c) {
			continue
		}
		switch c.DataAtom {
		case atom.Caption:
			if caption == nil {
				caption = c
			}
		case atom.Tr:
			rows = append(rows, c)
		case atom.Thead, atom.Tbody, atom.Tfoot:
			for r := c.FirstChild; r != nil; r = r.NextSibling {
				if r.Type == html.ElementNode && r.DataAtom == atom.Tr && !skipped(r) {
					rows = append(rows, r)
				}
			}
		}
	}
	if caption != nil {
		w.walk(caption, depth+1)
		w.flush()
	}
	cells := make([][]*html.Node, len(rows))
	ncells, layout := 0, false
	for i, r := range rows {
		for c := r.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && (c.DataAtom == atom.Td || c.DataAtom == atom.Th) && !skipped(c) {
				cells[i] = append(cells[i], c)
				ncells++
				if !layout && containsTable(c) {
					layout = true
				}
			}
		}
	}
	if ncells == 1 || !layout && narrowContent(cells) {
		layout = true
	}
	if layout {
		for _, row := range cells {
			for _, c := range row {
				w.flush()
				for k := c.FirstChild; k != nil; k = k.NextSibling {
					w.walk(k, depth+3)
				}
				w.flush()
			}
		}
		return
	}
	raw := make([][]rawCell, len(cells))
	for i, row := range cells {
		raw[i] = make([]rawCell, len(row))
		for j, c := range row {
			raw[i][j] = rawCell{
				text:    cellText(c),
				rowspan: parseSpan(attr(c, "rowspan"), 1, 0, MaxRowspan),
				colspan: parseSpan(attr(c, "colspan"), 1, 1, MaxColspan),
			}
		}
	}
	t, flags := buildGrid(raw, w.cells)
	for _, f := range flags {
		if f == FlagTableTruncated {
			w.doc.Flags = addFlag(w.doc.Flags, f)
		}
	}
	w.cells -= len(t.Rows) * t.NCols()
	if len(t.Rows) == 0 && len(rows) > 0 {
		return // no room left for any row: dropped (flagged above)
	}
	w.doc.Blocks = append(w.doc.Blocks, Block{Kind: TableBlock, Text: t.Text(), Table: t})
}

// cellText returns the text of a table cell: <br> and paragraph-level elements separate lines
// ("\n"), white space is collapsed within each line, empty lines are dropped.
func cellText(n *html.Node) string {
	var lines []string
	var cur lineBuilder
	newline := func() {
		if !cur.empty() {
			lines = append(lines, cur.take())
		}
	}
	var rec func(*html.Node, int)
	rec = func(n *html.Node, depth int) {
		if depth > MaxDepth {
			return
		}
		switch n.Type {
		case html.TextNode:
			cur.add(n.Data)
			return
		case html.ElementNode:
		default:
			return
		}
		if skipped(n) || n.DataAtom == atom.Table {
			return
		}
		if n.DataAtom == atom.Br || n.DataAtom == atom.Hr {
			newline()
			return
		}
		block := isBlock(n)
		if block {
			newline()
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c, depth+1)
		}
		if block {
			newline()
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		rec(c, 1)
	}
	newline()
	return strings.Join(lines, "\n")
}

// narrowContent reports whether a table of at most two columns holds article content in a cell:
// a picture, or several paragraphs of text. Such a table lays out a page (title row, date row,
// content row) around an article whose own tables may be pictures; a statistics table has more
// columns and short cells.
func narrowContent(rows [][]*html.Node) bool {
	for _, r := range rows {
		if len(r) > 2 {
			return false
		}
	}
	for _, r := range rows {
		for _, c := range r {
			if articleContent(c) {
				return true
			}
		}
	}
	return false
}

// articleContent reports whether a cell holds an <img>, or at least four paragraph-level
// elements with 200 characters of text between them.
func articleContent(n *html.Node) bool {
	blocks, runes := 0, 0
	var rec func(*html.Node, int) bool
	rec = func(n *html.Node, depth int) bool {
		if depth > MaxDepth {
			return false
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				runes += utf8.RuneCountInString(strings.TrimSpace(c.Data))
			case c.Type != html.ElementNode || skipped(c):
			case c.DataAtom == atom.Img:
				return true
			default:
				if isBlock(c) {
					blocks++
				}
				if rec(c, depth+1) {
					return true
				}
			}
		}
		return false
	}
	return rec(n, 0) || blocks >= 4 && runes >= 200
}

// containsTable reports whether n has a <table> descendant.
func containsTable(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (c.DataAtom == atom.Table || containsTable(c)) {
			return true
		}
	}
	return false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// skipped reports elements whose content is not visible text: scripts, styles, templates, the
// head, form controls, embedded objects, and elements hidden by the hidden attribute or an
// inline display:none.
func skipped(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Head, atom.Select,
		atom.Textarea, atom.Iframe, atom.Object, atom.Embed, atom.Svg, atom.Canvas, atom.Noframes,
		atom.Title, atom.Button, atom.Datalist:
		return true
	}
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "style":
			if displayNone(a.Val) {
				return true
			}
		}
	}
	return false
}

// displayNone reports whether an inline style sets display:none.
func displayNone(style string) bool {
	s := strings.ToLower(style)
	for {
		i := strings.Index(s, "display")
		if i < 0 {
			return false
		}
		rest := strings.TrimLeft(s[i+len("display"):], " \t\r\n")
		if strings.HasPrefix(rest, ":") {
			v := strings.TrimLeft(rest[1:], " \t\r\n")
			if strings.HasPrefix(v, "none") {
				return true
			}
		}
		s = s[i+len("display"):]
	}
}

// isBlock reports paragraph-level elements: each starts and ends a TextBlock (and a line
// inside a table cell).
func isBlock(n *html.Node) bool {
	switch n.DataAtom {
	case atom.P, atom.Div, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Li,
		atom.Ul, atom.Ol, atom.Dl, atom.Dt, atom.Dd, atom.Section, atom.Article, atom.Header,
		atom.Footer, atom.Main, atom.Nav, atom.Aside, atom.Blockquote, atom.Pre, atom.Center,
		atom.Form, atom.Fieldset, atom.Legend, atom.Address, atom.Figure, atom.Figcaption,
		atom.Caption, atom.Tr, atom.Td, atom.Th, atom.Body, atom.Html, atom.Details,
		atom.Summary, atom.Option, atom.Menu, atom.Table, atom.Tbody, atom.Thead, atom.Tfoot:
		return true
	}
	return false
}
