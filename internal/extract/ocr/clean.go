package ocr

import (
	"math"
	"sort"
)

// Scans are not clean renders: the paper is grey or unevenly lit, the page lies askew on the
// glass. prepare undoes both before the grid is looked for, so that ruling lines are straight
// runs of ink again and the ink threshold holds over the whole page.

// prepare flattens the page's background and straightens its skew. A clean render (white paper,
// straight lines) comes back unchanged, as the same raster.
func prepare(r *raster) *raster {
	flattenBackground(r)
	if a := estimateSkew(r); math.Abs(a) >= minDeskew {
		r = rotate(r, a)
	}
	return r
}

// minDeskew is the smallest skew, in degrees, that is straightened: below it a line drifts by
// less than a pixel across a table 1100 px wide, which the line finder takes in its stride.
const minDeskew = 0.05

// maxSkew is the largest skew, in degrees, looked for.
const maxSkew = 8.0

// flattenBackground divides the page by an estimate of its paper brightness, so that grey
// paper and uneven lighting become white: the paper level of every block of the page is a high
// percentile of its pixels (most of a block is paper even in a dense table), taken as the
// brightest of the neighbouring blocks (a light header fill or a block of text is not paper),
// and interpolated bilinearly between block centres. Blocks much darker than the page's paper
// (a dark filled area, a photo) keep the page's paper level, so that what is printed on them is
// not washed out. Pages whose paper is white everywhere are left as they are. The ink threshold
// is chosen again afterwards.
func flattenBackground(r *raster) {
	const block = 32
	bw, bh := (r.w+block-1)/block, (r.h+block-1)/block
	if bw < 1 || bh < 1 {
		return
	}
	lvl := make([]float64, bw*bh)
	var hist [256]int
	for by := 0; by < bh; by++ {
		for bx := 0; bx < bw; bx++ {
			hist = [256]int{}
			n := 0
			for y := by * block; y < min(r.h, (by+1)*block); y++ {
				row := r.pix[y*r.w:]
				for x := bx * block; x < min(r.w, (bx+1)*block); x++ {
					hist[row[x]]++
					n++
				}
			}
			// The 90th percentile: paper, slightly above its mean where the scan is noisy.
			k, acc := 255, 0
			for ; k > 0; k-- {
				acc += hist[k]
				if acc*10 >= n {
					break
				}
			}
			lvl[by*bw+bx] = float64(k)
		}
	}
	// The brightest block around each block (a light header fill or dense text is not the paper).
	bg := make([]float64, len(lvl))
	for by := 0; by < bh; by++ {
		for bx := 0; bx < bw; bx++ {
			m := 0.0
			for y := max(0, by-1); y <= min(bh-1, by+1); y++ {
				for x := max(0, bx-1); x <= min(bw-1, bx+1); x++ {
					m = math.Max(m, lvl[y*bw+x])
				}
			}
			bg[by*bw+bx] = m
		}
	}
	sorted := append([]float64(nil), bg...)
	sort.Float64s(sorted)
	paper := sorted[len(sorted)*3/4]
	if sorted[0] >= 250 {
		return // white paper everywhere: a clean render
	}
	for i, v := range bg {
		if v < 0.6*paper {
			bg[i] = paper
		}
	}
	// Bilinear interpolation between block centres; levels above the background clip to white.
	for y := 0; y < r.h; y++ {
		fy := (float64(y)+0.5)/block - 0.5
		y0 := max(0, min(bh-1, int(math.Floor(fy))))
		y1 := min(bh-1, y0+1)
		ty := math.Max(0, math.Min(1, fy-float64(y0)))
		row := r.pix[y*r.w:]
		for x := 0; x < r.w; x++ {
			fx := (float64(x)+0.5)/block - 0.5
			x0 := max(0, min(bw-1, int(math.Floor(fx))))
			x1 := min(bw-1, x0+1)
			tx := math.Max(0, math.Min(1, fx-float64(x0)))
			b := (1-ty)*((1-tx)*bg[y0*bw+x0]+tx*bg[y0*bw+x1]) + ty*((1-tx)*bg[y1*bw+x0]+tx*bg[y1*bw+x1])
			row[x] = uint8(math.Min(255, math.Round(float64(row[x])*255/math.Max(1, b))))
		}
	}
	r.dark = paperThreshold(r.pix)
}

