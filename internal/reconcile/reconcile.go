// Package reconcile owns "one report, one row": after a batch of documents has been stored it
// groups the stored reports into logical reports keyed by (jurisdiction code, normalised agency,
// year), chooses the best source of each, numbers the versions of revised reports and marks the
// current one, and runs the checks that need more than one report: sources.agree between
// sources of one report, t3.carry_continuity and copied between consecutive years of one agency,
// and prose.agree between a report's text and its tables. It also stores the derived indicators
// (internal/indicators) of every logical report. See README.md.
package reconcile

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"strings"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/indicators"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/store"
)

// Cross-check identities stored by Run (besides cells.IDT3CarryContinuity).
const (
	// IDSourcesAgree compares the chosen source of a logical report with each other current
	// source, on every key both have; Detail lists the differing keys.
	IDSourcesAgree = "sources.agree"
	// IDCopied compares the harmonised t3 of a report with the same agency's previous year; it
	// fails when they are identical (and not all zero or blank).
	IDCopied = "copied"
	// IDProseAgree compares a number stated in the prose with the table (Column is the key).
	IDProseAgree = "prose.agree"
)

// Logical-report flags set by Run.
const (
	FlagCopied             = "copied"
	FlagSourcesDisagree    = "sources_disagree"
	FlagProseDisagree      = "prose_disagree"
	FlagCarryDiscontinuity = "carry_discontinuity"
)

// Source ranks: the lower, the better the source for extraction.
const (
	RankStructured = 0 // HTML or DOCX
	RankPaged      = 1 // PDF, plain text, DOC and anything else
	RankOCR        = 2 // images or cells read by OCR
)

// Agency is the parse of one agency name (mirrors jurisdiction.Agency).
type Agency struct {
	// Name is the name as printed; Normalized the normalised name used as the grouping key.
	Name, Normalized string
	// Code is the GB/T 2260 jurisdiction code, "" when the name matched no jurisdiction.
	Code string
	// Type is government, department, township, development_zone or other.
	Type string
	// Confidence is in [0,1]; Ambiguous is true when several divisions fit equally, listed in
	// Candidates.
	Confidence float64
	Ambiguous  bool
	Candidates []string
	// Reason explains the match (or why there is none).
	Reason string
}

// Resolver parses an agency name with the crawl site's registry code as prior ("" = none) and
// the page's 网站标识码 as a check.
type Resolver func(name, prior, siteIDCode string) Agency

// NameOnly is the Resolver used when no jurisdiction resolver is available: it only normalises
// the name (NormalizeName) and matches no jurisdiction.
func NameOnly(name, prior, siteIDCode string) Agency {
	return Agency{Name: name, Normalized: NormalizeName(name), Type: "other", Reason: "no jurisdiction resolver"}
}

var nameFold = strings.NewReplacer(" ", "", "\u3000", "", "\u00a0", "", "\t", "", "\n", "", "（", "(", "）", ")")

// NormalizeName folds spaces and full-width parentheses out of an agency name.
func NormalizeName(name string) string { return nameFold.Replace(strings.TrimSpace(name)) }

// Options configure Run.
type Options struct {
	// Resolve parses agency names; NameOnly when nil.
	Resolve Resolver
	// Log receives one line per run (slog.Default() when nil).
	Log *slog.Logger
}

// Summary counts the outcome of Run.
type Summary struct {
	// Reports is the number of stored reports read; Unplaced those without agency or year.
	Reports, Unplaced int
	// Logical is the number of logical reports; MultiSource those with several current sources;
	// Revised those whose chosen report is a version > 1; Superseded the member reports replaced
	// by a newer version.
	Logical, MultiSource, Revised, Superseded int
	// Unmatched counts logical reports whose agency matched no jurisdiction.
	Unmatched int
	// Copied, ContinuityFailures, SourceDisagreements and ProseDisagreements count failed
	// cross checks (ContinuityFailures per column).
	Copied, ContinuityFailures, SourceDisagreements, ProseDisagreements int
}

