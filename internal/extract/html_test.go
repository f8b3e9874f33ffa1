package extract

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestHTMLBlocks(t *testing.T) {
	tests := []struct {
		name string
		page string
		want []string
	}{
		{
			name: "paragraph-level elements",
			page: `<body><h1>标题</h1><div>甲<span>乙</span></div><p>丙</p><ul><li>丁</li><li>戊</li></ul>尾</body>`,
			want: []string{"标题", "甲乙", "丙", "丁", "戊", "尾"},
		},
		{
			name: "br splits lines",
			page: `<div>一是及时性。<br/>二是形式单一。<br><br>三是</div>`,
			want: []string{"一是及时性。", "二是形式单一。", "三是"},
		},
		{
			name: "invisible content skipped",
			page: `<head><title>t</title><style>p{}</style><script>var a="<p>x</p>"</script></head>` +
				`<body><noscript>请启用脚本</noscript><template><p>模板</p></template><p style="DISPLAY : none">隐藏</p>` +
				`<p hidden>也隐藏</p><p>可见</p><!-- 注释 --><select><option>请选择</option></select></body>`,
			want: []string{"可见"},
		},
		{
			name: "pre keeps its lines",
			page: "<pre>第一行\n  第二行\n\n</pre><p>后</p>",
			want: []string{"第一行", "第二行", "后"},
		},
		{
			name: "hanweb field comments are not text",
			page: `<p>来源：<!--<$[信息来源]>begin-->区政府办<!--<$[信息来源]>end--></p>`,
			want: []string{"来源：区政府办"},
		},
		{
			name: "nbsp and spaces collapsed",
			page: "<p>&nbsp;&nbsp;一、\n  总体\t情况&nbsp;</p><p>&nbsp;</p>",
			want: []string{"一、 总体 情况"},
		},
		{
			name: "truncated in a table cell",
			page: `<p>三、收到和处理</p><table><tr><td>一、本年新收</td><td>92</td></tr><tr><td>二、上年结转</td><td>3`,
			want: []string{"三、收到和处理", "T2x2"},
		},
		{
			name: "truncated in a tag",
			page: `<p>一、总体情况</p><p>主动公开<span style="col`,
			want: []string{"一、总体情况", "主动公开"},
		},
		{
			name: "unclosed and misnested tags",
			page: `<p>甲<b>乙<p>丙</b>丁<div>戊</span></div><table><tr><td>1<td>2<tr><td>3</table>`,
			want: []string{"甲乙", "丙丁", "戊", "T2x2"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mustHTML(t, tc.page)
			if got := shape(d); !slices.Equal(got, tc.want) {
				t.Errorf("blocks %q\nwant   %q", got, tc.want)
			}
		})
	}
}

func TestHTMLTruncatedTableKeepsCells(t *testing.T) {
	d := mustHTML(t, `<table><tr><td rowspan="2">三、结果</td><td>（一）予以公开</td><td>58</td></tr><tr><td>（二）部分公开</td><td>1`)
	ts := tables(d)
	if len(ts) != 1 {
		t.Fatalf("blocks %q", shape(d))
	}
	if got, want := gridString(ts[0]), "三、结果|（一）予以公开|58\n<0,0|（二）部分公开|1"; got != want {
		t.Errorf("grid\n%s\nwant\n%s", got, want)
	}
}

