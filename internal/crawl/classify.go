package crawl

import (
	"net/url"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/ogireports/ogireports/internal/normalize"
)

// TitleClass is the classification of a list item's title: normalize.TitleClass, so that the
// crawler and the extractor share one rule.
type TitleClass = normalize.TitleClass

// The title classes.
const (
	// Unknown: the title says neither (truncated, generic); the page itself decides.
	Unknown = normalize.TitleUnknown
	// Report: a 政府信息公开（工作）年度报告 / 年报 of some agency and year.
	Report = normalize.TitleReport
	// NotReport: a format notice, 通知, 工作要点, 说明, another kind of annual report, …
	NotReport = normalize.TitleNotReport
)

// ClassifyTitle classifies an item title with normalize.ClassifyTitle: words that never name a
// report (格式, 通知, 要点, 说明, 法治政府建设, 统计公报, …) win, then 信息公开/政务公开 with
// 年度报告/年报 makes a report; anything else is Unknown and the page itself decides.
func ClassifyTitle(title string) TitleClass {
	c, _ := normalize.ClassifyTitle(title)
	return c
}

// hasNegative reports whether a text has a word that never names a report.
func hasNegative(t string) bool {
	_, ok := normalize.NotReportWord(t)
	return ok
}

func normTitle(s string) string {
	s = strings.Join(strings.Fields(s), "")
	s = strings.NewReplacer("（", "(", "）", ")", "\u00a0", "").Replace(s)
	return s
}

// columnWords name the 年报 column, longest first.
var columnWords = []string{"政府信息公开工作年度报告", "政府信息公开年度报告", "政府信息公开年报", "信息公开年报", "公开年报", "年度报告", "年报"}

// columnSlugRe matches 年报 column path segments: zfxxgknb, xxgknb, gknb, zfxxgkgzndbg, ndbg.
var columnSlugRe = regexp.MustCompile(`(?i)(^|[/_-])(zfxxgknb|xxgknb|gknb|zfxxgkgzndbg|xxgkndbg|ndbg)([/_.-]|\d|$)|annualreport`)

var yearRe = regexp.MustCompile(`(19|20)\d\d`)

// IsColumnLink reports whether a link names the 年报 column: short link text with a column
// word and no year (an item title has one), or a path segment such as zfxxgknb.
func IsColumnLink(text string, u *url.URL) bool {
	t := normTitle(text)
	if t != "" && utf8.RuneCountInString(t) <= 16 && !yearRe.MatchString(t) && !hasNegative(t) {
		for _, w := range columnWords {
			if strings.Contains(t, w) {
				return true
			}
		}
	}
	if u != nil && !IsArticleURL(u) && !IsAttachmentURL(u) && columnSlugRe.MatchString(u.Path) {
		return !hasNegative(t)
	}
	return false
}

var hubWords = []string{"政府信息公开", "信息公开", "政务公开", "公开目录", "主动公开", "法定主动公开内容", "政府信息公开专栏"}

var hubSlugRe = regexp.MustCompile(`(?i)/(zfxxgk|xxgk|zwgk|gongkai|gkml|zfxxgkzl|xxgkml)(/|/index\.[a-z]+|\.s?html?)?$|/gkmlpt/index`)

// IsHubLink reports whether a link leads towards the 信息公开 section that holds the 年报
// column (short text such as 政府信息公开 or 信息公开目录, or a path such as /zfxxgk/); a link
// to the column itself is not a hub link.
func IsHubLink(text string, u *url.URL) bool {
	if u != nil && (IsArticleURL(u) || IsAttachmentURL(u)) || IsColumnLink(text, u) {
		return false
	}
	t := normTitle(text)
	if t != "" && utf8.RuneCountInString(t) <= 12 {
		for _, w := range hubWords {
			if strings.Contains(t, w) {
				return true
			}
		}
	}
	return u != nil && hubSlugRe.MatchString(u.Path)
}

