package pdf

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
	"unicode"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/enums"
	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// engine is the process-wide PDFium WebAssembly pool: one wazero runtime with the compiled
// module, handing out one module instance per Extract call.
type engine struct {
	pool pdfium.Pool
}

var (
	engineMu  sync.Mutex
	engineVal *engine
)

// getEngine returns the shared engine, initialising it on first use with o's engine settings
// (cache dir, memory limit, concurrency). A failed initialisation is retried on the next call.
func getEngine(o Options) (*engine, error) {
	engineMu.Lock()
	defer engineMu.Unlock()
	if engineVal != nil {
		return engineVal, nil
	}
	rc := wazero.NewRuntimeConfig().
		WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
		WithCloseOnContextDone(true).
		WithMemoryLimitPages(uint32(o.MaxMemoryMiB * 16)) // 16 wasm pages of 64 KiB per MiB
	if dir := cacheDir(o.CacheDir); dir != "" {
		if cache, err := wazero.NewCompilationCacheWithDir(dir); err == nil {
			rc = rc.WithCompilationCache(cache)
		}
		// Without a usable cache directory every process compiles the module (~3 s): slow,
		// not wrong, so the error is not fatal.
	}
	pool, err := webassembly.Init(webassembly.Config{
		MinIdle:       0,
		MaxIdle:       o.MaxWorkers,
		MaxTotal:      o.MaxWorkers,
		ReuseWorkers:  true,
		RuntimeConfig: rc,
		// No host directory is mounted: documents are passed as bytes.
		FSConfig: wazero.NewFSConfig(),
		Stdout:   discard{},
		Stderr:   discard{},
	})
	if err != nil {
		return nil, fmt.Errorf("pdf: initialise pdfium webassembly: %w", err)
	}
	engineVal = &engine{pool: pool}
	return engineVal, nil
}

// cacheDir resolves the compilation cache directory: the option, else
// os.UserCacheDir()/ogireports/wazero, else "" (no cache).
func cacheDir(opt string) string {
	if opt != "" {
		return opt
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(base, "ogireports", "wazero")
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// rawChar is one character as read by the engine, in top-left page coordinates.
type rawChar struct {
	R    rune
	X0   float64
	Y0   float64
	X1   float64
	Y1   float64
	Size float64 // glyph box height, a font-size proxy
	// SpaceAfter is set when a space follows the character in the content stream.
	SpaceAfter bool
}

// edge is one axis-aligned ruled segment (a stroked line or one side of a filled rectangle),
// in top-left page coordinates: horizontal when Y0 == Y1, vertical when X0 == X1.
type edge struct {
	X0, Y0, X1, Y1 float64
}

func (e edge) horizontal() bool { return e.Y0 == e.Y1 }

// rawPage is what the engine reads from one page: its size, characters, ruled edges and
// number of image objects.
type rawPage struct {
	N      int // 1-based page number
	W, H   float64
	Chars  []rawChar
	Edges  []edge
	Images int
}

// readDocument opens data in one engine instance and reads every page. It honours ctx by
// killing the instance when ctx ends.
func (e *engine) readDocument(ctx context.Context, data []byte, o Options) ([]rawPage, error) {
	inst, err := e.pool.GetInstanceWithContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("pdf: get pdfium instance: %w", err)
	}
	type result struct {
		pages []rawPage
		err   error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			if p := recover(); p != nil {
				r.err = fmt.Errorf("pdf: engine panic: %v", p)
			}
			done <- r
		}()
		r.pages, r.err = readWith(inst, data, o)
	}()
	select {
	case r := <-done:
		inst.Close()
		return r.pages, r.err
	case <-ctx.Done():
		// Kill aborts the running WebAssembly call (CloseOnContextDone) and discards the worker.
		inst.Kill()
		<-done
		return nil, fmt.Errorf("pdf: %w", ctx.Err())
	}
}

