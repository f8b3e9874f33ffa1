package crawl

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ogireports/ogireports/internal/fetch"
)

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestClassifyTitle(t *testing.T) {
	tests := []struct {
		title string
		want  TitleClass
	}{
		{"XX区2022年政府信息公开工作年度报告", Report},
		{"2022年度政府信息公开年报", Report},
		{"XX局关于2022年政府信息公开工作的年度报告", Report},
		{"源嘉市潭和县审计局2023年政府信息公开工作年度报告", Report},
		{"江西省统计局政府信息公开工作年度报告", Report}, // no year: the body has it
		{"政府信息公开工作年度报告（2019年）", Report},
		{"国务院办公厅政府信息公开办公室关于印发《中华人民共和国政府信息公开工作年度报告格式》的通知", NotReport},
		{"关于荣龙区2019年政府信息公开工作年度报告的说明", NotReport},
		{"烟台市牟平区人民政府2023年政务公开工作要点", NotReport},
		{"江西省2022年法治政府建设年度报告", NotReport},
		{"烟台市牟平区2024年国民经济和社会发展统计公报", NotReport},
		{"图解：2022年政府信息公开工作年度报告", NotReport},
		{"XX公司2022年度报告", Unknown},        // subject unstated: the page decides
		{"荣龙区2022年度政务公开工作总结", NotReport}, // 工作总结 is never a report
		{"XX区2022年政府信息公开工作年…", Unknown},
		{"", Unknown},
	}
	for _, tc := range tests {
		if got := ClassifyTitle(tc.title); got != tc.want {
			t.Errorf("ClassifyTitle(%q) = %v, want %v", tc.title, got, tc.want)
		}
	}
}

func TestColumnAndHubLinks(t *testing.T) {
	tests := []struct {
		text, href  string
		column, hub bool
	}{
		{"政府信息公开年报", "http://a.gov.cn/zwgk/zfxxgk/zfxxgknb/index.html", true, false},
		{"公开年报", "http://a.gov.cn/110016/zfxxgknb/list.shtml", true, false},
		{"年报", "http://a.gov.cn/col/col123/index.html", true, false},
		{"部门及街道（镇）年报", "http://a.gov.cn/zfxxgknb/index.html", true, false},
		{"", "http://a.gov.cn/xxgk/gknb.htm", true, false},
		{"政府信息公开工作年度报告", "http://a.gov.cn/bmxz/zfxxgkgzndbg/index.html", true, false},
		{"2024年度", "http://a.gov.cn/module/xxgk/xxgkAnnualReport.jsp?fbtime=2024&area=1", true, false},
		{"XX区2022年政府信息公开工作年度报告", "http://a.gov.cn/zfxxgknb/202301/t20230130_1.html", false, false},
		{"政府信息公开指南", "http://a.gov.cn/zfxxgkzn/index.html", false, true},
		{"政府信息公开", "http://a.gov.cn/col/col1229/index.html", false, true},
		{"政务公开", "http://a.gov.cn/xxgk.htm", false, true},
		{"新闻中心", "http://a.gov.cn/xwzx/index.html", false, false},
		{"", "http://a.gov.cn/gkmlpt/index", false, true},
	}
	for _, tc := range tests {
		u := mustURL(t, tc.href)
		if got := IsColumnLink(tc.text, u); got != tc.column {
			t.Errorf("IsColumnLink(%q, %s) = %v, want %v", tc.text, tc.href, got, tc.column)
		}
		if got := IsHubLink(tc.text, u); got != tc.hub {
			t.Errorf("IsHubLink(%q, %s) = %v, want %v", tc.text, tc.href, got, tc.hub)
		}
	}
}

