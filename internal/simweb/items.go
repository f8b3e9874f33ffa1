package simweb

import (
	"fmt"
	"math/rand"
	"net/url"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/ogireports/ogireports/internal/reportgen"
)

// Item categories (Planted.Category).
const (
	// CatReport is a report of the site's own agency or one of its units.
	CatReport = "report"
	// CatOtherUnit is a report of another agency listed in the site's 年报 column (a report).
	CatOtherUnit = "other_unit"
	// CatNotice2019 and CatNotice2021 are the State Council format notices (not reports).
	CatNotice2019 = "notice_gov2019"
	CatNotice2021 = "notice_gov2021"
	// CatExplanation is a 关于…年度报告的说明 (not a report).
	CatExplanation = "explanation"
	// CatRuleOfLaw is a 法治政府建设年度报告 (not a report).
	CatRuleOfLaw = "rule_of_law"
	// CatNonReport is a reportgen.NonReports document (not a report).
	CatNonReport = "nonreport"
	// CatLoginWall is an S4 content.jsp item behind a login wall (not a report).
	CatLoginWall = "login_wall"
	// CatBroken is a list item whose link answers 404.
	CatBroken = "broken"
	// CatMirror is a copy of a report on a non-gov mirror host (not to be trusted).
	CatMirror = "mirror"
)

// Column ids: 0 is the 年报 column; 100+u unit u's sub-column; 5000+y year sub-column (S1);
// 10000+y the S5 department bucket of year y, 20000+y the S5 街道 bucket.
const (
	colMain     = 0
	colUnit     = 100
	colYear     = 5000
	colBucket   = 10000
	colBucketJD = 20000
)

type item struct {
	id       int64
	cat      string
	agency   string
	short    string
	year     int
	unit     int
	kind     string
	pub      time.Time
	urlDate  time.Time
	col      int
	redirect bool
	extra    int
	doc      int
	title    string
}

func (it item) isReport() bool { return it.cat == CatReport || it.cat == CatOtherUnit }

// Planted is the truth about one planted item.
type Planted struct {
	SiteCode string
	Agency   string
	Year     int
	// URL is where the cells live: the detail page (html, image) or the attachment (pdf, doc,
	// docx). For non-reports it is the detail page.
	URL string
	// PageURL is the detail page (equal to URL for html and image).
	PageURL string
	// Kind is "html", "pdf", "doc", "docx" or "image" (tables published as images).
	Kind string
	// Cells is the reportgen truth (nil for non-reports and pre-2019 reports, which have no keys).
	Cells map[string]*float64
	// IsReport tells reports (of the site's agency, its units or another agency) from noise.
	IsReport bool
	// Category is one of the Cat… constants.
	Category  string
	Title     string
	Published string
	// Reachable is false when the item cannot be fetched (WAF site, 404 bucket, login wall,
	// broken link). RobotsBlocked is true when robots.txt disallows it.
	Reachable     bool
	RobotsBlocked bool
	// Extractable is false when the cells cannot be read from the served bytes as HTML, a real
	// attachment or real table pictures: a placeholder PDF (Config.Attachments nil) or
	// placeholder table images (Config.TableImages nil). Reading real table pictures needs OCR.
	Extractable bool
	// Layout is the layout of table 三 ("" when unknown or pre-2019).
	Layout    string
	VariantID string
}

// columns lists the column ids of a site.
func (w *Web) columns(s *site) []int {
	cols := []int{colMain}
	if s.yearSub {
		for y := s.years[1]; y >= s.years[0]; y-- {
			cols = append(cols, colYear+y)
		}
	}
	if s.unitSub && s.pub.Style != S5 {
		for u := 0; u < s.nUnits; u++ {
			cols = append(cols, colUnit+u)
		}
	}
	if s.pub.Style == S5 && s.nUnits > 1 {
		for y := s.years[1]; y >= s.years[0]; y-- {
			cols = append(cols, colBucket+y)
			if s.nUnits > 2 {
				cols = append(cols, colBucketJD+y)
			}
		}
	}
	return cols
}

func (w *Web) hasColumn(s *site, col int) bool {
	for _, c := range w.columns(s) {
		if c == col {
			return true
		}
	}
	return false
}

