package reconcile_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/indicators"
	"github.com/ogireports/ogireports/internal/pipeline"
	"github.com/ogireports/ogireports/internal/reconcile"
	"github.com/ogireports/ogireports/internal/reportgen"
	"github.com/ogireports/ogireports/internal/store"
)

// The corpus: three agencies, two of them over 2019–2025.
const (
	agencyGov  = "烟台市牟平区人民政府"
	agencyDept = "烟台市牟平区教育和体育局"
	agencyZone = "牟平临港产业园管委会"
	codeMuping = "370612"
)

// fakeResolver maps the corpus agencies to codes; the zone matches nothing.
func fakeResolver(name, prior, site string) reconcile.Agency {
	a := reconcile.Agency{Name: name, Normalized: reconcile.NormalizeName(name), Type: "other"}
	switch a.Normalized {
	case agencyGov:
		a.Code, a.Type, a.Confidence = codeMuping, "government", 1
	case agencyDept:
		a.Code, a.Type, a.Confidence = codeMuping, "department", 0.9
	default:
		a.Reason = "no place name"
	}
	return a
}

func t3k(row, col string) string { return cells.Key(cells.T3, row, col) }

// generate returns a quirk-free UTF-8 variant with some requests, its t3 layout by year.
func generate(t *testing.T, r *rand.Rand, agency string, year int) reportgen.Variant {
	t.Helper()
	l := cells.Gov2021
	if year <= 2020 {
		l = cells.Gov2019
	}
	for i := 0; i < 100; i++ {
		v := reportgen.New(r, agency, year, reportgen.Options{Layout: l, Quirks: []string{}, Encoding: "utf-8"})
		if x, ok := cells.Values(v.Truth).Get(t3k("new_received", "total")); ok && x >= 5 {
			for k, p := range v.Truth {
				if p == nil {
					t.Fatalf("%s %d: blank truth %s in a quirk-free variant", agency, year, k)
				}
			}
			return v
		}
	}
	t.Fatalf("%s %d: no variant with requests", agency, year)
	return reportgen.Variant{}
}

func val(v reportgen.Variant, k string) float64 { return *v.Truth[k] }
func set(v reportgen.Variant, k string, x float64) {
	v.Truth[k] = &x
	v.Printed[k] = strconv.FormatFloat(x, 'f', -1, 64)
}

// setCarry sets carried_over (co) and/or carried_forward (cf) of one applicant column and
// rebalances the column (new_received, total_processed, granted) so that every identity of
// cells.md still holds; then recomputes the 总计 column.
func setCarry(v reportgen.Variant, col string, co, cf *float64) {
	if co != nil {
		set(v, t3k("carried_over", col), *co)
	}
	if cf != nil {
		set(v, t3k("carried_forward", col), *cf)
	}
	nr, c, f := val(v, t3k("new_received", col)), val(v, t3k("carried_over", col)), val(v, t3k("carried_forward", col))
	var others float64
	for _, row := range cells.T3ResultRows(v.LayoutT3) {
		if row != "granted" {
			others += val(v, t3k(row, col))
		}
	}
	tp := nr + c - f
	if tp < others {
		nr += others - tp
		tp = others
	}
	set(v, t3k("new_received", col), nr)
	set(v, t3k("total_processed", col), tp)
	set(v, t3k("granted", col), tp-others)
	spec, _ := cells.SpecFor(cells.T3, v.LayoutT3)
	for _, row := range spec.Rows {
		var s float64
		for _, cc := range cells.T3Cols[:6] {
			s += val(v, t3k(row.Key, cc.Key))
		}
		set(v, t3k(row.Key, "total"), s)
	}
}

func f(x float64) *float64 { return &x }

// chain makes year Y's carried_over equal year Y−1's carried_forward in every column.
func chain(prev, next reportgen.Variant) {
	for _, c := range cells.T3Cols[:6] {
		setCarry(next, c.Key, f(val(prev, t3k("carried_forward", c.Key))), nil)
	}
}

