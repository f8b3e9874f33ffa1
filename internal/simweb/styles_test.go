package simweb

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// collect adds to got the links of body that are items of want (old /html/ paths mapped to
// their target).
func collect(t *testing.T, got map[string]bool, want map[string]bool, host, base, body string) {
	t.Helper()
	for _, l := range links(t, base, body) {
		l = strings.Replace(l, "http://"+host+"/html/", "http://"+host+"/", 1)
		if want[l] {
			got[l] = true
		}
	}
}

func mustStatus(t *testing.T, r resp, want int, what string) {
	t.Helper()
	if r.status != want {
		t.Fatalf("%s: status %d, want %d; body %.200q", what, r.status, want, r.body)
	}
}

func gbkDecode(t *testing.T, s string) string {
	t.Helper()
	out, err := simplifiedchinese.GBK.NewDecoder().String(s)
	if err != nil {
		t.Fatalf("decode gbk: %v", err)
	}
	return out
}

// TestStylePagination walks the 年报 column of each style's showcase site through the proxy,
// with the style's own pager mechanism, and checks every item of the column is reached.
func TestStylePagination(t *testing.T) {
	w := New(noFaults(12))
	c := startWeb(t, w)
	reInt := func(re, body string) int {
		m := regexp.MustCompile(re).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no match for %s", re)
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	tests := []struct {
		style Style
		walk  func(t *testing.T, s *site, want, got map[string]bool) (pages int)
	}{
		{S1, func(t *testing.T, s *site, want, got map[string]bool) int {
			col := s.pub.ReportColumnURL
			p1 := get(t, c, col)
			mustStatus(t, p1, 200, "S1 index.html")
			n := reInt(`var countPage = (\d+);//共多少页`, p1.body)
			if !strings.Contains(p1.body, fmt.Sprintf(`createPageHTML(%d, 0, "index", "html")`, n)) {
				t.Errorf("S1: no createPageHTML call")
			}
			if strings.Contains(p1.body, `href="index_`) {
				t.Errorf("S1: pager must exist only in script, found an <a href=index_…>")
			}
			collect(t, got, want, s.pub.Host, col, p1.body)
			dir := strings.TrimSuffix(col, "index.html")
			for k := 1; k < n; k++ {
				p := get(t, c, fmt.Sprintf("%sindex_%d.html", dir, k))
				mustStatus(t, p, 200, fmt.Sprintf("S1 index_%d", k))
				if !strings.Contains(p.body, fmt.Sprintf(`createPageHTML(%d, %d, "index", "html")`, n, k)) {
					t.Errorf("S1 index_%d: wrong page index in pager", k)
				}
				collect(t, got, want, s.pub.Host, col, p.body)
			}
			mustStatus(t, get(t, c, fmt.Sprintf("%sindex_%d.html", dir, n)), 404, "S1 page past the end")
			return n
		}},
		{S2, func(t *testing.T, s *site, want, got map[string]bool) int {
			col := s.pub.ReportColumnURL
			p1 := get(t, c, col)
			mustStatus(t, p1, 200, "S2 index.html")
			total := reInt(`totalRecord:(\d+)`, p1.body)
			if total != len(want) || total <= 90 {
				t.Fatalf("S2 totalRecord %d, want %d (>90 to need two dataproxy groups)", total, len(want))
			}
			if got := strings.Count(p1.body, "<record><![CDATA["); got != 45 {
				t.Errorf("S2 inline records %d, want 45", got)
			}
			if !strings.Contains(p1.body, `<script type="text/xml"><datastore>`) || !strings.Contains(p1.body, "perPage:15") {
				t.Errorf("S2: no datastore/jpage")
			}
			collect(t, got, want, s.pub.Host, col, p1.body)
			mustStatus(t, get(t, c, strings.Replace(col, "index.html", "index_1.html", 1)), 404, "S2 index_1.html")
			colID := s.s2ColID(colMain)
			proxy := "http://" + s.pub.Host + "/module/web/jpage/dataproxy.jsp"
			form := fmt.Sprintf("col=1&appid=1&webid=%d&path=/&columnid=%d&sourceContentType=1&unitid=%d&webname=%s&permissiontype=0",
				s.idx+1, colID, s.unitID, url.QueryEscape(s.pub.Name))
			groups := 1
			for start := 46; start <= total; start += 45 {
				q := fmt.Sprintf("?startrecord=%d&endrecord=%d&perpage=15", start, start+44)
				var p resp
				if groups%2 == 1 {
					p = fetch(t, c, http.MethodPost, proxy+q, nil, form)
				} else {
					p = get(t, c, proxy+q+"&"+form)
				}
				mustStatus(t, p, 200, "S2 dataproxy "+q)
				if reInt(`<totalrecord>(\d+)</totalrecord>`, p.body) != total {
					t.Errorf("S2 dataproxy totalrecord mismatch")
				}
				if n := strings.Count(p.body, "<record>"); n != min(45, total-start+1) {
					t.Errorf("S2 dataproxy %s: %d records", q, n)
				}
				collect(t, got, want, s.pub.Host, col, p.body)
				groups++
			}
			return groups
		}},
		{S3, func(t *testing.T, s *site, want, got map[string]bool) int {
			col := s.pub.ReportColumnURL
			p := get(t, c, col)
			mustStatus(t, p, 200, "S3 index.html")
			last, ok := linkTo(t, col, p.body, "尾页")
			if !ok {
				t.Fatalf("S3: no 尾页")
			}
			n := reInt(`index_(\d+)\.html$`, last)
			collect(t, got, want, s.pub.Host, col, p.body)
			for k := 2; k <= n; k++ {
				pk := get(t, c, strings.Replace(col, "index.html", fmt.Sprintf("index_%d.html", k), 1))
				mustStatus(t, pk, 200, fmt.Sprintf("S3 index_%d", k))
				collect(t, got, want, s.pub.Host, col, pk.body)
			}
			mustStatus(t, get(t, c, strings.Replace(col, "index.html", "index_1.html", 1)), 404, "S3 index_1.html (1-based)")
			// gkmlpt: shell without links, JSON API with every item.
			shell := get(t, c, "http://"+s.pub.Host+"/gkmlpt/index")
			mustStatus(t, shell, 200, "gkmlpt shell")
			if !strings.Contains(shell.body, fmt.Sprintf("SID: '%d'", s.unitID)) || strings.Contains(shell.body, "<a ") {
				t.Errorf("gkmlpt shell: want SID and no links")
			}
			seen := 0
			for pg := 1; ; pg++ {
				api := get(t, c, fmt.Sprintf("http://%s/gkmlpt/api/all/%d?page=%d&sid=%d", s.pub.Host, s.gkCat(), pg, s.unitID))
				mustStatus(t, api, 200, "gkmlpt api")
				var out struct {
					Total    int
					Articles []struct {
						ID         int64
						URL, Title string
						CreateTime int64 `json:"create_time"`
					}
				}
				if err := json.Unmarshal([]byte(api.body), &out); err != nil {
					t.Fatalf("gkmlpt json: %v", err)
				}
				if out.Total != len(want) {
					t.Errorf("gkmlpt total %d, want %d", out.Total, len(want))
				}
				if len(out.Articles) == 0 {
					break
				}
				seen += len(out.Articles)
				if pg == 1 {
					mustStatus(t, get(t, c, out.Articles[0].URL), 200, "gkmlpt content twin")
				}
			}
			if seen < len(want)-1 {
				t.Errorf("gkmlpt listed %d of %d", seen, len(want))
			}
			for u := range want {
				if strings.Contains(u, "/post_") {
					mustStatus(t, get(t, c, strings.Replace(u, "/post_", "/mpost_", 1)), 200, "mpost twin")
					break
				}
			}
			return n
		}},
		{S4, func(t *testing.T, s *site, want, got map[string]bool) int {
			col := s.pub.ReportColumnURL
			total := (len(want) + 9) / 10
			p := get(t, c, col)
			mustStatus(t, p, 200, "S4 page 1")
			if !strings.Contains(p.body, fmt.Sprintf(`<span class="p_t">共%d条</span>`, len(want))) {
				t.Errorf("S4: no 共N条")
			}
			last, _ := linkTo(t, col, p.body, "尾页")
			if !strings.HasSuffix(last, "/"+s.nbSlug+"/1.htm") {
				t.Errorf("S4 尾页 = %s, want …/%s/1.htm", last, s.nbSlug)
			}
			cur, pages := col, 1
			for {
				collect(t, got, want, s.pub.Host, cur, p.body)
				next, ok := linkTo(t, cur, p.body, "下页")
				if !ok {
					break
				}
				pages++
				if wantSuffix := fmt.Sprintf("/%s/%d.htm", s.nbSlug, total-pages+1); !strings.HasSuffix(next, wantSuffix) {
					t.Fatalf("S4 page %d = %s, want …%s (count-down)", pages, next, wantSuffix)
				}
				cur = next
				p = get(t, c, cur)
				mustStatus(t, p, 200, "S4 "+cur)
			}
			if pages != total {
				t.Errorf("S4 walked %d pages, want %d", pages, total)
			}
			return pages
		}},
		{S5, func(t *testing.T, s *site, want, got map[string]bool) int {
			cur, pages := s.pub.ReportColumnURL, 0
			for cur != "" {
				p := get(t, c, cur)
				mustStatus(t, p, 200, "S5 "+cur)
				pages++
				if pages == 2 && !strings.HasSuffix(cur, "/index_2.html") {
					t.Errorf("S5 second page %s, want index_2.html", cur)
				}
				collect(t, got, want, s.pub.Host, cur, p.body)
				cur, _ = linkTo(t, cur, p.body, "下一页")
			}
			root := get(t, c, "http://"+s.pub.Host+"/zfxxgknb/index.html")
			mustStatus(t, root, 200, "S5 bucket root")
			n404 := 0
			for _, l := range links(t, "http://"+s.pub.Host+"/zfxxgknb/index.html", root.body) {
				if strings.Contains(l, "/zfxxgknb/") && strings.HasSuffix(l, "/index.html") && !strings.HasSuffix(l, "/zfxxgknb/index.html") {
					if r := get(t, c, l); r.status == 404 {
						n404++
						if !strings.Contains(l, fmt.Sprintf("gknb%d", s.drift)) {
							t.Errorf("S5 bucket %s is 404, want only gknb%d", l, s.drift)
						}
					}
				}
			}
			if n404 != 1 {
				t.Errorf("S5: %d 404 buckets, want 1", n404)
			}
			return pages
		}},
		{S6, func(t *testing.T, s *site, want, got map[string]bool) int {
			cur, pages := s.pub.ReportColumnURL, 0
			for cur != "" {
				p := get(t, c, cur)
				mustStatus(t, p, 200, "S6 "+cur)
				if ct := p.header.Get("Content-Type"); ct != "text/html; charset=GBK" {
					t.Errorf("S6 Content-Type %q", ct)
				}
				body := gbkDecode(t, p.body)
				if !strings.Contains(body, `<meta charset="gb2312">`) {
					t.Errorf("S6: want a conflicting gb2312 meta")
				}
				pages++
				if pages > 1 && !strings.HasSuffix(cur, fmt.Sprintf("list.asp?classid=37&page=%d", pages)) {
					t.Errorf("S6 page %d URL %s", pages, cur)
				}
				if pages == 1 {
					if _, ok := linkTo(t, cur, body, "尾页"); !ok {
						t.Errorf("S6: no 尾页")
					}
				}
				collect(t, got, want, s.pub.Host, cur, body)
				cur, _ = linkTo(t, cur, body, "下一页")
			}
			return pages
		}},
	}
	for _, tc := range tests {
		t.Run(tc.style.String(), func(t *testing.T) {
			s := showcase(t, w, tc.style)
			want := detailURLs(w, s, colMain)
			got := map[string]bool{}
			pages := tc.walk(t, s, want, got)
			if pages < 2 {
				t.Errorf("only %d list pages: the showcase must paginate", pages)
			}
			for u := range want {
				if !got[u] {
					t.Errorf("item %s not reached from the list pages", u)
				}
			}
		})
	}
}
