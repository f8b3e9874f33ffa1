// Package ocr owns reading images and scanned PDF pages (no text layer) into an
// extract.Document with tesseract. Plain OCR of a whole ruled table is poor (tesseract reads the
// ruling lines as digits and runs cells together), so the package finds the table grid itself:
// it binarises the page, finds long horizontal and vertical ruled lines by run length, resolves
// merged cells by checking whether the line segment between neighbouring grid positions is
// printed, cuts every cell inside its lines, and reads labels with chi_sim and numbers with a
// digit-only pass (crops are batched into tall composite images: one tesseract call per batch).
// Text outside the tables is read page-wise with chi_sim. Where a numeric cell is uncertain and
// an alternative reading makes failed identity checks pass, the identities arbitrate.
//
// Every OCR cell carries the flag "ocr" and a confidence; uncertain ones "low_confidence".
// tesseract (with the chi_sim language) is optional: without it every function returns a
// Document flagged "needs_ocr" and an error wrapping ErrNeedsOCR. See README.md.
package ocr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // GIF decoder for Image
	_ "image/jpeg" // JPEG decoder for Image
	_ "image/png"  // PNG decoder for Image and Pages
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/normalize"
)

// ErrNeedsOCR is returned (wrapped) when an image or scanned page cannot be read because
// tesseract with chi_sim (or, for PDF, pdftoppm) is not installed. The Document returned with
// it is flagged "needs_ocr" so that the pipeline records the report and archives its images.
var ErrNeedsOCR = errors.New("needs OCR: tesseract with chi_sim is not installed")

// Flags set by this package (besides normalize.FlagOCR and normalize.FlagLowConf).
const (
	// FlagNeedsOCR marks a Document that could not be read for lack of OCR tools.
	FlagNeedsOCR = "needs_ocr"
)

// LowConfidence is the confidence below which a cell is flagged normalize.FlagLowConf.
const LowConfidence = 0.80

// DPI is the resolution PDF renders pages at, and the resolution assumed for images.
const DPI = 150

// MaxPages bounds the pages rendered from one PDF (a page bomb ends there, flagged truncated).
const MaxPages = 60

// Timeout bounds the OCR of one document.
const Timeout = 10 * time.Minute

// Available reports whether tesseract is on PATH with the chi_sim language installed.
func Available() bool {
	if _, err := exec.LookPath("tesseract"); err != nil {
		return false
	}
	out, err := exec.Command("tesseract", "--list-langs").CombinedOutput()
	if err != nil {
		return false
	}
	for _, l := range strings.Fields(string(out)) {
		if l == "chi_sim" {
			return true
		}
	}
	return false
}

// needsOCR returns the Document and error for input that cannot be read without tools.
func needsOCR(mediaType string, pages int, why error) (*extract.Document, error) {
	doc := &extract.Document{MediaType: mediaType, Flags: []string{FlagNeedsOCR}}
	return doc, fmt.Errorf("ocr %s (%d pages): %w", mediaType, pages, why)
}

// MaxPixels bounds the size of one decoded image (a decompression bomb is refused before it
// is decoded): 100 megapixels, an A4 page at 1000 dpi.
const MaxPixels = 100_000_000

// checkHeader reads an image's header and checks its declared size.
func checkHeader(data []byte) (image.Config, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return cfg, fmt.Errorf("decode image header (%d bytes): %w", len(data), err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return cfg, fmt.Errorf("decode image: %dx%d pixels is beyond the limit of %d", cfg.Width, cfg.Height, MaxPixels)
	}
	return cfg, nil
}

// decode decodes one image after checking its declared size.
func decode(data []byte) (image.Image, string, error) {
	if _, err := checkHeader(data); err != nil {
		return nil, "", err
	}
	img, format, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", fmt.Errorf("decode image (%d bytes): %w", len(data), err)
	}
	return img, format, nil
}

// Image reads one PNG, JPEG or GIF image: a page of a report or a picture of a table.
func Image(data []byte) (*extract.Document, error) {
	img, format, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("ocr: %w", err)
	}
	return read(1, func(int) (image.Image, error) { return img, nil }, "image/"+format)
}

// Pages reads the pages of a scanned document, rendered by the caller as PNG (or JPEG/GIF)
// images in page order, at about 150 dpi. Pages are decoded as they are read, a few at a
// time, so that memory stays bounded for long documents.
func Pages(pngs [][]byte) (*extract.Document, error) {
	for i, p := range pngs {
		if _, err := checkHeader(p); err != nil {
			return nil, fmt.Errorf("ocr: page %d: %w", i+1, err)
		}
	}
	return read(len(pngs), func(i int) (image.Image, error) {
		img, _, err := decode(pngs[i])
		return img, err
	}, "application/pdf")
}

