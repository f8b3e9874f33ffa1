// Package extract owns turning the bytes of one document (HTML in any Chinese encoding, plain
// text, and, through its sub-packages, PDF, DOCX, DOC/WPS and images) into a Document: its text
// in reading order and its tables as dense grids of cells with positions. It knows nothing of
// the meaning of the cells: that is package normalize.
package extract

// Document is one extracted document.
type Document struct {
	// MediaType is the detected type: "text/html", "text/plain", "application/pdf", ...
	MediaType string
	// Encoding is the character encoding the bytes were decoded from ("utf-8", "gb18030", ...).
	Encoding string
	// Title is the document title (HTML <title>, meta ArticleTitle, or first heading line).
	Title string
	// Meta holds page metadata: HTML <meta name=...> (ArticleTitle, PubDate, SiteIDCode,
	// ContentSource, ...) and visible metadata fields such as 发布机构 and 发布日期.
	Meta map[string]string
	// Blocks are the document's paragraphs and tables in reading order.
	Blocks []Block
	// Links are the hyperlinks of an HTML page (resolved against nothing: as written).
	Links []Link
	// Images are the pictures of the document that may hold text: the <img> sources of an HTML
	// page body (tables printed as pictures), the "page:N" pages of a PDF without a text layer.
	Images []Image
	// Flags are document-level flags ("encoding_guessed", "truncated", "ocr", "needs_ocr", ...).
	Flags []string
}

// BlockKind tells a paragraph from a table.
type BlockKind int

// Block kinds.
const (
	TextBlock BlockKind = iota
	TableBlock
)

// Block is one paragraph (or line) of text, or one table.
type Block struct {
	Kind BlockKind
	// Text is the paragraph text (TextBlock), or the table's text row by row (TableBlock).
	Text  string
	Table *Table
	// Page is the 1-based page number for paged formats, 0 otherwise.
	Page int
}

// Table is one printed table as a dense grid: every row has the same number of cells, and a cell
// spanning several rows or columns is repeated in each position it covers (with Spanned set on
// the copies), so that geometry questions ("what is the header above column 5") are index lookups.
type Table struct {
	Rows [][]Cell
	// Page is the first page the table is on (paged formats), 0 otherwise.
	Page int
	// Flags are table-level flags (e.g. "ocr").
	Flags []string
}

// Cell is one grid position.
type Cell struct {
	// Text is the cell's text with inner line breaks kept as "\n" and spaces collapsed.
	Text string
	// Spanned is true when this position is covered by a cell that starts elsewhere
	// (rowspan/colspan); Text then repeats the origin cell's text.
	Spanned bool
	// OriginRow and OriginCol locate the origin cell of a spanned position (equal to the
	// position itself otherwise).
	OriginRow, OriginCol int
	// Box is the cell's position on the page (PDF points, image pixels), nil for HTML.
	Box *Box
	// Confidence is the OCR confidence in [0,1] for OCR-read cells, 0 otherwise.
	Confidence float64
	// Flags are cell-level flags ("ocr", ...).
	Flags []string
	// Alternatives are other readings of an uncertain OCR-read cell, for the identity checks
	// to choose from (internal/extract/ocr.Arbitrate); nil otherwise.
	Alternatives []string
}

// Box is a rectangle on a page, origin top-left.
type Box struct {
	X0, Y0, X1, Y1 float64
}

// Image is one picture of a document, where it sits in the reading order.
type Image struct {
	// Src is the picture's source as written (an HTML src attribute) or "page:N" for a
	// scanned PDF page.
	Src string
	// Block is the index in Document.Blocks before which the picture sits (len(Blocks) when it
	// follows every block), so that text read from it can be spliced in place.
	Block int
	// Width and Height are the declared size (HTML width/height attributes), 0 if absent.
	Width, Height int
}

// Link is one hyperlink.
type Link struct {
	Href, Text, Title string
}

// NCols returns the number of columns of the grid.
func (t *Table) NCols() int {
	if len(t.Rows) == 0 {
		return 0
	}
	return len(t.Rows[0])
}

// Text returns the table as tab-separated lines, for logs and full-text search.
func (t *Table) Text() string {
	var b []byte
	for _, r := range t.Rows {
		for j, c := range r {
			if j > 0 {
				b = append(b, '\t')
			}
			if !c.Spanned {
				b = append(b, c.Text...)
			}
		}
		b = append(b, '\n')
	}
	return string(b)
}

// PlainText returns the document's text blocks and tables in reading order, one block per line.
func (d *Document) PlainText() string {
	var b []byte
	for _, bl := range d.Blocks {
		b = append(b, bl.Text...)
		b = append(b, '\n')
	}
	return string(b)
}
