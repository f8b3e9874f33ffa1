package simweb

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/reportgen"
)

var noiseSections = []struct{ sec, name string }{
	{"xwzx", "新闻中心"}, {"hdjl", "互动交流"}, {"zfxxgkzn", "政府信息公开指南"},
	{"zfxxgkzd", "政府信息公开制度"}, {"fdzdgknr", "法定主动公开内容"},
}

func (w *Web) simplePage(s *site, title, main string, key pageKey) page {
	return page{body: w.htmlPage(s, title, "", main), ctype: ctypeHTML(s), lastMod: staticTime, key: key}
}

func (w *Web) homePage(s *site) page {
	var b strings.Builder
	b.WriteString("<div class=\"focus\"><h2>要闻动态</h2><ul>\n")
	for n := 1; n <= 5; n++ {
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s召开第%d次常务会议</a></li>\n", w.noisePath(s, "xwzx", n), esc(s.short), n)
	}
	b.WriteString("</ul></div>\n<div class=\"gk\"><h2>政务公开</h2><ul>\n")
	fmt.Fprintf(&b, "<li><a href=\"%s\">政府信息公开</a></li>\n", s.hub)
	fmt.Fprintf(&b, "<li><a href=\"%s\">政府信息公开指南</a></li>\n", w.noisePath(s, "zfxxgkzn", 0))
	b.WriteString("<li><a href=\"/search/?q=年报\">站内搜索</a></li>\n")
	if s.pub.Trap {
		b.WriteString("<li><a href=\"/calendar/?d=2024-01-01\">工作日历</a></li>\n")
	}
	b.WriteString("</ul></div>\n<div class=\"links\"><h2>友情链接</h2><ul>\n")
	fmt.Fprintf(&b, "<li><a href=\"http://www.gov.cn/\">中国政府网</a></li>\n<li><a href=\"http://www.%s.gov.cn/\">省政府门户网站</a></li>\n",
		provincePinyin(s.pub.Code))
	if s.mirror != "" {
		for _, it := range w.items(s) {
			if it.isReport() && it.kind == "html" && it.unit < 0 {
				fmt.Fprintf(&b, "<li><a href=\"http://%s%s\">政务资讯网</a></li>\n", s.mirror, mirrorPath(s, it))
				break
			}
		}
	}
	b.WriteString("</ul></div>\n")
	return w.simplePage(s, "首页", b.String(), pageKey{s.idx, "home", 0, 0})
}

func provincePinyin(code string) string {
	for _, p := range provinces {
		if fmt.Sprintf("%02d", p.code) == code[:2] {
			return p.py
		}
	}
	return "www"
}

func (w *Web) hubPage(s *site) page {
	var b strings.Builder
	b.WriteString(breadcrumb(s, s.hub, "政府信息公开"))
	b.WriteString("<div class=\"xxgk-nav\"><ul>\n")
	for _, ns := range noiseSections[2:] {
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", w.noisePath(s, ns.sec, 0), ns.name)
	}
	fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", w.columnPath(s, colMain, 1), esc(s.nbName))
	switch s.pub.Style {
	case S2:
		b.WriteString("</ul></div>\n<div class=\"nbapp\"><h3>年报查询</h3><ul>\n")
		for y := s.years[1]; y >= s.years[0]; y-- {
			fmt.Fprintf(&b, "<li><a href=\"%s?fbtime=%d&amp;area=%s\">%d年度</a></li>\n", annualReportApp, y, s.areaCode(), y)
		}
	case S3:
		fmt.Fprintf(&b, "<li><a href=\"/gkmlpt/index#%d\">信息公开目录</a></li>\n", s.gkCat())
	case S5:
		if s.nUnits > 1 {
			b.WriteString("<li><a href=\"/zfxxgknb/index.html\">部门及街道（镇）年报</a></li>\n")
		}
	}
	b.WriteString("</ul></div>\n")
	return w.simplePage(s, "政府信息公开", b.String(), pageKey{s.idx, "hub", 0, 0})
}

