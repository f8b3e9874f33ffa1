package store

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
)

// TestReconcileMigrationKeepsData opens a database at the version before the reconciliation
// step, stores a report, and checks that Open applies the step and the report survives.
func TestReconcileMigrationKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	step := -1
	for i, m := range migrations {
		if m.SQL == schemaReconcile {
			step = i
		}
	}
	if step < 0 {
		t.Fatal("reconcile migration not in migrations")
	}
	old, err := openWith(ctx, path, migrations[:step])
	if err != nil {
		t.Fatal(err)
	}
	doc := putDoc(t, old, "aa", "https://example.gov.cn/a.html")
	rid, err := old.SaveReport(ctx, doc, sampleReport())
	if err != nil {
		t.Fatal(err)
	}
	old.Close()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.Version(ctx); v != SchemaVersion() {
		t.Errorf("version %d, want %d", v, SchemaVersion())
	}
	v, _, err := s.ReportValues(ctx, rid)
	if err != nil {
		t.Fatal(err)
	}
	if x, ok := v.Get("t3.new_received.natural_person"); !ok || x != 92 {
		t.Errorf("report cells lost in migration: %v", v)
	}
}

func TestReconciliationRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	d1 := putDoc(t, s, "aa", "https://example.gov.cn/a.html")
	d2 := putDoc(t, s, "bb", "https://example.gov.cn/b.pdf")
	r1, err := s.SaveReport(ctx, d1, sampleReport())
	if err != nil {
		t.Fatal(err)
	}
	r2, err := s.SaveReport(ctx, d2, sampleReport())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveProse(ctx, r1, map[string]float64{"t3.new_received.total": 97}); err != nil {
		t.Fatal(err)
	}
	prose, err := s.ReportProse(ctx, r1)
	if err != nil || !reflect.DeepEqual(prose, map[string]float64{"t3.new_received.total": 97}) {
		t.Errorf("ReportProse = %v, %v", prose, err)
	}
	ins, err := s.ReconcileInputs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ins) != 2 || ins[0].ReportID != r1 || ins[0].Year != 2022 || ins[0].ChecksFailed != 1 ||
		ins[0].LayoutT3 != "gov2021" || len(ins[0].Sightings) != 1 || ins[0].Sightings[0].Source != "https://example.gov.cn/a.html" {
		t.Errorf("ReconcileInputs = %+v", ins)
	}
	one, two := 1.0, 2.0
	ls := []LogicalReport{{JurisdictionCode: "370612", AgencyNormalized: "烟台市牟平区人民政府", AgencyName: "烟台市牟平区人民政府",
		AgencyType: "government", AgencyConfidence: 0.8, Year: 2022, ChosenReportID: r1, CurrentVersion: 1, Sources: 2,
		LayoutT3: "gov2021", Flags: []string{"sources_disagree"},
		Members:    []LogicalMember{{ReportID: r1, Version: 1, IsCurrent: true}, {ReportID: r2, SourceRank: 1, Version: 1, IsCurrent: true}},
		Indicators: map[string]*float64{"share_granted": &one, "review_correction_rate": nil},
		Checks: []CrossCheck{{ReportID: r1, OtherReportID: r2, Identity: "sources.agree", Status: "fail", Left: &two, Right: &one,
			Detail: "1 of 2 keys differ"}}},
		{AgencyNormalized: "某某协会", Year: 2022, ChosenReportID: r2, AgencyReason: "no division name matched"},
	}
	if err := s.SaveReconciliation(ctx, ls); err != nil {
		t.Fatal(err)
	}
	got, err := s.LogicalReports(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1].ID != ls[0].ID || got[1].JurisdictionCode != "370612" || got[1].Sources != 2 ||
		!reflect.DeepEqual(got[1].Flags, []string{"sources_disagree"}) || got[0].JurisdictionCode != "" {
		t.Errorf("LogicalReports = %+v", got)
	}
	ms, _ := s.LogicalMembers(ctx, ls[0].ID)
	if !reflect.DeepEqual(ms, ls[0].Members) {
		t.Errorf("members %+v, want %+v", ms, ls[0].Members)
	}
	ind, _ := s.Indicators(ctx, ls[0].ID)
	if len(ind) != 2 || ind["share_granted"] == nil || *ind["share_granted"] != 1 || ind["review_correction_rate"] != nil {
		t.Errorf("indicators %v", ind)
	}
	cc, _ := s.CrossChecks(ctx, "sources.agree")
	if len(cc) != 1 || cc[0].OtherReportID != r2 || cc[0].Left == nil || *cc[0].Left != 2 || cc[0].LogicalID != ls[0].ID {
		t.Errorf("cross checks %+v", cc)
	}
	un, _ := s.UnmatchedAgencies(ctx)
	if len(un) != 1 || un[0].Agency != "某某协会" || un[0].Reports != 1 {
		t.Errorf("unmatched %+v", un)
	}

	// a second reconciliation keeps the id of a key still present and drops the others
	firstID := ls[0].ID
	ls = ls[:1]
	ls[0].ID = 0
	ls[0].Checks = nil
	if err := s.SaveReconciliation(ctx, ls); err != nil {
		t.Fatal(err)
	}
	got, _ = s.LogicalReports(ctx)
	if len(got) != 1 || got[0].ID != firstID || ls[0].ID != firstID {
		t.Errorf("after second save: %+v (want id %d)", got, firstID)
	}
	if cc, _ := s.CrossChecks(ctx, ""); len(cc) != 0 {
		t.Errorf("stale cross checks %+v", cc)
	}
	// a report that disappears takes its logical report and prose with it
	if err := s.MarkDocument(ctx, d1, StatusNotReport, "re-extracted", "", "x"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.LogicalReports(ctx); len(got) != 0 {
		t.Errorf("logical report outlives its chosen report: %+v", got)
	}
	if p, _ := s.ReportProse(ctx, r1); len(p) != 0 {
		t.Errorf("prose outlives its report: %v", p)
	}
}
