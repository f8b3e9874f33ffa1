package simweb

import (
	"bytes"
	"hash/fnv"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/url"
	"path"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/ogireports/ogireports/internal/reportgen"
)

// fakePictures is a TableImages hook that needs no font: one small picture per table of the
// variant (counted as reportgen.ReplaceTables counts them), JPEG or PNG by a hash of the variant
// id, with the variant id and table number in the pixels so that every picture is distinct. It
// records what it returned per variant id.
type fakePictures struct {
	mu    sync.Mutex
	calls int
	byID  map[string][]reportgen.TableImage
}

func (f *fakePictures) hook(v reportgen.Variant) []reportgen.TableImage {
	n := 0
	reportgen.ReplaceTables(v.BodyHTML(), func(k int) string { n = k; return "" })
	h := fnv.New32a()
	h.Write([]byte(v.ID))
	sum := h.Sum32()
	var out []reportgen.TableImage
	for k := 1; k <= n; k++ {
		img := image.NewGray(image.Rect(0, 0, 16, 8))
		for i := range img.Pix {
			img.Pix[i] = 255
		}
		img.SetGray(k, 0, color.Gray{Y: uint8(sum)})
		img.SetGray(k, 1, color.Gray{Y: uint8(sum >> 8)})
		var b bytes.Buffer
		ti := reportgen.TableImage{MediaType: "image/png", Width: 16, Height: 8}
		if sum%2 == 0 {
			ti.MediaType = "image/jpeg"
			jpeg.Encode(&b, img, &jpeg.Options{Quality: 90})
		} else {
			png.Encode(&b, img)
		}
		ti.Data = b.Bytes()
		out = append(out, ti)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.byID == nil {
		f.byID = map[string][]reportgen.TableImage{}
	}
	f.byID[v.ID] = out
	return out
}

func (f *fakePictures) pictures(id string) []reportgen.TableImage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.byID[id]
}

var reImgSrc = regexp.MustCompile(`<img src="([^"]+)"`)

// TestTableImagesHook serves the image-kind reports of a web with and without the TableImages
// hook: with pictures, each <img> of the page serves picture n with its media type under a path
// whose extension follows the format (the other extension is 404), and the truth says the cells
// are extractable; without the hook, or when it returns nothing, every <img> is the .png
// placeholder and the truth says not extractable.
func TestTableImagesHook(t *testing.T) {
	fake := &fakePictures{}
	tests := []struct {
		name string
		hook func(reportgen.Variant) []reportgen.TableImage
		real bool // the hook returns pictures
	}{
		{"no hook", nil, false},
		{"hook returns nothing", func(reportgen.Variant) []reportgen.TableImage { return nil }, false},
		{"pictures", fake.hook, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := noFaults(12)
			cfg.TableImages = tc.hook
			w := New(cfg)
			c := startWeb(t, w)
			checked := 0
			formats := map[string]int{}
			for _, p := range w.Truth() {
				if !p.IsReport || p.Kind != "image" || !p.Reachable || p.Year < 2019 {
					continue
				}
				if p.Extractable != tc.real {
					t.Errorf("%s: Extractable %v, want %v", p.URL, p.Extractable, tc.real)
				}
				page := get(t, c, p.PageURL)
				mustStatus(t, page, 200, p.PageURL)
				srcs := reImgSrc.FindAllStringSubmatch(page.body, -1)
				s, it, ok := w.lookupItem(p.PageURL)
				if !ok {
					t.Fatalf("%s: no item", p.PageURL)
				}
				want := 0
				reportgen.ReplaceTables(w.variant(s, it).BodyHTML(), func(n int) string { want = n; return "" })
				if tc.real && len(fake.pictures(p.VariantID)) != want {
					t.Errorf("%s: the hook drew %d pictures for %d tables", p.PageURL, len(fake.pictures(p.VariantID)), want)
				}
				if len(srcs) < 3 || len(srcs) != want {
					t.Errorf("%s: %d <img>, want %d (one per table)", p.PageURL, len(srcs), want)
					continue
				}
				base, _ := url.Parse(p.PageURL)
				for n, m := range srcs {
					ref, err := url.Parse(m[1])
					if err != nil {
						t.Fatalf("img src %q: %v", m[1], err)
					}
					u := base.ResolveReference(ref).String()
					if !w.IsReport(u) {
						t.Errorf("IsReport(%s) is false for a report's table image", u)
					}
					r := get(t, c, u)
					mustStatus(t, r, 200, u)
					wantType, wantBody := "image/png", string(tablePNG())
					if tc.real {
						pic := fake.pictures(p.VariantID)[n]
						wantType, wantBody = pic.MediaType, string(pic.Data)
					}
					if ct := r.header.Get("Content-Type"); ct != wantType || r.body != wantBody {
						t.Errorf("%s: %s, %d bytes; want %s, %d bytes", u, ct, len(r.body), wantType, len(wantBody))
					}
					_, format, err := image.Decode(strings.NewReader(r.body))
					if err != nil || "image/"+format != wantType {
						t.Errorf("%s: decoded as %q (%v), served as %s", u, format, err, wantType)
					}
					ext := map[string]string{"image/png": ".png", "image/jpeg": ".jpg"}[wantType]
					if path.Ext(ref.Path) != ext {
						t.Errorf("%s: extension %q for %s", u, path.Ext(ref.Path), wantType)
					}
					other := strings.TrimSuffix(u, ext) + map[string]string{".png": ".jpg", ".jpg": ".png"}[ext]
					if r := get(t, c, other); r.status != 404 {
						t.Errorf("%s (the other extension): status %d, want 404", other, r.status)
					}
					formats[wantType]++
				}
				checked++
			}
			if checked == 0 {
				t.Fatal("no image-kind report of 2019 or later planted in 12 sites")
			}
			if tc.real && (formats["image/png"] == 0 || formats["image/jpeg"] == 0) {
				t.Errorf("served formats %v, want both PNG and JPEG", formats)
			}
			t.Logf("%d image reports, pictures %v", checked, formats)
		})
	}
}
