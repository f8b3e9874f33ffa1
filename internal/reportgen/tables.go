package reportgen

import (
	"strconv"
	"strings"

	"github.com/ogireports/ogireports/internal/cells"
)

// tcell is one origin cell of a printed table. Text uses "\n" for a <br /> inside the cell.
type tcell struct {
	text   string
	rs, cs int
	head   bool
	right  bool
	// key is the cell key (cells.Key) of a value cell printed from Printed, "" otherwise.
	key string
}

// ttable is a printed table: its rows of origin cells in HTML order.
type ttable struct {
	rows [][]tcell
	// header is the number of header rows (repeated when a split part repeats its header).
	header int
}

func hc(text string) tcell              { return tcell{text: text, rs: 1, cs: 1, head: true} }
func hcs(text string, rs, cs int) tcell { return tcell{text: text, rs: rs, cs: cs, head: true} }
func dc(text string) tcell              { return tcell{text: text, rs: 1, cs: 1} }
func dcs(text string, rs, cs int) tcell { return tcell{text: text, rs: rs, cs: cs} }

func (v *Variant) has(q string) bool {
	for _, x := range v.Quirks {
		if x == q {
			return true
		}
	}
	return false
}

// paren applies the parenthesis style of the variant to a label.
func (v *Variant) paren(s string) string {
	if v.has(QuirkHalfwidthParens) {
		s = strings.NewReplacer("（", "(", "）", ")").Replace(s)
	}
	return s
}

// brk joins two halves of a header word, with a line break under QuirkHeaderBreaks.
func (v *Variant) brk(a, b string) string {
	if v.has(QuirkHeaderBreaks) {
		return a + "\n" + b
	}
	return a + b
}

// t3Label returns the printed label of a t3 row.
func (v *Variant) t3Label(r cells.Row) string {
	l := r.Label
	switch r.Key {
	case "denied_three_safeties":
		switch {
		case v.has(QuirkQuotesStraight):
			l = `3.危及"三安全一稳定"`
		case v.has(QuirkQuotesNone):
			l = "3.危及三安全一稳定"
		}
	case "denied_law_prohibited":
		if v.has(QuirkLabelTypo) {
			l = "2.其他法律行政止公开"
		}
	}
	return v.paren(l)
}

func (v *Variant) val(key string) tcell { return v.valSpan(key, 1) }

// valSpan is the value cell of key spanning cs columns.
func (v *Variant) valSpan(key string, cs int) tcell {
	c := dcs(v.Printed[key], 1, cs)
	c.key = key
	return c
}

// buildT2 lays out table 二.
func (v *Variant) buildT2() ttable {
	t := ttable{}
	add := func(r ...tcell) { t.rows = append(t.rows, r) }
	k := func(row, col string) string { return cells.Key(cells.T2, row, col) }
	banner := func(s string) { add(hcs(v.paren(s), 1, 4)) }
	if v.LayoutT2 == cells.Gov2021 {
		banner("第二十条第（一）项")
		add(hc("信息内容"), hc(v.brk("本年制发", "件数")), hc(v.brk("本年废止", "件数")), hc(v.brk("现行有效", "件数")))
		for _, r := range []string{"regulations", "normative_documents"} {
			row, _ := cells.T2Gov2021.Row(r)
			add(dc(row.Label), v.val(k(r, "issued")), v.val(k(r, "repealed")), v.val(k(r, "in_force")))
		}
		banner("第二十条第（五）项")
		add(hc("信息内容"), hcs(v.brk("本年处理", "决定数量"), 1, 3))
		add(dc("行政许可"), v.valSpan(k("licensing", "decisions"), 3))
		banner("第二十条第（六）项")
		add(hc("信息内容"), hcs(v.brk("本年处理", "决定数量"), 1, 3))
		add(dc("行政处罚"), v.valSpan(k("penalty", "decisions"), 3))
		add(dc("行政强制"), v.valSpan(k("coercion", "decisions"), 3))
		banner("第二十条第（八）项")
		add(hc("信息内容"), hcs(v.paren(v.brk("本年收费金额", "（单位：万元）")), 1, 3))
		add(dc("行政事业性收费"), v.valSpan(k("fees", "amount_10k_yuan"), 3))
		return t
	}
	banner("第二十条第（一）项")
	add(hc("信息内容"), hc(v.brk("本年新", "制作数量")), hc(v.brk("本年新", "公开数量")), hc(v.brk("对外公开", "总数量")))
	for _, r := range []string{"regulations", "normative_documents"} {
		row, _ := cells.T2Gov2019.Row(r)
		add(dc(row.Label), v.val(k(r, "made")), v.val(k(r, "published")), v.val(k(r, "total_public")))
	}
	hdr := func() {
		add(hc("信息内容"), hc(v.brk("上一年", "项目数量")), hc(v.brk("本年", "增/减")), hc(v.brk("处理决定", "数量")))
	}
	three := func(r string) {
		row, _ := cells.T2Gov2019.Row(r)
		add(dc(row.Label), v.val(k(r, "prev_items")), v.val(k(r, "change")), v.val(k(r, "decisions")))
	}
	banner("第二十条第（五）项")
	hdr()
	three("licensing")
	three("other_services")
	banner("第二十条第（六）项")
	hdr()
	three("penalty")
	three("coercion")
	banner("第二十条第（八）项")
	add(hc("信息内容"), hc(v.brk("上一年", "项目数量")), hcs(v.brk("本年", "增/减"), 1, 2))
	add(dc("行政事业性收费"), v.val(k("fees", "prev_items")), v.valSpan(k("fees", "change"), 2))
	banner("第二十条第（九）项")
	money := "采购总金额"
	if v.has(QuirkMoneyWanHeader) {
		money = v.paren(v.brk("采购总金额", "（万元）"))
	}
	add(hc("信息内容"), hc(v.brk("采购", "项目数量")), hcs(money, 1, 2))
	add(dc("政府集中采购"), v.val(k("procurement", "items")), v.valSpan(k("procurement", "amount_10k_yuan"), 2))
	return t
}