func TestURLShapes(t *testing.T) {
	tests := []struct {
		href                string
		article, attachment bool
	}{
		{"http://a.gov.cn/zfxxgknb/202301/t20230130_11545442.html", true, false},
		{"http://a.gov.cn/art/2023/1/17/art_1229214366_58900967.html", true, false},
		{"http://a.gov.cn/zfxxgkgzndbg/content/post_1665156.html", true, false},
		{"http://a.gov.cn/gkmlpt/content/7/7943/post_7943260.html", true, false},
		{"http://a.gov.cn/info/1050/64208.htm", true, false},
		{"http://a.gov.cn/nw12344/20230331/4a03b5fa47ae4c73b7ec42801de6be66.html", true, false},
		{"http://a.gov.cn/cms/html/npszf/2013-01-25/1779102018.html", true, false},
		{"http://a.gov.cn/xxgk/show.asp?id=1779102018", true, false},
		{"http://a.gov.cn/xxgk/list.asp?classid=37&page=2", false, false},
		{"http://a.gov.cn/zfxxgknb/index_1.html", false, false},
		{"http://a.gov.cn/zfxxgknb/202012/P020201226505222859472.pdf", false, true},
		{"http://a.gov.cn/attachment/0/512/512345/1665156.pdf", false, true},
		{"http://a.gov.cn/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1281831001&wbfileid=2041391", false, true},
		{"http://a.gov.cn/module/download/downfile.jsp?classid=0&filename=7995066.pdf", false, true},
		{"http://a.gov.cn/nw12344/20230331/W020230331123.png", false, true},
		{"http://a.gov.cn/report.wps", false, true},
	}
	for _, tc := range tests {
		u := mustURL(t, tc.href)
		if got := IsArticleURL(u); got != tc.article {
			t.Errorf("IsArticleURL(%s) = %v, want %v", tc.href, got, tc.article)
		}
		if got := IsAttachmentURL(u); got != tc.attachment {
			t.Errorf("IsAttachmentURL(%s) = %v, want %v", tc.href, got, tc.attachment)
		}
	}
}

func TestSameSite(t *testing.T) {
	root := mustURL(t, "http://www.muping.gov.cn/")
	tests := []struct {
		href string
		want bool
	}{
		{"http://www.muping.gov.cn/zwgk/index.html", true},
		{"https://zfxxgk.muping.gov.cn/nb/index.html", true}, // subdomain
		{"http://www.muping.gov.cn:8080/x", true},
		{"http://www.yantai.gov.cn/", false}, // another government: gov.cn is a public suffix
		{"http://muping.gov.cn.mirror-news.com/copy.html", false},
		{"http://www.zwinkt.com/zwgk/art/2018/2/28/art_46355_1634538", false},
		{"ftp://www.muping.gov.cn/a", false},
	}
	for _, tc := range tests {
		if got := SameSite(root, mustURL(t, tc.href)); got != tc.want {
			t.Errorf("SameSite(%s) = %v, want %v", tc.href, got, tc.want)
		}
	}
	if RegisteredDomain("127.0.0.1:8080") != "127.0.0.1" || RegisteredDomain("localhost") != "localhost" {
		t.Error("RegisteredDomain of an IP or single label")
	}
}

func TestScopeAndShape(t *testing.T) {
	tests := []struct{ href, scope string }{
		{"http://a.gov.cn/zwgk/zfxxgk/zfxxgknb/index.html", "/zwgk/zfxxgk/zfxxgknb/"},
		{"http://a.gov.cn/zwgk/zfxxgk/zfxxgknb/", "/zwgk/zfxxgk/zfxxgknb/"},
		{"http://a.gov.cn/xxgk/zfxxgknb.htm", "/xxgk/zfxxgknb/"},
		{"http://a.gov.cn/xxgk/list.asp?classid=37", "/xxgk/"},
		{"http://a.gov.cn", "/"},
	}
	for _, tc := range tests {
		if got := Scope(mustURL(t, tc.href)); got != tc.scope {
			t.Errorf("Scope(%s) = %q, want %q", tc.href, got, tc.scope)
		}
	}
	if Shape("/col/col1229214366/index.html") != Shape("/col/col1229214370/index.html") {
		t.Error("sibling Hanweb columns should share a shape")
	}
}