// noisePage serves the navigation noise sections: a list of five articles and the articles.
func (w *Web) noisePage(s *site, p string) (page, bool) {
	for _, ns := range noiseSections {
		if p == w.noisePath(s, ns.sec, 0) {
			var b strings.Builder
			b.WriteString(breadcrumb(s, s.hub, ns.name) + "<ul class=\"list\">\n")
			for n := 1; n <= 5; n++ {
				fmt.Fprintf(&b, "<li><a href=\"%s\">%s（%d）</a><span>2024-0%d-1%d</span></li>\n", w.noisePath(s, ns.sec, n), ns.name, n, n, n)
			}
			b.WriteString("</ul>\n")
			return w.simplePage(s, ns.name, b.String(), pageKey{s.idx, "noise-" + ns.sec, 0, 0}), true
		}
		for n := 1; n <= 5; n++ {
			if p == w.noisePath(s, ns.sec, n) {
				body := fmt.Sprintf("<h1>%s（%d）</h1><div class=\"content\"><p>%s按照有关要求开展相关工作，现将有关情况公布如下。</p></div>", ns.name, n, esc(s.pub.Name))
				return w.simplePage(s, ns.name, body, pageKey{s.idx, "noise-" + ns.sec, 0, n}), true
			}
		}
	}
	return page{}, false
}

// calendarPage is a URL trap: every day links to the next and previous day, forever.
func (w *Web) calendarPage(s *site, d string) page {
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		return notFound(s)
	}
	body := fmt.Sprintf("<h1>工作日历 %s</h1><p>今日无安排。</p><a href=\"/calendar/?d=%s\">前一天</a> <a href=\"/calendar/?d=%s\">后一天</a>",
		d, t.AddDate(0, 0, -1).Format("2006-01-02"), t.AddDate(0, 0, 1).Format("2006-01-02"))
	return page{body: w.htmlPage(s, "工作日历", "", body), ctype: ctypeHTML(s), lastMod: staticTime}
}

// itemBody renders the article body of an item (UTF-8) and reports its layout.
func (w *Web) itemBody(s *site, it item, v reportgen.Variant, title string) string {
	switch it.cat {
	case CatNotice2019:
		return noticeBody(cells.Gov2019)
	case CatNotice2021:
		return noticeBody(cells.Gov2021)
	case CatExplanation:
		return fmt.Sprintf("<p>%s：</p><p>我单位于%d年发布的政府信息公开工作年度报告中，“收到和处理政府信息公开申请情况”部分数据因统计口径调整有误，现予以更正，更正后的数据以本说明为准。</p><p>特此说明。</p><p style=\"text-align:right\">%s<br>%s</p>",
			"各有关单位", it.year+1, esc(s.pub.Name), it.pub.Format("2006年1月2日"))
	case CatRuleOfLaw:
		return fmt.Sprintf("<p>%d年，%s坚持以习近平法治思想为指导，深入推进法治政府建设，现将有关情况报告如下。</p><p>一、主要举措和成效</p><p>（一）依法全面履行政府职能……</p><p>二、存在的不足和原因</p><p>三、下一步工作安排</p>",
			it.year, esc(s.pub.Name))
	case CatNonReport:
		docs := nonReports(s.seed)
		if it.doc < len(docs) {
			return docBody(docs[it.doc].HTML)
		}
		return "<p>" + esc(title) + "</p>"
	}
	if !it.isReport() {
		return "<p>" + esc(title) + "</p>"
	}
	switch it.kind {
	case "pdf", "doc", "docx":
		href := w.attachPath(s, it)
		if s.pub.Style == S1 {
			href = "./" + href[strings.LastIndexByte(href, '/')+1:]
		}
		return fmt.Sprintf("<p>%s</p><p>附件：<a href=\"%s\" target=\"_blank\">%s.%s</a></p>", esc(title), esc(href), esc(title), attachExt(it.kind))
	}
	var body string
	if it.year < 2019 {
		coded := s.pub.Style == S6 && it.unit < 0 && it.year == s.years[1]
		body = prose2008(mix(s.seed, "prose", it.id), it.agency, it.year, coded)
	} else {
		body = v.BodyHTML()
		if body == "" {
			body = fmt.Sprintf("<p>%s</p><p>本报告根据《中华人民共和国政府信息公开条例》要求编制。</p>", esc(title))
		}
	}
	if it.kind == "image" {
		pics := w.tableImages(it, v)
		body = reportgen.ReplaceTables(body, func(n int) string { return w.imagePath(s, it, n, imageExt(pics, n)) })
	}
	return body
}

