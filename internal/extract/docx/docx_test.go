package docx_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/extract/docx"
)

const wns = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"`

// build returns a DOCX package whose document.xml has the given body XML, plus extra parts.
func build(t testing.TB, body string, extra map[string]string) []byte {
	t.Helper()
	parts := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"word/document.xml":   `<?xml version="1.0" encoding="UTF-8"?><w:document ` + wns + `><w:body>` + body + `</w:body></w:document>`,
	}
	for k, v := range extra {
		parts[k] = v
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, content)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func p(text string) string { return `<w:p><w:r><w:t>` + text + `</w:t></w:r></w:p>` }

// tc is a cell with optional properties (gridSpan / vMerge XML) and paragraphs.
func tc(props string, paras ...string) string {
	s := `<w:tc><w:tcPr>` + props + `</w:tcPr>`
	for _, x := range paras {
		s += p(x)
	}
	if len(paras) == 0 {
		s += `<w:p/>`
	}
	return s + `</w:tc>`
}

func tbl(grid int, rows ...string) string {
	s := `<w:tbl><w:tblPr/><w:tblGrid>` + strings.Repeat(`<w:gridCol w:w="100"/>`, grid) + `</w:tblGrid>`
	for _, r := range rows {
		s += `<w:tr>` + r + `</w:tr>`
	}
	return s + `</w:tbl>`
}

// render shows a document as lines: "P text" for paragraphs, "T" then one line per row for
// tables, each cell as text, "<" for a horizontally spanned copy, "^" for a vertical one.
func render(d *extract.Document) string {
	var out []string
	for _, b := range d.Blocks {
		if b.Kind == extract.TextBlock {
			out = append(out, "P "+b.Text)
			continue
		}
		out = append(out, "T")
		for i, r := range b.Table.Rows {
			var cs []string
			for _, c := range r {
				switch {
				case c.Spanned && c.OriginRow < i:
					cs = append(cs, "^"+c.Text)
				case c.Spanned:
					cs = append(cs, "<"+c.Text)
				default:
					cs = append(cs, c.Text)
				}
			}
			out = append(out, strings.Join(cs, "|"))
		}
	}
	return strings.Join(out, "\n")
}

