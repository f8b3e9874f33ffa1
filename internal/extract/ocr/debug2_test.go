package ocr

import (
	"bytes"
	"fmt"
	"image"
	"os"
	"testing"
)

func TestDebugLines(t *testing.T) {
	f := os.Getenv("OCR_PAGE")
	if f == "" {
		t.Skip()
	}
	b, _ := os.ReadFile(f)
	img, _, _ := image.Decode(bytes.NewReader(b))
	r := toRaster(img)
	p := paramsFor(r)
	hs, vs := findLines(r, p)
	fmt.Println("dark", r.dark, p)
	for _, h := range hs {
		fmt.Println("H", h)
	}
	for _, v := range vs {
		fmt.Println("V", v)
	}
	for _, g := range findGrids(r) {
		fmt.Println("G", g.bounds, g.xs, g.ys)
	}
}
