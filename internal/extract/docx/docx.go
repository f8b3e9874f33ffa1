// Package docx owns reading Word 2007+ documents (.docx, WordprocessingML) natively, with
// archive/zip and encoding/xml and no conversion: the main document part's paragraphs become
// TextBlocks and its tables become TableBlocks as dense grids, with horizontal (w:gridSpan,
// legacy w:hMerge) and vertical (w:vMerge restart/continue) merges resolved the way
// extract.HTML resolves colspan and rowspan. It is hardened against hostile archives: the number
// of entries, the declared and the actual uncompressed size of every part read and the XML
// nesting depth are capped, and every failure is a wrapped, descriptive error.
package docx

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode"

	"github.com/ogireports/ogireports/internal/extract"
)

// Limits. They are variables so that a caller (or a test) can tighten them; they are read at the
// start of each call and must not be changed while an extraction runs.
var (
	// MaxInputBytes is the largest .docx file accepted.
	MaxInputBytes = 200 << 20
	// MaxEntries is the largest number of entries in the zip archive.
	MaxEntries = 10_000
	// MaxDocumentBytes caps the uncompressed size of the main document part (word/document.xml),
	// both as declared in the zip headers and as actually inflated.
	MaxDocumentBytes int64 = 64 << 20
	// MaxSmallPartBytes caps the uncompressed size of the small parts read ([Content_Types].xml,
	// _rels/.rels, docProps/core.xml).
	MaxSmallPartBytes int64 = 1 << 20
	// MaxDepth bounds XML element nesting in the document part.
	MaxDepth = 1000
	// MaxElements bounds the number of XML elements of the document part, which bounds the
	// time spent on a part of many tiny elements (a real report has about 10^4 to 10^5).
	MaxElements = 2_000_000
)

// Errors returned (wrapped) by Extract.
var (
	// ErrNotDOCX: the bytes are a readable zip archive but not a WordprocessingML package (no
	// main document part).
	ErrNotDOCX = errors.New("zip archive is not a Word document (no word/document.xml)")
	// ErrDamaged: the bytes are not a readable zip archive (truncated, corrupt) or the document
	// part is not well-formed XML.
	ErrDamaged = errors.New("damaged DOCX")
)

// Extract reads a .docx document. Paragraphs (headings included) become TextBlocks in reading
// order, a line break (w:br, w:cr) inside a paragraph starting a new block as <br> does in HTML;
// tables become TableBlocks as dense grids whose cells keep their paragraphs as "\n"-separated
// lines. A table that holds another table, or has a single cell, is a layout table: it is
// unwrapped, its cells' paragraphs and inner tables emitted as blocks of their own, as
// extract.HTML does. Text in content controls, hyperlinks, insertions and text boxes is kept;
// deleted text, field instructions and mc:Fallback duplicates are not.
//
// Title is docProps/core.xml's dc:title when it names a report (年度报告, 年报), else the first
// paragraph that does, else a non-empty dc:title, else the first paragraph. Meta gets the core
// properties that are set (dc:title, dc:creator, dcterms:created, dcterms:modified) under those
// names.
//
// A zip bomb fails with an error wrapping extract.ErrTooLarge before or while inflating (the
// header's declared size and the inflated byte count are both checked); a zip that is not a
// Word document wraps ErrNotDOCX, an unreadable one ErrDamaged, empty input extract.ErrEmpty.
func Extract(data []byte) (*extract.Document, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("extract docx: %w", extract.ErrEmpty)
	}
	if len(data) > MaxInputBytes {
		return nil, fmt.Errorf("extract docx: %d bytes over the %d-byte limit: %w", len(data), MaxInputBytes, extract.ErrTooLarge)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("extract docx: not a readable zip archive (truncated or corrupt?): %v: %w", err, ErrDamaged)
	}
	if len(zr.File) > MaxEntries {
		return nil, fmt.Errorf("extract docx: %d zip entries over the limit of %d: %w", len(zr.File), MaxEntries, extract.ErrTooLarge)
	}
	files := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		name := strings.TrimPrefix(strings.ReplaceAll(f.Name, "\\", "/"), "/")
		if _, dup := files[name]; !dup {
			files[name] = f
		}
	}
	mainName := mainPart(files)
	mf := files[mainName]
	if mf == nil {
		return nil, fmt.Errorf("extract docx: %w", ErrNotDOCX)
	}
	if mf.UncompressedSize64 > uint64(MaxDocumentBytes) {
		return nil, fmt.Errorf("extract docx: %s declares %d uncompressed bytes, over the %d-byte limit: %w",
			mainName, mf.UncompressedSize64, MaxDocumentBytes, extract.ErrTooLarge)
	}
	rc, err := mf.Open()
	if err != nil {
		return nil, fmt.Errorf("extract docx: open %s: %v: %w", mainName, err, ErrDamaged)
	}
	defer rc.Close()
	doc := &extract.Document{MediaType: extract.MediaDOCX, Encoding: "utf-8", Meta: map[string]string{}}
	p := newParser(&limitedReader{r: rc, left: MaxDocumentBytes, name: mainName}, doc)
	if err := p.parse(); err != nil {
		return nil, fmt.Errorf("extract docx: %s: %w", mainName, err)
	}
	core := readCore(files)
	for k, v := range core {
		doc.Meta[k] = v
	}
	doc.Title = chooseTitle(core["dc:title"], doc.Blocks)
	if len(doc.Blocks) == 0 {
		return doc, fmt.Errorf("extract docx: no text: %w", extract.ErrEmpty)
	}
	return doc, nil
}