// PDF renders a scanned PDF with pdftoppm at DPI (at most MaxPages pages) and reads the pages.
func PDF(data []byte) (*extract.Document, error) {
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		return needsOCR("application/pdf", 0, fmt.Errorf("pdftoppm (poppler-utils) is not installed: %w", ErrNeedsOCR))
	}
	if !Available() {
		return needsOCR("application/pdf", 0, ErrNeedsOCR)
	}
	pngs, truncated, err := renderPDF(data)
	if err != nil {
		return nil, err
	}
	doc, err := Pages(pngs)
	if doc != nil && truncated {
		doc.Flags = append(doc.Flags, "truncated")
	}
	return doc, err
}

// renderPDF runs pdftoppm in a temporary folder and returns the pages as PNG.
func renderPDF(data []byte) ([][]byte, bool, error) {
	dir, err := os.MkdirTemp("", "ogireports-ocr-")
	if err != nil {
		return nil, false, fmt.Errorf("ocr: temp dir: %w", err)
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return nil, false, fmt.Errorf("ocr: write pdf: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "pdftoppm", "-r", fmt.Sprint(DPI), "-l", fmt.Sprint(MaxPages+1), "-png", in, filepath.Join(dir, "p"))
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, false, fmt.Errorf("ocr: pdftoppm: %w: %s", err, strings.TrimSpace(string(out)))
	}
	names, err := filepath.Glob(filepath.Join(dir, "p-*.png"))
	if err != nil {
		return nil, false, fmt.Errorf("ocr: list pages: %w", err)
	}
	// pdftoppm zero-pads page numbers to a common width, so names sort in page order.
	sort.Strings(names)
	truncated := len(names) > MaxPages
	if truncated {
		names = names[:MaxPages]
	}
	pngs := make([][]byte, len(names))
	for i, n := range names {
		if pngs[i], err = os.ReadFile(n); err != nil {
			return nil, false, fmt.Errorf("ocr: read page %d: %w", i+1, err)
		}
	}
	return pngs, truncated, nil
}

// read OCRs decoded pages into one Document.
func read(n int, load func(int) (image.Image, error), mediaType string) (*extract.Document, error) {
	if !Available() {
		return needsOCR(mediaType, n, ErrNeedsOCR)
	}
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	pages := make([][]extract.Block, n)
	alts := make([][]altCell, n)
	errs := make([]error, n)
	widths := make([]int, n)
	// A few pages at a time: enough to keep every core busy while one page waits for its
	// next tesseract pass, few enough to bound memory.
	sem := make(chan struct{}, cap(procs)+1)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if ctx.Err() != nil {
				errs[i] = ctx.Err()
				return
			}
			img, err := load(i)
			if err != nil {
				errs[i] = err
				return
			}
			r := toRaster(img)
			widths[i] = r.w
			pages[i], alts[i], errs[i] = readPage(ctx, r, i+1)
		}()
	}
	wg.Wait()
	doc := &extract.Document{MediaType: mediaType, Encoding: "utf-8", Flags: []string{normalize.FlagOCR}, Meta: map[string]string{}}
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("ocr page %d: %w", i+1, err)
		}
	}
	var all []altCell
	for _, a := range alts {
		all = append(all, a...)
	}
	for _, bs := range pages {
		if n := len(doc.Blocks); n > 0 && len(bs) > 0 {
			if a, b := doc.Blocks[n-1].Table, bs[0].Table; a != nil && b != nil && sameColumns(a, b, float64(2*lineTol(widths[0]))) {
				all = continueTable(a, b, all)
				bs = bs[1:]
			}
		}
		doc.Blocks = append(doc.Blocks, bs...)
	}
	for _, b := range doc.Blocks {
		if b.Kind == extract.TextBlock && strings.TrimSpace(b.Text) != "" {
			doc.Title = strings.TrimSpace(b.Text)
			break
		}
	}
	arbitrate(doc, all)
	for i := range doc.Blocks {
		if t := doc.Blocks[i].Table; t != nil {
			doc.Blocks[i].Text = t.Text()
		}
	}
	return doc, nil
}

