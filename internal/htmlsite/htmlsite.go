// Package htmlsite owns the offline comparison site of `export --html DIR`: a folder of static
// files (index.html, data.js, app.js, style.css, agencies/*.html) that opens from disk
// (file://) with no server, no CDN and no network. The overview ranks the agencies of a chosen
// province or city on a chosen indicator and year in a bar chart drawn by a small embedded
// script; each agency page shows its indicators over the years as inline SVG line charts
// generated here, its three tables per year as printed (blank kept blank), its failed identity
// checks and links to its sources and archived copies. See README.md.
package htmlsite

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"log/slog"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/store"
)

//go:embed assets/*
var assets embed.FS

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"levelLabel": func(l Level) string { return levelLabels[l] },
	"typeLabel":  func(t AgencyType) string { return typeLabels[t] },
	"span":       func(n int) bool { return n > 1 },
	"last":       func(i, n int) bool { return i == n-1 },
}).ParseFS(assets, "assets/*.tmpl"))

var levelLabels = map[Level]string{
	LevelProvince: "省级 province", LevelCity: "市级 city", LevelCounty: "县级 county",
	LevelTownship: "乡级 township", LevelCentral: "中央 central", LevelOther: "其他 other",
}

var typeLabels = map[AgencyType]string{
	TypeGovernment: "人民政府 government", TypeTownship: "乡镇街道 township / subdistrict",
	TypeDepartment: "政府部门 department", TypeDevelopmentZone: "开发区 development zone", TypeOther: "其他 other",
}

// Options steer Write. The zero value is usable.
type Options struct {
	// Title is the site title; a default bilingual title when empty.
	Title string
	// ArchiveDir is the content-addressed archive root (fetch.Archive.Dir, e.g. data/archive).
	// When set, a report whose document is found there (DIR/ab/cdef…) links to that copy.
	ArchiveDir string
	// Locate places an agency (province, city, county, level, type) from its name and the
	// SiteIDCode of its first report; LocateAgency when nil.
	Locate func(agency, siteIDCode string) Place
	// Now stamps the pages; time.Now when nil.
	Now func() time.Time
	// Log receives progress; slog.Default() when nil.
	Log *slog.Logger
}

// AgenciesDir is the sub-directory of the agency pages.
const AgenciesDir = "agencies"

// reportSum is what the site keeps in memory per report: everything but the cells, which are
// rendered to a fragment file during the streaming pass.
type reportSum struct {
	ID                     int64
	Year                   int
	Title, Published       string
	Failed, Passed, NotAss int
	// Filled counts the non-blank cells (to choose one report per agency and year when the
	// store was never reconciled).
	Filled int
	// Logical is true when the report belongs to a logical report (internal/reconcile); Chosen
	// then tells whether it is that logical report's chosen source.
	Logical, Chosen bool
	Vals            []*float64
}

// agencyAcc is one series of the site: a logical agency (jurisdiction code and normalised
// agency of internal/reconcile), or, for a report that belongs to no logical report, the
// agency name as printed.
type agencyAcc struct {
	Name, File string
	Place      Place
	Reports    []reportSum
}

// seriesOf returns the series key, display name, page file and place of report r: its logical
// agency when it belongs to a logical report, else its printed agency name.
func seriesOf(r *store.ReportRow, l *store.LogicalReport, locate func(string, string) Place) (key, name, file string, p func() Place) {
	if l != nil {
		key = "logical\x00" + l.JurisdictionCode + "\x00" + l.AgencyNormalized
		return key, l.AgencyNormalized, agencyFile(l.JurisdictionCode + "/" + l.AgencyNormalized),
			func() Place { return LocateCode(l.AgencyName, l.JurisdictionCode, l.AgencyType) }
	}
	name = strings.TrimSpace(r.Agency)
	return "name\x00" + name, name, agencyFile(name), func() Place { return locate(name, r.SiteIDCode) }
}

