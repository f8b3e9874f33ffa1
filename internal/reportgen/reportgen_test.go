package reportgen

import (
	"bytes"
	"fmt"
	"html"
	"math"
	"math/rand"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/ogireports/ogireports/internal/cells"
)

const testSeed = 20260101

// decodedHTML returns the HTML of v as a UTF-8 string.
func decodedHTML(t *testing.T, v Variant) string {
	t.Helper()
	b := v.HTML()
	if v.Encoding == "gbk" {
		d, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
		if err != nil {
			t.Fatalf("%s: GB18030 decode: %v", v.ID, err)
		}
		return string(d)
	}
	return string(b)
}

func TestDeterminism(t *testing.T) {
	a, b := Variants(testSeed), Variants(testSeed)
	if len(a) != len(b) {
		t.Fatalf("lengths differ: %d vs %d", len(a), len(b))
	}
	for i := range a {
		if a[i].ID != b[i].ID {
			t.Fatalf("variant %d: IDs differ: %s vs %s", i, a[i].ID, b[i].ID)
		}
		for name, f := range map[string]func(Variant) []byte{
			"HTML": Variant.HTML, "FlatText": Variant.FlatText, "RowText": Variant.RowText,
		} {
			if !bytes.Equal(f(a[i]), f(b[i])) {
				t.Errorf("%s: %s differs between two runs", a[i].ID, name)
			}
		}
	}
	c := Variants(testSeed + 1)
	if bytes.Equal(a[0].HTML(), c[0].HTML()) {
		t.Errorf("different seeds gave identical first variants")
	}
	n1, n2 := NonReports(3), NonReports(3)
	for i := range n1 {
		if !bytes.Equal(n1[i].HTML, n2[i].HTML) {
			t.Errorf("NonReports %s not deterministic", n1[i].ID)
		}
	}
	v1 := New(rand.New(rand.NewSource(9)), "淄博市张店区财政局", 2022, Options{})
	v2 := New(rand.New(rand.NewSource(9)), "淄博市张店区财政局", 2022, Options{})
	if !bytes.Equal(v1.HTML(), v2.HTML()) || v1.ID != v2.ID {
		t.Errorf("New is not deterministic for the same rng seed")
	}
}

func TestVariantCountAndIDs(t *testing.T) {
	vs := Variants(testSeed)
	if len(vs) < 60 {
		t.Fatalf("got %d variants, want >= 60", len(vs))
	}
	seen := map[string]bool{}
	for _, v := range vs {
		if seen[v.ID] {
			t.Errorf("duplicate ID %s", v.ID)
		}
		seen[v.ID] = true
		if v.Agency == "" || v.Year < 2019 || v.Year > 2030 {
			t.Errorf("%s: bad agency/year %q %d", v.ID, v.Agency, v.Year)
		}
	}
	var broken int
	for _, v := range vs {
		if len(v.Broken) > 0 {
			broken++
		}
	}
	if share := float64(broken) / float64(len(vs)); share < 0.07 || share > 0.14 {
		t.Errorf("broken share %.2f (%d of %d), want about 10%%", share, broken, len(vs))
	}
}

func TestQuirkCoverage(t *testing.T) {
	vs := Variants(testSeed)
	for _, c := range combos {
		encs := map[string]bool{}
		for _, q := range AllQuirks {
			if !Applies(q, c.t2, c.t3) {
				continue
			}
			found := false
			for _, v := range vs {
				if v.LayoutT2 == c.t2 && v.LayoutT3 == c.t3 && v.has(q) {
					found = true
					encs[v.Encoding] = true
				}
			}
			if !found {
				t.Errorf("quirk %s is not exercised in layout %s", q, c.name)
			}
		}
		if !encs["gbk"] || !encs["utf-8"] {
			t.Errorf("layout %s lacks an encoding: %v", c.name, encs)
		}
	}
	for _, v := range vs {
		for _, q := range v.Quirks {
			if !Applies(q, v.LayoutT2, v.LayoutT3) {
				t.Errorf("%s lists quirk %s that does not apply to its layouts", v.ID, q)
			}
		}
	}
}

