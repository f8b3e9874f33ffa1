package simweb

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// pageSize is the number of items per list page of each style (S2: per jpage page).
func pageSize(st Style) int {
	switch st {
	case S1, S5:
		return 20
	case S4:
		return 10
	}
	return 15
}

func (w *Web) homePath(s *site) string {
	switch s.pub.Style {
	case S4:
		return "/index.htm"
	case S6:
		return "/index.asp"
	}
	return "/index.html"
}

func styleExt(st Style) string {
	switch st {
	case S4:
		return ".htm"
	case S6:
		return ".asp"
	}
	return ".html"
}

// noisePath is the path of a navigation-noise section list (n=0) or article n.
func (w *Web) noisePath(s *site, sec string, n int) string {
	ext := styleExt(s.pub.Style)
	if n == 0 {
		return "/" + sec + "/index" + ext
	}
	return fmt.Sprintf("/%s/a%d%s", sec, n, ext)
}

// colDir is the directory of a column (S1, S3) with a trailing slash.
func (w *Web) colDir(s *site, col int) string {
	switch s.pub.Style {
	case S1:
		base := "/zwgk/zfxxgk/" + s.nbSlug + "/"
		switch {
		case col >= colYear:
			return fmt.Sprintf("%s%dnb/", base, col-colYear)
		case col >= colUnit:
			return fmt.Sprintf("%sbm%d/", base, col-colUnit)
		}
		return base
	case S3:
		return "/zwgk/" + s.nbSlug + "/"
	case S5:
		switch {
		case col >= colBucketJD:
			return fmt.Sprintf("/zfxxgknb/%dn/xzjd/", col-colBucketJD)
		case col >= colBucket:
			return fmt.Sprintf("/zfxxgknb/gknb%d/", col-colBucket)
		}
		return fmt.Sprintf("/nw%d/", s.nw)
	}
	return "/"
}

// s2ColID is the Hanweb column id of a column.
func (s *site) s2ColID(col int) int64 {
	if col >= colUnit {
		return s.colBase + 1 + int64(col-colUnit)
	}
	return s.colBase
}

// annualReportApp is the Hanweb 年报 app endpoint (?fbtime=YEAR&area=UNIT).
const annualReportApp = "/module/xxgk/xxgkAnnualReport.jsp"

// areaCode is the S2 unit code used by the 年报 app (18 digits).
func (s *site) areaCode() string { return fmt.Sprintf("%s%012d", s.pub.Code, s.unitID) }

func (s *site) vsbCol() int64 { return 1000 + s.colBase%900 }

func (s *site) gkCat() int { return 1000 + s.unitID%9000 }

func (w *Web) pageCount(s *site, col int) int {
	n := len(w.columnItems(s, col))
	ps := pageSize(s.pub.Style)
	if s.pub.Style == S2 {
		ps = 45 // static page holds one group
	}
	return max(1, (n+ps-1)/ps)
}

// columnPath is the path (with query for S6) of page p (1-based) of a column.
func (w *Web) columnPath(s *site, col, p int) string {
	switch s.pub.Style {
	case S1:
		if p <= 1 {
			return w.colDir(s, col) + "index.html"
		}
		return fmt.Sprintf("%sindex_%d.html", w.colDir(s, col), p-1)
	case S2:
		return fmt.Sprintf("/col/col%d/index.html", s.s2ColID(col))
	case S3, S5:
		if p <= 1 {
			return w.colDir(s, col) + "index.html"
		}
		return fmt.Sprintf("%sindex_%d.html", w.colDir(s, col), p)
	case S4:
		slug := "/xxgk/" + s.nbSlug
		if col >= colUnit {
			slug += fmt.Sprintf("_bm%d", col-colUnit)
		}
		if p <= 1 {
			return slug + ".htm"
		}
		return fmt.Sprintf("%s/%d.htm", slug, w.pageCount(s, col)-p+1)
	default:
		if p <= 1 {
			return "/xxgk/list.asp?classid=37"
		}
		return fmt.Sprintf("/xxgk/list.asp?classid=37&page=%d", p)
	}
}

// hexName is the S5 32-hex article name: the id is recoverable from the first 16 digits.
func (s *site) hexName(id int64) string {
	return fmt.Sprintf("%016x%016x", uint64(id)^uint64(s.seed), uint64(mix(s.seed, "hex", id)))
}

func (s *site) hexID(h string) (int64, bool) {
	if len(h) != 32 {
		return 0, false
	}
	v, err := strconv.ParseUint(h[:16], 16, 64)
	if err != nil {
		return 0, false
	}
	id := int64(v ^ uint64(s.seed))
	return id, s.hexName(id) == h
}

// detailPath is the canonical path (with query for S6, S4 login wall) of an item's page.
func (w *Web) detailPath(s *site, it item) string {
	d := it.urlDate
	switch s.pub.Style {
	case S1:
		return fmt.Sprintf("%s%s/t%s_%d.html", w.colDir(s, it.col), d.Format("200601"), d.Format("20060102"), it.id)
	case S2:
		return fmt.Sprintf("/art/%d/%d/%d/art_%d_%d.html", d.Year(), int(d.Month()), d.Day(), s.s2ColID(it.col), it.id)
	case S3:
		return fmt.Sprintf("%scontent/post_%d.html", w.colDir(s, it.col), it.id)
	case S4:
		if it.cat == CatLoginWall {
			return fmt.Sprintf("/content.jsp?urltype=news.NewsContentUrl&wbtreeid=1001&wbnewsid=%d", it.id)
		}
		return fmt.Sprintf("/info/%d/%d.htm", s.vsbCol(), it.id)
	case S5:
		return fmt.Sprintf("%s%s/%s.html", w.colDir(s, it.col), d.Format("20060102"), s.hexName(it.id))
	default:
		return fmt.Sprintf("/xxgk/show.asp?id=%d", it.id)
	}
}

