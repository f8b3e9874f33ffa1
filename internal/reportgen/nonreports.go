package reportgen

import (
	"fmt"
	"html"
	"math/rand"
	"strings"
)

// page wraps a title and body paragraphs (and optional raw HTML) into a UTF-8 page.
func page(title, agency, date string, paras []string, raw string) []byte {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n")
	fmt.Fprintf(&b, "<title>%s</title>\n<meta name=\"ArticleTitle\" content=\"%s\">\n<meta name=\"PubDate\" content=\"%s 09:30\">\n", html.EscapeString(title), html.EscapeString(title), date)
	b.WriteString("</head>\n<body>\n<div class=\"article\">\n")
	fmt.Fprintf(&b, "<h1 class=\"article-title\">%s</h1>\n<div class=\"article-info\"><span>发布机构：%s</span> <span>发布日期：%s</span></div>\n<div class=\"article-content\">\n", html.EscapeString(title), html.EscapeString(agency), date)
	for _, p := range paras {
		fmt.Fprintf(&b, "<p style=\"text-indent:2em\">%s</p>\n", html.EscapeString(p))
	}
	b.WriteString(raw)
	fmt.Fprintf(&b, "<p style=\"text-align:right\">%s</p>\n</div>\n</div>\n</body>\n</html>\n", html.EscapeString(agency))
	return []byte(b.String())
}

// NonReports returns documents that look close to an annual OGI report but are not one, each
// as a UTF-8 HTML page: a 法治政府建设年度报告, the State Council 通知 about the 年度报告格式
// (with the empty format tables), a 政务公开工作要点, a 关于…年度报告的说明 and a 统计公报.
// The result is deterministic for a seed.
func NonReports(seed int64) []Doc {
	r := rand.New(rand.NewSource(seed))
	agency := SampleAgencies[r.Intn(len(SampleAgencies))]
	y := 2019 + r.Intn(6)
	date := fmt.Sprintf("%d-%02d-%02d", y+1, 1+r.Intn(3), 1+r.Intn(28))
	var docs []Doc
	add := func(id, title string, b []byte) { docs = append(docs, Doc{ID: id, Title: title, HTML: b}) }

	t := fmt.Sprintf("%s%d年法治政府建设年度报告", agency, y)
	add("nr-fazhi", t, page(t, agency, date, []string{
		fmt.Sprintf("%d年，%s深入学习贯彻习近平法治思想，全面推进法治政府建设，现将有关情况报告如下。", y, agency),
		"一、推进法治政府建设的主要举措和成效",
		fmt.Sprintf("全年制发行政规范性文件%d件，全部经合法性审核；办理行政复议案件%d件，行政应诉案件%d件，推进政务公开，主动公开政府信息%d条。", r.Intn(10), r.Intn(20), r.Intn(15), 100+r.Intn(2000)),
		"二、存在的不足和原因", "三、下一步工作安排",
	}, ""))

	var tb strings.Builder
	tb.WriteString("<p>二、主动公开政府信息情况</p>\n<table border=\"1\"><tr><td colspan=\"4\">第二十条第（一）项</td></tr><tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr><tr><td>规章</td><td>&nbsp;</td><td>&nbsp;</td><td>&nbsp;</td></tr><tr><td>行政规范性文件</td><td>&nbsp;</td><td>&nbsp;</td><td>&nbsp;</td></tr></table>\n")
	tb.WriteString("<p>三、收到和处理政府信息公开申请情况</p>\n<table border=\"1\"><tr><td colspan=\"3\" rowspan=\"3\">&nbsp;</td><td colspan=\"7\">申请人情况</td></tr><tr><td rowspan=\"2\">自然人</td><td colspan=\"5\">法人或其他组织</td><td rowspan=\"2\">总计</td></tr><tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr><tr><td colspan=\"3\">一、本年新收政府信息公开申请数量</td><td></td><td></td><td></td><td></td><td></td><td></td><td></td></tr></table>\n")
	t = "国务院办公厅政府信息与政务公开办公室关于印发《中华人民共和国政府信息公开工作年度报告格式》的通知"
	add("nr-format-notice", t, page(t, "国务院办公厅政府信息与政务公开办公室", "2021-09-26", []string{
		"各省、自治区、直辖市人民政府办公厅（室），国务院各部委、各直属机构办公厅（室）：",
		"为进一步规范政府信息公开工作年度报告的编制和发布，现将修订后的《中华人民共和国政府信息公开工作年度报告格式》印发给你们，请遵照执行。各级行政机关应于每年1月31日前向社会公布本机关上一年度政府信息公开工作年度报告。",
		"附件：中华人民共和国政府信息公开工作年度报告格式",
	}, tb.String()))

	t = fmt.Sprintf("%s%d年政务公开工作要点", agency, y+1)
	add("nr-yaodian", t, page(t, agency, date, []string{
		fmt.Sprintf("为深入贯彻落实《中华人民共和国政府信息公开条例》，做好%d年政务公开工作，结合实际，制定本要点。", y+1),
		fmt.Sprintf("一、按时编制发布%d年政府信息公开工作年度报告，于%d年1月31日前在政府网站公开。", y, y+1),
		"二、加强政策解读和回应关切。三、做好依申请公开工作。",
	}, ""))

	t = fmt.Sprintf("关于%s%d年政府信息公开工作年度报告的说明", agency, y)
	add("nr-shuoming", t, page(t, agency, date, []string{
		fmt.Sprintf("我单位%d年政府信息公开工作年度报告已于%s在本网站发布。经核查，报告中“收到和处理政府信息公开申请情况”表格第%d行数据有误，现予更正，更正后的年度报告见附件。", y, date, 3+r.Intn(20)),
		"特此说明。",
	}, ""))

	t = fmt.Sprintf("%s%d年国民经济和社会发展统计公报", strings.TrimSuffix(agency, "人民政府"), y)
	add("nr-gongbao", t, page(t, agency, date, []string{
		fmt.Sprintf("%d年，全区实现地区生产总值%d.%d亿元，比上年增长%d.%d%%。", y, 100+r.Intn(900), r.Intn(10), 1+r.Intn(8), r.Intn(10)),
		fmt.Sprintf("全年一般公共预算收入%d.%d亿元，城镇新增就业%d人。", 5+r.Intn(90), r.Intn(10), 1000+r.Intn(9000)),
	}, "<table border=\"1\"><tr><td>指标</td><td>单位</td><td>绝对数</td><td>比上年增长（%）</td></tr><tr><td>地区生产总值</td><td>亿元</td><td>"+fmt.Sprint(100+r.Intn(900))+"</td><td>"+fmt.Sprint(1+r.Intn(8))+".2</td></tr></table>\n"))
	return docs
}