func TestIdentities(t *testing.T) {
	for _, v := range Variants(testSeed) {
		checks := append(cells.CheckT3(cells.Values(v.Truth), v.LayoutT3), cells.CheckT4(cells.Values(v.Truth))...)
		failed := map[string]bool{}
		for _, c := range checks {
			if c.Status == cells.Fail {
				failed[c.ID] = true
			}
		}
		var got []string
		for id := range failed {
			got = append(got, id)
		}
		sort.Strings(got)
		want := append([]string(nil), v.Broken...)
		sort.Strings(want)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s: failed identities %v, declared broken %v", v.ID, got, want)
		}
		if len(v.Broken) > 0 {
			for _, c := range checks {
				if c.Status == cells.NotAssessable {
					t.Errorf("%s: broken variant has a not-assessable check %s/%s", v.ID, c.ID, c.Column)
				}
			}
		}
	}
}

func TestTruthAndPrinted(t *testing.T) {
	for _, v := range Variants(testSeed) {
		keys := v.Keys()
		if len(v.Truth) != len(keys) || len(v.Printed) != len(keys) {
			t.Errorf("%s: %d truth and %d printed for %d keys", v.ID, len(v.Truth), len(v.Printed), len(keys))
		}
		for _, k := range keys {
			p, ok := v.Truth[k]
			if !ok {
				t.Errorf("%s: truth lacks %s", v.ID, k)
				continue
			}
			text, ok := v.Printed[k]
			if !ok {
				t.Errorf("%s: printed lacks %s", v.ID, k)
			}
			if (p == nil) != cells.IsBlankText(text) {
				t.Errorf("%s: %s truth nil=%v but printed %q", v.ID, k, p == nil, text)
			}
			if p != nil && cells.IsMoney(k) {
				if c := *p * 100; math.Abs(c-math.Round(c)) > 1e-6 {
					t.Errorf("%s: money %s = %v has more than 2 decimals", v.ID, k, *p)
				}
			}
		}
	}
}

func TestPrintedAppearsInRenderings(t *testing.T) {
	for _, v := range Variants(testSeed) {
		h := decodedHTML(t, v)
		flat := string(v.FlatText())
		rows := string(v.RowText())
		if !utf8.ValidString(flat) || !utf8.ValidString(rows) {
			t.Errorf("%s: text renderings are not UTF-8", v.ID)
		}
		for _, k := range v.Keys() {
			p := v.Printed[k]
			if p == "" {
				continue
			}
			if !strings.Contains(h, html.EscapeString(p)) {
				t.Errorf("%s: HTML lacks printed %s %q", v.ID, k, p)
			}
			if !strings.Contains(flat, "\n"+p+"\n") {
				t.Errorf("%s: flat text lacks line %s %q", v.ID, k, p)
			}
			if !strings.Contains(rows, p) {
				t.Errorf("%s: row text lacks %s %q", v.ID, k, p)
			}
		}
		empty := 0
		for _, k := range v.Keys() {
			if v.Printed[k] == "" {
				empty++
			}
		}
		if n := strings.Count(flat, "\n"+nbsp+"\n"); n < empty {
			t.Errorf("%s: %d empty-cell lines in flat text for %d empty cells", v.ID, n, empty)
		}
		for _, s := range []string{v.Agency, "一、总体情况", "六、其他需要报告的事项"} {
			if !strings.Contains(h, s) || !strings.Contains(flat, s) {
				t.Errorf("%s: renderings lack %q", v.ID, s)
			}
		}
		if x, ok := cells.Values(v.Truth).Get("t3.new_received.total"); ok && x > 0 {
			want := "共收到政府信息公开申请" + num(x) + "件"
			if !strings.Contains(flat, want) {
				t.Errorf("%s: prose lacks %q", v.ID, want)
			}
		}
		wantTables := 3
		if v.has(QuirkT3Split) || v.has(QuirkT3SplitHeader) {
			wantTables = 4
		}
		if v.has(QuirkNestedTable) {
			wantTables++
		}
		if n := strings.Count(h, "<table"); n != wantTables {
			t.Errorf("%s: %d <table> elements, want %d", v.ID, n, wantTables)
		}
	}
}

