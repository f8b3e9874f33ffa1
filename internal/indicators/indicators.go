// Package indicators owns the derived, comparable numbers of ogireports: the definitions of the
// per-report indicators (share granted, share denied, review correction rate …) and of the
// year-on-year changes as data, their computation from a report's cells, and the harmonised
// view that says which cell keys mean the same under the gov2019 and gov2021 layouts. See
// README.md: the codebook cites it.
package indicators

import (
	"math"

	"github.com/ogireports/ogireports/internal/cells"
)

// Indicator ids. They never change meaning once published.
const (
	ShareGranted              = "share_granted"
	ShareDenied               = "share_denied"
	ShareUnable               = "share_unable"
	ShareRejected             = "share_rejected"
	RequestsFromOrganisations = "requests_from_organisations"
	ReviewCorrectionRate      = "review_correction_rate"
	LitigationPer100Requests  = "litigation_per_100_requests"
	YoYNewReceived            = "yoy_new_received"
	YoYNewReceivedRel         = "yoy_new_received_rel"
	YoYTotalProcessed         = "yoy_total_processed"
	YoYTotalProcessedRel      = "yoy_total_processed_rel"
)

// Definition describes one indicator for the codebook.
type Definition struct {
	// ID is the stable indicator id (share_granted).
	ID string
	// Label and English are the Chinese and English labels.
	Label, English string
	// Formula spells the computation over cells.md keys.
	Formula string
	// Unit is "ratio" (0–1), "count", "per_100_requests" or "change" (signed count).
	Unit string
	// CrossYear is true for indicators computed from two consecutive years of one logical agency
	// (YoY); they are not produced by Compute.
	CrossYear bool
}

// definitions is the codebook of the indicators, in publication order.
var definitions = []Definition{
	{ID: ShareGranted, Label: "予以公开及部分公开占比", English: "Share of requests granted in full or in part",
		Formula: "(t3.granted.total + t3.partly_granted.total) / t3.total_processed.total", Unit: "ratio"},
	{ID: ShareDenied, Label: "不予公开占比", English: "Share of requests denied",
		Formula: "sum(t3.denied_*.total) / t3.total_processed.total", Unit: "ratio"},
	{ID: ShareUnable, Label: "无法提供占比", English: "Share of requests where the information could not be provided",
		Formula: "sum(t3.unable_*.total) / t3.total_processed.total", Unit: "ratio"},
	{ID: ShareRejected, Label: "不予处理占比", English: "Share of requests not processed (rejected)",
		Formula: "sum(t3.rejected_*.total) / t3.total_processed.total", Unit: "ratio"},
	{ID: RequestsFromOrganisations, Label: "法人或其他组织申请数", English: "New requests from legal persons and other organisations",
		Formula: "t3.new_received.{commercial+research+social_welfare+legal_service+other_org}, else t3.new_received.total − t3.new_received.natural_person", Unit: "count"},
	{ID: ReviewCorrectionRate, Label: "行政复议纠错率", English: "Administrative review correction rate",
		Formula: "t4.review.corrected / t4.review.total", Unit: "ratio"},
	{ID: LitigationPer100Requests, Label: "每百件申请行政诉讼数", English: "Lawsuits per 100 new requests",
		Formula: "100 × (t4.litigation_direct.total + t4.litigation_after_review.total) / t3.new_received.total", Unit: "per_100_requests"},
	{ID: YoYNewReceived, Label: "新收申请数同比增减", English: "Year-on-year change of new requests",
		Formula: "t3.new_received.total(Y) − t3.new_received.total(Y−1), same logical agency", Unit: "change", CrossYear: true},
	{ID: YoYNewReceivedRel, Label: "新收申请数同比增减率", English: "Relative year-on-year change of new requests",
		Formula: "(t3.new_received.total(Y) − t3.new_received.total(Y−1)) / t3.new_received.total(Y−1)", Unit: "ratio", CrossYear: true},
	{ID: YoYTotalProcessed, Label: "办理总数同比增减", English: "Year-on-year change of requests processed",
		Formula: "t3.total_processed.total(Y) − t3.total_processed.total(Y−1), same logical agency", Unit: "change", CrossYear: true},
	{ID: YoYTotalProcessedRel, Label: "办理总数同比增减率", English: "Relative year-on-year change of requests processed",
		Formula: "(t3.total_processed.total(Y) − t3.total_processed.total(Y−1)) / t3.total_processed.total(Y−1)", Unit: "ratio", CrossYear: true},
}

// Definitions returns the indicator definitions in publication order (a copy).
func Definitions() []Definition { return append([]Definition(nil), definitions...) }

var (
	deniedRows   = []string{"denied_state_secret", "denied_law_prohibited", "denied_three_safeties", "denied_third_party", "denied_internal_affairs", "denied_process_info", "denied_enforcement_file", "denied_inquiry"}
	unableRows   = []string{"unable_not_held", "unable_needs_creation", "unable_unclear"}
	rejectedRows = []string{"rejected_petition", "rejected_duplicate", "rejected_publication", "rejected_excessive", "rejected_confirmation"}
	orgCols      = []string{"commercial", "research", "social_welfare", "legal_service", "other_org"}
)