// estimateSkew returns the skew of the page in degrees: the angle a for which the ink, sheared
// by -tan(a), has the sharpest horizontal projection profile (the largest sum of squared row
// counts: ruling lines and text rows fall each into as few rows as possible). The search is
// coarse to fine: steps of 0.25° over ±maxSkew in 8-px rows, 0.05° in 2-px rows, 0.01° in 1-px
// rows. Ties go to the angle nearest 0, so a straight page is 0 exactly. At most about 300k ink
// pixels are used (an even sample on larger pages).
func estimateSkew(r *raster) float64 {
	n := 0
	for _, p := range r.pix {
		if p < r.dark {
			n++
		}
	}
	if n < 200 {
		return 0
	}
	step := max(1, n/300_000)
	xs := make([]float64, 0, n/step+1)
	ys := make([]float64, 0, n/step+1)
	k := 0
	for y := 0; y < r.h; y++ {
		row := r.pix[y*r.w:]
		for x := 0; x < r.w; x++ {
			if row[x] < r.dark {
				if k%step == 0 {
					xs = append(xs, float64(x))
					ys = append(ys, float64(y))
				}
				k++
			}
		}
	}
	// Row profile for shear t: y - x*t lies in [-w*|t|, h + w*|t|]. Each pixel is shared
	// between the two nearest rows (linear weights), so that the score varies smoothly with the
	// angle; the offset is whole, so that a straight page puts every pixel in one row.
	maxT := math.Tan(maxSkew * math.Pi / 180)
	off := math.Ceil(float64(r.w)*maxT) + 1
	prof := make([]float64, int(float64(r.h)+2*off)+3)
	score := func(deg, bin float64) float64 {
		t := math.Tan(deg * math.Pi / 180)
		nb := int((float64(r.h)+2*off)/bin) + 3
		c := prof[:nb]
		clear(c)
		for i, x := range xs {
			f := (ys[i] - x*t + off) / bin
			b := math.Floor(f)
			fr := f - b
			if k := int(b); k >= 0 && k+1 < nb {
				c[k] += 1 - fr
				c[k+1] += fr
			}
		}
		s := 0.0
		for _, v := range c {
			s += v * v
		}
		return s
	}
	best := 0.0
	search := func(lo, hi, step, bin float64) {
		bestS := -1.0
		centre := best
		n := int(math.Round((hi - lo) / step))
		for i := 0; i <= n; i++ {
			a := lo + float64(i)*step
			if math.Abs(a) > maxSkew {
				continue
			}
			s := score(a, bin)
			if s > bestS || s == bestS && math.Abs(a) < math.Abs(best) {
				bestS, best = s, a
			}
		}
		if bestS < 0 {
			best = centre
		}
	}
	search(-maxSkew, maxSkew, 0.25, 8)
	search(best-0.3, best+0.3, 0.05, 2)
	search(best-0.06, best+0.06, 0.01, 1)
	if math.Abs(best) < 0.005 {
		return 0
	}
	return best
}

// rotate straightens a page skewed by deg degrees (its lines run along y = y0 + x*tan(deg)):
// every pixel of the result is interpolated bilinearly from the page turned about its centre.
// The result has the page's size, grown (evenly on both sides) only as much as keeps all of the
// page's ink; what lies outside the page is paper (white).
func rotate(r *raster, deg float64) *raster {
	th := deg * math.Pi / 180
	c, s := math.Cos(th), math.Sin(th)
	cx, cy := float64(r.w)/2, float64(r.h)/2
	// Where the ink goes: the forward map of the ink's corners, src = C + R(th)·(dst - C').
	x0, y0, x1, y1 := r.w, r.h, -1, -1
	for y := 0; y < r.h; y++ {
		row := r.pix[y*r.w:]
		for x := 0; x < r.w; x++ {
			if row[x] < r.dark {
				x0, x1 = min(x0, x), max(x1, x)
				y0, y1 = min(y0, y), max(y1, y)
			}
		}
	}
	w, h := r.w, r.h
	if x1 >= 0 {
		for _, p := range [][2]int{{x0, y0}, {x1, y0}, {x0, y1}, {x1, y1}} {
			px, py := float64(p[0])+0.5-cx, float64(p[1])+0.5-cy
			// Inverse of the sampling map: dst - C' = R(-th)·(src - C).
			dx, dy := c*px+s*py, -s*px+c*py
			w = max(w, 2*int(math.Ceil(math.Abs(dx)))+4)
			h = max(h, 2*int(math.Ceil(math.Abs(dy)))+4)
		}
	}
	out := newRaster(w, h)
	ox, oy := float64(w)/2, float64(h)/2
	at := func(x, y int) float64 {
		if x < 0 || y < 0 || x >= r.w || y >= r.h {
			return 255
		}
		return float64(r.pix[y*r.w+x])
	}
	for y := 0; y < h; y++ {
		dy := float64(y) + 0.5 - oy
		for x := 0; x < w; x++ {
			dx := float64(x) + 0.5 - ox
			sx := c*dx - s*dy + cx - 0.5
			sy := s*dx + c*dy + cy - 0.5
			ix, iy := int(math.Floor(sx)), int(math.Floor(sy))
			fx, fy := sx-float64(ix), sy-float64(iy)
			v := (1-fy)*((1-fx)*at(ix, iy)+fx*at(ix+1, iy)) + fy*((1-fx)*at(ix, iy+1)+fx*at(ix+1, iy+1))
			out.pix[y*w+x] = uint8(math.Round(v))
		}
	}
	out.dark = paperThreshold(out.pix)
	return out
}
