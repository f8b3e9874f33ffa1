package reportgen

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand"
	"os"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// TableImage is one printed table of a report drawn as a picture, as sites that publish their
// statistics tables as <img> do.
type TableImage struct {
	// MediaType is "image/png" or "image/jpeg".
	MediaType string
	// Data is the encoded picture.
	Data []byte
	// Width and Height are the picture's size in pixels.
	Width, Height int
}

// Ext returns the usual file extension of the picture's format: ".jpg" or ".png".
func (t TableImage) Ext() string {
	if t.MediaType == "image/jpeg" {
		return ".jpg"
	}
	return ".png"
}

// CJKFontEnv names the environment variable holding the path of the CJK font (.ttf, .otf or
// .ttc; the first font of a collection is used) that TableImages draws with. When it is unset
// the usual Linux, macOS and Windows locations are searched (CJKFontPaths).
const CJKFontEnv = "OGIREPORTS_CJK_FONT"

// CJKFontPaths are the font files searched, in order, when CJKFontEnv is unset.
var CJKFontPaths = []string{
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
	"/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
	"/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
	"/usr/share/fonts/truetype/arphic/uming.ttc",
	"/System/Library/Fonts/STHeiti Light.ttc",
	"/Library/Fonts/Arial Unicode.ttf",
	`C:\Windows\Fonts\simsun.ttc`,
	`C:\Windows\Fonts\msyh.ttc`,
}

// findCJKFont returns the font file to use: env when set (it must exist), else the first of
// paths that exists. Without one it returns an error wrapping ErrToolMissing.
func findCJKFont(env string, paths []string) (string, error) {
	if env != "" {
		if _, err := os.Stat(env); err != nil {
			return "", fmt.Errorf("CJK font %s=%s: %w (%w)", CJKFontEnv, env, ErrToolMissing, err)
		}
		return env, nil
	}
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("no CJK font found (install the Debian package fonts-wqy-microhei, or set %s to a .ttf/.otf/.ttc): %w",
		CJKFontEnv, ErrToolMissing)
}

// parseFont reads a font file; a collection (.ttc) yields its first font. Fonts whose tables
// are not 4-byte aligned (wqy-microhei.ttc is such a file), which golang.org/x/image/font/sfnt
// refuses, are repacked in memory with aligned tables first.
func parseFont(path string) (*sfnt.Font, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read font %s: %w", path, err)
	}
	f, err := parseSFNT(data)
	if err == nil {
		return f, nil
	}
	aligned, aerr := alignSFNT(data)
	if aerr != nil {
		return nil, fmt.Errorf("parse font %s: %w (repacking it: %w)", path, err, aerr)
	}
	f, aerr = opentype.Parse(aligned)
	if aerr != nil {
		return nil, fmt.Errorf("parse font %s: %w (repacked: %w)", path, err, aerr)
	}
	return f, nil
}

// parseSFNT parses a font or the first font of a collection.
func parseSFNT(data []byte) (*sfnt.Font, error) {
	if !bytes.HasPrefix(data, []byte("ttcf")) {
		return opentype.Parse(data)
	}
	c, err := opentype.ParseCollection(data)
	if err != nil {
		return nil, err
	}
	return c.Font(0)
}

// alignSFNT copies a font (the first of a collection) into a standalone sfnt file whose tables
// start on 4-byte boundaries, as the OpenType specification requires. Table contents and
// checksums are kept as they are.
func alignSFNT(data []byte) ([]byte, error) {
	u16 := func(o int) int { return int(data[o])<<8 | int(data[o+1]) }
	u32 := func(o int) int { return u16(o)<<16 | u16(o+2) }
	base := 0
	if bytes.HasPrefix(data, []byte("ttcf")) {
		if len(data) < 16 || u32(8) < 1 {
			return nil, errors.New("truncated collection header")
		}
		base = u32(12)
	}
	if base+12 > len(data) {
		return nil, errors.New("truncated font header")
	}
	n := u16(base + 4)
	dir := base + 12
	if n == 0 || dir+16*n > len(data) {
		return nil, errors.New("truncated table directory")
	}
	out := make([]byte, 12+16*n, len(data))
	copy(out, data[base:base+12])
	for i := 0; i < n; i++ {
		rec := dir + 16*i
		off, length := u32(rec+8), u32(rec+12)
		if off < 0 || length < 0 || off+length > len(data) {
			return nil, fmt.Errorf("table %q beyond the end of the file", data[rec:rec+4])
		}
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
		copy(out[12+16*i:], data[rec:rec+8]) // tag and checksum
		no := len(out)
		out[12+16*i+8], out[12+16*i+9], out[12+16*i+10], out[12+16*i+11] = byte(no>>24), byte(no>>16), byte(no>>8), byte(no)
		out[12+16*i+12], out[12+16*i+13], out[12+16*i+14], out[12+16*i+15] = byte(length>>24), byte(length>>16), byte(length>>8), byte(length)
		out = append(out, data[off:off+length]...)
	}
	return out, nil
}