// Write generates the site from st into dir (created if needed): index.html, data.js, app.js,
// style.css and one page per agency under agencies/. Reports are streamed from the store and
// each report's tables are rendered as soon as it is read, so memory holds a few numbers per
// report, not its cells. Agency pages left over from an earlier run in dir are removed.
func Write(ctx context.Context, st *store.Store, dir string, opts Options) error {
	if opts.Locate == nil {
		opts.Locate = LocateAgency
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Title == "" {
		opts.Title = "政府信息公开工作年度报告 · 比较 Annual OGI reports compared"
	}
	agDir := filepath.Join(dir, AgenciesDir)
	if err := os.MkdirAll(agDir, 0o755); err != nil {
		return fmt.Errorf("html site: %w", err)
	}
	tmp, err := os.MkdirTemp("", "ogireports-htmlsite-")
	if err != nil {
		return fmt.Errorf("html site: %w", err)
	}
	defer os.RemoveAll(tmp)

	absAg, err := filepath.Abs(agDir)
	if err != nil {
		return fmt.Errorf("html site: %w", err)
	}
	// The reconciliation's logical reports, when it ran: one series per logical agency, the
	// chosen source per year.
	var (
		members map[int64]store.ExportMembership
		logical map[int64]*store.LogicalReport
	)
	has, err := st.HasLogicalReports(ctx)
	if err != nil {
		return fmt.Errorf("html site: %w", err)
	}
	if has {
		if members, err = st.ExportMemberships(ctx); err != nil {
			return fmt.Errorf("html site: %w", err)
		}
		if logical, err = st.ExportLogicalReports(ctx); err != nil {
			return fmt.Errorf("html site: %w", err)
		}
	} else {
		opts.Log.Warn("html site: the store was never reconciled (run crawl import again): one series per printed agency name, one report per year chosen by filled cells")
	}
	agencies := map[string]*agencyAcc{}
	var nReports int
	values := cells.Values{}
	cellMap := map[string]store.CellRow{}
	err = st.EachReportBundle(ctx, store.ExportFilter{}, func(b *store.ReportBundle) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		nReports++
		r := b.Report
		m, inLogical := members[r.ID]
		l := logical[m.LogicalID]
		if !inLogical {
			l = nil
		}
		key, name, file, place := seriesOf(&r, l, opts.Locate)
		a := agencies[key]
		if a == nil {
			a = &agencyAcc{Name: name, File: file, Place: place()}
			agencies[key] = a
		}
		clear(values)
		clear(cellMap)
		filled := 0
		for _, c := range b.Cells {
			values[c.Key] = c.Value
			cellMap[c.Key] = c
			if c.Value != nil {
				filled++
			}
		}
		sum := reportSum{ID: r.ID, Year: r.Year, Title: r.Title, Published: r.Published,
			Failed: r.ChecksFailed, Passed: r.ChecksPassed, NotAss: r.ChecksNotAssessable,
			Filled: filled, Logical: l != nil, Chosen: l != nil && m.Chosen,
			Vals: ComputeIndicators(values, cells.Layout(r.LayoutT3))}
		a.Reports = append(a.Reports, sum)
		return writeFragment(tmp, b, cellMap, opts.ArchiveDir, absAg)
	})
	if err != nil {
		return fmt.Errorf("html site: read store: %w", err)
	}

	list := make([]*agencyAcc, 0, len(agencies))
	for _, a := range agencies {
		list = append(list, a)
	}
	slices.SortFunc(list, func(a, b *agencyAcc) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.File, b.File)) })
	generated := opts.Now().UTC().Format("2006-01-02 15:04 UTC")

	keep := map[string]bool{}
	for _, a := range list {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("html site: %w", err)
		}
		keep[a.File] = true
		if err := writeAgencyPage(filepath.Join(agDir, a.File), tmp, a, opts.Title, generated); err != nil {
			return err
		}
	}
	if err := removeStale(agDir, keep); err != nil {
		return err
	}
	if err := writeData(filepath.Join(dir, "data.js"), list, generated); err != nil {
		return err
	}
	for _, f := range []string{"app.js", "style.css"} {
		b, err := assets.ReadFile("assets/" + f)
		if err != nil {
			return fmt.Errorf("html site: %w", err)
		}
		if err := writeFile(filepath.Join(dir, f), b); err != nil {
			return err
		}
		if f == "style.css" {
			if err := writeFile(filepath.Join(agDir, f), b); err != nil {
				return err
			}
		}
	}
	var buf bytes.Buffer
	if err := templates.ExecuteTemplate(&buf, "index.tmpl", indexView{
		Title: opts.Title, Generated: generated, Agencies: list, Reports: nReports, Indicators: Indicators,
	}); err != nil {
		return fmt.Errorf("html site: render index: %w", err)
	}
	if err := writeFile(filepath.Join(dir, "index.html"), buf.Bytes()); err != nil {
		return err
	}
	opts.Log.Info("html site written", "dir", dir, "agencies", len(list), "reports", nReports)
	return nil
}

// agencyFile names an agency's page: a digest of its name, so any name gives a safe file name.
func agencyFile(name string) string {
	s := sha256.Sum256([]byte(name))
	return "a" + hex.EncodeToString(s[:6]) + ".html"
}