func attachExt(kind string) string {
	switch kind {
	case "doc", "docx":
		return kind
	}
	return "pdf"
}

// attachPath is the path of a report's attachment (kinds pdf, doc, docx).
func (w *Web) attachPath(s *site, it item) string {
	d, ext := it.urlDate, attachExt(it.kind)
	switch s.pub.Style {
	case S1:
		return fmt.Sprintf("%s%s/P0%s%d.%s", w.colDir(s, it.col), d.Format("200601"), d.Format("20060102"), it.id, ext)
	case S2:
		return fmt.Sprintf("/module/download/downfile.jsp?classid=0&filename=%d.%s", it.id, ext)
	case S3:
		return fmt.Sprintf("/attachment/0/%d/%d/%d.%s", it.id/1000000, it.id/1000, it.id, ext)
	case S4:
		return fmt.Sprintf("/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=%d&wbfileid=%d", s.owner, it.id)
	default:
		return fmt.Sprintf("%s%s/P0%s%d.%s", w.colDir(s, it.col), d.Format("20060102"), d.Format("20060102"), it.id, ext)
	}
}

// imagePath is the path of table image n (1-based) of an image-kind report; ext is the
// picture's extension (".png" or ".jpg").
func (w *Web) imagePath(s *site, it item, n int, ext string) string {
	d := it.urlDate
	name := fmt.Sprintf("W0%s%d_%d%s", d.Format("20060102"), it.id, n, ext)
	switch s.pub.Style {
	case S1:
		return fmt.Sprintf("%s%s/%s", w.colDir(s, it.col), d.Format("200601"), name)
	case S5:
		return fmt.Sprintf("%s%s/%s", w.colDir(s, it.col), d.Format("20060102"), name)
	case S2:
		return "/picture/0/" + name
	case S3:
		return "/attachment/0/img/" + name
	}
	return "/__local/" + name
}

func mirrorPath(s *site, it item) string { return fmt.Sprintf("/%s/%d.html", s.pub.Code, it.id) }

var (
	reS1Detail = regexp.MustCompile(`/t\d{8}_(\d+)\.html$`)
	reP0       = regexp.MustCompile(`/P0\d{8}(\d+)\.(?:pdf|doc|docx)$`)
	reW0       = regexp.MustCompile(`/W0\d{8}(\d+)_(\d+)\.(?:png|jpg)$`)
	reS2Detail = regexp.MustCompile(`^/art/\d+/\d+/\d+/art_\d+_(\d+)\.html$`)
	reS2Attach = regexp.MustCompile(`^(\d+)\.(?:pdf|doc|docx)$`)
	reS3Detail = regexp.MustCompile(`/m?post_(\d+)\.html$`)
	reS3Attach = regexp.MustCompile(`^/attachment/0/\d+/\d+/(\d+)\.(?:pdf|doc|docx)$`)
	reS4Detail = regexp.MustCompile(`^/info/\d+/(\d+)\.htm$`)
	reS5Detail = regexp.MustCompile(`/([0-9a-f]{32})\.html$`)
)

func atoi64(s string) (int64, bool) {
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil
}

// itemIDFromURL extracts the candidate item id a URL points at (detail, twin, attachment,
// image or old redirecting path). The caller still checks the path is canonical.
func (w *Web) itemIDFromURL(s *site, u *url.URL) (int64, bool) {
	p := strings.TrimPrefix(u.Path, "/html")
	q := u.Query()
	if m := reW0.FindStringSubmatch(p); m != nil {
		return atoi64(m[1])
	}
	switch s.pub.Style {
	case S1:
		if m := reS1Detail.FindStringSubmatch(p); m != nil {
			return atoi64(m[1])
		}
		if m := reP0.FindStringSubmatch(p); m != nil {
			return atoi64(m[1])
		}
	case S2:
		if m := reS2Detail.FindStringSubmatch(p); m != nil {
			return atoi64(m[1])
		}
		if p == annualReportApp && q.Get("area") == s.areaCode() {
			year, err := strconv.Atoi(q.Get("fbtime"))
			if err != nil {
				return 0, false
			}
			for _, it := range w.items(s) {
				if it.cat == CatReport && it.unit < 0 && it.extra == 0 && it.year == year {
					return it.id, true
				}
			}
			return 0, false
		}
		if p == "/module/download/downfile.jsp" {
			if m := reS2Attach.FindStringSubmatch(q.Get("filename")); m != nil {
				return atoi64(m[1])
			}
		}
	case S3:
		if m := reS3Detail.FindStringSubmatch(p); m != nil {
			return atoi64(m[1])
		}
		if m := reS3Attach.FindStringSubmatch(p); m != nil {
			return atoi64(m[1])
		}
	case S4:
		if m := reS4Detail.FindStringSubmatch(p); m != nil {
			return atoi64(m[1])
		}
		switch p {
		case "/system/_content/download.jsp":
			return atoi64(q.Get("wbfileid"))
		case "/content.jsp":
			return atoi64(q.Get("wbnewsid"))
		}
	case S5:
		if m := reS5Detail.FindStringSubmatch(p); m != nil {
			return s.hexID(m[1])
		}
		if m := reP0.FindStringSubmatch(p); m != nil {
			return atoi64(m[1])
		}
	case S6:
		if p == "/xxgk/show.asp" {
			return atoi64(q.Get("id"))
		}
	}
	return 0, false
}