// readWith reads all pages of data with one instance.
func readWith(inst pdfium.Pdfium, data []byte, o Options) ([]rawPage, error) {
	req := &requests.OpenDocument{File: &data}
	if o.Password != "" {
		pw := o.Password
		req.Password = &pw
	}
	doc, err := inst.OpenDocument(req)
	if err != nil {
		switch {
		case errors.Is(err, pdfiumerrors.ErrPassword):
			return nil, fmt.Errorf("pdf: %w", ErrPassword)
		case errors.Is(err, pdfiumerrors.ErrFormat), errors.Is(err, pdfiumerrors.ErrFile):
			return nil, fmt.Errorf("pdf: %w: %v", ErrDamaged, err)
		}
		return nil, fmt.Errorf("pdf: open document: %w", err)
	}
	defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})
	pc, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc.Document})
	if err != nil {
		return nil, fmt.Errorf("pdf: page count: %w", err)
	}
	if pc.PageCount == 0 {
		return nil, fmt.Errorf("pdf: %w: no pages", ErrDamaged)
	}
	if pc.PageCount > o.MaxPages {
		return nil, fmt.Errorf("pdf: %w: %d pages, limit %d", ErrTooManyPages, pc.PageCount, o.MaxPages)
	}
	pages := make([]rawPage, 0, pc.PageCount)
	for i := 0; i < pc.PageCount; i++ {
		p, err := readPage(inst, doc.Document, i)
		if err != nil {
			return nil, fmt.Errorf("pdf: page %d: %w", i+1, err)
		}
		pages = append(pages, p)
	}
	return pages, nil
}

// readPage reads the characters, edges and image count of page index i.
func readPage(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT, i int) (rp rawPage, err error) {
	lp, err := inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: doc, Index: i})
	if err != nil {
		return rawPage{}, fmt.Errorf("load: %w", err)
	}
	defer inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: lp.Page})
	page := requests.Page{ByReference: &lp.Page}
	w, err := inst.FPDF_GetPageWidthF(&requests.FPDF_GetPageWidthF{Page: page})
	if err != nil {
		return rawPage{}, fmt.Errorf("width: %w", err)
	}
	h, err := inst.FPDF_GetPageHeightF(&requests.FPDF_GetPageHeightF{Page: page})
	if err != nil {
		return rawPage{}, fmt.Errorf("height: %w", err)
	}
	rp = rawPage{N: i + 1, W: float64(w.PageWidth), H: float64(h.PageHeight)}
	rot := 0
	if r, err := inst.FPDFPage_GetRotation(&requests.FPDFPage_GetRotation{Page: page}); err == nil {
		rot = int(r.PageRotation) & 3
	}
	if rot%2 == 1 {
		// PDFium reports the displayed size; read in the unrotated space first.
		rp.W, rp.H = rp.H, rp.W
	}
	defer rp.rotate(rot)
	txt, err := inst.GetPageTextStructured(&requests.GetPageTextStructured{Page: page, Mode: requests.GetPageTextStructuredModeChars})
	if err != nil {
		return rawPage{}, fmt.Errorf("text: %w", err)
	}
	for _, c := range txt.Chars {
		r := []rune(c.Text)
		if len(r) != 1 {
			continue
		}
		pp := c.PointPosition
		if unicode.IsSpace(r[0]) || (pp.Right-pp.Left <= 0 && pp.Top-pp.Bottom <= 0) {
			// Spaces (printed or inserted by PDFium where it sees a word gap) and line breaks
			// are not placed: they only mark a word boundary after the previous character.
			if unicode.IsSpace(r[0]) && len(rp.Chars) > 0 {
				rp.Chars[len(rp.Chars)-1].SpaceAfter = true
			}
			continue
		}
		rp.Chars = append(rp.Chars, rawChar{
			R: r[0], X0: pp.Left, X1: pp.Right, Y0: rp.H - pp.Top, Y1: rp.H - pp.Bottom,
			Size: pp.Top - pp.Bottom,
		})
	}
	n, err := inst.FPDFPage_CountObjects(&requests.FPDFPage_CountObjects{Page: page})
	if err != nil {
		return rawPage{}, fmt.Errorf("objects: %w", err)
	}
	for j := 0; j < n.Count; j++ {
		o, err := inst.FPDFPage_GetObject(&requests.FPDFPage_GetObject{Page: page, Index: j})
		if err != nil {
			return rawPage{}, fmt.Errorf("object %d: %w", j, err)
		}
		readObject(inst, o.PageObject, identity, &rp, 0)
	}
	return rp, nil
}

