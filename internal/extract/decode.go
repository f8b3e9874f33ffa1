package extract

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
)

// metaScanLen is how many leading bytes of a page are searched for a <meta> charset.
const metaScanLen = 8192

// charsetKind groups charset labels by how their bytes are checked against the declaration.
type charsetKind int

const (
	kindUnknown charsetKind = iota
	kindUTF8
	kindGB      // gb2312, gbk, gb18030 and aliases: all decoded as GB18030
	kindBig5    // big5 and aliases
	kindLatin   // single-byte western labels often put on Chinese error pages
	kindUTF16LE // utf-16 without BOM
	kindUTF16BE
	kindOther // any other WHATWG label
)

// charsetInfo is a resolved charset label.
type charsetInfo struct {
	kind charsetKind
	name string // canonical name reported as Document.Encoding
	enc  encoding.Encoding
}

var (
	reMetaCharset   = regexp.MustCompile(`(?is)<meta\b[^>]*?charset\s*=\s*["']?\s*([a-z0-9_:.\-]+)`)
	reHeaderCharset = regexp.MustCompile(`(?i)charset\s*=\s*["']?\s*([a-z0-9_:.\-]+)`)
)

// resolveCharset maps a charset label to how it is decoded. GB2312, GBK and their aliases are
// all decoded with GB18030, a superset whose 4-byte sequences the GBK decoder mangles.
func resolveCharset(label string) charsetInfo {
	l := strings.ToLower(strings.Trim(strings.TrimSpace(label), `"'`))
	switch l {
	case "":
		return charsetInfo{}
	case "utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8":
		return charsetInfo{kindUTF8, "utf-8", encoding.Nop}
	case "gbk", "gb2312", "gb_2312", "gb_2312-80", "gb-2312", "x-gbk", "cp936", "ms936",
		"windows-936", "gb18030", "gb-18030", "csgb2312", "chinese", "csiso58gb231280",
		"iso-ir-58", "euc-cn", "x-euc-cn", "hz-gb-2312", "gb2312-80":
		return charsetInfo{kindGB, "gb18030", simplifiedchinese.GB18030}
	case "big5", "big-5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5", "x-big5", "cp950":
		return charsetInfo{kindBig5, "big5", traditionalchinese.Big5}
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii",
		"windows-1252", "cp1252", "iso_8859-1", "cp819", "ibm819", "csisolatin1", "x-cp1252":
		return charsetInfo{kindLatin, "windows-1252", charmap.Windows1252}
	case "utf-16", "utf-16le", "utf16", "unicode", "ucs-2", "csunicode":
		return charsetInfo{kindUTF16LE, "utf-16le", unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)}
	case "utf-16be", "unicodefffe":
		return charsetInfo{kindUTF16BE, "utf-16be", unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)}
	}
	enc, err := htmlindex.Get(l)
	if err != nil || enc == nil {
		return charsetInfo{}
	}
	name, err := htmlindex.Name(enc)
	if err != nil {
		name = l
	}
	return charsetInfo{kindOther, name, enc}
}

// headerCharset returns the charset parameter of an HTTP Content-Type value, or "".
func headerCharset(contentType string) string {
	if contentType == "" {
		return ""
	}
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		if cs := params["charset"]; cs != "" {
			return cs
		}
	}
	if m := reHeaderCharset.FindStringSubmatch(contentType); m != nil {
		return m[1]
	}
	return ""
}

// metaCharset returns the charset declared by a <meta charset> or <meta http-equiv=
// Content-Type> in the first metaScanLen bytes of a page, or "".
func metaCharset(data []byte) string {
	head := data[:min(len(data), metaScanLen)]
	if m := reMetaCharset.FindSubmatch(head); m != nil {
		return string(m[1])
	}
	return ""
}

// Decode turns the bytes of an HTML (or text) document into UTF-8 text. Precedence: a byte
// order mark (UTF-8, UTF-16), then the charset of the HTTP Content-Type header (contentType,
// may be ""), then a <meta> charset in the first few KB, then detection (valid UTF-8 is UTF-8,
// anything else GB18030, flag "encoding_detected"). GB2312/GBK labels decode as GB18030. When
// the declaration contradicts the bytes (declared UTF-8 on GB bytes, Latin-1 on Chinese bytes,
// GB on UTF-8 bytes) the bytes win and the flag "encoding_mismatch" is added. encoding is the
// canonical name of what was used ("utf-8", "gb18030", "big5", "windows-1252", ...).
func Decode(data []byte, contentType string) (text string, encodingName string, flags []string, err error) {
	if len(data) == 0 {
		return "", "", nil, fmt.Errorf("decode: %w", ErrEmpty)
	}
	if t, enc, ok := decodeBOM(data); ok {
		if strings.ContainsRune(t, utf8.RuneError) && !bytes.Contains(data, []byte("\xef\xbf\xbd")) {
			flags = addFlag(flags, FlagDecodeErrors)
		}
		return t, enc, flags, nil
	}
	hdr := resolveCharset(headerCharset(contentType))
	meta := resolveCharset(metaCharset(data))
	if hdr.kind != kindUnknown && meta.kind != kindUnknown && hdr.name != meta.name {
		flags = addFlag(flags, FlagCharsetConflict)
	}
	declared := hdr
	if declared.kind == kindUnknown {
		declared = meta
	}
	if declared.kind == kindUnknown {
		t, enc, fl := detect(data)
		return t, enc, append(addFlag(flags, FlagEncodingDetected), fl...), nil
	}
	t, enc, fl := decodeDeclared(data, declared)
	for _, f := range fl {
		flags = addFlag(flags, f)
	}
	return t, enc, flags, nil
}

