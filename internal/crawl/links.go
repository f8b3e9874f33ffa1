package crawl

import (
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/publicsuffix"
)

// RegisteredDomain returns the registrable domain of a host (www.muping.gov.cn →
// muping.gov.cn, gov.cn being a public suffix); an IP address or a single-label name is
// returned as is.
func RegisteredDomain(host string) string {
	h := strings.ToLower(host)
	if hh, _, err := net.SplitHostPort(h); err == nil {
		h = hh
	}
	h = strings.TrimSuffix(h, ".")
	if net.ParseIP(h) != nil || !strings.Contains(h, ".") {
		return h
	}
	d, err := publicsuffix.EffectiveTLDPlusOne(h)
	if err != nil {
		return h
	}
	return d
}

// SameSite is the domain rule: u is http(s) and on the registered domain of root
// (subdomains allowed, mirrors on other domains never).
func SameSite(root, u *url.URL) bool {
	if u == nil || root == nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	return RegisteredDomain(u.Host) == RegisteredDomain(root.Host)
}

// Normalize resolves ref against base and canonicalises it: lower-case host, no default
// port, no fragment (unless keepFragment), "/" for an empty path. It returns nil for
// javascript:, mailto:, tel: and unparsable references.
func Normalize(base *url.URL, ref string, keepFragment bool) *url.URL {
	ref = strings.TrimSpace(ref)
	if ref == "" || strings.HasPrefix(ref, "#") {
		return nil
	}
	low := strings.ToLower(ref)
	for _, p := range []string{"javascript:", "mailto:", "tel:", "data:", "about:"} {
		if strings.HasPrefix(low, p) {
			return nil
		}
	}
	r, err := url.Parse(ref)
	if err != nil {
		return nil
	}
	u := base.ResolveReference(r)
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil
	}
	u.Host = strings.ToLower(u.Host)
	if (u.Scheme == "http" && strings.HasSuffix(u.Host, ":80")) || (u.Scheme == "https" && strings.HasSuffix(u.Host, ":443")) {
		u.Host = u.Host[:strings.LastIndex(u.Host, ":")]
	}
	if u.Path == "" {
		u.Path = "/"
	}
	if !keepFragment {
		u.Fragment, u.RawFragment = "", ""
	}
	return u
}

// Link is an anchor (or image) found on a page.
type Link struct {
	URL  *url.URL
	Text string // title attribute when present, else the anchor text
	Img  bool   // from <img src>
}

// Page is a parsed HTML (or XML datastore) page.
type Page struct {
	URL   *url.URL
	Title string // ArticleTitle meta, else <title>
	Links []Link
	// Body holds the links and images inside a known content container (TRS_Editor, #zoom,
	// #vsb_content, …), where report attachments sit.
	Body []Link
	// Pages are further list pages announced by script (createPageHTML, countPage, jpage).
	Pages []*url.URL
	// SID is a gkmlpt site id found in a script (SID: '755031').
	SID string
	raw string
}

var (
	createPageRe = regexp.MustCompile(`createPageHTML\(\s*['"]?(\d+)['"]?\s*,\s*['"]?(\d+)['"]?\s*,\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]`)
	countPageRe  = regexp.MustCompile(`countPage\s*=\s*['"]?(\d+)`)
	recordRe     = regexp.MustCompile(`(?s)<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>`)
	nextGroupRe  = regexp.MustCompile(`(?s)<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>`)
	jpageRe      = regexp.MustCompile(`(?s)jpage\(\s*\{([^}]*)\}`)
	totalRecRe   = regexp.MustCompile(`totalRecord\s*:\s*['"]?(\d+)`)
	perPageRe    = regexp.MustCompile(`perPage\s*:\s*['"]?(\d+)`)
	xmlTotalRe   = regexp.MustCompile(`<totalrecord>\s*(\d+)\s*</totalrecord>`)
	sidRe        = regexp.MustCompile(`(?i)\bsid['"]?\s*[:=]\s*['"]?(\d+)`)
	hrefRe       = regexp.MustCompile(`(?i)href\s*=\s*['"]([^'"]+)['"]`)
)

// bodySelectors are content containers of sites.md 1.4 (TRS, Hanweb, VSB, NFCMS, 深圳) and
// common generic ones.
const bodySelectors = `.TRS_Editor, .trs_editor_view, #zoom, #vsb_content, .v_news_content, .news_cont_d_wrap, .article-content, .articleBox, .article, .content, #content, .main-txt, .xxgk_content`

