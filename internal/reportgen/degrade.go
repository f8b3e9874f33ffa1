package reportgen

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand"

	_ "image/gif" // GIF decoder for Degrade
)

// DegradeOptions describe how a scan of a printed page differs from its clean rendering. The
// zero value changes nothing (the image is only re-encoded as a grey PNG). The steps are applied
// in the order a page goes through printing and scanning: faint and broken ruling lines (the
// print), rotation (the page lies askew on the scanner), blur (the optics), paper colour and
// uneven lighting, sensor noise, specks of dust, JPEG compression.
type DegradeOptions struct {
	// Angle rotates the page by this many degrees, counter-clockwise positive, about its centre
	// (bilinear interpolation). The canvas grows to hold the whole rotated page; the corners it
	// gains are white.
	Angle float64
	// FaintLines lightens the ruling lines (horizontal or vertical runs of ink much longer than a
	// glyph stroke): each of their pixels moves this fraction of the way to white (0..1; 0.6
	// turns a black line into a light grey one).
	FaintLines float64
	// BrokenLines cuts gaps into the ruling lines: about this many gaps per 100 px of line, each
	// a round hole in the line's ink of diameter 2..BrokenGap px (text is never touched).
	BrokenLines float64
	// BrokenGap is the largest gap of BrokenLines in pixels (default 4).
	BrokenGap int
	// Blur is the standard deviation in pixels of a Gaussian blur (0 = none; 0.7 is a slightly
	// soft scan).
	Blur float64
	// Paper is the grey level of the paper (0 means 255, white; 215 is a grey recycled sheet).
	// It multiplies every level, so ink stays dark.
	Paper uint8
	// Uneven is the depth of a smooth illumination falloff (0..1): the light is a random linear
	// gradient plus a vignette, and the darkest place of the page is multiplied by 1-Uneven.
	Uneven float64
	// Noise is the standard deviation of additive Gaussian noise, in grey levels.
	Noise float64
	// Speckle is the number of dark specks (dust, toner) per million pixels, 1..3 px across.
	Speckle float64
	// JPEGQuality, when positive, encodes the result as a JPEG of that quality (1..100);
	// otherwise as PNG.
	JPEGQuality int
}

// Degrade returns a deterministic "scan" of an image (PNG, JPEG or GIF; a page from PNGScan or a
// picture from TableImages): converted to grey and degraded as opts say, with the random parts
// (noise, specks, gaps in the lines, the direction of the uneven light) drawn from seed. Same
// input, seed and options, same bytes. The output is a grey PNG, or a grey JPEG when
// opts.JPEGQuality > 0. It is pure Go and linear in the number of pixels.
func Degrade(data []byte, seed int64, opts DegradeOptions) ([]byte, error) {
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("reportgen degrade: decode: %w", err)
	}
	g := image.NewGray(image.Rect(0, 0, src.Bounds().Dx(), src.Bounds().Dy()))
	draw.Draw(g, g.Bounds(), src, src.Bounds().Min, draw.Src)
	r := rand.New(rand.NewSource(seed))
	// The random streams are drawn in a fixed order whatever options are set, so that turning
	// one step on does not change the randomness of another.
	lineSeed, lightSeed, noiseSeed, speckSeed := r.Int63(), r.Int63(), r.Int63(), r.Int63()
	if opts.FaintLines > 0 || opts.BrokenLines > 0 {
		degradeLines(g, opts, rand.New(rand.NewSource(lineSeed)))
	}
	if opts.Angle != 0 {
		g = rotateGray(g, opts.Angle)
	}
	if opts.Blur > 0 {
		g = blurGray(g, opts.Blur)
	}
	w, h := g.Rect.Dx(), g.Rect.Dy()
	f := make([]float64, len(g.Pix))
	for i, p := range g.Pix {
		f[i] = float64(p)
	}
	paper := 255.0
	if opts.Paper > 0 {
		paper = float64(opts.Paper)
	}
	if paper < 255 || opts.Uneven > 0 {
		lr := rand.New(rand.NewSource(lightSeed))
		th := 2 * math.Pi * lr.Float64()
		dx, dy := math.Cos(th), math.Sin(th)
		cx, cy := lr.Float64()*float64(w), lr.Float64()*float64(h)
		diag := math.Hypot(float64(w), float64(h))
		// light(x, y) = 1 - Uneven * shade, shade in [0, 1]: half a linear ramp across the
		// page, half a vignette around a random centre.
		shade := make([]float64, len(f))
		maxS := 0.0
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				lin := ((float64(x)-float64(w)/2)*dx + (float64(y)-float64(h)/2)*dy) / diag
				rad := math.Hypot(float64(x)-cx, float64(y)-cy) / diag
				s := 0.5*(lin+0.5) + 0.5*rad*rad*4
				shade[y*w+x] = s
				maxS = math.Max(maxS, s)
			}
		}
		for i := range f {
			light := paper / 255
			if maxS > 0 {
				light *= 1 - opts.Uneven*shade[i]/maxS
			}
			f[i] *= light
		}
	}
	if opts.Noise > 0 {
		nr := rand.New(rand.NewSource(noiseSeed))
		for i := range f {
			f[i] += opts.Noise * nr.NormFloat64()
		}
	}
	if opts.Speckle > 0 {
		sr := rand.New(rand.NewSource(speckSeed))
		n := int(opts.Speckle * float64(w*h) / 1e6)
		for k := 0; k < n; k++ {
			x, y, d := sr.Intn(w), sr.Intn(h), 1+sr.Intn(3)
			v := 40 + 80*sr.Float64()
			for yy := y; yy < min(h, y+d); yy++ {
				for xx := x; xx < min(w, x+d); xx++ {
					// Round specks: the corners of a 3-px speck stay paper.
					if d == 3 && (xx-x-1)*(xx-x-1)+(yy-y-1)*(yy-y-1) > 1 {
						continue
					}
					f[yy*w+xx] = math.Min(f[yy*w+xx], v)
				}
			}
		}
	}
	for i, v := range f {
		g.Pix[i] = uint8(math.Max(0, math.Min(255, math.Round(v))))
	}
	var buf bytes.Buffer
	if opts.JPEGQuality > 0 {
		err = jpeg.Encode(&buf, g, &jpeg.Options{Quality: min(100, opts.JPEGQuality)})
	} else {
		err = png.Encode(&buf, g)
	}
	if err != nil {
		return nil, fmt.Errorf("reportgen degrade: encode: %w", err)
	}
	return buf.Bytes(), nil
}