// articleRes are detail-page URL shapes of sites.md 1.2.
var articleRes = []*regexp.Regexp{
	regexp.MustCompile(`/t\d{8}_\d+\.s?html?$`),                                             // TRS
	regexp.MustCompile(`/art_\d+_\d+(\.s?html?)?$`),                                         // Hanweb
	regexp.MustCompile(`/m?post_\d+\.s?html?$`),                                             // NFCMS, gkmlpt
	regexp.MustCompile(`/info/\d+/\d+\.htm$`),                                               // VSB
	regexp.MustCompile(`/[0-9a-f]{32}\.s?html?$`),                                           // 上海, 四川, 新疆
	regexp.MustCompile(`/\d{4}-\d{2}-\d{2}/\d+\.s?html?$`),                                  // old FJ CMS
	regexp.MustCompile(`(?i)/(show|view|detail|content|article)[^/]*\.(asp|aspx|jsp|php)$`), // dynamic
	regexp.MustCompile(`/public/\d+/\d+\.html$`),                                            // 安徽
	regexp.MustCompile(`/\d{4,}/\d{6,}/\d{5,}\.html$`),                                      // misc. numeric
}

// IsArticleURL reports whether u has the shape of a detail (article) page.
func IsArticleURL(u *url.URL) bool {
	p := u.Path
	for _, re := range articleRes {
		if re.MatchString(p) {
			if strings.HasSuffix(strings.ToLower(p), ".jsp") || strings.HasSuffix(strings.ToLower(p), ".asp") ||
				strings.HasSuffix(strings.ToLower(p), ".aspx") || strings.HasSuffix(strings.ToLower(p), ".php") {
				return u.RawQuery != ""
			}
			return true
		}
	}
	return false
}

var attachmentExts = map[string]bool{
	".pdf": true, ".doc": true, ".docx": true, ".wps": true, ".xls": true, ".xlsx": true,
	".et": true, ".ofd": true, ".jpg": true, ".jpeg": true, ".png": true, ".gif": true,
	".bmp": true, ".tif": true, ".tiff": true, ".rtf": true,
}

// IsAttachmentURL reports whether u is a report attachment: a file extension of sites.md 1.4
// (pdf, doc, docx, wps, xls, images, …) or a download endpoint (VSB download.jsp,
// DownloadAttachUrl, /attachment/ paths).
func IsAttachmentURL(u *url.URL) bool {
	ext := strings.ToLower(path.Ext(u.Path))
	if attachmentExts[ext] {
		return true
	}
	lp := strings.ToLower(u.Path)
	if ext == ".html" || ext == ".htm" || ext == ".shtml" {
		return false
	}
	if strings.Contains(lp, "download") || strings.Contains(lp, "downfile") || strings.Contains(lp, "/attachment/") ||
		strings.Contains(strings.ToLower(u.RawQuery), "downloadattachurl") {
		return true
	}
	// A download endpoint naming the file in its query: downfile.jsp?filename=123.pdf.
	for _, vs := range u.Query() {
		for _, v := range vs {
			if attachmentExts[strings.ToLower(path.Ext(v))] {
				return true
			}
		}
	}
	return false
}

// isImageURL reports whether u names an image file.
func isImageURL(u *url.URL) bool {
	switch strings.ToLower(path.Ext(u.Path)) {
	case ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff":
		return true
	}
	return false
}

var pagerWords = []string{"下一页", "下页", "上一页", "上页", "尾页", "末页", "首页", "最后一页", "后页", "前页", "next", "last", ">", ">>", "»"}

var numberRe = regexp.MustCompile(`^\[?\d{1,4}\]?$`)

// IsPagerText reports whether a link text is a pager control (下一页, 尾页, a page number).
func IsPagerText(text string) bool {
	t := strings.ToLower(normTitle(text))
	if t == "" {
		return false
	}
	if numberRe.MatchString(t) {
		return true
	}
	for _, w := range pagerWords {
		if t == w {
			return true
		}
	}
	return false
}

var pageParams = []string{"page", "pageno", "pageindex", "pagenum", "currentpage", "curpage", "p", "pn", "pagenumber", "pageid"}

// IsQueryPage reports whether next is another page of cur by a page parameter in the query
// (?page=N, pageNo=, PageIndex=, …) on the same path.
func IsQueryPage(cur, next *url.URL) bool {
	if cur.Host != next.Host || cur.Path != next.Path {
		return false
	}
	q := next.Query()
	for k, v := range q {
		for _, p := range pageParams {
			if strings.EqualFold(k, p) && len(v) == 1 && numberRe.MatchString(v[0]) {
				return true
			}
		}
	}
	return false
}