// t3ColHeads returns the printed sub-column labels under 法人或其他组织.
func (v *Variant) t3ColHeads() []string {
	out := []string{v.brk("商业", "企业"), v.brk("科研", "机构"), v.brk("社会公益", "组织"), v.brk("法律服务", "机构"), "其他"}
	if v.has(QuirkSubtotalCol) {
		out = append(out, "小计")
	}
	return out
}

// t3Values returns the printed value cells of one t3 row (with the 小计 column if any).
func (v *Variant) t3Values(row string) []tcell {
	var out []tcell
	var sub float64
	for _, c := range cells.T3Cols {
		key := cells.Key(cells.T3, row, c.Key)
		if c.Key == "total" && v.has(QuirkSubtotalCol) {
			out = append(out, dc(strconv.FormatFloat(sub, 'f', -1, 64)))
		}
		if c.Key != "natural_person" && c.Key != "total" {
			if p := v.Truth[key]; p != nil {
				sub += *p
			}
		}
		out = append(out, v.val(key))
	}
	return out
}

// subtotalValues returns the value cells of a 小计 row over the given t3 rows.
func (v *Variant) subtotalValues(rows []string) []tcell {
	var out []tcell
	var sub float64
	for _, c := range cells.T3Cols {
		if c.Key == "total" && v.has(QuirkSubtotalCol) {
			out = append(out, dc(strconv.FormatFloat(sub, 'f', -1, 64)))
		}
		var s float64
		for _, r := range rows {
			if p := v.Truth[cells.Key(cells.T3, r, c.Key)]; p != nil {
				s += *p
			}
		}
		if c.Key != "natural_person" && c.Key != "total" {
			sub += s
		}
		out = append(out, dc(strconv.FormatFloat(s, 'f', -1, 64)))
	}
	return out
}