func writeFile(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("html site: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("html site: %w", err)
	}
	return nil
}

func removeStale(agDir string, keep map[string]bool) error {
	ents, err := os.ReadDir(agDir)
	if err != nil {
		return fmt.Errorf("html site: %w", err)
	}
	for _, e := range ents {
		n := e.Name()
		if strings.HasSuffix(n, ".html") && !keep[n] {
			if err := os.Remove(filepath.Join(agDir, n)); err != nil {
				return fmt.Errorf("html site: remove stale page: %w", err)
			}
		}
	}
	return nil
}

// reportView is one report's section on its agency page.
type reportView struct {
	Report  store.ReportRow
	Tables  []tableView
	Failed  []store.ExportCheck
	Sources []sourceLink
	// Archive links the archived document; for a page read with its pictures, the page.
	Archive string
	// Pictures are the pictures a page's tables were read from (cells' page N is picture N).
	Pictures []pictureLink
}

// pictureLink is one picture of a page whose tables are images.
type pictureLink struct {
	N int
	// URL is where it was fetched; Archive links its archived copy ("" when not archived).
	URL, Archive string
}

type sourceLink struct {
	Text string
	// URL is set for http(s) sources only (a local path from `crawl import` is shown as text).
	URL string
}

// writeFragment renders one report's section to tmp/<id>.html.
func writeFragment(tmp string, b *store.ReportBundle, cs map[string]store.CellRow, archiveDir, absAg string) error {
	rv := reportView{Report: b.Report, Tables: buildTables(b.Report, cs)}
	for _, c := range b.Checks {
		if c.Status == string(cells.Fail) {
			rv.Failed = append(rv.Failed, c)
		}
	}
	for _, s := range b.Sources {
		l := sourceLink{Text: s}
		if u, err := url.Parse(s); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			l.URL = s
		}
		rv.Sources = append(rv.Sources, l)
	}
	archived := func(sha string) string {
		if archiveDir == "" || len(sha) <= 2 {
			return ""
		}
		p := filepath.Join(archiveDir, sha[:2], sha[2:])
		if _, err := os.Stat(p); err != nil {
			return ""
		}
		return relLink(absAg, p)
	}
	rv.Archive = archived(b.Report.DocumentSHA256)
	for _, p := range b.Parts {
		if p.Seq == 0 {
			rv.Archive = archived(p.SHA256)
			continue
		}
		rv.Pictures = append(rv.Pictures, pictureLink{N: p.Seq, URL: p.URL, Archive: archived(p.SHA256)})
	}
	var buf bytes.Buffer
	if err := templates.ExecuteTemplate(&buf, "report", rv); err != nil {
		return fmt.Errorf("render report %d: %w", b.Report.ID, err)
	}
	if err := os.WriteFile(filepath.Join(tmp, fmt.Sprintf("%d.html", b.Report.ID)), buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("render report %d: %w", b.Report.ID, err)
	}
	return nil
}

