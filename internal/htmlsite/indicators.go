package htmlsite

import (
	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/indicators"
)

// Indicator is one number derived from a report's cells that the site charts.
type Indicator struct {
	// ID is stable (used in data.js and URLs); ZH and EN are the labels shown side by side.
	ID, ZH, EN string
	// Unit is "count", "percent" (a ratio of internal/indicators × 100) or "per100".
	Unit string
	// Def spells the definition in cells.md keys.
	Def string
	// shared is the internal/indicators id this indicator shows ("" for a site-only count),
	// scale the factor applied to it.
	shared string
	scale  float64
	// compute computes a site-only count; nil when a cell it needs is blank.
	compute func(v cells.Values) *float64
}

// Indicators are the charted indicators, in menu order: the per-report indicators of
// internal/indicators (ratios shown as percents, same definitions as the exports) and a few
// plain counts the ranking needs. A blank operand makes the indicator blank: never 0.
var Indicators = buildIndicators()

// siteCounts are the site-only counts. Row totals fall back to the sum of their columns, as
// in internal/indicators (T3Total, T4Total).
var siteCounts = map[string]Indicator{
	"requests_received": {ID: "requests_received", ZH: "本年新收申请数", EN: "new requests received", Unit: "count",
		Def: "t3.new_received.total", compute: t3("new_received")},
	"review_total": {ID: "review_total", ZH: "行政复议总数", EN: "administrative reviews", Unit: "count",
		Def: "t4.review.total", compute: t4("review")},
	"review_corrected": {ID: "review_corrected", ZH: "复议结果纠正数", EN: "reviews corrected", Unit: "count",
		Def: "t4.review.corrected", compute: key("t4.review.corrected")},
	"litigation_total": {ID: "litigation_total", ZH: "行政诉讼总数", EN: "lawsuits", Unit: "count",
		Def: "t4.litigation_direct.total + t4.litigation_after_review.total", compute: sumOf(t4("litigation_direct"), t4("litigation_after_review"))},
	"litigation_corrected": {ID: "litigation_corrected", ZH: "诉讼结果纠正数", EN: "lawsuits corrected", Unit: "count",
		Def:     "t4.litigation_direct.corrected + t4.litigation_after_review.corrected",
		compute: sumOf(key("t4.litigation_direct.corrected"), key("t4.litigation_after_review.corrected"))},
	"licensing_decisions": {ID: "licensing_decisions", ZH: "行政许可决定数", EN: "licensing decisions", Unit: "count",
		Def: "t2.licensing.decisions", compute: key("t2.licensing.decisions")},
	"penalty_decisions": {ID: "penalty_decisions", ZH: "行政处罚决定数", EN: "penalty decisions", Unit: "count",
		Def: "t2.penalty.decisions", compute: key("t2.penalty.decisions")},
}

// menu is the order of the indicators: site counts by id, shared ones by their indicators id.
var menu = []string{
	"requests_received", indicators.ShareGranted, indicators.ShareDenied, indicators.ShareUnable,
	indicators.ShareRejected, indicators.RequestsFromOrganisations, "review_total", "review_corrected",
	indicators.ReviewCorrectionRate, "litigation_total", "litigation_corrected",
	indicators.LitigationPer100Requests, "licensing_decisions", "penalty_decisions",
}

func buildIndicators() []Indicator {
	defs := map[string]indicators.Definition{}
	for _, d := range indicators.Definitions() {
		if !d.CrossYear {
			defs[d.ID] = d
		}
	}
	var out []Indicator
	for _, id := range menu {
		if ind, ok := siteCounts[id]; ok {
			out = append(out, ind)
			continue
		}
		d, ok := defs[id]
		if !ok {
			continue // dropped from internal/indicators: not charted
		}
		ind := Indicator{ID: d.ID, ZH: d.Label, EN: d.English, Def: d.Formula, shared: d.ID, scale: 1}
		switch d.Unit {
		case "ratio":
			ind.Unit, ind.scale, ind.Def = "percent", 100, "100 × "+d.Formula
		case "per_100_requests":
			ind.Unit = "per100"
		default:
			ind.Unit = "count"
		}
		out = append(out, ind)
	}
	return out
}

// ComputeIndicators returns the value of every indicator of Indicators, in order, for the
// cells of one report whose table 三 follows layoutT3 (nil = blank).
func ComputeIndicators(v cells.Values, layoutT3 cells.Layout) []*float64 {
	shared := indicators.Compute(v, layoutT3)
	out := make([]*float64, len(Indicators))
	for i, ind := range Indicators {
		if ind.compute != nil {
			out[i] = ind.compute(v)
			continue
		}
		if x := shared[ind.shared]; x != nil {
			s := *x * ind.scale
			out[i] = &s
		}
	}
	return out
}

func key(k string) func(cells.Values) *float64 {
	return func(v cells.Values) *float64 {
		if x, ok := v.Get(k); ok {
			return &x
		}
		return nil
	}
}

func t3(row string) func(cells.Values) *float64 {
	return func(v cells.Values) *float64 {
		if x, ok := indicators.T3Total(v, row); ok {
			return &x
		}
		return nil
	}
}

func t4(row string) func(cells.Values) *float64 {
	return func(v cells.Values) *float64 {
		if x, ok := indicators.T4Total(v, row); ok {
			return &x
		}
		return nil
	}
}

func sumOf(parts ...func(cells.Values) *float64) func(cells.Values) *float64 {
	return func(v cells.Values) *float64 {
		var s float64
		for _, p := range parts {
			x := p(v)
			if x == nil {
				return nil
			}
			s += *x
		}
		return &s
	}
}
