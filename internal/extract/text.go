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
// BOM, else GB18030 with the flag "encoding_detected"), line endings are normalised, and every
// non-empty line, trimmed, becomes one TextBlock in order: flattened reports that print one
// table value per line keep exactly one value per block. A run of Markdown table lines (lines
// that start and end with '|', with a |---| separator line) becomes one TableBlock instead.
// Title is the first non-empty line. Meta gets the "label：value" fields found in the lines
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
	var lines []string
	for l := range strings.SplitSeq(text, "\n") {
		if l = strings.TrimFunc(l, isSpaceOrInvisible); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return nil, fmt.Errorf("extract text: only white space: %w", ErrEmpty)
	}
	doc := &Document{MediaType: MediaText, Encoding: enc, Meta: map[string]string{}, Flags: flags, Title: lines[0]}
	budget := MaxGridCells
	for i := 0; i < len(lines); {
		if n := markdownTableLen(lines[i:]); n > 0 {
			t, tflags := markdownTable(lines[i:i+n], budget)
			for _, f := range tflags {
				doc.Flags = addFlag(doc.Flags, f)
			}
			budget -= len(t.Rows) * t.NCols()
			i += n
			if len(t.Rows) > 0 {
				doc.Blocks = append(doc.Blocks, Block{Kind: TableBlock, Text: t.Text(), Table: t})
			}
			continue
		}
		doc.Blocks = append(doc.Blocks, Block{Kind: TextBlock, Text: lines[i]})
		i++
	}
	scanMetaBlocks(doc.Meta, doc.Blocks)
	return doc, nil
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