func TestHTMLMetadata(t *testing.T) {
	page := `<html><head><title> 某区2022年政府信息公开工作年度报告_某区人民政府 </title>
<meta name="ArticleTitle" content="某区2022年政府信息公开工作年度报告">
<meta name="PubDate" content="2023-01-17 10:40"><meta name="SiteIDCode" content="bm07000001">
<meta name="ContentSource" content="区政府办"><meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="ColumnName" content="年报"><meta name="empty"></head><body>
<table><tr><td>索 引 号：</td><td>0142768-8/2022-00185</td><td>分 类</td><td>年报</td></tr>
<tr><td>发文机关</td><td>某区人民政府</td><td>成文日期</td><td>2023年01月16日</td></tr>
<tr><td>文　　号</td><td>&nbsp;</td><td>有效性</td><td>有效</td></tr></table>
<div class="info"><span>发布日期：2023-01-17</span> <span>信息来源：区政府办公室</span> <span>发布时间：2023-01-17 10:40:09</span> 【字体：大 中 小】</div>
<p>索引号：不是这个</p><div class="l">主题分类</div><div class="v">综合政务</div>
<a href="/a.pdf" title="附件一">附件一.pdf</a><a href="javascript:void(0)">打印</a><a name="x">锚</a>
<img src="/t3.png"><img src=""><img data-src="/lazy.png">
</body></html>`
	d := mustHTML(t, page)
	if d.Title != "某区2022年政府信息公开工作年度报告_某区人民政府" {
		t.Errorf("title %q", d.Title)
	}
	want := map[string]string{
		"ArticleTitle":    "某区2022年政府信息公开工作年度报告",
		"PubDate":         "2023-01-17 10:40",
		"SiteIDCode":      "bm07000001",
		"ContentSource":   "区政府办",
		"X-UA-Compatible": "IE=edge",
		"ColumnName":      "年报",
		"索引号":             "0142768-8/2022-00185",
		"分类":              "年报",
		"发文机关":            "某区人民政府",
		"成文日期":            "2023年01月16日",
		"有效性":             "有效",
		"发布日期":            "2023-01-17",
		"信息来源":            "区政府办公室",
		"发布时间":            "2023-01-17 10:40:09",
		"主题分类":            "综合政务",
	}
	for k, v := range want {
		if d.Meta[k] != v {
			t.Errorf("Meta[%q] = %q, want %q", k, d.Meta[k], v)
		}
	}
	for _, k := range []string{"文号", "empty", "来源"} {
		if v, ok := d.Meta[k]; ok {
			t.Errorf("Meta[%q] = %q, want absent", k, v)
		}
	}
	wantLinks := []Link{{"/a.pdf", "附件一.pdf", "附件一"}, {"javascript:void(0)", "打印", ""}}
	if !slices.Equal(d.Links, wantLinks) {
		t.Errorf("links %+v, want %+v", d.Links, wantLinks)
	}
	if len(d.Images) != 1 || d.Images[0].Src != "/t3.png" || d.Images[0].Block != len(d.Blocks) {
		t.Errorf("images %+v (of %d blocks), want /t3.png after every block", d.Images, len(d.Blocks))
	}
}

// TestHTMLImagePositions: each <img> of the body is recorded before the block that follows it,
// splitting the paragraph it sits in, with its declared size.
func TestHTMLImagePositions(t *testing.T) {
	page := `<html><head><title>t</title><link rel="icon" href="/f.ico"></head><body>
<p>一、总体情况</p>
<p>前文<img src="a.png" width="600" height="300px">后文</p>
<table border="1"><tr><td>信息内容</td><td>本年制发件数</td></tr><tr><td>规章</td><td>1</td></tr></table>
<div><img src="b.jpg" width="80%"></div>
</body></html>`
	d := mustHTML(t, page)
	var texts []string
	for _, b := range d.Blocks {
		texts = append(texts, b.Text)
	}
	want := []Image{{Src: "a.png", Block: 2, Width: 600, Height: 300}, {Src: "b.jpg", Block: 4}}
	if !slices.Equal(d.Images, want) {
		t.Fatalf("images %+v, want %+v (blocks %q)", d.Images, want, texts)
	}
	if d.Blocks[1].Text != "前文" || d.Blocks[2].Text != "后文" || d.Blocks[3].Kind != TableBlock {
		t.Errorf("blocks %q: want the paragraph split around the image, then the table", texts)
	}
}

func TestHTMLTitleFallbacks(t *testing.T) {
	tests := []struct{ page, want string }{
		{`<meta name="ArticleTitle" content="报告A"><p>x</p>`, "报告A"},
		{`<meta name="articletitle" content=" 报告D "><h1>标题</h1>`, "报告D"},
		{`<body><h1> 报告B </h1><p>x</p></body>`, "报告B"},
		{`<title></title><h2>报告C</h2>`, "报告C"},
	}
	for _, tc := range tests {
		if d := mustHTML(t, tc.page); d.Title != tc.want {
			t.Errorf("%s: title %q, want %q", tc.page, d.Title, tc.want)
		}
	}
}

func TestHTMLErrors(t *testing.T) {
	if _, err := HTML(nil, ""); !errors.Is(err, ErrEmpty) {
		t.Errorf("nil: %v, want ErrEmpty", err)
	}
	if _, err := HTML([]byte(" \r\n\t "), ""); !errors.Is(err, ErrEmpty) {
		t.Errorf("white space: %v, want ErrEmpty", err)
	}
	defer func(n int) { MaxHTMLBytes = n }(MaxHTMLBytes)
	MaxHTMLBytes = 100
	_, err := HTML([]byte("<p>"+strings.Repeat("字", 40)+"</p>"), "")
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "limit") {
		t.Errorf("over limit: %v, want ErrTooLarge with context", err)
	}
}

