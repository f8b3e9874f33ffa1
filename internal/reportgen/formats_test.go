package reportgen_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"image/png"
	"io"
	"strings"
	"testing"

	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/extract/doc"
	"github.com/ogireports/ogireports/internal/extract/docx"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/pipeline"
	"github.com/ogireports/ogireports/internal/reportgen"
	"github.com/ogireports/ogireports/internal/testutil"
)

// tables returns the table blocks of a document.
func tables(d *extract.Document) []*extract.Table {
	var out []*extract.Table
	for _, b := range d.Blocks {
		if b.Kind == extract.TableBlock {
			out = append(out, b.Table)
		}
	}
	return out
}

// sameTables compares two documents' tables position by position (text, spanned, origin).
func sameTables(t *testing.T, id string, got, want *extract.Document) {
	t.Helper()
	g, w := tables(got), tables(want)
	if len(g) != len(w) {
		t.Fatalf("%s: %d tables, want %d", id, len(g), len(w))
	}
	for k := range w {
		if len(g[k].Rows) != len(w[k].Rows) || g[k].NCols() != w[k].NCols() {
			t.Fatalf("%s: table %d is %d×%d, want %d×%d", id, k, len(g[k].Rows), g[k].NCols(), len(w[k].Rows), w[k].NCols())
		}
		for i, row := range w[k].Rows {
			for j, wc := range row {
				gc := g[k].Rows[i][j]
				if gc.Text != wc.Text || gc.Spanned != wc.Spanned || gc.OriginRow != wc.OriginRow || gc.OriginCol != wc.OriginCol {
					t.Fatalf("%s: table %d cell (%d,%d) = %q spanned %v origin (%d,%d), want %q spanned %v origin (%d,%d)",
						id, k, i, j, gc.Text, gc.Spanned, gc.OriginRow, gc.OriginCol, wc.Text, wc.Spanned, wc.OriginRow, wc.OriginCol)
				}
			}
		}
	}
}

func documentXML(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			return string(b)
		}
	}
	t.Fatal("no word/document.xml")
	return ""
}

// TestDOCXGrid checks, for every variant, that the DOCX writer reproduces the HTML tables
// exactly (same grid, spans as gridSpan/vMerge), deterministically, and uses the merge markup.
func TestDOCXGrid(t *testing.T) {
	for _, v := range reportgen.Variants(1) {
		data, err := v.DOCX()
		if err != nil {
			t.Fatalf("%s: %v", v.ID, err)
		}
		again, _ := v.DOCX()
		if !bytes.Equal(data, again) {
			t.Fatalf("%s: DOCX not deterministic", v.ID)
		}
		want, err := extract.HTML(v.HTML(), "")
		if err != nil {
			t.Fatal(err)
		}
		got, err := docx.Extract(data)
		if err != nil {
			t.Fatalf("%s: %v", v.ID, err)
		}
		sameTables(t, v.ID, got, want)
		if got.Title != v.Title() {
			t.Errorf("%s: title %q, want %q", v.ID, got.Title, v.Title())
		}
		x := documentXML(t, data)
		for _, m := range []string{`<w:gridSpan w:val=`, `<w:vMerge w:val="restart"/>`, `<w:vMerge/>`} {
			if !strings.Contains(x, m) {
				t.Errorf("%s: document.xml lacks %s", v.ID, m)
			}
		}
		nested := strings.Count(x, "<w:tbl>") > len(tables(want)) // the outer layout table
		if hasQuirk(v, reportgen.QuirkNestedTable) != nested {
			t.Errorf("%s: nested layout table %v, quirk %v", v.ID, nested, v.Quirks)
		}
		if hasQuirk(v, reportgen.QuirkHeaderBreaks) != strings.Contains(x, "<w:br/>") {
			t.Errorf("%s: w:br use does not follow the header_br quirk", v.ID)
		}
	}
}

func hasQuirk(v reportgen.Variant, q string) bool {
	for _, x := range v.Quirks {
		if x == q {
			return true
		}
	}
	return false
}