// String renders the summary for logs and command output.
func (s Summary) String() string {
	return fmt.Sprintf("reconcile: reports %d (unplaced %d), logical %d (multi-source %d, revised %d, unmatched agency %d), superseded %d, copied %d, continuity failures %d, source disagreements %d, prose disagreements %d",
		s.Reports, s.Unplaced, s.Logical, s.MultiSource, s.Revised, s.Unmatched, s.Superseded, s.Copied,
		s.ContinuityFailures, s.SourceDisagreements, s.ProseDisagreements)
}

// SourceRank ranks a document format for choosing among sources: HTML and DOCX first, then
// PDF, plain text and the rest, OCR last.
func SourceRank(mediaType string, ocr bool) int {
	mt := strings.ToLower(mediaType)
	switch {
	case ocr || strings.HasPrefix(mt, "image/"):
		return RankOCR
	case strings.Contains(mt, "html"), strings.Contains(mt, "wordprocessingml"):
		return RankStructured
	default:
		return RankPaged
	}
}

type agencyKey struct{ code, name string }

type member struct {
	in      store.ReconcileInput
	rank    int
	version int
	current bool
	values  cells.Values
}

// Run reconciles every stored report and replaces the stored reconciliation (logical reports,
// members, cross checks, indicator values) in one transaction. It is idempotent: running it
// twice on the same store gives the same rows and logical report ids.
func Run(ctx context.Context, st *store.Store, opts Options) (Summary, error) {
	if opts.Resolve == nil {
		opts.Resolve = NameOnly
	}
	log := opts.Log
	if log == nil {
		log = slog.Default()
	}
	var sum Summary
	inputs, err := st.ReconcileInputs(ctx)
	if err != nil {
		return sum, fmt.Errorf("reconcile: %w", err)
	}
	sum.Reports = len(inputs)
	type cacheKey struct{ name, prior, site string }
	cache := map[cacheKey]Agency{}
	groups := map[agencyKey]map[int][]*member{}
	parsed := map[agencyKey]Agency{}
	for _, in := range inputs {
		if strings.TrimSpace(in.Agency) == "" || in.Year == 0 {
			sum.Unplaced++
			continue
		}
		ck := cacheKey{in.Agency, in.SiteCode, in.SiteIDCode}
		a, ok := cache[ck]
		if !ok {
			a = opts.Resolve(in.Agency, in.SiteCode, in.SiteIDCode)
			if a.Normalized == "" {
				a.Normalized = NormalizeName(in.Agency)
			}
			cache[ck] = a
		}
		k := agencyKey{a.Code, a.Normalized}
		if groups[k] == nil {
			groups[k] = map[int][]*member{}
			parsed[k] = a
		}
		groups[k][in.Year] = append(groups[k][in.Year], &member{in: in})
	}
	keys := make([]agencyKey, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].code != keys[j].code {
			return keys[i].code < keys[j].code
		}
		return keys[i].name < keys[j].name
	})
	var out []store.LogicalReport
	for _, k := range keys {
		ls, err := reconcileAgency(ctx, st, parsed[k], groups[k], &sum)
		if err != nil {
			return sum, fmt.Errorf("reconcile %s %s: %w", k.code, k.name, err)
		}
		out = append(out, ls...)
	}
	if err := st.SaveReconciliation(ctx, out); err != nil {
		return sum, fmt.Errorf("reconcile: %w", err)
	}
	log.Info(sum.String())
	return sum, nil
}

