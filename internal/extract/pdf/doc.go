// Package pdf owns reading PDF documents into an extract.Document: paragraphs as TextBlocks in
// reading order and tables as dense grids rebuilt from the page geometry, each block with its
// page, every table cell with its Box (PDF points, origin top-left of the displayed page).
//
// # Engine
//
// Text and geometry are read with PDFium compiled to WebAssembly and run by wazero
// (github.com/klippa-app/go-pdfium/webassembly): pure Go, so CGO_ENABLED=0 binaries stay
// self-contained (about 6 MB of embedded module), and PDFium is the most tolerant parser
// there is (Chinese CID fonts with and without ToUnicode maps, RC4 and AES encryption up to
// AES-256 (RC4 is what the tests here write), owner-password files opened without the
// password, damaged cross-reference tables rebuilt).
// The alternative measured was poppler's `pdftotext -bbox-layout`: it is faster (one process
// per file, about 5x the pages per second) but it is an external tool to install and it
// outputs words only, no ruled lines. On the three real reports of ../shared/realdata, tables
// rebuilt from PDFium's ruled lines give 572/572 truth cells exact after normalize; the same
// pages read from text alignment alone (all that pdftotext's output allows) give 475/572. The
// README has the numbers and the machine.
//
// The engine is one wazero runtime per process, initialised lazily on the first PDF and shared;
// each Extract takes one module instance from a pool of GOMAXPROCS (safe for concurrent use).
// The compiled module is cached in os.UserCacheDir()/ogireports/wazero (Options.CacheDir):
// without the cache every process spends 2-5 s compiling. Exception handling is enabled in the
// runtime config (PDFium's setjmp/longjmp is lowered to it), the instance memory is capped
// (Options.MaxMemoryMiB) and no host directory is mounted (documents are passed as bytes).
//
// # Tables
//
// Ruled tables: every visible path gives axis-aligned rules (a thin path is one rule, a larger
// rectangle its four sides; white or transparent paint is ignored, as word processors paint
// white cell backgrounds and erase borders in white). Collinear pieces are joined, rules that
// meet form a network, and each network with at least two columns (one row is enough) is a
// grid whose row and column boundaries are the rules' positions clustered within 2 pt (a
// network that is two tables drawn one on the other, whose rows' column positions are not
// contained in one another, is cut into one grid per table). Elementary cells not separated by
// a rule covering at least half their side are merged into one spanning cell (repeated with
// Spanned set, as extract.Table requires). Characters go to the cell holding
// their centre, so a stray number can never shift a column. Inside a cell, lines are found by
// baseline clustering that ignores thin glyphs (一, “”, ，) and joined with "\n": a label
// wrapped over three lines with its numbers on the middle line stays one row, a header word
// broken mid-word (商业企 / 业) stays in its cell, and a group label printed one character per
// line (三、本年度办理结果) is one cell spanning its rows. A table cut by a page break (its last
// row has side rules but no bottom rule) is closed at the side rules' end, and a ruled table with
// the same frame opening the next page is joined to it as one TableBlock (columns laid over the
// union of both halves' boundaries; a row cut by the break, open below on one page and above on
// the next, is one row); page numbers (- 5 -, 第5页) in the top and bottom margins are dropped
// so that nothing separates the two halves. Pages with /Rotate are turned upright first.
//
// Unruled tables (FlagUnruled): runs of lines with at least two numeric cells (split at gaps
// wider than 1.2 character heights) form the data rows; columns are the x-ranges that the data
// rows' cells leave free; label-only lines join the nearest data row (wrapped labels); up to
// four header lines above join as header rows, a header wider than one column spanning them.
//
// # Failures
//
// Extract returns a wrapped ErrPassword (a user password is needed), ErrDamaged (not a PDF,
// or unreadable), ErrTooManyPages (over Options.MaxPages, default 500, checked before any page
// is parsed), ErrTooLarge, or the context's error when Options.Timeout (default 60 s) ends,
// in which case the engine instance is killed. A page without any text but with images is a
// scan: the document gets the flag FlagNeedsOCR and Images lists "page:N" for each such page.
// FlagUnmappedText marks text whose glyphs could not be mapped to Unicode.
package pdf