func TestSubColumnLinks(t *testing.T) {
	scope := "/zwgk/zfxxgknb/"
	tests := []struct {
		text, href string
		shape      string
		want       bool
	}{
		{"2022年", "http://a.gov.cn/zwgk/zfxxgknb/2022nb/index.html", "", true},
		{"2017", "http://a.gov.cn/zwgk/zfxxgknb/gknb2017/", "", true},
		{"", "http://a.gov.cn/zwgk/zfxxgknb/gknb2017/", "", true},
		{"区发展和改革局", "http://a.gov.cn/zwgk/zfxxgknb/gqzf_72697/fgj/", "", true},
		{"区发展和改革局", "http://a.gov.cn/other/fgj/", "", false},
		{"湖文市统计局", "http://a.gov.cn/col/col1234969002/index.html", Shape("/col/col1234969000/index.html"), true},
		{"政府信息公开指南", "http://a.gov.cn/zwgk/zfxxgknb/zn/", "", false},
		{"XX区2022年政府信息公开工作年度报告", "http://a.gov.cn/zwgk/zfxxgknb/202301/t20230130_1.html", "", false},
	}
	for _, tc := range tests {
		if got := isSubColumn(tc.text, mustURL(t, tc.href), scope, tc.shape); got != tc.want {
			t.Errorf("isSubColumn(%q, %s) = %v, want %v", tc.text, tc.href, got, tc.want)
		}
	}
}

func urls(us []*url.URL) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.String())
	}
	sort.Strings(out)
	return out
}

