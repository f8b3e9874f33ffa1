package normalize

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/testutil"
)

// gridTexts returns a table's cell texts (span copies included).
func gridTexts(t *extract.Table) [][]string {
	out := make([][]string, len(t.Rows))
	for i, r := range t.Rows {
		for _, c := range r {
			out[i] = append(out[i], c.Text)
		}
	}
	return out
}

// findTable returns the table among ts whose text contains word.
func findTable(ts []*extract.Table, word string) *extract.Table {
	for _, t := range ts {
		if strings.Contains(t.Text(), word) {
			return t
		}
	}
	return nil
}

// dataRows returns the rows of a rebuilt t3/t4 grid keyed by their label cell (column 1).
func dataRows(t *extract.Table) map[string][]string {
	out := map[string][]string{}
	for _, r := range gridTexts(t) {
		if len(r) > 2 {
			out[Fold(r[1])] = r
		}
	}
	return out
}

// t3Value is the synthetic value of row i, column j.
func t3Value(i, j int) string { return strconv.Itoa(i*10 + j) }

// t3Text renders a t3 section in a given line style, with group label lines before their rows.
func t3Text(spec cells.Spec, header []string, row func(label string, vals []string) string) string {
	var b strings.Builder
	b.WriteString("三、收到和处理政府信息公开申请情况\n")
	for _, h := range header {
		b.WriteString(h + "\n")
	}
	group := ""
	for i, r := range spec.Rows {
		if r.Group != "" && r.Group != group {
			if r.Group != "三、本年度办理结果" || group == "" {
				if r.Group != "三、本年度办理结果" && group == "" {
					b.WriteString("三、本年度办理结果\n")
				}
				b.WriteString(r.Group + "\n")
			}
			group = r.Group
		}
		var vals []string
		for j := range cells.T3Cols {
			vals = append(vals, t3Value(i, j))
		}
		b.WriteString(row(r.Label, vals))
	}
	b.WriteString("四、政府信息公开行政复议、行政诉讼情况\n")
	return b.String()
}

// t3BrokenHeader is a two-level header broken over lines as web pages copy it.
var t3BrokenHeader = []string{"申请人情况", "自然人", "法人或其他组织", "总计", "商业", "企业", "科研", "机构", "社会公益组织", "法律服务机构", "其他"}

func TestTablesFromTextT3Styles(t *testing.T) {
	onePerLine := func(label string, vals []string) string {
		return label + "\n" + strings.Join(vals, "\n") + "\n"
	}
	spaces := func(label string, vals []string) string { return label + " " + strings.Join(vals, " ") + "\n" }
	tabs := func(label string, vals []string) string { return label + "\t" + strings.Join(vals, "\t") + "\n" }
	pipes := func(label string, vals []string) string {
		return "| " + label + " | " + strings.Join(vals, " | ") + " |\n"
	}
	mixed := func(label string, vals []string) string {
		if len(label)%2 == 0 {
			return onePerLine(label, vals)
		}
		return label + "\n" + strings.Join(vals, "  ") + "\n"
	}
	tests := []struct {
		name   string
		spec   cells.Spec
		header []string
		row    func(string, []string) string
	}{
		{"one value per line gov2021", cells.T3Gov2021, t3BrokenHeader, onePerLine},
		{"one value per line gov2019", cells.T3Gov2019, t3BrokenHeader, onePerLine},
		{"row on one line, spaces", cells.T3Gov2021, []string{"申请人情况 自然人 法人或其他组织 总计", "商业企业 科研机构 社会公益组织 法律服务机构 其他"}, spaces},
		{"row on one line, tabs", cells.T3Gov2021, []string{"申请人情况\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计"}, tabs},
		{"row on one line, bars", cells.T3Gov2019, []string{"| 申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |"}, pipes},
		{"mixed", cells.T3Gov2021, t3BrokenHeader, mixed},
		{"layout text, header words split over lines", cells.T3Gov2021, []string{"申请人情况   自然人   法人或其他组织   总计", "商业   科研   社会公益   法律服务   其他", "企业   机构   组织   机构"}, spaces},
		{"no header", cells.T3Gov2021, nil, spaces},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := textDoc("", nil, "一、总体情况\n正文。\n"+t3Text(tt.spec, tt.header, tt.row)+"五、存在的主要问题及改进情况\n")
			tabsOut := TablesFromText(doc)
			t3 := findTable(tabsOut, "本年新收")
			if t3 == nil {
				t.Fatalf("no t3 grid among %d tables", len(tabsOut))
			}
			if !slices.Contains(t3.Flags, FlagFromText) {
				t.Errorf("flags %v lack %q", t3.Flags, FlagFromText)
			}
			g := gridTexts(t3)
			if len(g) != 2+len(tt.spec.Rows) {
				t.Fatalf("grid has %d rows, want 2 header rows + %d:\n%s", len(g), len(tt.spec.Rows), t3.Text())
			}
			wantHeader := []string{"自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"}
			if !slices.Equal(g[1][2:], wantHeader) {
				t.Errorf("header row %q, want %q", g[1][2:], wantHeader)
			}
			for i, r := range tt.spec.Rows {
				row := g[2+i]
				if Fold(row[1]) != Fold(r.Label) {
					t.Errorf("row %d label %q, want %q", i, row[1], r.Label)
				}
				var want []string
				for j := range cells.T3Cols {
					want = append(want, t3Value(i, j))
				}
				if !slices.Equal(row[2:], want) {
					t.Errorf("row %q values %q, want %q", r.Label, row[2:], want)
				}
				if r.Group != "" && r.Group != "三、本年度办理结果" && row[0] != r.Group {
					t.Errorf("row %q group %q, want %q", r.Label, row[0], r.Group)
				}
			}
			// The whole chain reads the rebuilt grid.
			if tt.header != nil {
				rep, err := Normalize(doc)
				if err != nil {
					t.Fatalf("Normalize: %v", err)
				}
				if got := rep.Layouts[cells.T3]; got != tt.spec.Layout {
					t.Errorf("layout %q, want %q", got, tt.spec.Layout)
				}
				v := rep.Values()
				if x, ok := v.Get("t3.new_received.total"); !ok || x != 6 {
					t.Errorf("t3.new_received.total = %v, %v; want 6", x, ok)
				}
			}
		})
	}
}