func TestEncodings(t *testing.T) {
	for _, v := range Variants(testSeed) {
		raw := v.HTML()
		h := decodedHTML(t, v)
		switch {
		case v.Encoding == "utf-8":
			if !utf8.Valid(raw) || !strings.Contains(h, "charset=utf-8") {
				t.Errorf("%s: utf-8 page invalid or undeclared", v.ID)
			}
		case v.has(QuirkGBKUndeclared):
			if strings.Contains(h, "charset") {
				t.Errorf("%s: undeclared GBK page declares a charset", v.ID)
			}
		case v.has(QuirkGBKMetaOnly):
			if !strings.Contains(h, `<meta charset="gbk">`) || strings.Contains(h, "http-equiv") {
				t.Errorf("%s: want only <meta charset=gbk>", v.ID)
			}
		default:
			if !strings.Contains(h, "charset=gb2312") {
				t.Errorf("%s: GBK page lacks gb2312 declaration", v.ID)
			}
		}
		if v.Encoding == "gbk" && utf8.Valid(raw) {
			t.Errorf("%s: GBK page is valid UTF-8: not encoded", v.ID)
		}
		if !strings.Contains(h, v.Agency) || !strings.Contains(h, `name="ArticleTitle"`) || !strings.Contains(h, `name="PubDate"`) {
			t.Errorf("%s: page lacks agency or metas", v.ID)
		}
	}
}

func TestTitles(t *testing.T) {
	tests := []struct {
		quirk string
		want  string
		year  bool
	}{
		{"", "烟台市牟平区人民政府2022年政府信息公开工作年度报告", true},
		{QuirkTitleNoAgency, "2022年度政府信息公开年报", true},
		{QuirkTitleGuanyu, "烟台市牟平区人民政府关于2022年政府信息公开工作的年度报告", true},
		{QuirkNoYearInTitle, "烟台市牟平区人民政府政府信息公开工作年度报告", false},
	}
	for _, tc := range tests {
		qs := []string{}
		if tc.quirk != "" {
			qs = append(qs, tc.quirk)
		}
		v := New(rand.New(rand.NewSource(1)), "烟台市牟平区人民政府", 2022, Options{Quirks: qs})
		if got := v.Title(); got != tc.want {
			t.Errorf("quirk %q: title %q, want %q", tc.quirk, got, tc.want)
		}
		if v.NoYearInTitle == tc.year {
			t.Errorf("quirk %q: NoYearInTitle = %v", tc.quirk, v.NoYearInTitle)
		}
		if !strings.Contains(string(v.FlatText()), "2022年1月1日") {
			t.Errorf("quirk %q: body lacks the year", tc.quirk)
		}
	}
}

func TestNewLayoutsAndOptions(t *testing.T) {
	tests := []struct {
		year   int
		opts   Options
		t2, t3 cells.Layout
		enc    string
	}{
		{2019, Options{Encoding: "utf-8"}, cells.Gov2019, cells.Gov2019, "utf-8"},
		{2020, Options{Encoding: "gbk"}, cells.Gov2019, cells.Gov2019, "gbk"},
		{2022, Options{Encoding: "utf-8", Quirks: []string{}}, cells.Gov2021, cells.Gov2021, "utf-8"},
		{2020, Options{Layout: cells.Gov2021, Encoding: "utf-8"}, cells.Gov2021, cells.Gov2021, "utf-8"},
		{2023, Options{Layout: cells.Gov2019, Quirks: []string{QuirkGBKUndeclared}}, cells.Gov2019, cells.Gov2019, "gbk"},
		{2024, Options{Encoding: "utf-8", Quirks: []string{QuirkMixedLayout}}, cells.Gov2021, cells.Gov2019, "utf-8"},
	}
	for i, tc := range tests {
		v := New(rand.New(rand.NewSource(int64(i))), "济宁市任城区司法局", tc.year, tc.opts)
		if v.LayoutT2 != tc.t2 || v.LayoutT3 != tc.t3 || v.Encoding != tc.enc || v.Year != tc.year {
			t.Errorf("case %d: got %s/%s %s %d", i, v.LayoutT2, v.LayoutT3, v.Encoding, v.Year)
		}
	}
	mixed := 0
	r := rand.New(rand.NewSource(5))
	for i := 0; i < 200; i++ {
		v := New(r, "威海市环翠区人民政府", 2023+i%2, Options{})
		if v.LayoutT2 == cells.Gov2021 && v.LayoutT3 == cells.Gov2019 {
			mixed++
			if !v.has(QuirkMixedLayout) {
				t.Errorf("%s: mixed layouts without the mixed quirk", v.ID)
			}
		}
	}
	if mixed == 0 || mixed > 100 {
		t.Errorf("%d of 200 reports of 2023/24 mixed, want some but a minority", mixed)
	}
	for _, id := range []string{cells.IDT3Balance, cells.IDT3ResultsSum, cells.IDT4RowTotal} {
		v := New(rand.New(rand.NewSource(11)), "威海市环翠区人民政府", 2022, Options{Break: id, Quirks: []string{QuirkBlankSlash}})
		if len(v.Broken) != 1 || v.Broken[0] != id {
			t.Errorf("Break %s: Broken = %v", id, v.Broken)
		}
		if v.has(QuirkBlankSlash) {
			t.Errorf("Break %s: blank quirk kept on a broken variant", id)
		}
	}
}