// TestDOCXReadByLibreOffice checks the Go-written DOCX with a real Word reader: LibreOffice
// opens it and saves it again, and the re-saved document has the same tables (same rows; the
// columns may differ by a sliver column LibreOffice adds when it rounds widths) and gives every
// truth cell through docx.Extract and normalize.
func TestDOCXReadByLibreOffice(t *testing.T) {
	testutil.NeedTool(t, "soffice", "libreoffice-writer-nogui")
	t.Cleanup(doc.RemoveProfiles)
	vs := reportgen.Variants(1)
	for _, v := range []reportgen.Variant{vs[0], vs[1], vs[10]} {
		data, err := v.DOCX()
		if err != nil {
			t.Fatal(err)
		}
		resaved, err := doc.Convert(context.Background(), data, "docx", "docx", 0)
		if err != nil {
			t.Fatalf("%s: %v", v.ID, err)
		}
		got, err := docx.Extract(resaved)
		if err != nil {
			t.Fatalf("%s: %v", v.ID, err)
		}
		want, _ := extract.HTML(v.HTML(), "")
		g, w := tables(got), tables(want)
		if len(g) != len(w) {
			t.Fatalf("%s: %d tables, want %d", v.ID, len(g), len(w))
		}
		for k := range w {
			if len(g[k].Rows) != len(w[k].Rows) || g[k].NCols() < w[k].NCols() || g[k].NCols() > w[k].NCols()+1 {
				t.Errorf("%s: table %d is %d×%d, want %d×%d", v.ID, k, len(g[k].Rows), g[k].NCols(), len(w[k].Rows), w[k].NCols())
			}
		}
		rep, err := normalize.Normalize(got)
		if err != nil {
			t.Fatalf("%s: %v", v.ID, err)
		}
		vals := rep.Values()
		for _, k := range v.Keys() {
			want, gotv := v.Truth[k], vals[k]
			if (want == nil) != (gotv == nil) || (want != nil && *want != *gotv) {
				t.Errorf("%s: %s = %v, want %v", v.ID, k, gotv, want)
			}
		}
	}
}

func TestViaLibreOffice(t *testing.T) {
	testutil.NeedTool(t, "soffice", "libreoffice-writer-nogui")
	t.Cleanup(doc.RemoveProfiles)
	v := reportgen.Variants(1)[2]
	tests := []struct {
		format string
		magic  string
		media  string
	}{
		{"pdf", "%PDF-", extract.MediaPDF},
		{"doc", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", extract.MediaDOC},
		{"docx", "PK\x03\x04", extract.MediaDOCX},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			b, err := v.ViaLibreOffice(tt.format)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(b, []byte(tt.magic)) {
				t.Errorf("output starts with %q", b[:min(8, len(b))])
			}
			if m := extract.Sniff(b, ""); m != tt.media {
				t.Errorf("sniffed %s, want %s", m, tt.media)
			}
		})
	}
	if _, err := v.ViaLibreOffice("odt"); err == nil {
		t.Error("odt accepted")
	}
}

func TestPNGScan(t *testing.T) {
	testutil.NeedTool(t, "soffice", "libreoffice-writer-nogui")
	t.Cleanup(doc.RemoveProfiles)
	testutil.NeedTool(t, "pdftoppm", "poppler-utils")
	pages, err := reportgen.Variants(1)[0].PNGScan(150)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) < 2 {
		t.Fatalf("%d pages, want a report of several pages", len(pages))
	}
	for i, p := range pages {
		cfg, err := png.DecodeConfig(bytes.NewReader(p))
		if err != nil {
			t.Fatalf("page %d: %v", i+1, err)
		}
		// A4 at 150 dpi is 1240×1754 pixels.
		if cfg.Width < 1200 || cfg.Width > 1280 || cfg.Height < 1700 || cfg.Height > 1800 {
			t.Errorf("page %d is %d×%d, want A4 at 150 dpi", i+1, cfg.Width, cfg.Height)
		}
	}
}

func TestToolMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	v := reportgen.Variants(1)[0]
	if _, err := v.ViaLibreOffice("pdf"); !errors.Is(err, reportgen.ErrToolMissing) {
		t.Errorf("ViaLibreOffice without soffice: %v, want ErrToolMissing", err)
	}
	if _, err := v.PNGScan(150); !errors.Is(err, reportgen.ErrToolMissing) {
		t.Errorf("PNGScan without tools: %v, want ErrToolMissing", err)
	}
	if _, err := v.DOCX(); err != nil {
		t.Errorf("DOCX needs no tool: %v", err)
	}
}

// TestPipelineDOCX checks that the pipeline dispatches DOCX (and DOC) to the registered
// extractors.
func TestPipelineDOCX(t *testing.T) {
	v := reportgen.Variants(1)[0]
	data, err := v.DOCX()
	if err != nil {
		t.Fatal(err)
	}
	d, media, err := pipeline.Extract(data, "report.docx", "")
	if err != nil || media != extract.MediaDOCX || len(tables(d)) < 3 {
		t.Fatalf("pipeline.Extract: media %s, err %v", media, err)
	}
	registered := strings.Join(pipeline.Registered(), " ")
	for _, m := range []string{extract.MediaDOCX, extract.MediaDOC} {
		if !strings.Contains(registered, m) {
			t.Errorf("%s not registered (%s)", m, registered)
		}
	}
}
