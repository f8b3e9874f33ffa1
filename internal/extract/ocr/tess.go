package ocr

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// procs bounds the tesseract processes running at once (each is single-threaded: OpenMP
// threads oversubscribe small machines and run slower than one process per core).
var procs = make(chan struct{}, max(1, runtime.NumCPU()))

// word is one word of tesseract's TSV output.
type word struct {
	block, par, line int
	box              image.Rectangle
	conf             float64 // 0..100
	text             string
}

// pass is one tesseract configuration.
type pass struct {
	lang string
	psm  int
	// vars are -c name=value settings.
	vars []string
}

var (
	// zhPass reads labels and anything else in a cell: chi_sim, one block of lines.
	zhPass = pass{lang: "chi_sim", psm: 6}
	// digitPass reads numeric cells: a digit-only whitelist.
	digitPass = pass{lang: "eng", psm: 6, vars: []string{"tessedit_char_whitelist=0123456789.,+-/"}}
	// pagePass reads the text outside tables: automatic page segmentation.
	pagePass = pass{lang: "chi_sim", psm: 3}
)

// tesseract runs one pass over a raster and returns its words.
func tesseract(ctx context.Context, r *raster, p pass, dpi int) ([]word, error) {
	args := []string{"stdin", "stdout", "-l", p.lang, "--psm", strconv.Itoa(p.psm), "--dpi", strconv.Itoa(dpi)}
	for _, v := range p.vars {
		args = append(args, "-c", v)
	}
	args = append(args, "tsv")
	select {
	case procs <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-procs }()
	cmd := exec.CommandContext(ctx, "tesseract", args...)
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	cmd.Stdin = bytes.NewReader(r.pgm())
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("tesseract -l %s --psm %d: %w: %s", p.lang, p.psm, err, strings.TrimSpace(errb.String()))
	}
	return parseTSV(out.String()), nil
}

// parseTSV reads tesseract's TSV output (level 5 rows are words).
func parseTSV(s string) []word {
	var ws []word
	for _, line := range strings.Split(s, "\n") {
		f := strings.Split(line, "\t")
		if len(f) < 12 || f[0] != "5" {
			continue
		}
		n := make([]int, 10)
		ok := true
		for i := 0; i < 10; i++ {
			v, err := strconv.Atoi(f[i])
			if err != nil {
				ok = false
				break
			}
			n[i] = v
		}
		conf, err := strconv.ParseFloat(f[10], 64)
		text := strings.TrimSpace(f[11])
		if !ok || err != nil || text == "" {
			continue
		}
		ws = append(ws, word{block: n[2], par: n[3], line: n[4],
			box: image.Rect(n[6], n[7], n[6]+n[8], n[7]+n[9]), conf: conf, text: text})
	}
	return ws
}

// reading is the text read from one crop.
type reading struct {
	text string
	// conf is the lowest word confidence in [0,1]; 0 when nothing was read.
	conf float64
}

// textLine is one line of words.
type textLine struct {
	box  image.Rectangle
	text string
	conf float64
	key  [3]int
}

// lines groups words into lines (by tesseract's block, paragraph and line numbers), ordered
// top to bottom, words left to right.
func lines(ws []word, sep func(a, b string) string) []textLine {
	idx := map[[3]int]int{}
	var out []textLine
	var parts [][]word
	for _, w := range ws {
		k := [3]int{w.block, w.par, w.line}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, textLine{box: w.box, key: k, conf: 100})
			parts = append(parts, nil)
		}
		parts[i] = append(parts[i], w)
		out[i].box = out[i].box.Union(w.box)
		out[i].conf = min(out[i].conf, w.conf)
	}
	for i := range out {
		sort.Slice(parts[i], func(a, b int) bool { return parts[i][a].box.Min.X < parts[i][b].box.Min.X })
		var b strings.Builder
		for j, w := range parts[i] {
			if j > 0 {
				b.WriteString(sep(parts[i][j-1].text, w.text))
			}
			b.WriteString(w.text)
		}
		out[i].text = b.String()
		out[i].conf /= 100
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].box.Min.Y < out[b].box.Min.Y })
	return out
}

// cjkSep joins words of Chinese text: no space next to a Han character or punctuation, one space
// between two Latin words or numbers.
func cjkSep(a, b string) string {
	ra := []rune(a)
	rb := []rune(b)
	if len(ra) == 0 || len(rb) == 0 {
		return ""
	}
	l, f := ra[len(ra)-1], rb[0]
	if l < 0x80 && f < 0x80 && (unicode.IsLetter(l) || unicode.IsDigit(l)) && (unicode.IsLetter(f) || unicode.IsDigit(f)) {
		return " "
	}
	return ""
}

// noSep joins words without space (a number read as "30," "362").
func noSep(a, b string) string { return "" }

// composite batches: crops are stacked with white gaps into images of at most this height.
const maxCompositeHeight = 6000

// readCrops reads many small crops of a raster with one tesseract call per batch: the crops,
// scaled by scale, are stacked top to bottom with white gaps, and every word is mapped back to
// its crop by its vertical position. Batches run concurrently.
func readCrops(ctx context.Context, r *raster, crops []image.Rectangle, scale int, p pass, dpi int, sep func(a, b string) string) ([]reading, error) {
	out := make([]reading, len(crops))
	pad, gap := 10*scale, 28*scale
	type batch struct {
		idx  []int
		offs []int // top of each crop in the composite
		h, w int
	}
	var batches []*batch
	cur := &batch{h: gap}
	for i, c := range crops {
		ch := c.Dy()*scale + 2*pad
		if len(cur.idx) > 0 && cur.h+ch+gap > maxCompositeHeight {
			batches = append(batches, cur)
			cur = &batch{h: gap}
		}
		cur.idx = append(cur.idx, i)
		cur.offs = append(cur.offs, cur.h+pad)
		cur.h += ch + gap
		cur.w = max(cur.w, c.Dx()*scale+2*pad+2*gap)
	}
	if len(cur.idx) > 0 {
		batches = append(batches, cur)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(batches))
	for bi, b := range batches {
		wg.Add(1)
		go func() {
			defer wg.Done()
			comp := newRaster(b.w, b.h)
			for k, i := range b.idx {
				comp.paste(r.sub(crops[i], scale), gap, b.offs[k])
			}
			if d := os.Getenv("OGIREPORTS_OCR_DEBUG_DIR"); d != "" {
				_ = os.WriteFile(fmt.Sprintf("%s/comp-%s-%d-%d-%d.pgm", d, p.lang, scale, bi, len(crops)), comp.pgm(), 0o644)
			}
			ws, err := tesseract(ctx, comp, p, dpi*scale)
			if err != nil {
				errs[bi] = err
				return
			}
			per := make([][]word, len(b.idx))
			for _, w := range ws {
				cy := (w.box.Min.Y + w.box.Max.Y) / 2
				// The crop whose band (with half the gap around it) holds the word's centre.
				k := sort.Search(len(b.offs), func(k int) bool { return b.offs[k] > cy+gap/2+pad }) - 1
				if k < 0 {
					continue
				}
				per[k] = append(per[k], w)
			}
			for k, i := range b.idx {
				ls := lines(per[k], sep)
				var texts []string
				conf := 1.0
				for _, l := range ls {
					texts = append(texts, l.text)
					conf = min(conf, l.conf)
				}
				if len(ls) == 0 {
					conf = 0
				}
				out[i] = reading{text: strings.Join(texts, "\n"), conf: conf}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
