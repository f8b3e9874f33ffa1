package simweb

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// route renders the page a request asks for (without faults).
func (w *Web) route(s *site, r *http.Request) page {
	p := r.URL.Path
	switch {
	case p == "/" || p == w.homePath(s):
		return w.homePage(s)
	case p == s.hub || (s.pub.Style == S2 && p == strings.TrimSuffix(s.hub, "index.html")):
		return w.hubPage(s)
	case p == "/search/" || strings.HasPrefix(p, "/admin/"):
		return w.simplePage(s, "站内搜索", fmt.Sprintf(`<p>搜索结果：<a href="%s">%s</a></p>`,
			w.columnPath(s, colMain, 1), esc(s.nbName)), pageKey{})
	case p == "/calendar/" && s.pub.Trap:
		return w.calendarPage(s, r.URL.Query().Get("d"))
	}
	if pg, ok := w.noisePage(s, p); ok {
		return pg
	}
	if col, pn, ok := w.parseListPath(s, r); ok {
		return w.listPage(s, col, pn)
	}
	switch s.pub.Style {
	case S2:
		if p == "/module/web/jpage/dataproxy.jsp" {
			return w.dataproxy(s, r)
		}
	case S3:
		if p == "/gkmlpt/index" {
			return w.gkmlptShell(s)
		}
		if strings.HasPrefix(p, "/gkmlpt/api/all/") {
			return w.gkmlptAPI(s, r)
		}
	case S5:
		if p == "/zfxxgknb/index.html" && s.nUnits > 1 {
			return w.bucketRoot(s)
		}
	}
	if pg, ok := w.itemPage(s, r); ok {
		return pg
	}
	return notFound(s)
}

var reIndexN = regexp.MustCompile(`^index(?:_(\d+))?\.html$`)

// parseListPath maps a list URL to (column, page).
func (w *Web) parseListPath(s *site, r *http.Request) (int, int, bool) {
	p := r.URL.Path
	st := s.pub.Style
	switch st {
	case S1, S3, S5:
		i := strings.LastIndexByte(p, '/')
		dir, file := p[:i+1], p[i+1:]
		m := reIndexN.FindStringSubmatch(file)
		if m == nil {
			return 0, 0, false
		}
		for _, col := range w.columns(s) {
			if w.colDir(s, col) != dir {
				continue
			}
			if st == S5 && col >= colBucket && col < colBucketJD && col-colBucket == s.drift {
				return 0, 0, false // path drift: this year's bucket is gone
			}
			pn := 1
			if m[1] != "" {
				k, _ := strconv.Atoi(m[1])
				if st == S1 {
					pn = k + 1
				} else {
					pn = k
					if k < 2 {
						return 0, 0, false
					}
				}
			}
			if pn > w.pageCount(s, col) {
				return 0, 0, false
			}
			return col, pn, true
		}
	case S2:
		for _, col := range w.columns(s) {
			if p == fmt.Sprintf("/col/col%d/index.html", s.s2ColID(col)) {
				return col, 1, true
			}
		}
	case S4:
		for _, col := range w.columns(s) {
			slug := "/xxgk/" + s.nbSlug
			if col >= colUnit {
				slug += fmt.Sprintf("_bm%d", col-colUnit)
			}
			if p == slug+".htm" {
				return col, 1, true
			}
			if rest, ok := strings.CutPrefix(p, slug+"/"); ok {
				n, err := strconv.Atoi(strings.TrimSuffix(rest, ".htm"))
				total := w.pageCount(s, col)
				if err != nil || !strings.HasSuffix(rest, ".htm") || n < 1 || n >= total {
					return 0, 0, false
				}
				return col, total - n + 1, true
			}
		}
	case S6:
		if p != "/xxgk/list.asp" || r.URL.Query().Get("classid") != "37" {
			return 0, 0, false
		}
		pn := 1
		if v := r.URL.Query().Get("page"); v != "" {
			k, err := strconv.Atoi(v)
			if err != nil || k < 1 {
				return 0, 0, false
			}
			pn = k
		}
		if pn > w.pageCount(s, colMain) {
			return 0, 0, false
		}
		return colMain, pn, true
	}
	return 0, 0, false
}

