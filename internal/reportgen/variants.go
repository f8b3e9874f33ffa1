package reportgen

import (
	"fmt"
	"math/rand"
	"sort"
	"strings"

	"github.com/ogireports/ogireports/internal/cells"
)

// SampleAgencies are realistic agency names of several levels (district governments, district
// bureaus, streets and towns) used by Variants and available to callers.
var SampleAgencies = []string{
	"烟台市牟平区人民政府", "青岛市黄岛区教育和体育局", "济南市历下区泉城路街道办事处",
	"临沂市兰山区人民政府", "杭州市西湖区卫生健康局", "南京市鼓楼区人力资源和社会保障局",
	"成都市武侯区市场监督管理局", "苏州市吴中区木渎镇人民政府", "潍坊市奎文区住房和城乡建设局",
	"淄博市张店区财政局", "合肥市蜀山区自然资源和规划分局", "济宁市任城区司法局",
	"宁波市鄞州区交通运输局", "重庆市江北区民政局", "武汉市洪山区城市管理执法局",
	"威海市环翠区人民政府", "日照市东港区农业农村局", "广州市天河区林和街道办事处",
	"泰安市岱岳区应急管理局", "德州市德城区新湖街道办事处",
}

// combos are the layout combinations (t2, t3) that Variants covers.
var combos = []struct {
	name   string
	t2, t3 cells.Layout
}{
	{"gov2021", cells.Gov2021, cells.Gov2021},
	{"gov2019", cells.Gov2019, cells.Gov2019},
	{"mixed", cells.Gov2021, cells.Gov2019},
}

// exclusive groups: at most one quirk of each group applies.
var exclusive = [][]string{
	{QuirkT4Flat, QuirkT4Rows, QuirkT4Transposed},
	{QuirkQuotesStraight, QuirkQuotesNone},
	{QuirkT3Split, QuirkT3SplitHeader},
	{QuirkGBKMetaOnly, QuirkGBKUndeclared},
	{QuirkNoYearInTitle, QuirkTitleNoAgency, QuirkTitleGuanyu},
	{QuirkMoneyYuan, QuirkMoneyWanHeader},
}

// Applies reports whether quirk q can be exercised by a report with these t2 and t3 layouts.
func Applies(q string, t2, t3 cells.Layout) bool {
	switch q {
	case QuirkMixedLayout:
		return t2 == cells.Gov2021 && t3 == cells.Gov2019
	case QuirkMoneyYuan, QuirkMoneyWanHeader, QuirkSignedChange:
		return t2 == cells.Gov2019
	}
	return true
}

// isBlankQuirk tells the quirks that make cells blank (incompatible with a deliberate break).
func isBlankQuirk(q string) bool {
	switch q {
	case QuirkBlankNbsp, QuirkBlankSlash, QuirkBlankDash, QuirkBlankWu, QuirkTotalBlank:
		return true
	}
	return false
}

// resolveQuirks returns the quirk set for layouts t2/t3: primary quirks first win their
// exclusive groups, layout-inapplicable quirks are dropped, a t4 style is always present and
// QuirkMixedLayout is present exactly for the mixed combination.
func resolveQuirks(qs []string, t2, t3 cells.Layout, encoding string) []string {
	seen := map[string]bool{}
	var out []string
	for _, q := range qs {
		if seen[q] || !Applies(q, t2, t3) {
			continue
		}
		clash := false
		for _, g := range exclusive {
			in := false
			for _, x := range g {
				if x == q {
					in = true
				}
			}
			if !in {
				continue
			}
			for _, x := range g {
				if seen[x] {
					clash = true
				}
			}
		}
		if (q == QuirkGBKMetaOnly || q == QuirkGBKUndeclared) && encoding != "gbk" {
			clash = true
		}
		if clash {
			continue
		}
		seen[q] = true
		out = append(out, q)
	}
	if !seen[QuirkT4Rows] && !seen[QuirkT4Transposed] && !seen[QuirkT4Flat] {
		out = append(out, QuirkT4Flat)
	}
	if Applies(QuirkMixedLayout, t2, t3) && !seen[QuirkMixedLayout] {
		out = append(out, QuirkMixedLayout)
	}
	sort.Strings(out)
	return out
}

// publishedDate draws a realistic publication date for report year y.
func publishedDate(r *rand.Rand, y int, early bool) string {
	if early {
		return fmt.Sprintf("%d-12-%02d", y, 20+r.Intn(11))
	}
	switch x := r.Intn(20); {
	case x < 5:
		return fmt.Sprintf("%d-01-31", y+1)
	case x < 8:
		return fmt.Sprintf("%d-03-31", y+1)
	case x < 15:
		return fmt.Sprintf("%d-01-%02d", y+1, 5+r.Intn(26))
	case x < 18:
		return fmt.Sprintf("%d-02-%02d", y+1, 1+r.Intn(28))
	default:
		return fmt.Sprintf("%d-03-%02d", y+1, 1+r.Intn(30))
	}
}

