package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"slices"
	"strings"
	"testing"

	"github.com/ogireports/ogireports/internal/extract/ocr"
	"github.com/ogireports/ogireports/internal/reportgen"
	"github.com/ogireports/ogireports/internal/store"
	"github.com/ogireports/ogireports/internal/testutil"
)

// grayPNG is a w×h picture with a few dark lines (nothing OCR can read as a table).
func grayPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		for y := 0; y < h; y++ {
			c := uint8(250)
			if x%50 == 0 || y%40 == 0 {
				c = 30
			}
			img.SetGray(x, y, color.Gray{Y: c})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// utf8Variant returns a generated report published in UTF-8 (so that its page can be edited
// as a string).
func utf8Variant(t *testing.T) reportgen.Variant {
	t.Helper()
	for _, v := range reportgen.Variants(3) {
		if v.Encoding == "utf-8" && len(v.Broken) == 0 {
			return v
		}
	}
	t.Fatal("no UTF-8 consistent variant")
	return reportgen.Variant{}
}

const pageURL = "http://www.example.gov.cn/zwgk/ndbg/202401/t20240115_1.html"

// picturePage is v's page with every table replaced by <img src="tN.png"> (relative to
// pageURL), and the absolute URLs of the pictures.
func picturePage(v reportgen.Variant) ([]byte, []string) {
	var urls []string
	page := reportgen.ReplaceTables(string(v.HTML()), func(n int) string {
		urls = append(urls, fmt.Sprintf("http://www.example.gov.cn/zwgk/ndbg/202401/t%d.png", n))
		return fmt.Sprintf("t%d.png", n)
	})
	return []byte(page), urls
}

// TestProcessPictureOutcomes covers a page read with its pictures where OCR cannot help: the
// identity of the assembly, the parts stored, and the outcome when pictures are decoration,
// missing, not pictures, or unreadable for lack of tesseract (PATH emptied).
func TestProcessPictureOutcomes(t *testing.T) {
	t.Setenv("PATH", "")
	if ocr.Available() {
		t.Fatal("tesseract found with an empty PATH")
	}
	v := utf8Variant(t)
	ctx := context.Background()
	pic := grayPNG(t, 600, 300)
	tablesPage, picURLs := picturePage(v)
	if len(picURLs) < 3 {
		t.Fatalf("variant %s: %d tables replaced, want at least 3", v.ID, len(picURLs))
	}
	pictures := func(mod func(i int, p *Part)) []Part {
		var ps []Part
		for i, u := range picURLs {
			p := Part{URL: u, Data: pic, ContentType: "image/png"}
			if mod != nil {
				mod(i, &p)
			}
			ps = append(ps, p)
		}
		return ps
	}
	decorated := bytes.Replace(v.HTML(), []byte("</h1>"), []byte(`</h1><p><img src="/images/photo1.png" width="600"></p>`), 1)

	tests := []struct {
		name       string
		page       []byte
		parts      []Part
		wantStatus string
		wantReason string // prefix
		wantFlags  []string
		noFlags    []string
	}{
		{"decoration on a page with its tables", decorated,
			[]Part{{URL: "http://www.example.gov.cn/images/photo1.png", Data: pic}},
			store.StatusReport, "", nil, []string{FlagPictures, ocr.FlagNeedsOCR, FlagPictureMissing}},
		{"tables as pictures, no OCR", tablesPage, pictures(nil),
			store.StatusFailed, "needs_ocr: the page's tables are pictures", nil, nil},
		{"tables as pictures, not fetched", tablesPage, pictures(func(_ int, p *Part) { p.Data, p.Err = nil, "fetch: http 404" }),
			store.StatusFailed, "the page's tables are pictures that could not be fetched", nil, nil},
		{"an error page served as a picture", tablesPage, pictures(func(_ int, p *Part) { p.Data = []byte("<html><body>404</body></html>") }),
			store.StatusFailed, "the page's tables are pictures that could not be fetched", nil, nil},
		{"icons only (too small to hold a table)", tablesPage, pictures(func(_ int, p *Part) { p.Data = grayPNG(t, 32, 32) }),
			store.StatusNotReport, "normalize", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := openStore(t)
			in := Input{Data: tc.page, Name: "page.html", Source: pageURL, ContentType: "text/html; charset=utf-8", Parts: tc.parts}
			res, err := Process(ctx, st, in)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tc.wantStatus || !strings.HasPrefix(res.Reason, tc.wantReason) {
				t.Fatalf("status %q reason %q, want %q %q…", res.Status, res.Reason, tc.wantStatus, tc.wantReason)
			}
			d, err := st.Document(ctx, res.DocumentID)
			if err != nil {
				t.Fatal(err)
			}
			if d.SHA256 == sumHex(tc.page) {
				t.Error("an assembled document has the page's own digest")
			}
			parts, err := st.DocumentParts(ctx, res.DocumentID)
			if err != nil {
				t.Fatal(err)
			}
			if len(parts) != len(tc.parts)+1 || parts[0].URL != pageURL || parts[0].SHA256 != sumHex(tc.page) {
				t.Fatalf("parts %+v, want the page then %d pictures", parts, len(tc.parts))
			}
			for i, p := range tc.parts {
				got := parts[i+1]
				if got.Seq != i+1 || got.URL != p.URL || got.Error != p.Err || (p.Err == "") != (got.SHA256 == sumHex(p.Data)) {
					t.Errorf("part %d: %+v, want %+v", i+1, got, p)
				}
			}
			if res.Status != store.StatusReport {
				return
			}
			r := reportRow(t, st, res.ReportID)
			for _, f := range tc.wantFlags {
				if !slices.Contains(r.Flags, f) {
					t.Errorf("flags %v lack %s", r.Flags, f)
				}
			}
			for _, f := range tc.noFlags {
				if slices.Contains(r.Flags, f) {
					t.Errorf("flags %v have %s", r.Flags, f)
				}
			}
			got := storedCells(t, st, res.ReportID)
			for k, want := range v.Truth {
				if c, ok := got[k]; !ok || (c.Value == nil) != (want == nil) || want != nil && *c.Value != *want {
					t.Errorf("%s: got %v, want %s", k, c.Value, show(want))
				}
			}
		})
	}
}

