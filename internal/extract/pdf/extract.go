package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"time"

	"github.com/ogireports/ogireports/internal/extract"
)

// MediaType is the media type this package extracts.
const MediaType = extract.MediaPDF

// Errors returned (wrapped) by Extract.
var (
	// ErrPassword: the file needs a user password to open (owner-password-only files open).
	ErrPassword = errors.New("password-protected PDF: a user password is needed to open it")
	// ErrDamaged: the bytes are not a readable PDF (truncated, corrupt, not a PDF).
	ErrDamaged = errors.New("damaged or not a PDF")
	// ErrTooManyPages: the page count is over Options.MaxPages.
	ErrTooManyPages = errors.New("too many pages")
	// ErrTooLarge: the file is over Options.MaxBytes.
	ErrTooLarge = errors.New("file too large")
)

// Document flags set by Extract.
const (
	// FlagNeedsOCR: at least one page has no text layer (a scan); those pages are listed in
	// Document.Images as "page:N" and their text is missing until OCR reads them.
	FlagNeedsOCR = "needs_ocr"
	// FlagUnmappedText: many characters have no Unicode mapping (a font without ToUnicode
	// whose glyph codes could not be decoded); the text may be wrong.
	FlagUnmappedText = "unmapped_text"
)

// Options are the limits and engine settings of ExtractContext. The zero value is usable:
// every zero field takes the documented default.
type Options struct {
	// MaxPages is the largest page count read; larger files fail with ErrTooManyPages before
	// any page is parsed. Default 500.
	MaxPages int
	// MaxBytes is the largest file read. Default 200 MiB.
	MaxBytes int
	// Timeout bounds one extraction (the engine is killed when it ends). Default 60 s.
	Timeout time.Duration
	// Password opens a user-password-protected file (rarely known; owner-password files open
	// without it).
	Password string

	// The fields below configure the process-wide engine: they take effect on the first call
	// only (the engine is initialised once, lazily, and shared).

	// CacheDir is the WebAssembly compilation cache; default os.UserCacheDir()/ogireports/wazero.
	// Without a cache each process spends about 2-3 s compiling PDFium.
	CacheDir string
	// MaxMemoryMiB caps the memory of one engine instance. Default 1024.
	MaxMemoryMiB int
	// MaxWorkers is the number of documents read in parallel. Default GOMAXPROCS.
	MaxWorkers int

	// ignoreRules drops the ruled lines (tests: measures the text-alignment fallback alone,
	// which is all an engine without path output, such as pdftotext, would allow).
	ignoreRules bool
}

func (o Options) withDefaults() Options {
	if o.MaxPages <= 0 {
		o.MaxPages = 500
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 200 << 20
	}
	if o.Timeout <= 0 {
		o.Timeout = 60 * time.Second
	}
	if o.MaxMemoryMiB <= 0 {
		o.MaxMemoryMiB = 1024
	}
	if o.MaxWorkers <= 0 {
		o.MaxWorkers = runtime.GOMAXPROCS(0)
	}
	return o
}

// Extract reads a PDF with the default Options. It has the signature of
// pipeline.RegisterExtractor.
func Extract(data []byte) (*extract.Document, error) {
	return ExtractContext(context.Background(), data, Options{})
}

// ExtractContext reads a PDF: its paragraphs as TextBlocks and its ruled tables as
// TableBlocks, in reading order, each with its page. A ruled table continued at the top of the
// next page with the same frame is one TableBlock (on its first page). It fails with a wrapped ErrPassword, ErrDamaged, ErrTooManyPages,
// ErrTooLarge or a context error, within opts.Timeout.
func ExtractContext(ctx context.Context, data []byte, opts Options) (*extract.Document, error) {
	o := opts.withDefaults()
	if len(data) > o.MaxBytes {
		return nil, fmt.Errorf("pdf: %w: %d bytes, limit %d", ErrTooLarge, len(data), o.MaxBytes)
	}
	if !bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")) {
		return nil, fmt.Errorf("pdf: %w: no %%PDF- header", ErrDamaged)
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	eng, err := getEngine(o)
	if err != nil {
		return nil, err
	}
	pages, err := eng.readDocument(ctx, data, o)
	if err != nil {
		return nil, err
	}
	if o.ignoreRules {
		for i := range pages {
			pages[i].Edges = nil
		}
	}
	return buildDocument(pages), nil
}

// buildDocument lays out every page and sets the document flags.
func buildDocument(pages []rawPage) *extract.Document {
	doc := &extract.Document{MediaType: MediaType, Encoding: "utf-8", Meta: map[string]string{}}
	var all []rawChar
	var prevGrid *grid // the ruled table ending the previous page's blocks, if any
	for _, p := range pages {
		if len(p.Chars) == 0 {
			// No text layer: a scanned page (or a blank one, which OCR will find empty).
			if p.Images > 0 {
				doc.Images = append(doc.Images, extract.Image{Src: "page:" + strconv.Itoa(p.N), Block: len(doc.Blocks)})
			}
			continue
		}
		all = append(all, p.Chars...)
		blocks, title, ruled := pageLayout(p)
		if doc.Title == "" && len(doc.Blocks) == 0 {
			doc.Title = title
		}
		if n := len(doc.Blocks); n > 0 && prevGrid != nil && len(blocks) > 0 && blocks[0].Kind == extract.TableBlock {
			g := ruled[blocks[0].Table]
			var joined *extract.Table
			if g != nil && continues(prevGrid, g) {
				joined = joinTables(doc.Blocks[n-1].Table, prevGrid, blocks[0].Table, g)
			}
			if joined != nil {
				last := &doc.Blocks[n-1]
				last.Table = joined
				last.Text = joined.Text()
				blocks = blocks[1:]
				if len(blocks) == 0 {
					// The whole page is the continuation: the joined table still ends the page.
					prevGrid = &grid{xs: mergedXs(prevGrid.xs, g.xs), openBottom: g.openBottom}
				}
			}
		}
		if len(blocks) > 0 {
			prevGrid = nil
			if b := blocks[len(blocks)-1]; b.Kind == extract.TableBlock {
				prevGrid = ruled[b.Table]
			}
		}
		doc.Blocks = append(doc.Blocks, blocks...)
	}
	if len(doc.Images) > 0 {
		doc.Flags = append(doc.Flags, FlagNeedsOCR)
	}
	if unmappedShare(all) > 0.2 {
		doc.Flags = append(doc.Flags, FlagUnmappedText)
	}
	doc.Meta["pages"] = strconv.Itoa(len(pages))
	for _, b := range doc.Blocks {
		if doc.Title != "" {
			break
		}
		if b.Kind == extract.TextBlock {
			doc.Title = b.Text
		}
	}
	return doc
}
