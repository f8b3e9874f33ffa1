package htmlsite

import "github.com/ogireports/ogireports/internal/cells"

// Indicator is one number derived from a report's cells that the site charts.
type Indicator struct {
	// ID is stable (used in data.js and URLs); ZH and EN are the labels shown side by side.
	ID, ZH, EN string
	// Unit is "count" or "percent".
	Unit string
	// Def spells the definition in cells.md keys.
	Def string
	// compute returns nil when a cell it needs is blank or a denominator is zero.
	compute func(v cells.Values) *float64
}

// Indicators are the charted indicators, in menu order. A blank cell makes the indicator
// blank: it is never read as 0.
//
// TODO(indicators): take these from indicators.Compute once internal/indicators compiles, so
// the site and the exports share one definition.
var Indicators = []Indicator{
	{ID: "requests_received", ZH: "本年新收申请数", EN: "requests received", Unit: "count",
		Def: "t3.new_received.total", compute: key("t3.new_received.total")},
	{ID: "share_granted", ZH: "予以公开比例", EN: "share granted", Unit: "percent",
		Def: "100 × t3.granted.total / t3.total_processed.total", compute: ratio([]string{"t3.granted.total"}, []string{"t3.total_processed.total"})},
	{ID: "share_granted_partly", ZH: "公开及部分公开比例", EN: "share granted in full or in part", Unit: "percent",
		Def:     "100 × (t3.granted.total + t3.partly_granted.total) / t3.total_processed.total",
		compute: ratio([]string{"t3.granted.total", "t3.partly_granted.total"}, []string{"t3.total_processed.total"})},
	{ID: "share_not_held", ZH: "本机关不掌握比例", EN: "share answered “not held”", Unit: "percent",
		Def: "100 × t3.unable_not_held.total / t3.total_processed.total", compute: ratio([]string{"t3.unable_not_held.total"}, []string{"t3.total_processed.total"})},
	{ID: "review_total", ZH: "行政复议总数", EN: "administrative reviews", Unit: "count",
		Def: "t4.review.total", compute: key("t4.review.total")},
	{ID: "review_corrected", ZH: "复议结果纠正", EN: "reviews corrected", Unit: "count",
		Def: "t4.review.corrected", compute: key("t4.review.corrected")},
	{ID: "review_correction_rate", ZH: "复议纠错率", EN: "review correction rate", Unit: "percent",
		Def:     "100 × t4.review.corrected / (t4.review.upheld + t4.review.corrected + t4.review.other)",
		compute: ratio([]string{"t4.review.corrected"}, []string{"t4.review.upheld", "t4.review.corrected", "t4.review.other"})},
	{ID: "litigation_total", ZH: "行政诉讼总数", EN: "lawsuits", Unit: "count",
		Def:     "t4.litigation_direct.total + t4.litigation_after_review.total",
		compute: sum("t4.litigation_direct.total", "t4.litigation_after_review.total")},
	{ID: "litigation_corrected", ZH: "诉讼结果纠正", EN: "lawsuits corrected", Unit: "count",
		Def:     "t4.litigation_direct.corrected + t4.litigation_after_review.corrected",
		compute: sum("t4.litigation_direct.corrected", "t4.litigation_after_review.corrected")},
	{ID: "licensing_decisions", ZH: "行政许可决定数", EN: "licensing decisions", Unit: "count",
		Def: "t2.licensing.decisions", compute: key("t2.licensing.decisions")},
	{ID: "penalty_decisions", ZH: "行政处罚决定数", EN: "penalty decisions", Unit: "count",
		Def: "t2.penalty.decisions", compute: key("t2.penalty.decisions")},
}

// ComputeIndicators returns the value of every indicator of Indicators, in order, for the
// cells of one report (nil = blank).
func ComputeIndicators(v cells.Values) []*float64 {
	out := make([]*float64, len(Indicators))
	for i, ind := range Indicators {
		out[i] = ind.compute(v)
	}
	return out
}

func key(k string) func(cells.Values) *float64 { return sum(k) }

func sum(keys ...string) func(cells.Values) *float64 {
	return func(v cells.Values) *float64 {
		s, ok := total(v, keys)
		if !ok {
			return nil
		}
		return &s
	}
}

func ratio(num, den []string) func(cells.Values) *float64 {
	return func(v cells.Values) *float64 {
		n, ok1 := total(v, num)
		d, ok2 := total(v, den)
		if !ok1 || !ok2 || d == 0 {
			return nil
		}
		r := 100 * n / d
		return &r
	}
}

// total sums keys; ok is false when any of them is blank or missing.
func total(v cells.Values, keys []string) (float64, bool) {
	var s float64
	for _, k := range keys {
		x, ok := v.Get(k)
		if !ok {
			return 0, false
		}
		s += x
	}
	return s, true
}
