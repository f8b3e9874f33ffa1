package crawl

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ogireports/ogireports/internal/extract/ocr"
	"github.com/ogireports/ogireports/internal/fetch"
	"github.com/ogireports/ogireports/internal/pipeline"
	"github.com/ogireports/ogireports/internal/reportgen"
	"github.com/ogireports/ogireports/internal/simweb"
	"github.com/ogireports/ogireports/internal/store"
	"github.com/ogireports/ogireports/internal/testutil"
)

// TestCrawlCellsEqualTruth crawls the simulated web through the real pipeline (extract,
// normalize, store) and judges the store against the web's truth: every reachable planted
// report with extractable cells is stored as a report whose cells equal the planted cells
// (blank as blank), and no planted non-report is stored as a report. Reports whose tables are
// pictures in the page (drawn by reportgen, read by OCR when tesseract and a CJK font are
// installed) must have at least 98% of their cells exact and every other cell flagged.
func TestCrawlCellsEqualTruth(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the simulated web")
	}
	cfg := simweb.Config{Seed: 7, Sites: 8, CrawlDelayUnit: 10 * time.Millisecond, Faults: &simweb.Faults{}}
	if _, err := reportgen.CJKFont(); err == nil && ocr.Available() {
		cfg.TableImages = func(v reportgen.Variant) []reportgen.TableImage {
			pics, err := v.TableImages()
			if err != nil {
				t.Errorf("TableImages %s: %v", v.ID, err)
			}
			return pics
		}
	} else if testutil.ToolsRequired() {
		t.Fatalf("tables printed as pictures need tesseract with chi_sim and a CJK font (fonts-wqy-microhei); OGIREPORTS_REQUIRE_TOOLS=1 forbids leaving them out (font: %v)", err)
	} else {
		t.Log("no tesseract with chi_sim or no CJK font: reports with their tables as pictures are not checked")
	}
	env := startSim(t, cfg)
	st, err := store.Open(filepath.Join(t.TempDir(), "e2e.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	state := NewStoreState(st)
	defer state.Close()
	a := &fetch.Archive{Dir: t.TempDir()}

	var mu sync.Mutex
	reportOf := map[string]int64{} // source URL → report id
	status := map[string]string{}  // source URL → document status
	proc := ProcessorFunc(func(ctx context.Context, d Document) (Outcome, error) {
		res, err := pipeline.Process(ctx, st, pipeline.Input{Data: d.Data, Name: d.Name,
			Source: d.Source, ContentType: d.ContentType, SeenAt: d.SeenAt, Parts: partsOf(d.Parts)})
		if err != nil {
			return Outcome{}, err
		}
		mu.Lock()
		defer mu.Unlock()
		status[d.Source] = res.Status
		if res.Status == store.StatusReport {
			reportOf[d.Source] = res.ReportID
		}
		return Outcome{Report: res.Status == store.StatusReport, NewBytes: res.New}, nil
	})
	c := New(Config{Hosts: 8}, env.fetcher(5*time.Millisecond, false, state, a), state, a, proc, quietLog())
	if _, err := c.Run(context.Background(), env.sites); err != nil {
		t.Fatal(err)
	}

	stored := map[int64]map[string]store.CellRow{}
	if err := st.EachCell(context.Background(), func(r store.CellRow) error {
		if stored[r.ReportID] == nil {
			stored[r.ReportID] = map[string]store.CellRow{}
		}
		stored[r.ReportID][r.Key] = r
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	checked, pictures, picCells, picExact := 0, 0, 0, 0
	for _, p := range env.web.Truth() {
		if !p.Reachable || p.RobotsBlocked {
			continue
		}
		if !p.IsReport {
			if _, ok := reportOf[p.URL]; ok {
				t.Errorf("non-report (%s) stored as a report: %s %q", p.Category, p.URL, p.Title)
			}
			continue
		}
		if !p.Extractable || p.Cells == nil {
			continue
		}
		id, ok := reportOf[p.URL]
		if !ok {
			t.Errorf("planted %s report %s (%q) not stored as a report (status %q)", p.Kind, p.URL, p.Title, status[p.URL])
			continue
		}
		checked++
		got := stored[id]
		if p.Kind == "image" {
			pictures++
			for k, want := range p.Cells {
				picCells++
				c, present := got[k]
				if present && (want == nil) == (c.Value == nil) && (want == nil || math.Abs(*want-*c.Value) < 1e-9) {
					picExact++
				} else if !present || !slices.ContainsFunc(c.Flags, func(f string) bool { return f != "ocr" }) {
					t.Errorf("%s (tables as pictures): %s = %v (%q, flags %v), want %v, and not flagged", p.URL, k, c.Value, c.ValueText, c.Flags, fmtPtr(want))
				}
			}
			continue
		}
		bad := 0
		for k, want := range p.Cells {
			c, present := got[k]
			g := c.Value
			switch {
			case !present:
				bad++
				t.Errorf("%s: %s missing", p.URL, k)
			case (want == nil) != (g == nil):
				bad++
				t.Errorf("%s: %s blank mismatch (got %v, want %v)", p.URL, k, g != nil, want != nil)
			case want != nil && math.Abs(*want-*g) > 1e-9:
				bad++
				t.Errorf("%s: %s = %v, want %v", p.URL, k, *g, *want)
			}
			if bad > 5 {
				t.Fatalf("%s: too many mismatches", p.URL)
			}
		}
	}
	if cfg.TableImages != nil {
		if pictures == 0 {
			t.Error("no report with its tables as pictures was checked: the simulated web changed?")
		}
		t.Logf("tables as pictures: %d reports, %d of %d cells exact", pictures, picExact, picCells)
		if float64(picExact) < 0.98*float64(picCells) {
			t.Errorf("tables as pictures: %d of %d cells exact, want at least 98%%", picExact, picCells)
		}
	}
	if checked < 50 {
		t.Fatalf("only %d planted reports checked cell by cell: the simulated web changed?", checked)
	}
	t.Logf("%d planted reports stored with cells equal to the truth", checked)
}

// partsOf hands a report page's pictures from the crawler to the pipeline.
func partsOf(ps []Part) []pipeline.Part {
	out := make([]pipeline.Part, len(ps))
	for i, p := range ps {
		out[i] = pipeline.Part{URL: p.URL, Data: p.Data, ContentType: p.ContentType, Err: p.Err}
	}
	return out
}

func fmtPtr(p *float64) string {
	if p == nil {
		return "blank"
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}
