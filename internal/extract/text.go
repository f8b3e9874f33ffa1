package extract

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
)

// reMarkdownSep matches the separator line of a Markdown table: |---|:---:|---|.
var reMarkdownSep = regexp.MustCompile(`^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$`)

// Text extracts a plain-text document. The bytes are decoded (BOM, valid UTF-8, UTF-16 without
// BOM, else GB18030 with the flag "encoding_detected") and line endings are normalised. Every
// line with text becomes one TextBlock in order, trimmed of white space: flattened reports that
// print one table value per line keep exactly one value per block. A line with a tab between
// two fields keeps its leading and trailing tabs too (only other white space is trimmed from its
// ends): in a tab-separated row they delimit empty cells ("3\t0\t\t1\t"). A line with tabs
// only at its ends ("\t92") is trimmed like any other, as indentation. A run of Markdown table
// lines (lines that start and end with '|', with a |---| separator line) becomes one
// TableBlock instead.
//
// A TextBlock whose Text is "" marks a blank position, a value printed empty:
//   - a line holding only non-breaking or ideographic spaces (U+00A0, U+3000: an &nbsp; table
//     cell or paragraph copied as text) is one blank block, unless no line with text precedes
//     it;
//   - in a double-spaced document (one empty line after every line, as converters print
//     paragraphs and flattened table cells; see doubleSpaced), a run of n empty lines between
//     two lines holds (n-1)/2 blank blocks, rounded down: 3 empty lines are one blank value,
//     5 are two, 2 are none. Elsewhere empty lines carry no meaning and give no block.
//
// Title is the first line with text. Meta gets the "label：value" fields found in the lines
// (发布时间, 来源, ...).
func Text(data []byte) (*Document, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("extract text: %w", ErrEmpty)
	}
	if len(data) > MaxTextBytes {
		return nil, fmt.Errorf("extract text: %d bytes over the %d-byte limit: %w", len(data), MaxTextBytes, ErrTooLarge)
	}
	text, enc, flags := decodeText(data)
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	lines := textLines(strings.Split(text, "\n"))
	title := ""
	for _, l := range lines {
		if l.trim != "" {
			title = l.trim
			break
		}
	}
	if title == "" {
		return nil, fmt.Errorf("extract text: only white space: %w", ErrEmpty)
	}
	doc := &Document{MediaType: MediaText, Encoding: enc, Meta: map[string]string{}, Flags: flags, Title: title}
	budget := MaxGridCells
	trimmed := make([]string, len(lines))
	for i, l := range lines {
		trimmed[i] = l.trim
	}
	// meta reads the text blocks trimmed and without blank markers, so that a label and its
	// value are still adjacent.
	var meta []Block
	for i := 0; i < len(lines); {
		if n := markdownTableLen(trimmed[i:]); n > 0 {
			t, tflags := markdownTable(trimmed[i:i+n], budget)
			for _, f := range tflags {
				doc.Flags = addFlag(doc.Flags, f)
			}
			budget -= len(t.Rows) * t.NCols()
			i += n
			if len(t.Rows) > 0 {
				b := Block{Kind: TableBlock, Text: t.Text(), Table: t}
				doc.Blocks = append(doc.Blocks, b)
				meta = append(meta, b)
			}
			continue
		}
		doc.Blocks = append(doc.Blocks, Block{Kind: TextBlock, Text: lines[i].text})
		if lines[i].trim != "" {
			meta = append(meta, Block{Kind: TextBlock, Text: lines[i].trim})
		}
		i++
	}
	scanMetaBlocks(doc.Meta, meta)
	return doc, nil
}

// textLine is one line of a text document as a block: text is the block text ("" for a blank
// position), trim the text with all white space trimmed from its ends.
type textLine struct {
	text, trim string
}

// lineKind classifies a raw line.
type lineKind int

const (
	lineEmpty lineKind = iota // nothing but white space without U+00A0 / U+3000
	lineBlank                 // only white space, with U+00A0 or U+3000: a blank value
	lineText
)

// classifyLine returns the kind of a raw line and its block text.
func classifyLine(l string) (lineKind, string) {
	t := strings.TrimFunc(l, isSpaceOrInvisible)
	if t == "" {
		if strings.ContainsAny(l, "\u00a0\u3000") {
			return lineBlank, ""
		}
		return lineEmpty, ""
	}
	if strings.ContainsRune(t, '\t') {
		return lineText, strings.TrimFunc(l, func(r rune) bool { return r != '\t' && isSpaceOrInvisible(r) })
	}
	return lineText, t
}

// textLines turns raw lines into block lines: lines with text, and blank positions (see Text).
func textLines(raw []string) []textLine {
	kinds := make([]lineKind, len(raw))
	texts := make([]string, len(raw))
	for i, l := range raw {
		kinds[i], texts[i] = classifyLine(l)
	}
	double := doubleSpaced(kinds)
	var out []textLine
	prev := -1
	for i, k := range kinds {
		if k == lineEmpty || (k == lineBlank && len(out) == 0) {
			continue // a blank before the first line has nothing to be a cell of
		}
		if double && prev >= 0 {
			for range (i - prev - 2) / 2 {
				out = append(out, textLine{})
			}
		}
		prev = i
		out = append(out, textLine{text: texts[i], trim: strings.TrimFunc(texts[i], isSpaceOrInvisible)})
	}
	return out
}