var pathPageRe = regexp.MustCompile(`(?i)(/index_\d+\.s?html?|/\d{1,4}\.s?html?|-\d{1,4}\.s?html?|_\d{1,4}\.s?html?)$`)

// IsPathPage reports whether next looks like a numbered page of the list cur (index_3.html,
// zfxxgknb/4.htm, column-index-2.shtml) in the same folder or the folder named after cur.
func IsPathPage(cur, next *url.URL) bool {
	if cur.Host != next.Host || !pathPageRe.MatchString(next.Path) || IsArticleURL(next) {
		return false
	}
	cd := path.Dir(cur.Path)
	nd := path.Dir(next.Path)
	stem := strings.TrimSuffix(cur.Path, path.Ext(cur.Path))
	return nd == cd || nd == stem || path.Dir(nd) == cd
}

var unitSuffixes = []string{"局", "委", "办", "办公室", "委员会", "政府", "街道", "镇", "乡", "中心", "院", "厅", "署", "所", "馆", "站", "部门", "单位", "区", "县", "市"}

var yearColumnRe = regexp.MustCompile(`^((19|20)\d\d)\s*(年|年度|年报|年度报告|年年报)?$|(?i)(gknb|nb_?|^)(19|20)\d\dn?b?$`)

var digitsRe = regexp.MustCompile(`\d+`)

// Shape is a path with its digit runs replaced by '#': /col/col1229214366/index.html →
// /col/col#/index.html. Sibling columns of one CMS share a shape.
func Shape(p string) string { return digitsRe.ReplaceAllString(p, "#") }

// IsSubColumnLink reports whether a link inside a 年报 column leads to a year or unit
// sub-column: year text (2022年, 2022年度), a year bucket slug (gknb2022, 2022nb, nb_2022n), or
// a unit name (…局, …街道) under the column's path or on a sibling column of the same shape
// as the column (Hanweb /col/col{id}/index.html), never an article or an attachment.
func IsSubColumnLink(text string, u *url.URL, scope string) bool {
	return isSubColumn(text, u, scope, "")
}

func isSubColumn(text string, u *url.URL, scope, shape string) bool {
	if IsArticleURL(u) || IsAttachmentURL(u) {
		return false
	}
	t := normTitle(text)
	seg := path.Base(strings.TrimSuffix(u.Path, "/"))
	if d := path.Base(path.Dir(u.Path)); strings.HasPrefix(seg, "index") {
		seg = d
	}
	if yearColumnRe.MatchString(t) {
		return true
	}
	under := strings.HasPrefix(u.Path, scope) && u.Path != scope
	if under && yearColumnRe.MatchString(seg) {
		return true
	}
	if !under && (shape == "" || Shape(u.Path) != shape) {
		return false
	}
	if t == "" || utf8.RuneCountInString(t) > 20 || ClassifyTitle(t) == NotReport {
		return false
	}
	for _, s := range unitSuffixes {
		if strings.HasSuffix(t, s) {
			return true
		}
	}
	return ClassifyTitle(t) == Report && !yearRe.MatchString(t)
}

// Scope returns the path prefix of a column's sub-pages: its folder for index-like pages
// (/zfxxgk/zfxxgknb/index.html → /zfxxgk/zfxxgknb/), the page's stem for VSB-like pages
// (/xxgk/zfxxgknb.htm → /xxgk/zfxxgknb/).
func Scope(u *url.URL) string {
	p := u.Path
	if p == "" || strings.HasSuffix(p, "/") {
		if p == "" {
			return "/"
		}
		return p
	}
	base := strings.ToLower(path.Base(p))
	dir := path.Dir(p)
	if !strings.HasSuffix(dir, "/") {
		dir += "/"
	}
	if strings.HasPrefix(base, "index") || strings.HasPrefix(base, "list") || strings.HasPrefix(base, "default") ||
		strings.HasSuffix(base, ".jsp") || strings.HasSuffix(base, ".asp") || strings.HasSuffix(base, ".aspx") || strings.HasSuffix(base, ".php") {
		return dir
	}
	return strings.TrimSuffix(p, path.Ext(p)) + "/"
}