// TestProcessPictureIdentity: the same page with the same pictures is the same document
// (processed once); another picture makes another document; the page alone is a third.
func TestProcessPictureIdentity(t *testing.T) {
	t.Setenv("PATH", "")
	v := utf8Variant(t)
	st := openStore(t)
	ctx := context.Background()
	page, urls := picturePage(v)
	a, b := grayPNG(t, 600, 300), grayPNG(t, 610, 300)
	parts := func(last []byte) []Part {
		var ps []Part
		for i, u := range urls {
			d := a
			if i == len(urls)-1 {
				d = last
			}
			ps = append(ps, Part{URL: u, Data: d})
		}
		return ps
	}
	first, err := Process(ctx, st, Input{Data: page, Source: pageURL, Name: "p.html", Parts: parts(a)})
	if err != nil || !first.New {
		t.Fatalf("first: %+v %v", first, err)
	}
	again, err := Process(ctx, st, Input{Data: page, Source: pageURL, Name: "p.html", Parts: parts(a)})
	if err != nil || again.New || !again.Unchanged || again.DocumentID != first.DocumentID {
		t.Fatalf("same page and pictures: %+v %v, want the first document unchanged", again, err)
	}
	other, err := Process(ctx, st, Input{Data: page, Source: pageURL, Name: "p.html", Parts: parts(b)})
	if err != nil || !other.New || other.DocumentID == first.DocumentID {
		t.Fatalf("another picture: %+v %v, want a new document", other, err)
	}
	alone, err := Process(ctx, st, Input{Data: page, Source: pageURL, Name: "p.html"})
	if err != nil || !alone.New || alone.DocumentID == first.DocumentID || alone.DocumentID == other.DocumentID {
		t.Fatalf("the page alone: %+v %v, want a document of its own", alone, err)
	}
	if ps, _ := st.DocumentParts(ctx, alone.DocumentID); len(ps) != 0 {
		t.Errorf("the page alone has parts %+v", ps)
	}
}

