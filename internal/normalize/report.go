// Package normalize owns turning an extracted Document into the canonical cells of
// ../shared/spec/cells.md: finding tables 二, 三 and 四, detecting each table's layout from its
// labels, matching row and column labels, parsing numbers and units, running the identity
// checks (and using them to choose between plausible alignments), and reading the report's
// metadata (agency, report year, publication date).
package normalize

import (
	"errors"

	"github.com/ogireports/ogireports/internal/cells"
)

// Version is the extractor version recorded with every report. Bump it whenever a change can
// alter extracted cells, so that `crawl reextract` knows what to redo.
const Version = "0.2.0"

// ErrNotReport is returned (wrapped) for a document that is not an annual OGI report, with the
// reason in the wrapping error's text.
var ErrNotReport = errors.New("not an annual OGI report")

// Cell flags.
const (
	FlagAnnotated    = "annotated"    // value_text carries an annotation: 22（其中修订16件）
	FlagUnitAssumed  = "unit_assumed" // money with no unit in cell or header
	FlagUnitYuan     = "unit_yuan"    // money printed in 元 and divided by 10,000
	FlagRealigned    = "realigned"    // the table was realigned to the alignment that passes checks
	FlagOCR          = "ocr"          // read by OCR
	FlagUnparsed     = "unparsed"     // printed text is not a number: value left blank
	FlagNotFound     = "not_found"    // the cell's row or column was not found in its table: blank, but not printed blank
	FlagFromText     = "from_text"    // read from flattened text, not from a grid
	FlagLowConf      = "low_confidence"
	FlagSubtotalDrop = "subtotal_dropped" // a 小计 column/row was checked and dropped
)

// Cell is one canonical cell of a report.
type Cell struct {
	// Key is the full key of cells.md (t3.new_received.total).
	Key string
	// Value is the parsed number, nil for blank.
	Value *float64
	// ValueText is the text as printed, always kept.
	ValueText string
	// Flags are cell flags (see the Flag constants).
	Flags []string
	// Confidence is the OCR confidence in [0,1] for OCR-read cells, 0 otherwise.
	Confidence float64
	// Page is the page the cell was read on (paged formats), 0 otherwise.
	Page int
}

// Report is the normalised result for one document.
type Report struct {
	Title string
	// Agency is the reporting agency as printed (e.g. 烟台市牟平区人民政府).
	Agency string
	// AgencySource says where Agency was read: "title", "publisher" (发布机构), "signature",
	// "meta" or "body".
	AgencySource string
	// Year is the report year (the year reported on, not the publication year); 0 if unknown.
	Year int
	// YearSource says where Year was read: "title" or "body".
	YearSource string
	// Published is the publication date as YYYY-MM-DD where printed, "" otherwise.
	Published string
	// SiteIDCode is the page's 网站标识码 meta, if any.
	SiteIDCode string
	// Layouts is the detected layout per table ("t2", "t3", "t4"); a table not found is absent.
	Layouts map[cells.Table]cells.Layout
	Cells   []Cell
	Checks  []cells.Check
	// Flags are report-level flags ("t2_missing", "needs_ocr", ...).
	Flags []string
	// Notes are human-readable remarks (e.g. which alternative alignment was chosen).
	Notes []string
	// ExtractorVersion is Version at extraction time.
	ExtractorVersion string
}

// Values returns the report's cells as an identity-check value map.
func (r *Report) Values() cells.Values {
	v := make(cells.Values, len(r.Cells))
	for _, c := range r.Cells {
		v[c.Key] = c.Value
	}
	return v
}

// ChecksFailed counts the failed checks.
func (r *Report) ChecksFailed() int {
	n := 0
	for _, c := range r.Checks {
		if c.Status == cells.Fail {
			n++
		}
	}
	return n
}