// T3Total returns the 总计 of a t3 row: the printed total, or, when it is blank, the sum of the
// six applicant columns if all six are printed. ok is false when neither is available.
func T3Total(v cells.Values, row string) (float64, bool) {
	if x, ok := v.Get(cells.Key(cells.T3, row, "total")); ok {
		return x, true
	}
	var s float64
	for _, c := range cells.T3Cols {
		if c.Key == "total" {
			continue
		}
		x, ok := v.Get(cells.Key(cells.T3, row, c.Key))
		if !ok {
			return 0, false
		}
		s += x
	}
	return s, true
}

// T4Total returns the 总计 of a t4 row: printed, or the sum of its four results when all are
// printed.
func T4Total(v cells.Values, row string) (float64, bool) {
	if x, ok := v.Get(cells.Key(cells.T4, row, "total")); ok {
		return x, true
	}
	var s float64
	for _, c := range []string{"upheld", "corrected", "other", "pending"} {
		x, ok := v.Get(cells.Key(cells.T4, row, c))
		if !ok {
			return 0, false
		}
		s += x
	}
	return s, true
}

func sumT3(v cells.Values, rows []string) (float64, bool) {
	var s float64
	for _, r := range rows {
		x, ok := T3Total(v, r)
		if !ok {
			return 0, false
		}
		s += x
	}
	return s, true
}

// ratio returns num/den, nil when either side is unknown or den is zero (undefined is never 0).
func ratio(num float64, numOK bool, den float64, denOK bool) *float64 {
	if !numOK || !denOK || den == 0 {
		return nil
	}
	r := num / den
	return &r
}

func ptr(x float64, ok bool) *float64 {
	if !ok {
		return nil
	}
	return &x
}

// Compute returns every per-report indicator (non-CrossYear definitions) of a report with cells
// v whose table 三 follows layoutT3. A value is nil (NULL) when an operand is blank or missing or
// a denominator is zero. Row totals fall back to the sum of their columns (T3Total, T4Total).
// The t3 indicators use only rows that both layouts share, so layoutT3 only gates them: an
// unknown t3 layout yields nil for every t3-based indicator.
func Compute(v cells.Values, layoutT3 cells.Layout) map[string]*float64 {
	out := map[string]*float64{}
	for _, d := range definitions {
		if !d.CrossYear {
			out[d.ID] = nil
		}
	}
	t3ok := layoutT3 == cells.Gov2019 || layoutT3 == cells.Gov2021
	if t3ok {
		tp, tpOK := T3Total(v, "total_processed")
		g, gOK := sumT3(v, []string{"granted", "partly_granted"})
		out[ShareGranted] = ratio(g, gOK, tp, tpOK)
		d, dOK := sumT3(v, deniedRows)
		out[ShareDenied] = ratio(d, dOK, tp, tpOK)
		u, uOK := sumT3(v, unableRows)
		out[ShareUnable] = ratio(u, uOK, tp, tpOK)
		r, rOK := sumT3(v, rejectedRows)
		out[ShareRejected] = ratio(r, rOK, tp, tpOK)
		out[RequestsFromOrganisations] = requestsFromOrgs(v)
	}
	rc, rcOK := v.Get(cells.Key(cells.T4, "review", "corrected"))
	rt, rtOK := T4Total(v, "review")
	out[ReviewCorrectionRate] = ratio(rc, rcOK, rt, rtOK)
	if t3ok {
		ld, ldOK := T4Total(v, "litigation_direct")
		la, laOK := T4Total(v, "litigation_after_review")
		nr, nrOK := T3Total(v, "new_received")
		out[LitigationPer100Requests] = ratio(100*(ld+la), ldOK && laOK, nr, nrOK)
	}
	return out
}

func requestsFromOrgs(v cells.Values) *float64 {
	var s float64
	all := true
	for _, c := range orgCols {
		x, ok := v.Get(cells.Key(cells.T3, "new_received", c))
		if !ok {
			all = false
			break
		}
		s += x
	}
	if all {
		return &s
	}
	t, tOK := v.Get(cells.Key(cells.T3, "new_received", "total"))
	n, nOK := v.Get(cells.Key(cells.T3, "new_received", "natural_person"))
	return ptr(t-n, tOK && nOK)
}

// YoY returns the CrossYear indicators of year Y (cur) against year Y−1 (prev) of the same
// logical agency. Absolute changes are nil when either year's value is unknown; relative changes
// are also nil when the previous value is zero. Callers pass prev = nil when there is no report
// for Y−1: every value is then nil.
func YoY(cur, prev cells.Values) map[string]*float64 {
	out := map[string]*float64{}
	for _, pair := range []struct{ row, abs, rel string }{
		{"new_received", YoYNewReceived, YoYNewReceivedRel},
		{"total_processed", YoYTotalProcessed, YoYTotalProcessedRel},
	} {
		out[pair.abs], out[pair.rel] = nil, nil
		if prev == nil {
			continue
		}
		a, aOK := T3Total(cur, pair.row)
		b, bOK := T3Total(prev, pair.row)
		if !aOK || !bOK {
			continue
		}
		d := a - b
		out[pair.abs] = &d
		out[pair.rel] = ratio(d, true, b, true)
	}
	return out
}

// Equal reports whether two indicator values are equal: both nil, or both non-nil within 1e-9.
func Equal(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return math.Abs(*a-*b) <= 1e-9
}