// relLink is a link from the agency pages to a local file: relative when possible (the site
// and the archive move together), a file:// URL otherwise.
func relLink(fromDir, target string) string {
	abs, err := filepath.Abs(target)
	if err != nil {
		return ""
	}
	if rel, err := filepath.Rel(fromDir, abs); err == nil {
		return (&url.URL{Path: filepath.ToSlash(rel)}).String()
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
}

// agencyView is an agency page.
type agencyView struct {
	Title, Generated string
	Agency           *agencyAcc
	Charts           []lineChart
	Years            []yearView
}

type yearView struct {
	Year    int
	Reports []template.HTML
}

// chosen returns one report per known year in year order: the chosen source of the logical
// report (internal/reconcile: best current source, then fewer failed checks, then earliest);
// for a series never reconciled, the report with most non-blank cells, then fewest failed
// checks, then the latest id.
func (a *agencyAcc) chosen() []reportSum {
	best := map[int]reportSum{}
	for _, r := range a.Reports {
		if r.Year == 0 {
			continue
		}
		if r.Logical {
			if r.Chosen {
				best[r.Year] = r
			}
			continue
		}
		b, ok := best[r.Year]
		if !ok || r.Filled > b.Filled || r.Filled == b.Filled && (r.Failed < b.Failed || r.Failed == b.Failed && r.ID > b.ID) {
			best[r.Year] = r
		}
	}
	out := make([]reportSum, 0, len(best))
	for _, r := range best {
		out = append(out, r)
	}
	slices.SortFunc(out, func(x, y reportSum) int { return cmp.Compare(x.Year, y.Year) })
	return out
}

func writeAgencyPage(path, tmp string, a *agencyAcc, title, generated string) error {
	v := agencyView{Title: title, Generated: generated, Agency: a}
	ch := a.chosen()
	if len(ch) > 0 {
		var years []int
		for y := ch[0].Year; y <= ch[len(ch)-1].Year; y++ {
			years = append(years, y)
		}
		byYear := map[int]reportSum{}
		for _, r := range ch {
			byYear[r.Year] = r
		}
		for i, ind := range Indicators {
			vals := make([]*float64, len(years))
			for j, y := range years {
				if r, ok := byYear[y]; ok {
					vals[j] = r.Vals[i]
				}
			}
			if c, ok := buildLineChart(ind, years, vals); ok {
				v.Charts = append(v.Charts, c)
			}
		}
	}
	reports := slices.Clone(a.Reports)
	slices.SortFunc(reports, func(x, y reportSum) int {
		return cmp.Or(cmp.Compare(y.Year, x.Year), cmp.Compare(x.ID, y.ID))
	})
	for _, r := range reports {
		if len(v.Years) == 0 || v.Years[len(v.Years)-1].Year != r.Year {
			v.Years = append(v.Years, yearView{Year: r.Year})
		}
		frag, err := os.ReadFile(filepath.Join(tmp, fmt.Sprintf("%d.html", r.ID)))
		if err != nil {
			return fmt.Errorf("html site: agency page %s: %w", a.Name, err)
		}
		yv := &v.Years[len(v.Years)-1]
		// The fragment was rendered by html/template (writeFragment): it is escaped HTML.
		yv.Reports = append(yv.Reports, template.HTML(frag))
	}
	var buf bytes.Buffer
	if err := templates.ExecuteTemplate(&buf, "agency.tmpl", v); err != nil {
		return fmt.Errorf("html site: render agency page %s: %w", a.Name, err)
	}
	return writeFile(path, buf.Bytes())
}

// indexView is the overview page.
type indexView struct {
	Title, Generated string
	Agencies         []*agencyAcc
	Reports          int
	Indicators       []Indicator
}

// siteData is data.js: compact arrays, so that the overview stays small for thousands of
// agencies.
type siteData struct {
	Generated  string          `json:"generated"`
	Years      []int           `json:"years"`
	Indicators []dataIndicator `json:"indicators"`
	// Agencies: [name, province, city, county, level, type, page].
	Agencies [][7]string `json:"agencies"`
	// Rows: [agency index, year, report id, checks failed, passed, not assessable, values…]
	// (one per agency and year, the report chosen as on the agency page; null = blank).
	Rows [][]any `json:"rows"`
}

type dataIndicator struct {
	ID   string `json:"id"`
	ZH   string `json:"zh"`
	EN   string `json:"en"`
	Unit string `json:"unit"`
	Def  string `json:"def"`
}

func writeData(path string, list []*agencyAcc, generated string) error {
	d := siteData{Generated: generated, Years: []int{}, Rows: [][]any{}, Agencies: [][7]string{}}
	for _, ind := range Indicators {
		d.Indicators = append(d.Indicators, dataIndicator{ind.ID, ind.ZH, ind.EN, ind.Unit, ind.Def})
	}
	years := map[int]bool{}
	for i, a := range list {
		p := a.Place
		d.Agencies = append(d.Agencies, [7]string{a.Name, p.Province, p.City, p.County, string(p.Level), string(p.Type), AgenciesDir + "/" + a.File})
		for _, r := range a.chosen() {
			years[r.Year] = true
			row := []any{i, r.Year, r.ID, r.Failed, r.Passed, r.NotAss}
			for _, v := range r.Vals {
				if v == nil || math.IsNaN(*v) || math.IsInf(*v, 0) {
					row = append(row, nil)
				} else {
					row = append(row, math.Round(*v*100)/100)
				}
			}
			d.Rows = append(d.Rows, row)
		}
	}
	for y := range years {
		d.Years = append(d.Years, y)
	}
	slices.Sort(d.Years)
	b, err := json.Marshal(d) // escapes <, > and & : safe inside a script
	if err != nil {
		return fmt.Errorf("html site: data.js: %w", err)
	}
	var buf bytes.Buffer
	buf.WriteString("// Generated by ogireports (export --html). Loaded by index.html as a script: JSON\n// fetched by XHR does not load from file:// pages.\nwindow.OGI_DATA = ")
	buf.Write(b)
	buf.WriteString(";\n")
	return writeFile(path, buf.Bytes())
}