func TestTablesFromTextBlanksAndBrokenLabels(t *testing.T) {
	text := `三、收到和处理政府信息公开申请情况
申请人情况
自然人
法人或其他组织
总计
商业企业
科研机构
社会公益组织
法律服务机构
其他
一、本年新收政府信息公开申请数量
12	3		/	—	0	15
二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0
三、本年度办理结果
（一）予以公开
5 1 0 0 0 0 6
（二）部分公开（区分处理的，只计这一情形，
不计其他情形）
1 0 0 0 0 0 1
（三）不予公开
1．属于国家秘密
0 0 0 0 0 0 0
- 3 -
2．其他法律行政法规禁止公开
0 0 0
0 0 0 0
（四）无法提供 1．本机关不掌握相关政府信息 2 1 0 0 0 0 3
（七）总计
6 1 0 0 0 0 7
四、结转下年度继续办理
6 2 0 0 0 0 8
四、政府信息公开行政复议、行政诉讼情况`
	ts := TablesFromText(textDoc("", nil, text))
	t3 := findTable(ts, "本年新收")
	if t3 == nil {
		t.Fatalf("no t3")
	}
	if len(t3.Flags) != 1 || t3.Flags[0] != FlagFromText {
		t.Errorf("flags %v, want only %s (the page number line must be dropped)", t3.Flags, FlagFromText)
	}
	rows := dataRows(t3)
	tests := []struct {
		label string
		group string
		want  []string
	}{
		{"一、本年新收政府信息公开申请数量", "", []string{"12", "3", "", "/", "—", "0", "15"}},
		{"（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "三、本年度办理结果", []string{"1", "0", "0", "0", "0", "0", "1"}},
		{"1．属于国家秘密", "（三）不予公开", []string{"0", "0", "0", "0", "0", "0", "0"}},
		{"2．其他法律行政法规禁止公开", "（三）不予公开", []string{"0", "0", "0", "0", "0", "0", "0"}},
		{"1．本机关不掌握相关政府信息", "（四）无法提供", []string{"2", "1", "0", "0", "0", "0", "3"}},
		{"（七）总计", "三、本年度办理结果", []string{"6", "1", "0", "0", "0", "0", "7"}},
		{"四、结转下年度继续办理", "", []string{"6", "2", "0", "0", "0", "0", "8"}},
	}
	for _, tt := range tests {
		r, ok := rows[Fold(tt.label)]
		if !ok {
			t.Errorf("no row %q in\n%s", tt.label, t3.Text())
			continue
		}
		if r[0] != tt.group || !slices.Equal(r[2:], tt.want) {
			t.Errorf("row %q = group %q values %q; want %q %q", tt.label, r[0], r[2:], tt.group, tt.want)
		}
	}
}

func TestTablesFromTextWrappedLabels(t *testing.T) {
	// pdftotext-style rows: a label wrapped after its values, a label cut short, a short row.
	text := `三、收到和处理政府信息公开申请情况
申请人情况 自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计
一、本年新收政府信息公开申请数量 5 0 0 0 0 0 5
（二）部分公开（区分处理的，只计 2 0 0 0 0 0 2
这一情形，不计其他情形）
（五）不予处理
5．要求行政机关确认或重新出具 1 0 0 0 0 0 1
已获取信息
（七）总计 3 0 0 0 0
四、结转下年度继续办理 2 0 0 0 0 0 2`
	t3 := findTable(TablesFromText(textDoc("", nil, text)), "本年新收")
	if t3 == nil {
		t.Fatal("no t3")
	}
	g := gridTexts(t3)
	tests := []struct {
		row          int
		group, label string
		want         []string
	}{
		{3, "", "（二）部分公开（区分处理的，只计", []string{"2", "0", "0", "0", "0", "0", "2"}},
		{4, "（五）不予处理", "5．要求行政机关确认或重新出具", []string{"1", "0", "0", "0", "0", "0", "1"}},
		{5, "", "（七）总计", []string{"3", "0", "0", "0", "0", "", ""}},
	}
	for _, tt := range tests {
		r := g[tt.row]
		if r[0] != tt.group || r[1] != tt.label || !slices.Equal(r[2:], tt.want) {
			t.Errorf("row %d = %q, want group %q label %q values %q", tt.row, r, tt.group, tt.label, tt.want)
		}
	}
	if !slices.Contains(t3.Flags, FlagTextRowPadded) {
		t.Errorf("flags %v lack %s", t3.Flags, FlagTextRowPadded)
	}
	if len(g) != 2+5 {
		t.Errorf("%d rows, want 7:\n%s", len(g), t3.Text())
	}
}

func TestTablesFromTextSubtotalColumn(t *testing.T) {
	text := "三、收到和处理政府信息公开申请情况\n申请人情况 自然人 法人或其他组织 总计\n小计 商业企业 科研机构 社会公益组织 法律服务机构 其他\n" +
		"一、本年新收政府信息公开申请数量 10 4 3 1 0 0 0 14\n二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0 0\n" +
		"（七）总计 10 4 3 1 0 0 0 14\n四、结转下年度继续办理 0 0 0 0 0 0 0 0\n"
	t3 := findTable(TablesFromText(textDoc("", nil, text)), "本年新收")
	if t3 == nil {
		t.Fatal("no t3")
	}
	g := gridTexts(t3)
	want := []string{"自然人", "小计", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"}
	if !slices.Equal(g[1][2:], want) {
		t.Errorf("header %q, want %q", g[1][2:], want)
	}
	if got := g[2][2:]; len(got) != 8 || got[1] != "4" || got[7] != "14" {
		t.Errorf("first row values %q", got)
	}
}

func TestTablesFromTextHeaderMismatch(t *testing.T) {
	// The header names seven columns but every row prints six values: the rows win, flagged.
	text := "三、收到和处理政府信息公开申请情况\n申请人情况 自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计\n" +
		"一、本年新收政府信息公开申请数量 1 2 3 4 5 6\n二、上年结转政府信息公开申请数量 0 0 0 0 0 0\n" +
		"（七）总计 1 2 3 4 5 6\n四、结转下年度继续办理 0 0 0 0 0 0\n"
	t3 := findTable(TablesFromText(textDoc("", nil, text)), "本年新收")
	if t3 == nil {
		t.Fatal("no t3")
	}
	if !slices.Contains(t3.Flags, FlagTextHeaderMismatch) {
		t.Errorf("flags %v lack %s", t3.Flags, FlagTextHeaderMismatch)
	}
	if w := len(t3.Rows[2]); w != 2+6 {
		t.Errorf("row width %d, want 8", w)
	}
}

func TestTablesFromTextT4(t *testing.T) {
	header15 := "行政复议\n行政诉讼\n结果维持\n结果纠正\n其他结果\n尚未审结\n总计\n未经复议直接起诉\n复议后起诉\n" +
		strings.Repeat("结果维持\n结果纠正\n其他结果\n尚未审结\n总计\n", 2)
	tests := []struct {
		name string
		text string
	}{
		{"fifteen values one per line", header15 + "0\n3\n0\n4\n7\n10\n0\n0\n0\n10\n0\n0\n0\n0\n0\n"},
		{"fifteen values on one line", header15 + "0 3 0 4 7 10 0 0 0 10 0 0 0 0 0\n"},
		{"labelled rows", "结果维持 结果纠正 其他结果 尚未审结 总计\n行政复议 0 3 0 4 7\n未经复议直接起诉 10 0 0 0 10\n复议后起诉 0 0 0 0 0\n"},
		{"transposed", "行政复议 未经复议直接起诉 复议后起诉\n结果维持 0 10 0\n结果纠正 3 0 0\n其他结果 0 0 0\n尚未审结 4 0 0\n总计 7 10 0\n"},
	}
	want := map[string][]string{
		"行政复议":     {"0", "3", "0", "4", "7"},
		"未经复议直接起诉": {"10", "0", "0", "0", "10"},
		"复议后起诉":    {"0", "0", "0", "0", "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := "四、政府信息公开行政复议、行政诉讼情况\n" + tt.text + "五、存在的主要问题及改进情况\n1．问题 2 个\n"
			ts := TablesFromText(textDoc("", nil, text))
			if len(ts) != 1 {
				t.Fatalf("got %d tables, want 1 (t4)", len(ts))
			}
			g := gridTexts(ts[0])
			if !slices.Equal(g[0][2:], []string{"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"}) {
				t.Errorf("header %q", g[0])
			}
			rows := dataRows(ts[0])
			for label, vals := range want {
				if r, ok := rows[label]; !ok || !slices.Equal(r[2:], vals) {
					t.Errorf("row %s = %q, want %q\n%s", label, r, vals, ts[0].Text())
				}
			}
		})
	}
}

func TestTablesFromTextWithoutHeadings(t *testing.T) {
	text := "申请人情况 自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计\n" +
		"一、本年新收政府信息公开申请数量 9 1 0 0 0 0 10\n二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0\n" +
		"（一）予以公开 9 1 0 0 0 0 10\n（七）总计 9 1 0 0 0 0 10\n四、结转下年度继续办理 0 0 0 0 0 0 0\n" +
		"行政复议 行政诉讼\n结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉\n" +
		"1 0 0 0 1 0 0 0 0 0 0 0 0 0 0\n我单位共发现问题 12 处，已整改 12 处。\n联系电话 0535 4219283\n"
	ts := TablesFromText(textDoc("", nil, text))
	t3, t4 := findTable(ts, "本年新收"), findTable(ts, "结果维持")
	if t3 == nil || t4 == nil {
		t.Fatalf("want t3 and t4, got %d tables", len(ts))
	}
	if n := len(t3.Rows); n != 2+5 {
		t.Errorf("t3 has %d rows, want 7 (it must end where t4 starts):\n%s", n, t3.Text())
	}
	if len(t3.Flags) != 1 {
		t.Errorf("t3 flags %v, want only from_text", t3.Flags)
	}
	rows := dataRows(t4)
	if r := rows[Fold("行政复议")]; len(r) != 7 || r[2] != "1" || r[6] != "1" {
		t.Errorf("t4 review row %q", r)
	}
}

func TestTablesFromTextT2(t *testing.T) {
	tests := []struct {
		name string
		text string
		want map[string][]string // label → values (before colspan copies)
		head map[string]string   // a header cell that must be present
	}{
		{
			name: "gov2021 one per line",
			text: "第二十条第（一）项\n信息内容\n本年制发\n件数\n本年废止件数\n现行有效件数\n规章\n0\n0\n0\n行政规范性文件\n6\n0\n16\n" +
				"第二十条第（五）项\n信息内容\n本年处理决定数量\n行政许可\n30362\n第二十条第（八）项\n信息内容\n本年收费金额（单位：万元）\n行政事业性收费\n4722\n",
			want: map[string][]string{"规章": {"0", "0", "0"}, "行政规范性文件": {"6", "0", "16"}, "行政许可": {"30362"}, "行政事业性收费": {"4722"}},
			head: map[string]string{"本年制发件数": "", "本年收费金额（单位：万元）": ""},
		},
		{
			name: "gov2019 rows on one line",
			text: "第二十条第（一）项\n信息内容 本年新制作数量 本年新公开数量 对外公开总数量\n规章 0 0 0\n规范性文件 3 3 21\n" +
				"第二十条第（五）项\n信息内容 上一年项目数量 本年增/减 处理决定数量\n行政许可 120 +3 5621\n" +
				"第二十条第（八）项\n信息内容 上一年项目数量 本年增/减\n行政事业性收费 12 -1\n" +
				"第二十条第（九）项\n信息内容 采购项目数量 采购总金额\n政府集中采购 4 251000元\n",
			want: map[string][]string{"规范性文件": {"3", "3", "21"}, "行政许可": {"120", "+3", "5621"}, "行政事业性收费": {"12", "-1"}, "政府集中采购": {"4", "251000元"}},
			head: map[string]string{"本年增/减": "", "采购总金额": ""},
		},
		{
			name: "layout text, header words split over lines",
			text: "第二十条第（一）项\n信息内容   本年制发   本年废止   现行有效\n件数   件数   件数\n规章   0   0   1\n" +
				"第二十条第（八）项\n信息内容   本年收费金额\n（单位：万元）\n行政事业性收费   12.5\n",
			want: map[string][]string{"规章": {"0", "0", "1"}, "行政事业性收费": {"12.5"}},
			head: map[string]string{"本年废止件数": "", "本年收费金额（单位：万元）": ""},
		},
		{
			name: "banner and header on one line, two rows on one line",
			text: "第二十条第（一）项 信息内容 本年制发件数 本年废止件数 现行有效件数\n规章 0 0 0 行政规范性文件 6 0 16\n" +
				"第二十条第（六）项 信息内容 本年处理决定数量\n行政处罚 2184 行政强制 142\n",
			want: map[string][]string{"规章": {"0", "0", "0"}, "行政规范性文件": {"6", "0", "16"}, "行政处罚": {"2184"}, "行政强制": {"142"}},
			head: map[string]string{"第二十条第（一）项": "", "现行有效件数": "", "本年处理决定数量": ""},
		},
		{
			name: "headers without banners or 信息内容",
			text: "本年制发件数 本年废止件数 现行有效件数\n规章 1 0 2\n行政规范性文件 6 0 16\n本年处理决定数量\n行政许可 300\n行政处罚 21\n",
			want: map[string][]string{"规章": {"1", "0", "2"}, "行政规范性文件": {"6", "0", "16"}, "行政许可": {"300"}, "行政处罚": {"21"}},
			head: map[string]string{"本年处理决定数量": ""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := textDoc("", nil, "二、主动公开政府信息情况\n"+tt.text+"三、收到和处理政府信息公开申请情况\n")
			ts := TablesFromText(doc)
			if len(ts) != 1 {
				t.Fatalf("got %d tables, want 1", len(ts))
			}
			g := gridTexts(ts[0])
			width := len(g[0])
			found := map[string]bool{}
			for i, r := range g {
				if len(r) != width {
					t.Fatalf("grid not dense: row %d has %d cells, want %d", i, len(r), width)
				}
				for _, c := range r {
					if _, ok := tt.head[c]; ok {
						found[c] = true
					}
				}
				want, ok := tt.want[r[0]]
				if !ok {
					continue
				}
				if !slices.Equal(r[1:1+len(want)], want) {
					t.Errorf("row %s = %q, want %q", r[0], r[1:], want)
				}
				for j := 1 + len(want); j < width; j++ {
					if !ts[0].Rows[i][j].Spanned {
						t.Errorf("row %s cell %d should be a span copy", r[0], j)
					}
				}
				delete(tt.want, r[0])
			}
			for label := range tt.want {
				t.Errorf("row %s missing in\n%s", label, ts[0].Text())
			}
			for h := range tt.head {
				if !found[h] {
					t.Errorf("header %s missing in\n%s", h, ts[0].Text())
				}
			}
		})
	}
}

func TestTablesFromTextSkipsRealGrids(t *testing.T) {
	b, err := os.ReadFile(testutil.RealData(t, "muping_2022.txt"))
	if err != nil {
		t.Fatalf("read muping: %v", err)
	}
	doc := textDoc("", nil, string(b))
	grid := &extract.Table{Rows: [][]extract.Cell{
		{{Text: "申请人情况"}, {Text: "自然人"}},
		{{Text: "一、本年新收政府信息公开申请数量"}, {Text: "92"}},
	}}
	doc.Blocks = append(doc.Blocks, extract.Block{Kind: extract.TableBlock, Table: grid, Text: grid.Text()})
	ts := TablesFromText(doc)
	if len(ts) != 2 || findTable(ts, "本年新收") != nil || findTable(ts, "行政许可") == nil || findTable(ts, "结果维持") == nil {
		t.Errorf("with a real t3 grid, want only t2 and t4 rebuilt; got %d tables", len(ts))
	}
}

func TestTablesFromTextNone(t *testing.T) {
	for _, text := range []string{
		"",
		"关于做好2022年政府信息公开工作年度报告编制和发布工作的通知\n各单位：\n请于1月31日前报送。\n",
		"一、总体情况\n2022年共受理申请97件，其中予以公开60件。\n",
	} {
		if ts := TablesFromText(textDoc("", nil, text)); len(ts) != 0 {
			t.Errorf("TablesFromText(%q) = %d tables, want none", text, len(ts))
		}
	}
	if ts := TablesFromText(nil); ts != nil {
		t.Errorf("TablesFromText(nil) = %v", ts)
	}
}

func TestFlatIsValue(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"92", true}, {"０", true}, {"+1036", true}, {"-18", true}, {"30,362", true}, {"4722.5", true},
		{"251000元", true}, {"22（其中修订16件）", true}, {"/", true}, {"—", true}, {"——", true}, {"无", true},
		{"1.", false}, {"3.其他", false}, {"总计", false}, {"第二十条第（一）项", false}, {"本年增/减", false}, {"件", false},
	}
	for _, tt := range tests {
		if got := flatIsValue(tt.in); got != tt.want {
			t.Errorf("flatIsValue(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestTablesFromTextMuping rebuilds the seed report's tables and compares every t3 value with
// its truth file, positionally in the gov2021 row order.
func TestTablesFromTextMuping(t *testing.T) {
	path := testutil.RealData(t, "muping_2022.txt")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read muping: %v", err)
	}
	tb, err := os.ReadFile(path + ".truth.json")
	if err != nil {
		t.Fatalf("read truth: %v", err)
	}
	var truth struct {
		Cells map[string]float64 `json:"cells"`
	}
	if err := json.Unmarshal(tb, &truth); err != nil {
		t.Fatalf("parse truth: %v", err)
	}
	ts := TablesFromText(textDoc("", nil, string(b)))
	if len(ts) != 3 {
		t.Fatalf("got %d tables, want 3", len(ts))
	}
	t3 := findTable(ts, "本年新收")
	if t3 == nil {
		t.Fatal("no t3")
	}
	g := gridTexts(t3)
	rows := g[2:]
	if len(rows) != len(cells.T3Gov2021.Rows) {
		t.Fatalf("t3 has %d data rows, want %d", len(rows), len(cells.T3Gov2021.Rows))
	}
	compared := 0
	for i, r := range cells.T3Gov2021.Rows {
		if Fold(flatCore(rows[i][1])) != Fold(flatCore(r.Label)) && !slices.ContainsFunc(r.Variants, func(v string) bool { return flatCore(v) == flatCore(rows[i][1]) }) {
			t.Errorf("row %d label %q, want %q", i, rows[i][1], r.Label)
		}
		if len(rows[i]) != 2+7 {
			t.Fatalf("row %q has %d cells, want 9", rows[i][1], len(rows[i]))
		}
		for j, c := range cells.T3Cols {
			key := cells.Key(cells.T3, r.Key, c.Key)
			want, ok := truth.Cells[key]
			if !ok {
				t.Fatalf("truth lacks %s", key)
			}
			if got := rows[i][2+j]; got != fmt.Sprint(want) {
				t.Errorf("%s = %q, want %v", key, got, want)
			}
			compared++
		}
	}
	if compared != 175 {
		t.Errorf("compared %d t3 values, want 175", compared)
	}
	// t4 and t2 samples.
	t4 := dataRows(findTable(ts, "结果维持"))
	if r := t4[Fold("行政复议")]; !slices.Equal(r[2:], []string{"0", "3", "0", "4", "7"}) {
		t.Errorf("t4 review row %q", r)
	}
	t2 := gridTexts(findTable(ts, "行政许可"))
	var licensing []string
	for _, r := range t2 {
		if r[0] == "行政许可" {
			licensing = r
		}
	}
	if len(licensing) < 2 || licensing[1] != "30362" {
		t.Errorf("t2 licensing row %q", licensing)
	}
}

// FuzzTablesFromText checks that any text gives dense grids flagged from_text, without panics.
func FuzzTablesFromText(f *testing.F) {
	f.Add("三、收到和处理政府信息公开申请情况\n申请人情况 自然人 总计\n一、本年新收政府信息公开申请数量 1 2\n（三）不予公开\n")
	f.Add("二、主动公开政府信息情况\n第二十条第（一）项 信息内容 本年制发件数\n规章 1 2 3 4\n行政许可\n")
	f.Add("四、政府信息公开行政复议、行政诉讼情况\n结果维持 1 2 3\n行政复议\t\t1\t|2\n")
	f.Add("行政复议 行政诉讼\n1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n")
	f.Add("四、政府信息公开行政复议、行政诉讼情况\n\n\u00a0\n\n结果维持\n\n0\n\n\n\n\n1\n\n2\n\n3\n\n4\n\n5\n\n6\n\n7\n")
	f.Fuzz(func(t *testing.T, text string) {
		docs := []*extract.Document{textDoc("", nil, text)}
		if d, err := extract.Text([]byte(text)); err == nil {
			docs = append(docs, d) // with blank blocks and tab-ended rows
		}
		for _, tb := range slices.Concat(TablesFromText(docs[0]), TablesFromText(docs[len(docs)-1])) {
			if len(tb.Rows) == 0 || !slices.Contains(tb.Flags, FlagFromText) {
				t.Fatalf("empty or unflagged table: %+v", tb)
			}
			w := len(tb.Rows[0])
			for i, r := range tb.Rows {
				if len(r) != w {
					t.Fatalf("row %d has %d cells, want %d", i, len(r), w)
				}
			}
		}
		ReadMeta(textDoc(text, nil, text))
		ClassifyTitle(text)
		YearFromTitle(text)
	})
}

// t3Blanks renders a t3 section one cell per line, double-spaced, with the official geometry's
// empty corner cell before the header and blank cells (blank(i, j) true) printed as blank.
func t3Blanks(spec cells.Spec, blankLine string, blank func(i, j int) bool) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(s + "\n\n") }
	line("三、收到和处理政府信息公开申请情况")
	line(blankLine) // the empty corner cell (rowspan 3, colspan 3)
	for _, h := range []string{"申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"} {
		line(h)
	}
	group := ""
	for i, r := range spec.Rows {
		if r.Group != "" && r.Group != group {
			line(r.Group)
			group = r.Group
		}
		line(r.Label)
		for j := range cells.T3Cols {
			if blank(i, j) {
				line(blankLine)
			} else {
				line(t3Value(i, j))
			}
		}
	}
	line("四、政府信息公开行政复议、行政诉讼情况")
	line("五、存在的主要问题及改进情况")
	return b.String()
}

