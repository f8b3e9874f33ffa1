package extract

import "errors"

// ErrEmpty is returned (wrapped) when a document has no bytes or no text at all.
var ErrEmpty = errors.New("empty document")

// ErrTooLarge is returned (wrapped) when a document is larger than the limit for its format.
var ErrTooLarge = errors.New("document too large")

// Limits. They are variables so that a caller (or a test) can tighten them; they are read at the
// start of each call and must not be changed while an extraction runs.
var (
	// MaxHTMLBytes is the largest HTML page HTML accepts; larger input fails with ErrTooLarge.
	MaxHTMLBytes = 64 << 20
	// MaxTextBytes is the largest plain-text document Text accepts; larger input fails with
	// ErrTooLarge.
	MaxTextBytes = 64 << 20
	// MaxGridCells bounds the dense grids of one document (rows × columns, all tables
	// together), so that a small page of huge colspans cannot exhaust memory. A table whose
	// grid would exceed what is left is cut (rows beyond the bound are dropped; a table with no
	// room left is dropped) and the Document and Table get the flag FlagTableTruncated.
	MaxGridCells = 4_000_000
	// MaxGridCols bounds the number of columns of one table grid.
	MaxGridCols = 10_000
	// MaxRowspan and MaxColspan are the HTML specification's caps on rowspan and colspan;
	// larger values are clamped to them.
	MaxRowspan = 65534
	// MaxColspan is the HTML specification's cap on colspan.
	MaxColspan = 1000
	// MaxDepth bounds element nesting depth in an HTML page; deeper content is skipped and the
	// Document gets the flag FlagDepthLimited.
	MaxDepth = 2000
)

// Document and table flags set by this package.
const (
	// FlagEncodingDetected: no charset was declared (no BOM, header or meta): the encoding was
	// detected from the bytes.
	FlagEncodingDetected = "encoding_detected"
	// FlagEncodingMismatch: the declared charset contradicts the bytes; the bytes won.
	FlagEncodingMismatch = "encoding_mismatch"
	// FlagDecodeErrors: some bytes were not valid in the chosen encoding and were replaced by
	// U+FFFD.
	FlagDecodeErrors = "decode_errors"
	// FlagCharsetConflict: the HTTP header and the page's meta declare different charsets
	// (the header wins).
	FlagCharsetConflict = "charset_conflict"
	// FlagTableTruncated: a table grid exceeded MaxGridCells or MaxGridCols and was cut.
	FlagTableTruncated = "table_truncated"
	// FlagSpanOverlap: cells of a table overlap (a rowspan and a colspan claim the same
	// position); the earlier cell in source order keeps the position.
	FlagSpanOverlap = "span_overlap"
	// FlagDepthLimited: elements nested deeper than MaxDepth were skipped.
	FlagDepthLimited = "depth_limited"
)

func addFlag(flags []string, f string) []string {
	for _, x := range flags {
		if x == f {
			return flags
		}
	}
	return append(flags, f)
}