func TestPublished(t *testing.T) {
	for _, v := range Variants(testSeed) {
		var y, m, d int
		if n, _ := fmtSscanf(v.Published, &y, &m, &d); n != 3 {
			t.Fatalf("%s: bad date %q", v.ID, v.Published)
		}
		early := v.has(QuirkPublishedEarly)
		switch {
		case early && !(y == v.Year && m == 12 && d < 31):
			t.Errorf("%s: early date %s not before %d-12-31", v.ID, v.Published, v.Year)
		case !early && !(y == v.Year+1 && m >= 1 && m <= 3):
			t.Errorf("%s: date %s outside %d-01..03", v.ID, v.Published, v.Year+1)
		}
	}
}

func TestFormatting(t *testing.T) {
	tests := []struct{ in, thousands, full string }{
		{"30362", "30,362", "３０３６２"},
		{"4722.5", "4,722.5", "４７２２.５"},
		{"-1036", "-1,036", "-１０３６"},
		{"999", "999", "９９９"},
		{"1000000", "1,000,000", "１００００００"},
	}
	for _, tc := range tests {
		if got := thousands(tc.in); got != tc.thousands {
			t.Errorf("thousands(%q) = %q, want %q", tc.in, got, tc.thousands)
		}
		if got := fullWidth(tc.in); got != tc.full {
			t.Errorf("fullWidth(%q) = %q, want %q", tc.in, got, tc.full)
		}
	}
}

func TestQuirkPrinting(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	tests := []struct {
		layout cells.Layout
		quirk  string
		check  func(v Variant) bool
	}{
		{cells.Gov2019, QuirkMoneyYuan, func(v Variant) bool {
			p := v.Printed["t2.procurement.amount_10k_yuan"]
			return strings.HasSuffix(p, "元") && p == num(*v.Truth["t2.procurement.amount_10k_yuan"]*10000)+"元"
		}},
		{cells.Gov2019, QuirkSignedChange, func(v Variant) bool {
			for _, k := range v.Keys() {
				if strings.HasSuffix(k, ".change") && v.Truth[k] != nil && *v.Truth[k] > 0 && !strings.HasPrefix(v.Printed[k], "+") {
					return false
				}
			}
			return true
		}},
		{cells.Gov2021, QuirkAnnotation, func(v Variant) bool {
			return strings.Contains(v.Printed["t2.normative_documents.in_force"], "（其中修订")
		}},
		{cells.Gov2021, QuirkLabelTypo, func(v Variant) bool { return strings.Contains(string(v.FlatText()), "2.其他法律行政止公开") }},
		{cells.Gov2021, QuirkQuotesStraight, func(v Variant) bool { return strings.Contains(string(v.FlatText()), `3.危及"三安全一稳定"`) }},
		{cells.Gov2021, QuirkHeaderBreaks, func(v Variant) bool { return strings.Contains(v.BodyHTML(), "商业<br") }},
		{cells.Gov2021, QuirkWordMarkup, func(v Variant) bool {
			return strings.Contains(v.BodyHTML(), `class="MsoNormal"`) && strings.Contains(v.BodyHTML(), "<o:p></o:p>")
		}},
		{cells.Gov2021, QuirkRowspan, func(v Variant) bool { return strings.Contains(v.BodyHTML(), `rowspan="8"`) }},
		{cells.Gov2021, QuirkSubtotalCol, func(v Variant) bool { return strings.Contains(v.BodyHTML(), ">小计<") }},
		{cells.Gov2021, QuirkTitleRow, func(v Variant) bool { return strings.Contains(v.BodyHTML(), "单位：件") }},
		{cells.Gov2021, QuirkHalfwidthParens, func(v Variant) bool {
			return strings.Contains(string(v.FlatText()), "(三)不予公开") && !strings.Contains(string(v.FlatText()), "（三）不予公开")
		}},
	}
	for _, tc := range tests {
		v := New(r, "潍坊市奎文区住房和城乡建设局", 2022, Options{Layout: tc.layout, Quirks: []string{tc.quirk}})
		if !tc.check(v) {
			t.Errorf("quirk %s in %s not printed as expected", tc.quirk, tc.layout)
		}
	}
}

