package ocr

import (
	"bytes"
	"errors"
	"hash/crc32"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/reportgen"
	"github.com/ogireports/ogireports/internal/testutil"
)

// encode returns a synthetic ruled table page in the given format.
func encode(t *testing.T, format string) []byte {
	t.Helper()
	p := newPage(600, 400)
	p.table([]int{50, 250, 400, 550}, []int{50, 110, 170, 230}, 1, 0, nil, nil)
	var b bytes.Buffer
	var err error
	switch format {
	case "png":
		err = png.Encode(&b, p.img)
	case "jpeg":
		err = jpeg.Encode(&b, p.img, &jpeg.Options{Quality: 90})
	case "gif":
		err = gif.Encode(&b, p.img, nil)
	}
	if err != nil {
		t.Fatalf("encode %s: %v", format, err)
	}
	return b.Bytes()
}

func TestImageCorrupt(t *testing.T) {
	good := encode(t, "png")
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"not an image", []byte("<html>not an image</html>")},
		{"truncated png", good[:len(good)/2]},
		{"png header only", good[:16]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Image(tc.data)
			if err == nil {
				t.Fatalf("no error for corrupt input (doc %+v)", doc)
			}
			if errors.Is(err, ErrNeedsOCR) {
				t.Errorf("corrupt image reported as needs_ocr: %v", err)
			}
			if !strings.Contains(err.Error(), "decode") {
				t.Errorf("error %q does not say the image could not be decoded", err)
			}
		})
	}
	if _, err := Pages([][]byte{good, []byte("junk")}); err == nil || !strings.Contains(err.Error(), "page 2") {
		t.Errorf("Pages with a corrupt second page: error %v, want one naming page 2", err)
	}
}

// TestWithoutTesseract simulates a machine without tesseract (and pdftoppm): PATH holds
// nothing. Every entry point returns a Document flagged needs_ocr and an error wrapping
// ErrNeedsOCR, so that the pipeline records the report and archives its images.
func TestWithoutTesseract(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	if Available() {
		t.Fatal("Available() with an empty PATH")
	}
	calls := []struct {
		name string
		call func() (*extract.Document, error)
	}{
		{"Image png", func() (*extract.Document, error) { return Image(encode(t, "png")) }},
		{"Image jpeg", func() (*extract.Document, error) { return Image(encode(t, "jpeg")) }},
		{"Image gif", func() (*extract.Document, error) { return Image(encode(t, "gif")) }},
		{"Pages", func() (*extract.Document, error) { return Pages([][]byte{encode(t, "png"), encode(t, "png")}) }},
		{"PDF", func() (*extract.Document, error) { return PDF([]byte("%PDF-1.4\n%%EOF\n")) }},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			doc, err := c.call()
			if !errors.Is(err, ErrNeedsOCR) {
				t.Fatalf("error %v does not wrap ErrNeedsOCR", err)
			}
			if doc == nil || !slices.Contains(doc.Flags, FlagNeedsOCR) {
				t.Fatalf("document %+v not flagged %q", doc, FlagNeedsOCR)
			}
			if len(doc.Blocks) != 0 {
				t.Errorf("a needs_ocr document has %d blocks: nothing may be presented as read", len(doc.Blocks))
			}
		})
	}
}

// needOCR skips (or fails under OGIREPORTS_REQUIRE_TOOLS=1) without tesseract and chi_sim.
func needOCR(t testing.TB) {
	t.Helper()
	testutil.NeedTool(t, "tesseract", "tesseract-ocr")
	if !Available() {
		msg := "tesseract has no chi_sim language (Debian package tesseract-ocr-chi-sim); this test needs it"
		if testutil.ToolsRequired() {
			t.Fatal(msg + ", and OGIREPORTS_REQUIRE_TOOLS=1 forbids skipping")
		}
		t.Skip(msg)
	}
}