// mainPart returns the name of the main document part: the target of the package's
// officeDocument relationship, else word/document.xml.
func mainPart(files map[string]*zip.File) string {
	const def = "word/document.xml"
	f := files["_rels/.rels"]
	if f == nil {
		return def
	}
	b, err := readSmall(f)
	if err != nil {
		return def
	}
	for _, rel := range parseRels(b) {
		if strings.HasSuffix(rel.typ, "/officeDocument") {
			t := strings.TrimPrefix(path.Clean("/"+rel.target), "/")
			if files[t] != nil {
				return t
			}
		}
	}
	return def
}

// readSmall reads a small part, at most MaxSmallPartBytes.
func readSmall(f *zip.File) ([]byte, error) {
	if f.UncompressedSize64 > uint64(MaxSmallPartBytes) {
		return nil, fmt.Errorf("%s: %d bytes: %w", f.Name, f.UncompressedSize64, extract.ErrTooLarge)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(&limitedReader{r: rc, left: MaxSmallPartBytes, name: f.Name})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", f.Name, err)
	}
	return b, nil
}

// limitedReader reads at most left bytes and then fails with an error wrapping
// extract.ErrTooLarge (io.LimitReader would end silently, hiding a bomb as a truncation).
type limitedReader struct {
	r    io.Reader
	left int64
	name string
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// One probe byte tells "exactly at the limit" from "over it".
		var b [1]byte
		n, err := l.r.Read(b[:])
		if n > 0 {
			return 0, fmt.Errorf("%s inflates past its size limit: %w", l.name, extract.ErrTooLarge)
		}
		return 0, err
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// chooseTitle picks the document title (see Extract).
func chooseTitle(coreTitle string, blocks []extract.Block) string {
	isReport := func(s string) bool { return strings.Contains(s, "年度报告") || strings.Contains(s, "年报") }
	coreTitle = collapse(coreTitle)
	if isReport(coreTitle) {
		return coreTitle
	}
	first := ""
	for _, b := range blocks {
		if b.Kind != extract.TextBlock {
			continue
		}
		if first == "" {
			first = b.Text
		}
		if isReport(b.Text) && len([]rune(b.Text)) <= 100 {
			return b.Text
		}
	}
	if coreTitle != "" {
		return coreTitle
	}
	return first
}

// collapse returns s with white space collapsed to single spaces and trimmed, zero-width
// characters and C0 controls dropped (as extract.HTML does for text).
func collapse(s string) string {
	var b strings.Builder
	pending := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			if b.Len() > 0 {
				pending = true
			}
		case isInvisible(r):
		default:
			if pending {
				b.WriteByte(' ')
				pending = false
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isInvisible(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad':
		return true
	}
	return r < 0x20 || r == 0x7f
}