func TestSubtotalColumnSums(t *testing.T) {
	v := New(rand.New(rand.NewSource(4)), "临沂市兰山区人民政府", 2022, Options{Quirks: []string{QuirkSubtotalCol}})
	cs := v.t3Values("new_received")
	if len(cs) != 8 {
		t.Fatalf("got %d value cells, want 8", len(cs))
	}
	var sum float64
	for _, c := range []string{"commercial", "research", "social_welfare", "legal_service", "other_org"} {
		sum += *v.Truth["t3.new_received."+c]
	}
	if cs[6].text != num(sum) {
		t.Errorf("小计 = %s, want %s", cs[6].text, num(sum))
	}
}

func TestNonReports(t *testing.T) {
	docs := NonReports(testSeed)
	if len(docs) < 5 {
		t.Fatalf("got %d non-reports, want 5", len(docs))
	}
	ids := map[string]bool{}
	for _, d := range docs {
		if ids[d.ID] {
			t.Errorf("duplicate id %s", d.ID)
		}
		ids[d.ID] = true
		if d.Title == "" || !bytes.Contains(d.HTML, []byte(html.EscapeString(d.Title))) {
			t.Errorf("%s: HTML lacks its title %q", d.ID, d.Title)
		}
	}
}

func fmtSscanf(s string, y, m, d *int) (int, error) { return fmt.Sscanf(s, "%d-%d-%d", y, m, d) }

func BenchmarkVariants(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Variants(int64(i))
	}
}

func BenchmarkNewHTML(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	for i := 0; i < b.N; i++ {
		v := New(r, "烟台市牟平区人民政府", 2022, Options{})
		_ = v.HTML()
	}
}

// shifted returns a copy of truth where the cells of one row are shifted by s positions (cells
// moved in from outside the row are blank), as a misaligned extractor would read them.
func shifted(truth map[string]*float64, t cells.Table, row string, cols []cells.Col, s int) cells.Values {
	out := cells.Values{}
	for k, p := range truth {
		out[k] = p
	}
	for i, c := range cols {
		j := i - s
		var p *float64
		if j >= 0 && j < len(cols) {
			p = truth[cells.Key(t, row, cols[j].Key)]
		}
		out[cells.Key(t, row, c.Key)] = p
	}
	return out
}

func TestBrokenNotFixableByShift(t *testing.T) {
	for _, v := range Variants(testSeed) {
		if len(v.Broken) == 0 {
			continue
		}
		for _, row := range []struct {
			t    cells.Table
			row  string
			cols []cells.Col
		}{
			{cells.T3, "new_received", cells.T3Cols}, {cells.T3, "granted", cells.T3Cols},
			{cells.T3, "total_processed", cells.T3Cols}, {cells.T4, "review", cells.T4Cols},
		} {
			for s := -3; s <= 3; s++ {
				if s == 0 {
					continue
				}
				vals := shifted(v.Truth, row.t, row.row, row.cols, s)
				checks := append(cells.CheckT3(vals, v.LayoutT3), cells.CheckT4(vals)...)
				allPass := true
				for _, c := range checks {
					if c.Status != cells.Pass {
						allPass = false
					}
				}
				if allPass {
					t.Errorf("%s: shifting %s by %d makes every check pass", v.ID, row.row, s)
				}
			}
		}
	}
}
