package export

import (
	"context"
	"fmt"
	"math/rand"
	"sort"
	"testing"
	"time"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/reportgen"
	"github.com/ogireports/ogireports/internal/store"
)

func fp(v float64) *float64 { return &v }

// agencyPlaces are the jurisdictions of the fixture agencies (GB/T 2260), written out by hand.
var agencyPlaces = map[string]Place{
	"烟台市牟平区人民政府":     {Code: "370612", Province: "山东省", City: "烟台市", County: "牟平区", Level: "county", AgencyType: "government"},
	"烟台市芝罘区人民政府":     {Code: "370602", Province: "山东省", City: "烟台市", County: "芝罘区", Level: "county", AgencyType: "government"},
	"济南市历下区教育和体育局":   {Code: "370102", Province: "山东省", City: "济南市", County: "历下区", Level: "county", AgencyType: "department"},
	"青岛市市南区八大关街道办事处": {Code: "370202", Province: "山东省", City: "青岛市", County: "市南区", Level: "county", AgencyType: "township"},
	"烟台经济技术开发区管理委员会": {Code: "370600", Province: "山东省", City: "烟台市", Level: "prefecture", AgencyType: "development_zone"},
	"山东省人民政府办公厅":     {Code: "370000", Province: "山东省", Level: "province", AgencyType: "department"},
	"@某局":            {AgencyType: "department"},
}

var agencies = []string{"烟台市牟平区人民政府", "烟台市芝罘区人民政府", "济南市历下区教育和体育局",
	"青岛市市南区八大关街道办事处", "烟台经济技术开发区管理委员会", "山东省人民政府办公厅"}

// genReport builds the i-th synthetic report from reportgen's truth: six agencies over
// 2019-2024 (the same agency-year again from i = 37), both layouts, identities checked as the extractor would (some variants break one).
func genReport(rng *rand.Rand, i int) *normalize.Report {
	agency := agencies[i%len(agencies)]
	year := 2019 + (i/len(agencies))%6 // every agency over the years; pairs repeat after 36
	opts := reportgen.Options{}
	if i%17 == 5 {
		opts.Break = cells.IDT3Balance
	}
	v := reportgen.New(rng, agency, year, opts)
	keys := make([]string, 0, len(v.Truth))
	for k := range v.Truth {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	r := &normalize.Report{Title: v.Title(), Agency: agency, AgencySource: "title", Year: year,
		YearSource: "title", Published: v.Published,
		Layouts:          map[cells.Table]cells.Layout{cells.T2: v.LayoutT2, cells.T3: v.LayoutT3, cells.T4: v.LayoutT3},
		ExtractorVersion: normalize.Version}
	vals := cells.Values{}
	for _, k := range keys {
		r.Cells = append(r.Cells, normalize.Cell{Key: k, Value: v.Truth[k], ValueText: v.Printed[k]})
		vals[k] = v.Truth[k]
	}
	r.Checks = append(cells.CheckT3(vals, v.LayoutT3), cells.CheckT4(vals)...)
	return r
}

// edgeReport is a hand-made report with every value shape an export must keep apart: 0 and
// blank, negative changes, money, a non-integral count, formula-like texts, OCR confidence,
// pages, unknown year and publication date.
func edgeReport() *normalize.Report {
	return &normalize.Report{
		Title: "=某局年度报告", Agency: "@某局", Year: 0, Published: "",
		Layouts: map[cells.Table]cells.Layout{cells.T2: cells.Gov2019, cells.T3: cells.Gov2019, cells.T4: cells.Gov2019},
		Cells: []normalize.Cell{
			{Key: "t2.licensing.change", Value: fp(-18), ValueText: "-18"},
			{Key: "t2.penalty.change", Value: fp(3), ValueText: "+3"},
			{Key: "t2.procurement.amount_10k_yuan", Value: fp(25.1), ValueText: "251000元", Flags: []string{"unit_yuan"}},
			{Key: "t2.procurement.items", Value: fp(2.5), ValueText: "2.5"},
			{Key: "t3.new_received.natural_person", Value: fp(0), ValueText: "0", Confidence: 0.87, Page: 3},
			{Key: "t3.new_received.commercial", Value: nil, ValueText: "-"},
			{Key: "t3.new_received.total", Value: fp(12), ValueText: "=1+1", Flags: []string{"annotated"}},
			{Key: "t3.granted.total", Value: nil, ValueText: "@SUM(A1)"},
			{Key: "t3.other.total", Value: fp(0), ValueText: "0"},
			{Key: "t3.total_processed.total", Value: fp(0), ValueText: "0"},
			{Key: "t4.review.upheld", Value: fp(1), ValueText: "1"},
			{Key: "t4.review.corrected", Value: fp(1), ValueText: "1"},
			{Key: "t4.review.other", Value: fp(0), ValueText: "0"},
		},
		Checks: []cells.Check{
			{ID: cells.IDT4RowTotal, Column: "review", Status: cells.Fail, Left: 0, Right: 2, Detail: "0 ≠ 2"},
			{ID: cells.IDT3Balance, Column: "total", Status: cells.NotAssessable, Detail: "blank: t3.carried_over.total"},
		},
		Flags:            []string{"-flag", "x,\"quoted\""},
		Notes:            []string{"+note"},
		ExtractorVersion: normalize.Version,
	}
}

// seedStore creates a store at path with the edge report (id 1) and n generated reports.
func seedStore(tb testing.TB, path string, n int) {
	tb.Helper()
	ctx := context.Background()
	st, err := store.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	rng := rand.New(rand.NewSource(6))
	save := func(i int, r *normalize.Report) {
		id, _, err := st.PutDocument(ctx, store.DocumentInput{SHA256: fmt.Sprintf("sha-%06d", i), Size: 1,
			MediaType: "text/html", Source: fmt.Sprintf("https://www.example.gov.cn/%d.html", i), SeenAt: time.Now()})
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := st.SaveReport(ctx, id, r); err != nil {
			tb.Fatal(err)
		}
	}
	save(0, edgeReport())
	for i := 1; i <= n; i++ {
		save(i, genReport(rng, i))
	}
	// A second source for the edge document.
	if _, _, err := st.PutDocument(ctx, store.DocumentInput{SHA256: "sha-000000", Size: 1, MediaType: "text/html",
		Source: "/data/a b,c.html", SeenAt: time.Now().Add(time.Hour)}); err != nil {
		tb.Fatal(err)
	}
}