// TestImageJPEGTable reads one page of a rendered report re-encoded as JPEG (a table picture as
// HTML pages embed them) and checks table 四 cell by cell against the truth, and the cell
// metadata every OCR cell must carry.
func TestImageJPEGTable(t *testing.T) {
	if testing.Short() {
		t.Skip("renders and OCRs a report page; skipped with -short")
	}
	needOCR(t)
	v := reportgen.Variants(20260101)[2]
	pages := scan(t, v)
	last, _, err := image.Decode(bytes.NewReader(pages[len(pages)-1]))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, last, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	doc, err := Image(b.Bytes())
	if err != nil {
		t.Fatalf("Image: %v", err)
	}
	if doc.MediaType != "image/jpeg" || !slices.Contains(doc.Flags, normalize.FlagOCR) {
		t.Errorf("media type %q, flags %v", doc.MediaType, doc.Flags)
	}
	var tables int
	for _, bl := range doc.Blocks {
		if bl.Table == nil {
			continue
		}
		tables++
		if !slices.Contains(bl.Table.Flags, normalize.FlagOCR) {
			t.Errorf("table flags %v lack ocr", bl.Table.Flags)
		}
		for i, row := range bl.Table.Rows {
			for j, c := range row {
				if c.Box == nil || c.Box.X1 <= c.Box.X0 || c.Box.Y1 <= c.Box.Y0 {
					t.Errorf("cell %d,%d: box %v", i, j, c.Box)
				}
				if c.Confidence < 0 || c.Confidence > 1 || !slices.Contains(c.Flags, normalize.FlagOCR) {
					t.Errorf("cell %d,%d: confidence %v flags %v", i, j, c.Confidence, c.Flags)
				}
				if c.Spanned != (c.OriginRow != i || c.OriginCol != j) {
					t.Errorf("cell %d,%d: spanned %v with origin %d,%d", i, j, c.Spanned, c.OriginRow, c.OriginCol)
				}
			}
		}
	}
	if tables == 0 {
		t.Fatal("no table found on the page")
	}
	rep, err := normalize.Normalize(doc)
	if err != nil {
		t.Fatalf("normalize: %v", err)
	}
	got := rep.Values()
	for _, k := range cells.T4Spec.Keys() {
		want := v.Truth[k]
		g := got[k]
		if (want == nil) != (g == nil) || (want != nil && math.Abs(*want-*g) > 1e-9) {
			t.Errorf("%s = %v, want %v (printed %q)", k, g, want, v.Printed[k])
		}
	}
}

// TestPDF renders a variant through LibreOffice to PDF and reads it as a scan.
func TestPDF(t *testing.T) {
	if testing.Short() {
		t.Skip("renders and OCRs a report; skipped with -short")
	}
	needOCR(t)
	testutil.NeedTool(t, "pdftoppm", "poppler-utils")
	testutil.NeedTool(t, "soffice", "libreoffice-writer")
	v := reportgen.Variants(20260101)[1]
	pdf, err := v.ViaLibreOffice("pdf")
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	doc, err := PDF(pdf)
	if err != nil {
		t.Fatalf("PDF: %v", err)
	}
	rep, err := normalize.Normalize(doc)
	if err != nil {
		t.Fatalf("normalize: %v", err)
	}
	s := score(v, rep)
	if len(s.silent) > 0 || float64(s.exact) < 0.98*float64(s.total) {
		t.Errorf("%d/%d exact; silent errors: %v", s.exact, s.total, s.silent)
	}
	if rep.Year != v.Year {
		t.Errorf("year %d, want %d", rep.Year, v.Year)
	}
	if _, err := PDF([]byte("%PDF-1.4 truncated")); err == nil || errors.Is(err, ErrNeedsOCR) {
		t.Errorf("broken PDF: error %v, want a pdftoppm error", err)
	}
}

// TestArbitrate checks that the identities choose between readings: a t3 cell misread (its
// alternative is the printed value) is corrected, an alternative that breaks checks is not
// taken, and a document whose checks pass is left alone.
func TestArbitrate(t *testing.T) {
	v := reportgen.Variants(20260101)[0]
	want := v.Printed["t3.new_received.natural_person"]
	n, err := strconv.Atoi(want)
	if err != nil {
		t.Fatalf("printed %q is not an integer", want)
	}
	wrong := strconv.Itoa(n + 7)
	tests := []struct {
		name     string
		start    string
		alts     []string
		wantText string
	}{
		{"misread corrected", wrong, []string{"999", want}, want},
		{"no alternative helps", wrong, []string{"999"}, wrong},
		{"consistent document untouched", want, []string{wrong}, want},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := extract.HTML(v.HTML(), "")
			if err != nil {
				t.Fatal(err)
			}
			a, ok := findCell(doc, "新收", want)
			if !ok {
				t.Fatalf("no cell %q in the 新收 row", want)
			}
			a.texts = tc.alts
			a.setText(tc.start)
			arbitrate(doc, []altCell{a})
			if got := a.t.Rows[a.row][a.col].Text; got != tc.wantText {
				t.Errorf("cell text %q, want %q", got, tc.wantText)
			}
		})
	}
}

// findCell locates the first origin cell with the given text in a row whose label contains
// label.
func findCell(doc *extract.Document, label, text string) (altCell, bool) {
	for _, b := range doc.Blocks {
		if b.Table == nil {
			continue
		}
		for i, row := range b.Table.Rows {
			if !strings.Contains(row[0].Text, label) {
				continue
			}
			for j, c := range row {
				if !c.Spanned && c.Text == text {
					return altCell{t: b.Table, row: i, col: j, rows: 1, cols: 1}, true
				}
			}
		}
	}
	return altCell{}, false
}