// TestTablesFromTextBlankLines reads blank cells printed as a line of U+00A0 or, in
// double-spaced text, as three empty lines, through extract.Text: each blank keeps its
// position, the header's empty corner cell is dropped.
func TestTablesFromTextBlankLines(t *testing.T) {
	blank := func(i, j int) bool {
		return i == 0 && j == 0 || // a row starting with a blank
			i == 1 || // a row all blank
			i == 3 && (j == 2 || j == 6) // inner and last cells
	}
	for _, tt := range []struct{ name, blankLine string }{
		{"nbsp line", "\u00a0"},
		{"ideographic space line", "\u3000\u3000"},
		{"three empty lines", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := extract.Text([]byte("某区2022年政府信息公开工作年度报告\n\n" + t3Blanks(cells.T3Gov2021, tt.blankLine, blank)))
			if err != nil {
				t.Fatal(err)
			}
			t3 := findTable(TablesFromText(doc), "本年新收")
			if t3 == nil {
				t.Fatal("no t3")
			}
			if !slices.Equal(t3.Flags, []string{FlagFromText}) {
				t.Errorf("flags %v, want only %s", t3.Flags, FlagFromText)
			}
			g := gridTexts(t3)
			if len(g) != 2+len(cells.T3Gov2021.Rows) {
				t.Fatalf("%d rows:\n%s", len(g), t3.Text())
			}
			for i, r := range cells.T3Gov2021.Rows {
				var want []string
				for j := range cells.T3Cols {
					if blank(i, j) {
						want = append(want, "")
					} else {
						want = append(want, t3Value(i, j))
					}
				}
				if row := g[2+i]; Fold(row[1]) != Fold(r.Label) || !slices.Equal(row[2:], want) {
					t.Errorf("row %q %q, want %q %q", row[1], row[2:], r.Label, want)
				}
			}
		})
	}
}

