package ocr

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"testing"

	"github.com/ogireports/ogireports/internal/reportgen"
)

func (r *raster) savePNG(path string) {
	g := image.NewGray(image.Rect(0, 0, r.w, r.h))
	copy(g.Pix, r.pix)
	f, _ := os.Create(path)
	png.Encode(f, g)
	f.Close()
}

func TestZZDebug(t *testing.T) {
	p := skewPage()
	r0 := degraded(t, p, 3, reportgen.DegradeOptions{Angle: -1.2, Blur: 0.6, Noise: 8, JPEGQuality: 60})
	a := estimateSkew(r0)
	r := prepare(r0)
	fmt.Println("angle", a, r.w, r.h, r.dark)
	r.savePNG("/tmp/deg/prep.png")
	hs, vs := findLines(r, paramsFor(r))
	for _, h := range hs { fmt.Println("h", h) }
	for _, v := range vs { fmt.Println("v", v) }
}
