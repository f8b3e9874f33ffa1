package export

import (
	"github.com/ogireports/ogireports/internal/cells"
)

// An indicator is one harmonised column of the panel computed from one report's cells. Every
// indicator is blank (NULL) when any cell it needs is blank or missing, or when its
// denominator is 0: a blank is never read as 0.
type indicator struct {
	Column
	// eval returns the value and whether it is defined.
	eval func(v cells.Values, layoutT3 string) (float64, bool)
}

// sum adds the named keys; ok is false when any is blank or missing.
func sum(v cells.Values, keys ...string) (float64, bool) {
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

// ratio is num/den scaled, undefined when either side is or when den is 0.
func ratio(num float64, okN bool, den float64, okD bool, scale float64) (float64, bool) {
	if !okN || !okD || den == 0 {
		return 0, false
	}
	return scale * num / den, true
}

// rowKeys returns the t3 keys of column col for rows whose key starts with prefix.
func rowKeys(prefix, col string) []string {
	var out []string
	for _, r := range cells.T3Gov2021.Rows {
		if len(r.Key) > len(prefix) && r.Key[:len(prefix)] == prefix {
			out = append(out, cells.Key(cells.T3, r.Key, col))
		}
	}
	return out
}

// otherHarmonised is the （六）其他处理 count of one t3 column in either layout: the single row
// t3.other of gov2019, or the sum of the three other_* rows of gov2021 (cells.md, issue 5).
func otherHarmonised(v cells.Values, layoutT3, col string) (float64, bool) {
	switch cells.Layout(layoutT3) {
	case cells.Gov2019:
		return v.Get(cells.Key(cells.T3, "other", col))
	case cells.Gov2021:
		return sum(v, rowKeys("other_", col)...)
	}
	return 0, false
}

var orgCols = []string{"commercial", "research", "social_welfare", "legal_service", "other_org"}

// indicators are the harmonised panel columns, in column order.
func indicators() []indicator {
	tp := "t3.total_processed.total"
	nr := "t3.new_received.total"
	var out []indicator
	for _, c := range cells.T3Cols {
		colKey := c.Key
		out = append(out, indicator{
			Column: Column{Name: "t3_other_harmonised_" + colKey, Type: Int64, Nullable: true,
				LabelZH: "（六）其他处理（合并口径） / " + c.Label, LabelEN: "other handling, harmonised / " + c.English,
				Unit: "count", Layouts: []cells.Layout{cells.Gov2019, cells.Gov2021},
				Definition: "（六）其他处理 of column " + colKey + " comparable across layouts: t3." + "other." + colKey +
					" (gov2019 single row) or the sum of t3.other_no_correction, t3.other_unpaid_fee and t3.other_other (gov2021)."},
			eval: func(v cells.Values, l string) (float64, bool) { return otherHarmonised(v, l, colKey) },
		})
	}
	share := func(name, zh, en, def string, keys func(v cells.Values, l string) (float64, bool)) indicator {
		return indicator{
			Column: Column{Name: name, Type: Double, Nullable: true, LabelZH: zh, LabelEN: en, Unit: "ratio",
				Layouts: []cells.Layout{cells.Gov2019, cells.Gov2021}, Definition: def},
			eval: func(v cells.Values, l string) (float64, bool) {
				n, okN := keys(v, l)
				d, okD := v.Get(tp)
				return ratio(n, okN, d, okD, 1)
			},
		}
	}
	out = append(out,
		share("share_granted", "公开比例", "share granted",
			"(t3.granted.total + t3.partly_granted.total) / t3.total_processed.total.",
			func(v cells.Values, _ string) (float64, bool) {
				return sum(v, "t3.granted.total", "t3.partly_granted.total")
			}),
		share("share_denied", "不予公开比例", "share denied",
			"Sum of the eight t3.denied_*.total rows / t3.total_processed.total.",
			func(v cells.Values, _ string) (float64, bool) { return sum(v, rowKeys("denied_", "total")...) }),
		share("share_unable", "无法提供比例", "share unable to provide",
			"Sum of the three t3.unable_*.total rows / t3.total_processed.total.",
			func(v cells.Values, _ string) (float64, bool) { return sum(v, rowKeys("unable_", "total")...) }),
		share("share_rejected", "不予处理比例", "share not processed",
			"Sum of the five t3.rejected_*.total rows / t3.total_processed.total.",
			func(v cells.Values, _ string) (float64, bool) { return sum(v, rowKeys("rejected_", "total")...) }),
		share("share_other", "其他处理比例", "share other handling",
			"t3_other_harmonised_total / t3.total_processed.total.",
			func(v cells.Values, l string) (float64, bool) { return otherHarmonised(v, l, "total") }),
	)
	orgKeys := make([]string, len(orgCols))
	for i, c := range orgCols {
		orgKeys[i] = cells.Key(cells.T3, "new_received", c)
	}
	out = append(out,
		indicator{
			Column: Column{Name: "requests_from_organisations", Type: Int64, Nullable: true,
				LabelZH: "法人或其他组织申请数", LabelEN: "new requests from organisations", Unit: "count",
				Layouts:    []cells.Layout{cells.Gov2019, cells.Gov2021},
				Definition: "Sum of t3.new_received over the five 法人或其他组织 columns (commercial, research, social_welfare, legal_service, other_org)."},
			eval: func(v cells.Values, _ string) (float64, bool) { return sum(v, orgKeys...) },
		},
		indicator{
			Column: Column{Name: "share_requests_from_organisations", Type: Double, Nullable: true,
				LabelZH: "法人或其他组织申请比例", LabelEN: "share of new requests from organisations", Unit: "ratio",
				Layouts:    []cells.Layout{cells.Gov2019, cells.Gov2021},
				Definition: "requests_from_organisations / t3.new_received.total."},
			eval: func(v cells.Values, _ string) (float64, bool) {
				n, okN := sum(v, orgKeys...)
				d, okD := v.Get(nr)
				return ratio(n, okN, d, okD, 1)
			},
		},
		indicator{
			Column: Column{Name: "review_correction_rate", Type: Double, Nullable: true,
				LabelZH: "行政复议纠错率", LabelEN: "administrative review correction rate", Unit: "ratio",
				Layouts:    []cells.Layout{cells.Gov2019, cells.Gov2021},
				Definition: "t4.review.corrected / (t4.review.upheld + t4.review.corrected + t4.review.other): corrected among concluded reviews (pending excluded)."},
			eval: func(v cells.Values, _ string) (float64, bool) {
				n, okN := v.Get("t4.review.corrected")
				d, okD := sum(v, "t4.review.upheld", "t4.review.corrected", "t4.review.other")
				return ratio(n, okN, d, okD, 1)
			},
		},
		indicator{
			Column: Column{Name: "litigation_per_100_requests", Type: Double, Nullable: true,
				LabelZH: "每百件申请行政诉讼数", LabelEN: "lawsuits per 100 new requests", Unit: "per_100_requests",
				Layouts:    []cells.Layout{cells.Gov2019, cells.Gov2021},
				Definition: "100 × (t4.litigation_direct.total + t4.litigation_after_review.total) / t3.new_received.total."},
			eval: func(v cells.Values, _ string) (float64, bool) {
				n, okN := sum(v, "t4.litigation_direct.total", "t4.litigation_after_review.total")
				d, okD := v.Get(nr)
				return ratio(n, okN, d, okD, 100)
			},
		},
	)
	return out
}

func indicatorColumns() []Column {
	ind := indicators()
	out := make([]Column, len(ind))
	for i, x := range ind {
		out[i] = x.Column
	}
	return out
}
