package simweb

import (
	"bytes"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"strings"
	"sync"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/ogireports/ogireports/internal/cells"
)

var esc = html.EscapeString

// ctypeHTML is the Content-Type of a site's HTML pages: gb2312 sites declare the charset only
// in <meta>, gbk (S6) sites only in the header.
func ctypeHTML(s *site) string {
	switch s.pub.Encoding {
	case "gb2312":
		return "text/html"
	case "gbk":
		return "text/html; charset=GBK"
	}
	return "text/html; charset=utf-8"
}

func charsetMeta(s *site) string {
	switch s.pub.Encoding {
	case "gb2312":
		return `<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`
	case "gbk":
		return `<meta charset="gb2312">` // conflicts with the header on purpose
	}
	return `<meta charset="utf-8">`
}

// encodeFor encodes a UTF-8 page in the site's encoding (unencodable runes as &#N;).
func encodeFor(s *site, page string) []byte {
	if s.pub.Encoding == "utf-8" {
		return []byte(page)
	}
	enc := encoding.HTMLEscapeUnsupported(simplifiedchinese.GBK.NewEncoder())
	out, err := enc.String(page)
	if err != nil {
		return []byte(page)
	}
	return []byte(out)
}

// htmlPage renders a complete page in the site's skin and encoding.
func (w *Web) htmlPage(s *site, title, metas, main string) []byte {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html>\n<head>\n")
	b.WriteString(charsetMeta(s))
	fmt.Fprintf(&b, "\n<title>%s_%s</title>\n", esc(title), esc(s.pub.Name))
	fmt.Fprintf(&b, "<meta name=\"SiteName\" content=\"%s\">\n<meta name=\"SiteDomain\" content=\"%s\">\n<meta name=\"SiteIDCode\" content=\"%s0001\">\n",
		esc(s.pub.Name), s.pub.Host, s.pub.Code)
	b.WriteString(metas)
	b.WriteString("</head>\n<body>\n<div class=\"header\"><div class=\"logo\">")
	b.WriteString(esc(s.pub.Name))
	b.WriteString("</div>\n<ul class=\"nav\">")
	home := w.homePath(s)
	fmt.Fprintf(&b, `<li><a href="%s">首页</a></li>`, home)
	fmt.Fprintf(&b, `<li><a href="%s">新闻中心</a></li>`, w.noisePath(s, "xwzx", 0))
	fmt.Fprintf(&b, `<li><a href="%s">政务公开</a></li>`, s.hub)
	fmt.Fprintf(&b, `<li><a href="%s">互动交流</a></li>`, w.noisePath(s, "hdjl", 0))
	b.WriteString("</ul></div>\n<div class=\"main\">\n")
	b.WriteString(main)
	b.WriteString("\n</div>\n<div class=\"footer\">主办单位：")
	b.WriteString(esc(s.pub.Name))
	fmt.Fprintf(&b, "办公室　网站标识码：%s0001　<a href=\"http://www.gov.cn/\">中国政府网</a></div>\n</body>\n</html>\n", s.pub.Code)
	return encodeFor(s, b.String())
}

// reportMetas renders the national-spec <meta> tags of an article page.
func reportMetas(column, title, pubDate, source string) string {
	return fmt.Sprintf("<meta name=\"ColumnName\" content=\"%s\">\n<meta name=\"ColumnType\" content=\"%s\">\n"+
		"<meta name=\"ArticleTitle\" content=\"%s\">\n<meta name=\"PubDate\" content=\"%s\">\n"+
		"<meta name=\"ContentSource\" content=\"%s\">\n",
		esc(column), esc(column), esc(title), pubDate, esc(source))
}

// prose2008 renders a pre-2019 report: prose sections and, from 2014, a 附表 statistics table
// (指标 | 单位 | 统计数), or with coded the 定西-style table (代码 01–35, 本期实际/本年累计).
func prose2008(seed int64, agency string, year int, coded bool) string {
	r := newRand(seed)
	n := func(lo, hi int) int { return lo + r.Intn(hi-lo+1) }
	var b strings.Builder
	fmt.Fprintf(&b, "<p>本报告根据《中华人民共和国政府信息公开条例》要求，由%s编制。全文包括概述、主动公开政府信息情况、依申请公开政府信息情况、政府信息公开的收费及减免情况、因政府信息公开申请提起行政复议和行政诉讼情况、存在的问题及改进措施。本报告中所列数据统计期限自%d年1月1日起至%d年12月31日止。</p>\n", esc(agency), year, year)
	secs := []string{"一、概述", "二、主动公开政府信息情况", "三、依申请公开政府信息情况", "四、政府信息公开的收费及减免情况", "五、因政府信息公开申请提起行政复议、行政诉讼的情况", "六、政府信息公开工作存在的主要问题及改进情况"}
	a, g := n(200, 3000), n(5, 80)
	for i, s := range secs {
		fmt.Fprintf(&b, "<p><strong>%s</strong></p>\n", s)
		switch i {
		case 1:
			fmt.Fprintf(&b, "<p>%d年，全年共主动公开政府信息%d条，其中通过政府网站公开%d条。</p>\n", year, a, a-n(0, 50))
		case 2:
			fmt.Fprintf(&b, "<p>全年共受理政府信息公开申请%d件，均已按期答复。</p>\n", g)
		case 3:
			b.WriteString("<p>本年度未收取任何费用。</p>\n")
		case 4:
			fmt.Fprintf(&b, "<p>全年因政府信息公开申请提起行政复议%d件，提起行政诉讼%d件。</p>\n", n(0, 3), n(0, 2))
		default:
			b.WriteString("<p>我单位政府信息公开工作取得了一定成效，但仍存在公开内容不够全面等问题。</p>\n")
		}
	}
	if coded {
		b.WriteString("<p>附表：政府信息公开情况统计表</p>\n<table border=\"1\" cellspacing=\"0\"><tr><td>指标名称</td><td>代码</td><td>计量单位</td><td>本期实际</td><td>本年累计</td></tr>\n")
		for code := 1; code <= 35; code++ {
			v := n(0, 40)
			fmt.Fprintf(&b, "<tr><td>统计指标%d</td><td>%02d</td><td>件</td><td>%d</td><td>%d</td></tr>\n", code, code, v, v+n(0, 5))
		}
		b.WriteString("</table>\n")
	} else if year >= 2014 {
		b.WriteString("<p>附表：政府信息公开情况统计表</p>\n<table border=\"1\" cellspacing=\"0\"><tr><td>指标</td><td>单位</td><td>统计数</td></tr>\n")
		for _, row := range []struct {
			l, u string
			v    int
		}{
			{"一、主动公开情况", "", -1}, {"（一）主动公开政府信息数", "条", a},
			{"二、依申请公开情况", "", -1}, {"（一）收到申请数", "件", g},
			{"三、政府信息公开收费及减免情况", "", -1}, {"（一）收取费用", "万元", 0},
			{"四、因政府信息公开申请行政复议数", "件", n(0, 3)},
		} {
			v := ""
			if row.v >= 0 {
				v = fmt.Sprint(row.v)
			}
			fmt.Fprintf(&b, "<tr><td>%s</td><td>%s</td><td>%s</td></tr>\n", row.l, row.u, v)
		}
		b.WriteString("</table>\n")
	}
	fmt.Fprintf(&b, "<p style=\"text-align:right\">%s</p>\n", esc(agency))
	return b.String()
}

