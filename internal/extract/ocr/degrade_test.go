package ocr

import (
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/reportgen"
	"github.com/ogireports/ogireports/internal/testutil"
)

// degradeLevel is one way of degrading the clean renderings into "scans".
type degradeLevel struct {
	name string
	// dpi is the resolution the pages are rendered at before degrading (150 when 0).
	dpi  int
	opts reportgen.DegradeOptions
	// accept: the level is part of the acceptance bar (≥ 98% exact, no silent error).
	accept bool
}

// degradeLevels are the levels measured. "scan" is the acceptance level: everything a
// moderate real scan shows at once (2° skew, grey uneven paper, noise, specks, soft focus,
// JPEG q=60).
var degradeLevels = []degradeLevel{
	{name: "skew0.5", opts: reportgen.DegradeOptions{Angle: 0.5, Blur: 0.5, Noise: 4}, accept: true},
	{name: "skew-1", opts: reportgen.DegradeOptions{Angle: -1, Blur: 0.5, Noise: 4}, accept: true},
	{name: "skew2", opts: reportgen.DegradeOptions{Angle: 2, Blur: 0.5, Noise: 4}, accept: true},
	{name: "noise", opts: reportgen.DegradeOptions{Blur: 0.7, Paper: 225, Uneven: 0.2, Noise: 12, Speckle: 100}, accept: true},
	{name: "jpeg60", opts: reportgen.DegradeOptions{Noise: 4, JPEGQuality: 60}, accept: true},
	{name: "scan", opts: reportgen.DegradeOptions{Angle: -2, Blur: 0.6, Paper: 230, Uneven: 0.15, Noise: 8, Speckle: 50, JPEGQuality: 60}, accept: true},
	{name: "lines", opts: reportgen.DegradeOptions{Angle: 0.7, FaintLines: 0.6, BrokenLines: 1, BrokenGap: 4, Noise: 4, JPEGQuality: 75}},
	{name: "300dpi", dpi: 300, opts: reportgen.DegradeOptions{Angle: 1, Blur: 1, Noise: 8, JPEGQuality: 75}},
	{name: "skew4", opts: reportgen.DegradeOptions{Angle: 4, Blur: 0.5, Noise: 4, JPEGQuality: 75}},
}

// degScore counts the truth cells of a set read back: exact, wrong but flagged (low_confidence
// or unparsed, or in a failed identity check), missing (no cell with the key: the table or row
// was not found, which the report shows as absent) and silent errors (a wrong value without any
// sign).
type degScore struct {
	total, exact, flagged, missing, silent int
	lines                                  []string
}

func (s *degScore) add(o degScore) {
	s.total += o.total
	s.exact += o.exact
	s.flagged += o.flagged
	s.missing += o.missing
	s.silent += o.silent
	s.lines = append(s.lines, o.lines...)
}

func (s degScore) rate() float64 { return float64(s.exact) / float64(max(1, s.total)) }

// scoreDegraded compares a normalised report with the truth of v; rep nil (not recognised as a
// report) counts every cell missing.
func scoreDegraded(v reportgen.Variant, rep *normalize.Report) degScore {
	var s degScore
	got := map[string]normalize.Cell{}
	var failed []cells.Check
	if rep != nil {
		for _, c := range rep.Cells {
			got[c.Key] = c
		}
		for _, c := range rep.Checks {
			if c.Status == cells.Fail {
				failed = append(failed, c)
			}
		}
	}
	for _, k := range v.Keys() {
		s.total++
		want := v.Truth[k]
		c, present := got[k]
		if present && (want == nil) == (c.Value == nil) && (want == nil || math.Abs(*want-*c.Value) < 1e-9) {
			s.exact++
			continue
		}
		if !present {
			s.missing++
			if rep != nil {
				s.lines = append(s.lines, fmt.Sprintf("%s %s: missing, printed %q", v.ID, k, v.Printed[k]))
			}
			continue
		}
		line := fmt.Sprintf("%s %s: got %q %v, printed %q", v.ID, k, c.ValueText, c.Flags, v.Printed[k])
		if  (slices.Contains(c.Flags, normalize.FlagLowConf) || slices.Contains(c.Flags, normalize.FlagUnparsed)) || covered(k, failed) {
			s.flagged++
			s.lines = append(s.lines, line+" (flagged)")
			continue
		}
		s.silent++
		s.lines = append(s.lines, line+" (SILENT)")
	}
	return s
}

// degradeAll degrades every image of a set with one level; seeds differ per image.
func degradeAll(t *testing.T, ims [][]byte, seed int64, l degradeLevel) [][]byte {
	t.Helper()
	out := make([][]byte, len(ims))
	for i, im := range ims {
		b, err := reportgen.Degrade(im, seed+int64(i), l.opts)
		if err != nil {
			t.Fatalf("degrade: %v", err)
		}
		out[i] = b
	}
	return out
}