var (
	fontOnce sync.Once
	fontPath string
	fontCJK  *sfnt.Font
	fontErr  error
)

// cjkFont finds and parses the CJK font once per process (CJKFontEnv is read at the first call).
func cjkFont() (*sfnt.Font, string, error) {
	fontOnce.Do(func() {
		fontPath, fontErr = findCJKFont(os.Getenv(CJKFontEnv), CJKFontPaths)
		if fontErr == nil {
			fontCJK, fontErr = parseFont(fontPath)
		}
	})
	return fontCJK, fontPath, fontErr
}

// CJKFont returns the path of the CJK font TableImages draws with, or an error wrapping
// ErrToolMissing when there is none (Debian package fonts-wqy-microhei). The font is looked up
// and parsed once per process.
func CJKFont() (string, error) {
	_, p, err := cjkFont()
	return p, err
}

// imageStyle is how one variant's tables are drawn: the choices a site's CMS or the person
// taking the screenshots made, fixed per variant.
type imageStyle struct {
	px         float64 // font size in pixels (10.5 pt at 150 dpi is 22 px)
	lineGap    float64 // line height as a multiple of px
	rule       int     // ruling line width in pixels
	ink, rules uint8   // grey level of the text and of the lines
	headFill   uint8   // grey level behind header cells (255 = none)
	maxWidth   int     // the table is fitted to this width when its content allows
	margin     int
	jpeg       bool
	quality    int
}

// imageStyle draws the variant's picture style from its seed (its own stream, so that the
// rendering choices of the HTML do not shift).
func (v *Variant) imageStyle() imageStyle {
	r := rand.New(rand.NewSource(v.seed ^ 0x5eed1a6e))
	st := imageStyle{
		px:       float64(22 + r.Intn(5)),
		lineGap:  1.3 + 0.05*float64(r.Intn(4)),
		rule:     1,
		ink:      uint8(r.Intn(40)),
		rules:    uint8(r.Intn(50)),
		headFill: 255,
		maxWidth: 940 + 20*r.Intn(10),
		margin:   8 + r.Intn(5),
		jpeg:     r.Intn(5) < 2,
		quality:  85 + r.Intn(8),
	}
	if r.Intn(3) == 0 {
		st.rule = 2
	}
	if r.Intn(3) == 0 {
		st.headFill = uint8(232 + r.Intn(16))
	}
	return st
}

// TableImages draws every printed table of the variant as a picture, one per table in the
// order the tables appear in BodyHTML() (so ReplaceTables(v.BodyHTML(), …) puts picture n in
// place of table n; table 三 printed in two parts gives two pictures). Each picture is what a
// screenshot of the table in a word processor looks like: white paper, dark text in a CJK font of
// 22–26 px (about 10.5 pt at 150 dpi) centred in its cell and wrapped to the column width (a
// narrow column under a tall label prints one or two characters per line), black ruling lines of
// 1–2 px around every cell with rowspan and colspan respected, column widths computed from the
// content and fitted to about a page width, a margin of about 10 px, cropped to the table.
// The variant's seed chooses deterministically the font size, line widths and grey levels, an
// optional light grey header fill, and the format: PNG, or JPEG of quality 85–92 for about two
// variants in five (all pictures of a variant share a format). Same variant, same bytes.
//
// The font is CJKFont(); without one TableImages returns an error wrapping ErrToolMissing.
func (v Variant) TableImages() ([]TableImage, error) {
	f, _, err := cjkFont()
	if err != nil {
		return nil, fmt.Errorf("reportgen %s table images: %w", v.ID, err)
	}
	st := v.imageStyle()
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: st.px, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("reportgen %s table images: font face: %w", v.ID, err)
	}
	defer face.Close()
	var out []TableImage
	for _, bl := range v.blocks() {
		if bl.kind != bTable {
			continue
		}
		img := drawTable(bl.tab, face, st)
		var buf bytes.Buffer
		ti := TableImage{MediaType: "image/png", Width: img.Bounds().Dx(), Height: img.Bounds().Dy()}
		if st.jpeg {
			// A screenshot saved by a CMS is a colour JPEG (YCbCr, chroma subsampled).
			rgba := image.NewRGBA(img.Bounds())
			for i, y := range img.Pix {
				rgba.Pix[4*i], rgba.Pix[4*i+1], rgba.Pix[4*i+2], rgba.Pix[4*i+3] = y, y, y, 255
			}
			err = jpeg.Encode(&buf, rgba, &jpeg.Options{Quality: st.quality})
			ti.MediaType = "image/jpeg"
		} else {
			err = png.Encode(&buf, img)
		}
		if err != nil {
			return nil, fmt.Errorf("reportgen %s table images: encode %s: %w", v.ID, ti.MediaType, err)
		}
		ti.Data = buf.Bytes()
		out = append(out, ti)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("reportgen %s table images: no table", v.ID)
	}
	return out, nil
}