func clone(v reportgen.Variant) reportgen.Variant {
	w := v
	w.Truth, w.Printed = map[string]*float64{}, map[string]string{}
	for k, p := range v.Truth {
		x := *p
		w.Truth[k] = &x
	}
	for k, s := range v.Printed {
		w.Printed[k] = s
	}
	return w
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

type agencyYear struct {
	agency string
	year   int
}

// expectedIndicators computes the indicators from the truth with the formulas of the README,
// independently of indicators.Compute.
func expectedIndicators(cur reportgen.Variant, prev *reportgen.Variant) map[string]*float64 {
	tot := func(v reportgen.Variant, row string) float64 { return val(v, t3k(row, "total")) }
	sumRows := func(prefix string) float64 {
		var s float64
		for k, p := range cur.Truth {
			if strings.HasPrefix(k, "t3."+prefix) && strings.HasSuffix(k, ".total") {
				s += *p
			}
		}
		return s
	}
	div := func(a, b float64) *float64 {
		if b == 0 {
			return nil
		}
		return f(a / b)
	}
	tp := tot(cur, "total_processed")
	nr := tot(cur, "new_received")
	t4 := func(row, col string) float64 { return val(cur, cells.Key(cells.T4, row, col)) }
	want := map[string]*float64{
		"share_granted":               div(tot(cur, "granted")+tot(cur, "partly_granted"), tp),
		"share_denied":                div(sumRows("denied_"), tp),
		"share_unable":                div(sumRows("unable_"), tp),
		"share_rejected":              div(sumRows("rejected_"), tp),
		"requests_from_organisations": f(nr - val(cur, t3k("new_received", "natural_person"))),
		"review_correction_rate":      div(t4("review", "corrected"), t4("review", "total")),
		"litigation_per_100_requests": div(100*(t4("litigation_direct", "total")+t4("litigation_after_review", "total")), nr),
		"yoy_new_received":            nil, "yoy_new_received_rel": nil,
		"yoy_total_processed": nil, "yoy_total_processed_rel": nil,
	}
	if prev != nil {
		pn, pt := tot(*prev, "new_received"), tot(*prev, "total_processed")
		want["yoy_new_received"] = f(nr - pn)
		want["yoy_new_received_rel"] = div(nr-pn, pn)
		want["yoy_total_processed"] = f(tp - pt)
		want["yoy_total_processed_rel"] = div(tp-pt, pt)
	}
	return want
}

func fmtP(p *float64) string {
	if p == nil {
		return "NULL"
	}
	return fmt.Sprintf("%g", *p)
}

func TestAcceptanceMultiYearCorpus(t *testing.T) {
	ctx := context.Background()
	old := pipeline.AgencyResolver
	pipeline.AgencyResolver = fakeResolver
	t.Cleanup(func() { pipeline.AgencyResolver = old })

	r := rand.New(rand.NewSource(20261126))
	truth := map[agencyYear]reportgen.Variant{}
	for _, a := range []struct {
		name     string
		from, to int
	}{{agencyGov, 2019, 2025}, {agencyDept, 2019, 2025}, {agencyZone, 2021, 2023}} {
		for y := a.from; y <= a.to; y++ {
			v := generate(t, r, a.name, y)
			if a.name == agencyDept && y == 2022 {
				// copied from the previous year, tables and all
				v = clone(truth[agencyYear{a.name, 2021}])
				v.Year = 2022
			} else if y > a.from {
				prev := truth[agencyYear{a.name, y - 1}]
				chain(prev, v)
				if a.name == agencyGov && y == 2021 {
					// the one break of carry continuity: 2020 → 2021, natural persons
					setCarry(v, "natural_person", f(val(prev, t3k("carried_forward", "natural_person"))+3), nil)
				}
			}
			if a.name == agencyDept && y == 2021 {
				// the year that will be copied: carried_forward = carried_over, so that the
				// copy does not break carry continuity
				for _, c := range cells.T3Cols[:6] {
					setCarry(v, c.Key, nil, f(val(v, t3k("carried_over", c.Key))))
				}
			}
			truth[agencyYear{a.name, y}] = v
		}
	}
	dir := t.TempDir()
	corpus := filepath.Join(dir, "corpus")
	files := map[string][]byte{}
	for ay, v := range truth {
		files[fmt.Sprintf("a_portal/%d/%s.html", ay.year, ay.agency)] = v.HTML()
	}
	// published twice, as two documents: an HTML 文字版 and a plain-text version
	files[fmt.Sprintf("b_city/2022/%s.txt", agencyGov)] = truth[agencyYear{agencyGov, 2022}].FlatText()
	// published twice with the same bytes at two places: one document, two sources
	files[fmt.Sprintf("b_city/2020/%s.html", agencyDept)] = truth[agencyYear{agencyDept, 2020}].HTML()
	// published twice with one differing cell: sources disagree
	other := clone(truth[agencyYear{agencyDept, 2023}])
	set(other, "t2.licensing.decisions", val(other, "t2.licensing.decisions")+7)
	files[fmt.Sprintf("b_city/2023/%s.html", agencyDept)] = other.HTML()
	// the prose of one report states a number its table does not
	zone22 := truth[agencyYear{agencyZone, 2022}]
	nr := strconv.FormatFloat(val(zone22, t3k("new_received", "total")), 'f', -1, 64)
	page := string(zone22.HTML())
	if !strings.Contains(page, "共收到政府信息公开申请"+nr+"件") {
		t.Fatalf("zone 2022 prose does not state new_received %s", nr)
	}
	wrongNR := val(zone22, t3k("new_received", "total")) + 1
	files[fmt.Sprintf("a_portal/2022/%s.html", agencyZone)] = []byte(strings.Replace(page,
		"共收到政府信息公开申请"+nr+"件", "共收到政府信息公开申请"+strconv.FormatFloat(wrongNR, 'f', -1, 64)+"件", 1))
	for name, data := range files {
		write(t, filepath.Join(corpus, name), data)
	}

	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.Open(filepath.Join(dir, "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := pipeline.Import(ctx, st, []string{corpus}, quiet); err != nil {
		t.Fatal(err)
	}
	// one report is revised: same source, new bytes
	revised := clone(truth[agencyYear{agencyGov, 2024}])
	set(revised, "t2.licensing.decisions", val(revised, "t2.licensing.decisions")+100)
	write(t, filepath.Join(corpus, fmt.Sprintf("a_portal/2024/%s.html", agencyGov)), revised.HTML())
	sum, err := pipeline.Import(ctx, st, []string{corpus}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Reports != 1 {
		t.Errorf("second import: %d new reports, want 1 (the revision): %s", sum.Reports, sum)
	}
	first := truth[agencyYear{agencyGov, 2024}]
	truth[agencyYear{agencyGov, 2024}] = revised

	ls, err := st.LogicalReports(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[agencyYear]store.LogicalReport{}
	for _, l := range ls {
		k := agencyYear{l.AgencyName, l.Year}
		if _, dup := byKey[k]; dup {
			t.Errorf("two logical reports for %v", k)
		}
		byKey[k] = l
	}
	if len(ls) != len(truth) {
		t.Errorf("%d logical reports, want %d (one per agency-year)", len(ls), len(truth))
	}
	reportYear := map[int64]agencyYear{}
	for k, l := range byKey {
		if _, ok := truth[k]; !ok {
			t.Errorf("unexpected logical report %v", k)
			continue
		}
		ms, err := st.LogicalMembers(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		chosen := 0
		for _, m := range ms {
			reportYear[m.ReportID] = k
			if m.ReportID == l.ChosenReportID {
				chosen++
				if !m.IsCurrent {
					t.Errorf("%v: chosen report %d is not current", k, m.ReportID)
				}
			}
		}
		if chosen != 1 {
			t.Errorf("%v: chosen report %d is %d times a member", k, l.ChosenReportID, chosen)
		}
		wantCode := codeMuping
		if k.agency == agencyZone {
			wantCode = ""
		}
		if l.JurisdictionCode != wantCode {
			t.Errorf("%v: code %q, want %q", k, l.JurisdictionCode, wantCode)
		}
		wantSources, wantMembers, wantVersion := 1, 1, 1
		switch k {
		case agencyYear{agencyGov, 2022}, agencyYear{agencyDept, 2023}:
			wantSources, wantMembers = 2, 2
		case agencyYear{agencyGov, 2024}:
			wantMembers, wantVersion = 2, 2
		}
		if l.Sources != wantSources || len(ms) != wantMembers || l.CurrentVersion != wantVersion {
			t.Errorf("%v: sources %d members %d version %d, want %d %d %d (members %+v)", k, l.Sources, len(ms),
				l.CurrentVersion, wantSources, wantMembers, wantVersion, ms)
		}
		// the chosen extraction holds the truth of the chosen source
		v, _, err := st.ReportValues(ctx, l.ChosenReportID)
		if err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{t3k("new_received", "total"), t3k("carried_over", "natural_person"), "t2.licensing.decisions", "t4.review.total"} {
			if got, ok := v.Get(key); !ok || got != val(truth[k], key) {
				t.Errorf("%v: chosen report %s = %v, want %g", k, key, fmtP(v[key]), val(truth[k], key))
			}
		}
		// indicators equal the values computed here from the truth
		var prev *reportgen.Variant
		if p, ok := truth[agencyYear{k.agency, k.year - 1}]; ok {
			prev = &p
		}
		got, err := st.Indicators(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := expectedIndicators(truth[k], prev)
		if len(got) != len(want) {
			t.Errorf("%v: %d indicators, want %d", k, len(got), len(want))
		}
		for id, w := range want {
			g, ok := got[id]
			if !ok || !indicators.Equal(g, w) {
				t.Errorf("%v: indicator %s = %s, want %s", k, id, fmtP(g), fmtP(w))
			}
		}
		// flags
		var wantFlags []string
		switch k {
		case agencyYear{agencyGov, 2021}:
			wantFlags = []string{reconcile.FlagCarryDiscontinuity}
		case agencyYear{agencyDept, 2022}:
			wantFlags = []string{reconcile.FlagCopied}
		case agencyYear{agencyDept, 2023}:
			wantFlags = []string{reconcile.FlagSourcesDisagree}
		case agencyYear{agencyZone, 2022}:
			wantFlags = []string{reconcile.FlagProseDisagree}
		}
		if strings.Join(l.Flags, ",") != strings.Join(wantFlags, ",") {
			t.Errorf("%v: flags %v, want %v", k, l.Flags, wantFlags)
		}
	}

	// the revised report: v1 superseded, v2 chosen
	rev := byKey[agencyYear{agencyGov, 2024}]
	ms, _ := st.LogicalMembers(ctx, rev.ID)
	for _, m := range ms {
		v, _, _ := st.ReportValues(ctx, m.ReportID)
		lic, _ := v.Get("t2.licensing.decisions")
		switch {
		case lic == val(first, "t2.licensing.decisions") && (m.IsCurrent || m.Version != 1):
			t.Errorf("first version %d: current %v version %d, want superseded version 1", m.ReportID, m.IsCurrent, m.Version)
		case lic == val(revised, "t2.licensing.decisions") && (!m.IsCurrent || m.Version != 2 || m.ReportID != rev.ChosenReportID):
			t.Errorf("revision %d: current %v version %d chosen %v", m.ReportID, m.IsCurrent, m.Version, m.ReportID == rev.ChosenReportID)
		}
	}
	// the HTML, not the plain text, is chosen
	for _, m := range mustMembers(t, st, byKey[agencyYear{agencyGov, 2022}].ID) {
		if (m.ReportID == byKey[agencyYear{agencyGov, 2022}].ChosenReportID) != (m.SourceRank == reconcile.RankStructured) {
			t.Errorf("gov 2022: member %d rank %d, chosen %d", m.ReportID, m.SourceRank, byKey[agencyYear{agencyGov, 2022}].ChosenReportID)
		}
	}

	checks, err := st.CrossChecks(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	logicalYear := map[int64]agencyYear{}
	for k, l := range byKey {
		logicalYear[l.ID] = k
	}
	var fails []string
	pairs := map[agencyYear]int{}
	for _, c := range checks {
		k := logicalYear[c.LogicalID]
		if c.Identity == cells.IDT3CarryContinuity {
			pairs[k]++
			if reportYear[c.OtherReportID] != (agencyYear{k.agency, k.year - 1}) {
				t.Errorf("continuity check of %v compares with %v", k, reportYear[c.OtherReportID])
			}
		}
		if c.Status == string(cells.Fail) {
			fails = append(fails, fmt.Sprintf("%s %d %s %s", k.agency, k.year, c.Identity, c.Column))
			if c.Identity == reconcile.IDSourcesAgree && !strings.Contains(c.Detail, "t2.licensing.decisions") {
				t.Errorf("sources.agree detail %q does not name the differing key", c.Detail)
			}
		}
	}
	sort.Strings(fails)
	wantFails := []string{
		agencyZone + " 2022 prose.agree t3.new_received.total",
		agencyGov + " 2021 t3.carry_continuity natural_person",
		agencyGov + " 2021 t3.carry_continuity total",
		agencyDept + " 2022 copied t3",
		agencyDept + " 2023 sources.agree ",
	}
	sort.Strings(wantFails)
	if strings.Join(fails, "\n") != strings.Join(wantFails, "\n") {
		t.Errorf("failed cross checks:\n%s\nwant:\n%s", strings.Join(fails, "\n"), strings.Join(wantFails, "\n"))
	}
	for k := range truth {
		want := 0
		if _, ok := truth[agencyYear{k.agency, k.year - 1}]; ok {
			want = len(cells.T3Cols)
		}
		if pairs[k] != want {
			t.Errorf("%v: %d continuity checks, want %d", k, pairs[k], want)
		}
	}
	// every report states new_received in its prose: one prose.agree per logical report at least
	prose, _ := st.CrossChecks(ctx, reconcile.IDProseAgree)
	seen := map[int64]bool{}
	for _, c := range prose {
		if c.Column == "t3.new_received.total" {
			seen[c.LogicalID] = true
		}
	}
	if len(seen) != len(truth) {
		t.Errorf("prose.agree on new_received for %d logical reports, want %d", len(seen), len(truth))
	}

	un, err := st.UnmatchedAgencies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(un) != 1 || un[0].Agency != agencyZone || un[0].Reports != 3 || un[0].FirstYear != 2021 || un[0].LastYear != 2023 {
		t.Errorf("unmatched agencies %+v, want only %s with 3 reports 2021–2023", un, agencyZone)
	}

	// idempotent: a second run keeps ids and rows
	again, err := reconcile.Run(ctx, st, reconcile.Options{Resolve: fakeResolver, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if again.Logical != len(truth) || again.Copied != 1 || again.ContinuityFailures != 2 || again.Superseded != 1 {
		t.Errorf("second run summary: %s", again)
	}
	ls2, _ := st.LogicalReports(ctx)
	for i := range ls2 {
		if ls2[i].ID != ls[i].ID || ls2[i].ChosenReportID != ls[i].ChosenReportID {
			t.Errorf("logical report %d changed on a second run: %+v vs %+v", i, ls2[i], ls[i])
		}
	}
	checks2, _ := st.CrossChecks(ctx, "")
	if len(checks2) != len(checks) {
		t.Errorf("second run: %d cross checks, first %d", len(checks2), len(checks))
	}
}

func mustMembers(t *testing.T, st *store.Store, id int64) []store.LogicalMember {
	t.Helper()
	ms, err := st.LogicalMembers(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}
