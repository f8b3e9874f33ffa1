package htmlsite

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/fetch"
	"github.com/ogireports/ogireports/internal/pipeline"
	"github.com/ogireports/ogireports/internal/reportgen"
	"github.com/ogireports/ogireports/internal/store"
)

func f(v float64) *float64 { return &v }

func TestParsePlace(t *testing.T) {
	tests := []struct {
		name string
		want Place
	}{
		{"烟台市牟平区人民政府", Place{City: "烟台市", County: "牟平区", Level: LevelCounty, Type: TypeGovernment}},
		{"青岛市市南区人民政府", Place{City: "青岛市", County: "市南区", Level: LevelCounty, Type: TypeGovernment}},
		{"青岛市黄岛区教育和体育局", Place{City: "青岛市", County: "黄岛区", Level: LevelCounty, Type: TypeDepartment}},
		{"潍坊市奎文区住房和城乡建设局", Place{City: "潍坊市", County: "奎文区", Level: LevelCounty, Type: TypeDepartment}},
		{"济南市历下区泉城路街道办事处", Place{City: "济南市", County: "历下区", Township: "泉城路街道", Level: LevelTownship, Type: TypeTownship}},
		{"苏州市吴中区木渎镇人民政府", Place{City: "苏州市", County: "吴中区", Township: "木渎镇", Level: LevelTownship, Type: TypeTownship}},
		{"重庆市江北区民政局", Place{Province: "重庆市", City: "重庆市", County: "江北区", Level: LevelCounty, Type: TypeDepartment}},
		{"北京市人民政府", Place{Province: "北京市", City: "北京市", Level: LevelProvince, Type: TypeGovernment}},
		{"山东省教育厅", Place{Province: "山东省", Level: LevelProvince, Type: TypeDepartment}},
		{"山东省烟台市人民政府", Place{Province: "山东省", City: "烟台市", Level: LevelCity, Type: TypeGovernment}},
		{"烟台市市场监督管理局", Place{City: "烟台市", Level: LevelCity, Type: TypeDepartment}},
		{"烟台市城市管理局", Place{City: "烟台市", Level: LevelCity, Type: TypeDepartment}},
		{"杭州市西湖区卫生健康局", Place{City: "杭州市", County: "西湖区", Level: LevelCounty, Type: TypeDepartment}},
		{"延边朝鲜族自治州人民政府", Place{City: "延边朝鲜族自治州", Level: LevelCity, Type: TypeGovernment}},
		{"国务院办公厅", Place{Level: LevelOther, Type: TypeOther}},
		{"", Place{Level: LevelOther, Type: TypeOther}},
	}
	for _, tt := range tests {
		if got := ParsePlace(tt.name); got != tt.want {
			t.Errorf("ParsePlace(%q) = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestComputeIndicators(t *testing.T) {
	idx := map[string]int{}
	for i, ind := range Indicators {
		idx[ind.ID] = i
	}
	if len(Indicators) < 10 {
		t.Fatalf("only %d indicators", len(Indicators))
	}
	t3 := func(kv ...any) cells.Values {
		v := cells.Values{}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == nil {
				v[kv[i].(string)] = nil
			} else {
				v[kv[i].(string)] = f(float64(kv[i+1].(int)))
			}
		}
		return v
	}
	tests := []struct {
		name   string
		v      cells.Values
		layout cells.Layout
		id     string
		want   *float64
	}{
		{"count", t3("t3.new_received.total", 97), cells.Gov2021, "requests_received", f(97)},
		{"blank count", t3("t3.new_received.total", nil), cells.Gov2021, "requests_received", nil},
		{"missing count", cells.Values{}, cells.Gov2021, "requests_received", nil},
		{"zero is zero", t3("t4.review.total", 0), cells.Gov2021, "review_total", f(0)},
		{"share granted in percent", t3("t3.granted.total", 20, "t3.partly_granted.total", 10, "t3.total_processed.total", 120), cells.Gov2021, "share_granted", f(25)},
		{"share of zero processed", t3("t3.granted.total", 0, "t3.partly_granted.total", 0, "t3.total_processed.total", 0), cells.Gov2021, "share_granted", nil},
		{"share with blank", t3("t3.granted.total", nil, "t3.partly_granted.total", 1, "t3.total_processed.total", 5), cells.Gov2021, "share_granted", nil},
		{"share of unknown t3 layout", t3("t3.granted.total", 1, "t3.partly_granted.total", 1, "t3.total_processed.total", 4), cells.Unknown, "share_granted", nil},
		{"correction rate", t3("t4.review.corrected", 3, "t4.review.total", 4), cells.Gov2021, "review_correction_rate", f(75)},
		{"litigation sum", t3("t4.litigation_direct.total", 10, "t4.litigation_after_review.total", 2), cells.Gov2021, "litigation_total", f(12)},
		{"litigation sum with blank", t3("t4.litigation_direct.total", 10, "t4.litigation_after_review.total", nil), cells.Gov2021, "litigation_total", nil},
		{"licensing", t3("t2.licensing.decisions", 30362), cells.Gov2019, "licensing_decisions", f(30362)},
	}
	for _, tt := range tests {
		i, ok := idx[tt.id]
		if !ok {
			t.Errorf("%s: no indicator %s", tt.name, tt.id)
			continue
		}
		got := ComputeIndicators(tt.v, tt.layout)[i]
		if (got == nil) != (tt.want == nil) || got != nil && math.Abs(*got-*tt.want) > 1e-9 {
			t.Errorf("%s: %s = %v, want %v", tt.name, tt.id, show(got), show(tt.want))
		}
	}
}

func TestLocateAgency(t *testing.T) {
	tests := []struct {
		name string
		want Place
	}{
		{"烟台市牟平区人民政府", Place{Province: "山东省", City: "烟台市", County: "牟平区", Level: LevelCounty, Type: TypeGovernment}},
		{"烟台市牟平区宁海街道办事处", Place{Province: "山东省", City: "烟台市", County: "牟平区", Township: "宁海街道", Level: LevelTownship, Type: TypeTownship}},
		{"青岛市黄岛区教育和体育局", Place{Province: "山东省", City: "青岛市", County: "黄岛区", Level: LevelCounty, Type: TypeDepartment}},
		{"重庆市江北区民政局", Place{Province: "重庆市", City: "重庆市", County: "江北区", Level: LevelCounty, Type: TypeDepartment}},
		{"烟台市城市管理局", Place{Province: "山东省", City: "烟台市", Level: LevelCity, Type: TypeDepartment}},
		{"北京市人民政府", Place{Province: "北京市", City: "北京市", Level: LevelProvince, Type: TypeGovernment}},
		{"国务院办公厅", Place{Level: LevelCentral, Type: TypeDepartment}},
	}
	for _, tt := range tests {
		if got := LocateAgency(tt.name, ""); got != tt.want {
			t.Errorf("LocateAgency(%q) = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func show(p *float64) string {
	if p == nil {
		return "blank"
	}
	return strconv.FormatFloat(*p, 'g', -1, 64)
}

func TestBuildLineChart(t *testing.T) {
	ind := Indicators[0]
	tests := []struct {
		name     string
		years    []int
		vals     []*float64
		ok       bool
		segments int
		points   int
	}{
		{"all blank", []int{2020, 2021}, []*float64{nil, nil}, false, 0, 0},
		{"one year", []int{2022}, []*float64{f(5)}, true, 1, 1},
		{"gap breaks the line", []int{2019, 2020, 2021, 2022}, []*float64{f(1), f(2), nil, f(4)}, true, 2, 3},
		{"zeros are drawn", []int{2020, 2021}, []*float64{f(0), f(0)}, true, 1, 2},
	}
	for _, tt := range tests {
		c, ok := buildLineChart(ind, tt.years, tt.vals)
		if ok != tt.ok || len(c.Segments) != tt.segments || len(c.Points) != tt.points {
			t.Errorf("%s: ok=%v segments=%d points=%d, want %v %d %d", tt.name, ok, len(c.Segments), len(c.Points), tt.ok, tt.segments, tt.points)
			continue
		}
		for _, p := range c.Points {
			if p.X < c.X0 || p.X > c.X1 || p.Y > c.Y0 || p.Y < c.Y1 {
				t.Errorf("%s: point %+v outside the plot [%v,%v]×[%v,%v]", tt.name, p, c.X0, c.X1, c.Y1, c.Y0)
			}
		}
	}
}

// testAgencies are the generated agencies: two cities with several units each.
var testAgencies = []string{
	"烟台市牟平区人民政府", "烟台市芝罘区人民政府", "烟台市莱山区人民政府", "烟台市福山区教育和体育局",
	"烟台市牟平区宁海街道办事处", "青岛市市南区人民政府", "青岛市黄岛区教育和体育局",
}

var testYears = []int{2020, 2021, 2022, 2023}

// buildStore imports generated reports (testAgencies × testYears, one with a broken identity)
// into a fresh store, archiving every document in archiveDir.
func buildStore(t *testing.T, archiveDir string) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "ogi.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	rng := rand.New(rand.NewSource(42))
	arch := &fetch.Archive{Dir: archiveDir}
	ctx := context.Background()
	for i, agency := range testAgencies {
		for _, year := range testYears {
			opts := reportgen.Options{}
			if i == 0 && year == 2022 {
				opts.Break = cells.IDT3Balance
			}
			v := reportgen.New(rng, agency, year, opts)
			data := v.HTML()
			src := fmt.Sprintf("https://www.example.gov.cn/zfxxgk/%d/%d/report.html", i, year)
			in := pipeline.Input{Data: data, Name: "report.html", Source: src}
			if i == 1 && year == 2023 {
				// A page read with a picture it shows (the site links the picture's archived copy).
				in.Data = bytes.Replace(data, []byte("</h1>"), []byte(`</h1><p><img src="photo.png"></p>`), 1)
				in.Parts = []pipeline.Part{{URL: pictureURL, Data: []byte("\x89PNG\r\n\x1a\narchived picture")}}
				if _, _, err := arch.Put(in.Parts[0].Data); err != nil {
					t.Fatal(err)
				}
			}
			if _, _, err := arch.Put(in.Data); err != nil {
				t.Fatal(err)
			}
			res, err := pipeline.Process(ctx, st, in)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != store.StatusReport {
				t.Fatalf("%s %d: %s %s", agency, year, res.Status, res.Reason)
			}
		}
	}
	return st
}

// pictureURL is the picture one report of buildStore is read with.
const pictureURL = "https://www.example.gov.cn/zfxxgk/1/2023/photo.png"

// storeFacts reads back what the test asserts against: every report's cells by agency and year.
type storeReport struct {
	ID     int64
	Agency string
	Year   int
	Cells  map[string]store.CellRow
	Failed int
	SHA    string
	T3     cells.Layout
}

func readStore(t *testing.T, st *store.Store) []storeReport {
	t.Helper()
	var out []storeReport
	err := st.EachReportBundle(context.Background(), store.ExportFilter{}, func(b *store.ReportBundle) error {
		r := storeReport{ID: b.Report.ID, Agency: b.Report.Agency, Year: b.Report.Year, Cells: map[string]store.CellRow{},
			Failed: b.Report.ChecksFailed, SHA: b.Report.DocumentSHA256, T3: cells.Layout(b.Report.LayoutT3)}
		for _, c := range b.Cells {
			r.Cells[c.Key] = c
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func writeSite(t *testing.T) (dir string, st *store.Store, facts []storeReport, archive string) {
	t.Helper()
	archive = t.TempDir()
	st = buildStore(t, archive)
	dir = filepath.Join(t.TempDir(), "site")
	now := func() time.Time { return time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC) }
	if err := Write(context.Background(), st, dir, Options{ArchiveDir: archive, Now: now}); err != nil {
		t.Fatal(err)
	}
	return dir, st, readStore(t, st), archive
}

var reURL = regexp.MustCompile(`(?i)\b(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s"'<>)]*`)

func TestWrite(t *testing.T) {
	dir, st, facts, _ := writeSite(t)
	if len(facts) != len(testAgencies)*len(testYears) {
		t.Fatalf("store has %d reports, want %d", len(facts), len(testAgencies)*len(testYears))
	}
	for _, name := range []string{"index.html", "data.js", "app.js", "style.css", "agencies/style.css"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	pages, _ := filepath.Glob(filepath.Join(dir, AgenciesDir, "*.html"))
	if len(pages) != len(testAgencies) {
		t.Errorf("%d agency pages, want %d", len(pages), len(testAgencies))
	}
	// Bounded output: the overview data grows by a few hundred bytes per agency and year, an
	// agency page by its own reports only.
	sizes := []struct {
		path string
		max  int64
	}{
		{filepath.Join(dir, "data.js"), int64(2000 + 400*len(testAgencies)*len(testYears))},
		{filepath.Join(dir, "index.html"), 20000},
	}
	for _, p := range pages {
		sizes = append(sizes, struct {
			path string
			max  int64
		}{p, int64(len(testYears)) * 60000})
	}
	for _, s := range sizes {
		if fi, err := os.Stat(s.path); err != nil || fi.Size() > s.max {
			t.Errorf("%s: %v bytes (max %d), %v", s.path, fi.Size(), s.max, err)
		}
	}

	// Every report's tables show the stored value_text of every cell, blank kept blank.
	for _, r := range facts {
		page, err := os.ReadFile(filepath.Join(dir, AgenciesDir, agencyFile(r.Agency)))
		if err != nil {
			t.Fatal(err)
		}
		sec := section(string(page), r.ID)
		if sec == "" {
			t.Errorf("report %d: no section on the page of %s", r.ID, r.Agency)
			continue
		}
		tds := cellsOf(sec)
		for key, c := range r.Cells {
			got, ok := tds[key]
			if !ok {
				t.Errorf("report %d: cell %s not printed", r.ID, key)
				continue
			}
			if html.UnescapeString(got.text) != c.ValueText || got.blank != (c.Value == nil) {
				t.Errorf("report %d: %s printed %q blank=%v, store has %q blank=%v", r.ID, key, got.text, got.blank, c.ValueText, c.Value == nil)
			}
		}
		if !strings.Contains(sec, fmt.Sprintf(`href="https://www.example.gov.cn/zfxxgk/`)) {
			t.Errorf("report %d: no source link", r.ID)
		}
		if !strings.Contains(sec, `class="archive" href="../../`) {
			t.Errorf("report %d: no relative archive link", r.ID)
		}
		if hasPic := strings.Contains(sec, `class="picture" href="../../`) && strings.Contains(sec, pictureURL); hasPic != (r.Agency == testAgencies[1] && r.Year == 2023) {
			t.Errorf("report %d (%s %d): archived picture link %v", r.ID, r.Agency, r.Year, hasPic)
		}
		if r.Failed > 0 && !strings.Contains(sec, "failed checks") {
			t.Errorf("report %d: %d failed checks not listed", r.ID, r.Failed)
		}
	}

	// The broken report lists its failed t3.balance check.
	var broken int
	for _, r := range facts {
		if r.Agency == testAgencies[0] && r.Year == 2022 {
			broken = r.Failed
		}
	}
	if broken == 0 {
		t.Errorf("the broken report has no failed check in the store")
	}

	// No URL of an external host except the source links (pages and the pictures read with them).
	sources := map[string]bool{}
	_ = st.EachReportBundle(context.Background(), store.ExportFilter{}, func(b *store.ReportBundle) error {
		for _, s := range b.Sources {
			sources[s] = true
		}
		for _, p := range b.Parts {
			sources[p.URL] = true
		}
		return nil
	})
	checkNoExternalURLs(t, dir, sources)

	// A second Write over the same folder removes agency pages no longer in the store.
	stale := filepath.Join(dir, AgenciesDir, "astale.html")
	if err := os.WriteFile(stale, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(context.Background(), st, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale page kept: %v", err)
	}
}

// checkNoExternalURLs fails for any http(s) URL in the site that is not a source link (the SVG
// and XLink namespace names in app.js are identifiers, not fetched).
func checkNoExternalURLs(t *testing.T, dir string, sources map[string]bool) {
	t.Helper()
	allowed := map[string]bool{"http://www.w3.org/2000/svg": true, "http://www.w3.org/1999/xlink": true}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, u := range reURL.FindAllString(string(b), -1) {
			if !allowed[u] && !sources[u] {
				t.Errorf("%s: external URL %s", p, u)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// section returns the <article> of report id in an agency page.
func section(page string, id int64) string {
	i := strings.Index(page, fmt.Sprintf(`<article class="report" id="r%d"`, id))
	if i < 0 {
		return ""
	}
	j := strings.Index(page[i:], "</article>")
	if j < 0 {
		return ""
	}
	return page[i : i+j]
}

type printed struct {
	text  string
	blank bool
}

var reTD = regexp.MustCompile(`<td data-key="([^"]+)"([^>]*)>([^<]*)</td>`)

// cellsOf maps data-key → printed text of the table cells of a section.
func cellsOf(sec string) map[string]printed {
	out := map[string]printed{}
	for _, m := range reTD.FindAllStringSubmatch(sec, -1) {
		out[m[1]] = printed{text: m[3], blank: strings.Contains(m[2], `class="blank"`)}
	}
	return out
}

// agenciesWithValue counts the agencies with a report in year whose indicator is non-blank,
// and returns one of them with its value, from the store's cells.
func agenciesWithValue(facts []storeReport, year int, indID string) (n int, values map[string]float64) {
	i := slices.IndexFunc(Indicators, func(x Indicator) bool { return x.ID == indID })
	values = map[string]float64{}
	for _, r := range facts {
		if r.Year != year {
			continue
		}
		v := cells.Values{}
		for k, c := range r.Cells {
			v[k] = c.Value
		}
		if x := ComputeIndicators(v, r.T3)[i]; x != nil {
			values[r.Agency] = *x
		}
	}
	return len(values), values
}

// TestEscaping renders hostile agency names and printed text: html/template and json.Marshal
// must keep them inert in index.html, data.js and the agency page.
func TestEscaping(t *testing.T) {
	dir := t.TempDir()
	evil := `</script><script>alert("x")</script>区人民政府`
	list := []*agencyAcc{{Name: evil, File: agencyFile(evil), Place: ParsePlace(evil),
		Reports: []reportSum{{ID: 1, Year: 2022, Title: evil, Passed: 1, Vals: ComputeIndicators(cells.Values{"t3.new_received.total": f(5)}, cells.Gov2021)}}}}
	if err := writeData(filepath.Join(dir, "data.js"), list, "now"); err != nil {
		t.Fatal(err)
	}
	js, _ := os.ReadFile(filepath.Join(dir, "data.js"))
	if strings.Contains(string(js), "</script>") || !strings.Contains(string(js), `\u003c/script\u003e`) {
		t.Errorf("data.js does not escape the name: %s", js)
	}
	var buf strings.Builder
	if err := templates.ExecuteTemplate(&buf, "index.tmpl", indexView{Title: "t", Agencies: list}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), `<script>alert`) {
		t.Errorf("index.html does not escape the name")
	}
	tmp := t.TempDir()
	b := &store.ReportBundle{Report: store.ReportRow{ID: 1, Title: evil, LayoutT4: "gov2021"},
		Sources: []string{"javascript:alert(1)", "https://example.gov.cn/a?b=<c>"}}
	cs := map[string]store.CellRow{"t4.review.total": {Key: "t4.review.total", ValueText: "<b>7</b>", Value: f(7)}}
	if err := writeFragment(tmp, b, cs, "", tmp); err != nil {
		t.Fatal(err)
	}
	frag, _ := os.ReadFile(filepath.Join(tmp, "1.html"))
	for _, bad := range []string{"<script>alert", "<b>7</b>", `href="javascript:`, "b=<c>"} {
		if strings.Contains(string(frag), bad) {
			t.Errorf("report fragment contains %q", bad)
		}
	}
	if !strings.Contains(string(frag), "&lt;b&gt;7&lt;/b&gt;") {
		t.Errorf("printed text not kept (escaped) in the table")
	}
}

// TestWriteEmptyStore writes a valid (empty) site from an empty store.
func TestWriteEmptyStore(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "empty.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dir := filepath.Join(t.TempDir(), "site")
	if err := Write(context.Background(), st, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	js, err := os.ReadFile(filepath.Join(dir, "data.js"))
	if err != nil || !strings.Contains(string(js), `"agencies":[]`) || !strings.Contains(string(js), `"rows":[]`) {
		t.Errorf("data.js of an empty store: %s %v", js, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Write(ctx, buildStore(t, t.TempDir()), filepath.Join(t.TempDir(), "x"), Options{}); err == nil {
		t.Errorf("Write with a cancelled context succeeded")
	}
}