// TestTablesFromTextTabBlanks reads empty cells of tab-separated rows: at the end of a row (kept
// by extract.Text), inside it, and a header's empty corner cells, which are not values.
func TestTablesFromTextTabBlanks(t *testing.T) {
	text := "某区2022年政府信息公开工作年度报告\n" +
		"三、收到和处理政府信息公开申请情况\n" +
		"\t申请人情况\n\t自然人\t法人或其他组织\t\t总计\n\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\n" +
		"一、本年新收政府信息公开申请数量\t3\t0\t1\t0\t0\t0\t\n" +
		"二、上年结转政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\n" +
		"三、本年度办理结果\n" +
		"（一）予以公开\t1\t0\t\t0\t0\t0\t1\n" +
		"四、政府信息公开行政复议、行政诉讼情况\n" +
		"\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n" +
		"行政复议\t0\t0\t2\t4\t\n" +
		"行政诉讼 未经复议直接起诉\t0\t0\t0\t3\t3\n" +
		"复议后起诉\t0\t2\t0\t0\t\n" +
		"五、存在的主要问题及改进情况\n"
	doc, err := extract.Text([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	ts := TablesFromText(doc)
	t3, t4 := findTable(ts, "本年新收"), findTable(ts, "结果维持")
	if t3 == nil || t4 == nil {
		t.Fatalf("tables %d", len(ts))
	}
	for _, tb := range []*extract.Table{t3, t4} {
		if !slices.Equal(tb.Flags, []string{FlagFromText}) {
			t.Errorf("flags %v, want only %s:\n%s", tb.Flags, FlagFromText, tb.Text())
		}
	}
	want := map[string][]string{
		"一、本年新收政府信息公开申请数量": {"3", "0", "1", "0", "0", "0", ""},
		"二、上年结转政府信息公开申请数量": {"", "0", "0", "0", "0", "0", "0"},
		"（一）予以公开":          {"1", "0", "", "0", "0", "0", "1"},
		"行政复议":             {"0", "0", "2", "4", ""},
		"未经复议直接起诉":         {"0", "0", "0", "3", "3"},
		"复议后起诉":            {"0", "2", "0", "0", ""},
	}
	rows := dataRows(t3)
	for k, v := range dataRows(t4) {
		rows[k] = v
	}
	for label, vals := range want {
		if r, ok := rows[Fold(label)]; !ok || !slices.Equal(r[2:], vals) {
			t.Errorf("row %s = %q, want %q", label, r, vals)
		}
	}
}

// TestTablesFromTextT4Blanks reads the one-row t4 (15 values under a three-level header) with
// blank totals printed as blank lines, and a header printed again after the t3 rows of a
// split table, whose empty corner cell must not extend the last row.
func TestTablesFromTextT4Blanks(t *testing.T) {
	var b strings.Builder
	line := func(s ...string) {
		for _, x := range s {
			b.WriteString(x + "\n\n")
		}
	}
	line("某区2022年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况", "\u00a0", "申请人情况", "自然人", "法人或其他组织", "总计",
		"商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
	line("一、本年新收政府信息公开申请数量", "1", "0", "0", "0", "0", "0", "1")
	line("二、上年结转政府信息公开申请数量", "0", "0", "0", "0", "0", "0", "0")
	line("\u00a0", "申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
	line("三、本年度办理结果", "（一）予以公开", "1", "0", "0", "0", "0", "0", "1")
	line("四、政府信息公开行政复议、行政诉讼情况", "行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计",
		"未经复议直接起诉", "复议后起诉", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
	b.WriteString("0\n\n3\n\n0\n\n4\n\n\n\n\n1\n\n0\n\n0\n\n0\n\n\n\n\n0\n\n0\n\n0\n\n0\n\n\u00a0\n\n")
	line("五、存在的主要问题及改进情况")
	doc, err := extract.Text([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	ts := TablesFromText(doc)
	t3, t4 := findTable(ts, "本年新收"), findTable(ts, "结果维持")
	if t3 == nil || t4 == nil {
		t.Fatalf("tables %d", len(ts))
	}
	if !slices.Equal(t3.Flags, []string{FlagFromText}) {
		t.Errorf("t3 flags %v, want only %s:\n%s", t3.Flags, FlagFromText, t3.Text())
	}
	if r := dataRows(t3)[Fold("二、上年结转政府信息公开申请数量")]; !slices.Equal(r[2:], []string{"0", "0", "0", "0", "0", "0", "0"}) {
		t.Errorf("t3 carried-forward row %q", r)
	}
	rows := dataRows(t4)
	for label, vals := range map[string][]string{
		"行政复议":     {"0", "3", "0", "4", ""},
		"未经复议直接起诉": {"1", "0", "0", "0", ""},
		"复议后起诉":    {"0", "0", "0", "0", ""},
	} {
		if r := rows[Fold(label)]; !slices.Equal(r[2:], vals) {
			t.Errorf("t4 row %s = %q, want %q", label, r, vals)
		}
	}
}