// Double spacing: at least doubleMinGaps gaps between lines, at least doubleMinOne of them a
// single empty line, and at most doubleMaxEven of them an even number of empty lines (0, 2,
// ...), which a double-spaced converter does not print. (Blank cells printed as three empty
// lines lower the share of single ones: a table half blank still passes.)
const (
	doubleMinGaps = 10
	doubleMinOne  = 0.5
	doubleMaxEven = 0.1
)

// doubleSpaced reports whether a document prints one empty line after every line: at least
// half the gaps between two lines are exactly one empty line and few are even. Blank lines
// (lineBlank) count as lines.
func doubleSpaced(kinds []lineKind) bool {
	gaps, one, even := 0, 0, 0
	prev := -1
	for i, k := range kinds {
		if k == lineEmpty {
			continue
		}
		if prev >= 0 {
			n := i - prev - 1
			gaps++
			switch {
			case n == 1:
				one++
			case n%2 == 0:
				even++
			}
		}
		prev = i
	}
	return gaps >= doubleMinGaps && float64(one) >= doubleMinOne*float64(gaps) && float64(even) <= doubleMaxEven*float64(gaps)
}

func isSpaceOrInvisible(r rune) bool {
	return r == ' ' || r == '\t' || r == '\u00a0' || r == '\u3000' || r == '\f' || r == '\v' ||
		(r >= '\u2000' && r <= '\u200b') || r == '\u202f' || r == '\u205f' || r == '\ufeff' ||
		r == '\u2060'
}

// decodeText decodes a text file: BOM, valid UTF-8, UTF-16 without BOM (many NUL bytes in odd or
// even positions), else GB18030.
func decodeText(data []byte) (string, string, []string) {
	if t, enc, ok := decodeBOM(data); ok {
		return t, enc, nil
	}
	if utf8.Valid(trimPartialRune(data)) && bytes.IndexByte(data, 0) < 0 {
		return strings.ToValidUTF8(string(data), "\uFFFD"), "utf-8", nil
	}
	if le, ok := utf16Guess(data); ok {
		e, name := unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "utf-16be"
		if le {
			e, name = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "utf-16le"
		}
		if out, err := e.NewDecoder().Bytes(data); err == nil {
			return string(out), name, []string{FlagEncodingDetected}
		}
	}
	t, bad, _ := gb18030Quality(data)
	return t, "gb18030", withErrors([]string{FlagEncodingDetected}, bad)
}

// utf16Guess reports whether BOM-less data looks like UTF-16 (at least a third of the bytes
// in odd or even positions are NUL) and its byte order.
func utf16Guess(data []byte) (littleEndian, ok bool) {
	n := min(len(data), 4096) &^ 1
	if n < 4 {
		return false, false
	}
	even, odd := 0, 0
	for i := 0; i < n; i += 2 {
		if data[i] == 0 {
			even++
		}
		if data[i+1] == 0 {
			odd++
		}
	}
	half := n / 2
	switch {
	case odd*3 >= half && odd > even*2:
		return true, true
	case even*3 >= half && even > odd*2:
		return false, true
	}
	return false, false
}

// isTableLine reports a Markdown table line: starts and ends with '|'.
func isTableLine(l string) bool {
	return len(l) >= 2 && l[0] == '|' && l[len(l)-1] == '|'
}

// markdownTableLen returns the number of lines of the Markdown table starting at lines[0], or 0
// when lines[0] does not start one (a run of |...| lines with a separator line among its
// first two lines).
func markdownTableLen(lines []string) int {
	n := 0
	for n < len(lines) && isTableLine(lines[n]) {
		n++
	}
	if n < 2 {
		return 0
	}
	for i := 0; i < min(n, 2); i++ {
		if reMarkdownSep.MatchString(lines[i]) && (i == 1 || n > 1) {
			return n
		}
	}
	return 0
}

// markdownTable turns Markdown table lines into a grid; the separator line is dropped, "<br>"
// in a cell is a line break, "\|" an escaped bar.
func markdownTable(lines []string, limit int) (*Table, []string) {
	var raw [][]rawCell
	for _, l := range lines {
		if reMarkdownSep.MatchString(l) {
			continue
		}
		inner := l[1 : len(l)-1]
		var row []rawCell
		for _, c := range splitPipes(inner) {
			row = append(row, rawCell{text: markdownCellText(c), rowspan: 1, colspan: 1})
		}
		raw = append(raw, row)
	}
	return buildGrid(raw, limit)
}

// splitPipes splits a Markdown row on '|' not escaped as "\|".
func splitPipes(s string) []string {
	var out []string
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && s[i+1] == '|':
			b.WriteByte('|')
			i++
		case s[i] == '|':
			out = append(out, b.String())
			b.Reset()
		default:
			b.WriteByte(s[i])
		}
	}
	return append(out, b.String())
}

var reBr = regexp.MustCompile(`(?i)<br\s*/?>`)

func markdownCellText(s string) string {
	parts := reBr.Split(s, -1)
	var lines []string
	for _, p := range parts {
		if p = collapse(p); p != "" {
			lines = append(lines, p)
		}
	}
	return strings.Join(lines, "\n")
}