// listLink is the href of an item in a list page of col, page pn.
func (w *Web) listLink(s *site, it item, pn int) string {
	dp := w.detailPath(s, it)
	if it.redirect {
		return "/html" + dp
	}
	switch s.pub.Style {
	case S1:
		return "./" + strings.TrimPrefix(dp, w.colDir(s, it.col))
	case S4:
		if it.cat == CatLoginWall {
			return dp
		}
		if pn > 1 {
			return "../.." + dp
		}
		return ".." + dp
	case S6:
		return strings.TrimPrefix(dp, "/xxgk/")
	}
	return dp
}

// listLastMod is the Last-Modified of a list: its newest item, or the site's last mutation.
func (w *Web) listLastMod(s *site, its []item) time.Time {
	w.mu.Lock()
	lm := w.mutAt[s.idx]
	w.mu.Unlock()
	if staticTime.After(lm) {
		lm = staticTime
	}
	for _, it := range its {
		if it.pub.After(lm) {
			lm = it.pub
		}
	}
	return lm
}

// itemTitle is the title of an item; report titles (which need a reportgen variant) go
// through a small bounded cache, so list pages stay cheap without memory growing.
func (w *Web) itemTitle(s *site, it item) string {
	if !it.isReport() {
		return w.title(s, it, nil)
	}
	k := titleKey{s.idx, it.id, w.revisionOf(s, it.id).n}
	if t, ok := w.titles.get(k); ok {
		return t
	}
	v := w.variant(s, it)
	t := w.title(s, it, &v)
	w.titles.put(k, t)
	return t
}

type titleKey struct {
	site int
	id   int64
	rev  int
}

// titleCache is a fixed-size FIFO cache of report titles.
type titleCache struct {
	mu    sync.Mutex
	m     map[titleKey]string
	order []titleKey
	next  int
}

const titleCacheSize = 4096

func (c *titleCache) get(k titleKey) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.m[k]
	return t, ok
}

func (c *titleCache) put(k titleKey, t string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[titleKey]string, titleCacheSize)
	}
	if _, ok := c.m[k]; ok {
		return
	}
	if len(c.order) < titleCacheSize {
		c.order = append(c.order, k)
	} else {
		delete(c.m, c.order[c.next])
		c.order[c.next] = k
		c.next = (c.next + 1) % titleCacheSize
	}
	c.m[k] = t
}

// subnav links a column's sub-columns.
func (w *Web) subnav(s *site, col int) string {
	if col != colMain {
		return ""
	}
	var b strings.Builder
	for _, c := range w.columns(s) {
		if c == colMain || c >= colBucket {
			continue
		}
		fmt.Fprintf(&b, `<li><a href="%s">%s</a></li>`, w.columnPath(s, c, 1), esc(w.columnName(s, c)))
	}
	if s.pub.Style == S5 && s.nUnits > 1 {
		b.WriteString(`<li><a href="/zfxxgknb/index.html">部门及街道（镇）年报</a></li>`)
	}
	if b.Len() == 0 {
		return ""
	}
	return `<ul class="subcolumns">` + b.String() + "</ul>\n"
}

func breadcrumb(s *site, hub, name string) string {
	return fmt.Sprintf(`<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="%s">政府信息公开</a> &gt; %s</div>`+"\n", hub, esc(name))
}