// buildT3 lays out table 三 as one table (split later if the variant says so).
func (v *Variant) buildT3() ttable {
	spec, _ := cells.SpecFor(cells.T3, v.LayoutT3)
	ncols := 7
	if v.has(QuirkSubtotalCol) {
		ncols = 8
	}
	rowspan := v.has(QuirkRowspan)
	labelCols := 1
	if rowspan {
		labelCols = 3
	}
	t := ttable{}
	add := func(r ...tcell) { t.rows = append(t.rows, r) }
	if v.has(QuirkTitleRow) {
		c := hcs("单位：件", 1, labelCols+ncols)
		c.right = true
		add(c)
	}
	add(hcs("", 3, labelCols), hcs("申请人情况", 1, ncols))
	add(hcs("自然人", 2, 1), hcs("法人或其他组织", 1, ncols-2), hcs("总计", 2, 1))
	var heads []tcell
	for _, h := range v.t3ColHeads() {
		heads = append(heads, hc(h))
	}
	add(heads...)
	t.header = len(t.rows)

	// group the rows
	type grp struct {
		label string
		rows  []cells.Row
	}
	var results []grp // under 三、本年度办理结果
	var before, after []cells.Row
	for _, r := range spec.Rows {
		switch {
		case r.Key == "new_received" || r.Key == "carried_over":
			before = append(before, r)
		case r.Key == "carried_forward":
			after = append(after, r)
		case r.Group == "三、本年度办理结果":
			results = append(results, grp{"", []cells.Row{r}})
		default:
			if n := len(results); n > 0 && results[n-1].label == r.Group {
				results[n-1].rows = append(results[n-1].rows, r)
			} else {
				results = append(results, grp{r.Group, []cells.Row{r}})
			}
		}
	}
	sub := func(g grp) bool { return v.has(QuirkSubtotalRows) && g.label != "" }
	for _, r := range before {
		add(append([]tcell{dcs(v.t3Label(r), 1, labelCols)}, v.t3Values(r.Key)...)...)
	}
	if rowspan {
		n := 0
		for _, g := range results {
			n += len(g.rows)
			if sub(g) {
				n++
			}
		}
		first := true
		for _, g := range results {
			var keys []string
			for i, r := range g.rows {
				keys = append(keys, r.Key)
				var lab []tcell
				if first {
					lab = append(lab, dcs(v.paren("三、本年度办理结果"), n, 1))
					first = false
				}
				if g.label == "" {
					lab = append(lab, dcs(v.t3Label(r), 1, 2))
				} else {
					if i == 0 {
						k := len(g.rows)
						if sub(g) {
							k++
						}
						lab = append(lab, dcs(v.paren(g.label), k, 1))
					}
					lab = append(lab, dc(v.t3Label(r)))
				}
				add(append(lab, v.t3Values(r.Key)...)...)
			}
			if sub(g) {
				add(append([]tcell{dc("小计")}, v.subtotalValues(keys)...)...)
			}
		}
	} else {
		add(dcs(v.paren("三、本年度办理结果"), 1, 1+ncols))
		for _, g := range results {
			if g.label != "" {
				add(dcs(v.paren(g.label), 1, 1+ncols))
			}
			var keys []string
			for _, r := range g.rows {
				keys = append(keys, r.Key)
				add(append([]tcell{dc(v.t3Label(r))}, v.t3Values(r.Key)...)...)
			}
			if sub(g) {
				add(append([]tcell{dc("小计")}, v.subtotalValues(keys)...)...)
			}
		}
	}
	for _, r := range after {
		add(append([]tcell{dcs(v.t3Label(r), 1, labelCols)}, v.t3Values(r.Key)...)...)
	}
	return t
}

// t3SplitRow returns the row index where a split t3 continues in a second table: the row of
// （四）1. (start of 无法提供).
func (v *Variant) t3SplitRow(t ttable) int {
	for i, r := range t.rows {
		for _, c := range r {
			if strings.Contains(c.text, "本机关不掌握") {
				if !v.has(QuirkRowspan) && i > 0 {
					return i - 1 // keep the （四）无法提供 group row with its items
				}
				return i
			}
		}
	}
	return len(t.rows) / 2
}

// placed is one grid position of a table: the origin cell and its origin row and column.
type placed struct {
	c      *tcell
	r0, c0 int
}

// grid returns the dense grid of t.
func (t ttable) grid() [][]placed {
	var g [][]placed
	ensure := func(r, c int) {
		for len(g) <= r {
			g = append(g, nil)
		}
		for len(g[r]) <= c {
			g[r] = append(g[r], placed{})
		}
	}
	for ri := range t.rows {
		ci := 0
		for j := range t.rows[ri] {
			cell := &t.rows[ri][j]
			for {
				ensure(ri, ci)
				if g[ri][ci].c == nil {
					break
				}
				ci++
			}
			for dr := 0; dr < cell.rs; dr++ {
				for dc := 0; dc < cell.cs; dc++ {
					ensure(ri+dr, ci+dc)
					g[ri+dr][ci+dc] = placed{cell, ri, ci}
				}
			}
			ci += cell.cs
		}
	}
	return g
}

