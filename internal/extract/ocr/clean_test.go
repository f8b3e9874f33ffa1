package ocr

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"testing"

	"github.com/ogireports/ogireports/internal/reportgen"
)

// skewPage draws a ruled table with glyph-like blobs in its cells and some text rows above it.
func skewPage() *page {
	p := newPage(1000, 800)
	xs := []int{100, 400, 520, 640, 760, 900}
	ys := []int{250, 300, 350, 400, 450, 500, 550}
	p.table(xs, ys, 1, 60, nil, nil)
	for i := 0; i+1 < len(ys); i++ {
		for j := 0; j+1 < len(xs); j++ {
			for k := 0; k < (xs[j+1]-xs[j]-30)/26 && k < 4; k++ {
				p.blob(xs[j]+15+26*k, ys[i]+15, 20)
			}
		}
	}
	for row := 0; row < 4; row++ {
		for k := 0; k < 30; k++ {
			p.blob(100+26*k, 60+40*row, 20)
		}
	}
	return p
}

// degraded returns a degraded copy of a synthetic page as a raster, as Image would see it.
func degraded(t *testing.T, p *page, seed int64, opts reportgen.DegradeOptions) *raster {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, p.img); err != nil {
		t.Fatal(err)
	}
	out, err := reportgen.Degrade(b.Bytes(), seed, opts)
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := image.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	return toRaster(img)
}

// TestEstimateSkew measures the skew of degraded pages: within 0.03° of the angle they were
// turned by, over ±6°, and exactly 0 for a straight page.
func TestEstimateSkew(t *testing.T) {
	p := skewPage()
	if a := estimateSkew(toRaster(p.img)); a != 0 {
		t.Errorf("straight page: skew %.3f°, want 0", a)
	}
	for i, angle := range []float64{0.2, -0.5, 1, -2, 3.3, -6} {
		r := degraded(t, p, int64(i), reportgen.DegradeOptions{Angle: angle, Blur: 0.6, Noise: 8, Paper: 230, Uneven: 0.2, JPEGQuality: 60})
		flattenBackground(r)
		// Degrade turns counter-clockwise: lines then rise to the right, y = y0 - x·tan(angle).
		if got := estimateSkew(r); math.Abs(got+angle) > 0.03 {
			t.Errorf("turned by %.2f°: skew estimated %.3f°, want %.2f°", angle, got, -angle)
		}
	}
}

// TestPrepareClean leaves a clean page as it is: same raster, same pixels.
func TestPrepareClean(t *testing.T) {
	p := skewPage()
	r := toRaster(p.img)
	want := append([]uint8(nil), r.pix...)
	if got := prepare(r); got != r || !bytes.Equal(got.pix, want) {
		t.Error("prepare changed a clean page")
	}
}

// TestFlattenBackground turns grey, unevenly lit paper white and keeps ink dark.
func TestFlattenBackground(t *testing.T) {
	p := skewPage()
	r := degraded(t, p, 1, reportgen.DegradeOptions{Paper: 200, Uneven: 0.35})
	flattenBackground(r)
	clean := toRaster(p.img)
	for i, v := range clean.pix {
		switch {
		case v == 255 && r.pix[i] < 235:
			t.Fatalf("paper at %d,%d is %d after flattening", i%r.w, i/r.w, r.pix[i])
		case v == 0 && r.pix[i] >= r.dark:
			t.Fatalf("ink at %d,%d is %d after flattening, threshold %d", i%r.w, i/r.w, r.pix[i], r.dark)
		}
	}
}

// TestFindGridsSkewed finds the same grid on a page turned by 2° (after prepare) as on the
// straight page.
func TestFindGridsSkewed(t *testing.T) {
	p := skewPage()
	want := findGrids(toRaster(p.img))
	for _, angle := range []float64{2, -1.2} {
		r := prepare(degraded(t, p, 3, reportgen.DegradeOptions{Angle: angle, Blur: 0.6, Noise: 8, JPEGQuality: 60}))
		got := findGrids(r)
		if len(got) != len(want) {
			t.Fatalf("turned by %.1f°: %d grids, want %d", angle, len(got), len(want))
		}
		for i := range got {
			if len(got[i].xs) != len(want[i].xs) || len(got[i].ys) != len(want[i].ys) || len(got[i].cells) != len(want[i].cells) {
				t.Errorf("turned by %.1f°: grid %d is %dx%d with %d cells, want %dx%d with %d", angle, i,
					len(got[i].xs)-1, len(got[i].ys)-1, len(got[i].cells), len(want[i].xs)-1, len(want[i].ys)-1, len(want[i].cells))
			}
		}
	}
}