// listPage renders page pn of a column in the site's style.
func (w *Web) listPage(s *site, col, pn int) page {
	all := w.columnItems(s, col)
	st := s.pub.Style
	ps := pageSize(st)
	if st == S2 {
		ps = 45
	}
	total := w.pageCount(s, col)
	lo, hi := min((pn-1)*ps, len(all)), min(pn*ps, len(all))
	its := all[lo:hi]
	name := w.columnName(s, col)
	var b strings.Builder
	b.WriteString(breadcrumb(s, s.hub, name))
	b.WriteString(w.subnav(s, col))
	date := func(it item) string { return it.pub.Format("2006-01-02") }
	switch st {
	case S1:
		b.WriteString("<ul class=\"list\">\n")
		for _, it := range its {
			t := esc(w.itemTitle(s, it))
			fmt.Fprintf(&b, "<li><a href=\"%s\" target=\"_blank\" title=\"%s\">%s</a><span>%s</span></li>\n", w.listLink(s, it, pn), t, t, date(it))
		}
		b.WriteString("</ul>\n<div class=\"page\">\n<script type=\"text/javascript\">\nfunction createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){\n" +
			"  if(_nPageCount == null || _nPageCount<=1){ return; }\n  var s = '';\n" +
			"  s += (_nCurrIndex==0) ? '首页 ' : '<a href=\"'+_sPageName+'.'+_sPageExt+'\">首页</a> ';\n" +
			"  if(_nCurrIndex>0){ var p = (_nCurrIndex==1) ? _sPageName+'.'+_sPageExt : _sPageName+'_'+(_nCurrIndex-1)+'.'+_sPageExt; s += '<a href=\"'+p+'\">上一页</a> '; }\n" +
			"  if(_nCurrIndex+1<_nPageCount){ s += '<a href=\"'+_sPageName+'_'+(_nCurrIndex+1)+'.'+_sPageExt+'\">下一页</a> '; }\n" +
			"  s += '<a href=\"'+_sPageName+'_'+(_nPageCount-1)+'.'+_sPageExt+'\">末页</a>';\n  document.write(s);\n}\n</script>\n")
		fmt.Fprintf(&b, "<script>var countPage = %d;//共多少页</script><script>createPageHTML(%d, %d, \"index\", \"html\");</script>\n</div>\n", total, total, pn-1)
	case S2:
		colID := s.s2ColID(col)
		fmt.Fprintf(&b, "<div id=\"%d\"><script type=\"text/xml\"><datastore>\n<nextgroup><![CDATA[<a href=\"/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=%d&path=/&columnid=%d&unitid=%d&webname=%s&permissiontype=0\"></a>]]></nextgroup>\n<recordset>\n",
			s.unitID, s.idx+1, colID, s.unitID, esc(s.pub.Name))
		for _, it := range its {
			b.WriteString("<record><![CDATA[" + w.s2Record(s, it) + "]]></record>\n")
		}
		fmt.Fprintf(&b, "</recordset></datastore></script></div>\n<script type=\"text/javascript\">var jpageParams = \"col=1&appid=1&webid=%d&path=/&columnid=%d&sourceContentType=1&unitid=%d&webname=%s&permissiontype=0\";\n"+
			"$(document).ready(function(){ $('#%d').jpage({dataStore:dataStore, totalRecord:%d, perPage:15, proxyUrl:'/module/web/jpage/dataproxy.jsp', groupSize:3, barPosition:'bottom'}); });</script>\n",
			s.idx+1, colID, s.unitID, esc(s.pub.Name), s.unitID, len(all))
	case S3, S5:
		cls := "tzgg_content"
		if st == S5 {
			cls = "news-list"
		}
		fmt.Fprintf(&b, "<ul class=\"%s\">\n", cls)
		for _, it := range its {
			t := esc(w.itemTitle(s, it))
			if st == S3 {
				fmt.Fprintf(&b, "<li><a href=\"%s\"><p>%s</p><span>%s</span></a></li>\n", w.listLink(s, it, pn), t, date(it))
			} else {
				fmt.Fprintf(&b, "<li><a href=\"%s\" title=\"%s\" target=\"_blank\">%s</a><span class=\"time\">%s</span></li>\n", w.listLink(s, it, pn), t, t, date(it))
			}
		}
		b.WriteString("</ul>\n<div class=\"page\">")
		link := func(k int) string {
			if k == 1 {
				return "index.html"
			}
			return fmt.Sprintf("index_%d.html", k)
		}
		if total > 1 {
			fmt.Fprintf(&b, `<a href="%s">首页</a> `, link(1))
			if pn > 1 {
				fmt.Fprintf(&b, `<a href="%s">上一页</a> `, link(pn-1))
			}
			for k := 1; k <= total; k++ {
				if k == pn {
					fmt.Fprintf(&b, `<span class="current">%d</span> `, k)
				} else {
					fmt.Fprintf(&b, `<a href="%s">%d</a> `, link(k), k)
				}
			}
			if pn < total {
				fmt.Fprintf(&b, `<a href="%s">下一页</a> `, link(pn+1))
			}
			fmt.Fprintf(&b, `<a href="%s">尾页</a>`, link(total))
		}
		b.WriteString("</div>\n")
	case S4:
		b.WriteString("<ul class=\"list\">\n")
		for i, it := range its {
			t := esc(w.itemTitle(s, it))
			fmt.Fprintf(&b, "<li id=\"line_u5_%d\"><a href=\"%s\" title=\"%s\">%s</a><span>%s</span></li>\n", i, w.listLink(s, it, pn), t, t, date(it))
		}
		b.WriteString("</ul>\n")
		slug := s.nbSlug
		if col >= colUnit {
			slug += fmt.Sprintf("_bm%d", col-colUnit)
		}
		href := func(k int) string {
			switch {
			case pn == 1 && k == 1:
				return slug + ".htm"
			case pn == 1:
				return fmt.Sprintf("%s/%d.htm", slug, total-k+1)
			case k == 1:
				return "../" + slug + ".htm"
			}
			return fmt.Sprintf("%d.htm", total-k+1)
		}
		fmt.Fprintf(&b, `<div class="pb_sys_common pb_sys_normal pb_sys_style1"><span class="p_t">共%d条</span><span class="p_pages">`, len(all))
		if pn > 1 {
			fmt.Fprintf(&b, `<span class="p_first p_fun"><a href="%s">首页</a></span><span class="p_prev p_fun"><a href="%s">上页</a></span>`, href(1), href(pn-1))
		} else {
			b.WriteString(`<span class="p_first_d p_fun_d">首页</span><span class="p_prev_d p_fun_d">上页</span>`)
		}
		for k := 1; k <= total; k++ {
			if k == pn {
				fmt.Fprintf(&b, `<span class="p_no_d">%d</span>`, k)
			} else {
				fmt.Fprintf(&b, `<span class="p_no"><a href="%s">%d</a></span>`, href(k), k)
			}
		}
		if pn < total {
			fmt.Fprintf(&b, `<span class="p_next p_fun"><a href="%s">下页</a></span><span class="p_last p_fun"><a href="%s">尾页</a></span>`, href(pn+1), href(total))
		} else {
			b.WriteString(`<span class="p_next_d p_fun_d">下页</span><span class="p_last_d p_fun_d">尾页</span>`)
		}
		b.WriteString("</span></div>\n")
	case S6:
		b.WriteString("<table width=\"100%\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\">\n")
		for _, it := range its {
			t := esc(w.itemTitle(s, it))
			fmt.Fprintf(&b, "<tr><td class=\"list\">·<a href=\"%s\" target=\"_blank\">%s</a></td><td width=\"80\" align=\"right\">%s</td></tr>\n", w.listLink(s, it, pn), t, it.pub.Format("2006-1-2"))
		}
		b.WriteString("</table>\n<div class=\"pager\">")
		fmt.Fprintf(&b, "共%d条 第%d/%d页 ", len(all), pn, total)
		if pn > 1 {
			fmt.Fprintf(&b, `<a href="?classid=37&amp;page=1">首页</a> <a href="?classid=37&amp;page=%d">上一页</a> `, pn-1)
		}
		if pn < total {
			fmt.Fprintf(&b, `<a href="?classid=37&amp;page=%d">下一页</a> <a href="?classid=37&amp;page=%d">尾页</a>`, pn+1, total)
		}
		b.WriteString("</div>\n")
	}
	body := w.htmlPage(s, name, fmt.Sprintf("<meta name=\"ColumnName\" content=\"%s\">\n", esc(name)), b.String())
	return page{body: body, ctype: ctypeHTML(s), lastMod: w.listLastMod(s, all), key: pageKey{s.idx, "list", int64(col), pn}}
}