// tableImages returns the pictures of an image-kind report's tables from Config.TableImages:
// nil when the hook is unset or the item is not such a report of 2019 or later (a pre-2019
// prose report's tables are not the variant's).
func (w *Web) tableImages(it item, v reportgen.Variant) []reportgen.TableImage {
	if w.cfg.TableImages == nil || !it.isReport() || it.kind != "image" || it.year < 2019 {
		return nil
	}
	return w.cfg.TableImages(v)
}

// imageExt is the path extension of picture n (1-based) of pics: its format's, or ".png" for
// the placeholder served beyond the pictures.
func imageExt(pics []reportgen.TableImage, n int) string {
	if n >= 1 && n <= len(pics) {
		return pics[n-1].Ext()
	}
	return ".png"
}

// docBody keeps the inside of <body> of a full document.
func docBody(b []byte) string {
	lb := bytes.ToLower(b)
	if i := bytes.Index(lb, []byte("<body")); i >= 0 {
		if j := bytes.IndexByte(lb[i:], '>'); j >= 0 {
			rest := b[i+j+1:]
			if k := bytes.Index(bytes.ToLower(rest), []byte("</body")); k >= 0 {
				rest = rest[:k]
			}
			return string(rest)
		}
	}
	return string(b)
}

// detailPage renders an item's article page in the site's style.
func (w *Web) detailPage(s *site, it item, mobile bool) page {
	v := w.variant(s, it)
	title := w.title(s, it, &v)
	body := w.itemBody(s, it, v, title)
	agency := it.agency
	if agency == "" {
		agency = s.pub.Name
	}
	pubDate := it.pub.Format("2006-01-02")
	seq := fmt.Sprintf("%s/%d-%05d", s.orgCode, it.pub.Year(), it.id%100000)
	colName := w.columnName(s, it.col)
	var b strings.Builder
	b.WriteString(breadcrumb(s, s.hub, colName))
	switch s.pub.Style {
	case S1:
		fmt.Fprintf(&b, "<div class=\"detail\"><h1 class=\"title\">%s</h1>\n<table class=\"xxgk-meta\"><tr><td>索引号：</td><td>%s</td><td>发布机构：</td><td>%s</td></tr>\n<tr><td>成文日期：</td><td>%s</td><td>发布日期：</td><td>%s</td></tr></table>\n<div class=\"TRS_Editor\">%s</div></div>\n",
			esc(title), seq, esc(agency), it.pub.AddDate(0, 0, -2).Format("2006-01-02"), pubDate, body)
	case S2:
		fmt.Fprintf(&b, "<table class=\"xxgk_table\"><tr><td>索引号</td><td>%s</td><td>分类</td><td>政府信息公开年报</td></tr>\n<tr><td>发布机构</td><td>%s</td><td>发文日期</td><td>%s</td></tr>\n<tr><td>文号</td><td></td><td>有效性</td><td>有效</td></tr></table>\n",
			seq, esc(agency), pubDate)
		fmt.Fprintf(&b, "<table><tr><td class=\"title\">%s</td></tr><tr><td>发布日期：%s 信息来源：<!--<$[信息来源]>begin-->%s<!--<$[信息来源]>end--></td></tr>\n<tr><td class=\"bt_content\"><div id=\"zoom\"><meta name=\"ContentStart\"/>%s<meta name=\"ContentEnd\"/></div></td></tr></table>\n",
			esc(title), pubDate, esc(agency), body)
	case S3:
		if mobile {
			b.Reset()
			fmt.Fprintf(&b, "<div class=\"m-article\"><h2>%s</h2><p class=\"time\">%s</p><div class=\"article-content\">%s</div></div>", esc(title), pubDate, body)
		} else {
			fmt.Fprintf(&b, "<div class=\"news_cont_d\"><h1>%s</h1><div class=\"date\">发布日期：%s 来源：%s</div>\n<div class=\"news_cont_d_wrap\">%s</div></div>\n", esc(title), pubDate, esc(agency), body)
		}
	case S4:
		fmt.Fprintf(&b, "<form name=\"_newscontent_fromname\"><h1 align=\"center\">%s</h1><div align=\"center\">%s　点击数：<span id=\"dynclicks_u8_%d\"></span></div>\n<div id=\"vsb_content\"><div class=\"v_news_content\">%s</div></div>\n",
			esc(title), pubDate, it.id, body)
		if it.isReport() && (it.kind == "pdf" || it.kind == "doc" || it.kind == "docx") {
			fmt.Fprintf(&b, "<ul style=\"list-style-type:none;\"><li>附件【<a href=\"%s\" target=\"_blank\">%s.%s</a>】已下载<span id=\"nattach%d\"></span>次</li></ul>\n",
				esc(w.attachPath(s, it)), esc(title), attachExt(it.kind), it.id)
		}
		b.WriteString("</form>\n")
	case S5:
		fmt.Fprintf(&b, "<div class=\"Article\"><h2 class=\"Article-title\">%s</h2><small class=\"PBtime\">%s</small>\n<div class=\"Article_content\" id=\"ivs_content\">%s</div></div>\n", esc(title), pubDate, body)
	default:
		fmt.Fprintf(&b, "<table width=\"960\" align=\"center\"><tr><td class=\"title\" align=\"center\">%s</td></tr><tr><td align=\"center\">发布时间：%s</td></tr>\n<tr><td class=\"content\">%s</td></tr></table>\n",
			esc(title), it.pub.Format("2006-1-2"), body)
	}
	metas := reportMetas(colName, title, it.pub.Format("2006-01-02 15:04"), agency)
	lm := it.pub
	if rev := w.revisionOf(s, it.id); rev.n > 0 {
		lm = rev.at
	}
	kind := "detail"
	if mobile {
		kind = "mdetail"
	}
	return page{body: w.htmlPage(s, title, metas, b.String()), ctype: ctypeHTML(s), lastMod: lm, key: pageKey{s.idx, kind, it.id, 0}}
}