// degradeLines makes the ruling lines of g faint and broken. A pixel belongs to a ruling line
// when it is ink on a horizontal run of at least 60 px or a vertical run of at least 40 px
// (glyph strokes of 10.5-pt text at 150 dpi are shorter).
func degradeLines(g *image.Gray, opts DegradeOptions, r *rand.Rand) {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	const ink = 160
	mask := make([]bool, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; {
			if g.Pix[y*g.Stride+x] >= ink {
				x++
				continue
			}
			e := x
			for e < w && g.Pix[y*g.Stride+e] < ink {
				e++
			}
			if e-x >= 60 {
				for k := x; k < e; k++ {
					mask[y*w+k] = true
				}
			}
			x = e
		}
	}
	for x := 0; x < w; x++ {
		for y := 0; y < h; {
			if g.Pix[y*g.Stride+x] >= ink {
				y++
				continue
			}
			e := y
			for e < h && g.Pix[e*g.Stride+x] < ink {
				e++
			}
			if e-y >= 40 {
				for k := y; k < e; k++ {
					mask[k*w+x] = true
				}
			}
			y = e
		}
	}
	var pts []int
	for i, m := range mask {
		if m {
			pts = append(pts, i)
		}
	}
	if len(pts) == 0 {
		return
	}
	if opts.FaintLines > 0 {
		for _, i := range pts {
			p := i/w*g.Stride + i%w
			v := float64(g.Pix[p])
			g.Pix[p] = uint8(v + (255-v)*math.Min(1, opts.FaintLines))
		}
	}
	if opts.BrokenLines > 0 {
		maxGap := opts.BrokenGap
		if maxGap < 2 {
			maxGap = 4
		}
		// Lines are 1-2 px thick: about 1.5 mask pixels per pixel of line length.
		n := int(opts.BrokenLines * float64(len(pts)) / 1.5 / 100)
		for k := 0; k < n; k++ {
			c := pts[r.Intn(len(pts))]
			cx, cy := c%w, c/w
			d := 2 + r.Intn(maxGap-1)
			rad := float64(d) / 2
			for y := cy - d; y <= cy+d; y++ {
				for x := cx - d; x <= cx+d; x++ {
					if x < 0 || y < 0 || x >= w || y >= h || !mask[y*w+x] {
						continue
					}
					if math.Hypot(float64(x-cx), float64(y-cy)) <= rad {
						g.Pix[y*g.Stride+x] = 255
					}
				}
			}
		}
	}
}

// rotateGray rotates g by deg degrees counter-clockwise about its centre with bilinear
// interpolation, on a canvas large enough for the whole result, filled white.
func rotateGray(g *image.Gray, deg float64) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	th := deg * math.Pi / 180
	c, s := math.Cos(th), math.Sin(th)
	nw := int(math.Ceil(math.Abs(float64(w)*c) + math.Abs(float64(h)*s)))
	nh := int(math.Ceil(math.Abs(float64(w)*s) + math.Abs(float64(h)*c)))
	out := image.NewGray(image.Rect(0, 0, nw, nh))
	sx0, sy0 := float64(w)/2, float64(h)/2
	dx0, dy0 := float64(nw)/2, float64(nh)/2
	at := func(x, y int) float64 {
		if x < 0 || y < 0 || x >= w || y >= h {
			return 255
		}
		return float64(g.Pix[y*g.Stride+x])
	}
	for y := 0; y < nh; y++ {
		for x := 0; x < nw; x++ {
			// Inverse map (image y grows downwards: a counter-clockwise turn on the page).
			px, py := float64(x)+0.5-dx0, float64(y)+0.5-dy0
			sx := c*px - s*py + sx0 - 0.5
			sy := s*px + c*py + sy0 - 0.5
			x0, y0 := int(math.Floor(sx)), int(math.Floor(sy))
			fx, fy := sx-float64(x0), sy-float64(y0)
			v := (1-fy)*((1-fx)*at(x0, y0)+fx*at(x0+1, y0)) + fy*((1-fx)*at(x0, y0+1)+fx*at(x0+1, y0+1))
			out.Pix[y*out.Stride+x] = uint8(math.Round(v))
		}
	}
	return out
}

// blurGray applies a separable Gaussian blur of standard deviation sigma (edges clamped).
func blurGray(g *image.Gray, sigma float64) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	rad := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*rad+1)
	sum := 0.0
	for i := range k {
		d := float64(i - rad)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	tmp := make([]float64, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := 0.0
			for i, kv := range k {
				xx := min(w-1, max(0, x+i-rad))
				v += kv * float64(g.Pix[y*g.Stride+xx])
			}
			tmp[y*w+x] = v
		}
	}
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := 0.0
			for i, kv := range k {
				yy := min(h-1, max(0, y+i-rad))
				v += kv * tmp[yy*w+x]
			}
			out.Pix[y*out.Stride+x] = uint8(math.Round(v))
		}
	}
	return out
}