// TestPagination runs the page parser on list snippets of each CMS style of sites.md.
func TestPagination(t *testing.T) {
	tests := []struct {
		name, page, html string
		pages            []string
		links            int
	}{
		{
			name: "TRS createPageHTML, zero-based index_N",
			page: "http://a.gov.cn/zwgk/zfxxgk/zfxxgknb/index.html",
			html: `<ul class="list"><li><a href="./202301/t20230130_11545442.html" target="_blank" title="XX区2022年政府信息公开工作年度报告">XX区2022年…</a><span>2023-01-30</span></li></ul>
<script>var countPage = 4;//共多少页</script><script>createPageHTML(4, 0, "index", "html");</script>`,
			pages: []string{"http://a.gov.cn/zwgk/zfxxgk/zfxxgknb/index_1.html", "http://a.gov.cn/zwgk/zfxxgk/zfxxgknb/index_2.html", "http://a.gov.cn/zwgk/zfxxgk/zfxxgknb/index_3.html"},
			links: 1,
		},
		{
			name:  "TRS countPage only, shtml",
			page:  "http://a.gov.cn/zfxxgknb/index.shtml",
			html:  `<TR><TD><A href="./201710/t20171010_397448.html">年报</A></TD></TR><script>var countPage = 3</script>`,
			pages: []string{"http://a.gov.cn/zfxxgknb/index_1.shtml", "http://a.gov.cn/zfxxgknb/index_2.shtml"},
			links: 1,
		},
		{
			name: "Hanweb datastore with jpage total",
			page: "http://a.gov.cn/col/col33718/index.html",
			html: `<div id="212860"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid=33718&unitid=212860&webname=江苏省人民政府&permissiontype=0"></a>]]></nextgroup>
<recordset>
<record><![CDATA[<li><a href='/art/2026/9/11/art_33718_11828204.html' title='江苏省2025年政府信息公开工作年度报告'>…</a><span>2026-09-11</span></li>]]></record>
<record><![CDATA[<li><a href='/art/2026/9/10/art_33718_11828203.html' title='关于…的通知'>…</a><span>2026-09-10</span></li>]]></record>
</recordset></datastore></script></div>
<script>$('#212860').jpage({totalRecord:100,perPage:15});</script>`,
			pages: []string{
				"http://a.gov.cn/module/web/jpage/dataproxy.jsp?appid=1&col=1&columnid=33718&endrecord=47&path=%2F&permissiontype=0&perpage=15&sourceContentType=1&startrecord=3&unitid=212860&webid=1&webname=%E6%B1%9F%E8%8B%8F%E7%9C%81%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C",
				"http://a.gov.cn/module/web/jpage/dataproxy.jsp?appid=1&col=1&columnid=33718&endrecord=92&path=%2F&permissiontype=0&perpage=15&sourceContentType=1&startrecord=48&unitid=212860&webid=1&webname=%E6%B1%9F%E8%8B%8F%E7%9C%81%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C",
				"http://a.gov.cn/module/web/jpage/dataproxy.jsp?appid=1&col=1&columnid=33718&endrecord=137&path=%2F&permissiontype=0&perpage=15&sourceContentType=1&startrecord=93&unitid=212860&webid=1&webname=%E6%B1%9F%E8%8B%8F%E7%9C%81%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C",
			},
			links: 2,
		},
		{
			name:  "Hanweb dataproxy answer plans the next group",
			page:  "http://a.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15&columnid=1",
			html:  `<datastore><recordset><record><![CDATA[<li><a href="/art/2020/1/1/art_1_2.html">x</a></li>]]></record></recordset><totalrecord>123</totalrecord><totalpage>9</totalpage></datastore>`,
			pages: []string{"http://a.gov.cn/module/web/jpage/dataproxy.jsp?columnid=1&endrecord=135&perpage=15&startrecord=91"},
			links: 1,
		},
		{
			name:  "VSB pager is plain links (followed by listFrom)",
			page:  "http://a.gov.cn/xxgk/zfxxgknb.htm",
			html:  `<li id="line_u5_0"><a href="../info/1050/64208.htm" title="t">t</a></li><div class="pb_sys_common pb_sys_normal pb_sys_style1"><span class="p_t">共83条</span><span class="p_next p_fun"><a href="zfxxgknb/4.htm">下页</a></span><span class="p_last p_fun"><a href="zfxxgknb/1.htm">尾页</a></span></div>`,
			links: 3,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParsePage(mustURL(t, tc.page), tc.html)
			if err != nil {
				t.Fatal(err)
			}
			want := append([]string(nil), tc.pages...)
			sort.Strings(want)
			if got := urls(p.Pages); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("pages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if len(p.Links) != tc.links {
				t.Errorf("links = %d, want %d: %+v", len(p.Links), tc.links, p.Links)
			}
		})
	}
}