// columnName is the display name of a column.
func (w *Web) columnName(s *site, col int) string {
	switch {
	case col == colMain:
		return s.nbName
	case col >= colBucketJD:
		return fmt.Sprintf("%d年街道（镇）年报", col-colBucketJD)
	case col >= colBucket:
		return fmt.Sprintf("%d年部门年报", col-colBucket)
	case col >= colYear:
		return fmt.Sprintf("%d年", col-colYear)
	default:
		_, short := s.unitAgency(col - colUnit)
		return short
	}
}

func reportDate(r *rand.Rand, year int) time.Time {
	var d time.Time
	switch x := r.Float64(); {
	case x < 0.55:
		d = time.Date(year+1, 1, 10+r.Intn(22), 0, 0, 0, 0, time.UTC)
	case x < 0.8:
		d = time.Date(year+1, 3, 15+r.Intn(17), 0, 0, 0, 0, time.UTC)
	case x < 0.96:
		d = time.Date(year+1, 2, 1+r.Intn(28), 0, 0, 0, 0, time.UTC)
	default:
		d = time.Date(year, 12, 15+r.Intn(15), 0, 0, 0, 0, time.UTC)
	}
	return d.Add(time.Duration(9*60+r.Intn(9*60)) * time.Minute)
}

func reportKind(r *rand.Rand, st Style) string {
	x := r.Float64()
	switch st {
	case S5:
		switch {
		case x < 0.35:
			return "html"
		case x < 0.65:
			return "pdf"
		case x < 0.75:
			return "doc"
		case x < 0.82:
			return "docx"
		}
		return "image"
	case S6:
		return "html"
	}
	switch {
	case x < 0.8:
		return "html"
	case x < 0.93:
		return "pdf"
	case x < 0.97:
		return "image"
	}
	return "docx"
}