// matrix is a PDF transform [a b c d e f].
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// apply maps (x, y) through m.
func (m matrix) apply(x, y float64) (float64, float64) {
	return m[0]*x + m[2]*y + m[4], m[1]*x + m[3]*y + m[5]
}

// mul returns the transform "first n, then m".
func (m matrix) mul(n matrix) matrix {
	return matrix{
		n[0]*m[0] + n[1]*m[2], n[0]*m[1] + n[1]*m[3],
		n[2]*m[0] + n[3]*m[2], n[2]*m[1] + n[3]*m[3],
		n[4]*m[0] + n[5]*m[2] + m[4], n[4]*m[1] + n[5]*m[3] + m[5],
	}
}

// maxFormDepth bounds the recursion into nested form XObjects.
const maxFormDepth = 8

// maxEdgesPerPage bounds the ruled edges kept per page (a page of hatching is not a table).
const maxEdgesPerPage = 20000

// readObject records the edges of a path object (through ctm, the transform of the enclosing
// form objects), counts images, and recurses into form objects. Errors on one object only
// drop that object.
func readObject(inst pdfium.Pdfium, obj references.FPDF_PAGEOBJECT, ctm matrix, rp *rawPage, depth int) {
	ty, err := inst.FPDFPageObj_GetType(&requests.FPDFPageObj_GetType{PageObject: obj})
	if err != nil {
		return
	}
	switch ty.Type {
	case enums.FPDF_PAGEOBJ_IMAGE:
		rp.Images++
	case enums.FPDF_PAGEOBJ_FORM:
		if depth >= maxFormDepth {
			return
		}
		mr, err := inst.FPDFPageObj_GetMatrix(&requests.FPDFPageObj_GetMatrix{PageObject: obj})
		if err != nil {
			return
		}
		fm := mr.Matrix
		inner := ctm.mul(matrix{float64(fm.A), float64(fm.B), float64(fm.C), float64(fm.D), float64(fm.E), float64(fm.F)})
		n, err := inst.FPDFFormObj_CountObjects(&requests.FPDFFormObj_CountObjects{PageObject: obj})
		if err != nil {
			return
		}
		for k := 0; k < n.Count; k++ {
			c, err := inst.FPDFFormObj_GetObject(&requests.FPDFFormObj_GetObject{PageObject: obj, Index: uint64(k)})
			if err != nil {
				continue
			}
			readObject(inst, c.PageObject, inner, rp, depth+1)
		}
	case enums.FPDF_PAGEOBJ_PATH:
		if len(rp.Edges) >= maxEdgesPerPage {
			return
		}
		dm, err := inst.FPDFPath_GetDrawMode(&requests.FPDFPath_GetDrawMode{PageObject: obj})
		if err != nil || !visiblePath(inst, obj, dm.Stroke, dm.FillMode != enums.FPDF_FILLMODE_NONE) {
			return
		}
		if sc, err := inst.FPDFPath_CountSegments(&requests.FPDFPath_CountSegments{PageObject: obj}); err == nil && sc.Count > 5 {
			readPathSegments(inst, obj, sc.Count, ctm, rp)
			return
		}
		b, err := inst.FPDFPageObj_GetBounds(&requests.FPDFPageObj_GetBounds{PageObject: obj})
		if err != nil {
			return
		}
		// Bounds are in the coordinates of the enclosing content stream: map the corners.
		xa, ya := ctm.apply(float64(b.Left), float64(b.Bottom))
		xb, yb := ctm.apply(float64(b.Right), float64(b.Top))
		x0, x1 := math.Min(xa, xb), math.Max(xa, xb)
		y0, y1 := rp.H-math.Max(ya, yb), rp.H-math.Min(ya, yb)
		rp.Edges = append(rp.Edges, boxEdges(x0, y0, x1, y1)...)
	}
}