// TestListFrom checks how list links become frontier items: pager links (VSB count-down,
// query-string, 下一页), sub-columns, reports, notices skipped, off-site mirrors skipped.
func TestListFrom(t *testing.T) {
	c := New(Config{}, fetch.New(fetch.DefaultConfig()), NewMemState(), nil, nil, quietLog())
	tests := []struct {
		name, page, html string
		want             []string // kind url
	}{
		{
			name: "VSB count-down",
			page: "http://a.gov.cn/xxgk/zfxxgknb.htm",
			html: `<li><a href="../info/1050/64208.htm" title="XX区2022年政府信息公开工作年度报告">x</a></li>
<li><a href="../info/1050/64207.htm" title="关于印发年度报告格式的通知">x</a></li>
<span class="p_no"><a href="zfxxgknb/4.htm">2</a></span><span class="p_next p_fun"><a href="zfxxgknb/4.htm">下页</a></span><span class="p_last p_fun"><a href="zfxxgknb/1.htm">尾页</a></span>
<a href="http://www.mirror.com/info/1050/64208.htm" title="XX区2022年政府信息公开工作年度报告">mirror</a>`,
			want: []string{"detail http://a.gov.cn/info/1050/64208.htm", "list http://a.gov.cn/xxgk/zfxxgknb/1.htm", "list http://a.gov.cn/xxgk/zfxxgknb/4.htm"},
		},
		{
			name: "query-string pages",
			page: "http://a.gov.cn/xxgk/list.asp?classid=37&page=2",
			html: `<a href="show.asp?id=1779102018">XX县2012年政府信息公开工作年度报告</a>
<a href="?classid=37&page=1">上一页</a><a href="?classid=37&page=3">下一页</a><a href="?classid=37&page=9">尾页</a><a href="/xxgk/list.asp?classid=38">政府信息公开指南</a>`,
			want: []string{"detail http://a.gov.cn/xxgk/show.asp?id=1779102018", "list http://a.gov.cn/xxgk/list.asp?classid=37&page=1",
				"list http://a.gov.cn/xxgk/list.asp?classid=37&page=3", "list http://a.gov.cn/xxgk/list.asp?classid=37&page=9"},
		},
		{
			name: "year sub-columns and direct files",
			page: "http://a.gov.cn/zwgk/zfxxgknb/index.html",
			html: `<a href="gknb2022/index.html">2022年</a><a href="2021nb/">2021年度</a>
<a href="./P020230130592617343545.pdf">XX区2022年政府信息公开工作年度报告.pdf</a>
<a href="./P020230130592617343546.pdf">申请表.doc</a>`,
			want: []string{"attachment http://a.gov.cn/zwgk/zfxxgknb/P020230130592617343545.pdf",
				"list http://a.gov.cn/zwgk/zfxxgknb/2021nb/", "list http://a.gov.cn/zwgk/zfxxgknb/gknb2022/index.html"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := mustURL(t, tc.page)
			p, err := ParsePage(u, tc.html)
			if err != nil {
				t.Fatal(err)
			}
			sr := &siteRun{root: mustURL(t, "http://a.gov.cn/")}
			items, err := c.listFrom(sr, handled{it: Item{URL: tc.page, Kind: KindList, Scope: Scope(u)}, u: u}, p.Links, p.Pages)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, it := range items {
				got = append(got, it.Kind+" "+it.URL)
			}
			sort.Strings(got)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("items:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestParseGkmlpt(t *testing.T) {
	u := mustURL(t, "http://a.gov.cn/gkmlpt/api/all/512?page=1&sid=755031")
	body := `{"total":57,"articles":[{"id":1665156,"title":"XX区2022年政府信息公开工作年度报告","url":"http://a.gov.cn/gkmlpt/content/1/1665/post_1665156.html","create_time":1674000000,"display_publish_time":"2023-01-18"},
{"id":1665157,"title":"b","url":"/gkmlpt/content/1/1665/post_1665157.html"}]}`
	links, pages, err := ParseGkmlpt(u, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != 2 || links[1].URL.String() != "http://a.gov.cn/gkmlpt/content/1/1665/post_1665157.html" {
		t.Errorf("links = %+v", links)
	}
	if len(pages) != 28 || pages[0].Query().Get("page") != "2" || pages[27].Query().Get("page") != "29" {
		t.Errorf("pages = %d (%v)", len(pages), urls(pages)[:1])
	}
	if got := GkmlptAPI(mustURL(t, "http://a.gov.cn/gkmlpt/index"), "512", "755031").String(); got != "http://a.gov.cn/gkmlpt/api/all/512?page=1&sid=755031" {
		t.Errorf("GkmlptAPI = %s", got)
	}
}

// TestCrawlTinySite crawls a two-page TRS-like site on an httptest server: the column is
// found from the root, both pages are walked, the notice is skipped, the report and its
// attachment reach the processor, and the page budget stops a trap.
func TestCrawlTinySite(t *testing.T) {
	var mu sync.Mutex
	hits := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.RequestURI()]++
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
		case "/":
			fmt.Fprint(w, `<a href="/zwgk/">政府信息公开</a><a href="/private/x.html">内部</a><a href="/cal/?d=1">日历</a>`)
		case "/zwgk/":
			fmt.Fprint(w, `<a href="/zwgk/zfxxgknb/index.html">政府信息公开年报</a>`)
		case "/zwgk/zfxxgknb/index.html":
			fmt.Fprint(w, `<ul><li><a href="./202301/t20230130_1.html" title="XX区2022年政府信息公开工作年度报告">a</a></li>
<li><a href="./202301/t20230130_2.html" title="关于报送年度报告的通知">b</a></li></ul><script>createPageHTML(2, 0, "index", "html");</script>`)
		case "/zwgk/zfxxgknb/index_1.html":
			fmt.Fprint(w, `<ul><li><a href="./202201/t20220130_3.html" title="XX区2021年政府信息公开工作年度报告">c</a></li></ul>`)
		case "/zwgk/zfxxgknb/202301/t20230130_1.html", "/zwgk/zfxxgknb/202201/t20220130_3.html":
			fmt.Fprint(w, `<html><head><meta name="ArticleTitle" content="XX区年度报告"></head><body><div class="TRS_Editor"><table><tr><td>1</td></tr></table><a href="./P020230130.pdf">附件</a></div></body></html>`)
		case "/zwgk/zfxxgknb/202301/P020230130.pdf":
			w.Header().Set("Content-Type", "application/pdf")
			fmt.Fprint(w, "%PDF-1.4 report")
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	cfg := fetch.DefaultConfig()
	cfg.Delay = time.Millisecond
	st := NewMemState()
	a := &fetch.Archive{Dir: t.TempDir()}
	f := fetch.New(cfg, fetch.WithArchive(a), fetch.WithRecorder(st))
	d := &docs{}
	c := New(Config{Hosts: 2}, f, st, a, d, quietLog())
	sum, err := c.Run(context.Background(), []Site{{Code: "110000", Name: "测试", URL: srv.URL + "/"}})
	if err != nil {
		t.Fatal(err)
	}
	got := d.sources()
	for _, want := range []string{"/zwgk/zfxxgknb/202301/t20230130_1.html", "/zwgk/zfxxgknb/202201/t20220130_3.html", "/zwgk/zfxxgknb/202301/P020230130.pdf"} {
		if !got[srv.URL+want] {
			t.Errorf("%s not processed (got %v)", want, got)
		}
	}
	if len(got) != 3 {
		t.Errorf("processed %d documents, want 3: %v", len(got), got)
	}
	mu.Lock()
	if hits["/zwgk/zfxxgknb/202301/t20230130_2.html"] != 0 || hits["/private/x.html"] != 0 {
		t.Errorf("fetched a notice or a disallowed page: %v", hits)
	}
	mu.Unlock()
	if sum.SitesDone != 1 || sum.Reports != 2 || sum.New != 3 {
		t.Errorf("summary %s", sum)
	}
	// A second run of the same state refetches conditionally and re-extracts nothing.
	before := len(d.list)
	sum2, err := New(Config{Hosts: 2}, f, st, a, d, quietLog()).Run(context.Background(), []Site{{Code: "110000", URL: srv.URL + "/"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.list) != before || sum2.Unchanged != 3 {
		t.Errorf("second run re-extracted %d (summary %s)", len(d.list)-before, sum2)
	}

	// Trap guard: a budget of 3 pages stops the site.
	st3 := NewMemState()
	c3 := New(Config{Hosts: 1, PageBudget: 3}, fetch.New(cfg, fetch.WithArchive(a)), st3, a, &docs{}, quietLog())
	sum3, err := c3.Run(context.Background(), []Site{{Code: "110000", URL: srv.URL + "/"}})
	if err != nil {
		t.Fatal(err)
	}
	if sum3.Pages != 3 || sum3.Errors["budget"] != 1 {
		t.Errorf("budget: %s", sum3)
	}
}