// readPictures reads the table pictures of v (degraded) with Image, puts the tables read in
// place of the HTML tables of the variant's page (as the pipeline does with a page whose tables
// are pictures), lets the identities of the whole report arbitrate, and normalises.
func readPictures(t *testing.T, v reportgen.Variant, pics [][]byte) (*normalize.Report, error) {
	t.Helper()
	read := make([][]*extract.Table, len(pics))
	errs := make([]error, len(pics))
	var wg sync.WaitGroup
	for i, p := range pics {
		wg.Add(1)
		go func() {
			defer wg.Done()
			doc, err := Image(p)
			if err != nil {
				errs[i] = err
				return
			}
			for _, b := range doc.Blocks {
				if b.Table != nil {
					read[i] = append(read[i], b.Table)
				}
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("picture %d: %w", i+1, err)
		}
	}
	doc, err := extract.HTML(v.HTML(), "")
	if err != nil {
		return nil, err
	}
	var blocks []extract.Block
	n := 0
	for _, b := range doc.Blocks {
		if b.Kind != extract.TableBlock || b.Table == nil || (len(b.Table.Rows) == 1 && b.Table.NCols() == 1) {
			blocks = append(blocks, b)
			continue
		}
		if n < len(read) {
			if len(read[n]) != 1 {
				t.Logf("%s picture %d: %d tables read, want 1", v.ID, n+1, len(read[n]))
			}
			for _, tb := range read[n] {
				blocks = append(blocks, extract.Block{Kind: extract.TableBlock, Table: tb, Text: tb.Text()})
			}
		}
		n++
	}
	if n != len(read) {
		return nil, fmt.Errorf("page has %d data tables, %d pictures", n, len(read))
	}
	doc.Blocks = blocks
	Arbitrate(doc)
	return normalize.Normalize(doc)
}

// degradedRun measures the OCR on degraded renderings of the variants picks at the given levels,
// both the scanned pages (Pages) and the table pictures (Image, spliced into the page); it
// returns the scores per level and kind ("pages", "pictures").
func degradedRun(t *testing.T, picks []int, levels []degradeLevel) map[string]*degScore {
	vs := reportgen.Variants(20260101)
	res := map[string]*degScore{}
	var mu sync.Mutex
	add := func(key string, s degScore) {
		mu.Lock()
		defer mu.Unlock()
		if res[key] == nil {
			res[key] = &degScore{}
		}
		res[key].add(s)
	}
	for li, l := range levels {
		for _, i := range picks {
			v := vs[i]
			t.Run(l.name+"/"+v.ID, func(t *testing.T) {
				seed := int64(1000*i + 100*li)
				dpi := l.dpi
				if dpi == 0 {
					dpi = DPI
				}
				pages := degradeAll(t, scanAt(t, v, dpi), seed, l)
				start := time.Now()
				doc, err := Pages(pages)
				if err != nil {
					t.Fatalf("Pages: %v", err)
				}
				rep, err := normalize.Normalize(doc)
				if err != nil {
					t.Logf("normalize pages: %v", err)
				}
				s := scoreDegraded(v, rep)
				add(l.name+" pages", s)
				t.Logf("pages: %d in %v: %d/%d exact, %d flagged, %d missing, %d silent", len(pages), time.Since(start).Round(time.Millisecond), s.exact, s.total, s.flagged, s.missing, s.silent)
				if l.dpi != 0 {
					return // pictures are drawn at one size
				}
				ims, err := v.TableImages()
				if err != nil {
					t.Fatalf("table images: %v", err)
				}
				var pics [][]byte
				for _, im := range ims {
					pics = append(pics, im.Data)
				}
				start = time.Now()
				rep, err = readPictures(t, v, degradeAll(t, pics, seed+50, l))
				if err != nil {
					t.Logf("pictures: %v", err)
				}
				s2 := scoreDegraded(v, rep)
				add(l.name+" pictures", s2)
				t.Logf("pictures: %d in %v: %d/%d exact, %d flagged, %d missing, %d silent", len(pics), time.Since(start).Round(time.Millisecond), s2.exact, s2.total, s2.flagged, s2.missing, s2.silent)
				for _, line := range append(s.lines, s2.lines...) {
					t.Log(line)
				}
			})
		}
	}
	var keys []string
	for k := range res {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "%d variants\n| level | kind | truth cells exact | wrong, flagged | missing | silent |\n|---|---|---|---|---|---|\n", len(picks))
	for _, l := range levels {
		for _, kind := range []string{"pages", "pictures"} {
			if s := res[l.name+" "+kind]; s != nil {
				fmt.Fprintf(&b, "| %s | %s | %d / %d (%.2f%%) | %d | %d | %d |\n", l.name, kind, s.exact, s.total, 100*s.rate(), s.flagged, s.missing, s.silent)
			}
		}
	}
	t.Log("degraded scans:\n" + b.String())
	return res
}

// TestDegradedScansMeasure runs every level over a covering subset of the variants
// (reportgen.Representative) and reports the rates; it asserts the acceptance bar on the
// acceptance levels. OGIREPORTS_OCR_FULL=1 runs it (about 10 minutes on 2 cores);
// OGIREPORTS_OCR_DEGRADE=name,name selects levels.
func TestDegradedScansMeasure(t *testing.T) {
	if os.Getenv("OGIREPORTS_OCR_FULL") != "1" && os.Getenv("OGIREPORTS_OCR_DEGRADE") == "" {
		t.Skip("set OGIREPORTS_OCR_FULL=1 (or OGIREPORTS_OCR_DEGRADE=level,...) to measure the OCR on degraded scans of a covering subset (minutes)")
	}
	needOCR(t)
	testutil.NeedTool(t, "soffice", "libreoffice-writer")
	if _, err := reportgen.CJKFont(); err != nil {
		testutil.Missing(t, "no CJK font for reportgen.TableImages (Debian package fonts-wqy-microhei)")
	}
	levels := degradeLevels
	if sel := os.Getenv("OGIREPORTS_OCR_DEGRADE"); sel != "" {
		levels = nil
		for _, l := range degradeLevels {
			if slices.Contains(strings.Split(sel, ","), l.name) {
				levels = append(levels, l)
			}
		}
	}
	picks := reportgen.Representative(reportgen.Variants(20260101), 0, 1)
	degradedRun(t, picks, levels)
}