func (w *Web) s2Record(s *site, it item) string {
	t := esc(w.itemTitle(s, it))
	return fmt.Sprintf("<li><a href='%s' title='%s' target='_blank'>%s</a><span>%s</span></li>", w.listLink(s, it, 1), t, t, it.pub.Format("2006-01-02"))
}

// dataproxy serves Hanweb jpage groups (GET or POST, startrecord/endrecord/perpage).
func (w *Web) dataproxy(s *site, r *http.Request) page {
	if err := r.ParseForm(); err != nil {
		return page{status: http.StatusBadRequest, body: []byte("bad form"), ctype: "text/plain"}
	}
	colID, _ := strconv.ParseInt(r.Form.Get("columnid"), 10, 64)
	col := -1
	for _, c := range w.columns(s) {
		if s.s2ColID(c) == colID {
			col = c
		}
	}
	if col < 0 {
		return notFound(s)
	}
	start, err1 := strconv.Atoi(r.Form.Get("startrecord"))
	end, err2 := strconv.Atoi(r.Form.Get("endrecord"))
	per, err3 := strconv.Atoi(r.Form.Get("perpage"))
	if err1 != nil || err2 != nil || start < 1 || end < start {
		return page{status: http.StatusBadRequest, body: []byte("startrecord/endrecord required"), ctype: "text/plain"}
	}
	if err3 != nil || per < 1 {
		per = 15
	}
	all := w.columnItems(s, col)
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<datastore>\n")
	fmt.Fprintf(&b, "<nextgroup><![CDATA[<a href=\"/module/web/jpage/dataproxy.jsp?page=%d&appid=1&webid=%d&path=/&columnid=%d&unitid=%d&webname=%s&permissiontype=0\"></a>]]></nextgroup>\n<recordset>\n",
		(end+44)/45+1, s.idx+1, colID, s.unitID, esc(s.pub.Name))
	for i := start - 1; i < end && i < len(all); i++ {
		b.WriteString("<record><![CDATA[" + w.s2Record(s, all[i]) + "]]></record>\n")
	}
	fmt.Fprintf(&b, "</recordset>\n<totalrecord>%d</totalrecord>\n<totalpage>%d</totalpage>\n</datastore>\n", len(all), max(1, (len(all)+per-1)/per))
	return page{body: []byte(b.String()), ctype: "text/xml;charset=UTF-8", lastMod: w.listLastMod(s, all),
		key: pageKey{s.idx, "proxy", colID, start}}
}