// TestHTMLReportPage checks the realistic report page used by the benchmark.
func TestHTMLReportPage(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := HTML(data, "text/html; charset=UTF-8")
	if err != nil {
		t.Fatal(err)
	}
	ts := tables(d)
	if len(ts) != 4 {
		t.Fatalf("%d tables, want 4 (metadata, 二, 三, 四): %q", len(ts), shape(d))
	}
	t3 := ts[2]
	if len(t3.Rows) != 28 || t3.NCols() != 10 {
		t.Fatalf("table 三 is %dx%d, want 28x10", len(t3.Rows), t3.NCols())
	}
	checks := []struct {
		r, c    int
		text    string
		spanned bool
	}{
		{0, 0, "本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和", false},
		{2, 2, "本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和", true},
		{1, 3, "自然人", false},
		{2, 3, "自然人", true},
		{2, 6, "社会公益\n组织", false},
		{3, 0, "一、本年新收政府信息公开申请数量", false},
		{3, 3, "92", false},
		{3, 4, "5", false},
		{3, 9, "97", false},
		{5, 0, "三、本年度办理结果", false},
		{26, 0, "三、本年度办理结果", true},
		{8, 1, "（三）不予公开", true},
		{19, 2, "2.重复申请", false},
		{19, 3, "", false},
		{19, 4, "0", false},
		{27, 0, "四、结转下年度继续办理", false},
	}
	for _, c := range checks {
		got := t3.Rows[c.r][c.c]
		if got.Text != c.text || got.Spanned != c.spanned {
			t.Errorf("t3[%d][%d] = %q spanned=%v, want %q spanned=%v", c.r, c.c, got.Text, got.Spanned, c.text, c.spanned)
		}
	}
	if d.Meta["索引号"] != "11370612004314827X/2023-00035" || d.Meta["发布机构"] != "样例区政府办公室" {
		t.Errorf("meta %v", d.Meta)
	}
	text := d.PlainText()
	for _, absent := range []string{"隐藏的文字", "document.write", "不是正文", "begin"} {
		if strings.Contains(text, absent) {
			t.Errorf("plain text contains %q", absent)
		}
	}
}

// TestHTMLDeepNesting: the HTML parser refuses more than 512 open elements; pages with hundreds
// of unclosed tags must still yield their text and tables.
func TestHTMLDeepNesting(t *testing.T) {
	tests := []struct {
		name string
		page string
		want []string
	}{
		{
			name: "unclosed font tags",
			page: "<p>一、总体情况</p>" + strings.Repeat(`<font size="3">`, 700) + "正文<table><tr><td>自然人</td><td>92</td></tr></table>",
			want: []string{"一、总体情况", "正文", "T1x2"},
		},
		{
			// Tables nested past the cap are flattened: their cells become text.
			name: "nested wrapper tables",
			page: strings.Repeat("<table><tr><td>", 300) + "<p>标题</p><table><tr><td>a</td><td>b</td></tr></table>",
			want: []string{"标题", "a b"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mustHTML(t, tc.page)
			if got := shape(d); !slices.Equal(got, tc.want) {
				t.Errorf("blocks %q\nwant   %q", got, tc.want)
			}
			if !hasFlag(d.Flags, FlagDepthLimited) {
				t.Errorf("flags %v lack %q", d.Flags, FlagDepthLimited)
			}
		})
	}
}

// TestHTMLNarrowLayoutTable: a table of one or two columns whose cell holds article content (a
// picture, or several paragraphs) lays out the page: its cells are walked as content, so the
// article's paragraphs are text blocks and its pictures are recorded in place. A narrow table
// of short cells (a metadata table) stays a table.
func TestHTMLNarrowLayoutTable(t *testing.T) {
	tests := []struct {
		name       string
		cell       string
		wantTables int
		wantImages int
	}{
		{"picture", `<p>二、主动公开政府信息情况</p><p><img src="/picture/0/t_1.png"></p><p>三、收到和处理</p>`, 0, 1},
		{"paragraphs", strings.Repeat(`<p>本年度，本机关坚持以公开为常态、不公开为例外，全面推进决策、执行、管理、服务、结果公开。</p>`, 5), 0, 0},
		{"short cells", `2024-01-15`, 1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page := `<html><body><table><tr><td class="title">某区2023年政府信息公开工作年度报告</td></tr>` +
				`<tr><td>发布日期</td><td>2024-01-15</td></tr><tr><td class="bt_content">` + tc.cell + `</td></tr></table></body></html>`
			d := mustHTML(t, page)
			tables := 0
			for _, b := range d.Blocks {
				if b.Kind == TableBlock {
					tables++
				}
			}
			if tables != tc.wantTables || len(d.Images) != tc.wantImages {
				t.Errorf("%d tables, %d images (%+v); want %d, %d", tables, len(d.Images), d.Images, tc.wantTables, tc.wantImages)
			}
		})
	}
}
