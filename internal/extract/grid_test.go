package extract

import (
	"strings"
	"testing"
)

func TestHTMLTableGrid(t *testing.T) {
	tests := []struct {
		name  string
		table string
		want  string
		flags []string
	}{
		{
			name:  "plain",
			table: `<tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr>`,
			want:  "a|b\nc|d",
		},
		{
			name:  "colspan",
			table: `<tr><td colspan="3">head</td></tr><tr><td>1</td><td>2</td><td>3</td></tr>`,
			want:  "head|<0,0|<0,0\n1|2|3",
		},
		{
			name:  "rowspan",
			table: `<tr><td rowspan="2">L</td><td>1</td></tr><tr><td>2</td></tr><tr><td>x</td><td>3</td></tr>`,
			want:  "L|1\n<0,0|2\nx|3",
		},
		{
			name: "rowspan and colspan block",
			table: `<tr><td rowspan="2" colspan="2">corner</td><td>h</td></tr>` +
				`<tr><td>g</td></tr><tr><td>a</td><td>b</td><td>c</td></tr>`,
			want: "corner|<0,0|h\n<0,0|<0,0|g\na|b|c",
		},
		{
			name: "t3 group label",
			table: `<tr><td rowspan="3">三、结果</td><td rowspan="2">（三）</td><td>1.秘密</td><td>0</td></tr>` +
				`<tr><td>2.禁止</td><td>1</td></tr><tr><td colspan="2">（七）总计</td><td>9</td></tr>`,
			want: "三、结果|（三）|1.秘密|0\n<0,0|<0,1|2.禁止|1\n<0,0|（七）总计|<2,1|9",
		},
		{
			name:  "rowspan overflowing the table is clipped",
			table: `<tr><td rowspan="9">a</td><td>b</td></tr><tr><td>c</td></tr>`,
			want:  "a|b\n<0,0|c",
		},
		{
			name:  "rowspan zero spans to the last row",
			table: `<tr><td rowspan="0">a</td><td>b</td></tr><tr><td>c</td></tr><tr><td>d</td></tr>`,
			want:  "a|b\n<0,0|c\n<0,0|d",
		},
		{
			name: "overlap: earlier cell keeps the position",
			table: `<tr><td>a</td><td rowspan="2">b</td><td>c</td></tr>` +
				`<tr><td colspan="3">wide</td></tr>`,
			want:  "a|b|c\nwide|<0,1|<1,0",
			flags: []string{FlagSpanOverlap},
		},
		{
			name:  "short rows padded and empty rows kept",
			table: `<tr><td>a</td><td>b</td><td>c</td></tr><tr><td></td></tr><tr></tr><tr><td>&nbsp;</td><td> x </td></tr>`,
			want:  "a|b|c\n||\n||\n|x|",
		},
		{
			name:  "garbage and negative spans read as 1",
			table: `<tr><td colspan="abc">a</td><td colspan="-2">b</td><td rowspan="x">c</td></tr><tr><td colspan="2 ">d</td><td>e</td></tr>`,
			want:  "a|b|c\nd|<1,0|e",
		},
		{
			name:  "th and thead tfoot in source order",
			table: `<thead><tr><th>h1</th><th>h2</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody><tfoot><tr><td>f</td><td>g</td></tr></tfoot>`,
			want:  "h1|h2\n1|2\nf|g",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mustHTML(t, "<table>"+tc.table+"</table>")
			ts := tables(d)
			if len(ts) != 1 {
				t.Fatalf("got %d tables, want 1 (blocks %q)", len(ts), shape(d))
			}
			if got := gridString(ts[0]); got != tc.want {
				t.Errorf("grid:\n%s\nwant:\n%s", got, tc.want)
			}
			for _, f := range tc.flags {
				if !hasFlag(ts[0].Flags, f) {
					t.Errorf("table flags %v lack %q", ts[0].Flags, f)
				}
			}
			if len(tc.flags) == 0 && len(ts[0].Flags) != 0 {
				t.Errorf("unexpected table flags %v", ts[0].Flags)
			}
			if d.Blocks[0].Text != ts[0].Text() {
				t.Errorf("block text %q != table text %q", d.Blocks[0].Text, ts[0].Text())
			}
		})
	}
}

func TestHTMLSpanCaps(t *testing.T) {
	d := mustHTML(t, `<table><tr><td colspan="5000">a</td></tr><tr><td rowspan="99999999">b</td></tr></table>`)
	tb := tables(d)[0]
	if tb.NCols() != MaxColspan {
		t.Errorf("colspan 5000: %d columns, want the cap %d", tb.NCols(), MaxColspan)
	}
	if len(tb.Rows) != 2 {
		t.Errorf("rowspan past the table: %d rows, want 2", len(tb.Rows))
	}
	if c := tb.Rows[1][0]; c.Text != "b" || c.Spanned {
		t.Errorf("row 1 col 0 = %+v, want origin cell b", c)
	}
}

