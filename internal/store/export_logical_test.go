package store

import (
	"context"
	"errors"
	"testing"
)

func TestExportLogicalReads(t *testing.T) {
	s, ids := exportFixture(t)
	ctx := context.Background()
	if has, err := s.HasLogicalReports(ctx); err != nil || has {
		t.Fatalf("HasLogicalReports before reconciling = %v, %v; want false", has, err)
	}
	share := 0.25
	ls := []LogicalReport{{JurisdictionCode: "370612", AgencyNormalized: "烟台市牟平区人民政府", AgencyName: "烟台市牟平区人民政府",
		AgencyType: "government", AgencyConfidence: 0.9, Year: 2022, ChosenReportID: ids[0], CurrentVersion: 2, Sources: 1,
		Flags: []string{"copied"},
		Members: []LogicalMember{{ReportID: ids[0], SourceRank: 0, Version: 2, IsCurrent: true},
			{ReportID: ids[2], SourceRank: 1, Version: 1, IsCurrent: false}},
		Indicators: map[string]*float64{"share_granted": &share, "yoy_new_received": nil},
		Checks: []CrossCheck{{ReportID: ids[0], OtherReportID: ids[2], Identity: "sources.agree", Status: "fail",
			Left: &share, Detail: "t2.x"}}}}
	if err := s.SaveReconciliation(ctx, ls); err != nil {
		t.Fatal(err)
	}
	if has, err := s.HasLogicalReports(ctx); err != nil || !has {
		t.Fatalf("HasLogicalReports after reconciling = %v, %v; want true", has, err)
	}
	ms, err := s.ExportMemberships(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id   int64
		want ExportMembership
		ok   bool
	}{
		{ids[0], ExportMembership{LogicalID: ls[0].ID, Chosen: true, IsCurrent: true, Version: 2}, true},
		{ids[2], ExportMembership{LogicalID: ls[0].ID, Version: 1, SourceRank: 1}, true},
		{ids[1], ExportMembership{}, false},
	}
	for _, tc := range tests {
		if got, ok := ms[tc.id]; got != tc.want || ok != tc.ok {
			t.Errorf("membership of report %d = %+v, %v; want %+v, %v", tc.id, got, ok, tc.want, tc.ok)
		}
	}
	lr, err := s.ExportLogicalReports(ctx)
	if err != nil {
		t.Fatal(err)
	}
	l := lr[ls[0].ID]
	if len(lr) != 1 || l == nil || l.ChosenReportID != ids[0] || len(l.Indicators) != 2 ||
		l.Indicators["share_granted"] == nil || *l.Indicators["share_granted"] != share || l.Indicators["yoy_new_received"] != nil {
		t.Fatalf("ExportLogicalReports = %+v", l)
	}
	var got []ExportCrossCheck
	if err := s.EachCrossCheck(ctx, func(c *ExportCrossCheck) error { got = append(got, *c); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID == 0 || got[0].LogicalID != ls[0].ID || got[0].ReportID != ids[0] || got[0].OtherReportID != ids[2] ||
		got[0].Agency != "烟台市牟平区人民政府" || got[0].Year != 2022 || got[0].Left == nil || *got[0].Left != share || got[0].Right != nil {
		t.Errorf("EachCrossCheck = %+v", got)
	}
	stop := errors.New("stop")
	if err := s.EachCrossCheck(ctx, func(*ExportCrossCheck) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("callback error not returned: %v", err)
	}
}
