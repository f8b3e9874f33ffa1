package extract

import (
	"archive/zip"
	"bytes"
	"path"
	"strings"
	"unicode/utf8"
)

// Media types returned by Sniff and stored in Document.MediaType.
const (
	MediaHTML   = "text/html"
	MediaText   = "text/plain"
	MediaPDF    = "application/pdf"
	MediaDOCX   = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	MediaXLSX   = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	MediaDOC    = "application/msword"
	MediaXLS    = "application/vnd.ms-excel"
	MediaPNG    = "image/png"
	MediaJPEG   = "image/jpeg"
	MediaGIF    = "image/gif"
	MediaZIP    = "application/zip"
	MediaBinary = "application/octet-stream"
)

// sniffLen is how much of the head of a document Sniff looks at for textual signatures.
const sniffLen = 4096

var (
	magicPDF  = []byte("%PDF-")
	magicZIP  = []byte("PK\x03\x04")
	magicZIPE = []byte("PK\x05\x06")
	magicOLE  = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	magicPNG  = []byte("\x89PNG\r\n\x1a\n")
	magicJPEG = []byte{0xFF, 0xD8, 0xFF}
	magicGIF7 = []byte("GIF87a")
	magicGIF9 = []byte("GIF89a")
	bomUTF8   = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16L = []byte{0xFF, 0xFE}
	bomUTF16B = []byte{0xFE, 0xFF}
	// OLE directory entry names are UTF-16LE.
	oleWordStream = []byte("W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t\x00")
	oleBookStream = []byte("W\x00o\x00r\x00k\x00b\x00o\x00o\x00k\x00")
	oleBook5      = []byte("B\x00o\x00o\x00k\x00\x00\x00")
)

// htmlSignatures are the WHATWG MIME-sniffing HTML patterns (lower case; each must be followed
// by a space or '>'), plus the tags that open most HTML fragments saved by crawlers.
var htmlSignatures = []string{
	"<!doctype html", "<html", "<head", "<script", "<iframe", "<h1", "<div", "<font",
	"<table", "<a", "<style", "<title", "<b", "<body", "<br", "<p", "<!--", "<meta", "<link",
	"<span", "<tr", "<td", "<center", "<form", "<h2", "<h3", "<h4", "<h5", "<h6", "<ul", "<ol",
	"<li", "<img", "<section", "<article", "<header", "<nav", "<main", "<base", "<frameset",
}

// Sniff returns the media type of a document: magic bytes first, then the file extension of
// name (a file name or URL path; may be ""), then a text-or-binary look at the content. Empty
// data is MediaBinary (HTML and Text report it as ErrEmpty).
func Sniff(data []byte, name string) string {
	if len(data) == 0 {
		return MediaBinary
	}
	ext := strings.ToLower(path.Ext(strings.SplitN(strings.SplitN(name, "?", 2)[0], "#", 2)[0]))
	head := data
	if len(head) > sniffLen {
		head = head[:sniffLen]
	}
	switch {
	case bytes.HasPrefix(data, magicPDF):
		return MediaPDF
	case bytes.HasPrefix(data, magicZIP) || bytes.HasPrefix(data, magicZIPE):
		return sniffZip(data, ext)
	case bytes.HasPrefix(data, magicOLE):
		return sniffOLE(data, ext)
	case bytes.HasPrefix(data, magicPNG):
		return MediaPNG
	case bytes.HasPrefix(data, magicJPEG):
		return MediaJPEG
	case bytes.HasPrefix(data, magicGIF7) || bytes.HasPrefix(data, magicGIF9):
		return MediaGIF
	}
	if looksHTML(head) {
		return MediaHTML
	}
	// PDF readers accept junk before the header within the first KB.
	if bytes.Contains(head[:min(len(head), 1024)], magicPDF) {
		return MediaPDF
	}
	textual := looksText(head)
	switch ext {
	case ".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php":
		if textual {
			return MediaHTML
		}
	case ".txt", ".text", ".md", ".csv":
		if textual {
			return MediaText
		}
	case ".pdf":
		if !textual {
			return MediaPDF
		}
	case ".docx":
		if !textual {
			return MediaDOCX
		}
	case ".doc", ".wps":
		if !textual {
			return MediaDOC
		}
	case ".xls", ".et":
		if !textual {
			return MediaXLS
		}
	case ".xlsx":
		if !textual {
			return MediaXLSX
		}
	case ".png":
		if !textual {
			return MediaPNG
		}
	case ".jpg", ".jpeg":
		if !textual {
			return MediaJPEG
		}
	case ".gif":
		if !textual {
			return MediaGIF
		}
	case ".zip":
		if !textual {
			return MediaZIP
		}
	}
	if textual {
		return MediaText
	}
	return MediaBinary
}