// thinRule is the thickness (points) under which a path's bounding box is a single rule.
const thinRule = 3.0

// boxEdges turns the bounding box of a path into ruled edges: a thin box is one rule along
// its long axis; a larger box contributes its four sides (cell backgrounds and frames).
func boxEdges(x0, y0, x1, y1 float64) []edge {
	w, h := x1-x0, y1-y0
	switch {
	case w < thinRule && h < thinRule:
		return nil // a dot
	case h < thinRule:
		y := (y0 + y1) / 2
		return []edge{{x0, y, x1, y}}
	case w < thinRule:
		x := (x0 + x1) / 2
		return []edge{{x, y0, x, y1}}
	}
	return []edge{{x0, y0, x1, y0}, {x0, y1, x1, y1}, {x0, y0, x0, y1}, {x1, y0, x1, y1}}
}

// unmappedShare is the share of characters without a usable Unicode mapping.
func unmappedShare(chars []rawChar) float64 {
	if len(chars) == 0 {
		return 0
	}
	bad := 0
	for _, c := range chars {
		if c.R == 0xFFFD || c.R < 0x20 || (c.R >= 0xE000 && c.R <= 0xF8FF) {
			bad++
		}
	}
	return float64(bad) / float64(len(chars))
}

// maxSegments bounds the segments read from one path object.
const maxSegments = 20000

// readPathSegments records the edges of a path made of several subpaths (a whole grid drawn as
// one path): each subpath that is an axis-aligned line or rectangle gives its edges, and the
// axis-aligned sides of any other stroked subpath give edges.
func readPathSegments(inst pdfium.Pdfium, obj references.FPDF_PAGEOBJECT, n int, ctm matrix, rp *rawPage) {
	mr, err := inst.FPDFPageObj_GetMatrix(&requests.FPDFPageObj_GetMatrix{PageObject: obj})
	if err != nil {
		return
	}
	fm := mr.Matrix
	m := ctm.mul(matrix{float64(fm.A), float64(fm.B), float64(fm.C), float64(fm.D), float64(fm.E), float64(fm.F)})
	type pt struct{ x, y float64 }
	var sub []pt
	flush := func() {
		defer func() { sub = sub[:0] }()
		if len(sub) < 2 {
			return
		}
		x0, y0, x1, y1 := sub[0].x, sub[0].y, sub[0].x, sub[0].y
		aligned := true
		for k, p := range sub {
			x0, x1 = math.Min(x0, p.x), math.Max(x1, p.x)
			y0, y1 = math.Min(y0, p.y), math.Max(y1, p.y)
			if k > 0 {
				q := sub[k-1]
				if math.Abs(p.x-q.x) > 0.5 && math.Abs(p.y-q.y) > 0.5 {
					aligned = false
				}
			}
		}
		if aligned && len(sub) <= 5 {
			rp.Edges = append(rp.Edges, boxEdges(x0, y0, x1, y1)...)
			return
		}
		for k := 1; k < len(sub); k++ {
			p, q := sub[k-1], sub[k]
			switch {
			case math.Abs(p.y-q.y) <= 0.5 && math.Abs(p.x-q.x) >= thinRule:
				rp.Edges = append(rp.Edges, edge{math.Min(p.x, q.x), p.y, math.Max(p.x, q.x), p.y})
			case math.Abs(p.x-q.x) <= 0.5 && math.Abs(p.y-q.y) >= thinRule:
				rp.Edges = append(rp.Edges, edge{p.x, math.Min(p.y, q.y), p.x, math.Max(p.y, q.y)})
			}
		}
	}
	if n > maxSegments {
		n = maxSegments
	}
	for k := 0; k < n; k++ {
		sg, err := inst.FPDFPath_GetPathSegment(&requests.FPDFPath_GetPathSegment{PageObject: obj, Index: k})
		if err != nil {
			return
		}
		p, err := inst.FPDFPathSegment_GetPoint(&requests.FPDFPathSegment_GetPoint{PathSegment: sg.PathSegment})
		if err != nil {
			return
		}
		ty, err := inst.FPDFPathSegment_GetType(&requests.FPDFPathSegment_GetType{PathSegment: sg.PathSegment})
		if err != nil {
			return
		}
		x, y := m.apply(float64(p.X), float64(p.Y))
		y = rp.H - y
		if ty.Type == enums.FPDF_SEGMENT_MOVETO {
			flush()
		}
		sub = append(sub, pt{x, y})
		if cl, err := inst.FPDFPathSegment_GetClose(&requests.FPDFPathSegment_GetClose{PathSegment: sg.PathSegment}); err == nil && cl.IsClose && len(sub) > 0 {
			sub = append(sub, sub[0])
			flush()
		}
	}
	flush()
}