// items returns the items of a site, newest first. It is recomputed on every call from the
// seed (plus AddReport mutations), so nothing grows with requests.
func (w *Web) items(s *site) []item {
	r := newRand(mix(s.seed, "items"))
	var its []item
	add := func(it item) {
		if it.urlDate.IsZero() {
			it.urlDate = it.pub
			if r.Float64() < 0.12 {
				it.urlDate = it.pub.AddDate(0, 0, -1-r.Intn(20))
			}
		}
		its = append(its, it)
	}
	st := s.pub.Style
	for y := s.years[0]; y <= s.years[1]; y++ {
		col := colMain
		if s.yearSub {
			col = colYear + y
		}
		add(item{cat: CatReport, agency: s.pub.Name, short: s.short, year: y, unit: -1,
			kind: reportKind(r, st), pub: reportDate(r, y), col: col})
	}
	p := 0.85
	if s.showcase {
		p = 0.9
	}
	for u := 0; u < s.nUnits; u++ {
		ag, short := s.unitAgency(u)
		for y := s.years[0]; y <= s.years[1]; y++ {
			if r.Float64() >= p {
				continue
			}
			col := colMain
			switch {
			case st == S5 && u%3 == 2:
				col = colBucketJD + y
			case st == S5 && u%3 == 1:
				col = colBucket + y
			case s.unitSub:
				col = colUnit + u
			}
			add(item{cat: CatReport, agency: ag, short: short, year: y, unit: u,
				kind: reportKind(r, st), pub: reportDate(r, y), col: col})
		}
	}
	// Noise in the 年报 column.
	y0, y1 := s.years[0], s.years[1]
	ry := func() int { return y0 + r.Intn(y1-y0+1) }
	if st != S6 {
		add(item{cat: CatNotice2019, year: 2019, unit: -1, kind: "html",
			pub:   time.Date(2019, 12, 10+r.Intn(15), 10, 0, 0, 0, time.UTC),
			title: "国务院办公厅政府信息公开办公室关于印发《中华人民共和国政府信息公开工作年度报告格式》的通知"})
		add(item{cat: CatNotice2021, year: 2021, unit: -1, kind: "html",
			pub:   time.Date(2021, 9, 1+r.Intn(20), 10, 0, 0, 0, time.UTC),
			title: "国务院办公厅政府信息公开办公室关于印发《中华人民共和国政府信息公开工作年度报告格式》的通知（国办公开办函〔2021〕30号）"})
		oy := ry()
		add(item{cat: CatOtherUnit, agency: s.prefix + "发展和改革局", short: s.short + "发展和改革局",
			year: oy, unit: -1, kind: "html", pub: reportDate(r, oy)})
	}
	ey := ry()
	add(item{cat: CatExplanation, year: ey, unit: -1, kind: "html", pub: reportDate(r, ey).AddDate(0, 0, 20),
		title: fmt.Sprintf("关于%s%d年政府信息公开工作年度报告的说明", s.short, ey)})
	ly := ry()
	add(item{cat: CatRuleOfLaw, year: ly, unit: -1, kind: "html", pub: reportDate(r, ly).AddDate(0, 0, 40),
		title: fmt.Sprintf("%s%d年法治政府建设年度报告", s.short, ly)})
	for i, d := range nonReports(s.seed) {
		if d.ID != "nr-yaodian" && d.ID != "nr-gongbao" {
			continue
		}
		add(item{cat: CatNonReport, year: ry(), unit: -1, kind: "html", doc: i,
			pub: reportDate(r, ry()), title: d.Title})
	}
	if st == S4 {
		wy := ry()
		add(item{cat: CatLoginWall, year: wy, unit: -1, kind: "html", pub: reportDate(r, wy),
			title: fmt.Sprintf("%s%d年度政务公开工作总结", s.short, wy)})
	}
	if s.broken {
		by := ry()
		add(item{cat: CatBroken, year: by, unit: -1, kind: "html", pub: reportDate(r, by),
			title: fmt.Sprintf("%d年政府信息公开年报（附件）", by)})
	}
	// Ids grow with time.
	sort.SliceStable(its, func(i, j int) bool { return its[i].pub.Before(its[j].pub) })
	id := s.idBase
	for i := range its {
		id += 1 + r.Int63n(3000)
		its[i].id = id
	}
	if s.redirect {
		for i := range its {
			if its[i].cat == CatReport && its[i].col == colMain {
				its[i].redirect = true
				break
			}
		}
	}
	w.mu.Lock()
	extras := append([]extraItem(nil), w.extra[s.idx]...)
	w.mu.Unlock()
	for _, e := range extras {
		pub := time.Date(e.year+1, 1, 20, 10, 0, 0, 0, time.UTC).AddDate(0, 0, e.n)
		its = append(its, item{id: s.idBase + 90000000 + int64(e.n), cat: CatReport, agency: e.agency,
			short: e.agency, year: e.year, unit: -1, kind: "html", pub: pub, urlDate: pub,
			col: colMain, extra: e.n + 1})
	}
	sort.SliceStable(its, func(i, j int) bool {
		if its[i].extra != its[j].extra {
			return its[i].extra > its[j].extra
		}
		return its[i].pub.After(its[j].pub)
	})
	return its
}

func (w *Web) findItem(s *site, id int64) (item, bool) {
	for _, it := range w.items(s) {
		if it.id == id {
			return it, true
		}
	}
	return item{}, false
}

// columnItems returns the items listed in a column, newest first.
func (w *Web) columnItems(s *site, col int) []item {
	var out []item
	for _, it := range w.items(s) {
		if it.col == col {
			out = append(out, it)
		}
	}
	return out
}

// variant returns the reportgen variant of a report item (zero Variant but Agency/Year for
// pre-2019 years and non-reports).
func (w *Web) variant(s *site, it item) reportgen.Variant {
	if !it.isReport() || it.year < 2019 {
		return reportgen.Variant{Agency: it.agency, Year: it.year, Published: it.pub.Format("2006-01-02")}
	}
	rev := w.revisionOf(s, it.id)
	rng := newRand(mix(s.seed, "variant", it.id, rev.n))
	// reportgen picks the layouts by year (gov2019 to 2020, gov2021 after, some mixed).
	v := reportgen.New(rng, it.agency, it.year, reportgen.Options{Encoding: "utf-8"})
	if v.Agency == "" {
		v.Agency = it.agency
	}
	if v.Year == 0 {
		v.Year = it.year
	}
	v.Published = it.pub.Format("2006-01-02") // the page shows one date everywhere
	return v
}