// ParsePage parses decoded HTML text: title, links (also those of Hanweb <datastore>
// records), body links, and list pages announced by script.
func ParsePage(u *url.URL, text string) (*Page, error) {
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", u, err)
	}
	base := u
	if h, ok := doc.Find("base[href]").Attr("href"); ok {
		if b := Normalize(u, h, false); b != nil {
			base = b
		}
	}
	p := &Page{URL: u, raw: text}
	if t, ok := doc.Find(`meta[name="ArticleTitle"]`).Attr("content"); ok && strings.TrimSpace(t) != "" {
		p.Title = strings.TrimSpace(t)
	} else {
		p.Title = strings.TrimSpace(doc.Find("title").First().Text())
	}
	keepFrag := func(h string) bool { return strings.Contains(h, "gkmlpt/index#") }
	doc.Find("a[href]").Each(func(_ int, s *goquery.Selection) {
		h, _ := s.Attr("href")
		lu := Normalize(base, h, keepFrag(h))
		if lu == nil {
			return
		}
		p.Links = append(p.Links, Link{URL: lu, Text: linkText(s)})
	})
	doc.Find(bodySelectors).Each(func(_ int, c *goquery.Selection) {
		c.Find("a[href]").Each(func(_ int, s *goquery.Selection) {
			h, _ := s.Attr("href")
			if lu := Normalize(base, h, false); lu != nil {
				p.Body = append(p.Body, Link{URL: lu, Text: linkText(s)})
			}
		})
		c.Find("img[src]").Each(func(_ int, s *goquery.Selection) {
			h, _ := s.Attr("src")
			if lu := Normalize(base, h, false); lu != nil {
				alt, _ := s.Attr("alt")
				p.Body = append(p.Body, Link{URL: lu, Text: alt, Img: true})
			}
		})
	})
	p.parseDatastore(base)
	p.parseScripts(base)
	return p, nil
}

func linkText(s *goquery.Selection) string {
	if t, ok := s.Attr("title"); ok && strings.TrimSpace(t) != "" {
		return strings.TrimSpace(t)
	}
	return strings.Join(strings.Fields(s.Text()), " ")
}

// parseDatastore reads Hanweb <datastore> records (inline in a list page or a dataproxy.jsp
// answer) as links, and plans the dataproxy groups still to fetch.
func (p *Page) parseDatastore(base *url.URL) {
	if !strings.Contains(p.raw, "<record>") {
		return
	}
	recs := recordRe.FindAllStringSubmatch(p.raw, -1)
	if len(recs) == 0 {
		return
	}
	var frag strings.Builder
	for _, r := range recs {
		frag.WriteString(r[1])
		frag.WriteByte('\n')
	}
	have := map[string]bool{}
	for _, l := range p.Links {
		have[l.URL.String()] = true
	}
	if doc, err := goquery.NewDocumentFromReader(strings.NewReader(frag.String())); err == nil {
		doc.Find("a[href]").Each(func(_ int, s *goquery.Selection) {
			h, _ := s.Attr("href")
			if lu := Normalize(base, h, false); lu != nil && !have[lu.String()] {
				have[lu.String()] = true
				p.Links = append(p.Links, Link{URL: lu, Text: linkText(s)})
			}
		})
	}
	total, perPage := 0, 0
	if m := jpageRe.FindStringSubmatch(p.raw); m != nil {
		if t := totalRecRe.FindStringSubmatch(m[1]); t != nil {
			total, _ = strconv.Atoi(t[1])
		}
		if pp := perPageRe.FindStringSubmatch(m[1]); pp != nil {
			perPage, _ = strconv.Atoi(pp[1])
		}
	}
	if m := xmlTotalRe.FindStringSubmatch(p.raw); m != nil && total == 0 {
		total, _ = strconv.Atoi(m[1])
	}
	q := p.URL.Query()
	if q.Get("startrecord") != "" { // a dataproxy answer: plan the next group
		end, _ := strconv.Atoi(q.Get("endrecord"))
		start, _ := strconv.Atoi(q.Get("startrecord"))
		size := end - start + 1
		if end > 0 && size > 0 && end < total {
			next := *p.URL
			nq := next.Query()
			nq.Set("startrecord", strconv.Itoa(end+1))
			nq.Set("endrecord", strconv.Itoa(end+size))
			next.RawQuery = nq.Encode()
			p.Pages = append(p.Pages, &next)
		}
		return
	}
	ng := nextGroupRe.FindStringSubmatch(p.raw)
	if ng == nil {
		return
	}
	hm := hrefRe.FindStringSubmatch(ng[1])
	if hm == nil {
		return
	}
	proxy := Normalize(base, strings.ReplaceAll(hm[1], "&amp;", "&"), false)
	if proxy == nil {
		return
	}
	inline := len(recs)
	if perPage <= 0 {
		perPage = 15
	}
	group := perPage * 3
	if inline > group {
		group = inline
	}
	pq := proxy.Query()
	pq.Del("page")
	pq.Set("col", "1")
	pq.Set("sourceContentType", "1")
	pq.Set("perpage", strconv.Itoa(perPage))
	// With a known total plan every group; without one plan the next, whose answer carries
	// <totalrecord> and plans on.
	for start := inline + 1; ; start += group {
		if total > 0 && start > total {
			break
		}
		g := *proxy
		gq := url.Values{}
		for k, v := range pq {
			gq[k] = v
		}
		gq.Set("startrecord", strconv.Itoa(start))
		gq.Set("endrecord", strconv.Itoa(start+group-1))
		g.RawQuery = gq.Encode()
		p.Pages = append(p.Pages, &g)
		if total == 0 {
			break
		}
	}
}