func TestExtract(t *testing.T) {
	tests := []struct {
		name, body string
		extra      map[string]string
		want       string
		title      string
	}{
		{
			name:  "paragraphs, runs, tabs, breaks",
			body:  `<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>XX局2022年政府信息</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>公开工作年度报告</w:t></w:r></w:p>` + `<w:p><w:r><w:t xml:space="preserve">一、 总体</w:t><w:tab/><w:t>情况</w:t><w:br/><w:t>第二行</w:t></w:r></w:p><w:p/>`,
			want:  "P XX局2022年政府信息公开工作年度报告\nP 一、 总体 情况\nP 第二行",
			title: "XX局2022年政府信息公开工作年度报告",
		},
		{
			name: "content controls, hyperlinks, insertions kept; deletions, fields, fallbacks dropped",
			body: `<w:sdt><w:sdtContent>` + p("控件内文字") + `</w:sdtContent></w:sdt>` +
				`<w:p><w:hyperlink><w:r><w:t>链接</w:t></w:r></w:hyperlink><w:ins><w:r><w:t>插入</w:t></w:r></w:ins><w:del><w:r><w:delText>删除</w:delText></w:r></w:del><w:r><w:instrText>PAGE</w:instrText></w:r></w:p>` +
				`<w:p><w:r><mc:AlternateContent><mc:Choice><w:drawing><w:txbxContent>` + p("文本框") + `</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>` + p("文本框") + `</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>`,
			want:  "P 控件内文字\nP 链接插入\nP 文本框",
			title: "控件内文字",
		},
		{
			name: "gridSpan and vMerge restart/continue",
			body: tbl(4,
				tc(`<w:vMerge w:val="restart"/>`, "信息内容")+tc(`<w:gridSpan w:val="3"/>`, "本年新", "制作数量"),
				tc(`<w:vMerge/>`)+tc(``, "a")+tc(``, "b")+tc(``, "c"),
				tc(`<w:vMerge w:val="continue"/>`)+tc(`<w:gridSpan w:val="2"/><w:vMerge w:val="restart"/>`, "x")+tc(``, "1"),
				tc(``, "末行")+tc(`<w:gridSpan w:val="2"/><w:vMerge/>`)+tc(``, "2"),
			),
			want: "T\n信息内容|本年新\n制作数量|<本年新\n制作数量|<本年新\n制作数量\n^信息内容|a|b|c\n^信息内容|x|<x|1\n末行|^x|^x|2",
		},
		{
			name: "gridBefore, gridAfter and short rows padded",
			body: tbl(3,
				tc(``, "a")+tc(``, "b")+tc(``, "c"),
				`<w:trPr><w:gridBefore w:val="1"/></w:trPr>`+tc(``, "d"),
				tc(``, "e"),
			),
			want: "T\na|b|c\n|d|\ne||",
		},
		{
			name: "sliver column no cell starts in is dropped",
			body: tbl(4,
				tc(`<w:gridSpan w:val="2"/>`, "ab")+tc(`<w:gridSpan w:val="2"/>`, "cd"),
				tc(`<w:gridSpan w:val="2"/>`, "a")+tc(`<w:gridSpan w:val="2"/>`, "b"),
			),
			want: "T\nab|cd\na|b",
		},
		{
			name: "legacy hMerge",
			body: tbl(3, tc(`<w:hMerge w:val="restart"/>`, "h")+tc(`<w:hMerge/>`)+tc(``, "z"), tc(``, "1")+tc(``, "2")+tc(``, "3")),
			want: "T\nh|<h|z\n1|2|3",
		},
		{
			name: "layout table with a nested table is unwrapped",
			body: tbl(1, tc(``, "标题段落")[:len(tc(``, "标题段落"))-len(`</w:tc>`)]+tbl(2, tc(``, "a")+tc(``, "b"), tc(``, "1")+tc(``, "2"))+p("表后")+`</w:tc>`) + p("正文"),
			want: "P 标题段落\nT\na|b\n1|2\nP 表后\nP 正文",
		},
		{
			name: "one-cell table is a layout table",
			body: tbl(1, tc(``, "框内文字")),
			want: "P 框内文字",
		},
		{
			name:  "title from core properties",
			body:  p("正文第一段") + p("XX局2023年政务公开年报"),
			extra: map[string]string{"docProps/core.xml": `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>某某区2023年政府信息公开工作年度报告</dc:title><dc:creator>张三</dc:creator></cp:coreProperties>`},
			want:  "P 正文第一段\nP XX局2023年政务公开年报",
			title: "某某区2023年政府信息公开工作年度报告",
		},
		{
			name:  "core title not naming a report loses to a paragraph",
			body:  p("正文第一段") + p("XX局2023年政务公开年报"),
			extra: map[string]string{"docProps/core.xml": `<cp:coreProperties xmlns:cp="x" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Microsoft Word - 模板</dc:title></cp:coreProperties>`},
			want:  "P 正文第一段\nP XX局2023年政务公开年报",
			title: "XX局2023年政务公开年报",
		},
		{
			name: "main part found through the package relationships",
			body: p("忽略"),
			extra: map[string]string{
				"_rels/.rels":        `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/word/document2.xml"/></Relationships>`,
				"word/document2.xml": `<w:document ` + wns + `><w:body>` + p("真正的正文") + `</w:body></w:document>`,
			},
			want: "P 真正的正文",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := docx.Extract(build(t, tt.body, tt.extra))
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if got := render(d); got != tt.want {
				t.Errorf("blocks:\n%s\nwant:\n%s", got, tt.want)
			}
			if tt.title != "" && d.Title != tt.title {
				t.Errorf("title %q, want %q", d.Title, tt.title)
			}
			if d.MediaType != extract.MediaDOCX {
				t.Errorf("media type %q", d.MediaType)
			}
			for _, b := range d.Blocks {
				if b.Kind == extract.TableBlock {
					for i, r := range b.Table.Rows {
						for j, c := range r {
							if !c.Spanned && (c.OriginRow != i || c.OriginCol != j) {
								t.Errorf("origin cell (%d,%d) has origin (%d,%d)", i, j, c.OriginRow, c.OriginCol)
							}
						}
					}
				}
			}
		})
	}
	t.Run("core properties in Meta", func(t *testing.T) {
		d, err := docx.Extract(build(t, p("x"), map[string]string{"docProps/core.xml": `<cp:coreProperties xmlns:cp="x" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>张三</dc:creator></cp:coreProperties>`}))
		if err != nil {
			t.Fatal(err)
		}
		if d.Meta["dc:creator"] != "张三" {
			t.Errorf("Meta = %v", d.Meta)
		}
	})
}

