package indicators

import (
	"strings"
	"testing"

	"github.com/ogireports/ogireports/internal/cells"
)

func fp(x float64) *float64 { return &x }

// base is a small gov2021 report: 10 processed (6 granted, 1 partly, 1 denied third party,
// 1 unable not held, 1 duplicate), 12 new (9 natural persons, 3 commercial), review 4 (1
// corrected), litigation 2 + 1.
func base() cells.Values {
	v := cells.Values{}
	spec, _ := cells.SpecFor(cells.T3, cells.Gov2021)
	for _, k := range spec.Keys() {
		v[k] = fp(0)
	}
	for _, k := range cells.T4Spec.Keys() {
		v[k] = fp(0)
	}
	set := func(k string, x float64) { v[k] = fp(x) }
	set("t3.new_received.natural_person", 9)
	set("t3.new_received.commercial", 3)
	set("t3.new_received.total", 12)
	set("t3.total_processed.total", 10)
	set("t3.granted.total", 6)
	set("t3.partly_granted.total", 1)
	set("t3.denied_third_party.total", 1)
	set("t3.unable_not_held.total", 1)
	set("t3.rejected_duplicate.total", 1)
	set("t4.review.corrected", 1)
	set("t4.review.total", 4)
	set("t4.litigation_direct.total", 2)
	set("t4.litigation_after_review.total", 1)
	return v
}

func TestCompute(t *testing.T) {
	tests := []struct {
		name   string
		layout cells.Layout
		edit   func(v cells.Values)
		want   map[string]*float64
	}{
		{name: "all defined", layout: cells.Gov2021, want: map[string]*float64{
			ShareGranted: fp(0.7), ShareDenied: fp(0.1), ShareUnable: fp(0.1), ShareRejected: fp(0.1),
			RequestsFromOrganisations: fp(3), ReviewCorrectionRate: fp(0.25), LitigationPer100Requests: fp(25)}},
		{name: "zero denominators are NULL, not 0", layout: cells.Gov2021,
			edit: func(v cells.Values) {
				v["t3.total_processed.total"] = fp(0)
				v["t4.review.total"] = fp(0)
				v["t3.new_received.total"] = fp(0)
			},
			want: map[string]*float64{ShareGranted: nil, ShareDenied: nil, ShareUnable: nil, ShareRejected: nil,
				RequestsFromOrganisations: fp(3), ReviewCorrectionRate: nil, LitigationPer100Requests: nil}},
		{name: "blank total falls back to the columns; blank column makes it NULL", layout: cells.Gov2019,
			edit: func(v cells.Values) {
				v["t3.total_processed.total"] = nil
				v["t3.total_processed.natural_person"] = fp(10)
				v["t3.new_received.research"] = nil
				v["t4.review.total"] = nil
				v["t4.review.upheld"] = nil
			},
			want: map[string]*float64{ShareGranted: fp(0.7), ShareDenied: fp(0.1), ShareUnable: fp(0.1),
				ShareRejected: fp(0.1), RequestsFromOrganisations: fp(3), ReviewCorrectionRate: nil,
				LitigationPer100Requests: fp(25)}},
		{name: "unknown t3 layout", layout: cells.Unknown, want: map[string]*float64{ShareGranted: nil,
			ShareDenied: nil, ShareUnable: nil, ShareRejected: nil, RequestsFromOrganisations: nil,
			ReviewCorrectionRate: fp(0.25), LitigationPer100Requests: nil}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := base()
			if tc.edit != nil {
				tc.edit(v)
			}
			got := Compute(v, tc.layout)
			if len(got) != len(tc.want) {
				t.Errorf("%d indicators, want %d", len(got), len(tc.want))
			}
			for id, w := range tc.want {
				if g, ok := got[id]; !ok || !Equal(g, w) {
					t.Errorf("%s = %v, want %v", id, show(g), show(w))
				}
			}
		})
	}
}

func show(p *float64) any {
	if p == nil {
		return "NULL"
	}
	return *p
}