// noticeBody renders a format notice with an empty template table (no numbers).
func noticeBody(layout cells.Layout) string {
	var b strings.Builder
	b.WriteString("<p>各省、自治区、直辖市人民政府办公厅，国务院各部委、各直属机构办公厅（室）：</p>\n")
	b.WriteString("<p>为进一步规范政府信息公开工作年度报告的编制和发布，现将《中华人民共和国政府信息公开工作年度报告格式》印发给你们，请遵照执行。</p>\n")
	b.WriteString("<p>三、收到和处理政府信息公开申请情况</p>\n<table border=\"1\"><tr><td colspan=\"3\" rowspan=\"3\">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan=\"7\">申请人情况</td></tr>\n")
	spec, _ := cells.SpecFor(cells.T3, layout)
	for _, row := range spec.Rows {
		fmt.Fprintf(&b, "<tr><td colspan=\"3\">%s</td>%s</tr>\n", row.Label, strings.Repeat("<td>&nbsp;</td>", 7))
	}
	b.WriteString("</table>\n<p>国务院办公厅政府信息公开办公室</p>\n")
	return b.String()
}

var tradMap = strings.NewReplacer(
	"国", "國", "务", "務", "开", "開", "区", "區", "县", "縣", "报", "報", "关", "關", "于", "於",
	"说", "說", "处", "處", "请", "請", "数", "數", "总", "總", "计", "計", "门", "門", "发", "發",
	"书", "書", "类", "類", "询", "詢", "执", "執", "审", "審", "结", "結", "决", "決", "复", "復",
	"议", "議", "诉", "訴", "讼", "訟", "会", "會", "务", "務", "岁", "歲", "财", "財", "统", "統",
	"政府信息公开", "政府資訊公開",
)

// toTraditional converts common characters to traditional forms (for non-gov mirror copies).
func toTraditional(s string) string { return tradMap.Replace(s) }

var (
	pngOnce  sync.Once
	pngBytes []byte
)

// tablePNG is a small grey PNG standing for a table published as an image.
func tablePNG() []byte {
	pngOnce.Do(func() {
		img := image.NewGray(image.Rect(0, 0, 64, 32))
		for x := 0; x < 64; x++ {
			for y := 0; y < 32; y++ {
				c := uint8(240)
				if x%16 == 0 || y%8 == 0 {
					c = 40
				}
				img.SetGray(x, y, color.Gray{Y: c})
			}
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err == nil {
			pngBytes = buf.Bytes()
		}
	})
	return pngBytes
}

// placeholderPDF returns a small valid one-page PDF saying it stands for a report.
func placeholderPDF(title string) []byte {
	text := "simweb placeholder: " + strings.Map(func(r rune) rune {
		if r < 128 && r != '(' && r != ')' && r != '\\' {
			return r
		}
		return -1
	}, title)
	stream := fmt.Sprintf("BT /F1 12 Tf 72 720 Td (%s) Tj ET", text)
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// vsbErrorPage is the ~4.9 KB HTML error page download.jsp returns without a same-host Referer.
func vsbErrorPage() []byte {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\"><title>提示信息</title>\n<style type=\"text/css\">\n")
	for b.Len() < 4600 {
		b.WriteString(".vsb_err td{font-size:12px;color:#333;line-height:22px;padding:4px 8px;border:1px solid #ddd;}\n")
	}
	b.WriteString("</style></head><body><table class=\"vsb_err\" align=\"center\"><tr><td>对不起，您访问的资源不存在或者您没有权限下载该附件！</td></tr>" +
		"<tr><td><a href=\"javascript:history.back()\">返回</a></td></tr></table></body></html>")
	return []byte(b.String())
}