// rawEntry writes a zip entry from already-deflated bytes with the declared uncompressed size
// given (which may lie).
func rawEntry(t testing.TB, zw *zip.Writer, name string, plainSize uint64, crc uint32, deflated []byte) {
	t.Helper()
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc, CompressedSize64: uint64(len(deflated)), UncompressedSize64: plainSize})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(deflated)
}

// bombPart deflates a well-formed document.xml of n bytes made of empty paragraphs.
func bombPart(t testing.TB, n int) (deflated []byte, crc uint32, size int) {
	t.Helper()
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	h := crc32.NewIEEE()
	w := io.MultiWriter(fw, h)
	head := `<w:document ` + wns + `><w:body>`
	io.WriteString(w, head)
	chunk := []byte(strings.Repeat("<w:p/>", 10000))
	size = len(head)
	for size < n {
		w.Write(chunk)
		size += len(chunk)
	}
	io.WriteString(w, `</w:body></w:document>`)
	size += len(`</w:body></w:document>`)
	fw.Close()
	return buf.Bytes(), h.Sum32(), size
}

// zipElements returns a DOCX whose document part holds more than docx.MaxElements empty
// paragraphs, under the size limit.
func zipElements(t testing.TB) []byte {
	deflated, crc, size := bombPart(t, 6*(docx.MaxElements+10000))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	rawEntry(t, zw, "word/document.xml", uint64(size), crc, deflated)
	zw.Close()
	return buf.Bytes()
}

func TestBrokenInputs(t *testing.T) {
	deflated, crc, size := bombPart(t, 200<<20) // 200 MiB of XML, about 200 KiB deflated
	zipWith := func(declared uint64) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		rawEntry(t, zw, "word/document.xml", declared, crc, deflated)
		zw.Close()
		return buf.Bytes()
	}
	valid := build(t, p("XX局2022年政府信息公开工作年度报告")+tbl(2, tc(``, "a")+tc(``, "b")), nil)
	manyEntries := func() []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for i := range docx.MaxEntries + 1 {
			zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("f%d", i), Method: zip.Store})
		}
		zw.Close()
		return buf.Bytes()
	}()
	tests := []struct {
		name    string
		data    []byte
		wantErr error
		wantMsg string
		// churn marks inputs that allocate (and free) a lot while staying small in the heap:
		// the allocation bound is not checked for them.
		churn bool
	}{
		{"zip bomb, honest header", zipWith(uint64(size)), extract.ErrTooLarge, "uncompressed bytes", false},
		{"zip bomb, header claims 10 KB", zipWith(10 << 10), docx.ErrDamaged, "not a valid zip", false},
		{"truncated", valid[:len(valid)/2], docx.ErrDamaged, "truncated", false},
		{"empty input", nil, extract.ErrEmpty, "empty", false},
		{"zip that is not a DOCX", func() []byte {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			w, _ := zw.Create("readme.txt")
			io.WriteString(w, "hello")
			zw.Close()
			return buf.Bytes()
		}(), docx.ErrNotDOCX, "not a Word document", false},
		{"too many entries", manyEntries, extract.ErrTooLarge, "zip entries", false},
		{"malformed XML", build(t, `<w:p><w:r><w:t>x</w:r></w:p>`, nil), docx.ErrDamaged, "damaged", false},
		{"XML without body", build(t, "", map[string]string{"word/document.xml": `<w:document ` + wns + `/>`}), docx.ErrNotDOCX, "no w:body", false},
		{"nesting bomb", build(t, strings.Repeat("<w:sdt>", 5000)+strings.Repeat("</w:sdt>", 5000), nil), extract.ErrTooLarge, "nested deeper", false},
		{"millions of tiny elements", zipElements(t), extract.ErrTooLarge, "XML elements", true},
		{"random bytes", bytes.Repeat([]byte{0x13, 0x77, 0xfe}, 1000), docx.ErrDamaged, "not a readable zip", false},
		{"no text", build(t, "<w:p/>", nil), extract.ErrEmpty, "no text", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := docx.Extract(tt.data)
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q, want one wrapping %v and containing %q", err, tt.wantErr, tt.wantMsg)
			}
			// Bounded memory: nothing near the inflated size is ever allocated.
			if alloc := after.TotalAlloc - before.TotalAlloc; tt.churn {
				t.Logf("allocated %d MiB in total; heap in use after: %d MiB", alloc>>20, after.HeapInuse>>20)
			} else if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
				t.Errorf("allocated %d MiB", alloc>>20)
			}
		})
	}
}