// tokens splits one line of cell text into the pieces a line may break between: each CJK
// character on its own, runs of digits and Latin letters (numbers such as 30,362 or +3) whole,
// closing punctuation kept with the piece before it and opening punctuation with the piece
// after it (a line never starts with ） or ends with （).
func tokens(s string) []string {
	var out []string
	word := func(r rune) bool {
		return r < 0x2E80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(".,+-/%", r)) ||
			(r >= '０' && r <= '９')
	}
	closing := "）)、，。：；！？”’》〉】」』,.:;!?"
	opening := "（(“‘《〈【「『"
	glue := false // the previous piece was opening punctuation: append to it
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		piece := s[:n]
		s = s[n:]
		if word(r) {
			for len(s) > 0 {
				r2, n2 := utf8.DecodeRuneInString(s)
				if !word(r2) {
					break
				}
				piece += s[:n2]
				s = s[n2:]
			}
		}
		switch {
		case glue:
			out[len(out)-1] += piece
		case strings.ContainsRune(closing, r) && len(out) > 0:
			out[len(out)-1] += piece
		default:
			out = append(out, piece)
		}
		glue = strings.ContainsRune(opening, r)
	}
	return out
}

// textWidth is the advance of s in pixels (rounded up).
func textWidth(face font.Face, s string) int {
	return font.MeasureString(face, s).Ceil()
}

// wrap breaks text (with "\n" for hard breaks) into lines no wider than w pixels; a piece wider
// than w gets a line of its own.
func wrap(face font.Face, text string, w int) []string {
	var lines []string
	for _, hard := range strings.Split(text, "\n") {
		cur := ""
		for _, t := range tokens(hard) {
			if cur != "" && textWidth(face, cur+t) > w {
				lines = append(lines, cur)
				cur = ""
			}
			cur += t
		}
		lines = append(lines, cur)
	}
	return lines
}

