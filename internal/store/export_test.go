package store

import (
	"context"
	"errors"
	"testing"

	"github.com/ogireports/ogireports/internal/normalize"
)

// exportFixture stores four reports: 2022 (sample: cells and checks), no year and no cells,
// 2020 with one cell, and a document marked not_report (no report at all).
func exportFixture(t *testing.T) (*Store, []int64) {
	t.Helper()
	s, _ := newStore(t)
	ctx := context.Background()
	var ids []int64
	save := func(sha string, r *normalize.Report) {
		id, err := s.SaveReport(ctx, putDoc(t, s, sha, "https://x.gov.cn/"+sha), r)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	save("a", sampleReport())
	save("b", &normalize.Report{Agency: "某局", ExtractorVersion: normalize.Version})
	r := sampleReport()
	r.Year, r.Cells, r.Checks = 2020, r.Cells[:1], nil
	save("c", r)
	if err := s.MarkDocument(ctx, putDoc(t, s, "d", "/d.html"), StatusNotReport, "not a report", "utf-8", normalize.Version); err != nil {
		t.Fatal(err)
	}
	putDoc(t, s, "a", "/mirror/a.html") // a second source of document a
	return s, ids
}

func TestEachReportBundle(t *testing.T) {
	s, ids := exportFixture(t)
	ctx := context.Background()
	want := map[int64]ReportRow{}
	if err := s.EachReport(ctx, func(r ReportRow) error { want[r.ID] = r; return nil }); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		f       ExportFilter
		ids     []int64
		cells   []int
		checks  []int
		sources []int
	}{
		{"all", ExportFilter{}, ids, []int{4, 0, 1}, []int{3, 0, 0}, []int{2, 1, 1}},
		{"2021-2022", ExportFilter{YearFrom: 2021, YearTo: 2022}, ids[:1], []int{4}, []int{3}, []int{2}},
		{"to 2020", ExportFilter{YearTo: 2020}, ids[2:], []int{1}, []int{0}, []int{1}},
		{"2030", ExportFilter{YearFrom: 2030}, nil, nil, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []int64
			n, err := s.CountReports(ctx, tc.f)
			if err != nil || n != int64(len(tc.ids)) {
				t.Errorf("CountReports = %d, %v; want %d", n, err, len(tc.ids))
			}
			err = s.EachReportBundle(ctx, tc.f, func(b *ReportBundle) error {
				i := len(got)
				got = append(got, b.Report.ID)
				w := want[b.Report.ID]
				if len(b.Cells) != tc.cells[i] || len(b.Checks) != tc.checks[i] || len(b.Sources) != tc.sources[i] {
					t.Errorf("report %d: %d cells %d checks %d sources", b.Report.ID, len(b.Cells), len(b.Checks), len(b.Sources))
				}
				if b.Report.ChecksPassed != w.ChecksPassed || b.Report.ChecksFailed != w.ChecksFailed ||
					b.Report.ChecksNotAssessable != w.ChecksNotAssessable || b.Report.Agency != w.Agency ||
					b.Report.Year != w.Year || b.Report.Source != w.Source || b.Report.DocumentSHA256 != w.DocumentSHA256 {
					t.Errorf("report %d: %+v, EachReport %+v", b.Report.ID, b.Report, w)
				}
				for _, c := range b.Cells {
					if c.ReportID != b.Report.ID || c.Agency != w.Agency || c.Source != w.Source {
						t.Errorf("cell %+v of report %d", c, b.Report.ID)
					}
					if c.Key == "t3.new_received.research" && c.Value != nil || c.Key == "t3.new_received.commercial" && (c.Value == nil || *c.Value != 0) {
						t.Errorf("blank/zero lost: %s = %v", c.Key, c.Value)
					}
				}
				for _, k := range b.Checks {
					if (k.Status == "not_assessable") != (k.Left == nil) || k.ID == 0 {
						t.Errorf("check %+v", k)
					}
				}
				if b.Report.DocumentSHA256 == "a" && (b.Sources[0] != "https://x.gov.cn/a" || b.Sources[1] != "/mirror/a.html") {
					t.Errorf("sources %v", b.Sources)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.ids) {
				t.Fatalf("reports %v, want %v", got, tc.ids)
			}
			for i := range got {
				if got[i] != tc.ids[i] {
					t.Errorf("reports %v, want %v", got, tc.ids)
				}
			}
		})
	}
	stop := errors.New("stop")
	if err := s.EachReportBundle(ctx, ExportFilter{}, func(*ReportBundle) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("callback error not returned: %v", err)
	}
}