func TestParseTSV(t *testing.T) {
	tsv := "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n" +
		"1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t\n" +
		"5\t1\t1\t1\t1\t1\t10\t20\t30\t40\t96.5\t378\n" +
		"5\t1\t1\t1\t1\t2\t50\t20\t30\t40\t12\t \n" +
		"5\t1\t1\t1\t2\t1\t10\t70\t30\t40\t88\t规章\n" +
		"5\tbad\n"
	ws := parseTSV(tsv)
	if len(ws) != 2 {
		t.Fatalf("%d words, want 2: %+v", len(ws), ws)
	}
	if ws[0].text != "378" || ws[0].conf != 96.5 || ws[0].box != image.Rect(10, 20, 40, 60) {
		t.Errorf("word 0 = %+v", ws[0])
	}
	ls := lines(ws, cjkSep)
	if len(ls) != 2 || ls[1].text != "规章" || math.Abs(ls[0].conf-0.965) > 1e-9 {
		t.Errorf("lines = %+v", ls)
	}
}

func TestCellShapes(t *testing.T) {
	tests := []struct {
		s             string
		numeric, dash bool
		core          string
	}{
		{"378", true, false, "378"},
		{"30,362", true, false, "30362"},
		{"+3", true, false, "+3"},
		{"-18", true, false, "-18"},
		{"251000元", true, false, "251000"},
		{"３０", true, false, "30"},
		{"22（其中修订16件）", false, false, "2216"},
		{"—", false, true, ""},
		{"一", false, true, ""},
		{"/", false, false, "/"},
		{"无", false, false, ""},
		{"规章", false, false, ""},
	}
	for _, tc := range tests {
		if got := numericShape(tc.s); got != tc.numeric {
			t.Errorf("numericShape(%q) = %v", tc.s, got)
		}
		if got := dashLike(tc.s); got != tc.dash {
			t.Errorf("dashLike(%q) = %v", tc.s, got)
		}
		if got := numCore(tc.s); got != tc.core {
			t.Errorf("numCore(%q) = %q, want %q", tc.s, got, tc.core)
		}
	}
}

// TestAvailableMatchesTools checks that a tesseract without chi_sim does not count as OCR.
func TestAvailableMatchesTools(t *testing.T) {
	dir := t.TempDir()
	// A fake tesseract without chi_sim: Available must say no.
	fake := filepath.Join(dir, "tesseract")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\necho 'List of available languages (1):'\necho eng\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	if Available() {
		t.Error("Available() with a tesseract lacking chi_sim")
	}
	doc, err := Image(encode(t, "png"))
	if !errors.Is(err, ErrNeedsOCR) || doc == nil || !slices.Contains(doc.Flags, FlagNeedsOCR) {
		t.Errorf("without chi_sim: doc %+v, err %v", doc, err)
	}
}

// TestImageNoTable reads images without a ruled table: nothing is invented, and drawn
// non-text shapes give no table.
func TestImageNoTable(t *testing.T) {
	needOCR(t)
	tests := []struct {
		name string
		draw func(p *page)
	}{
		{"blank", func(p *page) {}},
		{"separator rules and a photo block", func(p *page) {
			p.hline(40, 560, 40, 1, 0)
			p.rect(100, 100, 300, 250, 60)
			p.hline(40, 560, 360, 2, 0)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newPage(600, 400)
			tc.draw(p)
			var b bytes.Buffer
			if err := png.Encode(&b, p.img); err != nil {
				t.Fatal(err)
			}
			doc, err := Image(b.Bytes())
			if err != nil {
				t.Fatalf("Image: %v", err)
			}
			if doc.MediaType != "image/png" || !slices.Contains(doc.Flags, normalize.FlagOCR) {
				t.Errorf("media type %q, flags %v", doc.MediaType, doc.Flags)
			}
			for _, bl := range doc.Blocks {
				if bl.Table != nil {
					t.Errorf("table found in an image without one: %q", bl.Text)
				}
			}
		})
	}
}