// title is the list and page title of an item.
func (w *Web) title(s *site, it item, v *reportgen.Variant) string {
	if it.title != "" {
		return it.title
	}
	if v != nil && v.Title() != "" {
		return v.Title()
	}
	switch mix(s.seed, "title", it.id) % 5 {
	case 1:
		return fmt.Sprintf("%d年度政府信息公开年报", it.year)
	case 2:
		return fmt.Sprintf("%s关于%d年政府信息公开工作的年度报告", it.agency, it.year)
	case 3:
		if it.year >= 2019 {
			return it.short + "政府信息公开工作年度报告"
		}
	}
	return fmt.Sprintf("%s%d年政府信息公开工作年度报告", it.short, it.year)
}

func nonReports(seed int64) []reportgen.Doc { return reportgen.NonReports(seed) }

// Truth lists every planted item of every site: reports and non-reports, site by site in
// the order of Sites(). It builds every report's variant (about 40 a site), on all CPUs.
func (w *Web) Truth() []Planted {
	per := make([][]Planted, len(w.sites))
	var wg sync.WaitGroup
	next := make(chan int)
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				per[i] = w.siteTruth(w.sites[i])
			}
		}()
	}
	for i := range w.sites {
		next <- i
	}
	close(next)
	wg.Wait()
	var out []Planted
	for _, p := range per {
		out = append(out, p...)
	}
	return out
}

func (w *Web) siteTruth(s *site) []Planted {
	var out []Planted
	its := w.items(s)
	for _, it := range its {
		out = append(out, w.planted(s, it))
	}
	if s.mirror == "" {
		return out
	}
	for _, it := range its {
		if it.isReport() && it.kind == "html" && it.unit < 0 {
			p := w.planted(s, it)
			p.URL = "http://" + s.mirror + mirrorPath(s, it)
			p.PageURL, p.IsReport, p.Category, p.Cells = p.URL, false, CatMirror, nil
			out = append(out, p)
			break
		}
	}
	return out
}

// SiteTruth lists the planted items of one site (nil for an unknown code).
func (w *Web) SiteTruth(code string) []Planted {
	s, ok := w.byCode[code]
	if !ok {
		return nil
	}
	return w.siteTruth(s)
}

func (w *Web) planted(s *site, it item) Planted {
	base := "http://" + s.pub.Host
	p := Planted{
		SiteCode: s.pub.Code, Agency: it.agency, Year: it.year, Kind: it.kind,
		IsReport: it.isReport(), Category: it.cat, Published: it.pub.Format("2006-01-02"),
		Reachable: !s.pub.WAF, RobotsBlocked: s.pub.RobotsDisallowAll, Extractable: true,
	}
	p.PageURL = base + w.detailPath(s, it)
	p.URL = p.PageURL
	switch it.cat {
	case CatLoginWall, CatBroken:
		p.Reachable = false
	}
	if it.col >= colBucket && it.col < colBucketJD && it.col-colBucket == s.drift {
		p.Reachable = false
	}
	if it.isReport() {
		v := w.variant(s, it)
		p.Title = w.title(s, it, &v)
		p.Cells = v.Truth
		p.Layout = string(v.LayoutT3)
		p.VariantID = v.ID
		switch it.kind {
		case "pdf", "doc", "docx":
			p.URL = base + w.attachPath(s, it)
			p.Extractable = w.cfg.Attachments != nil
		case "image":
			p.Extractable = len(w.tableImages(it, v)) > 0
		}
	} else {
		p.Title = w.title(s, it, nil)
	}
	return p
}

// IsReport reports whether url is a planted report's detail page, one of its twins (mpost_,
// gkmlpt content, old redirecting path) or its attachment.
func (w *Web) IsReport(rawURL string) bool {
	_, it, ok := w.lookupItem(rawURL)
	return ok && it.isReport()
}

// lookupItem resolves a URL to the item it shows.
func (w *Web) lookupItem(rawURL string) (*site, item, bool) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, item{}, false
	}
	s, ok := w.byHost[hostOnly(u.Host)]
	if !ok {
		return nil, item{}, false
	}
	id, ok := w.itemIDFromURL(s, u)
	if !ok {
		return nil, item{}, false
	}
	it, ok := w.findItem(s, id)
	return s, it, ok
}