func TestYoY(t *testing.T) {
	tests := []struct {
		name      string
		cur, prev cells.Values
		want      map[string]*float64
	}{
		{"growth", cells.Values{"t3.new_received.total": fp(15), "t3.total_processed.total": fp(10)},
			cells.Values{"t3.new_received.total": fp(10), "t3.total_processed.total": fp(10)},
			map[string]*float64{YoYNewReceived: fp(5), YoYNewReceivedRel: fp(0.5), YoYTotalProcessed: fp(0), YoYTotalProcessedRel: fp(0)}},
		{"from zero: relative undefined", cells.Values{"t3.new_received.total": fp(4), "t3.total_processed.total": fp(4)},
			cells.Values{"t3.new_received.total": fp(0), "t3.total_processed.total": nil},
			map[string]*float64{YoYNewReceived: fp(4), YoYNewReceivedRel: nil, YoYTotalProcessed: nil, YoYTotalProcessedRel: nil}},
		{"no previous year", cells.Values{"t3.new_received.total": fp(4)}, nil,
			map[string]*float64{YoYNewReceived: nil, YoYNewReceivedRel: nil, YoYTotalProcessed: nil, YoYTotalProcessedRel: nil}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := YoY(tc.cur, tc.prev)
			if len(got) != len(tc.want) {
				t.Errorf("%d values, want %d", len(got), len(tc.want))
			}
			for id, w := range tc.want {
				if !Equal(got[id], w) {
					t.Errorf("%s = %v, want %v", id, show(got[id]), show(w))
				}
			}
		})
	}
}

func TestDefinitionsComplete(t *testing.T) {
	ids := map[string]bool{}
	for _, d := range Definitions() {
		if d.ID == "" || d.Label == "" || d.English == "" || d.Formula == "" || d.Unit == "" {
			t.Errorf("incomplete definition %+v", d)
		}
		if ids[d.ID] {
			t.Errorf("duplicate id %s", d.ID)
		}
		ids[d.ID] = true
	}
	for id := range Compute(base(), cells.Gov2021) {
		if !ids[id] {
			t.Errorf("Compute returns %s without a definition", id)
		}
	}
	for id := range YoY(base(), base()) {
		if !ids[id] {
			t.Errorf("YoY returns %s without a definition", id)
		}
	}
}

func TestHarmonised(t *testing.T) {
	var comparable, t2 int
	byKey := map[string]Mapping{}
	for _, m := range Harmonised() {
		byKey[m.Key] = m
		if m.Comparable {
			comparable++
			if len(m.Gov2019) == 0 || len(m.Gov2021) == 0 {
				t.Errorf("%s comparable without both sources", m.Key)
			}
		}
		if m.Table == cells.T2 {
			t2++
			if m.Comparable {
				t.Errorf("t2 key %s comparable", m.Key)
			}
		}
	}
	s19, _ := cells.SpecFor(cells.T3, cells.Gov2019)
	if want := len(s19.Keys()) + len(cells.T4Spec.Keys()); comparable != want {
		t.Errorf("%d comparable keys, want %d (every gov2019 t3 key and every t4 key)", comparable, want)
	}
	a19, _ := cells.SpecFor(cells.T2, cells.Gov2019)
	a21, _ := cells.SpecFor(cells.T2, cells.Gov2021)
	if t2 != len(a19.Keys())+len(a21.Keys()) {
		t.Errorf("%d t2 mappings, want every t2 key of both layouts", t2)
	}
	o := byKey["t3.other.total"]
	if strings.Join(o.Gov2021, ",") != "t3.other_no_correction.total,t3.other_unpaid_fee.total,t3.other_other.total" {
		t.Errorf("t3.other.total gov2021 sources %v", o.Gov2021)
	}
	if m := byKey["t3.other_other.total"]; m.Comparable {
		t.Errorf("t3.other_other.total should stay gov2021-specific")
	}

	v := cells.Values{"t3.other_no_correction.total": fp(1), "t3.other_unpaid_fee.total": fp(2),
		"t3.other_other.total": fp(4), "t3.other_other.natural_person": nil,
		"t3.other_no_correction.natural_person": fp(1), "t3.other_unpaid_fee.natural_person": fp(0),
		"t4.review.total": fp(3)}
	h := HarmonisedValues(v, map[cells.Table]cells.Layout{cells.T3: cells.Gov2021})
	for k, want := range map[string]*float64{"t3.other.total": fp(7), "t3.other.natural_person": nil, "t4.review.total": fp(3)} {
		if got, ok := h[k]; !ok || !Equal(got, want) {
			t.Errorf("harmonised %s = %v, want %v", k, show(got), show(want))
		}
	}
	if _, ok := h["t2.fees.amount_10k_yuan"]; ok {
		t.Errorf("layout-specific t2 key in harmonised values")
	}
	h19 := HarmonisedValues(cells.Values{"t3.other.total": fp(5)}, map[cells.Table]cells.Layout{cells.T3: cells.Gov2019})
	if !Equal(h19["t3.other.total"], fp(5)) {
		t.Errorf("gov2019 t3.other.total = %v, want 5", show(h19["t3.other.total"]))
	}
}