// TestImageTooLarge refuses a decompression bomb from its header, before decoding it.
func TestImageTooLarge(t *testing.T) {
	// A valid PNG header declaring 20000x20000 pixels, with no pixel data.
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	hdr := append([]byte(nil), data[:33]...)
	// IHDR width and height (big-endian) at offsets 16 and 20, then the chunk's CRC.
	put := func(o int, v uint32) {
		hdr[o], hdr[o+1], hdr[o+2], hdr[o+3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
	}
	put(16, 20000)
	put(20, 20000)
	put(29, crc32.ChecksumIEEE(hdr[12:29]))
	_, err := Image(hdr)
	if err == nil || !strings.Contains(err.Error(), "beyond the limit") {
		t.Errorf("error %v, want a size limit error", err)
	}
}

// TestCombine checks how the chi_sim and digit readings of a cell are combined: the digit
// reading wins, disagreement is flagged with the other reading kept as an alternative, blank
// markers read alike are certain, and nothing uncertain goes unflagged.
func TestCombine(t *testing.T) {
	r := func(s string, c float64) reading { return reading{text: s, conf: c} }
	tests := []struct {
		name    string
		z       reading
		d       *reading
		inkH    int
		want    string
		low     bool
		alts    []string
		numeric bool
	}{
		{"label", r("行政许可", 0.95), nil, 20, "行政许可", false, nil, false},
		{"agreeing number", r("378", 0.9), &reading{"378", 0.96}, 15, "378", false, nil, true},
		{"disagreeing number", r("38", 0.9), &reading{"378", 0.96}, 15, "378", true, []string{"38"}, true},
		{"low confidence digits", r("5", 0.9), &reading{"5", 0.4}, 15, "5", true, nil, true},
		{"money unit kept", r("251000元", 0.9), &reading{"251000", 0.95}, 15, "251000元", false, nil, true},
		{"unit forced into a digit", r("85423600元", 0.9), &reading{"854236003", 0.95}, 15, "85423600元", false, nil, true},
		{"digit read as Han", r("工", 0.3), &reading{"1", 0.9}, 15, "1", true, []string{"工"}, true},
		{"blank word", r("无", 0.95), nil, 20, "无", false, nil, false},
		// A short uncertain reading the digit pass saw no digit in stays text, flagged: it may be
		// a label, or a number neither pass could read.
		{"short label, no digit", r("合计", 0.5), &reading{"", 0}, 20, "合计", true, nil, false},
		{"number read as Han, no digit", r("和", 0.9), &reading{"", 0}, 20, "和", true, nil, false},
		{"dash read alike", r("一", 0.9), &reading{"-", 0.95}, 2, "—", false, nil, true},
		{"tall ink read as a dash", r("一", 0.9), &reading{"-", 0.95}, 15, "—", true, nil, true},
		{"sign lost by one pass", r("-1", 0.9), &reading{"-", 0.95}, 15, "—", true, []string{"-1"}, true},
		{"ink but nothing read", r("", 0), &reading{"", 0}, 15, "", true, nil, true},
		{"slash", r("/", 0.9), &reading{"/", 0.95}, 15, "/", false, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cr, numeric := combine(tc.z, tc.d, tc.inkH, 22)
			if cr.text != tc.want || cr.low != tc.low || numeric != tc.numeric || !slices.Equal(cr.alts, tc.alts) {
				t.Errorf("combine = %q low=%v numeric=%v alts=%q; want %q low=%v numeric=%v alts=%q",
					cr.text, cr.low, numeric, cr.alts, tc.want, tc.low, tc.numeric, tc.alts)
			}
			if cr.conf < 0 || cr.conf > 1 {
				t.Errorf("confidence %v outside [0,1]", cr.conf)
			}
		})
	}
}

// TestParagraphs joins wrapped lines and keeps headings, short lines and right-aligned lines
// apart.
func TestParagraphs(t *testing.T) {
	l := func(x0, y0, x1, h int, s string) textLine {
		return textLine{box: image.Rect(x0, y0, x1, y0+h), text: s, conf: 0.9}
	}
	ls := []textLine{
		l(100, 100, 990, 40, "某某区人民政府2023年政府信息公开工作年度"), // title, wrapped
		l(100, 145, 200, 40, "报告"),
		l(100, 220, 300, 22, "一、总体情况"),               // heading
		l(100, 250, 1000, 22, "本报告由总体情况、主动公开政府信息情况"), // paragraph, wrapped
		l(100, 276, 600, 22, "等六部分组成。"),
		l(100, 300, 1000, 22, "某某区人民政府"),    // reaches the margin
		l(850, 326, 1000, 22, "2024年1月20日"), // right-aligned date: not a continuation
	}
	got := paragraphs(ls)
	want := []string{
		"某某区人民政府2023年政府信息公开工作年度报告",
		"一、总体情况",
		"本报告由总体情况、主动公开政府信息情况等六部分组成。",
		"某某区人民政府",
		"2024年1月20日",
	}
	var texts []string
	for _, p := range got {
		texts = append(texts, p.text)
	}
	if !slices.Equal(texts, want) {
		t.Errorf("paragraphs:\n got %q\nwant %q", texts, want)
	}
}
