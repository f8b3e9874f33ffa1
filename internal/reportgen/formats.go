package reportgen

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/extract/doc"
)

// ErrToolMissing is returned (wrapped) by the writers that need a system tool (LibreOffice,
// pdftoppm) when it is not installed.
var ErrToolMissing = errors.New("system tool missing")

// ToolTimeout bounds each external tool run of ViaLibreOffice and PNGScan.
var ToolTimeout = 120 * time.Second

// DOCX renders the variant as a Word document, written in Go with no external tool: the page
// as extract.HTML reads it (title, metadata line, prose, the tables with the variant's spans),
// every paragraph a w:p (split over two runs, to exercise run concatenation) and every table a
// w:tbl whose merged cells are w:gridSpan (colspan) and w:vMerge restart/continue (rowspan).
// Multi-line cells are separate paragraphs, or w:br line breaks for QuirkHeaderBreaks. For
// QuirkNestedTable the whole body is wrapped in a one-cell layout table, as the HTML is.
// docProps/core.xml carries the title, the agency as creator and the publication date.
func (v Variant) DOCX() ([]byte, error) {
	d, err := extract.HTML(v.HTML(), "")
	if err != nil {
		return nil, fmt.Errorf("reportgen docx %s: extract html: %w", v.ID, err)
	}
	var body strings.Builder
	if v.has(QuirkNestedTable) {
		body.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/></w:tblPr><w:tblGrid><w:gridCol w:w="9000"/></w:tblGrid><w:tr><w:tc><w:tcPr><w:tcW w:w="9000" w:type="dxa"/></w:tcPr>`)
	}
	for _, b := range d.Blocks {
		switch b.Kind {
		case extract.TextBlock:
			writePara(&body, b.Text, b.Text == d.Title)
		case extract.TableBlock:
			writeTable(&body, b.Table, v.has(QuirkHeaderBreaks))
			// Word needs a paragraph between two tables, or it merges them.
			body.WriteString("<w:p/>")
		}
	}
	if v.has(QuirkNestedTable) {
		body.WriteString(`<w:p/></w:tc></w:tr></w:tbl>`)
	}
	return zipParts(map[string]string{
		"[Content_Types].xml":          contentTypes,
		"_rels/.rels":                  packageRels,
		"word/_rels/document.xml.rels": documentRels,
		"word/document.xml":            xmlHeader + `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>` + body.String() + `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr></w:body></w:document>`,
		"docProps/core.xml": xmlHeader + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
			`<dc:title>` + esc(v.Title()) + `</dc:title><dc:creator>` + esc(v.Agency) + `</dc:creator>` +
			`<dcterms:created xsi:type="dcterms:W3CDTF">` + v.Published + `T08:00:00Z</dcterms:created></cp:coreProperties>`,
	})
}

const xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

const contentTypes = xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
	`</Types>`

const packageRels = xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`</Relationships>`

const documentRels = xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>`

// esc escapes text for XML content and attributes.
func esc(s string) string { return html.EscapeString(s) }

// writePara writes one paragraph, its text split over two runs.
func writePara(b *strings.Builder, text string, title bool) {
	b.WriteString("<w:p>")
	rpr := ""
	if title {
		b.WriteString(`<w:pPr><w:jc w:val="center"/></w:pPr>`)
		rpr = `<w:rPr><w:b/><w:sz w:val="36"/></w:rPr>`
	}
	r := []rune(text)
	for _, part := range []string{string(r[:len(r)/2]), string(r[len(r)/2:])} {
		if part != "" {
			b.WriteString("<w:r>" + rpr + `<w:t xml:space="preserve">` + esc(part) + "</w:t></w:r>")
		}
	}
	b.WriteString("</w:p>")
}

// writeTable writes a dense grid back as a w:tbl: an origin cell spanning k columns is one w:tc
// with w:gridSpan k, a cell spanning rows starts a w:vMerge that the rows below continue.
func writeTable(b *strings.Builder, t *extract.Table, brLines bool) {
	ncols := t.NCols()
	if ncols == 0 {
		return
	}
	// Column widths in multiples of 144 twips (exactly 2.54 mm) and a fixed layout, so that
	// every row's cell boundaries fall on the same grid lines in readers that work in metric
	// units (LibreOffice otherwise adds 1-twip sliver columns from rounding).
	w := max(144, 9000/ncols/144*144)
	fmt.Fprintf(b, `<w:tbl><w:tblPr><w:tblW w:w="%d" w:type="dxa"/><w:tblLayout w:type="fixed"/><w:tblBorders>`, w*ncols)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		b.WriteString(`<w:` + side + ` w:val="single" w:sz="4" w:space="0" w:color="000000"/>`)
	}
	b.WriteString(`</w:tblBorders></w:tblPr><w:tblGrid>`)
	for range ncols {
		fmt.Fprintf(b, `<w:gridCol w:w="%d"/>`, w)
	}
	b.WriteString("</w:tblGrid>")
	for i, row := range t.Rows {
		b.WriteString("<w:tr>")
		for j := 0; j < ncols; {
			c := row[j]
			oi, oj := c.OriginRow, c.OriginCol
			if c.Spanned && oi == i {
				j++ // covered by the gridSpan of the origin on this row
				continue
			}
			span := 1
			for j+span < ncols && row[j+span].Spanned && row[j+span].OriginRow == oi && row[j+span].OriginCol == oj {
				span++
			}
			merge := ""
			switch {
			case c.Spanned: // oi < i: continues a vertical merge
				merge = `<w:vMerge/>`
			case i+1 < len(t.Rows) && t.Rows[i+1][j].Spanned && t.Rows[i+1][j].OriginRow == i && t.Rows[i+1][j].OriginCol == j:
				merge = `<w:vMerge w:val="restart"/>`
			}
			fmt.Fprintf(b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>`, w*span)
			if span > 1 {
				fmt.Fprintf(b, `<w:gridSpan w:val="%d"/>`, span)
			}
			b.WriteString(merge + `<w:vAlign w:val="center"/></w:tcPr>`)
			if c.Spanned {
				b.WriteString("<w:p/>")
			} else {
				writeCellText(b, c.Text, brLines)
			}
			b.WriteString("</w:tc>")
			j += span
		}
		b.WriteString("</w:tr>")
	}
	b.WriteString("</w:tbl>")
}

// writeCellText writes a cell's lines as paragraphs, or as one paragraph with w:br breaks.
func writeCellText(b *strings.Builder, text string, brLines bool) {
	lines := strings.Split(text, "\n")
	const ppr = `<w:pPr><w:jc w:val="center"/></w:pPr>`
	if brLines {
		b.WriteString("<w:p>" + ppr)
		for k, l := range lines {
			if k > 0 {
				b.WriteString("<w:r><w:br/></w:r>")
			}
			b.WriteString(`<w:r><w:t xml:space="preserve">` + esc(l) + "</w:t></w:r>")
		}
		b.WriteString("</w:p>")
		return
	}
	for _, l := range lines {
		b.WriteString("<w:p>" + ppr)
		if l != "" {
			b.WriteString(`<w:r><w:t xml:space="preserve">` + esc(l) + "</w:t></w:r>")
		}
		b.WriteString("</w:p>")
	}
}

// zipParts writes a zip archive of the parts, [Content_Types].xml first, the rest by name.
func zipParts(parts map[string]string) ([]byte, error) {
	names := make([]string, 0, len(parts))
	for n := range parts {
		if n != "[Content_Types].xml" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	names = append([]string{"[Content_Types].xml"}, names...)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		// A fixed modification time keeps the output deterministic.
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate, Modified: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			return nil, fmt.Errorf("zip %s: %w", n, err)
		}
		if _, err := w.Write([]byte(parts[n])); err != nil {
			return nil, fmt.Errorf("zip %s: %w", n, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("zip: %w", err)
	}
	return buf.Bytes(), nil
}

// utf8Page is the variant as a UTF-8 HTML page (what LibreOffice imports): the body of HTML()
// under a head declaring UTF-8, whatever v.Encoding is.
func (v Variant) utf8Page() []byte {
	return []byte("<!DOCTYPE html>\n<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\" />\n<title>" +
		esc(v.Title()) + "</title>\n</head>\n<body>\n" + v.BodyHTML() + "</body>\n</html>\n")
}

// ViaLibreOffice converts the variant's page (written as a UTF-8 .html file) with LibreOffice to
// format: "pdf", "doc" or "docx". Each call runs soffice with a user profile of its own (see
// doc.Convert). Without soffice it returns an error wrapping ErrToolMissing.
func (v Variant) ViaLibreOffice(format string) ([]byte, error) {
	switch format {
	case "pdf", "doc", "docx":
	default:
		return nil, fmt.Errorf("reportgen %s via libreoffice: unsupported format %q (pdf, doc, docx)", v.ID, format)
	}
	if _, err := exec.LookPath("soffice"); err != nil {
		return nil, fmt.Errorf("reportgen %s via libreoffice: soffice: %w", v.ID, ErrToolMissing)
	}
	out, err := doc.Convert(context.Background(), v.utf8Page(), "html", format, ToolTimeout)
	if err != nil {
		if errors.Is(err, doc.ErrNoTool) {
			err = fmt.Errorf("%w: %w", ErrToolMissing, err)
		}
		return nil, fmt.Errorf("reportgen %s via libreoffice: %w", v.ID, err)
	}
	return out, nil
}

// PNGScan renders the variant as page images: the LibreOffice PDF (ViaLibreOffice("pdf"))
// rasterised by pdftoppm at dpi dots per inch (150 if dpi <= 0), one PNG per page in page
// order. Without soffice or pdftoppm it returns an error wrapping ErrToolMissing.
func (v Variant) PNGScan(dpi int) ([][]byte, error) {
	if dpi <= 0 {
		dpi = 150
	}
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		return nil, fmt.Errorf("reportgen %s png scan: pdftoppm (poppler-utils): %w", v.ID, ErrToolMissing)
	}
	pdf, err := v.ViaLibreOffice("pdf")
	if err != nil {
		return nil, fmt.Errorf("reportgen %s png scan: %w", v.ID, err)
	}
	dir, err := os.MkdirTemp("", "ogireports-pngscan-*")
	if err != nil {
		return nil, fmt.Errorf("reportgen %s png scan: %w", v.ID, err)
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		return nil, fmt.Errorf("reportgen %s png scan: %w", v.ID, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), ToolTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-r", fmt.Sprint(dpi), "-png", in, filepath.Join(dir, "page"))
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("reportgen %s png scan: pdftoppm: %w (%s)", v.ID, err, strings.TrimSpace(string(out)))
	}
	names, err := filepath.Glob(filepath.Join(dir, "page-*.png"))
	if err != nil || len(names) == 0 {
		return nil, fmt.Errorf("reportgen %s png scan: pdftoppm wrote no page", v.ID)
	}
	// pdftoppm pads page numbers to the width of the page count, so names sort in page order.
	sort.Strings(names)
	pages := make([][]byte, 0, len(names))
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, fmt.Errorf("reportgen %s png scan: %w", v.ID, err)
		}
		pages = append(pages, b)
	}
	return pages, nil
}