// TestProcessTablesAsPictures is the acceptance test of tables printed as pictures in an HTML
// page: for a covering subset of the generated variants, the page with its tables replaced by
// <img> and the pictures reportgen draws of them (PNG and JPEG, as sites publish) is one report
// whose title, agency and year come from the page and whose cells come from the pictures by
// OCR: at least 98% exact, every other cell flagged, cells of picture N on page N.
func TestProcessTablesAsPictures(t *testing.T) {
	testutil.NeedTool(t, "tesseract", "tesseract-ocr")
	if !ocr.Available() {
		testutil.Missing(t, "tesseract lacks chi_sim (Debian package tesseract-ocr-chi-sim)")
	}
	variants := reportgen.Variants(1)
	idx := reportgen.Representative(variants, 8, 0)
	if testing.Short() {
		idx = idx[:min(3, len(idx))]
	}
	st := openStore(t)
	ctx := context.Background()
	var exact, total, unflagged int
	for _, i := range idx {
		v := variants[i]
		pics, err := v.TableImages()
		if err != nil {
			testutil.Missing(t, fmt.Sprintf("%s: TableImages: %v", v.ID, err))
		}
		page, urls := picturePage(v)
		if len(urls) != len(pics) {
			t.Fatalf("%s: %d <img> for %d pictures", v.ID, len(urls), len(pics))
		}
		var parts []Part
		for n, p := range pics {
			parts = append(parts, Part{URL: urls[n], Data: p.Data, ContentType: p.MediaType})
		}
		res, err := Process(ctx, st, Input{Data: page, Source: pageURL + "?" + v.ID, Name: "p.html", Parts: parts})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != store.StatusReport {
			t.Errorf("%s: %s %s", v.ID, res.Status, res.Reason)
			continue
		}
		r := reportRow(t, st, res.ReportID)
		if r.Agency != v.Agency || r.Year != v.Year || !slices.Contains(r.Flags, FlagPictures) {
			t.Errorf("%s: agency %q year %d flags %v, want %q %d with %s", v.ID, r.Agency, r.Year, r.Flags, v.Agency, v.Year, FlagPictures)
		}
		got := storedCells(t, st, res.ReportID)
		for _, k := range v.Keys() {
			total++
			want, c := v.Truth[k], got[k]
			if c.ValueText != "" && (c.Page < 1 || c.Page > len(pics)) {
				t.Errorf("%s %s: page %d, want a picture number 1..%d", v.ID, k, c.Page, len(pics))
			}
			if c.Key != "" && (c.Value == nil) == (want == nil) && (want == nil || *c.Value == *want) {
				exact++
				continue
			}
			if c.Key == "" || len(c.Flags) == 0 || slices.Equal(c.Flags, []string{"ocr"}) {
				unflagged++
				t.Errorf("%s %s: got %v (%q, flags %v), want %s, and not flagged", v.ID, k, c.Value, c.ValueText, c.Flags, show(want))
			}
		}
	}
	t.Logf("tables as pictures: %d of %d cells exact (%.2f%%) over %d variants; %d wrong and unflagged",
		exact, total, 100*float64(exact)/float64(max(total, 1)), len(idx), unflagged)
	if total == 0 || float64(exact) < 0.98*float64(total) {
		t.Errorf("%d of %d cells exact, want at least 98%%", exact, total)
	}
}

func sumHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// reportRow returns the stored report id.
func reportRow(t *testing.T, st *store.Store, id int64) store.ReportRow {
	t.Helper()
	var out store.ReportRow
	err := st.EachReport(context.Background(), func(r store.ReportRow) error {
		if r.ID == id {
			out = r
		}
		return nil
	})
	if err != nil || out.ID != id {
		t.Fatalf("report %d: %v (found %d)", id, err, out.ID)
	}
	return out
}