// decodeBOM decodes data that starts with a UTF-8 or UTF-16 byte order mark.
func decodeBOM(data []byte) (string, string, bool) {
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		return strings.ToValidUTF8(string(data[3:]), "\uFFFD"), "utf-8", true
	case bytes.HasPrefix(data, bomUTF16L):
		t, _ := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder().Bytes(data[2:])
		return string(t), "utf-16le", true
	case bytes.HasPrefix(data, bomUTF16B):
		t, _ := unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder().Bytes(data[2:])
		return string(t), "utf-16be", true
	}
	return "", "", false
}

// detect decodes undeclared bytes: valid UTF-8 is UTF-8, anything else GB18030.
func detect(data []byte) (string, string, []string) {
	if utf8.Valid(trimPartialRune(data)) {
		return strings.ToValidUTF8(string(data), "\uFFFD"), "utf-8", nil
	}
	t, bad, _ := gb18030Quality(data)
	var flags []string
	if bad > 0 {
		flags = append(flags, FlagDecodeErrors)
	}
	return t, "gb18030", flags
}

// decodeDeclared decodes data in its declared charset unless the bytes contradict it.
func decodeDeclared(data []byte, cs charsetInfo) (string, string, []string) {
	validUTF8 := utf8.Valid(trimPartialRune(data))
	nonASCII := hasNonASCII(data)
	switch cs.kind {
	case kindUTF8:
		if validUTF8 {
			return strings.ToValidUTF8(string(data), "\uFFFD"), "utf-8", nil
		}
		if t, bad, total := gb18030Quality(data); acceptable(bad, total) {
			return t, "gb18030", withErrors([]string{FlagEncodingMismatch}, bad)
		}
		return strings.ToValidUTF8(string(data), "\uFFFD"), "utf-8", []string{FlagDecodeErrors}
	case kindLatin:
		if !nonASCII {
			return string(data), cs.name, nil
		}
		if validUTF8 {
			return string(data), "utf-8", []string{FlagEncodingMismatch}
		}
		// Single-byte text decodes as GB18030 by chance, so only a clean decode counts (a cut
		// last character aside).
		if t, bad, _ := gb18030Quality(data); (bad == 0 || (bad == 1 && strings.HasSuffix(t, "\uFFFD"))) && mostlyHan(t) {
			return t, "gb18030", withErrors([]string{FlagEncodingMismatch}, bad)
		}
	case kindGB, kindBig5, kindOther, kindUTF16LE, kindUTF16BE:
		if nonASCII && validUTF8 && cs.kind != kindUTF16LE && cs.kind != kindUTF16BE {
			// Legacy multi-byte text is practically never valid UTF-8: the bytes are UTF-8.
			return string(data), "utf-8", []string{FlagEncodingMismatch}
		}
		if cs.kind == kindGB {
			t, bad, _ := gb18030Quality(data)
			return t, cs.name, withErrors(nil, bad)
		}
	}
	out, err := cs.enc.NewDecoder().Bytes(data)
	if err != nil {
		return strings.ToValidUTF8(string(data), "\uFFFD"), "utf-8", []string{FlagDecodeErrors}
	}
	t := string(out)
	if cs.kind != kindLatin && strings.ContainsRune(t, utf8.RuneError) {
		return t, cs.name, []string{FlagDecodeErrors}
	}
	return t, cs.name, nil
}

// gb18030Quality decodes data as GB18030 and counts the replacement characters produced
// (bad) and the runes decoded (total).
func gb18030Quality(data []byte) (text string, bad, total int) {
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		return strings.ToValidUTF8(string(data), "\uFFFD"), len(data), len(data)
	}
	text = string(out)
	for _, r := range text {
		total++
		if r == utf8.RuneError {
			bad++
		}
	}
	return text, bad, total
}

// acceptable reports whether a decode with bad replacement characters out of total runes is
// clean enough to be the right encoding (a cut last character is tolerated).
func acceptable(bad, total int) bool {
	return total > 0 && (bad <= 1 || bad*100 <= total)
}

func withErrors(flags []string, bad int) []string {
	if bad > 0 {
		return append(flags, FlagDecodeErrors)
	}
	return flags
}

func hasNonASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

// mostlyHan reports whether at least half of the non-ASCII runes of s are CJK characters or
// CJK punctuation, as in Chinese text.
func mostlyHan(s string) bool {
	han, other := 0, 0
	for _, r := range s {
		switch {
		case r < 0x80:
		case (r >= 0x4E00 && r <= 0x9FFF) || (r >= 0x3400 && r <= 0x4DBF) ||
			(r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF) || r >= 0x20000:
			han++
		default:
			other++
		}
	}
	return han > 0 && han >= other
}
