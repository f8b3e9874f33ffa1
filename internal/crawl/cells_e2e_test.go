package crawl

import (
	"context"
	"math"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ogireports/ogireports/internal/fetch"
	"github.com/ogireports/ogireports/internal/pipeline"
	"github.com/ogireports/ogireports/internal/simweb"
	"github.com/ogireports/ogireports/internal/store"
)

// TestCrawlCellsEqualTruth crawls the simulated web through the real pipeline (extract,
// normalize, store) and judges the store against the web's truth: every reachable planted
// report with extractable cells is stored as a report whose cells equal the planted cells
// (blank as blank), and no planted non-report is stored as a report.
func TestCrawlCellsEqualTruth(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the simulated web")
	}
	env := startSim(t, simweb.Config{Seed: 7, Sites: 8, CrawlDelayUnit: 10 * time.Millisecond,
		Faults: &simweb.Faults{}})
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
			Source: d.Source, ContentType: d.ContentType, SeenAt: d.SeenAt})
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

	stored := map[int64]map[string]*float64{}
	if err := st.EachCell(context.Background(), func(r store.CellRow) error {
		if stored[r.ReportID] == nil {
			stored[r.ReportID] = map[string]*float64{}
		}
		stored[r.ReportID][r.Key] = r.Value
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	checked := 0
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
		bad := 0
		for k, want := range p.Cells {
			g, present := got[k]
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
	if checked < 50 {
		t.Fatalf("only %d planted reports checked cell by cell: the simulated web changed?", checked)
	}
	t.Logf("%d planted reports stored with cells equal to the truth", checked)
}