// parseScripts plans the static pages announced by TRS createPageHTML / countPage, and reads
// a gkmlpt SID.
func (p *Page) parseScripts(base *url.URL) {
	if strings.Contains(p.URL.Path, "gkmlpt") {
		if m := sidRe.FindStringSubmatch(p.raw); m != nil {
			p.SID = m[1]
		}
	}
	n, name, ext := 0, "index", strings.TrimPrefix(path.Ext(p.URL.Path), ".")
	if i := strings.Index(p.raw, "createPageHTML("); i >= 0 {
		if m := createPageRe.FindStringSubmatch(p.raw[i:]); m != nil {
			n, _ = strconv.Atoi(m[1])
			name, ext = m[3], m[4]
		}
	}
	if i := strings.Index(p.raw, "countPage"); n == 0 && i >= 0 {
		if m := countPageRe.FindStringSubmatch(p.raw[i:]); m != nil {
			n, _ = strconv.Atoi(m[1])
		}
	}
	if n <= 1 {
		return
	}
	if ext == "" {
		ext = "html"
	}
	if n > 500 {
		n = 500 // trap guard on a broken counter
	}
	for k := 1; k < n; k++ { // zero-based suffix: page k+1 is index_k
		if u := Normalize(base, fmt.Sprintf("%s_%d.%s", name, k, ext), false); u != nil {
			p.Pages = append(p.Pages, u)
		}
	}
}

// GkmlptArticle is one record of the gkmlpt JSON API.
type GkmlptArticle struct {
	ID      int64  `json:"id"`
	Title   string `json:"title"`
	URL     string `json:"url"`
	PostURL string `json:"post_url"`
}

// GkmlptPage is an answer of /gkmlpt/api/all/{catid}?page=n&sid=….
type GkmlptPage struct {
	Total    int             `json:"total"`
	Articles []GkmlptArticle `json:"articles"`
}

// ParseGkmlpt parses a gkmlpt API answer and returns its items and, on page 1, the URLs of
// the other pages.
func ParseGkmlpt(u *url.URL, body []byte) ([]Link, []*url.URL, error) {
	var gp GkmlptPage
	if err := json.Unmarshal(body, &gp); err != nil {
		return nil, nil, fmt.Errorf("gkmlpt %s: %w", u, err)
	}
	var links []Link
	for _, a := range gp.Articles {
		ref := a.URL
		if ref == "" {
			ref = a.PostURL
		}
		if lu := Normalize(u, ref, false); lu != nil {
			links = append(links, Link{URL: lu, Text: a.Title})
		}
	}
	var pages []*url.URL
	q := u.Query()
	if pg, _ := strconv.Atoi(q.Get("page")); (pg == 1 || q.Get("page") == "") && len(gp.Articles) > 0 {
		n := (gp.Total + len(gp.Articles) - 1) / len(gp.Articles)
		if n > 500 {
			n = 500
		}
		for k := 2; k <= n; k++ {
			nu := *u
			nq := nu.Query()
			nq.Set("page", strconv.Itoa(k))
			nu.RawQuery = nq.Encode()
			pages = append(pages, &nu)
		}
	}
	return links, pages, nil
}

// GkmlptAPI returns the API URL of a catalogue category: /gkmlpt/api/all/{catid}?page=1&sid=.
func GkmlptAPI(index *url.URL, catid, sid string) *url.URL {
	u := &url.URL{Scheme: index.Scheme, Host: index.Host, Path: "/gkmlpt/api/all/" + catid}
	q := url.Values{}
	q.Set("page", "1")
	q.Set("sid", sid)
	u.RawQuery = q.Encode()
	return u
}
