package reportgen

import (
	"bytes"
	"fmt"
	"html"
	"math/rand"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/ogireports/ogireports/internal/cells"
)

// blockKind tells the renderers what a block is.
type blockKind int

const (
	bPara blockKind = iota
	bHeading
	bTable
	bSign
)

// block is one unit of the article body.
type block struct {
	kind blockKind
	text string
	tab  *ttable
}

// Title returns the report title in the variant's title style.
func (v Variant) Title() string {
	switch {
	case v.NoYearInTitle:
		return v.Agency + "政府信息公开工作年度报告"
	case v.has(QuirkTitleNoAgency):
		return fmt.Sprintf("%d年度政府信息公开年报", v.Year)
	case v.has(QuirkTitleGuanyu):
		return fmt.Sprintf("%s关于%d年政府信息公开工作的年度报告", v.Agency, v.Year)
	}
	return fmt.Sprintf("%s%d年政府信息公开工作年度报告", v.Agency, v.Year)
}

// chineseDate prints YYYY-MM-DD as 2023年1月17日.
func chineseDate(d string) string {
	var y, m, day int
	fmt.Sscanf(d, "%d-%d-%d", &y, &m, &day)
	return fmt.Sprintf("%d年%d月%d日", y, m, day)
}

// blocks returns the article body in reading order.
func (v *Variant) blocks() []block {
	r := rand.New(rand.NewSource(v.seed))
	var out []block
	para := func(s string) { out = append(out, block{kind: bPara, text: s}) }
	head := func(s string) { out = append(out, block{kind: bHeading, text: s}) }
	self := v.Agency
	if v.has(QuirkTitleNoAgency) {
		self = "本机关"
	}
	notice := "国办公开办函〔2021〕30号"
	if v.LayoutT2 == cells.Gov2019 {
		notice = "国办公开办函〔2019〕60号"
	}
	para(fmt.Sprintf("根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（%s）要求，结合工作实际，编制并向社会公布%s%d年政府信息公开工作年度报告。本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六部分组成。本报告所列数据的统计期限自%d年1月1日起至%d年12月31日止。如对本报告有疑问，请联系%s办公室，联系电话：0%d-%07d。",
		notice, self, v.Year, v.Year, v.Year, self, 531+r.Intn(200), 2000000+r.Intn(7000000)))
	head("一、总体情况")
	head("（一）主动公开情况")
	get := func(k string) (float64, bool) { return cells.Values(v.Truth).Get(k) }
	var parts []string
	if v.LayoutT2 == cells.Gov2021 {
		if x, ok := get("t2.normative_documents.issued"); ok {
			parts = append(parts, fmt.Sprintf("制发行政规范性文件%s件", num(x)))
		}
		if x, ok := get("t2.licensing.decisions"); ok {
			parts = append(parts, fmt.Sprintf("公开行政许可决定%s件", num(x)))
		}
	} else {
		if x, ok := get("t2.normative_documents.published"); ok {
			parts = append(parts, fmt.Sprintf("新公开规范性文件%s件", num(x)))
		}
		if x, ok := get("t2.procurement.items"); ok {
			parts = append(parts, fmt.Sprintf("公开政府集中采购项目%s个", num(x)))
		}
	}
	para(fmt.Sprintf("%d年，%s坚持以公开为常态、不公开为例外，通过政府网站、政务新媒体等渠道累计主动公开政府信息%d条，%s。重点围绕财政预决算、重大建设项目、公共资源配置、社会公益事业等领域做好信息公开，及时回应社会关切。",
		v.Year, self, 120+r.Intn(3000), strings.Join(append(parts, fmt.Sprintf("发布政策解读%d篇", 3+r.Intn(60))), "，")))
	head("（二）依申请公开情况")
	nr, ok1 := get("t3.new_received.total")
	gr, ok2 := get("t3.granted.total")
	tp, ok3 := get("t3.total_processed.total")
	switch {
	case ok1 && nr == 0:
		para(fmt.Sprintf("%d年，%s未收到政府信息公开申请。", v.Year, self))
	case ok1 && ok2 && ok3:
		para(fmt.Sprintf("%d年，%s共收到政府信息公开申请%s件，办结%s件，其中予以公开%s件，其余申请均依法作出答复，答复率100%%。", v.Year, self, num(nr), num(tp), num(gr)))
	default:
		para(fmt.Sprintf("%d年，%s严格按照《条例》规定办理政府信息公开申请，均在法定期限内答复。", v.Year, self))
	}
	head("（三）政府信息管理")
	para("严格落实政府信息公开保密审查制度，坚持“先审查、后公开”和“一事一审”原则，对拟公开的政府信息进行逐级审核把关，确保公开内容合法、准确、及时。")
	head("（四）政府信息公开平台建设")
	para(fmt.Sprintf("持续优化政府网站信息公开专栏，全年更新栏目%d个，通过政务新媒体同步发布信息%d条，进一步拓宽公众获取政府信息的渠道。", 3+r.Intn(20), 50+r.Intn(900)))
	head("（五）监督保障")
	para("成立政务公开工作领导小组，明确分管领导和专职工作人员，将政务公开工作纳入年度绩效考核，全年组织业务培训" + fmt.Sprint(1+r.Intn(6)) + "次。")

	head("二、主动公开政府信息情况")
	t2 := v.buildT2()
	out = append(out, block{kind: bTable, tab: &t2})
	head("三、收到和处理政府信息公开申请情况")
	if r.Intn(2) == 0 {
		para("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
	}
	for _, t := range v.t3Tables() {
		t := t
		out = append(out, block{kind: bTable, tab: &t})
	}
	if v.seed%3 == 0 {
		head("四、因政府信息公开工作被申请行政复议、提起行政诉讼情况")
	} else {
		head("四、政府信息公开行政复议、行政诉讼情况")
	}
	t4 := v.buildT4()
	out = append(out, block{kind: bTable, tab: &t4})
	head("五、存在的主要问题及改进情况")
	para("一是政策解读形式还不够丰富，图解、视频等多元化解读占比偏低；二是部分信息更新不够及时，主动公开的深度和广度有待拓展。")
	para(fmt.Sprintf("%d年，%s将进一步完善政务公开工作机制，丰富政策解读形式，加强工作人员业务培训，不断提升政务公开工作质量。", v.Year+1, self))
	head("六、其他需要报告的事项")
	para(fmt.Sprintf("%d年度，%s未收取信息处理费。", v.Year, self))
	para(fmt.Sprintf("本年度共承办人大代表建议%d件、政协提案%d件，已全部按期办结。", r.Intn(30), r.Intn(40)))
	out = append(out, block{kind: bSign, text: v.Agency}, block{kind: bSign, text: chineseDate(v.Published)})
	return out
}

// cellHTML renders one cell.
func (v *Variant) cellHTML(b *strings.Builder, c tcell) {
	tag := "td"
	attrs := ""
	if c.rs > 1 {
		attrs += fmt.Sprintf(` rowspan="%d"`, c.rs)
	}
	if c.cs > 1 {
		attrs += fmt.Sprintf(` colspan="%d"`, c.cs)
	}
	lines := strings.Split(c.text, "\n")
	for i := range lines {
		lines[i] = html.EscapeString(lines[i])
	}
	br := "<br />"
	if v.seed%2 == 0 {
		br = "<br/>"
	}
	content := strings.Join(lines, br)
	if content == "" {
		content = "&nbsp;"
	}
	if v.has(QuirkWordMarkup) {
		align := "center"
		if c.right {
			align = "right"
		}
		fmt.Fprintf(b, `<%s width="%d" valign="center"%s style="padding:0.0000pt 5.4000pt 0.0000pt 5.4000pt ;border-left:1.0000pt solid windowtext;border-right:1.0000pt solid windowtext;border-top:1.0000pt solid windowtext;border-bottom:1.0000pt solid windowtext;"><p class="MsoNormal" align="%s" style="text-align:%s;"><span style="font-family:宋体;font-size:10.5000pt;">%s</span><span style="font-family:宋体;font-size:10.5000pt;"><o:p></o:p></span></p></%s>`,
			tag, 40+len(c.text)*6, attrs, align, align, content, tag)
		return
	}
	if c.right {
		attrs += ` align="right"`
	}
	fmt.Fprintf(b, "<%s%s>%s</%s>", tag, attrs, content, tag)
}

func (v *Variant) tableHTML(b *strings.Builder, t *ttable) {
	if v.has(QuirkWordMarkup) {
		b.WriteString(`<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" align="center" style="border-collapse:collapse;border:none;mso-border-left-alt:0.5000pt solid windowtext;mso-border-top-alt:0.5000pt solid windowtext;mso-padding-alt:0.0000pt 5.4000pt 0.0000pt 5.4000pt;">` + "\n<tbody>\n")
	} else {
		b.WriteString(`<table border="1" cellspacing="0" cellpadding="0" width="100%">` + "\n<tbody>\n")
	}
	for _, row := range t.rows {
		b.WriteString("<tr>")
		for _, c := range row {
			v.cellHTML(b, c)
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
}

// BodyHTML returns the article body (title, metadata line, sections 一…六 with the three tables
// and the signature) as a UTF-8 string, for the simulated web to wrap in a CMS template.
func (v Variant) BodyHTML() string {
	var b strings.Builder
	if v.has(QuirkNestedTable) {
		b.WriteString(`<table width="100%" border="0" cellspacing="0" cellpadding="0" class="layout"><tr><td class="bt_content">` + "\n")
	}
	b.WriteString(`<div class="article">` + "\n")
	fmt.Fprintf(&b, "<h1 class=\"article-title\">%s</h1>\n", html.EscapeString(v.Title()))
	fmt.Fprintf(&b, "<div class=\"article-info\"><span>发布机构：%s</span> <span>发布日期：%s</span></div>\n", html.EscapeString(v.Agency), v.Published)
	b.WriteString(`<div class="article-content">` + "\n")
	for _, bl := range v.blocks() {
		switch bl.kind {
		case bPara:
			if v.has(QuirkWordMarkup) {
				fmt.Fprintf(&b, `<p class="MsoNormal" style="text-indent:32.0000pt;mso-char-indent-count:2.0000;"><span style="font-family:仿宋_GB2312;font-size:16.0000pt;">%s</span><span style="font-family:仿宋_GB2312;font-size:16.0000pt;"><o:p></o:p></span></p>`+"\n", html.EscapeString(bl.text))
			} else {
				fmt.Fprintf(&b, "<p style=\"text-indent:2em\">%s</p>\n", html.EscapeString(bl.text))
			}
		case bHeading:
			fmt.Fprintf(&b, "<p style=\"text-indent:2em\"><strong>%s</strong></p>\n", html.EscapeString(bl.text))
		case bTable:
			v.tableHTML(&b, bl.tab)
		case bSign:
			fmt.Fprintf(&b, "<p style=\"text-align:right\">%s</p>\n", html.EscapeString(bl.text))
		}
	}
	b.WriteString("</div>\n</div>\n")
	if v.has(QuirkNestedTable) {
		b.WriteString("</td></tr></table>\n")
	}
	return b.String()
}

// HTML returns the full report page encoded in v.Encoding: a <head> with the charset
// declaration of the variant, ArticleTitle, PubDate and (sometimes) SiteIDCode metas, and the body.
func (v Variant) HTML() []byte {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html>\n<head>\n")
	switch {
	case v.Encoding != "gbk":
		b.WriteString(`<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />` + "\n")
	case v.has(QuirkGBKUndeclared):
	case v.has(QuirkGBKMetaOnly):
		b.WriteString(`<meta charset="gbk">` + "\n")
	default:
		b.WriteString(`<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />` + "\n")
	}
	fmt.Fprintf(&b, "<title>%s</title>\n", html.EscapeString(v.Title()))
	fmt.Fprintf(&b, "<meta name=\"ArticleTitle\" content=\"%s\">\n", html.EscapeString(v.Title()))
	fmt.Fprintf(&b, "<meta name=\"PubDate\" content=\"%s %02d:%02d\">\n", v.Published, 8+int(v.seed%10), int(v.seed%60))
	fmt.Fprintf(&b, "<meta name=\"ContentSource\" content=\"%s\">\n", html.EscapeString(v.Agency))
	if v.seed%4 != 0 {
		fmt.Fprintf(&b, "<meta name=\"SiteIDCode\" content=\"%010d\">\n", 3700000000+v.seed%99999999)
	}
	b.WriteString("</head>\n<body>\n")
	b.WriteString(v.BodyHTML())
	b.WriteString("</body>\n</html>\n")
	if v.Encoding == "gbk" {
		out, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(b.String()))
		if err == nil {
			return out
		}
	}
	return []byte(b.String())
}

// nbsp is how a cell printed empty appears in the text renderings.
const nbsp = "\u00a0"

// textHead writes the title and the publication line.
func (v *Variant) textHead(b *bytes.Buffer) {
	fmt.Fprintf(b, "%s\n发布时间:%s %02d:%02d:%02d\n\n", v.Title(), v.Published, 8+int(v.seed%10), int(v.seed%60), int(v.seed%53))
	fmt.Fprintf(b, "发布机构:%s\n\n", v.Agency)
}

// FlatText returns the report as text with the tables flattened one cell per line, each line
// followed by an empty line, exactly like ../shared/realdata/muping_2022.txt. A header word
// broken by <br /> spans two lines; a cell printed empty is a line holding one U+00A0.
func (v Variant) FlatText() []byte {
	var b bytes.Buffer
	v.textHead(&b)
	for _, bl := range v.blocks() {
		if bl.kind != bTable {
			b.WriteString(bl.text + "\n\n")
			continue
		}
		for _, row := range bl.tab.rows {
			for _, c := range row {
				if c.text == "" {
					b.WriteString(nbsp + "\n\n")
					continue
				}
				for _, l := range strings.Split(c.text, "\n") {
					b.WriteString(l + "\n\n")
				}
			}
		}
	}
	return b.Bytes()
}

// rowTextStyle is 0 (tab-separated), 1 (space-separated) or 2 (markdown tables).
func (v *Variant) rowTextStyle() int {
	s := int(v.seed % 3)
	if s == 1 {
		for _, p := range v.Printed {
			if p == "" {
				return 0 // an empty cell cannot be seen between spaces
			}
		}
	}
	return s
}

// RowText returns the report as text where each table row's cells are on one line, separated
// by tabs or spaces, or (for some variants) as markdown tables. Only origin cells are printed:
// a cell spanning rows appears on its first row; a header broken by <br /> is joined again.
func (v Variant) RowText() []byte {
	var b bytes.Buffer
	v.textHead(&b)
	style := v.rowTextStyle()
	for _, bl := range v.blocks() {
		if bl.kind != bTable {
			b.WriteString(bl.text + "\n")
			continue
		}
		if style == 2 {
			b.WriteString("\n")
		}
		for i, row := range bl.tab.rows {
			var cs []string
			for _, c := range row {
				cs = append(cs, strings.ReplaceAll(c.text, "\n", ""))
			}
			switch style {
			case 0:
				b.WriteString(strings.Join(cs, "\t") + "\n")
			case 1:
				b.WriteString(strings.Join(cs, "  ") + "\n")
			default:
				b.WriteString("| " + strings.Join(cs, " | ") + " |\n")
				if i == 0 {
					b.WriteString(strings.Repeat("|---", len(cs)) + "|\n")
				}
			}
		}
		if style == 2 {
			b.WriteString("\n")
		}
	}
	return b.Bytes()
}