// build assembles one variant with its truth and printed texts.
func build(seed int64, id, agency string, year int, t2, t3 cells.Layout, encoding string, quirks []string, brk string) Variant {
	r := rand.New(rand.NewSource(seed))
	if brk != "" {
		var keep []string
		for _, q := range quirks {
			if !isBlankQuirk(q) {
				keep = append(keep, q)
			}
		}
		quirks = keep
	}
	v := Variant{
		ID: id, Agency: agency, Year: year, LayoutT2: t2, LayoutT3: t3, Encoding: encoding,
		Quirks: resolveQuirks(quirks, t2, t3, encoding), seed: seed,
	}
	v.NoYearInTitle = v.has(QuirkNoYearInTitle)
	v.Published = publishedDate(r, year, v.has(QuirkPublishedEarly))
	v.Truth = map[string]*float64{}
	govLevel := strings.Contains(agency, "人民政府")
	genT2(r, t2, govLevel, v.Truth)
	genT3(r, t3, v.Truth)
	genT4(r, v.Truth)
	if v.has(QuirkThousands) {
		// make sure a value is large enough to be printed with a separator
		k := cells.Key(cells.T2, "licensing", "decisions")
		if p := v.Truth[k]; p != nil && *p < 1000 {
			*p += 1000 + float64(r.Intn(30000))
		}
	}
	if v.has(QuirkAnnotation) {
		k := cells.Key(cells.T2, "normative_documents", "in_force")
		if t2 == cells.Gov2019 {
			k = cells.Key(cells.T2, "normative_documents", "total_public")
		}
		if p := v.Truth[k]; p != nil && *p < 3 {
			*p += 3 + float64(r.Intn(20))
		}
	}
	if brk != "" {
		v.applyBreak(r, brk)
	} else {
		v.applyBlanks(r)
	}
	v.fillPrinted()
	return v
}

// Variants returns the acceptance variants for seed: for every quirk and every layout
// combination (gov2021, gov2019, mixed gov2021 t2 with gov2019 t3) where the quirk applies, one
// variant exercising it (plus up to three random compatible quirks), in both encodings; about
// one in ten breaks exactly one identity. The result is deterministic for a seed.
func Variants(seed int64) []Variant {
	r := rand.New(rand.NewSource(seed))
	var out []Variant
	breaks := []string{cells.IDT3Balance, cells.IDT3ResultsSum, cells.IDT4RowTotal}
	nb := 0
	i := 0
	pending := false
	for _, q := range AllQuirks {
		for _, c := range combos {
			if !Applies(q, c.t2, c.t3) {
				continue
			}
			vseed := r.Int63()
			brk := ""
			if i%10 == 5 || pending {
				pending = isBlankQuirk(q)
				if !pending {
					brk = breaks[nb%len(breaks)]
					nb++
				}
			}
			qs := []string{q}
			for n := r.Intn(4); n > 0; n-- {
				x := AllQuirks[r.Intn(len(AllQuirks))]
				if brk != "" && isBlankQuirk(x) {
					continue
				}
				qs = append(qs, x)
			}
			enc := "utf-8"
			if q == QuirkGBKMetaOnly || q == QuirkGBKUndeclared || r.Intn(3) == 0 {
				enc = "gbk"
			}
			year := 2021 + r.Intn(4)
			switch {
			case c.name == "gov2019":
				year = 2019 + r.Intn(2)
			case c.name == "mixed":
				year = 2023 + r.Intn(2)
			}
			agency := SampleAgencies[r.Intn(len(SampleAgencies))]
			encTag := "utf8"
			if enc == "gbk" {
				encTag = "gbk"
			}
			id := fmt.Sprintf("v%03d-%s-%s-%s", i, c.name, encTag, q)
			if brk != "" {
				id += "-broken"
			}
			out = append(out, build(vseed, id, agency, year, c.t2, c.t3, enc, qs, brk))
			i++
		}
	}
	return out
}

// New generates one report of agency for year, for the simulated web. Without options the
// layout follows the year (2019 and 2020 gov2019; 2021 and later gov2021, with some 2023 and
// 2024 reports mixing a gov2021 t2 with a gov2019 t3), the quirks are drawn at random (the
// official rowspan geometry 7 times in 10, Word markup one time in two, and 0–4 others) and
// the encoding is GBK one time in four. Options force the layout (both tables), the quirks, the
// encoding or an identity to break (cells.IDT3Balance, cells.IDT3ResultsSum, cells.IDT4RowTotal).
// The variant depends only on the values drawn from rng.
func New(rng *rand.Rand, agency string, year int, opts Options) Variant {
	seed := rng.Int63()
	t2, t3 := cells.Gov2021, cells.Gov2021
	if year <= 2020 {
		t2, t3 = cells.Gov2019, cells.Gov2019
	} else if year >= 2023 && rng.Intn(6) == 0 {
		t3 = cells.Gov2019
	}
	if opts.Layout == cells.Gov2019 || opts.Layout == cells.Gov2021 {
		t2, t3 = opts.Layout, opts.Layout
	}
	enc := "utf-8"
	if rng.Intn(4) == 0 {
		enc = "gbk"
	}
	if opts.Encoding != "" {
		enc = opts.Encoding
	}
	qs := opts.Quirks
	if qs == nil {
		// most real reports paste the official geometry from Word
		if rng.Intn(10) < 7 {
			qs = append(qs, QuirkRowspan)
		}
		if rng.Intn(2) == 0 {
			qs = append(qs, QuirkWordMarkup)
		}
		for n := rng.Intn(5); n > 0; n-- {
			q := AllQuirks[rng.Intn(len(AllQuirks))]
			if opts.Break != "" && isBlankQuirk(q) {
				continue
			}
			qs = append(qs, q)
		}
	}
	for _, q := range qs {
		switch q {
		case QuirkGBKMetaOnly, QuirkGBKUndeclared:
			enc = "gbk"
		case QuirkMixedLayout:
			t2, t3 = cells.Gov2021, cells.Gov2019
		}
	}
	id := fmt.Sprintf("gen-%d-%08x", year, uint32(seed))
	return build(seed, id, agency, year, t2, t3, enc, qs, opts.Break)
}