// mirrorPage serves the non-gov mirror of a site: traditional-character copies of reports.
func (w *Web) mirrorPage(s *site, r *http.Request) page {
	p := r.URL.Path
	its := w.items(s)
	if p == "/" || p == "/index.html" {
		var b strings.Builder
		b.WriteString("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>政务资讯网</title></head><body><ul>\n")
		for _, it := range its {
			if it.isReport() && it.kind == "html" && it.unit < 0 {
				fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", mirrorPath(s, it), esc(toTraditional(w.itemTitle(s, it))))
			}
		}
		b.WriteString("</ul></body></html>")
		return page{body: []byte(b.String()), ctype: "text/html; charset=utf-8", lastMod: staticTime}
	}
	for _, it := range its {
		if it.isReport() && it.kind == "html" && it.unit < 0 && p == mirrorPath(s, it) {
			v := w.variant(s, it)
			title := w.title(s, it, &v)
			body := fmt.Sprintf("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>%s</title></head><body><h1>%s</h1><div class=\"content\">%s</div><p>來源：%s</p></body></html>",
				esc(toTraditional(title)), esc(toTraditional(title)), toTraditional(w.itemBody(s, it, v, title)), s.pub.Host)
			return page{body: []byte(body), ctype: "text/html; charset=utf-8", lastMod: it.pub}
		}
	}
	return notFound(s)
}
