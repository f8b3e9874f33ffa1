package normalize

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/testutil"
)

// grid builds a dense table from rows of texts: "<" copies the cell to the left (colspan) and
// "^" the cell above (rowspan), as extract does for spanning cells.
func grid(rows ...[]string) *extract.Table {
	w := 0
	for _, r := range rows {
		w = max(w, len(r))
	}
	t := &extract.Table{}
	for i, r := range rows {
		row := make([]extract.Cell, w)
		for j := 0; j < w; j++ {
			txt := ""
			if j < len(r) {
				txt = r[j]
			}
			switch {
			case txt == "<" && j > 0:
				o := row[j-1]
				row[j] = extract.Cell{Text: o.Text, Spanned: true, OriginRow: o.OriginRow, OriginCol: o.OriginCol}
			case txt == "^" && i > 0:
				o := t.Rows[i-1][j]
				row[j] = extract.Cell{Text: o.Text, Spanned: true, OriginRow: o.OriginRow, OriginCol: o.OriginCol}
			default:
				row[j] = extract.Cell{Text: txt, OriginRow: i, OriginCol: j}
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// doc builds a document from text blocks (string) and tables (*extract.Table) in order.
func doc(parts ...any) *extract.Document {
	d := &extract.Document{MediaType: "text/html", Meta: map[string]string{}}
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			d.Blocks = append(d.Blocks, extract.Block{Kind: extract.TextBlock, Text: v})
		case *extract.Table:
			d.Blocks = append(d.Blocks, extract.Block{Kind: extract.TableBlock, Table: v, Text: v.Text()})
		}
	}
	if len(d.Blocks) > 0 && d.Blocks[0].Kind == extract.TextBlock {
		d.Title = d.Blocks[0].Text
	}
	return d
}

// t3Truth returns consistent t3 numbers for a layout (every identity holds), keyed by full key.
func t3Truth(l cells.Layout) map[string]float64 {
	spec, _ := cells.SpecFor(cells.T3, l)
	out := map[string]float64{}
	results := cells.T3ResultRows(l)
	for ci, c := range cells.T3Cols[:6] {
		sum := 0.0
		for ri, r := range results {
			v := float64((ri*7+ci*3)%5) + float64(ci)
			if ri == 0 {
				v += 10 // granted: never small
			}
			out[cells.Key(cells.T3, r, c.Key)] = v
			sum += v
		}
		out[cells.Key(cells.T3, "total_processed", c.Key)] = sum
		fwd := float64(ci % 3)
		over := float64((ci + 1) % 2)
		out[cells.Key(cells.T3, "carried_forward", c.Key)] = fwd
		out[cells.Key(cells.T3, "carried_over", c.Key)] = over
		out[cells.Key(cells.T3, "new_received", c.Key)] = sum + fwd - over
	}
	for _, r := range spec.Rows {
		tot := 0.0
		for _, c := range cells.T3Cols[:6] {
			tot += out[cells.Key(cells.T3, r.Key, c.Key)]
		}
		out[cells.Key(cells.T3, r.Key, "total")] = tot
	}
	return out
}

// t3Opts are the printing quirks of a generated t3 grid.
type t3Opts struct {
	layout       cells.Layout
	labelCols    int  // 1, 2 or 3 label columns
	subtotalCol  bool // a 小计 column under 法人或其他组织
	groupTotals  bool // （三）–（六） rows carrying subtotals
	brokenHeader bool // 商业企 / 业 over two header rows
	splitAt      int  // split into two tables before this data row (0: no split)
	repeatHeader bool // the continuation repeats the header
	fullWidth    bool // digits printed full-width
}

var fullWidthDigits = strings.NewReplacer("0", "０", "1", "１", "2", "２", "3", "３", "4", "４", "5", "５", "6", "６", "7", "７", "8", "８", "9", "９")

// t3Grid prints a t3 as a grid (or two) with the given quirks.
func t3Grid(truth map[string]float64, o t3Opts) []*extract.Table {
	spec, _ := cells.SpecFor(cells.T3, o.layout)
	lc := o.labelCols
	num := func(v float64) string {
		s := fmt.Sprintf("%g", v)
		if o.fullWidth {
			s = fullWidthDigits.Replace(s)
		}
		return s
	}
	labelSpan := func(first string) []string {
		r := []string{first}
		for len(r) < lc {
			r = append(r, "<")
		}
		return r
	}
	var header [][]string
	h1 := append(labelSpan("申请人情况"), "自然人", "法人或其他组织", "<", "<", "<", "<")
	h2 := append(labelSpan("^"), "^", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
	if o.brokenHeader {
		h2[lc+1] = "商业企"
	}
	h3 := append(labelSpan("^"), "^", "", "", "", "", "")
	if o.brokenHeader {
		h3[lc+1] = "业"
	}
	if o.subtotalCol {
		h1 = append(h1, "<")
		h2 = append(h2, "小计")
		h3 = append(h3, "")
	}
	h1 = append(h1, "总计")
	h2 = append(h2, "^")
	h3 = append(h3, "^")
	header = [][]string{h1, h2}
	if o.brokenHeader {
		header = append(header, h3)
	}
	values := func(rowKey string) []string {
		var out []string
		for _, c := range cells.T3Cols[:6] {
			out = append(out, num(truth[cells.Key(cells.T3, rowKey, c.Key)]))
		}
		if o.subtotalCol {
			s := 0.0
			for _, c := range cells.T3Cols[1:6] {
				s += truth[cells.Key(cells.T3, rowKey, c.Key)]
			}
			out = append(out, num(s))
		}
		return append(out, num(truth[cells.Key(cells.T3, rowKey, "total")]))
	}
	groupOf := map[string]string{}
	for _, r := range spec.Rows {
		groupOf[r.Key] = r.Group
	}
	var data [][]string
	prevGroup := ""
	for _, r := range spec.Rows {
		g := r.Group
		sub := strings.HasPrefix(g, "（")
		var labels []string
		switch lc {
		case 1:
			if sub && g != prevGroup {
				// The group label on its own row, with subtotals or blank.
				row := []string{g}
				if o.groupTotals {
					var sums []float64
					for range cells.T3Cols {
						sums = append(sums, 0)
					}
					for _, rr := range spec.Rows {
						if rr.Group == g {
							for ci, c := range cells.T3Cols {
								sums[ci] += truth[cells.Key(cells.T3, rr.Key, c.Key)]
							}
						}
					}
					for ci := range cells.T3Cols[:6] {
						row = append(row, num(sums[ci]))
					}
					if o.subtotalCol {
						s := 0.0
						for ci := 1; ci < 6; ci++ {
							s += sums[ci]
						}
						row = append(row, num(s))
					}
					row = append(row, num(sums[6]))
				}
				data = append(data, row)
			}
			labels = []string{r.Label}
		case 2:
			switch {
			case sub:
				labels = []string{g, r.Label}
				if g == prevGroup {
					labels[0] = "^"
				}
			default:
				labels = []string{r.Label, "<"}
			}
		case 3:
			top := ""
			if g != "" {
				top = "三、本年度办理结果"
			}
			switch {
			case top == "":
				labels = []string{r.Label, "<", "<"}
			case sub:
				labels = []string{top, g, r.Label}
				if groupOf[prevKey(spec, r.Key)] != "" {
					labels[0] = "^"
				}
				if g == prevGroup {
					labels[1] = "^"
				}
			default:
				labels = []string{top, r.Label, "<"}
				if groupOf[prevKey(spec, r.Key)] != "" {
					labels[0] = "^"
				}
			}
		}
		prevGroup = g
		data = append(data, append(labels, values(r.Key)...))
	}
	if o.splitAt <= 0 || o.splitAt >= len(data) {
		return []*extract.Table{grid(append(header, data...)...)}
	}
	first := grid(append(header, data[:o.splitAt]...)...)
	rest := data[o.splitAt:]
	// A continuation starts with its own labels: a rowspan copy cannot cross tables.
	for j := range rest[0] {
		if rest[0][j] == "^" {
			rest[0][j] = data[o.splitAt-1][j]
			for k := o.splitAt - 1; rest[0][j] == "^" && k > 0; k-- {
				rest[0][j] = data[k-1][j]
			}
		}
	}
	if o.repeatHeader {
		rest = append(append([][]string{}, header...), rest...)
	}
	return []*extract.Table{first, grid(rest...)}
}

func prevKey(s cells.Spec, key string) string {
	for i, r := range s.Rows {
		if r.Key == key && i > 0 {
			return s.Rows[i-1].Key
		}
	}
	return ""
}

var t4Values = []float64{1, 2, 0, 1, 4, 3, 0, 0, 1, 4, 0, 0, 1, 0, 1}

func t4Truth() map[string]float64 {
	out := map[string]float64{}
	for i, r := range t4Rows {
		for j, c := range cells.T4Cols {
			out[cells.Key(cells.T4, r, c.Key)] = t4Values[i*5+j]
		}
	}
	return out
}

func strs(vs []float64) []string {
	var out []string
	for _, v := range vs {
		out = append(out, fmt.Sprintf("%g", v))
	}
	return out
}

// t4Flat prints t4 as one row of 15 under a three-level header.
func t4Flat(vals []string) *extract.Table {
	res := []string{"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"}
	h1 := []string{"行政复议", "<", "<", "<", "<", "行政诉讼", "<", "<", "<", "<", "<", "<", "<", "<", "<"}
	h2 := append(append([]string{}, res...), "未经复议直接起诉", "<", "<", "<", "<", "复议后起诉", "<", "<", "<", "<")
	h3 := append(append([]string{"^", "^", "^", "^", "^"}, res...), res...)
	return grid(h1, h2, h3, vals)
}

var t2Gov2021Grid = grid(
	[]string{"第二十条第（一）项", "<", "<", "<"},
	[]string{"信息内容", "本年制发件数", "本年废止件数", "现行有效件数"},
	[]string{"规章", "0", "0", "0"},
	[]string{"行政规范性文件", "6", "0", "16"},
	[]string{"第二十条第（五）项", "<", "<", "<"},
	[]string{"信息内容", "本年处理决定数量", "<", "<"},
	[]string{"行政许可", "30362", "<", "<"},
	[]string{"第二十条第（六）项", "<", "<", "<"},
	[]string{"信息内容", "本年处理决定数量", "<", "<"},
	[]string{"行政处罚", "2184", "<", "<"},
	[]string{"行政强制", "142", "<", "<"},
	[]string{"第二十条第（八）项", "<", "<", "<"},
	[]string{"信息内容", "本年收费金额（单位：万元）", "<", "<"},
	[]string{"行政事业性收费", "4722", "<", "<"},
)

var t2Gov2021Truth = map[string]float64{
	"t2.regulations.issued": 0, "t2.regulations.repealed": 0, "t2.regulations.in_force": 0,
	"t2.normative_documents.issued": 6, "t2.normative_documents.repealed": 0, "t2.normative_documents.in_force": 16,
	"t2.licensing.decisions": 30362, "t2.penalty.decisions": 2184, "t2.coercion.decisions": 142,
	"t2.fees.amount_10k_yuan": 4722,
}

// checkCells compares every key of want with the report (exact values) and that the report has
// one cell per key of the expected specs.
func checkCells(t *testing.T, r *Report, want map[string]float64) {
	t.Helper()
	got := map[string]Cell{}
	for _, c := range r.Cells {
		if _, dup := got[c.Key]; dup {
			t.Errorf("duplicate cell %s", c.Key)
		}
		got[c.Key] = c
	}
	for k, w := range want {
		c, ok := got[k]
		switch {
		case !ok:
			t.Errorf("%s missing", k)
		case c.Value == nil:
			t.Errorf("%s = nil (%q), want %g", k, c.ValueText, w)
		case *c.Value != w:
			t.Errorf("%s = %g (%q), want %g", k, *c.Value, c.ValueText, w)
		}
	}
}

func failed(r *Report) []string {
	var out []string
	for _, c := range r.Checks {
		if c.Status == cells.Fail {
			out = append(out, c.ID+"/"+c.Column+": "+c.Detail)
		}
	}
	return out
}

func merge(ms ...map[string]float64) map[string]float64 {
	out := map[string]float64{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func TestNormalizeT3Quirks(t *testing.T) {
	tests := []struct {
		name      string
		opts      t3Opts
		wantFlags []string
	}{
		{"gov2021 one label column", t3Opts{layout: cells.Gov2021, labelCols: 1}, nil},
		{"gov2021 two label columns", t3Opts{layout: cells.Gov2021, labelCols: 2}, nil},
		{"gov2021 three label columns", t3Opts{layout: cells.Gov2021, labelCols: 3}, nil},
		{"gov2019 three label columns", t3Opts{layout: cells.Gov2019, labelCols: 3}, nil},
		{"gov2019 one label column", t3Opts{layout: cells.Gov2019, labelCols: 1}, nil},
		{"subtotal column", t3Opts{layout: cells.Gov2021, labelCols: 2, subtotalCol: true}, []string{ReportFlagSubtotalDrop}},
		{"group subtotal rows", t3Opts{layout: cells.Gov2021, labelCols: 1, groupTotals: true}, []string{ReportFlagSubtotalDrop}},
		{"group subtotal rows gov2019", t3Opts{layout: cells.Gov2019, labelCols: 1, groupTotals: true}, []string{ReportFlagSubtotalDrop}},
		{"header word broken over rows", t3Opts{layout: cells.Gov2021, labelCols: 3, brokenHeader: true}, nil},
		{"split over two tables", t3Opts{layout: cells.Gov2021, labelCols: 3, splitAt: 12}, nil},
		{"split with repeated header", t3Opts{layout: cells.Gov2021, labelCols: 2, splitAt: 9, repeatHeader: true, subtotalCol: true}, nil},
		{"full-width digits", t3Opts{layout: cells.Gov2019, labelCols: 2, fullWidth: true}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			truth := t3Truth(tt.opts.layout)
			parts := []any{"某某县人民政府2022年政府信息公开工作年度报告", "二、主动公开政府信息情况", t2Gov2021Grid,
				"三、收到和处理政府信息公开申请情况"}
			for _, g := range t3Grid(truth, tt.opts) {
				parts = append(parts, g)
			}
			parts = append(parts, "四、政府信息公开行政复议、行政诉讼情况", t4Flat(strs(t4Values)))
			r, err := Normalize(doc(parts...))
			if err != nil {
				t.Fatal(err)
			}
			if r.Layouts[cells.T3] != tt.opts.layout || r.Layouts[cells.T2] != cells.Gov2021 || r.Layouts[cells.T4] != tt.opts.layout {
				t.Errorf("layouts = %v", r.Layouts)
			}
			checkCells(t, r, merge(truth, t4Truth(), t2Gov2021Truth))
			spec, _ := cells.SpecFor(cells.T3, tt.opts.layout)
			if want := len(spec.Keys()) + 15 + 10; len(r.Cells) != want {
				t.Errorf("%d cells, want %d", len(r.Cells), want)
			}
			if f := failed(r); len(f) > 0 {
				t.Errorf("failed checks: %v", f)
			}
			for _, f := range tt.wantFlags {
				if !slices.Contains(r.Flags, f) {
					t.Errorf("flags %v lack %s", r.Flags, f)
				}
			}
			if slices.Contains(r.Flags, ReportFlagRealigned) {
				t.Errorf("realigned a table that reads straight: %v", r.Notes)
			}
			ids := map[string]int{}
			for _, c := range r.Checks {
				if c.Status == cells.Pass {
					ids[c.ID]++
				}
			}
			if ids[cells.IDT3Balance] != 7 || ids[cells.IDT3ResultsSum] != 7 || ids[cells.IDT4RowTotal] != 3 {
				t.Errorf("passing checks %v", ids)
			}
			if tt.opts.subtotalCol && ids[CheckIDT3Subtotal] != len(spec.Rows) {
				t.Errorf("t3.subtotal passes %d, want %d", ids[CheckIDT3Subtotal], len(spec.Rows))
			}
			groups := 4 // （三）–（六）; gov2019 prints （六） as one row
			if tt.opts.layout == cells.Gov2019 {
				groups = 3
			}
			if tt.opts.groupTotals && ids[CheckIDT3GroupSubtotal] != groups*7 {
				t.Errorf("t3.group_subtotal passes %d, want %d", ids[CheckIDT3GroupSubtotal], groups*7)
			}
		})
	}
}

func TestNormalizeT4Shapes(t *testing.T) {
	res := []string{"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"}
	v := strs(t4Values)
	twoLevel := grid(
		[]string{"行政复议", "<", "<", "<", "<", "行政诉讼", "<", "<", "<", "<", "<", "<", "<", "<", "<"},
		append(append(append([]string{}, res...), prefix("未经复议直接起诉", res)...), prefix("复议后起诉", res)...),
		v)
	threeRows := grid(
		append([]string{"", ""}, res...),
		append([]string{"行政复议", "<"}, v[0:5]...),
		append([]string{"行政诉讼", "未经复议直接起诉"}, v[5:10]...),
		append([]string{"^", "复议后起诉"}, v[10:15]...),
	)
	transposed := [][]string{{"", "行政复议", "行政诉讼", "<"}, {"^", "^", "未经复议直接起诉", "复议后起诉"}}
	for j, r := range res {
		transposed = append(transposed, []string{r, v[j], v[5+j], v[10+j]})
	}
	flatNoHeaderMatch := grid(
		[]string{"因政府信息公开工作被申请行政复议、提起行政诉讼情况", "<", "<", "<", "<", "<", "<", "<", "<", "<", "<", "<", "<", "<", "<"},
		[]string{"行政复议", "<", "<", "<", "<", "行政诉讼", "<", "<", "<", "<", "<", "<", "<", "<", "<"},
		v)
	tests := []struct {
		name string
		tab  *extract.Table
	}{
		{"flat three-level header", t4Flat(v)},
		{"flat two-level header", twoLevel},
		{"three rows", threeRows},
		{"transposed", grid(transposed...)},
		{"flat with partial header", flatNoHeaderMatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			truth := t3Truth(cells.Gov2021)
			d := doc("某某局2023年政府信息公开工作年度报告", t3Grid(truth, t3Opts{layout: cells.Gov2021, labelCols: 2})[0],
				"四、因政府信息公开工作被申请行政复议、提起行政诉讼情况", tt.tab)
			r, err := Normalize(d)
			if err != nil {
				t.Fatal(err)
			}
			checkCells(t, r, merge(truth, t4Truth()))
			if f := failed(r); len(f) > 0 {
				t.Errorf("failed checks: %v", f)
			}
			if !slices.Contains(r.Flags, ReportFlagT2Missing) {
				t.Errorf("flags %v lack t2_missing", r.Flags)
			}
		})
	}
}

// prefix returns labels for a two-level header cell: the words joined into one cell text.
func prefix(p string, res []string) []string {
	var out []string
	for _, r := range res {
		out = append(out, p+"\n"+r)
	}
	return out
}

func TestNormalizeT2(t *testing.T) {
	gov2019 := grid(
		[]string{"第二十条第（一）项", "<", "<", "<"},
		[]string{"信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"},
		[]string{"规章", "1", "1", "12"},
		[]string{"规范性文件", "3", "3", "40"},
		[]string{"第二十条第（五）项", "<", "<", "<"},
		[]string{"信息内容", "上一年项目数量", "本年增/减", "处理决定数量"},
		[]string{"行政许可", "120", "+3", "5,210"},
		[]string{"其他对外管理服务事项", "8", "－2", "16"},
		[]string{"第二十条第（六）项", "<", "<", "<"},
		[]string{"信息内容", "上一年项目数量", "本年增/减", "处理决定数量"},
		[]string{"行政处罚", "300", "-18", "977"},
		[]string{"行政强制", "20", "0", "5"},
		[]string{"第二十条第（八）项", "<", "<", "<"},
		[]string{"信息内容", "上一年项目数量", "本年增/减", "<"},
		[]string{"行政事业性收费", "7", "—", "<"},
		[]string{"第二十条第（九）项", "<", "<", "<"},
		[]string{"信息内容", "采购项目数量", "采购总金额", "<"},
		[]string{"政府集中采购", "4", "251000元", "<"},
	)
	yuanHeader := grid(
		[]string{"第二十条第（一）项", "<", "<", "<"},
		[]string{"信息内容", "本年制发件数", "本年废止件数", "现行有效件数"},
		[]string{"规 章", "0", "/", "22（其中修订16件）"},
		[]string{"第二十条第（八）项", "<", "<", "<"},
		[]string{"信息内容", "本年收费金额（元）", "<", "<"},
		[]string{"行政事业性收费", "96171.6", "<", "<"},
	)
	unitRow := grid(
		[]string{"单位：元", "<", "<"},
		[]string{"第二十条第（九）项", "<", "<"},
		[]string{"信息内容", "采购项目数量", "采购总金额"},
		[]string{"政府集中采购", "4", "251000"},
	)
	// A page break through a header row: PDF writers rule its two halves as two rows.
	cutHeader := grid(
		[]string{"第二十条第（五）项", "<", "<", "<"},
		[]string{"信息内容", "上一年", "本年", "处理决定"},
		[]string{"", "项目数量", "增/减", "数量"},
		[]string{"行政许可", "25", "-1", "204"},
		[]string{"其他对外管理服务事项", "0", "-0", "0"},
		[]string{"第二十条第（八）项", "<", "<", "<"},
		[]string{"信息内容", "上一年项目数量", "本年增/减", "<"},
		[]string{"", "", "", "<"},
		[]string{"行政事业性收费", "28", "0", "<"},
	)
	tests := []struct {
		name    string
		tab     *extract.Table
		layout  cells.Layout
		want    map[string]float64
		blank   []string
		flagged map[string]string
	}{
		{"gov2021 blocks", t2Gov2021Grid, cells.Gov2021, t2Gov2021Truth, nil, nil},
		{"gov2019 blocks", gov2019, cells.Gov2019, map[string]float64{
			"t2.regulations.made": 1, "t2.regulations.total_public": 12, "t2.normative_documents.total_public": 40,
			"t2.licensing.prev_items": 120, "t2.licensing.change": 3, "t2.licensing.decisions": 5210,
			"t2.other_services.change": -2, "t2.penalty.change": -18, "t2.penalty.decisions": 977,
			"t2.coercion.decisions": 5, "t2.fees.prev_items": 7, "t2.procurement.items": 4,
			"t2.procurement.amount_10k_yuan": 25.1,
		}, []string{"t2.fees.change"}, map[string]string{"t2.procurement.amount_10k_yuan": FlagUnitYuan}},
		{"header cut over two rows", cutHeader, cells.Gov2019, map[string]float64{
			"t2.licensing.prev_items": 25, "t2.licensing.change": -1, "t2.licensing.decisions": 204,
			"t2.other_services.prev_items": 0, "t2.other_services.decisions": 0,
			"t2.fees.prev_items": 28, "t2.fees.change": 0,
		}, []string{"t2.penalty.prev_items"}, nil},
		{"unit row 元", unitRow, cells.Gov2019, map[string]float64{"t2.procurement.items": 4, "t2.procurement.amount_10k_yuan": 25.1},
			[]string{"t2.regulations.made"}, map[string]string{"t2.procurement.amount_10k_yuan": FlagUnitYuan}},
		{"header unit 元 and annotation", yuanHeader, cells.Gov2021, map[string]float64{
			"t2.regulations.issued": 0, "t2.regulations.in_force": 22, "t2.fees.amount_10k_yuan": 9.61716,
		}, []string{"t2.regulations.repealed", "t2.licensing.decisions"}, map[string]string{
			"t2.regulations.in_force": FlagAnnotated, "t2.fees.amount_10k_yuan": FlagUnitYuan}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			truth := t3Truth(cells.Gov2021)
			d := doc("某某局2023年政府信息公开工作年度报告", "二、主动公开政府信息情况", tt.tab,
				"三、收到和处理政府信息公开申请情况", t3Grid(truth, t3Opts{layout: cells.Gov2021, labelCols: 3})[0])
			r, err := Normalize(d)
			if err != nil {
				t.Fatal(err)
			}
			if r.Layouts[cells.T2] != tt.layout {
				t.Errorf("t2 layout %q, want %q", r.Layouts[cells.T2], tt.layout)
			}
			spec, _ := cells.SpecFor(cells.T2, tt.layout)
			n := 0
			byKey := map[string]Cell{}
			for _, c := range r.Cells {
				if strings.HasPrefix(c.Key, "t2.") {
					n++
					byKey[c.Key] = c
				}
			}
			if n != len(spec.Keys()) {
				t.Errorf("%d t2 cells, want %d", n, len(spec.Keys()))
			}
			checkCells(t, r, tt.want)
			for _, k := range tt.blank {
				if c := byKey[k]; c.Value != nil {
					t.Errorf("%s = %g, want blank", k, *c.Value)
				}
			}
			for k, f := range tt.flagged {
				if !slices.Contains(byKey[k].Flags, f) {
					t.Errorf("%s flags %v lack %s", k, byKey[k].Flags, f)
				}
			}
			if c := byKey["t2.regulations.in_force"]; tt.name == "header unit 元 and annotation" && c.ValueText != "22（其中修订16件）" {
				t.Errorf("value_text %q not kept whole", c.ValueText)
			}
		})
	}
}

func TestNormalizeMixedLayout(t *testing.T) {
	truth := t3Truth(cells.Gov2019)
	d := doc("某某区人民政府2023年政府信息公开工作年度报告", "二、主动公开政府信息情况", t2Gov2021Grid,
		"三、收到和处理政府信息公开申请情况", t3Grid(truth, t3Opts{layout: cells.Gov2019, labelCols: 3})[0],
		"四、政府信息公开行政复议、行政诉讼情况", t4Flat(strs(t4Values)))
	r, err := Normalize(d)
	if err != nil {
		t.Fatal(err)
	}
	want := map[cells.Table]cells.Layout{cells.T2: cells.Gov2021, cells.T3: cells.Gov2019, cells.T4: cells.Gov2019}
	for tb, l := range want {
		if r.Layouts[tb] != l {
			t.Errorf("layout %s = %q, want %q", tb, r.Layouts[tb], l)
		}
	}
	checkCells(t, r, merge(truth, t2Gov2021Truth, t4Truth()))
	if len(r.Cells) != 161+10+15 {
		t.Errorf("%d cells, want 186", len(r.Cells))
	}
}

func TestNormalizeRealign(t *testing.T) {
	truth := t3Truth(cells.Gov2021)
	good := t3Grid(truth, t3Opts{layout: cells.Gov2021, labelCols: 2})[0]
	// A spurious empty column between the labels and the values.
	spurious := t3Grid(truth, t3Opts{layout: cells.Gov2021, labelCols: 2})[0]
	for i := range spurious.Rows {
		row := spurious.Rows[i]
		extra := extract.Cell{Text: "", OriginRow: i, OriginCol: 2}
		nr := append(append(append([]extract.Cell{}, row[:2]...), extra), row[2:]...)
		spurious.Rows[i] = nr
	}
	// Header cells printed over the spurious column: header says 自然人 at column 2, data at 3.
	for i := 0; i < 2; i++ {
		r := spurious.Rows[i]
		copy(r[2:], r[3:])
		r[len(r)-1] = extract.Cell{Text: "", OriginRow: i, OriginCol: len(r) - 1}
	}
	// One row printed one column to the right (its first cell empty, one cell beyond the header).
	shifted := t3Grid(truth, t3Opts{layout: cells.Gov2021, labelCols: 2})[0]
	for i := range shifted.Rows {
		shifted.Rows[i] = append(shifted.Rows[i], extract.Cell{OriginRow: i, OriginCol: len(shifted.Rows[i])})
	}
	row := shifted.Rows[4] // granted
	for j := len(row) - 1; j > 2; j-- {
		row[j].Text = row[j-1].Text
	}
	row[2].Text = ""
	// One cell changed: a broken identity, not a geometry problem.
	broken := t3Grid(truth, t3Opts{layout: cells.Gov2021, labelCols: 2})[0]
	broken.Rows[4][3].Text = "99"
	// t4 values one position to the right with a stray empty cell first.
	t4shift := t4Flat(append([]string{""}, strs(t4Values)[:14]...))
	t4shift.Rows[3] = append(t4shift.Rows[3], extract.Cell{Text: "1"})
	for i := 0; i < 3; i++ {
		t4shift.Rows[i] = append(t4shift.Rows[i], extract.Cell{Text: "", OriginRow: i, OriginCol: 15})
	}
	t4broken := strs(t4Values)
	t4broken[4] = "0"
	// Group label rows read as data: from （三）不予公开 on, every row holds the values of the
	// row below it.
	early := t3Grid(truth, t3Opts{layout: cells.Gov2021, labelCols: 1})[0]
	from := -1
	for i, row := range early.Rows {
		if row[0].Text == "（三）不予公开" {
			from = i
		}
	}
	for i := from; i < len(early.Rows); i++ {
		for j := 1; j < len(early.Rows[i]); j++ {
			early.Rows[i][j].Text = ""
			if i+1 < len(early.Rows) {
				early.Rows[i][j].Text = early.Rows[i+1][j].Text
			}
		}
	}
	tests := []struct {
		name          string
		t3, t4        *extract.Table
		wantRealigned bool
		wantFail      []string
		skipKeys      []string
	}{
		{"straight", good, t4Flat(strs(t4Values)), false, nil, nil},
		{"spurious column", spurious, t4Flat(strs(t4Values)), true, nil, nil},
		{"row shifted right", shifted, t4Flat(strs(t4Values)), true, nil, nil},
		{"label row taken as data", early, t4Flat(strs(t4Values)), true, nil, nil},
		{"t4 shifted", good, t4shift, true, nil, nil},
		{"broken t3 cell", broken, t4Flat(strs(t4Values)), false, []string{cells.IDT3RowTotal, cells.IDT3ResultsSum}, []string{"t3.granted.commercial"}},
		{"broken t4 total", good, t4Flat(t4broken), false, []string{cells.IDT4RowTotal}, []string{"t4.review.total"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := doc("某某局2023年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况", tt.t3,
				"四、政府信息公开行政复议、行政诉讼情况", tt.t4)
			r, err := Normalize(d)
			if err != nil {
				t.Fatal(err)
			}
			if got := slices.Contains(r.Flags, ReportFlagRealigned); got != tt.wantRealigned {
				t.Errorf("realigned = %v, want %v (notes %v, failed %v)", got, tt.wantRealigned, r.Notes, failed(r))
			}
			want := merge(truth, t4Truth())
			for _, k := range tt.skipKeys {
				delete(want, k)
			}
			checkCells(t, r, want)
			var ids []string
			for _, c := range r.Checks {
				if c.Status == cells.Fail && !slices.Contains(ids, c.ID) {
					ids = append(ids, c.ID)
				}
			}
			slices.Sort(ids)
			wf := slices.Clone(tt.wantFail)
			slices.Sort(wf)
			if !slices.Equal(ids, wf) {
				t.Errorf("failed check ids %v, want %v", ids, wf)
			}
			if tt.wantRealigned {
				n := 0
				for _, c := range r.Cells {
					if slices.Contains(c.Flags, FlagRealigned) {
						n++
					}
				}
				if n == 0 {
					t.Error("no cell flagged realigned")
				}
			}
		})
	}
}

func TestNormalizeNotReport(t *testing.T) {
	d := doc("关于做好2023年政务公开工作的通知", "各区县人民政府：", grid([]string{"序号", "任务"}, []string{"1", "公开"}))
	_, err := Normalize(d)
	if !errors.Is(err, ErrNotReport) {
		t.Fatalf("err = %v, want ErrNotReport", err)
	}
	if _, err := Normalize(nil); !errors.Is(err, ErrNotReport) {
		t.Fatalf("nil doc: err = %v", err)
	}
}

func TestNormalizeMupingReal(t *testing.T) {
	path := testutil.RealData(t, "muping_2022.txt")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("%s: %v", path, err)
	}
	var truth struct {
		Agency string             `json:"agency"`
		Year   int                `json:"year"`
		Cells  map[string]float64 `json:"cells"`
	}
	tj, err := os.ReadFile(path + ".truth.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(tj, &truth); err != nil {
		t.Fatal(err)
	}
	d, err := extract.Text(data)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Normalize(d)
	if err != nil {
		t.Fatal(err)
	}
	if r.Agency != truth.Agency || r.Year != truth.Year {
		t.Errorf("agency %q year %d, want %q %d", r.Agency, r.Year, truth.Agency, truth.Year)
	}
	if len(truth.Cells) != 200 {
		t.Fatalf("truth has %d cells", len(truth.Cells))
	}
	checkCells(t, r, truth.Cells)
	if len(r.Cells) != len(truth.Cells) {
		t.Errorf("%d cells, want %d", len(r.Cells), len(truth.Cells))
	}
	if f := failed(r); len(f) > 0 {
		t.Errorf("failed checks: %v", f)
	}
}

// A zero-heavy table (as most real ones are) with any single cell changed must be reported with
// failed checks, never realigned: realignment moves cells, it does not repair numbers.
func TestNormalizeNoRealignOfBrokenCell(t *testing.T) {
	truth := map[string]float64{}
	spec := cells.T3Gov2021
	for _, k := range spec.Keys() {
		truth[k] = 0
	}
	set := func(row string, np, com float64) {
		truth[cells.Key(cells.T3, row, "natural_person")] = np
		truth[cells.Key(cells.T3, row, "commercial")] = com
		truth[cells.Key(cells.T3, row, "total")] = np + com
	}
	set("new_received", 92, 5)
	set("granted", 58, 2)
	set("partly_granted", 11, 0)
	set("denied_law_prohibited", 3, 0)
	set("unable_not_held", 10, 3)
	set("rejected_duplicate", 10, 0)
	set("total_processed", 92, 5)
	for i, k := range spec.Keys() {
		// Every cell once, alternating the label geometry.
		for _, layoutCols := range []int{1 + 2*(i%2)} {
			broken := maps(truth)
			broken[k]++
			tabs := t3Grid(broken, t3Opts{layout: cells.Gov2021, labelCols: layoutCols})
			r, err := Normalize(doc("某某局2023年政府信息公开工作年度报告", tabs[0]))
			if err != nil {
				t.Fatal(err)
			}
			if slices.Contains(r.Flags, ReportFlagRealigned) {
				t.Errorf("%s changed (%d label cols): realigned: %v", k, layoutCols, r.Notes)
			}
			if r.ChecksFailed() == 0 {
				t.Errorf("%s changed (%d label cols): no failed check", k, layoutCols)
			}
		}
	}
}

// A broken 结转下年度 row (printed 0 where the report's own numbers need 5) whose true values
// happen to equal the 总计 row above must not be "repaired" by reading the 总计 row's values
// twice (the row-above alternative is for a label row read as data, which holds no numbers).
func TestNormalizeNoRealignDuplicatingRow(t *testing.T) {
	truth := map[string]float64{}
	for _, k := range cells.T3Gov2021.Keys() {
		truth[k] = 0
	}
	set := func(row string, np float64) {
		truth[cells.Key(cells.T3, row, "natural_person")] = np
		truth[cells.Key(cells.T3, row, "total")] = np
	}
	set("new_received", 10)
	set("granted", 3)
	set("unable_not_held", 2)
	set("total_processed", 5)
	set("carried_forward", 0) // truly 5: the identity new + carried = processed + forward breaks
	for _, labelCols := range []int{1, 3} {
		tabs := t3Grid(truth, t3Opts{layout: cells.Gov2021, labelCols: labelCols})
		r, err := Normalize(doc("某某局2023年政府信息公开工作年度报告", tabs[0]))
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(r.Flags, ReportFlagRealigned) {
			t.Errorf("%d label cols: realigned: %v", labelCols, r.Notes)
		}
		if r.ChecksFailed() == 0 {
			t.Errorf("%d label cols: no failed check", labelCols)
		}
		checkCells(t, r, truth)
	}
}

func maps(m map[string]float64) map[string]float64 {
	out := make(map[string]float64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// ragged turns a grid's rows into left-aligned rows of their non-empty origin texts, as grids
// rebuilt from text come: labels and values no longer line up with the header.
func ragged(t *extract.Table) *extract.Table {
	var rows [][]string
	for _, r := range t.Rows {
		var out []string
		for _, c := range r {
			if !c.Spanned && c.Text != "" {
				out = append(out, c.Text)
			}
		}
		rows = append(rows, out)
	}
	return grid(rows...)
}

func TestNormalizeRaggedRows(t *testing.T) {
	res := []string{"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"}
	v := strs(t4Values)
	// Transposed t4 whose header row lost its leading empty cells.
	transposed := [][]string{{"行政复议", "行政诉讼"}, {"未经复议直接起诉", "复议后起诉"}}
	for j, r := range res {
		transposed = append(transposed, []string{r, v[j], v[5+j], v[10+j]})
	}
	// t4 in three rows, the header shifted left.
	threeRows := [][]string{res, append([]string{"行政复议"}, v[0:5]...),
		append([]string{"行政诉讼", "未经复议直接起诉"}, v[5:10]...), append([]string{"复议后起诉"}, v[10:15]...)}
	for _, sub := range []bool{false, true} {
		for name, t4 := range map[string]*extract.Table{"transposed": grid(transposed...), "three rows": grid(threeRows...)} {
			t.Run(fmt.Sprintf("%s subtotal=%v", name, sub), func(t *testing.T) {
				truth := t3Truth(cells.Gov2021)
				t3 := ragged(t3Grid(truth, t3Opts{layout: cells.Gov2021, labelCols: 3, subtotalCol: sub})[0])
				r, err := Normalize(doc("某某局2023年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况", t3,
					"四、政府信息公开行政复议、行政诉讼情况", t4))
				if err != nil {
					t.Fatal(err)
				}
				checkCells(t, r, merge(truth, t4Truth()))
				if f := failed(r); len(f) > 0 {
					t.Errorf("failed checks: %v", f)
				}
				if !slices.ContainsFunc(r.Notes, func(n string) bool { return strings.Contains(n, "row by row") }) {
					t.Errorf("t3 not read row by row: %v", r.Notes)
				}
			})
		}
	}
}

// A body table that names t2 rows without a t2 header is not table 二.
func TestNormalizeBodyTableNotT2(t *testing.T) {
	truth := t3Truth(cells.Gov2021)
	body := grid([]string{"序号", "事项", "数量"}, []string{"1", "行政许可", "12"}, []string{"2", "行政处罚", "3"},
		[]string{"3", "行政强制", "1"}, []string{"4", "规章", "0"})
	r, err := Normalize(doc("某某局2023年政府信息公开工作年度报告", body, "三、收到和处理政府信息公开申请情况",
		t3Grid(truth, t3Opts{layout: cells.Gov2021, labelCols: 2})[0]))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(r.Flags, ReportFlagT2Missing) {
		t.Errorf("flags %v: the body table was taken as t2", r.Flags)
	}
	checkCells(t, r, truth)
}

// A single （六）其他处理 row printed blank is still the gov2019 `other` row: blank, not a group.
func TestNormalizeBlankSingleOtherRow(t *testing.T) {
	truth := t3Truth(cells.Gov2019)
	g := t3Grid(truth, t3Opts{layout: cells.Gov2019, labelCols: 3})[0]
	n := 0
	for _, row := range g.Rows {
		if row[1].Text == "（六）其他处理" {
			for j := 3; j < len(row); j++ {
				row[j].Text = "/"
				n++
			}
		}
	}
	if n != 7 {
		t.Fatalf("fixture: %d cells blanked", n)
	}
	r, err := Normalize(doc("某某局2020年政府信息公开工作年度报告", g))
	if err != nil {
		t.Fatal(err)
	}
	if r.Layouts[cells.T3] != cells.Gov2019 {
		t.Errorf("t3 layout %q", r.Layouts[cells.T3])
	}
	for _, c := range r.Cells {
		if strings.HasPrefix(c.Key, "t3.other.") && (c.Value != nil || c.ValueText != "/") {
			t.Errorf("%s = %v %q, want blank \"/\"", c.Key, c.Value, c.ValueText)
		}
	}
	if slices.Contains(r.Flags, ReportFlagRealigned) {
		t.Errorf("realigned: %v", r.Notes)
	}
	want := maps(truth)
	for _, c := range cells.T3Cols {
		delete(want, cells.Key(cells.T3, "other", c.Key))
	}
	checkCells(t, r, want)
}

// FuzzNormalize feeds grids built from tab-separated lines (one table per blank-line-separated
// block, "<" and "^" as span copies) and checks Normalize never panics and keeps its contract.
func FuzzNormalize(f *testing.F) {
	f.Add("三、收到和处理政府信息公开申请情况\n\n申请人情况\t自然人\t总计\n一、本年新收政府信息公开申请数量\t1\t1\n（七）总计\t1\t1")
	f.Add("行政复议\t<\t行政诉讼\n结果维持\t总计\t复议后起诉\n1\t2\t3")
	f.Add("第二十条第（一）项\t<\n信息内容\t本年制发件数\n规章\t22（其中修订16件）")
	f.Fuzz(func(t *testing.T, s string) {
		var parts []any
		for _, block := range strings.Split(s, "\n\n") {
			var rows [][]string
			for _, line := range strings.Split(block, "\n") {
				rows = append(rows, strings.Split(line, "\t"))
			}
			if len(rows) == 1 && len(rows[0]) == 1 {
				parts = append(parts, rows[0][0])
			} else {
				parts = append(parts, grid(rows...))
			}
		}
		r, err := Normalize(doc(parts...))
		if err != nil {
			if !errors.Is(err, ErrNotReport) {
				t.Fatalf("error %v does not wrap ErrNotReport", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, c := range r.Cells {
			if seen[c.Key] {
				t.Fatalf("duplicate key %s", c.Key)
			}
			seen[c.Key] = true
			if c.Value != nil && strings.TrimSpace(c.ValueText) == "" {
				t.Fatalf("%s has a value %g but no printed text", c.Key, *c.Value)
			}
		}
	})
}

// Cells of a table read by OCR carry the ocr flag and their confidence.
func TestNormalizeOCRFlags(t *testing.T) {
	truth := t3Truth(cells.Gov2021)
	g := t3Grid(truth, t3Opts{layout: cells.Gov2021, labelCols: 2})[0]
	g.Flags = []string{FlagOCR}
	g.Rows[2][2].Confidence = 0.8 // new_received.natural_person (after two header rows)
	r, err := Normalize(doc("某某局2023年政府信息公开工作年度报告", g))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Cells {
		if strings.HasPrefix(c.Key, "t3.") && !slices.Contains(c.Flags, FlagOCR) {
			t.Errorf("%s flags %v lack ocr", c.Key, c.Flags)
		}
		if c.Key == "t3.new_received.natural_person" && c.Confidence != 0.8 {
			t.Errorf("%s confidence %g, want 0.8", c.Key, c.Confidence)
		}
	}
	if slices.Contains(g.Rows[2][2].Flags, FlagOCR) {
		t.Error("Normalize changed the document's cells")
	}
}