// sniffZip tells a DOCX or XLSX package from any other zip by its part names.
func sniffZip(data []byte, ext string) string {
	if zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err == nil {
		for _, f := range zr.File {
			switch f.Name {
			case "word/document.xml":
				return MediaDOCX
			case "xl/workbook.xml":
				return MediaXLSX
			}
		}
		return MediaZIP
	}
	// A truncated zip has no central directory: local file headers still name the parts.
	switch {
	case bytes.Contains(data, []byte("word/document.xml")):
		return MediaDOCX
	case bytes.Contains(data, []byte("xl/workbook.xml")):
		return MediaXLSX
	case ext == ".docx":
		return MediaDOCX
	case ext == ".xlsx":
		return MediaXLSX
	}
	return MediaZIP
}

// sniffOLE tells a Word (.doc, .wps) from an Excel compound file by its stream names, then by
// extension; Word is the default.
func sniffOLE(data []byte, ext string) string {
	switch {
	case bytes.Contains(data, oleWordStream):
		return MediaDOC
	case bytes.Contains(data, oleBookStream) || bytes.Contains(data, oleBook5):
		return MediaXLS
	case ext == ".xls" || ext == ".et":
		return MediaXLS
	}
	return MediaDOC
}

// looksHTML reports whether the head of a document opens with an HTML tag (after a BOM and
// white space), as WHATWG sniffing does. UTF-16 heads are checked after dropping NUL bytes.
func looksHTML(head []byte) bool {
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		head = head[3:]
	case bytes.HasPrefix(head, bomUTF16L) || bytes.HasPrefix(head, bomUTF16B):
		head = bytes.ReplaceAll(head[2:], []byte{0}, nil)
	}
	head = bytes.TrimLeft(head, " \t\r\n\f")
	if bytes.HasPrefix(head, []byte("<?xml")) {
		if i := bytes.Index(head, []byte("?>")); i >= 0 {
			head = bytes.TrimLeft(head[i+2:], " \t\r\n\f")
		}
	}
	lower := bytes.ToLower(head[:min(len(head), 32)])
	for _, sig := range htmlSignatures {
		if !bytes.HasPrefix(lower, []byte(sig)) {
			continue
		}
		if sig == "<!--" {
			return true
		}
		if len(lower) == len(sig) {
			return true
		}
		switch lower[len(sig)] {
		case ' ', '>', '\t', '\n', '\r', '\f', '/':
			return true
		}
	}
	return false
}

// looksText reports whether a document head is text: a UTF-16 BOM, or no NUL bytes and few
// control characters, in UTF-8 or a legacy multi-byte encoding.
func looksText(head []byte) bool {
	if bytes.HasPrefix(head, bomUTF16L) || bytes.HasPrefix(head, bomUTF16B) {
		return true
	}
	if len(head) == 0 {
		return false
	}
	control := 0
	for _, c := range head {
		switch {
		case c == 0:
			return false
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b:
			control++
		}
	}
	if control*100 > len(head) {
		return false
	}
	// Cut a possibly split trailing UTF-8 sequence before validating.
	if utf8.Valid(trimPartialRune(head)) {
		return true
	}
	_, bad, total := gb18030Quality(head)
	return total > 0 && bad*20 <= total
}

// trimPartialRune drops an incomplete UTF-8 sequence at the end of b (a head cut mid-rune).
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= 3 && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < 0x80 {
			return b
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			return b
		}
	}
	return b
}
