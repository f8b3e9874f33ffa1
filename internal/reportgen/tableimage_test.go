package reportgen

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // decoder for the JPEG pictures
	_ "image/png"  // decoder for the PNG pictures
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/image/font/sfnt"

	"github.com/ogireports/ogireports/internal/testutil"
)

func TestReplaceTables(t *testing.T) {
	img := func(n int) string { return fmt.Sprintf("i%d.png", n) }
	const p1 = `<p style="text-align:center"><img src="i1.png" border="0" alt=""></p>`
	const p2 = `<p style="text-align:center"><img src="i2.png" border="0" alt=""></p>`
	tests := []struct{ name, in, want string }{
		{"none", "<p>x</p>", "<p>x</p>"},
		{"two tables", "<p>a</p><table><tr><td>1</td></tr></table><p>b</p><TABLE border=1><tr><td>2</td></tr></TABLE>",
			"<p>a</p>" + p1 + "<p>b</p>" + p2},
		{"layout table kept", `<table class="layout"><tr><td><p>t</p><table><tr><td>1</td></tr></table></td></tr></table>`,
			`<table class="layout"><tr><td><p>t</p>` + p1 + `</td></tr></table>`},
		{"two inside a layout table", `<table><tr><td><table><tr><td>1</td></tr></table><table><tr><td>2</td></tr></table></td></tr></table>`,
			`<table><tr><td>` + p1 + p2 + `</td></tr></table>`},
		{"unclosed table kept", "<p>a</p><table><tr><td>1", "<p>a</p><table><tr><td>1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ReplaceTables(tc.in, img); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
	// The source is escaped into the attribute.
	if got := ReplaceTables("<table></table>", func(int) string { return `a"b&c` }); !strings.Contains(got, `src="a&#34;b&amp;c"`) {
		t.Errorf("source not escaped: %s", got)
	}
}

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"本年新收", []string{"本", "年", "新", "收"}},
		{"30,362", []string{"30,362"}},
		{"+3", []string{"+3"}},
		{"３０", []string{"３０"}},
		{"251000元", []string{"251000", "元"}},
		{"22（其中修订16件）", []string{"22", "（其", "中", "修", "订", "16", "件）"}},
		{"三、本年度", []string{"三、", "本", "年", "度"}},
		{"3.危及“三安全一稳定”", []string{"3.", "危", "及", "“三", "安", "全", "一", "稳", "定”"}},
		{"(三)不予公开", []string{"(三)", "不", "予", "公", "开"}},
		{"", nil},
	}
	for _, tc := range tests {
		if got := tokens(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("tokens(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFindCJKFont(t *testing.T) {
	dir := t.TempDir()
	font := filepath.Join(dir, "f.ttc")
	if err := os.WriteFile(font, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "none.ttc")
	tests := []struct {
		name    string
		env     string
		paths   []string
		want    string
		missing bool
	}{
		{"env wins", font, []string{missing}, font, false},
		{"env set but absent", missing, []string{font}, "", true},
		{"first existing path", "", []string{missing, dir, font}, font, false},
		{"none", "", []string{missing, dir}, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := findCJKFont(tc.env, tc.paths)
			if got != tc.want || (err != nil) != tc.missing {
				t.Fatalf("findCJKFont = %q, %v; want %q (error %v)", got, err, tc.want, tc.missing)
			}
			if tc.missing && !errors.Is(err, ErrToolMissing) {
				t.Errorf("error %v does not wrap ErrToolMissing", err)
			}
			if tc.name == "none" && !strings.Contains(err.Error(), "fonts-wqy-microhei") {
				t.Errorf("error %q does not name the Debian package", err)
			}
		})
	}
}

func TestAlignSFNT(t *testing.T) {
	// A collection of one font whose two tables start at odd offsets.
	var b bytes.Buffer
	be := func(n, v int) {
		for i := n - 1; i >= 0; i-- {
			b.WriteByte(byte(v >> (8 * i)))
		}
	}
	b.WriteString("ttcf")
	be(4, 0x00010000)
	be(4, 1)
	be(4, 16) // font 0 at 16
	be(4, 0x00010000)
	be(2, 2)
	be(6, 0)
	dir := b.Len()
	b.Write(make([]byte, 32))
	offA := b.Len() + 1
	b.WriteString("\x00AAA")
	offB := b.Len()
	b.WriteString("BBBBB")
	data := b.Bytes()
	put := func(at int, tag string, off, n int) {
		copy(data[at:], tag)
		for i, v := range []int{0x11223344, off, n} {
			for k := 0; k < 4; k++ {
				data[at+4+4*i+k] = byte(v >> (8 * (3 - k)))
			}
		}
	}
	put(dir, "aaaa", offA, 3)
	put(dir+16, "bbbb", offB, 5)

	out, err := alignSFNT(data)
	if err != nil {
		t.Fatal(err)
	}
	u32 := func(o int) int { return int(out[o])<<24 | int(out[o+1])<<16 | int(out[o+2])<<8 | int(out[o+3]) }
	if string(out[:4]) != "\x00\x01\x00\x00" || int(out[4])<<8|int(out[5]) != 2 {
		t.Fatalf("header %q", out[:12])
	}
	for i, want := range []string{"AAA", "BBBBB"} {
		rec := 12 + 16*i
		off, n := u32(rec+8), u32(rec+12)
		if off%4 != 0 || string(out[off:off+n]) != want || u32(rec+4) != 0x11223344 {
			t.Errorf("table %d: offset %d length %d content %q checksum %x", i, off, n, out[off:off+n], u32(rec+4))
		}
	}
	if _, err := alignSFNT(data[:20]); err == nil {
		t.Errorf("truncated directory accepted")
	}
}

// needFont skips (or fails under OGIREPORTS_REQUIRE_TOOLS=1) without a CJK font.
func needFont(t testing.TB) {
	t.Helper()
	if _, err := CJKFont(); err != nil {
		testutil.Missing(t, fmt.Sprintf("table pictures need a CJK font: %v", err))
	}
}

// tables returns the printed tables of a variant in body order.
func (v *Variant) tables() []*ttable {
	var out []*ttable
	for _, bl := range v.blocks() {
		if bl.kind == bTable {
			out = append(out, bl.tab)
		}
	}
	return out
}

// TestTableImages draws every variant's tables: one picture per table ReplaceTables replaces in
// BodyHTML (nested layout table and split t3 included), decodable in the declared format with
// the declared size, of a sane size, cropped to a ruled table, the same bytes every time (checked
// on every third variant), and both formats over the set.
func TestTableImages(t *testing.T) {
	needFont(t)
	var mu sync.Mutex
	formats := map[string]int{}
	seen := map[string]bool{}
	t.Run("variants", func(t *testing.T) {
		for i, v := range Variants(testSeed) {
			t.Run(v.ID, func(t *testing.T) {
				t.Parallel()
				ims, err := v.TableImages()
				if err != nil {
					t.Fatal(err)
				}
				replaced := 0
				ReplaceTables(v.BodyHTML(), func(n int) string { replaced = n; return "x" })
				if len(ims) != replaced || len(ims) != len(v.tables()) {
					t.Errorf("%d pictures, %d tables replaced in the body, %d printed tables", len(ims), replaced, len(v.tables()))
				}
				want := 3
				if v.has(QuirkT3Split) || v.has(QuirkT3SplitHeader) {
					want = 4
				}
				if len(ims) != want {
					t.Errorf("%d pictures, want %d", len(ims), want)
				}
				var again []TableImage
				if i%3 == 0 {
					if again, err = v.TableImages(); err != nil || len(again) != len(ims) {
						t.Fatalf("second rendering: %d pictures, %v", len(again), err)
					}
				}
				for k, im := range ims {
					if again != nil && !bytes.Equal(im.Data, again[k].Data) {
						t.Errorf("picture %d: bytes differ between two renderings", k+1)
					}
					if im.MediaType != ims[0].MediaType {
						t.Errorf("pictures in %s and %s", ims[0].MediaType, im.MediaType)
					}
					checkPicture(t, fmt.Sprintf("picture %d", k+1), im)
				}
				mu.Lock()
				defer mu.Unlock()
				for _, im := range ims {
					formats[im.MediaType]++
				}
				for _, q := range []string{QuirkNestedTable, QuirkT3Split, QuirkT3SplitHeader} {
					seen[q] = seen[q] || v.has(q)
				}
			})
		}
	})
	for _, q := range []string{QuirkNestedTable, QuirkT3Split, QuirkT3SplitHeader} {
		if !seen[q] {
			t.Errorf("no variant with %s checked", q)
		}
	}
	if formats["image/png"] == 0 || formats["image/jpeg"] == 0 || len(formats) != 2 {
		t.Errorf("formats over the set: %v, want PNG and JPEG", formats)
	}
	t.Logf("pictures: %v", formats)
}

// checkPicture decodes one picture and checks its format, size and crop.
func checkPicture(t *testing.T, name string, im TableImage) {
	t.Helper()
	img, format, err := image.Decode(bytes.NewReader(im.Data))
	if err != nil {
		t.Errorf("%s: decode: %v", name, err)
		return
	}
	if "image/"+format != im.MediaType || im.Ext() != map[string]string{"png": ".png", "jpeg": ".jpg"}[format] {
		t.Errorf("%s: decoded as %s, declared %s (%s)", name, format, im.MediaType, im.Ext())
	}
	b := img.Bounds()
	if b.Dx() != im.Width || b.Dy() != im.Height {
		t.Errorf("%s: %dx%d, declared %dx%d", name, b.Dx(), b.Dy(), im.Width, im.Height)
	}
	if b.Dx() < 500 || b.Dx() > 1400 || b.Dy() < 120 || b.Dy() > 3000 {
		t.Errorf("%s: size %dx%d is not a page-width table", name, b.Dx(), b.Dy())
	}
	grey := func(x, y int) int {
		r, g, bl, _ := img.At(x, y).RGBA()
		return int((r + g + bl) / 3 >> 8)
	}
	if grey(b.Min.X+1, b.Min.Y+1) < 235 || grey(b.Max.X-2, b.Max.Y-2) < 235 {
		t.Errorf("%s: corners are not white paper", name)
	}
	// Cropped to the table: the top and bottom rules are dark rows within ~14 px of the edges,
	// spanning the table's width.
	darkRow := func(y int) bool {
		n := 0
		for x := b.Min.X; x < b.Max.X; x++ {
			if grey(x, y) < 110 {
				n++
			}
		}
		return n > b.Dx()*9/10
	}
	found := func(ys []int) bool { return slices.ContainsFunc(ys, darkRow) }
	var top, bottom []int
	for d := 0; d < 16; d++ {
		top = append(top, b.Min.Y+d)
		bottom = append(bottom, b.Max.Y-1-d)
	}
	if !found(top) || !found(bottom) {
		t.Errorf("%s: no ruling line along the top and bottom edges (top %v, bottom %v)", name, found(top), found(bottom))
	}
}

// TestTableGlyphs checks that the font has a glyph for every character printed in a table of
// any variant (no missing-glyph boxes in the pictures).
func TestTableGlyphs(t *testing.T) {
	needFont(t)
	f, path, err := cjkFont()
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	missing := map[rune]bool{}
	for _, v := range Variants(testSeed) {
		for _, tb := range v.tables() {
			for _, row := range tb.rows {
				for _, c := range row {
					for _, r := range strings.ReplaceAll(c.text, "\n", "") {
						if gi, err := f.GlyphIndex(&buf, r); err != nil || gi == 0 {
							missing[r] = true
						}
					}
				}
			}
		}
	}
	if len(missing) > 0 {
		var rs []string
		for r := range missing {
			rs = append(rs, fmt.Sprintf("%q", r))
		}
		slices.Sort(rs)
		t.Errorf("%s has no glyph for %s", path, strings.Join(rs, " "))
	}
}

// TestTableKeys checks the cell keys the OCR test relies on: every printed key of a variant is
// on exactly one table cell, with its printed text.
func TestTableKeys(t *testing.T) {
	for _, v := range Variants(testSeed) {
		count := map[string]int{}
		for _, tb := range v.tables() {
			for _, row := range tb.rows {
				for _, c := range row {
					if c.key == "" {
						continue
					}
					count[c.key]++
					if c.text != v.Printed[c.key] {
						t.Errorf("%s %s: cell %q, printed %q", v.ID, c.key, c.text, v.Printed[c.key])
					}
				}
			}
		}
		for k := range v.Printed {
			if count[k] != 1 {
				t.Errorf("%s %s: on %d cells", v.ID, k, count[k])
			}
		}
		if len(count) != len(v.Printed) {
			t.Errorf("%s: %d keyed cells, %d printed keys", v.ID, len(count), len(v.Printed))
		}
	}
}