// drawTable lays out and draws one table.
func drawTable(t *ttable, face font.Face, st imageStyle) *image.Gray {
	g := t.grid()
	nrows := len(g)
	ncols := 0
	for _, row := range g {
		ncols = max(ncols, len(row))
	}
	if nrows == 0 || ncols == 0 {
		img := image.NewGray(image.Rect(0, 0, 2*st.margin, 2*st.margin))
		for i := range img.Pix {
			img.Pix[i] = 255
		}
		return img
	}
	padX := int(st.px * 0.45)
	padY := int(st.px * 0.3)
	lineH := int(st.px*st.lineGap + 0.5)
	emptyRowH := lineH + 2*padY

	type origin struct {
		c      *tcell
		r0, c0 int
	}
	var cellsList []origin
	for ri, row := range g {
		for ci, p := range row {
			if p.c != nil && p.r0 == ri && p.c0 == ci {
				cellsList = append(cellsList, origin{p.c, ri, ci})
			}
		}
	}

	// Column widths (each includes one ruling line): minimum and preferred from the cells
	// spanning one column, then widened for the cells spanning several, narrowest spans first.
	minW := make([]int, ncols)
	maxW := make([]int, ncols)
	for i := range minW {
		minW[i] = 2*padX + st.rule
		maxW[i] = minW[i]
	}
	cellMin := func(c *tcell) int {
		m := 0
		for _, hard := range strings.Split(c.text, "\n") {
			for _, tk := range tokens(hard) {
				m = max(m, textWidth(face, tk))
			}
		}
		return m + 2*padX + st.rule
	}
	cellMax := func(c *tcell) int {
		m := 0
		for _, hard := range strings.Split(c.text, "\n") {
			m = max(m, textWidth(face, hard))
		}
		w := m + 2*padX + st.rule
		if c.rs >= 3 && c.cs == 1 {
			// A tall label is printed narrow: the narrowest width whose wrapped lines fit the
			// height of its rows.
			room := c.rs * emptyRowH
			for cand := cellMin(c); cand < w; cand += int(st.px) {
				if len(wrap(face, c.text, cand-2*padX-st.rule))*lineH+2*padY <= room {
					return cand
				}
			}
		}
		return w
	}
	for span := 1; span <= ncols; span++ {
		for _, o := range cellsList {
			if o.c.cs != span {
				continue
			}
			grow(minW, o.c0, span, cellMin(o.c))
			grow(maxW, o.c0, span, cellMax(o.c))
		}
	}
	sumMin, sumMax := 0, 0
	for i := range minW {
		maxW[i] = max(maxW[i], minW[i])
		sumMin += minW[i]
		sumMax += maxW[i]
	}
	colW := make([]int, ncols)
	switch {
	case sumMax <= st.maxWidth:
		// Fill the page width (width="100%" or a Word table), in proportion to the content.
		extra := st.maxWidth - sumMax
		given := 0
		for i := range colW {
			add := extra * maxW[i] / sumMax
			colW[i] = maxW[i] + add
			given += add
		}
		colW[ncols-1] += extra - given
	case sumMin >= st.maxWidth:
		copy(colW, minW)
	default:
		room := st.maxWidth - sumMin
		given := 0
		for i := range colW {
			add := room * (maxW[i] - minW[i]) / (sumMax - sumMin)
			colW[i] = minW[i] + add
			given += add
		}
		for i := 0; given < room; i = (i + 1) % ncols {
			if colW[i] < maxW[i] {
				colW[i]++
				given++
			}
		}
	}

	// Line breaks per cell, then row heights (each includes one ruling line).
	xs := make([]int, ncols+1)
	xs[0] = st.margin
	for i, w := range colW {
		xs[i+1] = xs[i] + w
	}
	lines := make([][]string, len(cellsList))
	for i, o := range cellsList {
		w := xs[min(o.c0+o.c.cs, ncols)] - xs[o.c0] - st.rule - 2*padX
		lines[i] = wrap(face, o.c.text, w)
	}
	rowH := make([]int, nrows)
	for i := range rowH {
		rowH[i] = emptyRowH + st.rule
	}
	for span := 1; span <= nrows; span++ {
		for i, o := range cellsList {
			if o.c.rs != span {
				continue
			}
			grow(rowH, o.r0, span, len(lines[i])*lineH+2*padY+st.rule)
		}
	}
	ys := make([]int, nrows+1)
	ys[0] = st.margin
	for i, h := range rowH {
		ys[i+1] = ys[i] + h
	}

	W := xs[ncols] + st.rule + st.margin
	H := ys[nrows] + st.rule + st.margin
	img := image.NewGray(image.Rect(0, 0, W, H))
	fill := func(x0, y0, x1, y1 int, c uint8) {
		r := image.Rect(x0, y0, x1, y1).Intersect(img.Rect)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			row := img.Pix[y*img.Stride+r.Min.X : y*img.Stride+r.Max.X]
			for i := range row {
				row[i] = c
			}
		}
	}
	fill(0, 0, W, H, 255)
	m := face.Metrics()
	ascent, descent := m.Ascent.Ceil(), m.Descent.Ceil()
	d := &font.Drawer{Dst: img, Src: image.NewUniform(color.Gray{Y: st.ink}), Face: face}
	for i, o := range cellsList {
		x0, x1 := xs[o.c0], xs[min(o.c0+o.c.cs, ncols)]
		y0, y1 := ys[o.r0], ys[min(o.r0+o.c.rs, nrows)]
		if o.c.head && st.headFill < 255 {
			fill(x0, y0, x1, y1, st.headFill)
		}
		// The block of lines, centred vertically; each line centred (or right-aligned).
		block := len(lines[i]) * lineH
		top := y0 + st.rule + (y1-y0-st.rule-block)/2
		for k, l := range lines[i] {
			if l == "" {
				continue
			}
			w := textWidth(face, l)
			x := x0 + st.rule + (x1-x0-st.rule-w)/2
			if o.c.right {
				x = x1 - padX - w
			}
			base := top + k*lineH + (lineH-ascent-descent)/2 + ascent
			d.Dot = fixed.P(x, base)
			d.DrawString(l)
		}
	}
	// Ruling lines last, around every origin cell (shared borders coincide).
	for _, o := range cellsList {
		x0, x1 := xs[o.c0], xs[min(o.c0+o.c.cs, ncols)]
		y0, y1 := ys[o.r0], ys[min(o.r0+o.c.rs, nrows)]
		fill(x0, y0, x1+st.rule, y0+st.rule, st.rules)
		fill(x0, y1, x1+st.rule, y1+st.rule, st.rules)
		fill(x0, y0, x0+st.rule, y1+st.rule, st.rules)
		fill(x1, y0, x1+st.rule, y1+st.rule, st.rules)
	}
	return img
}

// grow makes sizes[from:from+span] (column widths or row heights under a spanning cell) add up
// to at least need, spreading what is missing evenly, the remainder on the first ones.
func grow(sizes []int, from, span, need int) {
	end := min(from+span, len(sizes))
	have := 0
	for k := from; k < end; k++ {
		have += sizes[k]
	}
	for k := from; need > have && k < end; k++ {
		add := (need - have + end - k - 1) / (end - k)
		sizes[k] += add
		have += add
	}
}