// visiblePath reports whether a path paints something that shows on a white page: a stroke or
// fill that is neither white nor transparent. Word processors paint white cell backgrounds and
// white paragraph shading, and erase borders with white strokes; none of those is a rule.
func visiblePath(inst pdfium.Pdfium, obj references.FPDF_PAGEOBJECT, stroke, fill bool) bool {
	shows := func(r, g, b, a uint) bool { return a > 0 && !(r >= 245 && g >= 245 && b >= 245) }
	if stroke {
		c, err := inst.FPDFPageObj_GetStrokeColor(&requests.FPDFPageObj_GetStrokeColor{PageObject: obj})
		if err != nil || shows(c.StrokeColor.R, c.StrokeColor.G, c.StrokeColor.B, c.StrokeColor.A) {
			return true
		}
	}
	if fill {
		c, err := inst.FPDFPageObj_GetFillColor(&requests.FPDFPageObj_GetFillColor{PageObject: obj})
		if err != nil || shows(c.FillColor.R, c.FillColor.G, c.FillColor.B, c.FillColor.A) {
			return true
		}
	}
	return false
}

// rotate maps the page from its unrotated top-left space to the displayed one, for a page
// turned rot quarter turns clockwise (/Rotate 90·rot), so that a landscape table printed on a
// rotated page reads like any other.
func (rp *rawPage) rotate(rot int) {
	if rot == 0 {
		return
	}
	w, h := rp.W, rp.H
	pt := func(x, y float64) (float64, float64) {
		switch rot {
		case 1:
			return h - y, x
		case 2:
			return w - x, h - y
		default:
			return y, w - x
		}
	}
	box := func(x0, y0, x1, y1 float64) (float64, float64, float64, float64) {
		ax, ay := pt(x0, y0)
		bx, by := pt(x1, y1)
		return math.Min(ax, bx), math.Min(ay, by), math.Max(ax, bx), math.Max(ay, by)
	}
	for i := range rp.Chars {
		c := &rp.Chars[i]
		c.X0, c.Y0, c.X1, c.Y1 = box(c.X0, c.Y0, c.X1, c.Y1)
		c.Size = c.Y1 - c.Y0
	}
	for i := range rp.Edges {
		e := &rp.Edges[i]
		e.X0, e.Y0, e.X1, e.Y1 = box(e.X0, e.Y0, e.X1, e.Y1)
	}
	if rot%2 == 1 {
		rp.W, rp.H = h, w
	}
}