func TestHTMLCellText(t *testing.T) {
	tests := []struct {
		name, cell, want string
	}{
		{"br header words", `本年新<br />制作数量`, "本年新\n制作数量"},
		{"br without slash and doubled", `结果<br><br>维持`, "结果\n维持"},
		{"paragraphs", `<p>第一段</p><p>第二段</p>`, "第一段\n第二段"},
		{"divs", `<div>甲</div><div> 乙 </div>`, "甲\n乙"},
		{"nbsp only", `&nbsp;&nbsp;`, ""},
		{"nbsp around", `&nbsp;92&nbsp;`, "92"},
		{"spaces collapsed", "  申请人\n\t  情况  ", "申请人 情况"},
		{"full-width space", "\u3000\u3000自然人\u3000", "自然人"},
		{"word pasted", `<p class=MsoNormal align=center style='text-align:center'><span lang=EN-US style='font-size:10.5pt;font-family:宋体'>30362<o:p></o:p></span></p>`, "30362"},
		{"word empty o:p", `<p class=MsoNormal><span style='font-size:10.5pt'><o:p>&nbsp;</o:p></span></p>`, ""},
		{"hidden span", `5<span style="display: none">9</span>`, "5"},
		{"comment", `<!--<$[信息来源]>begin-->区政府办<!--<$[信息来源]>end-->`, "区政府办"},
		{"script", `7<script>document.write("8")</script>`, "7"},
		{"zero width", "1\u200b2", "12"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mustHTML(t, `<table><tr><td>x</td><td>`+tc.cell+`</td></tr></table>`)
			ts := tables(d)
			if len(ts) != 1 || ts[0].NCols() != 2 {
				t.Fatalf("blocks %q", shape(d))
			}
			if got := ts[0].Rows[0][1].Text; got != tc.want {
				t.Errorf("cell text %q, want %q", got, tc.want)
			}
		})
	}
}

func TestHTMLNestedAndSplitTables(t *testing.T) {
	tests := []struct {
		name  string
		page  string
		want  []string // shape(d)
		grids []string // gridString of each table in order
	}{
		{
			name:  "word wrapper table around the data table",
			page:  `<table><tr><td><table><tr><td>a</td><td>b</td></tr></table></td></tr></table>`,
			want:  []string{"T1x2"},
			grids: []string{"a|b"},
		},
		{
			name: "page layout table",
			page: `<table width="1000"><tr><td colspan="2"><img src="logo.png">样例区人民政府</td></tr>` +
				`<tr><td><ul><li>首页</li><li>公开</li></ul></td><td><h2>年度报告</h2><p>一、总体情况</p>` +
				`<table><tr><td>本年新收</td><td>97</td></tr></table><p>四、结转</p>` +
				`<table><tr><td rowspan="2">复议</td><td>3</td></tr><tr><td>4</td></tr></table></td></tr>` +
				`<tr><td colspan="2">版权所有</td></tr></table>`,
			want:  []string{"样例区人民政府", "首页", "公开", "年度报告", "一、总体情况", "T1x2", "四、结转", "T2x2", "版权所有"},
			grids: []string{"本年新收|97", "复议|3\n<0,0|4"},
		},
		{
			name:  "doubly nested wrappers",
			page:  `<table><tr><td><table><tr><td><div>标题</div><table><tr><td>1</td></tr><tr><td>2</td></tr></table></td></tr></table></td></tr></table>`,
			want:  []string{"标题", "T2x1"},
			grids: []string{"1\n2"},
		},
		{
			name: "one logical table split over two tables",
			page: `<p>三、收到和处理政府信息公开申请情况</p><table><tr><td>一、本年新收</td><td>92</td></tr><tr><td>二、上年结转</td><td>3</td></tr></table>` +
				`<p>（续表）</p><table><tr><td>（七）总计</td><td>95</td></tr></table><p>四、复议</p>`,
			want:  []string{"三、收到和处理政府信息公开申请情况", "T2x2", "（续表）", "T1x2", "四、复议"},
			grids: []string{"一、本年新收|92\n二、上年结转|3", "（七）总计|95"},
		},
		{
			name:  "single cell box becomes text",
			page:  `<table><tr><td><p>第一段</p><p>第二段</p></td></tr></table>`,
			want:  []string{"第一段", "第二段"},
			grids: nil,
		},
		{
			name:  "caption before the grid",
			page:  `<table><caption>表一</caption><tr><td>a</td><td>b</td></tr></table>`,
			want:  []string{"表一", "T1x2"},
			grids: []string{"a|b"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mustHTML(t, tc.page)
			if got := shape(d); strings.Join(got, "¶") != strings.Join(tc.want, "¶") {
				t.Errorf("blocks %q\nwant   %q", got, tc.want)
			}
			ts := tables(d)
			if len(ts) != len(tc.grids) {
				t.Fatalf("%d tables, want %d", len(ts), len(tc.grids))
			}
			for i, g := range tc.grids {
				if got := gridString(ts[i]); got != g {
					t.Errorf("table %d:\n%s\nwant:\n%s", i, got, g)
				}
			}
		})
	}
}