// readPage reads one page: its ruled tables cell by cell, and the rest as text lines.
func readPage(ctx context.Context, r *raster, page int) ([]extract.Block, []altCell, error) {
	var grids []grid
	for _, g := range findGrids(r) {
		// A single framed box is a bordered paragraph, not a table: leave it to the text pass.
		if len(g.xs) > 2 || len(g.ys) > 2 {
			grids = append(grids, g)
		}
	}
	type placed struct {
		y     int
		block extract.Block
	}
	var blocks, text []placed
	var wg sync.WaitGroup
	var textErr error
	// Text outside the tables, concurrently with the cells.
	wg.Add(1)
	go func() {
		defer wg.Done()
		rest := r.clone()
		for _, g := range grids {
			rest.fill(g.bounds.Inset(-paramsFor(r).tol), 255)
		}
		if _, ok := rest.inkBox(image.Rect(0, 0, rest.w, rest.h), 20); !ok {
			return
		}
		ws, err := tesseract(ctx, rest, pagePass, DPI)
		if err != nil {
			textErr = err
			return
		}
		for _, l := range paragraphs(lines(ws, cjkSep)) {
			text = append(text, placed{l.box.Min.Y, extract.Block{Kind: extract.TextBlock, Text: l.text, Page: page}})
		}
	}()
	tables, alts, err := readTables(ctx, r, grids, page)
	wg.Wait()
	if err != nil {
		return nil, nil, err
	}
	if textErr != nil {
		return nil, nil, textErr
	}
	blocks = append(blocks, text...)
	for i, t := range tables {
		blocks = append(blocks, placed{grids[i].bounds.Min.Y, extract.Block{Kind: extract.TableBlock, Text: t.Text(), Table: t, Page: page}})
	}
	sort.SliceStable(blocks, func(i, j int) bool { return blocks[i].y < blocks[j].y })
	out := make([]extract.Block, len(blocks))
	for i, b := range blocks {
		out[i] = b.block
	}
	return out, alts, nil
}

// paragraphs joins wrapped lines: a line that reaches the right margin of the text and is
// followed closely by a line of the same height starting at the left margin continues on it.
// Headings, short lines and lines of another size stay apart.
func paragraphs(ls []textLine) []textLine {
	right, left := 0, math.MaxInt
	for _, l := range ls {
		right, left = max(right, l.box.Max.X), min(left, l.box.Min.X)
	}
	var out []textLine
	var last image.Rectangle // the last line of the paragraph being built
	for _, l := range ls {
		if n := len(out); n > 0 {
			ph, h := last.Dy(), l.box.Dy()
			wrapped := last.Max.X >= right-2*ph
			similar := h*4 >= ph*3 && h*3 <= ph*4
			near := l.box.Min.Y-last.Max.Y < ph
			// A continuation starts at the left margin (a right-aligned date does not).
			atLeft := l.box.Min.X <= left+2*ph
			if wrapped && similar && near && atLeft {
				out[n-1].text += cjkSep(out[n-1].text, l.text) + l.text
				out[n-1].box = out[n-1].box.Union(l.box)
				out[n-1].conf = min(out[n-1].conf, l.conf)
				last = l.box
				continue
			}
		}
		out = append(out, l)
		last = l.box
	}
	return out
}

// columnEdges returns the left edge of every column of an OCR table and the right edge of the
// last one, from the boxes of the cells that start in each column.
func columnEdges(t *extract.Table) []float64 {
	n := t.NCols()
	edges := make([]float64, n+1)
	for j := range edges {
		edges[j] = -1
	}
	for _, row := range t.Rows {
		for j, c := range row {
			if c.Box == nil {
				return nil
			}
			if c.OriginCol == j && edges[j] < 0 {
				edges[j] = c.Box.X0
			}
			if j == n-1 {
				edges[n] = max(edges[n], c.Box.X1)
			}
		}
	}
	return edges
}

// sameColumns reports whether two tables have the same column edges within tol pixels: the
// table at the top of a page then continues the one at the bottom of the previous page.
func sameColumns(a, b *extract.Table, tol float64) bool {
	ea, eb := columnEdges(a), columnEdges(b)
	if len(ea) < 3 || len(ea) != len(eb) {
		return false
	}
	for i := range ea {
		if ea[i] < 0 || eb[i] < 0 || math.Abs(ea[i]-eb[i]) > tol {
			return false
		}
	}
	return true
}

// continueTable appends the rows of b (the top of the next page) to a, and moves b's
// alternative readings along.
func continueTable(a, b *extract.Table, alts []altCell) []altCell {
	off := len(a.Rows)
	for _, row := range b.Rows {
		for j := range row {
			row[j].OriginRow += off
		}
		a.Rows = append(a.Rows, row)
	}
	for i := range alts {
		if alts[i].t == b {
			alts[i].t = a
			alts[i].row += off
		}
	}
	return alts
}
