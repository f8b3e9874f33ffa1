package reportgen

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"testing"
)

func TestZZDump(t *testing.T) {
	vs := Variants(testSeed)
	v := vs[0]
	ims, err := v.TableImages()
	if err != nil { t.Fatal(err) }
	pages, err := v.PNGScan(150)
	if err != nil { t.Fatal(err) }
	opts := DegradeOptions{Angle: 1.5, Blur: 0.7, Paper: 225, Uneven: 0.25, Noise: 12, Speckle: 150, JPEGQuality: 60, FaintLines: 0.5, BrokenLines: 2}
	for i, im := range append([][]byte{ims[0].Data}, pages...) {
		b, err := Degrade(im, 1, opts)
		if err != nil { t.Fatal(err) }
		os.WriteFile(fmt.Sprintf("/tmp/deg/%d.jpg", i), b, 0o644)
		img, _, _ := image.Decode(bytes.NewReader(b))
		type sub interface{ SubImage(image.Rectangle) image.Image }
		var buf bytes.Buffer
		png.Encode(&buf, img.(sub).SubImage(image.Rect(100, 250, 700, 650)))
		os.WriteFile(fmt.Sprintf("/tmp/deg/crop%d.png", i), buf.Bytes(), 0o644)
		png.Encode(&buf, img)
	}
}