// slice returns rows [from, to) of t as a table of its own, cutting the row spans that cross
// the bounds (a cell cut at the top is printed again in the first row of the slice).
func (t ttable) slice(from, to int) ttable {
	g := t.grid()
	out := ttable{}
	for ri := from; ri < to && ri < len(g); ri++ {
		var row []tcell
		for ci := 0; ci < len(g[ri]); ci++ {
			p := g[ri][ci]
			if p.c == nil || p.c0 != ci {
				continue
			}
			if p.r0 != ri && ri != from {
				continue
			}
			c := *p.c
			start := p.r0
			if start < from {
				start = from
			}
			end := p.r0 + p.c.rs
			if end > to {
				end = to
			}
			c.rs = end - start
			row = append(row, c)
		}
		out.rows = append(out.rows, row)
	}
	return out
}

// t3Tables returns table 三 as printed: one table, or two under the split quirks.
func (v *Variant) t3Tables() []ttable {
	t := v.buildT3()
	if !v.has(QuirkT3Split) && !v.has(QuirkT3SplitHeader) {
		return []ttable{t}
	}
	at := v.t3SplitRow(t)
	first := t.slice(0, at)
	first.header = t.header
	second := t.slice(at, len(t.rows))
	if v.has(QuirkT3SplitHeader) {
		h := t.slice(0, t.header)
		if v.has(QuirkTitleRow) {
			h = t.slice(1, t.header)
		}
		second.rows = append(h.rows, second.rows...)
		second.header = len(h.rows)
	}
	return []ttable{first, second}
}

// buildT4 lays out table 四 (flat, three rows or transposed).
func (v *Variant) buildT4() ttable {
	t := ttable{}
	add := func(r ...tcell) { t.rows = append(t.rows, r) }
	k := func(row, col string) string { return cells.Key(cells.T4, row, col) }
	res := []string{v.brk("结果", "维持"), v.brk("结果", "纠正"), v.brk("其他", "结果"), v.brk("尚未", "审结"), "总计"}
	direct := "未经复议直接起诉"
	if v.seed%5 == 1 {
		direct = "未经复议直接诉讼"
	}
	switch {
	case v.has(QuirkT4Rows):
		if v.has(QuirkTitleRow) {
			c := hcs("单位：件", 1, 7)
			c.right = true
			add(c)
		}
		h := []tcell{hcs("", 1, 2)}
		for _, s := range res {
			h = append(h, hc(s))
		}
		add(h...)
		t.header = len(t.rows)
		vals := func(row string) []tcell {
			var out []tcell
			for _, c := range cells.T4Cols {
				out = append(out, v.val(k(row, c.Key)))
			}
			return out
		}
		add(append([]tcell{dcs("行政复议", 1, 2)}, vals("review")...)...)
		add(append([]tcell{dcs("行政诉讼", 2, 1), dc(direct)}, vals("litigation_direct")...)...)
		add(append([]tcell{dc("复议后起诉")}, vals("litigation_after_review")...)...)
	case v.has(QuirkT4Transposed):
		if v.has(QuirkTitleRow) {
			c := hcs("单位：件", 1, 4)
			c.right = true
			add(c)
		}
		add(hcs("", 2, 1), hcs("行政复议", 2, 1), hcs("行政诉讼", 1, 2))
		add(hc(direct), hc("复议后起诉"))
		t.header = len(t.rows)
		for i, c := range cells.T4Cols {
			add(dc(res[i]), v.val(k("review", c.Key)), v.val(k("litigation_direct", c.Key)), v.val(k("litigation_after_review", c.Key)))
		}
	default:
		if v.has(QuirkTitleRow) {
			c := hcs("单位：件", 1, 15)
			c.right = true
			add(c)
		}
		add(hcs("行政复议", 1, 5), hcs("行政诉讼", 1, 10))
		var r1 []tcell
		for _, s := range res {
			r1 = append(r1, hcs(s, 2, 1))
		}
		r1 = append(r1, hcs(direct, 1, 5), hcs("复议后起诉", 1, 5))
		add(r1...)
		var r2 []tcell
		for i := 0; i < 2; i++ {
			for _, s := range res {
				r2 = append(r2, hc(s))
			}
		}
		add(r2...)
		t.header = len(t.rows)
		var vals []tcell
		for _, row := range cells.T4Spec.Rows {
			for _, c := range cells.T4Cols {
				vals = append(vals, v.val(k(row.Key, c.Key)))
			}
		}
		add(vals...)
	}
	return t
}