// reconcileAgency builds the logical reports of one agency, year by year.
func reconcileAgency(ctx context.Context, st *store.Store, a Agency, years map[int][]*member, sum *Summary) ([]store.LogicalReport, error) {
	ys := make([]int, 0, len(years))
	for y := range years {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	var (
		out      []store.LogicalReport
		prev     cells.Values
		prevID   int64
		prevYear int
		prevLay  map[cells.Table]cells.Layout
	)
	for _, y := range ys {
		ms := years[y]
		assignVersions(ms)
		var cur []*member
		for _, m := range ms {
			if !m.current {
				sum.Superseded++
				continue
			}
			v, ocr, err := st.ReportValues(ctx, m.in.ReportID)
			if err != nil {
				return nil, err
			}
			m.values, m.rank = v, SourceRank(m.in.MediaType, ocr)
			cur = append(cur, m)
		}
		for _, m := range ms {
			if !m.current {
				m.rank = SourceRank(m.in.MediaType, false)
			}
		}
		sort.SliceStable(cur, func(i, j int) bool { return better(cur[i], cur[j]) })
		chosen := cur[0]
		l := store.LogicalReport{
			JurisdictionCode: a.Code, AgencyNormalized: a.Normalized, AgencyName: chosen.in.Agency,
			AgencyType: a.Type, AgencyConfidence: a.Confidence, AgencyAmbiguous: a.Ambiguous,
			AgencyReason: a.Reason, Year: y, ChosenReportID: chosen.in.ReportID,
			CurrentVersion: chosen.version, Sources: len(cur), LayoutT3: chosen.in.LayoutT3,
		}
		sort.Slice(ms, func(i, j int) bool { return ms[i].in.ReportID < ms[j].in.ReportID })
		for _, m := range ms {
			l.Members = append(l.Members, store.LogicalMember{ReportID: m.in.ReportID, SourceRank: m.rank,
				Version: m.version, IsCurrent: m.current})
		}
		sum.Logical++
		if len(cur) > 1 {
			sum.MultiSource++
		}
		if chosen.version > 1 {
			sum.Revised++
		}
		if a.Code == "" {
			sum.Unmatched++
		}
		for _, o := range cur[1:] {
			c := SourcesAgree(chosen.values, o.values)
			c.ReportID, c.OtherReportID = chosen.in.ReportID, o.in.ReportID
			l.Checks = append(l.Checks, c)
			if c.Status == string(cells.Fail) {
				sum.SourceDisagreements++
				l.Flags = appendFlag(l.Flags, FlagSourcesDisagree)
			}
		}
		lay := map[cells.Table]cells.Layout{cells.T3: cells.Layout(chosen.in.LayoutT3), cells.T4: cells.Gov2021}
		var yPrev cells.Values
		if prev != nil && prevYear == y-1 {
			yPrev = prev
			for _, c := range cells.CheckContinuity(prev, chosen.values) {
				l.Checks = append(l.Checks, fromCheck(c, chosen.in.ReportID, prevID))
				if c.Status == cells.Fail {
					sum.ContinuityFailures++
					l.Flags = appendFlag(l.Flags, FlagCarryDiscontinuity)
				}
			}
			c := Copied(prev, prevLay, chosen.values, lay)
			c.ReportID, c.OtherReportID = chosen.in.ReportID, prevID
			l.Checks = append(l.Checks, c)
			if c.Status == string(cells.Fail) {
				sum.Copied++
				l.Flags = appendFlag(l.Flags, FlagCopied)
			}
		}
		prose, err := st.ReportProse(ctx, chosen.in.ReportID)
		if err != nil {
			return nil, err
		}
		for _, c := range ProseAgree(prose, chosen.values) {
			c.ReportID = chosen.in.ReportID
			l.Checks = append(l.Checks, c)
			if c.Status == string(cells.Fail) {
				sum.ProseDisagreements++
				l.Flags = appendFlag(l.Flags, FlagProseDisagree)
			}
		}
		l.Indicators = indicators.Compute(chosen.values, cells.Layout(chosen.in.LayoutT3))
		for k, v := range indicators.YoY(chosen.values, yPrev) {
			l.Indicators[k] = v
		}
		out = append(out, l)
		prev, prevID, prevYear, prevLay = chosen.values, chosen.in.ReportID, y, lay
		for _, m := range ms {
			m.values = nil // keep memory to one agency-year
		}
	}
	return out, nil
}

// better orders current members: lower source rank, then fewer failed checks, then earliest
// seen, then lower report id.
func better(a, b *member) bool {
	if a.rank != b.rank {
		return a.rank < b.rank
	}
	if a.in.ChecksFailed != b.in.ChecksFailed {
		return a.in.ChecksFailed < b.in.ChecksFailed
	}
	if !a.in.FirstSeen.Equal(b.in.FirstSeen) {
		return a.in.FirstSeen.Before(b.in.FirstSeen)
	}
	return a.in.ReportID < b.in.ReportID
}

// assignVersions numbers the members of one agency-year that share a source: at each source,
// the documents seen there are versions 1, 2, … in order of first sighting there. A member's
// version is its highest position at any of its sources; it is current when it is the newest
// document at one of its sources at least.
func assignVersions(ms []*member) {
	type at struct {
		m    *member
		seen int64
	}
	bySource := map[string][]at{}
	for _, m := range ms {
		for _, s := range m.in.Sightings {
			bySource[s.Source] = append(bySource[s.Source], at{m, s.SeenAt.UnixNano()})
		}
	}
	for _, m := range ms {
		m.version, m.current = 1, len(m.in.Sightings) == 0
	}
	for _, list := range bySource {
		sort.SliceStable(list, func(i, j int) bool {
			if list[i].seen != list[j].seen {
				return list[i].seen < list[j].seen
			}
			return list[i].m.in.DocumentID < list[j].m.in.DocumentID
		})
		for i, x := range list {
			if i+1 > x.m.version {
				x.m.version = i + 1
			}
			if i == len(list)-1 {
				x.m.current = true
			}
		}
	}
}

func appendFlag(flags []string, f string) []string {
	for _, x := range flags {
		if x == f {
			return flags
		}
	}
	return append(flags, f)
}

func fromCheck(c cells.Check, report, other int64) store.CrossCheck {
	cc := store.CrossCheck{ReportID: report, OtherReportID: other, Identity: c.ID, Column: c.Column,
		Status: string(c.Status), Detail: c.Detail}
	if c.Status != cells.NotAssessable {
		l, r := c.Left, c.Right
		cc.Left, cc.Right = &l, &r
	}
	return cc
}

func fmtVal(p *float64) string {
	if p == nil {
		return "blank"
	}
	return fmt.Sprintf("%g", *p)
}

func sameValue(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return math.Abs(*a-*b) <= 1e-6
}

// maxDetailKeys bounds the keys spelled in a check's Detail.
const maxDetailKeys = 20

// SourcesAgree compares the cells of two sources of one report on every key both have (a key
// one source lacks, e.g. a table it did not yield, is not a disagreement; blank against a number
// is). It fails with the differing keys in Detail; Left is the number of keys compared and
// Right the number differing. ReportID and OtherReportID are left to the caller.
func SourcesAgree(chosen, other cells.Values) store.CrossCheck {
	var keys, diff []string
	for k := range chosen {
		if _, ok := other[k]; ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !sameValue(chosen[k], other[k]) {
			diff = append(diff, fmt.Sprintf("%s (%s vs %s)", k, fmtVal(chosen[k]), fmtVal(other[k])))
		}
	}
	n, d := float64(len(keys)), float64(len(diff))
	c := store.CrossCheck{Identity: IDSourcesAgree, Left: &n, Right: &d}
	switch {
	case len(keys) == 0:
		c.Status, c.Left, c.Right, c.Detail = string(cells.NotAssessable), nil, nil, "no key in common"
	case len(diff) == 0:
		c.Status, c.Detail = string(cells.Pass), fmt.Sprintf("%d keys agree", len(keys))
	default:
		c.Status = string(cells.Fail)
		more := ""
		if len(diff) > maxDetailKeys {
			more = fmt.Sprintf("; … %d more", len(diff)-maxDetailKeys)
			diff = diff[:maxDetailKeys]
		}
		c.Detail = fmt.Sprintf("%d of %d keys differ: %s%s", int(d), len(keys), strings.Join(diff, "; "), more)
	}
	return c
}

// Copied compares the harmonised table 三 of year Y (cur) with year Y−1 (prev) of the same
// agency: fail ("copied") when every harmonised t3 key is equal (blank equals blank) and the
// table is not all zero or blank (an agency with no requests legitimately repeats zeros); pass
// when some key differs; not assessable when either table 三 is missing. Detail also says
// whether t2 and t4 are identical too.
func Copied(prev cells.Values, prevLayouts map[cells.Table]cells.Layout, cur cells.Values, curLayouts map[cells.Table]cells.Layout) store.CrossCheck {
	c := store.CrossCheck{Identity: IDCopied, Column: string(cells.T3)}
	hp := indicators.HarmonisedValues(prev, prevLayouts)
	hc := indicators.HarmonisedValues(cur, curLayouts)
	var keys []string
	for k := range hc {
		if strings.HasPrefix(k, "t3.") {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 || !hasPrefixKey(hp, "t3.") {
		c.Status, c.Detail = string(cells.NotAssessable), "table 三 missing in one of the two years"
		return c
	}
	sort.Strings(keys)
	nonzero, differ := false, ""
	for _, k := range keys {
		if v := hc[k]; v != nil && *v != 0 {
			nonzero = true
		}
		if differ == "" && !sameValue(hp[k], hc[k]) {
			differ = fmt.Sprintf("%s: %s (Y−1) vs %s (Y)", k, fmtVal(hp[k]), fmtVal(hc[k]))
		}
	}
	switch {
	case differ != "":
		c.Status, c.Detail = string(cells.Pass), "first difference "+differ
	case !nonzero:
		c.Status, c.Detail = string(cells.NotAssessable), "table 三 all zero or blank in both years"
	default:
		c.Status = string(cells.Fail)
		same := []string{"t3"}
		for _, t := range []string{"t2", "t4"} {
			if identicalTable(prev, cur, t+".") {
				same = append(same, t)
			}
		}
		c.Detail = "identical to the previous year: " + strings.Join(same, ", ")
	}
	return c
}

func hasPrefixKey(v cells.Values, p string) bool {
	for k := range v {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// identicalTable reports whether both reports have the same non-empty set of keys with prefix
// p and equal values.
func identicalTable(a, b cells.Values, p string) bool {
	n := 0
	for k, x := range a {
		if !strings.HasPrefix(k, p) {
			continue
		}
		y, ok := b[k]
		if !ok || !sameValue(x, y) {
			return false
		}
		n++
	}
	for k := range b {
		if strings.HasPrefix(k, p) {
			n--
		}
	}
	return n == 0 && hasPrefixKey(a, p)
}

// ProseAgree compares each number the prose states (normalize.Prose keys) with the table value
// it restates (row totals fall back to the sum of their columns; normalize.ProseLitigationTotal
// is the sum of the two litigation totals), one check per key ordered by key: pass, fail, or not
// assessable when the table value is blank or missing. Left is the prose number, Right the
// table's.
func ProseAgree(prose map[string]float64, v cells.Values) []store.CrossCheck {
	keys := make([]string, 0, len(prose))
	for k := range prose {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []store.CrossCheck
	for _, k := range keys {
		p := prose[k]
		c := store.CrossCheck{Identity: IDProseAgree, Column: k}
		t, ok := tableValue(v, k)
		if !ok {
			c.Status, c.Detail = string(cells.NotAssessable), fmt.Sprintf("prose states %g; table value blank or missing", p)
			out = append(out, c)
			continue
		}
		pl, tr := p, t
		c.Left, c.Right = &pl, &tr
		c.Status = string(cells.Pass)
		if math.Abs(p-t) > 1e-6 {
			c.Status = string(cells.Fail)
		}
		c.Detail = fmt.Sprintf("prose %g; table %g", p, t)
		out = append(out, c)
	}
	return out
}

func tableValue(v cells.Values, key string) (float64, bool) {
	if key == normalize.ProseLitigationTotal {
		a, okA := indicators.T4Total(v, "litigation_direct")
		b, okB := indicators.T4Total(v, "litigation_after_review")
		return a + b, okA && okB
	}
	t, row, col, ok := cells.SplitKey(key)
	if !ok {
		return 0, false
	}
	switch {
	case t == cells.T3 && col == "total":
		return indicators.T3Total(v, row)
	case t == cells.T4 && col == "total":
		return indicators.T4Total(v, row)
	}
	return v.Get(key)
}
