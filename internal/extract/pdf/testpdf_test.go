package pdf

import (
	"bytes"
	"crypto/md5"
	"crypto/rc4"
	"encoding/binary"
	"fmt"
	"strings"
)

// This file writes small PDFs for tests: pages of Helvetica text and ruled lines, optionally
// RC4-128 encrypted (standard security handler, revision 3), in top-left coordinates.

// tText is one string drawn at (x, y) (top-left page coordinates of its baseline).
type tText struct {
	x, y float64
	size float64
	s    string
}

// tLine is one stroked segment in top-left page coordinates.
type tLine struct{ x0, y0, x1, y1 float64 }

// tPage is one page of a synthetic PDF.
type tPage struct {
	texts []tText
	lines []tLine
	image bool // paint a full-page grey image (a "scan")
	// landscape writes the page as /Rotate 90 with its content turned so that it reads
	// upright on an 842 x 595 display (coordinates are display coordinates).
	landscape bool
}

const tPageW, tPageH = 595.0, 842.0

// content renders the page's content stream.
func (p tPage) content() []byte {
	var b bytes.Buffer
	pageH := tPageH
	if p.landscape {
		pageH = tPageW
		fmt.Fprintf(&b, "q 0 1 -1 0 %.0f 0 cm\n", tPageW)
	}
	if p.image {
		b.WriteString("q 500 0 0 700 50 70 cm /Im1 Do Q\n")
	}
	b.WriteString("0.8 w 0 0 0 RG\n")
	for _, l := range p.lines {
		fmt.Fprintf(&b, "%.2f %.2f m %.2f %.2f l S\n", l.x0, pageH-l.y0, l.x1, pageH-l.y1)
	}
	for _, t := range p.texts {
		size := t.size
		if size == 0 {
			size = 10
		}
		s := strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`).Replace(t.s)
		fmt.Fprintf(&b, "BT /F1 %.1f Tf %.2f %.2f Td (%s) Tj ET\n", size, t.x, pageH-t.y, s)
	}
	if p.landscape {
		b.WriteString("Q\n")
	}
	return b.Bytes()
}

// tEncrypt asks writePDF to encrypt with these passwords.
type tEncrypt struct{ user, owner string }

var pdfPad = []byte{0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
	0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A}

func padPassword(pw string) []byte {
	b := append([]byte(pw), pdfPad...)
	return b[:32]
}

func rc4Crypt(key, data []byte) []byte {
	c, _ := rc4.NewCipher(key)
	out := make([]byte, len(data))
	c.XORKeyStream(out, data)
	return out
}

// rc4Rounds applies RC4 with key, then 19 more times with key XOR i (revision 3).
func rc4Rounds(key, data []byte) []byte {
	out := rc4Crypt(key, data)
	k := make([]byte, len(key))
	for i := 1; i <= 19; i++ {
		for j := range key {
			k[j] = key[j] ^ byte(i)
		}
		out = rc4Crypt(k, out)
	}
	return out
}

// securityValues computes O, U and the file key of a revision-3, 128-bit RC4 handler.
func securityValues(user, owner string, perm int32, id []byte) (o, u, key []byte) {
	if owner == "" {
		owner = user
	}
	h := md5.Sum(padPassword(owner))
	ok := h[:]
	for i := 0; i < 50; i++ {
		s := md5.Sum(ok)
		ok = s[:]
	}
	o = rc4Rounds(ok, padPassword(user))
	m := md5.New()
	m.Write(padPassword(user))
	m.Write(o)
	var p [4]byte
	binary.LittleEndian.PutUint32(p[:], uint32(perm))
	m.Write(p[:])
	m.Write(id)
	key = m.Sum(nil)
	for i := 0; i < 50; i++ {
		s := md5.Sum(key[:16])
		key = s[:]
	}
	key = key[:16]
	m = md5.New()
	m.Write(pdfPad)
	m.Write(id)
	u = rc4Rounds(key, m.Sum(nil))
	u = append(u, make([]byte, 16)...)
	return o, u, key
}

// objectKey is the RC4 key of object num (generation 0).
func objectKey(key []byte, num int) []byte {
	b := append(append([]byte(nil), key...), byte(num), byte(num>>8), byte(num>>16), 0, 0)
	s := md5.Sum(b)
	return s[:min(len(key)+5, 16)]
}

// writePDF writes pages as a PDF. When shareContent is set every page uses the first page's
// content stream (a cheap way to write thousands of pages). enc, when non-nil, encrypts.
func writePDF(pages []tPage, shareContent bool, enc *tEncrypt) []byte {
	var objs [][]byte // objs[i] is object i+1
	add := func(s []byte) int { objs = append(objs, s); return len(objs) }
	catalog := add(nil)
	pagesObj := add(nil)
	font := add([]byte("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"))
	img := add([]byte("<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 4 >>\nstream\n\x80\x40\x40\x80\nendstream"))
	id := []byte("0123456789abcdef")
	var key []byte
	var encObj int
	if enc != nil {
		o, u, k := securityValues(enc.user, enc.owner, -4, id)
		key = k
		encObj = add([]byte(fmt.Sprintf("<< /Filter /Standard /V 2 /R 3 /Length 128 /P -4 /O <%x> /U <%x> >>", o, u)))
	}
	stream := func(data []byte) int {
		n := len(objs) + 1
		if key != nil {
			data = rc4Crypt(objectKey(key, n), data)
		}
		return add([]byte(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(data), data)))
	}
	var kids []string
	shared := 0
	for i, p := range pages {
		var c int
		if shareContent && i > 0 {
			c = shared
		} else {
			c = stream(p.content())
			shared = c
		}
		rot := ""
		if p.landscape {
			rot = " /Rotate 90"
		}
		pg := add([]byte(fmt.Sprintf("<< /Type /Page%s /Parent %d 0 R /MediaBox [0 0 %.0f %.0f] /Resources << /Font << /F1 %d 0 R >> /XObject << /Im1 %d 0 R >> >> /Contents %d 0 R >>",
			rot, pagesObj, tPageW, tPageH, font, img, c)))
		kids = append(kids, fmt.Sprintf("%d 0 R", pg))
	}
	objs[catalog-1] = []byte(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesObj))
	objs[pagesObj-1] = []byte(fmt.Sprintf("<< /Type /Pages /Count %d /Kids [%s] >>", len(pages), strings.Join(kids, " ")))
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	trailer := fmt.Sprintf("/Size %d /Root %d 0 R /ID [<%x> <%x>]", len(objs)+1, catalog, id, id)
	if encObj != 0 {
		trailer += fmt.Sprintf(" /Encrypt %d 0 R", encObj)
	}
	fmt.Fprintf(&b, "trailer\n<< %s >>\nstartxref\n%d\n%%%%EOF\n", trailer, xref)
	return b.Bytes()
}

// ruledTable draws a grid with column boundaries xs and row boundaries ys and writes
// cells[r][c] (each may hold several lines separated by "\n") left-aligned in each cell.
// Cells holding "" are left empty; spans are drawn by omitting the inner rules listed in
// noV (vertical rule c+1 skipped in row r: key [2]int{r, c}) and noH (horizontal rule r+1
// skipped in column c: key [2]int{r, c}).
func ruledTable(xs, ys []float64, cells [][]string, noV, noH map[[2]int]bool) tPage {
	var p tPage
	// Frame.
	p.lines = append(p.lines,
		tLine{xs[0], ys[0], xs[len(xs)-1], ys[0]}, tLine{xs[0], ys[len(ys)-1], xs[len(xs)-1], ys[len(ys)-1]},
		tLine{xs[0], ys[0], xs[0], ys[len(ys)-1]}, tLine{xs[len(xs)-1], ys[0], xs[len(xs)-1], ys[len(ys)-1]})
	for r := 0; r+1 < len(ys); r++ {
		for c := 0; c+1 < len(xs); c++ {
			if c+2 < len(xs) && !noV[[2]int{r, c}] {
				p.lines = append(p.lines, tLine{xs[c+1], ys[r], xs[c+1], ys[r+1]})
			}
			if r+2 < len(ys) && !noH[[2]int{r, c}] {
				p.lines = append(p.lines, tLine{xs[c], ys[r+1], xs[c+1], ys[r+1]})
			}
			if r < len(cells) && c < len(cells[r]) && cells[r][c] != "" {
				ls := strings.Split(cells[r][c], "\n")
				h := ys[r+1] - ys[r]
				top := ys[r] + (h-float64(len(ls))*12)/2 + 9
				for k, l := range ls {
					p.texts = append(p.texts, tText{x: xs[c] + 3, y: top + float64(k)*12, s: l})
				}
			}
		}
	}
	return p
}