func (w *Web) gkmlptShell(s *site) page {
	body := fmt.Sprintf(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>%s信息公开目录</title>
<script>window._CONFIG = { SID: '%d', CATS: [{id: %d, name: '%s'}], API: '/gkmlpt/api/all/' };</script>
<script src="/gkmlpt/static/js/app.js"></script></head><body><div id="app"></div></body></html>`,
		esc(s.pub.Name), s.unitID, s.gkCat(), esc(s.nbName))
	return page{body: []byte(body), ctype: "text/html; charset=utf-8", lastMod: staticTime}
}

type gkArticle struct {
	ID                 int64  `json:"id"`
	Title              string `json:"title"`
	URL                string `json:"url"`
	PostURL            string `json:"post_url"`
	Publisher          string `json:"publisher"`
	CreateTime         int64  `json:"create_time"`
	DisplayPublishTime string `json:"display_publish_time"`
}

func (s *site) gkContentPath(id int64) string {
	return fmt.Sprintf("/gkmlpt/content/%d/%d/post_%d.html", id/1000000, id/1000, id)
}

// gkmlptAPI serves GET /gkmlpt/api/all/{catid}?page=n&sid=… (20 articles a page).
func (w *Web) gkmlptAPI(s *site, r *http.Request) page {
	cat, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/gkmlpt/api/all/"))
	if err != nil || cat != s.gkCat() {
		return notFound(s)
	}
	if r.URL.Query().Get("sid") != strconv.Itoa(s.unitID) {
		return page{status: http.StatusBadRequest, body: []byte(`{"code":400,"msg":"sid error"}`), ctype: "application/json; charset=utf-8"}
	}
	pn, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || pn < 1 {
		pn = 1
	}
	all := w.columnItems(s, colMain)
	const per = 20
	out := struct {
		Total    int         `json:"total"`
		Articles []gkArticle `json:"articles"`
	}{Total: len(all), Articles: []gkArticle{}}
	for i := (pn - 1) * per; i < pn*per && i < len(all); i++ {
		it := all[i]
		if it.cat == CatBroken {
			continue
		}
		out.Articles = append(out.Articles, gkArticle{
			ID: it.id, Title: w.itemTitle(s, it),
			URL:     "http://" + s.pub.Host + s.gkContentPath(it.id),
			PostURL: "http://" + s.pub.Host + w.detailPath(s, it), Publisher: it.agency,
			CreateTime: it.pub.Unix(), DisplayPublishTime: it.pub.Format("2006-01-02"),
		})
	}
	b, err := json.Marshal(out)
	if err != nil {
		return page{status: http.StatusInternalServerError, ctype: "text/plain", body: []byte(err.Error())}
	}
	return page{body: b, ctype: "application/json; charset=utf-8", lastMod: w.listLastMod(s, all), key: pageKey{s.idx, "gkapi", 0, pn}}
}

func (w *Web) bucketRoot(s *site) page {
	var b strings.Builder
	b.WriteString(breadcrumb(s, s.hub, "部门及街道（镇）年报"))
	b.WriteString("<ul class=\"buckets\">\n")
	for _, c := range w.columns(s) {
		if c >= colBucket {
			fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", w.columnPath(s, c, 1), esc(w.columnName(s, c)))
		}
	}
	b.WriteString("</ul>\n")
	return page{body: w.htmlPage(s, "部门及街道（镇）年报", "", b.String()), ctype: ctypeHTML(s), lastMod: staticTime}
}

// itemPage serves a detail page, twin, attachment, image or old-path redirect.
func (w *Web) itemPage(s *site, r *http.Request) (page, bool) {
	id, ok := w.itemIDFromURL(s, r.URL)
	if !ok {
		return page{}, false
	}
	it, ok := w.findItem(s, id)
	if !ok {
		return page{}, false
	}
	reqPath := r.URL.Path
	reqURI := r.URL.Path
	if r.URL.RawQuery != "" {
		reqURI += "?" + r.URL.RawQuery
	}
	dp := w.detailPath(s, it)
	if old, ok := strings.CutPrefix(reqURI, "/html"); ok && it.redirect && old == dp {
		return page{status: http.StatusMovedPermanently, location: "http://" + s.pub.Host + dp,
			ctype: "text/html; charset=utf-8", body: []byte("<html><body>Moved</body></html>")}, true
	}
	if it.cat == CatBroken {
		return notFound(s), true
	}
	switch {
	case sameQueryURL(reqURI, dp):
		if it.cat == CatLoginWall {
			return w.loginWall(s), true
		}
		return w.detailPage(s, it, false), true
	case s.pub.Style == S2 && reqPath == annualReportApp:
		return w.detailPage(s, it, false), true
	case s.pub.Style == S3 && (reqPath == strings.Replace(dp, "/post_", "/mpost_", 1) || reqPath == s.gkContentPath(it.id)):
		return w.detailPage(s, it, strings.Contains(reqPath, "/mpost_")), true
	}
	if it.isReport() {
		switch it.kind {
		case "pdf", "doc", "docx":
			if sameQueryURL(reqURI, w.attachPath(s, it)) {
				return w.attachment(s, it, r), true
			}
		case "image":
			if pg, ok := w.tableImage(s, it, reqPath); ok {
				return pg, true
			}
		}
	}
	return page{}, false
}

// tableImage serves the table picture of an image-kind report at reqPath: picture n of
// Config.TableImages in its own format, or the placeholder PNG (without pictures, and for the
// n beyond them up to 8).
func (w *Web) tableImage(s *site, it item, reqPath string) (page, bool) {
	v := w.variant(s, it)
	pics := w.tableImages(it, v)
	for n := 1; n <= max(8, len(pics)); n++ {
		if reqPath != w.imagePath(s, it, n, imageExt(pics, n)) {
			continue
		}
		key := pageKey{s.idx, "img", it.id, n}
		if n > len(pics) {
			return page{body: tablePNG(), ctype: "image/png", lastMod: it.pub, key: key}, true
		}
		lm := it.pub
		if rev := w.revisionOf(s, it.id); rev.n > 0 {
			lm = rev.at
		}
		return page{body: pics[n-1].Data, ctype: pics[n-1].MediaType, lastMod: lm, key: key}, true
	}
	return page{}, false
}

// sameQueryURL compares path?query URLs ignoring parameter order.
func sameQueryURL(a, b string) bool {
	if a == b {
		return true
	}
	pa, qa, _ := strings.Cut(a, "?")
	pb, qb, _ := strings.Cut(b, "?")
	if pa != pb {
		return false
	}
	va, err1 := url.ParseQuery(qa)
	vb, err2 := url.ParseQuery(qb)
	if err1 != nil || err2 != nil || len(va) != len(vb) {
		return false
	}
	for k := range vb {
		if va.Get(k) != vb.Get(k) {
			return false
		}
	}
	return true
}

func (w *Web) loginWall(s *site) page {
	body := `<div class="login"><h3>用户登录</h3><p>该信息需要登录后查看。</p><form action="/system/login.jsp" method="post">` +
		`用户名：<input name="username"> 密码：<input type="password" name="password"><input type="submit" value="登录"></form></div>`
	return page{body: w.htmlPage(s, "用户登录", "", body), ctype: ctypeHTML(s), lastMod: staticTime}
}

// attachment serves a report attachment. S4's download.jsp wants a same-host Referer.
func (w *Web) attachment(s *site, it item, r *http.Request) page {
	if s.pub.Style == S4 {
		ref, err := url.Parse(r.Header.Get("Referer"))
		if err != nil || r.Header.Get("Referer") == "" || hostOnly(ref.Host) != s.pub.Host {
			return page{body: vsbErrorPage(), ctype: "text/html; charset=UTF-8", lastMod: staticTime}
		}
	}
	v := w.variant(s, it)
	var b []byte
	if w.cfg.Attachments != nil {
		b = w.cfg.Attachments(v, it.kind)
	}
	ctype := map[string]string{"pdf": "application/pdf", "doc": "application/msword",
		"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}[it.kind]
	if b == nil {
		b, ctype = placeholderPDF(w.title(s, it, &v)), "application/pdf"
	}
	lm := it.pub
	if rev := w.revisionOf(s, it.id); rev.n > 0 {
		lm = rev.at
	}
	return page{body: b, ctype: ctype, lastMod: lm, key: pageKey{s.idx, "att", it.id, 0},
		header: map[string]string{"Content-Disposition": fmt.Sprintf("attachment; filename=\"%d.%s\"", it.id, attachExt(it.kind))}}
}
