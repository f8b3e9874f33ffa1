// Package doc owns reading legacy Word documents (.doc, Word 97-2003) and Kingsoft WPS
// documents (.wps, the same OLE compound-file format) through optional system tools:
//
//   - LibreOffice (soffice) converts the file to DOCX, which package docx reads natively: the
//     tables keep their grid, merges included. This is the path that reaches the same cells as
//     HTML.
//   - Without LibreOffice, catdoc and then antiword give the text only; the Document is flagged
//     FlagConvertedText and its lines go through extract.Text, so that normalize's
//     flattened-text reader can still try. Table geometry is lost.
//   - With none of the three, Extract fails with ErrNoTool.
//
// Each LibreOffice conversion runs with a user profile of its own (two soffice processes sharing
// a profile silently lose one output): profiles come from a pool and a profile is used by one
// conversion at a time. Every conversion has a timeout after which the whole process group is
// killed.
package doc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"time"

	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/extract/docx"
)

// FlagConvertedText is the Document flag set when the document was read as text only (antiword
// or catdoc): its tables are flattened into lines.
const FlagConvertedText = "converted_text"

// Meta["converter"] values: which tool read the document.
const (
	ConverterSoffice  = "soffice"
	ConverterAntiword = "antiword"
	ConverterCatdoc   = "catdoc"
)

// MaxInputBytes is the largest DOC/WPS file accepted.
var MaxInputBytes = 100 << 20

// Errors returned (wrapped) by Extract.
var (
	// ErrNoTool: none of soffice, antiword and catdoc is installed.
	ErrNoTool = errors.New("reading DOC/WPS needs LibreOffice, antiword or catdoc (none installed)")
	// ErrNotDOC: the bytes are not an OLE compound file (nor RTF).
	ErrNotDOC = errors.New("not a Word/WPS document (no OLE compound file with a WordDocument stream, nor RTF)")
	// ErrConvert: every available tool failed on the file (damaged or unsupported document).
	ErrConvert = errors.New("conversion failed")
)

var (
	magicOLE = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	// wordStream is the directory entry name (UTF-16LE) of the stream every Word 97-2003 and
	// Kingsoft WPS document has.
	wordStream = []byte("W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t\x00")
	magicRTF   = []byte(`{\rtf`)
)

// Options steer ExtractWith. The zero value means: every installed converter, in the order of
// DefaultConverters, and DefaultTimeout.
type Options struct {
	// Converters lists the converters to try, in order (Converter* constants); nil means all.
	Converters []string
	// Timeout bounds each tool run; 0 means DefaultTimeout.
	Timeout time.Duration
}

// DefaultConverters is the order in which ExtractWith tries the converters by default.
// catdoc comes before antiword: on 12 generated reports converted to DOC by LibreOffice,
// catdoc's text gives 89% of the truth cells through normalize, antiword's 10.5% (antiword
// drops most of table 三, whose label cells are merged vertically, and misaligns the rest).
var DefaultConverters = []string{ConverterSoffice, ConverterCatdoc, ConverterAntiword}

// DefaultTimeout bounds one tool run (a LibreOffice conversion, antiword, catdoc).
var DefaultTimeout = 120 * time.Second

// Available reports which of the optional tools are installed (on PATH).
func Available() (soffice, antiword, catdoc bool) {
	_, e1 := exec.LookPath("soffice")
	_, e2 := exec.LookPath("antiword")
	_, e3 := exec.LookPath("catdoc")
	return e1 == nil, e2 == nil, e3 == nil
}

// Extract reads a .doc or .wps document with the zero Options (see ExtractWith).
func Extract(data []byte) (*extract.Document, error) {
	return ExtractWith(context.Background(), data, Options{})
}

// ExtractWith reads a .doc or .wps document: with LibreOffice it converts it to DOCX and reads
// that with docx.Extract (tables kept); otherwise catdoc, then antiword, give its text, read by
// extract.Text and flagged FlagConvertedText. The first converter that succeeds wins; a failing
// one is reported in the error only if all fail. MediaType is always extract.MediaDOC and
// Meta["converter"] names the tool used. Input that is not an OLE compound file with a
// WordDocument stream (or RTF, which only LibreOffice reads) fails with ErrNotDOC before any
// tool runs.
func ExtractWith(ctx context.Context, data []byte, opt Options) (*extract.Document, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("extract doc: %w", extract.ErrEmpty)
	}
	if len(data) > MaxInputBytes {
		return nil, fmt.Errorf("extract doc: %d bytes over the %d-byte limit: %w", len(data), MaxInputBytes, extract.ErrTooLarge)
	}
	rtf := bytes.HasPrefix(data, magicRTF)
	if !rtf && !(bytes.HasPrefix(data, magicOLE) && bytes.Contains(data, wordStream)) {
		// LibreOffice would "convert" anything (as text): refuse what is not a Word file.
		return nil, fmt.Errorf("extract doc: %w", ErrNotDOC)
	}
	convs := opt.Converters
	if convs == nil {
		convs = DefaultConverters
	}
	timeout := opt.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	var errs []error
	tried := 0
	for _, c := range convs {
		if _, err := exec.LookPath(c); err != nil {
			continue
		}
		if rtf && c != ConverterSoffice {
			continue
		}
		tried++
		d, err := run(ctx, c, data, rtf, timeout)
		if err == nil {
			d.MediaType = extract.MediaDOC
			if d.Meta == nil {
				d.Meta = map[string]string{}
			}
			d.Meta["converter"] = c
			return d, nil
		}
		if errors.Is(err, context.Canceled) {
			return nil, fmt.Errorf("extract doc: %w", err)
		}
		errs = append(errs, fmt.Errorf("%s: %w", c, err))
	}
	if tried == 0 {
		return nil, fmt.Errorf("extract doc: %w", ErrNoTool)
	}
	return nil, fmt.Errorf("extract doc: %w: %w", ErrConvert, errors.Join(errs...))
}

// run reads data with one converter.
func run(ctx context.Context, conv string, data []byte, rtf bool, timeout time.Duration) (*extract.Document, error) {
	switch conv {
	case ConverterSoffice:
		ext := "doc"
		if rtf {
			ext = "rtf"
		}
		out, err := Convert(ctx, data, ext, "docx", timeout)
		if err != nil {
			return nil, err
		}
		d, err := docx.Extract(out)
		if err != nil {
			return nil, fmt.Errorf("read converted DOCX: %w", err)
		}
		return d, nil
	case ConverterAntiword:
		// -m UTF-8.txt: UTF-8 output whatever the locale; -w 0: no line wrapping.
		return textTool(ctx, timeout, data, "antiword", "-m", "UTF-8.txt", "-w", "0")
	case ConverterCatdoc:
		// -d utf-8: UTF-8 output; -w: no line wrapping.
		return textTool(ctx, timeout, data, "catdoc", "-d", "utf-8", "-w")
	}
	return nil, fmt.Errorf("unknown converter %q", conv)
}

// textTool runs a text converter on data (written to a temporary file) and reads its output
// with extract.Text.
func textTool(ctx context.Context, timeout time.Duration, data []byte, name string, args ...string) (*extract.Document, error) {
	out, err := runTool(ctx, timeout, data, "input.doc", name, args...)
	if err != nil {
		return nil, err
	}
	d, err := extract.Text(out)
	if err != nil {
		return nil, fmt.Errorf("read %s output: %w", name, err)
	}
	d.Encoding = "utf-8"
	d.Flags = append(d.Flags, FlagConvertedText)
	return d, nil
}
